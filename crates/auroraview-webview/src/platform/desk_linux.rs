//! Linux (GTK, WebKitGTK): what a tool panel needs from its window beyond the page: the
//! engine's navigation and new-window requests (kept, and answered later), window options,
//! the inspector, and native dialogs (GTK's, shown on the UI thread without blocking it:
//! their answer arrives as an event).
//!
//! Dialogs use gtk-rs directly rather than a dialog crate: `rfd`'s GTK backend runs GTK from
//! a thread of its own that iterates GLib's default main context, which in a Qt host would
//! take that context from Qt's main thread (see docs/architecture.md).

use super::hooks;
use super::NativeWindow;
use crate::dialog::{DialogKind, DialogSpec, MessageLevel};
use crate::spec::WindowOptions;
use crate::ui::{DeskEvent, UiEvent};
use glib::Cast;
use gtk::prelude::*;
use webkit2gtk::{NavigationPolicyDecisionExt, PolicyDecisionExt, PolicyDecisionType, WebViewExt};
use wry::WebViewExtUnix;

/// An engine request (a navigation) kept until the application answers.
pub(crate) struct PolicyHandle(webkit2gtk::PolicyDecision);

impl PolicyHandle {
    pub(crate) fn allow(self) {
        self.0.use_();
    }

    pub(crate) fn refuse(self) {
        self.0.ignore();
    }
}

/// Reports the WebView's navigation and new-window requests to the UI thread, which
/// answers them (now, or when the application has).
pub(crate) fn watch_policy(webview: &wry::WebView, view: u64) {
    webview
        .webview()
        .connect_decide_policy(move |_, decision, kind| {
            let new_window = match kind {
                PolicyDecisionType::NavigationAction => false,
                PolicyDecisionType::NewWindowAction => true,
                _ => return false,
            };
            let Some(navigation) =
                decision.dynamic_cast_ref::<webkit2gtk::NavigationPolicyDecision>()
            else {
                return false;
            };
            let Some(action) = navigation.navigation_action() else {
                return false;
            };
            let url = action
                .request()
                .and_then(|request| webkit2gtk::URIRequestExt::uri(&request))
                .map(|uri| uri.to_string())
                .unwrap_or_default();
            hooks::event(UiEvent::Desk(DeskEvent::Policy {
                view,
                new_window,
                url,
                user_gesture: action.is_user_gesture(),
                handle: PolicyHandle(decision.clone()),
            }));
            true
        });
}

/// Applies a top-level window's options before it is first shown.
pub(crate) fn apply_window_options(window: &gtk::Window, options: &WindowOptions) {
    if options.frameless {
        window.set_decorated(false);
    }
    if options.always_on_top {
        window.set_keep_above(true);
    }
    if let Some((x, y)) = options.position {
        window.move_(x, y);
    }
    if options.min_size.is_some() || options.max_size.is_some() {
        let (min_w, min_h) = options.min_size.unwrap_or((0, 0));
        let (max_w, max_h) = options
            .max_size
            .unwrap_or((i32::MAX as u32, i32::MAX as u32));
        let clamp = |v: u32| v.min(i32::MAX as u32) as i32;
        let geometry = gtk::gdk::Geometry::new(
            clamp(min_w),
            clamp(min_h),
            clamp(max_w),
            clamp(max_h),
            0,
            0,
            0,
            0,
            0.0,
            0.0,
            gtk::gdk::Gravity::NorthWest,
        );
        let mut hints = gtk::gdk::WindowHints::empty();
        if options.min_size.is_some() {
            hints |= gtk::gdk::WindowHints::MIN_SIZE;
        }
        if options.max_size.is_some() {
            hints |= gtk::gdk::WindowHints::MAX_SIZE;
        }
        window.set_geometry_hints(None::<&gtk::Widget>, Some(&geometry), hints);
    }
    if let Some(icon) = &options.icon {
        if let Err(err) = window.set_icon_from_file(icon) {
            log::warn!(
                "auroraview: cannot use {} as the window's icon: {err}",
                icon.display()
            );
        }
    }
    if options.maximized {
        window.maximize();
    }
    if options.transparent {
        match WidgetExt::screen(window).and_then(|screen| screen.rgba_visual()) {
            Some(visual) => {
                window.set_visual(Some(&visual));
                window.set_app_paintable(true);
            }
            None => log::warn!(
                "auroraview: this display has no visual with an alpha channel: the window \
                 cannot be transparent"
            ),
        }
    }
}

