//! [`Interest`] (what a caller waits for) and [`Ready`] (what a descriptor reported), as
//! tokio's `tokio::io::{Interest, Ready}` spell them.
//!
//! Both are small bit sets. The reactor itself waits on two directions (readable, writable);
//! the finer [`Ready`] bits (a closed read or write half, an error, priority data) are read
//! from the descriptor with a non-blocking `poll(2)` when a wait completes ([`Ready::of_fd`]).
//! Priority readiness (`EPOLLPRI`, Linux and Android) arrives on the read direction: `polling`
//! registers `EPOLLPRI` with every readable interest and reports it as readable. This module
//! is not the reactor's own interest bookkeeping, which lives in `source.rs`.

use std::fmt;
use std::io;
use std::ops;
use std::os::fd::RawFd;

use crate::source::Direction;

/// Readiness a caller waits for: any combination of [`READABLE`](Interest::READABLE),
/// [`WRITABLE`](Interest::WRITABLE), [`ERROR`](Interest::ERROR) and (Linux and Android)
/// `PRIORITY`, joined with `|`.
///
/// # Examples
///
/// ```
/// use heddle_reactor::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable() && !both.is_error());
/// assert_eq!(both.remove(Interest::WRITABLE), Some(Interest::READABLE));
/// assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interest(u8);

const READ: u8 = 0b0001;
const WRITE: u8 = 0b0010;
const ERR: u8 = 0b0100;
#[cfg(any(target_os = "linux", target_os = "android"))]
const PRI: u8 = 0b1000;

impl Interest {
    /// Interest in readability (including a hang-up of the read side).
    pub const READABLE: Interest = Interest(READ);
    /// Interest in writability (including a hang-up of the write side).
    pub const WRITABLE: Interest = Interest(WRITE);
    /// Interest in error readiness. The reactor cannot wait for errors alone: combine it with
    /// [`READABLE`](Interest::READABLE) or [`WRITABLE`](Interest::WRITABLE) (an error wakes
    /// both directions), and [`Ready::is_error`] says whether one is pending.
    pub const ERROR: Interest = Interest(ERR);
    /// Interest in priority readiness: out-of-band data on a TCP socket, or a change on a
    /// `/proc` or sysfs file (`EPOLLPRI`). Linux and Android only, as in tokio.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Interest = Interest(PRI);

    /// True if the set holds [`READABLE`](Interest::READABLE).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_reactor::Interest::READABLE.is_readable());
    /// ```
    pub const fn is_readable(self) -> bool {
        self.0 & READ != 0
    }

    /// True if the set holds [`WRITABLE`](Interest::WRITABLE).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_reactor::Interest::WRITABLE.is_writable());
    /// ```
    pub const fn is_writable(self) -> bool {
        self.0 & WRITE != 0
    }

    /// True if the set holds [`ERROR`](Interest::ERROR).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_reactor::Interest::ERROR.is_error());
    /// ```
    pub const fn is_error(self) -> bool {
        self.0 & ERR != 0
    }

    /// True if the set holds [`PRIORITY`](Interest::PRIORITY).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::Interest;
    ///
    /// assert!(Interest::PRIORITY.is_priority());
    /// assert!(!Interest::READABLE.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const fn is_priority(self) -> bool {
        self.0 & PRI != 0
    }

    /// Whether priority readiness is asked for; always false where the OS has none.
    pub(crate) const fn wants_priority(self) -> bool {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        return self.is_priority();
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        return false;
    }

    /// The union of two sets; `|` in a `const` context.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::Interest;
    ///
    /// const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
    /// assert!(BOTH.is_readable() && BOTH.is_writable());
    /// ```
    #[must_use]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// The set without `other`, or `None` if nothing is left.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::Interest;
    ///
    /// let both = Interest::READABLE | Interest::WRITABLE;
    /// assert_eq!(both.remove(Interest::READABLE), Some(Interest::WRITABLE));
    /// ```
    #[must_use]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let left = self.0 & !other.0;
        (left != 0).then_some(Interest(left))
    }

    /// The [`Ready`] bits that satisfy this interest.
    pub(crate) fn mask(self) -> Ready {
        let mut ready = Ready::EMPTY;
        if self.is_readable() {
            ready |= Ready::READABLE | Ready::READ_CLOSED;
        }
        if self.is_writable() {
            ready |= Ready::WRITABLE | Ready::WRITE_CLOSED;
        }
        if self.is_error() {
            ready |= Ready::ERROR;
        }
        if self.wants_priority() {
            ready |= Ready::PRIORITY_BIT | Ready::READ_CLOSED;
        }
        ready
    }

    /// The reactor directions to wait on, or an error for a set the reactor cannot wait for.
    /// Priority readiness is reported on the read direction.
    pub(crate) fn directions(self) -> io::Result<(bool, bool)> {
        let read = self.is_readable() || self.wants_priority();
        if !read && !self.is_writable() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "Interest::ERROR alone cannot be waited for: combine it with READABLE or WRITABLE",
            ));
        }
        Ok((read, self.is_writable()))
    }
}

