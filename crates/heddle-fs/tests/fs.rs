//! heddle-fs under a foreign executor (`futures::executor`): round trips of big files, the
//! write-behind semantics of `File`, positions across read-ahead, concurrent appends,
//! directory walks and the error kinds callers match on.

use std::io::{ErrorKind, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// Runs `body` on a thread of its own under `futures::executor::block_on`, failing the test
/// if it has not finished within a minute instead of hanging the suite.
fn run<F>(name: &str, body: impl FnOnce(PathBuf) -> F + Send + 'static)
where
    F: std::future::Future<Output = std::io::Result<()>>,
{
    let dir = std::env::temp_dir().join(format!("heddle-fs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (done, finished) = mpsc::channel();
    let work = dir.clone();
    let thread = std::thread::spawn(move || {
        let result = futures::executor::block_on(body(work));
        let _ = done.send(());
        result
    });
    if finished.recv_timeout(Duration::from_secs(60)).is_err() {
        panic!("{name} did not finish within 60 s");
    }
    thread.join().unwrap().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A cheap, order-sensitive checksum (FNV-1a).
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn a_64_mib_file_round_trips_through_write_read_and_file() {
    run("big", |dir| async move {
        let data = pattern(64 * 1024 * 1024 + 17);
        let sum = checksum(&data);
        let path = dir.join("big");
        heddle_fs::write(&path, &data).await?;
        assert_eq!(checksum(&heddle_fs::read(&path).await?), sum);

        let copy = dir.join("big-file");
        let mut file = heddle_fs::File::create(&copy).await?;
        file.write_all(&data).await?;
        file.flush().await?;
        let mut back = Vec::new();
        heddle_fs::File::open(&copy)
            .await?
            .read_to_end(&mut back)
            .await?;
        assert_eq!(back.len(), data.len());
        assert_eq!(checksum(&back), sum);
        Ok(())
    });
}

#[test]
fn a_write_dropped_before_flush_still_lands() {
    run("dropped", |dir| async move {
        let path = dir.join("dropped");
        let mut file = heddle_fs::File::create(&path).await?;
        file.write_all(b"not lost").await?;
        drop(file);
        let start = Instant::now();
        while std::fs::read(&path)? != b"not lost" {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the write was lost"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    });
}

#[test]
fn a_failed_background_write_is_reported_by_the_next_flush() {
    run("failed-write", |dir| async move {
        let path = dir.join("read-only");
        heddle_fs::write(&path, b"x").await?;
        let mut file = heddle_fs::File::open(&path).await?;
        // Accepted into the buffer: the write itself happens in the background.
        assert_eq!(file.write(b"y").await?, 1);
        let error = file.flush().await.unwrap_err();
        assert_eq!(error.raw_os_error(), Some(9), "EBADF: {error}");
        // Reported once; the file goes on.
        file.flush().await?;
        Ok(())
    });
}

#[test]
fn positions_stay_right_across_read_ahead() {
    run("positions", |dir| async move {
        let path = dir.join("digits");
        let mut file = heddle_fs::File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .await?;
        file.write_all(b"0123456789").await?;
        file.seek(SeekFrom::Start(0)).await?;
        let mut two = [0; 2];
        file.read_exact(&mut two).await?;
        assert_eq!(&two, b"01");
        // The read fetched more than two bytes; the caller's position is still 2.
        assert_eq!(file.stream_position().await?, 2);
        file.write_all(b"AB").await?;
        file.seek(SeekFrom::Current(-1)).await?;
        let mut rest = String::new();
        file.read_to_string(&mut rest).await?;
        assert_eq!(rest, "B456789");
        file.set_len(4).await?;
        file.sync_all().await?;
        assert_eq!(heddle_fs::read(&path).await?, b"01AB");
        Ok(())
    });
}

#[test]
fn try_into_std_refuses_while_a_write_is_in_flight_and_into_std_waits() {
    run("into-std", |dir| async move {
        let path = dir.join("into");
        let mut file = heddle_fs::File::create(&path).await?;
        file.write_all(&pattern(1024 * 1024)).await?;
        let file = match file.try_into_std() {
            // The write may have finished already; then there is nothing more to check.
            Ok(_) => return Ok(()),
            Err(file) => file,
        };
        let std = file.into_std().await;
        assert_eq!(std.metadata()?.len(), 1024 * 1024);
        Ok(())
    });
}

#[test]
fn concurrent_appends_keep_every_line_whole() {
    run("append", |dir| async move {
        let path = dir.join("log");
        let writers: Vec<_> = (0..8)
            .map(|writer| {
                let path = path.clone();
                std::thread::spawn(move || {
                    futures::executor::block_on(async move {
                        let mut log = heddle_fs::OpenOptions::new()
                            .append(true)
                            .create(true)
                            .open(&path)
                            .await?;
                        for line in 0..100 {
                            log.write_all(format!("writer {writer} line {line:03}\n").as_bytes())
                                .await?;
                        }
                        log.flush().await
                    })
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap()?;
        }
        let text = heddle_fs::read_to_string(&path).await?;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 800);
        assert!(lines
            .iter()
            .all(|line| line.starts_with("writer ") && line.len() == 17));
        Ok(())
    });
}

/// Every path under `dir`, walked with `read_dir`.
async fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(next) = pending.pop() {
        let mut entries = heddle_fs::read_dir(&next).await?;
        while let Some(entry) = entries.next_entry().await? {
            if entry.file_type().await?.is_dir() {
                pending.push(entry.path());
            }
            assert_eq!(entry.metadata().await?.ino(), entry.ino());
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

#[test]
fn read_dir_walks_a_tree_of_more_entries_than_one_batch() {
    run("walk", |dir| async move {
        heddle_fs::DirBuilder::new()
            .recursive(true)
            .create(dir.join("a/b/c"))
            .await?;
        for i in 0..100 {
            heddle_fs::write(dir.join(format!("a/file-{i:03}")), b"").await?;
        }
        heddle_fs::write(dir.join("a/b/c/leaf"), b"leaf").await?;
        let found = walk(&dir).await?;
        assert_eq!(found.len(), 100 + 4);
        assert!(found.contains(&dir.join("a/b/c/leaf")));
        Ok(())
    });
}

#[test]
fn errors_carry_std_kinds() {
    run("errors", |dir| async move {
        let missing = dir.join("missing");
        for error in [
            heddle_fs::File::open(&missing).await.unwrap_err(),
            heddle_fs::read(&missing).await.unwrap_err(),
            heddle_fs::metadata(&missing).await.unwrap_err(),
            heddle_fs::remove_file(&missing).await.unwrap_err(),
            heddle_fs::read_dir(&missing).await.unwrap_err(),
            heddle_fs::rename(&missing, dir.join("x"))
                .await
                .unwrap_err(),
        ] {
            assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
        }
        heddle_fs::create_dir(dir.join("d")).await?;
        let exists = heddle_fs::create_dir(dir.join("d")).await.unwrap_err();
        assert_eq!(exists.kind(), ErrorKind::AlreadyExists);
        heddle_fs::write(dir.join("f"), b"").await?;
        let exists = heddle_fs::File::create_new(dir.join("f"))
            .await
            .unwrap_err();
        assert_eq!(exists.kind(), ErrorKind::AlreadyExists);
        let not_utf8 = dir.join("latin1");
        heddle_fs::write(&not_utf8, [0xff, 0xfe]).await?;
        let invalid = heddle_fs::read_to_string(&not_utf8).await.unwrap_err();
        assert_eq!(invalid.kind(), ErrorKind::InvalidData);

        let locked = dir.join("locked");
        heddle_fs::write(&locked, b"secret").await?;
        let mut permissions = heddle_fs::metadata(&locked).await?.permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o000);
        heddle_fs::set_permissions(&locked, permissions).await?;
        // A superuser reads it anyway; anyone else gets PermissionDenied.
        if let Err(error) = heddle_fs::read(&locked).await {
            assert_eq!(error.kind(), ErrorKind::PermissionDenied);
        }
        Ok(())
    });
}

#[test]
fn links_and_canonical_paths() {
    run("links", |dir| async move {
        let target = dir.join("target");
        heddle_fs::write(&target, b"t").await?;
        heddle_fs::symlink(&target, dir.join("soft")).await?;
        heddle_fs::hard_link(&target, dir.join("hard")).await?;
        assert_eq!(heddle_fs::read_link(dir.join("soft")).await?, target);
        assert!(heddle_fs::symlink_metadata(dir.join("soft"))
            .await?
            .file_type()
            .is_symlink());
        assert_eq!(
            heddle_fs::canonicalize(dir.join("soft")).await?,
            heddle_fs::canonicalize(&target).await?
        );
        assert_eq!(heddle_fs::metadata(dir.join("hard")).await?.nlink(), 2);
        heddle_fs::remove_file(&target).await?;
        assert!(!heddle_fs::try_exists(dir.join("soft")).await?);
        assert_eq!(
            heddle_fs::copy(dir.join("hard"), dir.join("copy")).await?,
            1
        );
        Ok(())
    });
}
