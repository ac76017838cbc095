//! Every workload runs to completion once on every runtime, at 1/1000 size.
//!
//! Benchmarks are not tests: nothing here looks at a number, only that each cell finishes
//! and reports one value per metric.

use heddle_benches::workloads::{Scale, RUNTIMES, WORKLOADS};

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
                None => panic!("{} on {} reported n/a", workload.name, runtime.name),
            }
        }
    }
}
