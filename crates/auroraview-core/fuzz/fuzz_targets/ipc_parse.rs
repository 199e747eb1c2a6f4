//! Fuzzes the inbound parser with any bytes a page (or anything reaching the engine's
//! message handler) could post. Invariants: no panic, no stack overflow; a post is
//! authenticated only with the exact token; an authenticated post keeps every message, each
//! parsed or refused with a reason; nothing over the size limits is accepted.
#![no_main]

use auroraview_core::ipc::{
    parse_message, parse_post, Inbound, ParseError, MAX_MESSAGE_BYTES, MAX_POST_BYTES,
};
use libfuzzer_sys::fuzz_target;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // As sent: the bytes alone, and the bytes planted in an authenticated post.
    check_post(text);
    check_post(&format!(
        r#"{{"k":"{TOKEN}","u":"about:blank","m":[{text}]}}"#
    ));
    match parse_message(text) {
        Ok(message) => check_message(&message, text),
        Err(ParseError::Malformed(why)) => assert!(!why.is_empty()),
        Err(ParseError::TooLarge(n)) => assert!(n > MAX_MESSAGE_BYTES),
        Err(ParseError::BadToken) => panic!("a message has no token to check"),
    }
});

fn check_post(text: &str) {
    match parse_post(text, TOKEN) {
        Ok(post) => {
            assert!(text.contains(TOKEN), "authenticated without the token");
            assert!(text.len() <= MAX_POST_BYTES);
            for message in &post.messages {
                match message {
                    Ok(m) => check_message(m, text),
                    Err(ParseError::Malformed(why)) => assert!(!why.is_empty()),
                    Err(ParseError::TooLarge(n)) => assert!(*n > MAX_MESSAGE_BYTES),
                    Err(ParseError::BadToken) => panic!("a message refused for a token"),
                }
            }
        }
        Err(ParseError::TooLarge(n)) => assert!(n > MAX_POST_BYTES),
        Err(ParseError::Malformed(why)) => assert!(!why.is_empty()),
        Err(ParseError::BadToken) => {}
    }
}

fn check_message(message: &Inbound, text: &str) {
    // Data handed on is valid JSON text (the handler's decoder judges it, not us).
    let json = match message {
        Inbound::Call { data, .. } | Inbound::Emit { data, .. } => Some(data),
        Inbound::EvalResult {
            outcome: Ok(value), ..
        } => Some(value),
        _ => None,
    };
    if let Some(json) = json {
        assert!(json.len() <= text.len() || json == "null");
        assert!(
            serde_json::from_str::<&serde_json::value::RawValue>(json).is_ok(),
            "handed on data that is not JSON"
        );
    }
}
