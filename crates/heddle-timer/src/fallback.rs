//! The global fallback driver: a lazily started background thread that serves timers created
//! where no [`Handle`] is entered, so `sleep` and friends work under any executor.
//!
//! The thread runs a `TimerDriver<ThreadParker>` with the real clock and parks until the next
//! deadline, forever. It is started on first use and lives for the rest of the process (it
//! holds no resources besides its stack and the wheel). If the thread cannot be spawned, the
//! timer that needed it panics with the OS error.

use std::sync::OnceLock;

use heddle_driver::{Driver, ThreadParker};

use crate::{Handle, TimerDriver};

/// The fallback driver's handle, shared by every thread without an entered handle.
static FALLBACK: OnceLock<Handle> = OnceLock::new();

/// The fallback driver's handle; spawns its thread on first use.
///
/// # Panics
///
/// Panics if the driver thread cannot be spawned.
pub(crate) fn handle() -> Handle {
    FALLBACK.get_or_init(start).clone()
}

fn start() -> Handle {
    let mut driver = TimerDriver::new(ThreadParker::new());
    let handle = driver.handle();
    std::thread::Builder::new()
        .name("heddle-timer".into())
        .spawn(move || loop {
            driver.park();
        })
        .unwrap_or_else(|e| panic!("failed to spawn the heddle-timer fallback thread: {e}"));
    handle
}
