//! [`TaskInfo`]: what an executor can tell about one of its tasks without running it (the
//! id, the name and the spawn location), read through a waker the executor already holds.
//!
//! Executors keep a waker of every live task (to reach idle tasks at shutdown); this module
//! lets them list those tasks, for runtime dumps, without storing anything more per task.
//! It is not a way to look inside a task: nothing here touches the task's future, its state
//! or its await points.
//!
//! # How a waker leads to the metadata
//!
//! async-task builds every waker of a task from the task's pointer, which is the start of
//! the task's allocation, where async-task keeps its header; the header holds the task's
//! [`TaskMeta`]. The header's type depends on the metadata type alone (not on the future,
//! its output or the scheduler), so the metadata sits at the same offset from the waker's
//! data pointer in every heddle task. [`meta_offset`] measures that offset once, on a probe
//! task. This relies on how async-task 4.7 lays out a task (the workspace pins `~4.7.1`);
//! the tests below check it for futures of several sizes and alignments, and run under miri.

use std::fmt;
use std::panic::Location;
use std::ptr;
use std::sync::OnceLock;
use std::task::Waker;

use crate::meta::TaskMeta;
use crate::Id;

/// A task's id, name and spawn location, copied out of the task.
///
/// Executors get one through [`TaskInfo::from_waker`] from a waker of the task; anyone
/// holding a [`Runnable`](crate::Runnable) gets one from [`Runnable::info`](crate::Runnable::info).
///
/// # Examples
///
/// ```
/// use heddle_task::{Builder, Runnable};
///
/// let (runnable, handle) = Builder::new().name("parser").spawn(async {}, |_: Runnable| {});
/// let info = runnable.info();
/// assert_eq!(info.id(), handle.id());
/// assert_eq!(info.name(), Some("parser"));
/// assert_eq!(info.location().file(), file!());
/// # drop(runnable);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TaskInfo {
    id: Id,
    name: Option<Box<str>>,
    location: &'static Location<'static>,
}

impl TaskInfo {
    /// Copies what `meta` records.
    pub(crate) fn from_meta(meta: &TaskMeta) -> TaskInfo {
        TaskInfo {
            id: meta.id(),
            name: meta.name.as_deref().map(|name| Box::from(&**name)),
            location: meta.location,
        }
    }

    /// Reads the id, name and spawn location of the task that `waker` wakes. Returns `None`
    /// for a waker whose data pointer is null (such as [`Waker::noop`], which executors use
    /// as a placeholder): no task's waker has one.
    ///
    /// Reading runs no code of the task: no waker is cloned, woken or dropped, and the task's
    /// future is not touched.
    ///
    /// # Safety
    ///
    /// `waker` must be a waker created by this crate for a task (one returned by
    /// [`Runnable::waker`](crate::Runnable::waker), or a clone of one), or have a null data
    /// pointer. Any other waker (one built by another executor, or one a future wraps around
    /// its task's waker) is read as if it pointed to a task: undefined behaviour.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_task::{Builder, Runnable, TaskInfo};
    /// use std::task::Waker;
    ///
    /// let (runnable, _handle) = Builder::new().name("reader").spawn(async {}, |_: Runnable| {});
    /// let waker = runnable.waker();
    /// // SAFETY: `waker` comes from `Runnable::waker`.
    /// let info = unsafe { TaskInfo::from_waker(&waker) }.unwrap();
    /// assert_eq!(info.name(), Some("reader"));
    /// // SAFETY: the no-op waker has a null data pointer.
    /// assert!(unsafe { TaskInfo::from_waker(Waker::noop()) }.is_none());
    /// # drop(runnable);
    /// ```
    pub unsafe fn from_waker(waker: &Waker) -> Option<TaskInfo> {
        let data = waker.data();
        if data.is_null() {
            return None;
        }
        // 1. The caller promises `waker` is a task waker of this crate, so `data` is the
        //    pointer async-task built it from: the start of the task's allocation, with that
        //    allocation's provenance, where the header (holding a `TaskMeta`) lives.
        // 2. `meta_offset` is where the `TaskMeta` sits in that header, the same for every
        //    task (see the module docs), so the pointer below is in bounds and aligned.
        // 3. `waker` holds a reference count on the task, so the allocation, and with it the
        //    metadata, lives at least as long as the borrow of `waker`; the metadata is only
        //    read (its id word is atomic, its name and location never change after spawn).
        // SAFETY: so the pointer is valid for a shared borrow of a live `TaskMeta`.
        let meta = unsafe { &*data.cast::<u8>().add(meta_offset()).cast::<TaskMeta>() };
        Some(TaskInfo::from_meta(meta))
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, handle) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// assert_eq!(runnable.info().id(), handle.id());
    /// # drop(runnable);
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    /// The task's name, if it was given one with [`Builder::name`](crate::Builder::name).
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let (runnable, _) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// assert_eq!(runnable.info().name(), None);
    /// # drop(runnable);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Where the task was spawned.
    ///
    /// # Examples
    ///
    /// ```
    /// # use heddle_task::{Builder, Runnable};
    /// let line = line!() + 1;
    /// let (runnable, _) = Builder::new().spawn(async {}, |_: Runnable| {});
    /// assert_eq!(runnable.info().location().line(), line);
    /// # drop(runnable);
    /// ```
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }
}

