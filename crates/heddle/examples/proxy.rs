//! A TCP proxy: every connection to the listening address is forwarded to an upstream
//! address with `heddle::io::copy_bidirectional`, both directions at once. When one side
//! shuts its writing down, the proxy shuts the other side's down too (a half-close passes
//! through), and the connection ends when both directions are done.
//!
//! Run it in front of the echo example:
//!
//! ```text
//! cargo run --release --example echo                                   # 127.0.0.1:7878
//! cargo run --release --example proxy -- 127.0.0.1:8080 127.0.0.1:7878
//! nc 127.0.0.1 8080                                                   # lines come back
//! ```
//!
//! The arguments are the listening address and the upstream address (defaults
//! 127.0.0.1:8080 and 127.0.0.1:7878). Each finished connection logs the bytes it carried
//! each way. The code is what one writes for tokio, with `tokio` renamed to `heddle`.

use heddle::io;
use heddle::net::{TcpListener, TcpStream};

#[heddle::main]
async fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let upstream = args.next().unwrap_or_else(|| "127.0.0.1:7878".to_owned());
    let listener = TcpListener::bind(listen.as_str()).await?;
    println!("proxy on {} to {upstream}", listener.local_addr()?);
    loop {
        let (inbound, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of descriptors or a connection reset before accept: report and go on.
            Err(error) => {
                eprintln!("accept failed: {error}");
                continue;
            }
        };
        let upstream = upstream.clone();
        heddle::spawn(async move {
            match forward(inbound, &upstream).await {
                Ok((up, down)) => println!("{peer}: {up} bytes up, {down} bytes down"),
                Err(error) => eprintln!("{peer}: {error}"),
            }
        });
    }
}

/// Connects to `upstream` and copies both ways until both directions have ended; returns
/// the bytes sent upstream and the bytes sent back.
async fn forward(mut inbound: TcpStream, upstream: &str) -> io::Result<(u64, u64)> {
    let mut outbound = TcpStream::connect(upstream).await?;
    outbound.set_nodelay(true)?;
    inbound.set_nodelay(true)?;
    io::copy_bidirectional(&mut inbound, &mut outbound).await
}
