//! The completion thread: owns every pending evaluation-with-result, and ends each exactly once.
//!
//! One thread per process ("auroraview-completions"). It alone holds the table of pending
//! evaluations, so "exactly once" is structural: an entry is removed from the table by the
//! first of its result, its deadline, a page change or its WebView's close, and the
//! completion runs then; later news about the same id finds nothing and is ignored.
//! Completions run on this thread, never on the UI thread (they may be Python callbacks that
//! need the GIL) and never on a handler thread (a handler may itself wait for a result).
//! Waiting for the next deadline uses `recv_deadline` (after a short spin, see `spin.rs`):
//! no polling.

use crate::error::EvalError;
use crate::evals::PendingEvals;
use crate::spin::{spin_recv, Spun, SPIN};
use crate::view_state::ViewShared;
use auroraview_core::ThreadKey;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Runs once with an evaluation's outcome (`Ok` holds the value as JSON text).
pub type Completion = Box<dyn FnOnce(Result<String, EvalError>) + Send>;

pub(crate) enum ReactorMsg {
    Register {
        id: u64,
        view: u64,
        deadline: Instant,
        done: Completion,
    },
    Complete {
        id: u64,
        /// The WebView whose page reported it: an entry of another WebView is not touched.
        view: u64,
        outcome: Result<String, EvalError>,
    },
    Fail {
        ids: Vec<u64>,
        error: EvalError,
    },
    CloseView {
        view: u64,
        shared: Arc<ViewShared>,
    },
    /// Run `hook` once the view has closed (at once if it has already).
    OnClose {
        view: u64,
        closed: Arc<ViewShared>,
        hook: CloseHook,
    },
}

/// Runs once, on the completion thread, after its WebView closed.
pub type CloseHook = Box<dyn FnOnce() + Send>;

#[derive(Clone)]
pub(crate) struct Reactor {
    tx: Sender<ReactorMsg>,
    /// Evaluations pending now (for diagnostics and the tests' accounting).
    pending: Arc<AtomicUsize>,
    /// The completion thread, which must never wait for a completion itself.
    pub(crate) thread: ThreadKey,
}

impl Reactor {
    pub(crate) fn start() -> std::io::Result<Self> {
        let (tx, rx) = crossbeam_channel::unbounded();
        let (key_tx, key_rx) = crossbeam_channel::bounded(1);
        let pending = Arc::new(AtomicUsize::new(0));
        let counted = pending.clone();
        std::thread::Builder::new()
            .name("auroraview-completions".into())
            .stack_size(crate::APP_THREAD_STACK_BYTES)
            .spawn(move || {
                let _ = key_tx.send(ThreadKey::current());
                run(rx, &counted)
            })?;
        let thread = key_rx
            .recv()
            .map_err(|_| std::io::Error::other("the completion thread ended before it started"))?;
        Ok(Reactor {
            tx,
            pending,
            thread,
        })
    }

    /// Evaluations waiting for their page now.
    pub(crate) fn pending(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    /// Sends a message; the thread lives for the process, so this cannot fail in practice.
    pub(crate) fn send(&self, msg: ReactorMsg) {
        if self.tx.send(msg).is_err() {
            log::error!("auroraview: the completion thread is gone; an evaluation is lost");
        }
    }
}

fn run(rx: Receiver<ReactorMsg>, pending: &AtomicUsize) {
    let mut evals: PendingEvals<Completion> = PendingEvals::default();
    let mut close_hooks: HashMap<u64, Vec<CloseHook>> = HashMap::new();
    loop {
        for done in evals.expire(Instant::now()) {
            finish(done, Err(EvalError::Timeout));
        }
        pending.store(evals.len(), Ordering::Release);
        // Sleep until the next deadline or message (after a short spin).
        let next_deadline = evals.next_deadline();
        let msg = match spin_recv(&rx, SPIN, next_deadline) {
            Spun::Got(msg) => msg,
            Spun::Disconnected => break,
            Spun::Empty => match next_deadline {
                Some(when) => match rx.recv_deadline(when) {
                    Ok(msg) => msg,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => break,
                },
                None => match rx.recv() {
                    Ok(msg) => msg,
                    Err(_) => break,
                },
            },
        };
        match msg {
            ReactorMsg::Register {
                id,
                view,
                deadline,
                done,
            } => {
                if let Err(done) = evals.register(id, view, deadline, done) {
                    log::error!("auroraview: evaluation id {id} registered twice");
                    finish(done, Err(EvalError::Closed));
                }
            }
            ReactorMsg::Complete { id, view, outcome } => {
                if let Some(done) = evals.complete(id, view) {
                    finish(done, outcome);
                }
            }
            ReactorMsg::Fail { ids, error } => {
                for done in evals.fail(ids) {
                    finish(done, Err(error.clone()));
                }
            }
            ReactorMsg::OnClose { view, closed, hook } => {
                // The UI thread marks a view closed before it sends CloseView, so a hook
                // registered after that mark runs here, and one before it waits for it.
                if closed.is_closed() {
                    run_hook(hook);
                } else {
                    close_hooks.entry(view).or_default().push(hook);
                }
            }
            ReactorMsg::CloseView { view, shared } => {
                // Evaluations first: a close hook then knows every completion of its
                // WebView has run (the exit hook waits on that).
                for done in evals.close_view(view) {
                    finish(done, Err(EvalError::Closed));
                }
                for hook in close_hooks.remove(&view).unwrap_or_default() {
                    run_hook(hook);
                }
                shared.mark_completions_done();
            }
        }
    }
}

fn run_hook(hook: CloseHook) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(hook)).is_err() {
        log::error!("auroraview: a close hook panicked");
    }
}

fn finish(done: Completion, outcome: Result<String, EvalError>) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || done(outcome))).is_err() {
        log::error!("auroraview: an evaluation callback panicked");
    }
}
