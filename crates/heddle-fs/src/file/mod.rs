//! [`File`]: an open file with `tokio::fs::File`'s API and semantics, over the blocking pool.
//!
//! Reads fill a buffer on a pool thread and hand it out; a write is copied into the buffer,
//! accepted at once and performed on the pool in the background (`flush`, `sync_all` and
//! friends wait for it; a failure is reported by the next write, flush or shutdown). One job
//! runs at a time, so operations keep their order; `inner.rs` holds that state machine.

mod buf;
mod inner;

use std::fmt;
use std::fs::{FileTimes, Metadata, Permissions};
use std::future::poll_fn;
use std::io::{self, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

use heddle_sync::Mutex;
use tokio::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use crate::{asyncify, OpenOptions, CHUNK};
use inner::Inner;

/// An open file; `tokio::fs::File`. Implements tokio's [`AsyncRead`], [`AsyncWrite`] and
/// [`AsyncSeek`] (use `heddle::io::{AsyncReadExt, AsyncWriteExt, AsyncSeekExt}`).
///
/// A write is buffered and completes in the background: call `flush` (or `sync_all`) to
/// wait for it and to see its error. Dropping a `File` with a write in flight does not lose
/// the write; it completes on the pool.
///
/// # Examples
///
/// ```
/// use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let path = std::env::temp_dir().join(format!("heddle-fs-file-{}", std::process::id()));
/// let mut file = heddle_fs::File::options()
///     .read(true).write(true).create(true).truncate(true)
///     .open(&path).await?;
/// file.write_all(b"0123456789").await?;
/// file.seek(std::io::SeekFrom::Start(4)).await?;
/// let mut four = [0; 4];
/// file.read_exact(&mut four).await?;
/// assert_eq!(&four, b"4567");
/// # heddle_fs::remove_file(&path).await
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct File {
    std: Arc<std::fs::File>,
    inner: Mutex<Inner>,
    max_buf_size: usize,
}

impl File {
    /// Opens a file for reading; `tokio::fs::File::open`.
    ///
    /// # Errors
    ///
    /// What `std::fs::File::open` reports (`NotFound`, `PermissionDenied`...).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let err = heddle_fs::File::open("/no/such/file").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # })
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).open(path).await
    }

    /// Creates a file for writing, truncating it if it exists; `tokio::fs::File::create`.
    ///
    /// # Errors
    ///
    /// What `std::fs::File::create` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-fs-create-{}", std::process::id()));
    /// let file = heddle_fs::File::create(&path).await?;
    /// assert_eq!(file.metadata().await?.len(), 0);
    /// # heddle_fs::remove_file(&path).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .await
    }

    /// Creates a new file for reading and writing, failing with `AlreadyExists` if there is
    /// one; `tokio::fs::File::create_new`.
    ///
    /// # Errors
    ///
    /// `AlreadyExists`, and what else opening reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-fs-new-{}", std::process::id()));
    /// let file = heddle_fs::File::create_new(&path).await?;
    /// let again = heddle_fs::File::create_new(&path).await.unwrap_err();
    /// assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);
    /// # drop(file);
    /// # heddle_fs::remove_file(&path).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .await
    }

    /// Options to open a file with; `tokio::fs::File::options`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = heddle_fs::File::options();
    /// options.append(true).create(true);
    /// ```
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps an open std file.
    ///
    /// # Examples
    ///
    /// ```
    /// let std = std::fs::File::open(".")?;
    /// let file = heddle_fs::File::from_std(std);
    /// # drop(file);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_std(std: std::fs::File) -> File {
        File {
            std: Arc::new(std),
            inner: Mutex::new(Inner::new()),
            max_buf_size: CHUNK,
        }
    }

    /// Waits for every operation in flight, then flushes data and metadata to the device.
    ///
    /// # Errors
    ///
    /// What `fsync(2)` reports. A background write that failed is reported by the next write
    /// or flush, not here.
    ///
    /// # Examples
    ///
    /// ```
    /// use tokio::io::AsyncWriteExt;
    ///
    /// # futures::executor::block_on(async {
    /// let path = std::env::temp_dir().join(format!("heddle-fs-sync-{}", std::process::id()));
    /// let mut file = heddle_fs::File::create(&path).await?;
    /// file.write_all(b"durable").await?;
    /// file.sync_all().await?;
    /// assert_eq!(heddle_fs::read(&path).await?, b"durable");
    /// # heddle_fs::remove_file(&path).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn sync_all(&self) -> io::Result<()> {
        self.exclusive(std::fs::File::sync_all).await
    }

    /// As [`sync_all`](File::sync_all), but metadata only where needed to read the data back.
    ///
    /// # Errors
    ///
    /// What `fdatasync(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// # let path = std::env::temp_dir().join(format!("heddle-fs-sd-{}", std::process::id()));
    /// let file = heddle_fs::File::create(&path).await?;
    /// file.sync_data().await?;
    /// # heddle_fs::remove_file(&path).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn sync_data(&self) -> io::Result<()> {
        self.exclusive(std::fs::File::sync_data).await
    }

    /// Truncates or extends the file to `size` bytes, after every operation in flight; the
    /// position is unchanged.
    ///
    /// # Errors
    ///
    /// What `ftruncate(2)` reports (`InvalidInput` for a file not open for writing).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// # let path = std::env::temp_dir().join(format!("heddle-fs-len-{}", std::process::id()));
    /// let file = heddle_fs::File::create(&path).await?;
    /// file.set_len(100).await?;
    /// assert_eq!(file.metadata().await?.len(), 100);
    /// # heddle_fs::remove_file(&path).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        self.exclusive(move |std| std.set_len(size)).await
    }

    /// Runs `f` on the pool once the operations before it are done, in order with the ones
    /// after it (even if this future is dropped early).
    async fn exclusive(
        &self,
        f: impl FnOnce(&std::fs::File) -> io::Result<()> + Send + 'static,
    ) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        poll_fn(|cx| inner.poll_settle(cx)).await;
        inner.start_exclusive(&self.std, f);
        poll_fn(|cx| inner.poll_exclusive(cx)).await
    }

    /// The file's metadata.
    ///
    /// # Errors
    ///
    /// What `fstat(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let file = heddle_fs::File::open(".").await?;
    /// assert!(file.metadata().await?.is_dir());
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.metadata()).await
    }

    /// A second `File` for the same open file (position and flags shared, as `dup(2)`).
    ///
    /// # Errors
    ///
    /// What `dup(2)` reports (out of descriptors).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let file = heddle_fs::File::open(".").await?;
    /// let twin = file.try_clone().await?;
    /// # drop(twin);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn try_clone(&self) -> io::Result<File> {
        let std = Arc::clone(&self.std);
        let twin = asyncify(move || std.try_clone()).await?;
        Ok(File::from_std(twin))
    }

    /// The std file, after every operation in flight has finished.
    ///
    /// # Panics
    ///
    /// If the descriptor cannot be duplicated in the rare case that a cancelled `metadata`
    /// or `try_clone` call still holds it on the pool (out of descriptors).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let file = heddle_fs::File::open(".").await?;
    /// let std: std::fs::File = file.into_std().await;
    /// # drop(std);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn into_std(self) -> std::fs::File {
        {
            let mut inner = self.inner.lock().await;
            poll_fn(|cx| inner.poll_settle(cx)).await;
        }
        Arc::try_unwrap(self.std).unwrap_or_else(|shared| {
            shared
                .try_clone()
                .expect("heddle_fs::File::into_std could not duplicate the descriptor")
        })
    }

    /// The std file at once if no operation is in flight (and no background write failed
    /// unreported); else the `File` back.
    ///
    /// # Errors
    ///
    /// The `File` itself when an operation is in flight.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let file = heddle_fs::File::open(".").await?;
    /// let std = file.try_into_std().expect("idle");
    /// # drop(std);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[expect(
        clippy::result_large_err,
        reason = "tokio's signature: the caller gets its File back to retry with"
    )]
    pub fn try_into_std(mut self) -> Result<std::fs::File, File> {
        if !self.inner.get_mut().is_idle() {
            return Err(self);
        }
        let File {
            std,
            inner,
            max_buf_size,
        } = self;
        Arc::try_unwrap(std).map_err(|std| File {
            std,
            inner,
            max_buf_size,
        })
    }

    /// Changes the file's permissions.
    ///
    /// # Errors
    ///
    /// What `fchmod(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// # let path = std::env::temp_dir().join(format!("heddle-fs-fperm-{}", std::process::id()));
    /// let file = heddle_fs::File::create(&path).await?;
    /// let mut permissions = file.metadata().await?.permissions();
    /// permissions.set_readonly(true);
    /// file.set_permissions(permissions).await?;
    /// # heddle_fs::remove_file(&path).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn set_permissions(&self, permissions: Permissions) -> io::Result<()> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.set_permissions(permissions)).await
    }

    /// Changes the file's access and modification times (`futimens(2)`).
    ///
    /// # Errors
    ///
    /// What the system call reports.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_fs::{File, FileTimes};
    /// use std::time::{Duration, SystemTime};
    ///
    /// # futures::executor::block_on(async {
    /// # let path = std::env::temp_dir().join(format!("heddle-fs-times-{}", std::process::id()));
    /// let file = File::create(&path).await?;
    /// let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    /// file.set_times(FileTimes::new().set_accessed(then).set_modified(then)).await?;
    /// assert_eq!(file.metadata().await?.modified()?, then);
    /// # heddle_fs::remove_file(&path).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn set_times(&self, times: FileTimes) -> io::Result<()> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.set_times(times)).await
    }

    /// Changes the file's modification time: [`set_times`](Self::set_times) with only that.
    ///
    /// # Errors
    ///
    /// What the system call reports.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// # futures::executor::block_on(async {
    /// # let path = std::env::temp_dir().join(format!("heddle-fs-mtime-{}", std::process::id()));
    /// let file = heddle_fs::File::create(&path).await?;
    /// let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    /// file.set_modified(then).await?;
    /// assert_eq!(file.metadata().await?.modified()?, then);
    /// # heddle_fs::remove_file(&path).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn set_modified(&self, time: SystemTime) -> io::Result<()> {
        self.set_times(FileTimes::new().set_modified(time)).await
    }

    /// The most bytes one read or write job moves (default [`CHUNK`], 2 MiB); a bigger
    /// buffer means fewer pool jobs for big transfers.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let mut file = heddle_fs::File::open(".").await?;
    /// file.set_max_buf_size(64 * 1024);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        self.max_buf_size = max_buf_size;
    }

    /// The buffer size set by [`set_max_buf_size`](File::set_max_buf_size).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let file = heddle_fs::File::open(".").await?;
    /// assert_eq!(file.max_buf_size(), heddle_fs::CHUNK);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }
}

impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        me.inner
            .get_mut()
            .poll_read(&me.std, me.max_buf_size, cx, dst)
    }
}

impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        me.inner
            .get_mut()
            .poll_write(&me.std, me.max_buf_size, cx, src)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner.get_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl AsyncSeek for File {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        let me = self.get_mut();
        me.inner.get_mut().start_seek(&me.std, position)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        self.get_mut().inner.get_mut().poll_complete(cx)
    }
}

impl From<std::fs::File> for File {
    fn from(std: std::fs::File) -> File {
        File::from_std(std)
    }
}

/// Takes ownership of an open file descriptor, as [`File::from_std`] over std's
/// `FromRawFd`.
///
/// # Examples
///
/// ```
/// use std::os::fd::{FromRawFd, IntoRawFd};
///
/// let fd = std::fs::File::open(".")?.into_raw_fd();
/// // SAFETY: `fd` was just opened and its ownership is handed over here.
/// let file = unsafe { heddle_fs::File::from_raw_fd(fd) };
/// # drop(file);
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(unix)]
#[allow(unsafe_code)]
impl std::os::fd::FromRawFd for File {
    unsafe fn from_raw_fd(fd: std::os::fd::RawFd) -> File {
        // SAFETY: the caller hands over an open descriptor it owns, as this function requires.
        File::from_std(unsafe { std::fs::File::from_raw_fd(fd) })
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("std", &self.std)
            .field("max_buf_size", &self.max_buf_size)
            .finish_non_exhaustive()
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for File {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.std.as_raw_fd()
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for File {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.std.as_fd()
    }
}
