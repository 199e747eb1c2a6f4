//! Which pages may talk to the host: the bridge's origin rules.
//!
//! Trusted is only what the application itself loaded or allowed:
//! - the origins of URLs it loaded (`url=` or `load_url`; once loaded, an origin stays
//!   trusted) and those it listed in `allowed_origins`;
//! - local files, once it loaded a `file:` URL;
//! - inline HTML and blank pages (`about:blank`), once it loaded inline HTML or a blank page;
//! - a `data:` URL, while the WebView shows exactly one it loaded itself.
//!
//! A page from anywhere else (one the user reached by a link, a `data:` or `about:blank`
//! page it navigated to) keeps running but its messages are dropped (and logged once), so it
//! effectively has no bridge. The sender's URL is the one its own bridge reports (read
//! through a getter captured before any page script ran, see `bridge.js`), so a page cannot
//! borrow a trusted page's origin while the WebView navigates between them. Sub-frames never
//! get the bridge at all (main-frame-only injection plus the per-WebView token).

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The origin of `url` as `scheme://host[:port]`; `"null"` for opaque URLs (`about:`,
/// `data:`, anything without an authority).
pub fn origin_of(url: &str) -> String {
    let url = url.trim();
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

fn scheme_of(url: &str) -> String {
    url.trim()
        .split_once(':')
        .map(|(scheme, _)| scheme.to_ascii_lowercase())
        .unwrap_or_default()
}

fn fingerprint(url: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    url.hash(&mut hasher);
    hasher.finish()
}

#[derive(Debug, Default, Clone)]
pub(crate) struct OriginPolicy {
    /// Origins (`scheme://host[:port]`) allowed or loaded by the application.
    origins: HashSet<String>,
    /// The application loaded inline HTML or a blank page: `about:blank` is its page.
    inline: bool,
    /// The application loaded a local file.
    files: bool,
    /// Fingerprints of the `data:` URLs the application loaded.
    data_urls: HashSet<u64>,
}

impl OriginPolicy {
    pub(crate) fn new(explicit: &[String]) -> Self {
        let mut policy = OriginPolicy::default();
        for origin in explicit {
            let origin = origin_of(origin);
            if origin != "null" {
                policy.origins.insert(origin);
            }
        }
        policy
    }

    /// The application loads `url` itself: what it names becomes trusted.
    pub(crate) fn trust_url(&mut self, url: &str) {
        match scheme_of(url).as_str() {
            "data" => {
                self.data_urls.insert(fingerprint(url.trim()));
            }
            "about" => self.inline = true,
            "file" => self.files = true,
            _ => {
                let origin = origin_of(url);
                if origin != "null" {
                    self.origins.insert(origin);
                }
            }
        }
    }

    /// The application loads inline HTML (or a blank page) itself.
    pub(crate) fn trust_inline(&mut self) {
        self.inline = true;
    }

    /// True if a message from the document at `sender` (as its bridge reports it) may be
    /// heard, while the WebView shows `current`.
    pub(crate) fn allows(&self, sender: &str, current: &str) -> bool {
        match scheme_of(sender).as_str() {
            "about" => self.inline && sender.trim().starts_with("about:blank"),
            "data" => {
                scheme_of(current) == "data"
                    && self.data_urls.contains(&fingerprint(current.trim()))
            }
            "file" => self.files,
            _ => {
                let origin = origin_of(sender);
                origin != "null" && self.origins.contains(&origin)
            }
        }
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
        assert_eq!(origin_of("data:text/html,hi"), "null");
        assert_eq!(origin_of(""), "null");
        assert_eq!(origin_of("file:///tmp/x.html"), "file://");
        assert_eq!(
            origin_of("auroraview://localhost/index.html"),
            "auroraview://localhost"
        );
    }

    #[test]
    fn only_what_the_application_loaded_or_allowed() {
        let mut p = OriginPolicy::new(&["https://tools.studio.local".into()]);
        assert!(p.allows("https://tools.studio.local/panel", ""));
        assert!(!p.allows("https://evil.example/", ""));
        assert!(!p.allows("http://tools.studio.local/", "")); // scheme matters
                                                              // Nothing opaque or local until the application loads such a page itself.
        assert!(!p.allows("about:blank", "about:blank"));
        assert!(!p.allows("file:///srv/panel/index.html", ""));
        assert!(!p.allows("data:text/html,x", "data:text/html,x"));
        p.trust_url("http://127.0.0.1:8000/index.html");
        assert!(p.allows("http://127.0.0.1:8000/other", ""));
        assert!(!p.allows("http://127.0.0.1:8001/", ""));
        p.trust_inline();
        assert!(p.allows("about:blank", "about:blank"));
        assert!(!p.allows("about:srcdoc", "about:blank"));
        p.trust_url("file:///srv/panel/index.html");
        assert!(p.allows("file:///srv/panel/other.html", ""));
        p.trust_url("data:text/html,<p>ours</p>");
        assert!(p.allows("data:text/html,<p>ours</p>", "data:text/html,<p>ours</p>"));
        // Another data: page (the page navigated there itself) is not the application's.
        assert!(!p.allows(
            "data:text/html,<p>theirs</p>",
            "data:text/html,<p>theirs</p>"
        ));
        // An untrusted sender is judged by its own URL, not by the one the WebView shows.
        assert!(!p.allows("https://evil.example/", "http://127.0.0.1:8000/index.html"));
        assert!(!p.allows("", "http://127.0.0.1:8000/index.html"));
    }
}
