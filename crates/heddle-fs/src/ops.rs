//! One async function per `std::fs` operation, each a blocking-pool job (whole-file
//! [`read`] and [`write`] a job per [`CHUNK`](crate::CHUNK)), with `tokio::fs`'s names and
//! signatures. Not here: the handle types ([`File`](crate::File), [`ReadDir`](crate::ReadDir)).

use std::fs::{Metadata, Permissions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::{asyncify, CHUNK};

/// Reads a whole file into a `Vec`, a [`CHUNK`] per blocking-pool job; `tokio::fs::read`.
///
/// # Errors
///
/// What `std::fs::read` reports: `NotFound` if there is no file, `PermissionDenied`, ...
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let path = std::env::temp_dir().join(format!("heddle-fs-read-{}", std::process::id()));
/// heddle_fs::write(&path, b"abc").await?;
/// assert_eq!(heddle_fs::read(&path).await?, b"abc");
/// # heddle_fs::remove_file(&path).await
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    let (mut file, mut data) = asyncify(move || {
        let file = std::fs::File::open(path)?;
        let size = file.metadata().map_or(0, |m| m.len());
        let capacity = usize::try_from(size).unwrap_or(0);
        Ok((file, Vec::with_capacity(capacity)))
    })
    .await?;
    loop {
        let (back, filled, done) = asyncify(move || {
            let read = (&file).take(CHUNK as u64).read_to_end(&mut data)?;
            // Fewer bytes than asked for: the take stopped at the end of the file.
            Ok((file, data, read < CHUNK))
        })
        .await?;
        if done {
            return Ok(filled);
        }
        file = back;
        data = filled;
    }
}

/// Reads a whole file into a `String`; `tokio::fs::read_to_string`.
///
/// # Errors
///
/// As [`read`], and `InvalidData` if the file is not UTF-8.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let path = std::env::temp_dir().join(format!("heddle-fs-rts-{}", std::process::id()));
/// heddle_fs::write(&path, "text").await?;
/// assert_eq!(heddle_fs::read_to_string(&path).await?, "text");
/// # heddle_fs::remove_file(&path).await
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let bytes = read(path).await?;
    String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// Creates or truncates a file and writes `contents` to it, a [`CHUNK`] per blocking-pool
/// job; `tokio::fs::write`.
///
/// # Errors
///
/// What `std::fs::write` reports.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let path = std::env::temp_dir().join(format!("heddle-fs-write-{}", std::process::id()));
/// heddle_fs::write(&path, vec![7u8; 10]).await?;
/// assert_eq!(heddle_fs::metadata(&path).await?.len(), 10);
/// # heddle_fs::remove_file(&path).await
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let mut contents = contents.as_ref().to_owned();
    let mut file = asyncify(move || std::fs::File::create(path)).await?;
    let mut written = 0;
    loop {
        let end = contents.len().min(written + CHUNK);
        let (back, data) = asyncify(move || {
            (&file).write_all(&contents[written..end])?;
            Ok((file, contents))
        })
        .await?;
        if end == data.len() {
            return Ok(());
        }
        file = back;
        contents = data;
        written = end;
    }
}

