//! Pre-warming, on the UI thread: `prewarm` makes the default profile's web context now, and,
//! when asked, keeps spare WebViews (one by default) whose web process already runs (Linux), handed to the
//! next WebView whose spec it can serve. Launching a web process is most of a new panel's
//! start-up (docs/benchmarks.md, start-up), so a panel that gets the spare skips it.
//!
//! The spare carries nothing of any view: it is built without a bridge, token, handlers or
//! window settings, and gets the new view's own when it is handed out (see
//! `platform/spare_linux.rs`). Only specs it can serve as built get it: a top-level window in
//! the default profile, without inspector, file-drop capture or transparency (each of those
//! is set when a WebView is built); every other WebView is built as before. A new spare is
//! built only while no WebView is starting, so it never competes with a panel's start-up.
//!
//! What must not live here: the platform's spare itself (`platform/spare_linux.rs`), building
//! an ordinary WebView (`lifecycle.rs`).

use super::UiState;
#[cfg(target_os = "linux")]
use {super::startup::BuildTimes, crate::spec::WebViewSpec, std::time::Instant};

#[cfg(target_os = "linux")]
type SpareView = crate::platform::spare_linux::SpareView;
/// No spare WebViews on this platform yet: prewarming makes the web context only.
#[cfg(not(target_os = "linux"))]
enum SpareView {}

/// How long after the last WebView's page became ready a new spare is built: a panel opened
/// right after another does not share the machine with a spare's web process launching.
#[cfg(target_os = "linux")]
const SPARE_DELAY: std::time::Duration = std::time::Duration::from_millis(500);

/// The spare WebViews wanted and built (none are built off Linux).
#[derive(Default)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(super) struct Spares {
    /// How many `prewarm(spares=N)` asked to keep.
    wanted: usize,
    spares: Vec<SpareView>,
    /// When a new spare may be built (`None`: a WebView is starting, or none was due yet).
    #[cfg(target_os = "linux")]
    due: Option<Instant>,
    /// A timer will run a pass when `due` comes.
    #[cfg(target_os = "linux")]
    timer: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Spares {
    /// Whether a spare ready now could serve `spec` as it was built.
    #[cfg(target_os = "linux")]
    fn serves(spec: &WebViewSpec) -> bool {
        spec.parent.is_none()
            && !spec.incognito
            && !spec.debug
            && !spec.capture_file_drop
            && !spec.window.transparent
            && super::profiles::key(spec).is_none()
    }
}

impl UiState {
    /// `prewarm`: the default web context now; `spares` spare WebViews kept from now on
    /// (extra ones are ended; 0 keeps none).
    pub(super) fn prewarm(&mut self, spares: usize) {
        self.profiles.default_context();
        self.spares.wanted = spares;
        #[cfg(target_os = "linux")]
        {
            self.spares.due = Some(Instant::now());
            while self.spares.spares.len() > spares {
                if let Some(spare) = self.spares.spares.pop() {
                    spare.discard();
                }
            }
        }
        self.spare_tick();
    }

    /// Builds a spare when fewer are alive than wanted, the others have settled (one web
    /// process launches at a time), no WebView is starting (its page not ready yet) and
    /// [`SPARE_DELAY`] has passed since one was: called at the end of each pass and event.
    pub(super) fn spare_tick(&mut self) {
        #[cfg(target_os = "linux")]
        {
            let spares = &mut self.spares;
            if spares.spares.iter().any(|s| !s.alive()) {
                let (alive, dead): (Vec<_>, Vec<_>) =
                    spares.spares.drain(..).partition(SpareView::alive);
                spares.spares = alive;
                dead.into_iter().for_each(SpareView::discard);
            }
            if spares.spares.len() >= spares.wanted || spares.spares.iter().any(|s| !s.usable()) {
                return;
            }
            if self.views.values().any(|v| v.startup.is_some()) {
                self.spares.due = None;
                return;
            }
            if !self.spare_due() {
                return;
            }
            self.build_spare();
        }
    }

    /// True once a new spare may be built; else a pass is asked for when it may.
    #[cfg(target_os = "linux")]
    fn spare_due(&mut self) -> bool {
        use std::sync::atomic::Ordering;
        let due = *self
            .spares
            .due
            .get_or_insert_with(|| Instant::now() + SPARE_DELAY);
        let wait = due.saturating_duration_since(Instant::now());
        if wait.is_zero() {
            return true;
        }
        if !self.spares.timer.swap(true, Ordering::AcqRel) {
            let timer = self.spares.timer.clone();
            let done = move || timer.store(false, Ordering::Release);
            crate::platform::spare_linux::pass_after(wait, done);
        }
        false
    }

    #[cfg(target_os = "linux")]
    fn build_spare(&mut self) {
        let started = Instant::now();
        let ready = self.rt.spares_ready.clone();
        match crate::platform::spare_linux::build(self.profiles.default_context(), ready) {
            Ok(spare) => {
                self.schemes.adopt_context(spare.webview());
                self.profiles.mark_default_adopted();
                self.spares.spares.push(spare);
                log::debug!(
                    "auroraview: start-up: a spare WebView was built in {:.1} ms",
                    started.elapsed().as_secs_f64() * 1e3
                );
            }
            Err(err) => {
                // Not wanted again until the next prewarm(): it would fail the same way.
                self.spares.wanted = 0;
                log::warn!("auroraview: cannot keep a spare WebView: {err}");
            }
        }
    }

    /// The spare, if it is ready and can serve `spec` (it is no longer the spare then).
    #[cfg(target_os = "linux")]
    pub(super) fn take_spare(&mut self, spec: &WebViewSpec) -> Option<SpareView> {
        if !Spares::serves(spec) {
            return None;
        }
        let ready = self.spares.spares.iter().position(SpareView::usable)?;
        Some(self.spares.spares.remove(ready))
    }

    /// Builds WebView `id` of `spec` from the spare: the new view's own bridge (a new
    /// token), handlers and window settings, then its page.
    #[cfg(target_os = "linux")]
    pub(super) fn adopt_spare(
        &mut self,
        spare: SpareView,
        spec: &WebViewSpec,
        id: u64,
        queued: Instant,
    ) -> super::lifecycle::Engine {
        use crate::platform;
        let started = Instant::now();
        self.rt
            .spares_used
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        let token = super::view::new_token();
        let mut policy = crate::origin::OriginPolicy::new(&spec.allowed_origins);
        let bridge = crate::bridge::script(&token, spec.forward_console);
        let (on_load, on_title) = super::lifecycle::page_handlers(id);
        let (window, webview) = spare.adopt(spec, id, &bridge, on_load, on_title);
        self.schemes.adopt_context(&webview);
        for scheme in &spec.schemes {
            self.schemes.ensure(scheme);
        }
        platform::connect_ipc(&webview, id);
        platform::watch_web_process(&webview, id);
        platform::desk::watch_policy(&webview, id);
        let loaded = match &spec.url {
            Some(url) => {
                policy.trust_url(url);
                webview.load_url(url)
            }
            None => {
                policy.trust_inline();
                webview.load_html(spec.html.as_deref().unwrap_or_default())
            }
        };
        if let Err(err) = loaded {
            log::error!("auroraview: WebView {id} cannot load its page: {err}");
        }
        window.set_visible(&webview, spec.visible);
        BuildTimes {
            queued,
            started,
            context: Default::default(),
            window: Default::default(),
            engine: started.elapsed(),
        }
        .log(id, true);
        super::lifecycle::Engine {
            window,
            webview,
            token,
            policy,
            process: super::processes::ProcessTie::first(spec, id),
        }
    }
}
