//! heddle: an async runtime for Rust, built from small layered crates.
//!
//! This facade composes the layers into a runtime: the task vocabulary (`heddle-task`), the
//! driver contract (`heddle-driver`) and the executors. Depend on `heddle` to write async
//! programs; depend on a single layer to build your own executor and swap the rest.
//!
//! It offers a multi-thread work-stealing runtime ([`Runtime::new`], [`block_on`]) and a
//! current-thread one ([`Builder::new_current_thread`]), both over the reactor and the timer
//! wheel, with networking ([`net`], [`io`], [`reactor`]), time ([`time`]), channels and locks
//! ([`sync`]), and a blocking pool ([`spawn_blocking`], over `heddle-blocking`).
//!
//! # Examples
//!
//! ```
//! let runtime = heddle::Builder::new_current_thread().build()?;
//! let answer = runtime.block_on(async {
//!     let task = heddle::spawn(async {
//!         heddle::task::yield_now().await;
//!         21
//!     });
//!     task.await.unwrap() * 2
//! });
//! assert_eq!(answer, 42);
//! # Ok::<(), std::io::Error>(())
//! ```
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

#[cfg(feature = "hyper")]
pub mod hyper;
mod join_set;
mod local_set;
mod macros;
pub mod runtime;
pub mod task;

/// Channels and synchronisation primitives that work under any executor: `mpsc`, `oneshot`,
/// `broadcast`, `watch`, `Mutex`, `RwLock`, `Semaphore`, `Notify`, `Barrier`, `OnceCell`
/// and `CancellationToken`.
///
/// # Examples
///
/// ```
/// use heddle::sync::{mpsc, oneshot};
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let total = runtime.block_on(async {
///     let (tx, mut rx) = mpsc::channel(16);
///     let (done_tx, done_rx) = oneshot::channel();
///     heddle::spawn(async move {
///         let mut total = 0;
///         while let Some(n) = rx.recv().await {
///             total += n;
///         }
///         let _ = done_tx.send(total);
///     });
///     for n in 1..=10 {
///         tx.send(n).await.unwrap();
///     }
///     drop(tx);
///     done_rx.await.unwrap()
/// });
/// assert_eq!(total, 55);
/// # Ok::<(), std::io::Error>(())
/// ```
pub mod sync {
    #[doc(inline)]
    pub use heddle_sync::*;
}

/// Networking: TCP, UDP and Unix sockets, served by the runtime's reactor.
///
/// Sockets created inside a runtime register with its reactor; anywhere else (another
/// executor, a plain thread) a global reactor thread serves them, so they work under any
/// executor. Streams implement [`io::AsyncRead`] and [`io::AsyncWrite`].
///
/// # Examples
///
/// ```
/// use heddle::io::{AsyncReadExt, AsyncWriteExt};
/// use heddle::net::{TcpListener, TcpStream};
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let addr = listener.local_addr()?;
///     let server = heddle::spawn(async move {
///         let (mut stream, _) = listener.accept().await?;
///         let mut buf = [0; 5];
///         stream.read_exact(&mut buf).await?;
///         stream.write_all(&buf).await?;
///         std::io::Result::Ok(())
///     });
///     let mut client = TcpStream::connect(addr).await?;
///     client.write_all(b"hello").await?;
///     let mut echo = [0; 5];
///     client.read_exact(&mut echo).await?;
///     assert_eq!(&echo, b"hello");
///     server.await.map_err(std::io::Error::from)??;
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(unix)]
pub mod net {
    #[doc(inline)]
    pub use heddle_reactor::net::*;
}

/// Asynchronous I/O traits and helpers: the `futures-io` traits with their extension
/// traits, buffered readers and writers, `copy` and `split`.
///
/// # Examples
///
/// ```
/// use heddle::io::{AsyncReadExt, BufReader};
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let text = runtime.block_on(async {
///     let mut reader = BufReader::new(&b"buffered"[..]);
///     let mut text = String::new();
///     reader.read_to_string(&mut text).await?;
///     std::io::Result::Ok(text)
/// })?;
/// assert_eq!(text, "buffered");
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(unix)]
pub mod io {
    #[doc(inline)]
    pub use heddle_reactor::io::*;
}

/// The reactor layer: [`Async`](reactor::Async) wraps any non-blocking, descriptor-backed
/// source so it can be awaited.
///
/// # Examples
///
/// ```
/// use heddle::reactor::Async;
/// use std::net::UdpSocket;
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let a = Async::new(UdpSocket::bind("127.0.0.1:0")?)?;
///     let b = Async::new(UdpSocket::bind("127.0.0.1:0")?)?;
///     let addr = b.get_ref().local_addr()?;
///     a.write_with(|s| s.send_to(b"hi", addr)).await?;
///     let mut buf = [0; 2];
///     let (n, _) = b.read_with(|s| s.recv_from(&mut buf)).await?;
///     assert_eq!(&buf[..n], b"hi");
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(unix)]
pub mod reactor {
    #[doc(inline)]
    pub use heddle_reactor::{unix, Async, Handle, Interest, Reactor, Ready};
}

#[doc(inline)]
pub use runtime::{Builder, Handle, Runtime, UnhandledPanic};
#[doc(inline)]
pub use task::{spawn, spawn_blocking, spawn_local};

/// Runs an `async fn` (usually `main`) on a heddle runtime: multi-thread by default,
/// `#[heddle::main(flavor = "current_thread")]` or `#[heddle::main(worker_threads = 2)]` to
/// choose. Works on any `async fn` without arguments, not only `main`.
///
/// # Examples
///
/// ```
/// #[heddle::main(worker_threads = 2)]
/// async fn main() -> std::io::Result<()> {
///     let answer = heddle::spawn(async { 40 + 2 }).await?;
///     assert_eq!(answer, 42);
///     Ok(())
/// }
/// ```
pub use heddle_macros::main;

/// Runs an `async fn` test on a heddle runtime: current-thread by default;
/// `#[heddle::test(flavor = "multi_thread", worker_threads = 2)]`, and
/// `#[heddle::test(start_paused = true)]` for a paused, auto-advancing clock.
///
/// # Examples
///
/// ```
/// #[heddle::test(start_paused = true)]
/// async fn an_hour_passes_at_once() {
///     heddle::time::sleep(std::time::Duration::from_secs(3600)).await;
/// }
/// # fn main() {}
/// ```
pub use heddle_macros::test;

/// Runs `future` to completion on a fresh multi-thread runtime (one worker per core) and
/// returns its output; the runtime is shut down afterwards. For programs with one entry
/// point; build a [`Runtime`] to reuse one.
///
/// # Panics
///
/// Panics if the runtime cannot be created (no threads or file descriptors left), and if
/// called from inside a runtime (use `.await` there).
///
/// # Examples
///
/// ```
/// let answer = heddle::block_on(async {
///     heddle::spawn(async { 42 }).await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match Runtime::new() {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => panic!("heddle::block_on could not create a runtime: {error}"),
    }
}

