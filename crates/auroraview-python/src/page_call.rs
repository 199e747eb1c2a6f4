//! `auroraview._core.PageCall`: one `auroraview.call` from the page, as the Python router
//! sees it, settled once (`resolve`, `reject`); its channel messages (`message`) go before
//! the result. What must not live here: finding or running the handler (the router's).

use crate::errors::send_error;
use auroraview_core::poison::MutexExt;
use auroraview_webview::{PageCall, Responder, SendError};
use pyo3::prelude::*;
use std::sync::Mutex;

/// One `auroraview.call` from the page, handed to Python's router: settle it once with
/// `resolve(value_json)` or `reject(name, message)`. If Python never does (the object is
/// collected unanswered), the call is rejected with an internal error.
#[pyclass(frozen, module = "auroraview._core", name = "PageCall")]
pub(crate) struct PyPageCall {
    name: String,
    data: String,
    channel: bool,
    bound: bool,
    responder: Mutex<Option<Responder>>,
}

impl PyPageCall {
    pub(crate) fn new(call: PageCall) -> Self {
        PyPageCall {
            name: call.name,
            data: call.data,
            channel: call.channel,
            bound: call.bound,
            responder: Mutex::new(Some(call.responder)),
        }
    }

    /// Settles the call unless it was settled already; true if this settled it.
    pub(crate) fn settle(
        &self,
        outcome: Result<String, (String, String)>,
    ) -> Result<bool, SendError> {
        let taken = self.responder.lock_unpoisoned().take();
        let Some(responder) = taken else {
            return Ok(false);
        };
        let outcome =
            outcome.map_err(|(name, message)| auroraview_core::ipc::JsError { name, message });
        match responder.resolve(outcome) {
            // A call whose WebView closed has no page left to tell.
            Ok(()) | Err(SendError::Closed) => Ok(true),
            Err(err) => Err(err),
        }
    }
}

#[pymethods]
impl PyPageCall {
    /// The handler the page asked for.
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// The page's argument as JSON text.
    #[getter]
    fn data(&self) -> &str {
        &self.data
    }

    /// True if the page listens to this call's channel (`onMessage`).
    #[getter]
    fn channel(&self) -> bool {
        self.channel
    }

    /// True for a bound-method call: `data` is `{"args": [...], "kwargs": {...}}`.
    #[getter]
    fn bound(&self) -> bool {
        self.bound
    }

    /// Sends `data_json` on the call's channel, before its result. False (nothing sent)
    /// once the call is settled: no message ever follows the result.
    fn message(&self, py: Python<'_>, data_json: &str) -> PyResult<bool> {
        let guard = self.responder.lock_unpoisoned();
        let Some(responder) = guard.as_ref() else {
            return Ok(false);
        };
        match responder.message(data_json) {
            Ok(()) | Err(SendError::Closed) => Ok(true),
            Err(err) => Err(send_error(py, &err)),
        }
    }

    /// True once the call has been answered.
    #[getter]
    fn settled(&self) -> bool {
        self.responder.lock_unpoisoned().is_none()
    }

    /// Resolves the page's Promise with `value_json` (JSON text). A value too large or not
    /// JSON rejects it instead, saying so. Returns False if the call was already settled.
    fn resolve(&self, py: Python<'_>, value_json: String) -> PyResult<bool> {
        self.settle(Ok(value_json)).map_err(|e| send_error(py, &e))
    }

    /// Rejects the page's Promise with an Error named `name`. Returns False if the call
    /// was already settled.
    fn reject(&self, py: Python<'_>, name: String, message: String) -> PyResult<bool> {
        self.settle(Err((name, message)))
            .map_err(|e| send_error(py, &e))
    }

    fn __repr__(&self) -> String {
        format!(
            "<auroraview._core.PageCall {:?} settled={}>",
            self.name,
            self.settled()
        )
    }
}
