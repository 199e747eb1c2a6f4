//! The IPC protocol between the page's JS bridge and Rust: parsing what the page sends and
//! rendering what Rust sends into one script per batch.
//!
//! Page -> Rust: one JSON object per `window.ipc.postMessage`, always carrying the WebView's
//! secret token `k` (only the bridge in the main frame knows it; a cross-origin iframe that
//! reaches the raw message handler cannot forge it):
//!
//! ```text
//! {"k":TOKEN,"t":"init"}                                  bridge installed (document start)
//! {"k":TOKEN,"t":"ready"}                                 DOM ready: page ops may flow
//! {"k":TOKEN,"t":"call","id":7,"name":"save","data":{..}} JS -> handler call
//! {"k":TOKEN,"t":"emit","name":"clicked","data":{..}}     JS -> Python event
//! {"k":TOKEN,"t":"eval","id":3,"ok":true,"value":..}      result of an eval with result
//! {"k":TOKEN,"t":"eval","id":3,"ok":false,"error":{"name":..,"message":..}}
//! {"k":TOKEN,"t":"log","message":".."}                    error in a fire-and-forget eval
//! ```
//!
//! Rust -> page: a batch of [`PageOp`]s rendered as ONE call
//! `window.__auroraview_deliver([op, op, ...])`, in order. Every op is data (scripts travel
//! as JSON strings and are run by the bridge with `eval` inside try/catch), so one bad
//! script cannot break the rest of its batch.
//!
//! What must not live here: anything that touches a WebView or a thread.

use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt::{self, Write as _};

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

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default)]
    k: Option<&'a str>,
    t: &'a str,
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
}

fn raw_or_null(raw: Option<&RawValue>) -> String {
    raw.map_or_else(|| "null".to_owned(), |r| r.get().to_owned())
}

/// Parses and authenticates one page message.
pub fn parse_inbound(text: &str, token: &str) -> Result<Inbound, ParseError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(ParseError::TooLarge(text.len()));
    }
    let env: Envelope<'_> =
        serde_json::from_str(text).map_err(|e| ParseError::Malformed(e.to_string()))?;
    if env.k != Some(token) {
        return Err(ParseError::BadToken);
    }
    let missing = |what: &str| ParseError::Malformed(format!("'{}' without '{what}'", env.t));
    Ok(match env.t {
        "init" => Inbound::Init,
        "ready" => Inbound::Ready,
        "call" => Inbound::Call {
            id: env.id.ok_or_else(|| missing("id"))?,
            name: env.name.clone().ok_or_else(|| missing("name"))?,
            data: raw_or_null(env.data),
        },
        "emit" => Inbound::Emit {
            name: env.name.clone().ok_or_else(|| missing("name"))?,
            data: raw_or_null(env.data),
        },
        "eval" => {
            let id = env.id.ok_or_else(|| missing("id"))?;
            let outcome = match env.ok {
                Some(true) => Ok(raw_or_null(env.value)),
                Some(false) => Err(env.error.clone().unwrap_or(JsError {
                    name: "Error".into(),
                    message: "unknown JavaScript error".into(),
                })),
                None => return Err(missing("ok")),
            };
            Inbound::EvalResult { id, outcome }
        }
        "log" => Inbound::Log {
            message: env.message.clone().unwrap_or_default(),
        },
        other => return Err(ParseError::Malformed(format!("unknown type '{other}'"))),
    })
}

/// Parses one page post: a single message, or a batch (a JSON array of messages, which the
/// bridge sends for everything posted during one JS task). Each message is authenticated on
/// its own; the batch as a whole is refused only when it is too large or not an array.
pub fn parse_post(text: &str, token: &str) -> Result<Vec<Result<Inbound, ParseError>>, ParseError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(ParseError::TooLarge(text.len()));
    }
    if !text.trim_start().starts_with('[') {
        return Ok(vec![parse_inbound(text, token)]);
    }
    let items: Vec<&RawValue> =
        serde_json::from_str(text).map_err(|e| ParseError::Malformed(e.to_string()))?;
    Ok(items
        .into_iter()
        .map(|item| parse_inbound(item.get(), token))
        .collect())
}

