//! The JS bridge injected into every page (`bridge.js`), with this WebView's token and the
//! message size limit filled in.

use auroraview_core::ipc::MAX_MESSAGE_BYTES;

const SOURCE: &str = include_str!("bridge.js");

/// The bridge script for a WebView whose messages carry `token`.
pub(crate) fn script(token: &str) -> String {
    debug_assert!(token.chars().all(|c| c.is_ascii_alphanumeric()));
    SOURCE
        .replace("__AV_TOKEN__", token)
        .replace("__AV_MAX__", &MAX_MESSAGE_BYTES.to_string())
}
