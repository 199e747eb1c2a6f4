//! `auroraview._core.create_webview` and `auroraview._core.WebViewProxy`: the Python face of
//! `auroraview_webview`.
//!
//! Payloads cross as JSON text (the Python layer encodes and decodes with `json`). The
//! page's calls and events reach a Python "sink" object on the WebView's handler thread
//! (`_on_call(page, id, name, data)`, `_on_event(name, data)`, `_on_closed()`); evaluation
//! callbacks run on the completion thread as `callback(value_json, error)`. Every wait
//! releases the GIL.

use crate::errors::log_exception;
use auroraview_webview::{
    CallRequest, EvalError, IpcSink, Mode, Runtime, SendError, StartError, WebViewProxy,
    WebViewSpec,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use std::sync::Arc;
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
        EvalError::PageChanged => make_error(py, 6, err.to_string()),
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
    sink: Py<PyAny>,
}

impl IpcSink for PySink {
    fn on_call(&self, _proxy: &WebViewProxy, call: CallRequest) {
        Python::try_attach(|py| {
            let args = (call.page, call.id, call.name, call.data);
            if let Err(err) = self.sink.call_method1(py, "_on_call", args) {
                log_exception(py, "the WebView call router raised", err);
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
    let sink: Arc<dyn IpcSink> = Arc::new(PySink { sink });
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
        .map(|inner| PyWebViewProxy { inner })
        .map_err(|e| start_error(py, &e))
}

/// Drives one WebView from any thread. Every method only queues work for the UI thread.
#[pyclass(frozen, module = "auroraview._core", name = "WebViewProxy")]
pub(crate) struct PyWebViewProxy {
    inner: WebViewProxy,
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

    /// Settles JS call `id` of page `page` with `value_json`, or rejects it with
    /// `error = (name, message)`.
    #[pyo3(signature = (page, id, value_json=None, error=None))]
    fn resolve(
        &self,
        py: Python<'_>,
        page: u64,
        id: u64,
        value_json: Option<String>,
        error: Option<(String, String)>,
    ) -> PyResult<()> {
        let outcome = match (value_json, error) {
            (_, Some((name, message))) => Err(auroraview_core::ipc::JsError { name, message }),
            (Some(json), None) => Ok(json),
            (None, None) => Ok("null".to_owned()),
        };
        match self.inner.resolve(page, id, outcome) {
            // A call whose WebView closed has no page left to tell.
            Ok(()) | Err(SendError::Closed) => Ok(()),
            Err(err) => Err(send_error(py, &err)),
        }
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
