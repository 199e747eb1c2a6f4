//! The bridge's own transport on Linux: an abstract Unix socket that each web process's
//! extension (`auroraview-webext`) connects to, carrying the pages' posts in and the
//! runtime's scripts out without the engine's message handler or script evaluation.
//!
//! Everything here runs on the UI thread, from GLib watches on its main context (the same
//! thread, and the same loop, as the engine's message handler it replaces): a post is read
//! and handed to the UI thread's logic as `UiEvent::SocketPost`, which treats it exactly like
//! a post through the engine (token, origin, budgets, order). Nothing here blocks: reads take
//! at most [`READ_PER_TURN`] per turn of the loop, writes never wait (what the socket cannot
//! take waits in the connection's [`Writer`] for a watch to say it can). The writer is the
//! one part other threads touch (`transport_writer_linux.rs`): the thread that answers a page
//! call may write the answer itself (`direct.rs` says when).
//!
//! A connection must say the runtime's secret first (handed to the extension in the web
//! context's initialization data, never in the environment), or it is closed unread. The
//! extension tags each post with the engine's id of its page, which scripts for that page
//! carry back; which view a post is for (its token), and whether it is that view's, is the
//! UI thread's to judge.
//!
//! On by default, in own and hosted mode, when the extension's library is found
//! (`set_extension_dir`, or the `AURORAVIEW_WEB_EXTENSION_DIR` environment variable);
//! `AURORAVIEW_TRANSPORT=engine` turns it off. Without it, or for a web process that cannot
//! connect, pages use the engine's path, and so does a script for a page whose connection is
//! gone.
//!
//! What must not live here: the bridge's protocol (`auroraview_core::ipc`), deciding what
//! goes to a page and when (`ui/view.rs`).

use super::hooks;
use super::transport_writer_linux::{Pushed, Writer};
use super::Route;
use crate::ui::UiEvent;
use auroraview_core::frames::{Decoder, Kind};
use auroraview_core::poison::MutexExt;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read as _;
use std::os::fd::AsRawFd as _;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The extension's file name in its directory (WebKit loads every library there).
pub const EXTENSION_FILE: &str = "libauroraview_webext.so";
/// Most bytes read from one connection per turn of the UI thread's loop.
const READ_PER_TURN: usize = 1 << 20;

static EXTENSION_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Where the extension's library is installed (a directory holding [`EXTENSION_FILE`] and
/// nothing else WebKit would load). Before the first WebView; the environment variable
/// `AURORAVIEW_WEB_EXTENSION_DIR` overrides it.
pub fn set_extension_dir(dir: PathBuf) {
    *EXTENSION_DIR.lock_unpoisoned() = Some(dir);
}

fn extension_dir() -> Option<PathBuf> {
    if std::env::var("AURORAVIEW_TRANSPORT").as_deref() == Ok("engine") {
        return None;
    }
    let dir = std::env::var_os("AURORAVIEW_WEB_EXTENSION_DIR")
        .map(PathBuf::from)
        .or_else(|| EXTENSION_DIR.lock_unpoisoned().clone())?;
    if dir.join(EXTENSION_FILE).is_file() {
        Some(dir)
    } else {
        log::debug!("auroraview: no {EXTENSION_FILE} in {dir:?}: pages use the engine's path");
        None
    }
}

struct Transport {
    dir: PathBuf,
    name: String,
    secret: String,
    next: u64,
    conns: HashMap<u64, Conn>,
    /// Open for the life of the UI thread (its watch uses its descriptor), unless accepting
    /// failed for good: then closed, so new web processes cannot connect and their pages use
    /// the engine's way.
    listener: Option<UnixListener>,
}

struct Conn {
    stream: UnixStream,
    decoder: Decoder,
    /// It said the secret.
    trusted: bool,
    writer: Arc<Writer>,
    /// The watch for the socket to take more (UI thread), while one is armed.
    out_watch: Option<glib::SourceId>,
}

/// The writer of connection `conn`, if it is open (UI thread).
pub(crate) fn writer(conn: u64) -> Option<Arc<Writer>> {
    TRANSPORT.with_borrow(|t| {
        t.as_ref()
            .and_then(|t| t.conns.get(&conn))
            .map(|c| c.writer.clone())
    })
}

thread_local! {
    static TRANSPORT: RefCell<Option<Transport>> = const { RefCell::new(None) };
}

