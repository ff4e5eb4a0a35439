//! Lab tests: the block's diagnostics, the kernel's cell kinds, goals and `check_lab`.

use expect_test::expect;

use super::*;

/// A lab block with the given cells and goals, and a solution that changes nothing.
fn lab(body: &str) -> LabSpec {
    let text = format!(
        "id = \"t\"\nnot_modelled = \"Nothing.\"\n{body}\n{}",
        if body.contains("[solution") {
            ""
        } else {
            "[solution]\n"
        }
    );
    match parse_lab("lab", &text) {
        Ok(s) => s,
        Err(d) => panic!("{}", crate::diag::render_all(&d)),
    }
}

const HELLO: &str = r#"
[[cells]]
kind = "function"
name = "hello"
handler = '''
fn handler(event, context) { print("hi"); #{ statusCode: 200, body: `hello ${event.name}` } }
'''
"#;

fn index_of(spec: &LabSpec, id: &str) -> usize {
    spec.cells
        .iter()
        .position(|c| c.id == id)
        .expect("the cell exists")
}

fn run(nb: &mut Notebook, cells: &[Cell], id: &str) -> CellOutput {
    let i = cells.iter().position(|c| c.id == id).expect("the cell exists");
    nb.run_cell(cells, i)
}

fn invoked(out: CellOutput) -> RunOutput {
    match out {
        CellOutput::Invoked(r) => r,
        other => panic!("expected an invocation, got {other:?}"),
    }
}

