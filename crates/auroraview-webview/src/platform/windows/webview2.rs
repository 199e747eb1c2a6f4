//! Windows: the WebView2 part (through wry), on top of the Win32 windows of `window.rs`.
//!
//! - Before any window is made for a WebView, the Evergreen WebView2 Runtime must be there;
//!   without it creating a WebView fails at once with a `StartError` that names it and where
//!   to get it (wry would otherwise report a bare "file not found" HRESULT, after making a
//!   window it then leaks).
//! - A top-level WebView fills a top-level window of ours; an embedded one fills our child
//!   window inside the host's window. wry builds either as a WebView that follows its
//!   window's client area (wry's `build`), so placing, showing and reparenting act on our
//!   window, in `window.rs`, and WebView2 follows.
//!
//! This part cannot run where there is no WebView2 Runtime (these machines, Wine): it is
//! type-checked by scripts/check-cross.sh and its failure without the runtime is tested.

use super::window::{self, create_embedded, create_top_level, reparent_embedded, OwnWindow};
use crate::error::StartError;
use crate::platform::hooks;
use crate::platform::shared::build_failed;
use crate::spec::WebViewSpec;
use crate::ui::UiEvent;
use std::num::NonZeroIsize;
use std::sync::OnceLock;

/// Where to get the runtime, for error messages.
const RUNTIME_URL: &str = "https://developer.microsoft.com/microsoft-edge/webview2/";

/// Checks, once it has been found, that the WebView2 Runtime is installed.
pub(crate) fn runtime_available() -> Result<(), StartError> {
    static FOUND: OnceLock<String> = OnceLock::new();
    if FOUND.get().is_some() {
        return Ok(());
    }
    let detail = match wry::webview_version() {
        Ok(version) if !version.is_empty() => {
            log::debug!("auroraview: WebView2 Runtime {version}");
            let _ = FOUND.set(version);
            return Ok(());
        }
        Ok(_) => "no version was reported".to_string(),
        Err(err) => err.to_string(),
    };
    Err(StartError(format!(
        "cannot create the WebView: the Microsoft Edge WebView2 Runtime (Evergreen) is not \
         installed on this machine ({detail}). Install the Evergreen WebView2 Runtime from \
         {RUNTIME_URL} (the Evergreen Bootstrapper or Standalone Installer); Windows 11 and \
         up-to-date Windows 10 include it"
    )))
}

/// WebView2 keeps its browser data in `<exe>.WebView2` beside the executable unless told
/// otherwise, and fails to start where that folder cannot be made: any host installed under
/// Program Files. Ours goes to `%LOCALAPPDATA%\auroraview\WebView2` (the temp folder if
/// that variable is missing).
pub(crate) fn web_context() -> Option<wry::WebContext> {
    let base = std::env::var_os("LOCALAPPDATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    Some(wry::WebContext::new(Some(
        base.join("auroraview").join("WebView2"),
    )))
}

/// The bridge's way to the host (see `bridge.js`): the engine's native post function,
/// captured before any page script runs (not `window.ipc`, whose wrapper looks it up at
/// call time, where a page could have replaced it).
pub(crate) const BRIDGE_POST: &str = "(function () { \
    var c = window.chrome; var w = c && c.webview; if (!w) return null; \
    var post = w.postMessage; return function (text) { apply(post, w, [text]); }; })()";

/// Page messages come through wry's IPC handler.
pub(crate) fn with_ipc(builder: wry::WebViewBuilder<'_>, view: u64) -> wry::WebViewBuilder<'_> {
    builder.with_ipc_handler(move |request: wry::http::Request<String>| {
        hooks::event(UiEvent::Ipc {
            view,
            body: crate::platform::PostText::new(request.into_body()),
        });
    })
}

/// Nothing to connect after building: wry's handler is set on the builder ([`with_ipc`]).
pub(crate) fn connect_ipc(_webview: &wry::WebView, _view: u64) {}

/// Reporting a page's web process ending on its own is not wired on this platform yet (the
/// engine's own crash handling applies).
pub(crate) fn watch_web_process(_webview: &wry::WebView, _view: u64) {}

/// Where a WebView lives: a top-level window of ours, or our child window inside a host
/// window. Either is destroyed when this is dropped (after the WebView, in `destroy`).
pub(crate) enum NativeWindow {
    TopLevel(OwnWindow),
    Embedded(OwnWindow),
}

impl NativeWindow {
    fn own(&self) -> &OwnWindow {
        match self {
            NativeWindow::TopLevel(w) | NativeWindow::Embedded(w) => w,
        }
    }
}

/// A window handle as raw-window-handle describes it, for wry.
struct Win32Window(NonZeroIsize);

impl wry::raw_window_handle::HasWindowHandle for Win32Window {
    fn window_handle(
        &self,
    ) -> Result<wry::raw_window_handle::WindowHandle<'_>, wry::raw_window_handle::HandleError> {
        let raw = wry::raw_window_handle::Win32WindowHandle::new(self.0);
        // SAFETY: the handle names a live window of ours for as long as the WebView lives:
        // the window is destroyed after the WebView (`destroy`), or with the host's window,
        // which the host closes the WebView before destroying.
        Ok(unsafe {
            wry::raw_window_handle::WindowHandle::borrow_raw(
                wry::raw_window_handle::RawWindowHandle::Win32(raw),
            )
        })
    }
}

