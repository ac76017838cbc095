//! Wakers that panic when woken or dropped: the reactor contains the panic, wakes the rest of
//! its batch, and keeps running, whether a runtime drives it or it is the global reactor.
#![cfg(unix)]

mod support;

use std::future::Future;
use std::io::Write;
use std::os::unix::net::UnixStream as StdUnixStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use std::time::{Duration, Instant};

use futures::executor::block_on;
use heddle_driver::Driver;
use heddle_reactor::io::AsyncReadExt;
use heddle_reactor::net::TcpListener;
use heddle_reactor::{Async, Reactor};
use support::with_watchdog;

/// A waker that panics when woken, after recording that it was.
struct PanicOnWake(AtomicBool);

impl Wake for PanicOnWake {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
        panic!("this waker panics on purpose");
    }
}

/// A waker that counts its wakes.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A waker whose last drop panics.
struct PanicOnDrop;

impl Wake for PanicOnDrop {
    fn wake(self: Arc<Self>) {}
}

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("this waker's drop panics on purpose");
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_panicking_waker_neither_unwinds_out_of_park_nor_loses_its_batch() {
    with_watchdog(Duration::from_secs(10), || {
        let mut reactor = Reactor::new().unwrap();
        let (a, b) = StdUnixStream::pair().unwrap();
        let a = Async::with_handle(a, &reactor.handle()).unwrap();

        // Two waiters of one event: the `poll_*` waiter panics, a future's waiter counts.
        let panicking = Arc::new(PanicOnWake(AtomicBool::new(false)));
        let panicking_waker = Waker::from(panicking.clone());
        assert!(a
            .poll_readable(&mut Context::from_waker(&panicking_waker))
            .is_pending());
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let counting_waker = Waker::from(counter.clone());
        let mut readable = Box::pin(a.readable());
        assert!(readable
            .as_mut()
            .poll(&mut Context::from_waker(&counting_waker))
            .is_pending());

        (&b).write_all(b"x").unwrap();
        let parked = catch_unwind(AssertUnwindSafe(|| {
            reactor.park_timeout(Duration::from_secs(5))
        }));
        assert!(parked.is_ok(), "a waker's panic unwound out of park");
        assert!(
            panicking.0.load(Ordering::SeqCst),
            "the panicking waker ran"
        );
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            1,
            "the rest of the batch was woken"
        );
        assert!(readable
            .as_mut()
            .poll(&mut Context::from_waker(&counting_waker))
            .is_ready());
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_waker_whose_drop_panics_does_not_unwind_out_of_deregistration() {
    with_watchdog(Duration::from_secs(10), || {
        let reactor = Reactor::new().unwrap();
        let handle = reactor.handle();
        let (a, _b) = StdUnixStream::pair().unwrap();
        let a = Async::with_handle(a, &handle).unwrap();
        let waker = Waker::from(Arc::new(PanicOnDrop));
        assert!(a
            .poll_readable(&mut Context::from_waker(&waker))
            .is_pending());
        // The source now holds the last reference: deregistration drops it.
        std::mem::forget(catch_unwind(AssertUnwindSafe(|| drop(waker))));
        let dropped = catch_unwind(AssertUnwindSafe(|| drop(a)));
        assert!(
            dropped.is_ok(),
            "a waker's drop panic unwound out of Async::drop"
        );
        assert_eq!(handle.registered_count(), 0);
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_panicking_waker_does_not_stop_the_global_reactor() {
    with_watchdog(Duration::from_secs(10), || {
        let (a, b) = StdUnixStream::pair().unwrap();
        let a = Async::new(a).unwrap();
        let panicking = Arc::new(PanicOnWake(AtomicBool::new(false)));
        let waker = Waker::from(panicking.clone());
        assert!(a
            .poll_readable(&mut Context::from_waker(&waker))
            .is_pending());
        (&b).write_all(b"x").unwrap();
        let start = Instant::now();
        while !panicking.0.load(Ordering::SeqCst) {
            assert!(start.elapsed() < Duration::from_secs(5), "never woken");
            std::thread::sleep(Duration::from_millis(1));
        }

        // A new socket on the global reactor still works. The peer connects and writes only
        // after a pause, so that `accept` and the read both have to be woken by the reactor.
        block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let peer = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                let mut client = std::net::TcpStream::connect(addr).unwrap();
                std::thread::sleep(Duration::from_millis(50));
                client.write_all(b"alive").unwrap();
            });
            let (mut server, _) = listener.accept().await.unwrap();
            let mut buf = [0; 5];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"alive");
            peer.join().unwrap();
        });
    });
}
