//! The IPC protocol between the page's JS bridge and Rust: parsing what the page sends and
//! rendering what Rust sends into one script per batch.
//!
//! Page -> Rust: one post per JavaScript task, a JSON object that carries the WebView's
//! secret token `k` once (only the bridge in the main frame knows it: a sub-frame, or a
//! script that reaches the engine's raw message handler, cannot forge it), the URL of the
//! document that sent it `u` (its first 4096 characters, read through a getter captured
//! before any page script ran; the host judges the sender's origin by it), the id of the
//! document that sent it `d` (random per document; where posts do not come the engine's way,
//! it tells a new page's from an old one's) and the messages `m`, in order:
//!
//! ```text
//! {"k":TOKEN,"d":"8364...","u":"https://tools.studio.local/panel","m":[MESSAGE, ...]}
//!
//! {"t":"init"}                                  bridge installed (document start)
//! {"t":"ready"}                                 DOM ready (or page restored): ops may flow
//! {"t":"call","id":7,"name":"save","data":{..}} JS -> handler call
//!   optional "c":1    the caller listens to the call's channel (`onMessage`)
//!   optional "b":1    a bound-method call (`auroraview.api.save(...)`): data is
//!                     {"args":[..],"kwargs":{..}}
//! {"t":"emit","name":"clicked","data":{..}}     JS -> Python event
//! {"t":"eval","id":3,"ok":true,"value":..}      result of an eval with result
//! {"t":"eval","id":3,"ok":false,"error":{"name":..,"message":..}}
//! {"t":"log","message":".."}                    error in a fire-and-forget eval or listener
//! ```
//!
//! Rust -> page (`ipc/outbound.rs`): a batch of [`PageOp`]s rendered as ONE call
//! `window.__auroraview_deliver([op, op, ...])`, in order. Every op is data (scripts travel
//! as JSON strings and are run by the bridge with `eval` inside try/catch), so one bad
//! script cannot break the rest of its batch. The array is JSON. A small batch that someone
//! waits on (an answer, an evaluation) is nothing but one call of a global's method with it:
//! JavaScriptCore recognises that shape (JSONP) and reads the array with its JSON parser
//! instead of compiling a script, which cuts a call's round trip by about a fifth (no `&&`
//! guard is needed: the bridge defines the function, unwritable, before any page script
//! runs). Other batches keep the guard, which makes JavaScriptCore compile them ([`jsonp`]
//! says which, and why). The ops, as the bridge reads them:
//!
//! ```text
//! ["e", name, data]              deliver event `name` to auroraview.on listeners
//! ["r", id, 1, value]            resolve call `id` with value
//! ["r", id, 0, {name, message}]  reject call `id` with an Error named `name`
//! ["x", script]                  run a script; errors are reported as a "log" message
//! ["v", id, script]              run a script, report its (awaited) value as "eval" `id`
//! ["a"]                          the host is connected: resolves auroraview.whenReady()
//! ["m", id, data]                a message on call `id`'s channel, before its result
//! ```
//!
//! [`OP_TAGS`] lists the tags; a test checks that the bridge (`bridge.js`, `bridge_page.js` in
//! auroraview-webview) handles exactly those.
//!
//! What must not live here: anything that touches a WebView or a thread.

use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

/// Largest message accepted in either direction, in bytes (16 MiB). Larger payloads are
/// rejected with an error to their sender: the page's bridge rejects the call's Promise,
/// Rust and Python senders get [`OpError::TooLarge`].
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// A JavaScript error (or a Python exception travelling to JS): its type name and message.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct JsError {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub message: String,
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.name, self.message)
        }
    }
}

