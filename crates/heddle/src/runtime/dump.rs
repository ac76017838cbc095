//! Task dumps: which tasks a runtime has, as tokio's `tokio::runtime::dump` names them.
//!
//! [`Handle::dump`](super::Handle::dump) (or [`Runtime::dump`](super::Runtime::dump)) lists
//! every live task of the runtime (spawned and not yet finished: idle, scheduled or running)
//! with its [id](Task::id), [name](Task::name) and [spawn location](Task::location).
//! A task's [`Trace`] prints those.
//!
//! What a dump is not: heddle does not capture await-point backtraces. tokio's
//! `taskdump` feature re-polls every task in a tracing mode to record where each one is
//! suspended; heddle never polls a task for a dump and records nothing while tasks run, so a
//! [`Trace`] says which task it is and where it was spawned, not where it is waiting.
//! [`spawn_blocking`](crate::spawn_blocking) closures are not tasks of the runtime's
//! executor and are not listed.
//!
//! Taking a dump locks the runtime's task registry briefly (never while a task runs, so it
//! works from inside a task), copies the metadata out, and runs no task code: no waker is
//! woken or dropped, no future polled. It needs no memory per task beyond what the runtime
//! keeps anyway.
//!
//! # Examples
//!
//! ```
//! let runtime = heddle::Builder::new_current_thread().build()?;
//! let task = heddle::task::Builder::new()
//!     .name("listener")
//!     .spawn_on(std::future::pending::<()>(), runtime.handle())?;
//! let dump = runtime.dump();
//! for task in dump.tasks() {
//!     println!("{}", task.trace());
//! }
//! assert_eq!(dump.tasks().iter().next().unwrap().id(), task.id());
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fmt;
use std::future::{IntoFuture, Ready};
use std::panic::Location;

use heddle_task::TaskInfo;

use crate::task::Id;

/// A snapshot of a runtime's live tasks.
///
/// [`Handle::dump`](super::Handle::dump) returns it at once. Like tokio's (an `async fn`),
/// it can also be awaited: `Dump` is [`IntoFuture`], ready immediately with itself.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Runtime::new()?;
/// runtime.block_on(async {
///     let dump = heddle::runtime::Handle::current().dump().await;
///     // The future passed to `block_on` is not a spawned task.
///     assert!(dump.tasks().is_empty());
/// });
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Dump {
    tasks: Tasks,
}

impl Dump {
    /// Builds a dump from the executor's task list, sorted by id.
    pub(crate) fn new(infos: Vec<TaskInfo>) -> Dump {
        let mut tasks: Vec<Task> = infos
            .into_iter()
            .map(|info| Task {
                trace: Trace { info },
            })
            .collect();
        tasks.sort_by_key(Task::id);
        Dump {
            tasks: Tasks { tasks },
        }
    }

    /// The tasks in the dump.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.spawn(std::future::pending::<()>());
    /// assert_eq!(runtime.dump().tasks().len(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn tasks(&self) -> &Tasks {
        &self.tasks
    }
}

impl IntoFuture for Dump {
    type Output = Dump;
    type IntoFuture = Ready<Dump>;

    /// A future that is ready at once with this dump, so that `handle.dump().await` reads as
    /// it does with tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let dump = runtime.block_on(async { runtime.handle().dump().await });
    /// assert!(dump.tasks().is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    fn into_future(self) -> Ready<Dump> {
        std::future::ready(self)
    }
}

/// The tasks of a [`Dump`], in increasing order of id.
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.spawn(std::future::pending::<()>());
/// runtime.spawn(std::future::pending::<()>());
/// let dump = runtime.dump();
/// let tasks = dump.tasks();
/// assert_eq!(tasks.len(), 2);
/// for task in tasks {
///     println!("task {}", task.id());
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tasks {
    tasks: Vec<Task>,
}

impl Tasks {
    /// Iterates over the tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let handle = runtime.spawn(std::future::pending::<()>());
    /// let dump = runtime.dump();
    /// let ids: Vec<_> = dump.tasks().iter().map(|task| task.id()).collect();
    /// assert_eq!(ids, [handle.id()]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, Task> {
        self.tasks.iter()
    }

    /// How many tasks the dump holds.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// assert_eq!(runtime.dump().tasks().len(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether the dump holds no task.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// assert!(runtime.dump().tasks().is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

impl<'a> IntoIterator for &'a Tasks {
    type Item = &'a Task;
    type IntoIter = std::slice::Iter<'a, Task>;

    /// Iterates over the tasks, as [`Tasks::iter`].
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.spawn(std::future::pending::<()>());
    /// let dump = runtime.dump();
    /// let mut count = 0;
    /// for _task in dump.tasks() {
    ///     count += 1;
    /// }
    /// assert_eq!(count, 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    fn into_iter(self) -> std::slice::Iter<'a, Task> {
        self.tasks.iter()
    }
}

/// One live task of a [`Dump`].
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let handle = heddle::task::Builder::new()
///     .name("worker")
///     .spawn_on(std::future::pending::<()>(), runtime.handle())?;
/// let dump = runtime.dump();
/// let task = dump.tasks().iter().next().unwrap();
/// assert_eq!(task.id(), handle.id());
/// assert_eq!(task.name(), Some("worker"));
/// assert_eq!(task.location().file(), file!());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Task {
    trace: Trace,
}

impl Task {
    /// The task's id, as [`JoinHandle::id`](crate::task::JoinHandle::id) and
    /// [`task::id`](crate::task::id) give it.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let handle = runtime.spawn(std::future::pending::<()>());
    /// assert_eq!(runtime.dump().tasks().iter().next().unwrap().id(), handle.id());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn id(&self) -> Id {
        self.trace.info.id()
    }

    /// The task's name, if it was spawned with one
    /// ([`task::Builder::name`](crate::task::Builder::name)).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.spawn(std::future::pending::<()>());
    /// assert_eq!(runtime.dump().tasks().iter().next().unwrap().name(), None);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.trace.info.name()
    }

    /// Where the task was spawned: the caller of the spawn function.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// let line = line!() + 1;
    /// runtime.spawn(std::future::pending::<()>());
    /// let dump = runtime.dump();
    /// let location = dump.tasks().iter().next().unwrap().location();
    /// assert_eq!((location.file(), location.line()), (file!(), line));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn location(&self) -> &'static Location<'static> {
        self.trace.info.location()
    }

    /// What is known of the task, printable: see [`Trace`].
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// runtime.spawn(std::future::pending::<()>());
    /// let dump = runtime.dump();
    /// let trace = dump.tasks().iter().next().unwrap().trace().to_string();
    /// assert!(trace.contains("spawned at"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
}

/// What a dump knows about a task, for printing: its id, its name if it has one, and where
/// it was spawned.
///
/// heddle does not capture await-point backtraces: unlike tokio's task dumps, a `Trace`
/// does not say where the task is suspended, only which task it is and where it was
/// spawned (see the [module docs](self)). It prints as
/// `task 12 "name" spawned at src/main.rs:10:5` (without the quoted name for an unnamed
/// task).
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// let handle = heddle::task::Builder::new()
///     .name("ticker")
///     .spawn_on(std::future::pending::<()>(), runtime.handle())?;
/// let dump = runtime.dump();
/// let trace = dump.tasks().iter().next().unwrap().trace().to_string();
/// assert!(trace.starts_with(&format!("task {} \"ticker\" spawned at ", handle.id())));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Trace {
    info: TaskInfo,
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {}", self.info.id())?;
        if let Some(name) = self.info.name() {
            write!(f, " {name:?}")?;
        }
        write!(f, " spawned at {}", self.info.location())
    }
}
