//! Opens 1,000 idle loopback TCP connections held by the reactor, waits one second, and
//! prints the CPU time the process used in that second (from `getrusage`).
//!
//! Run with `cargo run -p heddle-reactor --release --example idle_conns`.

use std::future::Future;
use std::time::Duration;

use futures::executor::block_on;
use heddle_reactor::io::AsyncReadExt;
use heddle_reactor::net::{TcpListener, TcpStream};

const CONNECTIONS: usize = 1_000;

fn cpu_time() -> Duration {
    // SAFETY: `getrusage` only writes into the zeroed struct we pass and keeps no pointer.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

fn main() -> std::io::Result<()> {
    let listener = block_on(TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let mut pairs = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        let client = block_on(TcpStream::connect(addr))?;
        let (server, _) = block_on(listener.accept())?;
        pairs.push((client, server));
    }
    // Every server end waits for a read on the reactor: 1,000 registered waiters.
    let readers: Vec<_> = pairs
        .iter_mut()
        .map(|(_, server)| {
            let waker = futures::task::noop_waker();
            let mut cx = std::task::Context::from_waker(&waker);
            let mut buf = [0u8; 1];
            let pending = std::pin::Pin::new(&mut server.read(&mut buf))
                .as_mut()
                .poll(&mut cx)
                .is_pending();
            pending
        })
        .collect();
    let waiting = readers.iter().filter(|p| **p).count();

    let before = cpu_time();
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu_time() - before;
    println!(
        "{CONNECTIONS} idle connections ({waiting} with a waiting reader): {:.3} ms CPU in 1 s",
        used.as_secs_f64() * 1000.0
    );
    Ok(())
}
