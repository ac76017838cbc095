//! [`Command`]: what to run and how, over `std::process::Command`; `tokio::process::Command`.

use std::ffi::OsStr;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{ExitStatus, Output, Stdio};

use crate::Child;

/// A process to spawn: program, arguments, environment, working directory, stdio, and
/// `kill_on_drop`; `tokio::process::Command`. Every setter returns `&mut Command`.
///
/// # Examples
///
/// ```
/// futures::executor::block_on(async {
///     let output = heddle_process::Command::new("sh")
///         .arg("-c")
///         .arg("echo $GREETING")
///         .env("GREETING", "hello")
///         .output()
///         .await?;
///     assert_eq!(output.stdout, b"hello\n");
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Command {
    std: std::process::Command,
    kill_on_drop: bool,
    /// Whether stdin was set; `output` makes an unset one null, as std's does.
    stdin_set: bool,
}

impl Command {
    /// A command running `program` (looked up in `PATH` unless it is a path), with the
    /// parent's environment, working directory and stdio.
    ///
    /// # Examples
    ///
    /// ```
    /// let command = heddle_process::Command::new("ls");
    /// assert_eq!(command.as_std().get_program(), "ls");
    /// ```
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command::from(std::process::Command::new(program))
    }

    /// The std command underneath.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut command = heddle_process::Command::new("ls");
    /// command.arg("-l");
    /// assert_eq!(command.as_std().get_args().count(), 1);
    /// ```
    pub fn as_std(&self) -> &std::process::Command {
        &self.std
    }

    /// The std command underneath, for settings this type does not wrap.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut command = heddle_process::Command::new("ls");
    /// command.as_std_mut().arg("-a");
    /// ```
    pub fn as_std_mut(&mut self) -> &mut std::process::Command {
        &mut self.std
    }

    /// The std command, with this command's settings (`kill_on_drop` has no std meaning).
    ///
    /// # Examples
    ///
    /// ```
    /// let std: std::process::Command = heddle_process::Command::new("ls").into_std();
    /// # drop(std);
    /// ```
    pub fn into_std(self) -> std::process::Command {
        self.std
    }

    /// Adds one argument.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("ls").arg("-l");
    /// ```
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("ls").args(["-l", "-a"]);
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("env").env("KEY", "value");
    /// ```
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Command {
        self.std.env(key, value);
        self
    }

    /// Sets environment variables.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("env").envs([("A", "1"), ("B", "2")]);
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes an environment variable.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("env").env_remove("HOME");
    /// ```
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Starts from an empty environment.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("env").env_clear();
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// The child's working directory.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("ls").current_dir("/");
    /// ```
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// The child's stdin (`Stdio::piped()` gives [`Child::stdin`]).
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("cat").stdin(std::process::Stdio::piped());
    /// ```
    pub fn stdin(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stdin(cfg);
        self.stdin_set = true;
        self
    }

    /// The child's stdout (`Stdio::piped()` gives [`Child::stdout`]).
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("ls").stdout(std::process::Stdio::piped());
    /// ```
    pub fn stdout(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// The child's stderr (`Stdio::piped()` gives [`Child::stderr`]).
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("ls").stderr(std::process::Stdio::null());
    /// ```
    pub fn stderr(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether dropping the [`Child`] before it exits kills it (default: no, as tokio).
    ///
    /// # Examples
    ///
    /// ```
    /// futures::executor::block_on(async {
    ///     let child = heddle_process::Command::new("sleep").arg("60").kill_on_drop(true).spawn()?;
    ///     drop(child); // killed, and reaped in the background
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// The child's user id.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("id").uid(0);
    /// ```
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.std.uid(id);
        self
    }

    /// The child's group id.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("id").gid(0);
    /// ```
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.std.gid(id);
        self
    }

    /// The child's process group: 0 makes it the leader of a new group.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("sleep").arg("1").process_group(0);
    /// ```
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.std.process_group(pgroup);
        self
    }

    /// The child's `argv[0]`, instead of the program.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_process::Command::new("sh").arg0("renamed");
    /// ```
    pub fn arg0(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.std.arg0(arg);
        self
    }

    /// Schedules `f` to run in the child just before `exec`;
    /// `tokio::process::Command::pre_exec`, passed to std's `CommandExt::pre_exec`.
    ///
    /// An `Err` from `f` stops the spawn: no later closure runs, the program is not executed,
    /// and [`spawn`](Command::spawn) returns an error with the same OS error code. Several
    /// closures run in the order they were added.
    ///
    /// # Safety
    ///
    /// `f` runs in the child after `fork`, while other threads of the parent may have held
    /// locks at the time of the fork: it must only do what is async-signal-safe (no
    /// allocation, no locks), and must not break the invariants of libraries over the
    /// descriptors and memory the child inherited. Its changes to memory are not seen by the
    /// parent. The child's stdio and working directory are already set when it runs.
    ///
    /// # Examples
    ///
    /// ```
    /// futures::executor::block_on(async {
    ///     let mut command = heddle_process::Command::new("sh");
    ///     command.args(["-c", "umask"]);
    ///     // SAFETY: umask(2) is async-signal-safe; the closure allocates nothing.
    ///     unsafe {
    ///         command.pre_exec(|| {
    ///             libc::umask(0o077);
    ///             Ok(())
    ///         })
    ///     };
    ///     let output = command.output().await?;
    ///     assert_eq!(output.stdout, b"0077\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[allow(unsafe_code)]
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // std's `pre_exec` has the same contract as this function (see `# Safety`).
        // SAFETY: this function's caller upholds that contract for `f`.
        unsafe { self.std.pre_exec(f) };
        self
    }

    /// The program.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(heddle_process::Command::new("ls").get_program(), "ls");
    /// ```
    pub fn get_program(&self) -> &OsStr {
        self.std.get_program()
    }

    /// The arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut command = heddle_process::Command::new("ls");
    /// command.arg("-l");
    /// assert_eq!(command.get_args().collect::<Vec<_>>(), ["-l"]);
    /// ```
    pub fn get_args(&self) -> std::process::CommandArgs<'_> {
        self.std.get_args()
    }

    /// The environment changes set on this command.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut command = heddle_process::Command::new("env");
    /// command.env("A", "1");
    /// assert_eq!(command.get_envs().count(), 1);
    /// ```
    pub fn get_envs(&self) -> std::process::CommandEnvs<'_> {
        self.std.get_envs()
    }

    /// The working directory set, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_process::Command::new("ls").get_current_dir().is_none());
    /// ```
    pub fn get_current_dir(&self) -> Option<&Path> {
        self.std.get_current_dir()
    }

    /// Whether [`kill_on_drop`](Command::kill_on_drop) is set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!heddle_process::Command::new("ls").get_kill_on_drop());
    /// ```
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// Starts the process; piped stdio is registered with the current reactor.
    ///
    /// # Errors
    ///
    /// What `std::process::Command::spawn` reports (`NotFound` for a missing program,
    /// `PermissionDenied`...), or a failure to register a pipe.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = heddle_process::Command::new("/no/such/program").spawn().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// ```
    pub fn spawn(&mut self) -> io::Result<Child> {
        let child = self.std.spawn()?;
        Child::new(child, self.kill_on_drop)
    }

    /// Runs the process to its end with the stdio as set, returning its exit status.
    ///
    /// # Errors
    ///
    /// As [`spawn`](Command::spawn) and [`Child::wait`].
    ///
    /// # Examples
    ///
    /// ```
    /// futures::executor::block_on(async {
    ///     let status = heddle_process::Command::new("false").status().await?;
    ///     assert_eq!(status.code(), Some(1));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn status(&mut self) -> io::Result<ExitStatus> {
        let mut child = self.spawn()?;
        child.wait().await
    }

    /// Runs the process to its end capturing stdout and stderr; stdin is null unless set.
    ///
    /// # Errors
    ///
    /// As [`spawn`](Command::spawn) and [`Child::wait_with_output`].
    ///
    /// # Examples
    ///
    /// ```
    /// futures::executor::block_on(async {
    ///     let output = heddle_process::Command::new("echo").arg("x").output().await?;
    ///     assert!(output.status.success());
    ///     assert_eq!(output.stdout, b"x\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn output(&mut self) -> io::Result<Output> {
        if !self.stdin_set {
            self.std.stdin(Stdio::null());
        }
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        self.spawn()?.wait_with_output().await
    }
}

impl From<std::process::Command> for Command {
    fn from(std: std::process::Command) -> Command {
        Command {
            std,
            kill_on_drop: false,
            stdin_set: false,
        }
    }
}
