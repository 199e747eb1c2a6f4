//! [`Dispatcher`]: runs tasks on one owner thread (normally the host's main thread) on behalf
//! of any thread.
//!
//! How work flows:
//! - Any thread `post`s (fire and forget) or `call`s (wait for the result, bounded). Jobs go
//!   into a lock-free FIFO ([`crate::queue`]); per-producer order is kept.
//! - The first post of a burst asks the host to wake the owner thread: the [`Waker`] the host
//!   adapter installed runs once until the owner pumps again, not once per job.
//! - The owner thread calls [`Dispatcher::pump`] (from its event loop) or blocks in
//!   [`Dispatcher::run`] (standalone scripts). A pump runs queued jobs until the queue is
//!   empty or its time budget is spent, so one host tick stays short; if work remains it
//!   re-arms the wake itself.
//! - Nested loops: while a job runs with others queued behind it, a wake is outstanding, so
//!   a job that spins a nested event loop (a modal dialog) has the jobs queued before it
//!   served inside that loop, in order, as the host's own queued events would be.
//! - A `call` made on the owner thread runs inline, so the owner can never deadlock on itself.
//! - [`Dispatcher::shutdown`] fails every queued job with `Closed` before it returns.
//!
//! Wake protocol: [`WakeFlag`] (`wake.rs`, checked by the loom tests), shared with the
//! WebView command queue: the producer that finds no wake outstanding wakes the owner; the
//! pump clears the flag *before* it pops, so no job can sit in the queue with no wake
//! outstanding.
//!
//! What must not live here: anything that knows a host (Qt, Maya, ...) or Python. Hosts plug
//! in through the waker and by calling `pump` on their main thread.

use crate::error::{panic_message, DispatchError};
use crate::pending::call_job;
pub use crate::pending::Pending;
use crate::queue::{Job, JobQueue};
use crate::spin::Spinner;
use crate::sync::{
    current_thread, lock, park_timeout, Arc, AtomicBool, AtomicU64, AtomicUsize, Mutex, Ordering,
    RwLock, Thread,
};
use crate::task::{PostedFn, Task};
use crate::thread_key::ThreadKey;
use crate::wake::{Wake, WakeFlag};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Asks the host to make its owner thread call [`Dispatcher::pump`] soon. Called from any
/// thread, at most once per burst of posts; it must not block and must not pump inline.
pub type Waker = std::sync::Arc<dyn Fn() + Send + Sync>;

/// Tunables of a dispatcher.
#[derive(Debug, Clone, Copy)]
pub struct DispatcherConfig {
    /// How long one `pump` may keep running jobs before it yields back to the host loop.
    pub budget: Duration,
    /// How long a waiting thread spins before it parks. Spinning briefly turns a typical
    /// cross-thread round trip from two futex wake-ups into none.
    pub spin: Duration,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        DispatcherConfig {
            budget: Duration::from_millis(4),
            spin: Duration::from_micros(50),
        }
    }
}

/// What one [`Dispatcher::pump`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PumpReport {
    /// Jobs taken off the queue (run, or skipped because their caller had cancelled them).
    pub ran: usize,
    /// True if jobs remain (the budget ran out, or a post landed after the last pop); a
    /// wake has been re-armed for them.
    pub more: bool,
}

/// Why [`Dispatcher::run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunExit {
    /// [`Dispatcher::stop`] was called.
    Stopped,
    /// The deadline passed.
    Deadline,
    /// The dispatcher was shut down.
    Closed,
    /// The periodic check asked to leave (for example a pending Ctrl+C).
    Interrupted,
}

struct Inner {
    owner: ThreadKey,
    queue: JobQueue,
    wake: WakeFlag,
    waker: RwLock<Option<Waker>>,
    runner: Mutex<Option<Thread>>,
    running: AtomicBool,
    stop_requested: AtomicBool,
    pumps: AtomicU64,
    pump_depth: AtomicUsize,
    budget_ns: AtomicU64,
    spin_ns: AtomicU64,
}

/// Runs tasks on its owner thread for any thread. Cheap to clone; clones share one queue.
#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("owner", &self.inner.owner)
            .field("pending", &self.pending())
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// A handle that does not keep its dispatcher alive (for wakers the dispatcher itself holds:
/// a strong handle there would be a cycle). Not under loom, whose `Arc` has no weak form.
#[cfg(not(loom))]
#[derive(Clone)]
pub struct WeakDispatcher {
    inner: std::sync::Weak<Inner>,
}

