//! heddle::sync's `blocking_*` methods on heddle runtimes: refused (with advice) on a thread
//! that drives the runtime, allowed in `spawn_blocking` closures and `block_in_place` bodies.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc as std_mpsc, Arc};
use std::time::Duration;

use heddle::sync::{mpsc, oneshot, Mutex, RwLock, Semaphore};
use heddle::Runtime;

fn multi_thread() -> Runtime {
    heddle::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

fn current_thread() -> Runtime {
    heddle::Builder::new_current_thread().build().unwrap()
}

/// Runs `f` on another thread and fails the test if it takes longer than `secs` (a deadlock
/// regression then fails instead of hanging).
fn with_watchdog<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std_mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(catch_unwind(AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(Ok(value)) => value,
        Ok(Err(payload)) => std::panic::resume_unwind(payload),
        Err(_) => panic!("watchdog: did not finish within {secs} s"),
    }
}

fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Asserts that `f` panics with the blocking-call message naming `method`.
fn assert_refused(method: &str, f: impl FnOnce()) {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("the blocking call should panic");
    let message = message(&*payload);
    assert!(message.contains(method), "{message}");
    assert!(
        message.contains("would block") || message.contains("stall"),
        "{message}"
    );
    assert!(message.contains(".await"), "{message}");
    assert!(message.contains("spawn_blocking"), "{message}");
}

/// Calls every blocking method once, expecting each to be refused.
fn every_blocking_call_is_refused() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    assert_refused("mpsc::Sender::blocking_send", || {
        let _ = tx.blocking_send(1);
    });
    assert_refused("mpsc::Receiver::blocking_recv", || {
        let _ = rx.blocking_recv();
    });
    assert_refused("mpsc::Receiver::blocking_recv_many", || {
        let _ = rx.blocking_recv_many(&mut Vec::new(), 4);
    });
    let (_utx, mut urx) = mpsc::unbounded_channel::<u8>();
    assert_refused("mpsc::UnboundedReceiver::blocking_recv", || {
        let _ = urx.blocking_recv();
    });
    assert_refused("mpsc::UnboundedReceiver::blocking_recv_many", || {
        let _ = urx.blocking_recv_many(&mut Vec::new(), 4);
    });
    let (_otx, orx) = oneshot::channel::<u8>();
    assert_refused("oneshot::Receiver::blocking_recv", || {
        let _ = orx.blocking_recv();
    });
    let mutex = Mutex::new(0);
    assert_refused("Mutex::blocking_lock", || {
        let _ = mutex.blocking_lock();
    });
    let lock = RwLock::new(0);
    assert_refused("RwLock::blocking_read", || {
        let _ = lock.blocking_read();
    });
    assert_refused("RwLock::blocking_write", || {
        let _ = lock.blocking_write();
    });
    let semaphore = Arc::new(Semaphore::new(1));
    assert_refused("Semaphore::blocking_acquire", || {
        let _ = semaphore.blocking_acquire();
    });
    assert_refused("Semaphore::blocking_acquire_many", || {
        let _ = semaphore.blocking_acquire_many(1);
    });
    assert_refused("Semaphore::blocking_acquire_owned", || {
        let _ = semaphore.clone().blocking_acquire_owned();
    });
    assert_refused("Semaphore::blocking_acquire_many_owned", || {
        let _ = semaphore.clone().blocking_acquire_many_owned(1);
    });
}

#[test]
fn blocking_calls_panic_inside_block_on() {
    with_watchdog(30, || {
        current_thread().block_on(async { every_blocking_call_is_refused() });
        multi_thread().block_on(async { every_blocking_call_is_refused() });
    });
}

#[test]
fn blocking_calls_panic_in_tasks_on_the_workers() {
    with_watchdog(30, || {
        let rt = multi_thread();
        rt.block_on(async {
            heddle::spawn(async { every_blocking_call_is_refused() })
                .await
                .unwrap();
        });
    });
}

#[test]
#[should_panic(
    expected = "`Mutex::blocking_lock` was called on a thread that is driving async tasks"
)]
fn blocking_lock_inside_block_on_names_the_call() {
    let mutex = Mutex::new(0);
    current_thread().block_on(async {
        drop(mutex.blocking_lock());
    });
}

