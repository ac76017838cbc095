//! smol: `async-executor`'s `Executor` on [`WORKERS`](super::WORKERS) threads, and its
//! `LocalExecutor`, with `async-io` for sockets and timers and `async-channel` for channels.
//!
//! Where the API forces a different shape:
//! - async-executor has no "current executor": the executor a task spawns onto sits in a
//!   thread-local set on the threads that run it (what `tokio::spawn` does internally too).
//! - smol has no oneshot channel: a `bounded(1)` async-channel stands in.
//! - `LocalExecutor` takes no spawns from other threads: [`SmolLocal::remote`] hands out an
//!   `Executor` that the local thread then runs inside its `LocalExecutor` loop, on that
//!   same single thread. Only workloads that ask for a remote handle pay for that nesting.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::rc::Rc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use smol::io::{AsyncReadExt, AsyncWriteExt};
use smol::{Async, Executor, LocalExecutor};

use super::{Flavor, Remote, Rt, WORKERS};

thread_local! {
    /// The multi-thread executor of this thread: set on its workers and inside `block_on`.
    static EXECUTOR: RefCell<Option<Arc<Executor<'static>>>> = const { RefCell::new(None) };
    /// The local executor of this thread, set inside `block_on`.
    static LOCAL: RefCell<Option<Rc<LocalExecutor<'static>>>> = const { RefCell::new(None) };
}

/// Restores a thread-local's previous value when dropped.
struct Restore<T: 'static> {
    key: &'static std::thread::LocalKey<RefCell<Option<T>>>,
    previous: Option<T>,
}

impl<T: 'static> Restore<T> {
    fn set(key: &'static std::thread::LocalKey<RefCell<Option<T>>>, value: T) -> Restore<T> {
        let previous = key.with(|slot| slot.replace(Some(value)));
        Restore { key, previous }
    }
}

impl<T: 'static> Drop for Restore<T> {
    fn drop(&mut self) {
        let previous = self.previous.take();
        self.key.with(|slot| *slot.borrow_mut() = previous);
    }
}

/// The smol calls both flavors share: blocking pool, yield, timers, channels, sockets.
macro_rules! smol_common {
    () => {
        type Remote = SmolRemote;

        fn spawn_blocking<F, T>(f: F) -> Option<impl Future<Output = T> + Send + 'static>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            Some(smol::unblock(f))
        }

        fn yield_now() -> impl Future<Output = ()> + Send {
            smol::future::yield_now()
        }

        fn sleep(duration: Duration) -> Option<impl Future<Output = ()> + Send + 'static> {
            let timer = smol::Timer::after(duration);
            Some(async move {
                timer.await;
            })
        }

        type Sender<T: Send + 'static> = smol::channel::Sender<T>;
        type Receiver<T: Send + 'static> = smol::channel::Receiver<T>;

        fn channel<T: Send + 'static>(
            capacity: usize,
        ) -> (smol::channel::Sender<T>, smol::channel::Receiver<T>) {
            smol::channel::bounded(capacity)
        }

        fn send<T: Send + 'static>(
            sender: &smol::channel::Sender<T>,
            value: T,
        ) -> impl Future<Output = ()> + Send + '_ {
            async move {
                if sender.send(value).await.is_err() {
                    panic!("receiver gone");
                }
            }
        }

        fn recv<T: Send + 'static>(
            receiver: &mut smol::channel::Receiver<T>,
        ) -> impl Future<Output = Option<T>> + Send + '_ {
            async move { receiver.recv().await.ok() }
        }

        type OnceSender<T: Send + 'static> = smol::channel::Sender<T>;
        type OnceReceiver<T: Send + 'static> = smol::channel::Receiver<T>;

        fn oneshot<T: Send + 'static>() -> (smol::channel::Sender<T>, smol::channel::Receiver<T>) {
            smol::channel::bounded(1)
        }

        fn send_once<T: Send + 'static>(sender: smol::channel::Sender<T>, value: T) {
            let _ = sender.try_send(value);
        }

        fn recv_once<T: Send + 'static>(
            receiver: smol::channel::Receiver<T>,
        ) -> impl Future<Output = Option<T>> + Send + 'static {
            async move { receiver.recv().await.ok() }
        }

        type Listener = Async<TcpListener>;
        type Stream = Async<TcpStream>;

        fn listener_from_std(listener: TcpListener) -> io::Result<Self::Listener> {
            Async::new(listener)
        }

        fn accept(
            listener: &Self::Listener,
        ) -> impl Future<Output = io::Result<Self::Stream>> + Send + '_ {
            async move {
                let (stream, _) = listener.accept().await?;
                stream.get_ref().set_nodelay(true)?;
                Ok(stream)
            }
        }

        fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>> + Send {
            async move {
                let stream = Async::<TcpStream>::connect(addr).await?;
                stream.get_ref().set_nodelay(true)?;
                Ok(stream)
            }
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
    };
}

