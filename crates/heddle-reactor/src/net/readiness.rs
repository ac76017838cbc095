//! tokio's readiness API for the socket types, written once: `ready`, `readable`,
//! `writable`, `poll_read_ready`, `poll_write_ready`, `try_io`, `async_io` for every socket,
//! and `try_read*`/`try_write*` for the stream sockets.
//!
//! Each macro expands to an `impl` block on a type whose `inner` field is an
//! [`Async`](crate::Async). The doc examples are built from a setup snippet the caller passes,
//! which binds `io` (the socket under test) and `peer` (connected to it), and a `poke` line
//! that makes `io` readable.
//!
//! Readiness here is level-checked, not remembered: a wait returns at once while the socket
//! is ready, and otherwise waits for the next event. So a `try_*` call that says `WouldBlock`
//! needs no explicit clearing, and the next `readable()` waits, as with tokio. Readiness may be
//! spurious: a `try_*` call after it may still say `WouldBlock`, and callers loop.

/// The readiness methods every socket type has.
macro_rules! readiness_methods {
    ($ty:ident, $setup:expr, $poke:expr) => {
        impl $ty {
            /// Waits until the socket is ready for any direction of `interest`, and returns
            /// the readiness seen.
            ///
            /// The readiness may be spurious: the operation tried next may still say
            /// `WouldBlock`, and the caller then waits again. Any number of tasks may wait at
            /// once.
            ///
            /// # Errors
            ///
            /// `InvalidInput` for an interest of [`Interest::ERROR`](crate::Interest::ERROR)
            /// alone; an error arming the poller.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "use heddle_reactor::Interest;\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "let ready = io.ready(Interest::READABLE | Interest::WRITABLE).await?;\n",
                "assert!(ready.is_writable());\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn ready(
                &self,
                interest: crate::Interest,
            ) -> std::io::Result<crate::Ready> {
                self.inner.ready_for(interest).await
            }

            /// Waits until the socket is readable; see [`ready`](Self::ready).
            ///
            /// # Errors
            ///
            /// An error arming the poller.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                $poke,
                "io.readable().await?;\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn readable(&self) -> std::io::Result<()> {
                self.inner.ready_for(crate::Interest::READABLE).await.map(drop)
            }

            /// Waits until the socket is writable; see [`ready`](Self::ready).
            ///
            /// # Errors
            ///
            /// An error arming the poller.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "io.writable().await?;\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn writable(&self) -> std::io::Result<()> {
                self.inner.ready_for(crate::Interest::WRITABLE).await.map(drop)
            }

            /// Polls for read readiness. Only the waker of the most recent call is kept: this
            /// is for the one task that reads; tasks that wait side by side use
            /// [`readable`](Self::readable).
            ///
            /// # Errors
            ///
            /// An error arming the poller.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                $poke,
                "std::future::poll_fn(|cx| io.poll_read_ready(cx)).await?;\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn poll_read_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.inner.poll_readable(cx)
            }

            /// Polls for write readiness; see [`poll_read_ready`](Self::poll_read_ready).
            ///
            /// # Errors
            ///
            /// An error arming the poller.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "std::future::poll_fn(|cx| io.poll_write_ready(cx)).await?;\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn poll_write_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.inner.poll_writable(cx)
            }

            /// Runs `f`, a non-blocking operation on this socket done by hand (through its
            /// descriptor), once, if the socket is ready for `interest` now; otherwise
            /// returns `WouldBlock` without running it, as tokio does. `WouldBlock` from `f`
            /// is returned as is; the next [`ready`](Self::ready) then waits for new
            /// readiness.
            ///
            /// # Errors
            ///
            /// `InvalidInput` for an interest of [`Interest::ERROR`](crate::Interest::ERROR)
            /// alone, or whatever `f` returns.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "use heddle_reactor::Interest;\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "let nothing_to_read = io.try_io(Interest::READABLE, || Ok(\"not run\"));\n",
                "assert_eq!(nothing_to_read.unwrap_err().kind(), std::io::ErrorKind::WouldBlock);\n",
                "assert_eq!(io.try_io(Interest::WRITABLE, || Ok(\"run\"))?, \"run\");\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_io<R>(
                &self,
                interest: crate::Interest,
                f: impl FnOnce() -> std::io::Result<R>,
            ) -> std::io::Result<R> {
                self.inner.try_io_for(interest, f)
            }

            /// Runs `f`, a non-blocking operation on this socket done by hand, until it does
            /// not say `WouldBlock`, waiting for readiness of `interest` in between.
            ///
            /// # Errors
            ///
            /// `InvalidInput` for an interest of [`Interest::ERROR`](crate::Interest::ERROR)
            /// alone, an error arming the poller, or whatever `f` returns other than
            /// `WouldBlock`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "use heddle_reactor::Interest;\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "let mut tries = 0;\n",
                "let n = io.async_io(Interest::WRITABLE, || {\n",
                "    tries += 1;\n",
                "    Ok(tries)\n",
                "}).await?;\n",
                "assert_eq!(n, 1);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub async fn async_io<R>(
                &self,
                interest: crate::Interest,
                mut f: impl FnMut() -> std::io::Result<R>,
            ) -> std::io::Result<R> {
                self.inner.async_io_for(interest, |_| f()).await
            }

            /// The pending error of the socket (`SO_ERROR`), which reading it clears.
            ///
            /// # Errors
            ///
            /// From `getsockopt(2)`.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "assert!(io.take_error()?.is_none());\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn take_error(&self) -> std::io::Result<Option<std::io::Error>> {
                socket2::SockRef::from(self.inner.get_ref()).take_error()
            }
        }
    };
}

