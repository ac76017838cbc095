//! [`Backoff`]: waiting a moment for another thread's short critical step.

/// Waits a moment for another thread to finish a short critical step (a sender between
/// claiming a slot and writing it): spins first, then yields the thread. Under loom it always
/// yields, so the model schedules the other thread.
///
/// # Examples
///
/// ```
/// let mut backoff = heddle_loom::Backoff::default();
/// backoff.snooze();
/// backoff.snooze();
/// ```
#[derive(Debug, Default)]
pub struct Backoff(u32);

impl Backoff {
    /// Waits a little longer than the previous call did.
    ///
    /// # Examples
    ///
    /// ```
    /// heddle_loom::Backoff::default().snooze();
    /// ```
    pub fn snooze(&mut self) {
        #[cfg(loom)]
        loom::thread::yield_now();
        #[cfg(not(loom))]
        if self.0 < 6 {
            for _ in 0..1u32 << self.0 {
                std::hint::spin_loop();
            }
        } else {
            std::thread::yield_now();
        }
        self.0 = self.0.saturating_add(1);
    }
}
