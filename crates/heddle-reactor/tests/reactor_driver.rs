//! The reactor as a driver: entering a handle, parking and unparking, registrations,
//! descriptor reuse, and the global fallback under a foreign executor.
#![cfg(unix)]

mod support;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream as StdUnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use heddle_driver::{Driver, Unparker};
use heddle_reactor::io::{AsyncReadExt, AsyncWriteExt};
use heddle_reactor::net::{TcpListener, TcpStream, UnixStream};
use heddle_reactor::{Async, Handle, Reactor};
use support::with_watchdog;

/// Drives `reactor` on a thread until `stop` is set; returns the thread.
fn drive(mut reactor: Reactor, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Reactor> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            reactor.park_timeout(Duration::from_millis(100));
        }
        reactor
    })
}

#[test]
#[cfg_attr(miri, ignore)]
fn foreign_executor_uses_the_global_reactor() {
    with_watchdog(Duration::from_secs(10), || {
        assert!(Handle::try_current().is_none());
        // No runtime, no entered handle: plain futures::executor::block_on.
        block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut client = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            client.write_all(b"no runtime needed").await.unwrap();
            let mut buf = [0; 17];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"no runtime needed");
        });
        let (a, _b) = StdUnixStream::pair().unwrap();
        let a = Async::new(a).unwrap();
        assert!(a.handle().same_reactor(&Handle::global().unwrap()));
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn entered_handle_is_used_and_its_reactor_drives_io() {
    with_watchdog(Duration::from_secs(10), || {
        let reactor = Reactor::new().unwrap();
        let handle = reactor.handle();
        let stop = Arc::new(AtomicBool::new(false));
        let unparker = reactor.unparker();
        let driver = drive(reactor, stop.clone());

        let (mut a, mut b) = {
            let _guard = handle.enter();
            assert!(Handle::current().unwrap().same_reactor(&handle));
            UnixStream::pair().unwrap()
        };
        assert_eq!(handle.registered_count(), 2);
        assert!(
            Handle::try_current().is_none(),
            "the guard restored the previous state"
        );
        block_on(async {
            a.write_all(b"via own reactor").await.unwrap();
            let mut buf = [0; 15];
            b.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"via own reactor");
        });
        drop((a, b));
        assert_eq!(handle.registered_count(), 0);

        stop.store(true, Ordering::SeqCst);
        unparker.unpark();
        let reactor = driver.join().unwrap();
        assert_eq!(reactor.registered_count(), 0);
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn nested_enter_guards_restore_in_order() {
    let outer = Reactor::new().unwrap();
    let inner = Reactor::new().unwrap();
    let (outer_handle, inner_handle) = (outer.handle(), inner.handle());
    let g1 = outer_handle.enter();
    {
        let _g2 = inner_handle.enter();
        assert!(Handle::try_current().unwrap().same_reactor(&inner.handle()));
    }
    assert!(Handle::try_current().unwrap().same_reactor(&outer.handle()));
    drop(g1);
    assert!(Handle::try_current().is_none());
}

#[test]
#[cfg_attr(miri, ignore)]
fn unpark_before_park_is_not_lost_and_zero_timeout_does_not_block() {
    with_watchdog(Duration::from_secs(10), || {
        let mut reactor = Reactor::new().unwrap();
        let unparker = reactor.unparker();
        unparker.unpark();
        let start = Instant::now();
        reactor.park();
        reactor.park_timeout(Duration::ZERO);
        assert!(start.elapsed() < Duration::from_secs(2));

        let remote = unparker.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            remote.unpark();
        });
        reactor.park_timeout(Duration::from_secs(5));
        assert!(
            start.elapsed() < Duration::from_secs(4),
            "the unpark woke the park"
        );
        t.join().unwrap();
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn park_wakes_the_waiting_task_and_reused_fd_gets_no_stale_events() {
    with_watchdog(Duration::from_secs(10), || {
        let mut reactor = Reactor::new().unwrap();
        let handle = reactor.handle();
        let waker_hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));

        // A source with a stored read waker, dropped while the waker is stored.
        let (a, mut peer) = StdUnixStream::pair().unwrap();
        let a = Async::with_handle(a, &handle).unwrap();
        let old_fd = std::os::fd::AsRawFd::as_raw_fd(a.get_ref());
        let waker = futures::task::waker(Arc::new(Hits(waker_hits.clone())));
        let mut cx = std::task::Context::from_waker(&waker);
        assert!(a.poll_readable(&mut cx).is_pending());
        peer.write_all(b"x").unwrap();
        drop(a); // deregistered with an event pending and a waker stored
        assert_eq!(handle.registered_count(), 0);

        // A new source takes the descriptor number (the lowest free one, unless a test on
        // another thread grabbed it first: then a few more tries, bounded).
        let mut spare = Vec::new();
        let (b, _peer_b) = loop {
            let (b, peer_b) = StdUnixStream::pair().unwrap();
            if std::os::fd::AsRawFd::as_raw_fd(&b) == old_fd || spare.len() >= 32 {
                break (b, peer_b);
            }
            spare.push((b, peer_b));
        };
        drop(spare);
        let b = Async::with_handle(b, &handle).unwrap();
        let b_hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let b_waker = futures::task::waker(Arc::new(Hits(b_hits.clone())));
        let mut b_cx = std::task::Context::from_waker(&b_waker);
        assert!(b.poll_readable(&mut b_cx).is_pending());

        reactor.park_timeout(Duration::from_millis(50));
        assert_eq!(
            waker_hits.load(Ordering::SeqCst),
            0,
            "woken after deregister"
        );
        assert_eq!(
            b_hits.load(Ordering::SeqCst),
            0,
            "stale event reached the new source"
        );

        // Real readiness on the new source wakes it.
        let mut buf = [0; 1];
        let mut peer_b = _peer_b;
        peer_b.write_all(b"y").unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while b_hits.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
            reactor.park_timeout(Duration::from_millis(50));
        }
        assert_eq!(b_hits.load(Ordering::SeqCst), 1);
        assert!(b.poll_readable(&mut b_cx).is_ready());
        assert_eq!(b.get_ref().read(&mut buf).unwrap(), 1);
        let _ = peer.read(&mut buf);
    });
}

struct Hits(Arc<std::sync::atomic::AtomicUsize>);

impl futures::task::ArcWake for Hits {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn readable_reports_a_descriptor_that_is_ready_already_every_time() {
    with_watchdog(Duration::from_secs(10), || {
        let (a, mut b) = StdUnixStream::pair().unwrap();
        b.write_all(b"x").unwrap();
        block_on(async {
            let a = Async::new(a).unwrap();
            // The readiness was reported (or not) before anyone waited; the byte stays unread,
            // so every wait must see it without a new event.
            for _ in 0..3 {
                a.readable().await.unwrap();
            }
            a.writable().await.unwrap();
            a.writable().await.unwrap();
            let mut byte = [0u8; 1];
            assert_eq!(a.read_with(|s| (&*s).read(&mut byte)).await.unwrap(), 1);
        });
    });
}
