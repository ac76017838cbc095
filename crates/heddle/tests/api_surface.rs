//! Every name of the public API that users write against (the facade's paths), used once:
//! a rename or a missing item fails this file's build.

use std::time::Duration;

use heddle::io::{
    AsyncBufRead, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, BufWriter,
};
use heddle::net::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream};
use heddle::runtime::{Builder, Handle, Runtime, UnhandledPanic};
use heddle::sync::{
    broadcast, mpsc, oneshot, watch, AcquireError, Barrier, CancellationToken, Mutex, Notify,
    OnceCell, RwLock, Semaphore, TryAcquireError, TryLockError,
};
use heddle::task::{AbortHandle, Id, JoinError, JoinHandle, JoinSet};
use heddle::time::{error::Elapsed, Instant, MissedTickBehavior};

heddle::task_local! {
    static NAME: u32;
}

fn assert_error<E: std::error::Error>() {}

#[test]
fn the_names_exist() {
    assert_error::<JoinError>();
    assert_error::<Elapsed>();
    assert_error::<heddle::time::Elapsed>();
    assert_error::<mpsc::error::SendError<u8>>();
    assert_error::<mpsc::error::TrySendError<u8>>();
    assert_error::<mpsc::error::TryRecvError>();
    assert_error::<oneshot::error::RecvError>();
    assert_error::<broadcast::error::RecvError>();
    assert_error::<watch::error::SendError<u8>>();
    assert_error::<watch::error::RecvError>();
    assert_error::<AcquireError>();
    assert_error::<TryAcquireError>();
    assert_error::<TryLockError>();
    let _ = (
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
        UnhandledPanic::Ignore,
        UnhandledPanic::ShutdownRuntime,
    );
    let _: Option<(AbortHandle, Id, JoinHandle<()>, Instant)> = None;
    let _: Option<(TcpListener, TcpStream, UdpSocket)> = None;
    let _: Option<(UnixListener, UnixStream, UnixDatagram)> = None;
    let _: Option<(Mutex<()>, RwLock<()>, Semaphore)> = None;
    let _: Option<(Notify, Barrier, OnceCell<()>)> = None;
    let _: Option<(BufReader<TcpStream>, BufWriter<TcpStream>)> = None;
    fn io_traits<T: AsyncRead + AsyncWrite + AsyncReadExt + AsyncWriteExt>() {}
    fn buf_read<T: AsyncBufRead>() {}
    io_traits::<TcpStream>();
    buf_read::<BufReader<TcpStream>>();
    let _ = heddle::io::copy::<&[u8], Vec<u8>>;
    fn futures_io_traits<T: heddle::io::futures::AsyncRead + heddle::io::futures::AsyncWrite>() {}
    futures_io_traits::<TcpStream>();
    let _ = heddle::reactor::Async::<std::net::TcpStream>::new;
    let _ = (
        JoinError::is_cancelled,
        JoinError::is_panic,
        JoinError::into_panic,
        JoinError::try_into_panic,
        JoinError::id,
    );
    let _ = (
        AbortHandle::abort,
        AbortHandle::is_finished,
        AbortHandle::id,
    );
    let _ = (JoinHandle::<()>::abort, JoinHandle::<()>::is_finished);
    let _ = JoinSet::<()>::spawn_local::<std::future::Ready<()>>;
    let _ = JoinSet::<()>::spawn_blocking_on::<fn()>;
    let _: Option<heddle::task::join_set::JoinSet<()>> = None;
    let _ = (
        heddle::task::coop::cooperative::<std::future::Ready<()>>,
        heddle::task::coop::poll_proceed,
        heddle::task::coop::has_budget_remaining,
        heddle::task::coop::RestoreOnPending::made_progress,
        heddle::task::coop::unconstrained::<std::future::Ready<()>>,
    );
    type Ready = std::future::Ready<()>;
    let _: Option<heddle::task::coop::Coop<Ready>> = None;
    let _: Option<heddle::task::coop::Unconstrained<Ready>> = None;
    let _: Option<heddle::task::futures::TaskLocalFuture<u8, Ready>> = None;
    let _ = heddle::task::LocalKey::<u8>::try_get;
    let _ = heddle::task::futures::TaskLocalFuture::<u8, std::future::Ready<()>>::take_value;
    let _ = (
        heddle::task::Builder::spawn_blocking::<fn(), ()>,
        heddle::task::Builder::spawn_blocking_on::<fn(), ()>,
        heddle::task::Builder::spawn_local_on::<std::future::Ready<()>>,
    );
    let _ = (
        CancellationToken::is_cancelled,
        CancellationToken::drop_guard,
    );
    let _ = Semaphore::acquire_many;
    let _: fn(&std::io::Error) -> bool = heddle::runtime::is_rt_shutdown_err;
    let _ = (
        heddle::runtime::LocalRuntime::new,
        heddle::runtime::LocalRuntime::handle,
        heddle::runtime::LocalRuntime::spawn_local::<std::future::Ready<()>>,
        heddle::runtime::LocalRuntime::spawn_blocking::<fn(), ()>,
        heddle::runtime::LocalRuntime::block_on::<std::future::Ready<()>>,
        heddle::runtime::LocalRuntime::enter,
        heddle::runtime::LocalRuntime::shutdown_timeout,
        heddle::runtime::LocalRuntime::shutdown_background,
        heddle::runtime::LocalRuntime::metrics,
        Builder::build_local,
    );
    let _ = heddle::runtime::LocalOptions::default();
    let _ = heddle::time::Sleep::reset;
    let _ = heddle::time::Interval::tick;
}

