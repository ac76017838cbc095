//! [`CachePadded`]: a value on cache lines of its own.

/// Keeps a value that one thread writes often on cache lines of its own (two lines: the
/// adjacent-line prefetcher pairs them), so that its writes do not slow down readers of its
/// neighbours.
#[derive(Debug)]
#[repr(align(128))]
pub(crate) struct CachePadded<T>(pub(crate) T);

impl<T> std::ops::Deref for CachePadded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
