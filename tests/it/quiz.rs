//! Integration tests for quizzes: the diagnostics of every broken fixture (snapshot), the course's
//! own quiz files, the published JSON Schema, and `cloudbook quiz grade` end to end.

// Tests read fixtures from disk, like the CLI adapter; the core's no-I/O rule does not apply here.
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::process::Command;

use cloudbook::cli::quiz::{check_files, grade_report};
use cloudbook::diag::render_all;
use cloudbook::quiz::{self, QuizOnPage};
use expect_test::expect;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `(repo-relative path, text)` of every `.toml` file in a folder, sorted by name.
fn toml_files(dir: &str) -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = format!("{dir}/{}", p.file_name().expect("a file").to_string_lossy());
            (name, std::fs::read_to_string(&p).expect("a readable quiz file"))
        })
        .collect()
}

#[test]
fn broken_quiz_files_report_every_problem_with_its_place_and_fix() {
    let mut out = String::new();
    for (path, text) in toml_files("tests/fixtures/quiz/broken") {
        let diags = quiz::parse_quiz(&path, &text).expect_err("a broken fixture must not parse");
        out += &render_all(&diags);
    }
    expect![[r#"
        tests/fixtures/quiz/broken/answers.toml:9:10: error: answer "3 secs" is not among the options (options: "1 second", "3 seconds", "900 seconds"); the answer must repeat an option's text exactly
        tests/fixtures/quiz/broken/answers.toml:15:48: error: question "answers-multi" repeats the option "S3"; each option must be unique
        tests/fixtures/quiz/broken/answers.toml:16:26: error: answer "Amazon S3" is not among the options (options: "API Gateway", "S3", "EventBridge", "S3"); the answer must repeat an option's text exactly
        tests/fixtures/quiz/broken/answers.toml:16:39: error: answer "API Gateway" is listed twice
        tests/fixtures/quiz/broken/answers.toml:21:10: error: question "answers-array-for-single" has an empty prompt (write the question in prompt = "…")
        tests/fixtures/quiz/broken/answers.toml:23:10: error: "answer" must be a string, found array (for several right options use type = "multiple-choice")
        tests/fixtures/quiz/broken/answers.toml:29:11: error: question "answers-none" needs at least two options
        tests/fixtures/quiz/broken/answers.toml:30:10: error: question "answers-none" has no right option (list at least one in answer = ["…"])
        tests/fixtures/quiz/broken/empty.toml:1:1: error: the quiz is missing required key "id" (add id = "…")
        tests/fixtures/quiz/broken/empty.toml:3:13: error: "questions" must hold at least one question (add a [[questions]] table)
        tests/fixtures/quiz/broken/keys.toml:3:1: error: unknown key "titel" in the quiz: did you mean "title"? (expected one of: id, title, mode, partial_credit, shuffle, questions)
        tests/fixtures/quiz/broken/keys.toml:5:1: error: question "keys-short" is missing required key "answer" (add answer = "…")
        tests/fixtures/quiz/broken/keys.toml:9:1: error: unknown key "anwser" in question "keys-short": did you mean "answer"? (expected one of: id, type, prompt, explanation, hints, points, source, answer, alternatives, regex, case_sensitive, mistakes)
        tests/fixtures/quiz/broken/keys.toml:16:35: error: unknown key "feedbak" in an item of "options" in question "keys-single": did you mean "feedback"? (expected one of: text, feedback)
        tests/fixtures/quiz/broken/keys.toml:18:1: error: key "unit" does not apply to this question type (it is used by: numeric; expected one of: id, type, prompt, explanation, hints, points, source, options, answer, shuffle)
        tests/fixtures/quiz/broken/keys.toml:19:1: error: unknown key "colour" in question "keys-single" (expected one of: id, type, prompt, explanation, hints, points, source, options, answer, shuffle)
        tests/fixtures/quiz/broken/structure.toml:8:46: error: question "structure-order" repeats the item "PENDING"; each item must be unique
        tests/fixtures/quiz/broken/structure.toml:17:12: error: question "structure-match" repeats the left side "Lambda"; pairs must match one-to-one
        tests/fixtures/quiz/broken/structure.toml:17:30: error: question "structure-match" repeats the right side "containers"; pairs must match one-to-one
        tests/fixtures/quiz/broken/structure.toml:18:3: error: an item of "pairs" in question "structure-match" is missing required key "right" (add right = "…")
        tests/fixtures/quiz/broken/structure.toml:22:6: error: duplicate question id "structure-order" (first used at 5:6); ids must be unique
        tests/fixtures/quiz/broken/structure.toml:25:7: error: question "structure-order" names no lab (write the lab's id in lab = "…")
        tests/fixtures/quiz/broken/structure.toml:27:1: error: question 4 is missing required key "id" (add id = "…")
        tests/fixtures/quiz/broken/structure.toml:32:1: error: question "structure-one" is missing required key "prompt" (add prompt = "…")
        tests/fixtures/quiz/broken/structure.toml:35:9: error: question "structure-one" needs at least two items to order
        tests/fixtures/quiz/broken/syntax.toml:6:26: error: invalid TOML: invalid basic string, expected `"`
        tests/fixtures/quiz/broken/types.toml:2:6: error: quiz id "broken types" must start with a letter or digit and use only letters, digits, '-', '_' and '.' (e.g. "lambda-timeout")
        tests/fixtures/quiz/broken/types.toml:3:8: error: unknown mode "all" (expected one of: one-at-a-time, all-at-once)
        tests/fixtures/quiz/broken/types.toml:4:11: error: "shuffle" must be true or false, found string
        tests/fixtures/quiz/broken/types.toml:8:8: error: unknown question type "multi-choice" (did you mean "multiple-choice"? expected one of: single-choice, multiple-choice, true-false, short-answer, numeric, ordering, matching, lab-graded)
        tests/fixtures/quiz/broken/types.toml:13:1: error: question "types-missing" is missing required key "type" (add type = "single-choice")
        tests/fixtures/quiz/broken/types.toml:21:10: error: "answer" must be a number, found string
        tests/fixtures/quiz/broken/types.toml:22:13: error: "tolerance" must not be negative (use 0 for an exact answer)
        tests/fixtures/quiz/broken/types.toml:23:22: error: give either "tolerance" or "relative_tolerance", not both
        tests/fixtures/quiz/broken/types.toml:24:10: error: "points" must be a whole number from 0 to 4294967295
        tests/fixtures/quiz/broken/types.toml:31:9: error: invalid regex: found open group without closing ')' (regex-lite syntax, like Rust's regex crate)
        tests/fixtures/quiz/broken/types.toml:32:29: error: items of "hints" must be strings, found integer
        tests/fixtures/quiz/broken/types.toml:33:24: error: mistake "ARN:AWS:LAMBDA" is accepted as a right answer; remove it or fix the answer
        tests/fixtures/quiz/broken/types.toml:40:9: error: regex uses an inline flag group such as (?i), which the page's JavaScript RegExp reads differently from `cloudbook quiz grade`; set `case_sensitive` instead of (?i), or remove the flag
    "#]].assert_eq(&out);
}

#[test]
fn course_quizzes_are_valid_and_their_ids_unique_across_the_book() {
    let files = toml_files("quizzes");
    assert!(files.iter().any(|(p, _)| p == "quizzes/lambda-basics.toml"));
    let diags = check_files(&files);
    assert!(diags.is_empty(), "{}", render_all(&diags));
    for (path, text) in &files {
        let quiz = quiz::parse_quiz(path, text).expect("checked above");
        for q in &quiz.questions {
            assert!(quiz::grade(q, &q.correct_answer()).correct, "{path}: {}", q.id);
            assert!(q.explanation.is_some(), "{path}: {} needs an explanation", q.id);
        }
    }
}

#[test]
fn the_published_schema_is_the_generated_one() {
    let published = std::fs::read_to_string(root().join("book/reference/quiz.schema.json"))
        .expect("book/reference/quiz.schema.json exists");
    // Regenerate with `cargo run -- quiz schema > book/reference/quiz.schema.json`.
    assert!(
        published == quiz::json_schema(),
        "book/reference/quiz.schema.json is stale; regenerate it"
    );
}

#[test]
fn check_reports_ids_repeated_across_files() {
    let a =
        "id = \"a\"\n[[questions]]\nid = \"same\"\ntype = \"true-false\"\nprompt = \"p\"\nanswer = true\n";
    let b = a.replace("\"a\"", "\"b\"");
    let diags = check_files(&[("a.toml".into(), a.into()), ("b.toml".into(), b)]);
    expect![[r#"
        b.toml:3:6: error: duplicate question id "same" (first used at a.toml:3:6); ids must be unique across the book
    "#]].assert_eq(&render_all(&diags));
}

const ANSWERS: &str = r#"{
  "lambda-basics-default-timeout": {"choice": 3},
  "lambda-basics-trigger-sources": {"choices": [0, 1]}
}"#;

#[test]
fn grade_prints_per_question_scores_feedback_and_the_total() {
    let text = std::fs::read_to_string(root().join("quizzes/lambda-basics.toml")).expect("the quiz");
    let report = grade_report("quizzes/lambda-basics.toml", &text, ANSWERS, false).expect("valid input");
    expect![[r#"
        quiz lambda-basics (Lambda basics)
        lambda-basics-default-timeout: 0/1 wrong
          option "3 seconds" missed, right: Right: the default is 3 seconds, so a slow first version often times out until you raise it.
          option "900 seconds (15 minutes)" chosen, wrong: 900 seconds is the *maximum* timeout. Longer work needs another service, such as ECS or AWS Batch.
          right answer: "3 seconds"
        lambda-basics-trigger-sources: 0.75/1 partly right
          option "Amazon API Gateway" chosen, right: Yes: API Gateway passes each HTTP request to the function as JSON and returns its response.
          option "Amazon S3" chosen, right: Yes: storing an object in a bucket can invoke the function with the bucket and object key.
          option "Amazon EventBridge" missed, right: Yes: an EventBridge schedule runs the function periodically, at the times you choose.
          right answer: "Amazon API Gateway", "Amazon S3", "Amazon EventBridge"
        lambda-basics-hello-lab: not answered, 0/1
        total: 0.75/3 (25%)
    "#]].assert_eq(&report);
    let json = grade_report("quizzes/lambda-basics.toml", &text, ANSWERS, true).expect("valid input");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON output");
    assert_eq!(v["points_possible"], 3);
    assert_eq!(v["grades"][1]["score"], 0.75);
    let bad = grade_report(
        "q.toml",
        &text,
        r#"{"lambda-basics-default-timeot": {"choice": 1}, "lambda-basics-trigger-sources": 3}"#,
        false,
    )
    .expect_err("unknown id and a malformed answer");
    expect![[r#"InvalidAnswers("no question \"lambda-basics-default-timeot\" in quiz \"lambda-basics\" (did you mean \"lambda-basics-default-timeout\"?); answer for \"lambda-basics-trigger-sources\" is not an answer (invalid type: integer `3`, expected string or map); a multiple-choice question takes e.g. {\"choices\": …}")"#]].assert_eq(&format!("{bad:?}"));
}

#[test]
fn the_grade_command_runs_end_to_end() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let answers = dir.path().join("answers.json");
    std::fs::write(&answers, ANSWERS).expect("write answers");
    let out = Command::new(env!("CARGO_BIN_EXE_cloudbook"))
        .current_dir(root())
        .args(["quiz", "grade", "quizzes/lambda-basics.toml"])
        .arg(&answers)
        .output()
        .expect("cloudbook runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("total: 0.75/3 (25%)\n"));
    let broken = Command::new(env!("CARGO_BIN_EXE_cloudbook"))
        .current_dir(root())
        .args(["quiz", "grade", "tests/fixtures/quiz/broken/keys.toml"])
        .arg(&answers)
        .output()
        .expect("cloudbook runs");
    assert!(!broken.status.success());
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.contains("keys.toml:9:1: error: unknown key \"anwser\""),
        "{stderr}"
    );
}

#[test]
fn book_checks_use_the_page_labs() {
    let text = "id = \"lab-quiz\"\n[[questions]]\nid = \"lab-q\"\ntype = \"lab-graded\"\nprompt = \"Run it.\"\nlab = \"cold-start\"\n";
    let quiz = quiz::parse_quiz("quizzes/lab.toml", text).expect("valid");
    let labs = vec!["cold-start".to_string()];
    assert!(
        quiz::validate_book(&[QuizOnPage {
            path: "quizzes/lab.toml",
            quiz: &quiz,
            labs_on_page: &labs
        }])
        .is_empty()
    );
    let diags = quiz::validate_book(&[QuizOnPage {
        path: "quizzes/lab.toml",
        quiz: &quiz,
        labs_on_page: &[],
    }]);
    assert_eq!(diags.len(), 1);
}
