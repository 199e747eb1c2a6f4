//! Platform code behind one small API: start the UI thread, wake it, make a native window
//! and put a WebView in it. Everything else in the crate is platform-neutral.
//!
//! The seam: a platform never calls the UI thread's logic by path. It is handed
//! [`UiHooks`] when its UI thread starts (`ui::process` and `ui::event` from the runtime;
//! other hooks in tests) and calls them from its event loop, on that thread. So a platform's
//! thread, wake and window code runs without the WebView engine behind it (the Windows suite
//! does, under Wine).
//!
//! Each platform module provides the same items:
//! - `start_ui_thread(hooks, on_start)`: own mode, a dedicated UI thread with its own event
//!   loop; `on_start(ThreadKey)` runs on it before any command, then this returns.
//! - `start_hosted(hooks, on_start)`: hosted mode, the calling thread (the host's main
//!   thread, whose running event loop services our windows) becomes the UI thread.
//! - `wake()`: any thread; makes the UI thread call its `process` hook soon, from its event
//!   loop (never on the caller's thread, never lost while the loop runs).
//! - `web_context()`: the browser-data context WebViews are built with, when the platform
//!   needs one set (Windows); `None` elsewhere.
//! - `NativeWindow`, `create_window`, `build_webview`, `destroy`, `reparent`, and
//!   `NativeWindow::{set_title, set_visible, set_bounds, is_embedded}`: UI thread only.
//!
//! - Linux: GTK. The UI thread initialises GTK, acquires GLib's default main context and
//!   iterates it forever; a wake is a GLib idle source on that context (thread-safe, and
//!   unlike `MainContext::invoke` it never runs the closure on the caller's thread).
//! - Windows: Win32 + WebView2. The UI thread joins a single-threaded COM apartment and
//!   pumps its messages; a wake is a message posted to a message-only window of that thread.
//!   Win32 (`windows/thread.rs`, `windows/window.rs`) and WebView2 (`windows/webview2.rs`)
//!   are apart; the first runs under Wine in `make test-windows`.
//! - macOS: AppKit + WKWebView, on the main thread only (hosted); a wake is a block on the
//!   main dispatch queue.
//!
//! Linux runs here; Windows' Win32 part runs under Wine; macOS is type-checked only
//! (scripts/check-cross.sh).

mod hooks;
pub(crate) use hooks::process as run_pass_here;
pub(crate) use hooks::UiHooks;

/// A post's text as the engine handed it over, made a `String` only when it is parsed
/// (`ui/page.rs`): on Linux it stays the engine's JavaScript string until then, so a burst of
/// posts that waits for the UI thread's passes costs it almost nothing on arrival.
pub(crate) struct PostText(
    #[cfg(target_os = "linux")] javascriptcore::Value,
    #[cfg(not(target_os = "linux"))] String,
);

impl PostText {
    #[cfg(target_os = "linux")]
    pub(crate) fn new(value: javascriptcore::Value) -> Self {
        PostText(value)
    }

    #[cfg(not(target_os = "linux"))]
    pub(crate) fn new(text: String) -> Self {
        PostText(text)
    }

    /// The text (anything but a string, which the bridge never posts, becomes text the
    /// parser refuses).
    pub(crate) fn into_string(self) -> String {
        #[cfg(target_os = "linux")]
        {
            use javascriptcore::ValueExt as _;
            self.0.to_str().to_string()
        }
        #[cfg(not(target_os = "linux"))]
        {
            self.0
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "windows", target_os = "macos"))]
mod shared;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
mod x11_errors;
// Own mode: the UI thread's poll looks for work a short while before it sleeps.
#[cfg(target_os = "linux")]
mod poll_spin_linux;
// A spare WebView with its web process running, handed to the next WebView (`ui/spare.rs`).
#[cfg(target_os = "linux")]
pub(crate) mod spare_linux;
#[cfg(target_os = "linux")]
pub(crate) use linux::*;

#[cfg(target_os = "windows")]
mod windows;
#[cfg(target_os = "windows")]
pub(crate) use self::windows::*;

#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
pub(crate) use macos::*;

#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
mod unsupported;
#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
pub(crate) use unsupported::*;

// Custom URL schemes (asset roots, register_protocol): `scheme_linux.rs` on Linux, a stub
// elsewhere.
#[cfg(target_os = "linux")]
pub(crate) mod scheme_linux;
#[cfg(target_os = "linux")]
pub(crate) use scheme_linux as scheme;
#[cfg(not(target_os = "linux"))]
pub(crate) mod scheme_other;
#[cfg(not(target_os = "linux"))]
pub(crate) use scheme_other as scheme;

// Window events, window options, the inspector and dialogs (`ui/events.rs`,
// `ui/dialogs.rs`): `desk_linux.rs` on Linux, `desk_other.rs` (not implemented) elsewhere.
#[cfg(target_os = "linux")]
pub(crate) mod desk_linux;
#[cfg(target_os = "linux")]
pub(crate) use desk_linux as desk;
#[cfg(not(target_os = "linux"))]
pub(crate) mod desk_other;
#[cfg(not(target_os = "linux"))]
pub(crate) use desk_other as desk;
