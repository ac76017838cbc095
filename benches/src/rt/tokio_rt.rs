//! tokio, `current_thread` and `multi_thread` with [`WORKERS`](super::WORKERS) workers.
//!
//! `!Send` tasks need a `LocalSet`: [`Rt::block_on_local`] runs the future inside one on
//! the current-thread runtime.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

use super::{Flavor, Remote, Rt, WORKERS};

/// A tokio runtime; `MT` selects `multi_thread`.
pub struct Tokio<const MT: bool> {
    runtime: tokio::runtime::Runtime,
}

impl<const MT: bool> Rt for Tokio<MT> {
    const NAME: &'static str = if MT { "tokio-mt" } else { "tokio-ct" };
    const FLAVOR: Flavor = if MT {
        Flavor::MultiThread
    } else {
        Flavor::CurrentThread
    };

    fn build() -> Option<Self> {
        let mut builder = if MT {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(WORKERS);
            builder
        } else {
            tokio::runtime::Builder::new_current_thread()
        };
        let runtime = builder
            .enable_all()
            .build()
            .expect("failed to build the tokio runtime");
        Some(Tokio { runtime })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    fn block_on_local<F: Future>(&self, future: F) -> Option<F::Output> {
        (!MT).then(|| tokio::task::LocalSet::new().block_on(&self.runtime, future))
    }

    type Remote = tokio::runtime::Handle;

    fn remote(&self) -> tokio::runtime::Handle {
        self.runtime.handle().clone()
    }

    fn spawn<F>(future: F) -> impl Future<Output = F::Output> + Send + 'static
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let join = tokio::spawn(future);
        async move { join.await.expect("task failed") }
    }

    fn spawn_detached<F>(future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(tokio::spawn(future));
    }

    fn spawn_local<F>(future: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let join = tokio::task::spawn_local(future);
        async move { join.await.expect("task failed") }
    }

    fn spawn_blocking<F, T>(f: F) -> Option<impl Future<Output = T> + Send + 'static>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let join = tokio::task::spawn_blocking(f);
        Some(async move { join.await.expect("blocking call failed") })
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }

    fn sleep(duration: Duration) -> Option<impl Future<Output = ()> + Send + 'static> {
        Some(tokio::time::sleep(duration))
    }

    type Sender<T: Send + 'static> = mpsc::Sender<T>;
    type Receiver<T: Send + 'static> = mpsc::Receiver<T>;

    fn channel<T: Send + 'static>(capacity: usize) -> (mpsc::Sender<T>, mpsc::Receiver<T>) {
        mpsc::channel(capacity)
    }

    async fn send<T: Send + 'static>(sender: &mpsc::Sender<T>, value: T) {
        if sender.send(value).await.is_err() {
            panic!("receiver gone");
        }
    }

    fn recv<T: Send + 'static>(
        receiver: &mut mpsc::Receiver<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_ {
        receiver.recv()
    }

    type OnceSender<T: Send + 'static> = oneshot::Sender<T>;
    type OnceReceiver<T: Send + 'static> = oneshot::Receiver<T>;

    fn oneshot<T: Send + 'static>() -> (oneshot::Sender<T>, oneshot::Receiver<T>) {
        oneshot::channel()
    }

    fn send_once<T: Send + 'static>(sender: oneshot::Sender<T>, value: T) {
        let _ = sender.send(value);
    }

    async fn recv_once<T: Send + 'static>(receiver: oneshot::Receiver<T>) -> Option<T> {
        receiver.await.ok()
    }

    type Listener = tokio::net::TcpListener;
    type Stream = tokio::net::TcpStream;

    fn listener_from_std(listener: std::net::TcpListener) -> io::Result<Self::Listener> {
        tokio::net::TcpListener::from_std(listener)
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    fn read<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a {
        stream.read(buf)
    }

    fn write_all<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<()>> + Send + 'a {
        stream.write_all(buf)
    }
}

impl Remote for tokio::runtime::Handle {
    fn spawn<F>(&self, future: F) -> impl Future<Output = F::Output> + Send + 'static
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let join = tokio::runtime::Handle::spawn(self, future);
        async move { join.await.expect("task failed") }
    }

    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(tokio::runtime::Handle::spawn(self, future));
    }
}
