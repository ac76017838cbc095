//! The halves of a [`UnixStream`], at tokio's `net::unix` paths: borrowed ([`ReadHalf`],
//! [`WriteHalf`]) and owned ([`OwnedReadHalf`], [`OwnedWriteHalf`]), and [`ReuniteError`].
//! The machinery is shared with TCP's halves in `net/split.rs`.

use std::os::unix::net::SocketAddr;

use super::UnixStream;
use crate::net::split::stream_halves;

stream_halves!(
    UnixStream,
    SocketAddr,
    "let (mut io, peer) = heddle_reactor::net::UnixStream::pair()?;\n\
     let (read, write) = io.split();\n\
     # let _ = (&read, &write);\n",
    "let (io, peer) = heddle_reactor::net::UnixStream::pair()?;\n\
     let (read, write) = io.into_split();\n\
     # let _ = (&read, &write);\n",
    "# use heddle_reactor::net::unix::ReuniteError;\n\
     let (a, _a) = heddle_reactor::net::UnixStream::pair()?;\n\
     let (b, _b) = heddle_reactor::net::UnixStream::pair()?;\n"
);
