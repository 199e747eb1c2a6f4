//! Property tests: random operation sequences checked against a simple model.
//!
//! `single_thread_matches_model`: the test thread owns the dispatcher and interleaves
//! post/submit/cancel/wait/pump/shutdown; the real dispatcher must match a plain
//! `VecDeque` model exactly (values, errors, pump reports, run order, abandon counts).
//!
//! `threaded_producers_end_every_job_once`: real producer threads post while the owner
//! pumps with random budgets and maybe shuts down; every job ends exactly once, each
//! producer's jobs run in its order, and shutdown reports exactly what it abandoned.

// Test scenarios read top to bottom; the 80-line rule is for library code.
#![allow(clippy::too_many_lines)]

use auroraview_core::{DispatchError, Dispatcher, Pending, PumpReport, Task, ThreadKey};
use proptest::prelude::*;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

const LONG: Duration = Duration::from_secs(30);
const PRODUCERS: usize = 3;

/// Per-job record: bit 0 = ran, bit 1 = abandoned, bit 2 = ran twice/abandoned twice/both,
/// bit 3 = ran off the owner thread.
const RAN: u8 = 1;
const ABANDONED: u8 = 2;
const TWICE: u8 = 4;
const WRONG_THREAD: u8 = 8;

fn mark(cell: &AtomicU8, bit: u8) {
    let prev = cell.fetch_or(bit, Ordering::SeqCst);
    if prev & (RAN | ABANDONED) != 0 {
        cell.fetch_or(TWICE, Ordering::SeqCst);
    }
}

struct Recorded {
    id: usize,
    producer: usize,
    owner: ThreadKey,
    marks: Arc<Vec<AtomicU8>>,
    order: Arc<Mutex<Vec<(usize, usize)>>>,
}

impl Recorded {
    fn run_here(&self) {
        if ThreadKey::current() != self.owner {
            self.marks[self.id].fetch_or(WRONG_THREAD, Ordering::SeqCst);
        }
        mark(&self.marks[self.id], RAN);
        self.order.lock().unwrap().push((self.producer, self.id));
    }
}

impl Task for Recorded {
    fn run(self: Box<Self>) {
        self.run_here();
    }

    fn abandon(self: Box<Self>, reason: DispatchError) {
        assert_eq!(reason, DispatchError::Closed);
        mark(&self.marks[self.id], ABANDONED);
    }
}

#[derive(Debug, Clone)]
enum Op {
    Post(usize),
    Submit(usize),
    Cancel(usize),
    Wait(usize),
    Pump {
        one: bool,
    },
    Shutdown,
    /// Re-installs the waker (a host adapter replaced).
    SetWaker,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..PRODUCERS).prop_map(Op::Post),
        4 => (0..PRODUCERS).prop_map(Op::Submit),
        2 => any::<usize>().prop_map(Op::Cancel),
        2 => any::<usize>().prop_map(Op::Wait),
        3 => any::<bool>().prop_map(|one| Op::Pump { one }),
        1 => Just(Op::Shutdown),
        1 => Just(Op::SetWaker),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Queued,
    Ran,
    Skipped,
    Abandoned,
}

#[derive(Debug)]
struct ModelJob {
    producer: usize,
    is_call: bool,
    cancelled: bool,
    fate: Fate,
    pumps_at_submit: u64,
}

#[derive(Default)]
struct Model {
    jobs: Vec<ModelJob>,
    queue: VecDeque<usize>,
    closed: bool,
    pumps: u64,
    order: Vec<(usize, usize)>,
    /// The dispatcher's "a wake is outstanding" flag, and how often the waker was called.
    wake_pending: bool,
    wakes: usize,
}

impl Model {
    fn request_wake(&mut self) {
        if !std::mem::replace(&mut self.wake_pending, true) && !self.closed {
            self.wakes += 1;
        }
    }

    fn pop(&mut self) {
        let id = self.queue.pop_front().expect("model queue non-empty");
        let job = &mut self.jobs[id];
        if job.cancelled {
            job.fate = Fate::Skipped;
        } else {
            job.fate = Fate::Ran;
            self.order.push((job.producer, id));
        }
    }

    /// What waiting (with no time left) on call `id` returns, and its effect.
    fn wait(&mut self, id: usize) -> Result<usize, DispatchError> {
        let pumps = self.pumps;
        let job = &mut self.jobs[id];
        match job.fate {
            Fate::Ran => Ok(id),
            Fate::Abandoned if !job.cancelled => Err(DispatchError::Closed),
            _ if job.cancelled => Err(DispatchError::Cancelled),
            Fate::Queued => {
                job.cancelled = true;
                Err(DispatchError::Timeout {
                    started: false,
                    owner_idle: pumps == job.pumps_at_submit,
                })
            }
            fate => unreachable!("call {id} in state {fate:?}"),
        }
    }
}

