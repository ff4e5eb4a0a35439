//! Quiz files (TOML): any text gives a quiz or diagnostics, never a panic. Every diagnostic points
//! inside the file (a line that exists, column 1 or more); a quiz that parses renders its
//! Markdown fields, grades its own correct answers as right and round-trips through JSON.
#![no_main]
use cloudbook::quiz::{Quiz, grade, parse_quiz};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_quiz("q.toml", text) {
        Ok(mut quiz) => {
            for q in &quiz.questions {
                let g = grade(q, &q.correct_answer());
                assert!(
                    g.correct,
                    "the quiz's own answer to {} is graded right: {g:?}",
                    q.id
                );
            }
            quiz.render_markdown(&mut |md| md.to_uppercase());
            let json = serde_json::to_string(&quiz).expect("a quiz serialises");
            let back: Quiz = serde_json::from_str(&json).expect("and reads back");
            assert_eq!(serde_json::to_string(&back).expect("again"), json);
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
