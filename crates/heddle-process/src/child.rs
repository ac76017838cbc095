//! [`Child`]: a spawned process, its pipes, and waiting for or killing it;
//! `tokio::process::Child`.

use std::io;
use std::process::{ExitStatus, Output};

use futures_lite::future::try_zip;
use tokio::io::AsyncReadExt;

use crate::reaper;
use crate::{ChildStderr, ChildStdin, ChildStdout};

/// A child process, from [`Command::spawn`](crate::Command::spawn); `tokio::process::Child`.
///
/// Dropping it does not kill the process (unless [`kill_on_drop`] was set) and does not
/// wait; a child that has not exited yet is reaped in the background.
///
/// [`kill_on_drop`]: crate::Command::kill_on_drop
///
/// # Examples
///
/// ```
/// futures::executor::block_on(async {
///     let mut child = heddle_process::Command::new("sh").args(["-c", "exit 3"]).spawn()?;
///     assert_eq!(child.wait().await?.code(), Some(3));
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Child {
    /// `None` once the process has been reaped.
    child: Option<std::process::Child>,
    /// The exit status, once known.
    status: Option<ExitStatus>,
    kill_on_drop: bool,
    /// The child's stdin, when piped.
    pub stdin: Option<ChildStdin>,
    /// The child's stdout, when piped.
    pub stdout: Option<ChildStdout>,
    /// The child's stderr, when piped.
    pub stderr: Option<ChildStderr>,
}

impl Child {
    pub(crate) fn new(mut child: std::process::Child, kill_on_drop: bool) -> io::Result<Child> {
        let stdin = child.stdin.take().map(ChildStdin::from_std).transpose()?;
        let stdout = child.stdout.take().map(ChildStdout::from_std).transpose()?;
        let stderr = child.stderr.take().map(ChildStderr::from_std).transpose()?;
        Ok(Child {
            child: Some(child),
            status: None,
            kill_on_drop,
            stdin,
            stdout,
            stderr,
        })
    }

    /// The process id, or `None` once the child has been reaped (its id may be reused).
    ///
    /// # Examples
    ///
    /// ```
    /// futures::executor::block_on(async {
    ///     let mut child = heddle_process::Command::new("true").spawn()?;
    ///     assert!(child.id().is_some());
    ///     child.wait().await?;
    ///     assert!(child.id().is_none());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn id(&self) -> Option<u32> {
        match (&self.child, self.status) {
            (Some(child), None) => Some(child.id()),
            _ => None,
        }
    }

    /// Waits for the child to exit; closes its stdin first, so a child reading it to the
    /// end can finish. Cancel safe.
    ///
    /// # Errors
    ///
    /// If neither the child's pidfd nor `SIGCHLD` can be waited on, or `waitpid(2)` fails.
    ///
    /// # Examples
    ///
    /// ```
    /// futures::executor::block_on(async {
    ///     let status = heddle_process::Command::new("true").spawn()?.wait().await?;
    ///     assert!(status.success());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        if let Some(status) = self.status {
            return Ok(status);
        }
        let child = self
            .child
            .as_mut()
            .expect("a child is kept until it is reaped");
        let status = reaper::wait(child).await?;
        self.status = Some(status);
        Ok(status)
    }

    /// The exit status if the child has exited, without waiting.
    ///
    /// # Errors
    ///
    /// If `waitpid(2)` fails.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut child = heddle_process::Command::new("sleep").arg("10").spawn()?;
    /// assert!(child.try_wait()?.is_none());
    /// child.start_kill()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if let Some(status) = self.status {
            return Ok(Some(status));
        }
        let child = self
            .child
            .as_mut()
            .expect("a child is kept until it is reaped");
        self.status = child.try_wait()?;
        Ok(self.status)
    }

    /// Sends `SIGKILL` without waiting for the exit.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the child has been reaped already, or what `kill(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// futures::executor::block_on(async {
    ///     let mut child = heddle_process::Command::new("sleep").arg("10").spawn()?;
    ///     child.start_kill()?;
    ///     assert!(!child.wait().await?.success());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start_kill(&mut self) -> io::Result<()> {
        match (&mut self.child, self.status) {
            (Some(child), None) => child.kill(),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid argument: can't kill an exited process",
            )),
        }
    }

    /// Sends `SIGKILL` and waits for the exit.
    ///
    /// # Errors
    ///
    /// As [`start_kill`](Child::start_kill) and [`wait`](Child::wait).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// futures::executor::block_on(async {
    ///     let mut child = heddle_process::Command::new("sleep").arg("10").spawn()?;
    ///     child.kill().await?;
    ///     assert_eq!(child.wait().await?.signal(), Some(libc::SIGKILL));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await.map(drop)
    }

    /// Waits for the exit while reading stdout and stderr to their ends (those that are
    /// piped), and returns all three.
    ///
    /// # Errors
    ///
    /// As [`wait`](Child::wait), and a read error of either pipe.
    ///
    /// # Examples
    ///
    /// ```
    /// futures::executor::block_on(async {
    ///     let child = heddle_process::Command::new("echo")
    ///         .arg("hi")
    ///         .stdout(std::process::Stdio::piped())
    ///         .spawn()?;
    ///     let output = child.wait_with_output().await?;
    ///     assert_eq!(output.stdout, b"hi\n");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        let stdout = self.stdout.take();
        let stderr = self.stderr.take();
        let ((stdout, stderr), status) = try_zip(
            try_zip(read_to_end(stdout), read_to_end(stderr)),
            self.wait(),
        )
        .await?;
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }
}

/// Everything `pipe` gives until its end (nothing without a pipe).
async fn read_to_end(pipe: Option<impl tokio::io::AsyncRead + Unpin>) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_end(&mut bytes).await?;
    }
    Ok(bytes)
}

impl Drop for Child {
    fn drop(&mut self) {
        if self.status.is_some() {
            return;
        }
        let Some(mut child) = self.child.take() else {
            return;
        };
        if self.kill_on_drop {
            let _ = child.kill();
        }
        reaper::orphan(child);
    }
}
