//! The metadata every task carries in its async-task header: id, name, spawn location and
//! the abort/finished flags.
//!
//! # Who touches what
//!
//! * `id`, `name`, `location`, `local` are written once at spawn and read-only afterwards.
//! * `ABORT` is set by [`JoinHandle::abort`](crate::JoinHandle::abort) and
//!   [`AbortHandle::abort`](crate::AbortHandle::abort) from any thread, and read by the
//!   harness at the start of every poll.
//! * `FINISHED` is set once by the harness when it drops the future (completion, panic,
//!   abort or cancellation), and read by [`AbortHandle::is_finished`](crate::AbortHandle::is_finished).
//!
//! Neither flag is ever cleared.

use std::panic::Location;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::Id;

/// Abort was requested: the next poll drops the future instead of polling it.
const ABORT: u8 = 1 << 0;
/// The future has been dropped; the task will never run again.
const FINISHED: u8 = 1 << 1;
/// The harness has begun dropping the future (set before the drop, so a panicking `Drop` never
/// leads to a second one); only the harness reads it.
const RELEASED: u8 = 1 << 2;

/// Per-task data stored in the async-task header (one allocation per task).
#[derive(Debug)]
pub(crate) struct TaskMeta {
    pub(crate) id: Id,
    /// Boxed twice so that the header carries one pointer, not two: names are rare, the
    /// header is in every task.
    pub(crate) name: Option<Box<Box<str>>>,
    pub(crate) location: &'static Location<'static>,
    /// Whether the task's future is `!Send` and must be polled and dropped on its home thread.
    pub(crate) local: bool,
    /// `ABORT | FINISHED` bits.
    flags: AtomicU8,
}

impl TaskMeta {
    pub(crate) fn new(
        name: Option<Box<Box<str>>>,
        location: &'static Location<'static>,
        local: bool,
    ) -> TaskMeta {
        TaskMeta {
            id: Id::next(),
            name,
            location,
            local,
            flags: AtomicU8::new(0),
        }
    }

    /// Requests cancellation. Release: pairs with the Acquire in `is_abort_requested`.
    pub(crate) fn request_abort(&self) {
        self.flags.fetch_or(ABORT, Ordering::Release);
    }

    pub(crate) fn is_abort_requested(&self) -> bool {
        self.flags.load(Ordering::Acquire) & ABORT != 0
    }

    /// Marks the future as dropped. Release so an observer of `FINISHED` sees the drop's effects.
    pub(crate) fn mark_finished(&self) {
        self.flags.fetch_or(FINISHED, Ordering::Release);
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.flags.load(Ordering::Acquire) & FINISHED != 0
    }

    /// Claims the drop of the future: `true` for the first caller only.
    pub(crate) fn release_future(&self) -> bool {
        self.flags.fetch_or(RELEASED, Ordering::Relaxed) & RELEASED == 0
    }

    /// Whether the future was dropped or is being dropped.
    pub(crate) fn is_future_released(&self) -> bool {
        self.flags.load(Ordering::Relaxed) & RELEASED != 0
    }
}
