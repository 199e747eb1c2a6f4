//! Linux: a spare WebView, built ahead of time in a hidden top-level window of its own, whose
//! web process is already running (it has loaded `about:blank`). Handing it to the next
//! WebView saves that WebView the web process's launch, most of a new panel's start-up.
//!
//! A spare has no bridge and answers to no view: no page script, message handler, load or
//! title handler is connected until [`SpareView::adopt`] gives it to one, with that view's
//! own bridge script (its token), id and window settings. The spare's `about:blank` never
//! ran the bridge, so nothing it did can reach a view.
//!
//! What must not live here: deciding when to keep or use a spare (`ui/spare.rs`).

use super::linux::{dress_window, NativeWindow};
use crate::error::StartError;
use crate::spec::WebViewSpec;
use glib::prelude::ObjectExt;
use gtk::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use webkit2gtk::{
    LoadEvent, UserContentInjectedFrames, UserContentManagerExt, UserScript,
    UserScriptInjectionTime, WebViewExt,
};
use wry::{WebViewBuilderExtUnix, WebViewExtUnix};

/// A WebView waiting to be handed out (UI thread only).
pub(crate) struct SpareView {
    window: gtk::Window,
    container: gtk::Box,
    webview: wry::WebView,
    /// Its `about:blank` finished loading: the web process is up and no load is in flight.
    settled: Rc<Cell<bool>>,
    /// The runtime's count of ready spares (this one counts while `settled`).
    ready: Arc<AtomicUsize>,
    /// Its web process ended: it is of no use.
    dead: Rc<Cell<bool>>,
    watchers: Vec<glib::SignalHandlerId>,
}

/// Builds a spare WebView with `context` (the default profile's). `ready` counts the spares
/// whose blank page has loaded (this one from then until it is handed out or ended); a pass
/// is asked for when it has (the next spare may be built then).
pub(crate) fn build(
    context: Option<&mut wry::WebContext>,
    ready: Arc<AtomicUsize>,
) -> Result<SpareView, StartError> {
    let window = gtk::Window::new(gtk::WindowType::Toplevel);
    let container = gtk::Box::new(gtk::Orientation::Vertical, 0);
    window.add(&container);
    let builder = match context {
        Some(context) => wry::WebViewBuilder::new_with_web_context(context),
        None => wry::WebViewBuilder::new(),
    };
    let webview = builder
        .with_visible(false)
        .with_focused(false)
        .build_gtk(&container)
        .map_err(super::shared::build_failed)?;
    // The bridge's socket first: the blank page's load starts the web process.
    super::prepare_engine(&webview);
    webview.webview().load_uri("about:blank");
    let settled = Rc::new(Cell::new(false));
    let dead = Rc::new(Cell::new(false));
    let engine = webview.webview();
    let flag = settled.clone();
    let count = ready.clone();
    let on_load = engine.connect_load_changed(move |_, event| {
        if event == LoadEvent::Finished && !flag.replace(true) {
            count.fetch_add(1, Ordering::AcqRel);
            super::linux::wake();
        }
    });
    let flag = dead.clone();
    let on_end = engine.connect_web_process_terminated(move |_, _| flag.set(true));
    Ok(SpareView {
        window,
        container,
        webview,
        settled,
        ready,
        dead,
        watchers: vec![on_load, on_end],
    })
}

impl SpareView {
    /// Settled and alive: it may be handed out.
    pub(crate) fn usable(&self) -> bool {
        self.settled.get() && !self.dead.get()
    }

    /// No longer a ready spare (handed out or ended).
    fn uncount(&self) {
        if self.settled.replace(false) {
            self.ready.fetch_sub(1, Ordering::AcqRel);
        }
    }

    pub(crate) fn webview(&self) -> &wry::WebView {
        &self.webview
    }

    /// Alive (settled or still loading its blank page).
    pub(crate) fn alive(&self) -> bool {
        !self.dead.get()
    }

    /// Makes this WebView view `view`'s: its window dressed as `spec` says, `bridge` as its
    /// page script, `on_load` and `on_title` as its load and title handlers (as wry calls
    /// them). The caller connects the rest (IPC, web process, policy) and loads the page.
    pub(crate) fn adopt(
        self,
        spec: &WebViewSpec,
        view: u64,
        bridge: &str,
        on_load: impl Fn(wry::PageLoadEvent, String) + 'static,
        on_title: impl Fn(String) + 'static,
    ) -> (NativeWindow, wry::WebView) {
        self.uncount();
        let engine = self.webview.webview();
        for watcher in self.watchers {
            engine.disconnect(watcher);
        }
        dress_window(&self.window, spec, view);
        if let Some(manager) = engine.user_content_manager() {
            manager.add_script(&UserScript::new(
                bridge,
                UserContentInjectedFrames::TopFrame,
                UserScriptInjectionTime::Start,
                &[],
                &[],
            ));
        }
        engine.connect_load_changed(move |webview, event| {
            let url = || webview.uri().map(|u| u.to_string()).unwrap_or_default();
            match event {
                LoadEvent::Committed => on_load(wry::PageLoadEvent::Started, url()),
                LoadEvent::Finished => on_load(wry::PageLoadEvent::Finished, url()),
                _ => {}
            }
        });
        engine.connect_title_notify(move |webview| {
            on_title(webview.title().map(|t| t.to_string()).unwrap_or_default())
        });
        let window = NativeWindow::TopLevel {
            window: self.window,
            container: self.container,
        };
        (window, self.webview)
    }

    /// Ends it (its web process with it).
    pub(crate) fn discard(self) {
        self.uncount();
        super::linux::destroy(
            self.webview,
            NativeWindow::TopLevel {
                window: self.window,
                container: self.container,
            },
            true, // a spare's process is its own
        );
    }
}

/// Runs `then` and asks for a UI pass after `wait` (on the thread that iterates GLib's
/// default context, the UI thread).
pub(crate) fn pass_after(wait: std::time::Duration, then: impl FnOnce() + Send + 'static) {
    glib::timeout_add_once(wait, move || {
        then();
        super::linux::wake();
    });
}
