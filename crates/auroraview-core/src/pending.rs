//! A `call`'s two halves: the job that runs on the owner thread ([`CallJob`]) and the
//! caller's handle to its outcome ([`Pending`]), joined by one [`Slot`] (exactly one of
//! them decides whether the job runs: `try_start` against `try_cancel`).
//!
//! What must not live here: queueing or waking (the dispatcher's), anything host-specific.

use crate::dispatcher::Dispatcher;
use crate::error::{panic_message, DispatchError};
use crate::slot::{Slot, SlotState};
use crate::spin::Spinner;
use crate::sync::{park_timeout, Arc};
use crate::task::Task;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// The job that runs `f` for a `submit`, and the handle its caller waits on.
pub(crate) fn call_job<T, F>(f: F, dispatcher: Dispatcher) -> (Box<dyn Task>, Pending<T>)
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let slot = Arc::new(Slot::new());
    let pumps_at_submit = dispatcher.pump_count();
    let job = Box::new(CallJob {
        f,
        slot: slot.clone(),
    });
    let pending = Pending {
        slot,
        dispatcher,
        pumps_at_submit,
    };
    (job, pending)
}

/// A `call` job: runs `f` if its caller has not cancelled it and stores the outcome.
struct CallJob<F, T> {
    f: F,
    slot: Arc<Slot<T>>,
}

impl<F, T> Task for CallJob<F, T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    fn run(self: Box<Self>) {
        let CallJob { f, slot } = *self;
        if slot.try_start() {
            let outcome = catch_unwind(AssertUnwindSafe(f))
                .map_err(|p| DispatchError::Panicked(panic_message(&*p)));
            slot.complete(outcome);
        }
    }

    fn abandon(self: Box<Self>, reason: DispatchError) {
        if self.slot.try_start() {
            self.slot.complete(Err(reason));
        }
    }
}

/// A submitted call: wait for its outcome (bounded) or cancel it before it starts.
pub struct Pending<T> {
    slot: Arc<Slot<T>>,
    dispatcher: Dispatcher,
    pumps_at_submit: u64,
}

impl<T> Pending<T> {
    /// Cancels the task if it has not started. True if this call cancelled it (false if it
    /// had started, finished, or was cancelled already).
    pub fn cancel(&self) -> bool {
        self.slot.try_cancel()
    }

    /// True once the outcome is available.
    pub fn is_done(&self) -> bool {
        self.slot.state() == SlotState::Done
    }

    /// Waits at most `timeout`. On timeout a task that has not started is cancelled.
    pub fn wait_timeout(self, timeout: Duration) -> Result<T, DispatchError> {
        let deadline = Instant::now().checked_add(timeout);
        self.wait_deadline(deadline)
    }

    /// Waits until `deadline` (`None`: the deadline is too far to represent; the wait is
    /// then bounded only by the task). On expiry a task that has not started is cancelled.
    pub fn wait_deadline(self, deadline: Option<Instant>) -> Result<T, DispatchError> {
        if self.wait_until(deadline) {
            self.outcome()
        } else {
            self.expire()
        }
    }

    /// Waits until the outcome is available or `until` passes, without cancelling
    /// anything. True if the outcome is available (then [`Pending::wait_deadline`] returns
    /// it at once). Lets a caller wait in slices and do work between them.
    pub fn wait_until(&self, until: Option<Instant>) -> bool {
        let mut spinner = Spinner::new(self.dispatcher.spin());
        let mut registered = false;
        loop {
            if matches!(self.slot.state(), SlotState::Done | SlotState::Cancelled) {
                return true;
            }
            if !registered && spinner.spin() {
                continue;
            }
            let now = Instant::now();
            if until.is_some_and(|d| now >= d) {
                return false;
            }
            if !registered {
                // Register, then re-check the state before parking (see slot.rs).
                self.slot.register_waiter();
                registered = true;
                continue;
            }
            park_timeout(until.map_or(Duration::from_secs(3600), |d| {
                d.saturating_duration_since(now)
            }));
        }
    }

    fn outcome(&self) -> Result<T, DispatchError> {
        match self.slot.state() {
            SlotState::Cancelled => Err(DispatchError::Cancelled),
            _ => self.take(),
        }
    }

    fn take(&self) -> Result<T, DispatchError> {
        self.slot
            .take()
            .expect("a DONE slot holds its outcome until the single waiter takes it")
    }

    fn expire(&self) -> Result<T, DispatchError> {
        if self.slot.try_cancel() {
            return Err(DispatchError::Timeout {
                started: false,
                owner_idle: self.dispatcher.owner_idle_since(self.pumps_at_submit),
            });
        }
        match self.slot.state() {
            SlotState::Done => self.take(),
            SlotState::Cancelled => Err(DispatchError::Cancelled),
            SlotState::Running | SlotState::Pending => Err(DispatchError::Timeout {
                started: true,
                owner_idle: false,
            }),
        }
    }
}
