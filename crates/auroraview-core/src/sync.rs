//! Synchronisation primitives, swapped for loom's model-checked versions under `--cfg loom`.
//!
//! Everything in this crate that is shared between threads imports its atomics, locks and
//! thread handles from here, never from `std` directly, so `loom` sees every interleaving.
//! Nothing else belongs in this file.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Mutex, RwLock};
#[cfg(loom)]
pub(crate) use loom::thread::{current as current_thread, yield_now, Thread};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Mutex, RwLock};
#[cfg(not(loom))]
pub(crate) use std::thread::{current as current_thread, yield_now, Thread};

use std::time::Duration;

/// Parks the current thread for at most `dur`. Under loom there is no time: it parks until
/// unparked, so model tests must always unpark the threads they park.
#[cfg(not(loom))]
pub(crate) fn park_timeout(dur: Duration) {
    std::thread::park_timeout(dur);
}

#[cfg(loom)]
pub(crate) fn park_timeout(_dur: Duration) {
    loom::thread::park();
}

/// Locks a mutex, ignoring poisoning: the data guarded in this crate stays valid even if a
/// holder panicked (the guarded sections never run user code).
#[cfg(not(loom))]
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(loom)]
pub(crate) fn lock<T>(m: &Mutex<T>) -> loom::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
