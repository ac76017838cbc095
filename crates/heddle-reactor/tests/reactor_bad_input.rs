//! Invalid descriptors given to `Async::new`: errors, never a panic or UB; and an `AsFd`
//! that names a different descriptor on each call.
#![cfg(unix)]

use std::cell::Cell;
use std::future::Future;
use std::io::{ErrorKind, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use std::time::Duration;

use heddle_driver::Driver;
use heddle_reactor::{Async, Reactor};

#[test]
#[cfg_attr(miri, ignore)]
fn regular_file_is_rejected() {
    let reactor = Reactor::new().unwrap();
    let file = std::fs::File::open(env!("CARGO_MANIFEST_PATH")).unwrap();
    let err = Async::with_handle(file, &reactor.handle()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err:?}");
    assert_eq!(
        reactor.registered_count(),
        0,
        "a failed registration leaves nothing"
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn directory_is_rejected() {
    let reactor = Reactor::new().unwrap();
    let dir = std::fs::File::open(std::env::temp_dir()).unwrap();
    assert!(Async::with_handle(dir, &reactor.handle()).is_err());
    assert_eq!(reactor.registered_count(), 0);
}

/// A source whose descriptor number is not open: above any limit the kernel allows
/// (`nr_open` is at most 2^30), so no concurrent `open` can make it valid.
#[derive(Debug)]
struct ClosedFd;

const NEVER_OPEN: i32 = i32::MAX - 1;

impl AsFd for ClosedFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // Deliberately outside the I/O-safety contract, to test the error path.
        // SAFETY: the number names no open descriptor (`NEVER_OPEN`): every syscall fails.
        unsafe { BorrowedFd::borrow_raw(NEVER_OPEN) }
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn closed_descriptor_is_rejected() {
    let reactor = Reactor::new().unwrap();
    let err = Async::with_handle(ClosedFd, &reactor.handle()).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EBADF), "{err:?}");
    assert_eq!(reactor.registered_count(), 0);
}

/// Two open sockets behind an `AsFd` that names the first one on its first call only. Sound
/// (both stay open while it lives), just inconsistent.
struct Shifty {
    first: UnixStream,
    second: UnixStream,
    calls: Cell<usize>,
}

impl AsFd for Shifty {
    fn as_fd(&self) -> BorrowedFd<'_> {
        let calls = self.calls.get();
        self.calls.set(calls + 1);
        if calls == 0 {
            self.first.as_fd()
        } else {
            self.second.as_fd()
        }
    }
}

struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn the_descriptor_registered_is_the_one_used_until_deregistration() {
    let mut reactor = Reactor::new().unwrap();
    let handle = reactor.handle();
    let (first, first_peer) = UnixStream::pair().unwrap();
    let (second, _second_peer) = UnixStream::pair().unwrap();
    let shifty = Shifty {
        first,
        second,
        calls: Cell::new(0),
    };
    let shifty = Async::with_handle(shifty, &handle).unwrap();

    // The descriptor named at registration is the one the reactor watches.
    let counter = Arc::new(Counter(AtomicUsize::new(0)));
    let waker = Waker::from(counter.clone());
    let mut readable = Box::pin(shifty.readable());
    assert!(readable
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    (&first_peer).write_all(b"x").unwrap();
    reactor.park_timeout(Duration::from_secs(2));
    assert_eq!(
        counter.0.load(Ordering::SeqCst),
        1,
        "readiness of the registered descriptor was not reported"
    );
    drop(readable);

    // Deregistration deletes exactly that descriptor from the poller: it registers again.
    let shifty = shifty.into_inner();
    shifty.calls.set(0);
    let again = Async::with_handle(shifty, &handle).unwrap();
    assert_eq!(handle.registered_count(), 1);
    drop(again);
    assert_eq!(handle.registered_count(), 0);
}
