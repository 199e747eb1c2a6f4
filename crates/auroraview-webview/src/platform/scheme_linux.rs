//! Linux: custom URL schemes registered with WebKitGTK directly (not through wry, whose
//! responder may finish a request on the calling thread: touching WebKit off the UI thread
//! in hosted mode). WebKit calls us on the UI thread; we finish requests there too, with a
//! stream WebKit reads on GIO's own I/O threads, so files never block the UI thread.

use crate::scheme::{ReplyBody, SchemeReply};
use glib::Cast;
use webkit2gtk::gio;
use webkit2gtk::{
    SecurityManagerExt, URISchemeRequestExt, URISchemeResponse, URISchemeResponseExt,
    WebContextExt, WebViewExt,
};

/// One request of the engine, held by the UI thread until it is answered.
pub(crate) type SchemeRequest = webkit2gtk::URISchemeRequest;
/// Where schemes are registered: the web context every WebView of the process shares.
pub(crate) type SchemeContext = webkit2gtk::WebContext;

/// What a request says, copied out of the engine's object.
pub(crate) struct RequestInfo {
    pub(crate) scheme: String,
    pub(crate) url: String,
    pub(crate) method: String,
    pub(crate) headers: Vec<(String, String)>,
    /// The request body, or `Err(size)` when it exceeds the limit it was read with.
    pub(crate) body: Result<Vec<u8>, usize>,
}

/// The web context of a built WebView.
pub(crate) fn scheme_context(webview: &wry::WebView) -> Option<SchemeContext> {
    use wry::WebViewExtUnix;
    webview.webview().context()
}

/// Registers `scheme` on `context`: its requests reach the UI thread's `event` hook as
/// `UiEvent::SchemeRequest`. Pages of the scheme are secure contexts and may use CORS
/// (module scripts, workers and `fetch` need it).
pub(crate) fn register_scheme(context: &SchemeContext, scheme: &str) {
    context.register_uri_scheme(scheme, |request| {
        super::hooks::event(crate::ui::UiEvent::SchemeRequest {
            request: request.clone(),
        });
    });
    if let Some(security) = context.security_manager() {
        security.register_uri_scheme_as_secure(scheme);
        security.register_uri_scheme_as_cors_enabled(scheme);
    }
}

extern "C" {
    // WebKitGTK >= 2.40 (the crate's v2_40 feature would rebuild wry's WebKit bindings).
    fn webkit_uri_scheme_request_get_http_body(
        request: *mut webkit2gtk::ffi::WebKitURISchemeRequest,
    ) -> *mut gio::ffi::GInputStream;
}

/// Copies what `request` says; a body is read up to `max_body` bytes.
pub(crate) fn request_info(request: &SchemeRequest, max_body: usize) -> RequestInfo {
    use glib::translate::{from_glib_full, ToGlibPtr};
    let mut headers = Vec::new();
    if let Some(h) = request.http_headers() {
        h.foreach(|k, v| headers.push((k.to_owned(), v.to_owned())));
    }
    // SAFETY: a valid request; the stream is returned with a reference we own (or NULL).
    let stream: Option<gio::InputStream> = unsafe {
        from_glib_full(webkit_uri_scheme_request_get_http_body(
            request.to_glib_none().0,
        ))
    };
    let body = match stream {
        None => Ok(Vec::new()),
        Some(stream) => read_body(&stream, max_body),
    };
    RequestInfo {
        scheme: request.scheme().map(|s| s.to_string()).unwrap_or_default(),
        url: request.uri().map(|s| s.to_string()).unwrap_or_default(),
        method: request
            .http_method()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "GET".into()),
        headers,
        body,
    }
}

/// A request body as WebKit hands it over: in memory already, so reading it does not wait.
fn read_body(stream: &gio::InputStream, max: usize) -> Result<Vec<u8>, usize> {
    use gio::prelude::InputStreamExtManual;
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match stream.read(&mut chunk[..], gio::Cancellable::NONE) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                out.extend_from_slice(&chunk[..n]);
                if out.len() > max {
                    return Err(out.len());
                }
            }
        }
    }
    Ok(out)
}

