//! [`WebViewSpec`]: everything needed to open one WebView, as plain data.

/// What to open. Exactly one of `url` / `html` is normally set (neither: a blank page).
#[derive(Debug, Clone)]
pub struct WebViewSpec {
    pub title: String,
    pub url: Option<String>,
    pub html: Option<String>,
    pub width: u32,
    pub height: u32,
    pub resizable: bool,
    /// Show the window as soon as it is created (otherwise call `show` later).
    pub visible: bool,
    /// Enables the web inspector.
    pub debug: bool,
    /// Origins (`https://example.com`) whose pages may use the bridge, besides inline HTML,
    /// local files and the origins of URLs the application loads itself.
    pub allowed_origins: Vec<String>,
    /// Embed in this native window instead of opening a top-level one: what a Qt widget's
    /// `winId()` returns with `WA_NativeWindow` (an X11 window id on Linux, an HWND on
    /// Windows, an `NSView*` on macOS). The WebView then fills
    /// `width` x `height` at the parent's origin until `set_bounds` says otherwise.
    pub parent: Option<u64>,
    /// Serve this folder at `auroraview://localhost/` (canonical path; see
    /// `crate::scheme::assets`).
    pub asset_root: Option<std::path::PathBuf>,
    /// Schemes whose requests go to the sink's `on_protocol` from the start (more can be
    /// added with `WebViewProxy::register_scheme`).
    pub schemes: Vec<String>,
    /// Benchmark baseline only: deliver page operations one script evaluation each, as a
    /// naive bridge would, instead of one evaluation per burst.
    pub naive_delivery: bool,
}

impl Default for WebViewSpec {
    fn default() -> Self {
        WebViewSpec {
            title: "auroraview".into(),
            url: None,
            html: None,
            width: 800,
            height: 600,
            resizable: true,
            visible: true,
            debug: false,
            allowed_origins: Vec::new(),
            parent: None,
            asset_root: None,
            schemes: Vec::new(),
            naive_delivery: false,
        }
    }
}
