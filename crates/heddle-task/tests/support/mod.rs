//! Helpers shared by the integration tests: a queue "executor", a bounded `poll_once`, and
//! drop/poll-counting futures.

#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use heddle_task::Runnable;

/// A FIFO of runnables; `schedule()` gives the hook, `run_all()` runs until idle.
#[derive(Clone, Default)]
pub struct Queue(Arc<Mutex<VecDeque<Runnable>>>);

impl Queue {
    pub fn schedule(&self) -> impl Fn(Runnable) + Send + Sync + 'static {
        let q = self.0.clone();
        move |r| q.lock().unwrap().push_back(r)
    }

    pub fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// Runs queued tasks until the queue is empty (at most `limit` polls). Returns polls made.
    pub fn run_all(&self) -> usize {
        let limit = 1_000_000;
        for n in 0..limit {
            let next = self.0.lock().unwrap().pop_front();
            match next {
                Some(r) => {
                    r.run();
                }
                None => return n,
            }
        }
        panic!("queue did not drain after {limit} polls");
    }

    /// Drops every queued runnable (as a shutting-down executor does).
    pub fn drop_all(&self) {
        let drained: Vec<_> = self.0.lock().unwrap().drain(..).collect();
        drop(drained);
    }
}

/// Polls `future` once with a no-op waker.
pub fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    Pin::new(future).poll(&mut cx)
}

/// Counts drops of the values it hands out.
#[derive(Clone, Default)]
pub struct DropCounter(Arc<AtomicUsize>);

impl DropCounter {
    pub fn token(&self) -> DropToken {
        DropToken(self.0.clone())
    }
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Increments its counter when dropped.
pub struct DropToken(Arc<AtomicUsize>);

impl Drop for DropToken {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A future that is pending until `ready` is set, counting its polls.
pub struct Gate {
    pub polls: Arc<AtomicUsize>,
    pub ready: Arc<std::sync::atomic::AtomicBool>,
    pub waker: Arc<Mutex<Option<Waker>>>,
}

impl Future for Gate {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        if self.ready.load(Ordering::SeqCst) {
            Poll::Ready(())
        } else {
            *self.waker.lock().unwrap() = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Panics when dropped (unless the thread is already panicking).
pub struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            panic!("PanicOnDrop dropped");
        }
    }
}
