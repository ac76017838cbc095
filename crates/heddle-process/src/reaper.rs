//! Waiting for children: [`wait`] for a child someone awaits, and [`orphan`] for a child
//! dropped before its exit, reaped in the background so it does not stay a zombie.
//!
//! Both listen for `SIGCHLD` and check with `waitpid(WNOHANG)` (std's `try_wait`) after
//! each delivery. The listener is made before the first check, so an exit between the check
//! and the wait is still delivered: no exit is missed, and no thread blocks per child.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::process::{Child, ExitStatus};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use heddle_loom::unmodelled::Mutex;
use heddle_signal::unix::{signal, SignalKind};

/// Waits for `child` to exit.
pub(crate) async fn wait(child: &mut Child) -> io::Result<ExitStatus> {
    let mut exits = signal(SignalKind::child())?;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        exits.recv().await;
    }
}

/// Children dropped before their exit, and whether a reaper thread is serving them.
struct Orphans {
    children: Vec<Child>,
    reaping: bool,
}

static ORPHANS: Mutex<Orphans> = Mutex::new(Orphans {
    children: Vec::new(),
    reaping: false,
});

/// Hands a child nobody will wait for to the background reaper.
pub(crate) fn orphan(child: Child) {
    let mut orphans = ORPHANS.lock();
    orphans.children.push(child);
    if orphans.reaping {
        return;
    }
    // The reaper needs SIGCHLD handled before its first check; without a listener (or a
    // thread) the child would stay a zombie until the process ends, which is all we can do.
    let Ok(exits) = signal(SignalKind::child()) else {
        return;
    };
    let started = std::thread::Builder::new()
        .name("heddle-reaper".to_owned())
        .spawn(move || reap_until_none_left(exits));
    orphans.reaping = started.is_ok();
}

/// The reaper thread: reaps what has exited after each `SIGCHLD`, and ends when no orphan
/// is left (under the same lock `orphan` checks, so none is stranded).
fn reap_until_none_left(mut exits: heddle_signal::unix::Signal) {
    loop {
        {
            let mut orphans = ORPHANS.lock();
            orphans
                .children
                .retain_mut(|child| matches!(child.try_wait(), Ok(None)));
            if orphans.children.is_empty() {
                orphans.reaping = false;
                return;
            }
        }
        block_on(exits.recv());
    }
}

/// Runs `future` on this thread, parking between polls.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unparker(std::thread::Thread);
    impl Wake for Unparker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unparker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}
