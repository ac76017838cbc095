//! Measures the CPU an idle current-thread runtime's thread burns while it holds 1,000 idle TCP
//! connections, each with a task waiting to read.
//!
//! Run with `cargo run --release --example idle_runtime`.

use std::time::{Duration, Instant};

use heddle::io::AsyncReadExt;
use heddle::net::{TcpListener, TcpStream};

const CONNECTIONS: usize = 1_000;

fn main() -> std::io::Result<()> {
    let runtime = heddle::Builder::new_current_thread().build()?;
    let (cpu, wall) = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let mut clients = Vec::with_capacity(CONNECTIONS);
        for _ in 0..CONNECTIONS {
            clients.push(TcpStream::connect(addr).await?);
            let (mut server, _) = listener.accept().await?;
            heddle::spawn(async move {
                let mut buf = [0u8; 16];
                let _ = server.read(&mut buf).await;
            });
        }
        // Let every reader reach its pending read (a tick runs a bounded batch of tasks, so
        // yield enough times for all of them).
        for _ in 0..(CONNECTIONS / 16) {
            heddle::task::yield_now().await;
        }
        // Measure two idle seconds and report the second: the first may still see the last
        // readers settle.
        let mut measured = (Duration::ZERO, Duration::ZERO);
        for _ in 0..2 {
            let cpu_before = thread_cpu_time();
            let start = Instant::now();
            idle_one_second().await;
            measured = (thread_cpu_time() - cpu_before, start.elapsed());
        }
        drop(clients);
        std::io::Result::Ok(measured)
    })?;
    println!(
        "{CONNECTIONS} idle connections, each with a waiting reader: {:.3} ms of CPU in {:.3} s",
        cpu.as_secs_f64() * 1e3,
        wall.as_secs_f64()
    );
    Ok(())
}

/// Waits one second without any runtime activity: a plain thread wakes the future.
async fn idle_one_second() {
    let (tx, rx) = std::sync::mpsc::channel::<std::task::Waker>();
    std::thread::spawn(move || {
        let waker = rx.recv().expect("waker");
        std::thread::sleep(Duration::from_secs(1));
        waker.wake();
    });
    let mut sent = false;
    std::future::poll_fn(|cx| {
        if sent {
            std::task::Poll::Ready(())
        } else {
            sent = true;
            tx.send(cx.waker().clone()).expect("sleeper thread");
            std::task::Poll::Pending
        }
    })
    .await;
}

/// CPU time of the runtime's thread (this thread), in nanoseconds, from
/// `/proc/thread-self/schedstat` (Linux).
fn thread_cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let nanos = stat
        .split_whitespace()
        .next()
        .and_then(|f| f.parse::<u64>().ok())
        .unwrap_or(0);
    Duration::from_nanos(nanos)
}