#[cfg(not(loom))]
impl WeakDispatcher {
    /// The dispatcher, if any handle to it is still alive.
    pub fn upgrade(&self) -> Option<Dispatcher> {
        self.inner.upgrade().map(|inner| Dispatcher { inner })
    }
}

impl Dispatcher {
    /// A handle that does not keep this dispatcher alive.
    #[cfg(not(loom))]
    pub fn downgrade(&self) -> WeakDispatcher {
        WeakDispatcher {
            inner: Arc::downgrade(&self.inner),
        }
    }

    /// A dispatcher whose owner is the thread identified by `owner`.
    pub fn new(owner: ThreadKey, config: DispatcherConfig) -> Self {
        Dispatcher {
            inner: Arc::new(Inner {
                owner,
                queue: JobQueue::new(),
                wake: WakeFlag::new(),
                waker: RwLock::new(None),
                runner: Mutex::new(None),
                running: AtomicBool::new(false),
                stop_requested: AtomicBool::new(false),
                pumps: AtomicU64::new(0),
                pump_depth: AtomicUsize::new(0),
                budget_ns: AtomicU64::new(duration_ns(config.budget)),
                spin_ns: AtomicU64::new(duration_ns(config.spin)),
            }),
        }
    }

    /// A dispatcher owned by the calling thread, with default tunables.
    pub fn for_current_thread() -> Self {
        Self::new(ThreadKey::current(), DispatcherConfig::default())
    }

    /// The owner thread.
    pub fn owner(&self) -> ThreadKey {
        self.inner.owner
    }

    /// True when called on the owner thread.
    pub fn is_owner_thread(&self) -> bool {
        ThreadKey::current() == self.inner.owner
    }

    /// Installs (or removes) the host's waker. Jobs already queued get a fresh wake.
    pub fn set_waker(&self, waker: Option<Waker>) {
        let has_waker = waker.is_some();
        *self.inner.waker.write().unwrap_or_else(|p| p.into_inner()) = waker;
        // A wake may be outstanding for the previous (or no) waker: the wake flag can be
        // left true by a post whose job a pump already ran. Producers would then skip the
        // new waker forever, so re-arm it whenever a wake is pending or jobs are queued.
        if has_waker && (self.inner.wake.is_pending() || !self.inner.queue.is_empty()) {
            // The previous waker may have been lost with the old host; wake the new one.
            self.inner.wake.set();
            self.notify();
        }
    }

    /// The time budget of one `pump`.
    pub fn budget(&self) -> Duration {
        Duration::from_nanos(self.inner.budget_ns.load(Ordering::Relaxed))
    }

    /// Sets the time budget of one `pump`.
    pub fn set_budget(&self, budget: Duration) {
        self.inner
            .budget_ns
            .store(duration_ns(budget), Ordering::Relaxed);
    }

    /// How long waiters spin before parking.
    pub fn set_spin(&self, spin: Duration) {
        self.inner
            .spin_ns
            .store(duration_ns(spin), Ordering::Relaxed);
    }

    pub(crate) fn spin(&self) -> Duration {
        if cfg!(loom) {
            Duration::ZERO
        } else {
            Duration::from_nanos(self.inner.spin_ns.load(Ordering::Relaxed))
        }
    }

    /// Jobs waiting in the queue.
    pub fn pending(&self) -> usize {
        self.inner.queue.len()
    }

    /// True after [`Dispatcher::shutdown`].
    pub fn is_closed(&self) -> bool {
        self.inner.queue.is_closed()
    }

    /// True if the owner has not pumped since pump `since` and is not pumping now: a call
    /// that timed out then never had a chance to run.
    pub(crate) fn owner_idle_since(&self, since: u64) -> bool {
        let inner = &*self.inner;
        inner.pumps.load(Ordering::Acquire) == since
            && inner.pump_depth.load(Ordering::Acquire) == 0
    }

    /// How many times the owner has pumped so far.
    pub fn pump_count(&self) -> u64 {
        self.inner.pumps.load(Ordering::Acquire)
    }

