//! The results as a table (stdout and `report.md`), every sample as `report.json`, and a
//! bar chart of the ratios as `report.svg` (plain SVG written by hand).
//!
//! Ratio convention, everywhere: heddle ÷ best peer of the same flavor for times, latencies
//! and bytes; best peer ÷ heddle for rates. Below 1 is always better for heddle; 1.0 is the
//! best peer and 0.8 the usual target.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use crate::harness::{Cell, Results};
use crate::rt::Flavor;
use crate::workloads::{Better, Target, Workload, RUNTIMES};

/// Where and when a run happened.
#[derive(Debug, Clone)]
pub struct Context {
    /// The command that produced the run.
    pub command: String,
    /// `full` or `quick`, with the sizes.
    pub mode: String,
    /// UTC date and time.
    pub date: String,
    /// CPU model, cores and memory.
    pub machine: String,
    /// `(crate, version)` from `Cargo.lock`.
    pub versions: Vec<(String, String)>,
}

impl Context {
    /// Reads the machine, the date and the crate versions (`lock` is `Cargo.lock`).
    pub fn gather(command: String, mode: String, lock: &Path) -> Context {
        Context {
            command,
            mode,
            date: utc_now(),
            machine: machine(),
            versions: versions(lock),
        }
    }
}

/// CPU model, core count and memory, from `/proc`.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map(|(_, model)| model.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_kib: f64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0.0);
    format!(
        "{model}, {cores} cores (nproc), {:.1} GiB memory, Linux",
        memory_kib / (1024.0 * 1024.0)
    )
}

/// The versions of heddle and the peers in `Cargo.lock`.
pub fn versions(lock: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(lock).unwrap_or_default();
    let mut found = Vec::new();
    for name in [
        "heddle",
        "tokio",
        "smol",
        "async-executor",
        "async-io",
        "async-channel",
    ] {
        let needle = format!("name = \"{name}\"\nversion = \"");
        let version = text
            .find(&needle)
            .map(|at| &text[at + needle.len()..])
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("?");
        found.push((name.to_owned(), version.to_owned()));
    }
    found
}

/// Now, as `YYYY-MM-DD HH:MM UTC`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (hour, minute) = ((secs % 86_400) / 3_600, (secs % 3_600) / 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

/// A number, rounded for a table.
pub fn fmt_num(value: f64) -> String {
    if !value.is_finite() {
        return "?".to_owned();
    }
    let abs = value.abs();
    if abs >= 100_000.0 {
        format!("{:.0}k", value / 1_000.0)
    } else if abs >= 10_000.0 {
        format!("{:.1}k", value / 1_000.0)
    } else if abs >= 100.0 {
        format!("{value:.0}")
    } else if abs >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// A ratio of heddle to the best peer of one flavor, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ratio {
    /// The ratio (below 1 is better for heddle).
    Value(f64),
    /// heddle has no number (the feature does not exist yet, or it failed).
    NotAvailable,
    /// The workload is not defined for this flavor, or the flavor was not run.
    NotApplicable,
}

/// Whether heddle meets a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Target met.
    Met,
    /// Target missed.
    Missed,
    /// heddle has no number yet.
    NotAvailable,
    /// No target, or the flavor does not apply.
    None,
}

impl Status {
    /// The word used in the reports.
    pub fn word(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Missed => "missed",
            Status::NotAvailable => "n/a",
            Status::None => "—",
        }
    }
}

/// The heddle runtime of a flavor, as an index into [`RUNTIMES`].
fn heddle_of(flavor: Flavor) -> usize {
    RUNTIMES
        .iter()
        .position(|r| r.heddle && r.flavor == flavor)
        .expect("heddle runs in both flavors")
}

/// The flavors that have a runtime in the run, in table order.
fn flavors_run(results: &Results) -> Vec<Flavor> {
    [Flavor::CurrentThread, Flavor::MultiThread]
        .into_iter()
        .filter(|f| {
            results
                .plan
                .runtimes
                .iter()
                .any(|&r| RUNTIMES[r].flavor == *f)
        })
        .collect()
}

