//! Platforms other than Linux: custom URL schemes (asset roots, `register_protocol`) are not
//! implemented yet. Registering one logs an error once; no request ever arrives.

use crate::scheme::SchemeReply;

/// No request object exists here.
pub(crate) enum SchemeRequest {}
/// Nothing to register schemes on.
#[derive(PartialEq)]
pub(crate) struct SchemeContext;

pub(crate) struct RequestInfo {
    pub(crate) scheme: String,
    pub(crate) url: String,
    pub(crate) method: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Result<Vec<u8>, usize>,
}

pub(crate) fn scheme_context(_webview: &wry::WebView) -> Option<SchemeContext> {
    Some(SchemeContext)
}

pub(crate) fn register_scheme(_context: &SchemeContext, scheme: &str) {
    log::error!(
        "auroraview: custom URL schemes ({scheme}://) are implemented on Linux only so far; \
         on {} its pages will not load",
        std::env::consts::OS
    );
}

pub(crate) fn request_info(request: &SchemeRequest, _max_body: usize) -> RequestInfo {
    match *request {}
}

pub(crate) fn request_is_for(request: &SchemeRequest, _webview: &wry::WebView) -> bool {
    match *request {}
}

pub(crate) fn finish(request: SchemeRequest, _reply: SchemeReply) {
    match request {}
}

pub(crate) fn abandon(request: SchemeRequest, _message: &str) {
    match request {}
}
