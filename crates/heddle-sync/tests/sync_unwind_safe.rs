//! Which handles may cross `catch_unwind` (checked at compile time): the same ones as tokio's.
//! Every primitive keeps its state whole when a waker or a value's `Drop` panics, so a handle
//! used again after a caught panic works.

use heddle_sync::*;
use std::panic::{RefUnwindSafe, UnwindSafe};

fn is_unwind_safe<T: UnwindSafe + RefUnwindSafe>() {}

/// A payload that is itself neither: the channels do not require it of their values.
type NotUnwindSafe = std::cell::Cell<u8>;

#[test]
fn channel_handles_are_unwind_safe_whatever_they_carry() {
    is_unwind_safe::<mpsc::Sender<NotUnwindSafe>>();
    is_unwind_safe::<mpsc::Receiver<NotUnwindSafe>>();
    is_unwind_safe::<mpsc::WeakSender<NotUnwindSafe>>();
    is_unwind_safe::<mpsc::Permit<'static, NotUnwindSafe>>();
    is_unwind_safe::<mpsc::OwnedPermit<NotUnwindSafe>>();
    is_unwind_safe::<mpsc::PermitIterator<'static, NotUnwindSafe>>();
    is_unwind_safe::<mpsc::UnboundedSender<NotUnwindSafe>>();
    is_unwind_safe::<mpsc::UnboundedReceiver<NotUnwindSafe>>();
    is_unwind_safe::<mpsc::WeakUnboundedSender<NotUnwindSafe>>();
    is_unwind_safe::<broadcast::Sender<u8>>();
    is_unwind_safe::<broadcast::Receiver<u8>>();
    is_unwind_safe::<broadcast::WeakSender<u8>>();
    is_unwind_safe::<watch::Sender<u8>>();
    is_unwind_safe::<watch::Receiver<u8>>();
}

#[test]
fn signalling_primitives_are_unwind_safe() {
    is_unwind_safe::<Notify>();
    is_unwind_safe::<Notified<'static>>();
    is_unwind_safe::<OwnedNotified>();
    is_unwind_safe::<Semaphore>();
    is_unwind_safe::<SemaphorePermit<'static>>();
    is_unwind_safe::<OwnedSemaphorePermit>();
    is_unwind_safe::<Barrier>();
    is_unwind_safe::<CancellationToken>();
    is_unwind_safe::<DropGuard>();
    is_unwind_safe::<WaitForCancellationFutureOwned>();
    is_unwind_safe::<OnceCell<u8>>();
    is_unwind_safe::<SetOnce<u8>>();
}

#[test]
fn a_sender_still_works_after_a_caught_panic() {
    let (tx, mut rx) = mpsc::channel(1);
    let caught = std::panic::catch_unwind(|| {
        tx.try_send(1).unwrap();
        panic!("after the send");
    });
    assert!(caught.is_err());
    assert_eq!(rx.try_recv(), Ok(1));
    tx.try_send(2).unwrap();
    assert_eq!(rx.try_recv(), Ok(2));
}
