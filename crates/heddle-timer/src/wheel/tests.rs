//! Wheel tests: edge deadlines, cascading across every level, and a proptest of insert /
//! cancel / reset / advance sequences against a `BTreeMap` reference model.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;

const MS: u64 = TICK_NANOS;

/// Processes up to `now` and returns the keys fired.
fn advance(wheel: &mut Wheel<u32>, now: u64) -> Vec<usize> {
    let mut fired = Vec::new();
    wheel.process(now, &mut fired);
    fired
}

#[test]
fn fires_at_exact_deadline_not_before() {
    let mut wheel = Wheel::new();
    let key = wheel.insert(5 * MS + 300, 0);
    assert_eq!(wheel.next_deadline(), Some(5 * MS + 300));
    assert!(advance(&mut wheel, 5 * MS + 299).is_empty());
    assert_eq!(wheel.next_deadline(), Some(5 * MS + 300));
    assert_eq!(advance(&mut wheel, 5 * MS + 300), vec![key]);
    assert!(wheel.is_fired(key));
    assert_eq!(wheel.next_deadline(), None);
    assert_eq!(wheel.linked(), 0);
    wheel.remove(key);
    assert_eq!(wheel.len(), 0);
}

#[test]
fn fired_in_deadline_order() {
    let mut wheel = Wheel::new();
    let c = wheel.insert(3 * MS + 900, 0);
    let a = wheel.insert(MS / 2, 0);
    let b = wheel.insert(3 * MS + 100, 0);
    let d = wheel.insert(700 * MS, 0);
    assert_eq!(advance(&mut wheel, 800 * MS), vec![a, b, c, d]);
}

#[test]
fn cancel_leaves_stale_minimum_that_rescans() {
    let mut wheel = Wheel::new();
    let early = wheel.insert(10 * MS + 100, 0);
    let late = wheel.insert(10 * MS + 900, 0);
    wheel.remove(early);
    // The slot minimum is a lower bound: waking there finds nothing due and refreshes it.
    let next = wheel.next_deadline().unwrap();
    assert!(next <= 10 * MS + 900);
    assert!(advance(&mut wheel, next).is_empty());
    assert_eq!(wheel.next_deadline(), Some(10 * MS + 900));
    assert_eq!(advance(&mut wheel, 10 * MS + 900), vec![late]);
}

#[test]
fn a_higher_level_timer_reports_its_own_deadline_not_its_slot_start() {
    let mut wheel = Wheel::new();
    // Tick 100 is in level 1, in the slot that starts at tick 64.
    let far = 100 * MS + 7;
    let key = wheel.insert(far, 0);
    assert_eq!(wheel.next_deadline(), Some(far));
    assert!(advance(&mut wheel, far - 1).is_empty());
    assert_eq!(wheel.next_deadline(), Some(far));
    assert_eq!(advance(&mut wheel, far), vec![key]);
    // The same from the overflow list (more than 2^36 ticks out) and from level 3.
    for far in [(1u64 << 37) * TICK_NANOS + 3, 20 * 60 * 1_000 * MS + 11] {
        let mut wheel = Wheel::new();
        let key = wheel.insert(far, 0);
        assert_eq!(wheel.next_deadline(), Some(far));
        assert_eq!(advance(&mut wheel, far), vec![key]);
    }
}

#[test]
fn past_deadline_goes_into_current_slot() {
    let mut wheel = Wheel::new();
    assert!(advance(&mut wheel, 1_000 * MS).is_empty());
    let key = wheel.insert(3 * MS, 0);
    assert!(wheel.next_deadline().unwrap() <= 1_000 * MS);
    assert_eq!(advance(&mut wheel, 1_000 * MS), vec![key]);
}

#[test]
fn never_deadline_is_kept_but_never_linked() {
    let mut wheel = Wheel::new();
    let key = wheel.insert(NEVER, 0);
    assert_eq!(wheel.next_deadline(), None);
    assert!(advance(&mut wheel, u64::MAX - 1).is_empty());
    assert!(!wheel.is_fired(key));
    wheel.reset(key, u64::MAX / 2);
    assert_eq!(wheel.len(), 1);
}

