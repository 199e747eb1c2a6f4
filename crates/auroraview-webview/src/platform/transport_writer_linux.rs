//! A connection's writing half for the bridge's socket (`transport_linux.rs`): the one part of
//! the transport that threads other than the UI thread touch. A thread that answers a page
//! call may write the answer itself (`direct.rs` says when); the UI thread writes everything
//! else. Frames go out whole and in the order they were pushed, under the writer's lock,
//! which is held for one frame's copy and one non-blocking write, never longer. Bytes the
//! socket does not take wait here (at most [`MAX_UNSENT_BYTES`]) for the UI thread's watch.
//!
//! What must not live here: reading, accepting, or deciding what goes to a page.

use auroraview_core::frames::{Kind, Outbox, Written};
use auroraview_core::poison::MutexExt;
use std::os::fd::AsRawFd as _;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Most bytes of scripts waiting for one web process to read them; past that a script goes
/// through the engine instead (`send` fails).
const MAX_UNSENT_BYTES: usize = 256 << 20;

/// The writing half of a connection, shared by the UI thread and the threads that write a
/// call's answer directly. Its lock is held for one frame's copy and one non-blocking write,
/// never longer.
pub(crate) struct Writer {
    conn: u64,
    state: Mutex<WriterState>,
    /// The outbox's size as of its last change under the lock, for readers that must not
    /// take it ([`Writer::unsent`]).
    unsent: AtomicUsize,
}

struct WriterState {
    /// A descriptor of its own for writing; `None` once the connection is over.
    stream: Option<UnixStream>,
    /// Frames not yet written.
    out: Outbox,
    /// Bytes wait for the socket, and the UI thread has (or is asked for) a watch for it.
    watched: bool,
}

/// What a push left to do.
pub(super) enum Pushed {
    /// Written, or queued behind bytes a watch is already waiting to write.
    Done,
    /// Bytes wait and nobody watches for the socket yet: the UI thread must arm a watch.
    Watch,
}

impl Writer {
    pub(super) fn new(conn: u64, stream: &UnixStream) -> std::io::Result<Arc<Self>> {
        Ok(Arc::new(Writer {
            conn,
            state: Mutex::new(WriterState {
                stream: Some(stream.try_clone()?),
                out: Outbox::default(),
                watched: false,
            }),
            unsent: AtomicUsize::new(0),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WriterState> {
        self.state.lock_unpoisoned()
    }

    /// Queues `script` for page `page` and writes what the socket takes now, unless a watch
    /// is already waiting to (then the frame waits behind the bytes before it).
    pub(super) fn push(&self, page: u64, script: &str) -> Result<Pushed, String> {
        let mut st = self.lock();
        let pushed = Self::push_locked(&mut st, page, script);
        self.unsent.store(st.out.pending(), Ordering::Relaxed);
        pushed
    }

    /// Bytes waiting for the web process to read them (its socket full), as of the last
    /// push or write; read without the lock, so by any thread, at any time.
    pub(crate) fn unsent(&self) -> usize {
        self.unsent.load(Ordering::Relaxed)
    }

    fn push_locked(st: &mut WriterState, page: u64, script: &str) -> Result<Pushed, String> {
        let fd = st
            .stream
            .as_ref()
            .ok_or("the page's web process is no longer connected")?
            .as_raw_fd();
        if st.out.pending() + script.len() > MAX_UNSENT_BYTES {
            return Err(format!(
                "more than {MAX_UNSENT_BYTES} bytes already wait for the page's web process"
            ));
        }
        st.out
            .push(Kind::Script, page, script.as_bytes())
            .map_err(|err| err.to_string())?;
        if st.watched {
            return Ok(Pushed::Done);
        }
        match st.out.write_to(fd) {
            Ok(Written::Partly) => {
                st.watched = true;
                Ok(Pushed::Watch)
            }
            // A broken peer is seen by the reading side, which ends the connection.
            _ => Ok(Pushed::Done),
        }
    }

    /// The socket can take more (UI thread, from the watch): writes; true if bytes still
    /// wait (the watch stays).
    pub(super) fn write_more(&self) -> bool {
        let mut st = self.lock();
        let st = &mut *st;
        let Some(stream) = st.stream.as_ref() else {
            st.watched = false;
            return false;
        };
        let behind = matches!(st.out.write_to(stream.as_raw_fd()), Ok(Written::Partly));
        st.watched = behind;
        self.unsent.store(st.out.pending(), Ordering::Relaxed);
        behind
    }

    /// The connection is over: nothing more is written (its descriptor is closed here,
    /// under the lock, so no thread writes to a number the process reuses).
    pub(super) fn end(&self) {
        let mut st = self.lock();
        st.stream = None;
        st.out.clear();
        st.watched = false;
        self.unsent.store(0, Ordering::Relaxed);
    }

    /// Writes `script` for page `page` from any thread, without waiting: false if the
    /// writer is busy (the UI thread writing a batch), the connection is over or too far
    /// behind; the caller takes the UI thread's way instead. (The caller may hold Python's
    /// GIL, which must never wait on a lock.)
    pub(crate) fn send_from_any_thread(&self, page: u64, script: &str) -> bool {
        let Some(mut st) = self.state.try_lock_now() else {
            return false;
        };
        let pushed = Self::push_locked(&mut st, page, script);
        self.unsent.store(st.out.pending(), Ordering::Relaxed);
        drop(st);
        match pushed {
            Ok(Pushed::Done) => true,
            Ok(Pushed::Watch) => {
                // The rest waits for a watch, which only the UI thread can arm: an idle
                // source on its context runs there, whichever thread adds it. (Not
                // `MainContext::invoke`: in hosted mode the context is free between the
                // host's iterations, and `invoke` would then run the closure right here.)
                let conn = self.conn;
                glib::idle_add_full(glib::Priority::DEFAULT, move || {
                    super::transport_linux::watch_writable(conn);
                    glib::ControlFlow::Break
                });
                true
            }
            Err(_) => false,
        }
    }
}
