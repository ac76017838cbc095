//! [`Tracked`]: a task's future plus its [`Entry`] in the executor's registry.
//!
//! The entry removes the task from the registry when the future is dropped (the future is
//! declared first, so it is dropped first). `Tracked` also notices a panic that unwinds out of
//! the future's `poll`: a drop guard, forgotten when `poll` returns (a poll that does not panic
//! pays nothing), tells the executor through [`Host::on_task_panic`] while the panic unwinds;
//! the task harness catches the panic right after and gives it to the `JoinHandle`.

use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll};

use crate::Registry;

/// What a task's [`Entry`] needs from the executor that spawned it.
///
/// # Examples
///
/// ```
/// use heddle_executor_core::{Host, Registry};
///
/// struct Executor {
///     registry: Registry<usize>,
/// }
///
/// impl Host for Executor {
///     type Extra = usize; // say, how many `!Send` tasks are alive
///     fn registry(&self) -> &Registry<usize> {
///         &self.registry
///     }
///     fn on_task_panic(&self) {}
///     fn on_remove(extra: &mut usize, local: bool) {
///         *extra -= usize::from(local);
///     }
/// }
/// # let _ = Executor { registry: Registry::new(1) };
/// ```
pub trait Host: Sync {
    /// The per-shard data of the executor's registry.
    type Extra;

    /// The registry the executor's tasks are entered in.
    fn registry(&self) -> &Registry<Self::Extra>;

    /// Called while a panic unwinds out of a task's poll. Must not panic, and must take only
    /// locks that are never held while a task runs.
    fn on_task_panic(&self);

    /// Called under the shard's lock when a task leaves the registry; `local` is what the
    /// task's [`Entry`] was created with.
    fn on_remove(extra: &mut Self::Extra, local: bool) {
        let _ = (extra, local);
    }
}

/// High bit of `Entry::shard`: the task was spawned as `!Send`.
const LOCAL: u32 = 1 << 31;

/// Removes a task from its executor's registry when its future is dropped.
///
/// 16 bytes: one lives in every task's future.
///
/// # Examples
///
/// See the crate docs.
pub struct Entry<H: Host> {
    /// # Invariant
    ///
    /// Points to a live `H`: the entry lives inside the task's future, and the caller of
    /// [`Entry::new`] promised that the task's scheduler (in the same allocation, dropped only
    /// after the future) keeps the `H` alive.
    host: NonNull<H>,
    /// The shard index, with [`LOCAL`] or-ed in for a `!Send` task.
    shard: u32,
    key: u32,
}

// `Entry` only reaches `H` through `&`, and `H: Sync`.
// SAFETY: so sending the pointer is as safe as sending the `Arc<H>` it borrows from.
unsafe impl<H: Host> Send for Entry<H> {}

impl<H: Host> Entry<H> {
    /// An entry for the task under `key` in shard `shard` of `host`'s registry; `local` is
    /// passed to [`Host::on_remove`].
    ///
    /// # Safety
    ///
    /// `host` must outlive the task whose future holds this entry: typically the task's
    /// scheduler holds an `Arc` to it (async-task drops the scheduler after the future).
    ///
    /// # Panics
    ///
    /// If `shard` is 2^31 or more, or `key` 2^32 or more.
    ///
    /// # Examples
    ///
    /// See the crate docs.
    pub unsafe fn new(host: &H, shard: usize, key: usize, local: bool) -> Entry<H> {
        let shard = u32::try_from(shard)
            .ok()
            .filter(|shard| shard & LOCAL == 0)
            .expect("fewer than 2^31 registry shards");
        Entry {
            host: NonNull::from(host),
            shard: shard | if local { LOCAL } else { 0 },
            key: u32::try_from(key).expect("fewer than 2^32 live tasks in one registry shard"),
        }
    }

    fn host(&self) -> &H {
        // SAFETY: the field invariant, promised by the caller of `Entry::new`.
        unsafe { self.host.as_ref() }
    }
}

impl<H: Host> Drop for Entry<H> {
    fn drop(&mut self) {
        let waker = {
            let mut shard = self.host().registry().shard((self.shard & !LOCAL) as usize);
            H::on_remove(&mut shard.extra, self.shard & LOCAL != 0);
            shard.remove(self.key as usize)
        };
        // Dropped outside the lock.
        drop(waker);
    }
}

pin_project_lite::pin_project! {
    /// A task's future plus its registry [`Entry`]; see the module docs.
    ///
    /// # Examples
    ///
    /// See the crate docs.
    pub struct Tracked<F, H: Host> {
        #[pin]
        future: F,
        entry: Entry<H>,
    }
}

impl<F, H: Host> Tracked<F, H> {
    /// Wraps `future` with its `entry`.
    ///
    /// # Examples
    ///
    /// See the crate docs.
    pub fn new(future: F, entry: Entry<H>) -> Tracked<F, H> {
        Tracked { future, entry }
    }
}

impl<F: Future, H: Host> Future for Tracked<F, H> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let unwinding = PanicGuard(this.entry);
        let poll = this.future.poll(cx);
        // The poll returned: nothing to report.
        mem::forget(unwinding);
        poll
    }
}

/// Dropped only while a panic unwinds out of a task's poll (see the module docs).
struct PanicGuard<'a, H: Host>(&'a Entry<H>);

impl<H: Host> Drop for PanicGuard<'_, H> {
    fn drop(&mut self) {
        self.0.host().on_task_panic();
    }
}
