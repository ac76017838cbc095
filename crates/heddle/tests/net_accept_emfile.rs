//! `TcpListener::incoming` at the descriptor limit, on both runtime flavors: the `EMFILE`
//! error reaches the caller, the stream makes at most 10 accept calls per 100 ms while the
//! limit lasts, and it accepts the pending connection within 100 ms once descriptors are free.
//!
//! Descriptor limits are process-wide, so each flavor runs in a child process (this test
//! binary re-executed with `HEDDLE_ACCEPT_EMFILE_CHILD` naming the flavor) started by
//! `sh -c 'ulimit -n 128; exec ...'`, which then uses up its descriptors.
#![cfg(target_os = "linux")]

use std::io::ErrorKind;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use heddle::net::TcpListener;

const CHILD_ENV: &str = "HEDDLE_ACCEPT_EMFILE_CHILD";
const TEST_NAME: &str = "incoming_backs_off_at_the_descriptor_limit_and_recovers";
/// `EMFILE` and `ENFILE` on Linux.
const OUT_OF_DESCRIPTORS: [i32; 2] = [24, 23];
/// How long the child stays at the limit, counting accept calls.
const AT_LIMIT: Duration = Duration::from_millis(300);

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn incoming_backs_off_at_the_descriptor_limit_and_recovers() {
    if let Ok(flavor) = std::env::var(CHILD_ENV) {
        child(&flavor);
        return;
    }
    for flavor in ["current_thread", "multi_thread"] {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("ulimit -n 128 && exec \"$0\" \"$@\"")
            .arg(std::env::current_exe().unwrap())
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, flavor)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Watchdog: the child gets 20 s.
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("hung: the {flavor} child did not finish within 20 s");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stdout.contains("accept emfile child ok"),
            "{flavor} child failed: {}\n{stdout}\n{stderr}",
            out.status
        );
        for line in stdout.lines().filter(|line| line.contains("accept calls")) {
            println!("{line}");
        }
    }
}

fn child(flavor: &str) {
    let runtime = match flavor {
        "current_thread" => heddle::Builder::new_current_thread().build().unwrap(),
        _ => heddle::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    };
    let (calls, window, recovery) = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // A connection is pending before the limit is reached; it keeps the listener
        // readable the whole time.
        let client = std::net::TcpStream::connect(addr).unwrap();
        let mut hogs = Vec::new();
        while let Ok(file) = std::fs::File::open("/dev/null") {
            hogs.push(file);
            assert!(hogs.len() < 256, "the limit did not take effect");
        }

        let mut incoming = listener.incoming();
        let start = Instant::now();
        let mut calls = 0u32;
        while start.elapsed() < AT_LIMIT {
            let err = incoming.accept().await.unwrap_err();
            assert!(
                OUT_OF_DESCRIPTORS.contains(&err.raw_os_error().unwrap_or(0)),
                "{err:?}"
            );
            assert_ne!(err.kind(), ErrorKind::WouldBlock);
            calls += 1;
        }
        let window = start.elapsed();

        // Free the descriptors: the pending connection is accepted.
        hogs.clear();
        let freed = Instant::now();
        let (_stream, peer) = incoming.accept().await.unwrap();
        let recovery = freed.elapsed();
        assert_eq!(peer, client.local_addr().unwrap());
        (calls, window, recovery)
    });
    println!("{flavor}: {calls} accept calls in {window:?} at the limit, accepted {recovery:?} after the descriptors were freed");
    let allowed = 10 * window.as_millis() / 100;
    assert!(
        u128::from(calls) <= allowed,
        "{calls} accept calls in {window:?}: more than 10 per 100 ms"
    );
    // 100 ms, plus as much again for a loaded machine.
    assert!(
        recovery < Duration::from_millis(200),
        "accepted only {recovery:?} after the descriptors were freed"
    );
    println!("accept emfile child ok");
}
