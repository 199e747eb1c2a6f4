//! Integration tests of the main-thread dispatcher, with plain std threads.
//!
//! In every test the test thread itself is the dispatcher's owner unless said otherwise;
//! tasks record `ThreadKey::current()` so a task run on the wrong thread fails the test.

// Test scenarios read top to bottom; the 80-line rule is for library code.
#![allow(clippy::too_many_lines)]

use auroraview_core::{
    DispatchError, Dispatcher, DispatcherConfig, PumpReport, RunExit, Task, ThreadKey,
};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Long enough to never fire in a passing test; bounds every wait of a failing one.
const LONG: Duration = Duration::from_secs(30);

fn dispatcher_with_budget(budget: Duration) -> Dispatcher {
    Dispatcher::new(
        ThreadKey::current(),
        DispatcherConfig {
            budget,
            ..DispatcherConfig::default()
        },
    )
}

/// Pumps on the owner until the queue is empty (bounded).
fn drain(d: &Dispatcher) -> usize {
    let deadline = Instant::now() + LONG;
    let mut ran = 0;
    loop {
        let report = d.pump(None).expect("drain runs on the owner");
        ran += report.ran;
        if d.pending() == 0 && !report.more {
            return ran;
        }
        assert!(Instant::now() < deadline, "queue did not drain");
    }
}

/// Polls `cond` until true, failing the test after `LONG`.
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + LONG;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(1));
    }
}

/// A value that counts how often it is dropped.
struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A task that counts how often each of its ends happens, and where it ran.
struct CountingTask {
    runs: Arc<AtomicUsize>,
    abandons: Arc<AtomicUsize>,
    owner: ThreadKey,
    wrong_thread: Arc<AtomicBool>,
    reason: Arc<Mutex<Vec<DispatchError>>>,
}

impl CountingTask {
    fn new(counters: &TaskCounters, owner: ThreadKey) -> Box<Self> {
        Box::new(CountingTask {
            runs: counters.runs.clone(),
            abandons: counters.abandons.clone(),
            owner,
            wrong_thread: counters.wrong_thread.clone(),
            reason: counters.reasons.clone(),
        })
    }
}

impl Task for CountingTask {
    fn run(self: Box<Self>) {
        if ThreadKey::current() != self.owner {
            self.wrong_thread.store(true, Ordering::SeqCst);
        }
        self.runs.fetch_add(1, Ordering::SeqCst);
    }

