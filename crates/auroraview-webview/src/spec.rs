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
    /// OS file drops are taken from the page and reported as a `file_drop` window event
    /// (absolute paths and position), to the sink and the page; the page gets no HTML5 drop.
    pub capture_file_drop: bool,
    /// Where the WebView keeps its browser data (localStorage, IndexedDB, cookies, caches).
    /// WebViews with the same directory share one profile; `None` is the engine's default.
    pub data_directory: Option<std::path::PathBuf>,
    /// Keep no browser data at all (an ephemeral profile); wins over `data_directory`.
    pub incognito: bool,
    /// A web process of its own, never shared with another WebView of its profile (see
    /// `ui/processes.rs`; Linux: elsewhere the engine places pages itself).
    pub own_process: bool,
    /// Forward the page's `console.*` calls to the sink as `console` events.
    pub forward_console: bool,
    /// Options of a top-level window (ignored, with a warning, for an embedded WebView).
    pub window: WindowOptions,
}

/// How a top-level window looks and behaves. Platform notes: docs/webview.md.
#[derive(Debug, Clone, Default)]
pub struct WindowOptions {
    /// No title bar or borders (the window manager's decorations are turned off).
    pub frameless: bool,
    /// Kept above other windows (a hint to the window manager).
    pub always_on_top: bool,
    /// Initial position of the window's top-left corner, in screen pixels.
    pub position: Option<(i32, i32)>,
    pub min_size: Option<(u32, u32)>,
    pub max_size: Option<(u32, u32)>,
    /// An image file (PNG, ...) shown as the window's icon.
    pub icon: Option<std::path::PathBuf>,
    /// Starts maximised (a request to the window manager).
    pub maximized: bool,
    /// A transparent window and page background where the platform composites it.
    pub transparent: bool,
}

impl WindowOptions {
    /// True if any option differs from a plain window.
    pub fn any(&self) -> bool {
        self.frameless
            || self.always_on_top
            || self.position.is_some()
            || self.min_size.is_some()
            || self.max_size.is_some()
            || self.icon.is_some()
            || self.maximized
            || self.transparent
    }
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
            capture_file_drop: false,
            data_directory: None,
            incognito: false,
            own_process: false,
            forward_console: false,
            window: WindowOptions::default(),
        }
    }
}
