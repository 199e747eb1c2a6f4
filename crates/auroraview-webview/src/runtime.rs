//! The process-wide runtime: the UI thread that owns every WebView, its command queue, and
//! the completion thread. Started on first use, kept for the life of the process (on Linux
//! only one thread per process may ever own GLib's default main context).

use crate::commands::{CreateRequest, UiCommand};
use crate::error::StartError;
pub use crate::inner::Mode;
use crate::inner::RuntimeInner;
use crate::proxy::WebViewProxy;
use crate::reactor::Reactor;
use crate::sink::{spawn_handler_thread, IpcSink};
use crate::spec::WebViewSpec;
use crate::view_state::ViewShared;
use auroraview_core::poison::MutexExt;
use auroraview_core::ThreadKey;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the runtime holds now: for diagnostics, and for tests that check nothing was left
/// behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeStats {
    /// WebViews open on the UI thread.
    pub open_views: usize,
    /// Evaluations waiting for their page.
    pub pending_evals: usize,
    /// Commands waiting for the UI thread.
    pub queued_commands: usize,
    /// Spare WebViews (kept after `prewarm`) ready to be handed out.
    pub spares_ready: usize,
    /// WebViews built from a spare so far.
    pub spares_used: u64,
    /// Authenticated posts received from pages so far (the bridge sends a burst of
    /// messages in posts of about `ipc::POST_TARGET_BYTES`).
    pub page_posts: u64,
    /// Messages those posts carried.
    pub page_messages: u64,
    /// Posts that arrived in a burst and waited, unparsed, for a pass (`ui/page.rs`).
    pub page_posts_waited: u64,
    /// Of the posts, those that came by the bridge's own socket rather than the engine's
    /// message handler (Linux, with the web extension installed: `set_web_extension_dir`).
    pub socket_posts: u64,
    /// Scripts (batches of page operations) sent to pages by that socket by the UI thread.
    pub socket_scripts: u64,
    /// Call answers written to the page's socket by the thread that settled the call,
    /// without the UI thread (when nothing else for the page was in its way).
    pub direct_answers: u64,
}

/// The WebView runtime of this process.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<RuntimeInner>,
}

static RUNTIME: Mutex<Option<Runtime>> = Mutex::new(None);

impl Runtime {
    /// The runtime already running in this process, if any.
    pub fn current() -> Option<Runtime> {
        RUNTIME.lock_unpoisoned().clone()
    }

