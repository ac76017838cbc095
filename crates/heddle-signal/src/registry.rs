//! The process-wide part: one slot per signal number with its handler installed once, and
//! the self-pipe the handlers write to, drained by whoever polls a listener.
//!
//! The handler runs in signal context, so it does only what is async-signal-safe: an atomic
//! store and one non-blocking `write(2)` (a full pipe drops the byte, which is fine: a byte
//! is already waiting and the flag is set). No thread reads the pipe: each listener waits
//! for its read end to become readable on a reactor (see `unix::Signal`), then calls
//! [`deliver_pending`], which empties the pipe and delivers every signal whose flag it can
//! clear, through that signal's `watch` channel. That bumps the version every listener
//! compares against (the coalescing) and wakes the listeners of that signal, wherever they
//! wait. A flag is cleared only after the pipe is read, and the handler sets it before it
//! writes, so a byte read always finds its flag set (or already delivered).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, OnceLock};

use heddle_loom::unmodelled::{AtomicBool, Mutex, Ordering};
use heddle_sync::watch;

/// Signals a process cannot handle (or must not: the handler would return into the fault).
const FORBIDDEN: &[libc::c_int] = &[
    libc::SIGKILL,
    libc::SIGSTOP,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGSEGV,
];

/// One signal number's state.
struct Slot {
    /// Set by the handler, cleared by [`deliver_pending`].
    pending: AtomicBool,
    /// Each delivery sends on it; listeners are its receivers.
    deliveries: watch::Sender<()>,
}

struct Globals {
    /// The pipe's write end, non-blocking; written by handlers.
    wake: UnixStream,
    /// The pipe's read end, non-blocking; listeners register duplicates of it.
    read: UnixStream,
    slots: Mutex<HashMap<libc::c_int, Arc<Slot>>>,
}

static GLOBALS: OnceLock<Globals> = OnceLock::new();

/// A receiver of `signum`'s deliveries, installing its handler on first use. The receiver
/// has seen every delivery so far, including those still waiting in the pipe.
pub(crate) fn subscribe(signum: libc::c_int) -> io::Result<watch::Receiver<()>> {
    if FORBIDDEN.contains(&signum) {
        return Err(io::Error::other(format!(
            "refusing to register signal {signum}: it cannot be handled"
        )));
    }
    if signum <= 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("invalid signal number {signum}"),
        ));
    }
    let globals = globals()?;
    // A signal that arrived before this listener is delivered before it subscribes, so it
    // is not seen as a new one.
    deliver_pending();
    let mut slots = globals.slots.lock();
    if let Some(slot) = slots.get(&signum) {
        return Ok(slot.deliveries.subscribe());
    }
    let (deliveries, receiver) = watch::channel(());
    let slot = Arc::new(Slot {
        pending: AtomicBool::new(false),
        deliveries,
    });
    let in_handler = Arc::clone(&slot);
    let wake = &globals.wake;
    let action = move || {
        in_handler.pending.store(true, Ordering::SeqCst);
        let _ = (&*wake).write(&[1]);
    };
    // `register` requires the action to be async-signal-safe. It does an atomic store on a
    // slot that lives as long as the process (the map never removes one) and one `write(2)`
    // on a non-blocking socket that lives in a `static`.
    // SAFETY: so the action allocates nothing, takes no lock and cannot panic.
    unsafe { signal_hook_registry::register(signum, action) }.map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot handle signal {signum}: {error}"),
        )
    })?;
    slots.insert(signum, slot);
    Ok(receiver)
}

/// A new descriptor for the pipe's read end, for a listener to register with its reactor.
pub(crate) fn reader() -> io::Result<UnixStream> {
    globals()?.read.try_clone()
}

/// Empties the pipe, then delivers every flagged signal; true if a byte was read (someone
/// else may have delivered by then: a caller re-checks its own channel).
pub(crate) fn deliver_pending() -> bool {
    /// Reads per call, so a storm of signals cannot hold a caller here; what is left keeps
    /// the pipe readable, and the flags make the deliveries anyway.
    const MAX_READS: usize = 16;
    let Some(globals) = GLOBALS.get() else {
        return false;
    };
    let mut read_any = false;
    let mut bytes = [0; 64];
    for _ in 0..MAX_READS {
        match (&globals.read).read(&mut bytes) {
            Ok(0) => break,
            Ok(_) => read_any = true,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            // `WouldBlock`: empty. Another error cannot happen on a socket pair whose write
            // end lives as long as the process; the flags are delivered either way.
            Err(_) => break,
        }
    }
    // SeqCst pairs with the handler's store: its flag is visible to a read of its byte.
    let flagged: Vec<Arc<Slot>> = globals
        .slots
        .lock()
        .values()
        .filter(|slot| slot.pending.swap(false, Ordering::SeqCst))
        .cloned()
        .collect();
    // Sent after the lock is released: a woken listener may subscribe at once.
    for slot in flagged {
        slot.deliveries.send_replace(());
    }
    read_any
}

/// The globals, created with the pipe on first use.
fn globals() -> io::Result<&'static Globals> {
    static CREATING: Mutex<()> = Mutex::new(());
    if let Some(globals) = GLOBALS.get() {
        return Ok(globals);
    }
    let _creating = CREATING.lock();
    if let Some(globals) = GLOBALS.get() {
        return Ok(globals);
    }
    let (wake, read) = UnixStream::pair()?;
    wake.set_nonblocking(true)?;
    read.set_nonblocking(true)?;
    Ok(GLOBALS.get_or_init(|| Globals {
        wake,
        read,
        slots: Mutex::new(HashMap::new()),
    }))
}
