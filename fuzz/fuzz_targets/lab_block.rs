//! Lab blocks (the TOML inside a ```` ```lab ```` fence): any text gives a lab or diagnostics,
//! never a panic; every diagnostic points inside the block. A lab that parses and whose handler
//! is short also runs once under the simulator without panicking.
#![no_main]
use cloudbook::lab::parse_lab;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_lab("lab.md", text) {
        Ok(spec) => {
            // Long scripts are legal but slow to interpret; they find nothing the parser does not.
            let handler = spec.first_handler();
            if handler.len() <= 256 {
                let _ = spec.run(&handler);
            }
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "an error carries at least one diagnostic");
            let lines = text.split('\n').count() as u32;
            for d in &diags {
                assert!(
                    d.line >= 1 && d.line <= lines && d.col >= 1,
                    "{d} is outside the block"
                );
            }
        }
    }
});
