//! `accept` when the process is out of descriptors (`EMFILE`): the error reaches the caller,
//! nothing spins, and accepting works again once descriptors are free.
//!
//! Descriptor limits are process-wide, so the body runs in a child process (this test binary
//! re-executed with `HEDDLE_EMFILE_CHILD=1`) that lowers its own `RLIMIT_NOFILE`.
#![cfg(unix)]

mod support;

use std::io::ErrorKind;
use std::process::Command;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use heddle_reactor::net::{TcpListener, TcpStream};

const CHILD_ENV: &str = "HEDDLE_EMFILE_CHILD";

#[test]
#[cfg_attr(miri, ignore)]
fn accept_under_emfile_returns_the_error_and_recovers() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child();
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([
            "--exact",
            "accept_under_emfile_returns_the_error_and_recovers",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("emfile child ok"),
        "child failed: {}\n{stdout}\n{stderr}",
        out.status
    );
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
    println!("emfile child ok");
}
