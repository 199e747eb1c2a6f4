//! Linux: the UI thread owns GTK and GLib's default main context for the life of the process.

use crate::error::StartError;
use crate::spec::WebViewSpec;
use auroraview_core::ThreadKey;
use gtk::prelude::*;
use std::time::Duration;
use wry::WebViewBuilderExtUnix;

/// Starts the UI thread; `on_start` runs on it once GTK is up, before any command.
pub(crate) fn start_ui_thread(
    on_start: impl FnOnce(ThreadKey) + Send + 'static,
) -> Result<(), StartError> {
    let (tx, rx) = crossbeam_channel::bounded::<Result<(), StartError>>(1);
    std::thread::Builder::new()
        .name("auroraview-ui".into())
        .spawn(move || {
            if let Err(err) = gtk::init() {
                let _ = tx.send(Err(StartError(format!(
                    "cannot initialise GTK ({err}): is there a display (DISPLAY / \
                     WAYLAND_DISPLAY)? Under CI, run inside Xvfb"
                ))));
                return;
            }
            let context = glib::MainContext::default();
            let Ok(_owner) = context.acquire() else {
                let _ = tx.send(Err(StartError(
                    "GLib's default main context is owned by another thread (a Qt application \
                     running on the GLib event dispatcher?): this process cannot run the \
                     WebView on its own UI thread; use the hosted mode"
                        .into(),
                )));
                return;
            };
            on_start(ThreadKey::current());
            let _ = tx.send(Ok(()));
            loop {
                context.iteration(true);
            }
        })
        .map_err(|e| StartError(format!("cannot spawn the UI thread: {e}")))?;
    rx.recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| Err(StartError("the UI thread did not start within 30 s".into())))
}

/// Asks the UI thread to run a pass. Any thread; one GLib idle source per call.
pub(crate) fn wake() {
    glib::idle_add_full(glib::Priority::DEFAULT, || {
        crate::ui::process();
        glib::ControlFlow::Break
    });
}

/// A top-level GTK window holding one WebView.
pub(crate) struct NativeWindow {
    window: gtk::Window,
    container: gtk::Box,
}

pub(crate) fn create_window(spec: &WebViewSpec, view: u64) -> Result<NativeWindow, StartError> {
    let window = gtk::Window::new(gtk::WindowType::Toplevel);
    window.set_title(&spec.title);
    window.set_default_size(spec.width as i32, spec.height as i32);
    window.set_resizable(spec.resizable);
    let container = gtk::Box::new(gtk::Orientation::Vertical, 0);
    window.add(&container);
    window.connect_delete_event(move |_, _| {
        crate::ui::event(crate::ui::UiEvent::CloseRequested { view });
        glib::Propagation::Stop
    });
    Ok(NativeWindow { window, container })
}

pub(crate) fn build_webview(
    builder: wry::WebViewBuilder<'_>,
    window: &NativeWindow,
) -> wry::Result<wry::WebView> {
    builder.build_gtk(&window.container)
}

impl NativeWindow {
    pub(crate) fn set_title(&self, title: &str) {
        self.window.set_title(title);
    }

    pub(crate) fn set_visible(&self, visible: bool) {
        if visible {
            self.window.show_all();
        } else {
            self.window.hide();
        }
    }

    pub(crate) fn destroy(self) {
        // SAFETY: the window and its children are not used after this; the WebView that
        // lived in it has been dropped already.
        unsafe { self.window.destroy() };
    }
}