/// True if `request` comes from `webview`.
pub(crate) fn request_is_for(request: &SchemeRequest, webview: &wry::WebView) -> bool {
    use wry::WebViewExtUnix;
    request.web_view().as_ref() == Some(&webview.webview())
}

/// Answers `request` with `reply`.
pub(crate) fn finish(request: SchemeRequest, reply: SchemeReply) {
    let len = reply.len() as i64;
    let stream: gio::InputStream = match reply.body {
        ReplyBody::Bytes(bytes) => {
            gio::MemoryInputStream::from_bytes(&glib::Bytes::from_owned(bytes)).upcast()
        }
        ReplyBody::File { file, len } => file_range::FileRange::new(file, len).upcast(),
    };
    let response = URISchemeResponse::new(&stream, len);
    response.set_status(u32::from(reply.status), None);
    response.set_content_type(&reply.mime);
    let headers = soup::MessageHeaders::new(soup::MessageHeadersType::Response);
    // The engine uses the content type it is given for the body, but shows the page only
    // the headers: state it there too, with the length.
    headers.append("Content-Type", &reply.mime);
    headers.append("Content-Length", &len.to_string());
    for (name, value) in &reply.headers {
        headers.append(name, value);
    }
    response.set_http_headers(headers);
    request.finish_with_response(&response);
}

/// Ends `request` with a load error (its WebView is closing).
pub(crate) fn abandon(request: SchemeRequest, message: &str) {
    request.finish_error(&mut glib::Error::new(gio::IOErrorEnum::Closed, message));
}

/// A `GInputStream` over `len` bytes of a file from where it is positioned. It is not
/// pollable, so GIO runs WebKit's asynchronous reads of it on GIO's worker threads.
mod file_range {
    use super::gio;
    use auroraview_core::poison::MutexExt;
    use gio::subclass::prelude::*;
    use std::fs::File;
    use std::io::Read;
    use std::sync::Mutex;

    glib::wrapper! {
        pub(crate) struct FileRange(ObjectSubclass<imp::FileRange>)
            @extends gio::InputStream;
    }

    impl FileRange {
        pub(crate) fn new(file: File, len: u64) -> Self {
            let stream: Self = glib::Object::new();
            *stream.imp().state.lock_unpoisoned() = Some((file, len));
            stream
        }
    }

    mod imp {
        use super::*;

        #[derive(Default)]
        pub(crate) struct FileRange {
            /// The file and how many bytes of it are still to be read.
            pub(super) state: Mutex<Option<(File, u64)>>,
        }

        #[glib::object_subclass]
        impl ObjectSubclass for FileRange {
            const NAME: &'static str = "AuroraviewFileRange";
            type Type = super::FileRange;
            type ParentType = gio::InputStream;
        }

        impl ObjectImpl for FileRange {}

        impl InputStreamImpl for FileRange {
            fn read(
                &self,
                buffer: &mut [u8],
                _cancellable: Option<&gio::Cancellable>,
            ) -> Result<usize, glib::Error> {
                let mut state = self.state.lock_unpoisoned();
                let Some((file, left)) = state.as_mut() else {
                    return Ok(0);
                };
                let want = (*left).min(buffer.len() as u64) as usize;
                if want == 0 {
                    return Ok(0);
                }
                let n = file.read(&mut buffer[..want]).map_err(|err| {
                    glib::Error::new(
                        gio::IOErrorEnum::Failed,
                        &format!("reading an asset: {err}"),
                    )
                })?;
                *left -= n as u64;
                Ok(n)
            }

            fn close(&self, _cancellable: Option<&gio::Cancellable>) -> Result<(), glib::Error> {
                *self.state.lock_unpoisoned() = None;
                Ok(())
            }
        }
    }
}
