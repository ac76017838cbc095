//! [`Async<T>`]: any descriptor-backed I/O object, made non-blocking and registered with a
//! reactor, with futures that wait for readiness.
//!
//! The pattern is always the same: read the source's tick, try the non-blocking operation,
//! and if it says `WouldBlock`, wait until the tick moves past the one read (see
//! [`crate::source`] for why that loses no readiness).

mod ready;

use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};
use polling::{Event, PollMode};
use socket2::SockRef;

use crate::interest::{Interest, Ready};
use crate::loom::Arc;
use crate::reactor::{release_quietly, Handle, Source};
use crate::source::{Direction, SourceState, WaiterKey};

/// A non-blocking I/O object registered with a reactor.
///
/// `Async::new` puts the descriptor in non-blocking mode and registers it with the current
/// reactor ([`Handle::current`]); dropping the `Async` (or [`into_inner`](Async::into_inner))
/// deregisters it before the descriptor can be closed.
///
/// Any number of tasks may wait on one `Async` (shared through an `Arc`, say) at once: every
/// pending [`readable`](Async::readable), [`writable`](Async::writable),
/// [`read_with`](Async::read_with) and [`write_with`](Async::write_with) future has its own
/// waiter, and a readiness event wakes all waiters of its direction, each of which then
/// retries its operation. A future dropped before it completes removes its waiter at once.
///
/// The `poll_*` methods ([`poll_readable`](Async::poll_readable), `poll_read`, `poll_write`,
/// ...) share one more waiter per direction and, as with tokio, keep only the waker of the
/// most recent call: they are for the one task that owns a stream (or one half of it).
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::Async;
/// use std::net::UdpSocket;
///
/// futures::executor::block_on(async {
///     let a = Async::new(UdpSocket::bind("127.0.0.1:0")?)?;
///     let b = Async::new(UdpSocket::bind("127.0.0.1:0")?)?;
///     let to = b.get_ref().local_addr()?;
///     a.write_with(|s| s.send_to(b"hi", to)).await?;
///     let mut buf = [0; 8];
///     let (n, _) = b.read_with(|s| s.recv_from(&mut buf)).await?;
///     assert_eq!(&buf[..n], b"hi");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct Async<T> {
    source: Arc<Source>,
    handle: Handle,
    /// # Invariant
    ///
    /// `Some` until `into_inner` takes it; the descriptor it owns is registered under
    /// `source.key` until `deregister` runs.
    io: Option<T>,
}

impl<T: fmt::Debug> fmt::Debug for Async<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Async").field("io", &self.io).finish()
    }
}