#[test]
fn builder_settings_and_runtime_methods() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("api")
        .thread_stack_size(1 << 20)
        .on_thread_start(|| {})
        .on_thread_stop(|| {})
        .on_thread_park(|| {})
        .on_thread_unpark(|| {})
        .thread_name_fn(|| "api".to_owned())
        .max_io_events_per_tick(64)
        .max_blocking_threads(4)
        .thread_keep_alive(Duration::from_secs(1))
        .global_queue_interval(31)
        .event_interval(61)
        .unhandled_panic(UnhandledPanic::Ignore)
        .build()
        .expect("valid settings");
    let handle: Handle = rt.handle().clone();
    assert_eq!(rt.block_on(rt.spawn(async { 1 })).unwrap(), 1);
    assert_eq!(rt.block_on(rt.spawn_blocking(|| 2)).unwrap(), 2);
    assert_eq!(handle.block_on(handle.spawn(async { 3 })).unwrap(), 3);
    assert_eq!(rt.block_on(handle.spawn_blocking(|| 4)).unwrap(), 4);
    {
        let _guard = handle.enter();
        assert!(Handle::try_current().is_ok());
        let _ = Handle::current();
    }
    let metrics = rt.metrics();
    assert_eq!(metrics.num_workers(), 2);
    let _ = metrics.num_alive_tasks();
    let _ = metrics.global_queue_depth();
    let _ = handle.metrics().num_workers();
    let metrics: heddle::runtime::RuntimeMetrics = rt.metrics();
    let _ = (metrics.spawned_tasks_count(), metrics.worker_park_count(0));
    let dump: heddle::runtime::dump::Dump = rt.dump();
    for task in dump.tasks().iter() {
        let _ = (
            task.id(),
            task.name(),
            task.location(),
            task.trace().to_string(),
        );
    }
    let _ = rt.block_on(async { heddle::runtime::Handle::current().dump().await });
    rt.shutdown_timeout(Duration::from_secs(1));

    let rt = Builder::new_current_thread()
        .start_paused(true)
        .build()
        .expect("valid settings");
    rt.block_on(async {
        let start = Instant::now();
        heddle::time::sleep(Duration::from_secs(60)).await;
        assert!(start.elapsed() >= Duration::from_secs(60));
    });
    rt.shutdown_background();
    let rt = Runtime::new().expect("a default runtime");
    drop(rt);
}

