//! A limit on the warnings one page can cause (malformed or unauthenticated IPC messages,
//! its script errors), so that a broken or hostile page cannot flood the host's log.
//!
//! Per WebView: at most [`MAX_PER_WINDOW`] such warnings per [`WINDOW`], a window opening
//! with the first warning after the previous one ended (fixed windows: up to twice the
//! limit can be logged close together, across a window's end); the rest are counted, and
//! the count is reported with the next warning logged (or when the WebView closes). Nothing here touches the page or the messages themselves: they are ignored
//! either way; only the logging is limited. Plain data, UI thread only.

use std::time::{Duration, Instant};

/// Warnings logged per WebView per [`WINDOW`].
pub(crate) const MAX_PER_WINDOW: u32 = 20;
/// The length of one counting window.
pub(crate) const WINDOW: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
pub(crate) struct NoiseLimit {
    window_start: Option<Instant>,
    logged: u32,
    suppressed: u64,
}

impl NoiseLimit {
    /// One more warning at `now`: `Some(n)` says log it, after reporting the `n` (maybe 0)
    /// warnings suppressed since the last one logged; `None` says suppress it (counted).
    pub(crate) fn admit(&mut self, now: Instant) -> Option<u64> {
        let expired = self
            .window_start
            .is_none_or(|start| now.saturating_duration_since(start) >= WINDOW);
        if expired {
            self.window_start = Some(now);
            self.logged = 0;
        }
        if self.logged < MAX_PER_WINDOW {
            self.logged += 1;
            Some(std::mem::take(&mut self.suppressed))
        } else {
            self.suppressed += 1;
            None
        }
    }

    /// The warnings suppressed and not reported yet (reset to 0).
    pub(crate) fn take_suppressed(&mut self) -> u64 {
        std::mem::take(&mut self.suppressed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_up_to_the_limit_then_counts() {
        let mut limit = NoiseLimit::default();
        let t0 = Instant::now();
        for _ in 0..MAX_PER_WINDOW {
            assert_eq!(limit.admit(t0), Some(0));
        }
        for _ in 0..5 {
            assert_eq!(limit.admit(t0 + WINDOW / 2), None);
        }
        assert_eq!(limit.take_suppressed(), 5);
        assert_eq!(limit.take_suppressed(), 0);
    }

    #[test]
    fn a_new_window_logs_again_and_reports_what_was_suppressed() {
        let mut limit = NoiseLimit::default();
        let t0 = Instant::now();
        for _ in 0..MAX_PER_WINDOW + 7 {
            limit.admit(t0);
        }
        // Just before the window ends: still suppressed.
        assert_eq!(limit.admit(t0 + WINDOW - Duration::from_millis(1)), None);
        assert_eq!(limit.admit(t0 + WINDOW), Some(8));
        assert_eq!(limit.admit(t0 + WINDOW), Some(0));
        assert_eq!(limit.take_suppressed(), 0);
    }

    #[test]
    fn a_clock_that_goes_backwards_does_not_reopen_the_window() {
        let mut limit = NoiseLimit::default();
        let t1 = Instant::now() + WINDOW;
        for _ in 0..MAX_PER_WINDOW {
            limit.admit(t1);
        }
        assert_eq!(limit.admit(t1 - Duration::from_secs(1)), None);
    }
}
