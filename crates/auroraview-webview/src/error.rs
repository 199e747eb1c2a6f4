//! Errors of the WebView runtime.

use auroraview_core::ipc::{JsError, OpError};
use std::fmt;

/// Why a command could not be sent to a WebView.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The WebView is closed.
    Closed,
    /// The UI thread's command queue is at its bound; retry later or slow down.
    QueueFull { capacity: usize },
    /// The page's web process has this many bytes of the runtime's scripts still unread
    /// (more than [`MAX_UNREAD_BYTES`](crate::MAX_UNREAD_BYTES)): its page runs them slower
    /// than they come. Retry later or slow down.
    PageBehind { unread: usize },
    /// The payload was refused (too large, not JSON).
    Payload(OpError),
    /// A blocking wait was requested on the UI thread itself, which would deadlock.
    WouldDeadlock(&'static str),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Closed => f.write_str("the WebView is closed"),
            SendError::QueueFull { capacity } => write!(
                f,
                "the WebView command queue is full ({capacity} commands waiting); the UI \
                 thread is not keeping up"
            ),
            SendError::PageBehind { unread } => write!(
                f,
                "the page is {unread} bytes behind (its web process has not read them yet): \
                 it runs the events slower than they come; slow down and retry"
            ),
            SendError::Payload(e) => e.fmt(f),
            SendError::WouldDeadlock(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for SendError {}

/// How an evaluation with a result ended, other than with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The script threw (or its Promise rejected).
    Js(JsError),
    /// No result within the timeout.
    Timeout,
    /// The WebView closed first.
    Closed,
    /// The page navigated or reloaded before the script reported back.
    PageChanged,
    /// The page's web process ended (crashed, was killed) before the script reported back,
    /// or while its page is gone; says why.
    PageGone(String),
    /// The command could not be sent.
    Send(SendError),
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Js(e) => write!(f, "JavaScript error: {e}"),
            EvalError::Timeout => f.write_str("the script did not report back in time"),
            EvalError::Closed => f.write_str("the WebView closed before the script reported back"),
            EvalError::PageChanged => {
                f.write_str("the page navigated or reloaded before the script reported back")
            }
            EvalError::PageGone(why) => write!(
                f,
                "the page's web process ended ({why}) before the script reported back; \
                 reload() the WebView to bring its page back"
            ),
            EvalError::Send(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for EvalError {}

/// Why the runtime or a WebView could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError(pub String);

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}
