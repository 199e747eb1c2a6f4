//! What the UI thread can be asked to do ([`UiCommand`]), and [`Commands`]: the one handle
//! through which every thread asks it. A push wakes the UI thread's loop only when it found
//! no wake pending (one wake per burst); nothing else in the crate pairs a push with
//! `platform::wake`.
//!
//! Lives here: the command types and the push-then-wake rule. Not here: applying commands
//! (the UI thread's passes, `ui/`), or deciding what to send (`proxy.rs`, `runtime.rs`).

use crate::error::{SendError, StartError};
use crate::sink::{Inbox, IpcSink};
use crate::spec::WebViewSpec;
use crate::view_state::ViewShared;
use auroraview_core::command_queue::{CommandQueue, PushError, Wake};
use auroraview_core::ipc::PageOp;
use std::sync::Arc;
use std::time::Duration;

/// How many commands may wait for the UI thread at once. Past it, senders get
/// `SendError::QueueFull` (the command is not queued, and not silently dropped).
pub const COMMAND_QUEUE_CAPACITY: usize = 1 << 20;

/// A command for the UI thread.
pub(crate) enum UiCommand {
    Create(Box<CreateRequest>),
    Page {
        view: u64,
        op: PageOp,
    },
    Resolve {
        view: u64,
        page: u64,
        op: PageOp,
    },
    LoadUrl {
        view: u64,
        url: String,
    },
    LoadHtml {
        view: u64,
        html: String,
    },
    Reload {
        view: u64,
    },
    SetTitle {
        view: u64,
        title: String,
    },
    SetVisible {
        view: u64,
        visible: bool,
    },
    SetBounds {
        view: u64,
        bounds: wry::Rect,
    },
    Reparent {
        view: u64,
        parent: Option<u64>,
    },
    Close {
        view: u64,
    },
    /// A worker's answer to a custom-scheme request (`ui/scheme.rs`).
    SchemeReply {
        view: u64,
        request: u64,
        reply: crate::scheme::SchemeReply,
    },
    /// `register_protocol`: the view's requests for `scheme` go to its sink.
    RegisterScheme {
        view: u64,
        scheme: String,
    },
    /// Window events, page events and dialogs (`ui/events.rs`).
    Desk(DeskCommand),
    /// Make the default web context now; keep `spares` spare WebViews (`ui/spare.rs`).
    Prewarm {
        spares: usize,
    },
}

impl UiCommand {
    /// The view whose page this command is ordered with, for direct answers (`direct.rs`):
    /// its page operations, call answers and navigations. Pushers count these per view, and
    /// the UI thread counts them as it takes them; the two counts must use this one rule.
    pub(crate) fn ordered_view(&self) -> Option<u64> {
        match self {
            UiCommand::Page { view, .. }
            | UiCommand::Resolve { view, .. }
            | UiCommand::LoadUrl { view, .. }
            | UiCommand::LoadHtml { view, .. }
            | UiCommand::Reload { view }
            | UiCommand::RegisterScheme { view, .. } => Some(*view),
            _ => None,
        }
    }
}

pub(crate) struct CreateRequest {
    pub(crate) spec: WebViewSpec,
    pub(crate) shared: Arc<ViewShared>,
    pub(crate) inbound: Inbox,
    /// Answers the view's custom-scheme requests (on the protocol threads).
    pub(crate) sink: Arc<dyn IpcSink>,
    pub(crate) reply: crossbeam_channel::Sender<Result<(), StartError>>,
    /// When it was queued (start-up timing, `ui/startup.rs`).
    pub(crate) queued: std::time::Instant,
}

/// Commands about window events (from `WebViewProxy`, or the completion thread).
pub(crate) enum DeskCommand {
    /// Which requests the application wants to decide, and how long it may take.
    SetGuards {
        view: u64,
        navigation: bool,
        close: bool,
        timeout: Duration,
    },
    /// Ask to close, as the window's close button does (refusable).
    RequestClose {
        view: u64,
    },
    /// The answer to decision `id` (or its deadline, or a dropped `Decision`).
    Decided {
        view: u64,
        id: u64,
        allow: bool,
    },
    OpenDevtools {
        view: u64,
    },
    /// A native dialog (`dialogs.rs`).
    Dialog(Box<crate::dialog::DialogRequest>),
    /// Nobody waits for dialog `id` any more (its deadline passed): take it away.
    DismissDialog {
        view: u64,
        id: u64,
    },
}

/// The UI thread's command queue and its wake, as one handle.
pub(crate) struct Commands {
    queue: CommandQueue<UiCommand>,
}

impl Commands {
    pub(crate) fn new() -> Self {
        Self {
            queue: CommandQueue::new(COMMAND_QUEUE_CAPACITY),
        }
    }

    /// Queues `cmd`, waking the UI thread if no wake is pending. `QueueFull` when
    /// [`COMMAND_QUEUE_CAPACITY`] commands are waiting (the command is not queued).
    pub(crate) fn push(&self, cmd: UiCommand) -> Result<(), SendError> {
        match self.queue.push(cmd) {
            Ok(wake) => {
                Self::wake_if(wake);
                Ok(())
            }
            Err(PushError::Full(_)) => Err(SendError::QueueFull {
                capacity: self.queue.capacity(),
            }),
        }
    }

    /// Queues `cmd` even past the capacity: for what must never be refused (a close, the
    /// answer to something the UI thread holds, the end of an evaluation).
    pub(crate) fn force_push(&self, cmd: UiCommand) {
        Self::wake_if(self.queue.force_push(cmd));
    }

    /// Queues `cmd` ahead of every other waiting command (a WebView's creation).
    pub(crate) fn push_priority(&self, cmd: UiCommand) {
        Self::wake_if(self.queue.push_priority(cmd));
    }

    /// UI thread: moves at most `max` waiting commands into `out`, in order.
    pub(crate) fn drain_up_to(&self, out: &mut Vec<UiCommand>, max: usize) {
        self.queue.drain_up_to(out, max);
    }

    /// UI thread, ending a pass early: asks for another pass if commands are still waiting.
    pub(crate) fn rearm(&self) {
        Self::wake_if(self.queue.rearm());
    }

    /// Commands waiting now.
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    fn wake_if(wake: Wake) {
        if wake == Wake::Needed {
            crate::platform::wake();
        }
    }
}
