//! The worker threads scheme requests run on: `auroraview-assets` (two threads: resolve
//! and open files of asset roots) and `auroraview-protocol` (four threads: the
//! application's scheme handlers, so that one slow handler does not hold up every other
//! request, and asset requests never wait behind a handler). Both are process-wide,
//! started on first use, and live as long as the process.
//!
//! What must not live here: what a job does (`scheme/mod.rs`, `ui/scheme.rs`).

use crossbeam_channel::{Receiver, Sender};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Once};

type Job = Box<dyn FnOnce() + Send>;

/// Most jobs that may wait in one pool; past it, requests are answered 503 at once.
pub(crate) const MAX_WAITING: usize = 4096;

pub(crate) struct Pool {
    name: &'static str,
    threads: usize,
    tx: Sender<Job>,
    rx: Receiver<Job>,
    waiting: Arc<AtomicUsize>,
    started: Once,
}

impl Pool {
    fn new(name: &'static str, threads: usize) -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        Pool {
            name,
            threads,
            tx,
            rx,
            waiting: Arc::new(AtomicUsize::new(0)),
            started: Once::new(),
        }
    }

    /// Runs `job` on one of the pool's threads, or hands it back when [`MAX_WAITING`] jobs
    /// already wait (or no thread could be started).
    pub(crate) fn run(&self, job: impl FnOnce() + Send + 'static) -> Result<(), String> {
        self.started.call_once(|| self.start());
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(format!(
                "{MAX_WAITING} requests already wait for the {} threads",
                self.name
            ));
        }
        self.tx.send(Box::new(job)).map_err(|_| {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            format!("the {} threads are gone", self.name)
        })
    }

    fn start(&self) {
        for i in 0..self.threads {
            let rx = self.rx.clone();
            let waiting = self.waiting.clone();
            let name = self.name;
            let spawned = std::thread::Builder::new()
                .name(format!("{name}-{i}"))
                .stack_size(crate::APP_THREAD_STACK_BYTES)
                .spawn(move || {
                    while let Ok(job) = rx.recv() {
                        waiting.fetch_sub(1, Ordering::AcqRel);
                        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).is_err() {
                            log::error!("auroraview: a job on {name} panicked (a bug)");
                        }
                    }
                });
            if let Err(err) = spawned {
                log::error!("auroraview: cannot start a {name} thread: {err}");
            }
        }
    }
}

static ASSETS: LazyLock<Pool> = LazyLock::new(|| Pool::new("auroraview-assets", 2));
static PROTOCOLS: LazyLock<Pool> = LazyLock::new(|| Pool::new("auroraview-protocol", 4));

pub(crate) fn asset_pool() -> &'static Pool {
    &ASSETS
}

pub(crate) fn protocol_pool() -> &'static Pool {
    &PROTOCOLS
}
