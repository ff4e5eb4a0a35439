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
        lab:11:8: error: unknown cell kind "invok" (did you mean "invoke"? expected one of: function, invoke, api, s3, schedule, iam, load, tuning, scenario, deployment, image, storage, startup, fargate, batch, beanstalk, apprunner, lightsail, outposts)
        lab:16:12: error: no function cell deploys "helo" in this lab (did you mean "hello"? functions: hello)
        lab:18:12: error: "duration" must be more than 0 and at most 10m (a load cell runs in the page), found 20m
        lab:19:1: error: key "memory" does not apply to this cell kind (it is used by: tuning, fargate; expected one of: kind, id, function, rps, duration, event)
        lab:22:9: error: unknown goal check "status-cod" (did you mean "status-code"? expected one of: no-error, response-contains, log-contains, status-code, max-billed-ms, start, invocations, max-throttles, max-timeouts, max-errors, max-cold-starts, max-p99-ms, max-monthly-usd, iam, memory-is, all-placed, instances-used, zones-used, running, event-contains, no-event-contains, cheaper, deployment-completed, min-running, max-running, fargate-valid, fargate-cheapest, image-ok, min-cached-layers, max-pull-bytes, push-rejected, read-returns, max-startup-ms, job-status, job-before, no-mixed-versions, min-capacity-pct, deployed, max-rejected, no-overage, anchored)
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

fn http(out: CellOutput) -> (crate::lambda::events::HttpResponse, Option<RunOutput>) {
    match out {
        CellOutput::Http { response, run, .. } => (response, run),
        other => panic!("expected an HTTP answer, got {other:?}"),
    }
}

const GREET: &str = r#"
[[cells]]
kind = "function"
name = "greet"
handler = '''
fn handler(event, context) { #{ statusCode: 200, body: `hello ${event.queryStringParameters.name}` } }
'''
"#;

const MALFORMED: &str = r#"
[[cells]]
kind = "function"
name = "bad"
handler = '''
fn handler(event, context) { #{ statusCode: 200, body: #{ not: "a string" } } }
'''
"#;

