//! The Python face of window events, dialogs and the new `WebView` options:
//! `auroraview._core.Decision` (a refusable request, answered once), the spec keys of
//! profiles, file drops and window options, and dialog specs. Bindings only: the decisions
//! themselves are the Python router's (`auroraview._events`).

use auroraview_webview::{Decision, DialogKind, DialogSpec, MessageLevel, WebViewSpec};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Mutex;

/// A request the application may refuse (a navigation, a close). `answer(allow)` settles it
/// once; collected unanswered, it is allowed.
#[pyclass(frozen, module = "auroraview._core", name = "Decision")]
pub(crate) struct PyDecision {
    inner: Mutex<Option<Decision>>,
}

impl PyDecision {
    pub(crate) fn new(decision: Decision) -> Self {
        PyDecision {
            inner: Mutex::new(Some(decision)),
        }
    }
}

#[pymethods]
impl PyDecision {
    /// Allows (True) or refuses the request; False if it was answered already.
    fn answer(&self, allow: bool) -> bool {
        let taken = self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        match taken {
            Some(decision) => {
                decision.answer(allow);
                true
            }
            None => false,
        }
    }

    /// True once answered.
    #[getter]
    fn settled(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    fn __repr__(&self) -> String {
        format!("<auroraview._core.Decision settled={}>", self.settled())
    }
}

/// Sets where the default profile keeps its data (before the process's first WebView of
/// it); False if that profile exists already with another directory.
#[pyfunction]
pub(crate) fn set_default_data_directory(path: std::path::PathBuf) -> bool {
    auroraview_webview::set_default_data_directory(path)
}

/// The spec keys added for desktop features; false if `key` is not one of them.
pub(crate) fn spec_key(
    out: &mut WebViewSpec,
    key: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    match key {
        "capture_file_drop" => out.capture_file_drop = value.extract()?,
        "data_directory" => out.data_directory = value.extract()?,
        "incognito" => out.incognito = value.extract()?,
        "forward_console" => out.forward_console = value.extract()?,
        "window" => {
            let dict = value.cast::<PyDict>()?;
            for (k, v) in dict.iter() {
                let k: String = k.extract()?;
                let w = &mut out.window;
                match k.as_str() {
                    "frameless" => w.frameless = v.extract()?,
                    "always_on_top" => w.always_on_top = v.extract()?,
                    "position" => w.position = v.extract()?,
                    "min_size" => w.min_size = v.extract()?,
                    "max_size" => w.max_size = v.extract()?,
                    "icon" => w.icon = v.extract()?,
                    "maximized" => w.maximized = v.extract()?,
                    "transparent" => w.transparent = v.extract()?,
                    other => {
                        return Err(PyValueError::new_err(format!(
                            "unknown window option {other:?}"
                        )))
                    }
                }
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// A dialog spec from `{"kind", "title", "default_path", "filters", "message", "level"}`.
pub(crate) fn dialog_spec(spec: &Bound<'_, PyDict>) -> PyResult<DialogSpec> {
    let kind: String = spec
        .get_item("kind")?
        .ok_or_else(|| PyValueError::new_err("a dialog needs a kind"))?
        .extract()?;
    let kind = match kind.as_str() {
        "open_file" => DialogKind::OpenFile,
        "open_files" => DialogKind::OpenFiles,
        "save_file" => DialogKind::SaveFile,
        "pick_folder" => DialogKind::PickFolder,
        "message" => DialogKind::Message,
        "confirm" => DialogKind::Confirm,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown dialog kind {other:?}"
            )))
        }
    };
    let mut out = DialogSpec::new(kind);
    for (key, value) in spec.iter() {
        let key: String = key.extract()?;
        match key.as_str() {
            "kind" => {}
            "title" => out.title = value.extract()?,
            "default_path" => out.default_path = value.extract()?,
            "filters" => out.filters = value.extract()?,
            "message" => out.message = value.extract()?,
            "level" => {
                let level: String = value.extract()?;
                out.level = match level.as_str() {
                    "info" => MessageLevel::Info,
                    "warning" => MessageLevel::Warning,
                    "error" => MessageLevel::Error,
                    other => {
                        return Err(PyValueError::new_err(format!(
                            "unknown message level {other:?}: use info, warning or error"
                        )))
                    }
                };
            }
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown dialog option {other:?}"
                )))
            }
        }
    }
    Ok(out)
}