/// heddle's median of one metric in one flavor.
fn heddle_median(
    results: &Results,
    workload: &Workload,
    metric: usize,
    flavor: Flavor,
) -> Option<f64> {
    results
        .cell(workload.name, heddle_of(flavor))?
        .summary(metric)
        .map(|s| s.median)
}

/// The ratio of heddle to the best peer, for one metric and flavor.
pub fn ratio(results: &Results, workload: &Workload, metric: usize, flavor: Flavor) -> Ratio {
    if !workload.applies_to(flavor) || !results.plan.runtimes.contains(&heddle_of(flavor)) {
        return Ratio::NotApplicable;
    }
    let Some(heddle) = heddle_median(results, workload, metric, flavor) else {
        return Ratio::NotAvailable;
    };
    let better = workload.metrics[metric].better;
    let peers = results.cells.iter().filter(|(w, r, _)| {
        w.name == workload.name && !RUNTIMES[*r].heddle && RUNTIMES[*r].flavor == flavor
    });
    let best = peers
        .filter_map(|(_, _, cell)| cell.summary(metric).map(|s| s.median))
        .reduce(|a, b| match better {
            Better::Lower => a.min(b),
            Better::Higher => a.max(b),
        });
    match best {
        Some(best) => Ratio::Value(match better {
            Better::Lower => heddle / best,
            Better::Higher => best / heddle,
        }),
        None => Ratio::NotApplicable,
    }
}

/// Whether heddle meets the metric's target in one flavor.
pub fn status(results: &Results, workload: &Workload, metric: usize, flavor: Flavor) -> Status {
    if !workload.applies_to(flavor) || !results.plan.runtimes.contains(&heddle_of(flavor)) {
        return Status::None;
    }
    match workload.metrics[metric].target {
        Target::None => Status::None,
        Target::Ratio(limit) => match ratio(results, workload, metric, flavor) {
            Ratio::Value(value) if value <= limit => Status::Met,
            Ratio::Value(_) => Status::Missed,
            Ratio::NotAvailable => Status::NotAvailable,
            Ratio::NotApplicable => Status::None,
        },
        Target::AtMost(limit, _) => match heddle_median(results, workload, metric, flavor) {
            Some(value) if value <= limit => Status::Met,
            Some(_) => Status::Missed,
            None => Status::NotAvailable,
        },
    }
}

/// The target as text.
pub fn target_text(workload: &Workload, metric: usize) -> String {
    let m = workload.metrics[metric];
    match m.target {
        Target::None => "—".to_owned(),
        Target::Ratio(limit) if m.better == Better::Higher => {
            format!("≥ {:.2}× best rate (ratio ≤ {limit:.2})", 1.0 / limit)
        }
        Target::Ratio(limit) => format!("ratio ≤ {limit:.1}"),
        Target::AtMost(limit, unit) => format!("heddle ≤ {} {unit}", fmt_num(limit)),
    }
}

fn cell_text(cell: Option<&Cell>, metric: usize) -> String {
    match cell {
        None => String::new(),
        Some(Cell::NotAvailable) => "n/a".to_owned(),
        Some(Cell::NotApplicable) => "—".to_owned(),
        Some(Cell::Failed(_)) => "failed".to_owned(),
        Some(cell @ Cell::Samples(samples)) => match cell.summary(metric) {
            Some(s) if samples.len() > 1 => format!(
                "{} ({}–{})",
                fmt_num(s.median),
                fmt_num(s.min),
                fmt_num(s.max)
            ),
            Some(s) => fmt_num(s.median),
            None => "—".to_owned(),
        },
    }
}

fn ratio_text(ratio: Ratio) -> String {
    match ratio {
        Ratio::Value(value) => format!("{value:.2}"),
        Ratio::NotAvailable => "n/a".to_owned(),
        Ratio::NotApplicable => "—".to_owned(),
    }
}

