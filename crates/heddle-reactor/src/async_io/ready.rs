//! The readiness futures of [`Async`] behind tokio's `ready(interest)` and `async_io` on
//! the net types: waits on either direction at once, with a waiter per direction.
//!
//! Not the single-direction waits (`readable`, `read_with`, ...), which live beside the type.

use std::future::poll_fn;
use std::io;
use std::task::Poll;

use super::with_budget;
use crate::interest::{Interest, Ready};
use crate::source::Direction;
use crate::Async;

impl<T> Async<T> {
    /// Waits until the descriptor is ready for any direction of `interest` and returns its
    /// readiness, as tokio's `ready(interest)` does.
    ///
    /// Each wait is level-checked: a descriptor that is ready already is reported at once.
    /// The readiness returned is read from the descriptor when the wait ends; if that says
    /// nothing (the readiness was spurious, or another task took it), the directions that
    /// fired are returned, and the caller's next attempt says `WouldBlock`.
    pub(crate) async fn ready_for(&self, interest: Interest) -> io::Result<Ready> {
        let (read, write) = interest.directions()?;
        let mut readers = self.waiter(Direction::Read);
        let mut writers = self.waiter(Direction::Write);
        // After an event that did not bring what was asked for (priority alone asked, other
        // data came), wait for an event after the check rather than level-check again.
        let mut since = [None, None];
        poll_fn(|cx| {
            with_budget(cx, |cx| loop {
                let mut fired = Ready::EMPTY;
                for (wanted, waiter) in [(read, &mut readers), (write, &mut writers)] {
                    if !wanted {
                        continue;
                    }
                    let dir = waiter.dir;
                    match self.poll_ready(dir, &mut waiter.key, since[dir as usize], cx) {
                        Poll::Ready(Ok(())) => fired |= Ready::of_direction(dir),
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Pending => {}
                    }
                }
                if fired.is_empty() {
                    // The read direction's level check looks for readable data only, and
                    // priority data alone is not that: look for it here, after the wakers
                    // are stored, so that a later event still wakes this wait.
                    if interest.wants_priority() {
                        let now = Ready::of_fd(self.raw_fd(), interest);
                        if !now.is_empty() {
                            return Poll::Ready(Ok(now));
                        }
                    }
                    return Poll::Pending;
                }
                let ticks = [self.tick(Direction::Read), self.tick(Direction::Write)];
                let now = Ready::of_fd(self.raw_fd(), interest);
                if !now.is_empty() {
                    return Poll::Ready(Ok(now));
                }
                let fired = fired & interest.mask();
                if !fired.is_empty() {
                    return Poll::Ready(Ok(fired));
                }
                since = ticks.map(Some);
            })
        })
        .await
    }

    /// Runs `f` once if the descriptor is ready for `interest` now, else returns
    /// `WouldBlock` without running it: tokio's `try_io` on the net types.
    pub(crate) fn try_io_for<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        interest.directions()?;
        if Ready::of_fd(self.raw_fd(), interest).is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        f()
    }

    /// Runs the non-blocking `op` until it does not say `WouldBlock`, waiting in between for
    /// readiness of any direction of `interest` that arrived after the attempt began: tokio's
    /// `async_io`.
    pub(crate) async fn async_io_for<R>(
        &self,
        interest: Interest,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        let (read, write) = interest.directions()?;
        let mut readers = self.waiter(Direction::Read);
        let mut writers = self.waiter(Direction::Write);
        poll_fn(|cx| {
            with_budget(cx, |cx| loop {
                // The snapshots come before the attempt, as in `poll_io_unbudgeted`.
                let ticks = [self.tick(Direction::Read), self.tick(Direction::Write)];
                match op(self.get_ref()) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    result => return Poll::Ready(result),
                }
                let mut fired = false;
                for (wanted, waiter) in [(read, &mut readers), (write, &mut writers)] {
                    if !wanted {
                        continue;
                    }
                    let since = Some(ticks[waiter.dir as usize]);
                    match self.poll_ready(waiter.dir, &mut waiter.key, since, cx) {
                        Poll::Ready(Ok(())) => fired = true,
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Pending => {}
                    }
                }
                if !fired {
                    return Poll::Pending;
                }
            })
        })
        .await
    }
}
