//! Windows: our native windows, Win32 only (no WebView2 here): the window classes and their
//! procedures, the wake window, top-level windows, the child window that holds an embedded
//! WebView inside a host window, and the hidden parking window.
//!
//! Every window here belongs to the UI thread that made it, and every call on one goes
//! through [`OwnWindow::hwnd`], which answers only while the window lives (our window
//! procedure sees its `WM_NCDESTROY`): after a host destroys its window, and with it our
//! child, nothing of ours sends that handle a message again.
//!
//! Embedding: the WebView does not go into the host's window directly but into a child
//! window of ours in it (`EMBED_CLASS`). Placing, hiding, showing and reparenting move that
//! one window; the WebView fills it. So WebView2's own windows, and wry's clean-up message at
//! drop (sent to the window it was built in), stay within the UI thread: nothing of ours sends
//! to the host's thread. Two more things keep the UI thread from waiting for a busy host
//! thread (measured under Wine, where they did; see the embedding tests):
//! - the child has `WS_EX_NOPARENTNOTIFY`: creating and destroying it sends the host window
//!   no `WM_PARENTNOTIFY`, which is delivered synchronously;
//! - it is moved, sized, shown, hidden and reparented quietly (`quiet.rs`, which says how
//!   and why).

use super::quiet::{area_in_parent, repaint, set_pos, show_quietly, QUIET};
use crate::error::StartError;
use crate::platform::hooks;
use crate::ui::UiEvent;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::mem::ManuallyDrop;
use std::sync::OnceLock;
use windows::core::{w, HSTRING, PCWSTR};
use windows::Win32::Foundation::{HINSTANCE, HMODULE, HWND, LPARAM, LRESULT, RECT, WPARAM};
use windows::Win32::Graphics::Gdi::{GetSysColorBrush, COLOR_WINDOW};
use windows::Win32::System::LibraryLoader::{
    GetModuleHandleExW, GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS,
    GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
};
use windows::Win32::System::Threading::GetCurrentThreadId;
use windows::Win32::UI::HiDpi::{GetDpiForSystem, GetDpiForWindow};
use windows::Win32::UI::WindowsAndMessaging::{
    AdjustWindowRectEx, CreateWindowExW, DefWindowProcW, DestroyWindow, GetWindowThreadProcessId,
    IsWindow, LoadCursorW, RegisterClassExW, SetParent, SetWindowTextW, ShowWindow, CW_USEDEFAULT,
    HWND_MESSAGE, IDC_ARROW, SHOW_WINDOW_CMD, SWP_NOSIZE, SWP_NOZORDER, SW_HIDE, SW_SHOW,
    WINDOW_EX_STYLE, WINDOW_STYLE, WM_APP, WM_CLOSE, WM_DPICHANGED, WM_NCDESTROY, WNDCLASSEXW,
    WS_CHILD, WS_CLIPCHILDREN, WS_CLIPSIBLINGS, WS_EX_NOPARENTNOTIFY, WS_MAXIMIZEBOX,
    WS_OVERLAPPED, WS_OVERLAPPEDWINDOW, WS_THICKFRAME,
};

/// The message that asks the UI thread for a pass.
pub(super) const WM_WAKE: u32 = WM_APP + 0x41;
const WAKE_CLASS: PCWSTR = w!("auroraview.wake");
const WINDOW_CLASS: PCWSTR = w!("auroraview.window");
const EMBED_CLASS: PCWSTR = w!("auroraview.embed");

/// Our live windows on a thread: handle -> (serial, the WebView a top-level one holds).
type LiveWindows = BTreeMap<isize, (u64, Option<u64>)>;

/// A window procedure.
type WndProc = unsafe extern "system" fn(HWND, u32, WPARAM, LPARAM) -> LRESULT;

thread_local! {
    /// Our live windows on this thread (handle -> serial and, for top-levels, the WebView
    /// they hold). A window leaves it in its `WM_NCDESTROY`; the serial tells a reused
    /// handle from the window an [`OwnWindow`] was made for. Never dropped (no thread-exit
    /// destructor: on a host's main thread those run at process exit).
    static LIVE: ManuallyDrop<RefCell<LiveWindows>> =
        const { ManuallyDrop::new(RefCell::new(BTreeMap::new())) };
    static NEXT_SERIAL: Cell<u64> = const { Cell::new(1) };
    /// A hidden window that holds embedded WebViews while their host window is replaced
    /// (never dropped, as above).
    static PARKING: ManuallyDrop<RefCell<Option<OwnWindow>>> =
        const { ManuallyDrop::new(RefCell::new(None)) };
}

