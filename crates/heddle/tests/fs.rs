//! `heddle::fs` on both runtime flavors: the seed programs' shape (open, `read_to_end`,
//! `read_to_string`), and file work that leaves the runtime's threads free for other tasks.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[test]
fn the_seed_programs_read_files_on_both_flavors() {
    for (name, mut builder) in support::both_flavors() {
        support::with_watchdog(60, move || {
            let runtime = builder.build().unwrap();
            runtime.block_on(async {
                let path = std::env::temp_dir()
                    .join(format!("heddle-fs-seed-{name}-{}", std::process::id()));
                heddle::fs::write(&path, "foo contents").await.unwrap();

                let mut file = heddle::fs::File::open(&path).await.unwrap();
                let mut contents = vec![];
                file.read_to_end(&mut contents).await.unwrap();
                assert_eq!(contents, b"foo contents");
                assert_eq!(
                    heddle::fs::read_to_string(&path).await.unwrap(),
                    "foo contents"
                );
                heddle::fs::remove_file(&path).await.unwrap();
            });
        });
    }
}

#[test]
fn file_work_leaves_the_runtime_free_for_other_tasks() {
    for (name, mut builder) in support::both_flavors() {
        support::with_watchdog(60, move || {
            let runtime = builder.build().unwrap();
            runtime.block_on(async {
                let path = std::env::temp_dir()
                    .join(format!("heddle-fs-busy-{name}-{}", std::process::id()));
                let ticks = Arc::new(AtomicUsize::new(0));
                let stop = Arc::new(AtomicBool::new(false));
                let ticker = heddle::spawn({
                    let (ticks, stop) = (ticks.clone(), stop.clone());
                    async move {
                        while !stop.load(Ordering::Relaxed) {
                            ticks.fetch_add(1, Ordering::Relaxed);
                            heddle::task::yield_now().await;
                        }
                    }
                });
                let mut file = heddle::fs::File::create(&path).await.unwrap();
                for _ in 0..8 {
                    file.write_all(&vec![7; 2 * 1024 * 1024]).await.unwrap();
                }
                file.sync_all().await.unwrap();
                let data = heddle::fs::read(&path).await.unwrap();
                assert_eq!(data.len(), 16 * 1024 * 1024);
                stop.store(true, Ordering::Relaxed);
                ticker.await.unwrap();
                // The ticker ran while the runtime's only (or one of two) workers awaited the
                // file: the work went to the blocking pool.
                assert!(ticks.load(Ordering::Relaxed) > 0);
                heddle::fs::remove_file(&path).await.unwrap();
            });
        });
    }
}
