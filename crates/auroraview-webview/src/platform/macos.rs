//! macOS: AppKit + WKWebView, hosted on the process's main thread only.
//!
//! AppKit and WebKit may be used from the main thread alone, and that thread's event loop
//! belongs to the host (Qt runs the Cocoa loop there). So there is no own mode and no event
//! loop of ours: hosted mode makes the main thread the UI thread, and a wake is a function
//! queued on the main dispatch queue, which the host's running loop drains. Every other item
//! here runs on the main thread, from such a wake or from an AppKit callback.

use super::hooks::{self, UiHooks};
use super::shared::{build_failed, child_bounds};
use crate::error::StartError;
use crate::spec::WebViewSpec;
use crate::ui::UiEvent;
use auroraview_core::ThreadKey;
use objc2::rc::Retained;
use objc2::runtime::{AnyObject, NSObject, NSObjectProtocol, ProtocolObject};
use objc2::{define_class, msg_send, DefinedClass, MainThreadMarker, MainThreadOnly, Message};
use objc2_app_kit::{
    NSApplication, NSBackingStoreType, NSView, NSWindow, NSWindowDelegate, NSWindowStyleMask,
};
use objc2_foundation::{NSPoint, NSRect, NSSize, NSString};
use std::cell::OnceCell;
use std::ffi::c_void;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use wry::raw_window_handle as rwh;
use wry::WebViewExtMacOS;

/// Own mode needs a UI thread of its own, which AppKit forbids.
pub(crate) fn start_ui_thread(
    _ui: UiHooks,
    _on_start: impl FnOnce(ThreadKey) + Send + 'static,
) -> Result<(), StartError> {
    Err(StartError(
        "own mode is not available on macOS: AppKit and WKWebView work only on the process's \
         main thread, so auroraview cannot run them on a thread of its own. Use hosted mode, \
         started from the main thread of a host that runs the Cocoa event loop there (e.g. a \
         Qt application)"
            .into(),
    ))
}

/// Hosted mode: the calling thread must be the main thread, whose event loop (the host's)
/// drains the main dispatch queue and delivers AppKit events.
pub(crate) fn start_hosted(
    ui: UiHooks,
    on_start: impl FnOnce(ThreadKey),
) -> Result<(), StartError> {
    let mtm = MainThreadMarker::new().ok_or_else(|| {
        StartError(
            "hosted mode on macOS must be started from the process's main thread (AppKit \
             and WKWebView work nowhere else), inside a host that runs the Cocoa event loop \
             there (e.g. a Qt application)"
                .into(),
        )
    })?;
    // A Qt host has made the application object already; otherwise this makes it.
    let _ = NSApplication::sharedApplication(mtm);
    hooks::install(ui);
    on_start(ThreadKey::current());
    Ok(())
}

// libdispatch, part of libSystem (linked by every macOS program anyway).
#[repr(C)]
struct DispatchQueue {
    _opaque: [u8; 0],
}

#[link(name = "System", kind = "dylib")]
extern "C" {
    /// The main queue; C code names it `dispatch_get_main_queue()`, a macro for its address.
    #[link_name = "_dispatch_main_q"]
    static MAIN_QUEUE: DispatchQueue;
    fn dispatch_async_f(
        queue: *const DispatchQueue,
        context: *mut c_void,
        work: extern "C" fn(*mut c_void),
    );
}

/// Queues `work(arg)` to run on the main thread from its running event loop, after every
/// AppKit callback and pass currently on the main thread's stack has returned.
fn on_main_queue(work: extern "C" fn(*mut c_void), arg: u64) {
    // SAFETY: the main queue is a static object that lives for the whole process, and
    // dispatch_async_f may be called from any thread. `work` ignores or decodes `arg` as a
    // plain integer: no pointer is handed over, so there is no lifetime to uphold.
    unsafe {
        dispatch_async_f(
            &raw const MAIN_QUEUE,
            std::ptr::without_provenance_mut(arg as usize),
            work,
        )
    }
}

extern "C" fn run_pass(_: *mut c_void) {
    hooks::process();
}

extern "C" fn report_close(view: *mut c_void) {
    let view = view.addr() as u64;
    hooks::event(UiEvent::CloseRequested { view });
}

/// Asks the main thread to run a pass. Any thread; one queued call per wake.
pub(crate) fn wake() {
    on_main_queue(run_pass, 0);
}

/// The delegate of our top-level windows: the close button reports a close request instead
/// of closing the window.
pub(crate) struct DelegateIvars {
    view: u64,
}

define_class!(
    // SAFETY: NSObject has no subclassing requirements, the class does not implement Drop,
    // and it is main-thread only, as NSWindowDelegate requires.
    #[unsafe(super(NSObject))]
    #[thread_kind = MainThreadOnly]
    #[ivars = DelegateIvars]
    pub(crate) struct WindowDelegate;

    // SAFETY: NSObjectProtocol adds no requirements.
    unsafe impl NSObjectProtocol for WindowDelegate {}

    // SAFETY: the signature matches the protocol's `- (BOOL)windowShouldClose:(NSWindow *)`.
    unsafe impl NSWindowDelegate for WindowDelegate {
        #[unsafe(method(windowShouldClose:))]
        fn window_should_close(&self, _sender: &NSWindow) -> bool {
            // Reported from the main queue, not from here: the runtime answers by closing
            // and freeing this window and this delegate, which AppKit is still inside now.
            on_main_queue(report_close, self.ivars().view);
            false
        }
    }
);

