//! `auroraview._core.create_webview` and `auroraview._core.WebViewProxy`: the Python face of
//! `auroraview_webview`.
//!
//! Payloads cross as JSON text (the Python layer encodes and decodes with `json`). The
//! page's calls and events reach a Python "sink" object on the WebView's handler thread
//! (`_on_call(page, id, name, data)`, `_on_event(name, data)`, `_on_closed()`); evaluation
//! callbacks run on the completion thread as `callback(value_json, error)`. Every wait
//! releases the GIL.

use crate::dispatcher::PyDispatcher;
use crate::errors::log_exception;
use crate::main_route::MainRoute;
use auroraview_webview::{
    canonical_root, check_scheme, EvalError, IpcSink, Mode, PageCall, ProtocolRequest,
    ProtocolResponder, ProtocolResponse, Responder, ResponseBody, Runtime, SendError, StartError,
    WebViewProxy, WebViewSpec, WindowEvent, INTERNAL_ERROR,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use std::sync::{Arc, Mutex};
use std::time::Duration;

static ERROR_CLASSES: [PyOnceLock<Py<PyType>>; 8] = [
    PyOnceLock::new(),
    PyOnceLock::new(),
    PyOnceLock::new(),
    PyOnceLock::new(),
    PyOnceLock::new(),
    PyOnceLock::new(),
    PyOnceLock::new(),
    PyOnceLock::new(),
];
const ERROR_NAMES: [&str; 8] = [
    "WebViewClosedError",
    "QueueFullError",
    "PayloadError",
    "WrongThreadError",
    "JavaScriptError",
    "EvalTimeoutError",
    "PageChangedError",
    "WebViewStartError",
];

fn make_error<'py>(py: Python<'py>, index: usize, args: impl IntoPyObject<'py>) -> PyErr {
    match ERROR_CLASSES[index].import(py, "auroraview.errors", ERROR_NAMES[index]) {
        Ok(class) => match class.call1((args,)) {
            Ok(instance) => PyErr::from_value(instance),
            Err(err) => err,
        },
        Err(err) => err,
    }
}

fn send_error(py: Python<'_>, err: &SendError) -> PyErr {
    let index = match err {
        SendError::Closed => 0,
        SendError::QueueFull { .. } => 1,
        SendError::Payload(_) => 2,
        SendError::WouldDeadlock(_) => 3,
    };
    make_error(py, index, err.to_string())
}

fn eval_error(py: Python<'_>, err: &EvalError) -> PyErr {
    match err {
        EvalError::Js(js) => match ERROR_CLASSES[4].import(py, "auroraview.errors", ERROR_NAMES[4])
        {
            Ok(class) => match class.call1((js.message.clone(), js.name.clone())) {
                Ok(instance) => PyErr::from_value(instance),
                Err(e) => e,
            },
            Err(e) => e,
        },
        EvalError::Timeout => make_error(py, 5, err.to_string()),
        EvalError::Closed => make_error(py, 0, err.to_string()),
        EvalError::PageChanged | EvalError::PageGone(_) => make_error(py, 6, err.to_string()),
        EvalError::Send(send) => send_error(py, send),
    }
}

fn start_error(py: Python<'_>, err: &StartError) -> PyErr {
    make_error(py, 7, err.to_string())
}

fn millis(ms: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| {
        PyValueError::new_err(format!(
            "{what} must be a finite number of ms >= 0, got {ms}"
        ))
    })
}

/// Relays the page's traffic to the Python sink object.
struct PySink {
    sink: Arc<Py<PyAny>>,
    /// Set for `dcc_mode` WebViews: their calls go to the main thread without Python here.
    main: Arc<MainRoute>,
}

impl IpcSink for PySink {
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
            if let Err(err) = self
                .sink
                .call_method1(py, "_on_call", (call.clone_ref(py),))
            {
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
            if let Err(err) = self.sink.call_method1(py, "_on_event", (name, data)) {
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
            if let Err(err) = self
                .sink
                .call_method1(py, "_on_protocol", (request.clone_ref(py),))
            {
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
            let Ok(method) = self.sink.getattr(py, "_on_window_event") else {
                return;
            };
            if let Err(err) = method.call1(py, (kind, data, decision)) {
                log_exception(py, "the WebView's window-event router raised", err);
            }
        });
    }