/// Defines an async function that runs one `std::fs` call with owned copies of its path
/// arguments on the blocking pool.
macro_rules! blocking_fn {
    ($(#[$doc:meta])* $name:ident($($arg:ident),*) -> $out:ty = $call:expr) => {
        $(#[$doc])*
        pub async fn $name($($arg: impl AsRef<Path>),*) -> io::Result<$out> {
            $(let $arg: PathBuf = $arg.as_ref().to_owned();)*
            asyncify(move || $call($($arg),*)).await
        }
    };
}

blocking_fn!(
    /// Copies a file's contents and permissions, returning the bytes copied;
    /// `tokio::fs::copy`. One pool job (the kernel copies: `copy_file_range` on Linux).
    ///
    /// # Errors
    ///
    /// What `std::fs::copy` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let dir = std::env::temp_dir();
    /// let (a, b) = (dir.join(format!("heddle-fs-cp-a-{}", std::process::id())),
    ///               dir.join(format!("heddle-fs-cp-b-{}", std::process::id())));
    /// heddle_fs::write(&a, "x").await?;
    /// assert_eq!(heddle_fs::copy(&a, &b).await?, 1);
    /// # heddle_fs::remove_file(&a).await?;
    /// # heddle_fs::remove_file(&b).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    copy(from, to) -> u64 = std::fs::copy
);

blocking_fn!(
    /// Renames a file or directory, replacing `to` if it exists; `tokio::fs::rename`.
    ///
    /// # Errors
    ///
    /// What `std::fs::rename` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let dir = std::env::temp_dir();
    /// let (a, b) = (dir.join(format!("heddle-fs-mv-a-{}", std::process::id())),
    ///               dir.join(format!("heddle-fs-mv-b-{}", std::process::id())));
    /// heddle_fs::write(&a, "x").await?;
    /// heddle_fs::rename(&a, &b).await?;
    /// assert!(!heddle_fs::try_exists(&a).await?);
    /// # heddle_fs::remove_file(&b).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    rename(from, to) -> () = std::fs::rename
);

blocking_fn!(
    /// Removes a file; `tokio::fs::remove_file`.
    ///
    /// # Errors
    ///
    /// `NotFound` if there is none, and what else `std::fs::remove_file` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let err = heddle_fs::remove_file("/no/such/file").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # })
    /// ```
    remove_file(path) -> () = std::fs::remove_file
);

blocking_fn!(
    /// Removes an empty directory; `tokio::fs::remove_dir`.
    ///
    /// # Errors
    ///
    /// What `std::fs::remove_dir` reports (a directory that is not empty included).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let dir = std::env::temp_dir().join(format!("heddle-fs-rmdir-{}", std::process::id()));
    /// heddle_fs::create_dir(&dir).await?;
    /// heddle_fs::remove_dir(&dir).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    remove_dir(path) -> () = std::fs::remove_dir
);

blocking_fn!(
    /// Removes a directory and everything in it; `tokio::fs::remove_dir_all`.
    ///
    /// # Errors
    ///
    /// What `std::fs::remove_dir_all` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let dir = std::env::temp_dir().join(format!("heddle-fs-rmall-{}", std::process::id()));
    /// heddle_fs::create_dir_all(dir.join("a/b")).await?;
    /// heddle_fs::remove_dir_all(&dir).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    remove_dir_all(path) -> () = std::fs::remove_dir_all
);

blocking_fn!(
    /// Creates a directory; its parent must exist; `tokio::fs::create_dir`.
    ///
    /// # Errors
    ///
    /// `AlreadyExists` if it exists, `NotFound` if the parent does not, and what else
    /// `std::fs::create_dir` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let err = heddle_fs::create_dir("/no/such/parent/dir").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # })
    /// ```
    create_dir(path) -> () = std::fs::create_dir
);

blocking_fn!(
    /// Creates a directory and every missing parent; `tokio::fs::create_dir_all`.
    ///
    /// # Errors
    ///
    /// What `std::fs::create_dir_all` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let dir = std::env::temp_dir().join(format!("heddle-fs-mkdirs-{}", std::process::id()));
    /// heddle_fs::create_dir_all(dir.join("x/y/z")).await?;
    /// assert!(heddle_fs::metadata(dir.join("x/y/z")).await?.is_dir());
    /// # heddle_fs::remove_dir_all(&dir).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    create_dir_all(path) -> () = std::fs::create_dir_all
);

blocking_fn!(
    /// A path's metadata, following symbolic links; `tokio::fs::metadata`.
    ///
    /// # Errors
    ///
    /// What `std::fs::metadata` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// assert!(heddle_fs::metadata(std::env::temp_dir()).await?.is_dir());
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    metadata(path) -> Metadata = std::fs::metadata
);

blocking_fn!(
    /// A path's metadata, not following a symbolic link at its end;
    /// `tokio::fs::symlink_metadata`.
    ///
    /// # Errors
    ///
    /// What `std::fs::symlink_metadata` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// assert!(heddle_fs::symlink_metadata(std::env::temp_dir()).await.is_ok());
    /// # })
    /// ```
    symlink_metadata(path) -> Metadata = std::fs::symlink_metadata
);

blocking_fn!(
    /// The absolute path with every `.`, `..` and symbolic link resolved;
    /// `tokio::fs::canonicalize`.
    ///
    /// # Errors
    ///
    /// What `std::fs::canonicalize` reports (`NotFound` for a path that does not exist).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// assert!(heddle_fs::canonicalize(".").await?.is_absolute());
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    canonicalize(path) -> PathBuf = std::fs::canonicalize
);

blocking_fn!(
    /// What a symbolic link points to; `tokio::fs::read_link`.
    ///
    /// # Errors
    ///
    /// What `std::fs::read_link` reports (`InvalidInput` if `path` is not a link).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// assert!(heddle_fs::read_link(std::env::temp_dir()).await.is_err());
    /// # })
    /// ```
    read_link(path) -> PathBuf = std::fs::read_link
);

blocking_fn!(
    /// Creates a hard link `link` to `original`; `tokio::fs::hard_link`.
    ///
    /// # Errors
    ///
    /// What `std::fs::hard_link` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let dir = std::env::temp_dir();
    /// let (a, b) = (dir.join(format!("heddle-fs-ln-a-{}", std::process::id())),
    ///               dir.join(format!("heddle-fs-ln-b-{}", std::process::id())));
    /// heddle_fs::write(&a, "x").await?;
    /// heddle_fs::hard_link(&a, &b).await?;
    /// assert_eq!(heddle_fs::read(&b).await?, b"x");
    /// # heddle_fs::remove_file(&a).await?;
    /// # heddle_fs::remove_file(&b).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    hard_link(original, link) -> () = std::fs::hard_link
);

#[cfg(unix)]
blocking_fn!(
    /// Creates a symbolic link `link` pointing to `original`; `tokio::fs::symlink` (Unix).
    ///
    /// # Errors
    ///
    /// What `std::os::unix::fs::symlink` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let link = std::env::temp_dir().join(format!("heddle-fs-sym-{}", std::process::id()));
    /// heddle_fs::symlink("/", &link).await?;
    /// assert_eq!(heddle_fs::read_link(&link).await?, std::path::Path::new("/"));
    /// # heddle_fs::remove_file(&link).await
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    symlink(original, link) -> () = std::os::unix::fs::symlink
);

blocking_fn!(
    /// Whether a path exists; `Ok(false)` for a broken symbolic link; `tokio::fs::try_exists`.
    ///
    /// # Errors
    ///
    /// When existence cannot be decided (a parent without search permission, for example).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// assert!(!heddle_fs::try_exists("/no/such/path").await?);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    try_exists(path) -> bool = |path: PathBuf| path.try_exists()
);

/// Changes a path's permissions; `tokio::fs::set_permissions`.
///
/// # Errors
///
/// What `std::fs::set_permissions` reports.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let path = std::env::temp_dir().join(format!("heddle-fs-perm-{}", std::process::id()));
/// heddle_fs::write(&path, "x").await?;
/// let mut permissions = heddle_fs::metadata(&path).await?.permissions();
/// permissions.set_readonly(true);
/// heddle_fs::set_permissions(&path, permissions).await?;
/// assert!(heddle_fs::metadata(&path).await?.permissions().readonly());
/// # heddle_fs::remove_file(&path).await
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn set_permissions(path: impl AsRef<Path>, permissions: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::set_permissions(path, permissions)).await
}
