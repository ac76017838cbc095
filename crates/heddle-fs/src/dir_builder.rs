//! [`DirBuilder`]: directory creation with options (recursive, Unix mode), as
//! `tokio::fs::DirBuilder`.

use std::io;
use std::path::Path;

use crate::asyncify;

/// Creates directories with options; `tokio::fs::DirBuilder`.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let dir = std::env::temp_dir().join(format!("heddle-fs-db-{}", std::process::id()));
/// heddle_fs::DirBuilder::new().recursive(true).create(dir.join("a/b")).await?;
/// assert!(heddle_fs::metadata(dir.join("a/b")).await?.is_dir());
/// # heddle_fs::remove_dir_all(&dir).await
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct DirBuilder {
    recursive: bool,
    #[cfg(unix)]
    mode: Option<u32>,
}

impl DirBuilder {
    /// A builder that creates one directory, with the default mode.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = heddle_fs::DirBuilder::new();
    /// # drop(builder);
    /// ```
    pub fn new() -> DirBuilder {
        DirBuilder::default()
    }

    /// Whether missing parents are created too (and an existing directory is not an error).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = heddle_fs::DirBuilder::new();
    /// builder.recursive(true);
    /// ```
    pub fn recursive(&mut self, recursive: bool) -> &mut DirBuilder {
        self.recursive = recursive;
        self
    }

    /// The permission bits of directories created (before the umask); Unix only.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = heddle_fs::DirBuilder::new();
    /// builder.mode(0o700);
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut DirBuilder {
        self.mode = Some(mode);
        self
    }

    /// Creates `path` with these options.
    ///
    /// # Errors
    ///
    /// What `std::fs::DirBuilder::create` reports: `AlreadyExists` when not recursive and the
    /// directory exists, `NotFound` when a parent is missing and not recursive.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let err = heddle_fs::DirBuilder::new().create("/no/such/parent/x").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # })
    /// ```
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref().to_owned();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(self.recursive);
        #[cfg(unix)]
        if let Some(mode) = self.mode {
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
        }
        asyncify(move || builder.create(path)).await
    }
}