/// The `try_read*` and `try_write*` methods of the stream sockets.
macro_rules! stream_try_methods {
    ($ty:ident, $setup:expr) => {
        impl $ty {
            /// Reads what is available now into `buf`, without waiting: `Ok(0)` is
            /// end-of-file (or an empty `buf`), `WouldBlock` means nothing is there yet.
            ///
            /// # Errors
            ///
            /// `WouldBlock` as above, or the read's error.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "let mut buf = [0; 8];\n",
                "let error = io.try_read(&mut buf).unwrap_err();\n",
                "assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock);\n",
                "peer.try_write(b\"hi\")?;\n",
                "let n = loop {\n",
                "    io.readable().await?;\n",
                "    match io.try_read(&mut buf) {\n",
                "        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,\n",
                "        n => break n?,\n",
                "    }\n",
                "};\n",
                "assert_eq!(&buf[..n], b\"hi\");\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                std::io::Read::read(&mut &*self.inner.get_ref(), buf)
            }

            /// Reads what is available now into `bufs`, in order, without waiting; see
            /// [`try_read`](Self::try_read).
            ///
            /// # Errors
            ///
            /// As for [`try_read`](Self::try_read).
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "use std::io::IoSliceMut;\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "let (mut a, mut b) = ([0; 1], [0; 1]);\n",
                "let mut bufs = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];\n",
                "let error = io.try_read_vectored(&mut bufs).unwrap_err();\n",
                "assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_read_vectored(
                &self,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::io::Result<usize> {
                std::io::Read::read_vectored(&mut &*self.inner.get_ref(), bufs)
            }

            /// Reads what is available now into the spare capacity of `buf` (a
            /// [`bytes::BufMut`]), advancing it, without waiting; see
            /// [`try_read`](Self::try_read).
            ///
            /// # Errors
            ///
            /// As for [`try_read`](Self::try_read).
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "peer.try_write(b\"hi\")?;\n",
                "let mut buf = Vec::with_capacity(8);\n",
                "loop {\n",
                "    io.readable().await?;\n",
                "    match io.try_read_buf(&mut buf) {\n",
                "        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,\n",
                "        n => { n?; break; }\n",
                "    }\n",
                "}\n",
                "assert_eq!(buf, b\"hi\");\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> std::io::Result<usize> {
                crate::net::readiness::recv_into_buf(self.inner.get_ref(), buf)
            }

            /// Writes what fits now from `buf`, without waiting.
            ///
            /// # Errors
            ///
            /// `WouldBlock` if the send buffer is full, or the write's error (`BrokenPipe`
            /// after the peer has gone: no `SIGPIPE` is raised).
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "io.writable().await?;\n",
                "assert_eq!(io.try_write(b\"hi\")?, 2);\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_write(&self, buf: &[u8]) -> std::io::Result<usize> {
                socket2::SockRef::from(self.inner.get_ref())
                    .send_with_flags(buf, crate::net::SEND_FLAGS)
            }

            /// Writes what fits now from `bufs`, in order, without waiting; see
            /// [`try_write`](Self::try_write).
            ///
            /// # Errors
            ///
            /// As for [`try_write`](Self::try_write).
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "use std::io::IoSlice;\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "let bufs = [IoSlice::new(b\"h\"), IoSlice::new(b\"i\")];\n",
                "assert_eq!(io.try_write_vectored(&bufs)?, 2);\n",
                "# drop(peer);\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn try_write_vectored(
                &self,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::io::Result<usize> {
                socket2::SockRef::from(self.inner.get_ref())
                    .send_vectored_with_flags(bufs, crate::net::SEND_FLAGS)
            }
        }
    };
}

