//! Windows: Win32 windows and WebView2, serviced by the UI thread's message pump.
//!
//! Two layers, so the first runs where WebView2 cannot (the Wine suite, `make
//! test-windows`):
//! - Win32 only: `thread.rs` (the UI thread's COM apartment, wake window and message pump)
//!   and `window.rs` (our window classes, top-level windows, the child window an embedded
//!   WebView lives in, the parking window).
//! - WebView2, through wry: `webview2.rs` (checking for the runtime, building, destroying
//!   and reparenting WebViews in the windows above).
//!
//! The UI thread's logic is reached only through the hooks it was started with
//! (`platform::UiHooks`). Tests (`tests/`) run the Win32 layer with their own hooks, and the
//! runtime without a WebView2 Runtime, under Wine.

mod quiet;
mod thread;
mod webview2;
mod window;

#[cfg(test)]
mod tests;

pub(crate) use thread::{main_loop_waker, start_hosted, start_ui_thread, wake};
pub(crate) use webview2::{
    build_webview, connect_ipc, create_window, destroy, reparent, watch_web_process, web_context,
    with_ipc, NativeWindow, BRIDGE_POST,
};
