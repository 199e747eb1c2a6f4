//! Custom URL schemes: a WebView's asset root served at `auroraview://localhost/`, and schemes
//! whose requests an application handler answers
//! ([`IpcSink::on_protocol`](crate::IpcSink::on_protocol)).
//!
//! The engine hands every request to the UI thread (`ui/scheme.rs`), which never touches the
//! disk nor runs a handler: it passes the request to a worker pool and keeps the engine's
//! request object until the answer comes back as a [`UiCommand::SchemeReply`]. Files are
//! opened on the workers and streamed by the engine from its own I/O threads (see
//! `platform`), so a large file never blocks the UI thread.
//!
//! Every request is answered exactly once: by its reply, by a 500 when its responder is
//! dropped unanswered, by a 503 when the workers are too far behind, or with an error when
//! its WebView closes.
//!
//! What must not live here: platform calls (`platform`), UI-thread state (`ui/scheme.rs`).

pub mod assets;
mod pool;

use crate::commands::UiCommand;
use crate::error::SendError;
use crate::proxy::WebViewProxy;
use std::fs::File;
use std::path::PathBuf;

pub(crate) use pool::{asset_pool, protocol_pool};

/// Schemes the engine handles itself, or that pages need as they are: never an
/// application's.
pub const RESERVED_SCHEMES: [&str; 11] = [
    "auroraview",
    "http",
    "https",
    "file",
    "data",
    "about",
    "blob",
    "javascript",
    "ws",
    "wss",
    "webkit",
];

/// Checks that `scheme` can be given to an application handler: a valid URL scheme
/// (a letter, then letters, digits, `+`, `-`, `.`), lower case, and not reserved.
pub fn check_scheme(scheme: &str) -> Result<(), String> {
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c));
    if !valid {
        return Err(format!(
            "{scheme:?} is not a valid scheme name: use lower-case letters, digits, '+', '-' \
             or '.', starting with a letter (\"studio\", not \"studio://\")"
        ));
    }
    if RESERVED_SCHEMES.contains(&scheme) {
        return Err(format!(
            "the scheme {scheme:?} is reserved (auroraview:// serves asset_root; the others \
             belong to the engine)"
        ));
    }
    Ok(())
}

/// What a reply's body is.
#[derive(Debug)]
pub enum ResponseBody {
    Bytes(Vec<u8>),
    /// A file to stream (opened by [`ProtocolResponder::respond`]; the request's `Range`
    /// header is honoured).
    File(PathBuf),
}

/// An application's answer to a [`ProtocolRequest`].
#[derive(Debug)]
pub struct ProtocolResponse {
    pub status: u16,
    /// Response headers; a `Content-Type` among them wins over the type guessed from the
    /// file's or the URL's extension.
    pub headers: Vec<(String, String)>,
    pub body: ResponseBody,
}

/// One request to a scheme the application handles.
#[derive(Debug)]
pub struct ProtocolRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Answers the request; must be used (or dropped, which answers 500).
    pub responder: ProtocolResponder,
}

/// A reply as the UI thread hands it to the engine (read by `platform::scheme`, which is a
/// stub outside Linux so far).
#[derive(Debug)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) struct SchemeReply {
    pub(crate) status: u16,
    pub(crate) mime: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: ReplyBody,
    /// Logged (within the page's warning cap) when the reply is delivered: a request that
    /// tried to leave the asset root, say.
    pub(crate) warning: Option<String>,
}

#[derive(Debug)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) enum ReplyBody {
    Bytes(Vec<u8>),
    /// `len` bytes of `file`, from where it is positioned.
    File {
        file: File,
        len: u64,
    },
}

impl SchemeReply {
    /// A short text reply (errors).
    pub(crate) fn text(status: u16, message: &str) -> Self {
        SchemeReply {
            status,
            mime: "text/plain; charset=utf-8".into(),
            headers: Vec::new(),
            body: ReplyBody::Bytes(format!("{status} {}: {message}", reason(status)).into_bytes()),
            warning: None,
        }
    }

    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub(crate) fn len(&self) -> u64 {
        match &self.body {
            ReplyBody::Bytes(bytes) => bytes.len() as u64,
            ReplyBody::File { len, .. } => *len,
        }
    }
}

/// The reason phrase of the statuses auroraview itself answers with.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Content Too Large",
        416 => "Range Not Satisfiable",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Serves one asset request (on an asset worker): the file below `root` that `url` names.
