//! tokio's readiness API on heddle's sockets, on both runtime flavors: `ready`/`readable`/
//! `writable` with `try_*` loops, spurious readiness (another task took the data), and
//! `try_io`/`async_io` on TCP, Unix and UDP sockets.
#![cfg(unix)]

mod support;

use std::io::{self, IoSlice, IoSliceMut};
use std::sync::Arc;

use heddle::net::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixStream};
use heddle::reactor::Interest;

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

/// Reads exactly `want` bytes with `readable` + `try_read`, looping on `WouldBlock`; the
/// loop is bounded.
async fn read_exactly(stream: &TcpStream, want: usize) -> Vec<u8> {
    let mut got = Vec::new();
    for _ in 0..10_000 {
        if got.len() == want {
            return got;
        }
        stream.readable().await.unwrap();
        let mut buf = [0; 64];
        match stream.try_read(&mut buf) {
            Ok(0) => panic!("end-of-file after {} bytes", got.len()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
    panic!("read loop did not finish");
}

async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn try_read_and_try_write_loop_on_readiness() {
    on_both_flavors(|| async {
        let (client, server) = tcp_pair().await;
        let mut buf = [0; 8];
        let error = server.try_read(&mut buf).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::WouldBlock, "nothing sent yet");

        let ready = client
            .ready(Interest::READABLE | Interest::WRITABLE)
            .await
            .unwrap();
        assert!(ready.is_writable() && !ready.is_readable());
        assert_eq!(client.try_write(b"hello ").unwrap(), 6);
        let bufs = [IoSlice::new(b"wor"), IoSlice::new(b"ld")];
        assert_eq!(client.try_write_vectored(&bufs).unwrap(), 5);
        assert_eq!(read_exactly(&server, 11).await, b"hello world");

        client.try_write(b"xy").unwrap();
        server.readable().await.unwrap();
        let (mut a, mut b) = ([0; 1], [0; 1]);
        let mut bufs = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];
        let mut n = 0;
        for _ in 0..1000 {
            match server.try_read_vectored(&mut bufs[n..]) {
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("{e}"),
            }
            if n == 2 {
                break;
            }
            server.readable().await.unwrap();
        }
        assert_eq!((a, b), ([b'x'], [b'y']));

        client.try_write(b"buf").unwrap();
        let mut into = Vec::with_capacity(16);
        for _ in 0..1000 {
            server.readable().await.unwrap();
            match server.try_read_buf(&mut into) {
                Ok(_) if into.len() == 3 => break,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(into, b"buf");

        // The peer hangs up: readiness reports the closed read side, and a read says EOF.
        drop(client);
        let ready = server.ready(Interest::READABLE).await.unwrap();
        assert!(ready.is_readable());
        assert_eq!(server.try_read(&mut buf).unwrap(), 0);
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn readiness_may_be_spurious_and_the_loop_waits_again() {
    on_both_flavors(|| async {
        let (client, server) = tcp_pair().await;
        let server = Arc::new(server);
        client.try_write(b"1").unwrap();
        server.readable().await.unwrap();
        // Another task takes the byte after this task saw the readiness.
        let thief = server.clone();
        heddle::spawn(async move {
            let mut buf = [0; 1];
            thief.readable().await.unwrap();
            assert_eq!(thief.try_read(&mut buf).unwrap(), 1);
        })
        .await
        .unwrap();
        let mut buf = [0; 1];
        let error = server.try_read(&mut buf).unwrap_err();
        assert_eq!(
            error.kind(),
            io::ErrorKind::WouldBlock,
            "the readiness was stale"
        );
        // The next wait is for new data, which a writer task sends.
        let writer = heddle::spawn(async move {
            heddle::task::yield_now().await;
            client.try_write(b"2").unwrap();
            client
        });
        assert_eq!(read_exactly(&server, 1).await, b"2");
        drop(writer.await.unwrap());
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn try_io_and_async_io_run_user_operations() {
    on_both_flavors(|| async {
        let (a, b) = UnixStream::pair().unwrap();
        // try_io does not run the operation while the socket is not ready, as tokio.
        let mut ran = false;
        let error = a
            .try_io(Interest::READABLE, || {
                ran = true;
                Ok(())
            })
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::WouldBlock);
        assert!(!ran);
        // When ready, it runs the operation once and hands its WouldBlock back.
        let error = a
            .try_io(Interest::WRITABLE, || {
                Err::<(), _>(io::ErrorKind::WouldBlock.into())
            })
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::WouldBlock);
        assert_eq!(
            a.try_io(Interest::ERROR, || Ok(())).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        // async_io retries a raw recv until data arrives from another task.
        let writer = heddle::spawn(async move {
            heddle::task::yield_now().await;
            b.try_write(b"raw").unwrap();
            b
        });
        let mut buf = [0; 8];
        let n = a
            .async_io(Interest::READABLE, || a.try_read(&mut buf))
            .await
            .unwrap();
        assert_eq!(&buf[..n], b"raw");
        drop(writer.await.unwrap());
        let peer = a.peer_cred().unwrap();
        assert_eq!(peer.pid(), Some(std::process::id() as i32));
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn datagram_sockets_have_the_same_readiness_api() {
    on_both_flavors(|| async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        let mut buf = [0; 8];
        assert_eq!(
            b.try_recv(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        a.writable().await.unwrap();
        a.try_send(b"dgram").unwrap();
        let n = loop {
            b.readable().await.unwrap();
            match b.try_recv(&mut buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                n => break n.unwrap(),
            }
        };
        assert_eq!(&buf[..n], b"dgram");
        a.send(b"peek").await.unwrap();
        assert_eq!(b.peek_sender().await.unwrap(), a.local_addr().unwrap());
        let (n, from) = b.try_peek_from(&mut buf).unwrap();
        assert_eq!((&buf[..n], from), (&b"peek"[..], a.local_addr().unwrap()));
        let mut owned = Vec::with_capacity(8);
        let (n, from) = b.recv_buf_from(&mut owned).await.unwrap();
        assert_eq!(
            (n, &owned[..], from),
            (4, &b"peek"[..], a.local_addr().unwrap())
        );

        let (x, y) = UnixDatagram::pair().unwrap();
        x.try_send(b"u").unwrap();
        let mut owned = Vec::with_capacity(4);
        assert_eq!(y.recv_buf(&mut owned).await.unwrap(), 1);
        let ready = y
            .ready(Interest::READABLE | Interest::WRITABLE)
            .await
            .unwrap();
        assert!(ready.is_writable());
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn unix_halves_read_write_and_refuse_to_reunite_across_streams() {
    on_both_flavors(|| async {
        use heddle::net::unix::ReuniteError;
        let (a, b) = UnixStream::pair().unwrap();
        let (c, _d) = UnixStream::pair().unwrap();
        let (a_read, a_write) = a.into_split();
        let (c_read, c_write) = c.into_split();
        a_write.writable().await.unwrap();
        a_write.try_write(b"half").unwrap();
        let mut buf = [0; 4];
        let n = loop {
            b.readable().await.unwrap();
            match b.try_read(&mut buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                n => break n.unwrap(),
            }
        };
        assert_eq!(&buf[..n], b"half");
        let ReuniteError(a_read, c_write) = a_read.reunite(c_write).unwrap_err();
        let _a = a_read.reunite(a_write).unwrap();
        let _c = c_write.reunite(c_read).unwrap();
        // Dropping an owned write half shuts the direction down: the peer reads EOF.
        let (mut e, f) = UnixStream::pair().unwrap();
        let (_f_read, f_write) = f.into_split();
        drop(f_write);
        let mut rest = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut e, &mut rest)
            .await
            .unwrap();
        assert!(rest.is_empty());
        let (read, write) = e.split();
        assert!(read.peer_addr().unwrap().is_unnamed());
        assert!(write.local_addr().unwrap().is_unnamed());
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn unix_socket_makes_listeners_streams_and_datagrams() {
    on_both_flavors(|| async {
        use heddle::net::UnixSocket;
        let dir = std::env::temp_dir();
        let path = dir.join(format!("heddle-net-readiness-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let server = UnixSocket::new_stream().unwrap();
        server.bind(&path).unwrap();
        let listener = server.listen(4).unwrap();
        let client = UnixSocket::new_stream()
            .unwrap()
            .connect(&path)
            .await
            .unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        client.try_write(b"s").unwrap();
        accepted.readable().await.unwrap();
        std::fs::remove_file(&path).unwrap();

        // Using a socket as the other kind is an error that says so, not a hang.
        let error = UnixSocket::new_datagram().unwrap().listen(4).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        let error = UnixSocket::new_stream().unwrap().datagram().unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        let error = UnixSocket::new_stream()
            .unwrap()
            .connect(&path)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        let datagram = UnixSocket::new_datagram().unwrap().datagram().unwrap();
        assert!(datagram.local_addr().unwrap().is_unnamed());
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn pipes_and_fifos_carry_data_and_reject_other_files() {
    on_both_flavors(|| async {
        use heddle::net::unix::pipe::{self, OpenOptions, Receiver, Sender};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let (mut tx, mut rx) = pipe::pipe().unwrap();
        let mut buf = [0; 8];
        assert_eq!(
            rx.try_read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        let writer = heddle::spawn(async move {
            tx.write_all(b"piped").await.unwrap();
            tx
        });
        let mut got = [0; 5];
        rx.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"piped");
        drop(writer.await.unwrap());
        rx.readable().await.unwrap();
        assert_eq!(rx.try_read(&mut buf).unwrap(), 0, "end-of-file");

        let path = std::env::temp_dir().join(format!("heddle-fifo-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: `c_path` is a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        // Without a reader, opening the write end fails (ENXIO), as with tokio.
        assert!(OpenOptions::new().open_sender(&path).is_err());
        let rx = OpenOptions::new().open_receiver(&path).unwrap();
        let tx = OpenOptions::new().open_sender(&path).unwrap();
        tx.try_write(b"fifo").unwrap();
        let mut owned = Vec::with_capacity(8);
        rx.readable().await.unwrap();
        assert_eq!(rx.try_read_buf(&mut owned).unwrap(), 4);
        assert_eq!(owned, b"fifo");
        std::fs::remove_file(&path).unwrap();

        let file = std::fs::File::open("Cargo.toml").unwrap();
        let error = Receiver::from_file(file).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        let (tx, _rx) = pipe::pipe().unwrap();
        let write_end = tx.into_nonblocking_fd().unwrap();
        let error = Receiver::from_owned_fd(write_end).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "a write end");
        let (_tx, rx) = pipe::pipe().unwrap();
        let error = Sender::from_owned_fd(rx.into_blocking_fd().unwrap()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "a read end");
    });
}

/// The Send/Sync/Unpin table of the net and readiness types: all three, as with tokio.
#[test]
fn net_types_are_send_sync_and_unpin() {
    fn all<T: Send + Sync + Unpin>() {}
    all::<TcpStream>();
    all::<TcpListener>();
    all::<heddle::net::TcpSocket>();
    all::<heddle::net::tcp::ReadHalf<'static>>();
    all::<heddle::net::tcp::WriteHalf<'static>>();
    all::<heddle::net::tcp::OwnedReadHalf>();
    all::<heddle::net::tcp::OwnedWriteHalf>();
    all::<heddle::net::tcp::ReuniteError>();
    all::<UdpSocket>();
    all::<UnixStream>();
    all::<UnixDatagram>();
    all::<heddle::net::UnixListener>();
    all::<heddle::net::UnixSocket>();
    all::<heddle::net::unix::OwnedReadHalf>();
    all::<heddle::net::unix::OwnedWriteHalf>();
    all::<heddle::net::unix::UCred>();
    all::<heddle::net::unix::pipe::Sender>();
    all::<heddle::net::unix::pipe::Receiver>();
    all::<heddle::net::unix::pipe::OpenOptions>();
    all::<heddle::reactor::unix::AsyncFd<std::os::fd::OwnedFd>>();
    all::<heddle::reactor::unix::AsyncFdReadyGuard<'static, std::os::fd::OwnedFd>>();
    all::<heddle::reactor::unix::AsyncFdReadyMutGuard<'static, std::os::fd::OwnedFd>>();
    all::<heddle::reactor::unix::TryIoError>();
    all::<heddle::reactor::Interest>();
    all::<heddle::reactor::Ready>();
}
