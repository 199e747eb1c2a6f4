//! Property tests of the page protocol's parser (`auroraview_core::ipc`): whatever a page
//! posts, parsing ends with messages or a clear error, never a panic; what the bridge sends
//! comes back unchanged; a batch keeps its order and authenticates each message on its own.

use auroraview_core::ipc::{parse_inbound, parse_post, Inbound, ParseError, MAX_MESSAGE_BYTES};
use proptest::prelude::*;
use serde_json::{json, Value};

const TOKEN: &str = "Zq81tokenXy";

/// Any JSON value, nested a few levels (numbers kept to what JavaScript represents exactly).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-(1i64 << 53)..(1i64 << 53)).prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A message as the bridge encodes it, and what parsing must give back.
fn bridge_message() -> impl Strategy<Value = (Value, Inbound)> {
    let id = 0u64..(1u64 << 53);
    prop_oneof![
        (id.clone(), any::<String>(), json_value()).prop_map(|(id, name, data)| {
            let sent = json!({"k": TOKEN, "t": "call", "id": id, "name": name, "data": data});
            let data = data.to_string();
            (sent, Inbound::Call { id, name, data })
        }),
        (any::<String>(), json_value()).prop_map(|(name, data)| {
            let sent = json!({"k": TOKEN, "t": "emit", "name": name, "data": data});
            let data = data.to_string();
            (sent, Inbound::Emit { name, data })
        }),
        (id, json_value()).prop_map(|(id, value)| {
            let sent = json!({"k": TOKEN, "t": "eval", "id": id, "ok": true, "value": value});
            let outcome = Ok(value.to_string());
            (sent, Inbound::EvalResult { id, outcome })
        }),
        any::<String>().prop_map(|message| {
            let sent = json!({"k": TOKEN, "t": "log", "message": message});
            (sent, Inbound::Log { message })
        }),
        Just((json!({"k": TOKEN, "t": "ready"}), Inbound::Ready)),
    ]
}

/// JSON texts compared as values (number formatting may differ, meaning may not).
fn same_json(a: &str, b: &str) -> bool {
    serde_json::from_str::<Value>(a).ok() == serde_json::from_str::<Value>(b).ok()
}

