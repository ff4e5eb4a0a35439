//! The lab CLI, run as an author runs it: `cloudbook lab run` on a chapter and `cloudbook check`
//! replaying every lab on a fixture book. The notebook itself is tested in the library
//! (`src/lab/tests.rs`).

// These tests write chapters to temp dirs, which the core may not do.
#![allow(clippy::disallowed_methods)]

use expect_test::expect;

use super::support::{cloudbook, cloudbook_in, fixture, text, write};
use cloudbook::cli::preprocess::transform_chapter;

const CHAPTER: &str = r#"# Hello

```lab
id = "hello-api"
title = "Answer GET /hello"
instructions = "Answer with **200**."
not_modelled = "Authorizers and *custom domains*."
hints = ["Return a `statusCode`."]

[[cells]]
kind = "function"
name = "hello"
handler = '''
fn handler(event, context) { #{ message: "hi" } }
'''

[[cells]]
kind = "api"
api = "rest"
function = "hello"
route = "GET /hello"
request = { query = "name=Kim" }

[[goals]]
check = "status-code"
cell = "api"
value = 200

[solution.hello]
handler = '''
fn handler(event, context) { #{ statusCode: 200, body: `Hello, ${event.queryStringParameters.name}!` } }
'''
```
"#;

/// Request ids and timings vary with nothing but the seed; the snapshot keeps the words.
fn words(out: &str) -> String {
    out.lines()
        .map(|l| l.split(" · ").next().unwrap_or(l).to_string() + "\n")
        .collect()
}

#[test]
fn lab_run_prints_each_cell_and_goal_and_fails_only_a_failing_solution() {
    let dir = tempfile::tempdir().unwrap();
    let ch = write(dir.path(), "hello.md", CHAPTER);
    let start = cloudbook(&["lab", "run", &ch]);
    assert!(
        start.status.success(),
        "the start may miss goals: {}",
        text(&start)
    );
    expect![[r#"
        lab hello-api (CHAPTER:3), starting cells:
          [hello] function: deployed hello as version 1
          [api] api: GET /hello?name=Kim → 502 {"message": "Internal server error"} (cold: first request, no environment exists yet
        goals:
          FAIL    "api" answers with status 200: GET /hello?name=Kim got 502 (Execution failed due to configuration error: Malformed Lambda proxy response (unexpected field "message")).
    "#]]
    .assert_eq(&words(&text(&start).replace(&ch, "CHAPTER")));

    let solved = cloudbook(&["lab", "run", &ch, "--solution", "--id", "hello-api"]);
    assert!(solved.status.success(), "{}", text(&solved));
    assert!(
        text(&solved).contains("pass    \"api\" answers with status 200: GET /hello?name=Kim got 200."),
        "{}",
        text(&solved)
    );

    let json = cloudbook(&["lab", "run", &ch, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("--json prints JSON");
    assert_eq!(v[0]["cells"][1]["output"]["response"]["status"], 502);
    assert_eq!(v[0]["goals"][0]["status"], "fail");

    // A solution that misses a goal fails the command.
    let broken = CHAPTER.replace("statusCode: 200, body", "statusCode: 201, body");
    let ch2 = write(dir.path(), "broken.md", &broken);
    let o = cloudbook(&["lab", "run", &ch2, "--solution"]);
    assert!(!o.status.success(), "{}", text(&o));

    let o = cloudbook(&["lab", "run", &ch, "--id", "nope"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("has no lab with id \"nope\""), "{}", text(&o));
}

#[test]
fn check_fails_at_the_lab_line_when_the_start_passes_or_the_solution_fails() {
    let dir = fixture("book-min");
    let chapter = dir.path().join("book/chapter.md");
    let good = std::fs::read_to_string(&chapter).unwrap();
    // The start already answers "done": a lab that teaches nothing.
    std::fs::write(&chapter, good.replace("#{ ok: true }", "#{ ok: true, done: 0 }")).unwrap();
    let o = cloudbook_in(&["check"], dir.path());
    assert!(!o.status.success());
    assert!(
        text(&o).contains("book/chapter.md:9:1: error: lab \"mini-lab\": the starting cells already pass every goal, so the lab teaches nothing"),
        "{}",
        text(&o)
    );
    // The solution misses the goal.
    std::fs::write(&chapter, good.replace("#{ ok: true, done: 1 }", "#{ ok: true }")).unwrap();
    let o = cloudbook_in(&["check"], dir.path());
    assert!(!o.status.success());
    assert!(
        text(&o).contains(
            "book/chapter.md:9:1: error: lab \"mini-lab\": the reference solution does not reach goal"
        ),
        "{}",
        text(&o)
    );
}

#[test]
fn the_page_gets_no_solution_and_search_gets_hints_and_the_not_modelled_note() {
    let t = transform_chapter("book/hello.md", CHAPTER, &mut |_| Err("no quizzes".into()));
    assert!(t.diagnostics.is_empty(), "{:?}", t.diagnostics);
    let placeholder = t
        .content
        .lines()
        .find(|l| l.contains("cloudbook-lab"))
        .expect("a placeholder");
    assert!(!placeholder.contains("solution"), "{placeholder}");
    assert!(
        !placeholder.contains("Hello, ${"),
        "the reference handler stays out: {placeholder}"
    );
    assert!(
        placeholder.contains("&lt;em&gt;custom domains&lt;/em&gt;"),
        "not_modelled is HTML in the JSON: {placeholder}"
    );
    assert!(
        placeholder.contains("<code>statusCode</code>"),
        "hints are searchable text: {placeholder}"
    );
    assert!(
        placeholder.contains("Authorizers and <em>custom domains</em>"),
        "{placeholder}"
    );
    assert_eq!(t.lab_lines, vec![3]);
}
