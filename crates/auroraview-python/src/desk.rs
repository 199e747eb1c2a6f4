//! The Python face of window events and profiles: `auroraview._core.Decision` (a refusable
//! request, answered once) and `set_default_data_directory`. Bindings only: the decisions
//! themselves are the Python router's (`auroraview._events`); the spec keys of profiles,
//! file drops and window options are read in `spec.rs`.

use auroraview_core::poison::MutexExt;
use auroraview_webview::Decision;
use pyo3::prelude::*;
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
        let taken = self.inner.lock_unpoisoned().take();
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
        self.inner.lock_unpoisoned().is_none()
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
