//! L8 mpsc: a bounded channel of capacity 1 with two producers and a receiver that closes.
//! Every send that returned `Ok` is received, in producer order, and none other.

use crate::mpsc;
use loom::future::block_on;

#[test]
fn loom_mpsc_two_producers_and_a_close() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        let producers: Vec<_> = [1u8, 2]
            .into_iter()
            .map(|v| {
                let tx = tx.clone();
                loom::thread::spawn(move || block_on(tx.send(v)).is_ok().then_some(v))
            })
            .collect();
        drop(tx);
        let mut received = Vec::new();
        if let Some(v) = block_on(rx.recv()) {
            received.push(v);
        }
        rx.close();
        while let Some(v) = block_on(rx.recv()) {
            received.push(v);
        }
        let mut accepted: Vec<u8> = producers
            .into_iter()
            .filter_map(|p| p.join().unwrap())
            .collect();
        received.sort_unstable();
        accepted.sort_unstable();
        assert_eq!(received, accepted);
        assert!(
            !received.is_empty(),
            "the first recv happens before the close"
        );
    });
}

#[test]
fn loom_mpsc_unbounded_send_vs_close() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
        let t = loom::thread::spawn(move || tx.send(1).is_ok());
        rx.close();
        let got = block_on(rx.recv());
        let sent = t.join().unwrap();
        assert_eq!(got.is_some(), sent);
    });
}
