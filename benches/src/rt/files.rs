//! File system and process operations of each runtime, for the `fs_*` and `process_*`
//! workloads: heddle's `heddle::fs`/`heddle::process`, tokio's `tokio::fs`/`tokio::process`,
//! smol's `async-fs`/`async-process` (re-exported as `smol::fs`/`smol::process`).
//!
//! A trait of its own beside [`Rt`](super::Rt): these are one call each, the same shape on
//! every runtime, and only the file workloads need them.

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Heddle, SmolLocal, SmolMt, Tokio};

/// One runtime's file and process operations.
pub trait Files {
    /// Reads a whole file (`fs::read`).
    fn read_file(path: PathBuf) -> impl Future<Output = io::Result<Vec<u8>>> + Send;

    /// Creates `path` and writes `chunk` `count` times through a `File`, then flushes.
    fn write_chunks(
        path: PathBuf,
        chunk: Arc<Vec<u8>>,
        count: usize,
    ) -> impl Future<Output = io::Result<()>> + Send;

    /// Opens `path` and reads it through a `File` into a `chunk`-byte buffer until its end;
    /// returns the bytes read.
    fn read_chunks(path: PathBuf, chunk: usize) -> impl Future<Output = io::Result<u64>> + Send;

    /// Counts a directory's entries with `read_dir`.
    fn count_dir(path: PathBuf) -> impl Future<Output = io::Result<usize>> + Send;

    /// Spawns `program` without arguments and waits for it; whether it succeeded.
    fn run_child(program: &'static str) -> impl Future<Output = io::Result<bool>> + Send;
}

/// heddle's and tokio's operations: the same code, since heddle's `fs` and `process` have
/// tokio's paths and names.
macro_rules! tokio_shaped_files {
    ($rt:ident, $krate:ident) => {
        impl<const MT: bool> Files for $rt<MT> {
            fn read_file(path: PathBuf) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
                $krate::fs::read(path)
            }

            async fn write_chunks(
                path: PathBuf,
                chunk: Arc<Vec<u8>>,
                count: usize,
            ) -> io::Result<()> {
                use tokio::io::AsyncWriteExt;
                let mut file = $krate::fs::File::create(path).await?;
                for _ in 0..count {
                    file.write_all(&chunk).await?;
                }
                file.flush().await
            }

            async fn read_chunks(path: PathBuf, chunk: usize) -> io::Result<u64> {
                use tokio::io::AsyncReadExt;
                let mut file = $krate::fs::File::open(path).await?;
                let mut buf = vec![0; chunk];
                let mut total = 0;
                loop {
                    match file.read(&mut buf).await? {
                        0 => return Ok(total),
                        n => total += n as u64,
                    }
                }
            }

            async fn count_dir(path: PathBuf) -> io::Result<usize> {
                let mut entries = $krate::fs::read_dir(path).await?;
                let mut count = 0;
                while entries.next_entry().await?.is_some() {
                    count += 1;
                }
                Ok(count)
            }

            async fn run_child(program: &'static str) -> io::Result<bool> {
                Ok($krate::process::Command::new(program)
                    .status()
                    .await?
                    .success())
            }
        }
    };
}

tokio_shaped_files!(Heddle, heddle);
tokio_shaped_files!(Tokio, tokio);

/// smol's operations, the same for both of its executors.
macro_rules! smol_files {
    ($rt:ty) => {
        impl Files for $rt {
            fn read_file(path: PathBuf) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
                smol::fs::read(path)
            }

            async fn write_chunks(
                path: PathBuf,
                chunk: Arc<Vec<u8>>,
                count: usize,
            ) -> io::Result<()> {
                use smol::io::AsyncWriteExt;
                let mut file = smol::fs::File::create(path).await?;
                for _ in 0..count {
                    file.write_all(&chunk).await?;
                }
                file.flush().await
            }

            async fn read_chunks(path: PathBuf, chunk: usize) -> io::Result<u64> {
                use smol::io::AsyncReadExt;
                let mut file = smol::fs::File::open(path).await?;
                let mut buf = vec![0; chunk];
                let mut total = 0;
                loop {
                    match file.read(&mut buf).await? {
                        0 => return Ok(total),
                        n => total += n as u64,
                    }
                }
            }

            async fn count_dir(path: PathBuf) -> io::Result<usize> {
                use smol::stream::StreamExt;
                let mut entries = smol::fs::read_dir(path).await?;
                let mut count = 0;
                while let Some(entry) = entries.next().await {
                    entry?;
                    count += 1;
                }
                Ok(count)
            }

            async fn run_child(program: &'static str) -> io::Result<bool> {
                Ok(smol::process::Command::new(program)
                    .status()
                    .await?
                    .success())
            }
        }
    };
}

smol_files!(SmolLocal);
smol_files!(SmolMt);