impl<T: AsFd> Async<T> {
    /// Makes `io` non-blocking and registers it with the current reactor.
    ///
    /// # Errors
    ///
    /// If the descriptor is invalid (`EBADF`), cannot be polled (a regular file or a
    /// directory: `EPERM`), or the global reactor cannot be started.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let _listener = heddle_reactor::Async::new(listener)?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn new(io: T) -> io::Result<Async<T>> {
        Async::with_handle(io, &Handle::current()?)
    }

    /// Like [`Async::new`], but registers with the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As for [`Async::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let reactor = heddle_reactor::Reactor::new()?;
    /// let file = std::fs::File::open("Cargo.toml")?;
    /// // Regular files are always "ready" and cannot be registered.
    /// assert!(heddle_reactor::Async::with_handle(file, &reactor.handle()).is_err());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn with_handle(io: T, handle: &Handle) -> io::Result<Async<T>> {
        let both = crate::source::Interest {
            read: true,
            write: true,
        };
        Async::register(io, handle, both)
    }

    /// Like [`Async::with_handle`], registering only the directions of `registered` with the
    /// poller (which must hold at least one).
    pub(crate) fn register(
        io: T,
        handle: &Handle,
        registered: crate::source::Interest,
    ) -> io::Result<Async<T>> {
        // Ask `io` for its descriptor once: that one is made non-blocking, registered, and
        // recorded in `Source::fd`, which every later arm, readiness check and the final
        // delete use (never `as_fd()` again), so they all name the registered descriptor.
        let borrowed = io.as_fd();
        // `fcntl(F_SETFL, O_NONBLOCK)` works on any descriptor, not only sockets; it fails
        // with `EBADF` for a closed one.
        SockRef::from(&borrowed).set_nonblocking(true)?;
        let fd = borrowed.as_raw_fd();
        let shared = &handle.shared;
        let (key, source) = shared.registry.insert(|key| {
            Arc::new(Source {
                key,
                fd,
                registered,
                state: SourceState::new(),
            })
        })?;
        // `polling` requires the descriptor to be deleted from the poller before it is closed.
        // (1) The `Async` owns `io`, whose descriptor stays open while `io` lives (I/O safety
        // of `T: AsFd`). (2) `deregister` deletes it, and runs in `Drop` and in `into_inner`
        // before `io` is dropped or handed back. (3) On the error path nothing was added.
        // SAFETY: by (1)-(3) the descriptor is deleted from the poller before it is closed.
        let added = unsafe {
            if shared.edge {
                shared.poller.add_with_mode(
                    fd,
                    Event::new(key, registered.read, registered.write),
                    PollMode::Edge,
                )
            } else {
                shared.poller.add(fd, Event::none(key))
            }
        };
        if let Err(e) = added {
            shared.registry.remove(key);
            return Err(e);
        }
        Ok(Async {
            source,
            handle: handle.clone(),
            io: Some(io),
        })
    }

    /// Deregisters the object and returns it. It stays in non-blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::Async::new(std::net::UdpSocket::bind("127.0.0.1:0")?)?;
    /// let _socket: std::net::UdpSocket = socket.into_inner();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn into_inner(mut self) -> T {
        self.deregister();
        match self.io.take() {
            Some(io) => io,
            // The invariant keeps `io` present until here; `into_inner` consumes `self`.
            None => unreachable!("Async::io is present until into_inner"),
        }
    }
}