#[test]
fn a_block_with_several_mistakes_reports_them_all() {
    let text = r#"id = "bad lab"
titel = "Broken"

[[cells]]
kind = "function"
name = "hello"
handler = 'fn handler(e, c) { 1 }'
memory_size = 64

[[cells]]
kind = "invok"
function = "hello"

[[cells]]
kind = "load"
function = "helo"
rps = 10.0
duration = "20m"
memory = [128]

[[goals]]
check = "status-cod"
cell = "invoke"

[[goals]]
check = "max-throttles"
cell = "nope"
value = 0

[solution.hello]
memory_size = 256
[solution.ghost]
rps = 1.0
"#;
    let d = parse_lab("lab", text).expect_err("several mistakes");
    expect![[r#"
        lab:1:1: error: the lab is missing required key "not_modelled" (add not_modelled = "…")
        lab:1:6: error: lab id "bad lab" must be non-empty and use only letters, digits, '-' and '_' (e.g. "first-function")
        lab:2:1: error: unknown key "titel" in the lab: did you mean "title"? (expected one of: id, title, instructions, not_modelled, hints, seed, cells, goals, solution)
        lab:8:1: error: ValidationException: 1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128
        lab:11:8: error: unknown cell kind "invok" (did you mean "invoke"? expected one of: function, invoke, api, s3, schedule, iam, load, tuning)
        lab:16:12: error: no function cell deploys "helo" in this lab (did you mean "hello"? functions: hello)
        lab:18:12: error: "duration" must be more than 0 and at most 10m (a load cell runs in the page), found 20m
        lab:19:1: error: key "memory" does not apply to this cell kind (it is used by: tuning; expected one of: kind, id, function, rps, duration, event)
        lab:22:9: error: unknown goal check "status-cod" (did you mean "status-code"? expected one of: no-error, response-contains, log-contains, status-code, max-billed-ms, start, invocations, max-throttles, max-timeouts, max-errors, max-cold-starts, max-p99-ms, max-monthly-usd, iam, memory-is)
        lab:27:8: error: goal names cell "nope", which this lab does not have (cells: hello, invok, load)
        lab:32:11: error: [solution.ghost] names a cell this lab does not have (cells: hello, invok, load)
    "#]]
    .assert_eq(&crate::diag::render_all(&d));
}

#[test]
fn the_page_json_has_no_solution_and_reads_back_as_the_same_type() {
    let spec = lab(&format!(
        "{HELLO}\n[[cells]]\nkind = \"invoke\"\nfunction = \"hello\"\n\n[solution.hello]\nmemory_size = 512\n"
    ));
    assert_eq!(spec.solution.len(), 2);
    let CellKind::Function(f) = &spec.solution[0].kind else {
        panic!("the first cell is the function")
    };
    assert_eq!(f.memory_size, Some(512), "the solution patches the cell");
    let json = serde_json::to_string(&spec).expect("serialises");
    assert!(!json.contains("solution"), "{json}");
    assert!(!json.contains("512"), "{json}");
    let back: LabSpec = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back.cells, spec.cells);
    assert!(back.solution.is_empty());
}

#[test]
fn a_second_run_is_warm_and_a_changed_function_is_a_new_version_that_starts_cold() {
    let spec = lab(&format!(
        "{HELLO}\n[[cells]]\nkind = \"invoke\"\nfunction = \"hello\"\nevent = {{ name = \"Kim\" }}\n"
    ));
    let mut cells = spec.cells.clone();
    let mut nb = Notebook::new(&spec);
    let first = invoked(run(&mut nb, &cells, "invoke"));
    assert_eq!(first.start.kind, StartKind::Cold);
    assert_eq!(first.notes, vec!["Deployed hello (version 1) first".to_string()]);
    assert!(first.invocation.init_ms.is_some());
    let second = invoked(run(&mut nb, &cells, "invoke"));
    assert_eq!(second.start.kind, StartKind::Warm, "{}", second.start.reason);
    assert!(
        second.start.reason.starts_with("warm: environment 1 idle since"),
        "{}",
        second.start.reason
    );
    assert!(
        second.invocation.init_ms.is_none(),
        "a warm start has no Init Duration"
    );
    assert!(second.notes.is_empty());
    assert_ne!(first.invocation.request_id, second.invocation.request_id);
    // An unchanged function cell deploys nothing.
    let out = run(&mut nb, &cells, "hello");
    assert!(
        matches!(
            out,
            CellOutput::Deployed {
                version: 1,
                changed: false,
                ..
            }
        ),
        "{out:?}"
    );
    // A change of configuration is a new version.
    let i = index_of(&spec, "hello");
    let CellKind::Function(f) = &mut cells[i].kind else {
        panic!("a function cell")
    };
    f.memory_size = Some(256);
    let third = invoked(run(&mut nb, &cells, "invoke"));
    assert_eq!(third.version, 2);
    assert_eq!(third.start.kind, StartKind::Cold);
    assert_eq!(third.start.reason, "cold: first request to version 2");
    assert_eq!(third.notes, vec!["Deployed hello (version 2) first".to_string()]);
    assert!(
        third
            .invocation
            .trace
            .iter()
            .any(|l| l.contains("first request to version 2")),
        "{:?}",
        third.invocation.trace
    );
}

#[test]
fn a_throw_names_its_handler_line() {
    let spec = lab(
        "[[cells]]\nkind = \"function\"\nname = \"f\"\nhandler = '''\nfn handler(e, c) {\n  let x = 1;\n  throw \"boom\";\n}\n'''\n\n[[cells]]\nkind = \"invoke\"\nfunction = \"f\"\n",
    );
    let r = invoked(
        Notebook::run_all(&spec, &spec.cells)
            .output("invoke")
            .cloned()
            .expect("ran"),
    );
    assert!(r.failed());
    assert_eq!(r.error_line, Some(3), "{:?}", r.invocation.error);
}

#[test]
fn a_cell_without_its_function_cell_says_so_and_runs_nothing() {
    let spec = lab(&format!(
        "{HELLO}\n[[cells]]\nkind = \"invoke\"\nfunction = \"hello\"\n"
    ));
    let cells: Vec<Cell> = spec.cells.iter().filter(|c| c.id != "hello").cloned().collect();
    let out = Notebook::new(&spec).run_cell(&cells, 0);
    let CellOutput::Error { message, .. } = out else {
        panic!("expected an error")
    };
    assert!(
        message.contains("no function cell deploys \"hello\""),
        "{message}"
    );
}

#[test]
fn run_all_twice_gives_identical_outputs() {
    let spec = lab(&format!(
        "{HELLO}\n[[cells]]\nkind = \"invoke\"\nfunction = \"hello\"\n\n[[cells]]\nkind = \"api\"\nfunction = \"hello\"\nroute = \"GET /hello\"\n"
    ));
    let a = Notebook::run_all(&spec, &spec.cells);
    let b = Notebook::run_all(&spec, &spec.cells);
    for c in &spec.cells {
        let ja = serde_json::to_string(&a.output(&c.id)).expect("json");
        let jb = serde_json::to_string(&b.output(&c.id)).expect("json");
        assert_eq!(ja, jb, "cell {}", c.id);
    }
}
