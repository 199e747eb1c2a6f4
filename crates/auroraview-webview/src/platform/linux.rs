//! Linux: the UI thread owns GTK and GLib's default main context for the life of the process.

use super::hooks::{self, UiHooks};
use super::shared::{build_failed, child_bounds, spawn_ui_thread};
use crate::error::StartError;
use crate::spec::WebViewSpec;
use crate::ui::UiEvent;
use auroraview_core::ThreadKey;
use glib::Cast;
use gtk::prelude::*;
use wry::WebViewBuilderExtUnix;

/// Starts the UI thread; `on_start` runs on it once GTK is up, before any command.
pub(crate) fn start_ui_thread(
    ui: UiHooks,
    on_start: impl FnOnce(ThreadKey) + Send + 'static,
) -> Result<(), StartError> {
    let started = std::time::Instant::now();
    spawn_ui_thread(
        move || {
            hooks::install(ui);
            gtk::init().map_err(|err| {
                StartError(format!(
                    "cannot initialise GTK ({err}): is there a display (DISPLAY / \
                     WAYLAND_DISPLAY)? Under CI, run inside Xvfb"
                ))
            })?;
            log::debug!(
                "auroraview: start-up: GTK initialised in {:.1} ms",
                started.elapsed().as_secs_f64() * 1e3
            );
            super::x11_errors::install();
            super::transport_linux::start();
            // The thread owns the context for the life of the process (leaked, so the
            // ownership guard can live as long).
            let context: &'static glib::MainContext =
                Box::leak(Box::new(glib::MainContext::default()));
            context.acquire().map_err(|_| {
                StartError(
                    "GLib's default main context is owned by another thread (a Qt application \
                     running on the GLib event dispatcher?): this process cannot run the \
                     WebView on its own UI thread; use the hosted mode"
                        .into(),
                )
            })
        },
        on_start,
        |_owner| {
            let context = glib::MainContext::default();
            super::poll_spin_linux::install(&context);
            loop {
                context.iteration(true);
            }
        },
    )
}

/// Hosted mode: the calling thread (the host's main thread, whose event loop already
/// iterates GLib's default main context, as Qt's does on Linux) becomes the UI thread. GTK is
/// initialised here; no loop of our own runs.
pub(crate) fn start_hosted(
    ui: UiHooks,
    on_start: impl FnOnce(ThreadKey),
) -> Result<(), StartError> {
    gtk::init().map_err(|err| {
        StartError(format!(
            "cannot initialise GTK on the host's main thread ({err}): is there an X11 display?"
        ))
    })?;
    quiet_foreign_window_noise();
    super::x11_errors::install();
    super::transport_linux::start();
    hooks::install(ui);
    on_start(ThreadKey::current());
    Ok(())
}

/// wry wraps the host's X window as a foreign GdkWindow for embedded WebViews; GDK then
/// reports two harmless `GDK_IS_FRAME_CLOCK` assertions per WebView, which look alarming
/// in a DCC's console. Drop exactly those; every other GDK message goes to GLib's default
/// handler as before.
fn quiet_foreign_window_noise() {
    glib::log_set_handler(
        Some("Gdk"),
        glib::LogLevels::LEVEL_CRITICAL,
        false,
        false,
        |domain, level, message| {
            if !message.contains("GDK_IS_FRAME_CLOCK") {
                glib::log_default_handler(domain, level, Some(message));
            }
        },
    );
}

/// A waker that runs `pump` on whichever thread iterates GLib's default main context: in a
/// Qt application on GLib, the main thread, from inside any loop Qt runs there, nested ones
/// included (a `processEvents()` loop inside a handler delivers GLib sources but not Qt's
/// own posted events). Any thread; never runs `pump` on the caller; no Python.
pub(crate) fn main_loop_waker(
    pump: std::sync::Arc<dyn Fn() + Send + Sync>,
) -> Option<auroraview_core::Waker> {
    Some(std::sync::Arc::new(move || {
        let pump = pump.clone();
        glib::idle_add_full(glib::Priority::DEFAULT, move || {
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pump())).is_err() {
                log::error!("auroraview: a main-thread pump panicked (a bug in auroraview)");
            }
            glib::ControlFlow::Break
        });
    }))
}

