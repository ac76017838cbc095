//! Unix-domain streams and datagrams in a temp dir (unique names, removed afterwards).
#![cfg(unix)]

mod support;

use std::time::Duration;

use futures::executor::block_on;
use heddle_reactor::io::{AsyncReadExt, AsyncWriteExt};
use heddle_reactor::net::{UnixDatagram, UnixListener, UnixStream};
use support::{unique_path, with_watchdog, RemoveOnDrop};

#[test]
#[cfg_attr(miri, ignore)]
fn stream_listener_connect_echo_and_half_close() {
    with_watchdog(Duration::from_secs(10), || {
        let path = RemoveOnDrop(unique_path("stream"));
        let listener = UnixListener::bind(&path.0).unwrap();
        assert_eq!(
            listener.local_addr().unwrap().as_pathname(),
            Some(path.0.as_path())
        );
        block_on(async {
            let mut client = UnixStream::connect(&path.0).await.unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            client.write_all(b"over unix").await.unwrap();
            tokio::io::AsyncWriteExt::shutdown(&mut client)
                .await
                .unwrap();
            let mut got = Vec::new();
            server.read_to_end(&mut got).await.unwrap();
            assert_eq!(got, b"over unix");
            server.write_all(b"back").await.unwrap();
            server.close().await.unwrap();
            let mut back = Vec::new();
            client.read_to_end(&mut back).await.unwrap();
            assert_eq!(back, b"back");
        });
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn stream_pair_large_write_and_reader_on_another_thread() {
    with_watchdog(Duration::from_secs(20), || {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        let reader = std::thread::spawn(move || {
            block_on(async {
                let mut got = Vec::new();
                b.read_to_end(&mut got).await.unwrap();
                got
            })
        });
        let data: Vec<u8> = (0..4 << 20).map(|i: u32| i as u8).collect();
        block_on(async {
            a.write_all(&data).await.unwrap();
            a.close().await.unwrap();
        });
        assert_eq!(reader.join().unwrap(), data);
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn connect_errors() {
    block_on(async {
        let missing = unique_path("missing");
        let err = UnixStream::connect(&missing).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        // A socket file with no listener behind it refuses.
        let path = RemoveOnDrop(unique_path("stale"));
        drop(std::os::unix::net::UnixListener::bind(&path.0).unwrap());
        let err = UnixStream::connect(&path.0).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
        // Binding the same path twice fails.
        let path = RemoveOnDrop(unique_path("twice"));
        let _l = UnixListener::bind(&path.0).unwrap();
        assert!(UnixListener::bind(&path.0).is_err());
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn datagram_bind_unbound_send_to_recv_from() {
    with_watchdog(Duration::from_secs(10), || {
        let path = RemoveOnDrop(unique_path("dgram"));
        let sender_path = RemoveOnDrop(unique_path("dgram-sender"));
        block_on(async {
            let receiver = UnixDatagram::bind(&path.0).unwrap();
            let sender = UnixDatagram::bind(&sender_path.0).unwrap();
            sender.send_to(b"hello", &path.0).await.unwrap();
            let mut buf = [0; 16];
            let (n, from) = receiver.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"hello");
            assert_eq!(from.as_pathname(), Some(sender_path.0.as_path()));

            let anonymous = UnixDatagram::unbound().unwrap();
            anonymous.connect(&path.0).unwrap();
            anonymous.send(b"anon").await.unwrap();
            let n = receiver.recv(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"anon");
            assert!(anonymous.peer_addr().is_ok());
        });
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn datagram_pair_keeps_boundaries() {
    block_on(async {
        let (a, b) = UnixDatagram::pair().unwrap();
        a.send(b"one").await.unwrap();
        a.send(b"two!").await.unwrap();
        let mut buf = [0; 16];
        assert_eq!(b.recv(&mut buf).await.unwrap(), 3);
        assert_eq!(b.recv(&mut buf).await.unwrap(), 4);
        assert!(b.local_addr().unwrap().is_unnamed());
    });
}
