//! One I/O source shared by several tasks: every waiter of `accept`, `recv_from` and
//! `readable()` is woken when readiness arrives, on both runtime flavors.
#![cfg(unix)]

use std::net::SocketAddr;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use heddle::net::{TcpListener, TcpStream, UdpSocket};
use heddle::reactor::Async;
use heddle::Runtime;

/// Both runtime flavors, with a name for failure messages.
fn runtimes() -> Vec<(&'static str, Runtime)> {
    vec![
        (
            "current_thread",
            heddle::Builder::new_current_thread().build().unwrap(),
        ),
        (
            "multi_thread",
            heddle::Builder::new_multi_thread()
                .worker_threads(2)
                .build()
                .unwrap(),
        ),
    ]
}

/// Runs `body` on its own thread and panics if it does not finish within 10 s.
fn watchdog<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)));
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("hung"),
    }
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn four_tasks_accepting_on_one_listener_get_all_four_connections() {
    for (flavor, runtime) in runtimes() {
        let accepted = watchdog(move || {
            runtime.block_on(async {
                let listener = Arc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
                let addr = listener.local_addr().unwrap();
                let acceptors: Vec<_> = (0..4)
                    .map(|_| {
                        let listener = listener.clone();
                        heddle::spawn(async move { listener.accept().await.unwrap().1 })
                    })
                    .collect();
                // Let all four park on the listener before any connection arrives.
                heddle::time::sleep(Duration::from_millis(50)).await;
                let mut clients = Vec::new();
                for _ in 0..4 {
                    clients.push(TcpStream::connect(addr).await.unwrap());
                }
                let mut peers = Vec::new();
                for acceptor in acceptors {
                    peers.push(acceptor.await.unwrap());
                }
                peers.sort();
                let mut expected: Vec<SocketAddr> =
                    clients.iter().map(|c| c.local_addr().unwrap()).collect();
                expected.sort();
                assert_eq!(peers, expected);
                peers.len()
            })
        });
        assert_eq!(accepted, 4, "{flavor}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn two_tasks_in_recv_from_on_one_socket_get_both_datagrams() {
    for (flavor, runtime) in runtimes() {
        let mut got = watchdog(move || {
            runtime.block_on(async {
                let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
                let addr = socket.local_addr().unwrap();
                let receivers: Vec<_> = (0..2)
                    .map(|_| {
                        let socket = socket.clone();
                        heddle::spawn(async move {
                            let mut buf = [0u8; 8];
                            let (n, _) = socket.recv_from(&mut buf).await.unwrap();
                            buf[..n].to_vec()
                        })
                    })
                    .collect();
                heddle::time::sleep(Duration::from_millis(50)).await;
                let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
                sender.send_to(b"one", addr).await.unwrap();
                sender.send_to(b"two", addr).await.unwrap();
                let mut got = Vec::new();
                for receiver in receivers {
                    got.push(receiver.await.unwrap());
                }
                got
            })
        });
        got.sort();
        assert_eq!(got, [b"one".to_vec(), b"two".to_vec()], "{flavor}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn readable_from_two_tasks_wakes_both() {
    for (flavor, runtime) in runtimes() {
        let woken = watchdog(move || {
            runtime.block_on(async {
                let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
                let a = Arc::new(Async::new(a).unwrap());
                let waiters: Vec<_> = (0..2)
                    .map(|_| {
                        let a = a.clone();
                        heddle::spawn(async move { a.readable().await.unwrap() })
                    })
                    .collect();
                heddle::time::sleep(Duration::from_millis(50)).await;
                std::io::Write::write_all(&mut &b, b"x").unwrap();
                let mut woken = 0;
                for waiter in waiters {
                    waiter.await.unwrap();
                    woken += 1;
                }
                woken
            })
        });
        assert_eq!(woken, 2, "{flavor}");
    }
}
