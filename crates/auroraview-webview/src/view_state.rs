//! [`ViewShared`]: the state of one WebView that its proxies, the UI thread, its handler
//! thread and the completion thread share: whether it has closed, whether the threads that
//! call into the application for it have finished with it, and its lane for direct answers.
//!
//! Stages, each set once and in any order after `CLOSED`: `CLOSED` (the UI thread removed
//! the WebView), `HANDLERS_DONE` (its handler thread delivered everything and returned from
//! `IpcSink::on_closed`), `COMPLETIONS_DONE` (the completion thread ended its evaluations and
//! ran its close hooks). Waiting for all three is how an embedding interpreter knows no
//! thread of ours will call into it for this WebView again (Python's exit hook does).

use auroraview_core::poison::MutexExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

const CLOSED: u8 = 1;
const HANDLERS_DONE: u8 = 2;
const COMPLETIONS_DONE: u8 = 4;
const FINISHED: u8 = CLOSED | HANDLERS_DONE | COMPLETIONS_DONE;

/// State of one WebView shared by its proxies and the runtime's threads.
pub(crate) struct ViewShared {
    pub(crate) id: u64,
    /// Whether a call's answer may be written to the page directly (`direct.rs`).
    pub(crate) lane: crate::direct::Lane,
    closed: AtomicBool,
    stages: Mutex<u8>,
    changed: Condvar,
}

impl ViewShared {
    pub(crate) fn new(id: u64) -> Self {
        ViewShared {
            id,
            lane: crate::direct::Lane::default(),
            closed: AtomicBool::new(false),
            stages: Mutex::new(0),
            changed: Condvar::new(),
        }
    }

    fn reach(&self, stage: u8) {
        *self.stages.lock_unpoisoned() |= stage;
        self.changed.notify_all();
    }

    /// The UI thread removed the WebView.
    pub(crate) fn mark_closed(&self) {
        self.closed.store(true, Ordering::Release);
        self.reach(CLOSED);
    }

    /// Its handler thread has finished (after `on_closed`).
    pub(crate) fn mark_handlers_done(&self) {
        self.reach(HANDLERS_DONE);
    }

    /// The completion thread ended its evaluations and ran its close hooks.
    pub(crate) fn mark_completions_done(&self) {
        self.reach(COMPLETIONS_DONE);
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Waits at most `timeout` until every stage in `mask` is reached; true if they are.
    fn wait_for(&self, mask: u8, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut stages = self.stages.lock_unpoisoned();
        while *stages & mask != mask {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            stages = self
                .changed
                .wait_timeout(stages, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }

    /// Waits at most `timeout` for the WebView to close.
    pub(crate) fn wait_closed(&self, timeout: Duration) -> bool {
        self.wait_for(CLOSED, timeout)
    }

    /// Waits at most `timeout` until the WebView closed and its handler and completion
    /// threads have finished with it.
    pub(crate) fn wait_finished(&self, timeout: Duration) -> bool {
        self.wait_for(FINISHED, timeout)
    }
}
