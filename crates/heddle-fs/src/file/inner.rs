//! The state machine under a [`File`](crate::File): at most one blocking-pool job at a time
//! (a read ahead, a write behind, a seek, or an exclusive operation such as `set_len`), and
//! the bookkeeping that keeps the caller's view of the file position right across them.
//!
//! A finished job hands its buffer back. Read-ahead bytes the caller never took put the OS
//! position ahead of the caller's; the next write, seek or exclusive operation first seeks
//! back by that much. A failed write (which the caller was told had succeeded, since writes
//! complete in the background) is kept and reported by the next write, flush or shutdown.

use std::fs::File as StdFile;
use std::future::Future;
use std::io::{self, Seek, SeekFrom};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use heddle_task::JoinHandle;
use tokio::io::ReadBuf;

use super::buf::Buf;

/// What a finished job did.
pub(super) enum Operation {
    Read(io::Result<usize>),
    Write(io::Result<()>),
    Seek(io::Result<u64>),
    /// `set_len`, `sync_all`, `sync_data`: ordered after the jobs before them.
    Exclusive(io::Result<()>),
}

enum State {
    /// No job running. The buffer is `None` only while a method moves it into a job.
    Idle(Option<Buf>),
    Busy(JoinHandle<(Operation, Buf)>),
}

pub(super) struct Inner {
    state: State,
    /// A write that failed in the background, reported by the next write, flush or shutdown.
    write_error: Option<io::Error>,
    /// The position the last completed seek returned (what `poll_complete` reports when no
    /// seek is pending, as tokio's `File` does).
    pos: u64,
}

impl Inner {
    pub(super) fn new() -> Inner {
        Inner {
            state: State::Idle(Some(Buf::default())),
            write_error: None,
            pos: 0,
        }
    }

    pub(super) fn is_idle(&self) -> bool {
        matches!(self.state, State::Idle(_)) && self.write_error.is_none()
    }

    /// Waits for the running job, if any; `Ready(Ok(None))` when idle.
    fn poll_job(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Operation>>> {
        let State::Busy(job) = &mut self.state else {
            return Poll::Ready(Ok(None));
        };
        match ready!(Pin::new(job).poll(cx)) {
            Ok((operation, buf)) => {
                self.state = State::Idle(Some(buf));
                Poll::Ready(Ok(Some(operation)))
            }
            Err(error) => {
                self.state = State::Idle(Some(Buf::default()));
                Poll::Ready(Err(io::Error::other(format!(
                    "a file operation failed on the blocking pool: {error}"
                ))))
            }
        }
    }

    /// Moves the buffer out of an idle state to start a job with.
    fn take_buf(&mut self) -> Buf {
        match &mut self.state {
            State::Idle(slot) => slot.take().unwrap_or_default(),
            State::Busy(_) => unreachable!("a job is started only when the file is idle"),
        }
    }

    fn start(&mut self, job: impl FnOnce() -> (Operation, Buf) + Send + 'static) {
        self.state = State::Busy(heddle_blocking::unblock(job));
    }

    pub(super) fn poll_read(
        &mut self,
        std: &Arc<StdFile>,
        max_buf_size: usize,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if let State::Idle(slot) = &mut self.state {
                let buf = slot.get_or_insert_with(Buf::default);
                if !buf.is_empty() {
                    buf.copy_to(dst);
                    return Poll::Ready(Ok(()));
                }
                let mut buf = self.take_buf();
                buf.prepare_read(dst, max_buf_size);
                let std = Arc::clone(std);
                self.start(move || {
                    let result = buf.read_from(&*std);
                    (Operation::Read(result), buf)
                });
            }
            match ready!(self.poll_job(cx))? {
                Some(Operation::Read(result)) => {
                    result?;
                    if let State::Idle(Some(buf)) = &mut self.state {
                        buf.copy_to(dst);
                    }
                    // Zero bytes read is the end of the file: report it, do not read again.
                    return Poll::Ready(Ok(()));
                }
                Some(Operation::Write(Err(error))) => self.write_error = Some(error),
                Some(Operation::Seek(Ok(pos))) => self.pos = pos,
                _ => {}
            }
        }
    }

