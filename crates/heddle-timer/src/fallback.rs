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
//! the program ends. A panicking waker cannot kill the thread: the driver never lets a waker's
//! panic unwind out of a park.
//!
//! # When the thread cannot be started
//!
//! If spawning fails (the process is out of threads or memory), [`start`] puts the driver back
//! as `Idle` and returns the error. The registration that needed the thread then clears
//! `running`, removes its own entry, wakes every other timer waiting on the driver (they were
//! registered while the start was under way and rely on it) and panics with a message saying
//! the fallback timer thread could not be started. Nothing is left marked as running without a
//! thread: the next registration, or the next poll of a woken timer, tries to start it again.
//! A panic rather than a silent retry: a future that kept waking itself while threads cannot be
//! created would spin, and the error would never reach anyone.

use std::io;
use std::sync::{Arc, OnceLock};

use crate::loom::unmodelled::Mutex;
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
/// # Errors
///
/// The error of spawning the thread. The driver is then `Idle` again; clearing `running` is
/// the caller's part (see the module docs).
///
/// # Panics
///
/// Panics if an earlier thread panicked, which loses the driver (its park never unwinds).
pub(crate) fn start() -> io::Result<()> {
    let fallback = get();
    let mut slot = fallback.thread.lock();
    let driver = match slot.take() {
        Some(Thread::Idle(driver)) => driver,
        // The previous thread was told to stop (its generation is older); it exits promptly.
        Some(Thread::Running { join, .. }) => join
            .join()
            .unwrap_or_else(|_| panic!("the heddle-timer fallback thread panicked")),
        None => panic!("the heddle-timer fallback driver was lost by an earlier panic"),
    };
    let generation = fallback.handle.shared.on_demand_generation();
    match spawn(driver, fallback.handle.clone(), generation) {
        Ok(join) => {
            *slot = Some(Thread::Running { generation, join });
            Ok(())
        }
        Err((driver, error)) => {
            *slot = Some(Thread::Idle(driver));
            Err(error)
        }
    }
}

/// Spawns the thread of `generation` running `driver`; on failure hands the driver back with
/// the error.
fn spawn(
    driver: TimerDriver<ThreadParker>,
    handle: Handle,
    generation: u64,
) -> Result<JoinHandle<TimerDriver<ThreadParker>>, (TimerDriver<ThreadParker>, io::Error)> {
    #[cfg(test)]
    if let Some(error) = tests::injected_spawn_failure() {
        return Err((driver, error));
    }
    // The thread takes the driver out of the hand-off when it runs: a failed spawn drops the
    // closure, and the driver must survive that.
    let handoff = Arc::new(Mutex::new(Some(driver)));
    let theirs = handoff.clone();
    std::thread::Builder::new()
        .name("heddle-timer".into())
        .spawn(move || {
            let driver = theirs
                .lock()
                .take()
                .expect("the driver is handed to the thread once");
            run(driver, &handle, generation)
        })
        .map_err(|error| {
            let driver = handoff
                .lock()
                .take()
                .expect("a thread that failed to spawn never took the driver");
            (driver, error)
        })
}

