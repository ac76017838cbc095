//! tokio's I/O traits (`heddle::io`) on heddle's streams, driven by `AsyncReadExt` and
//! `AsyncWriteExt` over real sockets on 127.0.0.1: round trips, shutdown as
//! end-of-file for the peer, both kinds of split halves, vectored writes and large transfers.
#![cfg(unix)]

mod support;

use std::future::Future;
use std::io::IoSlice;

use heddle::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use heddle::net::{TcpListener, TcpStream, UnixStream};
use heddle::reactor::Async;

/// Runs `test` on a runtime of each flavor, failing if it has not finished within 30 s.
fn on_both_flavors<F, Fut>(test: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    support::on_both_flavors(30, test);
}

/// A connected pair: (client, server).
async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// A payload that is not the same byte over and over, so misplaced bytes show.
fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn write_all_and_read_exact_round_trip() {
    on_both_flavors(|| async {
        let (mut client, mut server) = tcp_pair().await;
        client.write_all(b"ping").await.unwrap();
        let mut buf = [0; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
        server.write_all(b"pong").await.unwrap();
        server.flush().await.unwrap();
        client.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"pong");
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn shutdown_makes_the_peer_read_end_of_file() {
    on_both_flavors(|| async {
        let (mut client, mut server) = tcp_pair().await;
        client.write_all(b"last words").await.unwrap();
        // `TcpStream` has an inherent `shutdown(Shutdown)`, so name the trait's.
        AsyncWriteExt::shutdown(&mut client).await.unwrap();
        let mut all = Vec::new();
        server.read_to_end(&mut all).await.unwrap();
        assert_eq!(all, b"last words");
        // Only the write half is shut: the client still reads what the server sends.
        server.write_all(b"reply").await.unwrap();
        AsyncWriteExt::shutdown(&mut server).await.unwrap();
        let mut reply = String::new();
        client.read_to_string(&mut reply).await.unwrap();
        assert_eq!(reply, "reply");
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn a_megabyte_through_partial_reads_and_writes() {
    on_both_flavors(|| async {
        let (client, mut server) = tcp_pair().await;
        let data = payload(1 << 20);
        let expected = data.clone();
        let writer = heddle::spawn(async move {
            let mut client = client;
            client.write_all(&data).await.unwrap();
            AsyncWriteExt::shutdown(&mut client).await.unwrap();
            client
        });
        // `read_to_end` reads into uninitialised spare capacity, so this goes through
        // `ReadBuf`'s initialise-and-advance path many times.
        let mut received = Vec::new();
        server.read_to_end(&mut received).await.unwrap();
        assert!(received == expected, "the bytes arrived changed");
        drop(writer.await.unwrap());
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn borrowed_split_halves() {
    on_both_flavors(|| async {
        let (mut client, mut server) = tcp_pair().await;
        let (mut read, mut write) = server.split();
        client.write_all(b"through the halves").await.unwrap();
        let mut buf = [0; 18];
        read.read_exact(&mut buf).await.unwrap();
        write.write_all(&buf).await.unwrap();
        write.shutdown().await.unwrap();
        let mut echoed = Vec::new();
        client.read_to_end(&mut echoed).await.unwrap();
        assert_eq!(echoed, b"through the halves");
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn owned_split_halves_in_separate_tasks() {
    on_both_flavors(|| async {
        let (client, server) = tcp_pair().await;
        let (mut read, mut write) = server.into_split();
        // Echo each byte back from two tasks: one reads, one writes.
        let (tx, mut rx) = heddle::sync::mpsc::channel::<Vec<u8>>(4);
        let reader = heddle::spawn(async move {
            let mut buf = [0; 64];
            for _ in 0..10_000 {
                let n = read.read(&mut buf).await.unwrap();
                if n == 0 {
                    return;
                }
                tx.send(buf[..n].to_vec()).await.unwrap();
            }
            panic!("the echo reader did not see end-of-file");
        });
        let writer = heddle::spawn(async move {
            while let Some(chunk) = rx.recv().await {
                write.write_all(&chunk).await.unwrap();
            }
            write.shutdown().await.unwrap();
        });

        let (mut client_read, mut client_write) = client.into_split();
        let data = payload(64 * 1024);
        let sent = data.clone();
        let sender = heddle::spawn(async move {
            client_write.write_all(&sent).await.unwrap();
            client_write.shutdown().await.unwrap();
        });
        let mut echoed = Vec::new();
        client_read.read_to_end(&mut echoed).await.unwrap();
        assert!(echoed == data, "the echo changed the bytes");
        sender.await.unwrap();
        reader.await.unwrap();
        writer.await.unwrap();
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn vectored_writes_go_out_in_order() {
    on_both_flavors(|| async {
        let (mut client, mut server) = tcp_pair().await;
        assert!(client.is_write_vectored());
        let bufs = [
            IoSlice::new(b"one "),
            IoSlice::new(b""),
            IoSlice::new(b"two "),
            IoSlice::new(b"three"),
        ];
        let mut written = 0;
        for _ in 0..100 {
            if written == 13 {
                break;
            }
            // Loopback takes 13 bytes in one go; a short write would leave the rest unsent
            // here, and the length check below would catch it.
            written += client.write_vectored(&bufs).await.unwrap();
        }
        assert_eq!(written, 13);
        AsyncWriteExt::shutdown(&mut client).await.unwrap();
        let mut all = String::new();
        server.read_to_string(&mut all).await.unwrap();
        assert_eq!(all, "one two three");
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn unix_streams_and_async_sources() {
    on_both_flavors(|| async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        a.write_all(b"unix").await.unwrap();
        AsyncWriteExt::shutdown(&mut a).await.unwrap();
        let mut text = String::new();
        b.read_to_string(&mut text).await.unwrap();
        assert_eq!(text, "unix");

        let (left, right) = std::os::unix::net::UnixStream::pair().unwrap();
        let mut left = Async::new(left).unwrap();
        let right = Async::new(right).unwrap();
        left.write_all(b"async").await.unwrap();
        left.flush().await.unwrap();
        let mut buf = [0; 5];
        // Through a shared reference, as `futures-io` allows too.
        (&right).read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"async");
    });
}

#[test]
fn the_tokio_traits_are_implemented() {
    fn read_write<T: AsyncRead + AsyncWrite + Unpin>() {}
    fn read<T: AsyncRead + Unpin>() {}
    fn write<T: AsyncWrite + Unpin>() {}
    read_write::<TcpStream>();
    read_write::<UnixStream>();
    read_write::<Async<std::net::TcpStream>>();
    read_write::<&Async<std::net::TcpStream>>();
    read::<heddle::net::ReadHalf<'_>>();
    read::<heddle::net::OwnedReadHalf>();
    write::<heddle::net::WriteHalf<'_>>();
    write::<heddle::net::OwnedWriteHalf>();
}
