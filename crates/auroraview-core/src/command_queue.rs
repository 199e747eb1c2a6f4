//! [`CommandQueue`]: a bounded lock-free MPSC queue of commands for one consumer thread (the
//! WebView UI thread), with coalesced wakes.
//!
//! Producers on any thread `push`; the first push after the consumer last drained returns
//! `Wake::Needed`, and only that producer wakes the consumer (one wake per burst). The
//! consumer clears the wake flag *before* it drains, so a push that lands after the drain
//! started always requests a new wake: the protocol of [`WakeFlag`], which the dispatcher
//! uses too. Under loom the lock-free lanes are mutexed deques (crossbeam checks its queue;
//! loom checks our protocol, `tests/loom.rs`).
//!
//! Bound: at most `capacity` commands wait at once. A push beyond it fails with
//! [`PushError::Full`] and hands the command back: the sender hears, nothing is dropped
//! silently. Commands from one producer are drained in the order it pushed them.
//!
//! A small priority lane ([`CommandQueue::push_priority`]) is drained before the rest: for
//! the rare commands that must not wait behind a flood (creating a WebView while a million
//! emits are queued). They share the wake protocol.

use crate::sync::{AtomicUsize, Ordering};
pub use crate::wake::Wake;
use crate::wake::WakeFlag;

/// A FIFO lane: crossbeam's lock-free queue, or under loom a mutexed deque.
#[cfg(not(loom))]
struct Lane<C>(crossbeam_queue::SegQueue<C>);
#[cfg(loom)]
struct Lane<C>(crate::sync::Mutex<std::collections::VecDeque<C>>);

impl<C> Lane<C> {
    fn new() -> Self {
        #[cfg(not(loom))]
        return Lane(crossbeam_queue::SegQueue::new());
        #[cfg(loom)]
        return Lane(crate::sync::Mutex::new(std::collections::VecDeque::new()));
    }

    fn push(&self, item: C) {
        #[cfg(not(loom))]
        self.0.push(item);
        #[cfg(loom)]
        crate::sync::lock(&self.0).push_back(item);
    }

    fn pop(&self) -> Option<C> {
        #[cfg(not(loom))]
        return self.0.pop();
        #[cfg(loom)]
        return crate::sync::lock(&self.0).pop_front();
    }
}

/// A push that did not enqueue; the command is handed back.
#[derive(Debug)]
pub enum PushError<C> {
    /// `capacity` commands are already waiting.
    Full(C),
}

/// Bounded MPSC command queue with one wake per burst.
pub struct CommandQueue<C> {
    items: Lane<C>,
    priority: Lane<C>,
    len: AtomicUsize,
    capacity: usize,
    wake: WakeFlag,
}

