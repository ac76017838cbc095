//! The file system and process workloads: `fs_small_read`, `fs_seq`, `fs_read_dir`,
//! `process_spawn`. Files live in a fresh directory under the system's temporary directory,
//! created before the clock starts and removed after.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::Scale;
use crate::rt::{run, Files, Rt};

/// A fresh, empty directory for one sample, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "heddle-bench-{name}-{}-{:?}",
            std::process::id(),
            Instant::now()
        ));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Reads a 4 KiB file 2,000 times, one read after another: reads/s.
pub fn fs_small_read<R: Rt + Files>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let scratch = Scratch::new("small");
    let path = scratch.0.join("small");
    std::fs::write(&path, vec![7u8; 4096]).ok()?;
    let reads = scale.light(2_000);
    let elapsed = run(&rt, async move {
        let start = Instant::now();
        for _ in 0..reads {
            let bytes = R::read_file(path.clone()).await.expect("read");
            assert_eq!(bytes.len(), 4096);
        }
        start.elapsed()
    });
    Some(vec![reads as f64 / elapsed.as_secs_f64()])
}

/// Writes a 64 MiB file in 1 MiB writes through a `File`, then reads it back in 1 MiB
/// reads: MB/s for each.
pub fn fs_seq<R: Rt + Files>(scale: Scale) -> Option<Vec<f64>> {
    const CHUNK: usize = 1 << 20;
    let rt = R::build()?;
    let scratch = Scratch::new("seq");
    let path = scratch.0.join("seq");
    let chunks = scale.heavy(64);
    let chunk = Arc::new(vec![0x5au8; CHUNK]);
    let (write, read) = run(&rt, async move {
        let start = Instant::now();
        R::write_chunks(path.clone(), chunk, chunks)
            .await
            .expect("write");
        let write = start.elapsed();
        let start = Instant::now();
        let total = R::read_chunks(path, CHUNK).await.expect("read");
        assert_eq!(total, (chunks * CHUNK) as u64);
        (write, start.elapsed())
    });
    let megabytes = (chunks * CHUNK) as f64 / 1e6;
    Some(vec![
        megabytes / write.as_secs_f64(),
        megabytes / read.as_secs_f64(),
    ])
}

/// Lists a directory of 10,000 empty files with `read_dir`: ms.
pub fn fs_read_dir<R: Rt + Files>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let scratch = Scratch::new("dir");
    let files = scale.heavy(10_000);
    for i in 0..files {
        std::fs::write(scratch.0.join(format!("f{i:05}")), b"").ok()?;
    }
    let dir = scratch.0.clone();
    let elapsed = run(&rt, async move {
        let start = Instant::now();
        let count = R::count_dir(dir).await.expect("read_dir");
        assert_eq!(count, files);
        start.elapsed()
    });
    Some(vec![elapsed.as_secs_f64() * 1e3])
}

/// Spawns `true` and waits for it, 100 times one after another: children/s.
pub fn process_spawn<R: Rt + Files>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let children = scale.heavy(100);
    let elapsed = run(&rt, async move {
        let start = Instant::now();
        for _ in 0..children {
            assert!(R::run_child("true").await.expect("spawn"));
        }
        start.elapsed()
    });
    Some(vec![children as f64 / elapsed.as_secs_f64()])
}
