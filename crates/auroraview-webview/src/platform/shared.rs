//! Helpers every platform module uses: spawning the own-mode UI thread, and the error and
//! bounds of a WebView being built. No toolkit code lives here. (Panics are contained where
//! the platforms call in: `ui::process` and `ui::event`.)

use crate::error::StartError;

/// Spawns the own-mode UI thread `auroraview-ui`: `enter` prepares it (a failure is reported
/// to the caller and ends the thread) and returns what the thread holds while it runs (say,
/// its ownership of an event-loop context), then `on_start` runs on it, then this returns Ok
/// and the thread runs `run` (its event loop, forever). (macOS has no own mode.)
#[cfg(not(target_os = "macos"))]
pub(super) fn spawn_ui_thread<Held: 'static>(
    enter: impl FnOnce() -> Result<Held, StartError> + Send + 'static,
    on_start: impl FnOnce(auroraview_core::ThreadKey) + Send + 'static,
    run: impl FnOnce(Held) + Send + 'static,
) -> Result<(), StartError> {
    use crossbeam_channel::RecvTimeoutError;
    let (tx, rx) = crossbeam_channel::bounded::<Result<(), StartError>>(1);
    std::thread::Builder::new()
        .name("auroraview-ui".into())
        .spawn(move || {
            let held = match enter() {
                Ok(held) => held,
                Err(err) => {
                    let _ = tx.send(Err(err));
                    return;
                }
            };
            // A panic here unwinds past `held` (releasing what it holds) and drops `tx`.
            on_start(auroraview_core::ThreadKey::current());
            let _ = tx.send(Ok(()));
            run(held);
        })
        .map_err(|e| StartError(format!("cannot spawn the UI thread: {e}")))?;
    match rx.recv_timeout(std::time::Duration::from_secs(30)) {
        Ok(started) => started,
        Err(RecvTimeoutError::Timeout) => {
            Err(StartError("the UI thread did not start within 30 s".into()))
        }
        Err(RecvTimeoutError::Disconnected) => Err(StartError(
            "the UI thread ended while starting (a panic: see the log)".into(),
        )),
    }
}

/// The error for a WebView wry could not build.
pub(super) fn build_failed(err: wry::Error) -> StartError {
    StartError(format!("cannot create the WebView: {err}"))
}

/// Where an embedded WebView starts: the spec's size at the parent's origin. (Windows
/// places its own child window instead.)
#[cfg(not(target_os = "windows"))]
pub(super) fn child_bounds(spec: &crate::spec::WebViewSpec) -> wry::Rect {
    wry::Rect {
        position: wry::dpi::LogicalPosition::new(0, 0).into(),
        size: wry::dpi::LogicalSize::new(spec.width, spec.height).into(),
    }
}
