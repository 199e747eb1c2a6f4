//! Direct answers: the thread that settles a page call (a handler thread, or the host's
//! main thread) writes the answer to the page's socket itself, instead of queueing it for
//! the UI thread, whose wake would cost the call a cross-thread hand-off.
//!
//! A direct answer must arrive exactly where the UI thread would have put it. So it is
//! written only when the UI thread would send it next, and the same way:
//! - the page is ready, not gone, and the call's page is the view's current one;
//! - the view's scripts go by the bridge's socket (its fence passed: everything sent the
//!   engine's way before has reached the page, `ui/view.rs`);
//! - nothing ordered with the page is in the UI thread's pipeline: every page operation and
//!   navigation pushed for the view ([`UiCommand::ordered_view`]) has been taken and
//!   written. The pushers count in [`Lane::count_push`]; the UI thread publishes how many
//!   it has taken and written, at the end of each pass ([`Lane::publish`]). Equal counts
//!   mean an empty pipeline. An operation pushed before the answer (an event or a channel
//!   message sent by the handler, or by a thread that then told it to answer) has counted
//!   already, so the answer takes the queue behind it.
//!
//! The check and the write happen under the lane's lock, which the UI thread takes to
//! publish: the state cannot change between them. Lock order: lane, then the connection's
//! writer (the UI thread, publishing, takes only the lane). The answering thread, which in
//! hosted mode may be the UI thread itself, takes both with `try_lock` and never waits for
//! either (it may hold Python's GIL): if one is busy, the answer takes the queue, which is
//! always correct. Large answers ([`MAX_DIRECT_BYTES`]) take the queue, so that nobody
//! holds the writer's lock for a long copy.
//!
//! What must not live here: deciding what a page is sent (`ui/`), the socket (`platform`).
//!
//! [`UiCommand::ordered_view`]: crate::commands::UiCommand::ordered_view

use crate::platform::Writer;
use auroraview_core::ipc::{render_batch, PageOp};
use auroraview_core::poison::MutexExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Most bytes of scripts a page's web process may leave unread before `emit` says the page
/// is behind (`SendError::PageBehind`): about a second of events for a page here. The
/// connection's outbox would take up to 256 MiB, which a page runs for many seconds.
pub const MAX_UNREAD_BYTES: usize = 16 << 20;

/// Most bytes of a script written directly; larger answers go through the UI thread.
pub(crate) const MAX_DIRECT_BYTES: usize = 64 * 1024;

/// What the UI thread last published about one view's page.
#[derive(Default)]
struct Published {
    /// The page's connection and the engine's id of the page, while answers may go direct.
    writer: Option<(Arc<Writer>, u64)>,
    /// The view's page load the publication is about.
    page: u64,
    /// Ordered commands the UI thread had taken and written.
    drained: u64,
}

/// One view's lane for direct answers (in its `ViewShared`).
#[derive(Default)]
pub(crate) struct Lane {
    published: Mutex<Published>,
    /// Ordered commands pushed for the view so far.
    pushed: AtomicU64,
}

impl Lane {
    /// An ordered command for the view is about to be pushed (before the push).
    pub(crate) fn count_push(&self) {
        self.pushed.fetch_add(1, Ordering::SeqCst);
    }

    /// Bytes the view's web process has not read yet, as far as a thread that must not wait
    /// can tell: 0 while the UI thread is publishing, or the page does not take the socket.
    pub(crate) fn unread_bytes(&self) -> usize {
        let Some(p) = self.published.try_lock_now() else {
            return 0;
        };
        p.writer.as_ref().map_or(0, |(writer, _)| writer.unsent())
    }

    /// The push counted by [`Lane::count_push`] failed: nothing was queued.
    pub(crate) fn uncount_push(&self) {
        self.pushed.fetch_sub(1, Ordering::SeqCst);
    }

    /// UI thread, after writing the view's batch: answers may go direct to page load
    /// `page` by `writer` (`None`: they may not), once the pushers' count reaches `drained`.
    pub(crate) fn publish(&self, writer: Option<(Arc<Writer>, u64)>, page: u64, drained: u64) {
        let mut p = self.published.lock_unpoisoned();
        p.writer = writer;
        p.page = page;
        p.drained = drained;
    }

    /// Writes `op` (a call's answer for page load `page`) to the page now if the UI thread
    /// would send it next, and the same way; false if it must take the queue.
    pub(crate) fn try_send(&self, page: u64, op: &PageOp) -> bool {
        if op.weight() > MAX_DIRECT_BYTES {
            return false;
        }
        // Never wait: the caller may hold Python's GIL. A busy lane (the UI thread
        // publishing, another thread answering) sends the answer the queue's way.
        let Some(p) = self.published.try_lock_now() else {
            return false;
        };
        let Some((writer, engine_page)) = &p.writer else {
            return false;
        };
        if p.page != page || self.pushed.load(Ordering::SeqCst) != p.drained {
            return false;
        }
        let mut script = String::new();
        render_batch(std::slice::from_ref(op), &mut script);
        writer.send_from_any_thread(*engine_page, &script)
    }
}