/// Opens the socket and starts accepting (the UI thread, once, before any WebView), if the
/// extension is installed and the transport not turned off.
pub(crate) fn start() {
    let Some(dir) = extension_dir() else {
        return;
    };
    match listen() {
        Ok((listener, name)) => {
            let fd = listener.as_raw_fd();
            let secret = random_hex();
            TRANSPORT.with_borrow_mut(|t| {
                *t = Some(Transport {
                    dir,
                    name,
                    secret,
                    next: 1,
                    conns: HashMap::new(),
                    listener: Some(listener),
                })
            });
            glib::source::unix_fd_add_local(fd, glib::IOCondition::IN, |_, _| accept());
        }
        Err(err) => log::warn!(
            "auroraview: cannot open the bridge's socket ({err}); pages use the engine's path"
        ),
    }
}

fn listen() -> std::io::Result<(UnixListener, String)> {
    use std::os::linux::net::SocketAddrExt as _;
    let name = format!("auroraview-{}-{}", std::process::id(), random_hex());
    let address = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?;
    let listener = UnixListener::bind_addr(&address)?;
    listener.set_nonblocking(true)?;
    Ok((listener, name))
}

/// 128 bits from the OS, as hex.
fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        // Never on Linux; the hasher's keys are random too, if weaker.
        use std::hash::{BuildHasher as _, Hasher as _};
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(i);
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Points the web context of `webview` at the extension, with the socket's name and the
/// secret, unless it was already (UI thread; before the WebView's first load, since the
/// engine reads them when it starts a web process). A no-op when the transport is off.
pub(crate) fn configure(webview: &wry::WebView) {
    use glib::prelude::ObjectExt as _;
    use webkit2gtk::{WebContextExt as _, WebViewExt as _};
    use wry::WebViewExtUnix as _;
    const DONE: &str = "auroraview-bridge-socket";
    let Some(context) = webview.webview().context() else {
        return;
    };
    // SAFETY: only this function reads or writes the key, always as `bool`.
    if unsafe { context.data::<bool>(DONE) }.is_some() {
        return;
    }
    TRANSPORT.with_borrow(|t| {
        let Some(t) = t.as_ref().filter(|t| t.listener.is_some()) else {
            return;
        };
        let Some(dir) = t.dir.to_str() else {
            log::warn!(
                "auroraview: the web extension's directory {:?} is not UTF-8",
                t.dir
            );
            return;
        };
        context.set_web_extensions_directory(dir);
        let data = glib::Variant::from((t.name.as_str(), t.secret.as_str()));
        context.set_web_extensions_initialization_user_data(&data);
        // SAFETY: as above.
        unsafe { context.set_data(DONE, true) };
    });
}

/// What one `accept` gave.
enum Accepted {
    /// A connection (its id and descriptor), now read by a watch of its own.
    Conn(u64, i32),
    /// Nothing for now (or one that was dropped at once): look again.
    Again,
    /// None waits any more.
    Done,
    /// Accepting failed for good.
    Broken,
}