fn single_thread_case(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let d = Dispatcher::for_current_thread();
    let owner = d.owner();
    let marks: Arc<Vec<AtomicU8>> = Arc::new((0..ops.len()).map(|_| AtomicU8::new(0)).collect());
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut model = Model::default();
    let mut pendings: Vec<(usize, Pending<usize>)> = Vec::new();
    let wakes = Arc::new(AtomicUsize::new(0));
    let install_waker = || {
        let wakes = wakes.clone();
        d.set_waker(Some(std::sync::Arc::new(move || {
            wakes.fetch_add(1, Ordering::SeqCst);
        })));
    };
    install_waker();

    for op in ops {
        match op {
            Op::Post(producer) | Op::Submit(producer) => {
                let id = model.jobs.len();
                let is_call = matches!(op, Op::Submit(_));
                let task = Recorded {
                    id,
                    producer,
                    owner,
                    marks: marks.clone(),
                    order: order.clone(),
                };
                let result = if is_call {
                    d.submit(move || {
                        task.run_here();
                        task.id
                    })
                    .map(|p| pendings.push((id, p)))
                } else {
                    d.post_task(Box::new(task))
                };
                if model.closed {
                    prop_assert_eq!(result, Err(DispatchError::Closed));
                    // Rejected jobs are not part of the model: keep ids dense.
                    marks[id].store(0, Ordering::SeqCst);
                    continue;
                }
                prop_assert_eq!(result, Ok(()));
                model.jobs.push(ModelJob {
                    producer,
                    is_call,
                    cancelled: false,
                    fate: Fate::Queued,
                    pumps_at_submit: model.pumps,
                });
                model.queue.push_back(id);
                model.request_wake();
            }
            Op::Cancel(i) if !pendings.is_empty() => {
                let (id, pending) = &pendings[i % pendings.len()];
                let job = &mut model.jobs[*id];
                let expect = job.fate == Fate::Queued && !job.cancelled;
                if expect {
                    job.cancelled = true;
                }
                prop_assert_eq!(pending.cancel(), expect, "cancel of call {}", id);
            }
            Op::Wait(i) if !pendings.is_empty() => {
                let (id, pending) = pendings.swap_remove(i % pendings.len());
                let expect = model.wait(id);
                prop_assert_eq!(pending.wait_timeout(Duration::ZERO), expect, "call {}", id);
            }
            Op::Cancel(_) | Op::Wait(_) => {}
            Op::Pump { one } => {
                let report = d
                    .pump(Some(if one { Duration::ZERO } else { LONG }))
                    .unwrap();
                model.pumps += 1;
                model.wake_pending = false;
                let mut ran = 0;
                if !model.closed {
                    while !model.queue.is_empty() && (ran == 0 || !one) {
                        model.pop();
                        // Jobs left behind the one about to run keep a wake outstanding
                        // (a nested loop in the job serves them).
                        if !model.queue.is_empty() {
                            model.request_wake();
                        }
                        ran += 1;
                    }
                }
                let more = !model.closed && !model.queue.is_empty();
                if more {
                    model.request_wake();
                }
                prop_assert_eq!(report, PumpReport { ran, more });
            }
            Op::Shutdown => {
                let expect = if model.closed { 0 } else { model.queue.len() };
                for id in model.queue.drain(..) {
                    model.jobs[id].fate = Fate::Abandoned;
                }
                model.closed = true;
                prop_assert_eq!(d.shutdown(), expect);
            }
            Op::SetWaker => {
                install_waker();
                // Shutdown removed the old waker; a new one still hears of a stale flag.
                if model.wake_pending || !model.queue.is_empty() {
                    model.wake_pending = true;
                    model.wakes += 1;
                }
            }
        }
        prop_assert_eq!(d.pending(), model.queue.len());
        prop_assert_eq!(d.pump_count(), model.pumps);
        prop_assert_eq!(wakes.load(Ordering::SeqCst), model.wakes, "waker calls");
    }

    // Wait on what is left, then check every job's end against the model.
    for (id, pending) in pendings {
        let expect = model.wait(id);
        prop_assert_eq!(pending.wait_timeout(Duration::ZERO), expect, "call {}", id);
    }
    prop_assert_eq!(&*order.lock().unwrap(), &model.order, "run order");
    for (id, job) in model.jobs.iter().enumerate() {
        let m = marks[id].load(Ordering::SeqCst);
        prop_assert_eq!(m & (TWICE | WRONG_THREAD), 0, "job {}: {:#b}", id, m);
        let expect = match job.fate {
            Fate::Ran => RAN,
            // A call abandoned at shutdown is ended through its slot, not Task::abandon;
            // Recorded only sees abandon for posted jobs.
            Fate::Abandoned if !job.is_call => ABANDONED,
            Fate::Abandoned | Fate::Skipped | Fate::Queued => 0,
        };
        prop_assert_eq!(m, expect, "job {} {:?}", id, job);
    }
    Ok(())
}

