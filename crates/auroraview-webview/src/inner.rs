//! [`RuntimeInner`]: what every handle to the runtime shares (the UI thread's commands, the
//! completion thread, the UI thread's key, the mode, id counters), and [`Mode`].
//!
//! Below the proxy, the handler threads and the UI thread's state in the module graph: it
//! imports none of them, and they all reach the runtime through it.

use crate::commands::Commands;
use crate::reactor::Reactor;
use auroraview_core::ThreadKey;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// State shared by the runtime's handles and threads.
pub(crate) struct RuntimeInner {
    pub(crate) commands: Commands,
    pub(crate) reactor: Reactor,
    pub(crate) ui_thread: ThreadKey,
    pub(crate) mode: Mode,
    next_view: AtomicU64,
    next_eval: AtomicU64,
    /// WebViews that exist on the UI thread now.
    pub(crate) open_views: AtomicUsize,
    /// Spare WebViews built and with their blank page loaded (`ui/spare.rs`; counted by
    /// their load handler, uncounted when handed out or ended).
    pub(crate) spares_ready: Arc<AtomicUsize>,
    /// WebViews built from a spare so far.
    pub(crate) spares_used: AtomicU64,
    /// Authenticated posts received from pages so far, and the messages they carried
    /// (`ui/page.rs`).
    pub(crate) page_posts: AtomicU64,
    pub(crate) page_messages: AtomicU64,
    /// Posts that arrived in a burst and waited, unparsed, for a pass (`ui/page.rs`).
    pub(crate) page_posts_waited: AtomicU64,
    /// Of the posts, those that came by the bridge's own socket (`platform/transport_linux.rs`).
    pub(crate) socket_posts: AtomicU64,
    /// Scripts (batches of page operations) sent to pages by that socket by the UI thread.
    pub(crate) socket_scripts: AtomicU64,
    /// Call answers written to pages by the threads that settled them (`direct.rs`).
    pub(crate) direct_answers: AtomicU64,
}

impl RuntimeInner {
    pub(crate) fn new(reactor: Reactor, ui_thread: ThreadKey, mode: Mode) -> Self {
        Self {
            commands: Commands::new(),
            reactor,
            ui_thread,
            mode,
            next_view: AtomicU64::new(1),
            next_eval: AtomicU64::new(1),
            open_views: AtomicUsize::new(0),
            spares_ready: Arc::new(AtomicUsize::new(0)),
            spares_used: AtomicU64::new(0),
            page_posts: AtomicU64::new(0),
            page_messages: AtomicU64::new(0),
            page_posts_waited: AtomicU64::new(0),
            socket_posts: AtomicU64::new(0),
            socket_scripts: AtomicU64::new(0),
            direct_answers: AtomicU64::new(0),
        }
    }

    /// A process-unique WebView id.
    pub(crate) fn next_view_id(&self) -> u64 {
        self.next_view.fetch_add(1, Ordering::Relaxed)
    }

    /// A process-unique evaluation id.
    pub(crate) fn next_eval_id(&self) -> u64 {
        self.next_eval.fetch_add(1, Ordering::Relaxed)
    }
}

/// Where the UI thread comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A dedicated UI thread that runs its own event loop (standalone scripts, hosts whose
    /// loop is not GLib's).
    Own,
    /// The calling thread, normally the host's main thread, whose running event loop already
    /// services the WebViews (Qt on GLib on Linux). No second loop, no nested pumping.
    Hosted,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Own => "own",
            Mode::Hosted => "hosted",
        }
    }
}
