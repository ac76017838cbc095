//! The hierarchical timing wheel: exact deadlines in 65.536 µs slots, O(1) insert and cancel.
//!
//! Times here are plain `u64` nanoseconds since the timer driver's origin; a *tick* is 2^16 ns
//! = 65.536 µs (`deadline / TICK_NANOS`). The wheel is a pure data structure with no clock and
//! no locking: [`Wheel::process`] is told what time it is.
//!
//! # Layout
//!
//! * Six [`Level`]s of 64 slots. Level `L` slots are `64^L` ticks wide, so the wheel spans
//!   `2^36` ticks (about 52 days). Timers further out than that wait in an overflow list that
//!   is re-sorted into the wheel each time the current tick crosses a `2^36` boundary.
//! * Each entry lives in a [`Slab`] and is linked into one slot's intrusive doubly-linked list
//!   by slab keys, so insert, cancel and reset are O(1) whatever the number of pending timers.
//! * Each entry keeps its **exact** deadline. The slot is only a bucket.
//!
//! # Rounding rule
//!
//! A timer with deadline `d` (ns) goes into the tick `floor(d / 2^16 ns)`; its deadline itself is
//! never rounded. It fires at the first [`Wheel::process`] whose `now` is `>= d`, never before.
//! [`Wheel::next_deadline`] reports the smallest exact deadline linked into the nearest occupied
//! slot, of whatever level (a lower bound that may be stale after a cancel, never later than a
//! real deadline). A driver that sleeps until that value therefore wakes at the exact deadline,
//! give or take the OS timer, instead of on the next tick boundary.
//!
//! # No wake-up just to cascade
//!
//! The nearest occupied slot holds the earliest deadlines of the whole wheel: an entry sits in
//! level `L` only if its tick differs from `elapsed` in level `L`'s bits, so it lies beyond
//! every entry of the levels below, and the overflow list lies beyond every level. So
//! `next_deadline` can name the slot's earliest deadline rather than the tick where the slot
//! starts: [`Wheel::process`] cascades every slot that starts at or before `now`, however late it
//! is called. A driver therefore wakes once per deadline, never at a slot boundary only to move
//! entries down a level (with deadlines 1 ms apart, that was one extra wake-up per 4.2 ms
//! level-1 slot, a fifth of all of them).
//!
//! # Why 65.536 µs ticks
//!
//! A `process` call in the middle of a tick takes the current level-0 slot and links back the
//! entries that are not due yet, so each call costs the number of timers due within the rest of
//! that tick. With 1 ms ticks and 100,000 timers spread over 9 ms, that was ~11,000 entries per
//! call and the top entry of a `perf` profile; a 2^16 ns tick cuts it 15-fold (the `timers`
//! benchmark went from 120–155 ms to 110–115 ms on the current-thread runtime) while the six
//! levels still span 52 days before the overflow list.
//!
//! # Entry states
//!
//! ```text
//!             insert / reset            process(now >= deadline)
//!   (new) ──────────────────▶ Linked ───────────────────────────▶ Fired
//!                               ▲  │ reset                           │
//!                               │  └──────▶ (relinked)               │
//!                               └────────────── reset ───────────────┘
//!   deadline == NEVER: the entry is kept as `Never` and not linked anywhere.
//! ```
//! An entry leaves the slab only through [`Wheel::remove`].

mod level;
#[cfg(all(test, not(loom)))]
mod tests;

use slab::Slab;

use level::{level_for, Level, Slot, NIL, NUM_LEVELS};

/// Nanoseconds in one tick (2^16 ns = 65.536 µs; see the module docs).
pub(crate) const TICK_NANOS: u64 = 1 << 16;
/// A deadline that is never reached. Entries with it stay pending and are not linked.
pub(crate) const NEVER: u64 = u64::MAX;

/// Where an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// In the list of slot `slot` of level `level`.
    Level { level: u8, slot: u8 },
    /// In the overflow list.
    Overflow,
    /// Pending with the deadline [`NEVER`]; not in any list.
    Never,
    /// Its deadline was reached; not in any list.
    Fired,
}

/// One timer.
#[derive(Debug)]
struct Entry<T> {
    /// The exact deadline in nanoseconds since the origin.
    deadline: u64,
    state: State,
    prev: usize,
    next: usize,
    value: T,
}

