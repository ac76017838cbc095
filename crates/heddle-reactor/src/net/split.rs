//! The halves of a stream socket, written once for [`TcpStream`](crate::net::TcpStream) and
//! [`UnixStream`](crate::net::UnixStream): borrowed (`ReadHalf`, `WriteHalf`, from `split`)
//! and owned (`OwnedReadHalf`, `OwnedWriteHalf`, from `into_split`), with tokio's API.
//!
//! Both halves of one stream can be used at the same time from different tasks: reading
//! waits in the source's read slot and writing in its write slot. As with tokio, dropping an
//! owned write half shuts the write direction down (unless it was `forget`-ed), and owned
//! halves of one stream can be `reunite`d; halves of different streams cannot. Each half
//! lends its stream through `AsRef`, as tokio's do.

/// The four halves of a stream type, with tokio's API. `$stream` is the stream (with an
/// `inner: Async<_>` field), `$addr` its address type; `$borrowed` and `$owned` are doc-example
/// setups that bind `read`, `write` and `peer` (from `split` and `into_split`), `$two` one
/// that binds two unrelated streams `a` and `b`.
macro_rules! stream_halves {
    ($stream:ident, $addr:ty, $borrowed:expr, $owned:expr, $two:expr) => {
        /// The read half of a borrowed stream, from `split`.
        ///
        /// # Examples
        ///
        #[doc = concat!(
            "```\n",
            "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
            "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
            "# futures::executor::block_on(async {\n",
            $borrowed,
            "peer.try_write(b\"x\")?;\n",
            "read.readable().await?;\n",
            "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
            "# }\n",
            "```"
        )]
        #[derive(Debug)]
        pub struct ReadHalf<'a> {
            stream: &'a $stream,
        }

        /// The write half of a borrowed stream, from `split`. Shutting it down (tokio's
        /// `AsyncWriteExt::shutdown`) shuts the write direction down.
        ///
        /// # Examples
        ///
        #[doc = concat!(
            "```\n",
            "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
            "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
            "# futures::executor::block_on(async {\n",
            $borrowed,
            "write.writable().await?;\n",
            "# drop(peer);\n",
            "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
            "# }\n",
            "```"
        )]
        #[derive(Debug)]
        pub struct WriteHalf<'a> {
            stream: &'a $stream,
        }

        /// The owned read half of a stream, from `into_split`.
        ///
        /// # Examples
        ///
        #[doc = concat!(
            "```\n",
            "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
            "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
            "# futures::executor::block_on(async {\n",
            $owned,
            "std::thread::spawn(move || drop(read)).join().unwrap();\n",
            "# drop(peer);\n",
            "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
            "# }\n",
            "```"
        )]
        #[derive(Debug)]
        pub struct OwnedReadHalf {
            stream: std::sync::Arc<$stream>,
        }

        /// The owned write half of a stream, from `into_split`. As with tokio, dropping it
        /// (or shutting it down) shuts the write direction down, unless it was
        /// [`forget`](OwnedWriteHalf::forget)-ed.
        ///
        /// # Examples
        ///
        #[doc = concat!(
            "```\n",
            "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
            "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
            "# futures::executor::block_on(async {\n",
            $owned,
            "write.try_write(b\"bye\")?;\n",
            "drop(write); // the peer reads the data, then end-of-file\n",
            "# drop(peer);\n",
            "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
            "# }\n",
            "```"
        )]
        #[derive(Debug)]
        pub struct OwnedWriteHalf {
            stream: std::sync::Arc<$stream>,
            /// Cleared by `forget` (and `reunite`): then dropping does not shut down.
            shutdown_on_drop: bool,
        }

        /// The error of `reunite`: the halves came from different streams. Both are handed
        /// back.
        ///
        /// # Examples
        ///
        #[doc = concat!(
            "```\n",
            "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
            "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
            "# futures::executor::block_on(async {\n",
            $two,
            "let (a_read, _a_write) = a.into_split();\n",
            "let (_b_read, b_write) = b.into_split();\n",
            "let error = a_read.reunite(b_write).unwrap_err();\n",
            "let ReuniteError(_read, _write) = error;\n",
            "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
            "# }\n",
            "```"
        )]
        pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

        impl std::fmt::Debug for ReuniteError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple("ReuniteError").finish_non_exhaustive()
            }
        }

        impl std::fmt::Display for ReuniteError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("tried to reunite halves that are not from the same socket")
            }
        }

        impl std::error::Error for ReuniteError {}

        /// Puts the owned halves of one stream back together.
        fn reunite(
            read: OwnedReadHalf,
            mut write: OwnedWriteHalf,
        ) -> Result<$stream, ReuniteError> {
            if !std::sync::Arc::ptr_eq(&read.stream, &write.stream) {
                return Err(ReuniteError(read, write));
            }
            write.shutdown_on_drop = false;
            drop(write);
            match std::sync::Arc::try_unwrap(read.stream) {
                Ok(stream) => Ok(stream),
                // The two halves held the only references, and the write half is gone.
                Err(_) => unreachable!("a stream's owned halves are its only owners"),
            }
        }

        impl $stream {
            /// Borrows the stream as a read half and a write half, usable from two tasks at
            /// once (each direction has its own waiter).
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $borrowed,
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
                (ReadHalf { stream: self }, WriteHalf { stream: self })
            }

            /// Splits the stream into owned halves that can move to different tasks; see
            /// [`OwnedWriteHalf`] for what dropping the write half does, and
            /// [`OwnedReadHalf::reunite`] to put them back together.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $owned,
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
                let stream = std::sync::Arc::new(self);
                (
                    OwnedReadHalf {
                        stream: stream.clone(),
                    },
                    OwnedWriteHalf {
                        stream,
                        shutdown_on_drop: true,
                    },
                )
            }
        }

        impl OwnedReadHalf {
            /// Puts this half and `other` back together into the stream, if they came from
            /// the same one.
            ///
            /// # Errors
            ///
            /// [`ReuniteError`], holding both halves, if they came from different streams.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $owned,
                "let _io = read.reunite(write).unwrap();\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn reunite(self, other: OwnedWriteHalf) -> Result<$stream, ReuniteError> {
                reunite(self, other)
            }
        }

        impl OwnedWriteHalf {
            /// Puts this half and `other` back together; see [`OwnedReadHalf::reunite`].
            ///
            /// # Errors
            ///
            /// [`ReuniteError`], holding both halves, if they came from different streams.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $owned,
                "let _io = write.reunite(read).unwrap();\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn reunite(self, other: OwnedReadHalf) -> Result<$stream, ReuniteError> {
                reunite(other, self)
            }

            /// Drops this half without shutting the write direction down.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $owned,
                "write.forget(); // the peer does not read end-of-file\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn forget(mut self) {
                self.shutdown_on_drop = false;
            }
        }

        impl Drop for OwnedWriteHalf {
            fn drop(&mut self) {
                if self.shutdown_on_drop {
                    // A failure (the peer is gone) leaves nothing to shut down.
                    let _ = crate::net::shutdown(&self.stream.inner, std::net::Shutdown::Write);
                }
            }
        }

        impl AsRef<$stream> for ReadHalf<'_> {
            fn as_ref(&self) -> &$stream {
                self.stream
            }
        }

        impl AsRef<$stream> for WriteHalf<'_> {
            fn as_ref(&self) -> &$stream {
                self.stream
            }
        }

        impl AsRef<$stream> for OwnedReadHalf {
            fn as_ref(&self) -> &$stream {
                &self.stream
            }
        }

        impl AsRef<$stream> for OwnedWriteHalf {
            fn as_ref(&self) -> &$stream {
                &self.stream
            }
        }

        $crate::net::split::half_addrs!(ReadHalf<'_>, $addr, $borrowed);
        $crate::net::split::half_addrs!(WriteHalf<'_>, $addr, $borrowed);
        $crate::net::split::half_addrs!(OwnedReadHalf, $addr, $owned);
        $crate::net::split::half_addrs!(OwnedWriteHalf, $addr, $owned);
        $crate::net::split::read_half_methods!(ReadHalf<'_>, $borrowed);
        $crate::net::split::read_half_methods!(OwnedReadHalf, $owned);
        $crate::net::split::write_half_methods!(WriteHalf<'_>, $borrowed);
        $crate::net::split::write_half_methods!(OwnedWriteHalf, $owned);
        $crate::net::split::half_io!(ReadHalf<'_>, WriteHalf<'_>);
        $crate::net::split::half_io!(OwnedReadHalf, OwnedWriteHalf);
    };
}

/// `peer_addr` and `local_addr` of a half.
macro_rules! half_addrs {
    ($ty:ty, $addr:ty, $split:expr) => {
        impl $ty {
            /// The address of the peer.
            ///
            /// # Errors
            ///
            /// As for the stream's `peer_addr`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "let _ = (read.peer_addr()?, write.peer_addr()?);\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn peer_addr(&self) -> std::io::Result<$addr> {
                self.stream.peer_addr()
            }

            /// The local address.
            ///
            /// # Errors
            ///
            /// As for the stream's `local_addr`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "let _ = (read.local_addr()?, write.local_addr()?);\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn local_addr(&self) -> std::io::Result<$addr> {
                self.stream.local_addr()
            }
        }
    };
}