/// Opens the web inspector of a WebView made with `debug`.
pub(crate) fn open_devtools(webview: &wry::WebView) -> Result<(), String> {
    let webview = webview.webview();
    let extras = WebViewExt::settings(&webview)
        .map(|s| webkit2gtk::SettingsExt::enables_developer_extras(&s))
        .unwrap_or(false);
    if !extras {
        return Err("the WebView was made without debug=True".into());
    }
    let inspector = webview.inspector().ok_or("the WebView has no inspector")?;
    webkit2gtk::WebInspectorExt::show(&inspector);
    Ok(())
}

/// Closes the web inspector if it is open (before the WebView is destroyed).
pub(crate) fn close_devtools(webview: &wry::WebView) {
    if let Some(inspector) = webview.webview().inspector() {
        if webkit2gtk::WebInspectorExt::web_view(&inspector).is_some() {
            webkit2gtk::WebInspectorExt::close(&inspector);
        }
    }
}

/// A dialog being shown.
pub(crate) struct OpenDialog(gtk::Dialog);

/// Dismisses a dialog (answered, no longer waited for, or its WebView closed).
pub(crate) fn close_dialog(dialog: OpenDialog) {
    // SAFETY: the dialog is ours and not used after this.
    unsafe { dialog.0.destroy() };
}

/// Shows `spec` as a GTK dialog, parented to `parent`'s window (a top-level of ours, or the
/// host's top-level X window for an embedded WebView). Its answer arrives on the UI thread
/// as `DeskEvent::DialogAnswered`.
pub(crate) fn show_dialog(
    parent: Option<&NativeWindow>,
    spec: &DialogSpec,
    view: u64,
    id: u64,
) -> Result<OpenDialog, String> {
    let own_parent = match parent {
        Some(NativeWindow::TopLevel { window, .. }) => Some(window.clone()),
        _ => None,
    };
    let dialog: gtk::Dialog = match spec.kind {
        DialogKind::Message | DialogKind::Confirm => {
            let (icon, buttons) = match (spec.kind, spec.level) {
                (DialogKind::Confirm, _) => {
                    (gtk::MessageType::Question, gtk::ButtonsType::OkCancel)
                }
                (_, MessageLevel::Info) => (gtk::MessageType::Info, gtk::ButtonsType::Ok),
                (_, MessageLevel::Warning) => (gtk::MessageType::Warning, gtk::ButtonsType::Ok),
                (_, MessageLevel::Error) => (gtk::MessageType::Error, gtk::ButtonsType::Ok),
            };
            let dialog = gtk::MessageDialog::new(
                own_parent.as_ref(),
                gtk::DialogFlags::MODAL | gtk::DialogFlags::DESTROY_WITH_PARENT,
                icon,
                buttons,
                &spec.message,
            );
            dialog.set_default_response(gtk::ResponseType::Ok);
            dialog.upcast()
        }
        _ => file_chooser(own_parent.as_ref(), spec)?.upcast(),
    };
    if !spec.title.is_empty() {
        dialog.set_title(&spec.title);
    }
    dialog.set_modal(true);
    let kind = spec.kind;
    dialog.connect_response(move |dialog, response| {
        let value = answer(dialog, kind, response);
        hooks::event(UiEvent::Desk(DeskEvent::DialogAnswered { view, id, value }));
    });
    if let Some(&NativeWindow::Child { parent: xid }) = parent {
        dialog.realize();
        transient_for_host(&dialog, xid);
    }
    dialog.show_all();
    dialog.present();
    Ok(OpenDialog(dialog))
}

