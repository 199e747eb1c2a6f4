//! [`PagePosts`]: what one WebView's page said that the UI thread has not handed on yet, in
//! the order it was said, and [`Arrivals`], which tells when a post must wait for a pass.
//!
//! Two stages wait here: posts not parsed yet (they arrived in a burst, or behind older
//! ones) and messages parsed but not handed on yet (a post's messages are handed on in
//! slices). Whatever waits is taken oldest first: every message of an older post before any
//! message of a newer one, a post's messages in the post's order.
//!
//! What must not live here: parsing, authentication, routing (`page.rs`); anything that
//! touches the WebView.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The next thing waiting: a message to hand on, or a post to parse first.
#[derive(Debug, PartialEq)]
pub(super) enum Next<P, M> {
    Message(M),
    Post(P),
}

/// One WebView's waiting posts (`P`: a post's text) and messages (`M`: a parsed message).
pub(super) struct PagePosts<P, M> {
    /// Posts not parsed yet, oldest first. All of them are newer than every message.
    posts: VecDeque<P>,
    /// Messages parsed and not handed on yet, oldest first.
    messages: VecDeque<M>,
}

impl<P, M> Default for PagePosts<P, M> {
    fn default() -> Self {
        PagePosts {
            posts: VecDeque::new(),
            messages: VecDeque::new(),
        }
    }
}

impl<P, M> PagePosts<P, M> {
    /// Nothing waits.
    pub(super) fn is_empty(&self) -> bool {
        self.posts.is_empty() && self.messages.is_empty()
    }

    /// Whether a post arriving now must wait rather than be parsed at once: when anything
    /// older still waits (it would overtake it), or when the UI thread's burst of arrivals
    /// has used its budget (`busy`).
    pub(super) fn must_wait(&self, busy: bool) -> bool {
        busy || !self.is_empty()
    }

    /// A post that waits, unparsed, behind everything that waits already.
    pub(super) fn wait(&mut self, post: P) {
        self.posts.push_back(post);
    }

    /// The messages of the post just parsed (the one [`next`](Self::next) returned, or one
    /// parsed on arrival while nothing waited).
    pub(super) fn parsed(&mut self, messages: impl IntoIterator<Item = M>) {
        debug_assert!(
            self.messages.is_empty(),
            "a post is parsed only once the messages before it are handed on"
        );
        self.messages.extend(messages);
    }

    /// Whether more posts wait unparsed than [`MAX_WAITING_POSTS`]: the page posts faster
    /// than the passes parse, and the UI thread must catch up now.
    pub(super) fn too_many_waiting(&self) -> bool {
        self.posts.len() > MAX_WAITING_POSTS
    }

    /// Whether the next thing waiting is a post to parse (callers check their budget first).
    pub(super) fn next_is_post(&self) -> bool {
        self.messages.is_empty() && !self.posts.is_empty()
    }

    /// Takes the oldest thing waiting.
    pub(super) fn next(&mut self) -> Option<Next<P, M>> {
        if let Some(message) = self.messages.pop_front() {
            return Some(Next::Message(message));
        }
        self.posts.pop_front().map(Next::Post)
    }

    /// Drops everything (its page is gone) but the unparsed posts `keep` says to: those
    /// that may be a newer page's (its order with the news that the page is gone is not
    /// kept: `page_docs.rs`), which are sorted when parsed.
    pub(super) fn clear_except(&mut self, keep: impl Fn(&P) -> bool) {
        self.posts.retain(keep);
        self.messages.clear();
    }
}

/// At most this many posts of a WebView wait unparsed (about 8 MiB of the bridge's posts):
/// past it, the UI thread parses them all at once, as it did each on arrival before posts
/// could wait, so a page that posts faster than the passes parse cannot grow the queue
/// without bound.
pub(super) const MAX_WAITING_POSTS: usize = 256;

/// How long the UI thread may spend on the page's posts in one go: one pass, or one burst
/// of arrivals.
pub(super) const POSTS_BUDGET: Duration = Duration::from_millis(1);

/// Arrivals closer than this belong to one burst (WebKit dispatching the posts that came
/// meanwhile one after another, without the thread getting back to its loop).
const BURST_GAP: Duration = Duration::from_micros(100);

/// The UI thread's bursts of post arrivals: a burst may parse for [`POSTS_BUDGET`]; after
/// that its posts wait for a pass, so the host's own events get their turn in between.
#[derive(Debug)]
pub(super) struct Arrivals {
    started: Instant,
    last_end: Instant,
}

impl Default for Arrivals {
    fn default() -> Self {
        let now = Instant::now();
        Arrivals {
            started: now,
            last_end: now,
        }
    }
}

impl Arrivals {
    /// Whether an arrival at `now` belongs to a burst that has used its budget (a new burst
    /// starts when the last arrival ended more than [`BURST_GAP`] ago).
    pub(super) fn busy(&mut self, now: Instant) -> bool {
        if now.saturating_duration_since(self.last_end) > BURST_GAP {
            self.started = now;
            return false;
        }
        now.saturating_duration_since(self.started) >= POSTS_BUDGET
    }