/// Why an outbound op could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpError {
    /// The payload exceeds [`MAX_MESSAGE_BYTES`].
    TooLarge(usize),
    /// `data` is not valid JSON text.
    InvalidJson(String),
}

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpError::TooLarge(n) => write!(
                f,
                "payload of {n} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit"
            ),
            OpError::InvalidJson(why) => write!(f, "payload is not valid JSON: {why}"),
        }
    }
}

impl std::error::Error for OpError {}

/// One thing to do in the page. Build them with the checked constructors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageOp {
    /// Deliver an event to `auroraview.on(name, ...)` listeners.
    Emit { name: String, data: String },
    /// Settle the Promise of JS call `id`.
    Resolve {
        id: u64,
        outcome: Result<String, JsError>,
    },
    /// Run a script; errors are reported back as a log message.
    Eval { script: String },
    /// Run a script and report its (awaited) value as `Inbound::EvalResult { id }`.
    EvalWithResult { id: u64, script: String },
    /// The host is connected: resolves `auroraview.whenReady()`.
    Ack,
}

fn check_size(n: usize) -> Result<(), OpError> {
    if n > MAX_MESSAGE_BYTES {
        Err(OpError::TooLarge(n))
    } else {
        Ok(())
    }
}

fn check_json(data: &str) -> Result<(), OpError> {
    check_size(data.len())?;
    serde_json::from_str::<&RawValue>(data)
        .map(|_| ())
        .map_err(|e| OpError::InvalidJson(e.to_string()))
}

impl PageOp {
    /// An event; `data` must be JSON text.
    pub fn emit(name: impl Into<String>, data: impl Into<String>) -> Result<Self, OpError> {
        let data = data.into();
        check_json(&data)?;
        Ok(PageOp::Emit {
            name: name.into(),
            data,
        })
    }

    /// A call's value (JSON text) or error.
    pub fn resolve(id: u64, outcome: Result<String, JsError>) -> Result<Self, OpError> {
        match &outcome {
            Ok(value) => check_json(value)?,
            Err(err) => check_size(err.message.len())?,
        }
        Ok(PageOp::Resolve { id, outcome })
    }

    /// A fire-and-forget script.
    pub fn eval(script: impl Into<String>) -> Result<Self, OpError> {
        let script = script.into();
        check_size(script.len())?;
        Ok(PageOp::Eval { script })
    }

    /// A script whose value is reported back under `id`.
    pub fn eval_with_result(id: u64, script: impl Into<String>) -> Result<Self, OpError> {
        let script = script.into();
        check_size(script.len())?;
        Ok(PageOp::EvalWithResult { id, script })
    }

    fn render_into(&self, out: &mut String) {
        match self {
            PageOp::Emit { name, data } => {
                out.push_str("[\"e\",");
                push_js_string(out, name);
                out.push(',');
                out.push_str(data);
                out.push(']');
            }
            PageOp::Resolve { id, outcome } => {
                let _ = write!(out, "[\"r\",{id},");
                match outcome {
                    Ok(value) => {
                        out.push_str("1,");
                        out.push_str(value);
                    }
                    Err(err) => {
                        out.push_str("0,{\"name\":");
                        push_js_string(out, &err.name);
                        out.push_str(",\"message\":");
                        push_js_string(out, &err.message);
                        out.push('}');
                    }
                }
                out.push(']');
            }
            PageOp::Eval { script } => {
                out.push_str("[\"x\",");
                push_js_string(out, script);
                out.push(']');
            }
            PageOp::EvalWithResult { id, script } => {
                let _ = write!(out, "[\"v\",{id},");
                push_js_string(out, script);
                out.push(']');
            }
            PageOp::Ack => out.push_str("[\"a\"]"),
        }
    }
}

/// Renders a batch of ops as one script. Empty batches render nothing.
pub fn render_batch(ops: &[PageOp], out: &mut String) {
    if ops.is_empty() {
        return;
    }
    out.push_str("window.__auroraview_deliver&&window.__auroraview_deliver([");
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        op.render_into(out);
    }
    out.push_str("]);");
}

