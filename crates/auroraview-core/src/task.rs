//! [`Task`]: a unit of work queued on a dispatcher, which ends exactly once.
//!
//! A task is either run (on the owner thread) or abandoned (when the dispatcher shuts down
//! before it ran). Implementors decide how the submitter hears of either; the closures that
//! `Dispatcher::post` accepts log abandonment and panics through the `log` crate.

use crate::error::{panic_message, DispatchError};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Work for the owner thread. Exactly one of `run` or `abandon` is called, exactly once.
pub trait Task: Send + 'static {
    /// Runs the task on the owner thread. A panic escaping `run` is caught by the pump and
    /// logged; it does not stop the pump.
    fn run(self: Box<Self>);

    /// Called instead of `run` when the task can no longer run (`DispatchError::Closed`).
    /// May be called on any thread.
    fn abandon(self: Box<Self>, reason: DispatchError);
}

/// A fire-and-forget closure: panics and abandonment are logged.
pub(crate) struct PostedFn<F>(pub(crate) F);

impl<F: FnOnce() + Send + 'static> Task for PostedFn<F> {
    fn run(self: Box<Self>) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(self.0)) {
            log::error!(
                "auroraview: a posted task panicked: {}",
                panic_message(&*payload)
            );
        }
    }

    fn abandon(self: Box<Self>, reason: DispatchError) {
        log::warn!("auroraview: a posted task was dropped before it ran: {reason}");
    }
}
