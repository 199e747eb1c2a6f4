//! The dispatcher's job queue: an unbounded lock-free MPMC FIFO of boxed tasks, with a
//! producer gate that lets `close` wait out in-flight pushes without a lock on the hot path.
//!
//! Invariants:
//! - FIFO: jobs pushed by one thread are popped in the order that thread pushed them.
//! - After `close()` returns, no push can succeed, and every job pushed before is either
//!   already popped or still in the queue for the caller of `close` to drain. This is what
//!   lets shutdown settle every queued job: there is no window in which a job is pushed
//!   after the final drain.
//!
//! The gate is one atomic word: bit 63 is "closed", the low bits count pushes in flight.
//! Producers and `close` only use read-modify-write operations on it, so they are totally
//! ordered without fences. Under loom the lock-free queue is replaced by a mutexed deque:
//! crossbeam's queue is model-checked by crossbeam; what loom checks here is our protocol.

use crate::sync::{yield_now, AtomicU64, Ordering};
use crate::task::Task;

const CLOSED: u64 = 1 << 63;

pub(crate) type Job = Box<dyn Task>;

pub(crate) struct JobQueue {
    #[cfg(not(loom))]
    jobs: crossbeam_queue::SegQueue<Job>,
    #[cfg(loom)]
    jobs: crate::sync::Mutex<std::collections::VecDeque<Job>>,
    gate: AtomicU64,
}

impl JobQueue {
    pub(crate) fn new() -> Self {
        JobQueue {
            #[cfg(not(loom))]
            jobs: crossbeam_queue::SegQueue::new(),
            #[cfg(loom)]
            jobs: crate::sync::Mutex::new(std::collections::VecDeque::new()),
            gate: AtomicU64::new(0),
        }
    }

    /// Pushes a job unless the queue is closed, in which case the job is handed back.
    pub(crate) fn push(&self, job: Job) -> Result<(), Job> {
        let prev = self.gate.fetch_add(1, Ordering::AcqRel);
        if prev & CLOSED != 0 {
            self.gate.fetch_sub(1, Ordering::AcqRel);
            return Err(job);
        }
        self.push_raw(job);
        self.gate.fetch_sub(1, Ordering::AcqRel);
        Ok(())
    }

    /// Closes the gate and waits until pushes already admitted have landed. Returns false
    /// if the queue was already closed.
    pub(crate) fn close(&self) -> bool {
        let prev = self.gate.fetch_or(CLOSED, Ordering::AcqRel);
        // Admitted producers are between two atomic operations with only a lock-free push
        // in between, so this wait is a handful of iterations at most.
        while self.gate.load(Ordering::Acquire) != CLOSED {
            yield_now();
        }
        prev & CLOSED == 0
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.gate.load(Ordering::Acquire) & CLOSED != 0
    }

    #[cfg(not(loom))]
    fn push_raw(&self, job: Job) {
        self.jobs.push(job);
    }

    #[cfg(not(loom))]
    pub(crate) fn pop(&self) -> Option<Job> {
        self.jobs.pop()
    }

    #[cfg(not(loom))]
    pub(crate) fn len(&self) -> usize {
        self.jobs.len()
    }

    #[cfg(not(loom))]
    pub(crate) fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    #[cfg(loom)]
    fn push_raw(&self, job: Job) {
        crate::sync::lock(&self.jobs).push_back(job);
    }

    #[cfg(loom)]
    pub(crate) fn pop(&self) -> Option<Job> {
        crate::sync::lock(&self.jobs).pop_front()
    }

    #[cfg(loom)]
    pub(crate) fn len(&self) -> usize {
        crate::sync::lock(&self.jobs).len()
    }

    #[cfg(loom)]
    pub(crate) fn is_empty(&self) -> bool {
        crate::sync::lock(&self.jobs).is_empty()
    }
}
