//! The metadata every task carries in its async-task header: id, name, spawn location and
//! the abort/finished flags.
//!
//! # Who touches what
//!
//! * The id, `name` and `location` are written once at spawn and read-only
//!   afterwards.
//! * `ABORT` is set by [`JoinHandle::abort`](crate::JoinHandle::abort) and
//!   [`AbortHandle::abort`](crate::AbortHandle::abort) from any thread, and read by the
//!   harness at the start of every poll.
//! * `FINISHED` is set once by the harness when it drops the future (completion, panic,
//!   abort or cancellation), and read by [`AbortHandle::is_finished`](crate::AbortHandle::is_finished).
//! * `RELEASED` is set by the harness just before it drops the future, and read only by it.
//!
//! No flag is ever cleared. The id and the flags share one word (`id << 8 | flags`), which
//! keeps the header, and so every task, 8 bytes smaller; an id needs 56 bits, enough for a
//! task a nanosecond for two years.

use crate::loom::unmodelled::{AtomicU64, Ordering};
use std::panic::Location;

use crate::Id;

/// Abort was requested: the next poll drops the future instead of polling it.
const ABORT: u64 = 1 << 0;
/// The future has been dropped; the task will never run again.
const FINISHED: u64 = 1 << 1;
/// The harness has begun dropping the future (set before the drop, so a panicking `Drop` never
/// leads to a second one); only the harness reads it.
const RELEASED: u64 = 1 << 2;
/// Where the id starts in the word.
const ID_SHIFT: u32 = 8;

/// Per-task data stored in the async-task header (one allocation per task).
#[derive(Debug)]
pub(crate) struct TaskMeta {
    /// `id << ID_SHIFT | RELEASED | FINISHED | ABORT`.
    word: AtomicU64,
    /// Boxed twice so that the header carries one pointer, not two: names are rare, the
    /// header is in every task.
    pub(crate) name: Option<Box<Box<str>>>,
    pub(crate) location: &'static Location<'static>,
}

impl TaskMeta {
    pub(crate) fn new(
        name: Option<Box<Box<str>>>,
        location: &'static Location<'static>,
    ) -> TaskMeta {
        let id = Id::next().as_u64();
        assert!(id < 1 << (64 - ID_SHIFT), "task ids exhausted");
        TaskMeta {
            word: AtomicU64::new(id << ID_SHIFT),
            name,
            location,
        }
    }

    pub(crate) fn id(&self) -> Id {
        // Relaxed: the id never changes after the task is built.
        Id::from_u64(self.word.load(Ordering::Relaxed) >> ID_SHIFT)
    }

    /// What the harness checks before each poll, from one read of the word: the id, whether
    /// the future was released, whether abort was requested (Acquire: pairs with
    /// `request_abort`).
    pub(crate) fn before_poll(&self) -> (Id, bool, bool) {
        let word = self.word.load(Ordering::Acquire);
        (
            Id::from_u64(word >> ID_SHIFT),
            word & RELEASED != 0,
            word & ABORT != 0,
        )
    }

    /// Requests cancellation. Release: pairs with the Acquire in `before_poll`.
    pub(crate) fn request_abort(&self) {
        self.word.fetch_or(ABORT, Ordering::Release);
    }

    /// Marks the future as dropped. Release so an observer of `FINISHED` sees the drop's effects.
    pub(crate) fn mark_finished(&self) {
        self.word.fetch_or(FINISHED, Ordering::Release);
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.word.load(Ordering::Acquire) & FINISHED != 0
    }

    /// Claims the drop of the future: `true` for the first caller only.
    pub(crate) fn release_future(&self) -> bool {
        self.word.fetch_or(RELEASED, Ordering::Relaxed) & RELEASED == 0
    }
}
