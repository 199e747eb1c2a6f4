//! The Windows UI thread: its apartment, one wake per burst under eight producers, ending
//! with commands pending, and a thread that is already in COM's multithreaded apartment.

use super::harness::{thread_id, Closed, TestUi, HANG};
use crate::platform::windows::thread::start_hosted;
use crate::platform::UiHooks;
use crossbeam_channel::bounded;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use windows::Win32::Foundation::RPC_E_CHANGED_MODE;
use windows::Win32::System::Com::{
    CoGetApartmentType, CoInitializeEx, APTTYPE, APTTYPEQUALIFIER, APTTYPE_MAINSTA, APTTYPE_STA,
    COINIT_MULTITHREADED,
};

#[test]
fn the_ui_thread_is_in_a_single_threaded_apartment() {
    let ui = TestUi::start();
    let (on, apartment, mta) = ui.call(|| {
        let mut kind = APTTYPE::default();
        let mut qualifier = APTTYPEQUALIFIER::default();
        // SAFETY: two valid out-pointers.
        let queried = unsafe { CoGetApartmentType(&mut kind, &mut qualifier) };
        // Asking for the MTA on an STA thread is refused, and changes nothing.
        // SAFETY: no reserved pointer.
        let mta = unsafe { CoInitializeEx(None, COINIT_MULTITHREADED) };
        (thread_id(), queried.map(|()| kind), mta)
    });
    assert_eq!(on, ui.thread_id);
    assert_ne!(
        on,
        thread_id(),
        "the job ran on the UI thread, not the caller's"
    );
    let apartment = apartment.expect("CoGetApartmentType on the UI thread");
    assert!(
        apartment == APTTYPE_STA || apartment == APTTYPE_MAINSTA,
        "apartment {apartment:?}"
    );
    assert_eq!(mta, RPC_E_CHANGED_MODE);
}

#[test]
fn eight_producers_one_wake_per_burst_every_command_in_order() {
    const PRODUCERS: u32 = 8;
    const EACH: u32 = 10_000;
    let ui = TestUi::start();
    // (producer, sequence number, thread it ran on), in the order the jobs ran.
    let seen: Arc<Mutex<Vec<(u32, u32, u32)>>> = Arc::new(Mutex::new(Vec::new()));
    let start = Barrier::new(PRODUCERS as usize);
    std::thread::scope(|scope| {
        for p in 0..PRODUCERS {
            let (ui, seen, start) = (&ui, &seen, &start);
            scope.spawn(move || {
                start.wait();
                for i in 0..EACH {
                    let seen = seen.clone();
                    ui.push(move |outcome| {
                        assert_eq!(outcome, Ok(()));
                        seen.lock().unwrap().push((p, i, thread_id()));
                    });
                }
            });
        }
    });
    // Everything pushed before this call ran before it (one FIFO queue).
    ui.call(|| ());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), (PRODUCERS * EACH) as usize);
    assert!(seen.iter().all(|&(_, _, on)| on == ui.thread_id));
    for p in 0..PRODUCERS {
        let order: Vec<u32> = seen.iter().filter(|e| e.0 == p).map(|e| e.1).collect();
        assert!(
            order.iter().copied().eq(0..EACH),
            "producer {p}'s commands ran out of order or not all"
        );
    }
    let wakes = ui.wakes();
    let (posted, passes, drains) = (
        wakes.posted.load(Ordering::Acquire),
        wakes.passes.load(Ordering::Acquire),
        wakes.drains.load(Ordering::Acquire),
    );
    eprintln!(
        "{} commands from {PRODUCERS} threads: {posted} wakes, {passes} passes, {drains} drains",
        seen.len()
    );
    // One wake per burst, however many producers: a wake is posted only by the first push
    // after the UI thread cleared the flag to take commands (or by a pass re-arming it),
    // so never more than one per clearing.
    assert!(posted <= drains + 1, "{posted} wakes for {drains} drains");
    // Each wake posted was dispatched exactly once, as one pass; none failed.
    assert_eq!(posted, passes);
    assert_eq!(wakes.failed.load(Ordering::Acquire), 0);
    assert!(posted < seen.len(), "wakes were not coalesced");
}

