//! The Lambda-side CLI, run as a user runs it (`cloudbook sim lambda|event|schedule|iam` and
//! `cloudbook sim price lambda`) on files in a temp dir, plus the event payloads checked against
//! the `aws_lambda_events` types so their shape is AWS's, not ours. The model itself is tested in
//! the library (`src/lambda/tests.rs`).

// These tests write function files and events to temp dirs, which the core may not do.
#![allow(clippy::disallowed_methods)]

use std::process::Output;

use expect_test::expect;

use super::support::{cloudbook, text, write};

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", text(o));
    serde_json::from_slice(&o.stdout).expect("--json prints JSON")
}

const HELLO: &str = r#"name = "hello"
memory_size = 256
handler = '''
fn handler(event, context) {
    print(`hello ${event.name}`);
    #{ statusCode: 200, body: `Hello, ${event.name}!` }
}
'''
"#;

#[test]
fn invoke_prints_response_logs_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "hello.toml", HELLO);
    let e = write(dir.path(), "event.json", r#"{"name": "Ada"}"#);
    let o = cloudbook(&["sim", "lambda", "invoke", "--function", &f, "--event", &e]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.starts_with("Response: {\"body\":\"Hello, Ada!\",\"statusCode\":200}\n--- /aws/lambda/hello\nSTART RequestId: "), "{out}");
    let report = out
        .lines()
        .find(|l| l.starts_with("REPORT"))
        .expect("a REPORT line");
    let fields: Vec<&str> = report
        .split('\t')
        .map(|f| f.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        fields,
        [
            "REPORT RequestId",
            "Duration",
            "Billed Duration",
            "Memory Size",
            "Max Memory Used",
            "Init Duration",
            ""
        ]
    );
    let v = json(&cloudbook(&[
        "sim",
        "lambda",
        "invoke",
        "--function",
        &f,
        "--event",
        &e,
        "--json",
    ]));
    assert_eq!(v["response"]["body"], "Hello, Ada!");
    assert!(v["init_ms"].as_f64().unwrap() > 50.0);
    assert_eq!(
        v["billed_ms"].as_u64().unwrap(),
        (v["duration_ms"].as_f64().unwrap() + v["init_ms"].as_f64().unwrap()).ceil() as u64
    );
}

#[test]
fn handler_file_is_read_next_to_the_function_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "h.rhai", "fn handler(e, c) { env(\"GREETING\") }");
    let f = write(
        dir.path(),
        "f.toml",
        "name = \"f\"\nhandler_file = \"h.rhai\"\n[environment]\nGREETING = \"hi\"\n",
    );
    let v = json(&cloudbook(&[
        "sim",
        "lambda",
        "invoke",
        "--function",
        &f,
        "--json",
    ]));
    assert_eq!(v["response"], "hi");
}

