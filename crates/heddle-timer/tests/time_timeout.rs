//! `Timeout`: the inner future is polled first, deadlines elapse, accessors.

mod support;

use heddle_driver::ThreadParker;
use heddle_timer::{
    error::Elapsed, sleep, timeout, timeout_at, Clock, Duration, Instant, TimerDriver,
};
use support::block_on;

fn paused_driver() -> TimerDriver<ThreadParker> {
    TimerDriver::with_clock(ThreadParker::new(), Clock::new_paused())
}

#[test]
fn a_ready_future_wins_even_with_zero_duration() {
    let driver = paused_driver();
    let _guard = driver.handle().enter();
    assert_eq!(
        futures::executor::block_on(timeout(Duration::ZERO, async { 1 })),
        Ok(1)
    );
    let past = Instant::now();
    futures::executor::block_on(heddle_timer::advance(Duration::from_secs(1)));
    assert_eq!(
        futures::executor::block_on(timeout_at(past, async { 2 })),
        Ok(2)
    );
}

#[test]
fn elapses_at_the_deadline_in_virtual_time() {
    let mut driver = paused_driver();
    let _guard = driver.handle().enter();
    let start = Instant::now();
    let (result, _) = block_on(
        &mut driver,
        timeout(Duration::from_secs(30), std::future::pending::<()>()),
    );
    assert_eq!(result, Err(Elapsed::clone(&result.unwrap_err())));
    assert_eq!(Instant::now() - start, Duration::from_secs(30));
}

#[test]
fn the_inner_future_finishing_first_wins() {
    let mut driver = paused_driver();
    let _guard = driver.handle().enter();
    let (result, _) = block_on(
        &mut driver,
        timeout(Duration::from_secs(10), async {
            sleep(Duration::from_secs(9)).await;
            "done"
        }),
    );
    assert_eq!(result, Ok("done"));
    assert_eq!(
        driver.handle().timer_count(),
        0,
        "the timeout's timer was released"
    );
}

#[test]
fn accessors_reach_the_inner_future() {
    let driver = paused_driver();
    let _guard = driver.handle().enter();
    let mut t = timeout(Duration::from_secs(1), std::future::ready(3u8));
    let _: &std::future::Ready<u8> = t.get_ref();
    let inner: &mut std::future::Ready<u8> = t.get_mut();
    assert_eq!(futures::executor::block_on(inner), 3);
    drop(t.into_inner());
    let err: std::io::Error = Elapsed::clone(
        &futures::executor::block_on(timeout(Duration::ZERO, std::future::pending::<()>()))
            .unwrap_err(),
    )
    .into();
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
    assert!(format!("{:?}", timeout(Duration::ZERO, std::future::ready(()))).contains("Timeout"));
}

/// Something that is not a future but turns into one, as tokio's `timeout` accepts.
struct Answer;

impl std::future::IntoFuture for Answer {
    type Output = u32;
    type IntoFuture = std::future::Ready<u32>;

    fn into_future(self) -> Self::IntoFuture {
        std::future::ready(42)
    }
}

#[test]
fn timeouts_take_anything_into_future() {
    let driver = paused_driver();
    let _guard = driver.handle().enter();
    assert_eq!(
        futures::executor::block_on(timeout(Duration::from_secs(1), Answer)),
        Ok(42)
    );
    let deadline = Instant::now() + Duration::from_secs(1);
    assert_eq!(
        futures::executor::block_on(timeout_at(deadline, Answer)),
        Ok(42)
    );
}
