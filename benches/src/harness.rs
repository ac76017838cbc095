//! Sampling: which cells run, in which order, in which process.
//!
//! For each workload, every runtime runs one sample in turn, round after round (warm-up
//! rounds first, their samples discarded), so that drift of the machine during a run hits
//! every runtime alike. Every sample builds a fresh runtime. Workloads marked `isolate`
//! (memory and idle CPU) run each sample in a fresh child process: the runner re-executes
//! itself as `heddle-bench child <workload> <runtime> <light> <heavy>`.
//!
//! A watchdog ends the process if one sample runs longer than [`SAMPLE_LIMIT`]: a hang is
//! a bug to report, not something to wait out.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::workloads::{Scale, Workload, RUNTIMES};

/// The longest one sample may take before the run is abandoned.
pub const SAMPLE_LIMIT: Duration = Duration::from_secs(180);

/// What to run.
#[derive(Clone)]
pub struct Plan {
    /// The workloads, in table order.
    pub workloads: Vec<&'static Workload>,
    /// Indices into [`RUNTIMES`], in table order.
    pub runtimes: Vec<usize>,
    /// Rounds run first and discarded.
    pub warmup: usize,
    /// Rounds kept.
    pub samples: usize,
    /// Sizes.
    pub scale: Scale,
    /// The runner's own executable, re-executed for isolated cells.
    pub exe: PathBuf,
}

/// The outcome of one workload on one runtime.
#[derive(Debug, Clone)]
pub enum Cell {
    /// One entry per kept sample, each with one value per metric.
    Samples(Vec<Vec<f64>>),
    /// The runtime does not have what the workload needs yet.
    NotAvailable,
    /// The workload is not defined for the runtime's flavor.
    NotApplicable,
    /// A sample failed; the message says how.
    Failed(String),
}

/// Median, minimum and maximum of one metric's samples.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// The median (mean of the middle two for an even count).
    pub median: f64,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
}

impl Cell {
    /// The summary of metric `metric`, if the cell has samples.
    pub fn summary(&self, metric: usize) -> Option<Summary> {
        let Cell::Samples(samples) = self else {
            return None;
        };
        let mut values: Vec<f64> = samples.iter().map(|sample| sample[metric]).collect();
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2.0
        };
        Some(Summary {
            median,
            min: values[0],
            max: values[n - 1],
        })
    }
}

/// Everything one run measured.
pub struct Results {
    /// What was run.
    pub plan: Plan,
    /// One cell per workload × planned runtime, in plan order.
    pub cells: Vec<(&'static Workload, usize, Cell)>,
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// `/proc/loadavg` before the run.
    pub load_before: String,
    /// `/proc/loadavg` after the run.
    pub load_after: String,
}

impl Results {
    /// The cell of `workload` on the runtime at `runtime` of [`RUNTIMES`], if it was run.
    pub fn cell(&self, workload: &str, runtime: usize) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|(w, r, _)| w.name == workload && *r == runtime)
            .map(|(_, _, cell)| cell)
    }
}

/// The first three fields of `/proc/loadavg`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|load| {
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Ends the process when a sample outlives [`SAMPLE_LIMIT`].
struct Watchdog {
    current: Arc<Mutex<Option<(Instant, String)>>>,
}

impl Watchdog {
    fn start() -> Watchdog {
        let current: Arc<Mutex<Option<(Instant, String)>>> = Arc::default();
        let watched = current.clone();
        std::thread::Builder::new()
            .name("bench-watchdog".to_owned())
            .spawn(move || {
                // One check a second, for at most a day; the process ends long before.
                for _ in 0..86_400 {
                    std::thread::sleep(Duration::from_secs(1));
                    let state = watched.lock().expect("watchdog poisoned");
                    if let Some((since, what)) = state.as_ref() {
                        if since.elapsed() > SAMPLE_LIMIT {
                            eprintln!(
                                "heddle-bench: {what} still running after {}s; giving up",
                                SAMPLE_LIMIT.as_secs()
                            );
                            std::process::exit(3);
                        }
                    }
                }
            })
            .expect("failed to start the watchdog");
        Watchdog { current }
    }

