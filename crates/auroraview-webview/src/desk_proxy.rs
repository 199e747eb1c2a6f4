//! [`WebViewProxy`] methods for window events, the inspector and dialogs: each only queues a
//! command for the UI thread (see `ui/events.rs`, `ui/dialogs.rs`) and returns.

use crate::commands::{DeskCommand, UiCommand};
use crate::dialog::{DialogRequest, DialogSpec};
use crate::error::{EvalError, SendError};
use crate::proxy::WebViewProxy;
use crate::reactor::{Completion, ReactorMsg};
use std::time::{Duration, Instant};

impl WebViewProxy {
    /// Which requests the application decides: navigations and/or closes. Each waits at
    /// most `timeout` for its answer (then it is allowed, with a warning).
    pub fn set_guards(
        &self,
        navigation: bool,
        close: bool,
        timeout: Duration,
    ) -> Result<(), SendError> {
        self.send(UiCommand::Desk(DeskCommand::SetGuards {
            view: self.view.id,
            navigation,
            close,
            timeout,
        }))
    }

    /// Asks to close the WebView as its window's close button does: the application's
    /// close guard (if any) may refuse. `close()` closes without asking.
    pub fn request_close(&self) -> Result<(), SendError> {
        self.send(UiCommand::Desk(DeskCommand::RequestClose {
            view: self.view.id,
        }))
    }

    /// Opens the web inspector (the WebView must have been made with `debug`).
    pub fn open_devtools(&self) -> Result<(), SendError> {
        self.send(UiCommand::Desk(DeskCommand::OpenDevtools {
            view: self.view.id,
        }))
    }

    /// Shows a native dialog parented to this WebView's window (or, embedded, to the host's
    /// top-level window) and calls `done` exactly once, on the completion thread, with its
    /// answer as JSON text, or an error: `Timeout` after `timeout` (the dialog is then
    /// dismissed), `Closed` when the WebView closes first, or a send error.
    pub fn dialog(&self, spec: DialogSpec, timeout: Duration, done: Completion) {
        let id = self.rt.next_eval_id();
        let view = self.view.id;
        let deadline = Instant::now()
            .checked_add(timeout)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400 * 365));
        let rt = self.rt.clone();
        let done: Completion = Box::new(move |outcome| {
            if matches!(outcome, Err(EvalError::Timeout)) {
                // Nobody waits for its answer any more: take the dialog away.
                let cmd = UiCommand::Desk(DeskCommand::DismissDialog { view, id });
                rt.commands.force_push(cmd);
            }
            done(outcome)
        });
        self.rt.reactor.send(ReactorMsg::Register {
            id,
            view,
            deadline,
            done,
        });
        let request = DialogRequest {
            id,
            view: Some(view),
            spec,
        };
        if let Err(err) = self.send(UiCommand::Desk(DeskCommand::Dialog(Box::new(request)))) {
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
}
