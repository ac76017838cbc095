//! Descriptor and registration leaks: 10,000 connect/accept/close cycles leave the
//! descriptor count at its baseline (within 2). In its own test binary, because the count
//! is process-wide.
#![cfg(unix)]

mod support;

use std::time::Duration;

use futures::executor::block_on;
use heddle_reactor::io::AsyncWriteExt;
use heddle_reactor::net::{TcpListener, TcpStream};
use heddle_reactor::Handle;
use support::{fd_count, with_watchdog};

const CYCLES: usize = 10_000;

#[test]
#[cfg_attr(miri, ignore)]
fn ten_thousand_connect_close_cycles_leak_no_descriptors() {
    with_watchdog(Duration::from_secs(50), || {
        block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let handle = Handle::global().unwrap();
            // Warm up (the global reactor's thread and poller exist from here on).
            drop(TcpStream::connect(addr).await.unwrap());
            drop(listener.accept().await.unwrap());
            let registered = handle.registered_count();
            let baseline = fd_count();

            for i in 0..CYCLES {
                let mut client = TcpStream::connect(addr).await.unwrap();
                let (server, _) = listener.accept().await.unwrap();
                if i % 2 == 0 {
                    client.close().await.unwrap();
                }
                drop(client);
                drop(server);
            }

            let after = fd_count();
            assert!(
                after.abs_diff(baseline) <= 2,
                "descriptors: baseline {baseline}, after {after}"
            );
            assert_eq!(
                handle.registered_count(),
                registered,
                "registrations leaked"
            );
        });
    });
}
