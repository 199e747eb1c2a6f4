//! The JS bridge injected into every page (`bridge.js` then `bridge_page.js`: one function
//! in two files), with this WebView's token, the message size limit and the platform's
//! native post function filled in.

use auroraview_core::ipc::{MAX_MESSAGE_BYTES, POST_TARGET_BYTES};

const SOURCE: &str = concat!(include_str!("bridge.js"), include_str!("bridge_page.js"));

/// The bridge script for a WebView whose messages carry `token`; `console` forwards the
/// page's `console.*` calls to the host.
pub(crate) fn script(token: &str, console: bool) -> String {
    debug_assert!(token.chars().all(|c| c.is_ascii_alphanumeric()));
    SOURCE
        .replace("__AV_TOKEN__", token)
        .replace("__AV_CONSOLE__", if console { "true" } else { "false" })
        .replace("__AV_MAX__", &MAX_MESSAGE_BYTES.to_string())
        .replace("__AV_POST_TARGET__", &POST_TARGET_BYTES.to_string())
        .replace("__AV_POST__", crate::platform::BRIDGE_POST)
}

#[cfg(test)]
mod tests {
    use auroraview_core::ipc::OP_TAGS;

    /// The page ops the renderer emits are exactly those `deliver` handles.
    #[test]
    fn the_bridge_handles_every_op_tag_and_no_other() {
        let cases: Vec<&str> = super::SOURCE
            .split("case \"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or(""))
            .collect();
        let mut expected: Vec<&str> = OP_TAGS.to_vec();
        let mut got = cases.clone();
        expected.sort_unstable();
        got.sort_unstable();
        assert_eq!(
            got, expected,
            "the bridge's cases {cases:?} vs OP_TAGS {OP_TAGS:?}"
        );
    }

    /// Every placeholder is filled.
    #[test]
    fn the_script_has_no_placeholder_left() {
        let script = super::script("abc123", true);
        assert!(!script.contains("__AV_"), "a placeholder is left");
        assert!(script.contains("\"abc123\""));
    }
}
