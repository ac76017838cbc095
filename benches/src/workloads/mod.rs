//! The workloads of `docs/benchmarks.md`, each written once as a function generic over
//! [`Rt`], and the table that lists them with their metrics and targets.
//!
//! A workload function builds a fresh runtime, does the work, and returns one value per
//! metric, or `None` when the runtime lacks what the workload needs (the cell reads "n/a").
//! Workloads time themselves, so runtime construction and teardown are never counted.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::rt::{Flavor, Heddle, Rt, SmolLocal, SmolMt, Tokio};

pub mod files;
pub mod idle;
pub mod net;
pub mod spawn;
pub mod sync;
pub mod timers;

/// How large a run is: multiplies the counts of `docs/benchmarks.md`.
///
/// Light workloads take milliseconds at full size and are shrunk only for the smoke test;
/// heavy ones (sockets, timers, a million messages, the idle-CPU window) also shrink for
/// `--quick`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// Factor for the counts of light workloads.
    pub light: f64,
    /// Factor for the counts and durations of heavy workloads.
    pub heavy: f64,
}

impl Scale {
    /// The sizes of `docs/benchmarks.md`.
    pub const FULL: Scale = Scale {
        light: 1.0,
        heavy: 1.0,
    };
    /// `--quick`: heavy workloads at a quarter size.
    pub const QUICK: Scale = Scale {
        light: 1.0,
        heavy: 0.25,
    };
    /// The smoke test: everything at 1/1000.
    pub const TINY: Scale = Scale {
        light: 0.001,
        heavy: 0.001,
    };

    /// `full` scaled as a light count, at least 1.
    pub fn light(&self, full: usize) -> usize {
        scale_count(full, self.light)
    }

    /// `full` scaled as a heavy count, at least 1.
    pub fn heavy(&self, full: usize) -> usize {
        scale_count(full, self.heavy)
    }

    /// `full` scaled as a heavy duration, at least 1 ms.
    pub fn heavy_duration(&self, full: Duration) -> Duration {
        full.mul_f64(self.heavy).max(Duration::from_millis(1))
    }
}

fn scale_count(full: usize, factor: f64) -> usize {
    ((full as f64 * factor).round() as usize).max(1)
}

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Times, latencies, bytes: smaller is better.
    Lower,
    /// Rates: larger is better.
    Higher,
}

/// The goal `docs/benchmarks.md` sets for heddle on one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// No target; the metric is shown for information.
    None,
    /// The ratio to the best peer of the same flavor (heddle ÷ best for lower-is-better
    /// metrics, best ÷ heddle for rates) is at most this.
    Ratio(f64),
    /// heddle's own value is at most this many of the given unit.
    AtMost(f64, &'static str),
}

/// One number a workload reports per sample.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// The unit and qualifier shown in the table, e.g. `ns/task`.
    pub unit: &'static str,
    /// Which way is better.
    pub better: Better,
    /// heddle's target.
    pub target: Target,
}

const fn lower(unit: &'static str, target: Target) -> Metric {
    Metric {
        unit,
        better: Better::Lower,
        target,
    }
}

const fn higher(unit: &'static str, target: Target) -> Metric {
    Metric {
        unit,
        better: Better::Higher,
        target,
    }
}

/// The target of every throughput and latency workload: 0.8× the best peer.
const FAST: Target = Target::Ratio(0.8);

/// One sample of one workload on one runtime: a value per metric, or `None` for "n/a".
pub type RunFn = fn(Scale) -> Option<Vec<f64>>;

/// A workload: its name, metrics, where it applies, and one instantiation per runtime.
pub struct Workload {
    /// The name in `docs/benchmarks.md`, used by `--only`.
    pub name: &'static str,
    /// What it does, for the report.
    pub what: &'static str,
    /// The numbers it reports; the table has a row per metric.
    pub metrics: &'static [Metric],
    /// The flavors it is defined for (others show "—").
    pub flavors: &'static [Flavor],
    /// Run each sample in a fresh child process (memory and CPU measurements).
    pub isolate: bool,
    /// The workload instantiated for each entry of [`RUNTIMES`], in that order.
    pub runs: [RunFn; RUNTIMES.len()],
}

