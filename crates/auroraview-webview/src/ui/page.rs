//! What the page says, on the UI thread: a post is parsed and authenticated, its sender's
//! origin judged, and each message handed on (calls and events to the handler thread,
//! evaluation results to the completion thread) without ever running Python or waiting.
//!
//! What must not live here: commands from the host (`mod.rs`), delivery to the page
//! (`view.rs`).

use super::view::{flush_view, page_warning, release_held, View};
use super::UiState;
use crate::call::{PageCall, Responder};
use crate::error::EvalError;
use crate::inner::RuntimeInner;
use crate::proxy::WebViewProxy;
use crate::reactor::ReactorMsg;
use crate::sink::{HandlerMsg, MAX_INBOX_BYTES};
use auroraview_core::ipc::{parse_post, Inbound, ParseError};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

impl UiState {
    /// A post from the page of WebView `view`.
    pub(super) fn ipc(&mut self, view: u64, body: &str) {
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        let start = Instant::now();
        let post = match parse_post(body, &v.token) {
            Ok(post) => post,
            Err(ParseError::BadToken) => {
                page_warning(v, view, || {
                    "ignored an IPC message without its token (a sub-frame or a foreign \
                     script?)"
                        .to_string()
                });
                return;
            }
            Err(err) => {
                page_warning(v, view, || format!("ignored a message: {err}"));
                return;
            }
        };
        let current = v.webview.url().unwrap_or_default();
        if !v.policy.allows(&post.url, &current) {
            if !v.warned_origin {
                v.warned_origin = true;
                log::warn!(
                    "auroraview: WebView {view}: {} is not an allowed origin; its page gets \
                     no bridge (allow it explicitly with allowed_origins)",
                    post.url
                );
            }
            return;
        }
        // Earlier messages still waiting means a flood: these join the queue for the
        // passes, so posts arriving back to back cost one parse each, not a parse and a
        // slice. Otherwise they are handed on now, within what is left of the budget.
        self.rt.page_posts.fetch_add(1, Ordering::Relaxed);
        self.rt
            .page_messages
            .fetch_add(post.messages.len() as u64, Ordering::Relaxed);
        let flooded = !v.backlog.is_empty();
        v.backlog.extend(post.messages);
        if flooded {
            self.rt.commands.rearm();
        } else {
            self.drain_backlog(view, start);
        }
    }

    /// Hands on the page messages of WebView `view` that wait, for at most
    /// [`BACKLOG_BUDGET`] from `start`; if some remain, asks for another pass, which goes on
    /// (a page posting 5,000 calls in one task must not hold a host's main thread at once).
    pub(super) fn drain_backlog(&mut self, view: u64, start: Instant) {
        let rt = self.rt.clone();
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        let mut handled = 0u32;
        while let Some(msg) = v.backlog.pop_front() {
            match msg {
                Ok(msg) => inbound(&rt, v, view, msg, &mut self.script),
                Err(err) => page_warning(v, view, || format!("ignored a message: {err}")),
            }
            handled += 1;
            if handled % 64 == 0 && start.elapsed() >= BACKLOG_BUDGET && !v.backlog.is_empty() {
                rt.commands.rearm();
                return;
            }
        }
    }

    /// Every WebView's waiting page messages, within the budget (from a pass).
    pub(super) fn drain_backlogs(&mut self, start: Instant) {
        let waiting: Vec<u64> = self
            .views
            .iter()
            .filter(|(_, v)| !v.backlog.is_empty())
            .map(|(id, _)| *id)
            .collect();
        for view in waiting {
            self.drain_backlog(view, start);
        }
    }
}

/// How long one pass (or one post's arrival) may spend handing page messages on.
const BACKLOG_BUDGET: Duration = Duration::from_millis(1);

fn inbound(rt: &Arc<RuntimeInner>, v: &mut View, view: u64, msg: Inbound, script: &mut String) {
    match msg {
        Inbound::Init => {
            if let Some(clock) = v.startup.as_mut() {
                clock.init(view);
            }
        }
        Inbound::Ready => {
            if let Some(clock) = v.startup.take() {
                clock.ready(view);
            }
            v.ready = true;
            release_held(v);
            flush_view(rt, v, script);
        }
        Inbound::Call {
            id,
            name,
            data,
            channel,
            bound,
        } => call(rt, v, id, (name, data), channel, bound),
        Inbound::Emit { name, data } => {
            if let Err(HandlerMsg::Event { name, .. }) =
                v.inbound.send(HandlerMsg::Event { name, data })
            {
                let waiting = v.inbound.waiting();
                page_warning(v, view, || {
                    format!(
                        "dropped the page's event '{name}': {waiting} bytes of page messages \
                         already wait for its handlers (at most {MAX_INBOX_BYTES})"
                    )
                });
            }
        }
        Inbound::EvalResult { id, outcome } => {
            // Only the page an evaluation was sent to may answer it: a result for an id
            // this page does not hold (another WebView's, an old page's) is ignored.
            if v.in_flight.remove(&id) {
                rt.reactor.send(ReactorMsg::Complete {
                    id,
                    view,
                    outcome: outcome.map_err(EvalError::Js),
                });
            } else {
                page_warning(v, view, || {
                    format!("ignored a result for evaluation {id}, which its page was not sent")
                });
            }
        }
        Inbound::Log { message } => {
            page_warning(v, view, || format!("page script error: {message}"));
        }
    }
}

/// Hands a call to the handler thread, or rejects it at once when the handlers are too far
/// behind (the inbox is bounded in bytes).
fn call(
    rt: &Arc<RuntimeInner>,
    v: &mut View,
    id: u64,
    (name, data): (String, String),
    channel: bool,
    bound: bool,
) {
    let proxy = WebViewProxy {
        view: v.shared.clone(),
        rt: rt.clone(),
    };
    let call = PageCall {
        name,
        data,
        channel,
        bound,
        responder: Responder::new(proxy, v.page, id),
    };
    if let Err(HandlerMsg::Call(call)) = v.inbound.send(HandlerMsg::Call(call)) {
        let message = format!(
            "auroraview.call('{}') was refused: {} bytes of page messages already wait for \
             this WebView's handlers (at most {MAX_INBOX_BYTES}); they are not keeping up, so \
             send less or wait for answers",
            call.name,
            v.inbound.waiting()
        );
        let _ = call.responder.reject("QueueFullError", &message);
    }
}