/// A message from the page, parsed and authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    Init,
    Ready,
    /// A JS call; `data` is its argument as JSON text (`null` when absent).
    Call {
        id: u64,
        name: String,
        data: String,
        /// The caller listens to the call's channel.
        channel: bool,
        /// A bound-method call: `data` is `{"args": [...], "kwargs": {...}}`.
        bound: bool,
    },
    /// A JS -> host event; `data` as JSON text.
    Emit {
        name: String,
        data: String,
    },
    /// The outcome of an eval that wanted a result; `Ok` holds JSON text.
    EvalResult {
        id: u64,
        outcome: Result<String, JsError>,
    },
    /// An error thrown by a fire-and-forget script.
    Log {
        message: String,
    },
}

/// Why a page message was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    TooLarge(usize),
    BadToken,
    Malformed(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::TooLarge(n) => write!(
                f,
                "IPC message of {n} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit"
            ),
            ParseError::BadToken => f.write_str("IPC message without this WebView's token"),
            ParseError::Malformed(why) => write!(f, "malformed IPC message: {why}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// The tags of rendered [`PageOp`]s, as the bridge's `deliver` switches on them.
pub const OP_TAGS: [&str; 6] = ["e", "r", "x", "v", "a", "m"];

/// How much the bridge gathers into one post before sending it (UTF-16 units of the
/// messages, about bytes for ASCII): 32 KiB. Receiving a post costs the host's UI thread
/// about 10-20 us per KiB here (the engine's string conversion and the parse), and in hosted
/// mode that thread is the DCC's main thread. So a burst of thousands of small messages
/// arrives as posts of well under a millisecond each, which the loop can interleave with the
/// host's own work, not as one that holds it for several ms. A message larger than this travels
/// in a post of its own.
pub const POST_TARGET_BYTES: usize = 32 * 1024;

/// Largest page post accepted: one message of [`MAX_MESSAGE_BYTES`] plus its envelope (the
/// token and the sender's URL).
pub const MAX_POST_BYTES: usize = MAX_MESSAGE_BYTES + 64 * 1024;

/// A page post, authenticated: the sender's document URL and its messages, in order, each
/// parsed on its own (one malformed message does not cost the others).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// The first characters of the URL of the document that posted.
    pub url: String,
    /// The posting bridge's document id (`"d"`: random, one per document the bridge runs
    /// in), when it says it: which document a post is from when it did not come the engine's
    /// way, whose order with the engine's navigation events is not kept.
    pub doc: Option<String>,
    pub messages: Vec<Result<Inbound, ParseError>>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default, borrow)]
    k: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    d: Option<String>,
    #[serde(default)]
    u: Option<String>,
    #[serde(default, borrow)]
    m: Option<Vec<&'a RawValue>>,
}

/// A post read in one pass, its messages included (see [`parse_post`]).
#[derive(Deserialize)]
struct WholePost<'a> {
    #[serde(default, borrow)]
    k: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    d: Option<String>,
    #[serde(default)]
    u: Option<String>,
    #[serde(default, borrow)]
    m: Option<Vec<Message<'a>>>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow)]
    t: std::borrow::Cow<'a, str>,
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, borrow)]
    data: Option<&'a RawValue>,
    #[serde(default)]
    ok: Option<bool>,
    #[serde(default, borrow)]
    value: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<JsError>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    c: Option<u8>,
    #[serde(default)]
    b: Option<u8>,
}

fn raw_or_null(raw: Option<&RawValue>) -> String {
    raw.map_or_else(|| "null".to_owned(), |r| r.get().to_owned())
}

