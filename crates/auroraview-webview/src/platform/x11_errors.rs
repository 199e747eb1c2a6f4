//! A safety net for X errors about the windows of embedded WebViews (Linux, X11).
//!
//! GDK ends the process on any X error it did not trap. X errors arrive asynchronously, and
//! GTK issues some requests on its own schedule (a window's pending move or resize, its
//! delayed close): when the host destroys the window our WebView is embedded in at an
//! unlucky moment (a dock deleted right after its panel was created), such a request names
//! a window that no longer exists, outside any trap of ours, and the host dies. This module
//! wraps GDK's X error handler: a `BadWindow` or `BadDrawable` about a host window we
//! embedded in, or about any window of GDK's own X connection (the containers wry makes for
//! embedding, and the windows GTK creates inside them, which the X server destroys with
//! their ancestor), and an error about any other resource of GDK's connection that does not
//! exist (`BadPixmap`, `BadGC`, Render's `BadPicture`, ...: what GDK and cairo made for those
//! windows, released with them while GTK may still draw; seen in the tests' teardown
//! timings), is logged (debug) and ignored; every other error goes to GDK's handler
//! as before, so GDK's own traps and diagnostics are unchanged. GDK's connection serves
//! auroraview's WebViews alone (Qt has its own), so this hides nothing of the host's.
//!
//! What must not live here: anything but X error filtering.

use auroraview_core::poison::MutexExt;
use std::collections::VecDeque;
use std::ffi::c_int;
use std::sync::{Mutex, OnceLock};
use x11_dl::xlib::{Display, XErrorEvent, Xlib};

type Handler = unsafe extern "C" fn(*mut Display, *mut XErrorEvent) -> c_int;

/// GDK's handler, which ours passes everything else to.
static PREVIOUS: OnceLock<Option<Handler>> = OnceLock::new();
/// The windows errors about which are expected, newest last (bounded: X ids are reused).
static GUARDED: Mutex<VecDeque<u64>> = Mutex::new(VecDeque::new());
const MAX_GUARDED: usize = 4096;
/// The resource-id base of GDK's connection (0 until `install` learned it). The X server
/// gives each client ids `base | n` with `n` within its resource mask.
static OWN_BASE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// The resource-id mask every X server in use gives its clients (21 bits).
const CLIENT_MASK: u64 = 0x1f_ffff;

const BAD_WINDOW: u8 = 3;
const BAD_DRAWABLE: u8 = 9;
/// Core errors about a resource that does not exist (any longer): BadPixmap, BadCursor,
/// BadFont, BadColor, BadGC.
const BAD_RESOURCE: [u8; 5] = [4, 6, 7, 12, 13];
/// The X Render extension's `BadPicture` error code on GDK's display (its first error + 1;
/// 0 until known or without Render).
static BAD_PICTURE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);
/// How many errors the filter has ignored (read by the tests).
static IGNORED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Installs the filter, once per process, after GDK opened its display (UI thread).
pub(super) fn install() {
    PREVIOUS.get_or_init(|| {
        let Ok(xlib) = Xlib::open() else {
            log::warn!("auroraview: cannot load Xlib; X errors are GDK's alone to handle");
            return None;
        };
        if let Some(raw) = gdk_xdisplay() {
            note_render_errors(&xlib, raw);
            note_own_base(&xlib, raw);
        }
        // SAFETY: swaps the process's Xlib error handler; `filter` passes every error it
        // does not own to the handler it replaced.
        unsafe { (xlib.XSetErrorHandler)(Some(filter)) }
    });
}

/// GDK's Xlib display (`None` off X11).
fn gdk_xdisplay() -> Option<*mut Display> {
    use glib::Cast;
    let display = gtk::gdk::Display::default()?;
    let x11 = display.downcast::<gdkx11::X11Display>().ok()?;
    // SAFETY: GDK's display stays open for the life of the process.
    let raw = unsafe {
        gdkx11::ffi::gdk_x11_display_get_xdisplay(glib::translate::ToGlibPtr::to_glib_none(&x11).0)
    };
    Some(raw as *mut Display)
}

/// Learns Render's error codes on GDK's display (a round trip, so not from inside the
/// handler, where Xlib forbids requests).
fn note_render_errors(xlib: &Xlib, raw: *mut Display) {
    let (mut major, mut event, mut error): (c_int, c_int, c_int) = (0, 0, 0);
    // SAFETY: a plain query on an open display, on the UI thread that owns GDK.
    let present = unsafe {
        (xlib.XQueryExtension)(raw, c"RENDER".as_ptr(), &mut major, &mut event, &mut error)
    };
    if present != 0 {
        if let Ok(code) = u8::try_from(error + 1) {
            BAD_PICTURE.store(code, std::sync::atomic::Ordering::Release);
        }
    }
}

