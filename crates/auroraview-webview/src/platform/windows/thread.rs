//! Windows: the UI thread, Win32 only (no WebView2 here): its COM apartment, its wake
//! window and its message pump.
//!
//! - WebView2 needs a single-threaded COM apartment (STA) on the thread that owns it. The UI
//!   thread joins one with `OleInitialize` (OLE too, for drag and drop). A thread that
//!   already joined the multithreaded apartment cannot: `RPC_E_CHANGED_MODE` becomes a
//!   `StartError` saying so and what to do, never a later, obscure WebView2 failure.
//! - Own mode: a dedicated thread runs `GetMessageW` / `DispatchMessageW` for the life of
//!   the process. Hosted mode: the host's main thread (a Qt application's, whose event
//!   dispatcher pumps every message of the thread) services our windows; no loop of ours.
//! - A wake is a message posted to a message-only window owned by the UI thread: posting is
//!   thread-safe, and unlike a thread message it is still dispatched while a modal loop runs
//!   (a window being moved or resized, a dialog box). Its window procedure calls the thread's
//!   `process` hook.
//!
//! Nothing here waits or runs Python.

use super::window::{create_wake_window, register_classes, OwnWindow, WM_WAKE};
use crate::error::StartError;
use crate::platform::hooks::{self, UiHooks};
use crate::platform::shared::spawn_ui_thread;
use auroraview_core::ThreadKey;
use std::cell::{Cell, RefCell};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;
use windows::Win32::Foundation::{HWND, LPARAM, RPC_E_CHANGED_MODE, WPARAM};
use windows::Win32::System::Ole::OleInitialize;
use windows::Win32::UI::HiDpi::{
    SetThreadDpiAwarenessContext, DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2,
};
use windows::Win32::UI::WindowsAndMessaging::{
    DispatchMessageW, GetMessageW, PostMessageW, TranslateMessage, MSG,
};

/// The runtime's UI thread's wake window, as an integer (0 until the runtime starts).
static RUNTIME_WAKE: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// This UI thread's wake window (never dropped: see `window.rs`), and whether its loop
    /// is to end ([`leave_ui_thread`]).
    static WAKE_WINDOW: ManuallyDrop<RefCell<Option<OwnWindow>>> =
        const { ManuallyDrop::new(RefCell::new(None)) };
    static LEAVING: Cell<bool> = const { Cell::new(false) };
}

/// Own mode: starts the UI thread; `on_start` runs on it once it is in its apartment and
/// can be woken, before any command.
pub(crate) fn start_ui_thread(
    ui: UiHooks,
    on_start: impl FnOnce(ThreadKey) + Send + 'static,
) -> Result<(), StartError> {
    spawn_ui_thread(
        || {
            // Our own thread: per-monitor DPI awareness keeps WebView2 sharp in a
            // DPI-unaware python.exe (a host's thread keeps the host's setting). Returns the
            // previous context, or null on Windows before 10 1703, where the default stays.
            // SAFETY: affects only this thread, which has no windows yet.
            let _ =
                unsafe { SetThreadDpiAwarenessContext(DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2) };
            let waker = enter_ui_thread(ui)?;
            RUNTIME_WAKE.store(waker.0, Ordering::Release);
            Ok(())
        },
        on_start,
        |()| pump(),
    )
}

/// Hosted mode: the calling thread (the host's main thread, whose running event loop
/// dispatches every message of the thread, as Qt's does) becomes the UI thread.
pub(crate) fn start_hosted(
    ui: UiHooks,
    on_start: impl FnOnce(ThreadKey),
) -> Result<(), StartError> {
    let waker = enter_ui_thread(ui)?;
    RUNTIME_WAKE.store(waker.0, Ordering::Release);
    on_start(ThreadKey::current());
    Ok(())
}

