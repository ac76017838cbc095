//! Unix signals for heddle, with the API of `tokio::signal`: [`ctrl_c`] and
//! [`unix::signal`], so code written for tokio runs by renaming the crate.
//!
//! One process-wide handler per signal is installed on first use (through
//! `signal-hook-registry`, which chains to handlers installed before) and stays for the life
//! of the process, as tokio's does. The handler only sets a flag and writes a byte to a
//! self-pipe. Each [`unix::Signal`] waits for the pipe's read end to become readable on the
//! reactor (`heddle-reactor`: a runtime's, or the global one under a foreign executor), and
//! whichever listener is woken empties the pipe and delivers every flagged signal to all of
//! its listeners, through a `heddle_sync::watch` channel. No thread of this crate serves
//! the pipe; a signal that arrives while no listener is polled stays flagged, and is
//! delivered to the listeners that existed when it arrived once one of them is polled.
//!
//! Semantics, as tokio's: deliveries are coalesced, not queued (several signals between two
//! `recv` calls are one `Some(())`); a listener created before a signal arrives sees it;
//! every listener of a signal sees it; a signal that cannot be handled (`SIGKILL`,
//! `SIGSTOP`, `SIGILL`, `SIGFPE`, `SIGSEGV`) or does not exist is an error.
//!
//! This crate is layer 1b (above `heddle-reactor` and `heddle-sync`) and Unix-only. It is
//! not a way to send signals (use `libc::kill` or a child's `kill`), and it does not reap
//! children (`heddle-process` does).
//!
//! # Examples
//!
//! ```
//! use heddle_signal::unix::{signal, SignalKind};
//!
//! futures::executor::block_on(async {
//!     let mut hangups = signal(SignalKind::hangup())?;
//!     // SAFETY: kill(2) with this process's id and a signal that has a handler now.
//!     unsafe { libc::kill(libc::getpid(), libc::SIGHUP) };
//!     hangups.recv().await;
//!     std::io::Result::Ok(())
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```
#![cfg(unix)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

mod registry;
pub mod unix;

use std::io;

/// Waits for Ctrl-C (`SIGINT`); `tokio::signal::ctrl_c`.
///
/// The handler is installed on the first call and stays: from then on Ctrl-C no longer ends
/// the process by default. A Ctrl-C that arrives before the first call is not seen.
///
/// # Errors
///
/// If the handler cannot be installed.
///
/// # Examples
///
/// ```no_run
/// futures::executor::block_on(async {
///     heddle_signal::ctrl_c().await?;
///     println!("shutting down");
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn ctrl_c() -> io::Result<()> {
    let mut interrupts = unix::signal(unix::SignalKind::interrupt())?;
    interrupts.recv().await;
    Ok(())
}