pub(crate) fn create_window(spec: &WebViewSpec, view: u64) -> Result<NativeWindow, StartError> {
    runtime_available()?;
    match spec.parent {
        Some(parent) => {
            // The spec's size at the parent's origin, at the parent's scale.
            let scale = parent_scale(parent);
            let (width, height) = (
                (f64::from(spec.width) * scale).round() as u32,
                (f64::from(spec.height) * scale).round() as u32,
            );
            create_embedded(parent, (0, 0, width, height), spec.visible)
                .map(NativeWindow::Embedded)
                .map_err(StartError)
        }
        None => create_top_level(&spec.title, spec.width, spec.height, spec.resizable, view)
            .map(NativeWindow::TopLevel)
            .map_err(StartError),
    }
}

/// The scale factor of host window `parent` (1.0 if it is not a window: creating the child
/// then reports that).
fn parent_scale(parent: u64) -> f64 {
    use windows::Win32::UI::HiDpi::GetDpiForWindow;
    // SAFETY: a plain query on a window (0 if it is not one).
    match window::host_window(parent).map(|hwnd| unsafe { GetDpiForWindow(hwnd) }) {
        Ok(dpi) if dpi > 0 => f64::from(dpi) / 96.0,
        _ => 1.0,
    }
}

pub(crate) fn build_webview(
    builder: wry::WebViewBuilder<'_>,
    window: &NativeWindow,
    _spec: &WebViewSpec,
) -> Result<wry::WebView, StartError> {
    let hwnd = window
        .own()
        .hwnd()
        .and_then(|hwnd| NonZeroIsize::new(hwnd.0 as isize))
        .ok_or_else(|| {
            StartError("the WebView's window was destroyed while it was built".into())
        })?;
    // wry fills the window's client area and follows its size.
    builder.build(&Win32Window(hwnd)).map_err(build_failed)
}

/// Drops a WebView, then its window. wry's clean-up sends one message to the window the
/// WebView was built in: ours, on this thread (if the host destroyed it already, the handle
/// names no window any more and the message goes nowhere).
/// (`_end_process`: the engine ends a web process its pages no longer use.)
pub(crate) fn destroy(webview: wry::WebView, window: NativeWindow, _end_process: bool) {
    drop(webview);
    drop(window);
}

/// Moves an embedded WebView into another host window (`Some(id)`, at its origin) or parks
/// it, hidden, in a window of ours (`None`) while the host replaces its native window (Qt
/// does when a dock widget floats or re-docks): the page stays alive across that.
pub(crate) fn reparent(
    webview: &wry::WebView,
    window: &NativeWindow,
    parent: Option<u64>,
) -> Result<(), String> {
    let NativeWindow::Embedded(own) = window else {
        return Err("only an embedded WebView can be reparented".into());
    };
    if parent.is_none() {
        webview.set_visible(false).map_err(|e| e.to_string())?;
    }
    reparent_embedded(own, parent)?;
    if parent.is_some() {
        webview.set_visible(true).map_err(|e| e.to_string())?;
    }
    Ok(())
}

impl NativeWindow {
    /// Inside a host window (placing and reparenting apply), not a top-level of ours.
    pub(crate) fn is_embedded(&self) -> bool {
        matches!(self, NativeWindow::Embedded(_))
    }

    pub(crate) fn set_title(&self, title: &str) {
        if let NativeWindow::TopLevel(own) = self {
            if let Err(err) = own.set_title(title) {
                log::warn!("auroraview: set_title failed: {err}");
            }
        }
    }

    /// Places an embedded WebView's window in its parent (the WebView follows).
    pub(crate) fn set_bounds(&self, _webview: &wry::WebView, bounds: wry::Rect) -> wry::Result<()> {
        let own = self.own();
        let scale = own.scale();
        let position = bounds.position.to_physical::<i32>(scale);
        let size = bounds.size.to_physical::<u32>(scale);
        own.place(position.x, position.y, size.width, size.height)
            .map_err(|e| wry::Error::Io(std::io::Error::other(e)))
    }

    pub(crate) fn set_visible(&self, webview: &wry::WebView, visible: bool) {
        if let Err(err) = self.own().show(visible) {
            log::warn!("auroraview: set_visible failed: {err}");
        }
        if let Err(err) = webview.set_visible(visible) {
            log::warn!("auroraview: set_visible failed: {err}");
        }
    }
}
