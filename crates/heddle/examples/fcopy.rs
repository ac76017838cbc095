//! A `cat`-like file copy over `heddle::fs`, with a progress line.
//!
//! `cargo run --release --example fcopy -- SOURCE DESTINATION` copies SOURCE to DESTINATION
//! in 1 MiB reads and writes (each done on the blocking pool), printing the bytes copied so
//! far; without arguments it copies a 64 MiB file it writes to the temporary directory (and
//! removes both files after).

use std::io::Write;
use std::time::Instant;

use heddle::io::{AsyncReadExt, AsyncWriteExt};

#[heddle::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (source, destination, scratch) = match (args.next(), args.next()) {
        (Some(source), Some(destination)) => (source.into(), destination.into(), false),
        _ => {
            let dir = std::env::temp_dir();
            let source = dir.join(format!("heddle-fcopy-src-{}", std::process::id()));
            heddle::fs::write(&source, vec![0x5a; 64 << 20]).await?;
            let destination = dir.join(format!("heddle-fcopy-dst-{}", std::process::id()));
            (source, destination, true)
        }
    };
    let total = heddle::fs::metadata(&source).await?.len();
    let mut from = heddle::fs::File::open(&source).await?;
    let mut to = heddle::fs::File::create(&destination).await?;
    let start = Instant::now();
    let mut buf = vec![0u8; 1 << 20];
    let mut copied: u64 = 0;
    loop {
        let n = from.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        to.write_all(&buf[..n]).await?;
        copied += n as u64;
        print!("\r{copied} / {total} bytes");
        std::io::stdout().flush()?;
    }
    to.sync_all().await?;
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "\ncopied {} to {} in {seconds:.2} s ({:.0} MB/s)",
        source.display(),
        destination.display(),
        copied as f64 / seconds / 1e6
    );
    if scratch {
        heddle::fs::remove_file(&source).await?;
        heddle::fs::remove_file(&destination).await?;
    }
    Ok(())
}
