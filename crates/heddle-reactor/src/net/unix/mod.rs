//! Unix-domain sockets: [`UnixListener`], [`UnixStream`], [`UnixDatagram`] and
//! [`UnixSocket`], and, at
//! tokio's `net::unix` paths, [`SocketAddr`], the peer credentials [`UCred`] and the halves
//! of a stream.

use std::fmt;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

mod datagram;
mod listener;
pub mod pipe;
mod socket;
mod split;
mod stream;
mod ucred;

pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use socket::UnixSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
/// The address of a Unix-domain socket: `std`'s type, at tokio's path.
pub use std::os::unix::net::SocketAddr;
pub use stream::UnixStream;
pub use ucred::{gid_t, pid_t, uid_t, UCred};

macro_rules! fd_impls {
    ($($ty:ty),*) => {$(
        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.inner.get_ref().as_fd()
            }
        }

        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                self.inner.get_ref().as_raw_fd()
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.inner.get_ref().fmt(f)
            }
        }
    )*};
}

fd_impls!(UnixListener, UnixStream, UnixDatagram);
