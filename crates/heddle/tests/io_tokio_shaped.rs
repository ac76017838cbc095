//! Programs written as one writes them for tokio, with only the crate renamed: an echo
//! server, a line-based chat, a `copy_bidirectional` proxy with half-close, the typed
//! reads and buffer-based writes of `AsyncReadExt`/`AsyncWriteExt` on a `TcpStream`, and
//! in-memory `duplex` pipes. Each runs on both runtime flavors over 127.0.0.1.
#![cfg(unix)]

mod support;

use std::net::SocketAddr;

use heddle::io::{self, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use heddle::net::{TcpListener, TcpStream};
use heddle::sync::broadcast;

/// The whole-run watchdog for each test, in seconds (a hang fails, it is not a timing check).
const WATCHDOG: u64 = 60;

/// The tokio tutorial's echo server: a task per connection, copying what it reads back.
async fn echo_server(listener: TcpListener) -> io::Result<()> {
    loop {
        let (mut socket, _) = listener.accept().await?;
        heddle::spawn(async move {
            let mut buf = vec![0; 1024];
            loop {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => {
                        if socket.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                }
            }
        });
    }
}

/// A payload that is not the same byte over and over, so misplaced bytes show.
fn payload(len: usize, seed: usize) -> Vec<u8> {
    (0..len).map(|i| ((i + seed) % 251) as u8).collect()
}

#[test]
fn echo_server_serves_concurrent_clients() {
    support::on_both_flavors(WATCHDOG, || async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = heddle::spawn(echo_server(listener));
        let mut clients = Vec::new();
        for seed in 0..4 {
            clients.push(heddle::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let data = payload(100_000, seed);
                let (mut read, mut write) = stream.split();
                let sent = data.clone();
                let (written, echoed) = heddle::join!(
                    async move {
                        write.write_all(&sent).await.unwrap();
                        write.shutdown().await.unwrap();
                    },
                    async move {
                        let mut echoed = Vec::new();
                        read.read_to_end(&mut echoed).await.unwrap();
                        echoed
                    }
                );
                let () = written;
                assert!(echoed == data, "client {seed}: the echo changed the bytes");
            }));
        }
        for client in clients {
            client.await.unwrap();
        }
        server.abort();
        assert!(server.await.unwrap_err().is_cancelled());
    });
}

/// A chat server: each client's lines go to every other client as `<name>: <line>`; a
/// client first sends its name and gets `welcome <name>` once it receives messages; the
/// line `/quit` ends its connection.
async fn chat_server(listener: TcpListener) -> io::Result<()> {
    let (tx, _) = broadcast::channel::<(String, String)>(64);
    loop {
        let (stream, _) = listener.accept().await?;
        let tx = tx.clone();
        heddle::spawn(async move {
            let mut rx = tx.subscribe();
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let Ok(Some(name)) = lines.next_line().await else {
                return;
            };
            write
                .write_all(format!("welcome {name}\n").as_bytes())
                .await
                .unwrap();
            loop {
                heddle::select! {
                    line = lines.next_line() => match line.unwrap() {
                        Some(line) if line != "/quit" => {
                            let _ = tx.send((name.clone(), line));
                        }
                        _ => break,
                    },
                    message = rx.recv() => {
                        let (from, text) = message.unwrap();
                        if from != name {
                            let out = format!("{from}: {text}\n");
                            write.write_all(out.as_bytes()).await.unwrap();
                        }
                    }
                }
            }
            write.shutdown().await.unwrap();
        });
    }
}

/// Connects to the chat as `name` and waits for the welcome: lines of the stream, with the
/// stream reachable for writes through the `BufReader`.
async fn join_chat(addr: SocketAddr, name: &str) -> io::Lines<BufReader<TcpStream>> {
    let stream = TcpStream::connect(addr).await.unwrap();
    let mut lines = BufReader::new(stream).lines();
    let hello = format!("{name}\n");
    lines.get_mut().write_all(hello.as_bytes()).await.unwrap();
    let welcome = lines.next_line().await.unwrap();
    assert_eq!(welcome.as_deref(), Some(&*format!("welcome {name}")));
    lines
}

#[test]
fn line_based_chat_clients() {
    support::on_both_flavors(WATCHDOG, || async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = heddle::spawn(chat_server(listener));
        let mut ada = join_chat(addr, "ada").await;
        let mut bob = join_chat(addr, "bob").await;

        for i in 0..50 {
            let line = format!("message {i}\n");
            ada.get_mut().write_all(line.as_bytes()).await.unwrap();
        }
        for i in 0..50 {
            let line = bob.next_line().await.unwrap();
            assert_eq!(line, Some(format!("ada: message {i}")));
        }
        bob.get_mut().write_all(b"hi ada\n").await.unwrap();
        assert_eq!(
            ada.next_line().await.unwrap().as_deref(),
            Some("bob: hi ada")
        );

        // `/quit` ends bob's connection: his lines end.
        bob.get_mut().write_all(b"/quit\n").await.unwrap();
        assert_eq!(bob.next_line().await.unwrap(), None);
        // A line without its newline is still a line at end of file.
        ada.get_mut().write_all(b"/quit").await.unwrap();
        AsyncWriteExt::shutdown(ada.get_mut()).await.unwrap();
        assert_eq!(ada.next_line().await.unwrap(), None);
        server.abort();
    });
}

/// Proxies every connection on `listener` to `upstream` with `copy_bidirectional`; sends
/// each connection's byte counts on `counts`.
async fn proxy(
    listener: TcpListener,
    upstream: SocketAddr,
    counts: heddle::sync::mpsc::Sender<(u64, u64)>,
) -> io::Result<()> {
    loop {
        let (mut inbound, _) = listener.accept().await?;
        let counts = counts.clone();
        heddle::spawn(async move {
            let mut outbound = TcpStream::connect(upstream).await.unwrap();
            let copied = io::copy_bidirectional(&mut inbound, &mut outbound)
                .await
                .unwrap();
            counts.send(copied).await.unwrap();
        });
    }
}