/// Blocking calls against async tasks on the same runtime; `rounds` is above the cooperative
/// budget, so a budget leaking into the blocking calls would show.
fn exchange_with_async_tasks(rounds: usize) -> usize {
    let (request_tx, mut request_rx) = mpsc::channel::<usize>(1);
    let (reply_tx, mut reply_rx) = mpsc::unbounded_channel::<usize>();
    let server = heddle::spawn(async move {
        while let Some(request) = request_rx.recv().await {
            reply_tx.send(request + 1).unwrap();
        }
    });
    let mut total = 0;
    for i in 0..rounds {
        request_tx.blocking_send(i).unwrap();
        total += reply_rx.blocking_recv().unwrap();
    }
    drop(request_tx);
    assert_eq!(reply_rx.blocking_recv(), None);
    drop(server);

    let (tx, mut rx) = mpsc::channel(rounds);
    for i in 0..rounds {
        tx.try_send(i).unwrap();
    }
    drop(tx);
    let mut buffer = Vec::new();
    while rx.blocking_recv_many(&mut buffer, 7) > 0 {}
    assert_eq!(buffer.len(), rounds);

    let mutex = Arc::new(Mutex::new(0));
    let lock = Arc::new(RwLock::new(0));
    let (done_tx, done_rx) = oneshot::channel();
    let holder = {
        let (mutex, lock) = (mutex.clone(), lock.clone());
        heddle::spawn(async move {
            let mut guard = mutex.lock().await;
            let mut write = lock.write().await;
            heddle::task::yield_now().await;
            *guard = 1;
            *write = 2;
            drop((guard, write));
            done_tx.send(()).unwrap();
        })
    };
    assert_eq!(done_rx.blocking_recv(), Ok(()));
    assert_eq!(*mutex.blocking_lock(), 1);
    assert_eq!(*lock.blocking_read(), 2);
    *lock.blocking_write() += 1;
    drop(holder);

    // A permit an async task holds is released to a blocking waiter, and back.
    let semaphore = Arc::new(Semaphore::new(2));
    let held = semaphore.clone().blocking_acquire_many_owned(2).unwrap();
    let (acquired_tx, acquired_rx) = oneshot::channel();
    let waiter = {
        let semaphore = semaphore.clone();
        heddle::spawn(async move {
            let permit = semaphore.acquire_many(2).await.unwrap();
            acquired_tx.send(()).unwrap();
            drop(permit);
        })
    };
    drop(held);
    assert_eq!(acquired_rx.blocking_recv(), Ok(()));
    drop(waiter);
    assert_eq!(semaphore.blocking_acquire_many(2).unwrap().num_permits(), 2);
    assert_eq!(
        semaphore
            .clone()
            .blocking_acquire_owned()
            .unwrap()
            .num_permits(),
        1
    );
    assert_eq!(semaphore.blocking_acquire().unwrap().num_permits(), 1);
    total
}

#[test]
fn blocking_calls_work_in_spawn_blocking() {
    let rounds = 300;
    let total = with_watchdog(60, move || {
        let rt = multi_thread();
        rt.block_on(async move {
            heddle::spawn_blocking(move || exchange_with_async_tasks(rounds))
                .await
                .unwrap()
        })
    });
    assert_eq!(total, (1..=rounds).sum::<usize>());
}

#[test]
fn block_on_works_in_spawn_blocking() {
    let value = with_watchdog(30, || {
        let rt = multi_thread();
        rt.block_on(async {
            heddle::spawn_blocking(|| {
                let handle = heddle::runtime::Handle::current();
                handle.block_on(async { heddle::spawn(async { 7 }).await.unwrap() })
            })
            .await
            .unwrap()
        })
    });
    assert_eq!(value, 7);
}

#[test]
fn blocking_calls_work_in_block_in_place() {
    let rounds = 300;
    let total = with_watchdog(60, move || {
        let rt = multi_thread();
        rt.block_on(async move {
            heddle::spawn(async move {
                heddle::task::block_in_place(move || exchange_with_async_tasks(rounds))
            })
            .await
            .unwrap()
        })
    });
    assert_eq!(total, (1..=rounds).sum::<usize>());
}

#[test]
fn a_plain_thread_blocks_on_a_runtime_task() {
    with_watchdog(30, || {
        let rt = current_thread();
        let (tx, rx) = oneshot::channel();
        let (data_tx, mut data_rx) = mpsc::channel(1);
        let thread = std::thread::spawn(move || {
            for i in 0..10 {
                data_tx.blocking_send(i).unwrap();
            }
            drop(data_tx);
            rx.blocking_recv().unwrap()
        });
        let sum = rt.block_on(async move {
            let mut sum = 0;
            while let Some(i) = data_rx.recv().await {
                sum += i;
            }
            sum
        });
        tx.send(sum).unwrap();
        assert_eq!(thread.join().unwrap(), 45);
    });
}
