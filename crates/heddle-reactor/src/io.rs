//! The async I/O traits and helpers heddle uses: the `futures-io` traits, with extension
//! traits and adapters from `futures-lite`.
//!
//! Net types implement [`AsyncRead`] and [`AsyncWrite`]; bring [`AsyncReadExt`] and
//! [`AsyncWriteExt`] into scope for `read_exact`, `read_to_end`, `write_all`, `flush` and
//! `close`.
//!
//! # Examples
//!
//! ```
//! use heddle_reactor::io::{self, AsyncReadExt, AsyncWriteExt, BufReader};
//!
//! futures::executor::block_on(async {
//!     let mut reader = BufReader::new(&b"hello"[..]);
//!     let mut out = Vec::new();
//!     io::copy(&mut reader, &mut out).await?;
//!     assert_eq!(out, b"hello");
//!
//!     let mut buf = Vec::new();
//!     (&b"abc"[..]).read_to_end(&mut buf).await?;
//!     let mut sink = Vec::new();
//!     sink.write_all(&buf).await?;
//!     sink.close().await?;
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```

#[doc(no_inline)]
pub use std::io::{Error, ErrorKind, Result};

#[doc(no_inline)]
pub use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};

#[doc(no_inline)]
pub use futures_lite::io::{
    copy, split, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader, BufWriter,
    ReadHalf, WriteHalf,
};
