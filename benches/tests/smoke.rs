//! Every workload runs to completion once on every runtime, at 1/1000 size.
//!
//! Benchmarks are not tests: nothing here looks at a number, only that each cell finishes
//! and reports one value per metric (or "n/a" where heddle lacks the feature).

use heddle_benches::workloads::{Scale, RUNTIMES, WORKLOADS};

/// Workloads heddle's current-thread runtime cannot run yet (no `heddle::time`).
const HEDDLE_CT_NOT_YET: &[&str] = &["timers", "timers_light", "timer_churn"];

#[test]
fn every_workload_runs_on_every_runtime() {
    for workload in WORKLOADS {
        for (index, runtime) in RUNTIMES.iter().enumerate() {
            if !workload.applies_to(runtime.flavor) {
                continue;
            }
            let values = workload.run(index, Scale::TINY);
            match values {
                Some(values) => assert_eq!(
                    values.len(),
                    workload.metrics.len(),
                    "{} on {}: one value per metric",
                    workload.name,
                    runtime.name
                ),
                None => assert!(
                    runtime.heddle
                        && (runtime.name == "heddle-mt"
                            || HEDDLE_CT_NOT_YET.contains(&workload.name)),
                    "{} on {} reported n/a",
                    workload.name,
                    runtime.name
                ),
            }
        }
    }
}
