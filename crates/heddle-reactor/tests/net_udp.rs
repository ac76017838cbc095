//! UDP on 127.0.0.1: send_to/recv_from, connect/send/recv, peek_from, addresses.
#![cfg(unix)]

mod support;

use std::io::ErrorKind;
use std::time::Duration;

use futures::executor::block_on;
use heddle_reactor::net::UdpSocket;
use support::with_watchdog;

#[test]
#[cfg_attr(miri, ignore)]
fn send_to_and_recv_from() {
    with_watchdog(Duration::from_secs(10), || {
        block_on(async {
            let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            for i in 0..50u32 {
                a.send_to(&i.to_le_bytes(), b.local_addr().unwrap())
                    .await
                    .unwrap();
                let mut buf = [0; 4];
                let (n, from) = b.recv_from(&mut buf).await.unwrap();
                assert_eq!((n, from), (4, a.local_addr().unwrap()));
                assert_eq!(u32::from_le_bytes(buf), i);
            }
        });
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn connected_send_recv_and_peek() {
    with_watchdog(Duration::from_secs(10), || {
        block_on(async {
            let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            a.connect(b.local_addr().unwrap()).await.unwrap();
            b.connect(a.local_addr().unwrap()).await.unwrap();
            assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());

            a.send(b"datagram").await.unwrap();
            let mut buf = [0; 16];
            let (n, from) = b.peek_from(&mut buf).await.unwrap();
            assert_eq!(
                (&buf[..n], from),
                (&b"datagram"[..], a.local_addr().unwrap())
            );
            let n = b.recv(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"datagram", "peek left the datagram queued");

            b.send(b"reply").await.unwrap();
            let n = a.recv(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"reply");
        });
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn receiver_waits_for_a_datagram_sent_later_from_another_thread() {
    with_watchdog(Duration::from_secs(10), || {
        let b = block_on(UdpSocket::bind("127.0.0.1:0")).unwrap();
        let to = b.local_addr().unwrap();
        let sender = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            let a = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            a.send_to(b"late", to).unwrap();
        });
        let mut buf = [0; 4];
        let (n, _) = block_on(b.recv_from(&mut buf)).unwrap();
        assert_eq!(&buf[..n], b"late");
        sender.join().unwrap();
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn errors_are_returned() {
    block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert_eq!(a.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);
        assert!(a.send(b"x").await.is_err(), "send without a peer");
        let empty: &[std::net::SocketAddr] = &[];
        assert_eq!(
            a.send_to(b"x", empty).await.unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        assert!(
            UdpSocket::bind(a.local_addr().unwrap()).await.is_err(),
            "address in use"
        );
    });
}
