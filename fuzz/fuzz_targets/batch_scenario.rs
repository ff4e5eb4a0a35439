//! Batch scenario files (TOML): any text gives a scenario or diagnostics, never a panic; every
//! diagnostic points inside the file. A scenario that parses also runs to its end (bounded: long
//! or crowded scenarios are legal but slow, not bugs) without panicking, and twice the same.
#![no_main]
use cloudbook::services::batch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match batch::parse("batch.toml", text) {
        Ok(s) => {
            if s.end.as_secs() <= 3600 && s.jobs.len() <= 64 {
                let (trace, _) = batch::run(&s);
                let (again, _) = batch::run(&s);
                assert_eq!(
                    format!("{trace}"),
                    format!("{again}"),
                    "same scenario, same trace"
                );
            }
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "an error carries at least one diagnostic");
            let lines = text.split('\n').count() as u32;
            for d in &diags {
                assert!(
                    d.line >= 1 && d.line <= lines && d.col >= 1,
                    "{d} is outside the file"
                );
            }
        }
    }
});
