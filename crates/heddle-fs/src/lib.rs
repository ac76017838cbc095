//! Asynchronous file system access for heddle, with the API of `tokio::fs`: [`File`],
//! [`OpenOptions`], [`DirBuilder`], [`read_dir`], and one function per `std::fs` operation
//! ([`read`], [`write()`], [`metadata`], [`rename`], ...), so code written for `tokio::fs` runs
//! by renaming the crate.
//!
//! Operating systems offer no readiness for regular files, so every operation runs on a
//! blocking-pool thread (`heddle_blocking::unblock`) and its future waits for the result:
//! inside a heddle runtime on the runtime's pool (its limits and shutdown apply, as with
//! tokio), anywhere else on the global pool, so it works under any executor, or with none. Whole-file
//! reads and writes go in chunks of [`CHUNK`] bytes, one pool job each, so one call never
//! holds a pool thread for an unbounded time. Errors are `std::io::Error`s, exactly as
//! `std::fs` reports them (`NotFound`, `PermissionDenied`, `AlreadyExists`...).
//!
//! This crate is layer 1b: it stands on `heddle-blocking` (where the work runs), `heddle-sync`
//! (the lock that orders a [`File`]'s operations) and tokio's I/O traits
//! (`AsyncRead`/`AsyncWrite`/`AsyncSeek`, which [`File`] implements). It is not a reactor and
//! does no readiness I/O; for pipes and sockets use `heddle-reactor`.
//!
//! # Examples
//!
//! ```
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! futures::executor::block_on(async {
//!     let dir = std::env::temp_dir().join(format!("heddle-fs-doc-{}", std::process::id()));
//!     heddle_fs::create_dir_all(&dir).await?;
//!     let path = dir.join("hello.txt");
//!
//!     let mut file = heddle_fs::File::create(&path).await?;
//!     file.write_all(b"hello, file").await?;
//!     file.flush().await?;
//!
//!     let mut text = String::new();
//!     heddle_fs::File::open(&path).await?.read_to_string(&mut text).await?;
//!     assert_eq!(text, "hello, file");
//!     assert_eq!(heddle_fs::read_to_string(&path).await?, "hello, file");
//!
//!     heddle_fs::remove_dir_all(&dir).await
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![doc(test(attr(deny(warnings))))]

mod dir_builder;
mod file;
mod open_options;
mod ops;
mod read_dir;

pub use dir_builder::DirBuilder;
pub use file::File;
pub use open_options::OpenOptions;
#[cfg(unix)]
pub use ops::symlink;
pub use ops::{
    canonicalize, copy, create_dir, create_dir_all, hard_link, metadata, read, read_link,
    read_to_string, remove_dir, remove_dir_all, remove_file, rename, set_permissions,
    symlink_metadata, try_exists, write,
};
pub use read_dir::{read_dir, DirEntry, ReadDir};
/// The times [`File::set_times`] sets: std's type, under tokio's path (`fs::FileTimes`).
pub use std::fs::FileTimes;

use std::io;

/// The most bytes one pool job of a whole-file [`read`] or [`write()`] moves, and the default
/// buffer size of a [`File`] (`File::set_max_buf_size` changes it per file): 2 MiB, as tokio.
pub const CHUNK: usize = 2 * 1024 * 1024;

/// Runs `f` on the blocking pool and waits for it. A panic in `f` (a bug, not an I/O error)
/// becomes an error of kind `Other` that says so.
async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match heddle_blocking::unblock(f).await {
        Ok(result) => result,
        Err(error) => Err(io::Error::other(format!(
            "a file system operation failed on the blocking pool: {error}"
        ))),
    }
}