#[test]
fn api_cells_answer_like_api_gateway() {
    let spec = lab(&format!(
        "{GREET}{MALFORMED}
[[cells]]
kind = \"invoke\"
function = \"greet\"
event = {{ queryStringParameters = {{ name = \"Ann\" }} }}

[[cells]]
id = \"ok\"
kind = \"api\"
function = \"greet\"
route = \"GET /hello\"
request = {{ query = \"name=Kim\" }}

[[cells]]
id = \"elsewhere\"
kind = \"api\"
function = \"greet\"
route = \"GET /hello\"
request = {{ method = \"POST\", path = \"/bye\" }}

[[cells]]
id = \"rest\"
kind = \"api\"
api = \"rest\"
function = \"bad\"
route = \"GET /items/{{id}}\"
request = {{ path = \"/items/7\" }}

[[cells]]
id = \"http\"
kind = \"api\"
function = \"bad\"
route = \"ANY /{{proxy+}}\"
request = {{ path = \"/a/b\" }}
"
    ));
    let cells = &spec.cells;
    let mut nb = Notebook::new(&spec);
    invoked(run(&mut nb, cells, "invoke"));
    let (ok, ok_run) = http(run(&mut nb, cells, "ok"));
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body, "hello Kim");
    let ok_run = ok_run.expect("the route matched, so the function ran");
    assert_eq!(
        ok_run.start.kind,
        StartKind::Warm,
        "the API reuses the invoke cell's environment"
    );

    let (missing, none) = http(run(&mut nb, cells, "elsewhere"));
    assert_eq!(
        (missing.status, missing.body.as_str()),
        (404, r#"{"message":"Not Found"}"#)
    );
    assert!(none.is_none(), "API Gateway answers 404 without invoking");

    let (rest, rest_run) = http(run(&mut nb, cells, "rest"));
    assert_eq!(
        rest.status, 502,
        "REST APIs answer a malformed proxy response with 502"
    );
    let CellOutput::Http { event, .. } = nb.output("rest").expect("ran") else {
        panic!("an HTTP answer")
    };
    assert_eq!(event["pathParameters"]["id"], "7");
    assert!(rest_run.is_some());
    let (v2, _) = http(run(&mut nb, cells, "http"));
    assert_eq!(
        v2.status, 500,
        "HTTP APIs answer a malformed proxy response with 500"
    );

    let goals = [
        Goal::StatusCode {
            cell: "ok".into(),
            value: 200,
        },
        Goal::StatusCode {
            cell: "rest".into(),
            value: 200,
        },
        Goal::ResponseContains {
            cell: "ok".into(),
            text: "Kim".into(),
        },
    ];
    let spec = LabSpec {
        goals: goals.to_vec(),
        ..spec.clone()
    };
    let verdicts = nb.evaluate(&spec, cells);
    expect![[r#"
        Pass: "ok" answers with status 200: GET /hello?name=Kim got 200.
        Fail: "rest" answers with status 200: GET /items/7 got 502 (Execution failed due to configuration error: Malformed Lambda proxy response (body must be a string)).
        Pass: The response of "ok" contains “Kim”: The response contains “Kim”: hello Kim
    "#]]
    .assert_eq(&verdict_lines(&verdicts));
}

fn verdict_lines(verdicts: &[GoalVerdict]) -> String {
    verdicts
        .iter()
        .map(|v| format!("{:?}: {}: {}\n", v.status, v.description, v.reason))
        .collect()
}

#[test]
fn s3_cells_deliver_only_matching_keys_and_say_why() {
    let spec = lab(&format!(
        "{HELLO}
[[cells]]
id = \"cat\"
kind = \"s3\"
bucket = \"uploads\"
function = \"hello\"
prefix = \"images/\"
suffix = \".jpg\"
put = {{ key = \"images/cat.jpg\", body = \"meow\" }}

[[cells]]
id = \"doc\"
kind = \"s3\"
bucket = \"uploads\"
function = \"hello\"
prefix = \"images/\"
suffix = \".jpg\"
put = {{ key = \"docs/cat.jpg\", body = \"meow\" }}
"
    ));
    let nb = Notebook::run_all(&spec, &spec.cells);
    let Some(CellOutput::S3 {
        matched,
        reason,
        runs,
        event,
    }) = nb.output("cat")
    else {
        panic!("an S3 output")
    };
    assert!(matched);
    assert_eq!(
        reason,
        "key images/cat.jpg matches prefix images/ and suffix .jpg"
    );
    assert_eq!(runs.len(), 1, "one delivery");
    let event = event.as_ref().expect("the event of a match");
    assert_eq!(event["Records"][0]["s3"]["object"]["key"], "images/cat.jpg");
    assert!(runs[0].invocation.logs.iter().any(|l| l.contains("hi")));
    let Some(CellOutput::S3 {
        matched,
        reason,
        runs,
        ..
    }) = nb.output("doc")
    else {
        panic!("an S3 output")
    };
    assert!(!matched);
    assert_eq!(
        reason,
        "key docs/cat.jpg does not start with prefix images/, so S3 sends no notification"
    );
    assert!(runs.is_empty());
}

#[test]
fn a_schedule_of_every_five_minutes_fires_twelve_times_an_hour() {
    let spec = lab(&format!(
        "{HELLO}
[[cells]]
kind = \"schedule\"
function = \"hello\"
expression = \"rate(5 minutes)\"
run_for = \"1h\"

[[goals]]
check = \"invocations\"
cell = \"schedule\"
min = 12
max = 12
"
    ));
    let nb = Notebook::run_all(&spec, &spec.cells);
    let Some(CellOutput::Schedule { fires, next, runs }) = nb.output("schedule") else {
        panic!("a schedule output")
    };
    assert_eq!(fires.len(), 12, "{fires:?}");
    assert_eq!(runs.len(), 12);
    assert_eq!(next.len(), 5);
    assert!(next[0] > fires[11], "{next:?} after {fires:?}");
    assert!(
        runs[1..].iter().all(|r| r.start.kind == StartKind::Warm),
        "five minutes apart, the environment stays"
    );
    let v = nb.evaluate(&spec, &spec.cells);
    assert_eq!(v[0].status, GoalStatus::Pass, "{}", v[0].reason);
    assert_eq!(v[0].reason, "The cell's last run caused 12 invocations.");
}

#[test]
fn iam_cells_show_each_call_and_probe_with_the_deciding_statement() {
    let spec = lab(r#"
[[cells]]
kind = "function"
name = "thumbs"
policies = ['{"Version":"2012-10-17","Statement":[{"Sid":"AllowPut","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::uploads/*"},{"Sid":"NoSecrets","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::uploads/secret/*"}]}']
handler = '''
fn handler(event, context) {
    s3_put("uploads", "thumb.jpg", "small");
    s3_put("photos", "thumb.jpg", "small");
}
'''

[[cells]]
kind = "invoke"
function = "thumbs"

[[cells]]
kind = "iam"
function = "thumbs"
probes = [
  { action = "s3:DeleteObject", resource = "arn:aws:s3:::uploads/a" },
  { action = "s3:PutObject", resource = "arn:aws:s3:::uploads/secret/a" },
]

[[goals]]
check = "iam"
function = "thumbs"
action = "s3:PutObject"
resource = "arn:aws:s3:::uploads/x"
expect = "allow"

[[goals]]
check = "iam"
function = "thumbs"
action = "s3:DeleteObject"
resource = "arn:aws:s3:::uploads/x"
expect = "allow"
"#);
    let nb = Notebook::run_all(&spec, &spec.cells);
    let Some(CellOutput::Iam {
        policies,
        calls,
        probes,
    }) = nb.output("iam")
    else {
        panic!("an IAM output")
    };
    assert_eq!(policies[0]["Statement"][0]["Sid"], "AllowPut");
    let lines: Vec<String> = calls
        .iter()
        .map(|c| format!("call {} {} {} {}", c.action, c.resource, c.allowed, c.decided_by))
        .chain(
            probes
                .iter()
                .map(|p| format!("probe {} {} {} {}", p.action, p.resource, p.allowed, p.decided_by)),
        )
        .collect();
    expect![[r#"
        call s3:PutObject arn:aws:s3:::uploads/thumb.jpg true statement 1 (Sid "AllowPut") of policy 1 allows it
        call s3:PutObject arn:aws:s3:::photos/thumb.jpg false no statement allows it (implicit deny)
        probe s3:DeleteObject arn:aws:s3:::uploads/a false no statement allows it (implicit deny)
        probe s3:PutObject arn:aws:s3:::uploads/secret/a false statement 2 (Sid "NoSecrets") of policy 1 denies it explicitly"#]]
    .assert_eq(&lines.join("\n"));
    let v = nb.evaluate(&spec, &spec.cells);
    expect![[r#"
        Pass: The role of thumbs allows s3:PutObject on arn:aws:s3:::uploads/x: The role allows s3:PutObject on arn:aws:s3:::uploads/x: statement 1 (Sid "AllowPut") of policy 1 allows it.
        Fail: The role of thumbs allows s3:DeleteObject on arn:aws:s3:::uploads/x: The role denies s3:DeleteObject on arn:aws:s3:::uploads/x: no statement allows it (implicit deny).
    "#]]
    .assert_eq(&verdict_lines(&v));
}

const LOAD: &str = r#"
[[cells]]
kind = "function"
name = "busy"
reserved_concurrency = 5
handler = '''
fn handler(event, context) { cpu(80); "ok" }
'''

[[cells]]
kind = "load"
function = "busy"
rps = 100.0
duration = "2m"

[[goals]]
check = "max-throttles"
cell = "load"
value = 0
"#;

#[test]
fn a_load_run_in_slices_gives_the_numbers_of_one_go_and_of_simulate_load() {
    let spec = lab(LOAD);
    let mut nb = Notebook::new(&spec);
    nb.run_cell(&spec.cells, 0);
    let Ok(mut sliced) = nb.start_load(&spec.cells, 1) else {
        panic!("the load starts")
    };
    let mut slices = 0;
    while !sliced.advance(SimDurationForTests::from_millis(700), 500) {
        slices += 1;
        let p = sliced.progress();
        assert!(p.done_s <= p.duration_s);
    }
    assert!(slices > 100, "{slices} slices");
    let one_go = nb.run_cell(&spec.cells, 1);
    let CellOutput::Load(one) = one_go else {
        panic!("a load output")
    };
    let all = sliced.progress();
    assert_eq!(all, one, "slices and one go agree");
    assert_eq!(one.period_s, 2.0, "2 minutes in buckets of duration/60");
    assert!(
        one.totals.throttles > 0,
        "reserved concurrency 5 throttles at 100 rps"
    );

    let CellKind::Function(f) = &spec.cells[0].kind else {
        panic!("a function cell")
    };
    let account = crate::lambda::AccountConfig {
        keep_records: false,
        trace: crate::sim::TraceMode::Hash,
        ..Default::default()
    };
    let seed = spec.seed.unwrap_or(crate::sim::DEFAULT_SEED);
    let (report, _) = crate::lambda::simulate_load(
        f,
        100.0,
        SimDurationForTests::from_secs(120),
        &serde_json::json!({}),
        seed,
        account,
    )
    .expect("valid");
    assert_eq!(
        (
            report.invocations,
            report.throttles,
            report.cold_starts,
            report.errors
        ),
        (
            one.totals.invocations,
            one.totals.throttles,
            one.totals.cold_starts,
            one.totals.errors
        )
    );
    assert_eq!(report.cost.total_usd, one.cost_usd);
    assert_eq!(report.monthly.total_usd, one.monthly_usd);
    let per_bucket: u64 = one.points.iter().map(|p| p.invocations).sum();
    assert_eq!(per_bucket, one.totals.invocations);

    let v = nb.evaluate(&spec, &spec.cells);
    assert_eq!(v[0].status, GoalStatus::Fail);
    assert!(
        v[0].reason.ends_with(&format!(
            "throttles in {} requests.",
            super::goals::thousands(one.totals.invocations + one.totals.throttles)
        )),
        "{}",
        v[0].reason
    );
}

use crate::sim::SimDuration as SimDurationForTests;

#[test]
fn tuning_finds_the_cheapest_and_the_fastest_size() {
    let spec = lab(r#"
[[cells]]
kind = "function"
name = "crunch"
timeout = 10
handler = '''
fn handler(event, context) { cpu(400); "done" }
'''

[[cells]]
kind = "tuning"
function = "crunch"
memory = [128, 512, 1769, 3008]
runs = 3

[[goals]]
check = "memory-is"
function = "crunch"
cell = "tuning"
pick = "fastest"
"#);
    let nb = Notebook::run_all(&spec, &spec.cells);
    let Some(CellOutput::Tuning(t)) = nb.output("tuning") else {
        panic!("a tuning output")
    };
    let ms: Vec<f64> = t.points.iter().map(|p| p.avg_ms).collect();
    assert!(
        ms[0] > ms[1] && ms[1] > ms[2],
        "more memory, more CPU, shorter runs: {ms:?}"
    );
    let min_cost = t
        .points
        .iter()
        .map(|p| p.cost_per_million_usd)
        .fold(f64::MAX, f64::min);
    let cheapest = t
        .points
        .iter()
        .find(|p| p.cost_per_million_usd == min_cost)
        .expect("a point");
    assert_eq!(t.cheapest, cheapest.memory_mb);
    assert!(t.fastest >= 1769, "one vCPU at 1,769 MB: {ms:?}");
    let fastest = t
        .points
        .iter()
        .find(|p| p.memory_mb == t.fastest)
        .expect("listed");
    assert!(t.points.iter().all(|p| p.avg_ms >= fastest.avg_ms), "{ms:?}");
    let v = nb.evaluate(&spec, &spec.cells);
    assert_eq!(v[0].status, GoalStatus::Fail);
    assert_eq!(
        v[0].reason,
        format!(
            "crunch has 128 MB; the fastest size in \"tuning\" is {} MB.",
            t.fastest
        )
    );
}

#[test]
fn goals_are_pending_until_their_cell_runs_and_after_their_function_changes() {
    let spec = lab(&format!(
        "{HELLO}\n[[cells]]\nkind = \"invoke\"\nfunction = \"hello\"\n\n[[goals]]\ncheck = \"start\"\ncell = \"invoke\"\nvalue = \"warm\"\n"
    ));
    let mut cells = spec.cells.clone();
    let mut nb = Notebook::new(&spec);
    assert_eq!(
        verdict_lines(&nb.evaluate(&spec, &cells)),
        "Pending: The last invocation of \"invoke\" starts warm: Run the \"invoke\" cell.\n"
    );
    run(&mut nb, &cells, "invoke");
    assert_eq!(
        verdict_lines(&nb.evaluate(&spec, &cells)),
        "Fail: The last invocation of \"invoke\" starts warm: The last invocation started cold: first request, no environment exists yet.\n"
    );
    run(&mut nb, &cells, "invoke");
    assert_eq!(nb.evaluate(&spec, &cells)[0].status, GoalStatus::Pass);
    let CellKind::Function(f) = &mut cells[0].kind else {
        panic!("a function cell")
    };
    f.timeout = Some(5);
    assert_eq!(
        verdict_lines(&nb.evaluate(&spec, &cells)),
        "Pending: The last invocation of \"invoke\" starts warm: Run the \"invoke\" cell again: hello changed since it ran.\n"
    );
}

#[test]
fn check_lab_fails_a_lab_whose_start_passes_and_one_whose_solution_fails() {
    let goal = "\n[[goals]]\ncheck = \"response-contains\"\ncell = \"invoke\"\ntext = \"hello\"\n";
    let invoke = "\n[[cells]]\nkind = \"invoke\"\nfunction = \"hello\"\nevent = { name = \"Kim\" }\n";
    let teaches_nothing = lab(&format!("{HELLO}{invoke}{goal}"));
    let problems = check_lab(&teaches_nothing).problems();
    assert_eq!(
        problems,
        vec!["the starting cells already pass every goal, so the lab teaches nothing: make the start miss at least one goal".to_string()]
    );
    let wrong = lab(&format!(
        "{HELLO}{invoke}{goal}\n[solution.hello]\nhandler = 'fn handler(e, c) {{ \"bye\" }}'\n[solution.invoke]\nevent = {{ name = \"Ann\" }}\n"
    ));
    let check = check_lab(&wrong);
    assert_eq!(check.start[0].status, GoalStatus::Pass);
    assert_eq!(
        check.problems()[0],
        "the reference solution does not reach goal \"The response of \"invoke\" contains “hello”\": The response does not contain “hello”: \"bye\""
    );
}

#[test]
fn a_solution_with_a_key_its_cell_does_not_have_is_reported() {
    let text = format!(
        "id = \"t\"\nnot_modelled = \"x\"\n{HELLO}\n[[cells]]\nkind = \"invoke\"\nfunction = \"hello\"\n\n[solution.invoke]\nrps = 3\n[solution.hello]\nmemory_size = 1\n"
    );
    let d = parse_lab("lab", &text).expect_err("two mistakes");
    expect![[r#"
        lab:16:1: error: key "rps" does not apply to this cell kind (it is used by: load; expected one of: kind, id, function, template, event)
        lab:18:1: error: ValidationException: 1 validation error detected: Value '1' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128
    "#]]
    .assert_eq(&crate::diag::render_all(&d));
}

#[test]
fn every_cell_kind_and_goal_reads_back_from_the_page_json() {
    let spec = lab(&format!(
        "{HELLO}
[[cells]]
kind = \"invoke\"
function = \"hello\"
template = \"apigw-http\"

[[cells]]
kind = \"api\"
api = \"rest\"
function = \"hello\"
route = \"POST /items/{{id}}\"
request = {{ path = \"/items/3\", headers = {{ accept = \"text/plain\" }}, body = \"x\" }}

[[cells]]
kind = \"s3\"
bucket = \"b\"
function = \"hello\"
put = {{ key = \"k\" }}

[[cells]]
kind = \"schedule\"
function = \"hello\"
expression = \"cron(0 12 * * ? *)\"

[[cells]]
kind = \"iam\"
function = \"hello\"
probes = [{{ action = \"s3:GetObject\", resource = \"*\" }}]

[[cells]]
kind = \"load\"
function = \"hello\"
rps = 2.5
duration = \"90s\"

[[cells]]
kind = \"tuning\"
function = \"hello\"
memory = [128, 256]

[[goals]]
check = \"invocations\"
cell = \"load\"
min = 1

[[goals]]
check = \"max-p99-ms\"
cell = \"load\"
value = 12.5

[[goals]]
check = \"memory-is\"
function = \"hello\"
cell = \"tuning\"
pick = \"cheapest\"
"
    ));
    let json = serde_json::to_string(&spec).expect("serialises");
    let back: LabSpec = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back.cells, spec.cells);
    assert_eq!(back.goals, spec.goals);
    let CellKind::Api { request, route, .. } = &spec.cells[2].kind else {
        panic!("an api cell")
    };
    assert_eq!(
        (request.method.as_str(), route.to_string().as_str()),
        ("POST", "POST /items/{id}")
    );
    let CellKind::Schedule { run_for, .. } = &spec.cells[4].kind else {
        panic!("a schedule cell")
    };
    assert_eq!(run_for.as_secs(), 3600, "run_for defaults to an hour");
    let CellKind::Tuning { runs, .. } = &spec.cells[7].kind else {
        panic!("a tuning cell")
    };
    assert_eq!(*runs, 5, "runs defaults to 5");
    let ids: Vec<&str> = spec.cells.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "hello", "invoke", "api", "s3", "schedule", "iam", "load", "tuning"
        ]
    );
    // Every kind runs, and runs the same way twice.
    let a = Notebook::run_all(&spec, &spec.cells);
    let b = Notebook::run_all(&spec, &spec.cells);
    for c in &spec.cells {
        let out = a.output(&c.id).expect("every cell ran");
        assert!(!matches!(out, CellOutput::Error { .. }), "{}: {out:?}", c.id);
        let ja = serde_json::to_string(out).expect("json");
        let jb = serde_json::to_string(&b.output(&c.id)).expect("json");
        assert_eq!(ja, jb, "cell {}", c.id);
    }
}

#[test]
fn a_load_cell_counts_timeouts() {
    let spec = lab(r#"
[[cells]]
kind = "function"
name = "slow"
timeout = 1
handler = '''
fn handler(event, context) { wait(1500); 1 }
'''

[[cells]]
kind = "load"
function = "slow"
rps = 5.0
duration = "20s"

[[goals]]
check = "max-timeouts"
cell = "load"
value = 0
"#);
    let nb = Notebook::run_all(&spec, &spec.cells);
    let Some(CellOutput::Load(l)) = nb.output("load") else {
        panic!("a load output")
    };
    assert!(l.totals.invocations > 50, "{:?}", l.totals);
    assert_eq!(
        l.totals.timeouts, l.totals.invocations,
        "every invocation times out"
    );
    assert_eq!(l.totals.errors, l.totals.invocations, "a timeout is an error");
    let v = nb.evaluate(&spec, &spec.cells);
    assert_eq!(v[0].status, GoalStatus::Fail);
    assert_eq!(
        v[0].reason,
        format!(
            "{} timeouts in {} invocations.",
            l.totals.timeouts, l.totals.invocations
        )
    );
}

#[test]
fn duplicate_ids_and_goals_reading_the_wrong_kind_are_reported() {
    let text = format!(
        "id = \"t\"\nnot_modelled = \"x\"\n{HELLO}\n[[cells]]\nkind = \"invoke\"\nfunction = \"hello\"\n\n[[cells]]\nkind = \"invoke\"\nfunction = \"hello\"\n\n[[goals]]\ncheck = \"max-throttles\"\ncell = \"invoke\"\nvalue = 0\n\n[solution]\n"
    );
    let d = parse_lab("lab", &text).expect_err("two mistakes");
    expect![[r#"
        lab:15:1: error: duplicate cell id "invoke" (the first is on line 11): give one of them its own id = "…"
        lab:21:8: error: goal check "max-throttles" cannot read cell "invoke" (kind invoke); it reads cells of kind: load
    "#]]
    .assert_eq(&crate::diag::render_all(&d));
}

#[test]
fn tuning_never_picks_a_size_whose_runs_failed() {
    // At 128 MB the handler runs out of memory after a few milliseconds: billed little, it would
    // look the cheapest and the fastest if failed sizes counted.
    let spec = lab(r#"
[[cells]]
kind = "function"
name = "big"
timeout = 10
handler = '''
fn handler(event, context) { allocate(200); cpu(50); "done" }
'''

[[cells]]
kind = "tuning"
function = "big"
memory = [128, 512, 1024]
runs = 2

[[goals]]
check = "memory-is"
function = "big"
cell = "tuning"
pick = "cheapest"
"#);
    let nb = Notebook::run_all(&spec, &spec.cells);
    let Some(CellOutput::Tuning(t)) = nb.output("tuning") else {
        panic!("a tuning output")
    };
    assert!(
        t.points[0].errors > 0,
        "128 MB cannot hold 200 MB: {:?}",
        t.points[0]
    );
    assert!(t.points[1..].iter().all(|p| p.errors == 0), "{:?}", t.points);
    assert_ne!(t.cheapest, 128, "{t:?}");
    assert_ne!(t.fastest, 128, "{t:?}");
}