    fn abandon(self: Box<Self>, reason: DispatchError) {
        self.reason.lock().unwrap().push(reason);
        self.abandons.fetch_add(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct TaskCounters {
    runs: Arc<AtomicUsize>,
    abandons: Arc<AtomicUsize>,
    wrong_thread: Arc<AtomicBool>,
    reasons: Arc<Mutex<Vec<DispatchError>>>,
}

#[test]
fn many_producers_every_task_once_on_owner_in_fifo_order() {
    const PRODUCERS: usize = 8;
    const PER_PRODUCER: usize = 2250; // 1000 calls + 1250 posts each: 8,000 calls, 10,000 posts
    let d = Dispatcher::for_current_thread();
    let owner = d.owner();
    let log: Arc<Mutex<Vec<(usize, usize, ThreadKey)>>> = Arc::new(Mutex::new(Vec::new()));
    let calls_made = Arc::new(AtomicUsize::new(0));

    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let d = d.clone();
            let log = log.clone();
            let calls_made = calls_made.clone();
            thread::spawn(move || {
                for seq in 0..PER_PRODUCER {
                    let log = log.clone();
                    let task = move || {
                        log.lock().unwrap().push((p, seq, ThreadKey::current()));
                        p * 1_000_000 + seq
                    };
                    // 4 of every 9 operations are calls: exactly 1000 of 2250.
                    if (seq * 4) % 9 < 4 {
                        let got = d.call(task, LONG).expect("call succeeds");
                        assert_eq!(got, p * 1_000_000 + seq);
                        calls_made.fetch_add(1, Ordering::SeqCst);
                    } else {
                        d.post(move || {
                            task();
                        })
                        .expect("post succeeds");
                    }
                }
            })
        })
        .collect();

    let coordinator = {
        let d = d.clone();
        thread::spawn(move || {
            let results: Vec<_> = producers.into_iter().map(|h| h.join()).collect();
            // Every producer's pushes have landed, so this job is behind all of them.
            let stopper = d.clone();
            d.post(move || stopper.stop()).expect("post stop");
            for r in results {
                if let Err(e) = r {
                    std::panic::resume_unwind(e);
                }
            }
        })
    };

    let exit = d
        .run(
            Some(Instant::now() + Duration::from_secs(120)),
            Duration::from_millis(20),
            || true,
        )
        .expect("run on the owner");
    coordinator.join().expect("producers succeed");
    assert_eq!(exit, RunExit::Stopped);
    assert_eq!(d.pending(), 0, "the stop job was the last one queued");
    assert_eq!(calls_made.load(Ordering::SeqCst), PRODUCERS * 1000);

    let log = log.lock().unwrap();
    assert_eq!(log.len(), PRODUCERS * PER_PRODUCER);
    let mut next = [0usize; PRODUCERS];
    for &(p, seq, key) in log.iter() {
        assert_eq!(key, owner, "task ({p}, {seq}) ran off the owner thread");
        assert_eq!(seq, next[p], "producer {p}: out of order or duplicated");
        next[p] += 1;
    }
    assert!(next.iter().all(|&n| n == PER_PRODUCER));
}

#[test]
fn call_on_owner_runs_inline_without_pump() {
    let d = Dispatcher::for_current_thread();
    let got = d.call(|| (ThreadKey::current(), 41 + 1), Duration::ZERO);
    assert_eq!(got, Ok((d.owner(), 42)));
    assert_eq!(d.pump_count(), 0, "no pump was needed");
    assert_eq!(d.pending(), 0);
}

#[test]
fn call_panic_becomes_panicked_with_message() {
    let d = Dispatcher::for_current_thread();
    let inline = d.call(|| -> u32 { panic!("inline boom {}", 7) }, LONG);
    assert_eq!(inline, Err(DispatchError::Panicked("inline boom 7".into())));
    let static_msg = d.call(|| -> u32 { panic!("static boom") }, LONG);
    assert_eq!(
        static_msg,
        Err(DispatchError::Panicked("static boom".into()))
    );

    // Cross-thread: the panic happens on the owner, in a pump, and reaches the caller.
    let caller = {
        let d = d.clone();
        thread::spawn(move || d.call(|| -> u32 { panic!("remote boom {}", 9) }, LONG))
    };
    wait_until("the call to be queued", || d.pending() == 1);
    let report = d.pump(None).unwrap();
    assert_eq!(report.ran, 1);
    assert_eq!(
        caller.join().unwrap(),
        Err(DispatchError::Panicked("remote boom 9".into()))
    );
    // The pump survived the panic and still serves.
    let after = {
        let d = d.clone();
        thread::spawn(move || d.call(|| 5, LONG))
    };
    wait_until("the second call to be queued", || d.pending() == 1);
    d.pump(None).unwrap();
    assert_eq!(after.join().unwrap(), Ok(5));
}

#[test]
fn timeout_with_nobody_pumping_is_idle_and_task_never_runs() {
    let d = Dispatcher::for_current_thread();
    let ran = Arc::new(AtomicBool::new(false));
    let caller = {
        let d = d.clone();
        let ran = ran.clone();
        thread::spawn(move || {
            let start = Instant::now();
            let r = d.call(
                move || ran.store(true, Ordering::SeqCst),
                Duration::from_millis(50),
            );
            (r, start.elapsed())
        })
    };
    let (result, waited) = caller.join().unwrap();
    assert_eq!(
        result,
        Err(DispatchError::Timeout {
            started: false,
            owner_idle: true
        })
    );
    assert!(
        waited >= Duration::from_millis(50),
        "returned early: {waited:?}"
    );
    assert_eq!(d.pending(), 1, "the cancelled job is still queued");
    // The owner pumps later: the job is taken off the queue but not run.
    let report = d.pump(None).unwrap();
    assert_eq!(
        report,
        PumpReport {
            ran: 1,
            more: false
        }
    );
    assert!(!ran.load(Ordering::SeqCst), "a timed-out task ran");
}

#[test]
fn timeout_while_owner_busy_is_not_idle_and_task_never_runs() {
    let d = Dispatcher::for_current_thread();
    let ran = Arc::new(AtomicBool::new(false));
    let (busy_tx, busy_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    // The owner's long task: it blocks inside the pump until the caller has timed out.
    d.post(move || {
        busy_tx.send(()).unwrap();
        done_rx.recv_timeout(LONG).expect("caller finished");
    })
    .unwrap();
    let caller = {
        let d = d.clone();
        let ran = ran.clone();
        thread::spawn(move || {
            busy_rx.recv_timeout(LONG).expect("owner got busy");
            let r = d.call(
                move || ran.store(true, Ordering::SeqCst),
                Duration::from_millis(50),
            );
            done_tx.send(()).unwrap();
            r
        })
    };
    // One pump: runs the long task (during which the call times out).
    d.pump(Some(LONG)).unwrap();
    assert_eq!(
        caller.join().unwrap(),
        Err(DispatchError::Timeout {
            started: false,
            owner_idle: false
        })
    );
    drain(&d);
    assert!(!ran.load(Ordering::SeqCst), "a timed-out task ran");
}

#[test]
fn timeout_while_running_drops_value_exactly_once() {
    let d = Dispatcher::for_current_thread();
    let owner = d.owner();
    let drops = Arc::new(AtomicUsize::new(0));
    let ran_on = Arc::new(Mutex::new(None));
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel::<()>();
    let caller = {
        let d = d.clone();
        let drops = drops.clone();
        let ran_on = ran_on.clone();
        thread::spawn(move || {
            let pending = d
                .submit(move || {
                    *ran_on.lock().unwrap() = Some(ThreadKey::current());
                    started_tx.send(()).unwrap();
                    release_rx.recv_timeout(LONG).expect("caller released us");
                    DropCounter(drops)
                })
                .unwrap();
            // Wait until the task is running on the owner, then time out on it.
            started_rx.recv_timeout(LONG).expect("the task started");
            let r = pending.wait_timeout(Duration::from_millis(20));
            let r = r.map(|_| ()); // a value here would be a failure; drop it now
            release_tx.send(()).unwrap();
            r
        })
    };
    wait_until("the call to be queued", || d.pending() == 1);
    // The task blocks in this pump until the caller has timed out and released it.
    let report = d.pump(Some(LONG)).unwrap();
    assert_eq!(report.ran, 1);
    assert_eq!(
        caller.join().unwrap(),
        Err(DispatchError::Timeout {
            started: true,
            owner_idle: false
        })
    );
    assert_eq!(*ran_on.lock().unwrap(), Some(owner));
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "the late value is dropped once"
    );
    drop(d);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn value_returned_to_caller_is_dropped_once() {
    let d = Dispatcher::for_current_thread();
    let drops = Arc::new(AtomicUsize::new(0));
    let caller = {
        let d = d.clone();
        let drops = drops.clone();
        thread::spawn(move || {
            let v = d.call(move || DropCounter(drops), LONG).expect("value");
            let count_before = v.0.load(Ordering::SeqCst);
            drop(v);
            count_before
        })
    };
    wait_until("the call to be queued", || d.pending() == 1);
    d.pump(None).unwrap();
    assert_eq!(
        caller.join().unwrap(),
        0,
        "dropped before the caller got it"
    );
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn cancel_before_start_never_runs() {
    let d = Dispatcher::for_current_thread();
    let ran = Arc::new(AtomicBool::new(false));
    let pending = {
        let ran = ran.clone();
        d.submit(move || ran.store(true, Ordering::SeqCst)).unwrap()
    };
    assert!(pending.cancel(), "a queued task can be cancelled");
    assert!(!pending.is_done());
    assert_eq!(
        d.pump(None).unwrap(),
        PumpReport {
            ran: 1,
            more: false
        }
    );
    assert!(!ran.load(Ordering::SeqCst), "a cancelled task ran");
    assert_eq!(pending.wait_timeout(LONG), Err(DispatchError::Cancelled));

    // Cancel after completion fails and the value is still delivered.
    let done = d.submit(|| 3).unwrap();
    d.pump(None).unwrap();
    assert!(done.is_done());
    assert!(!done.cancel());
    assert_eq!(done.wait_timeout(Duration::ZERO), Ok(3));
}

#[test]
fn cancel_from_another_thread_while_queued() {
    let d = Dispatcher::for_current_thread();
    let ran = Arc::new(AtomicBool::new(false));
    let waiter = {
        let d = d.clone();
        let ran = ran.clone();
        thread::spawn(move || {
            let p = d.submit(move || ran.store(true, Ordering::SeqCst)).unwrap();
            let cancelled = p.cancel();
            (cancelled, p.wait_timeout(LONG))
        })
    };
    let (cancelled, result) = waiter.join().unwrap();
    assert!(cancelled);
    assert_eq!(result, Err(DispatchError::Cancelled));
    drain(&d);
    assert!(!ran.load(Ordering::SeqCst));
}

#[test]
fn shutdown_fails_waiters_promptly_and_abandons_posts() {
    const WAITERS: usize = 4;
    const POSTS: usize = 25;
    let d = Dispatcher::for_current_thread();
    let owner = d.owner();
    let ran = Arc::new(AtomicUsize::new(0));
    let waiters: Vec<_> = (0..WAITERS)
        .map(|_| {
            let d = d.clone();
            let ran = ran.clone();
            thread::spawn(move || {
                let r = d.call(
                    move || {
                        ran.fetch_add(1, Ordering::SeqCst);
                    },
                    LONG,
                );
                (r, Instant::now())
            })
        })
        .collect();
    let counters = TaskCounters::default();
    for _ in 0..POSTS {
        d.post_task(CountingTask::new(&counters, owner)).unwrap();
    }
    wait_until("all calls to be queued", || d.pending() == WAITERS + POSTS);
    // Let the waiters get past their spin phase and park.
    thread::sleep(Duration::from_millis(20));

    let shutdown_at = Instant::now();
    assert_eq!(
        d.shutdown(),
        WAITERS + POSTS,
        "shutdown reports what it abandoned"
    );
    for w in waiters {
        let (result, returned_at) = w.join().unwrap();
        assert_eq!(result, Err(DispatchError::Closed));
        let late = returned_at.saturating_duration_since(shutdown_at);
        assert!(
            late < Duration::from_secs(2),
            "waiter returned {late:?} after shutdown"
        );
    }
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    assert_eq!(counters.runs.load(Ordering::SeqCst), 0);
    assert_eq!(counters.abandons.load(Ordering::SeqCst), POSTS);
    assert!(counters
        .reasons
        .lock()
        .unwrap()
        .iter()
        .all(|r| *r == DispatchError::Closed));

    // Everything after shutdown fails with Closed.
    assert!(d.is_closed());
    assert_eq!(d.post(|| ()), Err(DispatchError::Closed));
    let late = TaskCounters::default();
    assert_eq!(
        d.post_task(CountingTask::new(&late, owner)),
        Err(DispatchError::Closed)
    );
    assert_eq!(late.runs.load(Ordering::SeqCst), 0);
    assert_eq!(
        late.abandons.load(Ordering::SeqCst),
        0,
        "a rejected post is reported by the error, not abandon"
    );
    assert_eq!(d.call(|| 1, LONG), Err(DispatchError::Closed), "owner call");
    let remote = {
        let d = d.clone();
        thread::spawn(move || (d.call(|| 1, LONG), d.submit(|| 1).err()))
    };
    assert_eq!(
        remote.join().unwrap(),
        (Err(DispatchError::Closed), Some(DispatchError::Closed))
    );
    assert_eq!(
        d.run(None, Duration::from_millis(10), || true),
        Ok(RunExit::Closed)
    );
    assert_eq!(d.pump(None).unwrap().ran, 0);
    assert_eq!(d.shutdown(), 0, "shutdown is idempotent");
    assert_eq!(counters.abandons.load(Ordering::SeqCst), POSTS);
    assert!(!counters.wrong_thread.load(Ordering::SeqCst));
}

#[test]
fn run_batches_in_enters_once_per_batch_with_every_job_inside() {
    const JOBS: usize = 100;
    let d = dispatcher_with_budget(LONG);
    let inside = Arc::new(AtomicBool::new(false));
    let ran_inside = Arc::new(AtomicUsize::new(0));
    let ran_outside = Arc::new(AtomicUsize::new(0));
    for _ in 0..JOBS {
        let (inside, ran_inside, ran_outside) =
            (inside.clone(), ran_inside.clone(), ran_outside.clone());
        d.post(move || {
            let counter = if inside.load(Ordering::SeqCst) {
                &ran_inside
            } else {
                &ran_outside
            };
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    }
    let stopper = d.clone();
    d.post(move || stopper.stop()).unwrap();
    let mut entries = 0;
    let exit = d.run_batches_in(
        Some(Instant::now() + LONG),
        LONG,
        || true,
        |batch| {
            entries += 1;
            inside.store(true, Ordering::SeqCst);
            let report = batch();
            inside.store(false, Ordering::SeqCst);
            report
        },
    );
    assert_eq!(exit, Ok(RunExit::Stopped));
    assert_eq!(ran_inside.load(Ordering::SeqCst), JOBS);
    assert_eq!(ran_outside.load(Ordering::SeqCst), 0);
    assert_eq!(entries, 1, "one batch: every job was queued before the run");
}

#[test]
fn shutdown_from_another_thread_ends_run_with_closed() {
    let d = Dispatcher::for_current_thread();
    let shutter = {
        let d = d.clone();
        thread::spawn(move || {
            // Once this call returns, `run` is serving.
            d.call(|| (), LONG).expect("run serves");
            d.shutdown()
        })
    };
    let exit = d.run(
        Some(Instant::now() + LONG),
        Duration::from_millis(500),
        || true,
    );
    assert_eq!(shutter.join().unwrap(), 0);
    assert_eq!(exit, Ok(RunExit::Closed));
}

#[test]
fn shutdown_racing_with_pumping_owner_ends_every_task_once() {
    const PRODUCERS: usize = 4;
    const PER_PRODUCER: usize = 2000;
    let d = Dispatcher::for_current_thread();
    let owner = d.owner();
    let counters = Arc::new(TaskCounters::default());
    let rejected = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(PRODUCERS + 1));
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|_| {
            let d = d.clone();
            let counters = counters.clone();
            let rejected = rejected.clone();
            let start = start.clone();
            thread::spawn(move || {
                start.wait();
                for _ in 0..PER_PRODUCER {
                    if d.post_task(CountingTask::new(&counters, owner)).is_err() {
                        rejected.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    let shutter = {
        let d = d.clone();
        let start = start.clone();
        thread::spawn(move || {
            start.wait();
            thread::sleep(Duration::from_millis(2));
            d.shutdown()
        })
    };
    let exit = d
        .run(
            Some(Instant::now() + LONG),
            Duration::from_millis(5),
            || true,
        )
        .unwrap();
    assert_eq!(exit, RunExit::Closed);
    for p in producers {
        p.join().unwrap();
    }
    let abandoned = shutter.join().unwrap();
    let runs = counters.runs.load(Ordering::SeqCst);
    let abandons = counters.abandons.load(Ordering::SeqCst);
    assert_eq!(abandons, abandoned);
    assert_eq!(
        runs + abandons + rejected.load(Ordering::SeqCst),
        PRODUCERS * PER_PRODUCER
    );
    assert_eq!(d.pending(), 0);
    assert!(!counters.wrong_thread.load(Ordering::SeqCst));
}

#[test]
fn dropping_the_last_handle_abandons_queued_tasks() {
    let counters = TaskCounters::default();
    let d = Dispatcher::for_current_thread();
    for _ in 0..3 {
        d.post_task(CountingTask::new(&counters, d.owner()))
            .unwrap();
    }
    let clone = d.clone();
    drop(d);
    assert_eq!(
        counters.abandons.load(Ordering::SeqCst),
        0,
        "a handle is left"
    );
    drop(clone);
    assert_eq!(counters.runs.load(Ordering::SeqCst), 0);
    assert_eq!(counters.abandons.load(Ordering::SeqCst), 3);
}

fn counting_waker(d: &Dispatcher) -> Arc<AtomicUsize> {
    let wakes = Arc::new(AtomicUsize::new(0));
    let w = wakes.clone();
    d.set_waker(Some(Arc::new(move || {
        w.fetch_add(1, Ordering::SeqCst);
    })));
    wakes
}

#[test]
fn waker_is_called_once_per_burst() {
    let d = dispatcher_with_budget(LONG);
    let wakes = counting_waker(&d);
    assert_eq!(
        wakes.load(Ordering::SeqCst),
        0,
        "no wake for an empty queue"
    );
    let count = Arc::new(AtomicUsize::new(0));
    let post_burst = |n: usize| {
        let d = d.clone();
        let count = count.clone();
        thread::spawn(move || {
            for _ in 0..n {
                let count = count.clone();
                d.post(move || {
                    count.fetch_add(1, Ordering::SeqCst);
                })
                .unwrap();
            }
        })
        .join()
        .unwrap();
    };
    post_burst(1000);
    assert_eq!(
        wakes.load(Ordering::SeqCst),
        1,
        "one wake for the whole burst"
    );
    assert_eq!(
        d.pump(None).unwrap(),
        PumpReport {
            ran: 1000,
            more: false
        }
    );
    assert_eq!(count.load(Ordering::SeqCst), 1000);
    assert_eq!(
        wakes.load(Ordering::SeqCst),
        2,
        "one more wake, outstanding while jobs waited behind the running one (for nested loops)"
    );
    post_burst(1000);
    assert_eq!(
        wakes.load(Ordering::SeqCst),
        2,
        "the outstanding wake covers the next burst"
    );
    drain(&d);
    assert_eq!(count.load(Ordering::SeqCst), 2000);
    post_burst(1);
    drain(&d);
    post_burst(1);
    assert_eq!(
        wakes.load(Ordering::SeqCst),
        4,
        "a lone job needs no extra wake: one per post once the queue is idle"
    );
    drain(&d);
}

/// A host loop for the nested-loop test: wakes are events queued for the owner thread,
/// each one delivered by `iterate`, which pumps (as a host's event delivery does).
struct HostLoop {
    events: Arc<AtomicUsize>,
}

impl HostLoop {
    fn iterate(&self, d: &Dispatcher) {
        while self.events.load(Ordering::SeqCst) > 0 {
            self.events.fetch_sub(1, Ordering::SeqCst);
            d.pump(None).unwrap();
        }
    }
}

#[test]
fn a_job_running_a_nested_loop_has_the_jobs_queued_behind_it_run_inside_it() {
    let d = dispatcher_with_budget(LONG);
    let events = Arc::new(AtomicUsize::new(0));
    let e = events.clone();
    d.set_waker(Some(Arc::new(move || {
        e.fetch_add(1, Ordering::SeqCst);
    })));
    let host = Arc::new(HostLoop { events });
    let order = Arc::new(Mutex::new(Vec::new()));
    // The first job opens a "modal dialog": a nested loop that runs until the jobs queued
    // before it have run (bounded), as a QDialog.exec() would while the user reads it.
    {
        let (d2, host2, order2) = (d.clone(), host.clone(), order.clone());
        d.post(move || {
            order2.lock().unwrap().push("dialog opens".to_string());
            for _ in 0..100 {
                host2.iterate(&d2);
                if order2.lock().unwrap().len() >= 11 {
                    break;
                }
            }
            order2.lock().unwrap().push("dialog closes".to_string());
        })
        .unwrap();
    }
    for i in 0..10 {
        let order = order.clone();
        d.post(move || order.lock().unwrap().push(format!("job {i}")))
            .unwrap();
    }
    host.iterate(&d);
    let order = order.lock().unwrap().clone();
    let mut want = vec!["dialog opens".to_string()];
    want.extend((0..10).map(|i| format!("job {i}")));
    want.push("dialog closes".to_string());
    assert_eq!(
        order, want,
        "the queued jobs ran inside the nested loop, in order"
    );
}

#[test]
fn exhausted_budget_reports_more_and_rearms_wake() {
    let d = dispatcher_with_budget(LONG);
    let wakes = counting_waker(&d);
    for _ in 0..3 {
        d.post(|| ()).unwrap();
    }
    assert_eq!(wakes.load(Ordering::SeqCst), 1);
    assert_eq!(
        d.pump(Some(Duration::ZERO)).unwrap(),
        PumpReport { ran: 1, more: true }
    );
    assert_eq!(
        wakes.load(Ordering::SeqCst),
        2,
        "leftover work re-arms the wake"
    );
    assert_eq!(
        d.pump(Some(Duration::ZERO)).unwrap(),
        PumpReport { ran: 1, more: true }
    );
    assert_eq!(wakes.load(Ordering::SeqCst), 3);
    assert_eq!(
        d.pump(Some(Duration::ZERO)).unwrap(),
        PumpReport {
            ran: 1,
            more: false
        }
    );
    assert_eq!(wakes.load(Ordering::SeqCst), 3, "nothing left: no wake");
    // A later post wakes again.
    d.post(|| ()).unwrap();
    assert_eq!(wakes.load(Ordering::SeqCst), 4);
}

#[test]
fn installing_a_waker_with_queued_jobs_wakes_it() {
    let d = Dispatcher::for_current_thread();
    d.post(|| ()).unwrap();
    let wakes = counting_waker(&d);
    assert_eq!(wakes.load(Ordering::SeqCst), 1);
    d.post(|| ()).unwrap();
    assert_eq!(
        wakes.load(Ordering::SeqCst),
        1,
        "the wake is still outstanding"
    );
}

#[test]
fn waker_installed_after_a_waker_less_pump_is_still_woken() {
    // A job posted while a pump runs sets the wake flag (no waker to call yet) and is run
    // by that same pump: the flag stays set with an empty queue. A waker installed then
    // must still hear about the next post.
    let d = Dispatcher::for_current_thread();
    let ran = Arc::new(AtomicUsize::new(0));
    {
        let d2 = d.clone();
        let ran = ran.clone();
        d.post(move || {
            let ran = ran.clone();
            d2.post(move || {
                ran.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        })
        .unwrap();
    }
    assert_eq!(
        d.pump(Some(LONG)).unwrap(),
        PumpReport {
            ran: 2,
            more: false
        }
    );
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    let wakes = counting_waker(&d);
    let poster = {
        let d = d.clone();
        thread::spawn(move || d.post(|| ()).unwrap())
    };
    poster.join().unwrap();
    assert!(
        wakes.load(Ordering::SeqCst) >= 1,
        "a job is queued and the new waker was never called"
    );
    assert_eq!(d.pump(None).unwrap().ran, 1);
}

#[test]
fn owner_operations_from_other_threads_fail() {
    let d = Dispatcher::for_current_thread();
    d.post(|| ()).unwrap();
    let other = {
        let d = d.clone();
        thread::spawn(move || {
            (
                d.is_owner_thread(),
                d.pump(None),
                d.run(None, Duration::from_millis(1), || true),
            )
        })
    };
    let (is_owner, pump, run) = other.join().unwrap();
    assert!(!is_owner);
    assert_eq!(pump, Err(DispatchError::WrongThread));
    assert_eq!(run, Err(DispatchError::WrongThread));
    assert_eq!(d.pending(), 1, "the failed pump ran nothing");
    assert!(d.is_owner_thread());
    assert_eq!(d.pump(None).unwrap().ran, 1);
}

#[test]
fn pump_stops_at_its_budget() {
    const JOBS: usize = 20;
    let d = Dispatcher::for_current_thread();
    let ran = Arc::new(AtomicUsize::new(0));
    for _ in 0..JOBS {
        let ran = ran.clone();
        d.post(move || {
            thread::sleep(Duration::from_millis(2));
            ran.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    }
    let report = d.pump(Some(Duration::from_millis(5))).unwrap();
    assert!(
        report.ran >= 1 && report.ran <= 3,
        "ran {} jobs",
        report.ran
    );
    assert!(report.more);
    assert_eq!(ran.load(Ordering::SeqCst), report.ran);
    assert_eq!(d.pending(), JOBS - report.ran);
    assert_eq!(report.ran + drain(&d), JOBS);
    assert_eq!(ran.load(Ordering::SeqCst), JOBS);
}

#[test]
fn a_task_may_pump_reentrantly() {
    let d = Dispatcher::for_current_thread();
    let log = Arc::new(Mutex::new(Vec::new()));
    {
        let d2 = d.clone();
        let log = log.clone();
        d.post(move || {
            log.lock().unwrap().push("outer start");
            let nested = d2.pump(None).expect("nested pump on the owner");
            log.lock().unwrap().push(if nested.ran == 1 {
                "outer end, nested ran 1"
            } else {
                "outer end, nested ran other"
            });
        })
        .unwrap();
    }
    {
        let log = log.clone();
        d.post(move || log.lock().unwrap().push("inner")).unwrap();
    }
    assert_eq!(
        d.pump(None).unwrap(),
        PumpReport {
            ran: 1,
            more: false
        }
    );
    assert_eq!(
        *log.lock().unwrap(),
        vec!["outer start", "inner", "outer end, nested ran 1"]
    );
    assert_eq!(d.pump_count(), 2);
}

#[test]
fn stop_from_another_thread_ends_run() {
    let d = Dispatcher::for_current_thread();
    let stopper = {
        let d = d.clone();
        thread::spawn(move || {
            d.call(|| (), LONG).expect("run serves");
            d.stop();
        })
    };
    let start = Instant::now();
    let exit = d.run(Some(start + LONG), Duration::from_secs(10), || true);
    stopper.join().unwrap();
    assert_eq!(exit, Ok(RunExit::Stopped));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "stop did not unpark run"
    );
}

#[test]
fn run_returns_at_its_deadline() {
    let d = Dispatcher::for_current_thread();
    let start = Instant::now();
    let exit = d.run(
        Some(start + Duration::from_millis(100)),
        Duration::from_secs(10),
        || true,
    );
    let took = start.elapsed();
    assert_eq!(exit, Ok(RunExit::Deadline));
    assert!(took >= Duration::from_millis(100), "left early: {took:?}");
    assert!(took < Duration::from_secs(5), "left late: {took:?}");
}

#[test]
fn run_check_returning_false_interrupts() {
    let d = Dispatcher::for_current_thread();
    let mut checks = 0;
    let exit = d.run(
        Some(Instant::now() + LONG),
        Duration::from_millis(5),
        || {
            checks += 1;
            checks < 3
        },
    );
    assert_eq!(exit, Ok(RunExit::Interrupted));
    assert_eq!(checks, 3);
}

#[test]
fn run_serves_posts_while_idle() {
    // run parks when idle; a post from another thread must wake it well before the
    // check interval ends.
    let d = Dispatcher::for_current_thread();
    let owner = d.owner();
    let poster = {
        let d = d.clone();
        thread::spawn(move || {
            let mut latencies = Vec::new();
            for _ in 0..20 {
                thread::sleep(Duration::from_millis(2));
                let sent = Instant::now();
                let key = d.call(ThreadKey::current, LONG).unwrap();
                latencies.push((key, sent.elapsed()));
            }
            d.stop();
            latencies
        })
    };
    let exit = d.run(Some(Instant::now() + LONG), Duration::from_secs(20), || {
        true
    });
    assert_eq!(exit, Ok(RunExit::Stopped));
    for (key, latency) in poster.join().unwrap() {
        assert_eq!(key, owner);
        assert!(
            latency < Duration::from_secs(2),
            "a post waited {latency:?}"
        );
    }
}

/// Tiny deterministic PRNG (xorshift64*), so the stress test needs no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Value,
    TimeoutStarted,
    TimeoutNotStarted,
    Cancelled,
}

#[test]
fn submit_wait_race_stress() {
    const THREADS: usize = 6;
    const PER_THREAD: usize = 1500;
    let d = Dispatcher::for_current_thread();
    let owner = d.owner();
    let runs: Arc<Vec<AtomicUsize>> = Arc::new(
        (0..THREADS * PER_THREAD)
            .map(|_| AtomicUsize::new(0))
            .collect(),
    );
    let wrong_thread = Arc::new(AtomicBool::new(false));

    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let d = d.clone();
            let runs = runs.clone();
            let wrong_thread = wrong_thread.clone();
            thread::spawn(move || {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((t as u64 + 1) * 0x1234_5678));
                let mut outcomes = Vec::with_capacity(PER_THREAD);
                for i in 0..PER_THREAD {
                    let id = t * PER_THREAD + i;
                    let runs = runs.clone();
                    let wrong_thread = wrong_thread.clone();
                    let pending = d
                        .submit(move || {
                            if ThreadKey::current() != owner {
                                wrong_thread.store(true, Ordering::SeqCst);
                            }
                            runs[id].fetch_add(1, Ordering::SeqCst);
                            if id % 7 == 0 {
                                thread::sleep(Duration::from_micros(50));
                            }
                            id
                        })
                        .unwrap();
                    let cancelled_early = rng.below(8) == 0 && pending.cancel();
                    let timeout = Duration::from_micros(rng.below(200));
                    let outcome = match pending.wait_timeout(timeout) {
                        Ok(v) => {
                            assert_eq!(v, id, "got another task's value");
                            Outcome::Value
                        }
                        Err(DispatchError::Timeout { started: true, .. }) => {
                            Outcome::TimeoutStarted
                        }
                        Err(DispatchError::Timeout { started: false, .. }) => {
                            Outcome::TimeoutNotStarted
                        }
                        Err(DispatchError::Cancelled) => Outcome::Cancelled,
                        Err(e) => panic!("unexpected {e:?}"),
                    };
                    assert!(
                        !cancelled_early || outcome == Outcome::Cancelled,
                        "cancel() succeeded but wait said {outcome:?}"
                    );
                    outcomes.push((id, outcome));
                }
                outcomes
            })
        })
        .collect();

    let stopper = {
        let d = d.clone();
        thread::spawn(move || {
            let results: Vec<_> = workers.into_iter().map(|w| w.join()).collect();
            let stopper = d.clone();
            d.post(move || stopper.stop()).unwrap();
            results
                .into_iter()
                .map(|r| r.unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect::<Vec<_>>()
        })
    };
    let exit = d
        .run(
            Some(Instant::now() + Duration::from_secs(120)),
            Duration::from_millis(5),
            || true,
        )
        .unwrap();
    let outcomes: Vec<(usize, Outcome)> = stopper.join().unwrap().into_iter().flatten().collect();
    assert_eq!(exit, RunExit::Stopped);
    drain(&d);

    assert!(
        !wrong_thread.load(Ordering::SeqCst),
        "a task ran off the owner"
    );
    assert_eq!(outcomes.len(), THREADS * PER_THREAD);
    let mut tally: HashMap<String, usize> = HashMap::new();
    let mut seen = HashSet::new();
    let mut expected_ran = 0;
    for (id, outcome) in &outcomes {
        assert!(seen.insert(*id));
        let n = runs[*id].load(Ordering::SeqCst);
        assert!(n <= 1, "task {id} ran {n} times");
        let should_have_run = matches!(outcome, Outcome::Value | Outcome::TimeoutStarted);
        assert_eq!(
            n == 1,
            should_have_run,
            "task {id}: {outcome:?} but ran {n} times"
        );
        expected_ran += usize::from(should_have_run);
        *tally.entry(format!("{outcome:?}")).or_default() += 1;
    }
    let flagged = runs.iter().filter(|r| r.load(Ordering::SeqCst) > 0).count();
    assert_eq!(flagged, expected_ran);
    eprintln!("race stress outcomes: {tally:?}");
}