fn same_message(got: &Inbound, want: &Inbound) -> bool {
    match (got, want) {
        (
            Inbound::Call { id, name, data },
            Inbound::Call {
                id: i,
                name: n,
                data: d,
            },
        ) => id == i && name == n && same_json(data, d),
        (Inbound::Emit { name, data }, Inbound::Emit { name: n, data: d }) => {
            name == n && same_json(data, d)
        }
        (
            Inbound::EvalResult { id, outcome: Ok(v) },
            Inbound::EvalResult {
                id: i,
                outcome: Ok(w),
            },
        ) => id == i && same_json(v, w),
        (got, want) => got == want,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_parses_or_is_refused(text in any::<String>()) {
        match parse_post(&text, TOKEN) {
            Ok(messages) => prop_assert!(!messages.is_empty() || text.trim_start().starts_with('[')),
            Err(ParseError::Malformed(why)) => prop_assert!(!why.is_empty()),
            Err(other) => prop_assert!(false, "unexpected {other:?} for {text:?}"),
        }
    }

    #[test]
    fn any_json_parses_or_is_refused(value in json_value()) {
        // Not a message the bridge would send: it must still end cleanly, message by message.
        let text = value.to_string();
        if let Ok(messages) = parse_post(&text, TOKEN) {
            for message in messages {
                prop_assert!(matches!(message, Ok(_) | Err(ParseError::BadToken | ParseError::Malformed(_))));
            }
        }
    }

    #[test]
    fn authenticated_envelopes_with_any_fields_parse_or_say_what_is_wrong(
        t in prop_oneof![
            Just("init".to_string()), Just("ready".to_string()), Just("call".to_string()),
            Just("emit".to_string()), Just("eval".to_string()), Just("log".to_string()),
            any::<String>(),
        ],
        fields in prop::collection::btree_map(
            prop_oneof![
                Just("id".to_string()), Just("name".to_string()), Just("data".to_string()),
                Just("ok".to_string()), Just("value".to_string()), Just("error".to_string()),
                Just("message".to_string()),
            ],
            prop_oneof![
                json_value(),
                (0u64..(1 << 53)).prop_map(|n| json!(n)),
                any::<bool>().prop_map(Value::Bool),
            ],
            0..7,
        ),
    ) {
        let mut envelope = serde_json::Map::new();
        envelope.insert("k".into(), json!(TOKEN));
        envelope.insert("t".into(), json!(t));
        envelope.extend(fields.clone());
        let parsed = parse_inbound(&Value::Object(envelope).to_string(), TOKEN);
        let known = ["init", "ready", "call", "emit", "eval", "log"].contains(&t.as_str());
        match parsed {
            // The token is right: never refused as unauthenticated.
            Err(ParseError::BadToken) => prop_assert!(false, "token refused for {t:?}"),
            Err(ParseError::TooLarge(_)) => prop_assert!(false, "small message refused"),
            // Refused with a reason: an unknown type, a missing field, a field of the wrong type.
            Err(ParseError::Malformed(why)) => prop_assert!(!why.is_empty()),
            Ok(message) => {
                prop_assert!(known, "unknown type {t:?} accepted");
                match message {
                    Inbound::Call { id, name, .. } => {
                        prop_assert_eq!(fields.get("id"), Some(&json!(id)));
                        prop_assert_eq!(fields.get("name"), Some(&json!(name)));
                    }
                    Inbound::Emit { name, .. } => {
                        prop_assert_eq!(fields.get("name"), Some(&json!(name)));
                    }
                    Inbound::EvalResult { id, outcome } => {
                        prop_assert_eq!(fields.get("id"), Some(&json!(id)));
                        prop_assert_eq!(fields.get("ok"), Some(&json!(outcome.is_ok())));
                    }
                    Inbound::Init | Inbound::Ready | Inbound::Log { .. } => {}
                }
            }
        }
    }

    #[test]
    fn what_the_bridge_sends_comes_back((sent, want) in bridge_message()) {
        let got = parse_inbound(&sent.to_string(), TOKEN);
        prop_assert!(matches!(&got, Ok(m) if same_message(m, &want)), "{got:?} != {want:?}");
    }

    #[test]
    fn batches_keep_order_and_authenticate_each_message(
        items in prop::collection::vec((bridge_message(), any::<bool>()), 1..12)
    ) {
        let batch: Vec<Value> = items
            .iter()
            .map(|((sent, _), forged)| {
                let mut sent = sent.clone();
                if *forged {
                    sent["k"] = json!("guessed");
                }
                sent
            })
            .collect();
        let parsed = parse_post(&Value::Array(batch).to_string(), TOKEN).expect("a JSON array");
        prop_assert_eq!(parsed.len(), items.len());
        for (got, ((_, want), forged)) in parsed.iter().zip(&items) {
            if *forged {
                prop_assert_eq!(got, &Err(ParseError::BadToken));
            } else {
                prop_assert!(matches!(got, Ok(m) if same_message(m, want)), "{got:?} != {want:?}");
            }
        }
    }
}

#[test]
fn deep_nesting_never_overflows_the_stack() {
    // The batch may be refused whole, or item by item; either way with an error.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    match parse_post(&deep, TOKEN) {
        Err(ParseError::Malformed(_)) => {}
        Ok(items) => assert!(
            items
                .iter()
                .all(|item| matches!(item, Err(ParseError::Malformed(_)))),
            "{items:?}"
        ),
        other => panic!("{other:?}"),
    }
    // A call's data is passed on as raw JSON text, unparsed: the handler's decoder judges
    // it (Python's json refuses it with RecursionError, which rejects the page's call).
    let data = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let call = format!(r#"{{"k":"{TOKEN}","t":"call","id":1,"name":"x","data":{data}}}"#);
    assert!(matches!(
        parse_inbound(&call, TOKEN),
        Ok(Inbound::Call { data: got, .. }) if got == data
    ));
}

#[test]
fn a_post_over_the_limit_is_refused_before_parsing() {
    let text = format!("[{}]", " ".repeat(MAX_MESSAGE_BYTES));
    assert_eq!(
        parse_post(&text, TOKEN),
        Err(ParseError::TooLarge(MAX_MESSAGE_BYTES + 2))
    );
}
