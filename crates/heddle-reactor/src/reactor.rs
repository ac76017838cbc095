//! The [`Reactor`]: a [`Driver`] that parks in `Poller::wait` and wakes the tasks whose
//! sources became ready; its [`Handle`]; and the choice of which reactor new sources use.
//!
//! # Who touches what
//!
//! * The thread that owns the [`Reactor`] (an executor worker, or the global driver thread)
//!   is the only one that waits on the poller and dispatches events.
//! * Any thread registers and deregisters sources through a [`Handle`]; the registry and each
//!   source's state are behind their own mutexes ([`crate::registry`], [`crate::source`]).
//! * Wakers are woken after every lock is released, so a waker that drops a task (and with it
//!   an `Async`) cannot deadlock on a lock the reactor holds.
//! * Each wake, and each drop of a waker the reactor releases, runs under `catch_unwind`: a
//!   waker that panics does not unwind into the thread that turns the reactor (an executor
//!   worker, or the global thread that every source without a runtime depends on), and the
//!   rest of its batch is still woken. The panic hook has already reported the panic, so the
//!   payload is dropped.
//!
//! # Which reactor a new source uses
//!
//! [`Handle::current`]: the handle entered on this thread ([`Handle::enter`]), else the global
//! reactor, which is started lazily on its own thread the first time it is needed. A start
//! that fails (no descriptor for the poller, no thread) is not remembered: the next use tries
//! again.

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::num::NonZeroUsize;
use std::os::fd::{BorrowedFd, RawFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, OnceLock};

use crate::loom::unmodelled::Mutex;
use std::task::Waker;
use std::time::Duration;

use heddle_driver::{Driver, Unparker};
use polling::{Event, Events, Poller};

/// The events one wait handles by default (tokio's and `polling`'s default too).
const DEFAULT_EVENTS_CAPACITY: NonZeroUsize = match NonZeroUsize::new(1024) {
    Some(capacity) => capacity,
    None => unreachable!(),
};

use crate::delay::Delays;
use crate::registry::Registry;
use crate::source::{Interest, SourceState};

/// One registered source: its key, its descriptor number and its readiness state.
#[derive(Debug)]
pub(crate) struct Source {
    pub(crate) key: usize,
    /// # Invariant
    ///
    /// Open for as long as `state` is not removed: the owning `Async` removes the state, then
    /// deletes the descriptor from the poller, and only then drops the I/O object.
    pub(crate) fd: RawFd,
    /// The directions registered with the poller: both, except for an `AsyncFd` created
    /// with a narrower interest. The poller never reports the others.
    pub(crate) registered: Interest,
    pub(crate) state: SourceState,
}

impl Source {
    /// Arms the poller for `interest` on this source (oneshot mode only: an edge-triggered
    /// registration never needs re-arming). Called only under the source's lock while the
    /// source is not removed, so `fd` is open (see the `fd` invariant).
    pub(crate) fn arm(&self, shared: &Shared, interest: Interest) -> io::Result<()> {
        if shared.edge {
            return Ok(());
        }
        // Callers run under the source lock with the state not removed.
        // SAFETY: by the `fd` invariant the descriptor is open until the state is removed.
        let fd = unsafe { BorrowedFd::borrow_raw(self.fd) };
        let (read, write) = (
            interest.read && self.registered.read,
            interest.write && self.registered.write,
        );
        shared.poller.modify(fd, Event::new(self.key, read, write))
    }
}

/// What a [`Reactor`] and its handles share.
pub(crate) struct Shared {
    pub(crate) poller: Poller,
    pub(crate) registry: Registry<Source>,
    /// Sources are registered edge-triggered for both directions, once (where the poller
    /// supports it: epoll, kqueue); otherwise oneshot, re-armed by every waiter. See
    /// `docs/reactor.md`.
    pub(crate) edge: bool,
    /// Wake-ups at an instant ([`crate::delay`]): each wait ends by the earliest of them.
    pub(crate) delays: Delays,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("registered", &self.registry.len())
            .finish_non_exhaustive()
    }
}

/// An I/O event loop over [`polling::Poller`], usable as an executor's [`Driver`].
///
/// Parking waits for I/O readiness (or an unpark, or the timeout) and wakes the tasks whose
/// sources became ready. Sources are registered through a [`Handle`], from any thread.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_driver::{Driver, Unparker};
/// use heddle_reactor::Reactor;
/// use std::time::Duration;
///
/// let mut reactor = Reactor::new()?;
/// reactor.unparker().unpark();
/// reactor.park(); // returns at once: the unpark was stored
/// reactor.park_timeout(Duration::ZERO); // polls without blocking
/// assert_eq!(reactor.registered_count(), 0);
/// # std::io::Result::Ok(())
/// # }
/// ```
pub struct Reactor {
    shared: Arc<Shared>,
    events: Events,
    wakers: Vec<Waker>,
}

