//! Join values, panics, aborts, detaching, ids and task-locals at the task layer.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;

use heddle_task::Builder;
use support::{poll_once, DropCounter, Gate, PanicOnDrop, Queue};

#[test]
fn join_returns_the_value() {
    let q = Queue::default();
    let (r, mut h) = Builder::new().spawn(async { 40 + 2 }, q.schedule());
    r.run();
    assert!(matches!(poll_once(&mut h), Poll::Ready(Ok(42))));
}

#[test]
fn join_is_pending_until_the_task_completes_and_wakes_the_joiner() {
    let q = Queue::default();
    let ready = Arc::new(AtomicBool::new(false));
    let gate = Gate {
        polls: Arc::default(),
        ready: ready.clone(),
        waker: Arc::default(),
    };
    let waker_slot = gate.waker.clone();
    let (r, mut h) = Builder::new().spawn(
        async move {
            gate.await;
            "v"
        },
        q.schedule(),
    );
    r.run();
    assert!(poll_once(&mut h).is_pending());
    ready.store(true, Ordering::SeqCst);
    waker_slot.lock().unwrap().take().unwrap().wake();
    assert_eq!(q.run_all(), 1);
    assert!(matches!(poll_once(&mut h), Poll::Ready(Ok("v"))));
}

#[test]
fn panic_becomes_join_error_with_payload() {
    let q = Queue::default();
    let seven = std::hint::black_box(7);
    let (r, mut h) = Builder::new().spawn(async move { panic!("kaboom {seven}") }, q.schedule());
    let id = h.id();
    assert!(!r.run(), "a caught panic does not unwind out of run");
    let Poll::Ready(Err(err)) = poll_once(&mut h) else {
        panic!("expected a JoinError")
    };
    assert!(err.is_panic());
    assert!(!err.is_cancelled());
    assert_eq!(err.id(), id);
    assert!(err.to_string().contains("kaboom 7"), "{err}");
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<String>().unwrap(), "kaboom 7");
}

#[test]
fn panicking_task_drops_its_future_once() {
    let q = Queue::default();
    let drops = DropCounter::default();
    let token = drops.token();
    let (r, mut h) = Builder::new().spawn(
        async move {
            let _t = token;
            panic!("inside");
        },
        q.schedule(),
    );
    r.run();
    assert_eq!(drops.count(), 1);
    assert!(matches!(poll_once(&mut h), Poll::Ready(Err(e)) if e.is_panic()));
    drop(h);
    assert_eq!(drops.count(), 1);
}

#[test]
fn abort_runs_the_futures_drop_and_yields_cancelled() {
    let q = Queue::default();
    let drops = DropCounter::default();
    let token = drops.token();
    let (r, mut h) = Builder::new().spawn(
        async move {
            let _t = token;
            std::future::pending::<()>().await;
        },
        q.schedule(),
    );
    r.run();
    assert_eq!(drops.count(), 0);
    h.abort();
    assert_eq!(q.len(), 1, "abort schedules the idle task");
    q.run_all();
    assert_eq!(drops.count(), 1);
    let Poll::Ready(Err(err)) = poll_once(&mut h) else {
        panic!("expected a JoinError")
    };
    assert!(err.is_cancelled());
    assert_eq!(err.id(), h.id());
    assert!(h.is_finished());
}

