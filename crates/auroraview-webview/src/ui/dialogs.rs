//! Native dialogs on the UI thread: shown without waiting, kept until answered, dismissed
//! when nobody waits for them any more or their WebView closes. Answers go to the
//! completion thread, which ends each dialog's request exactly once (see `dialog.rs`).
//!
//! What must not live here: building the toolkit's dialogs (`platform::desk`).

use super::UiState;
use crate::dialog::DialogRequest;
use crate::error::EvalError;
use crate::platform::desk;
use crate::reactor::ReactorMsg;
use auroraview_core::ipc::JsError;

impl UiState {
    pub(super) fn dialog(&mut self, request: DialogRequest) {
        let DialogRequest { id, view, spec } = request;
        let parent = match view {
            Some(view) => match self.views.get(&view) {
                Some(v) => Some(&v.window),
                None => {
                    self.rt.reactor.send(ReactorMsg::Fail {
                        ids: vec![id],
                        error: EvalError::Closed,
                    });
                    return;
                }
            },
            None => None,
        };
        let owner = view.unwrap_or(0);
        match desk::show_dialog(parent, &spec, owner, id) {
            Ok(open) => {
                self.dialogs.insert(id, (owner, open));
            }
            Err(message) => self.rt.reactor.send(ReactorMsg::Fail {
                ids: vec![id],
                error: EvalError::Js(JsError {
                    name: "DialogError".into(),
                    message,
                }),
            }),
        }
    }

    pub(super) fn dialog_answered(&mut self, view: u64, id: u64, value: String) {
        if let Some((_, open)) = self.dialogs.remove(&id) {
            desk::close_dialog(open);
        }
        self.rt.reactor.send(ReactorMsg::Complete {
            id,
            view,
            outcome: Ok(value),
        });
    }

    pub(super) fn dismiss_dialog(&mut self, _view: u64, id: u64) {
        if let Some((_, open)) = self.dialogs.remove(&id) {
            desk::close_dialog(open);
        }
    }

    /// WebView `view` is closing: its dialogs go with it (their requests end `Closed`).
    pub(super) fn close_dialogs_of(&mut self, view: u64) {
        let ids: Vec<u64> = self
            .dialogs
            .iter()
            .filter(|(_, (owner, _))| *owner == view)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            if let Some((_, open)) = self.dialogs.remove(&id) {
                desk::close_dialog(open);
            }
        }
    }
}
