//! `auroraview._core.WebViewProxy`: drives one WebView from any thread. Each method converts
//! its arguments, queues a command for the UI thread and maps the error; waits release the
//! GIL. Evaluation and dialog callbacks run on the completion thread as
//! `callback(value_json, error)`. What must not live here: the commands' effects (the
//! runtime's, `auroraview_webview`).

use crate::dispatcher::PyDispatcher;
use crate::errors::{eval_error, log_exception, send_error};
use crate::main_route::MainRoute;
use auroraview_webview::{check_scheme, Completion, WebViewProxy};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;
use std::time::Duration;

/// `ms` milliseconds as a Duration; ValueError unless finite and >= 0.
pub(crate) fn millis(ms: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| {
        PyValueError::new_err(format!(
            "{what} must be a finite number of ms >= 0, got {ms}"
        ))
    })
}

/// `seconds` as a Duration; ValueError unless finite and >= 0.
pub(crate) fn seconds(seconds: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        PyValueError::new_err(format!(
            "{what} must be a finite number of seconds >= 0, got {seconds}"
        ))
    })
}

/// A completion that calls `callback(value_json, None)` or `callback(None, error)` with the
/// GIL (nothing without Python), logging what it raises as `what`.
fn completion(callback: Py<PyAny>, what: &'static str) -> Completion {
    Box::new(move |outcome| {
        let _ = Python::try_attach(|py| {
            let called = match outcome {
                Ok(json) => callback.call1(py, (json, py.None())),
                Err(err) => callback.call1(py, (py.None(), eval_error(py, &err))),
            };
            if let Err(err) = called {
                log_exception(py, what, err);
            }
        });
    })
}

/// Drives one WebView from any thread. Every method only queues work for the UI thread.
#[pyclass(frozen, module = "auroraview._core", name = "WebViewProxy")]
pub(crate) struct PyWebViewProxy {
    pub(crate) inner: WebViewProxy,
    pub(crate) main: Arc<MainRoute>,
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
        let done = completion(callback, "an eval_js_async callback raised");
        self.inner.eval_async(script, timeout, done);
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
        let timeout = seconds(timeout, "timeout")?;
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

    /// Shows a native dialog (`spec`: see `spec::dialog_spec`); `callback(value_json, None)`
    /// or `callback(None, error)` exactly once, on the completion thread, within `timeout`
    /// seconds (then the dialog is dismissed and the error is a timeout).
    fn dialog(&self, spec: &Bound<'_, PyDict>, callback: Py<PyAny>, timeout: f64) -> PyResult<()> {
        let spec = crate::spec::dialog_spec(spec)?;
        let timeout = seconds(timeout, "timeout")?;
        let done = completion(callback, "a dialog callback raised");
        self.inner.dialog(spec, timeout, done);
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
        let timeout = seconds(timeout, "timeout")?;
        Ok(py.detach(|| self.inner.wait_finished(timeout)))
    }

    /// Waits at most `timeout` seconds for the WebView to close; True if it did.
    fn wait_closed(&self, py: Python<'_>, timeout: f64) -> PyResult<bool> {
        let timeout = seconds(timeout, "timeout")?;
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
