//! A WebView's life on the UI thread: built, navigated, its page loading or its web process
//! ending, closed.
//!
//! What must not live here: page messages (`page.rs`), delivery to the page (`view.rs`),
//! platform calls other than through `crate::platform`.

use super::events::{Desk, DeskEvent};
use super::processes::ProcessTie;
use super::scheme::scheme_of;
use super::startup::{BuildTimes, StartupClock};
use super::view::{fail_evals, flush_view, new_token, report_suppressed, View};
use super::{event, UiEvent, UiState};
use crate::commands::CreateRequest;
use crate::error::{EvalError, StartError};
use crate::noise::NoiseLimit;
use crate::origin::OriginPolicy;
use crate::platform::{self, NativeWindow, PostText};
use crate::reactor::ReactorMsg;
use crate::sink::{Inbox, IpcSink};
use crate::spec::WebViewSpec;
use crate::view_state::ViewShared;
use auroraview_core::ipc::PageOp;
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

impl UiState {
    pub(super) fn create(&mut self, req: CreateRequest) {
        let CreateRequest {
            spec,
            shared,
            inbound,
            sink,
            reply,
            queued,
        } = req;
        let id = shared.id;
        let built = self.build_engine(&spec, id, queued);
        match built {
            Ok(engine) => {
                self.profiles.mark_adopted(&spec);
                let mut view = new_view(&spec, engine, shared, inbound, sink);
                view.startup = Some(StartupClock::new(queued));
                self.views.insert(id, view);
                self.rt.open_views.fetch_add(1, Ordering::AcqRel);
                let _ = reply.send(Ok(()));
            }
            Err(err) => {
                // The handler thread ends when the request (and its inbox) is dropped; no
                // evaluation was ever registered for it.
                shared.mark_closed();
                shared.mark_completions_done();
                let _ = reply.send(Err(err));
            }
        }
    }

    /// Builds the window and the engine's view for `spec` (not yet recorded as a View).
    fn build_engine(
        &mut self,
        spec: &WebViewSpec,
        id: u64,
        queued: Instant,
    ) -> Result<Engine, StartError> {
        #[cfg(target_os = "linux")]
        if let Some(spare) = self.take_spare(spec) {
            return Ok(self.adopt_spare(spare, spec, id, queued));
        }
        let started = Instant::now();
        let token = new_token();
        let mut policy = OriginPolicy::new(&spec.allowed_origins);
        #[cfg(not(target_os = "linux"))]
        platform::desk::warn_window_options(&spec.window);
        let adopted = self.profiles.is_adopted(spec);
        let (partner, process) = self.process_partner(spec, id);
        let context = self.profiles.context_for(spec);
        let context_made = Instant::now();
        let schemes = &mut self.schemes;
        // A page of a custom scheme loads once its scheme is registered: before the first
        // WebView exists there is no web context to register it with, so that WebView is
        // built blank and sent to its URL after.
        let load_after = spec
            .url
            .as_deref()
            .map(scheme_of)
            .filter(|s| !matches!(s.as_str(), "http" | "https" | "file" | "data" | "about"))
            .filter(|s| !adopted || !schemes.is_registered(s));
        let window = platform::create_window(spec, id)?;
        let window_made = Instant::now();
        let builder = engine_builder(context, partner, spec, id, &token);
        // The first WebView of a web context is built blank too, and loads once the context
        // has what the bridge's socket needs (`platform::prepare_engine`).
        let deferred = load_after.is_some() || !adopted;
        let builder = with_page(builder, spec, deferred, &mut policy);
        let webview = platform::build_webview(builder, &window, spec)?;
        platform::prepare_engine(&webview);
        if spec.incognito {
            schemes.register_private(&webview, &spec.schemes);
        } else {
            schemes.adopt_context(&webview);
        }
        for scheme in &spec.schemes {
            schemes.ensure(scheme);
        }
        if deferred {
            load_page(&webview, spec, id);
        }
        // Before the loop runs again, so before the page's first script.
        platform::connect_ipc(&webview, id);
        platform::watch_web_process(&webview, id);
        platform::desk::watch_policy(&webview, id);
        window.set_visible(&webview, spec.visible);
        BuildTimes {
            queued,
            started,
            context: context_made - started,
            window: window_made - context_made,
            engine: window_made.elapsed(),
        }
        .log(id, false);
        Ok(Engine {
            window,
            webview,
            token,
            policy,
            process,
        })
    }