impl fmt::Debug for Reactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reactor")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

impl Reactor {
    /// Creates a reactor with its own OS poller.
    ///
    /// # Errors
    ///
    /// Whatever creating the poller fails with (for example `EMFILE`).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let reactor = heddle_reactor::Reactor::new()?;
    /// let _handle = reactor.handle();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn new() -> io::Result<Reactor> {
        Reactor::with_events_capacity(DEFAULT_EVENTS_CAPACITY)
    }

    /// Creates a reactor that handles at most `capacity` I/O events per wait (tokio's
    /// `max_io_events_per_tick`; [`new`](Reactor::new) uses 1024). Events past it stay
    /// with the OS poller for the next wait.
    ///
    /// # Errors
    ///
    /// Whatever creating the poller fails with (for example `EMFILE`).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use std::num::NonZeroUsize;
    ///
    /// let reactor = heddle_reactor::Reactor::with_events_capacity(NonZeroUsize::MIN)?;
    /// assert_eq!(reactor.registered_count(), 0);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn with_events_capacity(capacity: NonZeroUsize) -> io::Result<Reactor> {
        Ok(Reactor {
            shared: Arc::new({
                let poller = Poller::new()?;
                Shared {
                    edge: poller.supports_edge(),
                    poller,
                    registry: Registry::new(),
                    delays: Delays::new(),
                }
            }),
            events: Events::with_capacity(capacity),
            wakers: Vec::new(),
        })
    }

    /// A handle that registers sources with this reactor from any thread.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let reactor = heddle_reactor::Reactor::new()?;
    /// let handle = reactor.handle();
    /// std::thread::spawn(move || drop(handle)).join().unwrap();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn handle(&self) -> Handle {
        Handle {
            shared: self.shared.clone(),
        }
    }

    /// How many sources are registered now (for leak checks).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let reactor = heddle_reactor::Reactor::new()?;
    /// assert_eq!(reactor.registered_count(), 0);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn registered_count(&self) -> usize {
        self.shared.registry.len()
    }

    /// Waits for events (at most `timeout`, and no later than the earliest pending delay;
    /// `None` waits until an event or an unpark) and wakes the tasks they concern, and those
    /// whose delay has passed.
    ///
    /// # Errors
    ///
    /// An error of the OS wait other than `EINTR` (which `polling` retries).
    fn turn(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        if timeout == Some(Duration::ZERO) && self.shared.registry.len() == 0 {
            // A non-blocking poll with no source registered could only consume a pending
            // unpark, which the next blocking park consumes as well: skip the syscalls (an
            // executor polls without blocking every few dozen tasks). No delay is pending
            // either: a delay belongs to a stream that borrows a registered listener.
            return Ok(0);
        }
        let timeout = self.shared.delays.bound(timeout);
        self.events.clear();
        self.shared.poller.wait(&mut self.events, timeout)?;
        let shared = &*self.shared;
        for event in self.events.iter() {
            let Some(source) = shared.registry.get(event.key) else {
                // A stale event for a source deregistered after the wait harvested it.
                continue;
            };
            let _ =
                source
                    .state
                    .dispatch(event.readable, event.writable, &mut self.wakers, |rest| {
                        // A failed re-arm leaves the waiter to its next poll, which arms again.
                        let _ = source.arm(shared, rest);
                    });
        }
        shared.delays.expire(&mut self.wakers);
        let woken = self.wakers.len();
        // Every lock is released: waking may run arbitrary code, even drop an `Async`.
        for waker in self.wakers.drain(..) {
            wake_quietly(waker);
        }
        Ok(woken)
    }
}

impl Drop for Reactor {
    /// Shuts the reactor down (see [`Handle::shut_down`]): sources that outlive it get an
    /// error instead of waiting forever for readiness nobody reports.
    fn drop(&mut self) {
        self.handle().shut_down();
    }
}

/// The error of an I/O source whose reactor was shut down; see [`is_shutdown_error`].
#[derive(Debug)]
struct ShutDown;

impl fmt::Display for ShutDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the heddle runtime that drives this I/O source was shut down")
    }
}

impl std::error::Error for ShutDown {}

/// The error a source of a shut-down reactor gives (kind `Other`).
pub(crate) fn shutdown_error() -> io::Error {
    io::Error::other(ShutDown)
}

