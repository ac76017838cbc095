//! The runtime abstraction every workload is written against, and the runtimes behind it.
//!
//! A workload is one generic function over [`Rt`]; each runtime implements the trait with
//! its own spawn, yield, channel, timer and socket calls, so every runtime does the same
//! work (same counts, sizes and seeds) and only the calls differ. What a runtime cannot do
//! it says through the trait ([`Rt::build`], [`Rt::block_on_local`], [`Rt::sleep`],
//! [`Rt::spawn_blocking`] return `None`), and the cell reads "n/a".
//!
//! Where a runtime's API forces a different shape, the implementation says so in its docs:
//! smol has no oneshot channel (a `bounded(1)` async-channel stands in), `LocalExecutor`
//! takes no spawns from other threads (remote spawns go to an `Executor` run inside the
//! local thread's loop), and tokio needs a `LocalSet` for `!Send` tasks.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

mod files;
mod heddle_rt;
mod smol_rt;
mod tokio_rt;

pub use files::Files;
pub use heddle_rt::Heddle;
pub use smol_rt::{SmolLocal, SmolMt};
pub use tokio_rt::Tokio;

/// Worker threads of every multi-thread runtime.
pub const WORKERS: usize = 2;

/// Whether a runtime runs its tasks on the calling thread or on a pool of workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Every task runs on the thread inside `block_on`.
    CurrentThread,
    /// Tasks run on [`WORKERS`] worker threads.
    MultiThread,
}

impl Flavor {
    /// The short label used in tables: `ct` or `mt`.
    pub fn label(self) -> &'static str {
        match self {
            Flavor::CurrentThread => "ct",
            Flavor::MultiThread => "mt",
        }
    }
}

/// A runtime under test: how to build it, run on it, spawn onto it, and what channels,
/// timers and sockets it brings.
///
/// Associated functions without `&self` (spawn, yield, channels, sockets) are called from
/// inside the runtime, as user code calls `tokio::spawn`.
pub trait Rt: Sized + 'static {
    /// The name used on the command line and in the reports.
    const NAME: &'static str;
    /// The flavor this runtime is compared within.
    const FLAVOR: Flavor;

    /// A fresh runtime, or `None` when this runtime does not exist yet.
    fn build() -> Option<Self>;

    /// Runs `future` to completion on this thread, with the runtime current.
    fn block_on<F: Future>(&self, future: F) -> F::Output;

    /// Like [`Rt::block_on`], in a context where [`Rt::spawn_local`] works; `None` for
    /// runtimes without `!Send` tasks.
    fn block_on_local<F: Future>(&self, future: F) -> Option<F::Output>;

    /// A `Send + Sync` handle that spawns onto this runtime from any thread.
    type Remote: Remote;

    /// The handle for spawning from outside threads.
    fn remote(&self) -> Self::Remote;

    /// Spawns a `Send` task onto the current runtime; the returned future is its output.
    fn spawn<F>(future: F) -> impl Future<Output = F::Output> + Send + 'static
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Spawns a `Send` task whose output nobody awaits.
    fn spawn_detached<F>(future: F)
    where
        F: Future<Output = ()> + Send + 'static;

    /// Spawns a `!Send` task; only called inside [`Rt::block_on_local`].
    fn spawn_local<F>(future: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static;

    /// Runs `f` on the blocking pool; `None` when the runtime has none.
    fn spawn_blocking<F, T>(f: F) -> Option<impl Future<Output = T> + Send + 'static>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;

    /// Yields to the scheduler once.
    fn yield_now() -> impl Future<Output = ()> + Send;

    /// A timer that fires after `duration`; `None` when the runtime has no timers.
    fn sleep(duration: Duration) -> Option<impl Future<Output = ()> + Send + 'static>;

    /// The sending half of the runtime's bounded multi-producer channel.
    type Sender<T: Send + 'static>: Clone + Send + Sync + 'static;
    /// The receiving half of the runtime's bounded multi-producer channel.
    type Receiver<T: Send + 'static>: Send + 'static;

    /// A bounded channel holding `capacity` messages.
    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Sender<T>, Self::Receiver<T>);

    /// Sends `value`, waiting for room; panics if the receiver is gone.
    fn send<T: Send + 'static>(
        sender: &Self::Sender<T>,
        value: T,
    ) -> impl Future<Output = ()> + Send + '_;

    /// Receives a message; `None` once every sender is gone.
    fn recv<T: Send + 'static>(
        receiver: &mut Self::Receiver<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_;

    /// The sending half of the runtime's oneshot channel.
    type OnceSender<T: Send + 'static>: Send + 'static;
    /// The receiving half of the runtime's oneshot channel.
    type OnceReceiver<T: Send + 'static>: Send + 'static;

    /// A channel for one value.
    fn oneshot<T: Send + 'static>() -> (Self::OnceSender<T>, Self::OnceReceiver<T>);

    /// Sends the value; a gone receiver is ignored.
    fn send_once<T: Send + 'static>(sender: Self::OnceSender<T>, value: T);

    /// Receives the value; `None` if the sender was dropped.
    fn recv_once<T: Send + 'static>(
        receiver: Self::OnceReceiver<T>,
    ) -> impl Future<Output = Option<T>> + Send + 'static;

    /// The runtime's TCP listener.
    type Listener: Send + 'static;
    /// The runtime's TCP stream.
    type Stream: Send + 'static;

    /// Registers a bound, listening, non-blocking std listener with the current runtime.
    fn listener_from_std(listener: std::net::TcpListener) -> io::Result<Self::Listener>;

    /// Accepts one connection (with `TCP_NODELAY` set).
    fn accept(
        listener: &Self::Listener,
    ) -> impl Future<Output = io::Result<Self::Stream>> + Send + '_;

    /// Connects to `addr` (with `TCP_NODELAY` set).
    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>> + Send;

    /// Reads some bytes into `buf`; `Ok(0)` at end of stream.
    fn read<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a;

    /// Writes all of `buf`.
    fn write_all<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<()>> + Send + 'a;
}

/// Spawns onto a runtime from any thread.
pub trait Remote: Clone + Send + Sync + 'static {
    /// Spawns a `Send` task; the returned future is its output.
    fn spawn<F>(&self, future: F) -> impl Future<Output = F::Output> + Send + 'static
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Spawns a `Send` task whose output nobody awaits.
    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static;
}

/// Runs a future on the runtime as a spawned task (so that on a multi-thread runtime it
/// runs on a worker, as "inside the runtime" means), and returns its output.
pub fn run<R: Rt, F>(rt: &R, future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    rt.block_on(async move { R::spawn(future).await })
}

/// Binds a listener on 127.0.0.1 with an ephemeral port and a backlog of 1,024, the same
/// way for every runtime, and registers it with the current runtime.
///
/// # Errors
///
/// Returns the error of `bind`, `listen` or the runtime's registration.
pub fn bind<R: Rt>() -> io::Result<(R::Listener, SocketAddr)> {
    use std::os::fd::AsRawFd;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    // `listen` on a listening socket only updates its backlog.
    // SAFETY: the descriptor is the open socket owned by `listener`, alive for the call.
    let rc = unsafe { libc::listen(listener.as_raw_fd(), 1024) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    Ok((R::listener_from_std(listener)?, addr))
}

/// Reads exactly `buf.len()` bytes.
///
/// # Errors
///
/// Returns the stream's error, or `UnexpectedEof` if it ends first.
pub async fn read_exact<R: Rt>(stream: &mut R::Stream, buf: &mut [u8]) -> io::Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        match R::read(stream, &mut buf[filled..]).await? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => filled += n,
        }
    }
    Ok(())
}
