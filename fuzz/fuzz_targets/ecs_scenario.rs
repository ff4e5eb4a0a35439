//! Fuzzes the ECS and Batch scenario parsers: any text must give a scenario or diagnostics, never
//! a panic; a scenario that parses must also run (bounded by its own duration) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = cloudbook::ecs::scenario::parse("fuzz.toml", text) {
        // Keep runs short: long durations with many instances are legal but slow, not bugs.
        if s.end.as_secs() <= 3600 && s.actions.len() <= 64 {
            let _ = cloudbook::ecs::scenario::run(&s);
        }
    }
    let _ = cloudbook::services::batch::parse("fuzz.toml", text);
});