#[test]
fn free_functions_and_task_items() {
    assert_eq!(heddle::block_on(async { 5 }), 5);
    heddle::block_on(async {
        let handle = heddle::spawn(async { heddle::task::id() });
        let abort = handle.abort_handle();
        let id = handle.id();
        assert_eq!(abort.id(), id);
        assert_eq!(handle.await.unwrap(), id);
        assert!(abort.is_finished());
        assert!(heddle::task::try_id().is_none());
        heddle::task::yield_now().await;
        assert_eq!(heddle::spawn_blocking(|| 6).await.unwrap(), 6);
        assert_eq!(heddle::task::spawn_blocking(|| 7).await.unwrap(), 7);
        assert_eq!(heddle::task::block_in_place(|| 8), 8);
        let named = heddle::task::Builder::new()
            .name("named")
            .spawn(async { 9 })
            .unwrap();
        assert_eq!(named.await.unwrap(), 9);
        let mut set = JoinSet::new();
        set.spawn(async { 10 });
        assert_eq!(set.len(), 1);
        assert_eq!(set.join_next().await.unwrap().unwrap(), 10);
        assert!(set.is_empty());
        set.abort_all();
        set.shutdown().await;
        let value = NAME.scope(11, async { NAME.with(|v| *v) }).await;
        assert_eq!(value, 11);
        let (a, b) = heddle::join!(async { 1 }, async { 2 });
        assert_eq!(a + b, 3);
        heddle::select! {
            v = async { 12 } => assert_eq!(v, 12),
        }
        let r = heddle::time::timeout(Duration::ZERO, async { 13 }).await;
        assert_eq!(r.unwrap(), 13);
        let mut interval = heddle::time::interval(Duration::from_millis(1));
        interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
        interval.tick().await;
        let mut at = heddle::time::interval_at(Instant::now(), Duration::from_millis(1));
        at.tick().await;
        let mut sleep = Box::pin(heddle::time::sleep_until(Instant::now()));
        let deadline = sleep.deadline();
        sleep.as_mut().reset(deadline);
        sleep.await;
    });
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let local = heddle::spawn_local(async { std::rc::Rc::new(14) });
        assert_eq!(*local.await.unwrap(), 14);
        heddle::time::pause();
        heddle::time::advance(Duration::from_secs(1)).await;
        heddle::time::resume();
    });
}

#[heddle::main(flavor = "current_thread")]
async fn main_attribute() -> u32 {
    15
}

#[heddle::test]
async fn test_attribute() {
    assert_eq!(heddle::task::yield_now().await, ());
}

#[heddle::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_attribute_multi_thread() {
    assert_eq!(heddle::spawn(async { 16 }).await.unwrap(), 16);
}

#[heddle::test(start_paused = true)]
async fn test_attribute_paused() {
    heddle::time::sleep(Duration::from_secs(3600)).await;
}

#[test]
fn main_attribute_runs() {
    assert_eq!(main_attribute(), 15);
}

