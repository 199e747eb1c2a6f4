//! One WebView as the UI thread holds it, and how its page operations reach the page: as one
//! script per pass when its page is ready, held (bounded in count and bytes) while it is not,
//! failed fast while its page is gone (its web process ended).
//!
//! What must not live here: reacting to commands or page messages (`mod.rs`, `page.rs`).

use crate::error::EvalError;
use crate::inner::RuntimeInner;
use crate::noise::NoiseLimit;
use crate::origin::OriginPolicy;
use crate::platform::NativeWindow;
use crate::reactor::ReactorMsg;
use crate::sink::Inbox;
use crate::view_state::ViewShared;
use auroraview_core::ipc::{render_batch, PageOp};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

/// Most page operations kept for a page that is not ready yet...
const MAX_HELD: usize = 1 << 18;
/// ... and most bytes of them.
pub(crate) const MAX_HELD_BYTES: usize = 64 * 1024 * 1024;

pub(super) struct View {
    pub(super) shared: Arc<ViewShared>,
    pub(super) webview: wry::WebView,
    pub(super) window: NativeWindow,
    pub(super) token: String,
    pub(super) policy: OriginPolicy,
    /// Whether, and with whom, it shares its web process (`None`: a process of its own).
    pub(super) process: Option<super::processes::ProcessTie>,
    /// Incremented at each navigation; call results for an older page are dropped.
    pub(super) page: u64,
    /// The current page's bridge reported DOM ready; ops flow to it.
    pub(super) ready: bool,
    /// Where scripts for the page go: by the bridge's socket (`Some`), or the engine's way.
    /// The socket only once a fence sent the engine's way came back by it, so that no script
    /// overtakes what the engine was told before (a navigation, a scheme); cleared by
    /// [`unfence`] whenever the engine is told something the page may see.
    pub(super) route: Option<crate::platform::Route>,
    /// The socket connection the page's last post came by, if it came that way.
    pub(super) socket_seen: Option<crate::platform::Route>,
    /// The fence on its way (its evaluation id, with [`FENCE_BIT`]).
    pub(super) fence: Option<u64>,
    /// Which document the page's posts are from (`page_docs.rs`).
    pub(super) docs: super::page_docs::Docs,
    /// Why the page is gone (its web process ended), until the next page load starts.
    pub(super) gone: Option<String>,
    /// The inline HTML the application last loaded: what `reload()` brings back after a
    /// crash, when the page was that HTML (`about:blank` alone would reload empty).
    pub(super) inline_html: Option<String>,
    /// Ops waiting for the page to become ready, and their weight.
    pub(super) held: Vec<PageOp>,
    pub(super) held_bytes: usize,
    /// Ops gathered during this pass, rendered at its end.
    pub(super) batch: Vec<PageOp>,
    /// What the page said and was not handed on yet: posts that arrived in a burst (not
    /// parsed yet) and messages of a large post (handed on in slices), so neither can hold
    /// the UI thread for long (`page.rs`, `page_posts.rs`).
    pub(super) posts: super::page_posts::PagePosts<
        crate::platform::PostText,
        Result<auroraview_core::ipc::Inbound, auroraview_core::ipc::ParseError>,
    >,
    /// Evaluations sent to the current page and not answered yet.
    pub(super) in_flight: HashSet<u64>,
    /// Commands ordered with the page (`UiCommand::ordered_view`) taken from the queue so
    /// far: published with the lane for direct answers (`direct.rs`).
    pub(super) taken: u64,
    /// What [`publish_lane`] last published (the open route, the page, `taken`), so that a
    /// pass that changed none of it publishes nothing.
    pub(super) lane_published: Option<(Option<crate::platform::Route>, u64, u64)>,
    pub(super) inbound: Inbox,
    pub(super) warned_origin: bool,
    /// Start-up timing until the first page is ready (`startup.rs`).
    pub(super) startup: Option<super::startup::StartupClock>,
    /// Caps the warnings this page can cause (malformed messages, its script errors).
    pub(super) noise: NoiseLimit,
    /// Benchmark baseline: one script evaluation per op instead of one per batch.
    pub(super) naive: bool,
    /// The folder served at `auroraview://localhost/` (canonical), if any.
    pub(super) asset_root: Option<Arc<std::path::PathBuf>>,
    /// Schemes whose requests go to `sink` (`register_protocol`).
    pub(super) schemes: HashSet<String>,
    pub(super) sink: Arc<dyn crate::sink::IpcSink>,
    /// Window events: guards, open decisions (`events.rs`).
    pub(super) desk: super::events::Desk,
}