impl<C> CommandQueue<C> {
    pub fn new(capacity: usize) -> Self {
        CommandQueue {
            items: Lane::new(),
            priority: Lane::new(),
            len: AtomicUsize::new(0),
            capacity,
            wake: WakeFlag::new(),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Commands waiting.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Enqueues `cmd`; says whether this producer must wake the consumer.
    pub fn push(&self, cmd: C) -> Result<Wake, PushError<C>> {
        if self.len.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            self.len.fetch_sub(1, Ordering::AcqRel);
            return Err(PushError::Full(cmd));
        }
        self.items.push(cmd);
        Ok(self.wake.request())
    }

    /// Enqueues `cmd` even past the bound. For the few control commands (close) that must
    /// never be refused; they cannot be produced in floods.
    pub fn force_push(&self, cmd: C) -> Wake {
        self.len.fetch_add(1, Ordering::AcqRel);
        self.items.push(cmd);
        self.wake.request()
    }

    /// Enqueues `cmd` ahead of the commands waiting in the normal lane (never refused; for
    /// rare control commands only). Priority commands keep their own order.
    pub fn push_priority(&self, cmd: C) -> Wake {
        self.len.fetch_add(1, Ordering::AcqRel);
        self.priority.push(cmd);
        self.wake.request()
    }

    /// Consumer only: clears the wake flag, then moves every waiting command into `out`.
    pub fn drain_into(&self, out: &mut Vec<C>) {
        self.drain_up_to(out, usize::MAX);
    }

    /// Consumer only: clears the wake flag, then moves at most `max` commands into `out`.
    /// If commands remain, the consumer must call [`CommandQueue::rearm`] before it yields.
    pub fn drain_up_to(&self, out: &mut Vec<C>, max: usize) {
        self.wake.clear();
        for _ in 0..max {
            let Some(cmd) = self.priority.pop().or_else(|| self.items.pop()) else {
                break;
            };
            self.len.fetch_sub(1, Ordering::AcqRel);
            out.push(cmd);
        }
    }

    /// Consumer only: asks for another wake for commands left behind by a partial drain.
    pub fn rearm(&self) -> Wake {
        self.wake.request()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn one_wake_per_burst_and_fifo() {
        let q = CommandQueue::new(100);
        assert_eq!(q.push(1).unwrap(), Wake::Needed);
        assert_eq!(q.push(2).unwrap(), Wake::AlreadyPending);
        let mut out = Vec::new();
        q.drain_into(&mut out);
        assert_eq!(out, vec![1, 2]);
        assert_eq!(q.push(3).unwrap(), Wake::Needed);
    }

    #[test]
    fn partial_drain_and_rearm() {
        let q = CommandQueue::new(100);
        for i in 0..10 {
            q.push(i).unwrap();
        }
        let mut out = Vec::new();
        q.drain_up_to(&mut out, 4);
        assert_eq!(out, vec![0, 1, 2, 3]);
        assert_eq!(q.rearm(), Wake::Needed);
        assert_eq!(q.push(10).unwrap(), Wake::AlreadyPending);
        q.drain_into(&mut out);
        assert_eq!(out, (0..11).collect::<Vec<_>>());
    }

    #[test]
    fn the_priority_lane_goes_first_and_is_never_refused() {
        let q = CommandQueue::new(2);
        q.push(1).unwrap();
        q.push(2).unwrap();
        assert!(matches!(q.push(3), Err(PushError::Full(3))));
        assert_eq!(q.push_priority(10), Wake::AlreadyPending);
        assert_eq!(q.push_priority(11), Wake::AlreadyPending);
        assert_eq!(q.len(), 4);
        let mut out = Vec::new();
        q.drain_up_to(&mut out, 3);
        assert_eq!(out, vec![10, 11, 1]);
        assert_eq!(q.rearm(), Wake::Needed);
        q.drain_into(&mut out);
        assert_eq!(out, vec![10, 11, 1, 2]);
        assert!(q.is_empty());
        assert_eq!(q.push_priority(12), Wake::Needed); // drained: a new burst wakes again
    }

    #[test]
    fn full_hands_the_command_back() {
        let q = CommandQueue::new(2);
        q.push(1).unwrap();
        q.push(2).unwrap();
        assert!(matches!(q.push(3), Err(PushError::Full(3))));
        let mut out = Vec::new();
        q.drain_into(&mut out);
        assert_eq!(q.len(), 0);
        q.push(4).unwrap();
    }

    #[test]
    fn concurrent_producers_keep_their_order_and_lose_nothing() {
        let q = Arc::new(CommandQueue::new(1 << 20));
        let wakes = Arc::new(AtomicUsize::new(0));
        let producers: Vec<_> = (0..4)
            .map(|p| {
                let (q, wakes) = (q.clone(), wakes.clone());
                std::thread::spawn(move || {
                    for i in 0..10_000u32 {
                        if q.push((p, i)).unwrap() == Wake::Needed {
                            wakes.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        let mut seen = Vec::new();
        while producers.iter().any(|h| !h.is_finished()) {
            q.drain_into(&mut seen);
        }
        q.drain_into(&mut seen);
        for h in producers {
            h.join().unwrap();
        }
        assert_eq!(seen.len(), 40_000);
        for p in 0..4 {
            let mine: Vec<u32> = seen.iter().filter(|c| c.0 == p).map(|c| c.1).collect();
            assert_eq!(mine, (0..10_000).collect::<Vec<_>>());
        }
        assert!(wakes.load(Ordering::Relaxed) >= 1);
    }
}
