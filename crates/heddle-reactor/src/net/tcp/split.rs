//! The halves of a [`TcpStream`], at tokio's `net::tcp` paths: borrowed ([`ReadHalf`],
//! [`WriteHalf`]) and owned ([`OwnedReadHalf`], [`OwnedWriteHalf`]), and [`ReuniteError`].
//! The shared machinery is `net/split.rs`; this file adds the TCP-only `peek`.

use std::net::SocketAddr;

use super::TcpStream;
use crate::net::split::stream_halves;

/// The doc-example setup of the borrowed halves.
macro_rules! borrowed_split {
    () => {
        "let listener = heddle_reactor::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
         let mut io = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;\n\
         let (peer, _) = listener.accept().await?;\n\
         let (read, write) = io.split();\n\
         # let _ = (&read, &write);\n"
    };
}

/// The doc-example setup of the owned halves.
macro_rules! owned_split {
    () => {
        "let listener = heddle_reactor::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
         let io = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;\n\
         let (peer, _) = listener.accept().await?;\n\
         let (read, write) = io.into_split();\n\
         # let _ = (&read, &write);\n"
    };
}

stream_halves!(
    TcpStream,
    SocketAddr,
    borrowed_split!(),
    owned_split!(),
    "# use heddle_reactor::net::tcp::ReuniteError;\n\
     let listener = heddle_reactor::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let a = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let b = heddle_reactor::net::TcpStream::connect(listener.local_addr()?).await?;\n"
);

/// `peek` and `poll_peek` of the TCP read halves.
macro_rules! peek_methods {
    ($ty:ty, $split:expr) => {
        impl $ty {
            /// Receives data without consuming it, waiting until some is available; as the
            /// stream's `peek` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `peek`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "peer.try_write(b\"abc\")?;\n",
                "let mut buf = [0; 3];\n",
                "let n = read.peek(&mut buf).await?;\n",
                "assert_eq!(&buf[..n], &b\"abc\"[..n]);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn peek(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.stream.peek(buf).await
            }

            /// Polls for data to peek at; as the stream's `poll_peek` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `poll_peek`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "peer.try_write(b\"x\")?;\n",
                "let mut read = read;\n",
                "let mut storage = [0; 1];\n",
                "let mut buf = tokio::io::ReadBuf::new(&mut storage);\n",
                "std::future::poll_fn(|cx| read.poll_peek(cx, &mut buf)).await?;\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn poll_peek(
                &mut self,
                cx: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.stream.poll_peek(cx, buf)
            }
        }
    };
}

peek_methods!(ReadHalf<'_>, borrowed_split!());
peek_methods!(OwnedReadHalf, owned_split!());