impl WindowDelegate {
    fn new(mtm: MainThreadMarker, view: u64) -> Retained<Self> {
        let this = Self::alloc(mtm).set_ivars(DelegateIvars { view });
        // SAFETY: NSObject's designated initialiser, called once on a fresh allocation.
        unsafe { msg_send![super(this), init] }
    }
}

/// Where a WebView lives: a top-level window of ours, or a subview of a host NSView.
pub(crate) enum NativeWindow {
    TopLevel {
        window: Retained<NSWindow>,
        /// The window holds its delegate weakly: this keeps it alive.
        _delegate: Retained<WindowDelegate>,
    },
    /// Inside a host NSView; wry owns the WKWebView.
    Child { parent: u64 },
}

impl Drop for NativeWindow {
    fn drop(&mut self) {
        if let NativeWindow::TopLevel { window, .. } = self {
            window.setDelegate(None);
            window.close();
        }
    }
}

/// An NSView, as wry wants it for `build` / `build_as_child`.
struct AppKitView(Retained<NSView>);

impl rwh::HasWindowHandle for AppKitView {
    fn window_handle(&self) -> Result<rwh::WindowHandle<'_>, rwh::HandleError> {
        let raw = rwh::AppKitWindowHandle::new(NonNull::from(&*self.0).cast());
        // SAFETY: the view is retained by `self`, so it outlives the borrowed handle.
        Ok(unsafe { rwh::WindowHandle::borrow_raw(rwh::RawWindowHandle::AppKit(raw)) })
    }
}

fn main_thread() -> Result<MainThreadMarker, String> {
    MainThreadMarker::new().ok_or_else(|| "AppKit is used off the main thread".to_string())
}

/// The host's NSView behind a native handle (a Qt widget's `winId()`), checked to be an
/// NSView that is inside a window (wry needs the window).
fn host_view(handle: u64, _mtm: MainThreadMarker) -> Result<Retained<NSView>, String> {
    let ptr = handle as usize as *const AnyObject;
    if ptr.is_null() {
        return Err("the parent handle is null: pass a native Qt widget's winId()".into());
    }
    // SAFETY: a non-null parent handle is, by the API's contract, a live Objective-C object
    // of the host (an NSView from winId()); we are on the main thread (the marker), where
    // AppKit objects may be used. The kind is checked before it is used as an NSView.
    let object = unsafe { &*ptr };
    let view = object.downcast_ref::<NSView>().ok_or_else(|| {
        format!("parent {handle:#x} is not an NSView: pass a native Qt widget's winId()")
    })?;
    if view.window().is_none() {
        return Err(format!(
            "parent NSView {handle:#x} is not in a window yet: show the widget first"
        ));
    }
    Ok(view.retain())
}

/// The engine's default browser-data location serves here.
pub(crate) fn web_context() -> Option<wry::WebContext> {
    None
}

/// The bridge's way to the host (see `bridge.js`): the engine's native post function,
/// captured before any page script runs (not `window.ipc`, whose wrapper looks it up at
/// call time, where a page could have replaced it).
pub(crate) const BRIDGE_POST: &str = "(function () { \
    var handlers = window.webkit && window.webkit.messageHandlers; \
    var h = handlers && handlers.ipc; if (!h) return null; var post = h.postMessage; \
    return function (text) { apply(post, h, [text]); }; })()";

