//! heddle's comparative benchmarks: the workloads of `docs/benchmarks.md`, run on heddle, tokio
//! and smol in the same process, on the same work.
//!
//! This is not a test suite and not a Criterion harness. It is the library behind the
//! `heddle-bench` runner that `cargo xtask bench` builds and starts: [`rt`] is the small
//! runtime trait and its implementations, [`workloads`] the workloads written once against
//! it, [`harness`] the sampling (interleaved runtimes, warm-up, child processes for memory
//! and idle-CPU cells), and [`report`] the table, `report.md`, `report.json` and
//! `report.svg`. The only test runs every workload on every runtime once at 1/1000 size.

pub mod harness;
pub mod report;
pub mod rt;
pub mod workloads;
