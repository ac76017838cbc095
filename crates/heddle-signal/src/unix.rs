//! Unix signals as async streams: [`signal`] and [`SignalKind`] create a [`Signal`] that
//! yields once per (coalesced) delivery; `tokio::signal::unix`.

use std::fmt;
use std::future::Future;
use std::io;
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use heddle_reactor::{Async, Handle};
use heddle_sync::watch;

use crate::registry;

/// Which signal to listen for; `tokio::signal::unix::SignalKind`.
///
/// # Examples
///
/// ```
/// use heddle_signal::unix::SignalKind;
///
/// assert_eq!(SignalKind::terminate().as_raw_value(), libc::SIGTERM);
/// assert_eq!(SignalKind::from_raw(libc::SIGUSR1), SignalKind::user_defined1());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalKind(libc::c_int);

impl SignalKind {
    /// Any signal by number, including real-time ones; whether it can be handled is checked
    /// by [`signal`].
    ///
    /// # Examples
    ///
    /// ```
    /// let kind = heddle_signal::unix::SignalKind::from_raw(libc::SIGWINCH);
    /// assert_eq!(kind.as_raw_value(), libc::SIGWINCH);
    /// ```
    pub const fn from_raw(signum: libc::c_int) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal's number.
    ///
    /// # Examples
    ///
    /// ```
    /// let kind = heddle_signal::unix::SignalKind::hangup();
    /// assert_eq!(kind.as_raw_value(), libc::SIGHUP);
    /// ```
    pub const fn as_raw_value(&self) -> libc::c_int {
        self.0
    }

    /// `SIGALRM`: a real-time timer expired.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::alarm().as_raw_value(), libc::SIGALRM);
    /// ```
    pub const fn alarm() -> SignalKind {
        SignalKind(libc::SIGALRM)
    }

    /// `SIGCHLD`: a child changed state.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::child().as_raw_value(), libc::SIGCHLD);
    /// ```
    pub const fn child() -> SignalKind {
        SignalKind(libc::SIGCHLD)
    }

    /// `SIGHUP`: the terminal went away (daemons: reload the configuration).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::hangup().as_raw_value(), libc::SIGHUP);
    /// ```
    pub const fn hangup() -> SignalKind {
        SignalKind(libc::SIGHUP)
    }

    /// `SIGINFO` (BSDs and macOS): a status request from the terminal.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(target_os = "macos")]
    /// assert_eq!(heddle_signal::unix::SignalKind::info().as_raw_value(), libc::SIGINFO);
    /// ```
    #[cfg(any(
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "illumos"
    ))]
    pub const fn info() -> SignalKind {
        SignalKind(libc::SIGINFO)
    }

    /// `SIGINT`: Ctrl-C at the terminal.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::interrupt().as_raw_value(), libc::SIGINT);
    /// ```
    pub const fn interrupt() -> SignalKind {
        SignalKind(libc::SIGINT)
    }

    /// `SIGIO`: I/O is possible on a descriptor set up for it.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::io().as_raw_value(), libc::SIGIO);
    /// ```
    #[cfg(not(target_os = "haiku"))]
    pub const fn io() -> SignalKind {
        SignalKind(libc::SIGIO)
    }

    /// `SIGPIPE`: a write to a pipe with no reader.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::pipe().as_raw_value(), libc::SIGPIPE);
    /// ```
    pub const fn pipe() -> SignalKind {
        SignalKind(libc::SIGPIPE)
    }

    /// `SIGQUIT`: Ctrl-\ at the terminal.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::quit().as_raw_value(), libc::SIGQUIT);
    /// ```
    pub const fn quit() -> SignalKind {
        SignalKind(libc::SIGQUIT)
    }

    /// `SIGTERM`: a request to terminate (what `kill` and service managers send).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::terminate().as_raw_value(), libc::SIGTERM);
    /// ```
    pub const fn terminate() -> SignalKind {
        SignalKind(libc::SIGTERM)
    }

    /// `SIGUSR1`: user-defined.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::user_defined1().as_raw_value(), libc::SIGUSR1);
    /// ```
    pub const fn user_defined1() -> SignalKind {
        SignalKind(libc::SIGUSR1)
    }

    /// `SIGUSR2`: user-defined.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::user_defined2().as_raw_value(), libc::SIGUSR2);
    /// ```
    pub const fn user_defined2() -> SignalKind {
        SignalKind(libc::SIGUSR2)
    }

    /// `SIGWINCH`: the terminal changed size.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_signal::unix::SignalKind::window_change().as_raw_value(), libc::SIGWINCH);
    /// ```
    pub const fn window_change() -> SignalKind {
        SignalKind(libc::SIGWINCH)
    }
}