/// Asks the UI thread to run a pass. Any thread; one GLib idle source per call.
pub(crate) fn wake() {
    glib::idle_add_full(glib::Priority::DEFAULT, || {
        hooks::process();
        glib::ControlFlow::Break
    });
}

/// Where a WebView lives: a top-level GTK window of ours, or a child of a host window.
pub(crate) enum NativeWindow {
    TopLevel {
        window: gtk::Window,
        container: gtk::Box,
    },
    /// Inside a foreign X11 window; wry owns the X child window and its GTK wrapper.
    Child { parent: u64 },
}

/// A foreign X11 window, as wry wants it for `build_as_child`.
struct XlibParent(u64);

impl wry::raw_window_handle::HasWindowHandle for XlibParent {
    fn window_handle(
        &self,
    ) -> Result<wry::raw_window_handle::WindowHandle<'_>, wry::raw_window_handle::HandleError> {
        let raw = wry::raw_window_handle::XlibWindowHandle::new(self.0 as std::ffi::c_ulong);
        // SAFETY: the id names a live X window of the host for as long as the WebView lives;
        // the host closes or parks the WebView before it destroys that window (auroraview.qt's
        // surface guard), and X errors about windows it destroyed anyway are filtered
        // (x11_errors.rs).
        Ok(unsafe {
            wry::raw_window_handle::WindowHandle::borrow_raw(
                wry::raw_window_handle::RawWindowHandle::Xlib(raw),
            )
        })
    }
}

/// One web context for every WebView of the process: one network process, shared caches.
/// (wry would otherwise make a context per WebView, and each would keep its own network
/// process running after its WebView closed.)
pub(crate) fn web_context() -> Option<wry::WebContext> {
    Some(wry::WebContext::new(None))
}

/// The bridge's way to the host (see `bridge.js`): WebKit's native message handler
/// `auroraview`, registered by [`connect_ipc`], and, when the web extension gave the page
/// its post function (`transport_linux.rs`), the bridge's own socket for every post but the
/// one announcing the document. Both are captured, and the extension's function deleted,
/// before any page script runs.
pub(crate) const BRIDGE_POST: &str = "(function () { \
    var handlers = window.webkit && window.webkit.messageHandlers; \
    var h = handlers && handlers.auroraview; if (!h) return null; var post = h.postMessage; \
    var s = window.__auroraview_socket_post; \
    if (typeof s !== 'function') return function (text) { apply(post, h, [text]); }; \
    try { delete window.__auroraview_socket_post; } catch (_) { /* kept: posts need the token */ } \
    return function (text, announce) { if (announce) apply(post, h, [text]); else s(text); }; \
    })()";

