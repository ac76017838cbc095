//! One level of the timing wheel: 64 slots, an occupancy bitmap, and slot arithmetic.
//!
//! Level `L` has 64 slots of `64^L` ticks each, so it spans `64^(L+1)` ticks. A timer sits in
//! the lowest level whose span still separates its tick from the wheel's current tick (see
//! [`level_for`]). The slot lists themselves are intrusive doubly-linked lists whose nodes live
//! in the wheel's slab; this file only stores each list's head and tail.
//!
//! # Invariant
//!
//! For a level `L`, let `pos` be the slot of the wheel's current tick (`elapsed`) at that level.
//! Every occupied slot of level `L` is at or after `pos`: a timer is only placed in a level where
//! its tick and `elapsed` agree on every higher bit, and `elapsed` never moves past a slot start
//! without that slot being processed first. So the next occupied slot never "wraps around".

/// Bits of a tick consumed by one level.
pub(crate) const LEVEL_BITS: u32 = 6;
/// Slots per level.
pub(crate) const SLOTS: usize = 1 << LEVEL_BITS;
/// Levels in the wheel. Together they span `2^36` ticks (about 52 days at 2^16 ns a tick);
/// timers further out wait in the overflow list.
pub(crate) const NUM_LEVELS: usize = 6;
/// Mask selecting a slot index.
const SLOT_MASK: u64 = (SLOTS as u64) - 1;
/// The "no entry" link value of the intrusive lists.
pub(crate) const NIL: usize = usize::MAX;

/// The head and tail of one intrusive list of entries, plus the smallest exact deadline that
/// was linked into it since it was last empty or last rescanned.
///
/// # Invariant
///
/// `min_deadline` is a lower bound of the exact deadlines in the list (it may be stale after a
/// cancel, never too high). It is `u64::MAX` when the list is empty.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub(crate) head: usize,
    pub(crate) tail: usize,
    pub(crate) min_deadline: u64,
}

impl Slot {
    /// An empty list.
    pub(crate) const EMPTY: Slot = Slot {
        head: NIL,
        tail: NIL,
        min_deadline: u64::MAX,
    };

    /// Whether no entry is linked into this list.
    pub(crate) fn is_empty(&self) -> bool {
        self.head == NIL
    }
}

/// One level of the wheel.
#[derive(Debug)]
pub(crate) struct Level {
    /// Which level this is (0 = the one-tick slots).
    index: usize,
    /// Bit `s` is set if and only if slot `s` holds at least one entry.
    occupied: u64,
    slots: [Slot; SLOTS],
}

/// The next slot of a level that has to be processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SlotExpiration {
    /// The slot index within its level.
    pub(crate) slot: usize,
    /// The first tick the slot covers.
    pub(crate) start_tick: u64,
}

/// The level a timer for tick `when` belongs in, given the wheel's current tick `elapsed`.
///
/// It is the level of the highest bit in which the two ticks differ (bits 0–5 are level 0,
/// 6–11 level 1, ...). A result of `NUM_LEVELS` or more means "beyond the wheel": the overflow
/// list. `when` must not be before `elapsed`.
pub(crate) fn level_for(elapsed: u64, when: u64) -> usize {
    debug_assert!(when >= elapsed);
    let masked = (elapsed ^ when) | SLOT_MASK;
    let significant = 63 - masked.leading_zeros();
    (significant / LEVEL_BITS) as usize
}

/// Ticks covered by one slot of `level`.
pub(crate) fn slot_range(level: usize) -> u64 {
    1u64 << (LEVEL_BITS as usize * level)
}

/// Ticks covered by all of `level`.
pub(crate) fn level_range(level: usize) -> u64 {
    1u64 << (LEVEL_BITS as usize * (level + 1))
}

impl Level {
    /// An empty level number `index`.
    pub(crate) fn new(index: usize) -> Level {
        debug_assert!(index < NUM_LEVELS);
        Level {
            index,
            occupied: 0,
            slots: [Slot::EMPTY; SLOTS],
        }
    }

    /// The slot a timer for tick `when` occupies at this level.
    pub(crate) fn slot_for(&self, when: u64) -> usize {
        ((when >> (LEVEL_BITS as usize * self.index)) & SLOT_MASK) as usize
    }

    /// Shared access to slot `slot`.
    pub(crate) fn slot(&self, slot: usize) -> &Slot {
        &self.slots[slot]
    }

