//! [`ToSocketAddrs`] and [`lookup_host`]: socket addresses from the types tokio accepts, with
//! host names resolved on the blocking pool.
//!
//! IP literals (a [`SocketAddr`], `(IpAddr, u16)`, `"127.0.0.1:80"`) are converted inline.
//! Anything else (`"example.com:80"`, `("localhost", 80)`) goes to the system resolver
//! (`getaddrinfo`), which blocks, so it runs through `heddle_blocking::unblock`: a slow
//! resolver never blocks the thread that polls the task. This module does not cache and does
//! not speak DNS itself.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::vec;

/// Types that can be turned into one or more socket addresses: tokio's list of
/// [`SocketAddr`], `SocketAddrV4`, `SocketAddrV6`, `(IpAddr, u16)`, `(Ipv4Addr, u16)`,
/// `(Ipv6Addr, u16)`, `&[SocketAddr]`, `&str`, `String`, `(&str, u16)`, `(String, u16)`, and
/// references to them.
///
/// The trait is sealed: its method is internal. Host names are resolved on the blocking
/// pool; see [`lookup_host`].
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::net::{TcpListener, ToSocketAddrs};
///
/// async fn listen(addr: impl ToSocketAddrs) -> std::io::Result<TcpListener> {
///     TcpListener::bind(addr).await
/// }
///
/// futures::executor::block_on(async {
///     let _a = listen("127.0.0.1:0").await?;
///     let _b = listen((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

mod sealed {
    use std::io;
    use std::net::SocketAddr;

    /// The internal method of [`ToSocketAddrs`](super::ToSocketAddrs).
    pub trait ToSocketAddrsPriv {
        /// The addresses, or the host name to resolve.
        #[doc(hidden)]
        fn to_resolve(&self) -> Resolve;
    }

    /// Where the addresses of a [`ToSocketAddrs`](super::ToSocketAddrs) come from.
    #[derive(Debug)]
    pub enum Resolve {
        /// Known already (IP literals), or a parse error.
        Done(io::Result<Vec<SocketAddr>>),
        /// A host name with a port (or a `"host:port"` string, without one), for the
        /// resolver.
        Lookup(String, Option<u16>),
    }
}

use sealed::{Resolve, ToSocketAddrsPriv};

macro_rules! inline_addrs {
    ($($ty:ty => |$this:ident| $addrs:expr;)*) => {$(
        impl ToSocketAddrs for $ty {}
        impl ToSocketAddrsPriv for $ty {
            fn to_resolve(&self) -> Resolve {
                let $this = self;
                Resolve::Done(Ok($addrs))
            }
        }
    )*};
}

inline_addrs! {
    SocketAddr => |a| vec![*a];
    SocketAddrV4 => |a| vec![SocketAddr::V4(*a)];
    SocketAddrV6 => |a| vec![SocketAddr::V6(*a)];
    (IpAddr, u16) => |a| vec![SocketAddr::new(a.0, a.1)];
    (Ipv4Addr, u16) => |a| vec![SocketAddr::new(IpAddr::V4(a.0), a.1)];
    (Ipv6Addr, u16) => |a| vec![SocketAddr::new(IpAddr::V6(a.0), a.1)];
    &[SocketAddr] => |a| a.to_vec();
}

impl<const N: usize> ToSocketAddrs for [SocketAddr; N] {}
impl<const N: usize> ToSocketAddrsPriv for [SocketAddr; N] {
    fn to_resolve(&self) -> Resolve {
        Resolve::Done(Ok(self.to_vec()))
    }
}

impl ToSocketAddrs for str {}
impl ToSocketAddrsPriv for str {
    fn to_resolve(&self) -> Resolve {
        match self.parse::<SocketAddr>() {
            Ok(addr) => Resolve::Done(Ok(vec![addr])),
            Err(_) => Resolve::Lookup(self.to_owned(), None),
        }
    }
}

