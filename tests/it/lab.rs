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

/// A chapter with one container lab (scenario + deployment cells), start failing, solution passing.
const SCHED_CHAPTER: &str = include_str!("../fixtures/sched/cluster.md");

#[test]
fn lab_run_prints_a_container_lab_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let ch = write(dir.path(), "cluster.md", SCHED_CHAPTER);
    let start = cloudbook(&["lab", "run", &ch]);
    assert!(start.status.success(), "{}", text(&start));
    let out = text(&start);
    assert!(
        out.contains("lab place-web (") && out.contains("starting cells:"),
        "{out}"
    );
    assert!(
        out.contains("[cluster] scenario: 6 placement steps, 2 service events; a month: EC2 $"),
        "{out}"
    );
    assert!(out.contains("step 0 00:00:00.000 t1 web:1 -> i-a"), "{out}");
    assert!(
        out.contains("service web web:1 desired=6 running=6 pending=0"),
        "{out}"
    );
    assert!(
        out.contains("[deploy] deployment: completed · RUNNING 3–"),
        "{out}"
    );
    assert!(
        out.contains("FAIL    In \"cluster\", service web runs on at most 1 instances: 6 tasks are RUNNING at the end on 3 instances: i-a, i-b, i-c."),
        "{out}"
    );
    assert!(
        out.contains(
            "FAIL    Never fewer than 6 tasks RUNNING during \"deploy\": During the deployment, 3 to"
        ),
        "{out}"
    );

    let solved = cloudbook(&["lab", "run", &ch, "--solution", "--json"]);
    assert!(solved.status.success(), "{}", text(&solved));
    let v: serde_json::Value = serde_json::from_slice(&solved.stdout).expect("JSON");
    let lab = &v[0];
    assert_eq!(lab["id"], "place-web");
    let cluster = &lab["cells"][0]["output"];
    assert_eq!(cluster["output"], "cluster");
    assert_eq!(cluster["steps"].as_array().map(Vec::len), Some(6));
    assert_eq!(cluster["frames"].as_array().map(Vec::len), Some(7));
    assert_eq!(
        cluster["steps"][0]["strategies"][0]["strategy"],
        "binpack(memory)"
    );
    assert_eq!(lab["cells"][1]["output"]["output"], "deployment");
    assert_eq!(lab["cells"][1]["output"]["completed"], true);
    let statuses: Vec<&str> = lab["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .map(|g| g["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(statuses, ["pass", "pass"]);
}

#[test]
fn check_replays_container_labs_and_reports_at_the_lab_line() {
    let dir = fixture("book-min");
    let chapter = dir.path().join("book/chapter.md");
    let base = std::fs::read_to_string(&chapter).unwrap();
    let with_lab = format!("{base}\n{}", SCHED_CHAPTER.replace("# Placing tasks\n", ""));
    // The fixture's lab is indented in a list item; the container lab's fence is not.
    let lab_line = with_lab
        .lines()
        .position(|l| l == "```lab")
        .expect("the container lab's fence")
        + 1;
    std::fs::write(&chapter, &with_lab).unwrap();
    let o = cloudbook_in(&["check"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 labs"), "{}", text(&o));

    // A solution that misses a goal is reported at the container lab's fence.
    std::fs::write(
        &chapter,
        with_lab.replace(
            "[solution.deploy]\nminimum_healthy_percent = 100",
            "[solution.deploy]\nminimum_healthy_percent = 0",
        ),
    )
    .unwrap();
    let o = cloudbook_in(&["check"], dir.path());
    assert!(!o.status.success());
    assert!(
        text(&o).contains(&format!(
            "book/chapter.md:{lab_line}:1: error: lab \"place-web\": the reference solution does not reach goal \"Never fewer than 6 tasks RUNNING during \"deploy\"\": During the deployment, 0 to 6 tasks were RUNNING."
        )),
        "{}",
        text(&o)
    );

    // An embedded scenario's mistake is reported at the chapter's line and column.
    let typo = with_lab.replacen("type = \"t3.large\"", "type = \"t3.lrge\"", 1);
    let typo_line = typo
        .lines()
        .position(|l| l.contains("t3.lrge"))
        .expect("the typo")
        + 1;
    std::fs::write(&chapter, &typo).unwrap();
    let o = cloudbook_in(&["check"], dir.path());
    assert!(!o.status.success());
    assert!(
        text(&o).contains(&format!(
            "book/chapter.md:{typo_line}:8: error: in \"scenario\": unknown instance type \"t3.lrge\""
        )),
        "{}",
        text(&o)
    );
}

#[test]
fn a_container_lab_becomes_a_sched_placeholder_without_its_solution() {
    let t = transform_chapter(
        "book/cluster.md",
        SCHED_CHAPTER,
        &mut |_| Err("no quizzes".into()),
    );
    assert!(t.diagnostics.is_empty(), "{:?}", t.diagnostics);
    let placeholder = t
        .content
        .lines()
        .find(|l| l.contains("data-lab="))
        .expect("a placeholder");
    assert!(placeholder.contains("class=\"cloudbook-sched\""), "{placeholder}");
    assert!(!placeholder.contains("cloudbook-lab\""), "{placeholder}");
    // The hint may say "binpack"; the solution's strategy and deployment settings stay out.
    assert!(
        !placeholder.contains("placement_strategy")
            && !placeholder.contains("minimum_healthy_percent&quot;:100"),
        "the solution stays out: {placeholder}"
    );
    assert!(
        placeholder.contains("<em>capacity providers</em>"),
        "{placeholder}"
    );
    assert_eq!(t.lab_lines, vec![5]);
}
