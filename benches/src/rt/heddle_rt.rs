//! heddle, in both flavors: the multi-thread runtime with the same worker count as the
//! peers, and the current-thread runtime.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use heddle::io::{AsyncReadExt, AsyncWriteExt};
use heddle::sync::{mpsc, oneshot};

use super::{Flavor, Remote, Rt};

/// A heddle runtime; `MT` selects the multi-thread flavor.
pub struct Heddle<const MT: bool> {
    runtime: heddle::Runtime,
}

impl<const MT: bool> Rt for Heddle<MT> {
    const NAME: &'static str = if MT { "heddle-mt" } else { "heddle-ct" };
    const FLAVOR: Flavor = if MT {
        Flavor::MultiThread
    } else {
        Flavor::CurrentThread
    };

    fn build() -> Option<Self> {
        let runtime = if MT {
            heddle::Builder::new_multi_thread()
                .worker_threads(super::WORKERS)
                .build()
        } else {
            heddle::Builder::new_current_thread().build()
        };
        Some(Heddle {
            runtime: runtime.expect("failed to build the heddle runtime"),
        })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    fn block_on_local<F: Future>(&self, future: F) -> Option<F::Output> {
        (!MT).then(|| self.runtime.block_on(future))
    }

    type Remote = heddle::Handle;

    fn remote(&self) -> heddle::Handle {
        self.runtime.handle().clone()
    }

    fn spawn<F>(future: F) -> impl Future<Output = F::Output> + Send + 'static
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let join = heddle::spawn(future);
        async move { join.await.expect("task failed") }
    }

    fn spawn_detached<F>(future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(heddle::spawn(future));
    }

    fn spawn_local<F>(future: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let join = heddle::spawn_local(future);
        async move { join.await.expect("task failed") }
    }

    fn spawn_blocking<F, T>(f: F) -> Option<impl Future<Output = T> + Send + 'static>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let join = heddle::spawn_blocking(f);
        Some(async move { join.await.expect("blocking task failed") })
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        heddle::task::yield_now()
    }

    fn sleep(duration: Duration) -> Option<impl Future<Output = ()> + Send + 'static> {
        Some(heddle::time::sleep(duration))
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

    type Listener = heddle::net::TcpListener;
    type Stream = heddle::net::TcpStream;

    fn listener_from_std(listener: std::net::TcpListener) -> io::Result<Self::Listener> {
        heddle::net::TcpListener::from_std(listener)
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        let stream = heddle::net::TcpStream::connect(addr).await?;
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

impl Remote for heddle::Handle {
    fn spawn<F>(&self, future: F) -> impl Future<Output = F::Output> + Send + 'static
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let join = heddle::Handle::spawn(self, future);
        async move { join.await.expect("task failed") }
    }

    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(heddle::Handle::spawn(self, future));
    }
}
