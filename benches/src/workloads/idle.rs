//! Idle costs: `idle_tasks_memory`, `idle_conn_memory`, `idle_cpu`.
//!
//! These read process-wide numbers (resident set size from `/proc/self/statm`, process
//! CPU time), so the runner gives each sample a fresh child process; called in-process
//! (the smoke test) they still run, but their numbers mean little.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Countdown, Gate, Scale};
use crate::rt::{bind, Rt};

/// Resident set size of this process in bytes.
///
/// # Panics
///
/// Panics if `/proc/self/statm` cannot be read (not Linux).
pub fn rss_bytes() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("reading /proc/self/statm");
    let resident: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|pages| pages.parse().ok())
        .expect("malformed /proc/self/statm");
    // SAFETY: sysconf only reads a configuration value.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    resident * page as f64
}

/// CPU time used by every thread of this process so far.
pub fn process_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// The task every idle task runs: check in, then wait on the gate forever.
fn idle_task<R: Rt>(
    gate: &Gate,
    countdown: &Arc<Countdown<R>>,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let wait = gate.wait();
    let countdown = countdown.clone();
    async move {
        countdown.arrive();
        wait.await;
    }
}

/// 100,000 tasks pending forever on a shared gate: RSS delta per task, and the same less
/// the size of the task's future (the runtime's own overhead).
pub fn idle_tasks_memory<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let tasks = scale.heavy(100_000);
    let gate = Gate::new();
    gate.reserve(tasks);
    let (countdown, all_waiting) = Countdown::<R>::new(tasks);
    let future_size = std::mem::size_of_val(&idle_task(&gate, &countdown));
    // Warm the runtime up (lazy thread-locals, first allocations) before the baseline.
    crate::rt::run(&rt, async {});
    let before = rss_bytes();
    rt.block_on(async {
        for _ in 0..tasks {
            R::spawn_detached(idle_task(&gate, &countdown));
        }
        R::recv_once(all_waiting).await.expect("countdown dropped");
    });
    let after = rss_bytes();
    let per_task = (after - before) / tasks as f64;
    gate.open();
    drop(rt);
    Some(vec![per_task, per_task - future_size as f64])
}

/// What [`idle_conns`] measured.
struct IdleConns {
    /// RSS delta per connection, bytes.
    bytes_per_conn: f64,
    /// Process CPU time per second of wall time over the window, ms.
    cpu_ms_per_s: f64,
}

/// A runtime on its own thread accepts `connections` connections from plain blocking
/// sockets, each held by a task pending in `read`; measures the RSS delta, then the CPU
/// used over `window` while everything idles.
fn idle_conns<R: Rt>(connections: usize, window: Duration) -> Option<IdleConns> {
    let (addr_sender, addr_receiver) = mpsc::channel();
    let (ready_sender, ready_receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        let server = scope.spawn(move || {
            let Some(rt) = R::build() else {
                let _ = addr_sender.send(None);
                return;
            };
            let (stop, stopped) = R::oneshot::<()>();
            rt.block_on(async move {
                let (listener, addr) = bind::<R>().expect("bind failed");
                let (countdown, all_waiting) = Countdown::<R>::new(connections);
                R::spawn_detached(async move {
                    for _ in 0..connections {
                        let mut stream = R::accept(&listener).await.expect("accept failed");
                        let countdown = countdown.clone();
                        R::spawn_detached(async move {
                            countdown.arrive();
                            let mut buf = [0u8; 64];
                            let _ = R::read(&mut stream, &mut buf).await;
                        });
                    }
                });
                addr_sender
                    .send(Some((addr, stop)))
                    .expect("main thread gone");
                R::recv_once(all_waiting).await.expect("countdown dropped");
                ready_sender.send(()).expect("main thread gone");
                R::recv_once(stopped).await;
            });
        });
        let (addr, stop) = addr_receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("server thread never started")?;
        let mut clients = Vec::with_capacity(connections);
        // Let the server settle into its idle state before the baseline.
        std::thread::sleep(Duration::from_millis(20));
        let before = rss_bytes();
        for _ in 0..connections {
            clients.push(std::net::TcpStream::connect(addr).expect("connect failed"));
        }
        ready_receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("connections never all accepted");
        std::thread::sleep(Duration::from_millis(20));
        let after = rss_bytes();
        let cpu_before = process_cpu_time();
        let wall = Instant::now();
        std::thread::sleep(window);
        let cpu = process_cpu_time().saturating_sub(cpu_before);
        let wall = wall.elapsed();
        R::send_once(stop, ());
        drop(clients);
        server.join().expect("server thread panicked");
        Some(IdleConns {
            bytes_per_conn: (after - before) / connections as f64,
            cpu_ms_per_s: cpu.as_secs_f64() * 1e3 / wall.as_secs_f64(),
        })
    })
}

/// 1,000 idle connections held by tasks: RSS delta per connection.
pub fn idle_conn_memory<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let idle = idle_conns::<R>(scale.light(1_000), Duration::ZERO)?;
    Some(vec![idle.bytes_per_conn])
}

/// 1,000 idle connections for 1 s: process CPU ms per second.
pub fn idle_cpu<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let window = scale.heavy_duration(Duration::from_secs(1));
    let idle = idle_conns::<R>(scale.light(1_000), window)?;
    Some(vec![idle.cpu_ms_per_s])
}
