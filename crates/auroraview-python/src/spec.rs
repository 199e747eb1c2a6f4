//! The dict specs Python passes: a WebView's (`create_webview(spec, ...)`, with its `window`
//! options) and a dialog's (`WebViewProxy.dialog(spec, ...)`), read into the runtime's
//! `WebViewSpec` and `DialogSpec`. Every key read here is typed in
//! `auroraview/_core_types.py` (`WebViewSpec`, `WindowOptions`, `DialogSpec`); an unknown
//! key is a ValueError, a value of the wrong type a TypeError. What must not live here:
//! defaults and checks a Python caller sees first (`auroraview/webview.py`, `_window.py`).

use auroraview_webview::{
    canonical_root, check_scheme, DialogKind, DialogSpec, MessageLevel, WebViewSpec, WindowOptions,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A `WebViewSpec` from the dict `spec` (missing keys keep their defaults).
pub(crate) fn webview_spec(spec: &Bound<'_, PyDict>) -> PyResult<WebViewSpec> {
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
            "capture_file_drop" => out.capture_file_drop = value.extract()?,
            "data_directory" => out.data_directory = value.extract()?,
            "incognito" => out.incognito = value.extract()?,
            "own_process" => out.own_process = value.extract()?,
            "forward_console" => out.forward_console = value.extract()?,
            "window" => window_options(&mut out.window, value.cast::<PyDict>()?)?,
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

/// Reads the spec's `window` dict into `out`.
fn window_options(out: &mut WindowOptions, options: &Bound<'_, PyDict>) -> PyResult<()> {
    for (key, value) in options.iter() {
        let key: String = key.extract()?;
        match key.as_str() {
            "frameless" => out.frameless = value.extract()?,
            "always_on_top" => out.always_on_top = value.extract()?,
            "position" => out.position = value.extract()?,
            "min_size" => out.min_size = value.extract()?,
            "max_size" => out.max_size = value.extract()?,
            "icon" => out.icon = value.extract()?,
            "maximized" => out.maximized = value.extract()?,
            "transparent" => out.transparent = value.extract()?,
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown window option {other:?}"
                )))
            }
        }
    }
    Ok(())
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
