//! Loom models of the dispatcher's concurrency protocols.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" cargo test -p auroraview-core --release --test loom --target-dir target/loom`
//!
//! Under loom the crate's atomics, locks and parking are loom's, the queue is a mutexed deque,
//! waits park without a timeout and waiters do not spin. Loom threads share one OS thread, so
//! every loom thread passes the owner check: the models use `submit`/`pump` (not `call`,
//! which would run inline) and let the model's main thread play the owner.
//!
//! Each model is small (2-3 threads, 1-2 jobs); `LOOM_MAX_PREEMPTIONS` overrides the default
//! preemption bound of 4.
#![cfg(loom)]

use auroraview_core::{DispatchError, Dispatcher, DispatcherConfig, Task, ThreadKey};
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use loom::sync::Arc;
use loom::thread;
use std::time::Duration;

fn model<F>(f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(4);
    }
    builder.check(f);
}

/// A dispatcher whose pumps never stop on their time budget: the real clock must not
/// change which interleaving loom is exploring.
fn dispatcher() -> Dispatcher {
    Dispatcher::new(
        ThreadKey::current(),
        DispatcherConfig {
            budget: Duration::from_secs(3600),
            spin: Duration::ZERO,
        },
    )
}

/// A posted task counting its ends.
struct Counted {
    runs: Arc<AtomicUsize>,
    abandons: Arc<AtomicUsize>,
}

impl Task for Counted {
    fn run(self: Box<Self>) {
        self.runs.fetch_add(1, SeqCst);
    }

    fn abandon(self: Box<Self>, reason: DispatchError) {
        assert_eq!(reason, DispatchError::Closed);
        self.abandons.fetch_add(1, SeqCst);
    }
}

/// Installs a waker that sets `flag`.
fn flag_waker(d: &Dispatcher) -> Arc<AtomicBool> {
    let woken = Arc::new(AtomicBool::new(false));
    let w = woken.clone();
    d.set_waker(Some(std::sync::Arc::new(move || w.store(true, SeqCst))));
    woken
}

/// (a) A job left in the queue after a pump always has a wake outstanding: the waker ran
/// after that pump started. The owner resets the flag just before it pumps.
fn wake_model(producers: usize, jobs_each: usize) {
    model(move || {
        let d = dispatcher();
        let woken = flag_waker(&d);
        let ran = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..producers)
            .map(|_| {
                let d = d.clone();
                let ran = ran.clone();
                thread::spawn(move || {
                    for _ in 0..jobs_each {
                        let ran = ran.clone();
                        d.post(move || {
                            ran.fetch_add(1, SeqCst);
                        })
                        .unwrap();
                    }
                })
            })
            .collect();

        woken.store(false, SeqCst);
        // `more` may be true here: a post can land between the pump's last pop and its
        // final check, and then the pump re-arms the wake itself.
        d.pump(None).unwrap();
        for h in handles {
            h.join().unwrap();
        }
        if d.pending() > 0 {
            assert!(
                woken.load(SeqCst),
                "a job is queued after the last pump and nobody woke the owner"
            );
        }
        woken.store(false, SeqCst);
        d.pump(None).unwrap();
        assert_eq!(d.pending(), 0);
        assert_eq!(ran.load(SeqCst), producers * jobs_each);
        // The flag the pump cleared lets the next post wake again.
        d.post(|| ()).unwrap();
        assert!(
            woken.load(SeqCst),
            "a post after an emptying pump must wake"
        );
    });
}

#[test]
fn wake_one_producer_two_jobs() {
    wake_model(1, 2);
}

#[test]
fn wake_two_producers_one_job_each() {
    wake_model(2, 1);
}