impl From<libc::c_int> for SignalKind {
    fn from(signum: libc::c_int) -> SignalKind {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for libc::c_int {
    fn from(kind: SignalKind) -> libc::c_int {
        kind.as_raw_value()
    }
}

/// Listens for `kind`; `tokio::signal::unix::signal`. Installs the process-wide handler on
/// the first listener of a signal; from then on the signal's default action (ending the
/// process, for most) no longer happens.
///
/// # Errors
///
/// For a signal that cannot be handled (`SIGKILL`, `SIGSTOP`, `SIGILL`, `SIGFPE`, `SIGSEGV`),
/// one that does not exist, when the handler cannot be installed, or when the self-pipe
/// cannot be registered with the current reactor (no descriptor left, say).
///
/// # Examples
///
/// ```
/// use heddle_signal::unix::{signal, SignalKind};
///
/// assert!(signal(SignalKind::from_raw(libc::SIGKILL)).is_err());
/// let usr2 = signal(SignalKind::user_defined2())?;
/// # drop(usr2);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    let receiver = registry::subscribe(kind.as_raw_value())?;
    Ok(Signal {
        kind,
        state: State::Idle(Some(receiver)),
        pipe: Async::new(registry::reader()?)?,
    })
}

/// The deliveries of one signal, from [`signal`]; `tokio::signal::unix::Signal`.
///
/// # Examples
///
/// ```
/// use heddle_signal::unix::{signal, SignalKind};
///
/// futures::executor::block_on(async {
///     let mut usr1 = signal(SignalKind::user_defined1())?;
///     // SAFETY: kill(2) with this process's id; SIGUSR1 has a handler now.
///     unsafe { libc::kill(libc::getpid(), libc::SIGUSR1) };
///     assert_eq!(usr1.recv().await, Some(()));
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Signal {
    kind: SignalKind,
    state: State,
    /// The self-pipe's read end (a descriptor of this listener's own), registered with the
    /// reactor current where the listener was last polled.
    pipe: Async<UnixStream>,
}

/// A wait for the next delivery: owns the receiver while it runs, hands it back after.
type Wait = Pin<Box<dyn Future<Output = (bool, watch::Receiver<()>)> + Send + Sync>>;

enum State {
    /// Not waiting; `None` only while moving the receiver into a wait.
    Idle(Option<watch::Receiver<()>>),
    Waiting(Wait),
}

impl Signal {
    /// The next delivery of the signal: `Some(())` when it arrived (once for several
    /// arrivals since the last call), or `None` when no delivery can be waited for any more
    /// (polled under a reactor the self-pipe cannot be registered with: no descriptor left,
    /// or the global reactor could not start).
    ///
    /// A listener polled under another reactor than the one it waited on before (its runtime
    /// was dropped, or it moved to another runtime or executor) waits on the new one.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a delivery that a cancelled call would have returned is returned by the
    /// next call.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_signal::unix::{signal, SignalKind};
    ///
    /// futures::executor::block_on(async {
    ///     let mut alarms = signal(SignalKind::alarm())?;
    ///     // SAFETY: kill(2) with this process's id; SIGALRM has a handler now.
    ///     unsafe { libc::kill(libc::getpid(), libc::SIGALRM) };
    ///     alarms.recv().await;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn recv(&mut self) -> Option<()> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery; see [`recv`](Signal::recv). Only the waker of the most
    /// recent poll is woken.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    /// use heddle_signal::unix::{signal, SignalKind};
    ///
    /// let mut winch = signal(SignalKind::window_change())?;
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert_eq!(winch.poll_recv(&mut cx), Poll::Pending);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        /// Rounds of one poll; more happen only while signals keep arriving, and then the
        /// task yields (waking itself) rather than loop here.
        const ROUNDS: usize = 4;
        for _ in 0..ROUNDS {
            // The channel's waker is stored first, so a delivery made by any other listener
            // from here on wakes this one.
            if let Poll::Ready(delivered) = self.poll_delivery(cx) {
                return Poll::Ready(delivered);
            }
            if registry::deliver_pending() {
                continue;
            }
            // The pipe was empty: wait for a handler's next byte.
            let ready = match self.pipe_on_current_reactor() {
                Ok(pipe) => pipe.poll_readable(cx),
                Err(error) => Poll::Ready(Err(error)),
            };
            match ready {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(())) => {}
                // The pipe cannot be waited on (no reactor, no descriptor left): no further
                // delivery can be seen here.
                Poll::Ready(Err(_)) => return Poll::Ready(None),
            }
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }

    /// Polls the signal's channel for a delivery not seen yet.
    fn poll_delivery(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        loop {
            match &mut self.state {
                State::Idle(receiver) => {
                    let Some(mut receiver) = receiver.take() else {
                        return Poll::Ready(None);
                    };
                    self.state = State::Waiting(Box::pin(async move {
                        let delivered = receiver.changed().await.is_ok();
                        (delivered, receiver)
                    }));
                }
                State::Waiting(wait) => {
                    let (delivered, receiver) = ready!(wait.as_mut().poll(cx));
                    self.state = State::Idle(Some(receiver));
                    return Poll::Ready(delivered.then_some(()));
                }
            }
        }
    }

    /// The pipe, registered again with the current reactor if it is not the one the pipe is
    /// registered with (the listener moved to another runtime, or its runtime is gone and a
    /// foreign executor polls it now, served by the global reactor).
    fn pipe_on_current_reactor(&mut self) -> io::Result<&Async<UnixStream>> {
        let current = Handle::current()?;
        if !self.pipe.handle().same_reactor(&current) {
            self.pipe = Async::with_handle(registry::reader()?, &current)?;
        }
        Ok(&self.pipe)
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}
