//! Page calls of a `dcc_mode` WebView, routed to the main thread's dispatcher without
//! Python on the handler thread.
//!
//! Routing a call in Python on the WebView's handler thread needs the GIL there: during a
//! flood of calls that thread held it in turns with the host's main thread, whose own Python
//! (its event loop's callbacks, the handlers themselves) then waited for it, up to CPython's
//! switch interval at a time. When the Python router registers the main thread's dispatcher
//! here (`WebViewProxy.route_calls_to`), the handler thread instead posts each call, as it
//! comes, straight to that dispatcher; the router looks the handler up and answers on the
//! main thread (`_answer_on_main(call)`). A call the dispatcher refuses (shut down) falls
//! back to the Python route, which sees the new dispatcher.
//!
//! Bindings only: the routing decision is the Python router's; this moves where it runs.

use crate::errors::{describe_error, log_exception, log_warning};
use crate::page_call::PyPageCall;
use crate::sink::ANSWER_ON_MAIN;
use auroraview_core::poison::MutexExt;
use auroraview_core::{DispatchError, Dispatcher, Task};
use auroraview_webview::{PageCall, INTERNAL_ERROR};
use pyo3::prelude::*;
use std::sync::{Arc, Mutex};

/// The dispatcher a WebView's page calls go to directly, if the router registered one.
#[derive(Default)]
pub(crate) struct MainRoute {
    dispatcher: Mutex<Option<Dispatcher>>,
}

impl MainRoute {
    pub(crate) fn set(&self, dispatcher: Option<Dispatcher>) {
        *self.dispatcher.lock_unpoisoned() = dispatcher;
    }

    /// True while calls go to a dispatcher that is still open.
    pub(crate) fn is_set(&self) -> bool {
        self.dispatcher
            .lock_unpoisoned()
            .as_ref()
            .is_some_and(|d| !d.is_closed())
    }

    /// Posts `call` to the registered dispatcher, to be answered by `sink._answer_on_main`
    /// on its owner thread. Hands the call back when none is registered or it is closed.
    pub(crate) fn post(&self, sink: &Arc<Py<PyAny>>, call: PageCall) -> Result<(), PageCall> {
        let dispatcher = self.dispatcher.lock_unpoisoned().clone();
        let Some(dispatcher) = dispatcher.filter(|d| !d.is_closed()) else {
            return Err(call);
        };
        // Refused (shut down in between): the task is dropped, which rejects the call with
        // DispatchClosedError, as an abandoned one is.
        let _ = dispatcher.post_task(Box::new(MainCall {
            call: Some(call),
            sink: sink.clone(),
        }));
        Ok(())
    }
}

/// One page call on its way to the main thread.
struct MainCall {
    call: Option<PageCall>,
    sink: Arc<Py<PyAny>>,
}

impl Task for MainCall {
    fn run(mut self: Box<Self>) {
        let Some(call) = self.call.take() else {
            return;
        };
        Python::attach(|py| {
            let call = match Py::new(py, PyPageCall::new(call)) {
                Ok(call) => call,
                Err(err) => return log_exception(py, "cannot hand a page call to Python", err),
            };
            let Err(err) = self.sink.call_method1(
                py,
                pyo3::intern!(py, ANSWER_ON_MAIN),
                (call.clone_ref(py),),
            ) else {
                return;
            };
            if err.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) {
                // Ctrl+C while the handler ran: the page heard (the router rejected the
                // call); pass the interrupt on to the main thread's loop.
                log_warning(
                    py,
                    "a main-thread page call was interrupted (Ctrl+C); passing it on",
                );
                // SAFETY: only records a pending SIGINT for the interpreter; GIL held.
                unsafe { pyo3::ffi::PyErr_SetInterrupt() };
                return;
            }
            let message = format!(
                "the host's call router failed: {}",
                describe_error(py, &err)
            );
            log_exception(py, "the WebView call router raised", err);
            let _ = call.get().settle(Err((INTERNAL_ERROR.to_owned(), message)));
        });
    }

    fn abandon(mut self: Box<Self>, reason: DispatchError) {
        if let Some(call) = self.call.take() {
            let _ = call
                .responder
                .reject("DispatchClosedError", &reason.to_string());
        }
    }
}

impl Drop for MainCall {
    /// Dropped unrun (a post refused at shutdown): the page hears why.
    fn drop(&mut self) {
        if let Some(call) = self.call.take() {
            let _ = call
                .responder
                .reject("DispatchClosedError", &DispatchError::Closed.to_string());
        }
    }
}