impl<T> Async<T> {
    /// The inner I/O object.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::Async::new(std::net::UdpSocket::bind("127.0.0.1:0")?)?;
    /// let _addr = socket.get_ref().local_addr()?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &T {
        match &self.io {
            Some(io) => io,
            None => unreachable!("Async::io is present until into_inner"),
        }
    }

    /// The inner I/O object, mutably.
    ///
    /// # Safety
    ///
    /// The caller must not close, replace or move out the descriptor (for example with
    /// `std::mem::swap` or by assigning a new object): it is registered with the reactor, and
    /// the reactor would keep reporting on a descriptor it no longer owns.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = heddle_reactor::Async::new(a)?;
    /// // SAFETY: writing does not close or replace the descriptor.
    /// unsafe { a.get_mut() }.write_all(b"x")?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub unsafe fn get_mut(&mut self) -> &mut T {
        match &mut self.io {
            Some(io) => io,
            None => unreachable!("Async::io is present until into_inner"),
        }
    }

    /// The handle of the reactor this object is registered with.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let socket = heddle_reactor::Async::new(std::net::UdpSocket::bind("127.0.0.1:0")?)?;
    /// assert!(socket.handle().registered_count() >= 1);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Removes the source from the reactor; afterwards no waker is woken for it. Runs while
    /// `io` is still owned, in `Drop` and in `into_inner`.
    fn deregister(&mut self) {
        // Remove first: once removed, the reactor neither wakes nor re-arms this source, so
        // nobody else touches the descriptor from here on.
        let wakers = self.source.state.remove();
        // `io` is still owned: it is dropped or handed back only after this returns.
        // SAFETY: so by the `Source::fd` invariant the registered descriptor is open.
        let fd = unsafe { BorrowedFd::borrow_raw(self.source.fd) };
        // Fails only if the descriptor is already gone from the poller; nothing to do then.
        let _ = self.handle.shared.poller.delete(fd);
        self.handle.shared.registry.remove(self.source.key);
        // Dropped after every lock is released; a waker whose drop panics does not stop the
        // others from being dropped, nor unwind out of the `Async`'s drop.
        release_quietly(wakers);
    }

    /// A waiter of `dir` for one future; see [`WaiterGuard`].
    pub(crate) fn waiter(&self, dir: Direction) -> WaiterGuard<'_> {
        WaiterGuard {
            source: &self.source,
            dir,
            key: WaiterKey::Future(None),
        }
    }

    /// Waits as `key` for readiness of `dir` reported after `since` (or, with `None`, for
    /// readiness the descriptor has now or gets next); see [`SourceState::poll_ready`].
    pub(crate) fn poll_ready(
        &self,
        dir: Direction,
        key: &mut WaiterKey,
        since: Option<u64>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        let source = &*self.source;
        let shared = &*self.handle.shared;
        let poll = source
            .state
            .poll_ready(dir, key, since, cx.waker(), |interest| {
                source.arm(shared, interest)
            });
        // Without a snapshot (`readable()`/`writable()`), an edge-triggered registration would
        // not report a descriptor that is ready already, as re-arming a oneshot one does: ask
        // the OS directly (the waker is stored first, so a later edge still wakes it).
        if poll.is_pending() && since.is_none() && shared.edge && is_ready_now(source.fd, dir) {
            return Poll::Ready(Ok(()));
        }
        poll
    }

    /// Polls until the object is readable: `Ready` once the reactor has reported readability
    /// since the last call that returned `Pending`.
    ///
    /// A descriptor that is readable already is reported at once; otherwise the call waits
    /// for the reactor's next report. Only the waker of the most recent call is kept (one
    /// waiter for all `poll_*` calls of a direction); tasks that wait side by side use
    /// [`readable`](Async::readable), which gives each its own waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::future::poll_fn;
    ///
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::Async::new(a)?;
    /// std::io::Write::write_all(&mut &b, b"x")?;
    /// futures::executor::block_on(poll_fn(|cx| a.poll_readable(cx)))?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        with_budget(cx, |cx| {
            self.poll_ready(Direction::Read, &mut WaiterKey::Poll, None, cx)
        })
    }

    /// Polls until the object is writable; see [`poll_readable`](Async::poll_readable).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::future::poll_fn;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::Async::new(a)?;
    /// futures::executor::block_on(poll_fn(|cx| a.poll_writable(cx)))?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn poll_writable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        with_budget(cx, |cx| {
            self.poll_ready(Direction::Write, &mut WaiterKey::Poll, None, cx)
        })
    }

    /// Waits until the object is readable.
    ///
    /// Any number of tasks may wait at once; readiness wakes them all. As with tokio, this
    /// may complete without the object being readable (another waiter took the data, or the
    /// readiness was spurious): the next non-blocking attempt then says `WouldBlock`.
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
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::Async::new(a)?;
    /// std::io::Write::write_all(&mut &b, b"x")?;
    /// futures::executor::block_on(a.readable())?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Direction::Read).await
    }

    /// Waits until the object is writable.
    ///
    /// Any number of tasks may wait at once; readiness wakes them all. As with
    /// [`readable`](Async::readable), this may complete without the object being writable.
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
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::Async::new(a)?;
    /// futures::executor::block_on(a.writable())?;
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Direction::Write).await
    }

    /// The number of readiness events delivered so far for `dir`; see [`SourceState::tick`].
    pub(crate) fn tick(&self, dir: Direction) -> u64 {
        self.source.state.tick(dir)
    }

    /// The directions registered with the poller.
    pub(crate) fn registered(&self) -> crate::source::Interest {
        self.source.registered
    }

    /// The registered descriptor.
    pub(crate) fn raw_fd(&self) -> RawFd {
        self.source.fd
    }

    async fn ready(&self, dir: Direction) -> io::Result<()> {
        let mut waiter = self.waiter(dir);
        poll_fn(|cx| with_budget(cx, |cx| self.poll_ready(dir, &mut waiter.key, None, cx))).await
    }

    /// Runs the non-blocking `op` until it does not return `WouldBlock`, waiting for
    /// readability in between.
    ///
    /// Any number of tasks may do this at once on one `Async`; readiness wakes them all, and
    /// each runs its `op` again.
    ///
    /// # Errors
    ///
    /// Whatever `op` returns other than `WouldBlock`, or an error arming the poller.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Read;
    ///
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::Async::new(a)?;
    /// std::io::Write::write_all(&mut &b, b"hello")?;
    /// let mut buf = [0; 5];
    /// let n = futures::executor::block_on(a.read_with(|s| (&*s).read(&mut buf)))?;
    /// assert_eq!(&buf[..n], b"hello");
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn read_with<R>(&self, op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        self.io_with(Direction::Read, op).await
    }

    /// Runs the non-blocking `op` until it does not return `WouldBlock`, waiting for
    /// writability in between.
    ///
    /// Any number of tasks may do this at once on one `Async`; readiness wakes them all, and
    /// each runs its `op` again.
    ///
    /// # Errors
    ///
    /// Whatever `op` returns other than `WouldBlock`, or an error arming the poller.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = heddle_reactor::Async::new(a)?;
    /// let n = futures::executor::block_on(a.write_with(|s| (&*s).write(b"hi")))?;
    /// assert_eq!(n, 2);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub async fn write_with<R>(&self, op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        self.io_with(Direction::Write, op).await
    }

    async fn io_with<R>(
        &self,
        dir: Direction,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        let mut waiter = self.waiter(dir);
        poll_fn(|cx| self.poll_io_as(&mut waiter, cx, &mut op)).await
    }

    /// Tries `op`; on `WouldBlock`, waits for `dir` readiness that arrived after the attempt
    /// began, and tries again. The engine behind every `poll_*` read and write in this crate;
    /// it uses the direction's `poll_*` waiter, which keeps only the most recent waker.
    pub(crate) fn poll_io<R>(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        with_budget(cx, |cx| {
            self.poll_io_unbudgeted(dir, &mut WaiterKey::Poll, cx, &mut op)
        })
    }

    /// Like [`poll_io`](Async::poll_io), but waits as `waiter`, so that any number of
    /// futures can wait on this source at once.
    pub(crate) fn poll_io_as<R>(
        &self,
        waiter: &mut WaiterGuard<'_>,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        with_budget(cx, |cx| {
            self.poll_io_unbudgeted(waiter.dir, &mut waiter.key, cx, &mut op)
        })
    }

    fn poll_io_unbudgeted<R>(
        &self,
        dir: Direction,
        key: &mut WaiterKey,
        cx: &mut Context<'_>,
        op: &mut impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            // The snapshot comes before the attempt: readiness that arrives during or after
            // the syscall moves the tick past it.
            let tick = self.source.state.tick(dir);
            match op(self.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                result => return Poll::Ready(result),
            }
            match self.poll_ready(dir, key, Some(tick), cx) {
                Poll::Ready(Ok(())) => continue,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// A future's own waiter on one direction of a source: the [`WaiterKey`] its polls use, and
/// the removal of its entry when the future is dropped (completed or cancelled), which hands
/// the stored waker back at once.
#[derive(Debug)]
pub(crate) struct WaiterGuard<'a> {
    source: &'a Source,
    pub(crate) dir: Direction,
    pub(crate) key: WaiterKey,
}

impl Drop for WaiterGuard<'_> {
    fn drop(&mut self) {
        if let WaiterKey::Future(Some(index)) = self.key {
            // Dropped outside the source lock, like every waker.
            release_quietly(self.source.state.remove_waiter(self.dir, index));
        }
    }
}