/// Asks the runtime's UI thread to run a pass. Any thread; one posted message per call.
pub(crate) fn wake() {
    let raw = RUNTIME_WAKE.load(Ordering::Acquire);
    if raw == 0 {
        return; // no runtime yet, so nothing is queued for it
    }
    if let Err(err) = Waker(raw).wake() {
        // Only a full message queue (10,000 messages) makes this fail while the thread
        // runs: it is stuck. Commands stay queued, and every wait on them is bounded.
        log::error!("auroraview: cannot wake the UI thread ({err}); is it blocked?");
    }
}

/// No native main-loop waker here: the host's own (Qt's queued signal) serves.
pub(crate) fn main_loop_waker(
    _pump: std::sync::Arc<dyn Fn() + Send + Sync>,
) -> Option<auroraview_core::Waker> {
    None
}

/// Wakes one UI thread: its wake window, as an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Waker(isize);

impl Waker {
    /// Posts one wake. Fails once the thread's loop has ended (its window is gone) or its
    /// message queue is full; never waits.
    pub(crate) fn wake(self) -> windows::core::Result<()> {
        // SAFETY: posting is thread-safe and accepts any handle (an invalid one fails).
        unsafe { PostMessageW(Some(HWND(self.0 as *mut _)), WM_WAKE, WPARAM(0), LPARAM(0)) }
    }
}

/// Makes the calling thread a UI thread: joins an STA, installs `ui`, makes its wake window.
pub(crate) fn enter_ui_thread(ui: UiHooks) -> Result<Waker, StartError> {
    // SAFETY: no reserved pointer; balanced by nothing on purpose: the UI thread stays in
    // its apartment for the life of the process (S_FALSE, already in an STA, is success).
    if let Err(err) = unsafe { OleInitialize(None) } {
        return Err(StartError(if err.code() == RPC_E_CHANGED_MODE {
            "cannot use this thread for WebViews: it already joined COM's multithreaded \
             apartment (CoInitializeEx with COINIT_MULTITHREADED), and WebView2 needs a \
             single-threaded one (OleInitialize failed with RPC_E_CHANGED_MODE, 0x80010106). \
             Create the WebView from a thread that has not initialised COM that way (a Qt \
             or DCC main thread has not), or use mode='own', whose UI thread sets up its own \
             apartment"
                .to_string()
        } else {
            format!("cannot initialise COM/OLE on the UI thread: {err}")
        }));
    }
    register_classes()?;
    let window = create_wake_window().map_err(StartError)?;
    let waker = Waker(window.hwnd().map_or(0, |hwnd| hwnd.0 as isize));
    WAKE_WINDOW.with(|w| *w.borrow_mut() = Some(window));
    LEAVING.with(|l| l.set(false));
    hooks::install(ui);
    Ok(waker)
}

/// The own-mode UI thread's loop: every message of the thread, until [`leave_ui_thread`]
/// (the runtime's thread never leaves: it lives as long as the process).
pub(crate) fn pump() {
    let mut msg = MSG::default();
    while !LEAVING.with(Cell::get) {
        // SAFETY: `msg` is a valid MSG buffer; `None` receives every message of this thread.
        let got = unsafe { GetMessageW(&mut msg, None, 0, 0) };
        match got.0 {
            -1 => {
                log::error!("auroraview: GetMessageW failed on the UI thread");
                std::thread::sleep(Duration::from_millis(10));
            }
            0 => log::warn!("auroraview: WM_QUIT posted to the UI thread; ignored"),
            _ => {
                // SAFETY: `msg` was just filled by GetMessageW on this thread.
                unsafe {
                    let _ = TranslateMessage(&msg);
                    DispatchMessageW(&msg);
                }
            }
        }
    }
}

/// Ends the calling UI thread's [`pump`] once the message being handled returns, and
/// destroys its wake window: wakes posted from then on fail at once instead of queueing for
/// nobody. For UI threads that end, which only tests make: the runtime's never does.
#[cfg(test)]
pub(crate) fn leave_ui_thread() {
    LEAVING.with(|l| l.set(true));
    WAKE_WINDOW.with(|w| drop(w.borrow_mut().take()));
}
