//! Where a WebView's start-up time goes, logged at debug level (target
//! `auroraview_webview::ui::startup`): how long its creation request waited for the UI thread,
//! how long building it took (web context, window, engine), and when its first page started
//! loading, ran the bridge (`init`: the web process is up and the document exists) and said
//! `ready`, each counted from the moment the request was queued. `benches/bench_startup.py`
//! reads these lines for its breakdown; they cost one `Instant` per stage and nothing when
//! debug logging is off.
//!
//! What must not live here: deciding anything. These are observations only.

use std::time::{Duration, Instant};

/// The first page's stages of one WebView, until its bridge said `ready`.
pub(super) struct StartupClock {
    queued: Instant,
    load_started: bool,
    init: bool,
}

impl StartupClock {
    /// For a WebView whose creation was requested at `queued`.
    pub(super) fn new(queued: Instant) -> Self {
        StartupClock {
            queued,
            load_started: false,
            init: false,
        }
    }

    /// The first page load started (later ones are not start-up).
    pub(super) fn load_started(&mut self, view: u64) {
        if !std::mem::replace(&mut self.load_started, true) {
            stage(view, "load started", self.queued);
        }
    }

    /// The bridge's first `init`: its script ran in the web process.
    pub(super) fn init(&mut self, view: u64) {
        if !std::mem::replace(&mut self.init, true) {
            stage(view, "bridge init", self.queued);
        }
    }

    /// The bridge's first `ready`: the end of start-up (the clock is dropped after this).
    pub(super) fn ready(&self, view: u64) {
        stage(view, "bridge ready", self.queued);
    }
}

/// Building took this long, in these parts.
pub(super) struct BuildTimes {
    pub(super) queued: Instant,
    pub(super) started: Instant,
    pub(super) context: Duration,
    pub(super) window: Duration,
    pub(super) engine: Duration,
}

impl BuildTimes {
    pub(super) fn log(&self, view: u64, spare: bool) {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        log::debug!(
            "auroraview: WebView {view} start-up: built at {:.1} ms (waited {:.1} ms for the UI \
             thread; web context {:.1} ms, window {:.1} ms, engine {:.1} ms{})",
            ms(self.queued.elapsed()),
            ms(self.started.saturating_duration_since(self.queued)),
            ms(self.context),
            ms(self.window),
            ms(self.engine),
            if spare { ", the spare WebView" } else { "" }
        );
    }
}

fn stage(view: u64, what: &str, queued: Instant) {
    log::debug!(
        "auroraview: WebView {view} start-up: {what} at {:.1} ms",
        queued.elapsed().as_secs_f64() * 1e3
    );
}