/// Whether the descriptor `fd` of a registered source is ready for `dir` right now (or has an
/// error or hang-up to report), by a non-blocking `poll(2)`; see [`Ready::of_fd`], which
/// counts a failing `poll` as ready.
fn is_ready_now(fd: RawFd, dir: Direction) -> bool {
    !Ready::of_fd(fd, Interest::from(dir)).is_empty()
}

/// Runs a readiness poll under the task's cooperative budget (`heddle_task::coop`): a task
/// whose sockets are always ready still yields after its budget, and a poll that ends
/// `Pending` costs nothing.
pub(crate) fn with_budget<R>(
    cx: &mut Context<'_>,
    poll: impl FnOnce(&mut Context<'_>) -> Poll<R>,
) -> Poll<R> {
    let progress = std::task::ready!(heddle_task::coop::poll_proceed(cx));
    let result = poll(cx);
    if result.is_ready() {
        progress.made_progress();
    }
    result
}

impl<T> AsFd for Async<T>
where
    T: AsFd,
{
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.get_ref().as_fd()
    }
}

impl<T> Drop for Async<T> {
    fn drop(&mut self) {
        if self.io.is_some() {
            self.deregister();
        }
    }
}

impl<T> AsyncRead for Async<T>
where
    for<'a> &'a T: Read,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Read, cx, |mut io| io.read(buf))
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Read, cx, |mut io| io.read_vectored(bufs))
    }
}

