//! The UI thread's side of the runtime: every WebView and the state only that thread touches.
//!
//! Entered in two ways, both on the UI thread: [`process`] when a wake arrives (it drains the
//! command queue once, then renders each WebView's accumulated page operations as ONE script
//! evaluation), and [`event`] from WebView callbacks (IPC messages, page loads, window close).
//! It never runs Python and never waits: IPC calls and events go to the WebView's handler
//! thread, evaluation results to the completion thread.
//!
//! Re-entrancy: a WebView callback that fires while a pass is running is deferred to the end
//! of that pass rather than borrowing the state twice.

use crate::error::{EvalError, StartError};
use crate::noise::NoiseLimit;
use crate::origin::OriginPolicy;
use crate::platform::{self, NativeWindow};
use crate::proxy::ViewShared;
use crate::reactor::ReactorMsg;
use crate::runtime::{CreateRequest, RuntimeInner, UiCommand};
use crate::sink::{CallRequest, HandlerMsg};
use auroraview_core::command_queue::Wake;
use auroraview_core::ipc::{parse_post, render_batch, Inbound, PageOp, ParseError};
use crossbeam_channel::Sender;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::mem::ManuallyDrop;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Commands applied between two looks at the clock.
const PASS_SLICE: usize = 512;
/// Most page operations kept for a page that is not ready yet.
const MAX_HELD: usize = 1 << 18;
/// How long one pass may apply commands before it yields the thread back to the event loop.
const PASS_BUDGET: Duration = Duration::from_millis(4);

/// Something a WebView callback reported.
pub(crate) enum UiEvent {
    Ipc {
        view: u64,
        url: String,
        body: String,
    },
    PageLoadStarted {
        view: u64,
    },
    CloseRequested {
        view: u64,
    },
}

struct View {
    shared: Arc<ViewShared>,
    webview: wry::WebView,
    window: NativeWindow,
    token: String,
    policy: OriginPolicy,
    /// Incremented at each navigation; call results for an older page are dropped.
    page: u64,
    /// The current page's bridge reported DOM ready; ops flow to it.
    ready: bool,
    /// Ops waiting for the page to become ready.
    held: Vec<PageOp>,
    /// Ops gathered during this pass, rendered at its end.
    batch: Vec<PageOp>,
    /// Evaluations sent to the current page and not answered yet.
    in_flight: HashSet<u64>,
    inbound: Sender<HandlerMsg>,
    warned_origin: bool,
    /// Caps the warnings this page can cause (malformed messages, its script errors).
    noise: NoiseLimit,
    /// Benchmark baseline: one script evaluation per op instead of one per batch.
    naive: bool,
}

struct UiState {
    rt: Arc<RuntimeInner>,
    views: HashMap<u64, View>,
    commands: Vec<UiCommand>,
    script: String,
    /// The browser data every WebView of the process shares, where the platform needs it
    /// set (see `platform::web_context`); `None` uses the engine's default.
    web_context: Option<wry::WebContext>,
}

thread_local! {
    /// Never dropped: in hosted mode the UI thread is the host's main thread, whose
    /// thread-locals are destroyed at process exit (on Windows under the loader lock), after
    /// the toolkit may be gone; WebViews must not be torn down there. ManuallyDrop keeps
    /// the thread-local from registering a destructor at all.
    static STATE: ManuallyDrop<RefCell<Option<UiState>>> =
        const { ManuallyDrop::new(RefCell::new(None)) };
    static DEFERRED: RefCell<Vec<UiEvent>> = const { RefCell::new(Vec::new()) };
    static MISSED_WAKE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Passes that panicked in a row (see `process`).
    static FAILED_PASSES: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Installs the runtime's state on the (current) UI thread.
pub(crate) fn install(rt: Arc<RuntimeInner>) {
    STATE.with(|s| {
        *s.borrow_mut() = Some(UiState {
            rt,
            views: HashMap::new(),
            commands: Vec::new(),
            script: String::new(),
            web_context: platform::web_context(),
        })
    });
}

/// Runs `f`, logging a panic instead of letting it unwind into the toolkit's C code that
/// called us (which would abort the process: the host's, inside a DCC). The UI state stays
/// usable: its RefCell borrow ends with the unwinding.
fn contained<R>(what: &str, f: impl FnOnce() -> R) -> Option<R> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(_) => {
            log::error!(
                "auroraview: {what} panicked (a bug in auroraview); the panic was contained"
            );
            None
        }
    }
}

