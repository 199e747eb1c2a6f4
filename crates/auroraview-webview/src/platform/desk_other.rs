//! Platforms other than Linux: window events, window options, the inspector and dialogs are
//! implemented on Linux only so far. Navigations are never held (the engine decides), no
//! option is applied (a warning says so), and dialogs fail with an error saying why.

use super::NativeWindow;
use crate::dialog::DialogSpec;
use crate::spec::WindowOptions;

/// No engine request is ever held here.
pub(crate) enum PolicyHandle {}

impl PolicyHandle {
    pub(crate) fn allow(self) {
        match self {}
    }

    pub(crate) fn refuse(self) {
        match self {}
    }
}

pub(crate) fn watch_policy(_webview: &wry::WebView, _view: u64) {}

pub(crate) fn warn_window_options(options: &WindowOptions) {
    if options.any() {
        log::warn!(
            "auroraview: window options (frameless, always_on_top, position, ...) are \
             implemented on Linux only so far; ignored on {}",
            std::env::consts::OS
        );
    }
}

pub(crate) fn open_devtools(_webview: &wry::WebView) -> Result<(), String> {
    Err(format!(
        "opening the inspector is implemented on Linux only so far (not on {})",
        std::env::consts::OS
    ))
}

/// No dialog is ever shown here.
pub(crate) enum OpenDialog {}

pub(crate) fn close_dialog(dialog: OpenDialog) {
    match dialog {}
}

pub(crate) fn show_dialog(
    _parent: Option<&NativeWindow>,
    _spec: &DialogSpec,
    _view: u64,
    _id: u64,
) -> Result<OpenDialog, String> {
    Err(format!(
        "native dialogs are implemented on Linux only so far (not on {})",
        std::env::consts::OS
    ))
}