#[test]
fn sync_items() {
    heddle::block_on(async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send(1).await.unwrap();
        assert!(matches!(
            tx.try_send(2),
            Err(mpsc::error::TrySendError::Full(2))
        ));
        assert_eq!(rx.recv().await, Some(1));
        let weak: mpsc::WeakSender<u32> = tx.downgrade();
        rx.close();
        tx.closed().await;
        assert!(weak.upgrade().is_some());
        assert!(matches!(
            rx.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
        let (utx, mut urx) = mpsc::unbounded_channel();
        utx.send(3).unwrap();
        assert_eq!(urx.recv().await, Some(3));
        let (otx, orx) = oneshot::channel();
        otx.send(4).unwrap();
        assert_eq!(orx.await.unwrap(), 4);
        let (btx, mut brx) = broadcast::channel(1);
        let mut brx2 = btx.subscribe();
        btx.send(5).unwrap();
        btx.send(6).unwrap();
        assert!(matches!(
            brx.recv().await,
            Err(broadcast::error::RecvError::Lagged(1))
        ));
        assert_eq!(brx.recv().await.unwrap(), 6);
        assert!(matches!(
            brx2.try_recv(),
            Err(broadcast::error::TryRecvError::Lagged(1))
        ));
        assert_eq!(brx2.try_recv().unwrap(), 6);
        let (wtx, mut wrx) = watch::channel(7);
        wtx.send(8).unwrap();
        wrx.changed().await.unwrap();
        assert_eq!(*wrx.borrow(), 8);
        let _ = wtx.subscribe();
        let s = std::sync::Arc::new(Semaphore::new(1));
        let p = s.acquire().await.unwrap();
        assert!(matches!(s.try_acquire(), Err(TryAcquireError::NoPermits)));
        drop(p);
        let owned = s.clone().acquire_owned().await.unwrap();
        drop(owned);
        s.add_permits(1);
        s.close();
        let m = std::sync::Arc::new(Mutex::new(0));
        *m.lock().await += 1;
        let _owned = m.clone().lock_owned().await;
        let rw = std::sync::Arc::new(RwLock::new(0));
        let _r = rw.clone().read_owned().await;
        let n = Notify::new();
        n.notify_one();
        n.notified().await;
        Barrier::new(1).wait().await;
        let cell = OnceCell::new();
        assert_eq!(*cell.get_or_init(|| async { 9 }).await, 9);
        let token = CancellationToken::new();
        let child = token.child_token();
        token.cancel();
        child.cancelled().await;
    });
}

/// tokio items found missing by comparing the two crates' public APIs: each named here so that
/// removing one fails to compile.
#[test]
fn tokio_tail_names() {
    use heddle::sync::{futures::Notified, futures::OwnedNotified, watch, OnceCell, Semaphore};
    use std::os::fd::{AsFd, FromRawFd};
    use std::sync::Arc;

    let _ = (
        Semaphore::blocking_acquire,
        Semaphore::blocking_acquire_many,
        Semaphore::blocking_acquire_owned,
        Semaphore::blocking_acquire_many_owned,
        heddle::sync::SemaphorePermit::semaphore,
    );
    let permits: u32 = 1;
    let semaphore = Arc::new(Semaphore::new(1));
    drop(semaphore.try_acquire_many(permits));
    drop(semaphore.try_acquire_many_owned(permits));
    let _: Option<(Notified<'static>, OwnedNotified)> = None;
    assert_eq!(OnceCell::from(1).clone(), OnceCell::from(1));
    let _ = watch::Sender::<u8>::default();
    let _ = (heddle::fs::File::set_times, heddle::fs::File::set_modified);
    let _ = heddle::fs::FileTimes::new();
    let _ = <heddle::fs::File as FromRawFd>::from_raw_fd;
    let _ = heddle::io::stdin().as_fd();
    let _ = (heddle::io::stdout().as_fd(), heddle::io::stderr().as_fd());
    let _ = heddle::task::LocalSet::id;
    let _: fn() -> Option<usize> = heddle::runtime::worker_index;
    static PRESET: heddle::sync::SetOnce<u8> = heddle::sync::SetOnce::const_new_with(1);
    assert_eq!(PRESET.get(), Some(&1));
}

#[test]
fn io_names_exist() {
    use heddle::io::{
        AsyncBufReadExt, AsyncSeek, AsyncSeekExt, BufStream, Chain, DuplexStream, Empty, Join,
        Lines, ReadBuf, ReadHalf, Repeat, SeekFrom, SimplexStream, Sink, Split, Stderr, Stdin,
        Stdout, Take, WriteHalf,
    };
    fn seek<T: AsyncSeek + AsyncSeekExt>() {}
    fn buf_read_ext<T: AsyncBufReadExt>() {}
    seek::<std::io::Cursor<Vec<u8>>>();
    buf_read_ext::<BufReader<&[u8]>>();
    type Bytes = &'static [u8];
    let _: Option<(BufStream<DuplexStream>, Chain<Bytes, Bytes>)> = None;
    let _: Option<(Empty, Repeat, Sink, Join<Bytes, Sink>)> = None;
    let _: Option<(Lines<Bytes>, Split<Bytes>, Take<Bytes>)> = None;
    let _: Option<(
        ReadHalf<DuplexStream>,
        WriteHalf<DuplexStream>,
        SimplexStream,
    )> = None;
    let _: Option<(Stdin, Stdout, Stderr, SeekFrom, heddle::io::Error)> = None;
    // tokio's standard streams are `Send + Sync + Unpin`; so are heddle's.
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    send_sync_unpin::<Stdin>();
    send_sync_unpin::<Stdout>();
    send_sync_unpin::<Stderr>();
    let _: Option<(heddle::io::ErrorKind, heddle::io::Result<()>)> = None;
    let mut storage = [0; 4];
    assert_eq!(ReadBuf::new(&mut storage).remaining(), 4);
    let _ = (heddle::io::stdin, heddle::io::stdout, heddle::io::stderr);
    let _ = (heddle::io::empty, heddle::io::repeat, heddle::io::sink);
    let _ = (heddle::io::duplex, heddle::io::simplex);
    let _ = heddle::io::copy_buf::<&[u8], Vec<u8>>;
    let _ = heddle::io::copy_bidirectional::<DuplexStream, DuplexStream>;
    let _ = heddle::io::copy_bidirectional_with_sizes::<DuplexStream, DuplexStream>;
    let _ = heddle::io::split::<DuplexStream>;
    let _ = heddle::io::join::<&[u8], Sink>;
    let future = async {};
    heddle::pin!(future);
    heddle::pin! {
        let other = async {};
    }
    let _: (std::pin::Pin<&mut _>, std::pin::Pin<&mut _>) = (future, other);
}

#[test]
fn net_and_io_methods_exist() {
    use heddle::io::{AsyncReadExt, AsyncWriteExt};
    heddle::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _incoming = listener.incoming();
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (mut server, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        assert_eq!(client.peer_addr().unwrap(), addr);
        client.set_nodelay(true).unwrap();
        client.write_all(b"ping").await.unwrap();
        tokio::io::AsyncWriteExt::shutdown(&mut client)
            .await
            .unwrap();
        let (mut read_half, _write_half) = server.split();
        let mut text = String::new();
        read_half.read_to_string(&mut text).await.unwrap();
        assert_eq!(text, "ping");
        let (_reader, _writer) = heddle::io::split(client);

        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.connect(b.local_addr().unwrap()).await.unwrap();
        a.send(b"one").await.unwrap();
        let mut buf = [0; 8];
        let (n, from) = b.peek_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"one"[..], a.local_addr().unwrap()));
        let (n, _) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"one");
        b.send_to(b"two", a.local_addr().unwrap()).await.unwrap();
        let n = a.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"two");

        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let wrapped = heddle::reactor::Async::new(socket).unwrap();
        wrapped.writable().await.unwrap();
    });
}

