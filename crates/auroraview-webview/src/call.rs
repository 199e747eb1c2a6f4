//! [`PageCall`]: one `auroraview.call(name, data)` from the page, answered exactly once.
//!
//! Exactly once by construction: the answer is a [`Responder`] that is consumed by
//! [`Responder::resolve`], and dropping one that was never used rejects the page's Promise
//! with an internal error. So whatever happens to a call on its way through the
//! application (a router that raises, a dispatcher that shuts down with the call queued, a
//! Python object collected without an answer), the page hears once and never waits forever
//! for a call the host has lost.
//!
//! What must not live here: routing or running handlers (that is the application's
//! [`IpcSink`](crate::IpcSink)).

use crate::error::SendError;
use crate::proxy::WebViewProxy;
use auroraview_core::ipc::JsError;

/// The error name a call gets when the application dropped it without an answer.
pub const INTERNAL_ERROR: &str = "InternalError";

/// A call from the page: its handler name, its argument, and the one way to answer it.
#[derive(Debug)]
pub struct PageCall {
    /// The handler the page asked for.
    pub name: String,
    /// The argument as JSON text (`null` when the page gave none).
    pub data: String,
    /// The page listens to the call's channel (`onMessage`): see
    /// [`Responder::message`].
    pub channel: bool,
    /// A bound-method call (`auroraview.api.method(...)`): `data` is
    /// `{"args": [...], "kwargs": {...}}`.
    pub bound: bool,
    /// Answers the call; must be used (or dropped, which rejects it).
    pub responder: Responder,
}

/// The answer channel of one page call. Settles it once: [`Responder::resolve`] consumes
/// it; dropping it unused rejects the call with an [`INTERNAL_ERROR`].
#[derive(Debug)]
pub struct Responder {
    proxy: WebViewProxy,
    page: u64,
    id: u64,
    answered: bool,
}

impl Responder {
    pub(crate) fn new(proxy: WebViewProxy, page: u64, id: u64) -> Self {
        Responder {
            proxy,
            page,
            id,
            answered: false,
        }
    }

    /// The page load (document) the call came from.
    pub fn page(&self) -> u64 {
        self.page
    }

    /// The call's id within its page.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Settles the call with a value (JSON text) or an error. A value that is too large or
    /// not JSON rejects the call with an error saying so. From any thread, at any time; a
    /// call whose page or WebView is gone by then is dropped quietly (nobody waits for it).
    pub fn resolve(mut self, outcome: Result<String, JsError>) -> Result<(), SendError> {
        self.answered = true;
        self.proxy.resolve(self.page, self.id, outcome)
    }

    /// Sends `data` (JSON text) to the call's channel: the page's `onMessage` gets it
    /// before the call's result, in the order sent. A message that is too large or not
    /// JSON is refused with [`SendError::Payload`]; a full command queue with
    /// [`SendError::QueueFull`]. A call whose page is gone drops it quietly.
    pub fn message(&self, data: &str) -> Result<(), SendError> {
        self.proxy.message(self.page, self.id, data)
    }

    /// Rejects the call with `name: message`.
    pub fn reject(self, name: &str, message: &str) -> Result<(), SendError> {
        self.resolve(Err(JsError {
            name: name.to_owned(),
            message: message.to_owned(),
        }))
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        if self.answered {
            return;
        }
        log::error!(
            "auroraview: WebView {} call {} was dropped without an answer; rejecting it",
            self.proxy.id(),
            self.id
        );
        let _ = self.proxy.resolve(
            self.page,
            self.id,
            Err(JsError {
                name: INTERNAL_ERROR.into(),
                message: "the host lost this call without answering it (a bug in the \
                          application's call routing; see the host's log)"
                    .into(),
            }),
        );
    }
}
