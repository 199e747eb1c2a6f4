//! Window and page events on the UI thread: loads, titles, navigation and new-window
//! requests, close requests, dropped files, the inspector. Each is handed to the WebView's
//! handler thread as a [`WindowEvent`]; requests the application may refuse carry a
//! [`Decision`], and the UI thread carries the engine's request out when the answer arrives
//! as a command ([`DeskCommand::Decided`]), never waiting for it.
//!
//! Deadlines: each open decision is registered with the completion thread, which ends it by
//! the first of the answer, its deadline (allowed, with a warning) and the WebView's close.
//!
//! What must not live here: platform calls other than through `crate::platform`, dialogs
//! (`dialogs.rs`).

use super::view::{page_warning, release_held, View};
use super::{UiEvent, UiState};
use crate::commands::{DeskCommand, UiCommand};
use crate::error::EvalError;
use crate::inner::RuntimeInner;
use crate::platform::desk::PolicyHandle;
use crate::reactor::ReactorMsg;
use crate::sink::HandlerMsg;
use crate::window_event::{json_str, kind, Decision, WindowEvent};
use auroraview_core::ipc::PageOp;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a refusable request waits for the application by default.
pub(crate) const DEFAULT_DECISION_TIMEOUT: Duration = Duration::from_secs(5);

/// What the engine or the window reported.
pub(crate) enum DeskEvent {
    LoadStarted {
        view: u64,
        url: String,
    },
    Loaded {
        view: u64,
        url: String,
    },
    TitleChanged {
        view: u64,
        title: String,
    },
    /// A navigation (or, `new_window`, a new window) the engine asks about.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Policy {
        view: u64,
        new_window: bool,
        url: String,
        user_gesture: bool,
        handle: PolicyHandle,
    },
    FileDrop {
        view: u64,
        paths: Vec<PathBuf>,
        x: i32,
        y: i32,
    },
    /// A dialog was answered: its value as JSON text.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    DialogAnswered {
        view: u64,
        id: u64,
        value: String,
    },
}

/// What a refusable request holds until it is answered.
enum Pending {
    Navigation(PolicyHandle),
    Close,
}

/// A WebView's window-event state.
pub(crate) struct Desk {
    navigation_guard: bool,
    close_guard: bool,
    timeout: Duration,
    decisions: HashMap<u64, Pending>,
    close_pending: bool,
    /// Set by an application navigation (`load_url`, ...) that made the page not ready: the
    /// page counter and readiness before it, restored if the navigation is refused.
    pub(super) nav_restore: Option<(u64, bool)>,
    /// Built with an ephemeral context of its own (incognito).
    pub(super) private_profile: bool,
}

impl Desk {
    pub(super) fn new(private_profile: bool) -> Self {
        Desk {
            navigation_guard: false,
            close_guard: false,
            timeout: DEFAULT_DECISION_TIMEOUT,
            decisions: HashMap::new(),
            close_pending: false,
            nav_restore: None,
            private_profile,
        }
    }

    /// The WebView is closing: navigations still waiting for an answer are refused (the
    /// completion thread ends their decisions).
    pub(super) fn end(&mut self) {
        for (_, pending) in self.decisions.drain() {
            if let Pending::Navigation(handle) = pending {
                handle.refuse();
            }
        }
    }
}

/// Hands `event` to the view's handler thread; a full inbox drops it with a warning (a
/// decision it carries is then allowed, as a dropped one is).
fn send(v: &mut View, view: u64, event: WindowEvent) {
    if let Err(HandlerMsg::Window(event)) = v.inbound.send(HandlerMsg::Window(event)) {
        let what = event.kind;
        page_warning(v, view, || {
            format!("dropped the window event '{what}': its handlers are too far behind")
        });
    }
}

fn url_data(url: &str) -> String {
    format!("{{\"url\":{}}}", json_str(url))
}

impl UiState {
    pub(super) fn desk_command(&mut self, cmd: DeskCommand) {
        match cmd {
            DeskCommand::SetGuards {
                view,
                navigation,
                close,
                timeout,
            } => {
                if let Some(v) = self.views.get_mut(&view) {
                    v.desk.navigation_guard = navigation;
                    v.desk.close_guard = close;
                    v.desk.timeout = timeout;
                }
            }
            DeskCommand::RequestClose { view } => self.close_requested(view),
            DeskCommand::Decided { view, id, allow } => self.decided(view, id, allow),
            DeskCommand::OpenDevtools { view } => {
                if let Some(v) = self.views.get(&view) {
                    if let Err(err) = crate::platform::desk::open_devtools(&v.webview) {
                        log::warn!("auroraview: WebView {view}: cannot open the inspector: {err}");
                    }
                }
            }
            DeskCommand::Dialog(request) => self.dialog(*request),
            DeskCommand::DismissDialog { view, id } => self.dismiss_dialog(view, id),
        }
    }

