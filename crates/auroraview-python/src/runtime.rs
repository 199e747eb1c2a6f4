//! The process's WebView runtime from Python: `start_runtime`, `runtime_mode`,
//! `runtime_stats`, `run_ui_pass`, and `create_webview`, which opens a WebView on it with a
//! Python sink (`sink.rs`) and returns its `WebViewProxy` (`proxy.rs`). What must not live
//! here: the runtime itself (`auroraview_webview::Runtime`).

use crate::errors::start_error;
use crate::main_route::MainRoute;
use crate::proxy::{seconds, PyWebViewProxy};
use crate::sink::PySink;
use auroraview_webview::{IpcSink, Mode, Runtime, StartError};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;

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
/// "queued_commands", "spares_ready", "spares_used", "page_posts", "page_messages",
/// "page_posts_waited", "socket_posts", "socket_scripts",
/// "direct_answers"}`, all 0 when no runtime runs.
#[pyfunction]
pub(crate) fn runtime_stats(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let stats = Runtime::current().map(|rt| rt.stats());
    let out = PyDict::new(py);
    out.set_item("open_views", stats.map_or(0, |s| s.open_views))?;
    out.set_item("pending_evals", stats.map_or(0, |s| s.pending_evals))?;
    out.set_item("queued_commands", stats.map_or(0, |s| s.queued_commands))?;
    out.set_item("spares_ready", stats.map_or(0, |s| s.spares_ready))?;
    out.set_item("spares_used", stats.map_or(0, |s| s.spares_used))?;
    out.set_item("page_posts", stats.map_or(0, |s| s.page_posts))?;
    out.set_item("page_messages", stats.map_or(0, |s| s.page_messages))?;
    out.set_item(
        "page_posts_waited",
        stats.map_or(0, |s| s.page_posts_waited),
    )?;
    out.set_item("socket_posts", stats.map_or(0, |s| s.socket_posts))?;
    out.set_item("socket_scripts", stats.map_or(0, |s| s.socket_scripts))?;
    out.set_item("direct_answers", stats.map_or(0, |s| s.direct_answers))?;
    Ok(out)
}

/// Where the bridge's web extension is installed (a directory holding
/// `libauroraview_webext.so` alone); before the runtime starts. See
/// `auroraview_webview::set_web_extension_dir`.
#[pyfunction]
pub(crate) fn set_web_extension_dir(path: std::path::PathBuf) {
    auroraview_webview::set_web_extension_dir(path);
}

/// Queues the runtime's pre-warming (see `Runtime::prewarm`); false when no runtime runs.
#[pyfunction]
pub(crate) fn prewarm(spares: usize) -> bool {
    Runtime::current().map(|rt| rt.prewarm(spares)).is_some()
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
    let spec = crate::spec::webview_spec(spec)?;
    let timeout = seconds(timeout, "timeout")?;
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