pub(super) fn eval_ids<'a>(ops: impl Iterator<Item = &'a PageOp>) -> Vec<u64> {
    ops.filter_map(|op| match op {
        PageOp::EvalWithResult { id, .. } => Some(*id),
        _ => None,
    })
    .collect()
}

/// Ends evaluations among `ops` with `error` (on the completion thread).
pub(super) fn fail_evals<'a>(
    rt: &RuntimeInner,
    ops: impl Iterator<Item = &'a PageOp>,
    error: EvalError,
) {
    let ids = eval_ids(ops);
    if !ids.is_empty() {
        rt.reactor.send(ReactorMsg::Fail { ids, error });
    }
}

/// Logs a warning caused by the page, within its [`NoiseLimit`].
pub(super) fn page_warning(v: &mut View, view: u64, message: impl FnOnce() -> String) {
    if let Some(suppressed) = v.noise.admit(Instant::now()) {
        report_suppressed(view, suppressed);
        log::warn!("auroraview: WebView {view} {}", message());
    }
}

pub(super) fn report_suppressed(view: u64, suppressed: u64) {
    if suppressed > 0 {
        log::warn!(
            "auroraview: WebView {view}: {suppressed} more warnings about its page were \
             suppressed (at most {} per {:?} are logged)",
            crate::noise::MAX_PER_WINDOW,
            crate::noise::WINDOW
        );
    }
}

/// Sends the view's gathered ops to the page as one script, holds them until it is ready,
/// or, while its page is gone, ends them at once.
pub(super) fn flush_view(rt: &RuntimeInner, v: &mut View, script: &mut String) {
    if v.batch.is_empty() {
        return;
    }
    if let Some(why) = &v.gone {
        let dropped = std::mem::take(&mut v.batch);
        fail_evals(rt, dropped.iter(), EvalError::PageGone(why.clone()));
        let id = v.shared.id;
        let count = dropped.len();
        let why = why.clone();
        page_warning(v, id, || {
            format!("dropped {count} operations: its page is gone ({why}); reload() it")
        });
        return;
    }
    if !v.ready {
        hold(rt, v);
        return;
    }
    let batch = std::mem::take(&mut v.batch);
    // Normally the whole batch is one script; the naive baseline sends one per op.
    let chunk = if v.naive { 1 } else { batch.len() };
    for ops in batch.chunks(chunk) {
        script.clear();
        render_batch(ops, script);
        let ids = eval_ids(ops.iter());
        match send(rt, v, script) {
            Ok(()) => v.in_flight.extend(ids),
            Err(err) => {
                log::error!("auroraview: evaluating a batch failed: {err}");
                if !ids.is_empty() {
                    rt.reactor.send(ReactorMsg::Fail {
                        ids,
                        error: EvalError::Js(auroraview_core::ipc::JsError {
                            name: "Error".into(),
                            message: format!("the WebView refused the script: {err}"),
                        }),
                    });
                }
            }
        }
    }
    v.batch = batch;
    v.batch.clear();
    // Keep a burst's buffer from pinning memory forever.
    if script.capacity() > 1 << 22 {
        *script = String::new();
    }
}

/// Tells the threads that answer the page's calls whether they may write an answer to it
/// directly (`direct.rs`): after [`flush_view`], when the view's batch is written.
pub(super) fn publish_lane(v: &mut View) {
    let open = v.ready && v.gone.is_none() && v.held.is_empty() && v.batch.is_empty();
    let route = v.route.filter(|_| open);
    let key = (route, v.page, v.taken);
    if v.lane_published == Some(key) {
        return;
    }
    v.lane_published = Some(key);
    let writer = route.and_then(|route| Some((crate::platform::writer(route.conn)?, route.page)));
    v.shared.lane.publish(writer, v.page, v.taken);
}

/// Fence evaluations' ids have this bit (a safe JavaScript integer; evaluation ids never
/// reach it): their results go to no caller.
pub(super) const FENCE_BIT: u64 = 1 << 52;

/// The engine was told something the page may see (a navigation of any kind, a custom
/// scheme): scripts go the engine's way, behind it, until a new fence has come back.
pub(super) fn unfence(v: &mut View) {
    v.route = None;
    v.fence = None;
}

