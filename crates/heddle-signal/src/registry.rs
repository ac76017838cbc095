//! The process-wide part: one slot per signal number with its handler installed once, the
//! self-pipe the handlers write to, and the thread that reads it and delivers.
//!
//! The handler runs in signal context, so it does only what is async-signal-safe: an atomic
//! store and one non-blocking `write(2)` (a full pipe drops the byte, which is fine: a byte
//! is already waiting and the flag is set). The thread sleeps in `read(2)`; on waking it
//! delivers every signal whose flag it can clear, through that signal's `watch` channel,
//! which bumps the version every listener compares against (the coalescing).

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
    /// Set by the handler, cleared by the delivering thread.
    pending: AtomicBool,
    /// Each delivery sends on it; listeners are its receivers.
    deliveries: watch::Sender<()>,
}

struct Globals {
    /// The pipe's write end, non-blocking; written by handlers.
    wake: UnixStream,
    /// Shared with the delivering thread.
    slots: Arc<Mutex<HashMap<libc::c_int, Arc<Slot>>>>,
}

static GLOBALS: OnceLock<Globals> = OnceLock::new();

/// A receiver of `signum`'s deliveries, installing its handler (and starting the delivering
/// thread) on first use. The receiver has seen every delivery so far.
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
    // SAFETY: `register` requires the action to be async-signal-safe. It does an atomic
    // store on a slot that lives as long as the process (the map never removes one) and one
    // `write(2)` on a non-blocking socket that lives in a `static`; it allocates nothing,
    // takes no lock and cannot panic.
    unsafe { signal_hook_registry::register(signum, action) }.map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot handle signal {signum}: {error}"),
        )
    })?;
    slots.insert(signum, slot);
    Ok(receiver)
}

/// The globals, created with the delivering thread on first use.
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
    let slots = Arc::new(Mutex::new(HashMap::new()));
    let delivered = Arc::clone(&slots);
    std::thread::Builder::new()
        .name("heddle-signal".to_owned())
        .spawn(move || deliver_forever(read, &delivered))
        .map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot start the signal thread: {error}"),
            )
        })?;
    Ok(GLOBALS.get_or_init(|| Globals { wake, slots }))
}

/// The delivering thread: waits for handler bytes, then delivers every flagged signal.
fn deliver_forever(mut read: UnixStream, slots: &Mutex<HashMap<libc::c_int, Arc<Slot>>>) {
    let mut bytes = [0; 64];
    loop {
        match read.read(&mut bytes) {
            Ok(0) => return,
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return,
        }
        let flagged: Vec<Arc<Slot>> = slots
            .lock()
            .values()
            .filter(|slot| slot.pending.swap(false, Ordering::SeqCst))
            .cloned()
            .collect();
        for slot in flagged {
            slot.deliveries.send_replace(());
        }
    }
}
