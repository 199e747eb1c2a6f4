//! The dispatcher's error type: how a dispatched call can end other than with its result.

use std::fmt;

/// Why a dispatched call did not return its task's value.
///
/// Every submitted task ends exactly once: with its value, or with one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DispatchError {
    /// The wait ran out.
    ///
    /// `started == false`: the task had not started; it is cancelled and never runs.
    /// `started == true`: the task is running; its result will be dropped.
    /// `owner_idle == true`: the owner thread did not pump once during the whole wait, which
    /// usually means nobody serves the dispatcher (no host loop, or a host that is blocked).
    Timeout { started: bool, owner_idle: bool },
    /// The dispatcher was shut down before the task could run.
    Closed,
    /// The task panicked; the message is the panic payload when it was a string.
    Panicked(String),
    /// The task was cancelled through its [`crate::Pending`] handle before it started.
    Cancelled,
    /// An owner-only operation (`pump`, `run`) was called from another thread.
    WrongThread,
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DispatchError::Timeout {
                started: false,
                owner_idle: true,
            } => f.write_str(
                "timed out: the main thread did not process its queue during the wait \
                 (is a host event loop running? the task was cancelled and will not run)",
            ),
            DispatchError::Timeout { started: false, .. } => {
                f.write_str("timed out before the task started; it was cancelled and will not run")
            }
            DispatchError::Timeout { started: true, .. } => f.write_str(
                "timed out while the task was running on the main thread; its result is discarded",
            ),
            DispatchError::Closed => f.write_str("the dispatcher is shut down"),
            DispatchError::Panicked(msg) => write!(f, "the task panicked: {msg}"),
            DispatchError::Cancelled => f.write_str("the task was cancelled before it started"),
            DispatchError::WrongThread => {
                f.write_str("this operation may only be called on the dispatcher's owner thread")
            }
        }
    }
}

impl std::error::Error for DispatchError {}

/// Turns a panic payload into a readable message.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}
