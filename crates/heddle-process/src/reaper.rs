//! Waiting for children: [`wait`] for a child someone awaits, and [`orphan`] for a child
//! dropped before its exit, reaped in the background so it does not stay a zombie.
//!
//! [`wait`] waits on the child's pidfd where the kernel has them (Linux 5.3 and later): the
//! descriptor becomes readable when the child exits, so it is registered with the current
//! reactor (a runtime's, or the global one under a foreign executor) for the length of the
//! wait, and the exit is then collected with `waitpid(WNOHANG)` (std's `try_wait`). Where
//! `pidfd_open(2)` fails (`ENOSYS` on an older kernel, `EPERM` under a sandbox, another OS,
//! or no descriptor left), it listens for `SIGCHLD` (`heddle-signal`) and checks after each
//! delivery instead. Registering at each wait, not at spawn, lets a child outlive the
//! runtime that spawned it and be waited for from another.
//!
//! Orphans are served by one background thread on `SIGCHLD`, started with the first orphan
//! and ending when none is left. Either way a listener or registration exists before the
//! check that precedes the wait, so an exit between the two is not missed, and no thread
//! blocks per child.

use std::future::Future;
use std::io;
use std::os::fd::OwnedFd;
use std::pin::pin;
use std::process::{Child, ExitStatus};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use heddle_loom::unmodelled::Mutex;
use heddle_reactor::Async;
use heddle_signal::unix::{signal, SignalKind};

/// Waits for `child` to exit.
pub(crate) async fn wait(child: &mut Child) -> io::Result<ExitStatus> {
    if let Some(status) = child.try_wait()? {
        return Ok(status);
    }
    let Some(pidfd) = open_pidfd(child) else {
        return wait_for_sigchld(child).await;
    };
    // The pidfd's readiness is level-triggered (it stays readable once the child has
    // exited), so an exit before the registration is still reported.
    loop {
        pidfd.readable().await?;
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
    }
}

/// Waits for `child` to exit, checking after each `SIGCHLD`.
async fn wait_for_sigchld(child: &mut Child) -> io::Result<ExitStatus> {
    let mut exits = signal(SignalKind::child())?;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        exits.recv().await;
    }
}

/// A pidfd for `child`, on the current reactor; `None` where the kernel (or a sandbox)
/// refuses one or it cannot be registered.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn open_pidfd(child: &Child) -> Option<Async<OwnedFd>> {
    use std::os::fd::{FromRawFd, RawFd};

    let pid = libc::pid_t::try_from(child.id()).ok()?;
    // pidfd_open(2) takes a pid and flags (none) and returns a new descriptor or -1. The pid
    // is our unreaped child's (the caller holds the `Child` and has not collected its exit),
    // so it cannot name another process.
    // SAFETY: the call reads no memory of ours.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    let fd = RawFd::try_from(fd).ok().filter(|fd| *fd >= 0)?;
    // SAFETY: a non-negative result of pidfd_open(2) is a descriptor just opened for us.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    Async::new(fd).ok()
}

/// No pidfds on this OS: waits use `SIGCHLD`.
#[cfg(not(target_os = "linux"))]
fn open_pidfd(_child: &Child) -> Option<Async<OwnedFd>> {
    None
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

/// Reaps `child` if it has exited, or else hands it to the background reaper.
pub(crate) fn orphan(mut child: Child) {
    let mut orphans = ORPHANS.lock();
    // Checked under the lock the reaper checks under: a child exiting after this check
    // raises a `SIGCHLD` that a running reaper has not consumed yet (it consumes only
    // between its checks), so the child is not stranded.
    if !matches!(child.try_wait(), Ok(None)) {
        return;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sigchld_path_collects_an_exit_status() {
        let mut child = std::process::Command::new("sh")
            .args(["-c", "exit 4"])
            .spawn()
            .unwrap();
        let status = block_on(wait_for_sigchld(&mut child)).unwrap();
        assert_eq!(status.code(), Some(4));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_pidfd_path_collects_an_exit_status() {
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 0.1; exit 5"])
            .spawn()
            .unwrap();
        if open_pidfd(&child).is_none() {
            // This kernel or sandbox has no pidfds; the SIGCHLD path serves it.
            child.wait().unwrap();
            return;
        }
        let status = block_on(wait(&mut child)).unwrap();
        assert_eq!(status.code(), Some(5));
    }
}