/// Compares two tokens in time that depends only on their lengths.
fn same_token(given: &str, token: &str) -> bool {
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// The token a post of the bridge starts with (`{"k":"<token>",...`), without parsing it:
/// which WebView a post is for when its carrier does not say (the bridge's socket). Whether
/// the post is that WebView's is still [`parse_post`]'s to judge.
pub fn post_token(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("{\"k\":\"")?;
    rest.get(..rest.find('"')?)
}

/// Parses and authenticates one page post (see the module docs for its shape).
pub fn parse_post(text: &str, token: &str) -> Result<Post, ParseError> {
    if text.len() > MAX_POST_BYTES {
        return Err(ParseError::TooLarge(text.len()));
    }
    // One pass when every message is a well-formed object and none can be over its own
    // limit (the whole post is within it): what the bridge sends. 5,000 small calls parse in
    // about half the time of the path below, which reads the envelope and then each message
    // on its own, so that a bad one is refused alone and says why.
    if text.len() <= MAX_MESSAGE_BYTES {
        if let Ok(post) = serde_json::from_str::<WholePost<'_>>(text) {
            if !post.k.as_deref().is_some_and(|k| same_token(k, token)) {
                return Err(ParseError::BadToken);
            }
            let messages = post
                .m
                .ok_or_else(|| ParseError::Malformed("a post without its messages 'm'".into()))?;
            return Ok(Post {
                url: post.u.unwrap_or_default(),
                doc: post.d,
                messages: messages.into_iter().map(inbound).collect(),
            });
        }
    }
    let env: Envelope<'_> =
        serde_json::from_str(text).map_err(|e| ParseError::Malformed(e.to_string()))?;
    if !env.k.as_deref().is_some_and(|k| same_token(k, token)) {
        return Err(ParseError::BadToken);
    }
    let items = env
        .m
        .ok_or_else(|| ParseError::Malformed("a post without its messages 'm'".into()))?;
    Ok(Post {
        url: env.u.unwrap_or_default(),
        doc: env.d,
        messages: items
            .into_iter()
            .map(|item| parse_message(item.get()))
            .collect(),
    })
}

/// Parses one message of an authenticated post.
pub fn parse_message(text: &str) -> Result<Inbound, ParseError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(ParseError::TooLarge(text.len()));
    }
    let msg: Message<'_> =
        serde_json::from_str(text).map_err(|e| ParseError::Malformed(e.to_string()))?;
    inbound(msg)
}

/// What a parsed message says, or why it is not a message of the protocol.
fn inbound(msg: Message<'_>) -> Result<Inbound, ParseError> {
    let missing = |what: &str| ParseError::Malformed(format!("'{}' without '{what}'", msg.t));
    Ok(match msg.t.as_ref() {
        "init" => Inbound::Init,
        "ready" => Inbound::Ready,
        "call" => Inbound::Call {
            id: msg.id.ok_or_else(|| missing("id"))?,
            name: msg.name.ok_or_else(|| missing("name"))?,
            data: raw_or_null(msg.data),
            channel: msg.c == Some(1),
            bound: msg.b == Some(1),
        },
        "emit" => Inbound::Emit {
            name: msg.name.ok_or_else(|| missing("name"))?,
            data: raw_or_null(msg.data),
        },
        "eval" => {
            let id = msg.id.ok_or_else(|| missing("id"))?;
            let outcome = match msg.ok {
                Some(true) => Ok(raw_or_null(msg.value)),
                Some(false) => Err(msg.error.unwrap_or(JsError {
                    name: "Error".into(),
                    message: "unknown JavaScript error".into(),
                })),
                None => return Err(missing("ok")),
            };
            Inbound::EvalResult { id, outcome }
        }
        "log" => Inbound::Log {
            message: msg.message.unwrap_or_default(),
        },
        other => return Err(ParseError::Malformed(format!("unknown type '{other}'"))),
    })
}