/// Page messages come through wry's IPC handler.
pub(crate) fn with_ipc(builder: wry::WebViewBuilder<'_>, view: u64) -> wry::WebViewBuilder<'_> {
    builder.with_ipc_handler(move |request: wry::http::Request<String>| {
        hooks::event(UiEvent::Ipc {
            view,
            body: crate::platform::PostText::new(request.into_body()),
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
    let mtm = main_thread().map_err(StartError)?;
    let mut style =
        NSWindowStyleMask::Titled | NSWindowStyleMask::Closable | NSWindowStyleMask::Miniaturizable;
    if spec.resizable {
        style |= NSWindowStyleMask::Resizable;
    }
    let rect = NSRect::new(
        NSPoint::new(0.0, 0.0),
        NSSize::new(f64::from(spec.width), f64::from(spec.height)),
    );
    // SAFETY: a fresh allocation, initialised once with valid arguments, on the main thread.
    let window = unsafe {
        NSWindow::initWithContentRect_styleMask_backing_defer(
            NSWindow::alloc(mtm),
            rect,
            style,
            NSBackingStoreType::Buffered,
            false,
        )
    };
    // SAFETY: the window is owned by the Retained above (and dropped through it), so it must
    // not also release itself when closed.
    unsafe { window.setReleasedWhenClosed(false) };
    window.setTitle(&NSString::from_str(&spec.title));
    window.center();
    let delegate = WindowDelegate::new(mtm, view);
    window.setDelegate(Some(ProtocolObject::from_ref(&*delegate)));
    Ok(NativeWindow::TopLevel {
        window,
        _delegate: delegate,
    })
}

pub(crate) fn build_webview(
    builder: wry::WebViewBuilder<'_>,
    window: &NativeWindow,
    spec: &WebViewSpec,
) -> Result<wry::WebView, StartError> {
    match window {
        NativeWindow::TopLevel { window, .. } => {
            // wry's `build` puts the WebView in the view's window, as its new content view.
            let content = window
                .contentView()
                .ok_or_else(|| StartError("the new window has no content view".into()))?;
            builder.build(&AppKitView(content)).map_err(build_failed)
        }
        &NativeWindow::Child { parent: handle } => {
            let mtm = main_thread().map_err(StartError)?;
            let parent = host_view(handle, mtm).map_err(StartError)?;
            builder
                .with_bounds(child_bounds(spec))
                .build_as_child(&AppKitView(parent))
                .map_err(build_failed)
        }
    }
}

/// Drops a WebView (wry takes its view out of the hierarchy), then closes our window.
/// (`_end_process`: the engine ends a web process its pages no longer use.)
pub(crate) fn destroy(webview: wry::WebView, window: NativeWindow, _end_process: bool) {
    drop(webview);
    drop(window);
}

thread_local! {
    /// Holds parked WebViews: a borderless window that is never shown. wry expects a
    /// WebView's view to be inside some window (`set_bounds` on one that is not panics).
    /// ManuallyDrop: never released at exit, when AppKit may be torn down already.
    static PARKING: ManuallyDrop<OnceCell<Retained<NSWindow>>> =
        const { ManuallyDrop::new(OnceCell::new()) };
}

fn parking_view(mtm: MainThreadMarker) -> Result<Retained<NSView>, String> {
    PARKING.with(|cell| {
        let window = cell.get_or_init(|| {
            let rect = NSRect::new(NSPoint::new(0.0, 0.0), NSSize::new(1.0, 1.0));
            // SAFETY: as in create_window: a fresh allocation, initialised once, owned by
            // the Retained (hence not released when closed), on the main thread.
            unsafe {
                let window = NSWindow::initWithContentRect_styleMask_backing_defer(
                    NSWindow::alloc(mtm),
                    rect,
                    NSWindowStyleMask::Borderless,
                    NSBackingStoreType::Buffered,
                    true,
                );
                window.setReleasedWhenClosed(false);
                window
            }
        });
        window
            .contentView()
            .ok_or_else(|| "the parking window has no content view".to_string())
    })
}

/// Moves an embedded WebView's view into another host NSView (`Some`, shown at its top-left
/// corner) or parks it, hidden, in a window that is never shown (`None`). Qt may replace a
/// native widget's NSView when its top-level changes (a dock floating or re-docking):
/// parking keeps the WebView, and its page, alive across that.
pub(crate) fn reparent(
    webview: &wry::WebView,
    _window: &NativeWindow,
    parent: Option<u64>,
) -> Result<(), String> {
    let mtm = main_thread()?;
    let new_parent = match parent {
        Some(handle) => host_view(handle, mtm)?,
        None => parking_view(mtm)?,
    };
    // Our own reference keeps the view alive while it has no superview.
    let view = webview.webview();
    if parent.is_none() {
        view.setHidden(true);
    }
    view.removeFromSuperview();
    new_parent.addSubview(&view);
    let height = view.frame().size.height;
    let top = if new_parent.isFlipped() {
        0.0
    } else {
        new_parent.frame().size.height - height
    };
    view.setFrameOrigin(NSPoint::new(0.0, top));
    if parent.is_some() {
        view.setHidden(false);
    }
    Ok(())
}

impl NativeWindow {
    /// Inside a host view (placing and reparenting apply), not a top-level of ours.
    pub(crate) fn is_embedded(&self) -> bool {
        matches!(self, NativeWindow::Child { .. })
    }

    pub(crate) fn set_title(&self, title: &str) {
        if let NativeWindow::TopLevel { window, .. } = self {
            window.setTitle(&NSString::from_str(title));
        }
    }

    /// Places an embedded WebView in its parent view (the UI pass calls this for embedded
    /// ones only).
    pub(crate) fn set_bounds(&self, webview: &wry::WebView, bounds: wry::Rect) -> wry::Result<()> {
        webview.set_bounds(bounds)
    }

    pub(crate) fn set_visible(&self, webview: &wry::WebView, visible: bool) {
        // The WKWebView itself too: one built hidden stays hidden inside a shown window.
        if let Err(err) = webview.set_visible(visible) {
            log::warn!("auroraview: set_visible failed: {err}");
        }
        match self {
            NativeWindow::TopLevel { window, .. } if visible => window.makeKeyAndOrderFront(None),
            NativeWindow::TopLevel { window, .. } => window.orderOut(None),
            NativeWindow::Child { .. } => {}
        }
    }
}
