//! Fuzzes the outbound renderer with any names, payloads and scripts. Invariants: the
//! checked constructors refuse what they must (invalid JSON, over the limit); a rendered
//! batch is exactly `window.__auroraview_deliver(ARRAY);` (or, when `ipc::jsonp` says no, the
//! same call behind a `window.__auroraview_deliver&&` guard) where
//! ARRAY is JSON whose elements are the ops in order, each string equal to what was given:
//! no name, message or script can break out of its literal into code. (Payload JSON is
//! inserted as given, already checked to be JSON.)
#![no_main]

use arbitrary::Arbitrary;
use auroraview_core::ipc::{jsonp, render_batch, JsError, PageOp, MAX_MESSAGE_BYTES};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

#[derive(Arbitrary, Debug)]
enum Op {
    Emit {
        name: String,
        data: String,
    },
    Resolve {
        id: u64,
        value: String,
    },
    Reject {
        id: u64,
        name: String,
        message: String,
    },
    Eval {
        script: String,
    },
    EvalWithResult {
        id: u64,
        script: String,
    },
    Ack,
}

/// A small batch's shape (JavaScriptCore reads its argument as JSON), and a large one's.
const PREFIX: &str = "window.__auroraview_deliver(";
const GUARDED_PREFIX: &str = "window.__auroraview_deliver&&window.__auroraview_deliver(";

fuzz_target!(|ops: Vec<Op>| {
    let mut built = Vec::new();
    let mut expected = Vec::new();
    for op in ops {
        let (page_op, want) = match op {
            Op::Emit { name, data } => match PageOp::emit(name.clone(), data.clone()) {
                Ok(op) => match serde_json::from_str::<Value>(&data) {
                    Ok(data) => (op, json!(["e", name, data])),
                    Err(_) => continue, // valid JSON a serde Value cannot hold (1e400)
                },
                Err(_) => {
                    assert!(
                        serde_json::from_str::<Value>(&data).is_err()
                            || data.len() > MAX_MESSAGE_BYTES
                    );
                    continue;
                }
            },
            Op::Resolve { id, value } => match PageOp::resolve(id, Ok(value.clone())) {
                Ok(op) => match serde_json::from_str::<Value>(&value) {
                    Ok(value) => (op, json!(["r", id, 1, value])),
                    Err(_) => continue,
                },
                Err(_) => continue,
            },
            Op::Reject { id, name, message } => {
                let err = JsError {
                    name: name.clone(),
                    message: message.clone(),
                };
                match PageOp::resolve(id, Err(err)) {
                    Ok(op) => (op, json!(["r", id, 0, {"name": name, "message": message}])),
                    Err(_) => continue,
                }
            }
            Op::Eval { script } => match PageOp::eval(script.clone()) {
                Ok(op) => (op, json!(["x", script])),
                Err(_) => continue,
            },
            Op::EvalWithResult { id, script } => match PageOp::eval_with_result(id, script.clone())
            {
                Ok(op) => (op, json!(["v", id, script])),
                Err(_) => continue,
            },
            Op::Ack => (PageOp::Ack, json!(["a"])),
        };
        built.push(page_op);
        expected.push(want);
    }
    let mut out = String::new();
    render_batch(&built, &mut out);
    if built.is_empty() {
        assert!(out.is_empty());
        return;
    }
    let prefix = if jsonp(&built) {
        PREFIX
    } else {
        GUARDED_PREFIX
    };
    let inner = out
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(");"))
        .expect("the batch is one deliver call");
    // U+2028/2029 are escaped for old engines; JSON reads the escapes back.
    let parsed: Value = serde_json::from_str(inner).expect("the batch's argument is JSON");
    assert_eq!(parsed, Value::Array(expected));
});
