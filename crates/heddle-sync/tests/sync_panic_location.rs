//! Documented panics name the caller's line (`#[track_caller]`), as tokio's do, so the
//! message points at the misuse rather than at this crate. One test in its own binary: it
//! swaps the process-wide panic hook.

use heddle_sync::{broadcast, mpsc, oneshot, Mutex, RwLock, Semaphore};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex as StdMutex};

/// The file and line the panic inside `f` reported.
fn panic_location(f: impl FnOnce()) -> (String, u32) {
    let seen = Arc::new(StdMutex::new(None));
    let hook_seen = seen.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let location = info.location().expect("panics carry a location");
        *hook_seen.lock().unwrap() = Some((location.file().to_string(), location.line()));
    }));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    assert!(result.is_err(), "the call panicked");
    let location = seen.lock().unwrap().take();
    location.unwrap()
}

#[test]
fn documented_panics_point_at_the_caller() {
    let here = file!().to_string();
    let cases: Vec<(u32, Box<dyn FnOnce()>)> = vec![
        (line!(), Box::new(|| drop(mpsc::channel::<u8>(0)))),
        (line!(), Box::new(|| drop(broadcast::channel::<u8>(0)))),
        (line!(), Box::new(|| drop(Semaphore::new(usize::MAX)))),
        (line!(), Box::new(|| drop(RwLock::with_max_readers((), 0)))),
        (
            line!(),
            Box::new(|| {
                let (a, b) = (Semaphore::new(1), Semaphore::new(1));
                let mut permit = a.try_acquire().unwrap();
                permit.merge(b.try_acquire().unwrap());
            }),
        ),
        (
            line!(),
            Box::new(|| {
                let _runtime = heddle_task::context::enter_runtime();
                let (_tx, rx) = oneshot::channel::<u8>();
                let _ = rx.blocking_recv();
            }),
        ),
        (
            line!(),
            Box::new(|| {
                let _runtime = heddle_task::context::enter_runtime();
                drop(Mutex::new(0).blocking_lock());
            }),
        ),
    ];
    for (line, case) in cases {
        let (file, reported) = panic_location(case);
        assert_eq!(file, here);
        // The call sits on the case's line or, for the multi-line closures, a few lines below.
        assert!(
            (line..line + 6).contains(&reported),
            "line {line}: reported {reported}"
        );
    }
}
