//! TCP error paths: refused connect, peer reset, writing to a closed peer. Each returns an
//! `io::Error` of the right kind to the caller, only on the affected stream.
#![cfg(unix)]

mod support;

use std::io::ErrorKind;
use std::time::Duration;

use futures::executor::block_on;
use heddle_reactor::io::{AsyncReadExt, AsyncWriteExt};
use heddle_reactor::net::{TcpListener, TcpStream};
use support::with_watchdog;

#[test]
#[cfg_attr(miri, ignore)]
fn connect_to_a_closed_port_is_refused() {
    with_watchdog(Duration::from_secs(10), || {
        // Bind then drop to get a port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = block_on(TcpStream::connect(("127.0.0.1", port))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err:?}");
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn peer_reset_reaches_only_that_stream() {
    with_watchdog(Duration::from_secs(10), || {
        block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let mut victim = TcpStream::connect(addr).await.unwrap();
            let (server_victim, _) = listener.accept().await.unwrap();
            let mut bystander = TcpStream::connect(addr).await.unwrap();
            let (mut server_bystander, _) = listener.accept().await.unwrap();

            // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            socket2::SockRef::from(&server_victim)
                .set_linger(Some(Duration::ZERO))
                .unwrap();
            drop(server_victim);

            let mut buf = [0; 16];
            let err = victim.read(&mut buf).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err:?}");

            // The other connection is untouched.
            bystander.write_all(b"still here").await.unwrap();
            let mut got = [0; 10];
            server_bystander.read_exact(&mut got).await.unwrap();
            assert_eq!(&got, b"still here");
        });
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn writing_to_a_closed_peer_is_an_error_not_a_signal() {
    // Restore the default SIGPIPE action (the test harness ignores it), so a write without
    // MSG_NOSIGNAL would kill this process instead of passing silently.
    // Nothing else in this test binary relies on SIGPIPE being ignored (every socket write
    // here uses MSG_NOSIGNAL).
    // SAFETY: `signal` with `SIG_DFL` installs no handler code.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    with_watchdog(Duration::from_secs(20), || {
        block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut client = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (mut server, _) = listener.accept().await.unwrap();

            // The peer reads 1 KiB, then closes.
            let reader = async move {
                let mut buf = [0; 1024];
                server.read_exact(&mut buf).await.unwrap();
                drop(server);
            };
            // A 64 MiB write cannot complete: the peer stops reading and goes away.
            let writer = async {
                let data = vec![7u8; 64 << 20];
                client.write_all(&data).await
            };
            let ((), result) = futures::join!(reader, writer);
            let err = result.unwrap_err();
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
                ),
                "{err:?}"
            );
            // Vectored writes take the MSG_NOSIGNAL path too.
            let bufs = [std::io::IoSlice::new(b"x")];
            let err = loop {
                match futures::AsyncWriteExt::write_vectored(&mut client, &bufs).await {
                    Ok(_) => continue,
                    Err(e) => break e,
                }
            };
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
                ),
                "{err:?}"
            );
        });
    });
}