/// Time: sleeps, timeouts and intervals served by the runtime's timer wheel, and a clock
/// that tests can pause and advance.
///
/// Timers created inside a runtime use its timer driver; anywhere else a global timer
/// thread serves them, so they work under any executor. Deadlines are exact: a sleep wakes
/// at the first check at or after its deadline, never before.
///
/// # Examples
///
/// ```
/// use heddle::time::{sleep, timeout, Duration, Instant};
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let start = Instant::now();
///     sleep(Duration::from_millis(5)).await;
///     assert!(start.elapsed() >= Duration::from_millis(5));
///     let slow = timeout(Duration::from_millis(1), std::future::pending::<()>()).await;
///     assert!(slow.is_err());
/// });
/// # Ok::<(), std::io::Error>(())
/// ```
pub mod time {
    #[doc(inline)]
    pub use heddle_timer::{
        advance, error, interval, interval_at, pause, resume, sleep, sleep_until, timeout,
        timeout_at, Duration, Elapsed, Instant, Interval, MissedTickBehavior, Sleep, Timeout,
    };
}

/// Declares task-local keys; see [`task::LocalKey`].
///
/// # Examples
///
/// ```
/// heddle::task_local! {
///     static REQUEST: u64;
/// }
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let seen = runtime.block_on(REQUEST.scope(7, async { REQUEST.get() }));
/// assert_eq!(seen, 7);
/// # Ok::<(), std::io::Error>(())
/// ```
#[macro_export]
macro_rules! task_local {
    ($($tt:tt)*) => {
        $crate::__private::heddle_task::task_local!($($tt)*);
    };
}

/// Misuse of the macros is a compile error that says how to fix it:
///
/// ```compile_fail
/// #[heddle::main] // the `async` keyword is missing from the function declaration
/// fn main() {}
/// ```
///
/// ```compile_fail
/// #[heddle::main(flavor = "current_thread", worker_threads = 2)] // needs multi_thread
/// async fn main() {}
/// ```
///
/// ```compile_fail
/// #[heddle::test(flavor = "multi_thread", start_paused = true)] // needs current_thread
/// async fn paused() {}
/// ```
///
/// ```compile_fail
/// #[heddle::main(flavour = "current_thread")] // unknown argument
/// async fn main() {}
/// ```
#[cfg(doctest)]
struct MacroMisuse;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

#[doc(hidden)]
pub mod __private {
    pub use crate::macros::{select_start, MaybeDone};
    pub use heddle_macros::{join_impl, select_impl, try_join_impl};
    pub use heddle_task;
}
