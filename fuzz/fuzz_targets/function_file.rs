//! Function files (TOML): parsing and validation never panic; errors always carry a location.
#![no_main]
use cloudbook::lambda::load_function_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = load_function_file("f.toml", text, 1000) {
        assert!(!e.diagnostics.is_empty());
    }
});
