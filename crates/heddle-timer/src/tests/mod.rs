//! Loom models of this crate's synchronisation (run with `--cfg loom`).

mod loom_timer_entry;