/// A wake arrived: run one pass. Entry point from the platform's event loop.
pub(crate) fn process() {
    if contained("a UI pass", process_inner).is_some() {
        FAILED_PASSES.with(|f| f.set(0));
        return;
    }
    // Commands still queued would wait for a wake their pushers will not send (the pass had
    // claimed it): ask for another pass. Those the failed pass had taken are lost; their
    // waits end by their timeouts or the WebView's close. A pass that keeps failing is not
    // retried in a loop: the next command pushed wakes it again.
    if FAILED_PASSES.with(|f| f.replace(f.get() + 1)) < 3 {
        platform::wake();
    }
}

fn process_inner() {
    STATE.with(|cell| {
        let Ok(mut guard) = cell.try_borrow_mut() else {
            // Re-entered from inside a pass (a nested main loop while a WebView is built or
            // destroyed). This wake must not be lost: its pusher saw "wake needed" and later
            // pushers will not wake again. Remember it; the running pass re-wakes at its end.
            MISSED_WAKE.with(|m| m.set(true));
            return;
        };
        if let Some(state) = guard.as_mut() {
            state.pass();
        }
        drop(guard);
        if MISSED_WAKE.with(|m| m.replace(false)) {
            platform::wake();
        }
    });
}

/// A WebView callback reported something. Entry point from wry's and the platform's
/// callbacks (page messages come from the page: no input may panic across them).
pub(crate) fn event(ev: UiEvent) {
    contained("a WebView event", || event_inner(ev));
}

fn event_inner(ev: UiEvent) {
    STATE.with(|cell| match cell.try_borrow_mut() {
        Ok(mut guard) => {
            if let Some(state) = guard.as_mut() {
                state.handle_event(ev);
                state.flush_all();
                state.drain_deferred();
            }
        }
        Err(_) => DEFERRED.with(|d| d.borrow_mut().push(ev)),
    });
}

impl UiState {
    /// One pass: apply queued commands for at most [`PASS_BUDGET`] (in slices of
    /// [`PASS_SLICE`] commands), render each WebView's ops as one script, and re-arm the wake
    /// if commands were left, so a flood never holds the (possibly host's) UI thread long.
    fn pass(&mut self) {
        let start = Instant::now();
        let mut commands = std::mem::take(&mut self.commands);
        loop {
            self.rt.queue.drain_up_to(&mut commands, PASS_SLICE);
            let drained = commands.len();
            for cmd in commands.drain(..) {
                self.apply(cmd);
            }
            if drained < PASS_SLICE {
                break;
            }
            if start.elapsed() >= PASS_BUDGET {
                if self.rt.queue.rearm() == Wake::Needed {
                    platform::wake();
                }
                break;
            }
        }
        self.commands = commands;
        self.flush_all();
        self.drain_deferred();
    }

    fn drain_deferred(&mut self) {
        loop {
            let events = DEFERRED.with(|d| std::mem::take(&mut *d.borrow_mut()));
            if events.is_empty() {
                return;
            }
            for ev in events {
                self.handle_event(ev);
            }
            self.flush_all();
        }
    }