/// Whether `err` says that the reactor of an I/O source was shut down (its runtime was
/// dropped), so the source can no longer wait for readiness; see [`Handle::shut_down`].
///
/// # Examples
///
/// ```
/// let other = std::io::Error::other("something else");
/// assert!(!heddle_reactor::is_shutdown_error(&other));
/// ```
pub fn is_shutdown_error(err: &io::Error) -> bool {
    err.get_ref().is_some_and(|inner| inner.is::<ShutDown>())
}

impl Driver for Reactor {
    type Unparker = ReactorUnparker;

    /// Blocks until an I/O event or an unpark, then wakes the ready tasks.
    fn park(&mut self) {
        // An error is returned as a spurious wake-up; the caller re-checks its queues.
        let _ = self.turn(None);
    }

    /// Like `park`, but for at most `timeout`; `Duration::ZERO` only polls.
    fn park_timeout(&mut self, timeout: Duration) {
        let _ = self.turn(Some(timeout));
    }

    fn unparker(&self) -> ReactorUnparker {
        ReactorUnparker {
            shared: self.shared.clone(),
        }
    }
}

/// Wakes a parked [`Reactor`] from any thread (`Poller::notify`).
///
/// A notification sent while the reactor is not waiting makes its next wait return at once.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_driver::{Driver, Unparker};
///
/// let mut reactor = heddle_reactor::Reactor::new()?;
/// let unparker = reactor.unparker();
/// std::thread::spawn(move || unparker.unpark()).join().unwrap();
/// reactor.park();
/// # std::io::Result::Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ReactorUnparker {
    shared: Arc<Shared>,
}

impl fmt::Debug for ReactorUnparker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReactorUnparker").finish_non_exhaustive()
    }
}

impl Unparker for ReactorUnparker {
    fn unpark(&self) {
        // `notify` fails only if the notification pipe is broken, which leaves nothing useful
        // to do here; the parked thread still returns on its next event or timeout.
        let _ = self.shared.poller.notify();
    }
}

/// A cloneable, thread-safe handle to a [`Reactor`], used to register I/O sources.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::{Async, Reactor};
/// use std::net::UdpSocket;
///
/// let reactor = Reactor::new()?;
/// let handle = reactor.handle();
/// let socket = Async::with_handle(UdpSocket::bind("127.0.0.1:0")?, &handle)?;
/// assert_eq!(handle.registered_count(), 1);
/// drop(socket);
/// assert_eq!(handle.registered_count(), 0);
/// # std::io::Result::Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) shared: Arc<Shared>,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("shared", &self.shared)
            .finish()
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
}

/// The global reactor's handle, once it has started.
static GLOBAL: OnceLock<Handle> = OnceLock::new();
/// Held while the global reactor is being started, so that it starts once; a failed start
/// leaves `GLOBAL` empty for the next use to try again.
static GLOBAL_START: Mutex<()> = Mutex::new(());

impl Handle {
    /// Shuts the reactor down, for good: every task waiting on one of its sources is woken
    /// and gets an error for which [`is_shutdown_error`] holds, as does every later wait and
    /// every new registration. A runtime calls it when it is dropped (dropping the
    /// [`Reactor`] does too), since nothing drives the reactor after that. Calling it again
    /// does nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let reactor = heddle_reactor::Reactor::new()?;
    /// let handle = reactor.handle();
    /// handle.shut_down();
    /// let err = heddle_reactor::Async::with_handle(std::net::UdpSocket::bind("127.0.0.1:0")?, &handle)
    ///     .unwrap_err();
    /// assert!(heddle_reactor::is_shutdown_error(&err));
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn shut_down(&self) {
        let mut wakers = Vec::new();
        for source in self.shared.registry.close() {
            wakers.extend(source.state.shut_down());
        }
        self.shared.delays.close(&mut wakers);
        // Every lock is released: waking may run arbitrary code.
        for waker in wakers {
            wake_quietly(waker);
        }
    }

