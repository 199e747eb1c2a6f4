//! Platforms without a WebView backend in auroraview (neither Linux, Windows nor macOS).
//! Everything compiles; starting the runtime reports clearly that it is unavailable.

use super::hooks::UiHooks;
use crate::error::StartError;
use crate::spec::WebViewSpec;
use auroraview_core::ThreadKey;

pub(crate) fn start_ui_thread(
    _ui: UiHooks,
    _on_start: impl FnOnce(ThreadKey) + Send + 'static,
) -> Result<(), StartError> {
    Err(StartError(format!(
        "the auroraview WebView runtime is not implemented on {} yet",
        std::env::consts::OS
    )))
}

pub(crate) fn start_hosted(
    ui: UiHooks,
    _on_start: impl FnOnce(ThreadKey),
) -> Result<(), StartError> {
    start_ui_thread(ui, |_| {})
}

pub(crate) fn wake() {}

pub(crate) struct NativeWindow;

/// The engine's default browser-data location serves here.
pub(crate) fn web_context() -> Option<wry::WebContext> {
    None
}

/// No engine here: the bridge never starts.
pub(crate) const BRIDGE_POST: &str = "null";

pub(crate) fn with_ipc(builder: wry::WebViewBuilder<'_>, _view: u64) -> wry::WebViewBuilder<'_> {
    builder
}

pub(crate) fn connect_ipc(_webview: &wry::WebView, _view: u64) {}

/// No native main-loop waker here: the host's own (Qt's queued signal) serves.
pub(crate) fn main_loop_waker(
    _pump: std::sync::Arc<dyn Fn() + Send + Sync>,
) -> Option<auroraview_core::Waker> {
    None
}

/// Reporting a page's web process ending on its own is not wired on this platform yet (the
/// engine's own crash handling applies).
pub(crate) fn watch_web_process(_webview: &wry::WebView, _view: u64) {}

pub(crate) fn create_window(_spec: &WebViewSpec, _view: u64) -> Result<NativeWindow, StartError> {
    Err(StartError("unsupported platform".into()))
}

pub(crate) fn build_webview(
    _builder: wry::WebViewBuilder<'_>,
    _window: &NativeWindow,
    _spec: &WebViewSpec,
) -> Result<wry::WebView, StartError> {
    Err(StartError("unsupported platform".into()))
}

pub(crate) fn destroy(webview: wry::WebView, _window: NativeWindow, _end_process: bool) {
    drop(webview);
}

pub(crate) fn reparent(
    _webview: &wry::WebView,
    _window: &NativeWindow,
    _parent: Option<u64>,
) -> Result<(), String> {
    Err("reparenting is not implemented on this platform".into())
}

impl NativeWindow {
    pub(crate) fn is_embedded(&self) -> bool {
        false
    }

    pub(crate) fn set_title(&self, _title: &str) {}
    pub(crate) fn set_bounds(&self, webview: &wry::WebView, bounds: wry::Rect) -> wry::Result<()> {
        webview.set_bounds(bounds)
    }
    pub(crate) fn set_visible(&self, _webview: &wry::WebView, _visible: bool) {}
}
