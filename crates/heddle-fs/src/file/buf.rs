//! The buffer a [`File`](crate::File) moves between the caller and a blocking-pool job: read
//! ahead (a read fills it on the pool, the caller drains it) or written behind (the caller
//! fills it, a job writes it out).

use std::io::{self, Read, Write};

use tokio::io::ReadBuf;

#[derive(Debug, Default)]
pub(super) struct Buf {
    bytes: Vec<u8>,
    /// Bytes before `pos` were handed to the caller already.
    pos: usize,
}

impl Buf {
    /// Whether nothing is left to hand out (or to write).
    pub(super) fn is_empty(&self) -> bool {
        self.pos == self.bytes.len()
    }

    /// Hands read-ahead bytes to `dst`.
    pub(super) fn copy_to(&mut self, dst: &mut ReadBuf<'_>) {
        let n = dst.remaining().min(self.bytes.len() - self.pos);
        dst.put_slice(&self.bytes[self.pos..self.pos + n]);
        self.pos += n;
        if self.is_empty() {
            self.clear();
        }
    }

    /// Takes up to `max` bytes of `src` to write; the buffer must be empty.
    pub(super) fn copy_from(&mut self, src: &[u8], max: usize) -> usize {
        debug_assert!(self.is_empty());
        let n = src.len().min(max);
        self.bytes.extend_from_slice(&src[..n]);
        n
    }

    /// Sizes the buffer for a read that can fill `dst`, at most `max` bytes.
    pub(super) fn prepare_read(&mut self, dst: &ReadBuf<'_>, max: usize) {
        debug_assert!(self.is_empty());
        self.bytes.resize(dst.remaining().min(max), 0);
    }

    /// One read into the prepared buffer (retried on `Interrupted`); on the pool.
    pub(super) fn read_from(&mut self, mut reader: impl Read) -> io::Result<usize> {
        let result = loop {
            match reader.read(&mut self.bytes) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match result {
            Ok(n) => self.bytes.truncate(n),
            Err(_) => self.clear(),
        }
        result
    }

    /// Writes the whole buffer out and empties it; on the pool.
    pub(super) fn write_to(&mut self, mut writer: impl Write) -> io::Result<()> {
        debug_assert_eq!(self.pos, 0);
        let result = writer.write_all(&self.bytes);
        self.clear();
        result
    }

    /// Drops read-ahead bytes the caller never took, returning how far the OS file position
    /// is ahead of the caller's (as a negative offset to seek by).
    pub(super) fn discard_read(&mut self) -> i64 {
        let ahead = self.bytes.len() - self.pos;
        self.clear();
        -i64::try_from(ahead).unwrap_or(i64::MAX)
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.pos = 0;
    }
}
