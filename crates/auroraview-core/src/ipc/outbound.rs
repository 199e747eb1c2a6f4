//! Rust -> page: the [`PageOp`]s a WebView's page is sent, checked when built (size, JSON),
//! and rendered, a batch at a time, as one `window.__auroraview_deliver([...])` call (the
//! format is in the parent module's documentation).
//!
//! What must not live here: parsing what the page sends (the parent module), anything that
//! touches a WebView or a thread.

use super::{JsError, MAX_MESSAGE_BYTES};
use serde_json::value::RawValue;
use std::fmt::{self, Write as _};

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
    /// A message on call `id`'s channel (`onMessage`); `data` is JSON text.
    Message { id: u64, data: String },
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

    /// A message on a call's channel; `data` must be JSON text.
    pub fn message(id: u64, data: impl Into<String>) -> Result<Self, OpError> {
        let data = data.into();
        check_json(&data)?;
        Ok(PageOp::Message { id, data })
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

    /// About how many bytes the op takes (its payload and script): what bounds on held
    /// ops count.
    pub fn weight(&self) -> usize {
        16 + match self {
            PageOp::Emit { name, data } => name.len() + data.len(),
            PageOp::Message { data, .. } => data.len(),
            PageOp::Resolve { outcome, .. } => match outcome {
                Ok(value) => value.len(),
                Err(err) => err.name.len() + err.message.len(),
            },
            PageOp::Eval { script } | PageOp::EvalWithResult { script, .. } => script.len(),
            PageOp::Ack => 0,
        }
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
            PageOp::Message { id, data } => {
                let _ = write!(out, "[\"m\",{id},");
                out.push_str(data);
                out.push(']');
            }
        }
    }
}

/// Most weight ([`PageOp::weight`]) of a batch rendered in the shape JavaScriptCore reads as
/// JSON (JSONP; see [`jsonp`]).
pub const JSONP_MAX_BYTES: usize = 16 * 1024;

/// True if `ops` go in the shape JavaScriptCore reads as JSON (a bare call, no guard), which
/// is several times cheaper for the page than the guarded script it compiles: a batch that
/// someone waits on (a call's answer, an evaluation, the ready signal), up to
/// [`JSONP_MAX_BYTES`]. The rest (events, channel messages, fire-and-forget scripts, and any
/// large batch) keeps the guard. Measured, with every batch read as JSON:
/// - a page flooded by 4 threads' emits (hosted, the engine's way) took them about 40%
///   faster, and its own timers starved: its calls fell from ~130 to ~9 per second
///   (`test_close_in_the_middle_of_a_flood[maya]`);
/// - own mode, 8 threads' emits: the page took each delivery sooner, so the UI thread sent
///   more, smaller batches, and throughput fell by a fifth (229k against 280k events/s).
///
/// The page runs the runtime's deliveries ahead of its own tasks, and nothing but a
/// delivery's cost paces them; bounding a page's deliveries in flight (flow control) would
/// let every batch take the cheap shape.
pub fn jsonp(ops: &[PageOp]) -> bool {
    let awaited = |op: &PageOp| {
        matches!(
            op,
            PageOp::Resolve { .. } | PageOp::EvalWithResult { .. } | PageOp::Ack
        )
    };
    ops.iter().any(awaited) && ops.iter().map(PageOp::weight).sum::<usize>() <= JSONP_MAX_BYTES
}

/// Renders a batch of ops as one script. Empty batches render nothing.
pub fn render_batch(ops: &[PageOp], out: &mut String) {
    if ops.is_empty() {
        return;
    }
    out.push_str(if jsonp(ops) {
        "window.__auroraview_deliver(["
    } else {
        "window.__auroraview_deliver&&window.__auroraview_deliver(["
    });
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
pub(super) fn push_js_string(out: &mut String, s: &str) {
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
