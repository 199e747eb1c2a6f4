//! The extension's one connection, on the web process's main thread (the only thread that
//! touches it): connecting and saying the secret, the page's post function, writing posts
//! without blocking the page, and evaluating the runtime's scripts.

use crate::ffi::*;
use auroraview_core::frames::{self, Decoder, Kind, Outbox, Written};
use std::cell::RefCell;
use std::ffi::{c_char, c_void, CStr};
use std::io::{Read as _, Write as _};
use std::os::fd::AsRawFd as _;
use std::os::unix::net::UnixStream;

/// The name the page's post function has until the bridge takes it.
const POST_FUNCTION: &CStr = c"__auroraview_socket_post";
/// Most bytes read from the runtime in one turn of the web process's loop.
const READ_PER_TURN: usize = 256 << 10;
/// The GLib priority the runtime's scripts are read at: WebKit's own (its IPC dispatch and
/// the page's timers run at 100 in the web process, its rendering at 100-110). At GLib's
/// default (0) a runtime that keeps the socket readable, Python threads flooding `emit`,
/// starved all of them: the page's `setInterval`s stopped, so its calls stopped too. At
/// 100 each turn of the loop serves both, a turn of ours at most [`READ_PER_TURN`].
const READ_PRIORITY: i32 = 100;

struct Connection {
    socket: UnixStream,
    extension: *mut c_void,
    /// Frames not yet written.
    out: Outbox,
    /// A GLib watch for the socket becoming writable is armed.
    watching_out: bool,
    decoder: Decoder,
    /// The runtime closed the connection or broke the protocol: nothing more is sent.
    closed: bool,
}

