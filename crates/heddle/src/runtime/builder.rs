//! `Builder`: configures and creates a [`Runtime`].

use std::fmt;
use std::io;

use super::Runtime;

/// The scheduler a runtime uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    CurrentThread,
}

/// Configures and creates a [`Runtime`].
///
/// # Examples
///
/// ```
/// let runtime = heddle::Builder::new_current_thread()
///     .enable_all()
///     .event_interval(61)
///     .build()?;
/// assert_eq!(runtime.block_on(async { 1 + 1 }), 2);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Builder {
    flavor: Flavor,
    seed: Option<u64>,
    global_queue_interval: u32,
    event_interval: u32,
}

impl Builder {
    /// A builder for a runtime that runs every task on the thread that calls
    /// [`Runtime::block_on`]. Tasks run only while some thread is inside `block_on`.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new_current_thread() -> Builder {
        Builder {
            flavor: Flavor::CurrentThread,
            seed: None,
            global_queue_interval: heddle_executor_local::DEFAULT_GLOBAL_QUEUE_INTERVAL,
            event_interval: heddle_executor_local::DEFAULT_EVENT_INTERVAL,
        }
    }

    /// Enables every driver. heddle's runtime always carries its drivers, so this does
    /// nothing; it exists so that code written for tokio moves across unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().enable_all().build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn enable_all(&mut self) -> &mut Builder {
        self
    }

    /// Enables the I/O driver; see [`enable_all`](Builder::enable_all).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().enable_io().build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn enable_io(&mut self) -> &mut Builder {
        self
    }

    /// Enables the timer driver; see [`enable_all`](Builder::enable_all).
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().enable_time().build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn enable_time(&mut self) -> &mut Builder {
        self
    }

    /// Shuffles the order in which ready tasks run, reproducibly: the same seed and the same
    /// program give the same order. For tests that hunt ordering bugs; the default is FIFO.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().seed(42).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn seed(&mut self, seed: u64) -> &mut Builder {
        self.seed = Some(seed);
        self
    }

    /// How many task polls pass between two checks of the queue of tasks spawned or woken
    /// from other threads. Default 31; must be at least 1.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().global_queue_interval(16).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn global_queue_interval(&mut self, polls: u32) -> &mut Builder {
        self.global_queue_interval = polls;
        self
    }

    /// How many task polls pass between two non-blocking polls for I/O and timer events.
    /// Default 61; must be at least 1.
    ///
    /// # Examples
    ///
    /// ```
    /// let runtime = heddle::Builder::new_current_thread().event_interval(128).build()?;
    /// # drop(runtime);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn event_interval(&mut self, polls: u32) -> &mut Builder {
        self.event_interval = polls;
        self
    }

    /// Creates the runtime.
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] with a message naming the setting when a setting is
    /// out of range (a zero interval); the OS error when the I/O driver cannot be created
    /// (for example, no file descriptors left).
    ///
    /// # Examples
    ///
    /// ```
    /// let err = heddle::Builder::new_current_thread().event_interval(0).build().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// assert!(err.to_string().contains("event_interval"));
    /// ```
    pub fn build(&mut self) -> io::Result<Runtime> {
        if self.global_queue_interval == 0 {
            return Err(invalid("global_queue_interval must be at least 1"));
        }
        if self.event_interval == 0 {
            return Err(invalid("event_interval must be at least 1"));
        }
        match self.flavor {
            Flavor::CurrentThread => {
                let mut executor = heddle_executor_local::Builder::new()
                    .global_queue_interval(self.global_queue_interval)
                    .event_interval(self.event_interval);
                if let Some(seed) = self.seed {
                    executor = executor.seed(seed);
                }
                Runtime::current_thread(executor)
            }
        }
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("heddle::Builder: {message}"),
    )
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("flavor", &self.flavor)
            .field("seed", &self.seed)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .finish()
    }
}
