//! TCP: [`TcpListener`] and its [`Incoming`] stream, [`TcpStream`] and its halves, and
//! [`TcpSocket`] for setting options before a connection or a listener exists. Paths
//! follow tokio's `tokio::net::tcp`.

mod listener;
mod socket;
mod split;
mod stream;

pub use listener::{Incoming, TcpListener};
pub use socket::TcpSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::TcpStream;
