//! Timers for heddle: a hierarchical timing wheel behind [`TimerDriver`], and the futures
//! built on it ([`Sleep`], [`Timeout`], [`Interval`]) with a pausable [`Clock`].
//!
//! # What this crate is
//!
//! * A **timing wheel** of six levels of 64 slots with a 65.536 µs tick: O(1) insert and cancel
//!   whatever the number of pending timers, timers further than ~52 days out in an overflow
//!   list. Each timer keeps its exact deadline; the rounding rule is that the *slot* is
//!   `floor(deadline / 2^16 ns)` while the timer fires at the first check at or after its exact
//!   deadline, never before.
//! * [`TimerDriver<D>`](TimerDriver), a [`heddle_driver::Driver`] that wraps any other driver
//!   (a thread parker, the reactor) and parks it until just before the exact earliest deadline
//!   and spins the last 50 µs, so an idle runtime wakes at a deadline rather than on a
//!   millisecond boundary or an OS wake-up latency later. Spinning is capped at 1 ms of CPU per
//!   second, so many distinct deadlines cannot turn precision into CPU load. Its [`Handle`]
//!   registers timers from any thread.
//! * The tokio-named futures and functions: [`sleep`], [`sleep_until`], [`timeout`],
//!   [`timeout_at`], [`interval`], [`interval_at`], [`Instant`], [`error::Elapsed`],
//!   [`MissedTickBehavior`], and the test clock controls [`pause`], [`resume`], [`advance`].
//!
//! # What it is not
//!
//! Not an executor and not a reactor: it never polls tasks, and it does no I/O. It only knows
//! the [`Driver`](heddle_driver::Driver) contract of the layer below.
//!
//! # Where it sits
//!
//! Layer 1, between `heddle-driver` (layer 0, the park/unpark contract it wraps) and the
//! executors and facade (layers 2–3): the facade builds `TimerDriver<Reactor>` and hands it to an
//! executor as its driver, and enters the driver's [`Handle`] on every runtime thread.
//!
//! # Finding the driver
//!
//! Timer futures bind, when created, to the handle entered on the current thread
//! ([`Handle::enter`]). Where none is entered they use a global fallback driver, a background
//! thread started on first use, so timers work under any executor:
//!
//! ```
//! use heddle_timer::{sleep, timeout, Duration};
//!
//! futures::executor::block_on(async {
//!     sleep(Duration::from_millis(1)).await;
//!     assert!(timeout(Duration::from_millis(1), std::future::pending::<()>()).await.is_err());
//! });
//! ```
//!
//! # Paused clock
//!
//! With [`TimerDriver::with_clock`] and [`Clock::new_paused`] (a runtime's `start_paused`), time
//! stands still until [`advance`] moves it or the executor parks idle with timers pending, when it
//! jumps straight to the next deadline: a test that sleeps for an hour finishes at once.
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

use heddle_loom as loom;

mod clock;
mod driver;
pub mod error;
#[cfg(not(loom))]
mod fallback;
mod handle;
mod instant;
mod interval;

mod sleep;
mod timeout;
mod wheel;

#[cfg(loom)]
mod fallback {
    //! Under loom there is no fallback thread: models always enter a handle.

    pub(crate) const STOP_WHEN_EMPTY: bool = false;

    pub(crate) fn handle() -> crate::Handle {
        panic!("no timer handle entered in a loom model")
    }

    pub(crate) fn start() -> std::io::Result<()> {
        Ok(())
    }

    pub(crate) fn join_stopped(_generation: u64) {}
}

pub use clock::{advance, pause, resume, AutoAdvanceGuard, Clock};
pub use driver::TimerDriver;
pub use error::Elapsed;
pub use handle::{EnterGuard, Handle};
pub use instant::Instant;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{sleep, sleep_until, Sleep};
#[doc(no_inline)]
pub use std::time::Duration;
pub use timeout::{timeout, timeout_at, Timeout};

#[cfg(all(test, loom))]
mod tests;
