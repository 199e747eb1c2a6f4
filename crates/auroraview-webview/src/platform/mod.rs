//! Platform code behind one small API: start the UI thread, wake it, make a native window
//! and put a WebView in it. Everything else in the crate is platform-neutral.
//!
//! - Linux: GTK. The UI thread initialises GTK, acquires GLib's default main context and
//!   iterates it forever; a wake is a GLib idle source on that context (thread-safe, and
//!   unlike `MainContext::invoke` it never runs the closure on the caller's thread).
//! - Windows / macOS: not implemented yet; `start_ui_thread` reports that clearly.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub(crate) use linux::*;

#[cfg(not(target_os = "linux"))]
mod unsupported;
#[cfg(not(target_os = "linux"))]
pub(crate) use unsupported::*;