thread_local! {
    static CONNECTION: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

/// WebKit's entry point. `data` is the runtime's `(socket name, secret)`; without it (or if
/// the runtime cannot be reached) the extension does nothing and pages keep the engine's path.
///
/// # Safety
/// Called by WebKit once, on the web process's main thread, with a live extension and
/// variant.
#[no_mangle]
pub unsafe extern "C" fn webkit_web_extension_initialize_with_user_data(
    extension: *mut c_void,
    data: *mut c_void,
) {
    // SAFETY: WebKit hands us a live variant (or NULL) for the call's duration.
    let Some((name, secret)) = (unsafe { name_and_secret(data) }) else {
        return;
    };
    let socket = match connect(&name, &secret) {
        Ok(socket) => socket,
        Err(err) => {
            eprintln!("auroraview web extension: cannot reach the runtime ({err}); pages use the engine's path");
            return;
        }
    };
    let fd = socket.as_raw_fd();
    CONNECTION.with_borrow_mut(|c| {
        *c = Some(Connection {
            socket,
            extension,
            out: Outbox::default(),
            watching_out: false,
            decoder: Decoder::new(),
            closed: false,
        })
    });
    // SAFETY: the default world lives as long as the process; the callbacks match the
    // signal's and the watch's C signatures.
    unsafe {
        g_signal_connect_data(
            webkit_script_world_get_default(),
            c"window-object-cleared".as_ptr(),
            window_object_cleared as *const c_void,
            std::ptr::null_mut(),
            std::ptr::null(),
            0,
        );
        g_unix_fd_add_full(
            READ_PRIORITY,
            fd,
            G_IO_IN | G_IO_HUP | G_IO_ERR,
            readable as *const c_void,
            std::ptr::null_mut(),
            std::ptr::null(),
        );
    }
}

/// `(socket name, secret)` from the runtime's `(ss)` variant.
unsafe fn name_and_secret(data: *mut c_void) -> Option<(String, String)> {
    if data.is_null() {
        return None;
    }
    // SAFETY: `data` is a live GVariant; the children are released after copying.
    unsafe {
        if g_variant_check_format_string(data, c"(ss)".as_ptr(), 0) == 0 {
            return None;
        }
        let mut out = Vec::with_capacity(2);
        for index in 0..2 {
            let child = g_variant_get_child_value(data, index);
            let text = CStr::from_ptr(g_variant_get_string(child, std::ptr::null_mut()));
            out.push(text.to_string_lossy().into_owned());
            g_variant_unref(child);
        }
        let secret = out.pop()?;
        Some((out.pop()?, secret))
    }
}

/// Connects to the runtime's abstract socket `name` and says `secret` (blocking, once, before
/// any page exists); the socket is non-blocking afterwards.
fn connect(name: &str, secret: &str) -> std::io::Result<UnixStream> {
    use std::os::linux::net::SocketAddrExt as _;
    let address = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?;
    let mut socket = UnixStream::connect_addr(&address)?;
    let mut hello = Vec::new();
    frames::encode(Kind::Hello, 0, secret.as_bytes(), &mut hello)
        .map_err(|err| std::io::Error::other(err.to_string()))?;
    socket.write_all(&hello)?;
    socket.set_nonblocking(true)?;
    Ok(socket)
}

/// A main frame's window object was made (a new document): give it the post function, bound
/// to its page's id.
unsafe extern "C" fn window_object_cleared(
    world: *mut c_void,
    page: *mut c_void,
    frame: *mut c_void,
    _data: *mut c_void,
) {
    let usable = CONNECTION.with_borrow(|c| c.as_ref().is_some_and(|c| !c.closed));
    // SAFETY: the signal's world, page and frame are live for the call; the context and
    // function are released after use (the global object keeps the function).
    unsafe {
        if !usable || webkit_frame_is_main_frame(frame) == 0 {
            return;
        }
        let page_id = webkit_web_page_get_id(page);
        let context = webkit_frame_get_js_context_for_script_world(frame, world);
        let params = [G_TYPE_STRING];
        let function = jsc_value_new_functionv(
            context,
            POST_FUNCTION.as_ptr(),
            post as *const c_void,
            page_id as usize as *mut c_void,
            std::ptr::null(),
            G_TYPE_NONE,
            1,
            params.as_ptr(),
        );
        jsc_context_set_value(context, POST_FUNCTION.as_ptr(), function);
        g_object_unref(function);
        g_object_unref(context);
    }
}

/// The page's post function: one `Post` frame of page `page` (its id as the user data).
unsafe extern "C" fn post(text: *const c_char, page: *mut c_void) {
    if text.is_null() {
        return;
    }
    // SAFETY: JSC passes the argument converted to a C string, live for the call.
    let text = unsafe { CStr::from_ptr(text) }.to_bytes();
    CONNECTION.with_borrow_mut(|c| {
        let Some(c) = c.as_mut().filter(|c| !c.closed) else {
            return;
        };
        if c.out.push(Kind::Post, page as usize as u64, text).is_err() {
            eprintln!(
                "auroraview web extension: a post of {} bytes is too long; dropped",
                text.len()
            );
            return;
        }
        flush(c);
        while !c.closed && c.out.pending() > crate::MAX_PENDING_BYTES {
            wait_writable(c);
            flush(c);
        }
    });
}

/// Writes what it can without blocking; arms a watch for the rest.
fn flush(c: &mut Connection) {
    match c.out.write_to(c.socket.as_raw_fd()) {
        Ok(Written::All) => {}
        Ok(Written::Partly) if !c.watching_out => {
            c.watching_out = true;
            // SAFETY: the callback matches GUnixFDSourceFunc.
            unsafe {
                g_unix_fd_add(
                    c.socket.as_raw_fd(),
                    G_IO_OUT | G_IO_HUP | G_IO_ERR,
                    writable as *const c_void,
                    std::ptr::null_mut(),
                );
            }
        }
        Ok(Written::Partly) => {}
        Err(_) => close(c, "it stopped reading"),
    }
}

/// Blocks until the socket can take more (the page's posts are far ahead of the runtime).
fn wait_writable(c: &mut Connection) {
    let mut poll = libc::pollfd {
        fd: c.socket.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one live pollfd.
    let n = unsafe { libc::poll(&mut poll, 1, 1000) };
    if n < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
        close(c, "waiting for it failed");
    }
}

fn close(c: &mut Connection, why: &str) {
    if !c.closed {
        c.closed = true;
        c.out.clear();
        eprintln!("auroraview web extension: the connection to the runtime ended ({why})");
    }
}

/// GLib: the socket can take more of the pending posts.
unsafe extern "C" fn writable(_fd: i32, _condition: u32, _data: *mut c_void) -> i32 {
    CONNECTION.with_borrow_mut(|c| {
        let Some(c) = c.as_mut() else { return 0 };
        c.watching_out = false;
        if !c.closed {
            flush(c);
        }
        // `flush` arms a new watch if it is needed again.
        0
    })
}

/// GLib: the runtime sent something. Reads up to [`READ_PER_TURN`], then evaluates the
/// scripts that fully arrived, in order.
unsafe extern "C" fn readable(_fd: i32, _condition: u32, _data: *mut c_void) -> i32 {
    let mut scripts = Vec::new();
    let state = CONNECTION.with_borrow_mut(|c| {
        let c = c.as_mut()?;
        let mut buf = [0u8; 64 * 1024];
        let mut read = 0;
        while read < READ_PER_TURN {
            match c.socket.read(&mut buf) {
                Ok(0) => {
                    close(c, "the runtime closed it");
                    break;
                }
                Ok(n) => {
                    read += n;
                    c.decoder.push(&buf[..n]);
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(err) => {
                    close(c, &err.to_string());
                    break;
                }
            }
        }
        loop {
            match c.decoder.next_frame() {
                Ok(Some(frame)) if frame.kind == Kind::Script => {
                    scripts.push((frame.page, frame.body))
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(err) => {
                    close(c, &format!("the runtime sent {err}"));
                    break;
                }
            }
        }
        Some((c.extension, !c.closed))
    });
    let Some((extension, keep)) = state else {
        return 0;
    };
    for (page, script) in scripts {
        // SAFETY: the extension lives as long as the process.
        unsafe { evaluate(extension, page, &script) };
    }
    i32::from(keep)
}

/// Evaluates `script` in the main frame of page `page`, if it still exists; the script's
/// value and any exception it throws are dropped (the bridge reports its own errors).
unsafe fn evaluate(extension: *mut c_void, page: u64, script: &[u8]) {
    // SAFETY: the page (if any) and its frame are live; the context reference is ours.
    unsafe {
        let page = webkit_web_extension_get_page(extension, page);
        if page.is_null() {
            return;
        }
        let frame = webkit_web_page_get_main_frame(page);
        if frame.is_null() {
            return;
        }
        let context = webkit_frame_get_js_context(frame);
        if context.is_null() {
            return;
        }
        let value = jsc_context_evaluate(context, script.as_ptr().cast(), script.len() as isize);
        if !value.is_null() {
            g_object_unref(value);
        }
        if !jsc_context_get_exception(context).is_null() {
            jsc_context_clear_exception(context);
        }
        g_object_unref(context);
    }
}
