//! Which document of a WebView a post is from, when posts come two ways whose order with each
//! other is not kept: the engine's message handler, in order with the engine's navigation
//! events (a new document's load starts before anything it posts), and the bridge's socket
//! (Linux, `platform/transport_linux.rs`), which a new document's posts can take before the
//! engine has said that the document started (a navigation to another web process does so
//! routinely), and an old document's posts after.
//!
//! The rule: each document's bridge has a random id (`"d"`), and its first post announces it
//! the engine's way. Only the engine's way makes a document current. A socket post is taken
//! when it is from the current document, dropped when it is from one that is no longer
//! current (as the engine's way drops what an old page said once a new one starts), and
//! otherwise waits here, in order, for its document's announcement (bounded). So whatever
//! the socket does, a post is handled after its document's start and never after the next
//! one's, and in the order its page sent it.
//!
//! What must not live here: parsing or judging a post (`page.rs`).

use crate::platform::Route;
use auroraview_core::ipc::Post;
use std::collections::VecDeque;

/// Most bytes of posts that may wait for their document's announcement...
const MAX_EARLY_BYTES: usize = 64 * 1024 * 1024;
/// ... and how many documents that are no longer current are remembered.
const OLD_DOCS: usize = 16;

#[derive(Default)]
pub(super) struct Docs {
    current: Option<String>,
    old: VecDeque<String>,
    early: VecDeque<(Post, Route, usize)>,
    early_bytes: usize,
}

/// What to do with a post now.
pub(super) enum Sorted {
    /// Take these, in order (the post, then any that waited for its announcement).
    Take(Vec<(Post, Option<Route>)>),
    /// From a document that is no longer current: dropped.
    Stale,
    /// Waits for its document's announcement.
    Waits,
    /// The bridge's socket sent a post that says no document, or too much waits already.
    Refused(&'static str),
}

impl Docs {
    /// The engine says a new document is starting (or the page's process ended): what the
    /// current one posts from now on is stale.
    pub(super) fn document_started(&mut self) {
        if let Some(doc) = self.current.take() {
            self.retire(doc);
        }
    }

    fn retire(&mut self, doc: String) {
        if self.old.len() == OLD_DOCS {
            self.old.pop_front();
        }
        self.old.push_back(doc);
    }

    /// Sorts an authenticated post of `weight` bytes that came by `route` (`None`: the
    /// engine's way).
    pub(super) fn sort(&mut self, post: Post, route: Option<Route>, weight: usize) -> Sorted {
        let Some(route) = route else {
            return Sorted::Take(self.announced(post));
        };
        match post.doc.as_deref() {
            None => Sorted::Refused("a post by the bridge's socket that names no document"),
            Some(doc) if self.current.as_deref() == Some(doc) => {
                Sorted::Take(vec![(post, Some(route))])
            }
            Some(doc) if self.old.iter().any(|old| old == doc) => Sorted::Stale,
            Some(_) if self.early_bytes + weight > MAX_EARLY_BYTES => {
                Sorted::Refused("more posts than allowed wait for their document to be announced")
            }
            Some(_) => {
                self.early_bytes += weight;
                self.early.push_back((post, route, weight));
                Sorted::Waits
            }
        }
    }

    /// A post the engine's way: its document (if it says one) is current now; then the posts
    /// that waited for it, in order. Waiting posts of documents no longer current go.
    fn announced(&mut self, post: Post) -> Vec<(Post, Option<Route>)> {
        if let Some(doc) = &post.doc {
            if self.current.as_ref() != Some(doc) {
                if let Some(previous) = self.current.take() {
                    self.retire(previous);
                }
                self.old.retain(|old| old != doc);
                self.current = Some(doc.clone());
            }
        }
        let mut out = vec![(post, None)];
        if self.early.is_empty() {
            return out;
        }
        let current = self.current.clone();
        let mut kept = VecDeque::new();
        for (early, route, weight) in std::mem::take(&mut self.early) {
            if early.doc == current {
                self.early_bytes -= weight;
                out.push((early, Some(route)));
            } else if self.old.iter().any(|old| Some(old) == early.doc.as_ref()) {
                self.early_bytes -= weight;
            } else {
                kept.push_back((early, route, weight));
            }
        }
        self.early = kept;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(doc: &str, n: usize) -> Post {
        Post {
            url: n.to_string(),
            doc: Some(doc.to_string()),
            messages: Vec::new(),
        }
    }

    const SOCKET: Option<Route> = Some(Route { conn: 1, page: 1 });

    fn taken(sorted: Sorted) -> Vec<String> {
        match sorted {
            Sorted::Take(posts) => posts.into_iter().map(|(p, _)| p.url).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_new_documents_socket_posts_wait_for_its_announcement_in_order() {
        let mut docs = Docs::default();
        assert!(taken(docs.sort(post("a", 0), None, 1)) == ["0"]);
        assert!(taken(docs.sort(post("a", 1), SOCKET, 1)) == ["1"]);
        // The engine says b starts; b's socket posts overtook its announcement.
        assert!(matches!(docs.sort(post("b", 3), SOCKET, 1), Sorted::Waits));
        docs.document_started();
        assert!(matches!(docs.sort(post("b", 4), SOCKET, 1), Sorted::Waits));
        // a's late post is dropped; b's announcement brings b's posts, in order.
        assert!(matches!(docs.sort(post("a", 9), SOCKET, 1), Sorted::Stale));
        assert!(taken(docs.sort(post("b", 2), None, 1)) == ["2", "3", "4"]);
        assert!(taken(docs.sort(post("b", 5), SOCKET, 1)) == ["5"]);
        assert_eq!(docs.early_bytes, 0);
    }

    #[test]
    fn a_restored_document_is_current_again_once_it_announces_itself() {
        let mut docs = Docs::default();
        docs.sort(post("a", 0), None, 1);
        docs.document_started();
        docs.sort(post("b", 1), None, 1);
        docs.document_started();
        assert!(matches!(docs.sort(post("a", 2), SOCKET, 1), Sorted::Stale));
        assert!(taken(docs.sort(post("a", 3), None, 1)) == ["3"]);
        assert!(taken(docs.sort(post("a", 4), SOCKET, 1)) == ["4"]);
        assert!(matches!(docs.sort(post("b", 5), SOCKET, 1), Sorted::Stale));
    }

    #[test]
    fn what_waits_is_bounded() {
        let mut docs = Docs::default();
        assert!(matches!(
            docs.sort(post("x", 0), SOCKET, MAX_EARLY_BYTES),
            Sorted::Waits
        ));
        assert!(matches!(
            docs.sort(post("x", 1), SOCKET, 1),
            Sorted::Refused(_)
        ));
        let mut nameless = post("x", 2);
        nameless.doc = None;
        assert!(matches!(docs.sort(nameless, SOCKET, 1), Sorted::Refused(_)));
    }
}