fn threaded_case(
    lens: Vec<usize>,
    budgets_us: Vec<u64>,
    shutdown_after: Option<usize>,
) -> Result<(), TestCaseError> {
    let d = Dispatcher::for_current_thread();
    let owner = d.owner();
    let offsets: Vec<usize> = lens
        .iter()
        .scan(0, |acc, &n| {
            let start = *acc;
            *acc += n;
            Some(start)
        })
        .collect();
    let total: usize = lens.iter().sum();
    let marks: Arc<Vec<AtomicU8>> = Arc::new((0..total).map(|_| AtomicU8::new(0)).collect());
    let order = Arc::new(Mutex::new(Vec::new()));
    let barrier = Arc::new(Barrier::new(lens.len() + 1));

    let producers: Vec<_> = lens
        .iter()
        .enumerate()
        .map(|(p, &n)| {
            let d = d.clone();
            let marks = marks.clone();
            let order = order.clone();
            let barrier = barrier.clone();
            let first = offsets[p];
            thread::spawn(move || {
                barrier.wait();
                (first..first + n)
                    .map(|id| {
                        let task = Box::new(Recorded {
                            id,
                            producer: p,
                            owner,
                            marks: marks.clone(),
                            order: order.clone(),
                        });
                        match d.post_task(task) {
                            Ok(()) => false,
                            Err(e) => {
                                assert_eq!(e, DispatchError::Closed);
                                true
                            }
                        }
                    })
                    .collect::<Vec<bool>>()
            })
        })
        .collect();

    barrier.wait();
    let mut abandoned = 0;
    let mut shut = false;
    for (i, &us) in budgets_us.iter().enumerate() {
        d.pump(Some(Duration::from_micros(us))).unwrap();
        if shutdown_after == Some(i) {
            abandoned = d.shutdown();
            shut = true;
        }
        thread::yield_now();
    }
    let rejected: Vec<Vec<bool>> = producers.into_iter().map(|h| h.join().unwrap()).collect();
    if !shut {
        while d.pending() > 0 {
            d.pump(Some(LONG)).unwrap();
        }
        prop_assert_eq!(d.shutdown(), 0);
    }

    let mut abandon_marks = 0;
    for (p, rejected) in rejected.iter().enumerate() {
        // Each producer's jobs end as: ran*, abandoned*, rejected* (in its order).
        let mut stage = 0;
        for (k, &was_rejected) in rejected.iter().enumerate() {
            let id = offsets[p] + k;
            let m = marks[id].load(Ordering::SeqCst);
            let job_stage = match (m, was_rejected) {
                (RAN, false) => 0,
                (ABANDONED, false) => 1,
                (0, true) => 2,
                _ => {
                    return Err(TestCaseError::fail(format!(
                        "job {id}: marks {m:#b}, rejected {was_rejected}"
                    )))
                }
            };
            abandon_marks += usize::from(job_stage == 1);
            prop_assert!(
                job_stage >= stage,
                "producer {}: job {} out of order",
                p,
                id
            );
            stage = job_stage;
        }
    }
    prop_assert_eq!(abandoned, abandon_marks, "shutdown's count");
    // FIFO per producer among the jobs that ran.
    let order = order.lock().unwrap();
    let mut last: Vec<Option<usize>> = vec![None; lens.len()];
    for &(p, id) in order.iter() {
        prop_assert!(
            last[p].is_none_or(|prev| prev < id),
            "producer {} out of order",
            p
        );
        last[p] = Some(id);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn single_thread_matches_model(ops in prop::collection::vec(op(), 0..80)) {
        single_thread_case(ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn threaded_producers_end_every_job_once(
        lens in prop::collection::vec(0usize..300, 1..=4),
        budgets_us in prop::collection::vec(prop_oneof![Just(0u64), 0u64..100, Just(1_000_000)], 0..30),
        shutdown_after in prop::option::of(0usize..30),
    ) {
        threaded_case(lens, budgets_us, shutdown_after)?;
    }
}
