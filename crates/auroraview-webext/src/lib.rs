//! auroraview's web extension for WebKitGTK: a way between a page's bridge and the runtime
//! that bypasses the engine's message handler and script evaluation, both of which pass
//! through the UI process's engine code on every message.
//!
//! WebKit loads this library into each web process of a web context the runtime has
//! pointed at its directory, and calls [`webkit_web_extension_initialize_with_user_data`]
//! with `(socket name, secret)`. The extension connects to that abstract Unix socket, sends
//! the secret, and then:
//! - gives the main frame of every page, when its window object is made (before any script
//!   of the page runs), a function `__auroraview_socket_post(text)`. The bridge takes it and
//!   deletes it before the page's own scripts run (`platform::BRIDGE_POST` in the runtime),
//!   as it does with the engine's `postMessage`; each call writes a `Post` frame tagged with
//!   the page's id;
//! - evaluates each `Script` frame it reads in the main frame of the page it names, on the
//!   web process's main thread (a GLib watch of the socket).
//!
//! Frames are `auroraview_core::frames`. Writes never block the page while less than
//! [`MAX_PENDING_BYTES`] wait to be sent; past that, the page waits for the runtime to read.
//! If the connection cannot be made, no function is defined and the bridge uses the engine's
//! path: the runtime sends scripts through the engine to a page that never posted on the
//! socket.
//!
//! What must not live here: anything of the bridge's protocol beyond moving its text (the
//! token, parsing, routing and ordering rules stay in the runtime).

#[cfg(target_os = "linux")]
mod ffi;
#[cfg(target_os = "linux")]
mod linux;

#[cfg(target_os = "linux")]
pub use linux::webkit_web_extension_initialize_with_user_data;

/// Bytes of posts that may wait in the web process for the runtime to read them before the
/// page waits (a host's main thread busy for seconds while the page floods it).
pub const MAX_PENDING_BYTES: usize = 256 << 20;
