//! The Send / Sync / Unpin table of every public type (checked at compile time).

#![allow(dead_code)]

use heddle_sync::*;
use std::cell::Cell;
use std::rc::Rc;

fn require_send<T: Send>() {}
fn require_sync<T: Sync>() {}
fn require_unpin<T: Unpin>() {}
fn require_send_val<T: Send>(_: &T) {}

/// A `Send + !Sync` payload: the primitives must not require more than they need.
type NotSync = Cell<u8>;

macro_rules! send_sync {
    ($($ty:ty),* $(,)?) => {$(
        require_send::<$ty>();
        require_sync::<$ty>();
    )*};
}

#[test]
fn send_sync_table() {
    send_sync!(
        Semaphore,
        SemaphorePermit<'static>,
        OwnedSemaphorePermit,
        Mutex<NotSync>,
        MutexGuard<'static, u8>,
        OwnedMutexGuard<u8>,
        MappedMutexGuard<'static, u8>,
        OwnedMappedMutexGuard<u8, u8>,
        RwLock<u8>,
        RwLockReadGuard<'static, u8>,
        RwLockWriteGuard<'static, u8>,
        OwnedRwLockReadGuard<u8>,
        OwnedRwLockWriteGuard<u8>,
        RwLockMappedWriteGuard<'static, u8>,
        OwnedRwLockMappedWriteGuard<u8, u8>,
        Notify,
        Notified<'static>,
        OwnedNotified,
        Barrier,
        BarrierWaitResult,
        OnceCell<u8>,
        SetOnce<u8>,
        SetOnceError<u8>,
        CancellationToken,
        DropGuard,
        DropGuardRef<'static>,
        WaitForCancellationFuture<'static>,
        WaitForCancellationFutureOwned,
        AcquireError,
        TryAcquireError,
        TryLockError,
        mpsc::Sender<NotSync>,
        mpsc::Receiver<NotSync>,
        mpsc::WeakSender<NotSync>,
        mpsc::Permit<'static, NotSync>,
        mpsc::OwnedPermit<NotSync>,
        mpsc::PermitIterator<'static, NotSync>,
        mpsc::UnboundedSender<NotSync>,
        mpsc::UnboundedReceiver<NotSync>,
        mpsc::WeakUnboundedSender<NotSync>,
        oneshot::Sender<NotSync>,
        oneshot::Receiver<NotSync>,
        broadcast::Sender<u8>,
        broadcast::Receiver<u8>,
        broadcast::WeakSender<u8>,
        watch::Sender<u8>,
        watch::Receiver<u8>,
    );
    // Like a std read guard, a `Ref` is `Sync` but must stay on its thread.
    require_sync::<watch::Ref<'static, u8>>();
    require_send::<MutexGuard<'static, NotSync>>();
    require_send::<MappedMutexGuard<'static, NotSync>>();
    require_unpin::<Notified<'static>>();
    require_unpin::<OwnedNotified>();
    require_unpin::<WaitForCancellationFutureOwned>();
    require_unpin::<oneshot::Receiver<Rc<u8>>>();
}

#[test]
fn futures_are_send() {
    let semaphore = Semaphore::new(1);
    require_send_val(&semaphore.acquire());
    let mutex = Mutex::new(NotSync::new(0));
    require_send_val(&mutex.lock());
    let lock = RwLock::new(0u8);
    require_send_val(&lock.read());
    require_send_val(&lock.write());
    let (tx, mut rx) = mpsc::channel::<NotSync>(1);
    require_send_val(&tx.send(NotSync::new(0)));
    require_send_val(&tx.reserve());
    require_send_val(&rx.recv());
    require_send_val(&tx.reserve_many(1));
    let (btx, _brx) = broadcast::channel::<u8>(1);
    require_send_val(&btx.closed());
    let token = CancellationToken::new();
    require_send_val(&token.cancelled());
    require_send_val(&token.clone().cancelled_owned());
    let barrier = Barrier::new(1);
    require_send_val(&barrier.wait());
    let cell = OnceCell::<u8>::new();
    require_send_val(&cell.get_or_init(|| async { 1 }));
    let (tx, mut rx) = watch::channel(0u8);
    require_send_val(&tx.closed());
    require_send_val(&rx.wait_for(|v| *v == 1));
}
