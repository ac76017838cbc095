//! `TcpSocket` options read back, stream options, and the owned halves of a `TcpStream`:
//! reuniting halves of different streams is an error that hands both back, dropping the
//! write half shuts the write direction down, and `forget` does not. Both runtime flavors.
#![cfg(unix)]

mod support;

use std::io;
use std::time::Duration;

use heddle::net::tcp::ReuniteError;
use heddle::net::{TcpListener, TcpSocket, TcpStream};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Runs `body` on both flavors, each under a watchdog.
fn on_both_flavors<F, Fut>(body: F)
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    for (flavor, mut builder) in support::both_flavors() {
        let body = body.clone();
        eprintln!("flavor: {flavor}");
        support::with_watchdog(10, move || builder.build().unwrap().block_on(body()));
    }
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn socket_options_read_back() {
    on_both_flavors(|| async {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_keepalive(true).unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.set_reuseport(true).unwrap();
        socket.set_nodelay(true).unwrap();
        socket.set_send_buffer_size(64 * 1024).unwrap();
        socket.set_recv_buffer_size(64 * 1024).unwrap();
        socket.set_linger(Some(Duration::from_secs(3))).unwrap();
        socket.set_tos(0x10).unwrap();
        assert!(socket.keepalive().unwrap());
        assert!(socket.reuseaddr().unwrap());
        assert!(socket.reuseport().unwrap());
        assert!(socket.nodelay().unwrap());
        assert!(socket.send_buffer_size().unwrap() >= 64 * 1024);
        assert!(socket.recv_buffer_size().unwrap() >= 64 * 1024);
        assert_eq!(socket.linger().unwrap(), Some(Duration::from_secs(3)));
        assert_eq!(socket.tos().unwrap(), 0x10);
        socket.set_zero_linger().unwrap();
        assert_eq!(socket.linger().unwrap(), Some(Duration::ZERO));
        assert_eq!(socket.device().unwrap(), None);
        assert!(socket.take_error().unwrap().is_none());
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(8).unwrap();
        let addr = listener.local_addr().unwrap();

        let client = TcpSocket::new_v4().unwrap();
        client.set_nodelay(true).unwrap();
        let stream = client.connect(addr).await.unwrap();
        assert!(stream.nodelay().unwrap(), "set before connect, kept after");
        let (server, _) = listener.accept().await.unwrap();
        stream.set_ttl(7).unwrap();
        assert_eq!(stream.ttl().unwrap(), 7);
        stream.set_linger(None).unwrap();
        assert_eq!(stream.linger().unwrap(), None);
        stream.set_quickack(true).unwrap();
        listener.set_ttl(9).unwrap();
        assert_eq!(listener.ttl().unwrap(), 9);
        drop(server);

        // Bad input is an error, not a hang: binding an address in use, connecting nowhere.
        let taken = TcpSocket::new_v4().unwrap();
        assert_eq!(
            taken.bind(addr).unwrap_err().kind(),
            io::ErrorKind::AddrInUse
        );
        drop(listener);
        let refused = TcpSocket::new_v4()
            .unwrap()
            .connect(addr)
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn halves_of_different_streams_do_not_reunite() {
    on_both_flavors(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let a = TcpStream::connect(addr).await.unwrap();
        let b = TcpStream::connect(addr).await.unwrap();
        let a_local = a.local_addr().unwrap();
        let (a_read, a_write) = a.into_split();
        let (b_read, b_write) = b.into_split();
        let ReuniteError(a_read, b_write) = a_read.reunite(b_write).unwrap_err();
        let error = b_write.reunite(a_read).unwrap_err();
        assert!(error.to_string().contains("not from the same socket"));
        let ReuniteError(a_read, b_write) = error;
        let a = a_read.reunite(a_write).unwrap();
        assert_eq!(a.local_addr().unwrap(), a_local);
        let _b = b_write.reunite(b_read).unwrap();
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn dropping_the_write_half_shuts_down_unless_forgotten() {
    on_both_flavors(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = TcpStream::connect(addr).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let (_read, mut write) = client.into_split();
        write.write_all(b"bye").await.unwrap();
        drop(write);
        let mut got = Vec::new();
        server.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"bye", "the data, then end-of-file");

        let client = TcpStream::connect(addr).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let (read, write) = client.into_split();
        write.forget();
        // Not shut down: the server has nothing to read, not an end-of-file.
        let mut buf = [0; 1];
        let error = server.try_read(&mut buf).unwrap_err();
        assert_eq!(
            error.kind(),
            io::ErrorKind::WouldBlock,
            "no end-of-file after forget"
        );
        // Dropping the read half too closes the socket: now the server reads end-of-file.
        drop(read);
        assert_eq!(server.read(&mut buf).await.unwrap(), 0);
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn std_conversions_round_trip() {
    on_both_flavors(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let std_listener = listener.into_std().unwrap();
        let listener = TcpListener::try_from(std_listener).unwrap();
        let stream = TcpStream::connect(addr).await.unwrap();
        let std_stream = stream.into_std().unwrap();
        let stream = TcpStream::try_from(std_stream).unwrap();
        let (server, _) = listener.accept().await.unwrap();
        stream.try_write(b"x").unwrap();
        server.readable().await.unwrap();
        let mut storage = [0; 1];
        let mut buf = tokio::io::ReadBuf::new(&mut storage);
        let n = std::future::poll_fn(|cx| server.poll_peek(cx, &mut buf))
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(server.peek(&mut storage).await.unwrap(), 1, "still queued");
    });
}