#[test]
fn layer_names_exist() {
    fn driver<D: heddle_driver::Driver>() {}
    fn unparker<U: heddle_driver::Unparker>() {}
    driver::<heddle_driver::ThreadParker>();
    driver::<heddle_reactor::Reactor>();
    driver::<heddle_timer::TimerDriver<heddle_driver::ThreadParker>>();
    unparker::<<heddle_driver::ThreadParker as heddle_driver::Driver>::Unparker>();
    let _: Option<heddle_timer::Clock> = None;
    let _: Option<(heddle_task::Runnable, heddle_task::JoinHandle<()>)> = None;
    fn schedule<S: heddle_task::Schedule>() {}
    let _ = schedule::<fn(heddle_task::Runnable)>;
    let _ = heddle_task::Builder::new;
    let mut local = heddle_executor_local::LocalExecutor::new(heddle_driver::ThreadParker::new());
    let task = local.spawn(async { 1 });
    assert_eq!(local.run_until(task).unwrap(), 1);
    let steal = heddle_executor_steal::Builder::new()
        .worker_threads(1)
        .build(heddle_driver::ThreadParker::new())
        .unwrap();
    assert_eq!(steal.block_on(steal.spawn(async { 2 })).unwrap(), 2);
    let around: heddle_blocking::AroundThread = std::sync::Arc::new(|run: &mut dyn FnMut()| run());
    let pool = heddle_blocking::BlockingPool::with_threads(
        heddle_blocking::DEFAULT_MAX_BLOCKING_THREADS,
        heddle_blocking::DEFAULT_THREAD_KEEP_ALIVE,
        "layer".to_owned(),
        None,
        Some(around),
    );
    assert_eq!(steal.block_on(pool.spawn_blocking(|| 3)).unwrap(), 3);
    assert_eq!(steal.block_on(heddle_blocking::unblock(|| 4)).unwrap(), 4);
    pool.shutdown(Some(Duration::from_secs(5)));
    steal.shutdown();
}

