//! Which WebViews share a web process. A new WebView of a profile that already has an open
//! WebView is built into that WebView's web process (WebKitGTK's related view) instead of
//! launching one of its own: launching is most of a panel's start-up (docs/benchmarks.md,
//! start-up), and each process holds its own copy of the engine's memory.
//!
//! Not shared: a WebView created with `own_process`, an incognito one (its ephemeral
//! context is its own), and one whose first page is an `http(s)` URL (a remote site does
//! not run in the process of local tool pages); nor does a new WebView join the process of
//! an open WebView showing such a page now (the engine keeps a page that goes to a web site
//! in the process it had). Only WebViews of the same profile share, since a related view must
//! be of its partner's web context.
//!
//! A process the engine found not responding (WebKit marks one that has not answered a page
//! load or input for a few seconds: a page stuck in a loop) is no partner, and closing any
//! WebView of it ends it: its other pages are stuck too, and each can reload into a new one.
//!
//! Otherwise closing a WebView ends its web process (a page stuck in a loop would keep a
//! CPU busy) unless another open WebView still uses it. Which do is known from the bridge's
//! socket: each web process has a connection of its own, and a page's posts say by which
//! one it came. Before a page has posted by an open connection (the socket turned off with
//! `AURORAVIEW_TRANSPORT=engine`; after a crash), the WebViews built into one process count
//! as sharing it; the error is then to keep a process, never to end another page's.
//!
//! What must not live here: building the WebView (`lifecycle.rs`), the engine calls
//! (`crate::platform`).

use super::view::View;
use super::UiState;
use crate::spec::WebViewSpec;
use std::path::PathBuf;

/// How a WebView may share its web process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ProcessTie {
    /// The WebViews built into one process have the same group: the id of the first.
    pub(super) group: u64,
    /// Its profile (`profiles::key`): only WebViews of the same one share.
    profile: Option<PathBuf>,
}

/// The profile a WebView of `spec` may share a web process within, or `None` when it must
/// have one of its own.
pub(super) fn shareable(spec: &WebViewSpec) -> Option<Option<PathBuf>> {
    if spec.own_process || spec.incognito || spec.url.as_deref().is_some_and(remote) {
        return None;
    }
    Some(super::profiles::key(spec))
}

/// A page of a web site (its process is no place for a tool page).
fn remote(url: &str) -> bool {
    matches!(super::scheme::scheme_of(url).as_str(), "http" | "https")
}

impl ProcessTie {
    /// The tie of a WebView of `spec` (id `id`) that starts a web process of its own (built
    /// from a spare): others may share it.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))] // (spares are Linux's)
    pub(super) fn first(spec: &WebViewSpec, id: u64) -> Option<ProcessTie> {
        shareable(spec).map(|profile| ProcessTie { group: id, profile })
    }
}

impl UiState {
    /// An open WebView whose web process a new WebView of `spec` (id `id`) may be built
    /// into, with the tie the new one gets; `None` for the engine's view: a process of its own.
    pub(super) fn process_partner(
        &self,
        spec: &WebViewSpec,
        id: u64,
    ) -> (Option<crate::platform::ProcessPartner>, Option<ProcessTie>) {
        let Some(profile) = shareable(spec) else {
            return (None, None);
        };
        // WebViews showing a web site now (one may have gone there after it was built: the
        // engine keeps it in the process it had). No partner may share their process.
        let browsing: Vec<&View> = self
            .views
            .values()
            .filter(|v| v.webview.url().is_ok_and(|url| remote(&url)))
            .collect();
        let partner = self
            .views
            .iter()
            .filter(|(_, v)| v.gone.is_none() && crate::platform::process_responsive(&v.webview))
            .filter(|(_, v)| v.process.as_ref().is_some_and(|t| t.profile == profile))
            .filter(|(_, v)| !browsing.iter().any(|b| same_process(v, b)))
            .max_by_key(|(view, _)| **view);
        match partner {
            Some((_, v)) => {
                let group = v.process.as_ref().map_or(id, |t| t.group);
                (
                    Some(crate::platform::process_partner(&v.webview)),
                    Some(ProcessTie { group, profile }),
                )
            }
            None => (None, Some(ProcessTie { group: id, profile })),
        }
    }

    /// Whether an open WebView other than `closing` (already out of `views`) still uses
    /// `closing`'s web process.
    pub(super) fn process_still_used(&self, closing: &View) -> bool {
        closing.process.is_some()
            && self
                .views
                .values()
                .any(|other| same_process(closing, other))
    }
}

/// Whether `a` and `b` (or `a` alone, if they are one) run in one web process: by their
/// socket connections when both pages posted by one that is still open, else by the process
/// they were built into (only WebViews that share at all have one). A connection that
/// closed (its process ended) says nothing of where the page is now.
fn same_process(a: &View, b: &View) -> bool {
    if std::ptr::eq(a, b) {
        return true;
    }
    let open = |seen: Option<crate::platform::Route>| {
        seen.filter(|route| crate::platform::writer(route.conn).is_some())
    };
    match (open(a.socket_seen), open(b.socket_seen)) {
        (Some(x), Some(y)) => x.conn == y.conn,
        _ => match (&a.process, &b.process) {
            (Some(x), Some(y)) => x.group == y.group,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(url: Option<&str>) -> WebViewSpec {
        WebViewSpec {
            url: url.map(Into::into),
            ..WebViewSpec::default()
        }
    }

    #[test]
    fn local_pages_share_within_their_profile() {
        for url in [
            None,
            Some("auroraview://localhost/index.html"),
            Some("file:///tmp/tool.html"),
            Some("about:blank"),
            Some("tool://panel/"),
        ] {
            assert_eq!(shareable(&spec(url)), Some(None), "{url:?}");
        }
        let mut other = spec(None);
        other.data_directory = Some("/tmp/auroraview-test-profile".into());
        assert_eq!(
            shareable(&other),
            Some(Some("/tmp/auroraview-test-profile".into()))
        );
    }

    #[test]
    fn own_process_incognito_and_web_sites_get_their_own() {
        let mut own = spec(None);
        own.own_process = true;
        let mut private = spec(None);
        private.incognito = true;
        assert_eq!(shareable(&own), None);
        assert_eq!(shareable(&private), None);
        for url in [
            "http://127.0.0.1:8000/",
            "https://example.com",
            "HTTPS://EXAMPLE.COM",
        ] {
            assert_eq!(shareable(&spec(Some(url))), None, "{url}");
        }
    }
}
