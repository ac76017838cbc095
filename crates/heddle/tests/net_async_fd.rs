//! `AsyncFd` over a pipe and an eventfd, on both runtime flavors: readiness stays set until
//! it is cleared, a `WouldBlock` in the guard's `try_io` clears it, and a cleared readiness
//! is reported again when new data arrives.
#![cfg(unix)]

mod support;

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use heddle::reactor::unix::AsyncFd;
use heddle::reactor::{Interest, Ready};

/// A non-blocking pipe: (read end, write end).
fn pipe() -> (std::fs::File, std::fs::File) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe2` writes.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) };
    assert_eq!(rc, 0, "pipe2: {}", io::Error::last_os_error());
    // SAFETY: `pipe2` succeeded, so both descriptors are open and owned by nobody else.
    unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    }
}

/// Runs `body` on both flavors, each under a watchdog.
fn on_both_flavors<F, Fut>(body: F)
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    for (flavor, mut builder) in support::both_flavors() {
        let body = body.clone();
        eprintln!("flavor: {flavor}");
        support::with_watchdog(10, move || builder.build().unwrap().block_on(body()));
    }
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn pipe_readiness_stays_set_until_cleared() {
    on_both_flavors(|| async {
        let (reader, mut writer) = pipe();
        let reader = AsyncFd::new(reader).unwrap();
        writer.write_all(b"abc").unwrap();

        // Not cleared: waiting again returns at once, even after the data is gone.
        let guard = reader.readable().await.unwrap();
        assert!(guard.ready().is_readable());
        drop(guard);
        let mut buf = [0; 8];
        assert_eq!(reader.get_ref().read(&mut buf).unwrap(), 3);
        let mut guard = reader.readable().await.unwrap();
        // The guard's try_io sees WouldBlock and clears the readiness.
        let result = guard.try_io(|fd| fd.get_ref().read(&mut buf));
        assert!(result.is_err(), "nothing left to read");
        assert!(guard.ready().is_empty());

        // Cleared: the next wait needs new data, which a writer task provides.
        let mut writer = Some(writer);
        let write = heddle::spawn(async move {
            heddle::task::yield_now().await;
            writer.take().unwrap().write_all(b"d").unwrap();
            writer
        });
        let n = reader
            .async_io(Interest::READABLE, |r| (&*r).read(&mut buf))
            .await
            .unwrap();
        assert_eq!(&buf[..n], b"d");
        drop(write.await.unwrap());
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn clear_ready_matching_clears_only_the_named_direction() {
    on_both_flavors(|| async {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let a = AsyncFd::new(a).unwrap();
        (&b).write_all(b"x").unwrap();
        let mut guard = a
            .ready(Interest::READABLE | Interest::WRITABLE)
            .await
            .unwrap();
        assert!(guard.ready().is_readable() && guard.ready().is_writable());
        guard.clear_ready_matching(Ready::READABLE);
        assert_eq!(guard.ready(), Ready::WRITABLE);
        drop(guard);
        // Write readiness was kept.
        let guard = a.writable().await.unwrap();
        assert!(guard.ready().is_writable());
        // The peer hangs up: the read side reports it as closed.
        drop(b);
        let mut buf = [0; 2];
        assert_eq!(a.get_ref().read(&mut buf).unwrap(), 1);
        let guard = a.readable().await.unwrap();
        assert!(guard.ready().is_read_closed(), "{:?}", guard.ready());
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn eventfd_counts_are_read_through_the_mut_guard() {
    on_both_flavors(|| async {
        // SAFETY: `eventfd` takes no pointers; a non-negative result is a new descriptor.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        assert!(fd >= 0, "eventfd: {}", io::Error::last_os_error());
        // SAFETY: `fd` was just created and is owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let mut event = AsyncFd::with_interest(fd, Interest::READABLE).unwrap();
        let raw = event.as_raw_fd();
        let add = move |n: u64| {
            // SAFETY: writes 8 bytes from a live u64 to the eventfd, which `event` keeps open.
            let rc = unsafe { libc::write(raw, (&n as *const u64).cast(), 8) };
            assert_eq!(rc, 8);
        };
        let read = |fd: &mut AsyncFd<OwnedFd>| -> io::Result<u64> {
            let mut n = 0u64;
            // SAFETY: reads 8 bytes into a live u64 from the descriptor `fd` owns.
            let rc = unsafe { libc::read(fd.as_raw_fd(), (&mut n as *mut u64).cast(), 8) };
            if rc < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(n)
        };
        // Nothing yet: try_io says WouldBlock without running an operation that blocks.
        let err = event.try_io(Interest::READABLE, |_| Ok(())).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        add(2);
        add(3);
        let mut guard = event.readable_mut().await.unwrap();
        let total = guard.try_io(read).unwrap().unwrap();
        assert_eq!(total, 5);
        // Drained: the next try_io clears the readiness.
        assert!(guard.try_io(read).is_err());
        drop(guard);
        // A late event of the writes above may mark it readable again (readiness is a hint),
        // but a real read finds nothing and reports WouldBlock.
        let err = event
            .try_io(Interest::READABLE, |fd: &OwnedFd| {
                let mut n = 0u64;
                // SAFETY: reads 8 bytes into a live u64 from the descriptor `fd` borrows.
                let rc = unsafe { libc::read(fd.as_raw_fd(), (&mut n as *mut u64).cast(), 8) };
                if rc < 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(n)
            })
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        add(7);
        let total = event
            .async_io_mut(Interest::READABLE, |fd| {
                let mut n = 0u64;
                // SAFETY: reads 8 bytes into a live u64 from the descriptor `fd` owns.
                let rc = unsafe { libc::read(fd.as_raw_fd(), (&mut n as *mut u64).cast(), 8) };
                if rc < 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(n)
            })
            .await
            .unwrap();
        assert_eq!(total, 7);
        let _fd: OwnedFd = event.into_inner();
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn bad_input_is_an_error_not_a_hang() {
    on_both_flavors(|| async {
        let file = std::fs::File::open("Cargo.toml").unwrap();
        let (file, error) = AsyncFd::try_new(file).unwrap_err().into_parts();
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
        drop(file);
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let error = AsyncFd::with_interest(a, Interest::ERROR).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let a = AsyncFd::new(a).unwrap();
        let error = a.ready(Interest::ERROR).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn data_arriving_before_a_late_clear_is_not_lost() {
    on_both_flavors(|| async {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let a = AsyncFd::new(a).unwrap();
        (&b).write_all(b"1").unwrap();
        let mut guard = a.readable().await.unwrap();
        let mut buf = [0; 4];
        assert_eq!(a.get_ref().read(&mut buf).unwrap(), 1);
        assert_eq!(
            a.get_ref().read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        // New data arrives after the WouldBlock but before the guard is cleared: whichever
        // the reactor saw first, the next wait ends (the watchdog fails a lost wake-up).
        (&b).write_all(b"2").unwrap();
        guard.clear_ready();
        for _ in 0..1000 {
            let mut guard = a.readable().await.unwrap();
            match guard.try_io(|fd| fd.get_ref().read(&mut buf)) {
                Ok(n) => {
                    assert_eq!(&buf[..n.unwrap()], b"2");
                    return;
                }
                Err(_would_block) => continue,
            }
        }
        panic!("the second byte never arrived");
    });
}
