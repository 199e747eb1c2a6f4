//! Helpers every platform module uses: spawning the own-mode UI thread, containing panics at
//! entry points that C code calls, and the error and bounds of a WebView being built. No
//! toolkit code lives here.

use crate::error::StartError;
use crate::spec::WebViewSpec;

/// Spawns the own-mode UI thread `auroraview-ui`: `enter` prepares it (a failure is reported
/// to the caller and ends the thread), then `on_start` runs on it, then this returns Ok and
/// the thread runs `run` (its event loop, forever). (macOS has no own mode.)
#[cfg(not(target_os = "macos"))]
pub(super) fn spawn_ui_thread(
    enter: impl FnOnce() -> Result<(), StartError> + Send + 'static,
    on_start: impl FnOnce(auroraview_core::ThreadKey) + Send + 'static,
    run: impl FnOnce() + Send + 'static,
) -> Result<(), StartError> {
    let (tx, rx) = crossbeam_channel::bounded::<Result<(), StartError>>(1);
    std::thread::Builder::new()
        .name("auroraview-ui".into())
        .spawn(move || {
            if let Err(err) = enter() {
                let _ = tx.send(Err(err));
                return;
            }
            on_start(auroraview_core::ThreadKey::current());
            let _ = tx.send(Ok(()));
            run();
        })
        .map_err(|e| StartError(format!("cannot spawn the UI thread: {e}")))?;
    rx.recv_timeout(std::time::Duration::from_secs(30))
        .unwrap_or_else(|_| Err(StartError("the UI thread did not start within 30 s".into())))
}

/// Runs `f`, logging a panic instead of letting it unwind into the C code that called us
/// (which would abort the process: the host's, inside a DCC).
pub(super) fn contained(what: &str, f: impl FnOnce()) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err() {
        log::error!("auroraview: {what} panicked; the panic was contained");
    }
}

/// The error for a WebView wry could not build.
pub(super) fn build_failed(err: wry::Error) -> StartError {
    StartError(format!("cannot create the WebView: {err}"))
}

/// Where an embedded WebView starts: the spec's size at the parent's origin.
pub(super) fn child_bounds(spec: &WebViewSpec) -> wry::Rect {
    wry::Rect {
        position: wry::dpi::LogicalPosition::new(0, 0).into(),
        size: wry::dpi::LogicalSize::new(spec.width, spec.height).into(),
    }
}
