//! An echo server that shuts down gracefully on SIGTERM or Ctrl-C: it stops accepting, lets
//! open connections finish within a deadline, then exits.
//!
//! `cargo run --release --example graceful` (address 127.0.0.1:7879, or pass one), then
//! `nc 127.0.0.1 7879` a few times and press Ctrl-C (or `kill -TERM <pid>`).

use std::time::Duration;

use heddle::io::{AsyncReadExt, AsyncWriteExt};
use heddle::net::{TcpListener, TcpStream};
use heddle::signal::unix::{signal, SignalKind};
use heddle::sync::watch;
use heddle::task::JoinSet;

/// How long open connections may take to finish after the shutdown signal.
const DEADLINE: Duration = Duration::from_secs(5);

#[heddle::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7879".to_owned());
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!(
        "echo server on {} (pid {}); Ctrl-C or SIGTERM shuts it down",
        listener.local_addr()?,
        std::process::id()
    );
    let mut terminate = signal(SignalKind::terminate())?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        heddle::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let stop = stop_rx.clone();
                    connections.spawn(async move {
                        if let Err(error) = echo(stream, stop).await {
                            eprintln!("{peer}: {error}");
                        }
                    });
                }
                Err(error) => eprintln!("accept failed: {error}"),
            },
            _ = heddle::signal::ctrl_c() => break,
            _ = terminate.recv() => break,
        }
    }
    drop(listener);
    println!(
        "shutting down: {} connection(s) get {DEADLINE:?} to finish",
        connections.len()
    );
    let _ = stop_tx.send(true);
    let drained = heddle::time::timeout(DEADLINE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        println!(
            "deadline passed: closing {} connection(s)",
            connections.len()
        );
        connections.shutdown().await;
    }
    println!("bye");
    Ok(())
}

/// Echoes until the peer closes, or until shutdown begins and the current echo is done.
async fn echo(mut stream: TcpStream, mut stop: watch::Receiver<bool>) -> std::io::Result<()> {
    let mut buf = vec![0u8; 4096];
    loop {
        heddle::select! {
            read = stream.read(&mut buf) => {
                let n = read?;
                if n == 0 {
                    return Ok(());
                }
                stream.write_all(&buf[..n]).await?;
            }
            _ = stop.changed() => {
                stream.write_all(b"server shutting down\n").await?;
                return stream.shutdown().await;
            }
        }
    }
}
