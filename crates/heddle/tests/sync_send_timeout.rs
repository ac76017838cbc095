//! `mpsc::Sender::send_timeout` on heddle's timer, on both flavors: room wins, a full
//! channel times out with the value handed back, a closed one reports `Closed`, and a paused
//! clock makes long timeouts instant.

mod support;

use std::time::Duration;

use heddle::sync::mpsc::{self, error::SendTimeoutError};

#[test]
fn a_full_channel_times_out_and_hands_the_value_back() {
    support::on_both_flavors(60, || async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send_timeout(1, Duration::ZERO).await.unwrap();
        let err = tx
            .send_timeout(2, Duration::from_millis(10))
            .await
            .unwrap_err();
        assert_eq!(err, SendTimeoutError::Timeout(2));
        assert_eq!(err.to_string(), "timed out waiting on send operation");
        // The timed-out send left nothing behind and gave its place up.
        assert_eq!(rx.recv().await, Some(1));
        assert!(rx.try_recv().is_err());
        tx.send_timeout(3, Duration::ZERO).await.unwrap();
        assert_eq!(rx.recv().await, Some(3));
    });
}

#[test]
fn room_made_before_the_timeout_lets_the_send_through() {
    support::on_both_flavors(60, || async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send(1).await.unwrap();
        let receiver = heddle::spawn(async move {
            heddle::time::sleep(Duration::from_millis(5)).await;
            let first = rx.recv().await;
            let second = rx.recv().await;
            (first, second)
        });
        tx.send_timeout(2, Duration::from_secs(30)).await.unwrap();
        assert_eq!(receiver.await.unwrap(), (Some(1), Some(2)));
    });
}

#[test]
fn a_closed_channel_reports_closed_with_the_value() {
    support::on_both_flavors(60, || async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send(1).await.unwrap();
        let full = heddle::spawn({
            let tx = tx.clone();
            async move { tx.send_timeout(2, Duration::from_secs(30)).await }
        });
        heddle::task::yield_now().await;
        rx.close();
        let err = full.await.unwrap().unwrap_err();
        assert_eq!(err, SendTimeoutError::Closed(2));
        assert_eq!(err.to_string(), "channel closed");
        let err = tx.send_timeout(3, Duration::ZERO).await.unwrap_err();
        assert_eq!(err.into_inner(), 3);
        assert_eq!(rx.recv().await, Some(1));
    });
}

#[test]
fn a_paused_clock_makes_a_long_timeout_instant() {
    support::with_watchdog(60, || {
        let runtime = heddle::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let (tx, _rx) = mpsc::channel(1);
            tx.send(0u8).await.unwrap();
            let start = heddle::time::Instant::now();
            let err = tx
                .send_timeout(1, Duration::from_secs(3600))
                .await
                .unwrap_err();
            assert_eq!(err, SendTimeoutError::Timeout(1));
            assert!(start.elapsed() >= Duration::from_secs(3600));
        });
    });
}
