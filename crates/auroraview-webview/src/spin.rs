//! Receiving with a short spin before sleeping.
//!
//! Threads that take turns with the page (the handler thread between calls, the completion
//! thread between results, a caller waiting for its result) keep looking for the next
//! message for a short while, yielding the CPU every few rounds, before they block. A steady
//! conversation then never pays a thread wake-up, which costs 25-50 us per hop on a VM whose
//! idle vCPUs halt; an idle thread spends at most [`SPIN`] of CPU after each message.

use crossbeam_channel::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// How long to keep looking before blocking.
pub(crate) const SPIN: Duration = Duration::from_micros(500);

/// What a spin found.
pub(crate) enum Spun<T> {
    Got(T),
    /// Nothing arrived within the spin: block now.
    Empty,
    Disconnected,
}

/// Tries `rx` for up to `spin` (stopping early at `deadline`), yielding every 8 rounds.
pub(crate) fn spin_recv<T>(rx: &Receiver<T>, spin: Duration, deadline: Option<Instant>) -> Spun<T> {
    let start = Instant::now();
    let mut rounds = 0u32;
    loop {
        match rx.try_recv() {
            Ok(msg) => return Spun::Got(msg),
            Err(TryRecvError::Disconnected) => return Spun::Disconnected,
            Err(TryRecvError::Empty) => {}
        }
        rounds = rounds.wrapping_add(1);
        if rounds % 8 != 0 {
            std::hint::spin_loop();
            continue;
        }
        let now = Instant::now();
        if now.duration_since(start) >= spin || deadline.is_some_and(|d| now >= d) {
            return Spun::Empty;
        }
        std::thread::yield_now();
    }
}
