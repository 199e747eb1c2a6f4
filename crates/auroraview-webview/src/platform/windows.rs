//! Windows: Win32 windows and WebView2, serviced by the UI thread's message pump.
//!
//! - WebView2 needs a single-threaded COM apartment (STA) on the thread that owns it. The UI
//!   thread joins one with `OleInitialize` (OLE too, for drag and drop). A thread that
//!   already joined the multithreaded apartment cannot: `RPC_E_CHANGED_MODE` becomes a
//!   `StartError` saying so, never a later, obscure WebView2 failure.
//! - Own mode: a dedicated thread runs `GetMessageW` / `DispatchMessageW` forever. Hosted
//!   mode: the host's main thread (a Qt application's, whose event dispatcher pumps every
//!   message of the thread) services our windows; no loop of ours runs.
//! - A wake is a message posted to a message-only window owned by the UI thread: posting is
//!   thread-safe, and unlike a thread message it is still dispatched while a modal loop runs
//!   (a window being moved or resized, a dialog box).
//!
//! Nothing here waits or runs Python. This code is type-checked by scripts/check-cross.sh;
//! it has not been run on Windows yet.

use super::shared::{build_failed, child_bounds, spawn_ui_thread};
use crate::error::StartError;
use crate::spec::WebViewSpec;
use auroraview_core::ThreadKey;
use std::cell::RefCell;
use std::collections::HashMap;
use std::num::NonZeroIsize;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;
use windows::core::{w, HSTRING, PCWSTR};
use windows::Win32::Foundation::{
    HINSTANCE, HMODULE, HWND, LPARAM, LRESULT, RECT, RPC_E_CHANGED_MODE, WPARAM,
};
use windows::Win32::Graphics::Gdi::{GetSysColorBrush, COLOR_WINDOW};
use windows::Win32::System::LibraryLoader::{
    GetModuleHandleExW, GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS,
    GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
};
use windows::Win32::System::Ole::OleInitialize;
use windows::Win32::System::Threading::GetCurrentThreadId;
use windows::Win32::UI::HiDpi::{
    GetDpiForSystem, SetThreadDpiAwarenessContext, DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2,
};
use windows::Win32::UI::WindowsAndMessaging::{
    AdjustWindowRectEx, CreateWindowExW, DefWindowProcW, DestroyWindow, DispatchMessageW,
    GetMessageW, GetWindowThreadProcessId, IsWindow, LoadCursorW, PostMessageW, RegisterClassExW,
    SetWindowPos, SetWindowTextW, ShowWindow, TranslateMessage, CW_USEDEFAULT, HWND_MESSAGE,
    IDC_ARROW, MSG, SWP_NOACTIVATE, SWP_NOZORDER, SW_HIDE, SW_SHOW, WINDOW_EX_STYLE, WM_APP,
    WM_CLOSE, WM_DPICHANGED, WNDCLASSEXW, WS_MAXIMIZEBOX, WS_OVERLAPPED, WS_OVERLAPPEDWINDOW,
    WS_THICKFRAME,
};
use wry::WebViewExtWindows;

/// The message that asks the UI thread for a pass.
const WM_WAKE: u32 = WM_APP + 0x41;
const WAKE_CLASS: PCWSTR = w!("auroraview.wake");
const WINDOW_CLASS: PCWSTR = w!("auroraview.window");

/// The UI thread's message-only window, as an integer (0 until the runtime starts).
static WAKE_HWND: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// Our top-level windows (UI thread only): which WebView each one holds.
    static TOP_LEVELS: RefCell<HashMap<isize, u64>> = RefCell::new(HashMap::new());
    /// A hidden window that holds embedded WebViews while their host window is replaced.
    static PARKING: RefCell<Option<isize>> = const { RefCell::new(None) };
}

/// Starts the UI thread; `on_start` runs on it once it is in its apartment and can be
/// woken, before any command.
pub(crate) fn start_ui_thread(
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
            enter_ui_thread()
        },
        on_start,
        |()| pump_forever(),
    )
}

/// Hosted mode: the calling thread (the host's main thread, whose running event loop
/// dispatches every message of the thread, as Qt's does) becomes the UI thread.
pub(crate) fn start_hosted(on_start: impl FnOnce(ThreadKey)) -> Result<(), StartError> {
    enter_ui_thread()?;
    on_start(ThreadKey::current());
    Ok(())
}

