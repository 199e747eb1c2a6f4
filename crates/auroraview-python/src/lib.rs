//! `auroraview._core`: the PyO3 bindings of auroraview.
//!
//! Bindings only: each type here wraps a type of `auroraview-core` (or, later, the WebView
//! runtime) and converts arguments, results and errors. Logic that a Rust user of the core
//! would also need belongs in the core, not here. The Python package `auroraview` is the
//! public API; this module is its private engine (see `python/auroraview/_core.pyi`).

mod desk;
mod dispatcher;
mod errors;
mod log_bridge;
mod main_route;
mod page_call;
mod protocol_request;
mod proxy;
mod runtime;
mod sink;
mod spec;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    log_bridge::install();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(log_bridge::set_log_level, m)?)?;
    m.add_class::<dispatcher::PyDispatcher>()?;
    m.add_function(wrap_pyfunction!(dispatcher::current_thread_ident, m)?)?;
    m.add_class::<proxy::PyWebViewProxy>()?;
    m.add_class::<page_call::PyPageCall>()?;
    m.add_class::<protocol_request::PyProtocolRequest>()?;
    m.add_class::<desk::PyDecision>()?;
    m.add_function(wrap_pyfunction!(desk::set_default_data_directory, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::create_webview, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::start_runtime, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::runtime_mode, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::prewarm, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::set_web_extension_dir, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::run_ui_pass, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::runtime_stats, m)?)?;
    m.add("MAX_MESSAGE_BYTES", auroraview_core::ipc::MAX_MESSAGE_BYTES)?;
    m.add("SINK_METHODS", PyTuple::new(m.py(), sink::SINK_METHODS)?)?;
    let error_classes: Vec<&str> = errors::ErrorClass::ALL
        .iter()
        .map(|class| class.name())
        .collect();
    m.add("ERROR_CLASSES", PyTuple::new(m.py(), error_classes)?)?;
    Ok(())
}
