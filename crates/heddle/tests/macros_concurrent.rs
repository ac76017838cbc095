//! `join!`, `try_join!` and `select!`: what tokio code relies on.

use std::cell::Cell;
use std::future::{pending, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use heddle::sync::{mpsc, oneshot};

fn run<F: Future>(future: F) -> F::Output {
    heddle::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime")
        .block_on(future)
}

/// Sets its flag when dropped.
struct DropFlag(Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

/// Pending forever; sets the flag when dropped, polled or not.
fn pending_with_flag(flag: Rc<Cell<bool>>) -> impl Future<Output = ()> {
    let guard = DropFlag(flag);
    async move {
        let _guard = guard;
        pending::<()>().await;
    }
}

/// A future that fails the test if it is ever polled.
struct MustNotPoll;

impl Future for MustNotPoll {
    type Output = u8;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u8> {
        panic!("a disabled branch's future was polled");
    }
}

#[test]
fn join_returns_every_output_in_order() {
    let out = run(async {
        heddle::join!(
            async {
                heddle::task::yield_now().await;
                1
            },
            async { "b" },
            async {
                heddle::time::sleep(Duration::from_millis(1)).await;
                3.5
            },
        )
    });
    assert_eq!(out, (1, "b", 3.5));
    run(async {
        let () = heddle::join!();
    });
}

#[test]
fn join_polls_its_futures_concurrently() {
    // Each future waits for the other: run one after the other, they would never finish.
    let (a, b) = run(async {
        let (to_b, from_a) = oneshot::channel();
        let (to_a, from_b) = oneshot::channel();
        heddle::join!(
            async move {
                to_b.send(1).unwrap();
                from_b.await.unwrap()
            },
            async move {
                let n = from_a.await.unwrap();
                to_a.send(n + 1).unwrap();
                n
            }
        )
    });
    assert_eq!((a, b), (2, 1));
}

#[test]
fn try_join_returns_ok_values_or_the_first_error() {
    let ok: Result<(u8, &str), String> = run(async {
        heddle::try_join!(async { Ok(1) }, async {
            heddle::task::yield_now().await;
            Ok("two")
        })
    });
    assert_eq!(ok, Ok((1, "two")));

    let dropped = Rc::new(Cell::new(false));
    let flag = dropped.clone();
    let err: Result<((), u8), String> = run(async move {
        // Made here, so the flag is set whether or not try_join! polls it before the error
        // (without `biased;` it starts at a rotating operand, as tokio's does).
        let waiting = pending_with_flag(flag);
        heddle::try_join!(
            async move {
                waiting.await;
                Ok(())
            },
            async { Err("failed".to_string()) }
        )
    });
    assert_eq!(err, Err("failed".to_string()));
    assert!(dropped.get(), "the unfinished future is dropped");
}

#[test]
fn select_runs_the_first_ready_branch_and_drops_the_others() {
    let dropped = Rc::new(Cell::new(false));
    let flag = dropped.clone();
    let got = run(async move {
        heddle::select! {
            () = pending_with_flag(flag) => 0,
            n = async { 5 } => n,
        }
    });
    assert_eq!(got, 5);
    assert!(dropped.get());
}

#[test]
fn select_handlers_may_use_what_the_futures_borrowed() {
    run(async {
        let (tx, mut rx) = mpsc::channel(4);
        tx.send(1).await.unwrap();
        tx.send(2).await.unwrap();
        heddle::select! {
            Some(n) = rx.recv() => {
                assert_eq!(n, 1);
                // `rx` is borrowed by the branch's future until the handler runs.
                assert_eq!(rx.recv().await, Some(2));
            }
        }
    });
}

#[test]
fn a_branch_whose_output_does_not_match_is_disabled() {
    let got = run(async {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        drop(tx);
        heddle::select! {
            Some(n) = rx.recv() => n,
            n = async {
                heddle::time::sleep(Duration::from_millis(1)).await;
                9
            } => n,
        }
    });
    assert_eq!(got, 9);
}

#[test]
fn else_runs_when_every_branch_is_disabled() {
    let got = run(async {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        drop(tx);
        let enabled = false;
        heddle::select! {
            Some(n) = rx.recv() => n,
            n = MustNotPoll, if enabled => n,
            else => 42,
        }
    });
    assert_eq!(got, 42);
}

#[test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
fn every_branch_disabled_without_else_panics() {
    run(async {
        let off = false;
        heddle::select! {
            n = MustNotPoll, if off => n,
        }
    });
}

#[test]
fn biased_polls_in_order_and_unbiased_varies() {
    run(async {
        for _ in 0..20 {
            let first = heddle::select! {
                biased;
                () = async {} => 0,
                () = async {} => 1,
            };
            assert_eq!(first, 0);
        }
        let mut seen = [false; 2];
        for _ in 0..200 {
            let branch = heddle::select! {
                () = async {} => 0,
                () = async {} => 1,
            };
            seen[branch] = true;
        }
        assert_eq!(seen, [true, true], "both ready branches win sometimes");
    });
}

#[test]
fn handlers_control_the_enclosing_code() {
    fn parse(input: &str) -> Result<u32, std::num::ParseIntError> {
        run(async {
            let mut total = 0;
            let mut rounds = 0;
            loop {
                rounds += 1;
                heddle::select! {
                    value = async { input.parse::<u32>() } => {
                        total += value?;
                        if rounds == 3 {
                            break;
                        }
                        continue;
                    }
                }
            }
            Ok(total)
        })
    }
    assert_eq!(parse("4"), Ok(12));
    assert!(parse("x").is_err());
}

#[test]
fn patterns_may_bind_by_mut_and_by_ref() {
    let got = run(async {
        heddle::select! {
            (mut a, ref b) = async { (1, String::from("x")) } => {
                a += 1;
                format!("{a}{b}")
            }
        }
    });
    assert_eq!(got, "2x");
}

#[test]
fn select_works_with_a_timeout_in_a_loop() {
    let received = run(async {
        let (tx, mut rx) = mpsc::channel(8);
        heddle::spawn(async move {
            for i in 0..3 {
                tx.send(i).await.unwrap();
            }
        });
        let mut received = Vec::new();
        let deadline = heddle::time::sleep(Duration::from_secs(10));
        let mut deadline = std::pin::pin!(deadline);
        loop {
            heddle::select! {
                message = rx.recv() => match message {
                    Some(i) => received.push(i),
                    None => break,
                },
                () = &mut deadline => panic!("the messages did not arrive in 10 s"),
            }
        }
        received
    });
    assert_eq!(received, [0, 1, 2]);
}

#[test]
fn block_handlers_need_no_commas() {
    let got = run(async {
        let mut log = Vec::new();
        heddle::select! {
            () = pending::<()>() => {
                log.push(0);
            }
            (a, b) = async { (1, 2) } => {
                log.push(a + b);
            }
            else => {
                log.push(9);
            }
        }
        heddle::select! {
            biased;
            n = async { 4 } => if n > 3 { log.push(n) } else { log.push(0) }
            () = pending::<()>() => match log.len() { 0 => log.push(1), _ => log.push(2) }
        }
        log
    });
    assert_eq!(got, [3, 4]);
}

#[test]
fn the_macros_can_run_inside_spawned_send_tasks() {
    let got = heddle::block_on(async {
        heddle::spawn(async {
            let (tx, mut rx) = mpsc::channel(1);
            let (sent, received) = heddle::join!(tx.send(3), rx.recv());
            sent.unwrap();
            let n = heddle::select! {
                Some(n) = async { received } => n,
                () = heddle::time::sleep(Duration::from_secs(10)) => 0,
            };
            let doubled: Result<(u32,), ()> = heddle::try_join!(async { Ok(n * 2) });
            doubled.unwrap().0
        })
        .await
        .unwrap()
    });
    assert_eq!(got, 6);
}

/// Records its name in `log` on its first poll, then finishes.
async fn logged(log: Rc<std::cell::RefCell<Vec<u8>>>, name: u8) -> u8 {
    log.borrow_mut().push(name);
    name
}

#[test]
fn biased_join_polls_in_order_and_unbiased_join_rotates() {
    run(async {
        for _ in 0..20 {
            let log = Rc::new(std::cell::RefCell::new(Vec::new()));
            let out = heddle::join!(biased; logged(log.clone(), 0), logged(log.clone(), 1), logged(log.clone(), 2));
            assert_eq!(out, (0, 1, 2));
            assert_eq!(*log.borrow(), [0, 1, 2]);
        }
        let mut firsts = std::collections::HashSet::new();
        for _ in 0..200 {
            let log = Rc::new(std::cell::RefCell::new(Vec::new()));
            let out = heddle::join!(
                logged(log.clone(), 0),
                logged(log.clone(), 1),
                logged(log.clone(), 2)
            );
            assert_eq!(out, (0, 1, 2));
            firsts.insert(log.borrow()[0]);
        }
        assert!(
            firsts.len() > 1,
            "an unbiased join! always polled the same operand first"
        );
        let result: Result<(u8, u8), ()> =
            heddle::try_join!(biased; async { Ok(1) }, async { Ok(2) });
        assert_eq!(result, Ok((1, 2)));
    });
}

/// A value that becomes a future with `.await`, as tokio's macros accept.
struct Later(u32);

impl std::future::IntoFuture for Later {
    type Output = u32;
    type IntoFuture = std::future::Ready<u32>;

    fn into_future(self) -> Self::IntoFuture {
        std::future::ready(self.0)
    }
}

#[test]
fn macros_take_into_future_operands_and_pinned_futures_by_reference() {
    run(async {
        assert_eq!(heddle::join!(Later(1), Later(2)), (1, 2));
        let ok: Result<(u32, u32), ()> =
            heddle::try_join!(async { Ok(Later(3).await) }, async { Ok(4) });
        assert_eq!(ok, Ok((3, 4)));
        let chosen = heddle::select! {
            n = Later(5) => n,
        };
        assert_eq!(chosen, 5);

        // A pinned future polled through `&mut` in a loop, as tokio programs do.
        let (tx, mut rx) = mpsc::channel::<u32>(1);
        let sleep = heddle::time::sleep(Duration::from_secs(3600));
        heddle::pin!(sleep);
        tx.send(9).await.unwrap();
        let mut got = None;
        for _ in 0..2 {
            heddle::select! {
                _ = &mut sleep => panic!("an hour has not passed"),
                Some(n) = rx.recv(), if got.is_none() => got = Some(n),
                else => break,
            }
            if got.is_some() {
                break;
            }
        }
        assert_eq!(got, Some(9));
    });
}
