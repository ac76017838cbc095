//! Project automation: `cargo xtask <command>`.
//!
//! Commands: `ci` runs exactly what `.ci/run` runs.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => {
            let status = std::process::Command::new("bash")
                .arg(".ci/run")
                .status()
                .expect("failed to start bash");
            std::process::exit(status.code().unwrap_or(1));
        }
        _ => {
            eprintln!("usage: cargo xtask ci");
            std::process::exit(2);
        }
    }
}