    fn watch(&self, what: Option<String>) {
        *self.current.lock().expect("watchdog poisoned") = what.map(|w| (Instant::now(), w));
    }
}

/// Runs one isolated sample in a child process.
///
/// # Errors
///
/// Returns a message if the child cannot start, fails, times out or prints nonsense.
pub fn run_child(
    exe: &Path,
    workload: &Workload,
    runtime: usize,
    scale: Scale,
) -> Result<Option<Vec<f64>>, String> {
    let mut child = Command::new(exe)
        .args([
            "child",
            workload.name,
            RUNTIMES[runtime].name,
            &scale.light.to_string(),
            &scale.heavy.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let deadline = Instant::now() + SAMPLE_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err("child timed out".to_owned());
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).map_err(|e| e.to_string())?;
    }
    if !status.success() {
        return Err(format!("child exited with {status}"));
    }
    parse_child_output(&stdout)
}

/// Formats a child's answer: `values v1 v2 …` or `n/a`.
pub fn child_output(values: Option<&[f64]>) -> String {
    match values {
        Some(values) => {
            let values: Vec<String> = values.iter().map(|v| format!("{v:e}")).collect();
            format!("values {}", values.join(" "))
        }
        None => "n/a".to_owned(),
    }
}

/// Parses what [`child_output`] printed (the last line of the child's stdout).
///
/// # Errors
///
/// Returns a message if the output has neither form.
pub fn parse_child_output(stdout: &str) -> Result<Option<Vec<f64>>, String> {
    let line = stdout.lines().last().unwrap_or("").trim();
    if line == "n/a" {
        return Ok(None);
    }
    let Some(values) = line.strip_prefix("values ") else {
        return Err(format!("unexpected child output: {line:?}"));
    };
    values
        .split_whitespace()
        .map(|v| {
            v.parse::<f64>()
                .map_err(|e| format!("bad value {v:?}: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Runs the plan, printing progress on stderr.
pub fn execute(plan: &Plan) -> Results {
    let started = Instant::now();
    let load_before = load_average();
    let watchdog = Watchdog::start();
    let rounds = plan.warmup + plan.samples;
    let mut cells = Vec::new();
    for (w, workload) in plan.workloads.iter().enumerate() {
        let mut row: Vec<(usize, Cell)> = plan
            .runtimes
            .iter()
            .map(|&r| {
                let cell = if workload.applies_to(RUNTIMES[r].flavor) {
                    Cell::Samples(Vec::with_capacity(plan.samples))
                } else {
                    Cell::NotApplicable
                };
                (r, cell)
            })
            .collect();
        for round in 0..rounds {
            for (runtime, cell) in &mut row {
                let Cell::Samples(samples) = cell else {
                    continue;
                };
                let phase = if round < plan.warmup {
                    format!("warm-up {}/{}", round + 1, plan.warmup)
                } else {
                    format!("sample {}/{}", round - plan.warmup + 1, plan.samples)
                };
                let name = RUNTIMES[*runtime].name;
                eprintln!(
                    "[{}/{}] {:<24} {:<10} {phase}",
                    w + 1,
                    plan.workloads.len(),
                    workload.name,
                    name
                );
                let outcome = if workload.isolate {
                    run_child(&plan.exe, workload, *runtime, plan.scale)
                } else {
                    watchdog.watch(Some(format!("{} on {name}", workload.name)));
                    let values = workload.run(*runtime, plan.scale);
                    watchdog.watch(None);
                    Ok(values)
                };
                match outcome {
                    Ok(Some(values)) if round >= plan.warmup => samples.push(values),
                    Ok(Some(_)) => {}
                    Ok(None) => *cell = Cell::NotAvailable,
                    Err(message) => {
                        eprintln!("  failed: {message}");
                        *cell = Cell::Failed(message);
                    }
                }
            }
        }
        cells.extend(row.into_iter().map(|(r, cell)| (*workload, r, cell)));
    }
    Results {
        plan: plan.clone(),
        cells,
        elapsed: started.elapsed(),
        load_before,
        load_after: load_average(),
    }
}
