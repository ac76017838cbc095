//! L8 oneshot: send vs receiver drop vs receiver poll. The value is received, handed back to
//! the sender, or dropped by the receiver: exactly one of the three, in every interleaving; a
//! waiting side is always woken, also after swapping wakers; a panicking waker leaves the
//! value receivable.

use super::{panic_waker, poll_once, Counted};
use crate::loom::{Arc, AtomicUsize, Ordering};
use crate::oneshot;
use loom::future::block_on;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::task::{Context, Poll};

#[test]
fn loom_oneshot_send_vs_recv() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel();
        let t = loom::thread::spawn(move || tx.send(7).unwrap());
        assert_eq!(block_on(rx), Ok(7));
        t.join().unwrap();
    });
}

#[test]
fn loom_oneshot_sender_drop_vs_recv() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel::<u8>();
        let t = loom::thread::spawn(move || drop(tx));
        assert!(block_on(rx).is_err());
        t.join().unwrap();
    });
}

#[test]
fn loom_oneshot_send_vs_receiver_drop() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = oneshot::channel();
        let value = Counted(drops.clone());
        let t = loom::thread::spawn(move || match tx.send(value) {
            Ok(()) => false,
            Err(back) => {
                drop(back);
                true
            }
        });
        drop(rx);
        let handed_back = t.join().unwrap();
        // Dropped exactly once, either by the receiver or after being handed back.
        assert_eq!(
            drops.load(Ordering::SeqCst),
            1,
            "handed back: {handed_back}"
        );
    });
}

#[test]
fn loom_oneshot_send_vs_receiver_poll_then_drop() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = oneshot::channel();
        let value = Counted(drops.clone());
        let t = loom::thread::spawn(move || tx.send(value).map_err(drop).is_ok());
        // Registers the receiver's waker (or takes the value), then gives up.
        let received = match poll_once(Pin::new(&mut rx)) {
            Poll::Ready(result) => result.is_ok(),
            Poll::Pending => false,
        };
        drop(rx);
        let sent = t.join().unwrap();
        assert!(sent || !received);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn loom_oneshot_send_vs_waker_swap() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::channel::<u8>();
        let t = loom::thread::spawn(move || tx.send(1).unwrap());
        // The first poll registers a no-op waker; block_on's poll replaces it. A send that
        // wakes the stale waker would leave block_on parked: a loom deadlock.
        if let Poll::Ready(result) = poll_once(Pin::new(&mut rx)) {
            assert_eq!(result, Ok(1));
        } else {
            assert_eq!(block_on(&mut rx), Ok(1));
        }
        t.join().unwrap();
    });
}

#[test]
fn loom_oneshot_close_vs_send() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::channel();
        let t = loom::thread::spawn(move || tx.send(1).is_ok());
        rx.close();
        let sent = t.join().unwrap();
        // A send that returned `Ok` is receivable after the close; one that failed is not.
        assert_eq!(rx.try_recv().is_ok(), sent);
    });
}

#[test]
fn loom_oneshot_closed_vs_receiver_drop() {
    loom::model(|| {
        let (mut tx, rx) = oneshot::channel::<u8>();
        let t = loom::thread::spawn(move || drop(rx));
        block_on(tx.closed());
        assert!(tx.is_closed());
        t.join().unwrap();
    });
}

#[test]
fn loom_oneshot_panicking_waker_leaves_the_value_receivable() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::channel::<u8>();
        let pending = pin!(&mut rx)
            .poll(&mut Context::from_waker(&panic_waker()))
            .is_pending();
        let t = loom::thread::spawn(move || {
            // The waker runs after the value is published, so a panic from it still leaves
            // the send done.
            catch_unwind(AssertUnwindSafe(|| tx.send(1).unwrap())).is_err()
        });
        let panicked = t.join().unwrap();
        assert_eq!(panicked, pending && panicked);
        if pending {
            assert_eq!(rx.try_recv(), Ok(1));
        }
    });
}
