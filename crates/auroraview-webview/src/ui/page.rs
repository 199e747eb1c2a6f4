//! What the page says, on the UI thread: a post is parsed and authenticated, its sender's
//! origin judged, and each message handed on (calls and events to the handler thread,
//! evaluation results to the completion thread) without ever running Python or waiting.
//!
//! What must not live here: commands from the host (`mod.rs`), delivery to the page
//! (`view.rs`).

use super::page_docs::Sorted;
use super::page_posts::{Next, POSTS_BUDGET};
use super::view::{
    fence_after_socket_post, fence_passed, flush_view, page_warning, release_held, View, FENCE_BIT,
};
use super::UiState;
use crate::call::{PageCall, Responder};
use crate::error::EvalError;
use crate::inner::RuntimeInner;
use crate::platform::{PostText, Route};
use crate::proxy::WebViewProxy;
use crate::reactor::ReactorMsg;
use crate::sink::{HandlerMsg, MAX_INBOX_BYTES};
use auroraview_core::ipc::{parse_post, post_token, Inbound, ParseError, Post};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

impl UiState {
    /// A post from the page of WebView `view`. Parsed and handed on at once, unless older
    /// posts or messages of the view still wait or the UI thread is in a burst of arrivals
    /// that has used [`POSTS_BUDGET`]: then it waits, unconverted and unparsed, for the next
    /// pass, unless more than [`MAX_WAITING_POSTS`](super::page_posts::MAX_WAITING_POSTS) wait,
    /// which are all parsed now. (WebKit hands the UI thread every post that came meanwhile
    /// in one go: converted and parsed on arrival, the posts of a flood held a host's main
    /// thread for up to 5 ms between two of its timers.)
    pub(super) fn ipc(&mut self, view: u64, body: PostText) {
        let start = Instant::now();
        let busy = self.arrivals.busy(start);
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        if v.posts.must_wait(busy) {
            self.rt.page_posts_waited.fetch_add(1, Ordering::Relaxed);
            v.posts.wait(body);
            if v.posts.too_many_waiting() {
                self.drain_posts(view, start, Duration::MAX);
            } else {
                self.rt.commands.rearm();
            }
        } else {
            accept_post(&self.rt, v, view, body);
            self.drain_posts(view, start, POSTS_BUDGET);
        }
        self.arrivals.end(Instant::now());
    }

    /// A post read from the bridge's socket: the WebView whose token it starts with takes it
    /// as it would one through the engine (the engine's page ids change when a navigation
    /// moves the page to another web process, so they cannot say). None does (a closed
    /// view's page, a post that is not the bridge's): it is dropped.
    pub(super) fn socket_post(&mut self, route: Route, text: String) {
        let token = post_token(&text).unwrap_or_default();
        let view = self
            .views
            .iter()
            .find(|(_, v)| !token.is_empty() && v.token == token)
            .map(|(id, _)| *id);
        match view {
            Some(view) => self.ipc(view, PostText::from_socket(text, route)),
            None => log::debug!("auroraview: dropped a socket post for no open WebView"),
        }
    }

    /// Hands on what waits for WebView `view`, parsing its waiting posts on the way, for at
    /// most `budget` from `start` ([`POSTS_BUDGET`] but when catching up); if some remain,
    /// asks for another pass, which goes on (a page posting 5,000 calls in one task must not
    /// hold a host's main thread at once).
    pub(super) fn drain_posts(&mut self, view: u64, start: Instant, budget: Duration) {
        let rt = self.rt.clone();
        let Some(v) = self.views.get_mut(&view) else {
            return;
        };
        let mut handled = 0u32;
        loop {
            if v.posts.next_is_post() && start.elapsed() >= budget {
                rt.commands.rearm();
                return;
            }
            match v.posts.next() {
                None => return,
                Some(Next::Post(body)) => accept_post(&rt, v, view, body),
                Some(Next::Message(msg)) => {
                    match msg {
                        Ok(msg) => inbound(&rt, v, view, msg, &mut self.script),
                        Err(err) => page_warning(v, view, || format!("ignored a message: {err}")),
                    }
                    handled += 1;
                    if handled % 64 == 0 && start.elapsed() >= budget && !v.posts.is_empty() {
                        rt.commands.rearm();
                        return;
                    }
                }
            }
        }
    }

    /// Every WebView's waiting posts and messages, within the budget (from a pass).
    pub(super) fn drain_all_posts(&mut self, start: Instant) {
        let waiting: Vec<u64> = self
            .views
            .iter()
            .filter(|(_, v)| !v.posts.is_empty())
            .map(|(id, _)| *id)
            .collect();
        for view in waiting {
            self.drain_posts(view, start, POSTS_BUDGET);
        }
    }
}

/// Parses and authenticates one post of WebView `view`, sorts it by document
/// (`page_docs.rs`), and takes it, with any that waited for its document: each is judged
/// by its sender's origin and its messages queued to be handed on.
fn accept_post(rt: &RuntimeInner, v: &mut View, view: u64, body: PostText) {
    let (body, route) = body.into_parts();
    let post = match parse_post(&body, &v.token) {
        Ok(post) => post,
        Err(ParseError::BadToken) => {
            page_warning(v, view, || {
                "ignored an IPC message without its token (a sub-frame or a foreign script?)"
                    .to_string()
            });
            return;
        }
        Err(err) => {
            page_warning(v, view, || format!("ignored a message: {err}"));
            return;
        }
    };
    match v.docs.sort(post, route, body.len()) {
        Sorted::Take(posts) => {
            let mut messages = Vec::new();
            for (post, route) in posts {
                if let Some(taken) = take_post(rt, v, view, post, route) {
                    messages.extend(taken);
                }
            }
            v.posts.parsed(messages);
        }
        Sorted::Waits => {}
        Sorted::Stale => {
            log::debug!("auroraview: WebView {view}: dropped a post of a page it left")
        }
        Sorted::Refused(why) => page_warning(v, view, || format!("ignored {why}")),
    }
}

/// Judges a post's sender's origin and gives its messages to queue (none when refused); one
/// that came by the bridge's socket may let scripts go back that way (a fence).
fn take_post(
    rt: &RuntimeInner,
    v: &mut View,
    view: u64,
    post: Post,
    route: Option<Route>,
) -> Option<Vec<Result<Inbound, ParseError>>> {
    let current = v.webview.url().unwrap_or_default();
    if !v.policy.allows(&post.url, &current) {
        if !v.warned_origin {
            v.warned_origin = true;
            log::warn!(
                "auroraview: WebView {view}: {} is not an allowed origin; its page gets no \
                 bridge (allow it explicitly with allowed_origins)",
                post.url
            );
        }
        return None;
    }
    rt.page_posts.fetch_add(1, Ordering::Relaxed);
    if let Some(route) = route {
        rt.socket_posts.fetch_add(1, Ordering::Relaxed);
        fence_after_socket_post(v, route);
    }
    rt.page_messages
        .fetch_add(post.messages.len() as u64, Ordering::Relaxed);
    Some(post.messages)
}

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
        Inbound::EvalResult { id, .. } if id & FENCE_BIT != 0 => fence_passed(v, id),
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
