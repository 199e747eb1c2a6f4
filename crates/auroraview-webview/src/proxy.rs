//! [`WebViewProxy`]: drive one WebView from any thread.
//!
//! Every method only enqueues a command for the UI thread (lock-free, one wake per burst) and
//! returns; nothing here touches the WebView. Results come back through completions run on
//! the completion thread (`reactor.rs`), each exactly once, or through a bounded wait.

use crate::commands::UiCommand;
use crate::direct::MAX_UNREAD_BYTES;
use crate::error::{EvalError, SendError};
use crate::inner::RuntimeInner;
use crate::reactor::{CloseHook, Completion, ReactorMsg};
use crate::spin::{spin_recv, Spun, SPIN};
use crate::view_state::ViewShared;

use auroraview_core::ipc::{JsError, OpError, PageOp};
use auroraview_core::ThreadKey;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A thread-safe handle to one WebView. Cheap to clone.
#[derive(Clone)]
pub struct WebViewProxy {
    pub(crate) view: Arc<ViewShared>,
    pub(crate) rt: Arc<RuntimeInner>,
}

impl std::fmt::Debug for WebViewProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebViewProxy")
            .field("id", &self.view.id)
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl WebViewProxy {
    /// Process-unique id of the WebView.
    pub fn id(&self) -> u64 {
        self.view.id
    }

    pub fn is_closed(&self) -> bool {
        self.view.is_closed()
    }

    /// Waits at most `timeout` for the WebView to close; true if it did.
    pub fn wait_closed(&self, timeout: Duration) -> bool {
        self.view.wait_closed(timeout)
    }

    /// Waits at most `timeout` until the WebView has closed and the runtime's threads have
    /// finished with it: its handler thread returned from `IpcSink::on_closed`, and the
    /// completion thread ended its evaluations (their completions run) and its close hooks.
    /// After that nothing of the runtime calls the application for this WebView again.
    pub fn wait_finished(&self, timeout: Duration) -> bool {
        self.view.wait_finished(timeout)
    }

    /// Runs `hook` once, on the completion thread, as soon as the WebView has closed (at
    /// once if it has already), even while its handler thread is still busy; after the
    /// completions of every evaluation the close ended.
    pub fn on_closed(&self, hook: CloseHook) {
        self.rt.reactor.send(ReactorMsg::OnClose {
            view: self.view.id,
            closed: self.view.clone(),
            hook,
        });
    }

    pub(crate) fn send(&self, cmd: UiCommand) -> Result<(), SendError> {
        if self.is_closed() {
            return Err(SendError::Closed);
        }
        let ordered = cmd.ordered_view().is_some();
        if ordered {
            self.view.lane.count_push();
        }
        let pushed = self.rt.commands.push(cmd);
        if ordered && pushed.is_err() {
            self.view.lane.uncount_push();
        }
        pushed
    }

    fn page_op(&self, op: Result<PageOp, OpError>) -> Result<(), SendError> {
        let op = op.map_err(SendError::Payload)?;
        self.send(UiCommand::Page {
            view: self.view.id,
            op,
        })
    }

    /// Delivers event `name` with `data` (JSON text) to the page's `auroraview.on` listeners.
    /// `PageBehind` while the page's web process has more than [`MAX_UNREAD_BYTES`] of
    /// scripts unread (by the bridge's socket; the engine's way has no such count).
    pub fn emit(&self, name: &str, data: &str) -> Result<(), SendError> {
        let unread = self.view.lane.unread_bytes();
        if unread > MAX_UNREAD_BYTES {
            return Err(SendError::PageBehind { unread });
        }
        self.page_op(PageOp::emit(name, data))
    }

    /// Runs `script` in the page; errors it throws are logged.
    pub fn eval(&self, script: &str) -> Result<(), SendError> {
        self.page_op(PageOp::eval(script))
    }

    /// Runs `script` and calls `done` exactly once, on the completion thread, with its value
    /// (JSON text; Promises are awaited) or an error: JS error, timeout, closed, page changed,
    /// or a send error.
    pub fn eval_async(&self, script: &str, timeout: Duration, done: Completion) {
        let id = self.rt.next_eval_id();
        let deadline = Instant::now()
            .checked_add(timeout)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400 * 365));
        self.rt.reactor.send(ReactorMsg::Register {
            id,
            view: self.view.id,
            deadline,
            done,
        });
        let sent = PageOp::eval_with_result(id, script)
            .map_err(SendError::Payload)
            .and_then(|op| {
                self.send(UiCommand::Page {
                    view: self.view.id,
                    op,
                })
            });
        if let Err(err) = sent {
            let error = match err {
                SendError::Closed => EvalError::Closed,
                other => EvalError::Send(other),
            };
            self.rt.reactor.send(ReactorMsg::Fail {
                ids: vec![id],
                error,
            });
        }
    }

    /// Runs `script` and waits at most `timeout` for its value. Refused on the UI thread
    /// (the page could never answer while that thread waits).
    pub fn eval_wait(&self, script: &str, timeout: Duration) -> Result<String, EvalError> {
        if self.is_closed() {
            return Err(EvalError::Closed);
        }
        if ThreadKey::current() == self.rt.ui_thread {
            return Err(EvalError::Send(SendError::WouldDeadlock(
                "a blocking eval on the WebView's UI thread would deadlock: use the \
                 asynchronous form (eval_js_async / a callback) on this thread",
            )));
        }
        if ThreadKey::current() == self.rt.reactor.thread {
            return Err(EvalError::Send(SendError::WouldDeadlock(
                "a blocking eval inside an eval_js_async callback would deadlock (results \
                 are delivered on this thread): chain another eval_js_async instead",
            )));
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        self.eval_async(
            script,
            timeout,
            Box::new(move |outcome| {
                let _ = tx.send(outcome);
            }),
        );
        // The completion thread ends the evaluation by its deadline; the margin only covers
        // scheduling delays.
        match spin_recv(&rx, SPIN, Some(Instant::now() + timeout)) {
            Spun::Got(outcome) => outcome,
            Spun::Disconnected => Err(EvalError::Closed),
            Spun::Empty => rx
                .recv_timeout(timeout + Duration::from_secs(2))
                .unwrap_or(Err(EvalError::Timeout)),
        }
    }

    /// Settles JS call `id` of page `page` with a value (JSON text) or an error. A value
    /// that is too large or not JSON rejects the call with an error saying so. Only a
    /// [`Responder`](crate::Responder) calls this: it is how a call is settled once.
    pub(crate) fn resolve(
        &self,
        page: u64,
        id: u64,
        outcome: Result<String, JsError>,
    ) -> Result<(), SendError> {
        let op = match PageOp::resolve(id, outcome) {
            Ok(op) => op,
            Err(err) => {
                let name = match err {
                    OpError::TooLarge(_) => "RangeError",
                    OpError::InvalidJson(_) => "TypeError",
                };
                PageOp::resolve(
                    id,
                    Err(JsError {
                        name: name.into(),
                        message: format!("the handler's result was refused: {err}"),
                    }),
                )
                .map_err(SendError::Payload)?
            }
        };
        // A call's answer is never refused at the queue's bound: the page is waiting for
        // it, and there are only as many as the page made calls.
        if self.is_closed() {
            return Err(SendError::Closed);
        }
        // Straight to the page when nothing is ahead of it (`direct.rs`).
        if self.view.lane.try_send(page, &op) {
            self.rt.direct_answers.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let cmd = UiCommand::Resolve {
            view: self.view.id,
            page,
            op,
        };
        self.view.lane.count_push();
        self.rt.commands.force_push(cmd);
        Ok(())
    }

    /// Sends this WebView's requests for `scheme` (`scheme://...`) to its sink's
    /// `on_protocol` from now on. The scheme must pass [`crate::check_scheme`].
    pub fn register_scheme(&self, scheme: &str) -> Result<(), SendError> {
        self.send(UiCommand::RegisterScheme {
            view: self.view.id,
            scheme: scheme.to_owned(),
        })
    }

    /// A message on call `id`'s channel, for page `page` (see `Responder::message`).
    pub(crate) fn message(&self, page: u64, id: u64, data: &str) -> Result<(), SendError> {
        let op = PageOp::message(id, data).map_err(SendError::Payload)?;
        self.send(UiCommand::Resolve {
            view: self.view.id,
            page,
            op,
        })
    }

    pub fn load_url(&self, url: &str) -> Result<(), SendError> {
        self.send(UiCommand::LoadUrl {
            view: self.view.id,
            url: url.to_owned(),
        })
    }

    pub fn load_html(&self, html: &str) -> Result<(), SendError> {
        self.send(UiCommand::LoadHtml {
            view: self.view.id,
            html: html.to_owned(),
        })
    }

    pub fn reload(&self) -> Result<(), SendError> {
        self.send(UiCommand::Reload { view: self.view.id })
    }

    pub fn set_title(&self, title: &str) -> Result<(), SendError> {
        self.send(UiCommand::SetTitle {
            view: self.view.id,
            title: title.to_owned(),
        })
    }

    pub fn set_visible(&self, visible: bool) -> Result<(), SendError> {
        self.send(UiCommand::SetVisible {
            view: self.view.id,
            visible,
        })
    }

    /// Places an embedded WebView at `x, y` with size `width x height` (logical pixels) in
    /// its parent window.
    pub fn set_bounds(&self, x: i32, y: i32, width: u32, height: u32) -> Result<(), SendError> {
        self.send(UiCommand::SetBounds {
            view: self.view.id,
            bounds: wry::Rect {
                position: wry::dpi::LogicalPosition::new(x, y).into(),
                size: wry::dpi::LogicalSize::new(width, height).into(),
            },
        })
    }

    /// Moves an embedded WebView into another native parent window (`Some(id)`), or parks
    /// it hidden (`None`) while its host window is recreated. On the UI thread this happens
    /// before the call returns (the host window may be about to disappear).
    pub fn reparent(&self, parent: Option<u64>) -> Result<(), SendError> {
        self.send(UiCommand::Reparent {
            view: self.view.id,
            parent,
        })?;
        if ThreadKey::current() == self.rt.ui_thread {
            crate::platform::run_pass_here();
        }
        Ok(())
    }

    /// Closes the WebView. Pending evaluations end with `Closed`; the handler thread ends
    /// after `IpcSink::on_closed`. Closing a closed WebView is a no-op.
    pub fn close(&self) {
        if self.is_closed() {
            return;
        }
        // Never refused, even at the queue's bound.
        self.rt
            .commands
            .force_push(UiCommand::Close { view: self.view.id });
    }
}