/// The `futures-io` traits of a read half and a write half.
macro_rules! half_io {
    ($read:ty, $write:ty) => {
        impl futures_io::AsyncRead for $read {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::net::poll_read(&self.stream.inner, cx, buf)
            }
        }

        impl futures_io::AsyncWrite for $write {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::net::poll_write(&self.stream.inner, cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                crate::net::poll_write_vectored(&self.stream.inner, cx, bufs)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                // Nothing is buffered in user space.
                std::task::Poll::Ready(Ok(()))
            }

            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(crate::net::shutdown(
                    &self.stream.inner,
                    std::net::Shutdown::Write,
                ))
            }
        }
    };
}

/// The readiness and `try_*` methods of the read halves, forwarded to the stream.
macro_rules! read_half_methods {
    ($ty:ty, $split:expr) => {
        impl $ty {
            /// Waits for readiness of `interest`; as the stream's `ready` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `ready`.
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
                "let ready = read.ready(heddle_reactor::Interest::READABLE).await?;\n",
                "assert!(ready.is_readable());\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn ready(&self, interest: crate::Interest) -> std::io::Result<crate::Ready> {
                self.stream.ready(interest).await
            }

            /// Waits until the stream is readable; as the stream's `readable` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `readable`.
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
                "read.readable().await?;\n",
                "let mut buf = [0; 1];\n",
                "let _n = read.try_read(&mut buf);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn readable(&self) -> std::io::Result<()> {
                self.stream.readable().await
            }

            /// Reads what is available now; as the stream's `try_read` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `try_read`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "let mut buf = [0; 1];\n",
                "let error = read.try_read(&mut buf).unwrap_err();\n",
                "assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock);\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.stream.try_read(buf)
            }

            /// Reads what is available now into `bufs`; as the stream's `try_read_vectored` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `try_read`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "let mut buf = [0; 1];\n",
                "let mut bufs = [std::io::IoSliceMut::new(&mut buf)];\n",
                "assert!(read.try_read_vectored(&mut bufs).is_err());\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_read_vectored(
                &self,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::io::Result<usize> {
                self.stream.try_read_vectored(bufs)
            }

            /// Reads what is available now into a [`bytes::BufMut`], as the stream's
            /// `try_read_buf` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `try_read`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "let mut buf = Vec::with_capacity(4);\n",
                "assert!(read.try_read_buf(&mut buf).is_err());\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> std::io::Result<usize> {
                self.stream.try_read_buf(buf)
            }
        }
    };
}

