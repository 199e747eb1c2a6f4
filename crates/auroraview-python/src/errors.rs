//! Maps core and runtime errors to the exception classes of `auroraview.errors`, and logs
//! errors that have no caller left to raise to.
//!
//! The classes are defined in Python (so they can use multiple inheritance, e.g.
//! `DispatchTimeoutError(DispatchError, TimeoutError)`, and carry docs); this file only names
//! them ([`ErrorClass`], one variant per class), looks each up once per interpreter, and
//! builds instances. What must not live here: deciding *whether* something failed.

use auroraview_core::DispatchError;
use auroraview_webview::{EvalError, SendError, StartError};
use pyo3::call::PyCallArgs;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// Defines [`ErrorClass`] from one table (variant => class name), with [`ErrorClass::ALL`]
/// and the names derived from it, so a class cannot be added to one list and missed in
/// another.
macro_rules! error_classes {
    ($($variant:ident => $name:literal,)+) => {
        /// An exception class of `auroraview.errors` that the bindings raise.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum ErrorClass {
            $($variant,)+
        }

        impl ErrorClass {
            /// Every variant, in declaration order (exported as `_core.ERROR_CLASSES`, whose
            /// names a test looks up in `auroraview.errors`).
            pub(crate) const ALL: &'static [ErrorClass] = &[$(ErrorClass::$variant,)+];

            /// The class's name in `auroraview.errors`.
            pub(crate) fn name(self) -> &'static str {
                match self {
                    $(ErrorClass::$variant => $name,)+
                }
            }
        }
    };
}

error_classes! {
    Dispatch => "DispatchError",
    DispatchTimeout => "DispatchTimeoutError",
    NoMainLoop => "NoMainLoopError",
    DispatchClosed => "DispatchClosedError",
    DispatchCancelled => "DispatchCancelledError",
    WrongThread => "WrongThreadError",
    WebViewStart => "WebViewStartError",
    WebViewClosed => "WebViewClosedError",
    QueueFull => "QueueFullError",
    Payload => "PayloadError",
    JavaScript => "JavaScriptError",
    EvalTimeout => "EvalTimeoutError",
    PageChanged => "PageChangedError",
}

/// One imported class per variant and interpreter, indexed by the variant's position.
static CLASSES: [PyOnceLock<Py<PyType>>; ErrorClass::ALL.len()] =
    [const { PyOnceLock::new() }; ErrorClass::ALL.len()];

impl ErrorClass {
    /// The class itself (imported from `auroraview.errors` on first use).
    pub(crate) fn class<'py>(self, py: Python<'py>) -> PyResult<&'py Bound<'py, PyType>> {
        CLASSES[self as usize].import(py, "auroraview.errors", self.name())
    }

    /// An instance built with `args` (or the error that prevented building it).
    pub(crate) fn new_err<'py>(self, py: Python<'py>, args: impl PyCallArgs<'py>) -> PyErr {
        let built = self.class(py).and_then(|class| class.call1(args));
        match built {
            Ok(instance) => PyErr::from_value(instance),
            Err(err) => err,
        }
    }
}

/// Builds the Python exception for a dispatch error. `never_pumped` upgrades an idle-owner
/// timeout to `NoMainLoopError`; `hint` (what to do about an idle owner) is appended then.
pub(crate) fn dispatch_error(
    py: Python<'_>,
    err: &DispatchError,
    never_pumped: bool,
    hint: &str,
) -> PyErr {
    let (class, message) = match err {
        DispatchError::Timeout {
            owner_idle: true, ..
        } if never_pumped => (
            ErrorClass::NoMainLoop,
            format!("no main-thread loop served the call: {err}. {hint}"),
        ),
        DispatchError::Timeout {
            owner_idle: true, ..
        } => (ErrorClass::DispatchTimeout, format!("{err}. {hint}")),
        DispatchError::Timeout { .. } => (ErrorClass::DispatchTimeout, err.to_string()),
        DispatchError::Closed => (ErrorClass::DispatchClosed, err.to_string()),
        DispatchError::Cancelled => (ErrorClass::DispatchCancelled, err.to_string()),
        DispatchError::WrongThread => (ErrorClass::WrongThread, err.to_string()),
        DispatchError::Panicked(_) => (ErrorClass::Dispatch, err.to_string()),
    };
    match class.class(py) {
        Ok(class) => PyErr::from_type(class.clone(), message),
        Err(import_error) => import_error,
    }
}

/// The class a failed send to the UI thread raises.
pub(crate) fn send_error_class(err: &SendError) -> ErrorClass {
    match err {
        SendError::Closed => ErrorClass::WebViewClosed,
        SendError::QueueFull { .. } | SendError::PageBehind { .. } => ErrorClass::QueueFull,
        SendError::Payload(_) => ErrorClass::Payload,
        SendError::WouldDeadlock(_) => ErrorClass::WrongThread,
    }
}

/// The Python exception for a failed send to the UI thread.
pub(crate) fn send_error(py: Python<'_>, err: &SendError) -> PyErr {
    send_error_class(err).new_err(py, (err.to_string(),))
}

/// The Python exception for a failed evaluation (or dialog): a page error becomes a
/// `JavaScriptError(message, js_name)`.
pub(crate) fn eval_error(py: Python<'_>, err: &EvalError) -> PyErr {
    let class = match err {
        EvalError::Js(js) => {
            return ErrorClass::JavaScript.new_err(py, (js.message.clone(), js.name.clone()))
        }
        EvalError::Send(send) => return send_error(py, send),
        EvalError::Timeout => ErrorClass::EvalTimeout,
        EvalError::Closed => ErrorClass::WebViewClosed,
        EvalError::PageChanged | EvalError::PageGone(_) => ErrorClass::PageChanged,
    };
    class.new_err(py, (err.to_string(),))
}

/// The Python exception for a WebView (or runtime) that could not start.
pub(crate) fn start_error(py: Python<'_>, err: &StartError) -> PyErr {
    ErrorClass::WebViewStart.new_err(py, (err.to_string(),))
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
