//! The Python "sink": the object a WebView's runtime calls back (page calls, events, scheme
//! requests, window events, the close), and the names of its methods.
//!
//! The method names live here only, as constants (exported as `_core.SINK_METHODS`); their
//! Python side is the `WebViewSink` protocol in `auroraview/_core_types.py`, and
//! `tests/test_stubs.py` checks that the two agree. Each call runs on the WebView's handler
//! thread (scheme requests: an `auroraview-protocol` thread); an exception is logged and the
//! page still hears (the call is rejected, the request answered 500). What must not live
//! here: routing decisions (the Python router's, `auroraview/_router.py`).

use crate::errors::{describe_error, log_exception};
use crate::main_route::MainRoute;
use crate::page_call::PyPageCall;
use crate::protocol_request::PyProtocolRequest;
use auroraview_webview::{
    IpcSink, PageCall, ProtocolRequest, WebViewProxy, WindowEvent, INTERNAL_ERROR,
};
use pyo3::intern;
use pyo3::prelude::*;
use std::sync::Arc;

/// `_on_call(call: PageCall)`: one `auroraview.call` from the page.
pub(crate) const ON_CALL: &str = "_on_call";
/// `_on_event(name, data_json)`: one `auroraview.emit` from the page.
pub(crate) const ON_EVENT: &str = "_on_event";
/// `_on_protocol(request: ProtocolRequest)`: a request for a registered scheme.
pub(crate) const ON_PROTOCOL: &str = "_on_protocol";
/// `_on_window_event(kind, data_json, decision)`: optional; a sink without it gets none.
pub(crate) const ON_WINDOW_EVENT: &str = "_on_window_event";
/// `_on_closed()`: once, last.
pub(crate) const ON_CLOSED: &str = "_on_closed";
/// `_answer_on_main(call: PageCall)`: a page call routed to the main thread's dispatcher
/// (`WebViewProxy.route_calls_to`), run there.
pub(crate) const ANSWER_ON_MAIN: &str = "_answer_on_main";

/// Every sink method the runtime may call.
pub(crate) const SINK_METHODS: [&str; 6] = [
    ON_CALL,
    ON_EVENT,
    ON_PROTOCOL,
    ON_WINDOW_EVENT,
    ON_CLOSED,
    ANSWER_ON_MAIN,
];

/// Relays the page's traffic to the Python sink object.
pub(crate) struct PySink {
    pub(crate) sink: Arc<Py<PyAny>>,
    /// Set for `dcc_mode` WebViews: their calls go to the main thread without Python here.
    pub(crate) main: Arc<MainRoute>,
}

impl IpcSink for PySink {
    /// Holds the GIL across the burst. Taken and released around each message, it had to
    /// be won back for every one; with other Python threads busy in a loop (a worker
    /// streaming progress), each win waited up to a round of CPython's switch intervals,
    /// and a page's burst of calls was answered about one per round. CPython still hands it
    /// over at its switch interval while the handlers run. Not for a `dcc_mode` WebView
    /// whose calls go to the main thread: posting them needs no Python here, and the main
    /// thread, which runs them, must not wait for this thread's GIL.
    fn deliver_burst(&self, deliver: &mut dyn FnMut()) {
        if self.main.is_set() {
            return deliver();
        }
        // Without Python (the interpreter is finalizing) each message is dropped on its own,
        // which rejects a call: the page still hears.
        if Python::try_attach(|_| deliver()).is_none() {
            deliver();
        }
    }

    fn on_call(&self, _proxy: &WebViewProxy, call: PageCall) {
        let Err(call) = self.main.post(&self.sink, call) else {
            return;
        };
        // Without Python (the interpreter is finalizing) the call is dropped here, which
        // rejects it: the page still hears.
        Python::try_attach(|py| {
            let call = match Py::new(py, PyPageCall::new(call)) {
                Ok(call) => call,
                Err(err) => return log_exception(py, "cannot hand a page call to Python", err),
            };
            let method = intern!(py, ON_CALL);
            if let Err(err) = self.sink.call_method1(py, method, (call.clone_ref(py),)) {
                let message = format!(
                    "the host's call router failed: {}",
                    describe_error(py, &err)
                );
                log_exception(py, "the WebView call router raised", err);
                let _ = call.get().settle(Err((INTERNAL_ERROR.to_owned(), message)));
            }
        });
    }

    fn on_event(&self, _proxy: &WebViewProxy, name: String, data: String) {
        Python::try_attach(|py| {
            let method = intern!(py, ON_EVENT);
            if let Err(err) = self.sink.call_method1(py, method, (name, data)) {
                log_exception(py, "the WebView event router raised", err);
            }
        });
    }

    fn on_protocol(&self, _proxy: &WebViewProxy, request: ProtocolRequest) {
        // Without Python the request is dropped here, which answers 500.
        Python::try_attach(|py| {
            let request = match Py::new(py, PyProtocolRequest::new(request)) {
                Ok(request) => request,
                Err(err) => {
                    return log_exception(py, "cannot hand a scheme request to Python", err)
                }
            };
            let method = intern!(py, ON_PROTOCOL);
            if let Err(err) = self.sink.call_method1(py, method, (request.clone_ref(py),)) {
                let message = format!(
                    "the host's protocol router failed: {}",
                    describe_error(py, &err)
                );
                log_exception(py, "the WebView protocol router raised", err);
                request.get().answer(|r| r.fail(500, &message));
            }
        });
    }

    fn on_window_event(&self, _proxy: &WebViewProxy, event: WindowEvent) {
        // Without Python the event (and a decision it carries, which then allows) is dropped.
        Python::try_attach(|py| {
            let WindowEvent {
                kind,
                data,
                decision,
            } = event;
            let decision = match decision.map(|d| Py::new(py, crate::desk::PyDecision::new(d))) {
                Some(Ok(d)) => Some(d),
                Some(Err(err)) => {
                    return log_exception(py, "cannot hand a decision to Python", err)
                }
                None => None,
            };
            // A sink without window events (a bare one of the tests) drops them.
            let Ok(method) = self.sink.getattr(py, intern!(py, ON_WINDOW_EVENT)) else {
                return;
            };
            if let Err(err) = method.call1(py, (kind, data, decision)) {
                log_exception(py, "the WebView's window-event router raised", err);
            }
        });
    }

    fn on_closed(&self, _proxy: &WebViewProxy) {
        Python::try_attach(|py| {
            if let Err(err) = self.sink.call_method0(py, intern!(py, ON_CLOSED)) {
                log_exception(py, "the WebView close handler raised", err);
            }
        });
    }
}
