//! [`AsyncFd`]: a descriptor registered with the reactor, with tokio's readiness model.
//!
//! # Readiness marks
//!
//! tokio keeps readiness set until the caller clears it; heddle's sources count events
//! instead (a `tick` per direction, see `source.rs`). An `AsyncFd` bridges the two with one
//! mark per direction, behind a mutex:
//!
//! * `Unknown`: nothing observed since registration. A wait is level-checked: it returns
//!   at once if the descriptor is ready now, else waits for the next event.
//! * `Ready(t)`: readiness was observed with the source's tick at `t` and not cleared. A
//!   wait returns at once, however often it is asked.
//! * `Cleared(t)`: a guard observed at tick `t` was cleared (or an operation said
//!   `WouldBlock`). A wait returns once the tick has moved past `t`.
//!
//! The tick recorded when a wait ends is read after the wait, and so never later than the
//! caller's next attempt: an event that arrives between that read and a `WouldBlock` moves the
//! tick past it, and the wait after the clear returns at once. Clearing therefore loses no
//! readiness. A clear keeps a newer `Cleared` mark, so an old guard cannot undo a later clear
//! into a spurious wake-up.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{ready, Context, Poll};

use crate::async_io::with_budget;
use crate::interest::{Interest, Ready};
use crate::loom::Mutex;
use crate::source::{Direction, WaiterKey};
use crate::unix::guard::{AsyncFdReadyGuard, AsyncFdReadyMutGuard, Event};
use crate::Async;

/// The readiness mark of one direction; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    Unknown,
    Ready(u64),
    Cleared(u64),
}

/// The raw descriptor of an [`AsyncFd`]'s inner object, as the registration sees it.
#[derive(Debug)]
pub(super) struct Registered(pub(super) RawFd);

impl AsFd for Registered {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // (1) `AsyncFd` owns the object the descriptor belongs to for as long as the
        // registration lives: the registration is declared before `inner`, so it is dropped
        // first, and `into_inner` drops it before handing `inner` back. (2) tokio's contract,
        // repeated on `AsyncFd`, is that the object's descriptor does not change while owned.
        // SAFETY: by (1) and (2) the descriptor is open whenever the registration uses it.
        unsafe { BorrowedFd::borrow_raw(self.0) }
    }
}

/// A descriptor-backed object registered with the reactor, whose readiness can be awaited.
///
/// As with tokio, readiness stays set until it is cleared: [`readable`](AsyncFd::readable)
/// and its kin return a guard, and a guard's [`try_io`](AsyncFdReadyGuard::try_io) clears
/// the readiness when the operation says `WouldBlock` (or the caller clears it with
/// [`clear_ready`](AsyncFdReadyGuard::clear_ready)). Until then, waiting again returns at once.
///
/// The descriptor is put in non-blocking mode when it is registered. It must not change
/// while the `AsyncFd` owns the object; dropping the `AsyncFd` deregisters it before the
/// object (and so the descriptor) is dropped.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
///
/// use heddle_reactor::unix::AsyncFd;
///
/// futures::executor::block_on(async {
///     let (a, mut b) = UnixStream::pair()?;
///     let a = AsyncFd::new(a)?;
///     b.write_all(b"hi")?;
///     let mut buf = [0; 8];
///     let n = loop {
///         let mut guard = a.readable().await?;
///         match guard.try_io(|fd| fd.get_ref().read(&mut buf)) {
///             Ok(result) => break result?,
///             Err(_would_block) => continue,
///         }
///     };
///     assert_eq!(&buf[..n], b"hi");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct AsyncFd<T: AsRawFd> {
    /// Declared before `inner`, so it is dropped (deregistered) first.
    pub(super) registration: Async<Registered>,
    pub(super) marks: Mutex<[Mark; 2]>,
    pub(super) inner: T,
}