#[test]
fn ending_with_commands_pending_ends_each_one_closed() {
    const PRODUCERS: usize = 8;
    const BEFORE: usize = 1_000;
    const AFTER: usize = 1_000;
    let mut ui = TestUi::start();
    // outcomes[p][i]: how many times job i of producer p ended, and whether it ran.
    let ended: Arc<Vec<Vec<AtomicUsize>>> = Arc::new(
        (0..PRODUCERS)
            .map(|_| (0..BEFORE + AFTER).map(|_| AtomicUsize::new(0)).collect())
            .collect(),
    );
    let ran: Arc<Mutex<Vec<Vec<bool>>>> =
        Arc::new(Mutex::new(vec![vec![false; BEFORE + AFTER]; PRODUCERS]));
    let closed_on_ui = Arc::new(AtomicUsize::new(0));
    let pushed_before = Arc::new(Barrier::new(PRODUCERS + 1));
    let stop_pushed = Arc::new(Barrier::new(PRODUCERS + 1));
    let ui_thread = ui.thread_id;
    std::thread::scope(|scope| {
        for p in 0..PRODUCERS {
            let (ended, ran, closed_on_ui) = (ended.clone(), ran.clone(), closed_on_ui.clone());
            let (pushed_before, stop_pushed) = (pushed_before.clone(), stop_pushed.clone());
            let ui = &ui;
            scope.spawn(move || {
                let job = |i: usize| {
                    let (ended, ran, closed_on_ui) =
                        (ended.clone(), ran.clone(), closed_on_ui.clone());
                    move |outcome: Result<(), Closed>| {
                        ended[p][i].fetch_add(1, Ordering::AcqRel);
                        match outcome {
                            Ok(()) => ran.lock().unwrap()[p][i] = true,
                            Err(Closed) if thread_id() == ui_thread => {
                                closed_on_ui.fetch_add(1, Ordering::AcqRel);
                            }
                            Err(Closed) => {}
                        }
                    }
                };
                for i in 0..BEFORE {
                    ui.push(job(i));
                }
                pushed_before.wait();
                stop_pushed.wait();
                for i in BEFORE..BEFORE + AFTER {
                    ui.push(job(i));
                }
            });
        }
        pushed_before.wait();
        ui.push_stop();
        stop_pushed.wait();
    });
    let closed_by_owner = ui.finish();
    // The thread has ended: a wake now fails at once (its window is gone), it is not
    // queued for nobody.
    assert!(ui.waker().wake().is_err());
    for p in 0..PRODUCERS {
        for i in 0..BEFORE + AFTER {
            assert_eq!(
                ended[p][i].load(Ordering::Acquire),
                1,
                "job {i} of producer {p} did not end exactly once"
            );
        }
    }
    let ran = ran.lock().unwrap();
    for (p, ran) in ran.iter().enumerate() {
        // Everything pushed before the stop ran; everything after ended Closed.
        assert!(
            ran[..BEFORE].iter().all(|&r| r),
            "producer {p}: a job before the stop did not run"
        );
        assert!(
            ran[BEFORE..].iter().all(|&r| !r),
            "producer {p}: a job after the stop ran"
        );
    }
    assert_eq!(
        closed_on_ui.load(Ordering::Acquire) + closed_by_owner,
        PRODUCERS * AFTER
    );
}

#[test]
fn a_thread_already_in_the_mta_gets_a_clear_error_not_a_hang() {
    let (tx, rx) = bounded(1);
    std::thread::spawn(move || {
        // SAFETY: no reserved pointer; this thread joins the MTA, as a host's worker might.
        unsafe { CoInitializeEx(None, COINIT_MULTITHREADED) }
            .ok()
            .expect("CoInitializeEx(MTA)");
        let started = start_hosted(UiHooks::new(|| {}, |_| {}), |_| {
            panic!("on_start must not run on a thread that cannot be the UI thread")
        });
        let _ = tx.send(started);
    });
    let err = rx
        .recv_timeout(HANG)
        .expect("start_hosted on an MTA thread did not return: it hung")
        .expect_err("an MTA thread cannot become the UI thread");
    let message = err.to_string();
    assert!(message.contains("RPC_E_CHANGED_MODE"), "{message}");
    assert!(message.contains("multithreaded apartment"), "{message}");
    assert!(message.contains("mode='own'"), "{message}");
}
