//! Native dialogs as plain data: what to ask ([`DialogSpec`]) and how the answer comes back
//! (JSON text through a [`Completion`](crate::Completion), exactly once, on the completion
//! thread: `["/abs/path", ...]` or `null` when cancelled for file dialogs, `true`/`false`
//! for message dialogs).
//!
//! The UI thread shows the dialog without waiting (GTK: a non-blocking dialog whose
//! response arrives as an event); the answer, the caller's deadline or the WebView's close
//! ends it, whichever is first.

/// Which dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    OpenFile,
    OpenFiles,
    SaveFile,
    PickFolder,
    /// A message with one button (OK): answers `true`.
    Message,
    /// A question with OK and Cancel: `true` for OK.
    Confirm,
}

/// The icon and tone of a message dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageLevel {
    #[default]
    Info,
    Warning,
    Error,
}

/// One dialog to show.
#[derive(Debug, Clone)]
pub struct DialogSpec {
    pub kind: DialogKind,
    pub title: String,
    /// File dialogs: a folder to start in, or a file to preselect (its name is proposed when
    /// saving).
    pub default_path: Option<std::path::PathBuf>,
    /// File dialogs: `(name, ["*.png", "*.jpg"])`, in order; the first is selected.
    pub filters: Vec<(String, Vec<String>)>,
    /// Message dialogs: the text.
    pub message: String,
    pub level: MessageLevel,
}

impl DialogSpec {
    pub fn new(kind: DialogKind) -> Self {
        DialogSpec {
            kind,
            title: String::new(),
            default_path: None,
            filters: Vec::new(),
            message: String::new(),
            level: MessageLevel::Info,
        }
    }
}

/// A dialog on its way to the UI thread.
pub(crate) struct DialogRequest {
    pub(crate) id: u64,
    /// The WebView whose window is the dialog's parent (`None`: no parent).
    pub(crate) view: Option<u64>,
    pub(crate) spec: DialogSpec,
}