mod outbound;
#[cfg(test)]
use outbound::push_js_string;
pub use outbound::{jsonp, render_batch, OpError, PageOp, JSONP_MAX_BYTES};

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "tok";

    fn post(messages: &str) -> String {
        format!(r#"{{"k":"tok","u":"https://tools.local/panel","m":[{messages}]}}"#)
    }

    #[test]
    fn a_posts_token_is_read_from_its_start_only() {
        assert_eq!(post_token(&post("")), Some(T));
        assert_eq!(post_token(r#"{"k":"","m":[]}"#), Some(""));
        assert_eq!(post_token(r#"{"u":"x","k":"tok","m":[]}"#), None);
        assert_eq!(post_token(r#"{"k":"tok"#), None);
        assert_eq!(post_token(""), None);
    }

    #[test]
    fn parses_every_message_type() {
        assert_eq!(
            parse_message(r#"{"t":"call","id":7,"name":"save","data":{"a":[1,2]}}"#),
            Ok(Inbound::Call {
                id: 7,
                name: "save".into(),
                data: r#"{"a":[1,2]}"#.into(),
                channel: false,
                bound: false,
            })
        );
        assert_eq!(
            parse_message(r#"{"t":"call","id":1,"name":"x"}"#),
            Ok(Inbound::Call {
                id: 1,
                name: "x".into(),
                data: "null".into(),
                channel: false,
                bound: false,
            })
        );
        assert_eq!(
            parse_message(r#"{"t":"call","id":2,"name":"api.x","c":1,"b":1,"data":{"args":[]}}"#),
            Ok(Inbound::Call {
                id: 2,
                name: "api.x".into(),
                data: r#"{"args":[]}"#.into(),
                channel: true,
                bound: true,
            })
        );
        assert_eq!(
            parse_message(r#"{"t":"emit","name":"e","data":3}"#),
            Ok(Inbound::Emit {
                name: "e".into(),
                data: "3".into()
            })
        );
        assert_eq!(
            parse_message(r#"{"t":"eval","id":3,"ok":true,"value":"hi"}"#),
            Ok(Inbound::EvalResult {
                id: 3,
                outcome: Ok("\"hi\"".into())
            })
        );
        assert_eq!(
            parse_message(
                r#"{"t":"eval","id":3,"ok":false,"error":{"name":"TypeError","message":"x is undefined"}}"#
            ),
            Ok(Inbound::EvalResult {
                id: 3,
                outcome: Err(JsError {
                    name: "TypeError".into(),
                    message: "x is undefined".into()
                })
            })
        );
        assert_eq!(parse_message(r#"{"t":"init"}"#), Ok(Inbound::Init));
        assert_eq!(parse_message(r#"{"t":"ready"}"#), Ok(Inbound::Ready));
    }

    #[test]
    fn parses_posts_message_by_message() {
        let text = post(
            r#"{"t":"call","id":1,"name":"a"},{"t":"nope"},{"t":"emit","name":"e","data":[1]}"#,
        );
        let got = parse_post(&text, T).unwrap();
        assert_eq!(got.url, "https://tools.local/panel");
        assert_eq!(got.messages.len(), 3);
        assert!(matches!(&got.messages[0], Ok(Inbound::Call { id: 1, .. })));
        assert!(matches!(&got.messages[1], Err(ParseError::Malformed(m)) if m.contains("nope")));
        assert!(matches!(&got.messages[2], Ok(Inbound::Emit { data, .. }) if data == "[1]"));
        assert!(matches!(
            parse_post("[1,", T),
            Err(ParseError::Malformed(_))
        ));
        assert!(matches!(
            parse_post(r#"{"k":"tok"}"#, T),
            Err(ParseError::Malformed(m)) if m.contains("'m'")
        ));
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!(
            parse_post(r#"{"u":"x","m":[{"t":"call","id":1,"name":"x"}]}"#, T),
            Err(ParseError::BadToken)
        );
        assert_eq!(
            parse_post(r#"{"k":"other","m":[]}"#, T),
            Err(ParseError::BadToken)
        );
        assert_eq!(
            parse_post(r#"{"k":"to","m":[]}"#, T),
            Err(ParseError::BadToken)
        );
        assert_eq!(
            parse_post(r#"{"k":"tok2","m":[]}"#, T),
            Err(ParseError::BadToken)
        );
        assert!(matches!(
            parse_post("not json", T),
            Err(ParseError::Malformed(_))
        ));
        assert!(matches!(
            parse_message(r#"{"t":"call","name":"x"}"#),
            Err(ParseError::Malformed(m)) if m.contains("id")
        ));
        assert!(matches!(
            parse_message(r#"{"t":"warp"}"#),
            Err(ParseError::Malformed(m)) if m.contains("warp")
        ));
        let huge = format!(
            r#"{{"t":"emit","name":"x","data":"{}"}}"#,
            "a".repeat(MAX_MESSAGE_BYTES)
        );
        assert!(matches!(parse_message(&huge), Err(ParseError::TooLarge(_))));
        // Within the post's limit, the one message over its own limit is refused alone.
        let got = parse_post(&post(&huge), T).unwrap();
        assert!(matches!(got.messages[..], [Err(ParseError::TooLarge(_))]));
        let over = format!("{}{}", post(""), " ".repeat(MAX_POST_BYTES));
        assert!(matches!(parse_post(&over, T), Err(ParseError::TooLarge(_))));
    }

    #[test]
    fn renders_one_batch_in_order() {
        let ops = vec![
            PageOp::emit("a", r#"{"n":1}"#).unwrap(),
            PageOp::eval("throw new Error('x')").unwrap(),
            PageOp::resolve(4, Ok("[1]".into())).unwrap(),
            PageOp::resolve(
                5,
                Err(JsError {
                    name: "KeyError".into(),
                    message: "no \"key\"\n".into(),
                }),
            )
            .unwrap(),
            PageOp::eval_with_result(9, "1+1").unwrap(),
            PageOp::Ack,
            PageOp::message(4, r#"{"p":0.5}"#).unwrap(),
        ];
        let mut out = String::new();
        render_batch(&ops, &mut out);
        assert_eq!(
            out,
            concat!(
                "window.__auroraview_deliver([",
                r#"["e","a",{"n":1}],["x","throw new Error('x')"],["r",4,1,[1]],"#,
                r#"["r",5,0,{"name":"KeyError","message":"no \"key\"\n"}],"#,
                r#"["v",9,"1+1"],["a"],["m",4,{"p":0.5}]]);"#
            )
        );
    }

    #[test]
    fn small_awaited_batches_are_jsonp_the_rest_keep_the_guard() {
        const GUARDED: &str = "window.__auroraview_deliver&&window.__auroraview_deliver([[";
        let answer = PageOp::resolve(1, Ok("2".into())).unwrap();
        let event = PageOp::emit("e", "1").unwrap();
        let big = PageOp::emit("big", format!("\"{}\"", "x".repeat(JSONP_MAX_BYTES))).unwrap();
        let mut out = String::new();
        render_batch(&[PageOp::Ack], &mut out);
        assert_eq!(out, r#"window.__auroraview_deliver([["a"]]);"#);
        for (ops, jsonp) in [
            (vec![answer.clone()], true),
            (vec![event.clone(), answer.clone()], true),
            (vec![PageOp::eval_with_result(3, "1").unwrap()], true),
            (vec![event.clone()], false),
            (vec![PageOp::message(1, "1").unwrap()], false),
            (vec![big, answer], false),
        ] {
            out.clear();
            render_batch(&ops, &mut out);
            assert_eq!(!out.starts_with(GUARDED), jsonp, "{out:.80}");
            assert_eq!(super::jsonp(&ops), jsonp);
        }
    }

    #[test]
    fn outbound_payloads_are_checked() {
        assert!(matches!(
            PageOp::emit("x", "{not json"),
            Err(OpError::InvalidJson(_))
        ));
        assert!(matches!(
            PageOp::emit("x", "1); alert(1); (2"),
            Err(OpError::InvalidJson(_))
        ));
        let big = format!("\"{}\"", "a".repeat(MAX_MESSAGE_BYTES));
        assert!(matches!(PageOp::emit("x", big), Err(OpError::TooLarge(_))));
    }

    #[test]
    fn js_strings_escape_line_separators_and_controls() {
        let mut out = String::new();
        push_js_string(&mut out, "a\u{2028}b\u{1}c");
        assert_eq!(out, r#""a\u2028b\u0001c""#);
    }
}