impl ToSocketAddrs for String {}
impl ToSocketAddrsPriv for String {
    fn to_resolve(&self) -> Resolve {
        self.as_str().to_resolve()
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl ToSocketAddrsPriv for (&str, u16) {
    fn to_resolve(&self) -> Resolve {
        let (host, port) = *self;
        match host.parse::<IpAddr>() {
            Ok(ip) => Resolve::Done(Ok(vec![SocketAddr::new(ip, port)])),
            Err(_) => Resolve::Lookup(host.to_owned(), Some(port)),
        }
    }
}

impl ToSocketAddrs for (String, u16) {}
impl ToSocketAddrsPriv for (String, u16) {
    fn to_resolve(&self) -> Resolve {
        (self.0.as_str(), self.1).to_resolve()
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrsPriv + ?Sized> ToSocketAddrsPriv for &T {
    fn to_resolve(&self) -> Resolve {
        (**self).to_resolve()
    }
}

/// Resolves `addr` to its socket addresses; host names on the blocking pool.
pub(crate) fn resolve(
    addr: &(impl ToSocketAddrs + ?Sized),
) -> impl Future<Output = io::Result<vec::IntoIter<SocketAddr>>> + Send + 'static {
    let resolve = addr.to_resolve();
    async move {
        let addrs = match resolve {
            Resolve::Done(addrs) => addrs?,
            Resolve::Lookup(host, port) => {
                heddle_blocking::unblock(move || resolve_blocking(&host, port)).await??
            }
        };
        Ok(addrs.into_iter())
    }
}

/// The system resolver, on a blocking-pool thread.
fn resolve_blocking(host: &str, port: Option<u16>) -> io::Result<Vec<SocketAddr>> {
    #[cfg(all(test, not(loom)))]
    tests::before_resolve(host, port);
    let addrs = match port {
        Some(port) => std::net::ToSocketAddrs::to_socket_addrs(&(host, port))?,
        None => std::net::ToSocketAddrs::to_socket_addrs(host)?,
    };
    Ok(addrs.collect())
}

/// Runs `op` on each address of `addr` in turn and returns the first success, or the last
/// error (`InvalidInput` if there was no address).
pub(crate) async fn each_addr<R, F, Fut>(addr: impl ToSocketAddrs, mut op: F) -> io::Result<R>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<R>>,
{
    let mut last = None;
    for addr in resolve(&addr).await? {
        match op(addr).await {
            Ok(value) => return Ok(value),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any address",
        )
    }))
}

/// Resolves `host` to socket addresses, as tokio's `lookup_host` does: IP literals inline,
/// host names with the system resolver on the blocking pool (so the calling task's thread
/// never blocks in `getaddrinfo`).
///
/// # Errors
///
/// `InvalidInput` for a string that is neither `"ip:port"` nor `"host:port"`; the resolver's
/// error for a name it cannot resolve.
///
/// # Examples
///
/// ```
/// # #[cfg(miri)] fn main() {} // the OS poller is not available under miri
/// # #[cfg(not(miri))] fn main() -> std::io::Result<()> {
/// use heddle_reactor::net::lookup_host;
///
/// futures::executor::block_on(async {
///     let literal: Vec<_> = lookup_host("127.0.0.1:80").await?.collect();
///     assert_eq!(literal, ["127.0.0.1:80".parse().unwrap()]);
///     for addr in lookup_host(("localhost", 80)).await? {
///         assert!(addr.ip().is_loopback());
///     }
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// # }
/// ```
pub async fn lookup_host(host: impl ToSocketAddrs) -> io::Result<impl Iterator<Item = SocketAddr>> {
    resolve(&host).await
}

#[cfg(all(test, not(loom)))]
pub(crate) mod tests {
    use super::*;

    use std::sync::mpsc;
    use std::sync::OnceLock;
    use std::time::Duration;

    use crate::loom::Mutex;
    use futures::executor::LocalPool;
    use futures::task::LocalSpawnExt;

    /// The host name whose resolution waits for the ticker of the test below.
    const GATED: &str = "localhost";
    const GATED_PORT: u16 = 9;

    /// Signals from the ticker to the gated resolution: "the ticker advanced".
    static GATE: OnceLock<Mutex<Option<mpsc::Receiver<()>>>> = OnceLock::new();

    /// Called by `resolve_blocking` before resolving: the gated name waits (bounded) until
    /// the ticker running on the resolving task's thread has advanced.
    pub(crate) fn before_resolve(host: &str, port: Option<u16>) {
        if (host, port) != (GATED, Some(GATED_PORT)) {
            return;
        }
        let gate = GATE.get().and_then(|gate| gate.lock().take());
        if let Some(rx) = gate {
            let _ = rx.recv_timeout(Duration::from_secs(10));
        }
    }

    /// Returns `Pending` once, waking itself: lets the other task of a local pool run.
    async fn yield_once() {
        let mut yielded = false;
        std::future::poll_fn(|cx| {
            if yielded {
                return std::task::Poll::Ready(());
            }
            yielded = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        })
        .await;
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn a_host_name_resolves_off_the_polling_thread() {
        let (tx, rx) = mpsc::channel();
        assert!(GATE.set(Mutex::new(Some(rx))).is_ok());
        let mut pool = LocalPool::new();
        let ticks = std::rc::Rc::new(std::cell::Cell::new(0u32));
        let ticker = ticks.clone();
        pool.spawner()
            .spawn_local(async move {
                // Ticks on the thread that polls the resolving task, then opens the gate.
                for _ in 0..10 {
                    ticker.set(ticker.get() + 1);
                    yield_once().await;
                }
                let _ = tx.send(());
            })
            .unwrap();
        let counter = ticks.clone();
        let resolved = pool.run_until(async move {
            let addrs: Vec<_> = lookup_host((GATED, GATED_PORT)).await.unwrap().collect();
            (addrs, counter.get())
        });
        let (addrs, ticks_seen) = resolved;
        assert!(!addrs.is_empty());
        assert!(addrs
            .iter()
            .all(|a| a.ip().is_loopback() && a.port() == GATED_PORT));
        assert!(
            ticks_seen >= 10,
            "the ticker advanced only {ticks_seen} times"
        );
    }

    #[test]
    fn literals_resolve_inline() {
        let cases: [(&dyn Fn() -> Resolve, SocketAddr); 4] = [
            (
                &|| "127.0.0.1:1".to_resolve(),
                "127.0.0.1:1".parse().unwrap(),
            ),
            (&|| ("::1", 2).to_resolve(), "[::1]:2".parse().unwrap()),
            (
                &|| (Ipv4Addr::LOCALHOST, 3).to_resolve(),
                "127.0.0.1:3".parse().unwrap(),
            ),
            (
                &|| String::from("[::1]:4").to_resolve(),
                "[::1]:4".parse().unwrap(),
            ),
        ];
        for (resolve, want) in cases {
            match resolve() {
                Resolve::Done(Ok(addrs)) => assert_eq!(addrs, [want]),
                other => panic!("{want}: {other:?}"),
            }
        }
        assert!(matches!(
            "localhost:80".to_resolve(),
            Resolve::Lookup(host, None) if host == "localhost:80"
        ));
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn a_string_without_a_port_is_an_error() {
        let Err(error) = futures::executor::block_on(lookup_host("no-port-here")) else {
            panic!("a string without a port resolved");
        };
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }
}
