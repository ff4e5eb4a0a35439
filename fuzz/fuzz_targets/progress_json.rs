//! Differential: the widgets module's own JSON reader (`playground/src/json.rs`, through which
//! learners import progress files) against serde_json, on the same text. Both must accept or
//! reject it alike and, when they accept, read the same value: the same strings, the same
//! numbers (integers exactly, others as the same `f64`), the same members (the last of a repeated
//! key wins in both). The one designed difference: json.rs refuses nesting deeper than its
//! `MAX_DEPTH` (64), serde_json only past 128.
#![no_main]
use libfuzzer_sys::fuzz_target;

// The reader is compiled here from its own source, without the playground's yew and web-sys.
#[allow(dead_code)]
#[path = "../../playground/src/json.rs"]
mod json;
#[allow(dead_code, unused_imports)]
#[path = "../../playground/src/num.rs"]
mod num;

use json::Value;

fn depth(v: &serde_json::Value) -> u32 {
    match v {
        serde_json::Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Str(a), J::String(b)) => a == b,
        (Value::Num(text), J::Number(n)) => {
            // `-0` is an integer to serde_json, so integers are compared through their text.
            if let Some(u) = n.as_u64() {
                text.parse::<i128>().ok() == Some(i128::from(u))
            } else if let Some(i) = n.as_i64() {
                text.parse::<i128>().ok() == Some(i128::from(i))
            } else {
                ours.as_f64() == n.as_f64()
            }
        }
        (Value::Arr(a), J::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Value::Obj(members), J::Object(map)) => {
            let keys: std::collections::BTreeSet<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            keys.len() == map.len()
                && map
                    .iter()
                    .all(|(k, v)| ours.get(k).is_some_and(|mine| same(mine, v)))
        }
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Some(a), Ok(b)) => assert!(same(a, b), "different values for {text:?}: {a:?} vs {b:?}"),
        (None, Err(_)) => {}
        (None, Ok(b)) => assert!(
            depth(b) > json::MAX_DEPTH,
            "json.rs refuses what serde_json reads: {text:?}"
        ),
        (Some(a), Err(e)) => panic!("json.rs reads what serde_json refuses ({e}): {text:?} as {a:?}"),
    }
});