    fn on_closed(&self, _proxy: &WebViewProxy) {
        Python::try_attach(|py| {
            if let Err(err) = self.sink.call_method0(py, "_on_closed") {
                log_exception(py, "the WebView close handler raised", err);
            }
        });
    }
}

fn spec_from_dict(spec: &Bound<'_, PyDict>) -> PyResult<WebViewSpec> {
    let mut out = WebViewSpec::default();
    for (key, value) in spec.iter() {
        let key: String = key.extract()?;
        if crate::desk::spec_key(&mut out, &key, &value)? {
            continue;
        }
        match key.as_str() {
            "title" => out.title = value.extract()?,
            "url" => out.url = value.extract()?,
            "html" => out.html = value.extract()?,
            "width" => out.width = value.extract()?,
            "height" => out.height = value.extract()?,
            "resizable" => out.resizable = value.extract()?,
            "visible" => out.visible = value.extract()?,
            "debug" => out.debug = value.extract()?,
            "allowed_origins" => out.allowed_origins = value.extract()?,
            "parent" => out.parent = value.extract()?,
            "naive_delivery" => out.naive_delivery = value.extract()?,
            "asset_root" => {
                let root: Option<std::path::PathBuf> = value.extract()?;
                out.asset_root = match root {
                    Some(root) => Some(canonical_root(&root).map_err(PyValueError::new_err)?),
                    None => None,
                };
            }
            "schemes" => {
                let schemes: Vec<String> = value.extract()?;
                for scheme in &schemes {
                    check_scheme(scheme).map_err(PyValueError::new_err)?;
                }
                out.schemes = schemes;
            }
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown WebView option {other:?}"
                )))
            }
        }
    }
    Ok(out)
}

fn parse_mode(mode: &str) -> PyResult<Mode> {
    match mode {
        "own" => Ok(Mode::Own),
        "hosted" => Ok(Mode::Hosted),
        other => Err(PyValueError::new_err(format!(
            "unknown WebView mode {other:?}: use \"own\" or \"hosted\""
        ))),
    }
}

/// Starts the process's WebView runtime in `mode` ("own": a dedicated UI thread; "hosted":
/// this thread, whose running event loop iterates GLib's main context). Returns the mode.
#[pyfunction]
pub(crate) fn start_runtime(py: Python<'_>, mode: &str) -> PyResult<&'static str> {
    let mode = parse_mode(mode)?;
    let started = match mode {
        // Hosted mode initialises GTK on this very thread: keep it (and the GIL) here.
        Mode::Hosted => Runtime::start(mode),
        Mode::Own => py.detach(|| Runtime::start(mode)),
    };
    started
        .map(|rt| rt.mode().name())
        .map_err(|e| start_error(py, &e))
}

/// Hosted mode, on the UI (main) thread: applies queued WebView commands now, for when the
/// host's loop no longer runs (interpreter exit). Returns False, doing nothing, elsewhere.
#[pyfunction]
pub(crate) fn run_ui_pass() -> bool {
    Runtime::current().is_some_and(|rt| rt.run_pass_now())
}

/// What the WebView runtime holds now: `{"open_views", "pending_evals",
/// "queued_commands"}`, all 0 when no runtime runs.
#[pyfunction]
pub(crate) fn runtime_stats(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let stats = Runtime::current().map(|rt| rt.stats());
    let out = PyDict::new(py);
    out.set_item("open_views", stats.map_or(0, |s| s.open_views))?;
    out.set_item("pending_evals", stats.map_or(0, |s| s.pending_evals))?;
    out.set_item("queued_commands", stats.map_or(0, |s| s.queued_commands))?;
    Ok(out)
}

/// The mode of the runtime running in this process, or None.
#[pyfunction]
pub(crate) fn runtime_mode() -> Option<&'static str> {
    Runtime::current().map(|rt| rt.mode().name())
}

