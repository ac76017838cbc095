//! The global reactor retries a failed start: when it cannot start because the process is out
//! of descriptors, a later use (once descriptors are free) starts it.
//!
//! Descriptor limits are process-wide and the global reactor starts once per process, so the
//! body runs in a child process (this test binary re-executed with
//! `HEDDLE_GLOBAL_RETRY_CHILD=1`) that lowers its own soft `RLIMIT_NOFILE`.
#![cfg(unix)]

mod support;

use std::io::Write;
use std::process::Command;
use std::time::Duration;

use futures::executor::block_on;
use heddle_reactor::io::AsyncReadExt;
use heddle_reactor::{Async, Handle};

const CHILD_ENV: &str = "HEDDLE_GLOBAL_RETRY_CHILD";

#[test]
#[cfg_attr(miri, ignore)]
fn a_failed_global_start_is_retried_once_descriptors_are_free() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child();
        return;
    }
    let out = support::with_watchdog(Duration::from_secs(20), || {
        Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_failed_global_start_is_retried_once_descriptors_are_free",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, "1")
            .output()
            .unwrap()
    });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("global retry child ok"),
        "child failed: {}\n{stdout}\n{stderr}",
        out.status
    );
}

fn set_soft_limit(soft: libc::rlim_t) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` writes into the struct we pass and keeps no pointer to it.
    let got = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    assert_eq!(got, 0);
    limit.rlim_cur = soft;
    // Any soft limit up to the hard one is allowed.
    // SAFETY: `setrlimit` only reads the struct we pass.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
}

fn child() {
    // Open the pair first: it is what the global reactor will serve once it runs.
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    // Use up every descriptor the (lowered) limit allows: the global reactor's poller cannot
    // be created.
    set_soft_limit(support::fd_count() as libc::rlim_t + 16);
    let mut hogs = Vec::new();
    while let Ok(file) = std::fs::File::open("/dev/null") {
        hogs.push(file);
        assert!(hogs.len() < 64, "the limit did not take effect");
    }
    for _ in 0..2 {
        let err = Handle::global().unwrap_err();
        assert!(err.to_string().contains("global heddle reactor"), "{err}");
    }
    // Free the descriptors: the next use starts the global reactor.
    hogs.clear();
    let handle = Handle::global().expect("the start is retried");
    assert!(handle.same_reactor(&Handle::global().unwrap()));

    // The retried reactor serves I/O: the read waits for a write made after a pause.
    let mut a = Async::new(a).unwrap();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        (&b).write_all(b"retried").unwrap();
    });
    block_on(async {
        let mut buf = [0; 7];
        a.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"retried");
    });
    writer.join().unwrap();
    println!("global retry child ok");
}