// ---- heddle::sync: the rest of tokio::sync's surface (names and signatures only) ----

/// Every `tokio::sync` item added with the full surface, at its `heddle::sync` path.
#[test]
#[allow(deprecated)]
fn sync_tokio_surface_names() {
    use heddle::sync::{
        mpsc::PermitIterator, DropGuardRef, MappedMutexGuard, OwnedMappedMutexGuard, OwnedNotified,
        OwnedRwLockMappedWriteGuard, RwLockMappedWriteGuard, SetOnce, SetOnceError,
        WaitForCancellationFuture, WaitForCancellationFutureOwned,
    };
    use heddle::sync::{
        MutexGuard, OwnedMutexGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard,
        OwnedSemaphorePermit, RwLockReadGuard, RwLockWriteGuard, SemaphorePermit,
    };
    static STATIC_MUTEX: Mutex<u8> = Mutex::const_new(0);
    static STATIC_RWLOCK: RwLock<u8> = RwLock::const_new(0);
    static STATIC_RWLOCK_MAX: RwLock<u8> = RwLock::const_with_max_readers(0, 4);
    static STATIC_SEMAPHORE: Semaphore = Semaphore::const_new(1);
    static STATIC_NOTIFY: Notify = Notify::const_new();
    static STATIC_CELL: OnceCell<u8> = OnceCell::const_new();
    static STATIC_SET_ONCE: SetOnce<u8> = SetOnce::const_new();
    let _ = (
        &STATIC_MUTEX,
        &STATIC_RWLOCK,
        &STATIC_RWLOCK_MAX,
        &STATIC_SEMAPHORE,
        &STATIC_NOTIFY,
        &STATIC_CELL,
        &STATIC_SET_ONCE,
    );
    assert_error::<mpsc::error::RecvError>();
    assert_error::<mpsc::error::SendTimeoutError<u8>>();
    let _ = mpsc::Sender::<u8>::send_timeout;
    let _ = mpsc::error::SendTimeoutError::<u8>::into_inner;
    static STATIC_CELL_WITH: OnceCell<u8> = OnceCell::const_new_with(1);
    assert_eq!(STATIC_CELL_WITH.get(), Some(&1));
    assert_error::<SetOnceError<u8>>();
    let _: Option<(
        PermitIterator<'static, u8>,
        OwnedNotified,
        DropGuardRef<'static>,
    )> = None;
    let _: Option<(
        WaitForCancellationFuture<'static>,
        WaitForCancellationFutureOwned,
    )> = None;
    let _ = (
        mpsc::Sender::<u8>::strong_count,
        mpsc::Sender::<u8>::weak_count,
        mpsc::WeakSender::<u8>::strong_count,
        mpsc::WeakSender::<u8>::weak_count,
        mpsc::Sender::<u8>::try_reserve_many,
        mpsc::Receiver::<u8>::capacity,
        mpsc::Receiver::<u8>::max_capacity,
        mpsc::Receiver::<u8>::len,
        mpsc::Receiver::<u8>::is_empty,
        mpsc::Receiver::<u8>::is_closed,
        mpsc::Receiver::<u8>::poll_recv_many,
        mpsc::Receiver::<u8>::sender_strong_count,
        mpsc::Receiver::<u8>::sender_weak_count,
        mpsc::OwnedPermit::<u8>::same_channel,
        mpsc::OwnedPermit::<u8>::same_channel_as_sender,
    );
    let _ = (
        mpsc::UnboundedSender::<u8>::strong_count,
        mpsc::UnboundedSender::<u8>::weak_count,
        mpsc::WeakUnboundedSender::<u8>::strong_count,
        mpsc::WeakUnboundedSender::<u8>::weak_count,
        mpsc::UnboundedReceiver::<u8>::poll_recv_many,
        mpsc::UnboundedReceiver::<u8>::sender_strong_count,
        mpsc::UnboundedReceiver::<u8>::sender_weak_count,
        oneshot::Receiver::<u8>::is_empty,
        oneshot::Receiver::<u8>::is_terminated,
    );
    let _ = (
        broadcast::Sender::<u8>::new,
        broadcast::Sender::<u8>::len,
        broadcast::Sender::<u8>::is_empty,
        broadcast::Sender::<u8>::same_channel,
        broadcast::Sender::<u8>::downgrade,
        broadcast::Sender::<u8>::strong_count,
        broadcast::Sender::<u8>::weak_count,
        broadcast::WeakSender::<u8>::upgrade,
        broadcast::Receiver::<u8>::same_channel,
        broadcast::Receiver::<u8>::sender_strong_count,
        broadcast::Receiver::<u8>::sender_weak_count,
        broadcast::Receiver::<u8>::is_closed,
        broadcast::Receiver::<u8>::blocking_recv,
    );
    let _ = (
        watch::Sender::<u8>::new,
        watch::Sender::<u8>::sender_count,
        watch::Sender::<u8>::same_channel,
        watch::Receiver::<u8>::mark_changed,
        watch::Receiver::<u8>::is_closed,
        watch::Ref::<'static, u8>::has_changed,
        <watch::Sender<u8> as Clone>::clone,
    );
    let _ = (
        |g: MutexGuard<'static, u8>| -> MappedMutexGuard<'static, u8> { MutexGuard::map(g, |v| v) },
        MutexGuard::<'static, u8>::mutex,
        OwnedMutexGuard::<u8>::mutex,
        |g: MappedMutexGuard<'static, u8>| MappedMutexGuard::try_map(g, |v| Some(v)).is_ok(),
        OwnedMappedMutexGuard::<u8, u8>::mutex,
        Mutex::<u8>::blocking_lock_owned,
    );
    let _ = (
        RwLock::<u8>::with_max_readers,
        RwLock::<u8>::try_read_owned,
        RwLock::<u8>::try_write_owned,
        |g: RwLockReadGuard<'static, u8>| -> RwLockReadGuard<'static, u8> {
            RwLockReadGuard::map(g, |v| v)
        },
        RwLockWriteGuard::<'static, u8>::downgrade,
        RwLockWriteGuard::<'static, u8>::into_mapped,
        |g: RwLockWriteGuard<'static, u8>| -> RwLockReadGuard<'static, u8> {
            RwLockWriteGuard::downgrade_map(g, |v| v)
        },
        |g: RwLockWriteGuard<'static, u8>| {
            RwLockWriteGuard::try_downgrade_map(g, |v| Some(v)).is_ok()
        },
        |g: RwLockMappedWriteGuard<'static, u8>| -> RwLockMappedWriteGuard<'static, u8> {
            RwLockMappedWriteGuard::map(g, |v| v)
        },
        OwnedRwLockReadGuard::<u8>::rwlock,
        OwnedRwLockWriteGuard::<u8>::downgrade,
        OwnedRwLockWriteGuard::<u8>::rwlock,
        OwnedRwLockMappedWriteGuard::<u8>::rwlock,
    );
    let _ = (
        SemaphorePermit::<'static>::merge,
        SemaphorePermit::<'static>::split,
        OwnedSemaphorePermit::merge,
        OwnedSemaphorePermit::split,
        Notify::notify_last,
        Notify::notified_owned,
        OnceCell::<u8>::take,
        <OnceCell<u8> as From<u8>>::from,
        CancellationToken::drop_guard_ref,
        CancellationToken::cancelled_owned,
    );
}