    fn apply(&mut self, cmd: UiCommand) {
        match cmd {
            UiCommand::Create(req) => self.create(*req),
            UiCommand::Page { view, op } => match self.views.get_mut(&view) {
                Some(v) => v.batch.push(op),
                None => self.fail_evals(std::iter::once(&op), EvalError::Closed),
            },
            UiCommand::Resolve { view, page, op } => {
                if let Some(v) = self.views.get_mut(&view) {
                    if v.page == page {
                        v.batch.push(op);
                    } else {
                        log::debug!("auroraview: dropped a call result for a page that is gone");
                    }
                }
            }
            UiCommand::LoadUrl { view, url } => {
                let same_document = self
                    .views
                    .get(&view)
                    .and_then(|v| v.webview.url().ok())
                    .is_some_and(|current| same_document(&current, &url));
                self.navigate(view, !same_document, |v| {
                    v.policy.trust_url(&url);
                    v.webview.load_url(&url)
                })
            }
            UiCommand::LoadHtml { view, html } => {
                self.navigate(view, true, |v| v.webview.load_html(&html))
            }
            UiCommand::Reload { view } => self.navigate(view, true, |v| v.webview.reload()),
            UiCommand::SetTitle { view, title } => {
                if let Some(v) = self.views.get(&view) {
                    v.window.set_title(&title);
                }
            }
            UiCommand::SetVisible { view, visible } => {
                if let Some(v) = self.views.get(&view) {
                    v.window.set_visible(&v.webview, visible);
                }
            }
            UiCommand::SetBounds { view, bounds } => {
                if let Some(v) = self.embedded(view, "set_bounds") {
                    if let Err(err) = v.webview.set_bounds(bounds) {
                        log::warn!("auroraview: set_bounds on WebView {view} failed: {err}");
                    }
                }
            }
            UiCommand::Reparent { view, parent } => {
                if let Some(v) = self.embedded(view, "reparent") {
                    if let Err(err) = platform::reparent(&v.webview, parent) {
                        log::error!("auroraview: reparenting WebView {view} failed: {err}");
                    }
                }
            }
            UiCommand::Close { view } => self.close(view),
        }
    }

    /// The view, if it is embedded in a host window: placing and reparenting apply to
    /// those only (on a top-level window they would move the page inside its own window,
    /// or empty it). A top-level one gets a warning naming `what`.
    fn embedded(&self, view: u64, what: &str) -> Option<&View> {
        let v = self.views.get(&view)?;
        if v.window.is_embedded() {
            Some(v)
        } else {
            log::warn!(
                "auroraview: {what} applies to embedded WebViews only; WebView {view} is a \
                 top-level window (ignored)"
            );
            None
        }
    }

    /// Flushes the view's ops gathered so far (keeping order), then navigates. When the
    /// navigation loads a new document, what is sent from now on is for that document:
    /// it is held until its bridge reports ready. (A fragment-only change stays in the same
    /// document, which keeps its bridge: nothing is held.)
    fn navigate(
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
        if new_document {
            v.ready = false;
        }
        if let Err(err) = go(v) {
            log::error!("auroraview: navigation of WebView {view} failed: {err}");
        }
    }

    fn create(&mut self, req: CreateRequest) {
        let CreateRequest {
            spec,
            shared,
            inbound,
            reply,
        } = req;
        let id = shared.id;
        let naive_delivery = spec.naive_delivery;
        let token = new_token();
        let mut policy = OriginPolicy::new(&spec.allowed_origins);
        let context = self.web_context.as_mut();
        let built = (|| -> Result<(NativeWindow, wry::WebView), StartError> {
            let window = platform::create_window(&spec, id)?;
            let builder = match context {
                Some(context) => wry::WebViewBuilder::new_with_web_context(context),
                None => wry::WebViewBuilder::new(),
            };
            let mut builder = builder
                .with_initialization_script(crate::bridge::script(&token))
                .with_ipc_handler(move |request: wry::http::Request<String>| {
                    let url = request.uri().to_string();
                    event(UiEvent::Ipc {
                        view: id,
                        url,
                        body: request.into_body(),
                    });
                })
                .with_on_page_load_handler(move |load, _url| {
                    if matches!(load, wry::PageLoadEvent::Started) {
                        event(UiEvent::PageLoadStarted { view: id });
                    }
                })
                .with_devtools(spec.debug)
                // wry's defaults (visible, focused) would show a hidden WebView while it is
                // built and take keyboard focus from the host when embedding.
                .with_visible(spec.visible)
                .with_focused(spec.visible && spec.parent.is_none());
            if let Some(url) = &spec.url {
                policy.trust_url(url);
                builder = builder.with_url(url);
            } else {
                builder = builder.with_html(spec.html.clone().unwrap_or_default());
            }
            let webview = platform::build_webview(builder, &window, &spec)?;
            window.set_visible(&webview, spec.visible);
            Ok((window, webview))
        })();
        match built {
            Ok((window, webview)) => {
                self.views.insert(
                    id,
                    View {
                        shared,
                        webview,
                        window,
                        token,
                        policy,
                        page: 0,
                        ready: false,
                        held: Vec::new(),
                        batch: Vec::new(),
                        in_flight: HashSet::new(),
                        inbound,
                        warned_origin: false,
                        noise: NoiseLimit::default(),
                        naive: naive_delivery,
                    },
                );
                let _ = reply.send(Ok(()));
            }
            Err(err) => {
                shared.mark_closed();
                let _ = reply.send(Err(err));
            }
        }
    }

