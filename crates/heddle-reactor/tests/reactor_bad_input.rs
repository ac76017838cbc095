//! Invalid descriptors given to `Async::new`: errors, never a panic or UB.
#![cfg(unix)]

use std::io::ErrorKind;
use std::os::fd::{AsFd, BorrowedFd};

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
