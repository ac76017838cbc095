//! `heddle-bench`: runs the workloads of `docs/benchmarks.md` on heddle, tokio and smol and
//! writes the report. Usually started by `cargo xtask bench`, which builds it in release.
//!
//! ```text
//! heddle-bench [--quick] [--only W[,W..]] [--runtime R[,R..]] [--samples N] [--warmup N] [--out DIR]
//! heddle-bench --list
//! heddle-bench child WORKLOAD RUNTIME LIGHT HEAVY    (one isolated sample; used by the runner)
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use heddle_benches::harness::{self, Plan};
use heddle_benches::report::{self, Context};
use heddle_benches::workloads::{self, Scale, RUNTIMES, WORKLOADS};

const USAGE: &str = "usage: heddle-bench [--quick] [--only W[,W..]] [--runtime R[,R..]] \
                     [--samples N] [--warmup N] [--out DIR] | --list";

fn main() -> ExitCode {
    raise_fd_limit();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("child") {
        return child(&args[1..]);
    }
    match parse(&args) {
        Ok(Some((plan, out, mode))) => run(plan, out, mode, &args),
        Ok(None) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("heddle-bench: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Idle-connection cells hold 2,000 sockets; lift the soft descriptor limit to the hard one.
fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable rlimit for both calls.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// Runs one sample of one cell and prints it for the parent.
fn child(args: &[String]) -> ExitCode {
    let [workload, runtime, light, heavy] = args else {
        eprintln!("usage: heddle-bench child WORKLOAD RUNTIME LIGHT HEAVY");
        return ExitCode::from(2);
    };
    let Some(workload) = workloads::workload(workload) else {
        eprintln!("unknown workload {workload}");
        return ExitCode::from(2);
    };
    let Some(runtime) = RUNTIMES.iter().position(|r| r.name == runtime) else {
        eprintln!("unknown runtime {runtime}");
        return ExitCode::from(2);
    };
    let (Ok(light), Ok(heavy)) = (light.parse(), heavy.parse()) else {
        eprintln!("bad scale {light} {heavy}");
        return ExitCode::from(2);
    };
    let values = workload.run(runtime, Scale { light, heavy });
    println!("{}", harness::child_output(values.as_deref()));
    ExitCode::SUCCESS
}

/// The value after a flag.
fn value<'a>(args: &mut impl Iterator<Item = &'a String>, flag: &str) -> Result<&'a str, String> {
    args.next()
        .map(String::as_str)
        .ok_or_else(|| format!("{flag} needs a value"))
}

/// Parses the command line into a plan, the output directory and a description of the
/// mode; `None` when there is nothing to run (`--list`).
fn parse(args: &[String]) -> Result<Option<(Plan, PathBuf, String)>, String> {
    let mut quick = false;
    let mut only: Option<Vec<String>> = None;
    let mut runtimes: Option<Vec<String>> = None;
    let mut samples = None;
    let mut warmup = None;
    let mut out = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/heddle-bench"
    ));
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--only" => {
                only = Some(
                    value(&mut iter, arg)?
                        .split(',')
                        .map(str::to_owned)
                        .collect(),
                );
            }
            "--runtime" => {
                runtimes = Some(
                    value(&mut iter, arg)?
                        .split(',')
                        .map(str::to_owned)
                        .collect(),
                );
            }
            "--samples" => {
                samples = Some(
                    value(&mut iter, arg)?
                        .parse::<usize>()
                        .map_err(|e| e.to_string())?,
                );
            }
            "--warmup" => {
                warmup = Some(
                    value(&mut iter, arg)?
                        .parse::<usize>()
                        .map_err(|e| e.to_string())?,
                );
            }
            "--out" => out = PathBuf::from(value(&mut iter, arg)?),
            "--list" => {
                println!("workloads:");
                for workload in WORKLOADS {
                    println!("  {:<24} {}", workload.name, workload.what);
                }
                println!("runtimes:");
                for runtime in RUNTIMES {
                    println!("  {:<12} {}", runtime.name, runtime.flavor.label());
                }
                return Ok(None);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let workloads = match only {
        None => WORKLOADS.iter().collect(),
        Some(names) => {
            let mut chosen = Vec::new();
            for workload in WORKLOADS {
                if names.iter().any(|n| n == workload.name) {
                    chosen.push(workload);
                }
            }
            if let Some(unknown) = names.iter().find(|n| workloads::workload(n).is_none()) {
                return Err(format!("unknown workload {unknown} (see --list)"));
            }
            chosen
        }
    };
    let runtimes: Vec<usize> = match runtimes {
        None => (0..RUNTIMES.len()).collect(),
        Some(names) => {
            if let Some(unknown) = names
                .iter()
                .find(|n| !RUNTIMES.iter().any(|r| r.name == n.as_str()))
            {
                return Err(format!("unknown runtime {unknown} (see --list)"));
            }
            (0..RUNTIMES.len())
                .filter(|&i| names.iter().any(|n| n == RUNTIMES[i].name))
                .collect()
        }
    };
    let (scale, default_warmup, default_samples) = if quick {
        (Scale::QUICK, 1, 3)
    } else {
        (Scale::FULL, 1, 9)
    };
    let samples = samples.unwrap_or(default_samples).max(1);
    let warmup = warmup.unwrap_or(default_warmup);
    let mode = if quick {
        format!(
            "quick: heavy workloads at {}× size, {warmup} warm-up + {samples} samples",
            scale.heavy
        )
    } else {
        format!("full size, {warmup} warm-up + {samples} samples")
    };
    let exe = std::env::current_exe().map_err(|e| format!("cannot find own executable: {e}"))?;
    let plan = Plan {
        workloads,
        runtimes,
        warmup,
        samples,
        scale,
        exe,
    };
    Ok(Some((plan, out, mode)))
}

fn run(plan: Plan, out: PathBuf, mode: String, args: &[String]) -> ExitCode {
    let mut shown = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--out" {
            iter.next();
        } else {
            shown.push(arg.as_str());
        }
    }
    let command = ["cargo xtask bench"]
        .into_iter()
        .chain(shown)
        .collect::<Vec<_>>()
        .join(" ");
    let lock = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"));
    let results = harness::execute(&plan);
    let context = Context::gather(command, mode, &lock);
    println!("\n{}\n", report::convention(&results));
    println!("{}", report::table(&results));
    let missed = report::misses(&results);
    if !missed.is_empty() {
        println!("Targets missed:");
        for miss in &missed {
            println!("- {miss}");
        }
    }
    if let Err(error) = report::write_all(&out, &results, &context) {
        eprintln!(
            "heddle-bench: cannot write the report to {}: {error}",
            out.display()
        );
        return ExitCode::FAILURE;
    }
    println!(
        "\nreport: {0}/report.md, {0}/report.json, {0}/report.svg ({1:.0} s)",
        out.display(),
        results.elapsed.as_secs_f64()
    );
    let failed = results
        .cells
        .iter()
        .any(|(_, _, cell)| matches!(cell, harness::Cell::Failed(_)));
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