impl From<Direction> for Interest {
    fn from(dir: Direction) -> Interest {
        match dir {
            Direction::Read => Interest::READABLE,
            Direction::Write => Interest::WRITABLE,
        }
    }
}

impl ops::BitOr for Interest {
    type Output = Interest;

    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    fn bitor_assign(&mut self, other: Interest) {
        *self = self.add(other);
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (self.is_readable(), "READABLE"),
            (self.is_writable(), "WRITABLE"),
            (self.is_error(), "ERROR"),
            (self.wants_priority(), "PRIORITY"),
        ];
        let mut first = true;
        for (_, name) in names.iter().filter(|(set, _)| *set) {
            if !first {
                f.write_str(" | ")?;
            }
            f.write_str(name)?;
            first = false;
        }
        Ok(())
    }
}

/// Readiness a descriptor reported: a set of [`READABLE`](Ready::READABLE),
/// [`WRITABLE`](Ready::WRITABLE), [`READ_CLOSED`](Ready::READ_CLOSED),
/// [`WRITE_CLOSED`](Ready::WRITE_CLOSED), [`ERROR`](Ready::ERROR) and (Linux and Android)
/// `PRIORITY`.
///
/// Readiness is a hint: an operation tried on it may still say `WouldBlock`.
///
/// # Examples
///
/// ```
/// use heddle_reactor::Ready;
///
/// let ready = Ready::READABLE | Ready::READ_CLOSED;
/// assert!(ready.is_readable() && ready.is_read_closed() && !ready.is_writable());
/// assert_eq!(ready - Ready::READ_CLOSED, Ready::READABLE);
/// assert!(Ready::EMPTY.is_empty());
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ready(u8);

const READABLE: u8 = 0b0_0001;
const WRITABLE: u8 = 0b0_0010;
const READ_CLOSED: u8 = 0b0_0100;
const WRITE_CLOSED: u8 = 0b0_1000;
const ERROR: u8 = 0b1_0000;
const PRIORITY: u8 = 0b10_0000;

impl Ready {
    /// No readiness.
    pub const EMPTY: Ready = Ready(0);
    /// Readable.
    pub const READABLE: Ready = Ready(READABLE);
    /// Writable.
    pub const WRITABLE: Ready = Ready(WRITABLE);
    /// The read half is closed (the peer hung up or shut down its write side).
    pub const READ_CLOSED: Ready = Ready(READ_CLOSED);
    /// The write half is closed.
    pub const WRITE_CLOSED: Ready = Ready(WRITE_CLOSED);
    /// An error is pending on the descriptor.
    pub const ERROR: Ready = Ready(ERROR);
    /// Priority data is pending (`EPOLLPRI`): out-of-band data on a TCP socket, for one.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Ready = Ready(PRIORITY);
    /// Every readiness bit.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const ALL: Ready =
        Ready(READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | ERROR | PRIORITY);
    /// Every readiness bit.
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub const ALL: Ready = Ready(READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | ERROR);
    /// The priority bit, named on every OS (never set where the OS has no priority data).
    const PRIORITY_BIT: Ready = Ready(PRIORITY);

    /// True if no bit is set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_reactor::Ready::EMPTY.is_empty());
    /// ```
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True if readable (or the read half is closed: a read returns at once).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::Ready;
    ///
    /// assert!(Ready::READ_CLOSED.is_readable());
    /// ```
    pub fn is_readable(self) -> bool {
        self.0 & (READABLE | READ_CLOSED) != 0
    }

    /// True if writable (or the write half is closed: a write returns at once).
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::Ready;
    ///
    /// assert!(Ready::WRITE_CLOSED.is_writable());
    /// ```
    pub fn is_writable(self) -> bool {
        self.0 & (WRITABLE | WRITE_CLOSED) != 0
    }

    /// True if the read half is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!heddle_reactor::Ready::READABLE.is_read_closed());
    /// ```
    pub fn is_read_closed(self) -> bool {
        self.0 & READ_CLOSED != 0
    }

    /// True if the write half is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_reactor::Ready::WRITE_CLOSED.is_write_closed());
    /// ```
    pub fn is_write_closed(self) -> bool {
        self.0 & WRITE_CLOSED != 0
    }