    fn close(&mut self, view: u64) {
        let Some(v) = self.views.remove(&view) else {
            return;
        };
        let mut v = v;
        v.shared.mark_closed();
        report_suppressed(view, v.noise.take_suppressed());
        self.rt.reactor.send(ReactorMsg::CloseView { view });
        let View {
            webview,
            window,
            inbound,
            ..
        } = v;
        drop(inbound); // the handler thread finishes its queue, calls on_closed, and ends
        platform::destroy(webview, window);
    }

    fn handle_event(&mut self, ev: UiEvent) {
        match ev {
            UiEvent::Ipc { view, url, body } => self.ipc(view, &url, &body),
            UiEvent::PageLoadStarted { view } => {
                let Some(v) = self.views.get_mut(&view) else {
                    return;
                };
                v.page += 1;
                v.ready = false;
                // Results of calls from the old page have nowhere to go.
                v.held.retain(|op| !matches!(op, PageOp::Resolve { .. }));
                v.batch.retain(|op| !matches!(op, PageOp::Resolve { .. }));
                let ids: Vec<u64> = v.in_flight.drain().collect();
                if !ids.is_empty() {
                    self.rt.reactor.send(ReactorMsg::Fail {
                        ids,
                        error: EvalError::PageChanged,
                    });
                }
            }
            UiEvent::CloseRequested { view } => self.close(view),
        }
    }

    fn ipc(&mut self, view: u64, url: &str, body: &str) {
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        let messages = match parse_post(body, &v.token) {
            Ok(messages) => messages,
            Err(err) => {
                page_warning(v, view, || format!("ignored a message: {err}"));
                return;
            }
        };
        if !v.policy.allows(url) {
            if !v.warned_origin {
                v.warned_origin = true;
                log::warn!(
                    "auroraview: WebView {view}: {url} is not an allowed origin; its page gets \
                     no bridge (allow it explicitly with allowed_origins)"
                );
            }
            return;
        }
        for msg in messages {
            match msg {
                Ok(msg) => self.inbound(view, msg),
                Err(err) => {
                    let Some(v) = self.views.get_mut(&view) else {
                        return;
                    };
                    page_warning(v, view, || match err {
                        ParseError::BadToken => "ignored an IPC message without its token (a \
                                                 sub-frame or a foreign script?)"
                            .to_string(),
                        err => format!("ignored a message: {err}"),
                    });
                }
            }
        }
    }

    fn inbound(&mut self, view: u64, msg: Inbound) {
        let rt = self.rt.clone();
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        match msg {
            Inbound::Init => {}
            Inbound::Ready => {
                v.ready = true;
                let mut ops = Vec::with_capacity(v.held.len() + 1 + v.batch.len());
                ops.push(PageOp::Ack);
                ops.append(&mut v.held);
                ops.append(&mut v.batch);
                v.batch = ops;
                flush_view(&rt, v, &mut self.script);
            }
            Inbound::Call { id, name, data } => {
                let call = CallRequest {
                    page: v.page,
                    id,
                    name,
                    data,
                };
                let _ = v.inbound.send(HandlerMsg::Call(call));
            }
            Inbound::Emit { name, data } => {
                let _ = v.inbound.send(HandlerMsg::Event { name, data });
            }
            Inbound::EvalResult { id, outcome } => {
                v.in_flight.remove(&id);
                rt.reactor.send(ReactorMsg::Complete {
                    id,
                    outcome: outcome.map_err(EvalError::Js),
                });
            }
            Inbound::Log { message } => {
                page_warning(v, view, || format!("page script error: {message}"));
            }
        }
    }

    fn flush_all(&mut self) {
        let rt = self.rt.clone();
        for v in self.views.values_mut() {
            flush_view(&rt, v, &mut self.script);
        }
    }

    fn fail_evals<'a>(&self, ops: impl Iterator<Item = &'a PageOp>, error: EvalError) {
        let ids = eval_ids(ops);
        if !ids.is_empty() {
            self.rt.reactor.send(ReactorMsg::Fail { ids, error });
        }
    }
}

