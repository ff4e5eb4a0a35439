//! Learner-written handlers: whatever the script, the account never panics, every invocation
//! ends exactly once, and replaying pure runs is invisible (the trace with replay on equals the
//! trace with replay off).
#![no_main]
use cloudbook::lambda::{Account, AccountConfig, Event, FunctionSpec, InvokeRequest, Mode, validate};
use cloudbook::sim::{Engine, SimTime};
use libfuzzer_sys::fuzz_target;

fn run(handler: &str, replay: bool) -> Option<(String, u64)> {
    let spec = FunctionSpec {
        name: "f".into(),
        handler: Some(handler.into()),
        timeout: Some(1),
        ..Default::default()
    };
    let config = validate(&spec).ok()?;
    let mut acc = Account::new(AccountConfig {
        replay_pure_handlers: replay,
        ..AccountConfig::default()
    });
    acc.add_function(config);
    let mut e = Engine::new(acc, 1);
    for (i, mode) in [Mode::Sync, Mode::Sync, Mode::Async, Mode::Sync].into_iter().enumerate() {
        let r = InvokeRequest::new("f", serde_json::json!({"n": 1}), mode, "fuzz");
        e.schedule_at(SimTime::from_secs(2 * i as u64), Event::Invoke(Box::new(r)));
    }
    // Async retries come 1 and 2 minutes after a failure.
    e.run_until(SimTime::from_secs(600));
    let finished = e.model().finished;
    Some((e.trace().to_string(), finished))
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Some(on) = run(src, true) else {
        return;
    };
    let off = run(src, false).expect("the same spec validates twice");
    assert_eq!(on, off);
    // Three synchronous calls and one asynchronous call with up to two retries.
    assert!((4..=6).contains(&on.1), "finished {}", on.1);
});
