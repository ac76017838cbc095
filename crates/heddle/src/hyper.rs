//! Run hyper 1.x servers and clients on heddle: an [`Executor`] that spawns hyper's
//! background tasks on the current runtime, a [`Timer`] that serves hyper's timeouts from
//! heddle's timer wheel, and [`Io`], which adapts heddle's streams to hyper's I/O traits.
//!
//! hyper 1.x does not pick a runtime: its connection builders take an executor (needed by
//! HTTP/2, which runs a task per stream), a timer (needed by every timeout and keep-alive
//! setting), and any I/O type with `hyper::rt::Read + hyper::rt::Write`. These three are
//! heddle's. Give the connection [`Io::new(stream)`](Io::new), set [`Timer`] with the
//! builder's `timer` method, and pass [`Executor`] to the HTTP/2 builders.
//!
//! What this module is not: it is not hyper-util. There is no connection-pooling client, no
//! graceful shutdown, no server that picks HTTP/1 or HTTP/2 by itself, no TLS; those come from
//! crates built on hyper, given these three pieces. It also turns on no hyper feature: enable
//! hyper's `server`, `client`, `http1` and `http2` features in your own manifest as you need
//! them.
//!
//! Only with the `hyper` feature.
//!
//! # Examples
//!
//! An HTTP/1.1 server and a client on one runtime:
//!
//! ```
//! use bytes::Bytes;
//! use http_body_util::{BodyExt, Full};
//! use heddle::hyper::{Io, Timer};
//! use heddle::net::{TcpListener, TcpStream};
//! use hyper::{service::service_fn, Request, Response};
//!
//! let runtime = heddle::Builder::new_current_thread().build()?;
//! runtime.block_on(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     heddle::spawn(async move {
//!         let (stream, _) = listener.accept().await?;
//!         let hello = service_fn(|_request: Request<hyper::body::Incoming>| async {
//!             Ok::<_, hyper::Error>(Response::new(Full::new(Bytes::from("hello"))))
//!         });
//!         hyper::server::conn::http1::Builder::new()
//!             .timer(Timer)
//!             .serve_connection(Io::new(stream), hello)
//!             .await
//!             .map_err(std::io::Error::other)
//!     });
//!
//!     let stream = TcpStream::connect(addr).await?;
//!     let (mut sender, connection) = hyper::client::conn::http1::handshake(Io::new(stream))
//!         .await
//!         .map_err(std::io::Error::other)?;
//!     heddle::spawn(connection);
//!     let request = Request::get("/").header("host", "localhost").body(Full::new(Bytes::new()));
//!     let response = sender
//!         .send_request(request.map_err(std::io::Error::other)?)
//!         .await
//!         .map_err(std::io::Error::other)?;
//!     let body = response.into_body().collect().await.map_err(std::io::Error::other)?;
//!     assert_eq!(body.to_bytes(), "hello");
//!     std::io::Result::Ok(())
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use ::hyper::rt;

use crate::time::{Instant, Sleep};

#[cfg(unix)]
#[doc(inline)]
pub use heddle_reactor::hyper::Io;

/// hyper's executor on heddle: `execute` spawns the future on the current runtime, as
/// [`heddle::spawn`](crate::spawn) does, and detaches it.
///
/// HTTP/2 connections need it (`hyper::server::conn::http2::Builder::new(Executor)`,
/// `hyper::client::conn::http2::handshake(Executor, io)`): hyper spawns its HTTP/2
/// stream and connection tasks with it.
///
/// # Panics
///
/// `execute` panics when no heddle runtime is current on the thread, as `heddle::spawn`
/// does. hyper calls it while a connection is polled, so polling the connection inside a
/// heddle task (or `block_on`) is enough.
///
/// # Examples
///
/// ```
/// use heddle::hyper::Executor;
/// use heddle::sync::oneshot;
/// use hyper::rt::Executor as _;
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let answer = runtime.block_on(async {
///     let (tx, rx) = oneshot::channel();
///     Executor.execute(async move {
///         let _ = tx.send(42);
///     });
///     rx.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Executor;

impl<F> rt::Executor<F> for Executor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[track_caller]
    fn execute(&self, future: F) {
        drop(crate::spawn(future));
    }
}

/// hyper's timer on heddle: its sleeps are [`heddle::time::Sleep`](crate::time::Sleep)s on
/// the runtime's timer wheel, and its clock is heddle's clock.
///
/// Set it on a connection builder (`.timer(Timer)`) to use hyper's timeouts and keep-alive
/// settings, such as HTTP/1's `header_read_timeout` or HTTP/2's `keep_alive_interval`.
/// hyper reads the time through [`now`](rt::Timer::now), which is
/// [`heddle::time::Instant::now`](crate::time::Instant::now), so its deadlines follow a
/// paused clock (`start_paused`) just as heddle's own sleeps do. `reset` moves a sleep this
/// timer made in place instead of allocating a new one. Like [`heddle::time`](crate::time),
/// it works outside a runtime too, served by the global timer thread.
///
/// # Examples
///
/// ```
/// use heddle::hyper::Timer;
/// use hyper::rt::Timer as _;
/// use std::time::Duration;
///
/// let runtime = heddle::Builder::new_current_thread().start_paused(true).build()?;
/// runtime.block_on(async {
///     let start = Timer.now();
///     // The paused clock jumps to the deadline once the runtime is idle.
///     Timer.sleep(Duration::from_secs(3_600)).await;
///     assert!(Timer.now() >= start + Duration::from_secs(3_600));
///     Timer.sleep_until(Timer.now() + Duration::from_secs(60)).await;
/// });
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Timer;

impl rt::Timer for Timer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn rt::Sleep>> {
        Box::pin(TimerSleep {
            sleep: crate::time::sleep(duration),
        })
    }

    fn sleep_until(&self, deadline: std::time::Instant) -> Pin<Box<dyn rt::Sleep>> {
        Box::pin(TimerSleep {
            sleep: crate::time::sleep_until(Instant::from_std(deadline)),
        })
    }

    fn now(&self) -> std::time::Instant {
        Instant::now().into_std()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn rt::Sleep>>, new_deadline: std::time::Instant) {
        match sleep.as_mut().downcast_mut_pin::<TimerSleep>() {
            Some(mine) => mine.reset(Instant::from_std(new_deadline)),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// The sleep [`Timer`] hands to hyper: a heddle [`Sleep`] with hyper's `Sleep` trait.
struct TimerSleep {
    sleep: Sleep,
}

impl TimerSleep {
    fn reset(self: Pin<&mut Self>, deadline: Instant) {
        // `Sleep` is `Unpin`, so is `TimerSleep`: no structural pinning to uphold.
        Pin::new(&mut self.get_mut().sleep).reset(deadline);
    }
}

impl Future for TimerSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.get_mut().sleep).poll(cx)
    }
}

impl rt::Sleep for TimerSleep {}