    pub(super) fn desk_event(&mut self, ev: DeskEvent) {
        match ev {
            DeskEvent::LoadStarted { view, url } => {
                if let Some(v) = self.views.get_mut(&view) {
                    v.desk.nav_restore = None;
                    send(v, view, plain(kind::LOAD_STARTED, url_data(&url)));
                }
            }
            DeskEvent::Loaded { view, url } => {
                if let Some(v) = self.views.get_mut(&view) {
                    send(v, view, plain(kind::LOADED, url_data(&url)));
                }
            }
            DeskEvent::TitleChanged { view, title } => {
                if let Some(v) = self.views.get_mut(&view) {
                    let data = format!("{{\"title\":{}}}", json_str(&title));
                    send(v, view, plain(kind::TITLE_CHANGED, data));
                }
            }
            DeskEvent::Policy {
                view,
                new_window,
                url,
                user_gesture,
                handle,
            } => self.policy(view, new_window, url, user_gesture, handle),
            DeskEvent::DialogAnswered { view, id, value } => self.dialog_answered(view, id, value),
            DeskEvent::FileDrop { view, paths, x, y } => {
                let Some(v) = self.views.get_mut(&view) else {
                    return;
                };
                let paths: Vec<String> = paths
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                let data = serde_json::json!({"paths": paths, "x": x, "y": y}).to_string();
                // To the page first (in the next batch), then to the application.
                match PageOp::emit(kind::FILE_DROP, &data) {
                    Ok(op) => v.batch.push(op),
                    Err(err) => log::warn!("auroraview: WebView {view}: a file drop: {err}"),
                }
                send(v, view, plain(kind::FILE_DROP, data));
            }
        }
    }

    fn policy(
        &mut self,
        view: u64,
        new_window: bool,
        url: String,
        user_gesture: bool,
        handle: PolicyHandle,
    ) {
        let rt = self.rt.clone();
        let Some(v) = self.views.get_mut(&view) else {
            handle.refuse();
            return;
        };
        let data = format!(
            "{{\"url\":{},\"user_gesture\":{user_gesture}}}",
            json_str(&url)
        );
        if new_window {
            // Never a second engine window: the application opens the URL elsewhere (the
            // default browser) or not at all.
            handle.refuse();
            send(v, view, plain(kind::NEW_WINDOW, data));
            return;
        }
        if !v.desk.navigation_guard {
            handle.allow();
            return;
        }
        let decision = open_decision(&rt, v, view, Pending::Navigation(handle));
        send(
            v,
            view,
            WindowEvent {
                kind: kind::NAVIGATION,
                data,
                decision: Some(decision),
            },
        );
    }

    /// The window's close button (or `request_close`): closes now, or asks the application
    /// when it guards the close. One question at a time.
    pub(super) fn close_requested(&mut self, view: u64) {
        let rt = self.rt.clone();
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        if !v.desk.close_guard {
            return self.close(view);
        }
        if v.desk.close_pending {
            return;
        }
        v.desk.close_pending = true;
        let decision = open_decision(&rt, v, view, Pending::Close);
        send(
            v,
            view,
            WindowEvent {
                kind: kind::CLOSE_REQUESTED,
                data: "{}".into(),
                decision: Some(decision),
            },
        );
    }

    fn decided(&mut self, view: u64, id: u64, allow: bool) {
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        let Some(pending) = v.desk.decisions.remove(&id) else {
            return;
        };
        match pending {
            Pending::Navigation(handle) if allow => handle.allow(),
            Pending::Navigation(handle) => {
                handle.refuse();
                log::info!("auroraview: WebView {view}: a navigation was refused");
                // An application navigation that was refused leaves the old page in place,
                // still ready: what was held for the new one goes to it.
                if let Some((page, ready)) = v.desk.nav_restore.take() {
                    if page == v.page && ready && !v.ready && v.gone.is_none() {
                        v.ready = true;
                        release_held(v);
                    }
                }
            }
            Pending::Close => {
                v.desk.close_pending = false;
                if allow {
                    self.close(view);
                } else {
                    log::info!("auroraview: WebView {view}: closing was refused");
                }
            }
        }
    }
}

fn plain(kind: &'static str, data: String) -> WindowEvent {
    WindowEvent {
        kind,
        data,
        decision: None,
    }
}

/// Registers a decision with the completion thread (its deadline) and the view.
fn open_decision(rt: &Arc<RuntimeInner>, v: &mut View, view: u64, pending: Pending) -> Decision {
    let id = rt.next_eval_id();
    let deadline = Instant::now() + v.desk.timeout;
    let timeout = v.desk.timeout;
    let back = rt.clone();
    rt.reactor.send(ReactorMsg::Register {
        id,
        view,
        deadline,
        done: Box::new(move |outcome| {
            let allow = match outcome {
                Ok(value) => value != "false",
                Err(EvalError::Closed) => return,
                Err(EvalError::Timeout) => {
                    log::warn!(
                        "auroraview: WebView {view}: no answer to a request within {timeout:?}; \
                         allowing it"
                    );
                    true
                }
                Err(err) => {
                    log::warn!("auroraview: WebView {view}: a request ended ({err}); allowing it");
                    true
                }
            };
            let cmd = UiCommand::Desk(DeskCommand::Decided { view, id, allow });
            back.commands.force_push(cmd);
        }),
    });
    v.desk.decisions.insert(id, pending);
    Decision::new(rt.clone(), view, id)
}

impl From<DeskEvent> for UiEvent {
    fn from(ev: DeskEvent) -> Self {
        UiEvent::Desk(ev)
    }
}