#[test]
fn level_boundaries_fire_exactly_when_jumping_to_next_deadline() {
    let mut boundaries: Vec<u64> = (1..=5).map(|k| 1u64 << (6 * k)).collect();
    boundaries.extend([1 << 30, 1 << 36, (1 << 36) + 1, (1 << 37) + 5]);
    for &ticks in &boundaries {
        for delta in [-1i64, 0, 1] {
            let deadline = (ticks as i64 * MS as i64 + delta * 1_000) as u64;
            let mut wheel = Wheel::new();
            let key = wheel.insert(deadline, 0);
            // Drive the wheel like a paused clock: always jump to the next deadline it reports.
            let mut now = 0;
            let mut steps = 0;
            loop {
                let next = wheel.next_deadline().expect("pending timer has a deadline");
                assert!(next > now || steps == 0, "no progress at {now}");
                assert!(
                    next <= deadline,
                    "reported {next} after deadline {deadline}"
                );
                now = next;
                let fired = advance(&mut wheel, now);
                steps += 1;
                if !fired.is_empty() {
                    assert_eq!(fired, vec![key]);
                    assert_eq!(now, deadline, "fired late or early");
                    break;
                }
                assert!(steps < 64, "too many steps for {deadline}");
            }
        }
    }
}

#[test]
fn short_timers_fire_after_long_idle_with_far_timer() {
    let mut wheel = Wheel::new();
    let far = wheel.insert(400 * 24 * 3_600 * 1_000 * MS, 0);
    let twelve_days = 12 * 24 * 3_600 * 1_000 * MS;
    assert!(advance(&mut wheel, twelve_days).is_empty());
    let short = wheel.insert(twelve_days + 5 * MS + 1, 0);
    assert_eq!(wheel.next_deadline(), Some(twelve_days + 5 * MS + 1));
    assert!(advance(&mut wheel, twelve_days + 5 * MS).is_empty());
    assert_eq!(advance(&mut wheel, twelve_days + 5 * MS + 1), vec![short]);
    assert!(!wheel.is_fired(far));
}

#[test]
fn reset_moves_and_rearms() {
    let mut wheel = Wheel::new();
    let key = wheel.insert(100 * MS, 0);
    wheel.reset(key, 10 * MS);
    assert_eq!(advance(&mut wheel, 10 * MS), vec![key]);
    wheel.reset(key, 50 * MS);
    assert!(!wheel.is_fired(key));
    assert!(advance(&mut wheel, 49 * MS).is_empty());
    wheel.reset(key, 5_000 * MS);
    assert!(advance(&mut wheel, 4_999 * MS).is_empty());
    assert_eq!(advance(&mut wheel, 5_000 * MS), vec![key]);
    assert_eq!(wheel.deadline(key), 5_000 * MS);
}

#[test]
fn many_resets_keep_one_entry() {
    let mut wheel = Wheel::new();
    let key = wheel.insert(MS, 0);
    let rounds: u64 = if cfg!(miri) { 1_000 } else { 1_000_000 };
    for i in 0..rounds {
        wheel.reset(key, (i % 100_000) * 7_919 * MS / 13);
    }
    assert_eq!(wheel.len(), 1);
    assert_eq!(wheel.linked(), 1);
}

/// One step of the property test.
#[derive(Debug, Clone)]
enum Op {
    /// Insert a timer this many ns after "now" (huge values reach the overflow list).
    Insert(u64),
    /// Insert at an absolute deadline, possibly in the past or `NEVER`.
    InsertAt(u64),
    /// Cancel the n-th live timer (modulo the count).
    Cancel(usize),
    /// Reset the n-th live timer to this many ns after now.
    Reset(usize, u64),
    /// Advance by this many ns.
    Advance(u64),
    /// Advance to the deadline the wheel reports, as a driver would.
    AdvanceToNext,
}