/// Joins an STA on the calling thread and makes its wake window.
fn enter_ui_thread() -> Result<(), StartError> {
    // SAFETY: no reserved pointer; balanced by nothing on purpose: the UI thread stays in
    // its apartment for the life of the process (S_FALSE, already in an STA, is success).
    if let Err(err) = unsafe { OleInitialize(None) } {
        return Err(StartError(if err.code() == RPC_E_CHANGED_MODE {
            "this thread already joined COM's multithreaded apartment (CoInitializeEx with \
             COINIT_MULTITHREADED), and WebView2 needs a single-threaded one: create the \
             WebView from a thread that has not initialised COM that way, or use mode='own', \
             whose UI thread sets up its own apartment"
                .to_string()
        } else {
            format!("cannot initialise COM/OLE on the UI thread: {err}")
        }));
    }
    register_classes()?;
    // SAFETY: a message-only window of a class registered above; it lives for the process.
    let hwnd = unsafe {
        CreateWindowExW(
            WINDOW_EX_STYLE::default(),
            WAKE_CLASS,
            PCWSTR::null(),
            WS_OVERLAPPED,
            0,
            0,
            0,
            0,
            Some(HWND_MESSAGE),
            None,
            Some(instance()),
            None,
        )
    }
    .map_err(|e| StartError(format!("cannot create the UI thread's wake window: {e}")))?;
    WAKE_HWND.store(hwnd.0 as isize, Ordering::Release);
    Ok(())
}

/// The own-mode UI thread's loop. It never ends: the runtime lives as long as the process.
fn pump_forever() {
    let mut msg = MSG::default();
    loop {
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

/// Asks the UI thread to run a pass. Any thread; one posted message per call.
pub(crate) fn wake() {
    let raw = WAKE_HWND.load(Ordering::Acquire);
    if raw == 0 {
        return; // no runtime yet, so nothing is queued for it
    }
    // SAFETY: the wake window lives for the life of the process; posting is thread-safe.
    if let Err(err) =
        unsafe { PostMessageW(Some(HWND(raw as *mut _)), WM_WAKE, WPARAM(0), LPARAM(0)) }
    {
        // Only a full message queue (10,000 messages) makes this fail: the UI thread is
        // stuck. Commands stay queued, and every wait on them is bounded.
        log::error!("auroraview: cannot wake the UI thread ({err}); is it blocked?");
    }
}

/// The module (this extension's DLL) that holds our window procedures. Our window classes
/// are registered under it, so two copies of the DLL in one process each get their own.
fn instance() -> HINSTANCE {
    static MODULE: OnceLock<isize> = OnceLock::new();
    let raw = *MODULE.get_or_init(|| {
        let mut module = HMODULE::default();
        // SAFETY: FROM_ADDRESS looks up the module containing that code address;
        // UNCHANGED_REFCOUNT takes no reference (the DLL is never unloaded while in use).
        let found = unsafe {
            GetModuleHandleExW(
                GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                    | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                PCWSTR(wake_window_proc as *const u16),
                &mut module,
            )
        };
        if let Err(err) = found {
            log::warn!("auroraview: cannot find this module's handle ({err}); using the process's");
        }
        module.0 as isize
    });
    HINSTANCE(raw as *mut _)
}

/// Registers our two window classes, once per process.
fn register_classes() -> Result<(), StartError> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            for (name, proc_) in [
                (WAKE_CLASS, wake_window_proc as WndProc),
                (WINDOW_CLASS, top_level_proc as WndProc),
            ] {
                let class = WNDCLASSEXW {
                    cbSize: std::mem::size_of::<WNDCLASSEXW>() as u32,
                    lpfnWndProc: Some(proc_),
                    hInstance: instance(),
                    lpszClassName: name,
                    // An arrow and the window colour until WebView2 paints.
                    // SAFETY: a system cursor and a system brush (never freed).
                    hCursor: unsafe { LoadCursorW(None, IDC_ARROW) }.unwrap_or_default(),
                    hbrBackground: unsafe { GetSysColorBrush(COLOR_WINDOW) },
                    ..Default::default()
                };
                // SAFETY: `class` is fully initialised and its strings are static.
                if unsafe { RegisterClassExW(&class) } == 0 {
                    return Err(format!(
                        "cannot register a window class: {}",
                        windows::core::Error::from_thread()
                    ));
                }
            }
            Ok(())
        })
        .clone()
        .map_err(StartError)
}

