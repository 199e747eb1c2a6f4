//! Windows: moving, sizing, showing and hiding our windows without waiting for the host's
//! thread.
//!
//! An embedded window is moved, sized, shown, hidden and reparented with `SWP_NOREDRAW`, and
//! what that leaves to repaint is invalidated instead: our window from our thread, the part of
//! the host's window it uncovered as an update region the host paints when it next pumps,
//! without asking for its background to be erased. Under Wine, letting `SetWindowPos`,
//! `ShowWindow(SW_HIDE)`, `SetParent` or `DestroyWindow` repaint the host's window, or changing
//! our window while the host's has an erase pending, sends the host `WM_ERASEBKGND` and waits
//! (seconds) for a busy host thread. Windows instead notifies other threads' windows with
//! `WM_SYNCPAINT`, without waiting. Hosts paint their whole window on `WM_PAINT` (Qt does, and
//! ignores `WM_ERASEBKGND`).
//!
//! What must not live here: creating or destroying windows, window procedures.

use windows::Win32::Foundation::{HWND, POINT, RECT};
use windows::Win32::Graphics::Gdi::{
    InvalidateRect, MapWindowPoints, RedrawWindow, RDW_ALLCHILDREN, RDW_ERASE, RDW_FRAME,
    RDW_INVALIDATE,
};
use windows::Win32::UI::WindowsAndMessaging::{
    GetParent, GetWindowRect, IsWindowVisible, SetWindowPos, SET_WINDOW_POS_FLAGS, SWP_HIDEWINDOW,
    SWP_NOACTIVATE, SWP_NOMOVE, SWP_NOREDRAW, SWP_NOSIZE, SWP_NOZORDER, SWP_SHOWWINDOW,
};

/// `SetWindowPos` flags for an embedded window: no activation, no z-order change, and no
/// repainting by `SetWindowPos` itself ([`repaint`] does it without waiting for the host).
pub(super) const QUIET: SET_WINDOW_POS_FLAGS =
    SET_WINDOW_POS_FLAGS(SWP_NOZORDER.0 | SWP_NOACTIVATE.0 | SWP_NOREDRAW.0);

/// Where `hwnd` is in its parent's client area (its parent and rectangle), if it is shown:
/// the part of the parent that moving or hiding it uncovers.
pub(super) fn area_in_parent(hwnd: HWND) -> Option<(HWND, RECT)> {
    // SAFETY: plain queries on our live window and its parent; no message is sent.
    unsafe {
        if !IsWindowVisible(hwnd).as_bool() {
            return None;
        }
        let parent = GetParent(hwnd).ok()?;
        let mut rect = RECT::default();
        GetWindowRect(hwnd, &mut rect).ok()?;
        let mut corners = [
            POINT {
                x: rect.left,
                y: rect.top,
            },
            POINT {
                x: rect.right,
                y: rect.bottom,
            },
        ];
        MapWindowPoints(None, Some(parent), &mut corners);
        Some((
            parent,
            RECT {
                left: corners[0].x,
                top: corners[0].y,
                right: corners[1].x,
                bottom: corners[1].y,
            },
        ))
    }
}

/// Leaves part of a host window to its thread to repaint when it next pumps. Invalidating
/// sends nothing; no erase is asked for (under Wine, a pending erase makes our next change
/// wait for the host, see the module's notes).
fn invalidate(parent: HWND, rect: &RECT) {
    // SAFETY: invalidating a part of a window; nothing is sent.
    let _ = unsafe { InvalidateRect(Some(parent), Some(rect), false) };
}

/// What a quiet change leaves to repaint: `uncovered` (a part of the parent) and our
/// window itself.
pub(super) fn repaint(hwnd: HWND, uncovered: Option<(HWND, RECT)>) {
    if let Some((parent, rect)) = uncovered {
        invalidate(parent, &rect);
    }
    // SAFETY: invalidating our own live window, on its thread.
    unsafe {
        let _ = RedrawWindow(
            Some(hwnd),
            None,
            None,
            RDW_INVALIDATE | RDW_ERASE | RDW_FRAME | RDW_ALLCHILDREN,
        );
    }
}

/// Shows (without activating) or hides an embedded window, quietly (see [`QUIET`]).
pub(super) fn show_quietly(hwnd: HWND, visible: bool) -> Result<(), String> {
    let uncovered = if visible { None } else { area_in_parent(hwnd) };
    let flag = if visible {
        SWP_SHOWWINDOW
    } else {
        SWP_HIDEWINDOW
    };
    set_pos(hwnd, 0, 0, 0, 0, QUIET | SWP_NOMOVE | SWP_NOSIZE | flag)?;
    if visible {
        repaint(hwnd, None);
    } else if let Some((parent, rect)) = uncovered {
        invalidate(parent, &rect);
    }
    Ok(())
}

pub(super) fn set_pos(
    hwnd: HWND,
    x: i32,
    y: i32,
    width: i32,
    height: i32,
    flags: SET_WINDOW_POS_FLAGS,
) -> Result<(), String> {
    // SAFETY: our live window, on its own thread.
    unsafe { SetWindowPos(hwnd, None, x, y, width, height, flags | SWP_NOACTIVATE) }
        .map_err(|e| format!("SetWindowPos failed: {e}"))
}