    /// The arrival being handled ended at `at`.
    pub(super) fn end(&mut self, at: Instant) {
        self.last_end = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const US: Duration = Duration::from_micros(1);

    #[test]
    fn clearing_keeps_the_posts_it_is_told_to_in_order_and_drops_every_message() {
        let mut q: PagePosts<u32, u32> = PagePosts::default();
        q.parsed([100, 101]);
        for post in 1..=5 {
            q.wait(post);
        }
        q.clear_except(|p| p % 2 == 1);
        let mut got = Vec::new();
        while let Some(next) = q.next() {
            match next {
                Next::Post(p) => got.push(p),
                Next::Message(m) => panic!("message {m} survived"),
            }
        }
        assert_eq!(got, [1, 3, 5]);
    }

    #[test]
    fn arrivals_far_apart_are_never_busy() {
        let mut a = Arrivals::default();
        let mut t = Instant::now() + Duration::from_secs(1);
        for _ in 0..100 {
            assert!(!a.busy(t));
            t += POSTS_BUDGET; // each takes the whole budget...
            a.end(t);
            t += BURST_GAP + US; // ...but the thread gets back to its loop in between
        }
    }

    #[test]
    fn a_burst_is_busy_once_it_has_used_the_budget_and_a_gap_ends_it() {
        let mut a = Arrivals::default();
        let mut t = Instant::now() + Duration::from_secs(1);
        let step = Duration::from_micros(300);
        let mut busy = Vec::new();
        for _ in 0..6 {
            busy.push(a.busy(t));
            t += step;
            a.end(t);
        }
        // 0, 300, 600, 900 us into the burst: within 1 ms; 1,200 and 1,500: busy.
        assert_eq!(busy, [false, false, false, false, true, true]);
        t += BURST_GAP + US;
        assert!(!a.busy(t), "a gap past BURST_GAP starts a new burst");
        a.end(t + US);
        assert!(!a.busy(t + 2 * US));
    }

    #[test]
    fn the_first_arrival_is_not_busy() {
        let mut a = Arrivals::default();
        assert!(!a.busy(Instant::now()));
        assert!(!a.busy(Instant::now() + Duration::from_secs(1)));
    }

    /// What the UI thread does, as the property test drives it.
    #[derive(Debug, Clone)]
    enum Step {
        /// A post of `n` messages arrives; `busy`: the burst has used its budget.
        Arrive { n: u8, busy: bool },
        /// A pass hands on up to `k` things (messages, or posts parsed on the way).
        Pass { k: u8 },
        /// The page is gone.
        Clear,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0u8..5, any::<bool>()).prop_map(|(n, busy)| Step::Arrive { n, busy }),
            (0u8..12).prop_map(|k| Step::Pass { k }),
            Just(Step::Clear),
        ]
    }

    /// "post:index" messages, the way page.rs parses a post into its messages.
    fn parse(post: &str) -> Vec<(u32, u8)> {
        let (id, n) = post.split_once(':').expect("test post");
        let (id, n): (u32, u8) = (id.parse().expect("id"), n.parse().expect("n"));
        (0..n).map(|i| (id, i)).collect()
    }

    /// Takes up to `k` things, parsing posts on the way, as a pass does.
    fn drain(q: &mut PagePosts<String, (u32, u8)>, handed: &mut Vec<(u32, u8)>, k: usize) {
        for _ in 0..k {
            match q.next() {
                Some(Next::Message(m)) => handed.push(m),
                Some(Next::Post(p)) => q.parsed(parse(&p)),
                None => break,
            }
        }
    }

    #[test]
    fn too_many_waiting_posts_is_past_the_bound() {
        let mut q: PagePosts<String, u8> = PagePosts::default();
        for i in 0..MAX_WAITING_POSTS {
            q.wait(i.to_string());
            assert!(!q.too_many_waiting());
        }
        q.wait("one more".into());
        assert!(q.too_many_waiting());
        assert_eq!(q.next(), Some(Next::Post("0".into())), "oldest first");
        assert!(!q.too_many_waiting());
    }

    proptest! {
        /// Whatever the interleaving of arrivals, busy bursts and passes, messages are handed
        /// on in the order the page said them (post by post, each post's in order), none
        /// twice, and every one not cleared away is handed on once the passes catch up.
        #[test]
        fn messages_are_handed_on_in_the_order_the_page_said_them(
            steps in prop::collection::vec(step(), 0..80)
        ) {
            let mut q: PagePosts<String, (u32, u8)> = PagePosts::default();
            let mut said: Vec<(u32, u8)> = Vec::new();
            let mut handed: Vec<(u32, u8)> = Vec::new();
            let mut next_id = 0u32;
            for s in steps {
                match s {
                    Step::Arrive { n, busy } => {
                        let post = format!("{next_id}:{n}");
                        said.extend(parse(&post));
                        next_id += 1;
                        if q.must_wait(busy) {
                            q.wait(post);
                        } else {
                            q.parsed(parse(&post));
                        }
                    }
                    Step::Pass { k } => drain(&mut q, &mut handed, k as usize),
                    Step::Clear => {
                        q.clear_except(|_| false);
                        // Whatever was said and not handed on is gone with the page.
                        said.retain(|m| handed.contains(m));
                    }
                }
            }
            drain(&mut q, &mut handed, usize::MAX);
            prop_assert!(q.is_empty());
            prop_assert_eq!(&handed, &said, "handed on in the order said, each once");
        }
    }
}
