//! The driver stack every runtime parks on, `TimerDriver<Reactor>`, and entering its handles
//! on a thread so that sockets and timers created there use this runtime.

use std::io;

use heddle_reactor::Reactor;
use heddle_timer::{Clock, TimerDriver};

/// What the runtime's executor parks on: timers wrapping the I/O reactor.
pub(crate) type RuntimeDriver = TimerDriver<Reactor>;

/// The handles of a runtime's drivers.
#[derive(Clone)]
pub(crate) struct DriverHandles {
    pub(crate) reactor: heddle_reactor::Handle,
    pub(crate) timer: heddle_timer::Handle,
}

/// Makes a runtime's drivers current on this thread while it lives.
pub(crate) struct DriverGuard<'a> {
    _reactor: heddle_reactor::EnterGuard<'a>,
    _timer: heddle_timer::EnterGuard,
}

/// Builds the driver stack; with `paused`, the clock starts paused and auto-advances.
pub(crate) fn build(paused: bool) -> io::Result<(RuntimeDriver, DriverHandles)> {
    let reactor = Reactor::new()?;
    let reactor_handle = reactor.handle();
    let driver = if paused {
        TimerDriver::with_clock(reactor, Clock::new_paused())
    } else {
        TimerDriver::new(reactor)
    };
    let handles = DriverHandles {
        reactor: reactor_handle,
        timer: driver.handle(),
    };
    Ok((driver, handles))
}

impl DriverHandles {
    pub(crate) fn enter(&self) -> DriverGuard<'_> {
        DriverGuard {
            _reactor: self.reactor.enter(),
            _timer: self.timer.enter(),
        }
    }
}