pub(crate) fn serve_asset(root: &std::path::Path, url: &str, range: Option<&str>) -> SchemeReply {
    let opened = assets::resolve(root, url).and_then(|path| assets::open(&path, range));
    match opened {
        Ok(o) => SchemeReply {
            status: o.status,
            mime: o.mime.to_owned(),
            headers: with_cache_control(o.headers),
            body: ReplyBody::File {
                file: o.file,
                len: o.len,
            },
            warning: None,
        },
        Err(refusal) => {
            let mut reply = SchemeReply::text(refusal.status, &refusal.message);
            if refusal.status == 403 || refusal.status == 400 {
                reply.warning = Some(format!(
                    "refused asset request {url} ({}): {}",
                    refusal.status, refusal.message
                ));
            }
            reply
        }
    }
}

fn with_cache_control(mut headers: Vec<(String, String)>) -> Vec<(String, String)> {
    // A rebuilt front end is seen at the next load, not a cached older copy.
    headers.push(("Cache-Control".into(), "no-cache".into()));
    headers
}

/// The answer channel of one scheme request. Answers it once: [`ProtocolResponder::respond`]
/// consumes it; dropping it unused answers 500.
#[derive(Debug)]
pub struct ProtocolResponder {
    proxy: WebViewProxy,
    request: u64,
    url: String,
    range: Option<String>,
    answered: bool,
}

impl ProtocolResponder {
    pub(crate) fn new(
        proxy: WebViewProxy,
        request: u64,
        url: String,
        range: Option<String>,
    ) -> Self {
        ProtocolResponder {
            proxy,
            request,
            url,
            range,
            answered: false,
        }
    }

    /// Answers the request. A file body is opened here (on the calling thread) and streamed
    /// by the engine; one that cannot be opened answers 404. From any thread; a request
    /// whose WebView closed meanwhile is dropped quietly.
    pub fn respond(mut self, response: ProtocolResponse) -> Result<(), SendError> {
        self.answered = true;
        let reply = self.reply(response);
        self.send(reply)
    }

    /// Answers with `status` and a short text body.
    pub fn fail(mut self, status: u16, message: &str) -> Result<(), SendError> {
        self.answered = true;
        self.send(SchemeReply::text(status, message))
    }

    fn reply(&self, response: ProtocolResponse) -> SchemeReply {
        let ProtocolResponse {
            status,
            mut headers,
            body,
        } = response;
        let given_type = headers
            .iter()
            .position(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|i| headers.remove(i).1);
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-length"));
        let url_path = self.url.split(['?', '#']).next().unwrap_or("");
        match body {
            ResponseBody::Bytes(bytes) => SchemeReply {
                status,
                mime: given_type
                    .unwrap_or_else(|| assets::mime_type(std::path::Path::new(url_path)).into()),
                headers,
                body: ReplyBody::Bytes(bytes),
                warning: None,
            },
            ResponseBody::File(path) => match assets::open(&path, self.range.as_deref()) {
                Ok(o) => {
                    headers.extend(o.headers);
                    SchemeReply {
                        // A handler's own non-200 status stands; a range makes 200 a 206.
                        status: if status == 200 { o.status } else { status },
                        mime: given_type.unwrap_or_else(|| o.mime.into()),
                        headers,
                        body: ReplyBody::File {
                            file: o.file,
                            len: o.len,
                        },
                        warning: None,
                    }
                }
                Err(refusal) => SchemeReply::text(
                    refusal.status,
                    &format!("{}: {}", path.display(), refusal.message),
                ),
            },
        }
    }

    fn send(&self, reply: SchemeReply) -> Result<(), SendError> {
        send_reply(&self.proxy, self.request, reply)
    }
}

impl Drop for ProtocolResponder {
    fn drop(&mut self) {
        if self.answered {
            return;
        }
        log::error!(
            "auroraview: WebView {} request {} was dropped without an answer; answering 500",
            self.proxy.id(),
            self.url
        );
        let _ = self.send(SchemeReply::text(
            500,
            "the host dropped this request without answering it (see the host's log)",
        ));
    }
}

/// Hands a reply to the UI thread. Never refused at the queue's bound: the engine holds the
/// request until it is answered.
pub(crate) fn send_reply(
    proxy: &WebViewProxy,
    request: u64,
    reply: SchemeReply,
) -> Result<(), SendError> {
    if proxy.is_closed() {
        return Err(SendError::Closed);
    }
    let cmd = UiCommand::SchemeReply {
        view: proxy.id(),
        request,
        reply,
    };
    proxy.rt.commands.force_push(cmd);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_scheme;

    #[test]
    fn scheme_names() {
        assert!(check_scheme("studio").is_ok());
        assert!(check_scheme("my-app+v2.x").is_ok());
        for bad in [
            "",
            "Studio",
            "1x",
            "studio://",
            "a b",
            "auroraview",
            "https",
            "file",
        ] {
            assert!(check_scheme(bad).is_err(), "{bad}");
        }
    }
}
