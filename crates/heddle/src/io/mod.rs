//! Asynchronous I/O: tokio's I/O traits and utilities, heddle's standard streams, and the
//! `futures-io` family for crates of the smol ecosystem.
//!
//! heddle speaks tokio's I/O vocabulary: [`AsyncRead`], [`AsyncWrite`], [`AsyncBufRead`],
//! [`AsyncSeek`] and [`ReadBuf`], their extension traits ([`AsyncReadExt`],
//! [`AsyncWriteExt`], ...), buffering ([`BufReader`], [`BufWriter`], [`BufStream`]),
//! [`copy`], [`copy_bidirectional`], in-memory pipes ([`duplex`], [`simplex`]) and the rest
//! are re-exported from the `tokio` crate built with its `io-util` feature only: traits and
//! helpers, no tokio runtime and no mio. Code written against `tokio::io` moves across by
//! renaming the crate, and libraries that take tokio's traits (hyper-util, tonic, codecs)
//! accept heddle's streams as they are.
//!
//! Every heddle stream also implements the `futures-io` traits. The [`futures`] module holds
//! that family, with `futures-lite`'s extension traits and helpers, for code and crates of
//! the smol ecosystem. The two families have methods of the same names: import the extension
//! traits of one family per scope.
//!
//! [`stdin`], [`stdout`] and [`stderr`] are heddle's own: the standard streams, served by the
//! blocking pool (see [`Stdout`]).
//!
//! This module is not a reactor: readiness of sockets and descriptors belongs to
//! [`net`](crate::net) and [`reactor`](crate::reactor). `docs/io.md` in the repository maps
//! every item of `tokio::io` and `tokio::net` to its heddle path.
//!
//! # Examples
//!
//! ```
//! use heddle::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
//!
//! let runtime = heddle::Builder::new_current_thread().build()?;
//! let text = runtime.block_on(async {
//!     let (client, mut server) = heddle::io::duplex(64);
//!     heddle::spawn(async move {
//!         server.write_all(b"one\ntwo\n").await?;
//!         server.shutdown().await
//!     });
//!     let mut lines = BufReader::new(client).lines();
//!     let mut text = Vec::new();
//!     while let Some(line) = lines.next_line().await? {
//!         text.push(line);
//!     }
//!     let mut rest = Vec::new();
//!     lines.into_inner().read_to_end(&mut rest).await?;
//!     assert!(rest.is_empty());
//!     std::io::Result::Ok(text)
//! })?;
//! assert_eq!(text, ["one", "two"]);
//! # Ok::<(), std::io::Error>(())
//! ```

#[cfg(feature = "io-std")]
mod stdio;

#[doc(no_inline)]
pub use std::io::{Error, ErrorKind, Result, SeekFrom};

#[doc(inline)]
pub use tokio::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

#[cfg(feature = "io-util")]
#[doc(inline)]
pub use tokio::io::{
    copy, copy_bidirectional, copy_bidirectional_with_sizes, copy_buf, duplex, empty, join, repeat,
    simplex, sink, split, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader,
    BufStream, BufWriter, Chain, DuplexStream, Empty, Join, Lines, ReadHalf, Repeat, SimplexStream,
    Sink, Split, Take, WriteHalf,
};

#[cfg(feature = "io-std")]
pub use stdio::{stderr, stdin, stdout, Stderr, Stdin, Stdout};

#[cfg(all(feature = "net", unix))]
#[doc(inline)]
pub use heddle_reactor::{Interest, Ready};

/// Readiness I/O on any file descriptor: tokio's [`AsyncFd`](unix::AsyncFd) and its guards,
/// over heddle's reactor (Unix, `net` feature).
///
/// # Examples
///
/// ```
/// use heddle::io::unix::AsyncFd;
/// use heddle::io::Interest;
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let (a, b) = std::os::unix::net::UnixStream::pair()?;
///     let a = AsyncFd::with_interest(a, Interest::READABLE | Interest::WRITABLE)?;
///     let mut guard = a.writable().await?;
///     guard.clear_ready();
///     drop(b);
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(all(feature = "net", unix))]
pub mod unix {
    #[doc(inline)]
    pub use heddle_reactor::unix::*;
}

/// The `futures-io` traits ([`AsyncRead`](futures::AsyncRead),
/// [`AsyncWrite`](futures::AsyncWrite), ...) with `futures-lite`'s extension traits and
/// helpers: the I/O vocabulary of the smol ecosystem, which heddle's streams implement too.
///
/// Use it for crates written against `futures-io` (async-tungstenite's futures side,
/// async-compression's `futures-io` types, smol-based code). For everything else use
/// tokio's traits from [`heddle::io`](crate::io). Both extension traits name their methods
/// alike (`read_exact`, `write_all`), so import one family per scope. Closing is
/// [`close`](futures::AsyncWriteExt::close) here and
/// [`shutdown`](crate::io::AsyncWriteExt::shutdown) in tokio's family; on a stream both shut
/// the write half down.
///
/// # Examples
///
/// ```
/// use heddle::io::futures::{AsyncReadExt, AsyncWriteExt};
/// use heddle::net::{TcpListener, TcpStream};
///
/// let runtime = heddle::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let mut client = TcpStream::connect(listener.local_addr()?).await?;
///     let (mut server, _) = listener.accept().await?;
///     client.write_all(b"smol-style").await?;
///     client.close().await?;
///     let mut text = String::new();
///     server.read_to_string(&mut text).await?;
///     assert_eq!(text, "smol-style");
///     std::io::Result::Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(feature = "io-util")]
pub mod futures {
    #[doc(no_inline)]
    pub use futures_lite::io::*;
}
