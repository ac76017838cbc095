//! I/O resources that outlive their runtime: every wait on them fails with the error
//! `runtime::is_rt_shutdown_err` recognises, on both flavors, instead of hanging.

mod support;

use std::time::Duration;

use heddle::io::AsyncReadExt;
use heddle::net::{TcpListener, TcpStream, UdpSocket};
use heddle::runtime::is_rt_shutdown_err;

#[test]
fn a_listener_of_a_dropped_runtime_fails_to_accept_instead_of_hanging() {
    support::with_watchdog(60, || {
        for (flavor, mut builder) in support::both_flavors() {
            let first = builder.build().unwrap();
            let listener = first.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
            drop(first);
            let second = heddle::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let err = second.block_on(listener.accept()).unwrap_err();
            assert!(is_rt_shutdown_err(&err), "{flavor}: {err}");
        }
    });
}

#[test]
fn a_task_waiting_on_a_socket_of_another_runtime_is_woken_by_its_shutdown() {
    support::with_watchdog(60, || {
        for (flavor, mut builder) in support::both_flavors() {
            let owner = builder.build().unwrap();
            let (stream, _peer) = owner.block_on(async {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                let (client, server) = heddle::join!(TcpStream::connect(addr), listener.accept());
                (client.unwrap(), server.unwrap().0)
            });
            let reader = heddle::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            // The read waits on the first runtime's reactor; nothing will ever arrive.
            let read = reader.spawn(async move {
                let mut stream = stream;
                let mut buf = [0u8; 1];
                stream.read(&mut buf).await
            });
            reader.block_on(heddle::time::sleep(Duration::from_millis(20)));
            drop(owner);
            let err = reader.block_on(read).unwrap().unwrap_err();
            assert!(is_rt_shutdown_err(&err), "{flavor}: {err}");
        }
    });
}

#[test]
fn other_errors_are_not_shutdown_errors() {
    support::on_both_flavors(60, || async {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let mut buf = [0u8; 1];
        let err = socket.try_recv(&mut buf).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
        assert!(!is_rt_shutdown_err(&err));
        assert!(!is_rt_shutdown_err(&std::io::Error::other("other")));
    });
}
