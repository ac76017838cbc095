//! Sockets on 127.0.0.1: `tcp_echo`, and `http_hello` with its load generator.
//!
//! heddle has no hyper adapter yet, so `http_hello` serves a minimal HTTP/1.1 keep-alive
//! responder written the same way on every runtime (read until `\r\n\r\n`, write a fixed
//! response with `Content-Length`). The load comes from [`load`], the same generator for
//! every server: a tokio current-thread runtime on its own thread, closed loop, one request
//! in flight per connection.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::{micros, percentile, Scale};
use crate::rt::{bind, read_exact, run, Rt};

/// Bytes per echo message.
const ECHO_SIZE: usize = 64;

/// 64 connections × 2,000 round trips of 64 bytes, clients and server all on the runtime:
/// round trips/s.
pub fn tcp_echo<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let connections = scale.light(64);
    let trips = scale.heavy(2_000);
    let elapsed = run(&rt, async move {
        let (listener, addr) = bind::<R>().expect("bind failed");
        R::spawn_detached(async move {
            for _ in 0..connections {
                let mut stream = R::accept(&listener).await.expect("accept failed");
                R::spawn_detached(async move {
                    let mut buf = [0u8; ECHO_SIZE];
                    for _ in 0..trips {
                        read_exact::<R>(&mut stream, &mut buf)
                            .await
                            .expect("server read");
                        R::write_all(&mut stream, &buf).await.expect("server write");
                    }
                });
            }
        });
        let start = Instant::now();
        let mut clients = Vec::with_capacity(connections);
        for _ in 0..connections {
            clients.push(R::spawn(async move {
                let mut stream = R::connect(addr).await?;
                let message = [7u8; ECHO_SIZE];
                let mut echo = [0u8; ECHO_SIZE];
                for _ in 0..trips {
                    R::write_all(&mut stream, &message).await?;
                    read_exact::<R>(&mut stream, &mut echo).await?;
                }
                io::Result::Ok(())
            }));
        }
        for client in clients {
            client.await.expect("echo client failed");
        }
        start.elapsed()
    });
    Some(vec![(connections * trips) as f64 / elapsed.as_secs_f64()])
}

/// What the load generator sends.
pub const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: heddle-bench\r\n\r\n";

/// What every server answers.
pub const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";

/// The largest request head a server accepts.
const MAX_HEAD: usize = 4096;

/// The end of the first request head in `buf`, past its `\r\n\r\n`.
fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| at + 4)
}

/// Serves hello responses on one keep-alive connection until the client closes it or
/// `max_requests` were served.
async fn serve_http<R: Rt>(mut stream: R::Stream, max_requests: usize) -> io::Result<()> {
    let mut buf = [0u8; MAX_HEAD];
    let mut filled = 0;
    for _ in 0..max_requests {
        // Each pass reads at least one byte or returns, so this ends within MAX_HEAD reads.
        let end = loop {
            if let Some(end) = head_end(&buf[..filled]) {
                break end;
            }
            if filled == buf.len() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "head too large"));
            }
            match R::read(&mut stream, &mut buf[filled..]).await? {
                0 => return Ok(()),
                n => filled += n,
            }
        };
        R::write_all(&mut stream, RESPONSE).await?;
        buf.copy_within(end..filled, 0);
        filled -= end;
    }
    Ok(())
}

/// What the load generator measured.
#[derive(Debug, Clone)]
pub struct Load {
    /// From the first request to the last response.
    pub elapsed: Duration,
    /// Each request's latency in µs, sorted.
    pub latencies: Vec<f64>,
}

/// The load generator: `connections` keep-alive connections, each sending `requests`
/// requests one at a time, from a tokio current-thread runtime on the calling thread.
///
/// # Panics
///
/// Panics if a connection fails or a response differs from [`RESPONSE`].
pub fn load(addr: SocketAddr, connections: usize, requests: usize) -> Load {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build the load generator's runtime");
    runtime.block_on(async move {
        let mut streams = Vec::with_capacity(connections);
        for _ in 0..connections {
            let stream = tokio::net::TcpStream::connect(addr)
                .await
                .expect("load generator: connect failed");
            stream.set_nodelay(true).expect("set_nodelay");
            streams.push(stream);
        }
        let start = Instant::now();
        let mut clients = Vec::with_capacity(connections);
        for mut stream in streams {
            clients.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(requests);
                let mut response = vec![0u8; RESPONSE.len()];
                for _ in 0..requests {
                    let sent = Instant::now();
                    stream.write_all(REQUEST).await.expect("request write");
                    stream
                        .read_exact(&mut response)
                        .await
                        .expect("response read");
                    latencies.push(micros(sent.elapsed()));
                    assert_eq!(response, RESPONSE, "wrong response");
                }
                latencies
            }));
        }
        let mut latencies = Vec::with_capacity(connections * requests);
        for client in clients {
            latencies.extend(client.await.expect("load client panicked"));
        }
        let elapsed = start.elapsed();
        latencies.sort_by(f64::total_cmp);
        Load { elapsed, latencies }
    })
}

/// The hello server on the runtime, loaded by [`load`] with 64 connections × 400
/// requests: req/s and p99 latency µs.
pub fn http_hello<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let connections = scale.light(64);
    let requests = scale.heavy(400);
    let (stop, stopped) = R::oneshot::<()>();
    let (addr_sender, addr_receiver) = std::sync::mpsc::channel();
    let load = std::thread::scope(|scope| {
        let generator = scope.spawn(move || {
            let addr = addr_receiver
                .recv_timeout(Duration::from_secs(30))
                .expect("server never started");
            let load = load(addr, connections, requests);
            R::send_once(stop, ());
            load
        });
        rt.block_on(async move {
            let (listener, addr) = bind::<R>().expect("bind failed");
            R::spawn_detached(async move {
                for _ in 0..connections {
                    let stream = R::accept(&listener).await.expect("accept failed");
                    R::spawn_detached(async move {
                        serve_http::<R>(stream, requests)
                            .await
                            .expect("http server failed");
                    });
                }
            });
            addr_sender.send(addr).expect("generator gone");
            R::recv_once(stopped).await;
        });
        generator.join().expect("load generator panicked")
    });
    let rate = load.latencies.len() as f64 / load.elapsed.as_secs_f64();
    Some(vec![rate, percentile(&load.latencies, 99.0)])
}
