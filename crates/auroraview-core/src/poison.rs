//! Locking a `std` mutex whatever a panicking holder left behind, for the runtime and the
//! bindings: [`MutexExt`].
//!
//! Every lock of auroraview's guards data that stays valid if a holder panicked (no guarded
//! section runs user code), so a poisoned lock is taken as it is, never unwrapped into a
//! second panic on a thread that may be the host's. [`MutexExt::try_lock_now`] is the lock
//! of a thread that must never wait, such as one holding Python's GIL.
//!
//! What must not live here: this crate's own shared state, which goes through `sync` (loom's
//! types under `--cfg loom`); any other kind of lock.

use std::sync::{Mutex, MutexGuard, TryLockError};

/// Poison-ignoring locks of a [`Mutex`].
pub trait MutexExt<T> {
    /// Locks, waiting for the holder; a poisoned lock is taken as it is.
    fn lock_unpoisoned(&self) -> MutexGuard<'_, T>;

    /// Locks only if no thread holds the lock now (`None` if one does); never waits.
    fn try_lock_now(&self) -> Option<MutexGuard<'_, T>>;
}

impl<T> MutexExt<T> for Mutex<T> {
    fn lock_unpoisoned(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn try_lock_now(&self) -> Option<MutexGuard<'_, T>> {
        match self.try_lock() {
            Ok(guard) => Some(guard),
            Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MutexExt;
    use std::sync::{Arc, Mutex};

    fn poisoned(value: u32) -> Arc<Mutex<u32>> {
        let m = Arc::new(Mutex::new(value));
        let held = Arc::clone(&m);
        let _ = std::thread::spawn(move || {
            let _guard = held.lock().unwrap();
            panic!("poisoning the lock on purpose");
        })
        .join();
        assert!(m.is_poisoned());
        m
    }

    #[test]
    fn a_poisoned_lock_is_taken_with_its_data() {
        let m = poisoned(7);
        assert_eq!(*m.lock_unpoisoned(), 7);
        assert_eq!(m.try_lock_now().map(|g| *g), Some(7));
    }

    #[test]
    fn try_lock_now_does_not_wait_for_a_holder() {
        let m = Mutex::new(1);
        let held = m.lock_unpoisoned();
        assert!(m.try_lock_now().is_none());
        drop(held);
        assert_eq!(m.try_lock_now().map(|g| *g), Some(1));
    }
}