    /// Makes this the current reactor of this thread until the guard is dropped.
    ///
    /// Runtimes call this on each of their threads, so that sources created there register
    /// with the runtime's reactor. Guards nest; dropping one restores the handle that was
    /// current before it was created.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// use heddle_reactor::{Handle, Reactor};
    ///
    /// let reactor = Reactor::new()?;
    /// assert!(Handle::try_current().is_none());
    /// {
    ///     let handle = reactor.handle();
    ///     let _guard = handle.enter();
    ///     assert!(Handle::try_current().is_some());
    /// }
    /// assert!(Handle::try_current().is_none());
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        let previous = CURRENT.with(|current| current.replace(Some(self.clone())));
        EnterGuard {
            previous,
            _handle: PhantomData,
        }
    }

    /// The handle entered on this thread, if any (the global reactor does not count).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_reactor::Handle::try_current().is_none());
    /// ```
    pub fn try_current() -> Option<Handle> {
        CURRENT.with(|current| current.borrow().clone())
    }

    /// The handle entered on this thread, or else the global reactor's handle.
    ///
    /// The global reactor runs on a thread named `heddle-reactor`, started the first time it
    /// is needed, so that heddle I/O works under any executor.
    ///
    /// # Errors
    ///
    /// If no handle is entered and the global reactor could not be started (its poller or its
    /// thread could not be created, for example for lack of descriptors). Nothing is
    /// remembered: the next call tries to start it again.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let handle = heddle_reactor::Handle::current()?;
    /// let _ = handle.registered_count();
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn current() -> io::Result<Handle> {
        match Handle::try_current() {
            Some(handle) => Ok(handle),
            None => Handle::global(),
        }
    }

    /// The global reactor's handle, starting its thread if needed.
    ///
    /// # Errors
    ///
    /// As for [`Handle::current`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let a = heddle_reactor::Handle::global()?;
    /// let b = heddle_reactor::Handle::global()?;
    /// assert!(a.same_reactor(&b));
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn global() -> io::Result<Handle> {
        if let Some(handle) = GLOBAL.get() {
            return Ok(handle.clone());
        }
        // Nothing but `start_global` runs under this lock, and it holds no invariant: a
        // poisoned lock is as good as a clean one.
        let _starting = GLOBAL_START.lock();
        if let Some(handle) = GLOBAL.get() {
            return Ok(handle.clone());
        }
        let handle = start_global().map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot start the global heddle reactor: {e}"),
            )
        })?;
        Ok(GLOBAL.get_or_init(|| handle).clone())
    }

    /// True if both handles belong to the same reactor.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let reactor = heddle_reactor::Reactor::new()?;
    /// assert!(reactor.handle().same_reactor(&reactor.handle()));
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn same_reactor(&self, other: &Handle) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// How many sources are registered with this handle's reactor.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
    /// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
    /// let reactor = heddle_reactor::Reactor::new()?;
    /// assert_eq!(reactor.handle().registered_count(), 0);
    /// # std::io::Result::Ok(())
    /// # }
    /// ```
    pub fn registered_count(&self) -> usize {
        self.shared.registry.len()
    }
}

/// Wakes `waker` under `catch_unwind`; see the module docs.
pub(crate) fn wake_quietly(waker: Waker) {
    let _ = catch_unwind(AssertUnwindSafe(move || waker.wake()));
}

/// Drops `wakers` one by one, each under `catch_unwind`: a waker whose drop panics (its panic
/// hook has already reported the panic, so the payload is dropped) neither keeps the others
/// from being dropped nor unwinds into the reactor or the `Async` that released them.
pub(crate) fn release_quietly(wakers: impl IntoIterator<Item = Waker>) {
    for waker in wakers {
        let _ = catch_unwind(AssertUnwindSafe(move || drop(waker)));
    }
}

/// Starts the global reactor on its own thread and returns its handle.
fn start_global() -> io::Result<Handle> {
    let mut reactor = Reactor::new()?;
    let handle = reactor.handle();
    std::thread::Builder::new()
        .name("heddle-reactor".into())
        .spawn(move || loop {
            // `turn` contains the panics of wakers itself; this catch keeps the thread, which
            // serves every source created outside a runtime, alive through any other panic.
            match catch_unwind(AssertUnwindSafe(|| reactor.turn(None))) {
                Ok(Ok(_)) => {}
                // A persistent wait error (or panic) must not turn into a busy loop.
                Ok(Err(_)) | Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        })?;
    Ok(handle)
}

/// Restores the previously current reactor handle when dropped; see [`Handle::enter`].
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// let reactor = heddle_reactor::Reactor::new()?;
/// let handle = reactor.handle();
/// let guard: heddle_reactor::EnterGuard<'_> = handle.enter();
/// drop(guard);
/// # std::io::Result::Ok(())
/// # }
/// ```
#[must_use = "the handle is current only while the guard lives"]
pub struct EnterGuard<'a> {
    previous: Option<Handle>,
    /// Ties the guard to the thread and to the entered handle: a `MutexGuard` is `!Send`
    /// but `Sync`, as tokio's guard is.
    _handle: PhantomData<(&'a Handle, std::sync::MutexGuard<'static, ()>)>,
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

impl Drop for EnterGuard<'_> {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // `try_with`: during thread teardown the slot may already be gone; nothing to restore.
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = previous);
    }
}
