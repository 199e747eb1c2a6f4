//! [`WindowEvent`]: what happens to a WebView's window and page (a load started or finished,
//! the title changed, a navigation or a close was requested, files were dropped), handed to
//! the application's sink on the handler thread; and [`Decision`], the answer to a request
//! the application may refuse (a navigation, a close), given exactly once.
//!
//! The UI thread never waits for a decision: it keeps the engine's request (WebKit's policy
//! decision; for a close, it refuses the window manager's request and remembers it) and
//! carries it out when the answer arrives as a command. Exactly once by construction, as
//! for evaluations: the completion thread holds each open decision with its deadline, and the
//! first of the application's answer, the deadline (allow, logged) or the WebView's close
//! ends it. A [`Decision`] dropped unanswered allows.
//!
//! What must not live here: UI-thread state (`ui/events.rs`), platform calls.

use crate::inner::RuntimeInner;
use crate::reactor::ReactorMsg;
use std::sync::Arc;

/// Kinds of window events, as the sink sees them.
pub mod kind {
    /// A new document started loading (committed): `{"url"}`.
    pub const LOAD_STARTED: &str = "load_started";
    /// The page finished loading: `{"url"}`.
    pub const LOADED: &str = "loaded";
    /// The document's title changed: `{"title"}`.
    pub const TITLE_CHANGED: &str = "title_changed";
    /// A navigation is about to happen: `{"url", "user_gesture"}`; refusable.
    pub const NAVIGATION: &str = "navigation";
    /// The page asked for a new window (`window.open`, `target="_blank"`), which was not
    /// opened: `{"url", "user_gesture"}`. The application may open the URL elsewhere.
    pub const NEW_WINDOW: &str = "new_window";
    /// The user (or `request_close`) asked to close the window: `{}`; refusable.
    pub const CLOSE_REQUESTED: &str = "close_requested";
    /// Files dropped from the OS: `{"paths", "x", "y"}` (only with `capture_file_drop`).
    pub const FILE_DROP: &str = "file_drop";
}

/// One event of a WebView's window or page.
#[derive(Debug)]
pub struct WindowEvent {
    /// One of [`kind`].
    pub kind: &'static str,
    /// Its data, a JSON object as text.
    pub data: String,
    /// Present for requests the application may refuse: answer it (or drop it, which
    /// allows).
    pub decision: Option<Decision>,
}

/// The application's answer to one refusable request. [`Decision::answer`] consumes it;
/// dropping it unanswered allows the request (logged).
pub struct Decision {
    rt: Arc<RuntimeInner>,
    view: u64,
    id: u64,
    answered: bool,
}

impl std::fmt::Debug for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decision")
            .field("view", &self.view)
            .field("id", &self.id)
            .finish()
    }
}

impl Decision {
    pub(crate) fn new(rt: Arc<RuntimeInner>, view: u64, id: u64) -> Self {
        Decision {
            rt,
            view,
            id,
            answered: false,
        }
    }

    /// Allows (`true`) or refuses the request. From any thread, at any time; an answer
    /// after the deadline, or after the WebView closed, is ignored.
    pub fn answer(mut self, allow: bool) {
        self.answered = true;
        self.send(allow);
    }

    fn send(&self, allow: bool) {
        self.rt.reactor.send(ReactorMsg::Complete {
            id: self.id,
            view: self.view,
            outcome: Ok(if allow { "true" } else { "false" }.to_owned()),
        });
    }
}

impl Drop for Decision {
    fn drop(&mut self) {
        if !self.answered {
            log::warn!(
                "auroraview: WebView {}: a request was dropped without an answer; allowing it",
                self.view
            );
            self.send(true);
        }
    }
}

/// JSON text of a string.
pub(crate) fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}