fn file_chooser(
    parent: Option<&gtk::Window>,
    spec: &DialogSpec,
) -> Result<gtk::FileChooserDialog, String> {
    let (action, accept) = match spec.kind {
        DialogKind::OpenFile | DialogKind::OpenFiles => (gtk::FileChooserAction::Open, "_Open"),
        DialogKind::SaveFile => (gtk::FileChooserAction::Save, "_Save"),
        DialogKind::PickFolder => (gtk::FileChooserAction::SelectFolder, "_Select"),
        _ => return Err("not a file dialog".into()),
    };
    let dialog = gtk::FileChooserDialog::with_buttons(
        None::<&str>,
        parent,
        action,
        &[
            ("_Cancel", gtk::ResponseType::Cancel),
            (accept, gtk::ResponseType::Accept),
        ],
    );
    dialog.set_default_response(gtk::ResponseType::Accept);
    dialog.set_select_multiple(spec.kind == DialogKind::OpenFiles);
    if spec.kind == DialogKind::SaveFile {
        dialog.set_do_overwrite_confirmation(true);
    }
    for (name, patterns) in &spec.filters {
        let filter = gtk::FileFilter::new();
        filter.set_name(Some(name));
        for pattern in patterns {
            filter.add_pattern(pattern);
        }
        dialog.add_filter(filter);
    }
    if let Some(path) = &spec.default_path {
        if path.is_dir() {
            dialog.set_current_folder(path);
        } else {
            if let Some(folder) = path.parent().filter(|p| p.is_dir()) {
                dialog.set_current_folder(folder);
            }
            if spec.kind == DialogKind::SaveFile {
                if let Some(name) = path.file_name() {
                    dialog.set_current_name(name.to_string_lossy().as_ref());
                }
            } else if path.exists() {
                dialog.set_filename(path);
            }
        }
    }
    Ok(dialog)
}

/// The dialog's answer as JSON text.
fn answer(dialog: &gtk::Dialog, kind: DialogKind, response: gtk::ResponseType) -> String {
    let accepted = matches!(
        response,
        gtk::ResponseType::Accept | gtk::ResponseType::Ok | gtk::ResponseType::Yes
    );
    match kind {
        DialogKind::Message => "true".into(),
        DialogKind::Confirm => accepted.to_string(),
        _ if !accepted => "null".into(),
        _ => {
            let paths: Vec<String> = dialog
                .downcast_ref::<gtk::FileChooserDialog>()
                .map(|chooser| chooser.filenames())
                .unwrap_or_default()
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            serde_json::Value::from(paths).to_string()
        }
    }
}

/// Makes `dialog` transient for the top-level X window that contains `xid` (the host's
/// main or floating window of an embedded WebView), so it stays above it.
fn transient_for_host(dialog: &gtk::Dialog, xid: u64) {
    let Some(top) = x11_toplevel(xid) else {
        return;
    };
    let (Some(display), Some(window)) = (gtk::gdk::Display::default(), dialog.window()) else {
        return;
    };
    let Some(x11) = display.downcast_ref::<gdkx11::X11Display>() else {
        return;
    };
    super::x11_errors::guard(top);
    gtk::gdk::error_trap_push();
    let host = gdkx11::X11Window::foreign_new_for_display(x11, top as std::ffi::c_ulong);
    window.set_transient_for(host.upcast_ref());
    display.flush();
    gtk::gdk::error_trap_pop_ignored();
}

/// The child of the root window that contains X window `xid` (its top-level frame or
/// window), if the window exists.
fn x11_toplevel(xid: u64) -> Option<u64> {
    use std::os::raw::{c_uint, c_ulong};
    let xlib = x11_dl::xlib::Xlib::open().ok()?;
    let display = gtk::gdk::Display::default()?;
    let x11 = display.downcast::<gdkx11::X11Display>().ok()?;
    // SAFETY: GDK's display stays open for the life of the process.
    let raw = unsafe {
        gdkx11::ffi::gdk_x11_display_get_xdisplay(glib::translate::ToGlibPtr::to_glib_none(&x11).0)
    } as *mut x11_dl::xlib::Display;
    let mut current = xid as c_ulong;
    gtk::gdk::error_trap_push();
    let found = loop {
        let (mut root, mut parent) = (0 as c_ulong, 0 as c_ulong);
        let mut children: *mut c_ulong = std::ptr::null_mut();
        let mut count: c_uint = 0;
        // SAFETY: GDK's open display; the out-pointers are valid locals; the children list
        // Xlib allocates is freed below.
        let ok = unsafe {
            (xlib.XQueryTree)(
                raw,
                current,
                &mut root,
                &mut parent,
                &mut children,
                &mut count,
            )
        };
        if !children.is_null() {
            // SAFETY: allocated by XQueryTree above.
            unsafe { (xlib.XFree)(children.cast()) };
        }
        if ok == 0 {
            break None;
        }
        if parent == root || parent == 0 {
            break Some(current as u64);
        }
        current = parent;
    };
    gtk::gdk::error_trap_pop_ignored();
    found
}