impl Workload {
    /// Whether the workload is defined for `flavor`.
    pub fn applies_to(&self, flavor: Flavor) -> bool {
        self.flavors.contains(&flavor)
    }

    /// Runs one sample on the runtime at `index` of [`RUNTIMES`].
    pub fn run(&self, index: usize, scale: Scale) -> Option<Vec<f64>> {
        (self.runs[index])(scale)
    }
}

/// A runtime in the comparison.
#[derive(Debug, Clone, Copy)]
pub struct RuntimeInfo {
    /// Its name (`--runtime`).
    pub name: &'static str,
    /// Its flavor.
    pub flavor: Flavor,
    /// Whether it is heddle (the others are the peers).
    pub heddle: bool,
}

const fn info<R: Rt>(heddle: bool) -> RuntimeInfo {
    RuntimeInfo {
        name: R::NAME,
        flavor: R::FLAVOR,
        heddle,
    }
}

/// Every runtime, in table order: the current-thread group, then the multi-thread group.
/// A new runtime is an entry here and one in the `per_runtime!` macro below.
pub const RUNTIMES: [RuntimeInfo; 6] = [
    info::<Heddle<false>>(true),
    info::<Tokio<false>>(false),
    info::<SmolLocal>(false),
    info::<Heddle<true>>(true),
    info::<Tokio<true>>(false),
    info::<SmolMt>(false),
];

/// Instantiates a generic workload function for every runtime of [`RUNTIMES`].
macro_rules! per_runtime {
    ($($f:ident)::+) => {
        [
            $($f)::+::<Heddle<false>>,
            $($f)::+::<Tokio<false>>,
            $($f)::+::<SmolLocal>,
            $($f)::+::<Heddle<true>>,
            $($f)::+::<Tokio<true>>,
            $($f)::+::<SmolMt>,
        ]
    };
}

const BOTH: &[Flavor] = &[Flavor::CurrentThread, Flavor::MultiThread];