impl fmt::Debug for TaskInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskInfo")
            .field("id", &self.id)
            .field("name", &self.name())
            .field("location", &self.location)
            .finish()
    }
}

/// How far a task's `TaskMeta` lies from the start of its allocation (the data pointer of
/// its wakers). Measured once, on a probe task; see the module docs.
fn meta_offset() -> usize {
    static OFFSET: OnceLock<usize> = OnceLock::new();
    *OFFSET.get_or_init(|| {
        let meta = TaskMeta::new(None, Location::caller());
        let (runnable, task) = async_task::Builder::new().metadata(meta).spawn(
            |_: &TaskMeta| async {},
            |_: async_task::Runnable<TaskMeta>| {},
        );
        let waker = runnable.waker();
        let offset = ptr::from_ref(runnable.metadata()).addr() - waker.data().addr();
        drop(waker);
        // Cancels the probe: its future is dropped without being polled.
        drop(runnable);
        drop(task);
        offset
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Builder, Runnable};

    #[repr(align(64))]
    struct Aligned([u8; 64]);

    fn check<F>(future: F, name: Option<&str>)
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let builder = match name {
            Some(name) => Builder::new().name(name),
            None => Builder::new(),
        };
        let (runnable, handle) = builder.spawn(future, |_: Runnable| {});
        let waker = runnable.waker();
        // SAFETY: `waker` comes from `Runnable::waker`.
        let info = unsafe { TaskInfo::from_waker(&waker) }.expect("a task waker");
        assert_eq!(info.id(), handle.id());
        assert_eq!(info.name(), name);
        assert_eq!(info.location(), runnable.location());
        assert_eq!(info, runnable.info());
        drop(runnable);
        drop(waker);
    }

    #[test]
    fn reads_the_metadata_whatever_the_future() {
        check(async {}, None);
        check(async { 1u8 }, Some("small"));
        let big = [7u8; 4096];
        check(async move { big.len() }, Some("big"));
        let aligned = Aligned([1; 64]);
        check(async move { aligned.0[0] }, Some("aligned"));
        check(
            async {
                crate::yield_now().await;
                Aligned([2; 64])
            },
            None,
        );
    }

    #[test]
    fn reads_through_a_clone_from_another_thread() {
        let (runnable, handle) = Builder::new()
            .name("far")
            .spawn(std::future::pending::<()>(), |_: Runnable| {});
        let waker = runnable.waker();
        let info = std::thread::spawn(move || {
            // SAFETY: a clone of a waker from `Runnable::waker`.
            unsafe { TaskInfo::from_waker(&waker.clone()) }
        })
        .join()
        .unwrap()
        .expect("a task waker");
        assert_eq!(info.id(), handle.id());
        assert_eq!(info.name(), Some("far"));
        drop(runnable);
    }

    #[test]
    fn a_null_waker_is_no_task() {
        // SAFETY: the no-op waker's data pointer is null.
        assert!(unsafe { TaskInfo::from_waker(Waker::noop()) }.is_none());
    }
}