impl<T> AsyncRead for &Async<T>
where
    for<'a> &'a T: Read,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Read, cx, |mut io| io.read(buf))
    }
}

impl<T> AsyncWrite for Async<T>
where
    for<'a> &'a T: Write,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Write, cx, |mut io| io.write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Write, cx, |mut io| io.write_vectored(bufs))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_io(Direction::Write, cx, |mut io| io.flush())
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl<T> AsyncWrite for &Async<T>
where
    for<'a> &'a T: Write,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Write, cx, |mut io| io.write(buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_io(Direction::Write, cx, |mut io| io.flush())
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::loom::unmodelled::{AtomicUsize, Ordering};
    use crate::test_waker::Counter;
    use std::future::Future;
    use std::os::unix::net::UnixStream;
    use std::task::Waker;

    use crate::Reactor;

    #[test]
    #[cfg_attr(miri, ignore)]
    fn cancelled_waiters_leave_no_entry_and_release_their_wakers() {
        let reactor = Reactor::new().unwrap();
        let (a, _b) = UnixStream::pair().unwrap();
        let a = Async::with_handle(a, &reactor.handle()).unwrap();
        let counter = std::sync::Arc::new(Counter(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);

        let mut readable = Box::pin(a.readable());
        let mut buf = [0; 1];
        let mut read = Box::pin(a.read_with(|s| (&*s).read(&mut buf)));
        assert!(readable.as_mut().poll(&mut cx).is_pending());
        assert!(read.as_mut().poll(&mut cx).is_pending());
        let state = &a.source.state;
        assert_eq!(state.future_waiters(Direction::Read), 2);
        assert_eq!(state.stored_wakers(Direction::Read), 2);

        drop(readable);
        assert_eq!(state.future_waiters(Direction::Read), 1);
        drop(read);
        assert_eq!(state.future_waiters(Direction::Read), 0);
        assert_eq!(state.stored_wakers(Direction::Read), 0);
        // Only this test's own handle is left: the reactor keeps no clone of the waker.
        assert_eq!(std::sync::Arc::strong_count(&counter), 2);
        drop(waker);
        assert_eq!(std::sync::Arc::strong_count(&counter), 1);
        assert_eq!(counter.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn is_ready_now_reports_the_descriptor_state() {
        let (a, b) = UnixStream::pair().unwrap();
        let fd = a.as_raw_fd();
        assert!(!is_ready_now(fd, Direction::Read), "nothing to read yet");
        assert!(
            is_ready_now(fd, Direction::Write),
            "an empty buffer is writable"
        );
        std::io::Write::write_all(&mut &b, b"x").unwrap();
        assert!(is_ready_now(fd, Direction::Read));
        let mut buf = [0; 1];
        (&a).read_exact(&mut buf).unwrap();
        assert!(!is_ready_now(fd, Direction::Read));
        drop(b);
        assert!(
            is_ready_now(fd, Direction::Read),
            "a hang-up counts as ready"
        );
    }
}
