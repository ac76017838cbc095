//! hyper 1.x on heddle (`heddle::hyper::{Executor, Timer, Io}`): HTTP/1.1 and HTTP/2 servers
//! and clients over real sockets on 127.0.0.1, on both runtime flavors, and the timer's
//! clock, sleeps and resets.
#![cfg(all(unix, feature = "hyper"))]

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use heddle::hyper::{Executor, Io, Timer};
use heddle::io::{AsyncReadExt, AsyncWriteExt};
use heddle::net::{TcpListener, TcpStream};
use heddle::Runtime;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::rt::Timer as _;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};

/// How long a whole test may take before it counts as hung. Not a timing assertion: the
/// tests finish in milliseconds, this only turns a hang into a failure.
const GUARD: Duration = Duration::from_secs(30);

/// Requests sent over one connection.
const REQUESTS: usize = 5;

fn current_thread() -> Runtime {
    heddle::Builder::new_current_thread().build().unwrap()
}

fn multi_thread() -> Runtime {
    heddle::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

/// Runs `test` on `runtime`, failing if it has not finished within [`GUARD`].
fn run(runtime: Runtime, test: impl Future<Output = ()>) {
    runtime.block_on(async {
        heddle::time::timeout(GUARD, test)
            .await
            .expect("the test did not finish in time");
    });
}

/// The test service: echoes a POST body back behind a prefix, answers 404 elsewhere.
async fn echo(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    if request.method() != Method::POST || request.uri().path() != "/echo" {
        let mut response = Response::new(Full::new(Bytes::from_static(b"not here")));
        *response.status_mut() = StatusCode::NOT_FOUND;
        return Ok(response);
    }
    let body = request.into_body().collect().await?.to_bytes();
    let mut reply = b"echo: ".to_vec();
    reply.extend_from_slice(&body);
    Ok(Response::new(Full::new(Bytes::from(reply))))
}

fn post(body: String) -> Request<Full<Bytes>> {
    Request::post("/echo")
        .header(hyper::header::HOST, "127.0.0.1")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

async fn body_of(response: Response<Incoming>) -> Bytes {
    response.into_body().collect().await.unwrap().to_bytes()
}

/// An HTTP/1.1 server with heddle's timer, and a client that sends [`REQUESTS`] requests
/// with bodies over one kept-alive connection, then one to an unknown path.
async fn http1_keep_alive() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = heddle::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        hyper::server::conn::http1::Builder::new()
            .timer(Timer)
            .header_read_timeout(Duration::from_secs(20))
            .keep_alive(true)
            .serve_connection(Io::new(stream), service_fn(echo))
            .await
    });

    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(Io::new(stream))
        .await
        .unwrap();
    let connection = heddle::spawn(connection);
    for i in 0..REQUESTS {
        sender.ready().await.unwrap();
        let response = sender
            .send_request(post(format!("request {i}")))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(body_of(response).await, format!("echo: request {i}"));
    }
    let request = Request::get("/elsewhere")
        .header(hyper::header::HOST, "127.0.0.1")
        .body(Full::new(Bytes::new()))
        .unwrap();
    sender.ready().await.unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(body_of(response).await, "not here");

    // Dropping the sender ends the client connection, which closes the socket; the server
    // connection then ends cleanly.
    drop(sender);
    connection.await.unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn http1_keep_alive_on_the_current_thread_runtime() {
    run(current_thread(), http1_keep_alive());
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn http1_keep_alive_on_the_multi_thread_runtime() {
    run(multi_thread(), http1_keep_alive());
}

/// An HTTP/2 server and client with heddle's executor and timer: [`REQUESTS`] requests in
/// turn, then as many at once from spawned tasks, multiplexed on one connection.
async fn http2_round_trip() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = heddle::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        hyper::server::conn::http2::Builder::new(Executor)
            .timer(Timer)
            .keep_alive_interval(Duration::from_secs(10))
            .serve_connection(Io::new(stream), service_fn(echo))
            .await
    });

    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http2::Builder::new(Executor)
        .timer(Timer)
        .handshake(Io::new(stream))
        .await
        .unwrap();
    let connection = heddle::spawn(connection);
    for i in 0..REQUESTS {
        sender.ready().await.unwrap();
        let response = sender.send_request(post(format!("h2 {i}"))).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.version(), hyper::Version::HTTP_2);
        assert_eq!(body_of(response).await, format!("echo: h2 {i}"));
    }
    let concurrent: Vec<_> = (0..REQUESTS)
        .map(|i| {
            let mut sender = sender.clone();
            heddle::spawn(async move {
                sender.ready().await.unwrap();
                let response = sender
                    .send_request(post(format!("at once {i}")))
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                body_of(response).await
            })
        })
        .collect();
    for (i, task) in concurrent.into_iter().enumerate() {
        assert_eq!(task.await.unwrap(), format!("echo: at once {i}"));
    }

    drop(sender);
    connection.await.unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn http2_round_trip_on_the_current_thread_runtime() {
    run(current_thread(), http2_round_trip());
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn http2_round_trip_on_the_multi_thread_runtime() {
    run(multi_thread(), http2_round_trip());
}

/// The server's `header_read_timeout` is served by heddle's timer: a client that connects
/// and sends half a request line is disconnected, and reads end-of-file.
async fn header_read_timeout_closes_a_silent_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = heddle::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        hyper::server::conn::http1::Builder::new()
            .timer(Timer)
            .header_read_timeout(Duration::from_millis(50))
            .serve_connection(
                Io::new(stream),
                service_fn(|_: Request<Incoming>| async {
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
                }),
            )
            .await
    });

    let mut client = TcpStream::connect(addr).await.unwrap();
    client.write_all(b"GET / HT").await.unwrap();
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).await.unwrap();
    assert!(
        rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
        "unexpected reply: {:?}",
        String::from_utf8_lossy(&rest)
    );
    let error = server.await.unwrap().unwrap_err();
    assert!(error.is_timeout(), "not a timeout: {error}");
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn header_read_timeout_on_the_current_thread_runtime() {
    run(
        current_thread(),
        header_read_timeout_closes_a_silent_connection(),
    );
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn header_read_timeout_on_the_multi_thread_runtime() {
    run(
        multi_thread(),
        header_read_timeout_closes_a_silent_connection(),
    );
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn the_timer_follows_a_paused_clock() {
    let runtime = heddle::Builder::new_current_thread()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async {
        let start = Timer.now();
        assert_eq!(start, heddle::time::Instant::now().into_std());
        // Only the clock moves: the runtime is idle, so it jumps to each deadline.
        Timer.sleep(Duration::from_secs(3_600)).await;
        let after_sleep = Timer.now();
        assert!(after_sleep >= start + Duration::from_secs(3_600));
        let deadline = after_sleep + Duration::from_secs(60);
        Timer.sleep_until(deadline).await;
        assert!(Timer.now() >= deadline);
        assert_eq!(
            Timer.now(),
            heddle::time::Instant::now().into_std(),
            "hyper and heddle read one clock"
        );
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn reset_moves_the_sleep_in_place() {
    let runtime = heddle::Builder::new_current_thread()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async {
        let start = Timer.now();
        let mut sleep = Timer.sleep(Duration::from_secs(3_600));
        let before: *const dyn hyper::rt::Sleep = &*sleep;
        Timer.reset(&mut sleep, start + Duration::from_secs(1));
        let after: *const dyn hyper::rt::Sleep = &*sleep;
        assert!(std::ptr::addr_eq(before, after), "reset made a new sleep");
        sleep.as_mut().await;
        let slept = Timer.now() - start;
        assert!(slept >= Duration::from_secs(1), "woke early: {slept:?}");
        assert!(slept < Duration::from_secs(3_600), "kept the old deadline");

        // A sleep from elsewhere is replaced by one of ours.
        struct Foreign;
        impl Future for Foreign {
            type Output = ();
            fn poll(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<()> {
                std::task::Poll::Pending
            }
        }
        impl hyper::rt::Sleep for Foreign {}
        let mut foreign: std::pin::Pin<Box<dyn hyper::rt::Sleep>> = Box::pin(Foreign);
        Timer.reset(&mut foreign, Timer.now() + Duration::from_secs(1));
        assert!(!foreign.is::<Foreign>());
        foreign.await;
    });
}

#[test]
#[cfg_attr(miri, ignore = "the OS poller is not available under miri")]
fn the_executor_spawns_on_the_current_runtime() {
    for runtime in [current_thread(), multi_thread()] {
        run(runtime, async {
            let (tx, rx) = heddle::sync::oneshot::channel();
            hyper::rt::Executor::execute(&Executor, async move {
                tx.send(heddle::task::try_id().is_some()).unwrap();
            });
            assert!(rx.await.unwrap(), "not run as a heddle task");
        });
    }
}

#[test]
fn send_sync_unpin() {
    fn is_send_sync_unpin<T: Send + Sync + Unpin>() {}
    is_send_sync_unpin::<Executor>();
    is_send_sync_unpin::<Timer>();
    is_send_sync_unpin::<Io<TcpStream>>();
    is_send_sync_unpin::<Io<heddle::net::UnixStream>>();
}
