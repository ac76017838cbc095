//! Child processes for heddle, with the API of `tokio::process`: [`Command`] spawns a
//! [`Child`] whose piped stdin, stdout and stderr are async streams, and whose exit is
//! awaited, so code written for tokio runs by renaming the crate.
//!
//! The pipes are non-blocking descriptors served by the reactor (`heddle_reactor::Async`; a
//! runtime's reactor inside one, the global one elsewhere). Waiting for an exit waits for
//! the child's pidfd to become readable on the reactor where the kernel has pidfds (Linux),
//! and otherwise listens for `SIGCHLD` (`heddle-signal`) and checks the child with
//! `waitpid(WNOHANG)` on each delivery, so no thread blocks per child. A `Child` dropped
//! before its exit is reaped in the background (killed first with
//! [`Command::kill_on_drop`]), so no zombie is left.
//!
//! This crate is layer 1b and Unix-only. It is not a shell: arguments go to the program as
//! given, and pipelines are built by handing one child's output to the next.
//!
//! # Examples
//!
//! ```
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! use heddle_process::Command;
//! use std::process::Stdio;
//!
//! futures::executor::block_on(async {
//!     let mut cat = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
//!     let mut stdin = cat.stdin.take().unwrap();
//!     stdin.write_all(b"through cat").await?;
//!     drop(stdin);
//!     let mut out = String::new();
//!     cat.stdout.take().unwrap().read_to_string(&mut out).await?;
//!     assert_eq!(out, "through cat");
//!     assert!(cat.wait().await?.success());
//!     std::io::Result::Ok(())
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```
#![cfg(unix)]
// Unsafe code is allowed only where it is needed: `Command::pre_exec` and the `pidfd_open`
// system call.
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

mod child;
mod command;
mod pipes;
mod reaper;

pub use child::Child;
pub use command::Command;
pub use pipes::{ChildStderr, ChildStdin, ChildStdout};
