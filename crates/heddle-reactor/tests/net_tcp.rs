//! TCP on 127.0.0.1: many concurrent echo connections, a large transfer with a checksum,
//! half-close, splitting, peek and socket options.
#![cfg(unix)]

mod support;

use std::time::Duration;

use futures::executor::{block_on, LocalPool};
use futures::task::LocalSpawnExt;
use futures::StreamExt;
use heddle_reactor::io::{AsyncReadExt, AsyncWriteExt};
use heddle_reactor::net::{TcpListener, TcpStream};
use support::{pattern, with_watchdog, Checksum};

const CONNECTIONS: usize = 200;
const ROUND_TRIPS: usize = 100;

#[test]
#[cfg_attr(miri, ignore)]
fn echo_200_connections_100_round_trips() {
    with_watchdog(Duration::from_secs(40), || {
        let mut pool = LocalPool::new();
        let spawner = pool.spawner();
        let listener = block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();

        let server_spawner = spawner.clone();
        spawner
            .spawn_local(async move {
                let mut incoming = listener.incoming();
                for _ in 0..CONNECTIONS {
                    let mut stream = incoming.next().await.unwrap().unwrap();
                    server_spawner
                        .spawn_local(async move {
                            let mut buf = [0u8; 64];
                            loop {
                                let n = stream.read(&mut buf).await.unwrap();
                                if n == 0 {
                                    break;
                                }
                                stream.write_all(&buf[..n]).await.unwrap();
                            }
                        })
                        .unwrap();
                }
            })
            .unwrap();

        let done = std::rc::Rc::new(std::cell::Cell::new(0));
        for c in 0..CONNECTIONS {
            let done = done.clone();
            spawner
                .spawn_local(async move {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    stream.set_nodelay(true).unwrap();
                    for r in 0..ROUND_TRIPS {
                        let msg = format!("{c:03}:{r:03}");
                        stream.write_all(msg.as_bytes()).await.unwrap();
                        let mut back = vec![0; msg.len()];
                        stream.read_exact(&mut back).await.unwrap();
                        assert_eq!(back, msg.as_bytes());
                    }
                    stream.close().await.unwrap();
                    done.set(done.get() + 1);
                })
                .unwrap();
        }
        pool.run();
        assert_eq!(done.get(), CONNECTIONS);
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn transfer_64_mib_with_checksum() {
    const TOTAL: usize = 64 << 20;
    const CHUNK: usize = 256 << 10;
    with_watchdog(Duration::from_secs(40), || {
        let listener = block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let sender = std::thread::spawn(move || {
            block_on(async {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let mut sum = Checksum::default();
                let mut buf = vec![0; CHUNK];
                let mut sent = 0;
                while sent < TOTAL {
                    pattern(sent, &mut buf);
                    sum.update(&buf);
                    stream.write_all(&buf).await.unwrap();
                    sent += CHUNK;
                }
                stream.close().await.unwrap();
                sum
            })
        });
        let (received, sum) = block_on(async {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut sum = Checksum::default();
            let mut buf = vec![0; 64 << 10];
            let mut total = 0;
            loop {
                let n = stream.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                sum.update(&buf[..n]);
                total += n;
            }
            (total, sum)
        });
        assert_eq!(received, TOTAL);
        assert_eq!(sum, sender.join().unwrap());
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn half_close_gives_eof_while_the_other_direction_flows() {
    with_watchdog(Duration::from_secs(10), || {
        block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut client = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (mut server, _) = listener.accept().await.unwrap();

            client.write_all(b"request").await.unwrap();
            tokio::io::AsyncWriteExt::shutdown(&mut client)
                .await
                .unwrap();

            let mut got = Vec::new();
            server.read_to_end(&mut got).await.unwrap();
            assert_eq!(got, b"request", "the server read the data, then EOF");

            // The reverse direction still works after the client's half-close.
            server.write_all(b"response").await.unwrap();
            server.close().await.unwrap();
            let mut back = Vec::new();
            client.read_to_end(&mut back).await.unwrap();
            assert_eq!(back, b"response");
        });
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn borrowed_and_owned_split_work_concurrently() {
    with_watchdog(Duration::from_secs(10), || {
        let listener = block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        // An echo server using owned halves on two threads.
        let server = std::thread::spawn(move || {
            let (stream, _) = block_on(listener.accept()).unwrap();
            let (mut read, mut write) = stream.into_split();
            let copier = std::thread::spawn(move || {
                block_on(async {
                    heddle_reactor::io::copy(&mut read, &mut write)
                        .await
                        .unwrap();
                    write.close().await.unwrap();
                })
            });
            copier.join().unwrap();
        });
        block_on(async {
            let mut client = TcpStream::connect(addr).await.unwrap();
            let (mut read, mut write) = client.split();
            let writer = async {
                for i in 0..100u32 {
                    write.write_all(&i.to_le_bytes()).await.unwrap();
                }
                write.close().await.unwrap();
            };
            let reader = async {
                let mut got = Vec::new();
                read.read_to_end(&mut got).await.unwrap();
                got
            };
            let ((), got) = futures::join!(writer, reader);
            let want: Vec<u8> = (0..100u32).flat_map(|i| i.to_le_bytes()).collect();
            assert_eq!(got, want);
        });
        server.join().unwrap();
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn peek_addresses_and_nodelay() {
    block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        assert_eq!(client.peer_addr().unwrap(), listener.local_addr().unwrap());
        client.set_nodelay(true).unwrap();
        assert!(client.nodelay().unwrap());
        client.set_nodelay(false).unwrap();
        assert!(!client.nodelay().unwrap());

        client.write_all(b"peekaboo").await.unwrap();
        let mut buf = [0; 8];
        let mut seen = 0;
        while seen < 8 {
            seen = server.peek(&mut buf).await.unwrap();
        }
        assert_eq!(&buf, b"peekaboo");
        let mut again = [0; 8];
        server.read_exact(&mut again).await.unwrap();
        assert_eq!(&again, b"peekaboo", "peek left the data in place");
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn vectored_write_sends_every_buffer() {
    block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let bufs = [std::io::IoSlice::new(b"ab"), std::io::IoSlice::new(b"cd")];
        let n = futures::AsyncWriteExt::write_vectored(&mut client, &bufs)
            .await
            .unwrap();
        assert!(n > 0);
        let mut got = vec![0; n];
        server.read_exact(&mut got).await.unwrap();
        assert_eq!(got, &b"abcd"[..n]);
    });
}
