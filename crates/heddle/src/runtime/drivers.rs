//! The driver stack every runtime parks on, and entering its handles on a thread so that
//! sockets and timers created there use this runtime.
//!
//! The stack is what the features compile in: `TimerDriver<Reactor>` with `time` and `net`
//! (on Unix, where the reactor exists), `Reactor` or `TimerDriver<ThreadParker>` with one of
//! them, and a bare `ThreadParker` with neither. The executors are generic over it.

use std::io;

use heddle_driver::Driver;

/// The I/O layer of the stack: the reactor, or a plain parker without one.
#[cfg(all(feature = "net", unix))]
type IoDriver = heddle_reactor::Reactor;
#[cfg(not(all(feature = "net", unix)))]
type IoDriver = heddle_driver::ThreadParker;

/// What the runtime's executor parks on: timers (if compiled in) over the I/O layer.
#[cfg(feature = "time")]
pub(crate) type RuntimeDriver = heddle_timer::TimerDriver<IoDriver>;
#[cfg(not(feature = "time"))]
pub(crate) type RuntimeDriver = IoDriver;

/// The I/O events one wait of the reactor handles unless the builder says otherwise.
pub(crate) const DEFAULT_MAX_IO_EVENTS_PER_TICK: usize = 1024;

/// Wakes a thread parked on [`RuntimeDriver`].
pub(crate) type RuntimeUnparker = <RuntimeDriver as Driver>::Unparker;

/// The handles of a runtime's drivers.
#[derive(Clone)]
pub(crate) struct DriverHandles {
    #[cfg(all(feature = "net", unix))]
    reactor: heddle_reactor::Handle,
    #[cfg(feature = "time")]
    timer: heddle_timer::Handle,
}

/// Makes a runtime's drivers current on this thread while it lives.
pub(crate) struct DriverGuard<'a> {
    #[cfg(all(feature = "net", unix))]
    _reactor: heddle_reactor::EnterGuard<'a>,
    #[cfg(feature = "time")]
    _timer: heddle_timer::EnterGuard,
    _handles: std::marker::PhantomData<&'a DriverHandles>,
}

/// Builds the driver stack; with `paused`, the clock starts paused and auto-advances (the
/// builder accepts `paused` only when the timer is compiled in). The reactor handles at most
/// `max_io_events` events per wait (the builder checks it is not 0).
pub(crate) fn build(
    paused: bool,
    max_io_events: usize,
) -> io::Result<(RuntimeDriver, DriverHandles)> {
    #[cfg(all(feature = "net", unix))]
    let (io_driver, reactor) = {
        let capacity = std::num::NonZeroUsize::new(max_io_events).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "max_io_events_per_tick must be at least 1",
            )
        })?;
        let reactor = heddle_reactor::Reactor::with_events_capacity(capacity)?;
        let handle = reactor.handle();
        (reactor, handle)
    };
    #[cfg(not(all(feature = "net", unix)))]
    let io_driver = {
        let _ = max_io_events; // no reactor: nothing to size
        heddle_driver::ThreadParker::new()
    };

    #[cfg(feature = "time")]
    let (driver, timer) = {
        let driver = if paused {
            heddle_timer::TimerDriver::with_clock(io_driver, heddle_timer::Clock::new_paused())
        } else {
            heddle_timer::TimerDriver::new(io_driver)
        };
        let handle = driver.handle();
        (driver, handle)
    };
    #[cfg(not(feature = "time"))]
    let driver = {
        debug_assert!(!paused, "a paused clock needs the `time` feature");
        io_driver
    };

    let handles = DriverHandles {
        #[cfg(all(feature = "net", unix))]
        reactor,
        #[cfg(feature = "time")]
        timer,
    };
    Ok((driver, handles))
}

impl DriverHandles {
    /// Shuts the reactor down (see `heddle_reactor::Handle::shut_down`): the runtime is gone.
    pub(crate) fn shut_down(&self) {
        #[cfg(all(feature = "net", unix))]
        self.reactor.shut_down();
    }

    /// Holds back auto-advance of the runtime's (paused) clock while the guard lives.
    #[cfg(feature = "time")]
    pub(crate) fn inhibit_auto_advance(&self) -> heddle_timer::AutoAdvanceGuard {
        self.timer.inhibit_auto_advance()
    }

    pub(crate) fn enter(&self) -> DriverGuard<'_> {
        DriverGuard {
            #[cfg(all(feature = "net", unix))]
            _reactor: self.reactor.enter(),
            #[cfg(feature = "time")]
            _timer: self.timer.enter(),
            _handles: std::marker::PhantomData,
        }
    }
}