    /// Starts the process's runtime in `mode` (once; later calls return it). `Hosted` makes
    /// the calling thread the UI thread. A process keeps one mode for its life: asking for
    /// the other fails with an explanation. A failed start (no display, say) is reported and
    /// not remembered: a later call tries again.
    pub fn start(mode: Mode) -> Result<Runtime, StartError> {
        let mut slot = RUNTIME.lock_unpoisoned();
        if let Some(rt) = slot.as_ref() {
            if rt.inner.mode == mode {
                return Ok(rt.clone());
            }
            return Err(StartError(format!(
                "the WebView runtime already runs in {} mode in this process and cannot switch \
                 to {} mode (one UI thread serves every WebView for the life of the process)",
                rt.inner.mode.name(),
                mode.name()
            )));
        }
        let started = std::time::Instant::now();
        let reactor = Reactor::start()
            .map_err(|e| StartError(format!("cannot start the completion thread: {e}")))?;
        let parts = Arc::new(Mutex::new(Some(reactor)));
        let (tx, rx) = crossbeam_channel::bounded(1);
        let on_start = move |ui_thread: ThreadKey| {
            let reactor = parts
                .lock_unpoisoned()
                .take()
                .expect("the UI thread starts once");
            let inner = Arc::new(RuntimeInner::new(reactor, ui_thread, mode));
            crate::ui::install(inner.clone());
            let _ = tx.send(inner);
        };
        // The platform calls the UI thread's logic only through these (its seam).
        let hooks = crate::platform::UiHooks::new(crate::ui::process, crate::ui::event);
        match mode {
            Mode::Own => crate::platform::start_ui_thread(hooks, on_start)?,
            Mode::Hosted => crate::platform::start_hosted(hooks, on_start)?,
        }
        let inner = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| StartError("the WebView UI thread did not start within 30 s".into()))?;
        let rt = Runtime { inner };
        *slot = Some(rt.clone());
        log::debug!(
            "auroraview: start-up: the runtime started in {} mode in {:.1} ms",
            mode.name(),
            started.elapsed().as_secs_f64() * 1e3
        );
        Ok(rt)
    }

    pub fn stats(&self) -> RuntimeStats {
        RuntimeStats {
            open_views: self.inner.open_views.load(Ordering::Acquire),
            pending_evals: self.inner.reactor.pending(),
            queued_commands: self.inner.commands.len(),
            spares_ready: self.inner.spares_ready.load(Ordering::Acquire),
            spares_used: self.inner.spares_used.load(Ordering::Acquire),
            page_posts: self.inner.page_posts.load(Ordering::Relaxed),
            page_messages: self.inner.page_messages.load(Ordering::Relaxed),
            page_posts_waited: self.inner.page_posts_waited.load(Ordering::Relaxed),
            socket_posts: self.inner.socket_posts.load(Ordering::Relaxed),
            socket_scripts: self.inner.socket_scripts.load(Ordering::Relaxed),
            direct_answers: self.inner.direct_answers.load(Ordering::Relaxed),
        }
    }

    /// Makes the default profile's web context now, on the UI thread (queued; returns at
    /// once), and keeps `spares` spare WebViews with their web process running from then
    /// on, each handed to the next WebView it can serve (Linux; see `ui/spare.rs`). 0 ends
    /// them and keeps none.
    pub fn prewarm(&self, spares: usize) {
        self.inner
            .commands
            .force_push(UiCommand::Prewarm { spares });
    }

    pub fn mode(&self) -> Mode {
        self.inner.mode
    }

    /// True when called on the UI thread.
    pub fn is_ui_thread(&self) -> bool {
        ThreadKey::current() == self.inner.ui_thread
    }

    /// Hosted mode, on the UI thread: runs one pass now (applies queued commands, such as
    /// closes) instead of waiting for the host's loop to. For when that loop has ended (the
    /// interpreter is exiting after `app.exec()` returned). False, and nothing done, on any
    /// other thread or in own mode (whose UI thread runs its own loop).
    pub fn run_pass_now(&self) -> bool {
        if self.inner.mode != Mode::Hosted || !self.is_ui_thread() {
            return false;
        }
        crate::ui::process();
        true
    }

    /// Opens a WebView and waits (at most `timeout`) until it exists. `sink` hears the page
    /// on the WebView's own handler thread.
    pub fn create(
        &self,
        spec: WebViewSpec,
        sink: Arc<dyn IpcSink>,
        timeout: Duration,
    ) -> Result<WebViewProxy, StartError> {
        let queued = std::time::Instant::now();
        let inline = self.is_ui_thread();
        if inline && self.inner.mode == Mode::Own {
            return Err(StartError(
                "a WebView cannot be created synchronously from the UI thread".into(),
            ));
        }
        let id = self.inner.next_view_id();
        let shared = Arc::new(ViewShared::new(id));
        let proxy = WebViewProxy {
            view: shared.clone(),
            rt: self.inner.clone(),
        };
        let (reply_tx, reply_rx) = crossbeam_channel::bounded(1);
        let (inbound, handler) = spawn_handler_thread(proxy.clone(), sink.clone())
            .map_err(|e| StartError(format!("cannot start the handler thread: {e}")))?;
        let request = CreateRequest {
            spec,
            shared,
            inbound,
            sink,
            reply: reply_tx,
            queued,
        };
        let reply = if inline {
            // Hosted, on the UI thread itself: build it now, whatever is queued (a backlog
            // of emits must not stand in front of a new panel).
            if !crate::ui::create_now(request) {
                proxy.close();
                return Err(StartError(
                    "a WebView cannot be created from inside a WebView callback (a page load, \
                     message or close being delivered): create it from a handler or a task"
                        .into(),
                ));
            }
            reply_rx.try_recv().map_err(|_| ())
        } else {
            // Ahead of whatever the UI thread has queued.
            self.inner
                .commands
                .push_priority(UiCommand::Create(Box::new(request)));
            reply_rx.recv_timeout(timeout).map_err(|_| ())
        };
        match reply {
            Ok(Ok(())) => Ok(proxy),
            Ok(Err(err)) => {
                // The UI thread dropped the request, and with it the handler's sender.
                let _ = handler.join();
                Err(err)
            }
            Err(()) if inline => {
                proxy.close();
                Err(StartError(
                    "the WebView's creation did not report back".into(),
                ))
            }
            Err(()) => {
                // Still queued or in progress: make sure it closes whenever it is handled.
                proxy.close();
                Err(StartError(format!(
                    "the WebView was not created within {timeout:?} (is the UI thread blocked?)"
                )))
            }
        }
    }
}
