//! [`WakeFlag`]: the one-wake-per-burst protocol that the dispatcher's job queue and the
//! WebView command queue share.
//!
//! Protocol (model-checked in `tests/loom.rs` for both users):
//! 1. A producer pushes its item, then calls [`WakeFlag::request`]; only the producer that
//!    finds no wake outstanding (`Wake::Needed`) wakes the consumer. However many threads
//!    push, a burst costs one wake.
//! 2. The consumer calls [`WakeFlag::clear`] *before* it pops. A push that lands after the
//!    clear finds no wake outstanding and wakes again, so no item can sit in a queue with no
//!    wake outstanding.
//! 3. A consumer that stops with items left (its time budget ran out) calls `request`
//!    itself, and wakes if it gets `Wake::Needed`.
//!
//! Both sides use read-modify-writes on the one atomic, which orders them without fences.
//! What must not live here: the queues themselves, or how a consumer is woken.

use crate::sync::{AtomicBool, Ordering};

/// Whether the caller must wake the consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// No wake was outstanding: the caller wakes the consumer.
    Needed,
    /// A wake is outstanding already; it will see the new item.
    AlreadyPending,
}

/// "A wake is outstanding" for one consumer.
#[derive(Debug, Default)]
pub struct WakeFlag {
    pending: AtomicBool,
}

impl WakeFlag {
    pub fn new() -> Self {
        WakeFlag {
            pending: AtomicBool::new(false),
        }
    }

    /// Producer (after pushing), or a consumer leaving items behind: marks a wake
    /// outstanding, and says whether this caller must deliver it.
    pub fn request(&self) -> Wake {
        if self.pending.swap(true, Ordering::AcqRel) {
            Wake::AlreadyPending
        } else {
            Wake::Needed
        }
    }

    /// Consumer, before it pops: the outstanding wake is being served.
    pub fn clear(&self) {
        self.pending.swap(false, Ordering::AcqRel);
    }

    /// True while a wake is outstanding.
    pub fn is_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Marks a wake outstanding without asking who delivers it (the caller does, at once:
    /// a consumer's waker was just replaced).
    pub fn set(&self) {
        self.pending.store(true, Ordering::Release);
    }
}
