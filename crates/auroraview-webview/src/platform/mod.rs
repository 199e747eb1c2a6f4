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

/// Where a post came from when it came through the bridge's own socket
/// (`transport_linux.rs`), and so where scripts for its page go: a web process's connection
/// and the engine's id of the page. Only Linux makes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) conn: u64,
    pub(crate) page: u64,
}

/// A post's text as it arrived, made a `String` only when it is parsed (`ui/page.rs`): one
/// from the engine's message handler stays the engine's JavaScript string until then (on
/// Linux), so a burst of posts that waits for the UI thread's passes costs it almost nothing
/// on arrival; one from the bridge's socket is read as text already, with its [`Route`].
pub(crate) struct PostText {
    text: Text,
    route: Option<Route>,
}

enum Text {
    #[cfg(target_os = "linux")]
    Engine(javascriptcore::Value),
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Plain(String),
}

impl PostText {
    #[cfg(target_os = "linux")]
    pub(crate) fn new(value: javascriptcore::Value) -> Self {
        PostText {
            text: Text::Engine(value),
            route: None,
        }
    }

    #[cfg(not(target_os = "linux"))]
    pub(crate) fn new(text: String) -> Self {
        PostText {
            text: Text::Plain(text),
            route: None,
        }
    }

    /// A post read from the bridge's socket.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub(crate) fn from_socket(text: String, route: Route) -> Self {
        PostText {
            text: Text::Plain(text),
            route: Some(route),
        }
    }

    /// Read from the bridge's socket (its order with the engine's news is not kept).
    pub(crate) fn came_by_socket(&self) -> bool {
        self.route.is_some()
    }

    /// The text (anything but a string, which the bridge never posts, becomes text the
    /// parser refuses), and the socket route it came by, if any.
    // Off Linux, `Text` has one variant (the match is then a plain `let`).
    #[cfg_attr(
        not(target_os = "linux"),
        allow(clippy::infallible_destructuring_match)
    )]
    pub(crate) fn into_parts(self) -> (String, Option<Route>) {
        let text = match self.text {
            #[cfg(target_os = "linux")]
            Text::Engine(value) => {
                use javascriptcore::ValueExt as _;
                value.to_str().to_string()
            }
            Text::Plain(text) => text,
        };
        (text, self.route)
    }
}

// The bridge's own socket (`transport_linux.rs`); elsewhere pages use the engine's path.
#[cfg(target_os = "linux")]
mod transport_linux;
#[cfg(target_os = "linux")]
mod transport_writer_linux;
#[cfg(target_os = "linux")]
pub(crate) use transport_linux::{send as send_script, set_extension_dir, writer};
#[cfg(target_os = "linux")]
pub(crate) use transport_writer_linux::Writer;

#[cfg(not(target_os = "linux"))]
pub(crate) fn send_script(_route: Route, _script: &str) -> Result<(), String> {
    Err("the bridge has no socket on this platform".into())
}

/// A connection's writing half; none exist where the bridge has no socket.
#[cfg(not(target_os = "linux"))]
pub(crate) enum Writer {}

#[cfg(not(target_os = "linux"))]
impl Writer {
    pub(crate) fn send_from_any_thread(&self, _page: u64, _script: &str) -> bool {
        match *self {}
    }

    pub(crate) fn unsent(&self) -> usize {
        match *self {}
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn writer(_conn: u64) -> Option<std::sync::Arc<Writer>> {
    None
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn set_extension_dir(_dir: std::path::PathBuf) {}

/// Gives a new WebView's web context what the bridge's socket needs (once per context),
/// before the WebView loads its first page: the engine reads it when it starts a web process.
/// A no-op where the bridge has no socket, or when it is off.
pub(crate) fn prepare_engine(webview: &wry::WebView) {
    #[cfg(target_os = "linux")]
    transport_linux::configure(webview);
    #[cfg(not(target_os = "linux"))]
    let _ = webview;
}

/// The engine's handle of an open WebView that a new one can be built into the web process
/// of (`ui/processes.rs`): WebKitGTK's view on Linux; elsewhere the engine places its pages
/// itself and this is nothing.
#[cfg(target_os = "linux")]
pub(crate) type ProcessPartner = webkit2gtk::WebView;
#[cfg(not(target_os = "linux"))]
pub(crate) struct ProcessPartner;

pub(crate) fn process_partner(webview: &wry::WebView) -> ProcessPartner {
    #[cfg(target_os = "linux")]
    return wry::WebViewExtUnix::webview(webview);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = webview;
        ProcessPartner
    }
}

/// Whether the engine holds `webview`'s web process responsive: WebKit marks a process
/// that has not answered it for a few seconds (one whose page is stuck in a loop, once a
/// page load or input was sent to it); true where the engine does not tell.
pub(crate) fn process_responsive(webview: &wry::WebView) -> bool {
    #[cfg(target_os = "linux")]
    return webkit2gtk::WebViewExt::is_web_process_responsive(&wry::WebViewExtUnix::webview(
        webview,
    ));
    #[cfg(not(target_os = "linux"))]
    {
        let _ = webview;
        true
    }
}

/// `builder` builds its WebView into `partner`'s web process (its web context is the
/// partner's, which the caller made sure is the one it asked for).
pub(crate) fn relate<'a>(
    builder: wry::WebViewBuilder<'a>,
    partner: Option<ProcessPartner>,
) -> wry::WebViewBuilder<'a> {
    #[cfg(target_os = "linux")]
    if let Some(partner) = partner {
        return wry::WebViewBuilderExtUnix::with_related_view(builder, partner);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = partner;
    builder
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
