//! On Linux a wait is served by the child's pidfd: waiting for children (while none is
//! dropped unwaited) installs no `SIGCHLD` handler. Its own test binary, so no other test
//! installs one first.
#![cfg(target_os = "linux")]

use std::mem::MaybeUninit;

use heddle_process::Command;

/// Whether `pidfd_open(2)` works here (a kernel before 5.3 or a sandbox may refuse it).
fn pidfds_work() -> bool {
    let me = std::process::id();
    // SAFETY: pidfd_open(2) takes a pid and flags and reads no memory of ours.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, me, 0) };
    if fd < 0 {
        return false;
    }
    // SAFETY: `fd` was just opened for us and is closed once.
    unsafe { libc::close(fd as libc::c_int) };
    true
}

/// The handler installed for `SIGCHLD`.
fn sigchld_handler() -> libc::sighandler_t {
    let mut action = MaybeUninit::<libc::sigaction>::zeroed();
    // A null new action only reads the current one into `action`.
    // SAFETY: `action` is valid for writes of a `sigaction`.
    let rc = unsafe { libc::sigaction(libc::SIGCHLD, std::ptr::null(), action.as_mut_ptr()) };
    assert_eq!(rc, 0);
    // SAFETY: sigaction(2) succeeded, so it filled `action`.
    unsafe { action.assume_init() }.sa_sigaction
}

#[test]
fn waits_use_the_pidfd_and_install_no_sigchld_handler() {
    if !pidfds_work() {
        eprintln!("no pidfds on this kernel: waits use SIGCHLD, nothing to check");
        return;
    }
    assert_eq!(sigchld_handler(), libc::SIG_DFL);
    futures::executor::block_on(async {
        for code in 0..5 {
            let mut child = Command::new("sh")
                .args(["-c", &format!("sleep 0.05; exit {code}")])
                .spawn()
                .unwrap();
            assert_eq!(child.wait().await.unwrap().code(), Some(code));
        }
    });
    assert_eq!(sigchld_handler(), libc::SIG_DFL);
}