/// Appends `s` as a JavaScript string literal (JSON string syntax, plus escapes for
/// U+2028/U+2029, which older engines do not accept raw in string literals).
fn push_js_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "tok";

    #[test]
    fn parses_every_message_type() {
        assert_eq!(
            parse_inbound(
                r#"{"k":"tok","t":"call","id":7,"name":"save","data":{"a":[1,2]}}"#,
                T
            ),
            Ok(Inbound::Call {
                id: 7,
                name: "save".into(),
                data: r#"{"a":[1,2]}"#.into()
            })
        );
        assert_eq!(
            parse_inbound(r#"{"k":"tok","t":"call","id":1,"name":"x"}"#, T),
            Ok(Inbound::Call {
                id: 1,
                name: "x".into(),
                data: "null".into()
            })
        );
        assert_eq!(
            parse_inbound(r#"{"k":"tok","t":"emit","name":"e","data":3}"#, T),
            Ok(Inbound::Emit {
                name: "e".into(),
                data: "3".into()
            })
        );
        assert_eq!(
            parse_inbound(r#"{"k":"tok","t":"eval","id":3,"ok":true,"value":"hi"}"#, T),
            Ok(Inbound::EvalResult {
                id: 3,
                outcome: Ok("\"hi\"".into())
            })
        );
        assert_eq!(
            parse_inbound(
                r#"{"k":"tok","t":"eval","id":3,"ok":false,"error":{"name":"TypeError","message":"x is undefined"}}"#,
                T
            ),
            Ok(Inbound::EvalResult {
                id: 3,
                outcome: Err(JsError {
                    name: "TypeError".into(),
                    message: "x is undefined".into()
                })
            })
        );
        assert_eq!(
            parse_inbound(r#"{"k":"tok","t":"init"}"#, T),
            Ok(Inbound::Init)
        );
        assert_eq!(
            parse_inbound(r#"{"k":"tok","t":"ready"}"#, T),
            Ok(Inbound::Ready)
        );
    }

    #[test]
    fn parses_batches_message_by_message() {
        let batch = r#"[{"k":"tok","t":"call","id":1,"name":"a"},{"k":"x","t":"init"},{"k":"tok","t":"emit","name":"e","data":[1]}]"#;
        let out = parse_post(batch, T).unwrap();
        assert_eq!(out.len(), 3);
        assert!(matches!(&out[0], Ok(Inbound::Call { id: 1, .. })));
        assert_eq!(out[1], Err(ParseError::BadToken));
        assert!(matches!(&out[2], Ok(Inbound::Emit { data, .. }) if data == "[1]"));
        assert_eq!(
            parse_post(r#"{"k":"tok","t":"ready"}"#, T).unwrap(),
            vec![Ok(Inbound::Ready)]
        );
        assert!(matches!(
            parse_post("[1,", T),
            Err(ParseError::Malformed(_))
        ));
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!(
            parse_inbound(r#"{"t":"call","id":1,"name":"x"}"#, T),
            Err(ParseError::BadToken)
        );
        assert_eq!(
            parse_inbound(r#"{"k":"other","t":"call","id":1,"name":"x"}"#, T),
            Err(ParseError::BadToken)
        );
        assert!(matches!(
            parse_inbound("not json", T),
            Err(ParseError::Malformed(_))
        ));
        assert!(matches!(
            parse_inbound(r#"{"k":"tok","t":"call","name":"x"}"#, T),
            Err(ParseError::Malformed(m)) if m.contains("id")
        ));
        assert!(matches!(
            parse_inbound(r#"{"k":"tok","t":"warp"}"#, T),
            Err(ParseError::Malformed(m)) if m.contains("warp")
        ));
        let huge = format!(
            r#"{{"k":"tok","t":"emit","name":"x","data":"{}"}}"#,
            "a".repeat(MAX_MESSAGE_BYTES)
        );
        assert!(matches!(
            parse_inbound(&huge, T),
            Err(ParseError::TooLarge(_))
        ));
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
        ];
        let mut out = String::new();
        render_batch(&ops, &mut out);
        assert_eq!(
            out,
            concat!(
                "window.__auroraview_deliver&&window.__auroraview_deliver([",
                r#"["e","a",{"n":1}],["x","throw new Error('x')"],["r",4,1,[1]],"#,
                r#"["r",5,0,{"name":"KeyError","message":"no \"key\"\n"}],"#,
                r#"["v",9,"1+1"],["a"]]);"#
            )
        );
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