/// Every workload of `docs/benchmarks.md`, in the order of its table.
pub static WORKLOADS: &[Workload] = &[
    Workload {
        name: "spawn_many_local",
        what: "inside the runtime, spawn 10,000 trivial tasks, await every JoinHandle",
        metrics: &[lower("ns/task", FAST)],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(spawn::spawn_many_local),
    },
    Workload {
        name: "spawn_many_remote",
        what: "one outside thread spawns 10,000 tasks through a handle; the last one to finish wakes block_on",
        metrics: &[lower("ns/task", FAST)],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(spawn::spawn_many_remote),
    },
    Workload {
        name: "spawn_many_unsend",
        what: "10,000 !Send tasks (each holds an Rc) via spawn_local, await all",
        metrics: &[lower("ns/task", FAST)],
        flavors: &[Flavor::CurrentThread],
        isolate: false,
        runs: per_runtime!(spawn::spawn_many_unsend),
    },
    Workload {
        name: "remote_spawn_contended",
        what: "12,800 no-op tasks spawned from 1, 2, 4 and 8 outside threads at once (fresh runtime each)",
        metrics: &[
            lower("ns/task, 1 thread", FAST),
            lower("ns/task, 2 threads", FAST),
            lower("ns/task, 4 threads", FAST),
            lower("ns/task, 8 threads", FAST),
        ],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(spawn::remote_spawn_contended),
    },
    Workload {
        name: "yield_many",
        what: "200 tasks each yield_now 1,000 times",
        metrics: &[lower("ns/yield", FAST)],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(spawn::yield_many),
    },
    Workload {
        name: "ping_pong",
        what: "1,000 spawned pairs; each does one round trip over two oneshot channels",
        metrics: &[lower("ns/round trip", FAST)],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(sync::ping_pong),
    },
    Workload {
        name: "chained_spawn",
        what: "each task spawns the next, depth 1,000",
        metrics: &[lower("ns/spawn", FAST)],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(spawn::chained_spawn),
    },
    Workload {
        name: "spawn_blocking",
        what: "16 tasks × 100 batches × 16 no-op blocking calls",
        metrics: &[lower("ns/call", FAST)],
        flavors: &[Flavor::MultiThread],
        isolate: false,
        runs: per_runtime!(spawn::spawn_blocking),
    },
    Workload {
        name: "timers",
        what: "100,000 tasks each sleep a seeded random 1–10 ms",
        metrics: &[
            lower("total ms", FAST),
            lower("lateness p50 µs", Target::None),
            lower("lateness p99 µs", Target::None),
        ],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(timers::timers),
    },
    Workload {
        name: "timers_light",
        what: "100 sleeps of 1 ms one after another on an idle runtime",
        metrics: &[
            lower("lateness mean µs", Target::None),
            lower("lateness p99 µs", Target::AtMost(100.0, "µs")),
        ],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(timers::timers_light),
    },
    Workload {
        name: "timer_churn",
        what: "insert (create + poll) and cancel (drop) a 1 h timer 100,000 times, with 0 and with 1,000,000 others pending",
        metrics: &[
            lower("ns/op, 0 pending", FAST),
            lower("ns/op, 1M pending", FAST),
            lower("1M ÷ 0 pending", Target::AtMost(1.5, "×")),
        ],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(timers::timer_churn),
    },
    Workload {
        name: "timer_cpu",
        what: "2,000 tasks sleep until distinct deadlines spread over 2 s on an idle runtime; process CPU per second (fresh process)",
        metrics: &[lower("CPU ms/s", Target::Ratio(2.0))],
        flavors: BOTH,
        isolate: true,
        runs: per_runtime!(timers::timer_cpu),
    },
    Workload {
        name: "mpsc_1p",
        what: "1M u64 through bounded(1024), 1 producer task, 1 consumer",
        metrics: &[lower("ns/msg", FAST)],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(sync::mpsc_1p),
    },
    Workload {
        name: "mpsc_4p",
        what: "1M u64 through bounded(1024), 4 producer tasks, 1 consumer",
        metrics: &[lower("ns/msg", FAST)],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(sync::mpsc_4p),
    },
    Workload {
        name: "oneshot_request_reply",
        what: "200,000 requests from one task to a server task over bounded(1024) mpsc, each answered on its own oneshot",
        metrics: &[lower("ns/pair", FAST)],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(sync::oneshot_request_reply),
    },
    Workload {
        name: "tcp_echo",
        what: "64 loopback connections × 2,000 round trips of 64 bytes; clients and server on the runtime",
        metrics: &[higher("round trips/s", FAST)],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(net::tcp_echo),
    },
    Workload {
        name: "http_hello",
        what: "minimal HTTP/1.1 keep-alive hello server; 64 connections × 400 requests from a tokio current-thread load generator on its own thread",
        metrics: &[
            higher("req/s", Target::Ratio(1.0 / 1.2)),
            lower("p99 µs", Target::Ratio(1.0)),
        ],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(net::http_hello),
    },
    Workload {
        name: "fs_small_read",
        what: "read a 4 KiB file with fs::read 2,000 times, one after another",
        metrics: &[higher("reads/s", Target::Ratio(1.0))],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(files::fs_small_read),
    },
    Workload {
        name: "fs_seq",
        what: "write a 64 MiB file in 1 MiB writes through a File, then read it back in 1 MiB reads",
        metrics: &[
            higher("write MB/s", Target::Ratio(1.0)),
            higher("read MB/s", Target::Ratio(1.0)),
        ],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(files::fs_seq),
    },
    Workload {
        name: "fs_read_dir",
        what: "list a directory of 10,000 empty files with read_dir",
        metrics: &[lower("ms", Target::Ratio(1.0))],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(files::fs_read_dir),
    },
    Workload {
        name: "process_spawn",
        what: "spawn `true` and wait for it, 100 times one after another",
        metrics: &[higher("children/s", Target::Ratio(1.0))],
        flavors: BOTH,
        isolate: false,
        runs: per_runtime!(files::process_spawn),
    },
    Workload {
        name: "idle_tasks_memory",
        what: "100,000 tasks pending forever on a shared gate; RSS delta (fresh process)",
        metrics: &[
            lower("bytes/task", Target::None),
            lower("bytes/task beyond the future", Target::AtMost(96.0, "bytes")),
        ],
        flavors: BOTH,
        isolate: true,
        runs: per_runtime!(idle::idle_tasks_memory),
    },
    Workload {
        name: "idle_conn_memory",
        what: "1,000 idle accepted TCP connections, each held by a task pending in read; RSS delta (fresh process)",
        metrics: &[lower("bytes/conn", Target::Ratio(1.0))],
        flavors: BOTH,
        isolate: true,
        runs: per_runtime!(idle::idle_conn_memory),
    },
    Workload {
        name: "idle_cpu",
        what: "process CPU time while the runtime holds 1,000 idle connections for 1 s (fresh process)",
        metrics: &[lower("CPU ms/s", Target::AtMost(1.0, "CPU ms/s"))],
        flavors: BOTH,
        isolate: true,
        runs: per_runtime!(idle::idle_cpu),
    },
];