/// (a') A waker installed while a wake is already pending (set with no waker) is called.
#[test]
fn new_waker_hears_of_a_pending_wake() {
    model(|| {
        let d = dispatcher();
        let producer = {
            let d = d.clone();
            thread::spawn(move || d.post(|| ()).unwrap())
        };
        let woken = flag_waker(&d);
        producer.join().unwrap();
        // The job is queued: either the producer saw the new waker, or set_waker saw the job
        // or the pending flag. Either way the owner has been woken.
        assert!(
            woken.load(SeqCst),
            "a queued job and a waker that was never called"
        );
        assert_eq!(d.pump(None).unwrap().ran, 1);
    });
}

/// (b) Cancel on the caller's side racing with the owner's pump: exactly one of them wins.
#[test]
fn cancel_races_pump_exactly_one_wins() {
    model(|| {
        let d = dispatcher();
        let ran = Arc::new(AtomicBool::new(false));
        let caller = {
            let d = d.clone();
            let ran = ran.clone();
            thread::spawn(move || {
                let pending = d
                    .submit(move || {
                        assert!(!ran.swap(true, SeqCst), "ran twice");
                        7
                    })
                    .unwrap();
                let cancelled = pending.cancel();
                // A lost cancel means the pump started it: the wait must end with the value.
                let result = pending.wait_deadline(None);
                if cancelled {
                    assert_eq!(result, Err(DispatchError::Cancelled));
                } else {
                    assert_eq!(result, Ok(7));
                }
                cancelled
            })
        };
        d.pump(None).unwrap();
        let cancelled = caller.join().unwrap();
        d.pump(None).unwrap();
        assert_eq!(d.pending(), 0);
        assert_ne!(
            cancelled,
            ran.load(SeqCst),
            "exactly one of run / cancelled"
        );
    });
}

/// (c) Shutdown racing with a producer's post and with the owner's pump: the job ends
/// exactly once (run, abandoned, or its post failed with Closed).
#[test]
fn shutdown_races_post_and_pump() {
    model(|| {
        let d = dispatcher();
        let runs = Arc::new(AtomicUsize::new(0));
        let abandons = Arc::new(AtomicUsize::new(0));
        let producer = {
            let d = d.clone();
            let task = Box::new(Counted {
                runs: runs.clone(),
                abandons: abandons.clone(),
            });
            thread::spawn(move || match d.post_task(task) {
                Ok(()) => false,
                Err(e) => {
                    assert_eq!(e, DispatchError::Closed);
                    true
                }
            })
        };
        let shutter = {
            let d = d.clone();
            thread::spawn(move || d.shutdown())
        };
        d.pump(None).unwrap();
        let rejected = producer.join().unwrap();
        let abandoned = shutter.join().unwrap();
        let (runs, abandons) = (runs.load(SeqCst), abandons.load(SeqCst));
        assert_eq!(runs + abandons + usize::from(rejected), 1);
        assert_eq!(abandoned, abandons, "shutdown counts what it abandoned");
        assert_eq!(d.pending(), 0, "nothing is stranded in a closed queue");
        assert!(d.is_closed());
    });
}

/// (c') Shutdown racing with a submit whose caller then waits without a deadline: the
/// caller hears Closed (from submit or from the abandon) and is never left parked.
#[test]
fn shutdown_races_submit_and_pump() {
    model(|| {
        let d = dispatcher();
        let ran = Arc::new(AtomicBool::new(false));
        let caller = {
            let d = d.clone();
            let ran = ran.clone();
            thread::spawn(move || {
                match d.submit(move || {
                    assert!(!ran.swap(true, SeqCst), "ran twice");
                    1
                }) {
                    Ok(pending) => pending.wait_deadline(None),
                    Err(e) => Err(e),
                }
            })
        };
        let abandoned = d.shutdown();
        let result = caller.join().unwrap();
        assert_eq!(result, Err(DispatchError::Closed));
        assert!(abandoned <= 1);
        assert!(!ran.load(SeqCst), "nobody pumped, yet the task ran");
    });
}

