//! `accept` when the process is out of descriptors (`EMFILE`): the error reaches the caller,
//! nothing spins, and accepting works again once descriptors are free; `incoming()` pauses
//! between attempts while the limit lasts.
//!
//! Descriptor limits are process-wide, so each body runs in a child process (this test binary
//! re-executed with `HEDDLE_EMFILE_CHILD` naming the test) that lowers its own
//! `RLIMIT_NOFILE`.
#![cfg(unix)]

mod support;

use std::io::ErrorKind;
use std::process::Command;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use futures::StreamExt;
use heddle_reactor::net::{TcpListener, TcpStream};

const CHILD_ENV: &str = "HEDDLE_EMFILE_CHILD";

/// Runs the test `name` in a child process and checks that it printed `name ok`.
fn in_child(name: &str) {
    let exe = std::env::current_exe().unwrap();
    let out = support::with_watchdog(Duration::from_secs(20), {
        let name = name.to_owned();
        move || {
            Command::new(exe)
                .args(["--exact", &name, "--nocapture", "--test-threads=1"])
                .env(CHILD_ENV, &name)
                .output()
                .unwrap()
        }
    });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains(&format!("{name} ok")),
        "child failed: {}\n{stdout}\n{stderr}",
        out.status
    );
}

/// True in the child process started for the test `name`.
fn is_child(name: &str) -> bool {
    std::env::var(CHILD_ENV).is_ok_and(|child| child == name)
}

/// Lowers the descriptor limit to the descriptors open now plus a few, and uses those up.
fn use_up_descriptors() -> Vec<std::fs::File> {
    let open = support::fd_count() as u64;
    let limit = libc::rlimit {
        rlim_cur: open + 6,
        rlim_max: open + 6,
    };
    // SAFETY: `setrlimit` reads the struct we pass; lowering our own limit is allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
    let mut hogs = Vec::new();
    while let Ok(file) = std::fs::File::open("/dev/null") {
        hogs.push(file);
        assert!(hogs.len() < 64, "the limit did not take effect");
    }
    hogs
}

#[test]
#[cfg_attr(miri, ignore)]
fn accept_under_emfile_returns_the_error_and_recovers() {
    const NAME: &str = "accept_under_emfile_returns_the_error_and_recovers";
    if is_child(NAME) {
        child();
        println!("{NAME} ok");
    } else {
        in_child(NAME);
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn incoming_under_emfile_pauses_between_attempts_and_recovers() {
    const NAME: &str = "incoming_under_emfile_pauses_between_attempts_and_recovers";
    if !is_child(NAME) {
        in_child(NAME);
        return;
    }
    // The global reactor serves the listener: its own wait is what ends each pause.
    block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = std::net::TcpStream::connect(addr).unwrap();
        let hogs = use_up_descriptors();

        let mut incoming = listener.incoming();
        let start = Instant::now();
        let mut calls = 0u32;
        while start.elapsed() < Duration::from_millis(300) {
            let err = incoming.next().await.unwrap().unwrap_err();
            assert!(
                matches!(err.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE)),
                "{err:?}"
            );
            calls += 1;
        }
        let window = start.elapsed();
        assert!(
            u128::from(calls) <= 10 * window.as_millis() / 100,
            "{calls} accept calls in {window:?}: more than 10 per 100 ms"
        );

        drop(hogs);
        let freed = Instant::now();
        let stream = incoming.next().await.unwrap().unwrap();
        let recovery = freed.elapsed();
        assert_eq!(stream.peer_addr().unwrap(), client.local_addr().unwrap());
        assert!(recovery < Duration::from_millis(200), "{recovery:?}");
        println!("{calls} calls in {window:?}; accepted {recovery:?} after freeing");
    });
    println!("{NAME} ok");
}

fn cpu_time() -> Duration {
    // SAFETY: `getrusage` writes into the zeroed struct we pass and keeps no pointer to it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

fn child() {
    block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // A connection is waiting before the limit is hit.
        let _client = std::net::TcpStream::connect(addr).unwrap();

        // Allow only the descriptors in use now plus a few, then use those up.
        let mut hogs = use_up_descriptors();

        let cpu_before = cpu_time();
        let start = Instant::now();
        let err = listener.accept().await.unwrap_err();
        assert!(
            matches!(err.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE)),
            "{err:?}"
        );
        // A second attempt fails the same way, promptly, without looping inside accept.
        let err = listener.accept().await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EMFILE));
        assert!(start.elapsed() < Duration::from_secs(1));
        assert!(
            cpu_time() - cpu_before < Duration::from_millis(500),
            "accept spun"
        );

        // Free descriptors: the pending connection is accepted.
        hogs.clear();
        let (stream, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, _client.local_addr().unwrap());
        drop(stream);
        // And new connections keep working.
        let _c2 = TcpStream::connect(addr).await.unwrap();
        let _ = listener.accept().await.unwrap();
        assert_ne!(err.kind(), ErrorKind::WouldBlock);
    });
}
