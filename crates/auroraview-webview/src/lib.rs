//! auroraview-webview: the WebView runtime.
//!
//! One UI thread per process owns every WebView (wry: WebKitGTK on Linux); any thread drives
//! a WebView through a [`WebViewProxy`]; the page talks back through the JS bridge
//! (`bridge.js`: `window.auroraview.call/on/off/once/emit/whenReady`). The thread roles and
//! the crossings are those of the thread model (docs/thread-model.md): the UI thread never runs handlers
//! and never waits; handlers run on a per-WebView handler thread ([`IpcSink`]); evaluation
//! results complete on the completion thread; every wait is bounded.
//!
//! What lives where, bottom to top of the module graph (a module imports only those above it
//! in this list, besides plain data types):
//! - `commands.rs`: what the UI thread can be asked, and the one push-then-wake handle;
//! - `inner.rs`: the state every handle shares; `view_state.rs`: one WebView's shared state;
//! - `reactor.rs` (completions on the completion thread), `evals.rs` (pending evaluations);
//! - `proxy.rs` (commands from any thread), `desk_proxy.rs` (window events and dialogs);
//! - `sink.rs` (handler threads), `call.rs` (one page call's exactly-once answer);
//! - `ui/` (the UI thread's state and passes), `scheme/` (custom schemes);
//! - `runtime.rs` (the process singleton and `create`): on top, the only module that starts
//!   threads;
//! - `platform/`: all platform code, reached by `ui/` through its hooks;
//! - `origin.rs` (which pages get the bridge), `noise.rs` (the cap on warnings a page can
//!   cause), `spec.rs`, `error.rs`, `spin.rs`: leaves.
//!
//! What must not live here: Python, or the page protocol itself (that is
//! `auroraview_core::ipc`).

mod bridge;
mod call;
mod commands;
mod desk_proxy;
mod dialog;
mod direct;
mod error;
mod evals;
mod inner;
mod noise;
mod origin;
mod platform;
mod proxy;
mod reactor;
mod runtime;
mod scheme;
mod sink;
mod spec;
mod spin;
mod ui;
mod view_state;
mod window_event;

pub use call::{PageCall, Responder, INTERNAL_ERROR};
pub use commands::COMMAND_QUEUE_CAPACITY;

/// The stack of every thread of ours that runs the application's code (handlers, completion
/// callbacks, scheme handlers, log records): what a process's main thread gets on Linux.
/// Rust's default (2 MiB) is less than CPython 3.12+ sizes its recursion guard for, so a
/// value nested deep enough crashed such a thread instead of raising `RecursionError`.
pub const APP_THREAD_STACK_BYTES: usize = 8 << 20;
pub use dialog::{DialogKind, DialogSpec, MessageLevel};
pub use direct::MAX_UNREAD_BYTES;
pub use error::{EvalError, SendError, StartError};
pub use origin::origin_of;
pub use proxy::WebViewProxy;
pub use reactor::{CloseHook, Completion};
pub use runtime::{Mode, Runtime, RuntimeStats};
pub use scheme::assets::{canonical_root, ASSET_HOST, ASSET_SCHEME};
pub use scheme::{
    check_scheme, ProtocolRequest, ProtocolResponder, ProtocolResponse, ResponseBody,
    RESERVED_SCHEMES,
};
pub use sink::{IpcSink, BURST_MESSAGES, MAX_INBOX_BYTES};
pub use spec::{WebViewSpec, WindowOptions};
pub use ui::set_default_data_directory;
pub use window_event::{kind as window_event_kind, Decision, WindowEvent};

/// A dispatcher waker that runs `pump` from the event loop of the process's main thread
/// when that loop is the platform's native one (Linux: a loop that iterates GLib's default
/// main context, as Qt's does there), from any thread and without Python. `None` where
/// there is none (the host's own waker serves then). Unlike a Qt queued signal, its wakes
/// are delivered inside `processEvents()` loops that a handler runs.
pub fn main_loop_waker(
    pump: std::sync::Arc<dyn Fn() + Send + Sync>,
) -> Option<auroraview_core::Waker> {
    platform::main_loop_waker(pump)
}

/// Where auroraview's web extension (the `auroraview-webext` crate's library,
/// `libauroraview_webext.so`) is installed: a directory holding it and nothing else the
/// engine would load. With it, pages and the runtime talk over a socket of the bridge's own
/// instead of the engine's message handler and script evaluation (Linux; faster, same
/// guarantees). Call before the first WebView. `AURORAVIEW_WEB_EXTENSION_DIR` overrides it;
/// `AURORAVIEW_TRANSPORT=engine` turns the socket off. Elsewhere, a no-op.
pub fn set_web_extension_dir(dir: std::path::PathBuf) {
    platform::set_extension_dir(dir);
}
