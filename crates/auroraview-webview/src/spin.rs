//! Receiving with a short spin before sleeping.
//!
//! Threads that take turns with the page (the handler thread between calls, the completion
//! thread between results, a caller waiting for its result) keep looking for the next
//! message for a short while, yielding the CPU every few rounds, before they block. A steady
//! conversation then never pays a thread wake-up, which costs 25-50 us per hop on a VM whose
//! idle vCPUs halt; an idle thread spends at most [`SPIN`] of CPU after each message.

use auroraview_core::spin::Spinner;
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

/// Tries `rx` for up to `spin` (stopping early at `deadline`), with the shared backoff
/// ([`auroraview_core::spin::Spinner`]).
pub(crate) fn spin_recv<T>(rx: &Receiver<T>, spin: Duration, deadline: Option<Instant>) -> Spun<T> {
    let mut spinner = Spinner::new(spin);
    loop {
        match rx.try_recv() {
            Ok(msg) => return Spun::Got(msg),
            Err(TryRecvError::Disconnected) => return Spun::Disconnected,
            Err(TryRecvError::Empty) => {}
        }
        if deadline.is_some_and(|d| Instant::now() >= d) || !spinner.spin() {
            return Spun::Empty;
        }
    }
}
