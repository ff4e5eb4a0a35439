//! Schedule expressions: parsing never panics, and fire times only move forward.
#![no_main]
use cloudbook::lambda::schedule::Schedule;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(s) = Schedule::parse(text) {
        let start = 1_767_225_600;
        let times = s.upcoming(start, 3);
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        assert!(times.iter().all(|&t| t > start));
    }
});