    pub(super) fn poll_write(
        &mut self,
        std: &Arc<StdFile>,
        max_buf_size: usize,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(error) = self.write_error.take() {
            return Poll::Ready(Err(error));
        }
        loop {
            if let State::Idle(_) = self.state {
                let mut buf = self.take_buf();
                let back = if buf.is_empty() {
                    0
                } else {
                    buf.discard_read()
                };
                let n = buf.copy_from(src, max_buf_size);
                let std = Arc::clone(std);
                self.start(move || {
                    let result = seek_back(&std, back).and_then(|()| buf.write_to(&*std));
                    if result.is_err() {
                        buf.discard_read();
                    }
                    (Operation::Write(result), buf)
                });
                return Poll::Ready(Ok(n));
            }
            match ready!(self.poll_job(cx))? {
                Some(Operation::Write(result)) => result?,
                Some(Operation::Seek(Ok(pos))) => self.pos = pos,
                _ => {}
            }
        }
    }

    /// Waits for the running job; reports a failed background write.
    pub(super) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(error) = self.write_error.take() {
            return Poll::Ready(Err(error));
        }
        match ready!(self.poll_job(cx))? {
            Some(Operation::Write(result)) => Poll::Ready(result),
            Some(Operation::Seek(Ok(pos))) => {
                self.pos = pos;
                Poll::Ready(Ok(()))
            }
            _ => Poll::Ready(Ok(())),
        }
    }

    /// Waits for the running job, keeping a write error for the next operation to report.
    pub(super) fn poll_settle(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let Err(error) = ready!(self.poll_flush(cx)) {
            self.write_error = Some(error);
        }
        Poll::Ready(())
    }

    pub(super) fn start_seek(&mut self, std: &Arc<StdFile>, mut pos: SeekFrom) -> io::Result<()> {
        if let State::Busy(_) = self.state {
            return Err(io::Error::other(
                "other file operation is pending, call poll_complete before start_seek",
            ));
        }
        let mut buf = self.take_buf();
        if !buf.is_empty() {
            let back = buf.discard_read();
            if let SeekFrom::Current(offset) = &mut pos {
                *offset += back;
            }
        }
        let std = Arc::clone(std);
        self.start(move || ((Operation::Seek((&*std).seek(pos))), buf));
        Ok(())
    }

    pub(super) fn poll_complete(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        loop {
            match ready!(self.poll_job(cx))? {
                None => return Poll::Ready(Ok(self.pos)),
                Some(Operation::Seek(result)) => {
                    if let Ok(pos) = result {
                        self.pos = pos;
                    }
                    return Poll::Ready(result);
                }
                Some(Operation::Write(Err(error))) => self.write_error = Some(error),
                _ => {}
            }
        }
    }

    /// Starts `f` as the next job, after seeking back over unread read-ahead bytes; the
    /// file must be idle ([`poll_settle`](Self::poll_settle) first).
    pub(super) fn start_exclusive(
        &mut self,
        std: &Arc<StdFile>,
        f: impl FnOnce(&StdFile) -> io::Result<()> + Send + 'static,
    ) {
        let mut buf = self.take_buf();
        let back = if buf.is_empty() {
            0
        } else {
            buf.discard_read()
        };
        let std = Arc::clone(std);
        self.start(move || {
            let result = seek_back(&std, back).and_then(|()| f(&std));
            (Operation::Exclusive(result), buf)
        });
    }

    /// Waits for the job [`start_exclusive`](Self::start_exclusive) started.
    pub(super) fn poll_exclusive(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match ready!(self.poll_job(cx))? {
            Some(Operation::Exclusive(result)) => Poll::Ready(result),
            _ => Poll::Ready(Ok(())),
        }
    }
}

/// Moves the OS position back over `back` (≤ 0) bytes of discarded read-ahead.
fn seek_back(std: &StdFile, back: i64) -> io::Result<()> {
    if back != 0 {
        let mut file = std;
        file.seek(SeekFrom::Current(back))?;
    }
    Ok(())
}
