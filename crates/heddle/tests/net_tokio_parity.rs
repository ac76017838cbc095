//! The parts of tokio's net and readiness API that heddle matched last, on both runtime
//! flavors: priority readiness (TCP out-of-band data), `AsyncFd` registered for one
//! direction, `UnixDatagram::recv_buf_from`, UDP peeking, the `tos_v4`/`tclass_v6` options,
//! Unix sockets named by a `SocketAddr`, the halves' `AsRef` and the pipe ends' `try_io`.
#![cfg(unix)]

mod support;

use std::io::{self, Read, Write};
use std::os::fd::FromRawFd;

use heddle::io::unix::AsyncFd;
use heddle::io::Interest;
use heddle::net::{TcpListener, TcpSocket, TcpStream, UdpSocket, UnixDatagram};
use heddle::net::{UnixListener, UnixStream};

async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// A non-blocking pipe: (read end, write end).
fn pipe() -> (std::fs::File, std::fs::File) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe2` writes.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) };
    assert_eq!(rc, 0, "pipe2: {}", io::Error::last_os_error());
    // SAFETY: `pipe2` succeeded, so both descriptors are open and owned by nobody else.
    unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    }
}

fn socket_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("heddle-parity-{name}-{}.sock", std::process::id()))
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn async_fd_registered_for_one_direction_serves_that_one() {
    support::on_both_flavors(20, || async {
        // Write-only registration of the write end; read-only of the read end.
        let (reader, writer) = pipe();
        let writer = AsyncFd::with_interest(writer, Interest::WRITABLE).unwrap();
        let reader = AsyncFd::with_interest(reader, Interest::READABLE).unwrap();
        let mut guard = writer.writable().await.unwrap();
        let written = guard.try_io(|fd| fd.get_ref().write(b"abc"));
        assert_eq!(written.unwrap().unwrap(), 3);
        let mut guard = reader.readable().await.unwrap();
        let mut buf = [0; 8];
        let read = guard.try_io(|fd| fd.get_ref().read(&mut buf));
        assert_eq!(read.unwrap().unwrap(), 3);

        // The other direction is an error at once, not a wait that cannot end.
        for error in [
            reader.writable().await.unwrap_err(),
            writer.readable().await.unwrap_err(),
            reader.try_io(Interest::WRITABLE, |_| Ok(())).unwrap_err(),
        ] {
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{error}");
        }

        // A mismatched registration (writable interest on the read end) is accepted, and
        // reading through it is refused the same way.
        let (reader, _writer) = pipe();
        let reader = AsyncFd::with_interest(reader, Interest::WRITABLE).unwrap();
        let error = reader.readable().await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);

        // Closing the writer still wakes a read-only registration (a hang-up).
        let (reader, writer) = pipe();
        let reader = AsyncFd::with_interest(reader, Interest::READABLE).unwrap();
        drop(writer);
        let guard = reader.readable().await.unwrap();
        assert!(guard.ready().is_read_closed(), "{:?}", guard.ready());
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn unix_datagram_receives_into_a_buf_mut_with_the_sender() {
    support::on_both_flavors(20, || async {
        let (a, b) = UnixDatagram::pair().unwrap();
        let mut buf = Vec::with_capacity(16);
        let error = b.try_recv_buf_from(&mut buf).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::WouldBlock);

        a.send(b"pair").await.unwrap();
        let (n, from) = b.recv_buf_from(&mut buf).await.unwrap();
        assert_eq!((n, &buf[..]), (4, &b"pair"[..]));
        assert!(from.is_unnamed(), "{from:?}");

        let path = socket_path("dgram");
        let _ = std::fs::remove_file(&path);
        let named = UnixDatagram::bind(&path).unwrap();
        named.send_to(b"named", &path).await.unwrap();
        buf.clear();
        let (n, from) = loop {
            match named.try_recv_buf_from(&mut buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => named.readable().await.unwrap(),
                result => break result.unwrap(),
            }
        };
        assert_eq!((n, &buf[..]), (5, &b"named"[..]));
        assert_eq!(from.as_pathname(), Some(path.as_path()));
        std::fs::remove_file(&path).unwrap();

        #[cfg(target_os = "linux")]
        {
            use std::os::linux::net::SocketAddrExt;
            let name = format!("heddle-parity-{}", std::process::id());
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(&name).unwrap();
            let sender = std::os::unix::net::UnixDatagram::bind_addr(&addr).unwrap();
            let receiver_path = socket_path("abstract");
            let _ = std::fs::remove_file(&receiver_path);
            let receiver = UnixDatagram::bind(&receiver_path).unwrap();
            sender.send_to(b"abs", &receiver_path).unwrap();
            buf.clear();
            let (_, from) = receiver.recv_buf_from(&mut buf).await.unwrap();
            assert_eq!(from.as_abstract_name(), Some(name.as_bytes()));
            std::fs::remove_file(&receiver_path).unwrap();
        }
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn udp_peeks_and_datagram_ready_polls() {
    support::on_both_flavors(20, || async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        let mut buf = [0; 16];
        let error = b.try_peek(&mut buf).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::WouldBlock);

        std::future::poll_fn(|cx| a.poll_send_ready(cx))
            .await
            .unwrap();
        a.send(b"peek").await.unwrap();
        std::future::poll_fn(|cx| b.poll_recv_ready(cx))
            .await
            .unwrap();
        assert_eq!(b.peek(&mut buf).await.unwrap(), 4);
        assert_eq!(b.try_peek(&mut buf).unwrap(), 4);
        let mut storage = [0; 16];
        let mut read_buf = heddle::io::ReadBuf::new(&mut storage);
        std::future::poll_fn(|cx| b.poll_peek(cx, &mut read_buf))
            .await
            .unwrap();
        assert_eq!(read_buf.filled(), b"peek");
        // Peeking left the datagram queued.
        assert_eq!(b.recv(&mut buf).await.unwrap(), 4);
        assert_eq!(&buf[..4], b"peek");

        let (x, y) = UnixDatagram::pair().unwrap();
        std::future::poll_fn(|cx| x.poll_send_ready(cx))
            .await
            .unwrap();
        x.send(b"u").await.unwrap();
        std::future::poll_fn(|cx| y.poll_recv_ready(cx))
            .await
            .unwrap();
        assert_eq!(y.try_recv(&mut buf).unwrap(), 1);
    });
}

#[test]
#[cfg_attr(miri, ignore = "no sockets under miri's isolation")]
fn traffic_class_and_type_of_service_options() {
    support::on_both_flavors(20, || async {
        let v4 = TcpSocket::new_v4().unwrap();
        v4.set_tos_v4(0x10).unwrap();
        assert_eq!(v4.tos_v4().unwrap(), 0x10);
        assert!(
            v4.set_tclass_v6(0x20).is_err(),
            "an IPv4 socket has no IPv6 option"
        );

        let v6 = TcpSocket::new_v6().unwrap();
        assert_eq!(v6.tclass_v6().unwrap(), 0);
        v6.set_tclass_v6(0x20).unwrap();
        assert_eq!(v6.tclass_v6().unwrap(), 0x20);

        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        udp.set_tos_v4(0x08).unwrap();
        assert_eq!(udp.tos_v4().unwrap(), 0x08);
        assert!(udp.tclass_v6().is_err());
        let udp6 = UdpSocket::bind("[::1]:0").await.unwrap();
        udp6.set_tclass_v6(0x28).unwrap();
        assert_eq!(udp6.tclass_v6().unwrap(), 0x28);
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn unix_sockets_named_by_a_socket_addr() {
    support::on_both_flavors(20, || async {
        let path = socket_path("addr");
        let _ = std::fs::remove_file(&path);
        let addr = heddle::net::unix::SocketAddr::from_pathname(&path).unwrap();
        let listener = UnixListener::bind_addr(&addr).unwrap();
        let client = UnixStream::connect_addr(&listener.local_addr().unwrap())
            .await
            .unwrap();
        let (_server, _) = listener.accept().await.unwrap();
        assert_eq!(
            client.peer_addr().unwrap().as_pathname(),
            Some(path.as_path())
        );
        drop(listener);
        std::fs::remove_file(&path).unwrap();

        #[cfg(target_os = "linux")]
        {
            use std::os::linux::net::SocketAddrExt;
            let name = format!("heddle-parity-listen-{}", std::process::id());
            let addr = heddle::net::unix::SocketAddr::from_abstract_name(&name).unwrap();
            let listener = UnixListener::bind_addr(&addr).unwrap();
            let _client = UnixStream::connect_addr(&addr).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            let local = server.local_addr().unwrap();
            assert_eq!(local.as_abstract_name(), Some(name.as_bytes()));
        }

        // An unnamed address names nothing to connect to.
        let (unnamed, _peer) = UnixStream::pair().unwrap();
        let error = UnixStream::connect_addr(&unnamed.local_addr().unwrap())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn halves_lend_their_stream_and_pipe_ends_try_io() {
    support::on_both_flavors(20, || async {
        let (mut client, server) = tcp_pair().await;
        let peer = client.local_addr().unwrap();
        {
            let (read, write) = client.split();
            let lent: (&TcpStream, &TcpStream) = (read.as_ref(), write.as_ref());
            assert_eq!(lent.0.local_addr().unwrap(), peer);
            assert_eq!(lent.1.local_addr().unwrap(), peer);
        }
        let (read, write) = server.into_split();
        let lent: (&TcpStream, &TcpStream) = (read.as_ref(), write.as_ref());
        assert_eq!(lent.0.peer_addr().unwrap(), peer);
        assert_eq!(lent.1.peer_addr().unwrap(), peer);

        let (a, _b) = UnixStream::pair().unwrap();
        let (read, write) = a.into_split();
        let lent: &UnixStream = read.as_ref();
        assert!(lent.local_addr().unwrap().is_unnamed());
        let lent: &UnixStream = write.as_ref();
        assert!(lent.peer_addr().unwrap().is_unnamed());

        let (tx, rx) = heddle::net::unix::pipe::pipe().unwrap();
        // Nothing to read: `f` is not run.
        let error = rx.try_io(|| -> io::Result<()> { panic!("run without readiness") });
        assert_eq!(error.unwrap_err().kind(), io::ErrorKind::WouldBlock);
        assert_eq!(tx.try_io(|| tx.try_write(b"xy")).unwrap(), 2);
        rx.readable().await.unwrap();
        let mut buf = [0; 4];
        assert_eq!(rx.try_io(|| rx.try_read(&mut buf)).unwrap(), 2);
    });
}

/// Priority readiness, which tokio offers on Linux and Android only.
#[cfg(any(target_os = "linux", target_os = "android"))]
mod priority {
    use std::io;
    use std::os::fd::AsRawFd;
    use std::time::Duration;

    use futures::FutureExt;
    use heddle::io::unix::AsyncFd;
    use heddle::io::Interest;

    use super::{support, tcp_pair};

    /// Sends one out-of-band byte on `fd` (`MSG_OOB`).
    fn send_out_of_band(fd: &impl AsRawFd, byte: u8) {
        // SAFETY: the buffer is one valid byte and `fd` is an open socket owned by the caller.
        let n = unsafe { libc::send(fd.as_raw_fd(), [byte].as_ptr().cast(), 1, libc::MSG_OOB) };
        assert_eq!(n, 1, "send(MSG_OOB): {}", io::Error::last_os_error());
    }

    /// Receives the pending out-of-band byte of `fd`.
    fn recv_out_of_band(fd: &impl AsRawFd) -> u8 {
        let mut byte = [0u8];
        // SAFETY: the buffer is one writable byte and `fd` is an open socket owned by the caller.
        let n = unsafe { libc::recv(fd.as_raw_fd(), byte.as_mut_ptr().cast(), 1, libc::MSG_OOB) };
        assert_eq!(n, 1, "recv(MSG_OOB): {}", io::Error::last_os_error());
        byte[0]
    }

    #[test]
    #[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
    fn priority_readiness_reports_out_of_band_data() {
        support::on_both_flavors(20, || async {
            let (client, server) = tcp_pair().await;
            // Ordinary data alone does not satisfy a priority wait.
            client.writable().await.unwrap();
            client.try_write(b"plain").unwrap();
            server.readable().await.unwrap();
            let mut waiting = Box::pin(server.ready(Interest::PRIORITY));
            assert!((&mut waiting).now_or_never().is_none());

            send_out_of_band(&client, b'!');
            let ready = heddle::time::timeout(Duration::from_secs(10), waiting)
                .await
                .expect("priority readiness was not reported")
                .unwrap();
            assert!(ready.is_priority(), "{ready:?}");
            assert!(!ready.is_readable(), "only what was asked for: {ready:?}");
            assert_eq!(recv_out_of_band(&server), b'!');
            let mut buf = [0; 8];
            assert_eq!(server.try_read(&mut buf).unwrap(), 5);
        });
    }

    #[test]
    #[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
    fn async_fd_waits_for_priority_data() {
        support::on_both_flavors(20, || async {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            let (server, _) = listener.accept().unwrap();
            let server = AsyncFd::with_interest(server, Interest::PRIORITY).unwrap();
            send_out_of_band(&client, b'u');
            let mut guard =
                heddle::time::timeout(Duration::from_secs(10), server.ready(Interest::PRIORITY))
                    .await
                    .expect("priority readiness was not reported")
                    .unwrap();
            assert!(guard.ready().is_priority(), "{:?}", guard.ready());
            assert_eq!(recv_out_of_band(guard.get_inner()), b'u');
            guard.clear_ready();
            // Registered for priority only: the write direction is not there to wait for.
            let error = server.writable().await.unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        });
    }
}