/// Opens a WebView on the process's running runtime and returns its proxy (hosted mode: on
/// the UI thread itself, synchronously; own mode: waits at most `timeout` seconds).
#[pyfunction]
#[pyo3(signature = (spec, sink, timeout=30.0))]
pub(crate) fn create_webview(
    py: Python<'_>,
    spec: &Bound<'_, PyDict>,
    sink: Py<PyAny>,
    timeout: f64,
) -> PyResult<PyWebViewProxy> {
    let spec = spec_from_dict(spec)?;
    let timeout = millis(timeout * 1000.0, "timeout")?;
    let main = Arc::new(MainRoute::default());
    let sink: Arc<dyn IpcSink> = Arc::new(PySink {
        sink: Arc::new(sink),
        main: main.clone(),
    });
    let Some(rt) = Runtime::current() else {
        return Err(start_error(
            py,
            &StartError("no WebView runtime is running: call start_runtime(mode) first".into()),
        ));
    };
    let created = if rt.is_ui_thread() {
        rt.create(spec, sink, timeout)
    } else {
        py.detach(|| rt.create(spec, sink, timeout))
    };
    created
        .map(|inner| PyWebViewProxy { inner, main })
        .map_err(|e| start_error(py, &e))
}

/// Drives one WebView from any thread. Every method only queues work for the UI thread.
#[pyclass(frozen, module = "auroraview._core", name = "WebViewProxy")]
pub(crate) struct PyWebViewProxy {
    inner: WebViewProxy,
    main: Arc<MainRoute>,
}

#[pymethods]
impl PyWebViewProxy {
    #[getter]
    fn id(&self) -> u64 {
        self.inner.id()
    }

    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    fn emit(&self, py: Python<'_>, name: &str, data_json: &str) -> PyResult<()> {
        self.inner
            .emit(name, data_json)
            .map_err(|e| send_error(py, &e))
    }

    fn eval(&self, py: Python<'_>, script: &str) -> PyResult<()> {
        self.inner.eval(script).map_err(|e| send_error(py, &e))
    }

    /// `callback(value_json, None)` or `callback(None, error)`, exactly once, on the
    /// completion thread.
    fn eval_async(&self, script: &str, callback: Py<PyAny>, timeout_ms: f64) -> PyResult<()> {
        let timeout = millis(timeout_ms, "timeout_ms")?;
        self.inner.eval_async(
            script,
            timeout,
            Box::new(move |outcome| {
                let _ = Python::try_attach(|py| {
                    let called = match outcome {
                        Ok(json) => callback.call1(py, (json, py.None())),
                        Err(err) => callback.call1(py, (py.None(), eval_error(py, &err))),
                    };
                    if let Err(err) = called {
                        log_exception(py, "an eval_js_async callback raised", err);
                    }
                });
            }),
        );
        Ok(())
    }

    /// Runs `script` and returns its value as JSON text, waiting at most `timeout_ms`.
    fn eval_sync(&self, py: Python<'_>, script: &str, timeout_ms: f64) -> PyResult<String> {
        let timeout = millis(timeout_ms, "timeout_ms")?;
        py.detach(|| self.inner.eval_wait(script, timeout))
            .map_err(|e| eval_error(py, &e))
    }

    /// Sends this WebView's requests for `scheme` to the sink's `_on_protocol`.
    fn register_scheme(&self, py: Python<'_>, scheme: &str) -> PyResult<()> {
        check_scheme(scheme).map_err(PyValueError::new_err)?;
        self.inner
            .register_scheme(scheme)
            .map_err(|e| send_error(py, &e))
    }

    fn load_url(&self, py: Python<'_>, url: &str) -> PyResult<()> {
        self.inner.load_url(url).map_err(|e| send_error(py, &e))
    }

