//! A TCP echo server on heddle's current-thread runtime.
//!
//! Run `cargo run --release --example echo` (or pass an address, default 127.0.0.1:7878),
//! then try it with `nc 127.0.0.1 7878`: every line you type comes back.

use heddle::io::{AsyncReadExt, AsyncWriteExt};
use heddle::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7878".to_owned());
    let runtime = heddle::Builder::new_current_thread().build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind(addr.as_str()).await?;
        println!("echo server listening on {}", listener.local_addr()?);
        // `incoming()` pauses 20 ms after an out-of-descriptors error before it accepts again,
        // so the loop below neither spins nor floods the log while the limit lasts.
        let mut incoming = listener.incoming();
        loop {
            match incoming.accept().await {
                Ok((stream, peer)) => {
                    heddle::spawn(async move {
                        if let Err(error) = echo(stream).await {
                            eprintln!("{peer}: {error}");
                        }
                    });
                }
                // Out of descriptors or a connection reset before accept: report and go on.
                Err(error) => eprintln!("accept failed: {error}"),
            }
        }
    })
}

/// Echoes everything `stream` sends until it closes its side.
async fn echo(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = vec![0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}
