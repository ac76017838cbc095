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
//! # Features
//!
//! Cargo features with tokio's names and meaning; none is on by default, and a layer left
//! out is not compiled:
//!
//! | feature | what it adds |
//! |---|---|
//! | `rt` | [`Runtime`], [`Builder::new_current_thread`], [`task`], [`spawn`], [`spawn_blocking`] |
//! | `rt-multi-thread` | the work-stealing flavor: [`Builder::new_multi_thread`], [`Runtime::new`], [`block_on`] |
//! | `net` | [`net`], [`reactor`], and the I/O driver of every runtime (Unix) |
//! | `time` | [`time`], and the timer driver of every runtime |
//! | `sync` | [`sync`] |
//! | `io-util` | tokio's I/O utilities in [`io`] (`AsyncReadExt`, `BufReader`, `copy`...) |
//! | `io-std` | `io::{stdin, stdout, stderr}` |
//! | `fs` | [`fs`] |
//! | `process` | [`process`] (Unix) |
//! | `signal` | [`signal`] (Unix) |
//! | `macros` | [`main`], [`test`], [`join!`], [`try_join!`], [`select!`] |
//! | `full` | all of the above |
//! | `hyper` | `heddle::hyper`: hyper 1.x's executor, timer and I/O traits |
//!
//! A runtime parks on what is compiled in: the timer wheel over the reactor with `time` and
//! `net`, either alone, or a plain thread parker with neither.
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
pub mod io;
#[cfg(feature = "rt")]
mod join_set;
#[cfg(feature = "rt")]
mod local_set;
#[cfg(feature = "macros")]
mod macros;
mod pin;
#[cfg(feature = "rt")]
pub mod runtime;
#[cfg(feature = "rt")]
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
#[cfg(feature = "sync")]
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
#[cfg(all(feature = "net", unix))]
pub mod net {
    #[doc(inline)]
    pub use heddle_reactor::net::*;
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
#[cfg(all(feature = "net", unix))]
pub mod reactor {
    #[doc(inline)]
    pub use heddle_reactor::{unix, Async, Handle, Interest, Reactor, Ready};
}

#[cfg(feature = "rt")]
#[doc(inline)]
pub use runtime::{Builder, Handle, Runtime, UnhandledPanic};
#[cfg(feature = "rt")]
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
#[cfg(all(feature = "macros", feature = "rt-multi-thread"))]
pub use heddle_macros::main;
#[cfg(all(feature = "macros", not(feature = "rt-multi-thread")))]
#[doc(inline)]
pub use heddle_macros::main_rt as main;

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
#[cfg(all(feature = "macros", feature = "rt-multi-thread"))]
pub use heddle_macros::test;
#[cfg(all(feature = "macros", not(feature = "rt-multi-thread")))]
#[doc(inline)]
pub use heddle_macros::test_rt as test;

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
#[cfg(feature = "rt-multi-thread")]
#[track_caller]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match Runtime::new() {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => panic!("heddle::block_on could not create a runtime: {error}"),
    }
}

/// Files and directories: `tokio::fs`'s API over the blocking pool (`heddle-fs`).
///
/// Each operation runs on a blocking-pool thread; whole-file reads and writes go a chunk per
/// job. [`File`](fs::File) implements tokio's `AsyncRead`, `AsyncWrite` and `AsyncSeek` with
/// tokio's semantics: a write completes in the background, `flush` waits for it.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let path = std::env::temp_dir().join(format!("heddle-fs-{}", std::process::id()));
///     heddle::fs::write(&path, "seed").await?;
///     assert_eq!(heddle::fs::read_to_string(&path).await?, "seed");
///     heddle::fs::remove_file(&path).await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(feature = "fs")]
pub mod fs {
    #[doc(inline)]
    pub use heddle_fs::*;
}

/// Child processes: `tokio::process`'s [`Command`](process::Command) and
/// [`Child`](process::Child), with pipes on the reactor and exits awaited on the child's
/// pidfd (Linux) or on `SIGCHLD` (`heddle-process`); Unix only.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let output = runtime.block_on(heddle::process::Command::new("echo").arg("hi").output())?;
/// assert_eq!(output.stdout, b"hi\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(all(feature = "process", unix))]
pub mod process {
    #[doc(inline)]
    pub use heddle_process::*;
}

/// Signals: `tokio::signal`'s [`ctrl_c`](signal::ctrl_c) and [`unix::signal`](signal::unix),
/// over one process-wide handler per signal (`heddle-signal`); Unix only.
///
/// # Examples
///
/// ```no_run
/// #[heddle::main]
/// async fn main() -> std::io::Result<()> {
///     let mut terminate = heddle::signal::unix::signal(
///         heddle::signal::unix::SignalKind::terminate(),
///     )?;
///     heddle::select! {
///         _ = heddle::signal::ctrl_c() => println!("Ctrl-C"),
///         _ = terminate.recv() => println!("SIGTERM"),
///     }
///     Ok(())
/// }
/// ```
#[cfg(all(feature = "signal", unix))]
pub mod signal {
    #[doc(inline)]
    pub use heddle_signal::{ctrl_c, unix};
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
#[cfg(feature = "time")]
pub mod time {
    #[doc(inline)]
    pub use heddle_timer::{
        advance, error, interval, interval_at, resume, sleep, sleep_until, timeout, timeout_at,
        Duration, Elapsed, Instant, Interval, MissedTickBehavior, Sleep, Timeout,
    };

    /// Pauses the clock of the current runtime's timer: from now on time moves only with
    /// [`advance`], or jumps to the next timer when every task is idle.
    ///
    /// # Panics
    ///
    /// On a multi-thread runtime, as tokio's does (its workers are never idle all at once in
    /// a way the clock could trust), outside any timer, and if the clock is paused already.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.block_on(async {
    ///     heddle::time::pause();
    ///     let start = heddle::time::Instant::now();
    ///     heddle::time::sleep(heddle::time::Duration::from_secs(3600)).await;
    ///     assert!(start.elapsed() >= heddle::time::Duration::from_secs(3600));
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn pause() {
        #[cfg(feature = "rt-multi-thread")]
        {
            use crate::runtime::RuntimeFlavor;
            let flavor = crate::runtime::with_current(crate::runtime::Handle::runtime_flavor);
            if flavor == Some(RuntimeFlavor::MultiThread) {
                panic!(
                    "`time::pause()` requires the `current_thread` runtime, the default of \
                     `#[heddle::test]`: build it with `Builder::new_current_thread()`"
                );
            }
        }
        heddle_timer::pause();
    }
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
#[cfg(feature = "rt")]
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
#[cfg(all(doctest, feature = "macros"))]
struct MacroMisuse;

/// The README's examples, compiled and run as doctests.
#[cfg(all(doctest, feature = "full"))]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "macros")]
    pub use crate::macros::{select_start, MaybeDone};
    #[cfg(feature = "macros")]
    pub use heddle_macros::{join_impl, select_impl, try_join_impl};
    pub use heddle_task;
}