/// The results table in Markdown: a row per workload metric, a column per runtime, a ratio
/// column per flavor, the target and whether heddle meets it.
pub fn table(results: &Results) -> String {
    let flavors = flavors_run(results);
    let mut header = vec!["workload".to_owned(), "unit".to_owned()];
    for &flavor in &flavors {
        for &r in &results.plan.runtimes {
            if RUNTIMES[r].flavor == flavor {
                header.push(RUNTIMES[r].name.to_owned());
            }
        }
        header.push(format!("ratio {}", flavor.label()));
    }
    header.push("target".to_owned());
    header.push("status".to_owned());
    let mut out = String::new();
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let align: Vec<&str> = header
        .iter()
        .enumerate()
        .map(|(i, _)| {
            if i < 2 || i + 2 >= header.len() {
                "---"
            } else {
                "---:"
            }
        })
        .collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for workload in &results.plan.workloads {
        for (metric, m) in workload.metrics.iter().enumerate() {
            let mut row = vec![workload.name.to_owned(), m.unit.to_owned()];
            let mut statuses = Vec::new();
            for &flavor in &flavors {
                for &r in &results.plan.runtimes {
                    if RUNTIMES[r].flavor == flavor {
                        row.push(cell_text(results.cell(workload.name, r), metric));
                    }
                }
                row.push(ratio_text(ratio(results, workload, metric, flavor)));
                let status = status(results, workload, metric, flavor);
                if status != Status::None {
                    statuses.push(format!("{} {}", flavor.label(), status.word()));
                }
            }
            row.push(target_text(workload, metric));
            row.push(if statuses.is_empty() {
                "—".to_owned()
            } else {
                statuses.join(", ")
            });
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
    }
    out
}

/// The line that explains the table.
pub fn convention(results: &Results) -> String {
    format!(
        "Cells: median (min–max) of {} samples after {} warm-up round(s), runtimes interleaved, \
         a fresh runtime per sample. **ratio** = heddle ÷ best peer of the same flavor for times, \
         latencies and bytes, and best peer ÷ heddle for rates, so **below 1 is better for heddle** \
         everywhere; 1.00 = the best peer, 0.80 = the usual target. n/a = heddle does not have \
         that part yet; — = not defined for that flavor.",
        results.plan.samples, results.plan.warmup
    )
}

/// Every row where heddle misses its target, as Markdown bullets.
pub fn misses(results: &Results) -> Vec<String> {
    let mut missed = Vec::new();
    for workload in &results.plan.workloads {
        for (metric, m) in workload.metrics.iter().enumerate() {
            for flavor in flavors_run(results) {
                if status(results, workload, metric, flavor) != Status::Missed {
                    continue;
                }
                let ratio = match ratio(results, workload, metric, flavor) {
                    Ratio::Value(value) => format!("ratio {value:.2}"),
                    _ => "no ratio".to_owned(),
                };
                let heddle = heddle_median(results, workload, metric, flavor)
                    .map_or_else(String::new, fmt_num);
                missed.push(format!(
                    "{} ({}, {}): heddle {heddle}, {ratio}; target {}",
                    workload.name,
                    m.unit,
                    flavor.label(),
                    target_text(workload, metric)
                ));
            }
        }
    }
    missed
}

/// The full `report.md`.
pub fn markdown(results: &Results, context: &Context) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# heddle benchmark report\n");
    let _ = writeln!(out, "- date: {}", context.date);
    let _ = writeln!(out, "- command: `{}` ({})", context.command, context.mode);
    let _ = writeln!(out, "- machine: {}", context.machine);
    let _ = writeln!(
        out,
        "- load average before / after: {} / {} (other work on the machine shows here)",
        results.load_before, results.load_after
    );
    let _ = writeln!(out, "- run time: {:.0} s", results.elapsed.as_secs_f64());
    let versions: Vec<String> = context
        .versions
        .iter()
        .map(|(name, version)| format!("{name} {version}"))
        .collect();
    let _ = writeln!(out, "- crates: {}\n", versions.join(", "));
    let _ = writeln!(out, "{}\n", convention(results));
    out.push_str(&table(results));
    let _ = writeln!(out, "\n## Targets missed\n");
    let missed = misses(results);
    if missed.is_empty() {
        let _ = writeln!(out, "None among the rows heddle can run.");
    }
    for miss in missed {
        let _ = writeln!(out, "- {miss}");
    }
    let _ = writeln!(out, "\n## Not available (n/a)\n");
    let missing: Vec<String> = results
        .cells
        .iter()
        .filter(|(_, _, cell)| matches!(cell, Cell::NotAvailable))
        .map(|(workload, runtime, _)| format!("- {} on {}", workload.name, RUNTIMES[*runtime].name))
        .collect();
    if missing.is_empty() {
        let _ = writeln!(out, "None: heddle ran every workload.");
    }
    for line in missing {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "\n## Workloads\n");
    for workload in &results.plan.workloads {
        let _ = writeln!(out, "- **{}**: {}", workload.name, workload.what);
    }
    let _ = writeln!(
        out,
        "\n## Where the code differs between runtimes\n\n\
         - smol has no oneshot channel: a `bounded(1)` async-channel stands in.\n\
         - smol's `LocalExecutor` takes no spawns from other threads: for spawn_many_remote and \
         remote_spawn_contended, smol-local spawns onto an `Executor` run inside the local \
         thread's loop (`local.run(executor.run(..))`), on that same single thread.\n\
         - async-executor has no \"current executor\": the executor to spawn onto sits in a \
         thread-local on the threads that run it.\n\
         - tokio needs a `LocalSet` for `!Send` tasks (spawn_many_unsend on tokio-ct).\n\
         - smol-mt: two threads run `smol::block_on(executor.run(..))`; the thread in \
         `block_on` only polls its own future, as with tokio's `multi_thread`.\n\
         - Sockets: every listener is a std listener bound on 127.0.0.1 with backlog 1,024, \
         then handed to the runtime; every stream sets `TCP_NODELAY`.\n\
         - http_hello: heddle has no hyper adapter yet, so every runtime serves the same \
         minimal HTTP/1.1 keep-alive responder; the load generator is a tokio current-thread \
         runtime on its own thread (not pinned), so multi-thread servers share the 2 cores \
         with it. `wrk` is not used."
    );
    out
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_number(value: f64) -> String {
    if value.is_finite() {
        format!("{value}")
    } else {
        "null".to_owned()
    }
}

/// The full `report.json`: the context and every sample of every cell.
pub fn json(results: &Results, context: &Context) -> String {
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"date\": {},", json_string(&context.date));
    let _ = writeln!(out, "  \"command\": {},", json_string(&context.command));
    let _ = writeln!(out, "  \"mode\": {},", json_string(&context.mode));
    let _ = writeln!(out, "  \"machine\": {},", json_string(&context.machine));
    let _ = writeln!(
        out,
        "  \"load_before\": {},",
        json_string(&results.load_before)
    );
    let _ = writeln!(
        out,
        "  \"load_after\": {},",
        json_string(&results.load_after)
    );
    let _ = writeln!(
        out,
        "  \"elapsed_s\": {},",
        json_number(results.elapsed.as_secs_f64())
    );
    let _ = writeln!(out, "  \"warmup\": {},", results.plan.warmup);
    let _ = writeln!(out, "  \"samples\": {},", results.plan.samples);
    let _ = writeln!(
        out,
        "  \"scale\": {{\"light\": {}, \"heavy\": {}}},",
        json_number(results.plan.scale.light),
        json_number(results.plan.scale.heavy)
    );
    let versions: Vec<String> = context
        .versions
        .iter()
        .map(|(name, version)| format!("{}: {}", json_string(name), json_string(version)))
        .collect();
    let _ = writeln!(out, "  \"versions\": {{{}}},", versions.join(", "));
    out.push_str("  \"cells\": [\n");
    let cells: Vec<String> = results
        .cells
        .iter()
        .map(|(workload, r, cell)| {
            let runtime = RUNTIMES[*r];
            let (state, detail) = match cell {
                Cell::Samples(_) => ("ok", String::new()),
                Cell::NotAvailable => ("n/a", String::new()),
                Cell::NotApplicable => ("not applicable", String::new()),
                Cell::Failed(message) => ("failed", message.clone()),
            };
            let metrics: Vec<String> = workload
                .metrics
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let samples: Vec<String> = match cell {
                        Cell::Samples(samples) => samples.iter().map(|s| json_number(s[i])).collect(),
                        _ => Vec::new(),
                    };
                    let summary = cell.summary(i).map_or_else(
                        || "\"median\": null, \"min\": null, \"max\": null".to_owned(),
                        |s| {
                            format!(
                                "\"median\": {}, \"min\": {}, \"max\": {}",
                                json_number(s.median),
                                json_number(s.min),
                                json_number(s.max)
                            )
                        },
                    );
                    format!(
                        "{{\"unit\": {}, \"better\": \"{}\", \"samples\": [{}], {summary}}}",
                        json_string(m.unit),
                        if m.better == Better::Lower { "lower" } else { "higher" },
                        samples.join(", ")
                    )
                })
                .collect();
            format!(
                "    {{\"workload\": {}, \"runtime\": {}, \"flavor\": \"{}\", \"state\": \"{state}\", \"error\": {}, \"metrics\": [{}]}}",
                json_string(workload.name),
                json_string(runtime.name),
                runtime.flavor.label(),
                json_string(&detail),
                metrics.join(", ")
            )
        })
        .collect();
    out.push_str(&cells.join(",\n"));
    out.push_str("\n  ],\n  \"ratios\": [\n");
    let mut ratios = Vec::new();
    for workload in &results.plan.workloads {
        for (metric, m) in workload.metrics.iter().enumerate() {
            for flavor in flavors_run(results) {
                let value = match ratio(results, workload, metric, flavor) {
                    Ratio::Value(value) => json_number(value),
                    Ratio::NotAvailable => "\"n/a\"".to_owned(),
                    Ratio::NotApplicable => "null".to_owned(),
                };
                ratios.push(format!(
                    "    {{\"workload\": {}, \"unit\": {}, \"flavor\": \"{}\", \"ratio\": {value}, \"target\": {}, \"status\": \"{}\"}}",
                    json_string(workload.name),
                    json_string(m.unit),
                    flavor.label(),
                    json_string(&target_text(workload, metric)),
                    status(results, workload, metric, flavor).word()
                ));
            }
        }
    }
    out.push_str(&ratios.join(",\n"));
    out.push_str("\n  ]\n}\n");
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `report.svg`: a horizontal bar per workload metric and flavor, the ratio to the best
/// peer, with a line at 1.0 (the best peer) and one at 0.8 (the target).
pub fn svg(results: &Results, context: &Context) -> String {
    const LABEL: f64 = 330.0;
    const PLOT: f64 = 520.0;
    const BAR: f64 = 11.0;
    const ROW_GAP: f64 = 8.0;
    const TOP: f64 = 88.0;
    let flavors = flavors_run(results);
    let colors = |flavor: Flavor| match flavor {
        Flavor::CurrentThread => "#3b6ea5",
        Flavor::MultiThread => "#d08c2e",
    };
    let mut rows = Vec::new();
    for workload in &results.plan.workloads {
        for (metric, m) in workload.metrics.iter().enumerate() {
            // Metrics with an absolute target (idle CPU, timer precision) are not charted.
            if matches!(m.target, Target::AtMost(..)) {
                continue;
            }
            let ratios: Vec<(Flavor, Ratio)> = flavors
                .iter()
                .map(|&f| (f, ratio(results, workload, metric, f)))
                .filter(|(_, r)| *r != Ratio::NotApplicable)
                .collect();
            if !ratios.is_empty() {
                rows.push((format!("{} · {}", workload.name, m.unit), ratios));
            }
        }
    }
    let max_ratio = rows
        .iter()
        .flat_map(|(_, ratios)| ratios.iter())
        .filter_map(|(_, r)| match r {
            Ratio::Value(v) => Some(*v),
            _ => None,
        })
        .fold(1.0f64, f64::max);
    let x_max = (max_ratio * 1.1).clamp(2.0, 4.0);
    let x = |ratio: f64| LABEL + PLOT * (ratio.min(x_max) / x_max);
    let row_height = |n: usize| n as f64 * BAR + ROW_GAP;
    let height = TOP + rows.iter().map(|(_, r)| row_height(r.len())).sum::<f64>() + 40.0;
    let width = LABEL + PLOT + 90.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = writeln!(out, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    let _ = writeln!(
        out,
        "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">heddle ÷ best peer of the same flavor (below 1 is better for heddle; rates inverted)</text>"
    );
    let _ = writeln!(
        out,
        "<text x=\"10\" y=\"38\" fill=\"#555\">{} · {}</text>",
        xml_escape(&context.date),
        xml_escape(&context.machine)
    );
    let mut legend_x = 10.0;
    for &flavor in &flavors {
        let _ = writeln!(
            out,
            "<rect x=\"{legend_x}\" y=\"48\" width=\"12\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"57\">heddle {} vs best {} peer</text>",
            colors(flavor),
            legend_x + 16.0,
            flavor.label(),
            flavor.label()
        );
        legend_x += 190.0;
    }
    let _ = writeln!(
        out,
        "<text x=\"{legend_x}\" y=\"57\" fill=\"#555\">n/a = heddle lacks it yet; bars are clipped at {x_max:.1}</text>"
    );
    let mut y = TOP;
    for (label, ratios) in &rows {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL - 6.0,
            y + BAR * ratios.len() as f64 / 2.0 + 4.0,
            xml_escape(label)
        );
        for (i, (flavor, ratio)) in ratios.iter().enumerate() {
            let top = y + i as f64 * BAR;
            match ratio {
                Ratio::Value(value) => {
                    let _ = writeln!(
                        out,
                        "<rect x=\"{LABEL}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/>\
                         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\">{value:.2}{}</text>",
                        x(*value) - LABEL,
                        BAR - 2.0,
                        colors(*flavor),
                        x(*value) + 3.0,
                        top + BAR - 3.0,
                        if *value > x_max { " ▸" } else { "" }
                    );
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" fill=\"{}\">{} n/a</text>",
                        LABEL + 3.0,
                        top + BAR - 3.0,
                        colors(*flavor),
                        flavor.label()
                    );
                }
            }
        }
        y += row_height(ratios.len());
    }
    for step in 0..=(x_max / 0.5).round() as usize {
        let tick = step as f64 * 0.5;
        let _ = writeln!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{0:.1}\" y=\"{3:.1}\" text-anchor=\"middle\" fill=\"#888\" font-size=\"9\">{tick:.1}</text>",
            x(tick),
            TOP - 6.0,
            y,
            TOP - 8.0
        );
    }
    for (value, dash, label) in [
        (1.0, "", "1.0 best peer"),
        (0.8, " stroke-dasharray=\"4 3\"", "0.8 target"),
    ] {
        let _ = writeln!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" stroke=\"#c00\"{dash}/>\
             <text x=\"{0:.1}\" y=\"{3:.1}\" text-anchor=\"middle\" fill=\"#c00\" font-size=\"10\">{label}</text>",
            x(value),
            TOP - 6.0,
            y,
            y + 14.0 + if value < 1.0 { 12.0 } else { 0.0 }
        );
    }
    out.push_str("</svg>\n");
    out
}

/// Writes `report.md`, `report.json` and `report.svg` into `dir`.
///
/// # Errors
///
/// Returns the error of creating the directory or writing a file.
pub fn write_all(dir: &Path, results: &Results, context: &Context) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("report.md"), markdown(results, context))?;
    std::fs::write(dir.join("report.json"), json(results, context))?;
    std::fs::write(dir.join("report.svg"), svg(results, context))?;
    Ok(())
}