/// (d) A waiter parked with no deadline is woken when its task completes.
#[test]
fn parked_waiter_woken_by_complete() {
    model(|| {
        let d = dispatcher();
        let pending = d.submit(|| 5).unwrap();
        let waiter = thread::spawn(move || pending.wait_deadline(None));
        assert_eq!(d.pump(None).unwrap().ran, 1);
        assert_eq!(waiter.join().unwrap(), Ok(5));
    });
}

/// (d) A waiter parked with no deadline is woken when shutdown abandons its task.
#[test]
fn parked_waiter_woken_by_shutdown() {
    model(|| {
        let d = dispatcher();
        let pending = d.submit(|| 5).unwrap();
        let waiter = thread::spawn(move || pending.wait_deadline(None));
        assert_eq!(d.shutdown(), 1);
        assert_eq!(waiter.join().unwrap(), Err(DispatchError::Closed));
    });
}

/// (d) Pump and shutdown race for the task a parked waiter waits on: it ends exactly once
/// and the waiter always wakes.
#[test]
fn parked_waiter_woken_when_pump_races_shutdown() {
    model(|| {
        let d = dispatcher();
        let pending = d.submit(|| 5).unwrap();
        let waiter = thread::spawn(move || pending.wait_deadline(None));
        let shutter = {
            let d = d.clone();
            thread::spawn(move || d.shutdown())
        };
        let ran = d.pump(None).unwrap().ran;
        let abandoned = shutter.join().unwrap();
        assert_eq!(ran + abandoned, 1);
        let expect = if ran == 1 {
            Ok(5)
        } else {
            Err(DispatchError::Closed)
        };
        assert_eq!(waiter.join().unwrap(), expect);
    });
}

/// (h) The WebView command queue (the same wake protocol, in `WakeFlag`): producers push,
/// one of them to the priority lane, and wake the consumer when told to; the consumer
/// serves one wake at a time, as the UI thread's pass does: it drains a slice of up to two
/// commands, and re-arms only when the slice was full (its budget ran out), never because
/// it saw commands left. Whatever the interleaving, once every wake has been served
/// no command is left: none sat in the queue with no wake outstanding.
fn command_queue_model(producers: usize, each: usize) {
    use auroraview_core::command_queue::{CommandQueue, Wake};
    model(move || {
        let q = Arc::new(CommandQueue::<usize>::new(16));
        let wakes = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..producers)
            .map(|p| {
                let (q, wakes) = (q.clone(), wakes.clone());
                thread::spawn(move || {
                    for i in 0..each {
                        let wake = if p == 0 {
                            q.push_priority(i)
                        } else {
                            q.push(i).unwrap()
                        };
                        if wake == Wake::Needed {
                            wakes.fetch_add(1, SeqCst);
                        }
                    }
                })
            })
            .collect();
        let mut received = 0;
        let mut pass = |q: &CommandQueue<usize>| {
            let mut out = Vec::new();
            q.drain_up_to(&mut out, 2);
            received += out.len();
            if out.len() == 2 && q.rearm() == Wake::Needed {
                wakes.fetch_add(1, SeqCst);
            }
        };
        let take = |w: &AtomicUsize| w.fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1)).is_ok();
        // The consumer runs alongside the producers for a while...
        for _ in 0..2 {
            if take(&wakes) {
                pass(&q);
            } else {
                thread::yield_now();
            }
        }
        for h in handles {
            h.join().unwrap();
        }
        // ...then serves the wakes that are still outstanding, and no more.
        while take(&wakes) {
            pass(&q);
        }
        assert_eq!(
            received,
            producers * each,
            "a command sat in the queue with no wake outstanding"
        );
        assert!(q.is_empty());
    });
}

#[test]
fn command_queue_two_producers_one_command_each() {
    command_queue_model(2, 1);
}

#[test]
fn command_queue_one_producer_two_commands() {
    command_queue_model(1, 2);
}

#[test]
fn command_queue_two_producers_two_commands_each() {
    command_queue_model(2, 2);
}