/// The readiness and `try_*` methods of the write halves, forwarded to the stream.
macro_rules! write_half_methods {
    ($ty:ty, $split:expr) => {
        impl $ty {
            /// Waits for readiness of `interest`; as the stream's `ready` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `ready`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "let ready = write.ready(heddle_reactor::Interest::WRITABLE).await?;\n",
                "assert!(ready.is_writable());\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn ready(&self, interest: crate::Interest) -> std::io::Result<crate::Ready> {
                self.stream.ready(interest).await
            }

            /// Waits until the stream is writable; as the stream's `writable` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `writable`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "write.writable().await?;\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn writable(&self) -> std::io::Result<()> {
                self.stream.writable().await
            }

            /// Writes what fits now; as the stream's `try_write` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `try_write`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "assert_eq!(write.try_write(b\"x\")?, 1);\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_write(&self, buf: &[u8]) -> std::io::Result<usize> {
                self.stream.try_write(buf)
            }

            /// Writes what fits now from `bufs`; as the stream's `try_write_vectored` does.
            ///
            /// # Errors
            ///
            /// As for the stream's `try_write`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $split,
                "assert_eq!(write.try_write_vectored(&[std::io::IoSlice::new(b\"x\")])?, 1);\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_write_vectored(
                &self,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::io::Result<usize> {
                self.stream.try_write_vectored(bufs)
            }
        }
    };
}

pub(crate) use {half_addrs, half_io, read_half_methods, stream_halves, write_half_methods};
