//! Channels polled the way `select!`, `join!` and moved futures poll them: again without a
//! wake, with a waker that does nothing, or with a different task's waker, while producers on
//! other threads keep sending. Every message must still arrive exactly once and in order, and
//! a poll that registered the real waker must be woken (S9 in docs/verification.md, for the waker cells
//! of `mpsc` and `oneshot`).

mod support;

use heddle_sync::{mpsc, oneshot};
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};
use support::scaled;

/// How long a poll that registered the real waker may wait for its wake before the test
/// calls it lost.
const WAKE_DEADLINE: Duration = Duration::from_secs(10);

/// Unparks the thread that polls, and records that it did.
struct Unpark {
    thread: Thread,
    woken: AtomicBool,
}

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.thread.unpark();
    }
}

/// A small seeded generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Runs `future` to completion on this thread. Each poll uses, at random, the real waker, a
/// waker that does nothing, or a waker of another (made-up) task; only after a poll with the
/// real waker does it wait, and then for a wake. Panics if that wake does not come.
fn block_on_with_spurious_polls<F: Future>(future: F, rng: &mut Rng) -> F::Output {
    let unpark = Arc::new(Unpark {
        thread: thread::current(),
        woken: AtomicBool::new(false),
    });
    let real = Waker::from(unpark.clone());
    let mut future = pin!(future);
    loop {
        let choice = rng.below(4);
        let other;
        let waker = match choice {
            0 => Waker::noop(),
            1 => {
                other = Waker::from(Arc::new(Unpark {
                    thread: thread::current(),
                    woken: AtomicBool::new(false),
                }));
                &other
            }
            _ => &real,
        };
        if let Poll::Ready(output) = future.as_mut().poll(&mut Context::from_waker(waker)) {
            return output;
        }
        if choice < 2 {
            // Not registered with the real waker: poll again at once.
            continue;
        }
        let deadline = Instant::now() + WAKE_DEADLINE;
        while !unpark.woken.swap(false, Ordering::SeqCst) {
            let now = Instant::now();
            assert!(now < deadline, "a registered waker was never woken");
            thread::park_timeout(deadline - now);
        }
    }
}

#[test]
fn bounded_mpsc_keeps_every_message_under_spurious_polls() {
    const PRODUCERS: u64 = 3;
    let per_producer: u64 = scaled(20_000, 200) as u64;
    let (tx, mut rx) = mpsc::channel::<(u64, u64)>(4);
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (p + 1));
                for i in 0..per_producer {
                    block_on_with_spurious_polls(tx.send((p, i)), &mut rng)
                        .expect("the receiver is alive");
                }
            })
        })
        .collect();
    drop(tx);
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut next = [0u64; PRODUCERS as usize];
    while let Some((p, i)) = block_on_with_spurious_polls(rx.recv(), &mut rng) {
        assert_eq!(i, next[p as usize], "producer {p}'s messages out of order");
        next[p as usize] += 1;
    }
    assert_eq!(next, [per_producer; PRODUCERS as usize]);
    for producer in producers {
        producer.join().unwrap();
    }
}

#[test]
fn unbounded_mpsc_keeps_every_message_under_spurious_polls() {
    let messages: u64 = scaled(50_000, 300) as u64;
    let (tx, mut rx) = mpsc::unbounded_channel::<u64>();
    let producer = thread::spawn(move || {
        for i in 0..messages {
            tx.send(i).expect("the receiver is alive");
            if i % 64 == 0 {
                thread::yield_now();
            }
        }
    });
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut next = 0;
    while let Some(i) = block_on_with_spurious_polls(rx.recv(), &mut rng) {
        assert_eq!(i, next);
        next += 1;
    }
    assert_eq!(next, messages);
    producer.join().unwrap();
}

#[test]
fn oneshot_delivers_under_spurious_polls() {
    let rounds = scaled(5_000, 50);
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    for round in 0..rounds {
        let (tx, rx) = oneshot::channel();
        let sender = thread::spawn(move || {
            if round % 2 == 0 {
                thread::yield_now();
            }
            tx.send(round).unwrap();
        });
        assert_eq!(block_on_with_spurious_polls(rx, &mut rng), Ok(round));
        sender.join().unwrap();
    }
}
