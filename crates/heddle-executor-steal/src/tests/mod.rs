//! Loom models of the executor's lock-free parts (run with `--cfg loom`).

mod loom_idle;
mod loom_lifo;
mod loom_panic;
mod loom_queue;
mod loom_shutdown;