/// Joins the thread of `generation` if it is still the one on record (it was told to stop).
pub(crate) fn join_stopped(generation: u64) {
    let fallback = get();
    let mut slot = fallback.thread.lock();
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
        driver.park();
        if handle.shared.on_demand_stopped(generation) {
            return driver;
        }
        if handle.shared.is_idle() {
            driver.park_timeout(LINGER);
            if handle.shared.stop_on_demand_if_idle(generation) {
                return driver;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! A failed start of the thread, injected: the registration that hit it panics with a clear
    //! message, nothing is left marked as running, and timers work again afterwards.

    use std::cell::RefCell;
    use std::future::Future;
    use std::io;
    use std::panic::{self, AssertUnwindSafe};
    use std::pin::Pin;
    use std::sync::{mpsc, Arc};

    use crate::loom::unmodelled::{AtomicUsize, Ordering};
    use std::task::{Context, Wake, Waker};

    use super::{get, handle, Thread};
    use crate::{sleep, Duration, Instant, Sleep};

    /// Makes one spawn fail, on the thread that set it.
    type Failure = Box<dyn FnOnce() -> io::Error>;

    thread_local! {
        /// The next spawn of the fallback thread from this thread fails with what this returns.
        static SPAWN_FAILURE: RefCell<Option<Failure>> = const { RefCell::new(None) };
    }

    /// The failure injected for this thread's next spawn, if any (taken: it applies once).
    pub(super) fn injected_spawn_failure() -> Option<io::Error> {
        SPAWN_FAILURE
            .with(|failure| failure.borrow_mut().take())
            .map(|fail| fail())
    }

    struct CountingWaker {
        wakes: AtomicUsize,
    }

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.wakes.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Runs `f` on a thread and fails if it does not finish within ten seconds.
    fn with_watchdog(f: impl FnOnce() + Send + 'static) {
        let (done, finished) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(panic::catch_unwind(AssertUnwindSafe(f)));
        });
        match finished.recv_timeout(std::time::Duration::from_secs(10)) {
            Ok(Ok(())) => {}
            Ok(Err(payload)) => panic::resume_unwind(payload),
            Err(_) => panic!("hung"),
        }
    }

    fn message(payload: &(dyn std::any::Any + Send)) -> String {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    }

    #[test]
    fn a_failed_spawn_panics_clearly_and_the_next_registration_retries() {
        with_watchdog(|| {
            // Far enough out to be still pending when the test polls it, even under miri.
            let wait = Duration::from_secs(60);
            let other_wakes = Arc::new(CountingWaker {
                wakes: AtomicUsize::new(0),
            });
            let (other_sender, other_receiver) = mpsc::channel::<Pin<Box<Sleep>>>();
            let waker = Waker::from(other_wakes.clone());
            SPAWN_FAILURE.with(|failure| {
                *failure.borrow_mut() = Some(Box::new(move || {
                    // Another thread registers while this start is under way: it finds the
                    // thread marked as running and relies on it.
                    std::thread::spawn(move || {
                        let mut other = Box::pin(sleep(wait));
                        let polled = other.as_mut().poll(&mut Context::from_waker(&waker));
                        assert!(polled.is_pending());
                        other_sender.send(other).unwrap();
                    })
                    .join()
                    .unwrap();
                    io::Error::other("injected spawn failure")
                }));
            });

            let mut first = Box::pin(sleep(wait));
            let failed = panic::catch_unwind(AssertUnwindSafe(|| {
                first.as_mut().poll(&mut Context::from_waker(Waker::noop()))
            }))
            .expect_err("the registration that could not start the thread panics");
            assert_eq!(
                message(&*failed),
                "the heddle-timer fallback timer thread could not be started: \
                 injected spawn failure"
            );

            // Nothing is marked as running, the driver is idle, and the failed registration
            // left no entry behind; the other one was woken to try again.
            let shared = &handle().shared;
            let on_demand = shared.lock().on_demand.expect("on demand");
            assert!(!on_demand.running);
            let slot = get().thread.lock();
            assert!(matches!(*slot, Some(Thread::Idle(_))));
            drop(slot);
            assert_eq!(handle().timer_count(), 1);
            assert_eq!(other_wakes.wakes.load(Ordering::SeqCst), 1);

            // The woken timer's next poll starts the thread, and timers fire again.
            let mut other = other_receiver.recv().unwrap();
            let mut cx = Context::from_waker(Waker::noop());
            assert!(other.as_mut().poll(&mut cx).is_pending());
            assert!(shared.lock().on_demand.expect("on demand").running);
            other
                .as_mut()
                .reset(Instant::now() + Duration::from_millis(1));
            futures::executor::block_on(other);
            let start = Instant::now();
            futures::executor::block_on(sleep(Duration::from_millis(2)));
            assert!(start.elapsed() >= Duration::from_millis(2));
            drop(first);
        });
    }
}
