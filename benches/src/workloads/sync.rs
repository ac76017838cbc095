//! Channels between tasks: `ping_pong`, `mpsc_1p`, `mpsc_4p`, `oneshot_request_reply`.

use std::time::Instant;

use super::{ns_per, Scale};
use crate::rt::{run, Rt};

/// 1,000 spawned pairs: each pinger spawns its ponger and does one round trip with it
/// over two oneshot channels (as tokio's `ping_pong` bench): ns/round trip.
pub fn ping_pong<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let pairs = scale.light(1_000);
    let elapsed = run(&rt, async move {
        let start = Instant::now();
        let mut pingers = Vec::with_capacity(pairs);
        for _ in 0..pairs {
            pingers.push(R::spawn(async move {
                let (ping, pinged) = R::oneshot::<()>();
                let (pong, ponged) = R::oneshot::<()>();
                R::spawn_detached(async move {
                    R::recv_once(pinged).await.expect("ping lost");
                    R::send_once(pong, ());
                });
                R::send_once(ping, ());
                R::recv_once(ponged).await.expect("pong lost");
            }));
        }
        for pinger in pingers {
            pinger.await;
        }
        start.elapsed()
    });
    Some(vec![ns_per(elapsed, pairs)])
}

/// 1M `u64` through `bounded(1024)` from `producers` tasks to one consumer: ns/msg.
fn mpsc<R: Rt>(scale: Scale, producers: usize) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let per_producer = scale.heavy(1_000_000) / producers;
    let messages = per_producer * producers;
    let elapsed = run(&rt, async move {
        let (sender, mut receiver) = R::channel::<u64>(1024);
        let start = Instant::now();
        for _ in 0..producers {
            let sender = sender.clone();
            R::spawn_detached(async move {
                for i in 0..per_producer {
                    R::send(&sender, i as u64).await;
                }
            });
        }
        drop(sender);
        let mut received = 0;
        let mut sum = 0u64;
        while let Some(value) = R::recv(&mut receiver).await {
            received += 1;
            sum = sum.wrapping_add(value);
        }
        assert_eq!(received, messages, "messages lost");
        std::hint::black_box(sum);
        start.elapsed()
    });
    Some(vec![ns_per(elapsed, messages)])
}

/// `mpsc` with one producer.
pub fn mpsc_1p<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    mpsc::<R>(scale, 1)
}

/// `mpsc` with four producers.
pub fn mpsc_4p<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    mpsc::<R>(scale, 4)
}

/// One client task sends 200,000 requests, one at a time, to a server task over a
/// `bounded(1024)` mpsc channel; each carries a oneshot sender for the reply: ns/pair.
/// (At ~100 ns a pair, fewer requests make a sample of a few milliseconds, which one
/// preemption of the process can spoil.)
pub fn oneshot_request_reply<R: Rt>(scale: Scale) -> Option<Vec<f64>> {
    let rt = R::build()?;
    let requests = scale.light(200_000);
    let elapsed = run(&rt, async move {
        let (sender, mut receiver) = R::channel::<(u64, R::OnceSender<u64>)>(1024);
        R::spawn_detached(async move {
            while let Some((value, reply)) = R::recv(&mut receiver).await {
                R::send_once(reply, value + 1);
            }
        });
        let start = Instant::now();
        for i in 0..requests as u64 {
            let (reply, replied) = R::oneshot::<u64>();
            R::send(&sender, (i, reply)).await;
            let answer = R::recv_once(replied).await.expect("reply lost");
            assert_eq!(answer, i + 1);
        }
        start.elapsed()
    });
    Some(vec![ns_per(elapsed, requests)])
}
