//! [`Barrier`]: lets a fixed number of tasks wait until all of them have arrived.
//!
//! Use it to line up phases of a computation (all workers finished phase 1 before any starts
//! phase 2). Exactly one task per round is told it is the leader.

use crate::loom::Mutex;
use crate::waiters::WakeList;
use slab::Slab;
use std::fmt;
use std::future::poll_fn;
use std::task::{Poll, Waker};

/// A barrier for `n` tasks; reusable round after round.
///
/// # Examples
///
/// ```
/// use heddle_sync::Barrier;
///
/// # futures::executor::block_on(async {
/// let barrier = Barrier::new(2);
/// let (a, b) = futures::join!(barrier.wait(), barrier.wait());
/// assert!(a.is_leader() != b.is_leader());
/// # });
/// ```
pub struct Barrier {
    n: usize,
    state: Mutex<State>,
}

struct State {
    /// Tasks that arrived in the current round.
    arrived: usize,
    /// The round number; a waiter is released when it changes.
    generation: u64,
    /// Wakers of waiting tasks, cleared at the end of each round.
    wakers: Slab<Waker>,
}

impl Barrier {
    /// A barrier that releases its waiters once `n` of them have called [`wait`](Self::wait).
    /// `n == 0` behaves like `n == 1`.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let barrier = heddle_sync::Barrier::new(1);
    /// assert!(barrier.wait().await.is_leader());
    /// # });
    /// ```
    pub fn new(n: usize) -> Self {
        Barrier {
            n: n.max(1),
            state: Mutex::new(State {
                arrived: 0,
                generation: 0,
                wakers: Slab::new(),
            }),
        }
    }

    /// Waits until `n` tasks have called `wait` in this round. The last one to arrive is the
    /// leader.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: a task counts as arrived from its first poll (unless that poll panics
    /// in the waker's `clone`), and dropping the future does not take the arrival back (as
    /// with `std::sync::Barrier`, whose waiters cannot leave). The round still completes when
    /// `n` arrivals have been counted.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let barrier = heddle_sync::Barrier::new(3);
    /// let (a, b, c) = futures::join!(barrier.wait(), barrier.wait(), barrier.wait());
    /// let leaders = [a, b, c].iter().filter(|r| r.is_leader()).count();
    /// assert_eq!(leaders, 1);
    /// # });
    /// ```
    pub async fn wait(&self) -> BarrierWaitResult {
        // (generation of our round, our waker slot) once we have arrived.
        let mut arrival: Option<(u64, usize)> = None;
        poll_fn(|cx| {
            let mut wakers = WakeList::new();
            let mut state = self.state.lock();
            let result = match arrival {
                None => {
                    if state.arrived + 1 == self.n {
                        state.arrived = 0;
                        state.generation = state.generation.wrapping_add(1);
                        for waker in state.wakers.drain() {
                            wakers.push(Some(waker));
                        }
                        Poll::Ready(BarrierWaitResult(true))
                    } else {
                        // Cloned before the arrival is counted: a `clone` that panics leaves
                        // the round as it was.
                        let key = state.wakers.insert(cx.waker().clone());
                        state.arrived += 1;
                        arrival = Some((state.generation, key));
                        Poll::Pending
                    }
                }
                Some((generation, key)) => {
                    if generation != state.generation {
                        Poll::Ready(BarrierWaitResult(false))
                    } else {
                        state.wakers[key].clone_from(cx.waker());
                        Poll::Pending
                    }
                }
            };
            drop(state);
            wakers.wake_all();
            result
        })
        .await
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier").field("n", &self.n).finish()
    }
}

/// What [`Barrier::wait`] returns.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let barrier = heddle_sync::Barrier::new(1);
/// let result: heddle_sync::BarrierWaitResult = barrier.wait().await;
/// assert!(result.is_leader());
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Whether this task was the last to arrive in its round (exactly one per round is).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// assert!(heddle_sync::Barrier::new(1).wait().await.is_leader());
    /// # });
    /// ```
    pub fn is_leader(&self) -> bool {
        self.0
    }
}
