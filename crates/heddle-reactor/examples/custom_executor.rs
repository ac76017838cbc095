//! An executor written by hand against the layers alone, with no facade: tasks from
//! `heddle-task`, I/O and parking from `heddle-reactor`. It runs a TCP echo server and a
//! client that talks to it, then exits.
//!
//! This is the proof that heddle's layers compose without the facade: about forty lines of
//! executor, and the sockets, wake-ups and parking all come from the layers.
//!
//! Run with `cargo run --release --example custom_executor`.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};

use heddle_driver::{Driver, Unparker};
use heddle_reactor::io::{AsyncReadExt, AsyncWriteExt};
use heddle_reactor::net::{TcpListener, TcpStream};
use heddle_reactor::{Reactor, ReactorUnparker};
use heddle_task::{JoinHandle, Runnable};

/// A FIFO of runnables that unparks the reactor when a task is scheduled.
#[derive(Clone)]
struct Executor {
    queue: Arc<Mutex<VecDeque<Runnable>>>,
    unparker: ReactorUnparker,
}

impl Executor {
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let this = self.clone();
        let schedule = move |runnable: Runnable| {
            this.queue.lock().unwrap().push_back(runnable);
            this.unparker.unpark();
        };
        let (runnable, handle) = heddle_task::Builder::new().spawn(future, schedule);
        runnable.schedule();
        handle
    }

    /// Runs tasks until `main` finishes, parking on the reactor when there is nothing to do.
    fn run<T: Send + 'static>(&self, reactor: &mut Reactor, main: JoinHandle<T>) -> T {
        while !main.is_finished() {
            let next = self.queue.lock().unwrap().pop_front();
            match next {
                Some(runnable) => {
                    runnable.run();
                }
                None => reactor.park(),
            }
        }
        // The task is finished, so its JoinHandle is ready on the first poll.
        let mut main = std::pin::pin!(main);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match main.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(output) => output.expect("main task failed"),
            std::task::Poll::Pending => unreachable!("a finished task's JoinHandle is ready"),
        }
    }
}

fn main() -> std::io::Result<()> {
    let mut reactor = Reactor::new()?;
    // Sockets created on this thread register with this reactor.
    let handle = reactor.handle();
    let _entered = handle.enter();
    let executor = Executor {
        queue: Arc::default(),
        unparker: reactor.unparker(),
    };

    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let listener = TcpListener::from_std(listener)?;
    let spawner = executor.clone();
    executor.spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            spawner.spawn(async move {
                let mut buf = [0u8; 1024];
                while let Ok(n @ 1..) = stream.read(&mut buf).await {
                    if stream.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });

    let client = executor.spawn(async move {
        let mut stream = TcpStream::connect(addr).await?;
        let mut replies = Vec::new();
        for word in ["layers", "compose", "without", "the", "facade"] {
            stream.write_all(word.as_bytes()).await?;
            let mut buf = vec![0u8; word.len()];
            stream.read_exact(&mut buf).await?;
            replies.push(String::from_utf8_lossy(&buf).into_owned());
        }
        std::io::Result::Ok(replies)
    });
    let replies = executor.run(&mut reactor, client)?;
    println!("echo server on {addr} replied: {}", replies.join(" "));
    Ok(())
}