/// tokio's names for the readiness polls of the datagram sockets: `poll_recv_ready` and
/// `poll_send_ready`, the same polls as `poll_read_ready` and `poll_write_ready`.
macro_rules! datagram_ready_methods {
    ($ty:ident, $setup:expr, $poke:expr) => {
        impl $ty {
            /// Polls until a datagram can be received; see
            /// [`poll_read_ready`](Self::poll_read_ready), which it is. Only the waker of the
            /// most recent call is kept.
            ///
            /// # Errors
            ///
            /// An error arming the poller.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                $poke,
                "std::future::poll_fn(|cx| io.poll_recv_ready(cx)).await?;\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn poll_recv_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.poll_read_ready(cx)
            }

            /// Polls until a datagram can be sent; see
            /// [`poll_write_ready`](Self::poll_write_ready), which it is.
            ///
            /// # Errors
            ///
            /// An error arming the poller.
            ///
            /// # Examples
            ///
            #[doc = concat!(
                "```\n",
                "# #[cfg(miri)] fn main() {} // the OS poller is not available under miri\n",
                "# #[cfg(not(miri))] fn main() -> std::io::Result<()> {\n",
                "# futures::executor::block_on(async {\n",
                $setup,
                "std::future::poll_fn(|cx| io.poll_send_ready(cx)).await?;\n",
                "# std::io::Result::Ok(()) })?; std::io::Result::Ok(())\n",
                "# }\n",
                "```"
            )]
            pub fn poll_send_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.poll_write_ready(cx)
            }
        }
    };
}

pub(crate) use {datagram_ready_methods, readiness_methods, stream_try_methods};

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::AsFd;

use bytes::BufMut;
use socket2::SockRef;

/// Receives into the spare capacity of `buf` with one non-blocking `recv(2)` and advances it.
pub(crate) fn recv_into_buf<S: AsFd>(socket: &S, buf: &mut impl BufMut) -> io::Result<usize> {
    let chunk = buf.chunk_mut();
    // `recv` only writes initialised bytes into the slice, never de-initialises any.
    // SAFETY: and the slice is dropped before `buf` is touched again.
    let spare: &mut [MaybeUninit<u8>] = unsafe { chunk.as_uninit_slice_mut() };
    let n = SockRef::from(socket).recv(spare)?;
    // `recv` returns at most the slice's length.
    // SAFETY: `recv` initialised the first `n` bytes of the spare capacity.
    unsafe { buf.advance_mut(n) };
    Ok(n)
}

/// Like [`recv_into_buf`], with the sender's address.
pub(crate) fn recv_from_into_buf<S: AsFd>(
    socket: &S,
    buf: &mut impl BufMut,
) -> io::Result<(usize, socket2::SockAddr)> {
    let chunk = buf.chunk_mut();
    // SAFETY: as in `recv_into_buf`: `recv_from` writes only initialised bytes.
    let spare: &mut [MaybeUninit<u8>] = unsafe { chunk.as_uninit_slice_mut() };
    let (n, from) = SockRef::from(socket).recv_from(spare)?;
    // SAFETY: `recv_from` initialised the first `n` bytes of the spare capacity.
    unsafe { buf.advance_mut(n) };
    Ok((n, from))
}