/// The next list the wheel has to process and when.
#[derive(Debug, Clone, Copy)]
struct Expiration {
    /// `Some(level)` for a slot, `None` for the overflow list.
    level: Option<usize>,
    slot: usize,
    start_tick: u64,
}

/// A hierarchical timing wheel holding a `T` per timer (the driver stores a waker there).
#[derive(Debug)]
pub(crate) struct Wheel<T> {
    /// The current tick. Every slot that starts before it has been processed.
    elapsed: u64,
    levels: Box<[Level; NUM_LEVELS]>,
    overflow: Slot,
    entries: Slab<Entry<T>>,
    /// Entries linked into a slot or the overflow list.
    linked: usize,
}

impl<T> Default for Wheel<T> {
    fn default() -> Self {
        Wheel::new()
    }
}

impl<T> Wheel<T> {
    /// An empty wheel at tick 0.
    pub(crate) fn new() -> Wheel<T> {
        Wheel {
            elapsed: 0,
            levels: Box::new(std::array::from_fn(Level::new)),
            overflow: Slot::EMPTY,
            entries: Slab::new(),
            linked: 0,
        }
    }

    /// Adds a pending timer with exact deadline `deadline` (ns) and returns its key.
    pub(crate) fn insert(&mut self, deadline: u64, value: T) -> usize {
        let key = self.entries.insert(Entry {
            deadline,
            state: State::Never,
            prev: NIL,
            next: NIL,
            value,
        });
        self.link(key);
        key
    }

    /// Removes the timer `key`, pending or fired, and returns its value.
    ///
    /// # Panics
    ///
    /// Panics if `key` is not in the wheel.
    pub(crate) fn remove(&mut self, key: usize) -> T {
        self.unlink(key);
        self.entries.remove(key).value
    }

    /// Gives timer `key` a new deadline; a fired timer becomes pending again.
    pub(crate) fn reset(&mut self, key: usize, deadline: u64) {
        self.unlink(key);
        self.entries[key].deadline = deadline;
        self.link(key);
    }

    /// Whether timer `key` has fired (and not been reset since).
    pub(crate) fn is_fired(&self, key: usize) -> bool {
        self.entries[key].state == State::Fired
    }