type WndProc = unsafe extern "system" fn(HWND, u32, WPARAM, LPARAM) -> LRESULT;

unsafe extern "system" fn wake_window_proc(
    hwnd: HWND,
    msg: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    if msg == WM_WAKE {
        crate::ui::process();
        return LRESULT(0);
    }
    // SAFETY: the arguments are the ones Windows passed to this window procedure.
    unsafe { DefWindowProcW(hwnd, msg, wparam, lparam) }
}

unsafe extern "system" fn top_level_proc(
    hwnd: HWND,
    msg: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    if msg == WM_DPICHANGED {
        // Moved to a monitor with another scale: take the size Windows suggests (wry then
        // follows the new client size).
        // SAFETY: for WM_DPICHANGED, lParam points to the suggested window RECT.
        let r = unsafe { *(lparam.0 as *const RECT) };
        // SAFETY: our window, on its own thread.
        let moved = unsafe {
            SetWindowPos(
                hwnd,
                None,
                r.left,
                r.top,
                r.right - r.left,
                r.bottom - r.top,
                SWP_NOZORDER | SWP_NOACTIVATE,
            )
        };
        if let Err(err) = moved {
            log::warn!("auroraview: resizing a window for its new DPI failed: {err}");
        }
        return LRESULT(0);
    }
    if msg == WM_CLOSE {
        // The user closes the window: the runtime closes the WebView and destroys the
        // window itself (default processing would destroy it under the WebView).
        let view = TOP_LEVELS.with(|t| t.borrow().get(&(hwnd.0 as isize)).copied());
        if let Some(view) = view {
            crate::ui::event(crate::ui::UiEvent::CloseRequested { view });
            return LRESULT(0);
        }
    }
    // SAFETY: the arguments are the ones Windows passed to this window procedure.
    unsafe { DefWindowProcW(hwnd, msg, wparam, lparam) }
}

/// Where a WebView lives: a top-level window of ours, or a child of a host window.
pub(crate) enum NativeWindow {
    TopLevel(Win32Window),
    /// Inside a host window; wry owns the child window it made there.
    Child {
        parent: u64,
    },
}

/// A window handle as raw-window-handle describes it, for wry.
pub(crate) struct Win32Window(NonZeroIsize);

impl Win32Window {
    fn hwnd(&self) -> HWND {
        HWND(self.0.get() as *mut _)
    }
}

impl wry::raw_window_handle::HasWindowHandle for Win32Window {
    fn window_handle(
        &self,
    ) -> Result<wry::raw_window_handle::WindowHandle<'_>, wry::raw_window_handle::HandleError> {
        let raw = wry::raw_window_handle::Win32WindowHandle::new(self.0);
        // SAFETY: the handle names a live window for as long as the WebView lives: ours are
        // destroyed after the WebView, and the host closes the WebView before it destroys
        // its own window.
        Ok(unsafe {
            wry::raw_window_handle::WindowHandle::borrow_raw(
                wry::raw_window_handle::RawWindowHandle::Win32(raw),
            )
        })
    }
}

/// A host window id from the Python side (`QWidget.winId()` is the HWND on Windows).
fn host_window(id: u64) -> Result<Win32Window, String> {
    let handle = NonZeroIsize::new(id as isize).ok_or("a parent window id of 0")?;
    // SAFETY: IsWindow accepts any value and only answers whether it names a window.
    if !unsafe { IsWindow(Some(HWND(handle.get() as *mut _))) }.as_bool() {
        return Err(format!(
            "parent {id:#x} is not a window: pass a native Qt widget or its winId()"
        ));
    }
    Ok(Win32Window(handle))
}

/// WebView2 keeps its browser data in `<exe>.WebView2` beside the executable unless told
/// otherwise, and fails to start where that folder cannot be made: any host installed under
/// Program Files. Ours goes to `%LOCALAPPDATA%\auroraview\WebView2` (the temp folder if
/// that variable is missing).
pub(crate) fn web_context() -> Option<wry::WebContext> {
    let base = std::env::var_os("LOCALAPPDATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    Some(wry::WebContext::new(Some(
        base.join("auroraview").join("WebView2"),
    )))
}

/// The bridge's way to the host (see `bridge.js`): the engine's native post function,
/// captured before any page script runs (not `window.ipc`, whose wrapper looks it up at
/// call time, where a page could have replaced it).
pub(crate) const BRIDGE_POST: &str = "(function () { \
    var c = window.chrome; var w = c && c.webview; if (!w) return null; \
    var post = w.postMessage; return function (text) { apply(post, w, [text]); }; })()";