// ---- end of heddle::sync's tokio surface ----

// ---- heddle::net and heddle::io: items added to match tokio's net/io surface ----

/// Every `tokio::net`/`tokio::io` readiness item added to close the gaps, at its heddle path.
#[test]
fn net_tokio_surface_names() {
    use heddle::io::unix::{AsyncFd, AsyncFdRegisterError, AsyncFdTryNewError};
    use heddle::io::Interest;
    use heddle::net::{unix::SocketAddr, TcpSocket};

    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        const PRIORITY: Interest = Interest::PRIORITY;
        assert!(PRIORITY.is_priority() && heddle::io::Ready::PRIORITY.is_priority());
        assert!(heddle::io::Ready::ALL.is_priority());
    }
    let _: Option<(AsyncFdRegisterError<i32>, AsyncFdTryNewError<i32>)> = None;
    let _ = (
        AsyncFd::<std::fs::File>::register,
        AsyncFd::<std::fs::File>::register_with_interest,
        |fd: &mut AsyncFd<std::fs::File>| fd.try_io_mut(Interest::READABLE, |_| Ok(())),
    );
    let _ = (
        UnixDatagram::recv_buf_from::<Vec<u8>>,
        UnixDatagram::try_recv_buf_from::<Vec<u8>>,
        UnixDatagram::poll_recv_ready,
        UnixDatagram::poll_send_ready,
        UdpSocket::peek,
        UdpSocket::poll_peek,
        UdpSocket::try_peek,
        UdpSocket::poll_recv_ready,
        UdpSocket::poll_send_ready,
        UdpSocket::tos_v4,
        UdpSocket::set_tos_v4,
        UdpSocket::tclass_v6,
        UdpSocket::set_tclass_v6,
        TcpSocket::tos_v4,
        TcpSocket::set_tos_v4,
        TcpSocket::tclass_v6,
        TcpSocket::set_tclass_v6,
    );
    let _: fn(&SocketAddr) -> std::io::Result<UnixListener> = UnixListener::bind_addr;
    let _ = UnixStream::connect_addr;
    let _ = (
        |tx: &heddle::net::unix::pipe::Sender| tx.try_io(|| Ok(())),
        |rx: &heddle::net::unix::pipe::Receiver| rx.try_io(|| Ok(())),
    );
    fn lends<H: AsRef<S>, S>() {}
    lends::<heddle::net::tcp::ReadHalf<'static>, TcpStream>();
    lends::<heddle::net::tcp::WriteHalf<'static>, TcpStream>();
    lends::<heddle::net::tcp::OwnedReadHalf, TcpStream>();
    lends::<heddle::net::tcp::OwnedWriteHalf, TcpStream>();
    lends::<heddle::net::unix::ReadHalf<'static>, UnixStream>();
    lends::<heddle::net::unix::WriteHalf<'static>, UnixStream>();
    lends::<heddle::net::unix::OwnedReadHalf, UnixStream>();
    lends::<heddle::net::unix::OwnedWriteHalf, UnixStream>();
}