/// Learns the resource-id base of GDK's connection from an id it allocates (a 1x1 pixmap,
/// freed at once), before any WebView exists: an error about a resource GDK or cairo made
/// can then be recognised whenever it arrives, even before the first embedded window is
/// realized or after the last one is gone.
fn note_own_base(xlib: &Xlib, raw: *mut Display) {
    // SAFETY: requests on GDK's open display, on the UI thread that owns GDK; the pixmap is
    // ours alone and freed before anything could use it.
    let id = unsafe {
        let screen = (xlib.XDefaultScreen)(raw);
        let root = (xlib.XRootWindow)(raw, screen);
        let depth = u32::try_from((xlib.XDefaultDepth)(raw, screen)).unwrap_or(24);
        let pixmap = (xlib.XCreatePixmap)(raw, root, 1, 1, depth);
        (xlib.XFreePixmap)(raw, pixmap);
        pixmap
    };
    own_id(id);
}

/// Notes `xid`, an id GDK's connection allocated, so errors about that connection's
/// resources are recognised.
fn own_id(xid: u64) {
    if xid != 0 {
        OWN_BASE.store(xid & !CLIENT_MASK, std::sync::atomic::Ordering::Release);
    }
}

/// Expects (and ignores) `BadWindow`/`BadDrawable` errors about window `xid` from now on.
pub(super) fn guard(xid: u64) {
    if xid == 0 {
        return;
    }
    let mut guarded = GUARDED.lock_unpoisoned();
    if guarded.contains(&xid) {
        return;
    }
    if guarded.len() >= MAX_GUARDED {
        guarded.pop_front();
    }
    guarded.push_back(xid);
}

unsafe extern "C" fn filter(display: *mut Display, event: *mut XErrorEvent) -> c_int {
    // SAFETY: Xlib passes a valid event for the duration of the call.
    let e = unsafe { &*event };
    let own_base = OWN_BASE.load(std::sync::atomic::Ordering::Acquire);
    let own = own_base != 0 && e.resourceid & !CLIENT_MASK == own_base;
    let bad_picture = BAD_PICTURE.load(std::sync::atomic::Ordering::Acquire);
    // What GDK and cairo made for our windows (pixmaps, GCs, Render pictures, ...) goes
    // with them, while requests that use it may still be on their way.
    let gone =
        BAD_RESOURCE.contains(&e.error_code) || (bad_picture != 0 && e.error_code == bad_picture);
    if own && gone {
        IGNORED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        log::debug!(
            "auroraview: ignored X error {} (request {}.{}) about {:#x}, freed with its window",
            e.error_code,
            e.request_code,
            e.minor_code,
            e.resourceid
        );
        return 0;
    }
    if matches!(e.error_code, BAD_WINDOW | BAD_DRAWABLE) {
        let xid = e.resourceid;
        let guarded = GUARDED.lock_unpoisoned();
        if own || guarded.contains(&xid) {
            IGNORED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            log::debug!(
                "auroraview: ignored X error {} (request {}) about window {:#x}, gone with the \
                 host window it was embedded in",
                e.error_code,
                e.request_code,
                e.resourceid
            );
            return 0;
        }
    }
    match PREVIOUS.get().copied().flatten() {
        // SAFETY: GDK's own handler, called as Xlib would have called it.
        Some(previous) => unsafe { previous(display, event) },
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    /// Errors about resources GDK's own connection made and freed (a pixmap freed twice:
    /// `BadPixmap`; copied from once freed: `BadDrawable`) are ignored, whether or not any
    /// WebView window exists yet. Without the filter, GDK's handler ends this test's process.
    #[test]
    fn errors_about_freed_resources_of_gdks_connection_are_ignored() {
        if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
            eprintln!("skipped: needs an X display");
            return;
        }
        gtk::init().expect("GTK starts on the test display");
        install();
        let xlib = Xlib::open().expect("Xlib loads");
        let raw = gdk_xdisplay().expect("GDK's display is X11");
        let before = IGNORED.load(Ordering::Relaxed);
        // SAFETY: requests on GDK's open display from the thread that initialised GTK; the
        // pixmap is ours, and the errors its reuse provokes are what the test is about.
        unsafe {
            let screen = (xlib.XDefaultScreen)(raw);
            let root = (xlib.XRootWindow)(raw, screen);
            let depth = u32::try_from((xlib.XDefaultDepth)(raw, screen)).unwrap();
            let pixmap = (xlib.XCreatePixmap)(raw, root, 4, 4, depth);
            let gc = (xlib.XCreateGC)(raw, root, 0, std::ptr::null_mut());
            (xlib.XFreePixmap)(raw, pixmap);
            (xlib.XFreePixmap)(raw, pixmap);
            (xlib.XCopyArea)(raw, pixmap, root, gc, 0, 0, 4, 4, 0, 0);
            (xlib.XSync)(raw, 0);
            (xlib.XFreeGC)(raw, gc);
        }
        assert_eq!(IGNORED.load(Ordering::Relaxed) - before, 2);
    }
}
