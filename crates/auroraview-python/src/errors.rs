//! Maps core errors to the exception classes of `auroraview.errors`.
//!
//! The classes are defined in Python (so they can use multiple inheritance, e.g.
//! `DispatchTimeoutError(DispatchError, TimeoutError)`, and carry docs); this file only looks
//! them up, once per interpreter, and builds instances. Also: logging through Python's
//! `logging` module for errors that have no caller left to raise to.

use auroraview_core::DispatchError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

fn error_class<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyType>> {
    cell.import(py, "auroraview.errors", name)
}

static TIMEOUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static NO_MAIN_LOOP: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CLOSED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CANCELLED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static WRONG_THREAD: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static PANICKED: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Builds the Python exception for a dispatch error. `never_pumped` upgrades an idle-owner
/// timeout to `NoMainLoopError`; `hint` (what to do about an idle owner) is appended then.
pub(crate) fn dispatch_error(
    py: Python<'_>,
    err: &DispatchError,
    never_pumped: bool,
    hint: &str,
) -> PyErr {
    let (cell, name, message) = match err {
        DispatchError::Timeout {
            owner_idle: true, ..
        } if never_pumped => (
            &NO_MAIN_LOOP,
            "NoMainLoopError",
            format!("no main-thread loop served the call: {err}. {hint}"),
        ),
        DispatchError::Timeout {
            owner_idle: true, ..
        } => (&TIMEOUT, "DispatchTimeoutError", format!("{err}. {hint}")),
        DispatchError::Timeout { .. } => (&TIMEOUT, "DispatchTimeoutError", err.to_string()),
        DispatchError::Closed => (&CLOSED, "DispatchClosedError", err.to_string()),
        DispatchError::Cancelled => (&CANCELLED, "DispatchCancelledError", err.to_string()),
        DispatchError::WrongThread => (&WRONG_THREAD, "WrongThreadError", err.to_string()),
        DispatchError::Panicked(_) => (&PANICKED, "DispatchError", err.to_string()),
    };
    match error_class(py, cell, name) {
        Ok(class) => PyErr::from_type(class.clone(), message),
        Err(import_error) => import_error,
    }
}

/// Logs `message` and the exception `err` (with its traceback) on the `auroraview.dispatch`
/// logger. Used where no caller is left to raise to: fire-and-forget tasks, wakers.
pub(crate) fn log_exception(py: Python<'_>, message: &str, err: PyErr) {
    let logged = (|| -> PyResult<()> {
        let logger = py
            .import("logging")?
            .call_method1("getLogger", ("auroraview.dispatch",))?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("exc_info", err.into_value(py))?;
        logger.call_method("error", ("%s", message), Some(&kwargs))?;
        Ok(())
    })();
    if let Err(e) = logged {
        // Logging itself failed (interpreter shutting down?): last resort, stderr.
        e.print(py);
    }
}

/// Logs a warning on the `auroraview.dispatch` logger.
pub(crate) fn log_warning(py: Python<'_>, message: &str) {
    let logged = py
        .import("logging")
        .and_then(|m| m.call_method1("getLogger", ("auroraview.dispatch",)))
        .and_then(|logger| logger.call_method1("warning", ("%s", message)));
    if let Err(e) = logged {
        e.print(py);
    }
}