/// The module (this extension's DLL) that holds our window procedures. Our window classes
/// are registered under it, so two copies of the DLL in one process each get their own.
pub(super) fn instance() -> HINSTANCE {
    static MODULE: OnceLock<isize> = OnceLock::new();
    let raw = *MODULE.get_or_init(|| {
        let mut module = HMODULE::default();
        // SAFETY: FROM_ADDRESS looks up the module containing that code address;
        // UNCHANGED_REFCOUNT takes no reference (the DLL is never unloaded while in use).
        let found = unsafe {
            GetModuleHandleExW(
                GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                    | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                PCWSTR(wake_proc as *const u16),
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

/// Registers our window classes, once per process.
pub(super) fn register_classes() -> Result<(), StartError> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            for (name, proc_) in [
                (WAKE_CLASS, wake_proc as WndProc),
                (WINDOW_CLASS, top_level_proc as WndProc),
                (EMBED_CLASS, embed_proc as WndProc),
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

/// Makes the calling thread's message-only wake window (it lives as long as the thread's
/// loop does).
pub(super) fn create_wake_window() -> Result<OwnWindow, String> {
    create(
        WINDOW_EX_STYLE::default(),
        WAKE_CLASS,
        &HSTRING::new(),
        WS_OVERLAPPED,
        (0, 0, 0, 0),
        Some(HWND_MESSAGE),
        None,
    )
    .map_err(|e| format!("cannot create the UI thread's wake window: {e}"))
}

/// A window of ours, made on (and used from) the calling UI thread. Dropping it destroys
/// the window if it still lives.
#[derive(Debug)]
pub(crate) struct OwnWindow {
    raw: isize,
    serial: u64,
    /// One of our embedded child windows (not a wake, top-level or parking window).
    child: bool,
}

/// Creates a window of ours and registers it as live.
fn create(
    ex_style: WINDOW_EX_STYLE,
    class: PCWSTR,
    title: &HSTRING,
    style: WINDOW_STYLE,
    (x, y, width, height): (i32, i32, i32, i32),
    parent: Option<HWND>,
    view: Option<u64>,
) -> windows::core::Result<OwnWindow> {
    // SAFETY: a class registered by `register_classes` (under `instance()`), a valid title,
    // and a parent that was checked to be a window (or none, or HWND_MESSAGE).
    let hwnd = unsafe {
        CreateWindowExW(
            ex_style,
            class,
            title,
            style,
            x,
            y,
            width,
            height,
            parent,
            None,
            Some(instance()),
            None,
        )
    }?;
    let serial = NEXT_SERIAL.with(|n| n.replace(n.get() + 1));
    LIVE.with(|l| l.borrow_mut().insert(hwnd.0 as isize, (serial, view)));
    Ok(OwnWindow {
        raw: hwnd.0 as isize,
        serial,
        child: style.contains(WS_CHILD),
    })
}

impl OwnWindow {
    /// The window's handle while it lives; `None` once it was destroyed (by us, or with the
    /// host window it was in).
    pub(crate) fn hwnd(&self) -> Option<HWND> {
        let alive = LIVE.with(|l| l.borrow().get(&self.raw).map(|e| e.0) == Some(self.serial));
        alive.then_some(HWND(self.raw as *mut _))
    }

    fn live(&self) -> Result<HWND, String> {
        self.hwnd().ok_or_else(|| {
            "the window is gone (destroyed with the host window it was in)".to_string()
        })
    }

    /// The window's scale factor (its DPI / 96).
    pub(crate) fn scale(&self) -> f64 {
        // SAFETY: a plain query; 0 (not a window) falls back to the system DPI.
        let dpi = self
            .hwnd()
            .map(|hwnd| unsafe { GetDpiForWindow(hwnd) })
            .filter(|&dpi| dpi != 0)
            .unwrap_or_else(|| unsafe { GetDpiForSystem() });
        f64::from(dpi.max(1)) / 96.0
    }

    /// Moves and sizes the window (physical pixels, relative to its parent's client area).
    pub(crate) fn place(&self, x: i32, y: i32, width: u32, height: u32) -> Result<(), String> {
        let hwnd = self.live()?;
        if !self.child {
            return set_pos(hwnd, x, y, width as i32, height as i32, SWP_NOZORDER);
        }
        let uncovered = area_in_parent(hwnd);
        set_pos(hwnd, x, y, width as i32, height as i32, QUIET)?;
        repaint(hwnd, uncovered);
        Ok(())
    }

    /// Shows or hides the window. An embedded one is shown without being activated, so it
    /// never takes the focus (or the foreground) from the host.
    pub(crate) fn show(&self, visible: bool) -> Result<(), String> {
        let hwnd = self.live()?;
        if self.child {
            return show_quietly(hwnd, visible);
        }
        let cmd: SHOW_WINDOW_CMD = if visible { SW_SHOW } else { SW_HIDE };
        // SAFETY: our live window, on its own thread. The result is the previous
        // visibility, not an error.
        let _ = unsafe { ShowWindow(hwnd, cmd) };
        Ok(())
    }

    pub(crate) fn set_title(&self, title: &str) -> Result<(), String> {
        let hwnd = self.live()?;
        // SAFETY: our live window, on its own thread.
        unsafe { SetWindowTextW(hwnd, &HSTRING::from(title)) }.map_err(|e| e.to_string())
    }
}

impl Drop for OwnWindow {
    fn drop(&mut self) {
        if let Some(hwnd) = self.hwnd() {
            if self.child {
                // Hidden first, quietly: destroying a visible child repaints the host's
                // window from here.
                let _ = show_quietly(hwnd, false);
            }
            // SAFETY: our live window, on its own thread (its WM_NCDESTROY unregisters it).
            if let Err(err) = unsafe { DestroyWindow(hwnd) } {
                log::warn!("auroraview: DestroyWindow failed: {err}");
            }
        }
    }
}

/// A top-level window of ours for WebView `view`: `width` x `height` logical pixels of
/// client area, at the system's scale. Its close button reports `CloseRequested`.
pub(crate) fn create_top_level(
    title: &str,
    width: u32,
    height: u32,
    resizable: bool,
    view: u64,
) -> Result<OwnWindow, String> {
    let style = if resizable {
        WS_OVERLAPPEDWINDOW
    } else {
        WS_OVERLAPPEDWINDOW & !(WS_THICKFRAME | WS_MAXIMIZEBOX)
    };
    // SAFETY: a plain query.
    let scale = f64::from(unsafe { GetDpiForSystem() }.max(1)) / 96.0;
    let mut rect = RECT {
        left: 0,
        top: 0,
        right: (f64::from(width) * scale).round() as i32,
        bottom: (f64::from(height) * scale).round() as i32,
    };
    // SAFETY: `rect` is a valid RECT; on failure the client size is used as is.
    let _ = unsafe { AdjustWindowRectEx(&mut rect, style, false, WINDOW_EX_STYLE::default()) };
    create(
        WINDOW_EX_STYLE::default(),
        WINDOW_CLASS,
        &HSTRING::from(title),
        style,
        (
            CW_USEDEFAULT,
            CW_USEDEFAULT,
            rect.right - rect.left,
            rect.bottom - rect.top,
        ),
        None,
        Some(view),
    )
    .map_err(|e| format!("cannot create the WebView's window: {e}"))
}

/// A host window id from the Python side (`QWidget.winId()` is the HWND on Windows).
pub(crate) fn host_window(id: u64) -> Result<HWND, String> {
    if id == 0 {
        return Err("a parent window id of 0".into());
    }
    let hwnd = HWND(id as isize as *mut _);
    // SAFETY: IsWindow accepts any value and only answers whether it names a window.
    if !unsafe { IsWindow(Some(hwnd)) }.as_bool() {
        return Err(format!(
            "parent {id:#x} is not a window: pass a native Qt widget or its winId()"
        ));
    }
    Ok(hwnd)
}

/// Our child window inside host window `parent`, at `x, y` with `width` x `height`
/// physical pixels, visible or not. An embedded WebView fills it.
pub(crate) fn create_embedded(
    parent: u64,
    (x, y, width, height): (i32, i32, u32, u32),
    visible: bool,
) -> Result<OwnWindow, String> {
    let parent = host_window(parent)?;
    warn_if_other_thread(parent);
    // Created hidden, then shown quietly (see the module's notes).
    let window = create(
        WS_EX_NOPARENTNOTIFY,
        EMBED_CLASS,
        &HSTRING::new(),
        WS_CHILD | WS_CLIPCHILDREN | WS_CLIPSIBLINGS,
        (x, y, width as i32, height as i32),
        Some(parent),
        None,
    )
    .map_err(|e| format!("cannot create the WebView's window in parent {parent:?}: {e}"))?;
    if visible {
        window.show(true)?;
    }
    Ok(window)
}

/// Moves our embedded window into another host window (`Some(id)`, at its origin, shown)
/// or parks it, hidden, in a window of ours (`None`) while the host replaces its native
/// window (Qt does when a dock widget floats or re-docks).
pub(crate) fn reparent_embedded(window: &OwnWindow, parent: Option<u64>) -> Result<(), String> {
    let hwnd = window.live()?;
    match parent {
        Some(id) => {
            let parent = host_window(id)?;
            warn_if_other_thread(parent);
            // Hidden while it moves: SetParent on a shown window repaints both parents.
            show_quietly(hwnd, false)?;
            // SAFETY: our live window and a live host window.
            unsafe { SetParent(hwnd, Some(parent)) }
                .map_err(|e| format!("cannot reparent the WebView's window: {e}"))?;
            set_pos(hwnd, 0, 0, 0, 0, QUIET | SWP_NOSIZE)?;
            show_quietly(hwnd, true)
        }
        None => {
            window.show(false)?;
            let parking = PARKING.with(|p| -> Result<isize, String> {
                let mut p = p.borrow_mut();
                if let Some(hwnd) = p.as_ref().and_then(OwnWindow::hwnd) {
                    return Ok(hwnd.0 as isize);
                }
                let made = create(
                    WINDOW_EX_STYLE::default(),
                    WINDOW_CLASS,
                    &HSTRING::from("auroraview parking"),
                    WS_OVERLAPPED,
                    (0, 0, 1, 1),
                    None,
                    None,
                )
                .map_err(|e| format!("cannot create the parking window: {e}"))?;
                let raw = made.raw;
                *p = Some(made);
                Ok(raw)
            })?;
            // SAFETY: our live window and our live parking window, both on this thread.
            unsafe { SetParent(hwnd, Some(HWND(parking as *mut _))) }
                .map_err(|e| format!("cannot park the WebView's window: {e}"))?;
            Ok(())
        }
    }
}

/// Our parking window on this thread, if it was made (tests check parked windows there).
#[cfg(test)]
pub(crate) fn parking_window() -> Option<HWND> {
    PARKING.with(|p| p.borrow().as_ref().and_then(OwnWindow::hwnd))
}

/// A child window whose parent belongs to another thread ties the two threads together:
/// Windows attaches their input queues, and messages between the two windows are sent
/// synchronously. Ours are created and destroyed without notifying the parent (no
/// `WM_PARENTNOTIFY`), but focus and activation still cross over. Hosted mode keeps both on
/// the host's main thread (docs/architecture.md).
fn warn_if_other_thread(parent: HWND) {
    // SAFETY: plain queries; `parent` was checked to be a window.
    let (owner, me) = unsafe { (GetWindowThreadProcessId(parent, None), GetCurrentThreadId()) };
    if owner != me {
        log::warn!(
            "auroraview: embedding in a window of another thread: Windows then attaches the \
             two threads' input, and either one blocking can stall the other's focus and \
             activation; in a Qt host, use the hosted mode (the default there)"
        );
    }
}

/// Forgets a window that is being destroyed (its last message).
fn forget(hwnd: HWND) -> Option<u64> {
    LIVE.with(|l| l.borrow_mut().remove(&(hwnd.0 as isize)))
        .and_then(|(_, view)| view)
}

unsafe extern "system" fn wake_proc(
    hwnd: HWND,
    msg: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    if msg == WM_WAKE {
        hooks::process();
        return LRESULT(0);
    }
    if msg == WM_NCDESTROY {
        forget(hwnd);
    }
    // SAFETY: the arguments are the ones Windows passed to this window procedure.
    unsafe { DefWindowProcW(hwnd, msg, wparam, lparam) }
}

unsafe extern "system" fn embed_proc(
    hwnd: HWND,
    msg: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    if msg == WM_NCDESTROY {
        forget(hwnd);
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
    match msg {
        WM_DPICHANGED => {
            // Moved to a monitor with another scale: take the size Windows suggests (wry
            // then follows the new client size).
            // SAFETY: for WM_DPICHANGED, lParam points to the suggested window RECT.
            let r = unsafe { *(lparam.0 as *const RECT) };
            let moved = set_pos(
                hwnd,
                r.left,
                r.top,
                r.right - r.left,
                r.bottom - r.top,
                SWP_NOZORDER,
            );
            if let Err(err) = moved {
                log::warn!("auroraview: resizing a window for its new DPI failed: {err}");
            }
            return LRESULT(0);
        }
        WM_CLOSE => {
            // The user closes the window: the runtime closes the WebView and destroys the
            // window itself (default processing would destroy it under the WebView).
            let view = LIVE.with(|l| l.borrow().get(&(hwnd.0 as isize)).and_then(|e| e.1));
            if let Some(view) = view {
                hooks::event(UiEvent::CloseRequested { view });
                return LRESULT(0);
            }
        }
        WM_NCDESTROY => {
            forget(hwnd);
        }
        _ => {}
    }
    // SAFETY: the arguments are the ones Windows passed to this window procedure.
    unsafe { DefWindowProcW(hwnd, msg, wparam, lparam) }
}
