//! [`Spinner`]: bounded busy-waiting before a thread parks or blocks, the one backoff every
//! waiter of auroraview uses (the dispatcher's callers and run loop; the WebView runtime's
//! handler thread, completion thread and `eval_wait`).
//!
//! On a VM whose idle vCPUs halt, waking a parked thread costs 25-65 us: a waiter that keeps
//! looking for a short while, yielding the CPU every few rounds, turns a steady conversation
//! into no wake-ups at all, for at most its limit of CPU after each message.
//! What must not live here: what is waited for.

use std::time::{Duration, Instant};

/// Bounded busy-waiting before a park: pause instructions, a yield every 8 rounds, and a
/// clock read only then (reading the clock every round cost a quarter of the cycles when both
/// threads share one CPU; yielding often lets the other thread run there).
pub struct Spinner {
    start: Instant,
    limit: Duration,
    rounds: u32,
}

impl Spinner {
    /// A spin that gives up after `limit` (zero: at once).
    pub fn new(limit: Duration) -> Self {
        Spinner {
            start: Instant::now(),
            limit,
            rounds: 0,
        }
    }

    /// One round of spinning; false once the spin time is used up.
    pub fn spin(&mut self) -> bool {
        if self.limit.is_zero() {
            return false;
        }
        self.rounds = self.rounds.wrapping_add(1);
        if self.rounds % 8 != 0 {
            std::hint::spin_loop();
            return true;
        }
        if self.start.elapsed() >= self.limit {
            return false;
        }
        crate::sync::yield_now();
        true
    }
}