impl<T: AsRawFd> AsyncFd<T> {
    /// The inner object.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// assert!(a.get_ref().peer_addr().is_ok());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The inner object, mutably. Its descriptor must not change.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// a.get_mut().write_all(b"x")?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Deregisters the object and returns it.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let _a: std::os::unix::net::UnixStream = a.into_inner();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> T {
        let AsyncFd {
            registration,
            inner,
            ..
        } = self;
        drop(registration);
        inner
    }

    /// Polls for read readiness; `Ready` gives a guard. As with tokio, only the waker of the
    /// most recent call is kept.
    ///
    /// # Errors
    ///
    /// If the poller cannot arm interest for the descriptor.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::future::poll_fn;
    /// use std::io::Write;
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// b.write_all(b"x")?;
    /// futures::executor::block_on(poll_fn(|cx| a.poll_read_ready(cx).map_ok(|g| g.ready())))?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.poll_event(Interest::READABLE, &mut [WaiterKey::Poll; 2], cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard::new(self, event)))
    }

    /// Like [`poll_read_ready`](AsyncFd::poll_read_ready), with a guard that gives mutable
    /// access.
    ///
    /// # Errors
    ///
    /// As for [`poll_read_ready`](AsyncFd::poll_read_ready).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::future::poll_fn;
    /// use std::io::Write;
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// b.write_all(b"x")?;
    /// futures::executor::block_on(poll_fn(|cx| {
    ///     a.poll_read_ready_mut(cx).map_ok(|g| g.ready())
    /// }))?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.poll_event(Interest::READABLE, &mut [WaiterKey::Poll; 2], cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard::new(self, event)))
    }

    /// Polls for write readiness; see [`poll_read_ready`](AsyncFd::poll_read_ready).
    ///
    /// # Errors
    ///
    /// As for [`poll_read_ready`](AsyncFd::poll_read_ready).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::future::poll_fn;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let ready = futures::executor::block_on(poll_fn(|cx| {
    ///     a.poll_write_ready(cx).map_ok(|g| g.ready())
    /// }))?;
    /// assert!(ready.is_writable());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.poll_event(Interest::WRITABLE, &mut [WaiterKey::Poll; 2], cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard::new(self, event)))
    }

    /// Like [`poll_write_ready`](AsyncFd::poll_write_ready), with a guard that gives mutable
    /// access.
    ///
    /// # Errors
    ///
    /// As for [`poll_read_ready`](AsyncFd::poll_read_ready).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::future::poll_fn;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// futures::executor::block_on(poll_fn(|cx| {
    ///     a.poll_write_ready_mut(cx).map_ok(|g| g.ready())
    /// }))?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.poll_event(Interest::WRITABLE, &mut [WaiterKey::Poll; 2], cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard::new(self, event)))
    }

    /// Waits until the descriptor is ready for any direction of `interest`.
    ///
    /// Any number of tasks may wait at once. The guard's [`ready`](AsyncFdReadyGuard::ready)
    /// says which readiness was seen.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for an interest of [`ERROR`](Interest::ERROR) alone; an error arming
    /// the poller.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use heddle_reactor::{unix::AsyncFd, Interest};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// futures::executor::block_on(async {
    ///     let guard = a.ready(Interest::READABLE | Interest::WRITABLE).await?;
    ///     assert!(guard.ready().is_writable() && !guard.ready().is_readable());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let event = self.wait(interest).await?;
        Ok(AsyncFdReadyGuard::new(self, event))
    }

    /// Like [`ready`](AsyncFd::ready), with a guard that gives mutable access.
    ///
    /// # Errors
    ///
    /// As for [`ready`](AsyncFd::ready).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use heddle_reactor::{unix::AsyncFd, Interest};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// futures::executor::block_on(async {
    ///     let mut guard = a.ready_mut(Interest::WRITABLE).await?;
    ///     let n = guard.try_io(|fd| std::io::Write::write(fd.get_mut(), b"x"));
    ///     assert_eq!(n.ok().transpose()?, Some(1));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let event = self.wait(interest).await?;
        Ok(AsyncFdReadyMutGuard::new(self, event))
    }

    /// Waits until the descriptor is readable; see [`ready`](AsyncFd::ready).
    ///
    /// # Errors
    ///
    /// As for [`ready`](AsyncFd::ready).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// b.write_all(b"x")?;
    /// let guard = futures::executor::block_on(a.readable())?;
    /// assert!(guard.ready().is_readable());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::READABLE).await
    }

    /// Waits until the descriptor is readable, with a guard that gives mutable access.
    ///
    /// # Errors
    ///
    /// As for [`ready`](AsyncFd::ready).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::{Read, Write};
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// b.write_all(b"x")?;
    /// let mut guard = futures::executor::block_on(a.readable_mut())?;
    /// let mut buf = [0; 1];
    /// assert_eq!(guard.try_io(|fd| fd.get_mut().read(&mut buf)).ok().transpose()?, Some(1));
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn readable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits until the descriptor is writable; see [`ready`](AsyncFd::ready).
    ///
    /// # Errors
    ///
    /// As for [`ready`](AsyncFd::ready).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let guard = futures::executor::block_on(a.writable())?;
    /// assert!(guard.ready().is_writable());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// Waits until the descriptor is writable, with a guard that gives mutable access.
    ///
    /// # Errors
    ///
    /// As for [`ready`](AsyncFd::ready).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::unix::AsyncFd::new(a)?;
    /// let guard = futures::executor::block_on(a.writable_mut())?;
    /// assert!(guard.ready().is_writable());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn writable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }

    /// Runs `f` until it does not say `WouldBlock`, waiting for `interest` in between; a
    /// `WouldBlock` clears the readiness it was tried on.
    ///
    /// # Errors
    ///
    /// Whatever `f` returns other than `WouldBlock`, or an error of [`ready`](AsyncFd::ready).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::{Read, Write};
    ///
    /// use heddle_reactor::{unix::AsyncFd, Interest};
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// b.write_all(b"hi")?;
    /// let mut buf = [0; 2];
    /// let n = futures::executor::block_on(
    ///     a.async_io(Interest::READABLE, |s| (&*s).read(&mut buf)),
    /// )?;
    /// assert_eq!(n, 2);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let mut guard = self.ready(interest).await?;
            if let Ok(result) = guard.try_io(|fd| f(fd.get_ref())) {
                return result;
            }
        }
    }

    /// Like [`async_io`](AsyncFd::async_io), with mutable access to the object.
    ///
    /// # Errors
    ///
    /// As for [`async_io`](AsyncFd::async_io).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// use heddle_reactor::{unix::AsyncFd, Interest};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// let n = futures::executor::block_on(a.async_io_mut(Interest::WRITABLE, |s| s.write(b"x")))?;
    /// assert_eq!(n, 1);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn async_io_mut<R>(
        &mut self,
        interest: Interest,
        mut f: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let mut guard = self.ready_mut(interest).await?;
            if let Ok(result) = guard.try_io(|fd| f(fd.get_mut())) {
                return result;
            }
        }
    }

    /// Runs `f` once if the descriptor is ready for `interest` now; else, or if `f` says
    /// `WouldBlock`, returns `WouldBlock` (and clears the readiness `f` was tried on).
    ///
    /// # Errors
    ///
    /// `WouldBlock` as above, `InvalidInput` for an interest of [`ERROR`](Interest::ERROR)
    /// alone, or whatever `f` returns.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Read;
    ///
    /// use heddle_reactor::{unix::AsyncFd, Interest};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// let mut buf = [0; 1];
    /// let result = a.try_io(Interest::READABLE, |s| (&*s).read(&mut buf));
    /// assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        let mut event = self.ready_event(interest)?;
        let result = f(&self.inner);
        self.after_try(&mut event, &result);
        result
    }

    /// Like [`try_io`](AsyncFd::try_io), with mutable access to the inner object.
    ///
    /// # Errors
    ///
    /// As for [`try_io`](AsyncFd::try_io).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// use heddle_reactor::{unix::AsyncFd, Interest};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = AsyncFd::new(a)?;
    /// assert_eq!(a.try_io_mut(Interest::WRITABLE, |s| s.write(b"x"))?, 1);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn try_io_mut<R>(
        &mut self,
        interest: Interest,
        f: impl FnOnce(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let mut event = self.ready_event(interest)?;
        let result = f(&mut self.inner);
        self.after_try(&mut event, &result);
        result
    }

    /// The readiness of `interest` now, for a `try_io`: `WouldBlock` if there is none.
    fn ready_event(&self, interest: Interest) -> io::Result<Event> {
        let (read, write) = self.directions(interest)?;
        let mut event = Event::default();
        for (wanted, dir) in [(read, Direction::Read), (write, Direction::Write)] {
            if wanted {
                if let Some(tick) = self.ready_now(dir) {
                    event.ticks[dir as usize] = Some(tick);
                }
            }
        }
        if event.ticks == [None, None] {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(event)
    }

    /// Clears the readiness a `try_io` was tried on if its operation said `WouldBlock`.
    fn after_try<R>(&self, event: &mut Event, result: &io::Result<R>) {
        if matches!(result, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            event.clear(self, Ready::ALL);
        }
    }

    /// The directions to wait on for `interest`; `InvalidInput` for one the descriptor was
    /// not registered for, which would never become ready.
    fn directions(&self, interest: Interest) -> io::Result<(bool, bool)> {
        let (read, write) = interest.directions()?;
        let registered = self.registration.registered();
        if (read && !registered.read) || (write && !registered.write) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the AsyncFd was not registered for this interest: pass it to `with_interest`",
            ));
        }
        Ok((read, write))
    }

    /// The tick at which `dir` is ready now, without waiting: a `Ready` mark, an event after
    /// a `Cleared` mark, or (with no mark yet) a descriptor that is ready by `poll(2)`.
    fn ready_now(&self, dir: Direction) -> Option<u64> {
        let tick = self.registration.tick(dir);
        let mut marks = self.marks.lock();
        let ready = match marks[dir as usize] {
            Mark::Ready(at) => return Some(at),
            Mark::Cleared(at) => at != tick,
            Mark::Unknown => {
                !Ready::of_fd(self.registration.raw_fd(), Interest::from(dir)).is_empty()
            }
        };
        if ready {
            marks[dir as usize] = Mark::Ready(tick);
        }
        ready.then_some(tick)
    }

    /// Waits for `dir` as `key`, by the marks; returns the tick recorded in the new `Ready`
    /// mark (or the existing one).
    fn poll_direction(
        &self,
        dir: Direction,
        key: &mut WaiterKey,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<u64>> {
        let since = match self.marks.lock()[dir as usize] {
            Mark::Ready(at) => return Poll::Ready(Ok(at)),
            Mark::Unknown => None,
            Mark::Cleared(at) => Some(at),
        };
        ready!(self.registration.poll_ready(dir, key, since, cx))?;
        let tick = self.registration.tick(dir);
        let mut marks = self.marks.lock();
        match marks[dir as usize] {
            Mark::Ready(at) => Poll::Ready(Ok(at)),
            _ => {
                marks[dir as usize] = Mark::Ready(tick);
                Poll::Ready(Ok(tick))
            }
        }
    }

    /// Polls every direction of `interest` (each as its `keys` entry) and returns the
    /// event of those that are ready, once any is.
    fn poll_event(
        &self,
        interest: Interest,
        keys: &mut [WaiterKey; 2],
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Event>> {
        let (read, write) = self.directions(interest)?;
        with_budget(cx, |cx| {
            let mut event = Event::default();
            for (wanted, dir) in [(read, Direction::Read), (write, Direction::Write)] {
                if !wanted {
                    continue;
                }
                match self.poll_direction(dir, &mut keys[dir as usize], cx) {
                    Poll::Ready(Ok(tick)) => event.ticks[dir as usize] = Some(tick),
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {}
                }
            }
            if event.ticks == [None, None] {
                // With no mark yet a wait is level-checked, but priority data alone does not
                // make the read direction level-ready: look for it after the wakers are
                // stored, as the socket types do. A cleared mark waits for an event instead.
                let fd = self.registration.raw_fd();
                let mut marks = self.marks.lock();
                let read = &mut marks[Direction::Read as usize];
                if !interest.wants_priority()
                    || *read != Mark::Unknown
                    || Ready::of_fd(fd, interest).is_empty()
                {
                    return Poll::Pending;
                }
                let tick = self.registration.tick(Direction::Read);
                *read = Mark::Ready(tick);
                event.ticks[Direction::Read as usize] = Some(tick);
            }
            event.ready = event.observed(self.registration.raw_fd(), interest);
            Poll::Ready(Ok(event))
        })
    }

    /// Waits as a future of its own (one waiter per direction, removed when it ends).
    async fn wait(&self, interest: Interest) -> io::Result<Event> {
        let mut readers = self.registration.waiter(Direction::Read);
        let mut writers = self.registration.waiter(Direction::Write);
        poll_fn(|cx| {
            let mut keys = [readers.key, writers.key];
            let poll = self.poll_event(interest, &mut keys, cx);
            [readers.key, writers.key] = keys;
            poll
        })
        .await
    }

    /// Clears `dir`'s readiness observed at `tick`: the next wait needs an event after it.
    pub(super) fn clear(&self, dir: Direction, tick: u64) {
        let mut marks = self.marks.lock();
        let mark = &mut marks[dir as usize];
        if let Mark::Cleared(at) = *mark {
            // A later clear stays: ticks only grow (wrapping), so "later" is a small
            // forward distance.
            if at.wrapping_sub(tick) < u64::MAX / 2 {
                return;
            }
        }
        *mark = Mark::Cleared(tick);
    }
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.registration.raw_fd()
    }
}

impl<T: AsRawFd> AsFd for AsyncFd<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.registration.get_ref().as_fd()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", &self.inner)
            .finish()
    }
}