    pub(super) fn close(&mut self, view: u64) {
        let Some(mut v) = self.views.remove(&view) else {
            return;
        };
        v.shared.lane.publish(None, v.page, v.taken);
        self.rt.open_views.fetch_sub(1, Ordering::AcqRel);
        v.shared.mark_closed();
        v.desk.end();
        self.close_dialogs_of(view);
        self.schemes.abandon_view(view);
        report_suppressed(view, v.noise.take_suppressed());
        // Ops never delivered end too: evaluations with Closed (the reactor would end them
        // anyway; this keeps "pending" honest at once).
        fail_evals(
            &self.rt,
            v.held.iter().chain(v.batch.iter()),
            EvalError::Closed,
        );
        self.rt.reactor.send(ReactorMsg::CloseView {
            view,
            shared: v.shared.clone(),
        });
        // (A process the engine found not responding ends with any of its WebViews: the
        // others are stuck in it too, and each can reload into a new one.)
        let end_process = !self.process_still_used(&v) || !platform::process_responsive(&v.webview);
        let View {
            webview,
            window,
            inbound,
            ..
        } = v;
        drop(inbound); // the handler thread finishes its queue, calls on_closed, and ends
        platform::destroy(webview, window, end_process);
    }

    /// Flushes the view's ops gathered so far (keeping order), then navigates. When the
    /// navigation loads a new document, what is sent from now on is for that document:
    /// it is held until its bridge reports ready. (A fragment-only change stays in the same
    /// document, which keeps its bridge: nothing is held.)
    pub(super) fn navigate(
        &mut self,
        view: u64,
        new_document: bool,
        go: impl FnOnce(&mut View) -> wry::Result<()>,
    ) {
        let rt = self.rt.clone();
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        flush_view(&rt, v, &mut self.script);
        // Whatever the navigation, scripts from now on must not overtake it.
        super::view::unfence(v);
        if new_document {
            // A new page is on its way (after a crash too: what is sent now is for it).
            // Should the application's own guard refuse it, the page stays as it was.
            v.desk.nav_restore = Some((v.page, v.ready));
            v.ready = false;
            v.gone = None;
        }
        if let Err(err) = go(v) {
            log::error!("auroraview: navigation of WebView {view} failed: {err}");
        }
    }

    /// `reload()`: the engine's reload, or, when the page is gone (its web process ended),
    /// a fresh load of what it showed: its URL, or the application's inline HTML.
    pub(super) fn reload(&mut self, view: u64) {
        let Some(v) = self.views.get(&view) else {
            return;
        };
        if v.gone.is_none() {
            return self.navigate(view, true, |v| v.webview.reload());
        }
        let url = v.webview.url().unwrap_or_default();
        let inline = v.inline_html.clone();
        log::info!(
            "auroraview: WebView {view}: loading its page again after its web process ended"
        );
        self.navigate(view, true, move |v| match inline {
            Some(html) if url.is_empty() || url.starts_with("about:") => v.webview.load_html(&html),
            _ => v.webview.load_url(&url),
        })
    }

    /// A new document is on its way: evaluations sent to the old one will not be
    /// answered, and results of its calls have nowhere to go.
    pub(super) fn page_load_started(&mut self, view: u64) {
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        if let Some(clock) = v.startup.as_mut() {
            clock.load_started(view);
        }
        v.page += 1;
        v.ready = false;
        super::view::unfence(v);
        v.docs.document_started();
        v.gone = None;
        // What the old page said and was not handed on yet has no page to answer.
        v.posts.clear_except(PostText::came_by_socket);
        // Call results and channel messages belong to the old page's calls.
        let old_call = |op: &PageOp| matches!(op, PageOp::Resolve { .. } | PageOp::Message { .. });
        v.held.retain(|op| !old_call(op));
        v.held_bytes = v.held.iter().map(PageOp::weight).sum();
        v.batch.retain(|op| !old_call(op));
        let ids: Vec<u64> = v.in_flight.drain().collect();
        if !ids.is_empty() {
            self.rt.reactor.send(ReactorMsg::Fail {
                ids,
                error: EvalError::PageChanged,
            });
        }
    }

    /// The page's web process ended on its own (crash, OOM, kill). The WebView stays; its
    /// page is gone until the next load (`reload()`): what waited for it ends now, and what
    /// is sent meanwhile ends at once.
    pub(super) fn page_process_ended(&mut self, view: u64, reason: String) {
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        log::error!(
            "auroraview: WebView {view}: the page's web process ended ({reason}); the page is \
             gone until it is reloaded (webview.reload())"
        );
        v.page += 1;
        v.ready = false;
        super::view::unfence(v);
        v.docs.document_started();
        v.posts.clear_except(PostText::came_by_socket);
        let mut ended: Vec<PageOp> = std::mem::take(&mut v.held);
        ended.append(&mut v.batch);
        v.held_bytes = 0;
        let mut ids: Vec<u64> = v.in_flight.drain().collect();
        ids.extend(super::view::eval_ids(ended.iter()));
        v.gone = Some(reason.clone());
        if !ids.is_empty() {
            self.rt.reactor.send(ReactorMsg::Fail {
                ids,
                error: EvalError::PageGone(reason),
            });
        }
    }
}

/// The builder with the page of `spec` to load, unless its load is `deferred` (to
/// [`load_page`] once the WebView exists); `policy` trusts that page's origin either way.
fn with_page<'a>(
    builder: wry::WebViewBuilder<'a>,
    spec: &WebViewSpec,
    deferred: bool,
    policy: &mut OriginPolicy,
) -> wry::WebViewBuilder<'a> {
    match &spec.url {
        Some(url) => policy.trust_url(url),
        None => policy.trust_inline(),
    }
    match (&spec.url, deferred) {
        (_, true) => builder,
        (Some(url), false) => builder.with_url(url),
        (None, false) => builder.with_html(spec.html.clone().unwrap_or_default()),
    }
}