    fn load_html(&self, py: Python<'_>, html: &str) -> PyResult<()> {
        self.inner.load_html(html).map_err(|e| send_error(py, &e))
    }

    fn reload(&self, py: Python<'_>) -> PyResult<()> {
        self.inner.reload().map_err(|e| send_error(py, &e))
    }

    fn set_title(&self, py: Python<'_>, title: &str) -> PyResult<()> {
        self.inner.set_title(title).map_err(|e| send_error(py, &e))
    }

    fn set_visible(&self, py: Python<'_>, visible: bool) -> PyResult<()> {
        self.inner
            .set_visible(visible)
            .map_err(|e| send_error(py, &e))
    }

    fn set_bounds(&self, py: Python<'_>, x: i32, y: i32, width: u32, height: u32) -> PyResult<()> {
        self.inner
            .set_bounds(x, y, width, height)
            .map_err(|e| send_error(py, &e))
    }

    /// Moves an embedded WebView under native window `parent`, or parks it (None).
    #[pyo3(signature = (parent=None))]
    fn reparent(&self, py: Python<'_>, parent: Option<u64>) -> PyResult<()> {
        self.inner.reparent(parent).map_err(|e| send_error(py, &e))
    }

    fn close(&self) {
        self.inner.close();
    }

    /// Which requests the Python router decides (navigations, closes), each within
    /// `timeout` seconds (then allowed, with a warning).
    fn set_guards(
        &self,
        py: Python<'_>,
        navigation: bool,
        close: bool,
        timeout: f64,
    ) -> PyResult<()> {
        let timeout = millis(timeout * 1000.0, "timeout")?;
        self.inner
            .set_guards(navigation, close, timeout)
            .map_err(|e| send_error(py, &e))
    }

    /// Asks to close, as the window's close button does (the close guard may refuse).
    fn request_close(&self, py: Python<'_>) -> PyResult<()> {
        self.inner.request_close().map_err(|e| send_error(py, &e))
    }

    fn open_devtools(&self, py: Python<'_>) -> PyResult<()> {
        self.inner.open_devtools().map_err(|e| send_error(py, &e))
    }

    /// Shows a native dialog (`spec`: see `desk::dialog_spec`); `callback(value_json, None)`
    /// or `callback(None, error)` exactly once, on the completion thread, within `timeout`
    /// seconds (then the dialog is dismissed and the error is a timeout).
    fn dialog(&self, spec: &Bound<'_, PyDict>, callback: Py<PyAny>, timeout: f64) -> PyResult<()> {
        let spec = crate::desk::dialog_spec(spec)?;
        let timeout = millis(timeout * 1000.0, "timeout")?;
        self.inner.dialog(
            spec,
            timeout,
            Box::new(move |outcome| {
                let _ = Python::try_attach(|py| {
                    let called = match outcome {
                        Ok(json) => callback.call1(py, (json, py.None())),
                        Err(err) => callback.call1(py, (py.None(), eval_error(py, &err))),
                    };
                    if let Err(err) = called {
                        log_exception(py, "a dialog callback raised", err);
                    }
                });
            }),
        );
        Ok(())
    }

    /// Sends this WebView's page calls straight to `dispatcher`'s owner thread, to be
    /// answered by the sink's `_answer_on_main(call)` there (no Python on the handler
    /// thread); None routes them through the sink's `_on_call` again.
    #[pyo3(signature = (dispatcher=None))]
    fn route_calls_to(&self, dispatcher: Option<PyRef<'_, PyDispatcher>>) {
        self.main.set(dispatcher.map(|d| d.core().clone()));
    }

    /// Calls `callback()` once, on the completion thread, as soon as the WebView has closed
    /// (at once if it has), without waiting for its handlers. Exceptions are logged.
    fn on_closed(&self, callback: Py<PyAny>) {
        self.inner.on_closed(Box::new(move || {
            let _ = Python::try_attach(|py| {
                if let Err(err) = callback.call0(py) {
                    log_exception(py, "a WebView close hook raised", err);
                }
            });
        }));
    }

