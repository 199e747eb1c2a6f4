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
use crate::spin::{spin_recv, Spun, SPIN};
use auroraview_core::ThreadKey;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
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
        outcome: Result<String, EvalError>,
    },
    Fail {
        ids: Vec<u64>,
        error: EvalError,
    },
    CloseView {
        view: u64,
    },
}

struct Entry {
    view: u64,
    done: Completion,
}

#[derive(Clone)]
pub(crate) struct Reactor {
    tx: Sender<ReactorMsg>,
    /// The completion thread, which must never wait for a completion itself.
    pub(crate) thread: ThreadKey,
}

impl Reactor {
    pub(crate) fn start() -> std::io::Result<Self> {
        let (tx, rx) = crossbeam_channel::unbounded();
        let (key_tx, key_rx) = crossbeam_channel::bounded(1);
        std::thread::Builder::new()
            .name("auroraview-completions".into())
            .spawn(move || {
                let _ = key_tx.send(ThreadKey::current());
                run(rx)
            })?;
        let thread = key_rx
            .recv()
            .map_err(|_| std::io::Error::other("the completion thread ended before it started"))?;
        Ok(Reactor { tx, thread })
    }

    /// Sends a message; the thread lives for the process, so this cannot fail in practice.
    pub(crate) fn send(&self, msg: ReactorMsg) {
        if self.tx.send(msg).is_err() {
            log::error!("auroraview: the completion thread is gone; an evaluation is lost");
        }
    }
}

fn run(rx: Receiver<ReactorMsg>) {
    let mut table: HashMap<u64, Entry> = HashMap::new();
    let mut deadlines: BinaryHeap<Reverse<(Instant, u64)>> = BinaryHeap::new();
    loop {
        // Expire what is due, then sleep until the next deadline or message.
        let now = Instant::now();
        while let Some(Reverse((when, id))) = deadlines.peek().copied() {
            if when > now {
                break;
            }
            deadlines.pop();
            if let Some(entry) = table.remove(&id) {
                finish(entry, Err(EvalError::Timeout));
            }
        }
        let next_deadline = deadlines.peek().map(|Reverse((when, _))| *when);
        let msg = match spin_recv(&rx, SPIN, next_deadline) {
            Spun::Got(msg) => Some(msg),
            Spun::Disconnected => break,
            Spun::Empty => None,
        };
        let msg = match (msg, deadlines.peek()) {
            (Some(msg), _) => msg,
            (None, Some(Reverse((when, _)))) => match rx.recv_deadline(*when) {
                Ok(msg) => msg,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            },
            (None, None) => match rx.recv() {
                Ok(msg) => msg,
                Err(_) => break,
            },
        };
        match msg {
            ReactorMsg::Register {
                id,
                view,
                deadline,
                done,
            } => {
                table.insert(id, Entry { view, done });
                deadlines.push(Reverse((deadline, id)));
            }
            ReactorMsg::Complete { id, outcome } => {
                if let Some(entry) = table.remove(&id) {
                    finish(entry, outcome);
                }
            }
            ReactorMsg::Fail { ids, error } => {
                for id in ids {
                    if let Some(entry) = table.remove(&id) {
                        finish(entry, Err(error.clone()));
                    }
                }
            }
            ReactorMsg::CloseView { view } => {
                let ids: Vec<u64> = table
                    .iter()
                    .filter(|(_, e)| e.view == view)
                    .map(|(id, _)| *id)
                    .collect();
                for id in ids {
                    if let Some(entry) = table.remove(&id) {
                        finish(entry, Err(EvalError::Closed));
                    }
                }
            }
        }
        // Drop heap entries whose evaluation already ended, so the heap stays small.
        if deadlines.len() > 64 && deadlines.len() > 2 * table.len() {
            deadlines.retain(|Reverse((_, id))| table.contains_key(id));
        }
    }
}

fn finish(entry: Entry, outcome: Result<String, EvalError>) {
    let done = entry.done;
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || done(outcome))).is_err() {
        log::error!("auroraview: an evaluation callback panicked");
    }
}
