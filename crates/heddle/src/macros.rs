//! `join!`, `try_join!` and `select!`: wait for several futures at once inside one task, as
//! tokio's macros of the same names do (`pin!`, which they often need, is in `pin.rs`).
//!
//! The futures run concurrently but not in parallel: the task awaiting the macro polls them
//! itself, so none needs to be `Send` or `'static`. To run futures in parallel on a
//! multi-thread runtime, [`spawn`](crate::spawn) them instead. The expansions live in
//! `heddle-macros`; this module holds the `macro_rules!` entry points and the helpers the
//! expansions call ([`MaybeDone`], [`select_start`]).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Waits for every future and returns their outputs as a tuple, in argument order.
///
/// The futures are polled by the calling task, each until it is ready; a future that
/// finishes early keeps its output until the others are done. `join!()` with no future is
/// `()`. Cancelling the `join!` (dropping the enclosing future) drops every future that has
/// not finished and every output already produced.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let (a, b) = runtime.block_on(async {
///     heddle::join!(async { 1 }, async {
///         heddle::task::yield_now().await;
///         "two"
///     })
/// });
/// assert_eq!((a, b), (1, "two"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[macro_export]
macro_rules! join {
    ($($input:tt)*) => {
        $crate::__private::join_impl!($crate; $($input)*)
    };
}

/// Waits for every future to return `Ok`, or for the first `Err`.
///
/// Each future's output is a `Result` with the same error type. The result is `Ok` of a
/// tuple of the `Ok` values, in argument order, or the first `Err` seen; the futures still
/// running at that point are dropped.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let result = runtime.block_on(async {
///     heddle::try_join!(async { Ok::<_, String>(1) }, async {
///         Err::<u8, _>("no".to_string())
///     })
/// });
/// assert_eq!(result, Err("no".to_string()));
/// # Ok::<(), std::io::Error>(())
/// ```
#[macro_export]
macro_rules! try_join {
    ($($input:tt)*) => {
        $crate::__private::try_join_impl!($crate; $($input)*)
    };
}

/// Waits on several futures and runs the handler of the first one to finish whose output
/// matches its branch's pattern; the other futures are dropped.
///
/// ```text
/// select! {
///     biased;                                   // optional: poll the branches in order
///     <pattern> = <future> [, if <condition>] => <handler>,
///     …
///     else => <handler>,                        // optional
/// }
/// ```
///
/// 1. Every `if` condition is evaluated; a branch whose condition is false is disabled.
/// 2. Every future expression is evaluated, a disabled branch's too (it is not polled).
/// 3. The enabled futures are polled, starting from a random branch each time (from the
///    first with `biased;`), so no branch starves the others.
/// 4. When a future finishes, its branch is disabled; if the output matches the pattern,
///    the futures are dropped and that branch's handler runs with the pattern's bindings.
///    Otherwise the output is dropped and polling goes on.
/// 5. When every branch is disabled, the `else` handler runs; without one, `select!`
///    panics.
///
/// The handlers run after the futures are dropped, outside any closure: they may use what
/// the futures borrowed, and `return`, `break`, `continue` and `?` act on the enclosing code.
///
/// # Cancel safety
///
/// The futures of the branches that lost are dropped: a branch's future must be
/// cancel-safe if losing must not lose data. heddle documents cancel safety on each of its
/// futures (for example `mpsc::Receiver::recv` is cancel-safe).
///
/// # Panics
///
/// When every branch is disabled and there is no `else` branch.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use heddle::sync::mpsc;
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let (tx, mut rx) = mpsc::channel(4);
///     tx.send(7).await.unwrap();
///     heddle::select! {
///         Some(n) = rx.recv() => assert_eq!(n, 7),
///         _ = heddle::time::sleep(Duration::from_secs(5)) => panic!("the message is there"),
///     }
///     drop(tx);
///     // `recv` ends with `None`, which does not match: the branch is disabled.
///     let got = heddle::select! {
///         Some(n) = rx.recv() => n,
///         else => 0,
///     };
///     assert_eq!(got, 0);
/// });
/// # Ok::<(), std::io::Error>(())
/// ```
#[macro_export]
macro_rules! select {
    ($($input:tt)*) => {
        $crate::__private::select_impl!($crate; $($input)*)
    };
}

pin_project_lite::pin_project! {
    /// A future and, once it finished, its output (`join!`, `try_join!`).
    #[project = MaybeDoneProj]
    #[project_replace = MaybeDoneReplace]
    #[doc(hidden)]
    pub enum MaybeDone<F: Future> {
        /// Still running.
        Running { #[pin] future: F },
        /// Finished; the output waits to be taken.
        Done { output: F::Output },
        /// The output was taken.
        Taken,
    }
}

impl<F: Future> MaybeDone<F> {
    /// Wraps a running future.
    pub fn new(future: F) -> Self {
        MaybeDone::Running { future }
    }

    /// Polls the future if it is still running; `true` once it has finished.
    pub fn poll_done(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
        let output = match self.as_mut().project() {
            MaybeDoneProj::Running { future } => match future.poll(cx) {
                Poll::Ready(output) => output,
                Poll::Pending => return false,
            },
            MaybeDoneProj::Done { .. } => return true,
            MaybeDoneProj::Taken => panic!("a `join!` output was taken twice"),
        };
        self.set(MaybeDone::Done { output });
        true
    }

    /// Takes the output of a finished future.
    ///
    /// # Panics
    ///
    /// If the future has not finished, or its output was taken.
    pub fn take(self: Pin<&mut Self>) -> F::Output {
        match self.project_replace(MaybeDone::Taken) {
            MaybeDoneReplace::Done { output } => output,
            _ => panic!("a `join!` output was taken before it was ready"),
        }
    }
}

impl<T, E, F: Future<Output = Result<T, E>>> MaybeDone<F> {
    /// Takes the error of a finished future whose output is `Err`; `None` otherwise.
    pub fn take_err(mut self: Pin<&mut Self>) -> Option<E> {
        if !matches!(&*self, MaybeDone::Done { output: Err(_) }) {
            return None;
        }
        self.as_mut().take().err()
    }

    /// Takes the `Ok` value of a finished future.
    ///
    /// # Panics
    ///
    /// If the future has not finished with `Ok`.
    pub fn take_ok(self: Pin<&mut Self>) -> T {
        match self.take() {
            Ok(value) => value,
            Err(_) => panic!("`try_join!` took an `Ok` value from an `Err`"),
        }
    }
}

thread_local! {
    /// xorshift state for `select_start`; seeded from the thread-local's address so threads
    /// differ.
    static SELECT_RNG: Cell<u32> = const { Cell::new(0) };
}

/// The branch `select!` polls first: uniform enough over `0..branches` so that no branch
/// always wins a tie.
#[doc(hidden)]
pub fn select_start(branches: usize) -> usize {
    SELECT_RNG.with(|rng| {
        let mut x = rng.get();
        if x == 0 {
            // Any non-zero seed works; the address differs between threads.
            x = (std::ptr::from_ref(rng).addr() as u32) | 1;
        }
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        rng.set(x);
        ((u64::from(x) * branches as u64) >> 32) as usize
    })
}