#[test]
fn abort_before_first_poll_never_polls() {
    let q = Queue::default();
    let polled = Arc::new(AtomicBool::new(false));
    let p = polled.clone();
    let (r, mut h) =
        Builder::new().spawn(async move { p.store(true, Ordering::SeqCst) }, q.schedule());
    h.abort();
    r.run();
    q.run_all();
    assert!(!polled.load(Ordering::SeqCst));
    assert!(matches!(poll_once(&mut h), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn abort_after_completion_is_harmless_and_keeps_the_output() {
    let q = Queue::default();
    let (r, mut h) = Builder::new().spawn(async { 5 }, q.schedule());
    r.run();
    h.abort();
    h.abort_handle().abort();
    assert_eq!(q.len(), 0);
    assert!(matches!(poll_once(&mut h), Poll::Ready(Ok(5))));
}

#[test]
fn abort_handle_from_another_thread_after_join_handle_dropped() {
    let q = Queue::default();
    let drops = DropCounter::default();
    let token = drops.token();
    let (r, h) = Builder::new().spawn(
        async move {
            let _t = token;
            std::future::pending::<()>().await;
        },
        q.schedule(),
    );
    r.run();
    let abort = h.abort_handle();
    drop(h);
    assert!(!abort.is_finished());
    let a2 = abort.clone();
    std::thread::spawn(move || a2.abort()).join().unwrap();
    q.run_all();
    assert_eq!(drops.count(), 1);
    assert!(abort.is_finished());
}

#[test]
fn dropping_join_handle_detaches_the_task() {
    let q = Queue::default();
    let ran = Arc::new(AtomicUsize::new(0));
    let r2 = ran.clone();
    let (r, h) = Builder::new().spawn(
        async move {
            heddle_task::yield_now().await;
            r2.fetch_add(1, Ordering::SeqCst);
        },
        q.schedule(),
    );
    drop(h);
    r.run();
    q.run_all();
    assert_eq!(ran.load(Ordering::SeqCst), 1);
}

#[test]
fn dropped_runnable_cancels_and_drops_future_once() {
    let q = Queue::default();
    let drops = DropCounter::default();
    let token = drops.token();
    let (r, mut h) = Builder::new().spawn(async move { drop(token) }, q.schedule());
    drop(r);
    assert_eq!(drops.count(), 1);
    assert!(matches!(poll_once(&mut h), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn output_dropped_once_when_detached_after_completion() {
    let q = Queue::default();
    let drops = DropCounter::default();
    let token = drops.token();
    let (r, h) = Builder::new().spawn(async move { token }, q.schedule());
    r.run();
    assert_eq!(drops.count(), 0);
    drop(h);
    assert_eq!(drops.count(), 1);
}

#[test]
fn panicking_future_drop_does_not_abort_or_double_drop() {
    let q = Queue::default();
    let drops = DropCounter::default();
    let token = drops.token();
    let (r, mut h) = Builder::new().spawn(
        async move {
            let _t = token;
            let _p = PanicOnDrop;
            std::future::pending::<()>().await;
        },
        q.schedule(),
    );
    r.run();
    h.abort();
    q.run_all();
    // The panic in PanicOnDrop's Drop was caught; the other local was still dropped once.
    assert_eq!(drops.count(), 1);
    // The abort reports the destructor's panic rather than a cancellation, as tokio does.
    assert!(matches!(poll_once(&mut h), Poll::Ready(Err(e)) if e.is_panic()));
}

#[test]
fn panicking_output_drop_is_contained() {
    let q = Queue::default();
    let (r, h) = Builder::new().spawn(async { PanicOnDrop }, q.schedule());
    drop(h); // detached: async-task drops the output inside `run`
    r.run();
    let (r, h) = Builder::new().spawn(async { PanicOnDrop }, q.schedule());
    r.run();
    drop(h); // completed, then dropped: the output is dropped here
}

#[test]
fn panicking_drop_on_cancel_by_runnable_drop() {
    let q = Queue::default();
    let (r, _h) = Builder::new().spawn(
        async {
            let _p = PanicOnDrop;
            std::future::pending::<()>().await;
        },
        q.schedule(),
    );
    r.run();
    drop(_h);
    q.drop_all();
}

#[test]
fn ids_are_unique_across_many_tasks() {
    let n = if cfg!(miri) { 200 } else { 100_000 };
    let q = Queue::default();
    let mut ids = std::collections::HashSet::with_capacity(n);
    for _ in 0..n {
        let (r, h) = Builder::new().spawn(async {}, q.schedule());
        assert!(ids.insert(h.id()));
        drop(r);
    }
    assert_eq!(ids.len(), n);
}

#[test]
fn current_task_id_is_visible_inside_the_task_only() {
    assert!(heddle_task::try_id().is_none());
    let q = Queue::default();
    let (r, mut h) = Builder::new().spawn(async { heddle_task::id() }, q.schedule());
    let id = h.id();
    r.run();
    assert!(matches!(poll_once(&mut h), Poll::Ready(Ok(seen)) if seen == id));
    assert!(heddle_task::try_id().is_none());
}

#[test]
fn name_and_location_are_recorded() {
    let q = Queue::default();
    let line = line!() + 1;
    let (r, h) = Builder::new().name("named").spawn(async {}, q.schedule());
    assert_eq!(r.name(), Some("named"));
    assert_eq!(r.location().file(), file!());
    assert_eq!(r.location().line(), line);
    assert!(format!("{h:?}").contains("JoinHandle"));
}

#[test]
fn wake_from_many_threads_schedules_once_per_wake_cycle() {
    let q = Queue::default();
    let waker_slot: Arc<Mutex<Option<std::task::Waker>>> = Arc::default();
    let ready = Arc::new(AtomicBool::new(false));
    let gate = Gate {
        polls: Arc::default(),
        ready: ready.clone(),
        waker: waker_slot.clone(),
    };
    let polls = gate.polls.clone();
    let (r, mut h) = Builder::new().spawn(gate, q.schedule());
    r.run();
    let waker = waker_slot.lock().unwrap().take().unwrap();
    ready.store(true, Ordering::SeqCst);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let w = waker.clone();
            std::thread::spawn(move || w.wake())
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(q.len(), 1, "eight wakes of an idle task queue it once");
    q.run_all();
    assert_eq!(polls.load(Ordering::SeqCst), 2);
    assert!(matches!(poll_once(&mut h), Poll::Ready(Ok(()))));
}

#[test]
fn join_error_formats() {
    let q = Queue::default();
    let (r, mut h) = Builder::new().spawn(async {}, q.schedule());
    drop(r);
    let Poll::Ready(Err(err)) = poll_once(&mut h) else {
        panic!()
    };
    assert!(err.to_string().contains("cancelled"));
    assert!(format!("{err:?}").contains("Cancelled"));
    let io: std::io::Error = err.into();
    assert!(io.to_string().contains("cancelled"));
}

#[test]
fn send_sync_table() {
    fn is_send<T: Send>() {}
    fn is_sync<T: Sync>() {}
    is_send::<heddle_task::JoinHandle<u8>>();
    is_sync::<heddle_task::JoinHandle<u8>>();
    is_send::<heddle_task::AbortHandle>();
    is_sync::<heddle_task::AbortHandle>();
    is_send::<heddle_task::JoinError>();
    is_sync::<heddle_task::JoinError>();
    is_send::<heddle_task::Runnable>();
    is_sync::<heddle_task::Runnable>();
    is_send::<heddle_task::LocalRunnable>();
    is_sync::<heddle_task::LocalRunnable>();
    is_send::<heddle_task::Id>();
}