#[test]
fn bad_function_files_fail_with_located_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "bad.toml",
        "name = \"f\"\nhandler = \"fn handler(e, c) { 1 }\"\ntimeout = 901\n",
    );
    let o = cloudbook(&["sim", "lambda", "invoke", "--function", &f]);
    assert!(!o.status.success());
    let out = text(&o).replace(&f, "bad.toml");
    expect![[r#"
        error: bad.toml:3:1: error: ValidationException: 1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900
    "#]]
    .assert_eq(&out);
    let f = write(
        dir.path(),
        "typo.toml",
        "name = \"f\"\nhandler = \"fn handler(e, c) { 1 }\"\n[triggers]\nsqs = []\n",
    );
    let out = text(&cloudbook(&["sim", "lambda", "invoke", "--function", &f])).replace(&f, "typo.toml");
    expect![[r#"
        error: typo.toml:4:1: error: unknown key "sqs" in [triggers] (expected one of: s3, schedule, api)
    "#]]
    .assert_eq(&out);
}

#[test]
fn load_reports_throttles_and_cold_starts() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "busy.toml",
        "name = \"busy\"\nreserved_concurrency = 5\nhandler = \"fn handler(e, c) { wait(500); 1 }\"\n",
    );
    let v = json(&cloudbook(&[
        "sim",
        "lambda",
        "load",
        "--function",
        &f,
        "--rps",
        "20",
        "--duration",
        "2m",
        "--json",
    ]));
    // 20 rps × 0.5 s needs 10 environments; 5 are allowed, so about half the requests are throttled.
    let (inv, thr) = (
        v["invocations"].as_u64().unwrap(),
        v["throttles"].as_u64().unwrap(),
    );
    assert!(
        thr > inv / 2 && thr < inv * 2,
        "invocations {inv}, throttles {thr}"
    );
    assert_eq!(v["cold_starts"], 5);
    let minutes = v["minutes"].as_array().unwrap();
    assert!(
        minutes
            .iter()
            .all(|m| m["concurrent_executions"].as_u64().unwrap() <= 5)
    );
}

#[test]
fn load_takes_durations_in_the_one_grammar() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "f.toml",
        "name = \"f\"\nhandler = \"fn handler(e, c) { 1 }\"\n",
    );
    let run = |duration: &str| {
        cloudbook(&[
            "sim",
            "lambda",
            "load",
            "--function",
            &f,
            "--rps",
            "10",
            "--duration",
            duration,
            "--json",
        ])
    };
    let v = json(&run("1.5m"));
    // 90 s of load spans minutes 0 and 1, at 10 requests per second.
    assert_eq!(v["minutes"].as_array().unwrap().len(), 2);
    let invocations = |d: &str| json(&run(d))["invocations"].as_u64().unwrap();
    let (one, half, two) = (
        invocations("1m"),
        v["invocations"].as_u64().unwrap(),
        invocations("2m"),
    );
    assert!(one < half && half < two, "1m {one}, 1.5m {half}, 2m {two}");
    for same in ["90s", "90", "90000ms"] {
        assert_eq!(json(&run(same)), v, "--duration {same}");
    }
    let o = run("1.5x");
    assert!(!o.status.success());
    assert!(
        text(&o).contains("invalid duration \"1.5x\": unknown unit \"x\""),
        "{}",
        text(&o)
    );
}

#[test]
fn schedule_prints_fire_times_or_the_reason() {
    let o = cloudbook(&[
        "sim",
        "schedule",
        "cron(0 0 L 2 ? *)",
        "--after",
        "2027-06-01T00:00:00Z",
        "--count",
        "2",
    ]);
    assert_eq!(text(&o), "2028-02-29T00:00:00Z\n2029-02-28T00:00:00Z\n");
    let o = cloudbook(&[
        "sim",
        "schedule",
        "rate(1 hours)",
        "--after",
        "2026-01-01T00:00:00Z",
    ]);
    assert!(!o.status.success());
    expect![[r#"
        error: ValidationException: Parameter ScheduleExpression is not valid. (a rate of 1 takes the singular unit: rate(1 hour))
    "#]]
    .assert_eq(&text(&o));
}

#[test]
fn iam_names_the_deciding_statement() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "p.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"},
           {"Sid":"NoSecrets","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/secret/*"}]}"#,
    );
    let o = cloudbook(&[
        "sim",
        "iam",
        "--policy",
        &p,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/a.txt",
    ]);
    assert!(
        text(&o).starts_with("Allow\ndecided by policy[0].Statement[0] (Sid \"Read\")"),
        "{}",
        text(&o)
    );
    let v = json(&cloudbook(&[
        "sim",
        "iam",
        "--policy",
        &p,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/secret/k",
        "--json",
    ]));
    assert_eq!(v["decision"], "ExplicitDeny");
    assert_eq!(v["decided_by"]["sid"], "NoSecrets");
    let v = json(&cloudbook(&[
        "sim",
        "iam",
        "--policy",
        &p,
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--json",
    ]));
    assert_eq!(v["decision"], "ImplicitDeny");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .ends_with("because no identity-based policy allows the s3:PutObject action")
    );
}

