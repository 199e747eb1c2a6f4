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
//!
//! Files: this one holds the entry points, the state and the pass (commands from the host);
//! `view.rs` one WebView and delivery to its page; `page.rs` what the page says;
//! `lifecycle.rs` creating, navigating and closing.

mod dialogs;
mod events;
mod lifecycle;
mod page;
mod page_docs;
mod page_posts;
mod processes;
mod profiles;

pub use profiles::set_default_data_directory;
mod scheme;
mod spare;
mod startup;
mod view;

pub(crate) use events::DeskEvent;

use crate::commands::UiCommand;
use crate::error::EvalError;
use crate::inner::RuntimeInner;
use crate::platform;
use std::cell::RefCell;
use std::collections::HashMap;
use std::mem::ManuallyDrop;
use std::sync::Arc;
use std::time::{Duration, Instant};
use view::{fail_evals, same_document, View};

/// Commands applied between two looks at the clock.
const PASS_SLICE: usize = 512;
/// How long one pass may apply commands before it yields the thread back to the event loop.
const PASS_BUDGET: Duration = Duration::from_millis(2);

/// Something a WebView callback reported.
pub(crate) enum UiEvent {
    /// A post from the page (see `auroraview_core::ipc`).
    Ipc {
        view: u64,
        body: platform::PostText,
    },
    /// A post read from the bridge's own socket (`platform::transport_linux`): the view is
    /// the one whose page `route.page` is. Linux only.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    SocketPost {
        route: platform::Route,
        text: String,
    },
    PageLoadStarted {
        view: u64,
    },
    /// The page's web process ended on its own (crashed, killed). Reported on Linux only so
    /// far (`platform::watch_web_process`).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    PageProcessEnded {
        view: u64,
        reason: String,
    },
    CloseRequested {
        view: u64,
    },
    /// The engine asks for a URL of a custom scheme (`ui/scheme.rs`). Linux only so far.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    SchemeRequest {
        request: platform::scheme::SchemeRequest,
    },
    /// Window and page events (`ui/events.rs`).
    Desk(DeskEvent),
}

pub(crate) struct UiState {
    rt: Arc<RuntimeInner>,
    views: HashMap<u64, View>,
    commands: Vec<UiCommand>,
    script: String,
    /// Browser data: one web context per profile (`ui/profiles.rs`).
    profiles: profiles::Profiles,
    /// Native dialogs being shown: id -> (its WebView, the dialog) (`ui/dialogs.rs`).
    dialogs: HashMap<u64, (u64, platform::desk::OpenDialog)>,
    /// Custom-scheme requests held until answered, and the registered schemes.
    schemes: scheme::SchemeTable,
    /// The spare WebView kept after `prewarm` (`ui/spare.rs`).
    spares: spare::Spares,
    /// Bursts of page posts, which may parse for a budget before they wait (`ui/page.rs`).
    arrivals: page_posts::Arrivals,
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
            profiles: profiles::Profiles::new(),
            dialogs: HashMap::new(),
            schemes: scheme::SchemeTable::default(),
            spares: spare::Spares::default(),
            arrivals: page_posts::Arrivals::default(),
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

/// Hosted mode, on the UI thread: creates a WebView now, outside the command queue. False
/// (nothing done) when called from inside a pass or a WebView callback, where the UI state
/// is in use (the request is dropped, which ends its handler thread).
pub(crate) fn create_now(req: crate::commands::CreateRequest) -> bool {
    contained("creating a WebView", || {
        STATE.with(|cell| {
            let Ok(mut guard) = cell.try_borrow_mut() else {
                return false;
            };
            let Some(state) = guard.as_mut() else {
                return false;
            };
            state.create(req);
            state.flush_all();
            state.drain_deferred();
            drop(guard);
            // A wake that came in while the WebView was being built (GTK runs a nested loop
            // then) was recorded, not lost: pass it on.
            if MISSED_WAKE.with(|m| m.replace(false)) {
                platform::wake();
            }
            true
        })
    })
    .unwrap_or(false)
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
                state.spare_tick();
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
            self.rt.commands.drain_up_to(&mut commands, PASS_SLICE);
            let drained = commands.len();
            for cmd in commands.drain(..) {
                self.apply(cmd);
            }
            if drained < PASS_SLICE {
                break;
            }
            if start.elapsed() >= PASS_BUDGET {
                self.rt.commands.rearm();
                break;
            }
        }
        self.commands = commands;
        self.drain_all_posts(Instant::now());
        self.flush_all();
        self.drain_deferred();
        self.spare_tick();
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
        if let Some(v) = cmd.ordered_view().and_then(|id| self.views.get_mut(&id)) {
            v.taken += 1;
        }
        match cmd {
            UiCommand::Create(req) => self.create(*req),
            UiCommand::Page { view, op } => match self.views.get_mut(&view) {
                Some(v) => v.batch.push(op),
                None => fail_evals(&self.rt, std::iter::once(&op), EvalError::Closed),
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
            UiCommand::LoadHtml { view, html } => self.navigate(view, true, |v| {
                v.policy.trust_inline();
                v.webview.load_html(&html)
            }),
            UiCommand::Reload { view } => self.reload(view),
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
                    if let Err(err) = v.window.set_bounds(&v.webview, bounds) {
                        log::warn!("auroraview: set_bounds on WebView {view} failed: {err}");
                    }
                }
            }
            UiCommand::Reparent { view, parent } => {
                if let Some(v) = self.embedded(view, "reparent") {
                    if let Err(err) = platform::reparent(&v.webview, &v.window, parent) {
                        log::error!("auroraview: reparenting WebView {view} failed: {err}");
                    }
                }
            }
            UiCommand::Close { view } => self.close(view),
            UiCommand::SchemeReply {
                view,
                request,
                reply,
            } => self.scheme_reply(view, request, reply),
            UiCommand::RegisterScheme { view, scheme } => self.register_scheme(view, scheme),
            UiCommand::Desk(cmd) => self.desk_command(cmd),
            UiCommand::Prewarm { spares } => self.prewarm(spares),
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

    fn handle_event(&mut self, ev: UiEvent) {
        match ev {
            UiEvent::Ipc { view, body } => self.ipc(view, body),
            UiEvent::SocketPost { route, text } => self.socket_post(route, text),
            UiEvent::PageLoadStarted { view } => self.page_load_started(view),
            UiEvent::PageProcessEnded { view, reason } => self.page_process_ended(view, reason),
            UiEvent::CloseRequested { view } => self.close_requested(view),
            UiEvent::SchemeRequest { request } => self.scheme_request(request),
            UiEvent::Desk(ev) => self.desk_event(ev),
        }
    }

    fn flush_all(&mut self) {
        let rt = self.rt.clone();
        for v in self.views.values_mut() {
            view::flush_view(&rt, v, &mut self.script);
            view::publish_lane(v);
        }
    }
}
