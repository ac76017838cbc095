//! What a runtime says about itself: its [`Id`], its name ([`Builder::name`]) and its
//! [`RuntimeFlavor`]; tokio's `runtime::Id`, `Handle::name` and `Handle::runtime_flavor`.
//!
//! [`Builder::name`]: super::Builder::name

use std::fmt;
use std::num::NonZeroU64;

use heddle_loom::unmodelled::{AtomicU64, Ordering};

use super::{Flavor, Handle};

/// A runtime's id: unique among the runtimes of this process; `tokio::runtime::Id`.
///
/// # Examples
///
/// ```
/// let a = heddle::Builder::new_current_thread().build()?;
/// let b = heddle::Builder::new_current_thread().build()?;
/// assert_ne!(a.handle().id(), b.handle().id());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(NonZeroU64);

impl Id {
    /// The next unused id (runtimes and `LocalSet`s draw from the same count).
    pub(crate) fn next() -> Id {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        Id(NonZeroU64::new(id).expect("runtime ids start at 1 and do not wrap in practice"))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which scheduler a runtime has; `tokio::runtime::RuntimeFlavor`.
///
/// # Examples
///
/// ```
/// use heddle::runtime::RuntimeFlavor;
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// assert_eq!(runtime.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// Every task runs on the thread in `block_on` ([`Builder::new_current_thread`]).
    ///
    /// [`Builder::new_current_thread`]: super::Builder::new_current_thread
    CurrentThread,
    /// Work-stealing worker threads (`Builder::new_multi_thread`).
    MultiThread,
}

impl Handle {
    /// This runtime's id.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let id = runtime.handle().id();
    /// assert_eq!(runtime.handle().clone().id(), id);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn id(&self) -> Id {
        self.inner.id
    }

    /// The name given with [`Builder::name`](super::Builder::name), if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().name("ingest").build()?;
    /// assert_eq!(runtime.handle().name(), Some("ingest"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    /// Which scheduler this runtime has.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle::runtime::RuntimeFlavor;
    ///
    /// let runtime = heddle::Runtime::new()?;
    /// assert_eq!(runtime.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        match self.inner.flavor() {
            Flavor::CurrentThread(_) => RuntimeFlavor::CurrentThread,
            #[cfg(feature = "rt-multi-thread")]
            Flavor::MultiThread(_) => RuntimeFlavor::MultiThread,
        }
    }
}