/// Loads the page of `spec` in a WebView built without it.
fn load_page(webview: &wry::WebView, spec: &WebViewSpec, id: u64) {
    let loaded = match &spec.url {
        Some(url) => webview.load_url(url),
        None => webview.load_html(spec.html.as_deref().unwrap_or_default()),
    };
    if let Err(err) = loaded {
        log::error!("auroraview: WebView {id} cannot load its page: {err}");
    }
}

/// The engine's page load and title callbacks of WebView `id`, as wry calls them.
pub(super) fn page_handlers(
    id: u64,
) -> (
    impl Fn(wry::PageLoadEvent, String) + 'static,
    impl Fn(String) + 'static,
) {
    let on_load = move |load, url| match load {
        wry::PageLoadEvent::Started => {
            event(UiEvent::PageLoadStarted { view: id });
            event(DeskEvent::LoadStarted { view: id, url }.into());
        }
        wry::PageLoadEvent::Finished => {
            event(DeskEvent::Loaded { view: id, url }.into());
        }
    };
    let on_title = move |title| {
        event(DeskEvent::TitleChanged { view: id, title }.into());
    };
    (on_load, on_title)
}

/// The engine's callbacks that report to the UI thread: page loads, title changes and, with
/// `capture_file_drop`, dropped files (taken from the page: it gets no HTML5 drop then).
fn with_handlers<'a>(
    builder: wry::WebViewBuilder<'a>,
    spec: &WebViewSpec,
    id: u64,
) -> wry::WebViewBuilder<'a> {
    let (on_load, on_title) = page_handlers(id);
    let builder = builder
        .with_on_page_load_handler(on_load)
        .with_document_title_changed_handler(on_title);
    if !spec.capture_file_drop {
        return builder;
    }
    builder.with_drag_drop_handler(move |drop| match drop {
        wry::DragDropEvent::Drop { paths, position } => {
            let (x, y) = position;
            event(
                DeskEvent::FileDrop {
                    view: id,
                    paths,
                    x,
                    y,
                }
                .into(),
            );
            true
        }
        _ => false,
    })
}

/// What building a WebView made: its window, the engine's view, the bridge's secret and the
/// origins it trusts.
pub(super) struct Engine {
    pub(super) window: NativeWindow,
    pub(super) webview: wry::WebView,
    pub(super) token: String,
    pub(super) policy: OriginPolicy,
    pub(super) process: Option<ProcessTie>,
}

/// The UI thread's record of a WebView it has just built.
fn new_view(
    spec: &WebViewSpec,
    engine: Engine,
    shared: Arc<ViewShared>,
    inbound: Inbox,
    sink: Arc<dyn IpcSink>,
) -> View {
    let Engine {
        window,
        webview,
        token,
        policy,
        process,
    } = engine;
    View {
        shared,
        webview,
        window,
        token,
        policy,
        process,
        page: 0,
        route: None,
        socket_seen: None,
        fence: None,
        docs: Default::default(),
        ready: false,
        gone: None,
        inline_html: if spec.url.is_none() {
            Some(spec.html.clone().unwrap_or_default())
        } else {
            None
        },
        held: Vec::new(),
        held_bytes: 0,
        batch: Vec::new(),
        in_flight: HashSet::new(),
        taken: 0,
        lane_published: None,
        posts: Default::default(),
        inbound,
        warned_origin: false,
        startup: None,
        noise: NoiseLimit::default(),
        naive: spec.naive_delivery,
        asset_root: spec.asset_root.clone().map(Arc::new),
        schemes: spec.schemes.iter().cloned().collect(),
        sink,
        desk: Desk::new(spec.incognito),
    }
}

/// The engine's builder for `spec`: its web context and process partner, the bridge's
/// handlers and script, and the options wry takes at build time.
fn engine_builder<'a>(
    context: Option<&'a mut wry::WebContext>,
    partner: Option<platform::ProcessPartner>,
    spec: &WebViewSpec,
    id: u64,
    token: &str,
) -> wry::WebViewBuilder<'a> {
    let builder = match context {
        Some(context) => wry::WebViewBuilder::new_with_web_context(context),
        None => wry::WebViewBuilder::new(),
    };
    let builder = platform::relate(builder, partner);
    with_handlers(platform::with_ipc(builder, id), spec, id)
        .with_initialization_script(crate::bridge::script(token, spec.forward_console))
        .with_incognito(spec.incognito)
        .with_transparent(spec.window.transparent)
        .with_devtools(spec.debug)
        // wry's defaults (visible, focused) would show a hidden WebView while it is
        // built and take keyboard focus from the host when embedding.
        .with_visible(spec.visible)
        .with_focused(spec.visible && spec.parent.is_none())
}
