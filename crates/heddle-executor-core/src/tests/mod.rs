//! Loom models of the shared executor machinery (run with `--cfg loom`).

mod loom_drain;