#[test]
fn price_matches_the_worked_examples() {
    let v = json(&cloudbook(&[
        "sim",
        "price",
        "lambda",
        "--memory",
        "512",
        "--duration-ms",
        "1000",
        "--invocations",
        "3000000",
        "--free-tier",
        "--json",
    ]));
    assert_eq!(v["gb_seconds"], 1_500_000.0);
    assert_eq!(
        format!(
            "{:.2} {:.2} {:.2}",
            v["requests_usd"].as_f64().unwrap(),
            v["duration_usd"].as_f64().unwrap(),
            v["total_usd"].as_f64().unwrap()
        ),
        "0.40 18.33 18.73"
    );
    let o = cloudbook(&[
        "sim",
        "price",
        "lambda",
        "--memory",
        "1024",
        "--duration-ms",
        "250",
        "--invocations",
        "5000000",
        "--arch",
        "arm64",
        "--free-tier",
    ]);
    assert_eq!(
        text(&o),
        "1250000 GB-s (850000 billable)\nrequests: $0.80\nduration: $11.33\ntotal:    $12.13\n"
    );
}

#[test]
fn sample_events_deserialise_into_the_aws_lambda_events_types() {
    use aws_lambda_events::event::apigw::{ApiGatewayProxyRequest, ApiGatewayV2httpRequest};
    use aws_lambda_events::event::eventbridge::EventBridgeEvent;
    use aws_lambda_events::event::s3::S3Event;

    let o = cloudbook(&[
        "sim",
        "event",
        "apigw-v1",
        "--method",
        "post",
        "--path",
        "/hello/world",
        "--query",
        "name=me",
        "--header",
        "Accept: */*",
        "--body",
        "{}",
    ]);
    let v1: ApiGatewayProxyRequest = serde_json::from_slice(&o.stdout).expect("a REST proxy event");
    assert_eq!(v1.http_method.as_str(), "POST");
    assert_eq!(v1.path.as_deref(), Some("/hello/world"));
    assert_eq!(v1.query_string_parameters.first("name"), Some("me"));
    assert_eq!(
        v1.path_parameters.get("proxy").map(String::as_str),
        Some("hello/world")
    );

    let o = cloudbook(&[
        "sim",
        "event",
        "apigw-v2",
        "--path",
        "/items",
        "--query",
        "a=1",
        "--query",
        "a=2",
        "--header",
        "Cookie: s=1; t=2",
    ]);
    let v2: ApiGatewayV2httpRequest = serde_json::from_slice(&o.stdout).expect("an HTTP API event");
    assert_eq!(v2.version.as_deref(), Some("2.0"));
    assert_eq!(v2.raw_query_string.as_deref(), Some("a=1&a=2"));
    assert_eq!(v2.cookies, Some(vec!["s=1".to_string(), "t=2".to_string()]));
    assert_eq!(v2.request_context.http.method.as_str(), "GET");

    let o = cloudbook(&[
        "sim",
        "event",
        "s3-put",
        "--bucket",
        "photos",
        "--key",
        "red flower.jpg",
        "--json",
    ]);
    let s3: S3Event = serde_json::from_slice(&o.stdout).expect("an S3 event");
    let r = &s3.records[0];
    assert_eq!(r.event_version.as_deref(), Some("2.1"));
    assert_eq!(r.event_name.as_deref(), Some("ObjectCreated:Put"));
    assert_eq!(r.s3.object.key.as_deref(), Some("red+flower.jpg"));
    assert_eq!(r.s3.bucket.name.as_deref(), Some("photos"));

    let o = cloudbook(&[
        "sim",
        "event",
        "schedule",
        "--rule",
        "nightly",
        "--time",
        "2026-03-01T02:00:00Z",
    ]);
    let eb: EventBridgeEvent = serde_json::from_slice(&o.stdout).expect("a scheduled event");
    assert_eq!(eb.detail_type, "Scheduled Event");
    assert_eq!(eb.source, "aws.events");
    assert_eq!(
        eb.time.map(|t| t.to_rfc3339()),
        Some("2026-03-01T02:00:00+00:00".to_string())
    );
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    // `cloudbook sim lambda invoke … | head -0`: the pipe's reader is gone before the first line.
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "hello.toml", HELLO);
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cloudbook"))
        .args(["sim", "lambda", "invoke", "--function", &f])
        .stdout(writer)
        .output()
        .expect("cloudbook runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}