/// Page messages come through wry's IPC handler.
pub(crate) fn with_ipc(builder: wry::WebViewBuilder<'_>, view: u64) -> wry::WebViewBuilder<'_> {
    builder.with_ipc_handler(move |request: wry::http::Request<String>| {
        crate::ui::event(crate::ui::UiEvent::Ipc {
            view,
            body: request.into_body(),
        });
    })
}

/// Nothing to connect after building: wry's handler is set on the builder ([`with_ipc`]).
pub(crate) fn connect_ipc(_webview: &wry::WebView, _view: u64) {}

/// No native main-loop waker here: the host's own (Qt's queued signal) serves.
pub(crate) fn main_loop_waker(
    _pump: std::sync::Arc<dyn Fn() + Send + Sync>,
) -> Option<auroraview_core::Waker> {
    None
}

/// Reporting a page's web process ending on its own is not wired on this platform yet (the
/// engine's own crash handling applies).
pub(crate) fn watch_web_process(_webview: &wry::WebView, _view: u64) {}

pub(crate) fn create_window(spec: &WebViewSpec, view: u64) -> Result<NativeWindow, StartError> {
    if let Some(parent) = spec.parent {
        return Ok(NativeWindow::Child { parent });
    }
    let style = if spec.resizable {
        WS_OVERLAPPEDWINDOW
    } else {
        WS_OVERLAPPEDWINDOW & !(WS_THICKFRAME | WS_MAXIMIZEBOX)
    };
    // The spec's size is the page's, in logical pixels: scale it, then add the frame.
    // SAFETY: plain queries with valid arguments.
    let scale = unsafe { GetDpiForSystem() } as f64 / 96.0;
    let mut rect = RECT {
        left: 0,
        top: 0,
        right: (spec.width as f64 * scale).round() as i32,
        bottom: (spec.height as f64 * scale).round() as i32,
    };
    // SAFETY: `rect` is a valid RECT; on failure the client size is used as is.
    let _ = unsafe { AdjustWindowRectEx(&mut rect, style, false, WINDOW_EX_STYLE::default()) };
    // SAFETY: a top-level window of our registered class; destroyed in `destroy`.
    let hwnd = unsafe {
        CreateWindowExW(
            WINDOW_EX_STYLE::default(),
            WINDOW_CLASS,
            &HSTRING::from(spec.title.as_str()),
            style,
            CW_USEDEFAULT,
            CW_USEDEFAULT,
            rect.right - rect.left,
            rect.bottom - rect.top,
            None,
            None,
            Some(instance()),
            None,
        )
    }
    .map_err(|e| StartError(format!("cannot create the WebView's window: {e}")))?;
    let handle = NonZeroIsize::new(hwnd.0 as isize)
        .ok_or_else(|| StartError("CreateWindowExW returned no window".into()))?;
    TOP_LEVELS.with(|t| t.borrow_mut().insert(handle.get(), view));
    Ok(NativeWindow::TopLevel(Win32Window(handle)))
}

pub(crate) fn build_webview(
    builder: wry::WebViewBuilder<'_>,
    window: &NativeWindow,
    spec: &WebViewSpec,
) -> Result<wry::WebView, StartError> {
    match window {
        // wry fills the window's client area and follows its size.
        NativeWindow::TopLevel(window) => builder.build(window).map_err(build_failed),
        &NativeWindow::Child { parent: id } => {
            let parent = host_window(id).map_err(StartError)?;
            warn_if_other_thread(&parent);
            builder
                .with_bounds(child_bounds(spec))
                .build_as_child(&parent)
                .map_err(build_failed)
        }
    }
}

/// A child window whose parent belongs to another thread ties the two threads together:
/// Windows attaches their input queues and sends messages between them synchronously
/// (`WM_PARENTNOTIFY` at creation, more on resizes), so either thread blocking stalls the
/// other. Hosted mode keeps both on the host's main thread (docs/architecture.md).
fn warn_if_other_thread(parent: &Win32Window) {
    // SAFETY: plain queries; `parent` was checked to be a window.
    let (owner, me) = unsafe {
        (
            GetWindowThreadProcessId(parent.hwnd(), None),
            GetCurrentThreadId(),
        )
    };
    if owner != me {
        log::warn!(
            "auroraview: embedding in a window of another thread: Windows then sends messages \
             between the two threads synchronously, and either one blocking stalls the \
             other; in a Qt host, use the hosted mode (the default there)"
        );
    }
}

/// Drops a WebView, then its window if it is ours. A host window that is already gone is
/// harmless here: wry's clean-up calls on it fail quietly.
pub(crate) fn destroy(webview: wry::WebView, window: NativeWindow) {
    drop(webview);
    drop(window);
}

/// Our top-level window goes with its `NativeWindow`: after its WebView in `destroy`, or
/// alone when building the WebView failed.
impl Drop for NativeWindow {
    fn drop(&mut self) {
        if let NativeWindow::TopLevel(window) = self {
            TOP_LEVELS.with(|t| t.borrow_mut().remove(&window.0.get()));
            // SAFETY: our window, on its own thread; no WebView lives in it any more.
            if let Err(err) = unsafe { DestroyWindow(window.hwnd()) } {
                log::warn!("auroraview: DestroyWindow failed: {err}");
            }
        }
    }
}

/// Moves an embedded WebView into another host window (`Some(id)`, at its origin) or parks
/// it, hidden, in a window of ours (`None`) while the host replaces its native window (Qt
/// does when a dock widget floats or re-docks): the page stays alive across that.
pub(crate) fn reparent(webview: &wry::WebView, parent: Option<u64>) -> Result<(), String> {
    let target = match parent {
        Some(id) => host_window(id)?,
        None => parking_window()?,
    };
    if parent.is_none() {
        webview.set_visible(false).map_err(|e| e.to_string())?;
    }
    // For an embedded WebView wry only calls SetParent; it keeps the first parent for its
    // clean-up message at drop, which a window that is gone ignores (hosted mode: same
    // thread, no wait). Only `bounds().size` is read below, which does not involve it.
    webview
        .reparent(target.0.get())
        .map_err(|e| format!("cannot reparent the WebView: {e}"))?;
    if parent.is_some() {
        webview
            .set_bounds(wry::Rect {
                position: wry::dpi::LogicalPosition::new(0, 0).into(),
                size: webview.bounds().map_err(|e| e.to_string())?.size,
            })
            .map_err(|e| e.to_string())?;
        webview.set_visible(true).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The hidden window that holds parked WebViews (created on first use, UI thread only).
fn parking_window() -> Result<Win32Window, String> {
    PARKING.with(|p| {
        let mut p = p.borrow_mut();
        if let Some(raw) = *p {
            return Ok(Win32Window(
                NonZeroIsize::new(raw).expect("stored non-zero"),
            ));
        }
        // SAFETY: a hidden top-level window of our class that lives for the process.
        let hwnd = unsafe {
            CreateWindowExW(
                WINDOW_EX_STYLE::default(),
                WINDOW_CLASS,
                w!("auroraview parking"),
                WS_OVERLAPPED,
                0,
                0,
                1,
                1,
                None,
                None,
                Some(instance()),
                None,
            )
        }
        .map_err(|e| format!("cannot create the parking window: {e}"))?;
        let handle = NonZeroIsize::new(hwnd.0 as isize).ok_or("no parking window")?;
        *p = Some(handle.get());
        Ok(Win32Window(handle))
    })
}

impl NativeWindow {
    /// Inside a host window (placing and reparenting apply), not a top-level of ours.
    pub(crate) fn is_embedded(&self) -> bool {
        matches!(self, NativeWindow::Child { .. })
    }

    pub(crate) fn set_title(&self, title: &str) {
        if let NativeWindow::TopLevel(window) = self {
            // SAFETY: our live window, on its own thread.
            if let Err(err) = unsafe { SetWindowTextW(window.hwnd(), &HSTRING::from(title)) } {
                log::warn!("auroraview: set_title failed: {err}");
            }
        }
    }

    pub(crate) fn set_visible(&self, webview: &wry::WebView, visible: bool) {
        if let NativeWindow::TopLevel(window) = self {
            // SAFETY: our live window, on its own thread. The return value is the previous
            // visibility, not an error.
            let _ = unsafe { ShowWindow(window.hwnd(), if visible { SW_SHOW } else { SW_HIDE }) };
        }
        if let Err(err) = webview.set_visible(visible) {
            log::warn!("auroraview: set_visible failed: {err}");
        }
    }
}
