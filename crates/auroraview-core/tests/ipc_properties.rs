//! Property tests of the page protocol's parser (`auroraview_core::ipc`): whatever a page
//! posts, parsing ends with messages or a clear error, never a panic; what the bridge sends
//! comes back unchanged; a post keeps its messages' order, and one without the token is
//! refused whole.

use auroraview_core::ipc::{
    parse_message, parse_post, Inbound, ParseError, MAX_MESSAGE_BYTES, MAX_POST_BYTES,
};
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
        (
            id.clone(),
            any::<String>(),
            json_value(),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(id, name, data, channel, bound)| {
                let mut sent = json!({"t": "call", "id": id, "name": name, "data": data});
                if channel {
                    sent["c"] = json!(1);
                }
                if bound {
                    sent["b"] = json!(1);
                }
                let data = data.to_string();
                (
                    sent,
                    Inbound::Call {
                        id,
                        name,
                        data,
                        channel,
                        bound,
                    },
                )
            }),
        (any::<String>(), json_value()).prop_map(|(name, data)| {
            let sent = json!({"t": "emit", "name": name, "data": data});
            let data = data.to_string();
            (sent, Inbound::Emit { name, data })
        }),
        (id, json_value()).prop_map(|(id, value)| {
            let sent = json!({"t": "eval", "id": id, "ok": true, "value": value});
            let outcome = Ok(value.to_string());
            (sent, Inbound::EvalResult { id, outcome })
        }),
        any::<String>().prop_map(|message| {
            let sent = json!({"t": "log", "message": message});
            (sent, Inbound::Log { message })
        }),
        Just((json!({"t": "ready"}), Inbound::Ready)),
    ]
}

/// A post as the bridge sends it.
fn post_of(messages: Vec<Value>, token: &str) -> String {
    json!({"k": token, "u": "https://tools.local/panel", "m": messages}).to_string()
}

/// JSON texts compared as values (number formatting may differ, meaning may not).
fn same_json(a: &str, b: &str) -> bool {
    serde_json::from_str::<Value>(a).ok() == serde_json::from_str::<Value>(b).ok()
}

fn same_message(got: &Inbound, want: &Inbound) -> bool {
    match (got, want) {
        (
            Inbound::Call {
                id,
                name,
                data,
                channel,
                bound,
            },
            Inbound::Call {
                id: i,
                name: n,
                data: d,
                channel: c,
                bound: b,
            },
        ) => id == i && name == n && same_json(data, d) && channel == c && bound == b,
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
    fn any_text_is_refused_with_a_reason(text in any::<String>()) {
        // Random text never holds the token: refused, as malformed or unauthenticated.
        match parse_post(&text, TOKEN) {
            Err(ParseError::Malformed(why)) => prop_assert!(!why.is_empty()),
            Err(ParseError::BadToken) => {}
            other => prop_assert!(false, "unexpected {other:?} for {text:?}"),
        }
        match parse_message(&text) {
            Ok(_) => {}
            Err(ParseError::Malformed(why)) => prop_assert!(!why.is_empty()),
            Err(other) => prop_assert!(false, "unexpected {other:?} for {text:?}"),
        }
    }

    #[test]
    fn any_json_is_refused_or_parsed_message_by_message(value in json_value(), k in any::<bool>()) {
        // Not a post the bridge would send: it must still end cleanly. With the right
        // token planted, whatever messages it holds end one by one.
        let mut value = value;
        if k {
            if let Value::Object(map) = &mut value {
                map.insert("k".into(), json!(TOKEN));
            }
        }
        match parse_post(&value.to_string(), TOKEN) {
            Ok(post) => {
                prop_assert!(k);
                for message in post.messages {
                    prop_assert!(matches!(message, Ok(_) | Err(ParseError::Malformed(_))));
                }
            }
            Err(ParseError::Malformed(why)) => prop_assert!(!why.is_empty()),
            Err(ParseError::BadToken) => {}
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
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
        let mut message = serde_json::Map::new();
        message.insert("t".into(), json!(t));
        message.extend(fields.clone());
        let post = parse_post(&post_of(vec![Value::Object(message)], TOKEN), TOKEN)
            .expect("an authenticated post");
        prop_assert_eq!(post.messages.len(), 1);
        let parsed = post.messages.into_iter().next().expect("one message");
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
        let got = parse_message(&sent.to_string());
        prop_assert!(matches!(&got, Ok(m) if same_message(m, &want)), "{got:?} != {want:?}");
    }

    #[test]
    fn posts_keep_order_and_need_the_token(
        items in prop::collection::vec(bridge_message(), 1..12),
        token in prop_oneof![Just(TOKEN.to_string()), "[a-zA-Z0-9]{0,16}"],
        url in any::<String>(),
    ) {
        let messages: Vec<Value> = items.iter().map(|(sent, _)| sent.clone()).collect();
        let text = json!({"k": token, "u": url, "m": messages}).to_string();
        match parse_post(&text, TOKEN) {
            Ok(post) => {
                prop_assert_eq!(&token, TOKEN);
                prop_assert_eq!(post.url, url);
                prop_assert_eq!(post.messages.len(), items.len());
                for (got, (_, want)) in post.messages.iter().zip(&items) {
                    prop_assert!(matches!(got, Ok(m) if same_message(m, want)), "{got:?} != {want:?}");
                }
            }
            Err(err) => {
                prop_assert!(token != TOKEN, "the right token refused: {err:?}");
                prop_assert_eq!(err, ParseError::BadToken);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_post_says_what_each_of_its_messages_says_alone(
        items in prop::collection::vec(
            prop_oneof![
                3 => bridge_message().prop_map(|(sent, _)| sent),
                1 => json_value(),
            ],
            0..10,
        ),
    ) {
        // A post of messages the bridge sends is read in one pass, any other message by
        // message: either way each message ends as it would alone, in order.
        let post = parse_post(&post_of(items.clone(), TOKEN), TOKEN).expect("authenticated");
        let alone: Vec<_> = items.iter().map(|item| parse_message(&item.to_string())).collect();
        prop_assert_eq!(post.messages, alone);
    }
}

#[test]
fn deep_nesting_never_overflows_the_stack() {
    // Refused with an error, as a post and as a message.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(
        parse_post(&deep, TOKEN),
        Err(ParseError::Malformed(_))
    ));
    assert!(matches!(
        parse_message(&deep),
        Err(ParseError::Malformed(_))
    ));
    let deep_in_post = format!(r#"{{"k":"{TOKEN}","m":[{deep}]}}"#);
    assert!(matches!(
        parse_post(&deep_in_post, TOKEN),
        Ok(post) if matches!(post.messages[..], [Err(ParseError::Malformed(_))])
    ));
    // A call's data is passed on as raw JSON text, unparsed: the handler's decoder judges
    // it (Python's json refuses it with RecursionError, which rejects the page's call).
    let data = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let call = format!(r#"{{"t":"call","id":1,"name":"x","data":{data}}}"#);
    assert!(matches!(
        parse_message(&call),
        Ok(Inbound::Call { data: got, .. }) if got == data
    ));
}

#[test]
fn a_post_over_the_limit_is_refused_before_parsing() {
    let text = format!("[{}]", " ".repeat(MAX_POST_BYTES));
    assert_eq!(
        parse_post(&text, TOKEN),
        Err(ParseError::TooLarge(MAX_POST_BYTES + 2))
    );
    let message = format!("[{}]", " ".repeat(MAX_MESSAGE_BYTES));
    assert_eq!(
        parse_message(&message),
        Err(ParseError::TooLarge(MAX_MESSAGE_BYTES + 2))
    );
}
