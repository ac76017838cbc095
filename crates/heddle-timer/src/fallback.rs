//! The global fallback driver: serves timers created where no [`Handle`] is entered, so
//! `sleep` and friends work under any executor.
//!
//! It is a `TimerDriver<ThreadParker>` with the real clock, driven by a background thread that
//! runs **only while timers are registered**:
//!
//! ```text
//!            registration finds running == false: start()
//!   Idle(driver) ─────────────────────────────────────────▶ Running { generation, thread }
//!        ▲                                                         │
//!        │ join (by the next start(), or at once under miri)       │ wheel empty for LINGER
//!        └──────────── thread returns the driver ◀─────────────────┘ (under miri: the cancel
//!                                                                     that empties the wheel)
//! ```
//!
//! Stopping bumps the generation under the driver's state lock, together with the emptiness
//! check, so a registration either sees the running thread or starts a new one. The driver is
//! handed back through the thread's `JoinHandle` and reused. Under miri the thread is stopped and
//! joined as soon as the last timer goes, because miri requires every thread to be finished when
//! the program ends. A panicking waker cannot kill the thread: each park is run under
//! `catch_unwind`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use heddle_driver::{Driver, ThreadParker};

use crate::handle::OnDemand;
use crate::{Handle, TimerDriver};

/// Whether the cancel that empties the wheel stops and joins the thread at once (miri), rather
/// than the thread stopping itself after [`LINGER`].
pub(crate) const STOP_WHEN_EMPTY: bool = cfg!(miri);

/// How long the thread waits with no timer registered before it exits.
const LINGER: Duration = Duration::from_secs(1);

/// The fallback driver and its thread.
struct Fallback {
    handle: Handle,
    /// `None` only while `start` or `join_stopped` is swapping the state.
    thread: Mutex<Option<Thread>>,
}

/// Who holds the fallback driver.
enum Thread {
    /// Nobody is running it.
    Idle(TimerDriver<ThreadParker>),
    /// The thread of `generation` runs it and hands it back when it exits.
    Running {
        generation: u64,
        join: JoinHandle<TimerDriver<ThreadParker>>,
    },
}

static FALLBACK: OnceLock<Fallback> = OnceLock::new();

fn get() -> &'static Fallback {
    FALLBACK.get_or_init(|| {
        let driver = TimerDriver::new(ThreadParker::new());
        driver.handle().shared.lock().on_demand = Some(OnDemand {
            running: false,
            generation: 0,
        });
        Fallback {
            handle: driver.handle(),
            thread: Mutex::new(Some(Thread::Idle(driver))),
        }
    })
}

/// The fallback driver's handle. No thread is started until a timer registers.
pub(crate) fn handle() -> Handle {
    get().handle.clone()
}

/// Starts the driver thread for the current generation; called by the registration that
/// flipped `running` to `true`.
///
/// # Panics
///
/// Panics if the thread cannot be spawned.
pub(crate) fn start() {
    let fallback = get();
    let mut slot = fallback.thread.lock().unwrap_or_else(|e| e.into_inner());
    let driver = match slot.take() {
        Some(Thread::Idle(driver)) => driver,
        // The previous thread was told to stop (its generation is older); it exits promptly.
        Some(Thread::Running { join, .. }) => join
            .join()
            .unwrap_or_else(|_| panic!("the heddle-timer fallback thread panicked")),
        None => panic!("the heddle-timer fallback driver was lost by an earlier panic"),
    };
    let generation = fallback.handle.shared.on_demand_generation();
    let handle = fallback.handle.clone();
    let join = std::thread::Builder::new()
        .name("heddle-timer".into())
        .spawn(move || run(driver, &handle, generation))
        .unwrap_or_else(|e| panic!("failed to spawn the heddle-timer fallback thread: {e}"));
    *slot = Some(Thread::Running { generation, join });
}

/// Joins the thread of `generation` if it is still the one on record (it was told to stop).
pub(crate) fn join_stopped(generation: u64) {
    let fallback = get();
    let mut slot = fallback.thread.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(Thread::Running { generation: g, .. }) = &*slot {
        if *g == generation {
            if let Some(Thread::Running { join, .. }) = slot.take() {
                let driver = join
                    .join()
                    .unwrap_or_else(|_| panic!("the heddle-timer fallback thread panicked"));
                *slot = Some(Thread::Idle(driver));
            }
        }
    }
}

/// The thread's body: park until told to stop or idle for [`LINGER`], then hand the driver back.
fn run(
    mut driver: TimerDriver<ThreadParker>,
    handle: &Handle,
    generation: u64,
) -> TimerDriver<ThreadParker> {
    loop {
        // A panicking waker must not take the thread down; its panic is dropped here.
        let _ = catch_unwind(AssertUnwindSafe(|| driver.park()));
        if handle.shared.on_demand_stopped(generation) {
            return driver;
        }
        if handle.shared.is_idle() {
            let _ = catch_unwind(AssertUnwindSafe(|| driver.park_timeout(LINGER)));
            if handle.shared.stop_on_demand_if_idle(generation) {
                return driver;
            }
        }
    }
}