/// Takes every connection waiting; `Break` (no more watching) if accepting fails for good.
fn accept() -> glib::ControlFlow {
    loop {
        let accepted = TRANSPORT.with_borrow_mut(|t| {
            let Some(t) = t.as_mut() else {
                return Accepted::Done;
            };
            let Some(listener) = &t.listener else {
                return Accepted::Done;
            };
            match listener.accept() {
                Ok((stream, _)) => {
                    if !same_user(&stream) || stream.set_nonblocking(true).is_err() {
                        return Accepted::Again;
                    }
                    let id = t.next;
                    t.next += 1;
                    let Ok(writer) = Writer::new(id, &stream) else {
                        return Accepted::Again;
                    };
                    let fd = stream.as_raw_fd();
                    t.conns.insert(
                        id,
                        Conn {
                            stream,
                            decoder: Decoder::new(),
                            trusted: false,
                            writer,
                            out_watch: None,
                        },
                    );
                    Accepted::Conn(id, fd)
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => Accepted::Again,
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => Accepted::Done,
                Err(err) => {
                    // (Out of descriptors, say.) The watch would fire again at once, forever.
                    log::error!(
                        "auroraview: the bridge's socket stopped accepting ({err}); pages of \
                         new web processes use the engine's way"
                    );
                    t.listener = None;
                    Accepted::Broken
                }
            }
        });
        match accepted {
            Accepted::Conn(id, fd) => {
                let condition = glib::IOCondition::IN | glib::IOCondition::HUP;
                glib::source::unix_fd_add_local(fd, condition, move |_, _| readable(id));
            }
            Accepted::Again => {}
            Accepted::Done => return glib::ControlFlow::Continue,
            Accepted::Broken => return glib::ControlFlow::Break,
        }
    }
}

/// True if the peer runs as this process's user (the web processes we start do; the
/// abstract socket itself has no permissions, so anyone may connect).
fn same_user(stream: &UnixStream) -> bool {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: a live socket; `cred` and `len` describe a buffer of the option's size.
    let got = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    // SAFETY: getuid cannot fail.
    got == 0 && cred.uid == unsafe { libc::getuid() }
}

/// A connection has bytes (or ended): reads up to [`READ_PER_TURN`] and hands each whole post
/// to the UI thread's logic, in order.
fn readable(id: u64) -> glib::ControlFlow {
    let mut posts = Vec::new();
    let open = TRANSPORT.with_borrow_mut(|t| {
        let Some(t) = t.as_mut() else { return false };
        let secret = t.secret.as_bytes();
        let Some(c) = t.conns.get_mut(&id) else {
            return false;
        };
        let open = read_posts(c, secret, id, &mut posts);
        if !open {
            if let Some(c) = t.conns.remove(&id) {
                c.writer.end();
                if let Some(watch) = c.out_watch {
                    watch.remove();
                }
            }
        }
        open
    });
    for (route, text) in posts {
        hooks::event(UiEvent::SocketPost { route, text });
    }
    if open {
        glib::ControlFlow::Continue
    } else {
        glib::ControlFlow::Break
    }
}

/// Reads what `c` has (at most [`READ_PER_TURN`]) into `posts`; false once the connection
/// is over (closed, broken, or not ours).
fn read_posts(c: &mut Conn, secret: &[u8], id: u64, posts: &mut Vec<(Route, String)>) -> bool {
    let mut buf = [0u8; 64 * 1024];
    let mut read = 0;
    let mut open = true;
    while read < READ_PER_TURN {
        match c.stream.read(&mut buf) {
            Ok(0) => {
                open = false;
                break;
            }
            Ok(n) => {
                read += n;
                c.decoder.push(&buf[..n]);
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => break,
            Err(_) => {
                open = false;
                break;
            }
        }
    }
    loop {
        match c.decoder.next_frame() {
            // Before the secret, a peer gets no more than a hello's worth of our memory.
            Ok(None) if !c.trusted && c.decoder.waiting() > 4096 => return false,
            Ok(None) => return open,
            Ok(Some(frame)) if !c.trusted => {
                if frame.kind != Kind::Hello || frame.body != secret {
                    log::warn!(
                        "auroraview: closed a bridge connection that did not say the secret"
                    );
                    return false;
                }
                c.trusted = true;
            }
            Ok(Some(frame)) if frame.kind == Kind::Post => {
                let text = String::from_utf8(frame.body)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                posts.push((
                    Route {
                        conn: id,
                        page: frame.page,
                    },
                    text,
                ));
            }
            Ok(Some(frame)) => {
                log::warn!(
                    "auroraview: a web extension sent a {:?} frame; closing its connection",
                    frame.kind
                );
                return false;
            }
            Err(err) => {
                log::warn!("auroraview: a web extension sent {err}; closing its connection");
                return false;
            }
        }
    }
}

/// Sends `script` to the page of `route`. `Err` when its connection is gone or too far
/// behind: the caller sends the script through the engine instead. UI thread; never blocks.
pub(crate) fn send(route: Route, script: &str) -> Result<(), String> {
    let writer = writer(route.conn).ok_or("the page's web process is no longer connected")?;
    if let Pushed::Watch = writer.push(route.page, script)? {
        watch_writable(route.conn);
    }
    Ok(())
}

/// Arms the watch that writes connection `conn`'s waiting bytes when its socket can take
/// them, unless one is armed (UI thread).
pub(super) fn watch_writable(conn: u64) {
    TRANSPORT.with_borrow_mut(|t| {
        let Some(c) = t.as_mut().and_then(|t| t.conns.get_mut(&conn)) else {
            return;
        };
        if c.out_watch.is_none() {
            let fd = c.stream.as_raw_fd();
            let condition = glib::IOCondition::OUT | glib::IOCondition::HUP;
            c.out_watch = Some(glib::source::unix_fd_add_local(
                fd,
                condition,
                move |_, _| writable(conn),
            ));
        }
    });
}

fn writable(conn: u64) -> glib::ControlFlow {
    let Some(writer) = writer(conn) else {
        return glib::ControlFlow::Break;
    };
    let behind = writer.write_more();
    TRANSPORT.with_borrow_mut(|t| {
        if let Some(c) = t.as_mut().and_then(|t| t.conns.get_mut(&conn)) {
            if !behind {
                c.out_watch = None;
            }
        }
    });
    if behind {
        glib::ControlFlow::Continue
    } else {
        glib::ControlFlow::Break
    }
}
