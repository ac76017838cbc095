//! The table from poller keys to registered sources: a `slab` behind a mutex, with a
//! generation in every key so that a stale event never reaches a newer source.
//!
//! # Keys
//!
//! A key is `generation << INDEX_BITS | index`. `index` is the slab slot; `generation` is a
//! counter bumped on every insert. The slab reuses a freed slot at once, and the OS reuses a
//! closed descriptor number at once, so without the generation an event the reactor had
//! already read for an old source (harvested by `epoll_wait` before the old source was
//! deleted) could be delivered to the new source in the same slot. [`Registry::get`] checks
//! the whole key, so such an event finds nothing.
//!
//! The generation is masked to `GENERATION_BITS` bits (one fewer than the space above the
//! index), so a key is never `usize::MAX`, which `polling` reserves for its own notifications.
//! After `2^GENERATION_BITS` inserts the generation wraps; a stale event would have to survive
//! that many registrations to be confused, which cannot happen because the reactor delivers
//! each batch of events before it waits again.

use std::io;

use slab::Slab;

use crate::loom::{Arc, Mutex, MutexGuard};

/// Bits of a key that hold the slab index.
const INDEX_BITS: u32 = usize::BITS / 2;
/// Mask selecting the slab index of a key.
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// Bits of a key that hold the generation (one spare bit keeps keys below `usize::MAX`).
const GENERATION_BITS: u32 = usize::BITS - INDEX_BITS - 1;
/// Mask applied to the generation counter.
const GENERATION_MASK: usize = (1 << GENERATION_BITS) - 1;

#[derive(Debug)]
struct Entry<T> {
    key: usize,
    value: Arc<T>,
}

#[derive(Debug)]
struct Table<T> {
    slab: Slab<Entry<T>>,
    generation: usize,
    /// Set once by [`Registry::close`]; inserts fail from then on.
    closed: bool,
}

/// Registered sources by key.
#[derive(Debug)]
pub(crate) struct Registry<T> {
    table: Mutex<Table<T>>,
}

impl<T> Registry<T> {
    /// An empty registry.
    pub(crate) fn new() -> Registry<T> {
        Registry {
            table: Mutex::new(Table {
                slab: Slab::new(),
                generation: 0,
                closed: false,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Table<T>> {
        // Nothing panics while the table is locked (only slab operations run under it).
        self.table.lock()
    }

    /// Inserts the value built by `make` from its new key, and returns the key and the value.
    ///
    /// # Errors
    ///
    /// `OutOfMemory` if every index the key format allows is taken; the reactor's shutdown
    /// error ([`crate::is_shutdown_error`]) once the registry is closed.
    pub(crate) fn insert(&self, make: impl FnOnce(usize) -> Arc<T>) -> io::Result<(usize, Arc<T>)> {
        let mut table = self.lock();
        if table.closed {
            return Err(crate::reactor::shutdown_error());
        }
        let index = table.slab.vacant_key();
        if index > INDEX_MASK {
            return Err(io::Error::new(
                io::ErrorKind::OutOfMemory,
                "too many I/O sources registered with one reactor",
            ));
        }
        let key = (table.generation << INDEX_BITS) | index;
        let value = make(key);
        table.slab.insert(Entry {
            key,
            value: value.clone(),
        });
        table.generation = (table.generation + 1) & GENERATION_MASK;
        Ok((key, value))
    }

    /// The value registered under exactly `key`, if it is still registered.
    pub(crate) fn get(&self, key: usize) -> Option<Arc<T>> {
        let table = self.lock();
        match table.slab.get(key & INDEX_MASK) {
            Some(entry) if entry.key == key => Some(entry.value.clone()),
            _ => None,
        }
    }

    /// Removes the value registered under exactly `key`. A stale or unknown key removes
    /// nothing and returns `None`.
    pub(crate) fn remove(&self, key: usize) -> Option<Arc<T>> {
        let mut table = self.lock();
        let index = key & INDEX_MASK;
        match table.slab.get(index) {
            Some(entry) if entry.key == key => Some(table.slab.remove(index).value),
            _ => None,
        }
    }

    /// Refuses every later insert and returns the values registered now. Under the table's
    /// lock, so each insert either comes before (and its value is returned) or fails.
    pub(crate) fn close(&self) -> Vec<Arc<T>> {
        let mut table = self.lock();
        table.closed = true;
        table
            .slab
            .iter()
            .map(|(_, entry)| entry.value.clone())
            .collect()
    }

    /// How many values are registered.
    pub(crate) fn len(&self) -> usize {
        self.lock().slab.len()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn insert_get_remove() {
        let registry = Registry::new();
        let a = registry.insert(|_| Arc::new("a")).unwrap().0;
        let b = registry.insert(|_| Arc::new("b")).unwrap().0;
        assert_ne!(a, b);
        assert_eq!(registry.len(), 2);
        assert_eq!(registry.get(a).as_deref(), Some(&"a"));
        assert_eq!(registry.remove(a).as_deref(), Some(&"a"));
        assert!(registry.get(a).is_none());
        assert!(registry.remove(a).is_none(), "unknown key removes nothing");
        assert_eq!(registry.len(), 1);
        let listed = registry.close();
        assert_eq!(listed.iter().map(|v| **v).collect::<Vec<_>>(), ["b"]);
        let refused = registry.insert(|_| Arc::new("c")).unwrap_err();
        assert!(crate::is_shutdown_error(&refused));
        assert_eq!(registry.len(), 1, "a closed registry still removes");
    }

    #[test]
    fn reused_slot_gets_a_new_key() {
        let registry = Registry::new();
        let old = registry.insert(|_| Arc::new(1)).unwrap().0;
        registry.remove(old).unwrap();
        let new = registry.insert(|_| Arc::new(2)).unwrap().0;
        assert_eq!(
            old & INDEX_MASK,
            new & INDEX_MASK,
            "the slab reuses the slot"
        );
        assert_ne!(old, new);
        assert!(registry.get(old).is_none(), "a stale key finds nothing");
        assert!(
            registry.remove(old).is_none(),
            "a stale key removes nothing"
        );
        assert_eq!(registry.get(new).as_deref(), Some(&2));
    }

    #[test]
    fn make_sees_its_own_key_and_keys_avoid_the_reserved_one() {
        let registry = Registry::new();
        let mut seen = 0;
        let key = registry
            .insert(|k| {
                seen = k;
                Arc::new(())
            })
            .unwrap()
            .0;
        assert_eq!(seen, key);
        registry.lock().generation = GENERATION_MASK;
        let key = registry.insert(|_| Arc::new(())).unwrap().0;
        assert_ne!(key, usize::MAX);
        assert_eq!(registry.lock().generation, 0, "the generation wraps");
    }

    #[test]
    fn many_sources_bookkeeping() {
        let registry = Registry::new();
        let keys: Vec<usize> = (0..200)
            .map(|i| registry.insert(|_| Arc::new(i)).unwrap().0)
            .collect();
        for key in keys.iter().step_by(2) {
            registry.remove(*key).unwrap();
        }
        assert_eq!(registry.len(), 100);
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(registry.get(*key).is_some(), i % 2 == 1);
        }
    }
}