/// A post of the page came by the bridge's socket: unless its scripts go that way already
/// or a fence is on its way, sends one the engine's way; when its answer comes back by the
/// socket ([`fence_passed`]), everything sent the engine's way before it has reached the
/// page, and scripts may take the socket without overtaking any of it.
pub(super) fn fence_after_socket_post(v: &mut View, route: crate::platform::Route) {
    v.socket_seen = Some(route);
    if v.route.is_some() || v.fence.is_some() {
        return;
    }
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = FENCE_BIT | NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut script = String::new();
    render_batch(
        &[PageOp::EvalWithResult {
            id,
            script: "0".into(),
        }],
        &mut script,
    );
    match v.webview.evaluate_script(&script) {
        Ok(()) => v.fence = Some(id),
        Err(err) => log::debug!("auroraview: a fence was refused: {err}"),
    }
}

/// The page answered evaluation `id`, which has [`FENCE_BIT`]: if it is the fence on its
/// way, scripts take the socket from now on.
pub(super) fn fence_passed(v: &mut View, id: u64) {
    if v.fence == Some(id) {
        v.fence = None;
        v.route = v.socket_seen;
    }
}

/// One script to the page: by the bridge's socket when its page posts that way, else (or if
/// its connection is gone) through the engine.
fn send(rt: &RuntimeInner, v: &mut View, script: &str) -> Result<(), String> {
    if let Some(route) = v.route {
        match crate::platform::send_script(route, script) {
            Ok(()) => {
                rt.socket_scripts
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(());
            }
            Err(why) => {
                log::debug!(
                    "auroraview: WebView {}: a script goes through the engine: {why}",
                    v.shared.id
                );
                unfence(v);
                v.socket_seen = None;
            }
        }
    }
    v.webview
        .evaluate_script(script)
        .map_err(|err| err.to_string())
}

/// Keeps the batch for when the page is ready, up to [`MAX_HELD`] ops and
/// [`MAX_HELD_BYTES`]. A page that never becomes ready (a disallowed origin, a hung load)
/// must not grow memory without bound: past the bounds, evaluations fail with `PageChanged`
/// and the rest is refused with a warning naming how many ops were dropped.
fn hold(rt: &RuntimeInner, v: &mut View) {
    let mut kept = 0;
    for op in &v.batch {
        let weight = op.weight();
        if v.held.len() + kept >= MAX_HELD || v.held_bytes + weight > MAX_HELD_BYTES {
            break;
        }
        v.held_bytes += weight;
        kept += 1;
    }
    let refused: Vec<PageOp> = v.batch.drain(kept..).collect();
    v.held.append(&mut v.batch);
    if refused.is_empty() {
        return;
    }
    fail_evals(rt, refused.iter(), EvalError::PageChanged);
    log::warn!(
        "auroraview: WebView {} dropped {} operations: its page has not become ready and {} \
         operations ({} bytes) already wait for it",
        v.shared.id,
        refused.len(),
        v.held.len(),
        v.held_bytes
    );
}

/// Everything held for the page, in order, then what this pass gathered: the page is ready.
pub(super) fn release_held(v: &mut View) {
    let mut ops = Vec::with_capacity(v.held.len() + 1 + v.batch.len());
    ops.push(PageOp::Ack);
    ops.append(&mut v.held);
    ops.append(&mut v.batch);
    v.batch = ops;
    v.held_bytes = 0;
}

/// True if going from `current` to `next` only changes the fragment: the browser scrolls or
/// routes within the same document instead of loading a new one.
pub(super) fn same_document(current: &str, next: &str) -> bool {
    let base = |url: &str| url.split('#').next().unwrap_or("").to_owned();
    next.contains('#') && base(current) == base(next)
}

/// A per-WebView secret the bridge attaches to every post (128 bits from the OS-seeded
/// hasher keys; unguessable by other frames, which cannot read the main frame's closure).
pub(super) fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::with_capacity(32);
    for salt in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(salt);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::same_document;

    #[test]
    fn fragment_only_changes_stay_in_the_document() {
        assert!(same_document(
            "http://h/p.html",
            "http://h/p.html#/settings"
        ));
        assert!(same_document("http://h/p.html#a", "http://h/p.html#b"));
        assert!(!same_document("http://h/p.html#a", "http://h/p.html"));
        assert!(!same_document("http://h/p.html", "http://h/q.html#a"));
        assert!(!same_document("http://h/p.html", "http://h/p.html"));
    }
}
