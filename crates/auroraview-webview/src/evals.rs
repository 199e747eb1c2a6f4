//! [`PendingEvals`]: the table of evaluations waiting for their page, owned by the completion
//! thread (`reactor.rs`).
//!
//! Invariant: every registered entry leaves the table exactly once, through the first of
//! [`PendingEvals::complete`] (its result, accepted only from its own WebView),
//! [`PendingEvals::fail`] (page change, refused send), [`PendingEvals::close_view`] (its
//! WebView closed) or [`PendingEvals::expire`] (its deadline). Each of those hands the entry's
//! completion back to the caller to run; later news about the same id finds nothing.
//! Property-tested below against a plain model.
//!
//! What must not live here: threads, channels, running completions.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::time::Instant;

struct Entry<D> {
    view: u64,
    done: D,
}

/// Pending evaluations by id, with their deadlines and their WebViews.
pub(crate) struct PendingEvals<D> {
    entries: HashMap<u64, Entry<D>>,
    by_view: HashMap<u64, HashSet<u64>>,
    deadlines: BinaryHeap<Reverse<(Instant, u64)>>,
}

impl<D> Default for PendingEvals<D> {
    fn default() -> Self {
        PendingEvals {
            entries: HashMap::new(),
            by_view: HashMap::new(),
            deadlines: BinaryHeap::new(),
        }
    }
}

impl<D> PendingEvals<D> {
    /// Evaluations still pending.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Adds evaluation `id` of WebView `view`, due by `deadline`. An id that is already
    /// pending is refused, and `done` handed back (ids are unique per process; this is a
    /// guard, not a path).
    pub(crate) fn register(
        &mut self,
        id: u64,
        view: u64,
        deadline: Instant,
        done: D,
    ) -> Result<(), D> {
        if self.entries.contains_key(&id) {
            return Err(done);
        }
        self.entries.insert(id, Entry { view, done });
        self.by_view.entry(view).or_default().insert(id);
        self.deadlines.push(Reverse((deadline, id)));
        Ok(())
    }

    fn take(&mut self, id: u64) -> Option<D> {
        let entry = self.entries.remove(&id)?;
        if let Some(ids) = self.by_view.get_mut(&entry.view) {
            ids.remove(&id);
            if ids.is_empty() {
                self.by_view.remove(&entry.view);
            }
        }
        Some(entry.done)
    }

    /// The result of `id` reported by WebView `view`: the entry, if it is pending and
    /// belongs to that WebView (another WebView's page cannot complete it).
    pub(crate) fn complete(&mut self, id: u64, view: u64) -> Option<D> {
        if self.entries.get(&id)?.view != view {
            return None;
        }
        self.take(id)
    }

    /// The entries among `ids` that are still pending.
    pub(crate) fn fail(&mut self, ids: impl IntoIterator<Item = u64>) -> Vec<D> {
        ids.into_iter().filter_map(|id| self.take(id)).collect()
    }

    /// Every entry of WebView `view`.
    pub(crate) fn close_view(&mut self, view: u64) -> Vec<D> {
        let ids = self.by_view.remove(&view).unwrap_or_default();
        ids.into_iter()
            .filter_map(|id| self.entries.remove(&id).map(|e| e.done))
            .collect()
    }

    /// Every entry whose deadline is at or before `now`.
    pub(crate) fn expire(&mut self, now: Instant) -> Vec<D> {
        let mut due = Vec::new();
        while let Some(&Reverse((when, id))) = self.deadlines.peek() {
            if when > now {
                break;
            }
            self.deadlines.pop();
            due.extend(self.take(id));
        }
        self.compact();
        due
    }

