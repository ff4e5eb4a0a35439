//! Event JSON through a handler and API Gateway's response mapping: never a panic, always an
//! outcome (a response or an AWS-shaped error).
#![no_main]
use cloudbook::lambda::{FunctionSpec, events, invoke_once};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(event) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = events::map_proxy_response_v1(Ok(&event));
    let _ = events::map_proxy_response_v2(Ok(&event));
    let spec = FunctionSpec {
        name: "f".into(),
        handler: Some(
            "fn handler(e, c) { print(e); if type_of(e) == \"map\" { e.keys().len() } else { e } }".into(),
        ),
        ..Default::default()
    };
    let inv = invoke_once(&spec, &event, 1).expect("the spec is valid");
    assert!(inv.response.is_some() != inv.error.is_some());
});
