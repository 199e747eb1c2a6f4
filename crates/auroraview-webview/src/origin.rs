//! Which pages may talk to the host: the bridge's origin rules.
//!
//! Allowed: inline HTML and blank pages (origin "null"), local files, the origins of URLs the
//! application itself loaded (`url=` or `load_url`), and origins it explicitly allowed. A page
//! from any other origin keeps running but its IPC messages are dropped (and logged once), so
//! it effectively has no bridge. Sub-frames never get the bridge at all (main-frame-only
//! injection plus the per-WebView token).

use std::collections::HashSet;

/// The origin of `url` as `scheme://host[:port]`; `"null"` for blank/inline pages.
pub fn origin_of(url: &str) -> String {
    let url = url.trim();
    if url.is_empty() || url.starts_with("about:") || url.starts_with("data:") {
        return "null".into();
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return "null".into();
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme == "file" {
        return "file://".into();
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority
        .rsplit('@')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    format!("{scheme}://{host}")
}

#[derive(Debug, Default, Clone)]
pub(crate) struct OriginPolicy {
    allowed: HashSet<String>,
}

impl OriginPolicy {
    pub(crate) fn new(explicit: &[String]) -> Self {
        let mut policy = OriginPolicy::default();
        for origin in explicit {
            policy.allowed.insert(origin_of(origin));
        }
        policy
    }

    /// The application loads `url` itself: its origin becomes trusted.
    pub(crate) fn trust_url(&mut self, url: &str) {
        let origin = origin_of(url);
        if origin != "null" {
            self.allowed.insert(origin);
        }
    }

    pub(crate) fn allows(&self, page_url: &str) -> bool {
        let origin = origin_of(page_url);
        origin == "null" || origin == "file://" || self.allowed.contains(&origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://Example.com:8443/a?b#c"),
            "https://example.com:8443"
        );
        assert_eq!(origin_of("http://user@host/x"), "http://host");
        assert_eq!(origin_of("about:blank"), "null");
        assert_eq!(origin_of(""), "null");
        assert_eq!(origin_of("file:///tmp/x.html"), "file://");
    }

    #[test]
    fn policy() {
        let mut p = OriginPolicy::new(&["https://tools.studio.local".into()]);
        assert!(p.allows("about:blank"));
        assert!(p.allows("file:///srv/panel/index.html"));
        assert!(p.allows("https://tools.studio.local/panel"));
        assert!(!p.allows("https://evil.example/"));
        assert!(!p.allows("http://tools.studio.local/")); // scheme matters
        p.trust_url("http://127.0.0.1:8000/index.html");
        assert!(p.allows("http://127.0.0.1:8000/other"));
        assert!(!p.allows("http://127.0.0.1:8001/"));
    }
}
