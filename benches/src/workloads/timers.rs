//! Timers: `timers`, `timers_light`, `timer_churn`, `timer_cpu`.
//!
//! Each uses only [`Rt::sleep`]; a runtime without timers returns `None` there and every
//! timer cell reads "n/a", so giving heddle timers is that one function.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use super::idle::process_cpu_time;
use super::{micros, ns_per, percentile, Countdown, Rng, Scale};
use crate::rt::{run, Rt};

/// The seed of every random timer duration.
const SEED: u64 = 0x7469_6d65_7273;

/// Builds a runtime that has timers.
fn build_with_timers<R: Rt>() -> Option<R> {
    let rt = R::build()?;
    let has_timers = rt.block_on(async { R::sleep(Duration::ZERO).is_some() });
    has_timers.then_some(rt)
}

/// 100,000 tasks each sleep a seeded random 1–10 ms: total ms, lateness p50 and p99 µs.
pub fn timers<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = build_with_timers::<R>()?;
    let tasks = scale.heavy(100_000);
    let mut rng = Rng::new(SEED);
    let durations: Vec<Duration> = (0..tasks)
        .map(|_| Duration::from_micros(rng.range(1_000, 10_001)))
        .collect();
    let (total, mut lateness) = run(&rt, async move {
        let start = Instant::now();
        let mut joins = Vec::with_capacity(durations.len());
        for duration in durations {
            joins.push(R::spawn(async move {
                let asleep = Instant::now();
                R::sleep(duration).expect("timers checked").await;
                micros(asleep.elapsed().saturating_sub(duration))
            }));
        }
        let mut lateness = Vec::with_capacity(joins.len());
        for join in joins {
            lateness.push(join.await);
        }
        (start.elapsed(), lateness)
    });
    lateness.sort_by(f64::total_cmp);
    Some(vec![
        total.as_secs_f64() * 1e3,
        percentile(&lateness, 50.0),
        percentile(&lateness, 99.0),
    ])
}

/// 100 sleeps of 1 ms one after another on an otherwise idle runtime: lateness mean and
/// p99 µs.
pub fn timers_light<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = build_with_timers::<R>()?;
    let sleeps = scale.light(100);
    let mut lateness = run(&rt, async move {
        let mut lateness = Vec::with_capacity(sleeps);
        for _ in 0..sleeps {
            let duration = Duration::from_millis(1);
            let asleep = Instant::now();
            R::sleep(duration).expect("timers checked").await;
            lateness.push(micros(asleep.elapsed().saturating_sub(duration)));
        }
        lateness
    });
    lateness.sort_by(f64::total_cmp);
    let mean = lateness.iter().sum::<f64>() / lateness.len() as f64;
    Some(vec![mean, percentile(&lateness, 99.0)])
}

/// Inserts (creates and polls once) and cancels (drops) `ops` one-hour timers inside one
/// poll of the calling task: the time per insert + cancel.
async fn churn<R: Rt>(ops: usize) -> Duration {
    poll_fn(|cx| {
        let start = Instant::now();
        for i in 0..ops {
            let hour = Duration::from_secs(3_600) + Duration::from_micros(i as u64 % 1_000);
            let mut sleep = pin!(R::sleep(hour).expect("timers checked"));
            let _ = sleep.as_mut().poll(cx);
        }
        Poll::Ready(start.elapsed())
    })
    .await
}

/// Insert + cancel 100,000 times with no other timer pending, then with 1,000,000 pending
/// (seeded random deadlines 1–2 h away): ns/op for both, and their ratio.
pub fn timer_churn<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = build_with_timers::<R>()?;
    let ops = scale.heavy(100_000);
    let pending = scale.heavy(1_000_000);
    let (empty, loaded) = run(&rt, async move {
        let empty = churn::<R>(ops).await;
        let mut rng = Rng::new(SEED);
        let mut timers = Vec::with_capacity(pending);
        for _ in 0..pending {
            let deadline = Duration::from_millis(rng.range(3_600_000, 7_200_000));
            timers.push(Box::pin(R::sleep(deadline).expect("timers checked")));
        }
        poll_fn(|cx| {
            for timer in &mut timers {
                let _ = timer.as_mut().poll(cx);
            }
            Poll::Ready(())
        })
        .await;
        let loaded = churn::<R>(ops).await;
        drop(timers);
        (empty, loaded)
    });
    let (empty, loaded) = (ns_per(empty, ops), ns_per(loaded, ops));
    Some(vec![empty, loaded, loaded / empty])
}

/// 2,000 tasks sleep until distinct deadlines spread over 2 s (one in each millisecond, at a
/// seeded random point of it) on an otherwise idle runtime: process CPU ms per second of wall
/// time, from the first spawn until the last sleep completes. Run in a fresh child process, as
/// `idle_cpu` is.
pub fn timer_cpu<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = build_with_timers::<R>()?;
    let sleeps = scale.heavy(2_000);
    let spread = scale.heavy_duration(Duration::from_secs(2));
    let step = spread / sleeps as u32;
    let mut rng = Rng::new(SEED);
    let offsets: Vec<Duration> = (0..sleeps)
        .map(|i| {
            let within = rng.range(0, (step.as_nanos() as u64).max(1));
            step * i as u32 + Duration::from_nanos(within)
        })
        .collect();
    // Warm the runtime up (lazy thread-locals, the timer wheel) before the window.
    run(&rt, async {
        R::sleep(Duration::from_millis(1))
            .expect("timers checked")
            .await;
    });
    let (cpu, wall) = run(&rt, async move {
        let (countdown, all_done) = Countdown::<R>::new(offsets.len());
        let cpu_before = process_cpu_time();
        let start = Instant::now();
        for offset in offsets {
            let countdown = countdown.clone();
            let remaining = offset.saturating_sub(start.elapsed());
            R::spawn_detached(async move {
                R::sleep(remaining).expect("timers checked").await;
                countdown.arrive();
            });
        }
        R::recv_once(all_done).await.expect("countdown dropped");
        (
            process_cpu_time().saturating_sub(cpu_before),
            start.elapsed(),
        )
    });
    Some(vec![cpu.as_secs_f64() * 1e3 / wall.as_secs_f64()])
}