    /// Waits at most `timeout` seconds until the WebView has closed and the runtime's
    /// threads have finished with it (handler thread after `_on_closed`, completion thread
    /// after its evaluations and close hooks); True if they have. GIL released.
    fn wait_finished(&self, py: Python<'_>, timeout: f64) -> PyResult<bool> {
        let timeout = millis(timeout * 1000.0, "timeout")?;
        Ok(py.detach(|| self.inner.wait_finished(timeout)))
    }

    /// Waits at most `timeout` seconds for the WebView to close; True if it did.
    fn wait_closed(&self, py: Python<'_>, timeout: f64) -> PyResult<bool> {
        let timeout = millis(timeout * 1000.0, "timeout")?;
        Ok(py.detach(|| self.inner.wait_closed(timeout)))
    }

    fn __repr__(&self) -> String {
        format!(
            "<auroraview._core.WebViewProxy id={} closed={}>",
            self.inner.id(),
            self.inner.is_closed()
        )
    }
}

/// `str(err)`, or its type name when even that fails (an exception whose `__str__` raises).
pub(crate) fn describe_error(py: Python<'_>, err: &PyErr) -> String {
    let value = err.value(py);
    let type_name = value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "exception".to_owned());
    match value.str() {
        Ok(text) => format!("{type_name}: {text}"),
        Err(_) => type_name,
    }
}

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
        let taken = self
            .responder
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
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
        let guard = self.responder.lock().unwrap_or_else(|p| p.into_inner());
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
        self.responder
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
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

/// One request to a scheme the application handles (`register_protocol`), handed to
/// Python's router on an `auroraview-protocol` thread. Answer it once with `respond(...)`;
/// one collected unanswered is answered 500.
#[pyclass(frozen, module = "auroraview._core", name = "ProtocolRequest")]
pub(crate) struct PyProtocolRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    responder: Mutex<Option<ProtocolResponder>>,
}

impl PyProtocolRequest {
    fn new(request: ProtocolRequest) -> Self {
        PyProtocolRequest {
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body,
            responder: Mutex::new(Some(request.responder)),
        }
    }

    /// Runs `f` with the responder unless the request was answered; true if it ran.
    fn answer(&self, f: impl FnOnce(ProtocolResponder) -> Result<(), SendError>) -> bool {
        let taken = self
            .responder
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        match taken {
            Some(responder) => {
                let _ = f(responder);
                true
            }
            None => false,
        }
    }
}

#[pymethods]
impl PyProtocolRequest {
    #[getter]
    fn method(&self) -> &str {
        &self.method
    }

    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// The request headers as (name, value) pairs, in order.
    #[getter]
    fn headers(&self) -> Vec<(String, String)> {
        self.headers.clone()
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, pyo3::types::PyBytes> {
        pyo3::types::PyBytes::new(py, &self.body)
    }

    #[getter]
    fn settled(&self) -> bool {
        self.responder
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    /// Answers with `status`, `headers` and either `body` (bytes) or the file at `path`
    /// (streamed; opened on this thread; the request's Range header is honoured). False if
    /// the request was answered already.
    #[pyo3(signature = (status, headers, body=None, path=None))]
    fn respond(
        &self,
        py: Python<'_>,
        status: u16,
        headers: Vec<(String, String)>,
        body: Option<&Bound<'_, pyo3::types::PyBytes>>,
        path: Option<std::path::PathBuf>,
    ) -> PyResult<bool> {
        let body = match (body, path) {
            (_, Some(path)) => ResponseBody::File(path),
            (body, None) => {
                ResponseBody::Bytes(body.map(|b| b.as_bytes().to_vec()).unwrap_or_default())
            }
        };
        let response = ProtocolResponse {
            status,
            headers,
            body,
        };
        Ok(py.detach(|| self.answer(|r| r.respond(response))))
    }

    fn __repr__(&self) -> String {
        format!(
            "<auroraview._core.ProtocolRequest {} {:?} settled={}>",
            self.method,
            self.url,
            self.settled()
        )
    }
}