/// Page messages come through our own WebKit message handler ([`connect_ipc`]), not wry's:
/// wry drops every message from a page whose URL its `http::Uri` cannot parse (`file://`,
/// `data:`), so such pages never got a working bridge.
pub(crate) fn with_ipc(builder: wry::WebViewBuilder<'_>, _view: u64) -> wry::WebViewBuilder<'_> {
    builder
}

/// Registers the `auroraview` message handler on the WebView's content manager. Called right
/// after the WebView is built, before the UI thread's loop runs again (so before the page's
/// first script).
pub(crate) fn connect_ipc(webview: &wry::WebView, view: u64) {
    use webkit2gtk::UserContentManagerExt as _;
    use webkit2gtk::WebViewExt as _;
    use wry::WebViewExtUnix;
    let Some(manager) = webview.webview().user_content_manager() else {
        log::error!("auroraview: WebView {view} has no content manager: its page gets no bridge");
        return;
    };
    manager.connect_script_message_received(Some("auroraview"), move |_, message| {
        let Some(value) = message.js_value() else {
            return;
        };
        hooks::event(UiEvent::Ipc {
            view,
            body: super::PostText::new(value),
        });
    });
    if !manager.register_script_message_handler("auroraview") {
        log::error!("auroraview: WebView {view}: cannot register the page's message handler");
    }
}

/// Reports the page's web process ending on its own (a crash, the OOM killer, a `kill`):
/// the WebView stays, its page is gone until it loads again. Logs when WebKit finds the
/// process not answering (a page stuck in a loop, seconds after a load or input was sent to
/// it), and when it answers again.
pub(crate) fn watch_web_process(webview: &wry::WebView, view: u64) {
    use webkit2gtk::WebViewExt as _;
    use wry::WebViewExtUnix;
    webview
        .webview()
        .connect_is_web_process_responsive_notify(move |engine| {
            if engine.is_web_process_responsive() {
                log::info!("auroraview: WebView {view}: its web process responds again");
            } else {
                log::warn!(
                    "auroraview: WebView {view}: its web process is not responding (a page \
                     stuck in a loop?); new WebViews will not join it, and closing any WebView \
                     of it ends it"
                );
            }
        });
    webview
        .webview()
        .connect_web_process_terminated(move |_, reason| {
            let reason = match reason {
                webkit2gtk::WebProcessTerminationReason::Crashed => "it crashed",
                webkit2gtk::WebProcessTerminationReason::ExceededMemoryLimit => {
                    "it exceeded its memory limit"
                }
                webkit2gtk::WebProcessTerminationReason::TerminatedByApi => "it was terminated",
                _ => "it ended",
            };
            hooks::event(UiEvent::PageProcessEnded {
                view,
                reason: reason.to_owned(),
            });
        });
}

pub(crate) fn create_window(spec: &WebViewSpec, view: u64) -> Result<NativeWindow, StartError> {
    if let Some(parent) = spec.parent {
        if spec.window.any() {
            log::warn!(
                "auroraview: window options apply to top-level WebViews; WebView {view} is                  embedded (ignored)"
            );
        }
        return Ok(NativeWindow::Child { parent });
    }
    let window = gtk::Window::new(gtk::WindowType::Toplevel);
    let container = gtk::Box::new(gtk::Orientation::Vertical, 0);
    window.add(&container);
    dress_window(&window, spec, view);
    Ok(NativeWindow::TopLevel { window, container })
}

/// Gives a top-level window of WebView `view` what `spec` asks (title, size, options) and
/// its close button (a request to the UI thread). Before the window is first shown.
pub(super) fn dress_window(window: &gtk::Window, spec: &WebViewSpec, view: u64) {
    window.set_title(&spec.title);
    window.set_default_size(spec.width as i32, spec.height as i32);
    window.set_resizable(spec.resizable);
    window.connect_delete_event(move |_, _| {
        hooks::event(UiEvent::CloseRequested { view });
        glib::Propagation::Stop
    });
    super::desk::apply_window_options(window, &spec.window);
}

pub(crate) fn build_webview(
    builder: wry::WebViewBuilder<'_>,
    window: &NativeWindow,
    spec: &WebViewSpec,
) -> Result<wry::WebView, StartError> {
    match window {
        NativeWindow::TopLevel { container, .. } => {
            builder.build_gtk(container).map_err(build_failed)
        }
        &NativeWindow::Child { parent: xid } => {
            if !x11_window_exists(xid) {
                return Err(StartError(format!(
                    "parent {xid:#x} is not an X11 window on this display: pass a native \
                     Qt widget or its winId()"
                )));
            }
            // Backstop: an X error while building must not reach GDK's default handler,
            // which ends the process (the host's, inside a DCC).
            super::x11_errors::guard(xid);
            gtk::gdk::error_trap_push();
            let built = builder
                .with_bounds(child_bounds(spec))
                .build_as_child(&XlibParent(xid));
            if let Some(display) = gtk::gdk::Display::default() {
                display.flush();
            }
            match (gtk::gdk::error_trap_pop(), built) {
                (0, built) => built.map_err(build_failed),
                (code, Ok(webview)) => {
                    // Not its web process: it may be another WebView's (a related view), and
                    // WebKit ends one no page uses.
                    destroy(webview, NativeWindow::Child { parent: xid }, false);
                    Err(StartError(format!(
                        "X error {code} while embedding in parent {xid:#x}"
                    )))
                }
                (_, Err(e)) => Err(build_failed(e)),
            }
        }
    }
}

/// True if `xid` names an existing X window on the default display.
fn x11_window_exists(xid: u64) -> bool {
    use glib::translate::ToGlibPtr;
    let Some(display) = gtk::gdk::Display::default() else {
        return false;
    };
    let Some(x11) = display.downcast_ref::<gdkx11::X11Display>() else {
        return false;
    };
    // SAFETY: GDK looks the window up inside its own X error trap and returns NULL (not an
    // error) when it does not exist; the returned reference is released right away.
    unsafe {
        let window = gdkx11::ffi::gdk_x11_window_foreign_new_for_display(
            x11.to_glib_none().0,
            xid as std::ffi::c_ulong,
        );
        if window.is_null() {
            return false;
        }
        glib::gobject_ffi::g_object_unref(window.cast());
    }
    true
}

/// Drops a WebView and its window, and with `end_process` its web process (no other open
/// WebView uses it: `ui/processes.rs`). For an embedded WebView whose host window is already
/// gone, destroying the X child raises BadWindow, which would make GDK exit the process:
/// the drop runs inside a GDK error trap.
pub(crate) fn destroy(webview: wry::WebView, window: NativeWindow, end_process: bool) {
    {
        use webkit2gtk::WebViewExt as _;
        use wry::WebViewExtUnix;
        // An open inspector (attached inside our window) goes first: destroying the view
        // under it crashes WebKit.
        super::desk::close_devtools(&webview);
        // End the page's web process now: dropping the view alone leaves it to WebKit,
        // and a page stuck in a loop would keep burning a CPU until the host exits.
        if end_process {
            webview.webview().terminate_web_process();
        }
    }
    gtk::gdk::error_trap_push();
    drop(webview);
    if let NativeWindow::TopLevel { window, .. } = window {
        // SAFETY: the window and its children are not used after this; the WebView that
        // lived in it has been dropped already.
        unsafe { window.destroy() };
    }
    gtk::gdk::error_trap_pop_ignored();
}

/// Moves an embedded WebView's X window under another parent window (`Some(xid)`, shown at
/// its origin) or parks it, hidden, under the root window (`None`). Qt destroys and
/// recreates a native child window when its top-level changes (a dock floating or
/// re-docking): parking keeps the WebView, and its page, alive across that.
pub(crate) fn reparent(
    webview: &wry::WebView,
    _window: &NativeWindow,
    parent: Option<u64>,
) -> Result<(), String> {
    use wry::WebViewExtUnix;
    let toplevel = webview
        .webview()
        .toplevel()
        .ok_or("the WebView has no toplevel window")?;
    let window = toplevel
        .window()
        .ok_or("the WebView's window is not realized")?;
    let display = window.display();
    let new_parent: gtk::gdk::Window = match parent {
        None => display
            .default_screen()
            .root_window()
            .ok_or("the screen has no root window")?,
        Some(xid) => {
            super::x11_errors::guard(xid);
            let x11 = display
                .downcast_ref::<gdkx11::X11Display>()
                .ok_or("embedding needs an X11 display")?;
            gdkx11::X11Window::foreign_new_for_display(x11, xid as std::ffi::c_ulong).upcast()
        }
    };
    gtk::gdk::error_trap_push();
    if parent.is_none() {
        window.hide();
    }
    window.reparent(&new_parent, 0, 0);
    if parent.is_some() {
        window.show();
    }
    display.flush();
    match gtk::gdk::error_trap_pop() {
        0 => Ok(()),
        code => Err(format!("X error {code} while reparenting")),
    }
}

impl NativeWindow {
    /// Inside a host window (placing and reparenting apply), not a top-level of ours.
    pub(crate) fn is_embedded(&self) -> bool {
        matches!(self, NativeWindow::Child { .. })
    }

    pub(crate) fn set_title(&self, title: &str) {
        if let NativeWindow::TopLevel { window, .. } = self {
            window.set_title(title);
        }
    }

    /// Places an embedded WebView in its parent window (the UI pass calls this for embedded
    /// ones only).
    pub(crate) fn set_bounds(&self, webview: &wry::WebView, bounds: wry::Rect) -> wry::Result<()> {
        webview.set_bounds(bounds)
    }

    pub(crate) fn set_visible(&self, webview: &wry::WebView, visible: bool) {
        match self {
            NativeWindow::TopLevel { window, .. } if visible => window.show_all(),
            NativeWindow::TopLevel { window, .. } => window.hide(),
            NativeWindow::Child { .. } => {
                if let Err(err) = webview.set_visible(visible) {
                    log::warn!("auroraview: set_visible failed: {err}");
                }
            }
        }
    }
}