    /// Mutable access to slot `slot`. Callers keep the occupancy bit in step through
    /// [`Level::sync_occupied`].
    pub(crate) fn slot_mut(&mut self, slot: usize) -> &mut Slot {
        &mut self.slots[slot]
    }

    /// Sets or clears the occupancy bit of `slot` to match whether its list is empty, and
    /// resets the minimum deadline of an emptied slot.
    pub(crate) fn sync_occupied(&mut self, slot: usize) {
        if self.slots[slot].is_empty() {
            self.occupied &= !(1u64 << slot);
            self.slots[slot].min_deadline = u64::MAX;
        } else {
            self.occupied |= 1u64 << slot;
        }
    }

    /// Detaches the whole list of `slot`, leaving it empty, and returns its former head.
    pub(crate) fn take_slot(&mut self, slot: usize) -> usize {
        let head = self.slots[slot].head;
        self.slots[slot] = Slot::EMPTY;
        self.occupied &= !(1u64 << slot);
        head
    }

    /// Whether no slot of this level holds an entry.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn is_empty(&self) -> bool {
        self.occupied == 0
    }

    /// The first occupied slot at or after the slot of `elapsed`, and the tick it starts at.
    pub(crate) fn next_expiration(&self, elapsed: u64) -> Option<SlotExpiration> {
        if self.occupied == 0 {
            return None;
        }
        let pos = self.slot_for(elapsed);
        let rotated = self.occupied.rotate_right(pos as u32);
        let slot = (pos + rotated.trailing_zeros() as usize) % SLOTS;
        // See the module invariant: an occupied slot is never behind `pos`.
        debug_assert!(slot >= pos, "level {} slot {slot} behind {pos}", self.index);
        let level_start = elapsed & !(level_range(self.index).wrapping_sub(1));
        let start_tick = level_start.saturating_add(slot as u64 * slot_range(self.index));
        Some(SlotExpiration { slot, start_tick })
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn level_for_picks_the_highest_differing_bit() {
        assert_eq!(level_for(0, 0), 0);
        assert_eq!(level_for(0, 63), 0);
        assert_eq!(level_for(0, 64), 1);
        assert_eq!(level_for(63, 64), 1);
        assert_eq!(level_for(64, 127), 0);
        assert_eq!(level_for(0, (1 << 12) - 1), 1);
        assert_eq!(level_for(0, 1 << 12), 2);
        assert_eq!(level_for(0, (1 << 36) - 1), 5);
        assert_eq!(level_for(0, 1 << 36), 6);
        assert_eq!(level_for((1 << 36) - 1, 1 << 36), 6);
        assert_eq!(level_for(0, u64::MAX), 10);
    }

    #[test]
    fn ranges() {
        assert_eq!(slot_range(0), 1);
        assert_eq!(slot_range(1), 64);
        assert_eq!(level_range(0), 64);
        assert_eq!(level_range(5), 1 << 36);
    }

    #[test]
    fn next_expiration_finds_first_occupied_slot_from_pos() {
        let mut level = Level::new(1);
        assert_eq!(level.next_expiration(0), None);
        level.slot_mut(5).head = 0;
        level.sync_occupied(5);
        level.slot_mut(9).head = 1;
        level.sync_occupied(9);
        let exp = level.next_expiration(64 * 3 + 7).unwrap();
        assert_eq!(
            exp,
            SlotExpiration {
                slot: 5,
                start_tick: 64 * 5
            }
        );
        // A later level range keeps its upper bits.
        let exp = level.next_expiration((1 << 12) + 64 * 5).unwrap();
        assert_eq!(exp.start_tick, (1 << 12) + 64 * 5);
        assert_eq!(level.take_slot(5), 0);
        assert_eq!(level.next_expiration(0).unwrap().slot, 9);
        level.take_slot(9);
        assert!(level.is_empty());
    }

    #[test]
    fn emptied_slot_forgets_its_minimum() {
        let mut level = Level::new(0);
        level.slot_mut(3).head = 7;
        level.slot_mut(3).min_deadline = 42;
        level.sync_occupied(3);
        assert_eq!(level.slot(3).min_deadline, 42);
        level.slot_mut(3).head = NIL;
        level.sync_occupied(3);
        assert_eq!(level.slot(3).min_deadline, u64::MAX);
        assert!(level.is_empty());
    }
}