    /// Queues a closure to run on the owner thread; never blocks. A panic in it is logged;
    /// if the dispatcher shuts down before it runs, that is logged too.
    pub fn post<F>(&self, f: F) -> Result<(), DispatchError>
    where
        F: FnOnce() + Send + 'static,
    {
        self.post_task(Box::new(PostedFn(f)))
    }

    /// Queues a task to run on the owner thread; never blocks. `Err(Closed)` after shutdown
    /// (the task is dropped without `abandon`: the error is how its submitter hears).
    pub fn post_task(&self, task: Box<dyn Task>) -> Result<(), DispatchError> {
        self.enqueue(task)
    }

    /// Queues `f` and returns a handle to wait for (or cancel) its result.
    pub fn submit<T, F>(&self, f: F) -> Result<Pending<T>, DispatchError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (job, pending) = call_job(f, self.clone());
        self.enqueue(job)?;
        Ok(pending)
    }

    /// Runs `f` on the owner thread and returns its value, waiting at most `timeout`.
    /// On the owner thread `f` runs inline.
    pub fn call<T, F>(&self, f: F, timeout: Duration) -> Result<T, DispatchError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        if self.is_owner_thread() {
            if self.is_closed() {
                return Err(DispatchError::Closed);
            }
            return catch_unwind(AssertUnwindSafe(f))
                .map_err(|p| DispatchError::Panicked(panic_message(&*p)));
        }
        self.submit(f)?.wait_timeout(timeout)
    }

    fn enqueue(&self, job: Job) -> Result<(), DispatchError> {
        if self.inner.queue.push(job).is_err() {
            return Err(DispatchError::Closed);
        }
        self.request_wake();
        Ok(())
    }

    /// Wakes the owner unless a wake is already outstanding.
    fn request_wake(&self) {
        if self.inner.wake.request() == Wake::Needed {
            self.notify();
        }
    }

    fn notify(&self) {
        let waker = self
            .inner
            .waker
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some(waker) = waker {
            // A failing host hook must not fail the post: the job is queued already.
            if catch_unwind(AssertUnwindSafe(|| waker())).is_err() {
                log::error!("auroraview: the host waker panicked");
            }
        }
        if self.inner.running.load(Ordering::Acquire) {
            if let Some(runner) = lock(&self.inner.runner).as_ref() {
                runner.unpark();
            }
        }
    }

    /// Runs queued jobs on the owner thread until the queue is empty or the budget (default:
    /// the dispatcher's) is spent. Re-entrant: a job may pump again.
    pub fn pump(&self, budget: Option<Duration>) -> Result<PumpReport, DispatchError> {
        if !self.is_owner_thread() {
            return Err(DispatchError::WrongThread);
        }
        Ok(self.pump_owner(budget.unwrap_or_else(|| self.budget())))
    }

    fn pump_owner(&self, budget: Duration) -> PumpReport {
        let inner = &*self.inner;
        // Clear before popping: a post that lands after this wakes us again.
        inner.wake.clear();
        inner.pumps.fetch_add(1, Ordering::AcqRel);
        inner.pump_depth.fetch_add(1, Ordering::AcqRel);
        let start = Instant::now();
        let mut ran = 0;
        while !inner.queue.is_closed() {
            let Some(job) = inner.queue.pop() else { break };
            // The job may run a nested event loop (a modal dialog, `QEventLoop.exec()`, a
            // `processEvents()` loop): jobs queued behind it are then served inside that
            // loop, as the host's own queued events are, which needs a wake outstanding
            // while it runs. (Without a nested loop that wake finds the queue empty.)
            if !inner.queue.is_empty() {
                self.request_wake();
            }
            run_job(job);
            ran += 1;
            if start.elapsed() >= budget {
                break;
            }
        }
        inner.pump_depth.fetch_sub(1, Ordering::AcqRel);
        let more = !inner.queue.is_empty() && !inner.queue.is_closed();
        if more {
            self.request_wake();
        }
        PumpReport { ran, more }
    }

    /// Serves the queue on the owner thread until [`Dispatcher::stop`], shutdown, the
    /// deadline, or `check` returning false. `check` runs at least every `check_every`
    /// (between jobs, never inside one); use it for signal handling. Idle waiting spins
    /// briefly, then parks until a post wakes it: no polling sleep.
    pub fn run(
        &self,
        deadline: Option<Instant>,
        check_every: Duration,
        check: impl FnMut() -> bool,
    ) -> Result<RunExit, DispatchError> {
        self.run_batches_in(deadline, check_every, check, |batch| batch())
    }

    /// [`Dispatcher::run`], with each pump's batch of jobs run inside `enter` (which must
    /// call the batch once): a binding enters its runtime once per batch rather than once
    /// per job (Python: one take of the GIL for a burst of Python jobs). The idle wait
    /// stays outside it.
    pub fn run_batches_in(
        &self,
        deadline: Option<Instant>,
        check_every: Duration,
        mut check: impl FnMut() -> bool,
        mut enter: impl FnMut(&mut dyn FnMut() -> PumpReport) -> PumpReport,
    ) -> Result<RunExit, DispatchError> {
        if !self.is_owner_thread() {
            return Err(DispatchError::WrongThread);
        }
        let inner = &*self.inner;
        *lock(&inner.runner) = Some(current_thread());
        inner.running.store(true, Ordering::Release);
        let mut last_check = Instant::now();
        let exit = loop {
            let report = enter(&mut || self.pump_owner(self.budget()));
            // Closed first: `shutdown` also calls `stop` to unpark us, and must read as Closed.
            if inner.queue.is_closed() {
                break RunExit::Closed;
            }
            if inner.stop_requested.swap(false, Ordering::AcqRel) {
                break RunExit::Stopped;
            }
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                break RunExit::Deadline;
            }
            if now.duration_since(last_check) >= check_every {
                if !check() {
                    break RunExit::Interrupted;
                }
                last_check = now;
            }
            if report.more || self.spin_for_wake() {
                continue;
            }
            let mut sleep = check_every;
            if let Some(d) = deadline {
                sleep = sleep.min(d.saturating_duration_since(now));
            }
            park_timeout(sleep);
        };
        inner.running.store(false, Ordering::Release);
        *lock(&inner.runner) = None;
        Ok(exit)
    }

    /// Spins for up to the spin time waiting for a wake or a stop; true if one came.
    fn spin_for_wake(&self) -> bool {
        let inner = &*self.inner;
        let mut spinner = Spinner::new(self.spin());
        loop {
            if inner.wake.is_pending() || inner.stop_requested.load(Ordering::Acquire) {
                return true;
            }
            if !spinner.spin() {
                return false;
            }
        }
    }

    /// Makes [`Dispatcher::run`] return `Stopped` after the job it is running. Any thread.
    /// A stop requested while nobody runs is kept for the next `run`, which then returns
    /// at once: a stop that races with the start of `run` is never lost.
    pub fn stop(&self) {
        self.inner.stop_requested.store(true, Ordering::Release);
        if let Some(runner) = lock(&self.inner.runner).as_ref() {
            runner.unpark();
        }
    }

    /// Closes the dispatcher: later posts and calls fail with `Closed`, every queued job is
    /// abandoned with `Closed` (waiting callers return at once) and `run` returns. Returns
    /// how many jobs were abandoned. Idempotent; any thread.
    pub fn shutdown(&self) -> usize {
        if !self.inner.queue.close() {
            return 0;
        }
        let mut abandoned = 0;
        while let Some(job) = self.inner.queue.pop() {
            abandon_job(job);
            abandoned += 1;
        }
        *self.inner.waker.write().unwrap_or_else(|p| p.into_inner()) = None;
        self.stop();
        abandoned
    }
}

impl Drop for Inner {
    /// The last handle is gone without `shutdown`: jobs still queued are abandoned, so every
    /// task still ends exactly once (`Task::abandon` is how its submitter hears).
    fn drop(&mut self) {
        self.queue.close();
        while let Some(job) = self.queue.pop() {
            abandon_job(job);
        }
    }
}

/// Abandons a job with `Closed`; a panicking `abandon` cannot stop the drain around it.
fn abandon_job(job: Job) {
    if catch_unwind(AssertUnwindSafe(|| job.abandon(DispatchError::Closed))).is_err() {
        log::error!("auroraview: a task's abandon handler panicked");
    }
}

fn run_job(job: Job) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| job.run())) {
        log::error!(
            "auroraview: a dispatched task panicked: {}",
            panic_message(&*payload)
        );
    }
}

fn duration_ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}