/// Spawns onto this thread's multi-thread executor.
fn spawn_on_executor<F>(future: F) -> smol::Task<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    EXECUTOR.with(|slot| {
        slot.borrow()
            .as_ref()
            .expect("no smol executor on this thread")
            .spawn(future)
    })
}

/// Spawns onto this thread's local executor.
fn spawn_on_local<F>(future: F) -> smol::Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    LOCAL.with(|slot| {
        slot.borrow()
            .as_ref()
            .expect("no smol local executor on this thread")
            .spawn(future)
    })
}

/// Spawns onto a smol `Executor` from any thread.
#[derive(Clone)]
pub struct SmolRemote(Arc<Executor<'static>>);

impl Remote for SmolRemote {
    fn spawn<F>(&self, future: F) -> impl Future<Output = F::Output> + Send + 'static
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.0.spawn(future)
    }

    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.0.spawn(future).detach();
    }
}

/// smol's `Executor` run by [`WORKERS`] threads, each in `smol::block_on(executor.run(..))`
/// as `smol` documents; the thread inside `block_on` only polls the future it was given.
pub struct SmolMt {
    executor: Arc<Executor<'static>>,
    stop: Option<smol::channel::Sender<()>>,
    workers: Vec<JoinHandle<()>>,
}

impl Drop for SmolMt {
    fn drop(&mut self) {
        // Closing the channel ends every worker's `run`.
        drop(self.stop.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl Rt for SmolMt {
    const NAME: &'static str = "smol-mt";
    const FLAVOR: Flavor = Flavor::MultiThread;

    fn build() -> Option<Self> {
        let executor = Arc::new(Executor::new());
        let (stop, stopped) = smol::channel::bounded::<()>(1);
        let workers = (0..WORKERS)
            .map(|i| {
                let executor = executor.clone();
                let stopped = stopped.clone();
                std::thread::Builder::new()
                    .name(format!("smol-worker-{i}"))
                    .spawn(move || {
                        let _current = Restore::set(&EXECUTOR, executor.clone());
                        let _ = smol::block_on(executor.run(stopped.recv()));
                    })
                    .expect("failed to start a smol worker")
            })
            .collect();
        Some(SmolMt {
            executor,
            stop: Some(stop),
            workers,
        })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _current = Restore::set(&EXECUTOR, self.executor.clone());
        smol::block_on(future)
    }

    fn block_on_local<F: Future>(&self, _future: F) -> Option<F::Output> {
        None
    }

    fn remote(&self) -> SmolRemote {
        SmolRemote(self.executor.clone())
    }

    fn spawn<F>(future: F) -> impl Future<Output = F::Output> + Send + 'static
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn_on_executor(future)
    }

    fn spawn_detached<F>(future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        spawn_on_executor(future).detach();
    }

    async fn spawn_local<F>(future: F) -> F::Output
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        drop(future);
        unreachable!("smol-mt has no !Send tasks; block_on_local returned None")
    }

    smol_common!();
}

/// smol's `LocalExecutor` on the thread inside `block_on`, as
/// `smol::block_on(local.run(future))`.
pub struct SmolLocal {
    local: Rc<LocalExecutor<'static>>,
    /// The executor behind [`SmolLocal::remote`], run on the local thread when handed out.
    remote: Arc<Executor<'static>>,
    remote_used: Cell<bool>,
}

impl Rt for SmolLocal {
    const NAME: &'static str = "smol-local";
    const FLAVOR: Flavor = Flavor::CurrentThread;

    fn build() -> Option<Self> {
        Some(SmolLocal {
            local: Rc::new(LocalExecutor::new()),
            remote: Arc::new(Executor::new()),
            remote_used: Cell::new(false),
        })
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _current = Restore::set(&LOCAL, self.local.clone());
        if self.remote_used.get() {
            smol::block_on(self.local.run(self.remote.run(future)))
        } else {
            smol::block_on(self.local.run(future))
        }
    }

    fn block_on_local<F: Future>(&self, future: F) -> Option<F::Output> {
        Some(self.block_on(future))
    }

    fn remote(&self) -> SmolRemote {
        self.remote_used.set(true);
        SmolRemote(self.remote.clone())
    }

    fn spawn<F>(future: F) -> impl Future<Output = F::Output> + Send + 'static
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn_on_local(future)
    }

    fn spawn_detached<F>(future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        spawn_on_local(future).detach();
    }

    fn spawn_local<F>(future: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        spawn_on_local(future)
    }

    smol_common!();
}