    /// True if an error is pending.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(heddle_reactor::Ready::ERROR.is_error());
    /// ```
    pub fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// True if priority data is pending.
    ///
    /// # Examples
    ///
    /// ```
    /// use heddle_reactor::Ready;
    ///
    /// assert!(Ready::PRIORITY.is_priority());
    /// assert!(!Ready::READABLE.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// The readiness of `fd` right now for `interest`, by a non-blocking `poll(2)`, with the
    /// bits `interest` does not ask for removed. `EINTR` is retried; any other failure of
    /// `poll` counts as ready for every bit asked for (readiness may be spurious by contract,
    /// while "not ready" could leave a ready descriptor waiting for an edge that never comes).
    pub(crate) fn of_fd(fd: RawFd, interest: Interest) -> Ready {
        let mut events = 0;
        if interest.is_readable() {
            events |= libc::POLLIN | POLLRDHUP;
        }
        if interest.is_writable() {
            events |= libc::POLLOUT;
        }
        if interest.wants_priority() {
            events |= libc::POLLPRI | POLLRDHUP;
        }
        let mut pollfd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        let revents = loop {
            // `poll` reads a descriptor number only; callers pass the descriptor of a source
            // they own, so by the `Source::fd` invariant the number is open.
            // SAFETY: `pollfd` is one valid, writable `pollfd` and the count says one.
            let n = unsafe { libc::poll(&mut pollfd, 1, 0) };
            match n {
                1.. => break pollfd.revents,
                0 => break 0,
                _ if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => continue,
                _ => return interest.mask(),
            }
        };
        let mut ready = Ready::EMPTY;
        for (bits, bit) in [
            (libc::POLLIN, Ready::READABLE),
            (libc::POLLOUT, Ready::WRITABLE),
            (POLLRDHUP | libc::POLLHUP, Ready::READ_CLOSED),
            (libc::POLLHUP, Ready::WRITE_CLOSED),
            (libc::POLLERR | libc::POLLNVAL, Ready::ERROR),
            (libc::POLLPRI, Ready::PRIORITY_BIT),
        ] {
            if revents & bits != 0 {
                ready |= bit;
            }
        }
        // An error or hang-up is reported whatever was asked for; an error also counts as
        // readiness of the directions asked for, so the caller's next attempt reports it.
        if ready.is_error() {
            ready |= interest.mask() - Ready::READ_CLOSED - Ready::WRITE_CLOSED;
        }
        ready & (interest.mask() | Ready::ERROR)
    }

    /// Every bit that readiness of one direction can carry.
    pub(crate) fn of_direction_all(dir: Direction) -> Ready {
        match dir {
            Direction::Read => Ready(READABLE | READ_CLOSED | PRIORITY),
            Direction::Write => Ready(WRITABLE | WRITE_CLOSED),
        }
    }

    /// The readiness of one direction: its "ready" bit.
    pub(crate) fn of_direction(dir: Direction) -> Ready {
        match dir {
            Direction::Read => Ready::READABLE,
            Direction::Write => Ready::WRITABLE,
        }
    }
}

/// `POLLRDHUP` where the OS has it: the peer shut its write side down.
#[cfg(any(target_os = "linux", target_os = "android"))]
const POLLRDHUP: libc::c_short = libc::POLLRDHUP;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const POLLRDHUP: libc::c_short = 0;

impl ops::BitOr for Ready {
    type Output = Ready;

    fn bitor(self, other: Ready) -> Ready {
        Ready(self.0 | other.0)
    }
}

impl ops::BitOrAssign for Ready {
    fn bitor_assign(&mut self, other: Ready) {
        self.0 |= other.0;
    }
}

impl ops::BitAnd for Ready {
    type Output = Ready;

    fn bitand(self, other: Ready) -> Ready {
        Ready(self.0 & other.0)
    }
}

impl ops::Sub for Ready {
    type Output = Ready;

    fn sub(self, other: Ready) -> Ready {
        Ready(self.0 & !other.0)
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ready")
            .field("is_readable", &self.is_readable())
            .field("is_writable", &self.is_writable())
            .field("is_read_closed", &self.is_read_closed())
            .field("is_write_closed", &self.is_write_closed())
            .field("is_error", &self.is_error())
            .field("is_priority", &(self.0 & PRIORITY != 0))
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;

    #[test]
    #[cfg_attr(miri, ignore)]
    fn readiness_of_a_socket_pair_follows_its_state() {
        let (a, b) = UnixStream::pair().unwrap();
        let both = Interest::READABLE | Interest::WRITABLE;
        assert_eq!(Ready::of_fd(a.as_raw_fd(), both), Ready::WRITABLE);
        std::io::Write::write_all(&mut &b, b"x").unwrap();
        assert_eq!(
            Ready::of_fd(a.as_raw_fd(), Interest::READABLE),
            Ready::READABLE
        );
        drop(b);
        let ready = Ready::of_fd(a.as_raw_fd(), both);
        assert!(ready.is_readable() && ready.is_read_closed(), "{ready:?}");
    }

    #[test]
    fn interest_sets_compose() {
        let mut interest = Interest::READABLE;
        interest |= Interest::ERROR;
        assert!(interest.is_readable() && interest.is_error() && !interest.is_writable());
        assert_eq!(format!("{interest:?}"), "READABLE | ERROR");
        assert!(Interest::ERROR.directions().is_err());
        assert_eq!(interest.directions().unwrap(), (true, false));
    }
}