    /// The earliest deadline of a pending entry (or of one that ended and whose heap slot
    /// has not been dropped yet: waking early for it is harmless).
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.peek().map(|Reverse((when, _))| *when)
    }

    /// Drops heap slots of entries that already ended, so the heap stays small.
    fn compact(&mut self) {
        if self.deadlines.len() > 64 && self.deadlines.len() > 2 * self.entries.len() {
            let entries = &self.entries;
            self.deadlines
                .retain(|Reverse((_, id))| entries.contains_key(id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::time::Duration;

    #[derive(Debug, Clone)]
    enum Op {
        Register { view: u64, due_ms: u64 },
        Complete { id: u64, view: u64 },
        Fail { ids: Vec<u64> },
        Close { view: u64 },
        Expire { at_ms: u64 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0..4u64, 0..100u64).prop_map(|(view, due_ms)| Op::Register { view, due_ms }),
            2 => (0..40u64, 0..4u64).prop_map(|(id, view)| Op::Complete { id, view }),
            1 => proptest::collection::vec(0..40u64, 0..4).prop_map(|ids| Op::Fail { ids }),
            1 => (0..4u64).prop_map(|view| Op::Close { view }),
            1 => (0..120u64).prop_map(|at_ms| Op::Expire { at_ms }),
        ]
    }

    proptest! {
        /// Every registered evaluation comes out exactly once, by the first event that
        /// concerns it; a result from another WebView never completes it.
        #[test]
        fn every_entry_ends_exactly_once(ops in proptest::collection::vec(op(), 1..200)) {
            let t0 = Instant::now();
            let mut table: PendingEvals<u64> = PendingEvals::default();
            // The model: id -> (view, due), for entries still pending.
            let mut model: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
            let mut next_id = 0u64;
            let mut ended: Vec<u64> = Vec::new();
            for op in ops {
                match op {
                    Op::Register { view, due_ms } => {
                        let id = next_id;
                        next_id += 1;
                        let due = t0 + Duration::from_millis(due_ms);
                        prop_assert!(table.register(id, view, due, id).is_ok());
                        model.insert(id, (view, due_ms));
                    }
                    Op::Complete { id, view } => {
                        let got = table.complete(id, view);
                        let expect = model.get(&id).is_some_and(|(v, _)| *v == view);
                        prop_assert_eq!(got.is_some(), expect);
                        if expect {
                            model.remove(&id);
                            ended.extend(got);
                        }
                    }
                    Op::Fail { ids } => {
                        let mut got = table.fail(ids.iter().copied());
                        let mut expect: Vec<u64> = ids.iter().copied()
                            .filter(|id| model.remove(id).is_some()).collect();
                        got.sort_unstable();
                        expect.sort_unstable();
                        expect.dedup();
                        prop_assert_eq!(&got, &expect);
                        ended.extend(got);
                    }
                    Op::Close { view } => {
                        let mut got = table.close_view(view);
                        let mut expect: Vec<u64> = model.iter()
                            .filter(|(_, (v, _))| *v == view).map(|(id, _)| *id).collect();
                        for id in &expect { model.remove(id); }
                        got.sort_unstable();
                        expect.sort_unstable();
                        prop_assert_eq!(&got, &expect);
                        ended.extend(got);
                    }
                    Op::Expire { at_ms } => {
                        let mut got = table.expire(t0 + Duration::from_millis(at_ms));
                        let mut expect: Vec<u64> = model.iter()
                            .filter(|(_, (_, due))| *due <= at_ms).map(|(id, _)| *id).collect();
                        for id in &expect { model.remove(id); }
                        got.sort_unstable();
                        expect.sort_unstable();
                        prop_assert_eq!(&got, &expect);
                        ended.extend(got);
                    }
                }
                prop_assert_eq!(table.len(), model.len());
            }
            // Whatever is left ends now; then every id ended exactly once.
            ended.extend(table.expire(t0 + Duration::from_secs(3600)));
            ended.sort_unstable();
            let all: Vec<u64> = (0..next_id).collect();
            prop_assert_eq!(ended, all);
        }
    }

    #[test]
    fn a_duplicate_id_is_handed_back() {
        let mut table = PendingEvals::default();
        let t = Instant::now();
        assert!(table.register(1, 1, t, "a").is_ok());
        assert_eq!(table.register(1, 2, t, "b"), Err("b"));
        assert_eq!(table.complete(1, 2), None);
        assert_eq!(table.complete(1, 1), Some("a"));
    }
}