/// Looks a workload up by name.
pub fn workload(name: &str) -> Option<&'static Workload> {
    WORKLOADS.iter().find(|w| w.name == name)
}

/// Nanoseconds per operation.
pub fn ns_per(elapsed: Duration, ops: usize) -> f64 {
    elapsed.as_nanos() as f64 / ops as f64
}

/// Microseconds in a duration.
pub fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// The `p`-th percentile (0–100) of sorted values, nearest rank.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A seeded xorshift64* generator: the same sequence for every runtime.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A value in `low..high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low)
    }
}

/// Counts tasks arriving; the last one sends on the runtime's oneshot channel.
pub struct Countdown<R: Rt> {
    left: AtomicUsize,
    done: Mutex<Option<R::OnceSender<()>>>,
}

impl<R: Rt> Countdown<R> {
    /// A countdown from `count`, and the receiver that resolves when it reaches zero.
    pub fn new(count: usize) -> (Arc<Countdown<R>>, R::OnceReceiver<()>) {
        let (done, reached) = R::oneshot();
        let countdown = Countdown {
            left: AtomicUsize::new(count),
            done: Mutex::new(Some(done)),
        };
        (Arc::new(countdown), reached)
    }

    /// Counts one arrival.
    pub fn arrive(&self) {
        // AcqRel: the last arrival sees every earlier one's writes before signalling.
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            let done = self.done.lock().expect("countdown poisoned").take();
            if let Some(done) = done {
                R::send_once(done, ());
            }
        }
    }
}

/// A runtime-neutral signal that many tasks wait on: each keeps one waker in a shared
/// `Vec`, so waiting costs the same 16 bytes on every runtime.
#[derive(Clone, Default)]
pub struct Gate {
    state: Arc<Mutex<GateState>>,
}

#[derive(Default)]
struct GateState {
    open: bool,
    wakers: Vec<Waker>,
}

impl Gate {
    /// A closed gate.
    pub fn new() -> Gate {
        Gate::default()
    }

    /// Makes room for `waiters` wakers up front, so growth is not measured.
    pub fn reserve(&self, waiters: usize) {
        self.state
            .lock()
            .expect("gate poisoned")
            .wakers
            .reserve(waiters);
    }

    /// Opens the gate and wakes every waiter.
    pub fn open(&self) {
        let wakers = {
            let mut state = self.state.lock().expect("gate poisoned");
            state.open = true;
            std::mem::take(&mut state.wakers)
        };
        for waker in wakers {
            waker.wake();
        }
    }

    /// Waits until the gate opens.
    pub fn wait(&self) -> GateWait {
        GateWait {
            gate: self.clone(),
            registered: false,
        }
    }
}

/// The future of [`Gate::wait`].
pub struct GateWait {
    gate: Gate,
    registered: bool,
}

impl Future for GateWait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.gate.state.lock().expect("gate poisoned");
        if state.open {
            return Poll::Ready(());
        }
        if !self.registered {
            state.wakers.push(cx.waker().clone());
            drop(state);
            self.registered = true;
        }
        Poll::Pending
    }
}