fn delay() -> impl Strategy<Value = u64> {
    prop_oneof![
        0..5 * MS,
        0..5_000 * MS,
        0u64..(1 << 40) * MS,
        Just(u64::MAX / 2),
        any::<u64>(),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => delay().prop_map(Op::Insert),
        1 => prop_oneof![any::<u64>(), Just(NEVER), Just(0)].prop_map(Op::InsertAt),
        2 => any::<usize>().prop_map(Op::Cancel),
        2 => (any::<usize>(), delay()).prop_map(|(i, d)| Op::Reset(i, d)),
        2 => delay().prop_map(Op::Advance),
        2 => Just(Op::AdvanceToNext),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    #[cfg_attr(miri, ignore)]
    fn wheel_matches_btreemap_model(ops in proptest::collection::vec(op(), 1..80)) {
        let mut wheel: Wheel<u32> = Wheel::new();
        // The model: pending (deadline, key) pairs, plus each live key's deadline.
        let mut pending: BTreeSet<(u64, usize)> = BTreeSet::new();
        let mut live: BTreeMap<usize, u64> = BTreeMap::new();
        let mut fired_ever: BTreeSet<usize> = BTreeSet::new();
        let mut now: u64 = 0;
        for op in ops {
            match op {
                Op::Insert(d) => {
                    let deadline = now.saturating_add(d);
                    let key = wheel.insert(deadline, 0);
                    prop_assert!(!live.contains_key(&key));
                    fired_ever.remove(&key);
                    live.insert(key, deadline);
                    pending.insert((deadline, key));
                }
                Op::InsertAt(deadline) => {
                    let key = wheel.insert(deadline, 0);
                    fired_ever.remove(&key);
                    live.insert(key, deadline);
                    pending.insert((deadline, key));
                }
                Op::Cancel(i) => {
                    if let Some((&key, &deadline)) = live.iter().nth(i % live.len().max(1)) {
                        wheel.remove(key);
                        live.remove(&key);
                        pending.remove(&(deadline, key));
                    }
                }
                Op::Reset(i, d) => {
                    if let Some((&key, &deadline)) = live.iter().nth(i % live.len().max(1)) {
                        let new = now.saturating_add(d);
                        wheel.reset(key, new);
                        pending.remove(&(deadline, key));
                        fired_ever.remove(&key);
                        live.insert(key, new);
                        pending.insert((new, key));
                    }
                }
                Op::Advance(_) | Op::AdvanceToNext => {
                    let target = match op {
                        Op::Advance(d) => now.saturating_add(d).min(NEVER - 1),
                        _ => match wheel.next_deadline() {
                            Some(next) => next.max(now),
                            None => continue,
                        },
                    };
                    // The wheel never asks to be woken after the earliest real deadline.
                    if let (Some(next), Some(&(first, _))) = (wheel.next_deadline(), pending.iter().find(|(d, _)| *d != NEVER)) {
                        prop_assert!(next <= first.max(now), "next {next} after earliest {first}");
                    }
                    now = target;
                    let fired = advance(&mut wheel, now);
                    let expected: Vec<usize> = pending.iter().take_while(|(d, _)| *d <= now).map(|&(_, k)| k).collect();
                    let mut sorted_fired = fired.clone();
                    sorted_fired.sort_unstable();
                    let mut sorted_expected = expected.clone();
                    sorted_expected.sort_unstable();
                    prop_assert_eq!(&sorted_fired, &sorted_expected, "at now = {}", now);
                    // Deadline order.
                    let deadlines: Vec<u64> = fired.iter().map(|k| live[k]).collect();
                    prop_assert!(deadlines.windows(2).all(|w| w[0] <= w[1]));
                    for key in fired {
                        prop_assert!(live[&key] <= now, "fired early");
                        prop_assert!(fired_ever.insert(key), "fired twice");
                        prop_assert!(wheel.is_fired(key));
                        pending.remove(&(live[&key], key));
                    }
                    // No busy loop: after processing, the next wake-up is in the future.
                    if let Some(next) = wheel.next_deadline() {
                        prop_assert!(next > now, "next {next} not after now {now}");
                    }
                }
            }
            prop_assert_eq!(wheel.len(), live.len());
            prop_assert_eq!(wheel.linked(), pending.iter().filter(|(d, _)| *d != NEVER).count());
        }
    }
}
