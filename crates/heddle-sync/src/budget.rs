//! The cooperative budget (`heddle_task::coop`) as the primitives charge it: one unit for each
//! poll that completes, none for one that waits. A task that keeps finding its locks free and
//! its channels full of values still yields once its budget is spent, as with tokio.
//!
//! Not a scheduler: under an executor that sets no budget (a plain `block_on`), every poll
//! proceeds.

use std::task::{ready, Context, Poll};

/// Polls `poll` under the budget: `Pending` without calling it when the budget is spent (the
/// task is woken to run again later), and the unit given back when `poll` is `Pending`.
pub(crate) fn budgeted<T>(
    cx: &mut Context<'_>,
    poll: impl FnOnce(&mut Context<'_>) -> Poll<T>,
) -> Poll<T> {
    let progress = ready!(heddle_task::coop::poll_proceed(cx));
    let result = poll(cx);
    if result.is_ready() {
        progress.made_progress();
    }
    result
}
