//! `lookup_host` and the `ToSocketAddrs` types on both runtime flavors: IP literals resolve
//! inline, host names on the blocking pool while other tasks keep running, and `connect`,
//! `bind` and `send_to` take names. (The resolver's thread is checked deterministically,
//! with a gated resolver, in heddle-reactor's `net::addr` unit tests.)
#![cfg(unix)]

mod support;

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use heddle::net::{lookup_host, TcpListener, TcpStream, UdpSocket};

/// Runs `body` on both flavors, each under a watchdog.
fn on_both_flavors<F, Fut>(body: F)
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    for (flavor, mut builder) in support::both_flavors() {
        let body = body.clone();
        eprintln!("flavor: {flavor}");
        support::with_watchdog(20, move || builder.build().unwrap().block_on(body()));
    }
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn literals_and_names_resolve() {
    on_both_flavors(|| async {
        let want: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let inline: Vec<_> = lookup_host("127.0.0.1:80").await.unwrap().collect();
        assert_eq!(inline, [want]);
        let from_tuple: Vec<_> = lookup_host((IpAddr::V4(Ipv4Addr::LOCALHOST), 80))
            .await
            .unwrap()
            .collect();
        assert_eq!(from_tuple, [want]);
        let from_slice: Vec<_> = lookup_host(&[want][..]).await.unwrap().collect();
        assert_eq!(from_slice, [want]);
        let owned: Vec<_> = lookup_host((String::from("127.0.0.1"), 80))
            .await
            .unwrap()
            .collect();
        assert_eq!(owned, [want]);

        for addr in lookup_host(("localhost", 80)).await.unwrap() {
            assert!(addr.ip().is_loopback() && addr.port() == 80, "{addr}");
        }
        let error = match lookup_host("no port").await {
            Err(e) => e,
            Ok(addrs) => panic!("resolved: {:?}", addrs.collect::<Vec<_>>()),
        };
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn name_resolution_leaves_the_worker_free() {
    on_both_flavors(|| async {
        let ticks = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicUsize::new(0));
        let ticker = {
            let (ticks, stop) = (ticks.clone(), stop.clone());
            heddle::spawn(async move {
                for _ in 0..1_000_000 {
                    if stop.load(Ordering::SeqCst) == 1 {
                        return;
                    }
                    ticks.fetch_add(1, Ordering::SeqCst);
                    heddle::task::yield_now().await;
                }
            })
        };
        for _ in 0..20 {
            let addrs: Vec<_> = lookup_host("localhost:443").await.unwrap().collect();
            assert!(!addrs.is_empty());
        }
        stop.store(1, Ordering::SeqCst);
        ticker.await.unwrap();
        assert!(
            ticks.load(Ordering::SeqCst) > 0,
            "the ticker ran while names were resolved"
        );
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn sockets_take_host_names() {
    on_both_flavors(|| async {
        let listener = match TcpListener::bind("localhost:0").await {
            Ok(listener) => listener,
            Err(e) => panic!("bind localhost: {e}"),
        };
        let port = listener.local_addr().unwrap().port();
        let client = TcpStream::connect(("localhost", port)).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());

        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let to = format!("localhost:{}", b.local_addr().unwrap().port());
        // "localhost" may resolve to ::1 first; a v4 socket then fails to send there, so
        // address b by its IPv4 name only when that is what resolves first.
        let first = lookup_host(to.as_str()).await.unwrap().next().unwrap();
        if first.is_ipv4() {
            a.send_to(b"name", to.as_str()).await.unwrap();
            let mut buf = [0; 4];
            let (n, from) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!((&buf[..n], from), (&b"name"[..], a.local_addr().unwrap()));
        }
        a.connect(b.local_addr().unwrap()).await.unwrap();
        assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    });
}
