//! Sockets on the runtime: they register with the runtime's reactor, and the current-thread
//! runtime serves many connections at once while parking on it.
#![cfg(unix)]

use heddle::io::{AsyncReadExt, AsyncWriteExt};
use heddle::net::{TcpListener, TcpStream};

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn the_runtime_reactor_is_current_inside_block_on_and_enter() {
    let runtime = heddle::Builder::new_current_thread().build().unwrap();
    assert!(heddle::reactor::Handle::try_current().is_none());
    let inside = runtime.block_on(async { heddle::reactor::Handle::try_current().unwrap() });
    let entered = {
        let _guard = runtime.enter();
        heddle::reactor::Handle::try_current().unwrap()
    };
    assert!(inside.same_reactor(&entered));
    assert!(!inside.same_reactor(&heddle::reactor::Handle::global().unwrap()));
    assert!(heddle::reactor::Handle::try_current().is_none());
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn echo_with_concurrent_connections() {
    let runtime = heddle::Builder::new_current_thread().build().unwrap();
    let total: usize = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        heddle::spawn(async move {
            for _ in 0..50 {
                let (mut stream, _) = listener.accept().await.unwrap();
                heddle::spawn(async move {
                    let mut buf = [0u8; 64];
                    loop {
                        let n = stream.read(&mut buf).await.unwrap();
                        if n == 0 {
                            break;
                        }
                        stream.write_all(&buf[..n]).await.unwrap();
                    }
                });
            }
        });
        let clients: Vec<_> = (0..50u8)
            .map(|i| {
                heddle::spawn(async move {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    let mut echoed = 0;
                    for round in 0..20u8 {
                        let msg = [i, round, 7, 7];
                        stream.write_all(&msg).await.unwrap();
                        let mut back = [0u8; 4];
                        stream.read_exact(&mut back).await.unwrap();
                        assert_eq!(back, msg);
                        echoed += 1;
                    }
                    echoed
                })
            })
            .collect();
        let mut total = 0;
        for client in clients {
            total += client.await.unwrap();
        }
        total
    });
    assert_eq!(total, 50 * 20);
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn dropping_the_runtime_closes_its_sockets() {
    let runtime = heddle::Builder::new_current_thread().build().unwrap();
    let addr = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        heddle::spawn(async move {
            // Holds the listener in a pending accept until the runtime drops the task.
            let _ = listener.accept().await;
        });
        heddle::task::yield_now().await;
        addr
    });
    drop(runtime);
    let refused = std::net::TcpStream::connect(addr).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
}