/// Logs a warning caused by the page, within its [`NoiseLimit`].
fn page_warning(v: &mut View, view: u64, message: impl FnOnce() -> String) {
    if let Some(suppressed) = v.noise.admit(Instant::now()) {
        report_suppressed(view, suppressed);
        log::warn!("auroraview: WebView {view} {}", message());
    }
}

fn report_suppressed(view: u64, suppressed: u64) {
    if suppressed > 0 {
        log::warn!(
            "auroraview: WebView {view}: {suppressed} more warnings about its page were \
             suppressed (at most {} per {:?} are logged)",
            crate::noise::MAX_PER_WINDOW,
            crate::noise::WINDOW
        );
    }
}

fn eval_ids<'a>(ops: impl Iterator<Item = &'a PageOp>) -> Vec<u64> {
    ops.filter_map(|op| match op {
        PageOp::EvalWithResult { id, .. } => Some(*id),
        _ => None,
    })
    .collect()
}

/// Sends the view's gathered ops to the page as one script, or holds them until it is ready.
fn flush_view(rt: &RuntimeInner, v: &mut View, script: &mut String) {
    if v.batch.is_empty() {
        return;
    }
    if !v.ready {
        hold(rt, v);
        return;
    }
    let batch = std::mem::take(&mut v.batch);
    // Normally the whole batch is one script; the naive baseline sends one per op.
    let chunk = if v.naive { 1 } else { batch.len() };
    for ops in batch.chunks(chunk) {
        script.clear();
        render_batch(ops, script);
        let ids = eval_ids(ops.iter());
        match v.webview.evaluate_script(script) {
            Ok(()) => v.in_flight.extend(ids),
            Err(err) => {
                log::error!("auroraview: evaluating a batch failed: {err}");
                if !ids.is_empty() {
                    rt.reactor.send(ReactorMsg::Fail {
                        ids,
                        error: EvalError::Js(auroraview_core::ipc::JsError {
                            name: "Error".into(),
                            message: format!("the WebView refused the script: {err}"),
                        }),
                    });
                }
            }
        }
    }
    v.batch = batch;
    v.batch.clear();
    // Keep a burst's buffer from pinning memory forever.
    if script.capacity() > 1 << 22 {
        *script = String::new();
    }
}

/// True if going from `current` to `next` only changes the fragment: the browser scrolls or
/// routes within the same document instead of loading a new one.
fn same_document(current: &str, next: &str) -> bool {
    let base = |url: &str| url.split('#').next().unwrap_or("").to_owned();
    next.contains('#') && base(current) == base(next)
}

/// Keeps the batch for when the page is ready, up to [`MAX_HELD`] ops. A page that never
/// becomes ready (a disallowed origin, a hung load) must not grow memory without bound:
/// past the bound, evaluations fail with `PageChanged` and the rest is refused with a
/// warning naming how many ops were dropped.
fn hold(rt: &RuntimeInner, v: &mut View) {
    let room = MAX_HELD.saturating_sub(v.held.len());
    if v.batch.len() <= room {
        v.held.append(&mut v.batch);
        return;
    }
    let refused: Vec<PageOp> = v.batch.drain(room..).collect();
    v.held.append(&mut v.batch);
    let ids = eval_ids(refused.iter());
    if !ids.is_empty() {
        rt.reactor.send(ReactorMsg::Fail {
            ids,
            error: EvalError::PageChanged,
        });
    }
    log::warn!(
        "auroraview: WebView {} dropped {} operations: its page has not become ready and {} \
         are already waiting for it",
        v.shared.id,
        refused.len(),
        MAX_HELD
    );
}

/// A per-WebView secret the bridge attaches to every message (128 bits from the OS-seeded
/// hasher keys; unguessable by other frames, which cannot read the main frame's closure).
fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::with_capacity(32);
    for salt in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(salt);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::same_document;

    #[test]
    fn fragment_only_changes_stay_in_the_document() {
        assert!(same_document(
            "http://h/p.html",
            "http://h/p.html#/settings"
        ));
        assert!(same_document("http://h/p.html#a", "http://h/p.html#b"));
        assert!(!same_document("http://h/p.html#a", "http://h/p.html"));
        assert!(!same_document("http://h/p.html", "http://h/q.html#a"));
        assert!(!same_document("http://h/p.html", "http://h/p.html"));
    }
}