/// An upstream that reads each request to end of file, then answers with the length it
/// read and closes: it only answers once the proxy passed the client's half-close on.
async fn length_server(listener: TcpListener) -> io::Result<()> {
    loop {
        let (mut stream, _) = listener.accept().await?;
        heddle::spawn(async move {
            let mut request = Vec::new();
            stream.read_to_end(&mut request).await.unwrap();
            let answer = format!("read {} bytes", request.len());
            stream.write_all(answer.as_bytes()).await.unwrap();
            AsyncWriteExt::shutdown(&mut stream).await.unwrap();
        });
    }
}

#[test]
fn copy_bidirectional_proxy_passes_half_close_on() {
    support::on_both_flavors(WATCHDOG, || async {
        let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let upstream_addr = upstream.local_addr().unwrap();
        let upstream = heddle::spawn(length_server(upstream));
        let front = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let front_addr = front.local_addr().unwrap();
        let (counts_tx, mut counts) = heddle::sync::mpsc::channel(4);
        let proxy = heddle::spawn(proxy(front, upstream_addr, counts_tx));

        for round in 0..3 {
            let mut client = TcpStream::connect(front_addr).await.unwrap();
            let request = payload(70_000 * (round + 1), round);
            client.write_all(&request).await.unwrap();
            // Half-close: the client still reads after shutting its write half down.
            AsyncWriteExt::shutdown(&mut client).await.unwrap();
            let mut answer = String::new();
            client.read_to_string(&mut answer).await.unwrap();
            let expected = format!("read {} bytes", request.len());
            assert_eq!(answer, expected);
            let (to_upstream, to_client) = counts.recv().await.unwrap();
            assert_eq!(to_upstream, request.len() as u64);
            assert_eq!(to_client, expected.len() as u64);
        }
        proxy.abort();
        upstream.abort();
    });
}

#[test]
fn typed_reads_and_buffer_writes_on_a_tcp_stream() {
    support::on_both_flavors(WATCHDOG, || async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = heddle::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            assert_eq!(stream.read_u32().await.unwrap(), 0xDEAD_BEEF);
            assert_eq!(stream.read_i64_le().await.unwrap(), -42);
            let len = stream.read_u16().await.unwrap();
            // `read_buf` appends to a `Vec` (a `BufMut`) until end of file.
            let mut body = Vec::with_capacity(16);
            while stream.read_buf(&mut body).await.unwrap() != 0 {}
            assert_eq!(body.len(), usize::from(len));
            stream.write_u64(body.len() as u64).await.unwrap();
            AsyncWriteExt::shutdown(&mut stream).await.unwrap();
            body
        });

        let mut client = TcpStream::connect(addr).await.unwrap();
        client.write_u32(0xDEAD_BEEF).await.unwrap();
        client.write_i64_le(-42).await.unwrap();
        let body = payload(3_000, 7);
        client.write_u16(body.len() as u16).await.unwrap();
        // `write_all_buf` takes any `Buf` and advances it as it writes.
        let mut rest: &[u8] = &body;
        client.write_all_buf(&mut rest).await.unwrap();
        assert!(rest.is_empty());
        AsyncWriteExt::shutdown(&mut client).await.unwrap();
        assert_eq!(client.read_u64().await.unwrap(), body.len() as u64);
        // After the answer, end of file: a typed read reports `UnexpectedEof`.
        let eof = client.read_u8().await.unwrap_err();
        assert_eq!(eof.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(server.await.unwrap(), body);
    });
}

#[test]
fn duplex_pipes_apply_backpressure_and_report_close() {
    support::on_both_flavors(WATCHDOG, || async {
        // A 16-byte pipe carries 64 KiB: the writer waits for the reader again and again.
        let (mut near, mut far) = io::duplex(16);
        let data = payload(64 * 1024, 3);
        let sent = data.clone();
        let writer = heddle::spawn(async move {
            near.write_all(&sent).await.unwrap();
            near.shutdown().await.unwrap();
            // Shut down for writing, still open for reading.
            let mut reply = String::new();
            near.read_to_string(&mut reply).await.unwrap();
            reply
        });
        let mut received = Vec::new();
        far.read_to_end(&mut received).await.unwrap();
        assert!(received == data, "the pipe changed the bytes");
        far.write_all(b"thanks").await.unwrap();
        drop(far);
        assert_eq!(writer.await.unwrap(), "thanks");

        // Writing to a pipe whose other end is gone is `BrokenPipe`, never a hang.
        let (mut lone, other) = io::duplex(16);
        drop(other);
        let error = lone.write_all(b"anyone?").await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
        // And reading from it is end of file.
        let mut buf = [0; 4];
        assert_eq!(lone.read(&mut buf).await.unwrap(), 0);

        // `split` and `join` turn one stream into two halves and back.
        let (left, mut right) = io::duplex(64);
        let (mut read, mut write) = io::split(left);
        write.write_all(b"via halves").await.unwrap();
        let mut echo = [0; 10];
        right.read_exact(&mut echo).await.unwrap();
        right.write_all(&echo).await.unwrap();
        read.read_exact(&mut echo).await.unwrap();
        assert_eq!(&echo, b"via halves");
        let mut joined = io::join(read, write);
        joined.write_all(b"!").await.unwrap();
        let mut bang = [0; 1];
        right.read_exact(&mut bang).await.unwrap();
        assert_eq!(&bang, b"!");
    });
}
