//! [`read_dir`], [`ReadDir`] and [`DirEntry`]: a directory's entries, read in batches on the
//! blocking pool, as `tokio::fs::read_dir`.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::{FileType, Metadata};
use std::future::{poll_fn, Future};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use heddle_task::JoinHandle;

use crate::asyncify;

/// Entries read per blocking-pool job.
const BATCH: usize = 32;

/// Opens a directory for reading its entries; `tokio::fs::read_dir`.
///
/// # Errors
///
/// What `std::fs::read_dir` reports: `NotFound`, `PermissionDenied`, or an error for a path
/// that is not a directory.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let dir = std::env::temp_dir().join(format!("heddle-fs-rd-{}", std::process::id()));
/// heddle_fs::create_dir_all(&dir).await?;
/// heddle_fs::write(dir.join("one"), "1").await?;
/// let mut entries = heddle_fs::read_dir(&dir).await?;
/// let entry = entries.next_entry().await?.expect("one entry");
/// assert_eq!(entry.file_name(), "one");
/// assert!(entry.file_type().await?.is_file());
/// assert!(entries.next_entry().await?.is_none());
/// # heddle_fs::remove_dir_all(&dir).await
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let std = asyncify(move || std::fs::read_dir(path)).await?;
    Ok(ReadDir(State::Idle(Some(Batch {
        entries: VecDeque::new(),
        std,
        more: true,
    }))))
}

/// The entries of a directory, from [`read_dir`]; `tokio::fs::ReadDir`. Entries come in no
/// particular order, without `.` and `..`.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let mut entries = heddle_fs::read_dir(std::env::temp_dir()).await?;
/// while let Some(entry) = entries.next_entry().await? {
///     let _ = entry.path();
/// }
/// # std::io::Result::Ok(())
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct ReadDir(State);

#[derive(Debug)]
enum State {
    /// Between reads; `None` once a batch job was lost (its thread panicked).
    Idle(Option<Batch>),
    /// A batch is being read on the pool.
    Busy(JoinHandle<Batch>),
}

/// Entries read ahead, and the directory handle they came from.
#[derive(Debug)]
struct Batch {
    entries: VecDeque<io::Result<DirEntry>>,
    std: std::fs::ReadDir,
    /// False once the handle reported the end of the directory.
    more: bool,
}

impl Batch {
    fn fill(&mut self) {
        for _ in 0..BATCH {
            match self.std.next() {
                Some(entry) => self.entries.push_back(entry.map(DirEntry::new)),
                None => {
                    self.more = false;
                    return;
                }
            }
        }
    }
}

impl ReadDir {
    /// The next entry, or `None` at the end of the directory.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: an entry read by a cancelled call is returned by the next one.
    ///
    /// # Errors
    ///
    /// An error reading the directory; reading may go on after it.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let mut entries = heddle_fs::read_dir(".").await?;
    /// let first = entries.next_entry().await?;
    /// # drop(first);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry: `Ready(Ok(None))` at the end of the directory.
    ///
    /// # Errors
    ///
    /// An error reading the directory.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let mut entries = heddle_fs::read_dir(".").await?;
    /// let first = std::future::poll_fn(|cx| entries.poll_next_entry(cx)).await?;
    /// # drop(first);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.0 {
                State::Idle(slot) => {
                    let Some(mut batch) = slot.take() else {
                        return Poll::Ready(Ok(None));
                    };
                    if let Some(entry) = batch.entries.pop_front() {
                        self.0 = State::Idle(Some(batch));
                        return Poll::Ready(entry.map(Some));
                    }
                    if !batch.more {
                        self.0 = State::Idle(Some(batch));
                        return Poll::Ready(Ok(None));
                    }
                    self.0 = State::Busy(heddle_blocking::unblock(move || {
                        batch.fill();
                        batch
                    }));
                }
                State::Busy(job) => {
                    let batch = ready!(Pin::new(job).poll(cx));
                    match batch {
                        Ok(batch) => self.0 = State::Idle(Some(batch)),
                        Err(error) => {
                            self.0 = State::Idle(None);
                            return Poll::Ready(Err(io::Error::other(format!(
                                "reading a directory failed on the blocking pool: {error}"
                            ))));
                        }
                    }
                }
            }
        }
    }
}

/// One entry of a directory, from [`ReadDir::next_entry`]; `tokio::fs::DirEntry`.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let mut entries = heddle_fs::read_dir(std::env::temp_dir()).await?;
/// if let Some(entry) = entries.next_entry().await? {
///     assert_eq!(entry.path().file_name(), Some(entry.file_name().as_os_str()));
/// }
/// # std::io::Result::Ok(())
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    /// Read with the entry where the platform gives it for free (`d_type` on Linux).
    file_type: Option<FileType>,
}

impl DirEntry {
    fn new(std: std::fs::DirEntry) -> DirEntry {
        let file_type = std.file_type().ok();
        DirEntry {
            std: Arc::new(std),
            file_type,
        }
    }

    /// The entry's full path: the directory's path joined with [`file_name`](Self::file_name).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// # let mut entries = heddle_fs::read_dir(".").await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     assert!(entry.path().starts_with("."));
    /// }
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The entry's name within its directory.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// # let mut entries = heddle_fs::read_dir(".").await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     assert!(!entry.file_name().is_empty());
    /// }
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The entry's inode number (Unix).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// # let mut entries = heddle_fs::read_dir(".").await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     let _ = entry.ino();
    /// }
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }

    /// The entry's metadata (not following a symbolic link), read on the blocking pool.
    ///
    /// # Errors
    ///
    /// What `std::fs::DirEntry::metadata` reports (the entry may be gone).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// # let mut entries = heddle_fs::read_dir(".").await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     let _ = entry.metadata().await?.len();
    /// }
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.metadata()).await
    }

    /// The entry's file type (not following a symbolic link): at once where the directory
    /// listing carried it, else on the blocking pool.
    ///
    /// # Errors
    ///
    /// What `std::fs::DirEntry::file_type` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// # let mut entries = heddle_fs::read_dir(".").await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     let _ = entry.file_type().await?.is_dir();
    /// }
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let std = Arc::clone(&self.std);
        asyncify(move || std.file_type()).await
    }
}
