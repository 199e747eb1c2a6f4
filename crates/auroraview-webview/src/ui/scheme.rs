//! Scheme requests on the UI thread: each one the engine hands over is matched to its
//! WebView, kept, and passed to a worker (the asset pool for `auroraview://`, the protocol
//! pool for an application's scheme); the worker's reply comes back as a command and the
//! request is finished with it. The UI thread itself never opens a file nor runs a handler.
//!
//! What must not live here: resolving files or building replies (`crate::scheme`), engine
//! calls (`platform::scheme`).

use super::view::page_warning;
use super::UiState;
use crate::platform::scheme::{self as native, SchemeContext, SchemeRequest};
use crate::proxy::WebViewProxy;
use crate::scheme::{
    asset_pool, assets::ASSET_SCHEME, protocol_pool, send_reply, serve_asset, ProtocolRequest,
    ProtocolResponder, SchemeReply,
};
use auroraview_core::ipc::MAX_MESSAGE_BYTES;
use std::collections::{HashMap, HashSet};

/// The requests the UI thread holds, and the schemes registered with the engine.
#[derive(Default)]
pub(crate) struct SchemeTable {
    next: u64,
    /// Request id -> (its WebView, the engine's request).
    pending: HashMap<u64, (u64, SchemeRequest)>,
    /// The shared web contexts (one per profile), each with every registered scheme.
    contexts: Vec<SchemeContext>,
    registered: HashSet<String>,
}

impl SchemeTable {
    /// Registers `scheme` with the engine, on every shared context (one per profile) now and
    /// on those adopted later. Before the first WebView of a profile exists its context is
    /// not known yet: the schemes are registered when it is built
    /// ([`SchemeTable::adopt_context`]).
    pub(crate) fn ensure(&mut self, scheme: &str) {
        if !self.registered.insert(scheme.to_owned()) {
            return;
        }
        for context in &self.contexts {
            native::register_scheme(context, scheme);
        }
    }

    /// True once `scheme` is registered with the engine (on the adopted contexts).
    pub(crate) fn is_registered(&self, scheme: &str) -> bool {
        self.registered.contains(scheme)
    }

    /// A WebView was built: its context (new for the first WebView of a profile) gets every
    /// registered scheme. `auroraview` is registered at once, so any WebView can load it.
    pub(crate) fn adopt_context(&mut self, webview: &wry::WebView) {
        self.ensure(ASSET_SCHEME);
        let Some(context) = native::scheme_context(webview) else {
            return;
        };
        if self.contexts.contains(&context) {
            return;
        }
        for scheme in &self.registered {
            native::register_scheme(&context, scheme);
        }
        self.contexts.push(context);
    }

    /// An incognito WebView's own (ephemeral) context gets `auroraview` and `schemes`; it
    /// is not kept (it goes with its WebView).
    pub(crate) fn register_private(&mut self, webview: &wry::WebView, schemes: &[String]) {
        self.ensure(ASSET_SCHEME);
        if let Some(context) = native::scheme_context(webview) {
            native::register_scheme(&context, ASSET_SCHEME);
            for scheme in schemes {
                native::register_scheme(&context, scheme);
            }
        }
    }

    fn keep(&mut self, view: u64, request: SchemeRequest) -> u64 {
        self.next += 1;
        self.pending.insert(self.next, (view, request));
        self.next
    }

    /// Ends the requests of a WebView that is closing.
    pub(crate) fn abandon_view(&mut self, view: u64) {
        let ids: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, (v, _))| *v == view)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            if let Some((_, request)) = self.pending.remove(&id) {
                native::abandon(request, "the WebView closed");
            }
        }
    }
}

/// The scheme of a URL, lower case ("" when it has none).
pub(crate) fn scheme_of(url: &str) -> String {
    url.split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .unwrap_or_default()
}

impl UiState {
    /// The engine asks for a URL of a registered scheme.
    pub(super) fn scheme_request(&mut self, request: SchemeRequest) {
        let Some((&view, v)) = self
            .views
            .iter_mut()
            .find(|(_, v)| native::request_is_for(&request, &v.webview))
        else {
            native::finish(
                request,
                SchemeReply::text(404, "no WebView of auroraview's asked"),
            );
            return;
        };
        let info = native::request_info(&request, MAX_MESSAGE_BYTES);
        let proxy = WebViewProxy {
            view: v.shared.clone(),
            rt: self.rt.clone(),
        };
        if info.scheme == ASSET_SCHEME {
            let Some(root) = v.asset_root.clone() else {
                native::finish(
                    request,
                    SchemeReply::text(
                        404,
                        "this WebView has no asset_root: nothing is served at auroraview://",
                    ),
                );
                return;
            };
            let id = self.schemes.keep(view, request);
            let range = header(&info.headers, "range");
            let url = info.url;
            let queued = asset_pool().run(move || {
                let reply = serve_asset(&root, &url, range.as_deref());
                let _ = send_reply(&proxy, id, reply);
            });
            if let Err(why) = queued {
                self.answer(id, SchemeReply::text(503, &why));
            }
            return;
        }
        if !v.schemes.contains(&info.scheme) {
            let message = format!(
                "no handler for {}:// in this WebView (register_protocol)",
                info.scheme
            );
            native::finish(request, SchemeReply::text(404, &message));
            return;
        }
        let body = match info.body {
            Ok(body) => body,
            Err(size) => {
                let message = format!(
                    "a request body of more than {size} bytes exceeds the \
                     {MAX_MESSAGE_BYTES}-byte limit"
                );
                page_warning(v, view, || format!("refused {}: {message}", info.url));
                native::finish(request, SchemeReply::text(413, &message));
                return;
            }
        };
        let sink = v.sink.clone();
        let id = self.schemes.keep(view, request);
        let range = header(&info.headers, "range");
        let responder = ProtocolResponder::new(proxy.clone(), id, info.url.clone(), range);
        let call = ProtocolRequest {
            method: info.method,
            url: info.url,
            headers: info.headers,
            body,
            responder,
        };
        let queued = protocol_pool().run(move || sink.on_protocol(&proxy, call));
        if let Err(why) = queued {
            // The job (and its responder) was dropped: that answered 500 already, through
            // the queue; nothing more to do here but say why.
            log::warn!("auroraview: WebView {view}: {why}");
        }
    }

    /// A worker's reply to request `id` of WebView `view`.
    pub(super) fn scheme_reply(&mut self, view: u64, id: u64, reply: SchemeReply) {
        if let Some(warning) = &reply.warning {
            if let Some(v) = self.views.get_mut(&view) {
                page_warning(v, view, || warning.clone());
            }
        }
        self.answer(id, reply);
    }

    fn answer(&mut self, id: u64, reply: SchemeReply) {
        if let Some((_, request)) = self.schemes.pending.remove(&id) {
            native::finish(request, reply);
        }
    }

    /// `register_protocol`: requests for `scheme` from this WebView go to its sink.
    pub(super) fn register_scheme(&mut self, view: u64, scheme: String) {
        self.schemes.ensure(&scheme);
        // The engine tells every page's web process: no script may overtake that.
        for v in self.views.values_mut() {
            super::view::unfence(v);
        }
        if let Some(v) = self.views.get_mut(&view) {
            if v.desk.private_profile && !v.schemes.contains(&scheme) {
                if let Some(context) = native::scheme_context(&v.webview) {
                    native::register_scheme(&context, &scheme);
                }
            }
            v.schemes.insert(scheme);
        }
    }
}

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}
