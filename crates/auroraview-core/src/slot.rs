//! [`Slot`]: the one-shot rendezvous between a waiting caller and the task it submitted.
//!
//! State machine (one atomic byte; every transition is a compare-exchange, so exactly one
//! side wins each race):
//!
//! ```text
//! PENDING --try_start (owner thread / shutdown)--> RUNNING --complete--> DONE
//! PENDING --try_cancel (caller: timeout or cancel)--> CANCELLED
//! ```
//!
//! A task that lost the race to `try_cancel` is never run. A caller that times out while the
//! task is RUNNING leaves; the value stored later is dropped with the slot. The value is
//! written before DONE is published with `Release`, and read after DONE is seen with
//! `Acquire`. The waiter registers its thread handle before it parks; `complete` unparks the
//! registered waiter after publishing DONE, so no wake-up is lost.

use crate::error::DispatchError;
use crate::sync::{current_thread, lock, AtomicU8, Mutex, Ordering, Thread};

const PENDING: u8 = 0;
const RUNNING: u8 = 1;
const DONE: u8 = 2;
const CANCELLED: u8 = 3;

/// Where the slot stands, as seen by the waiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotState {
    Pending,
    Running,
    Done,
    Cancelled,
}

pub(crate) struct Slot<T> {
    state: AtomicU8,
    value: Mutex<Option<Result<T, DispatchError>>>,
    waiter: Mutex<Option<Thread>>,
}

impl<T> Slot<T> {
    pub(crate) fn new() -> Self {
        Slot {
            state: AtomicU8::new(PENDING),
            value: Mutex::new(None),
            waiter: Mutex::new(None),
        }
    }

    /// Claims the task for running (or for failing it). False if it was cancelled.
    pub(crate) fn try_start(&self) -> bool {
        self.state
            .compare_exchange(PENDING, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Cancels the task if it has not started. False if it started or finished.
    pub(crate) fn try_cancel(&self) -> bool {
        self.state
            .compare_exchange(PENDING, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Stores the outcome of a claimed task and wakes the waiter. Only the thread whose
    /// `try_start` succeeded calls this, once.
    pub(crate) fn complete(&self, outcome: Result<T, DispatchError>) {
        *lock(&self.value) = Some(outcome);
        self.state.store(DONE, Ordering::Release);
        if let Some(waiter) = lock(&self.waiter).as_ref() {
            waiter.unpark();
        }
    }

    pub(crate) fn state(&self) -> SlotState {
        match self.state.load(Ordering::Acquire) {
            PENDING => SlotState::Pending,
            RUNNING => SlotState::Running,
            DONE => SlotState::Done,
            _ => SlotState::Cancelled,
        }
    }

    /// Registers the calling thread as the one to unpark on completion.
    pub(crate) fn register_waiter(&self) {
        *lock(&self.waiter) = Some(current_thread());
    }

    /// Takes the stored outcome once the state is DONE.
    pub(crate) fn take(&self) -> Option<Result<T, DispatchError>> {
        lock(&self.value).take()
    }
}