    /// The exact deadline of timer `key`.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn deadline(&self, key: usize) -> u64 {
        self.entries[key].deadline
    }

    /// The value stored with timer `key`.
    pub(crate) fn value_mut(&mut self, key: usize) -> &mut T {
        &mut self.entries[key].value
    }

    /// Entries in the wheel: pending, never-firing and fired-but-not-removed.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Entries that are linked into a slot or the overflow list.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn linked(&self) -> usize {
        self.linked
    }

    /// Calls `f` with every entry's key and value, in no particular order.
    pub(crate) fn for_each_mut(&mut self, mut f: impl FnMut(usize, &mut T)) {
        for (key, entry) in self.entries.iter_mut() {
            f(key, &mut entry.value);
        }
    }

    /// The exact time (ns) by which the driver has to look at the wheel again, or `None` if no
    /// timer can ever fire. Never later than the earliest pending deadline; see the module docs.
    pub(crate) fn next_deadline(&self) -> Option<u64> {
        let exp = self.next_expiration()?;
        Some(match exp.level {
            Some(level) => self.levels[level].slot(exp.slot).min_deadline,
            None => self.overflow.min_deadline,
        })
    }

    /// Fires every pending timer whose deadline is `<= now` (ns) and appends their keys to
    /// `fired`, in deadline order. Cascades higher-level slots that start at or before `now`.
    ///
    /// The cost is proportional to the number of non-empty slots passed plus the entries moved,
    /// not to the time elapsed: jumping over twelve days costs no more than jumping over one
    /// millisecond when no slot in between is occupied.
    pub(crate) fn process(&mut self, now: u64, fired: &mut Vec<usize>) {
        let first_new = fired.len();
        let now_tick = now / TICK_NANOS;
        while let Some(exp) = self.next_expiration() {
            if exp.start_tick > now_tick {
                break;
            }
            debug_assert!(exp.start_tick >= self.elapsed);
            self.elapsed = exp.start_tick;
            let head = match exp.level {
                Some(level) => self.levels[level].take_slot(exp.slot),
                None => std::mem::replace(&mut self.overflow, Slot::EMPTY).head,
            };
            let current = exp.level == Some(0) && exp.start_tick == now_tick;
            let mut key = head;
            while key != NIL {
                let entry = &mut self.entries[key];
                let next = entry.next;
                entry.prev = NIL;
                entry.next = NIL;
                entry.state = State::Never;
                self.linked -= 1;
                if exp.level == Some(0) && entry.deadline <= now {
                    entry.state = State::Fired;
                    fired.push(key);
                } else {
                    // A cascade to a lower level, or a level-0 entry of the current tick that is
                    // not due yet (it goes back into the same slot, refreshing its minimum).
                    self.link(key);
                }
                key = next;
            }
            if current {
                // The rest of the current slot is due later this tick; nothing else can be due.
                break;
            }
        }
        self.elapsed = self.elapsed.max(now_tick);
        let entries = &self.entries;
        fired[first_new..].sort_by_key(|&key| (entries[key].deadline, key));
    }

    /// The earliest list to process: the slot (or overflow list) with the smallest start tick,
    /// preferring higher levels on a tie so that they cascade before level 0 is scanned.
    fn next_expiration(&self) -> Option<Expiration> {
        let mut best: Option<Expiration> = None;
        if !self.overflow.is_empty() {
            // Overflow entries differ from `elapsed` above bit 36; they get a place in the
            // wheel once the current tick crosses the next 2^36 boundary.
            let boundary = ((self.elapsed >> 36) + 1) << 36;
            best = Some(Expiration {
                level: None,
                slot: 0,
                start_tick: boundary,
            });
        }
        for level in (0..NUM_LEVELS).rev() {
            if let Some(slot) = self.levels[level].next_expiration(self.elapsed) {
                if best.is_none_or(|b| slot.start_tick < b.start_tick) {
                    best = Some(Expiration {
                        level: Some(level),
                        slot: slot.slot,
                        start_tick: slot.start_tick,
                    });
                }
            }
        }
        best
    }

    /// Links the unlinked entry `key` into the list its deadline belongs to.
    fn link(&mut self, key: usize) {
        let entry = &mut self.entries[key];
        debug_assert!(entry.prev == NIL && entry.next == NIL);
        let deadline = entry.deadline;
        if deadline == NEVER {
            entry.state = State::Never;
            return;
        }
        // A deadline before the current tick goes into the current slot: it is due at once.
        let tick = (deadline / TICK_NANOS).max(self.elapsed);
        let level = level_for(self.elapsed, tick);
        let (list, state) = if level >= NUM_LEVELS {
            (&mut self.overflow, State::Overflow)
        } else {
            let lvl = &mut self.levels[level];
            let slot = lvl.slot_for(tick);
            (
                lvl.slot_mut(slot),
                State::Level {
                    level: level as u8,
                    slot: slot as u8,
                },
            )
        };
        entry.state = state;
        entry.prev = list.tail;
        if list.tail == NIL {
            list.head = key;
        } else {
            self.entries[list.tail].next = key;
        }
        list.tail = key;
        list.min_deadline = list.min_deadline.min(deadline);
        if let State::Level { level, slot } = state {
            self.levels[level as usize].sync_occupied(slot as usize);
        }
        self.linked += 1;
    }

    /// Takes entry `key` out of whatever list holds it; it is left in the `Never` state.
    fn unlink(&mut self, key: usize) {
        let entry = &mut self.entries[key];
        let (prev, next, state) = (entry.prev, entry.next, entry.state);
        entry.prev = NIL;
        entry.next = NIL;
        entry.state = State::Never;
        let list = match state {
            State::Never | State::Fired => return,
            State::Overflow => &mut self.overflow,
            State::Level { level, slot } => self.levels[level as usize].slot_mut(slot as usize),
        };
        if prev == NIL {
            list.head = next;
        } else {
            self.entries[prev].next = next;
        }
        if next == NIL {
            list.tail = prev;
        } else {
            self.entries[next].prev = prev;
        }
        if let State::Level { level, slot } = state {
            self.levels[level as usize].sync_occupied(slot as usize);
        } else if self.overflow.is_empty() {
            self.overflow.min_deadline = u64::MAX;
        }
        self.linked -= 1;
    }
}
