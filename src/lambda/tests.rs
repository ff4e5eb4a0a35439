//! Unit tests of the Lambda model through its public entry points: traces and logs as snapshots,
//! adversarial handlers, warm reuse, throttling. Integration tests (CLI, event types) live in
//! `tests/it/lambda.rs`.

use expect_test::{Expect, expect};
use serde_json::json;

use super::*;
use crate::sim::SimTime;

fn spec(handler: &str) -> FunctionSpec {
    FunctionSpec {
        name: "hello".into(),
        handler: Some(handler.into()),
        ..Default::default()
    }
}

fn check(handler: &str, event: serde_json::Value, expect: Expect) {
    let inv = invoke_once(&spec(handler), &event, 7).expect("valid spec");
    let mut out = String::new();
    out += &format!(
        "response: {}\n",
        inv.response.as_ref().map_or("-".into(), logs::canonical_json)
    );
    out += &format!(
        "error: {}\n",
        inv.error.as_ref().map_or("-".into(), logs::canonical_json)
    );
    out += "--- logs\n";
    for l in &inv.logs {
        out += &l.replace('\t', "→");
        out += "\n";
    }
    out += "--- trace\n";
    for l in &inv.trace {
        out += l;
        out += "\n";
    }
    expect.assert_eq(&out);
}

#[test]
fn hello_world_cold_start() {
    check(
        r#"
        let greeting = "Hello";
        fn handler(event, context) {
            print(`${this.greeting} from ${context.function_name} (${context.memory_limit_in_mb} MB)`);
            #{ statusCode: 200, body: `${this.greeting}, ${event.name}!` }
        }"#,
        json!({"name": "Ada"}),
        expect![[r#"
            response: {"body":"Hello, Ada!","statusCode":200}
            error: -
            --- logs
            START RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2 Version: $LATEST
            2026-01-01T00:00:00.179Z→b358faf7-4ef9-465a-875c-3d964f482cd2→INFO→Hello from hello (128 MB)
            END RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2
            REPORT RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2→Duration: 0.83 ms→Billed Duration: 181 ms→Memory Size: 128 MB→Max Memory Used: 51 MB→Init Duration: 179.48 ms→
            --- trace
            t=00:00:00.000 fn=hello req=b358faf7 ColdStart env=1 init=179.478ms reason="first request: no environment exists yet"
            t=00:00:00.180 fn=hello req=b358faf7 Succeeded env=1 duration=0.825ms
        "#]],
    );
}

#[test]
fn unhandled_error_and_throw() {
    check(
        r#"fn handler(event, context) { throw "boom"; }"#,
        json!({}),
        expect![[r#"
        response: -
        error: {"errorMessage":"boom","errorType":"Error","trace":["Error: boom","    at index.rhai:1:30"]}
        --- logs
        START RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2 Version: $LATEST
        2026-01-01T00:00:00.179Z→b358faf7-4ef9-465a-875c-3d964f482cd2→ERROR→Invoke Error →{"errorType":"Error","errorMessage":"boom","trace":["Error: boom","    at index.rhai:1:30"]}
        END RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2
        REPORT RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2→Duration: 0.47 ms→Billed Duration: 180 ms→Memory Size: 128 MB→Max Memory Used: 51 MB→Init Duration: 179.45 ms→
        --- trace
        t=00:00:00.000 fn=hello req=b358faf7 ColdStart env=1 init=179.451ms reason="first request: no environment exists yet"
        t=00:00:00.179 fn=hello req=b358faf7 Failed env=1 errorType=Error duration=0.466ms
    "#]],
    );
}

#[test]
fn timeout_at_three_seconds() {
    check(
        r#"fn handler(event, context) { cpu(5000); 1 }"#,
        json!({}),
        expect![[r#"
        response: -
        error: {"errorMessage":"2026-01-01T00:00:03.181Z b358faf7-4ef9-465a-875c-3d964f482cd2 Task timed out after 3.00 seconds","errorType":"Sandbox.Timedout"}
        --- logs
        START RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2 Version: $LATEST
        END RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2
        REPORT RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2→Duration: 3002.02 ms→Billed Duration: 3182 ms→Memory Size: 128 MB→Max Memory Used: 49 MB→Init Duration: 179.45 ms→
        2026-01-01T00:00:03.181Z b358faf7-4ef9-465a-875c-3d964f482cd2 Task timed out after 3.00 seconds
        --- trace
        t=00:00:00.000 fn=hello req=b358faf7 ColdStart env=1 init=179.451ms reason="first request: no environment exists yet"
        t=00:00:03.181 fn=hello req=b358faf7 TimedOut env=1 duration=3.002s timeout=3s
        t=00:00:03.181 fn=hello EnvironmentReset env=1 reason="the invocation timed out"
    "#]],
    );
}

#[test]
fn syntax_error_is_a_clean_error() {
    check(
        r#"fn handler(event, context) { let x = ; }"#,
        json!({}),
        expect![[r#"
        response: -
        error: {"errorMessage":"SyntaxError: Unexpected ';'","errorType":"Runtime.UserCodeSyntaxError","trace":["Runtime.UserCodeSyntaxError: SyntaxError: Unexpected ';'","    at index.rhai:1:38"]}
        --- logs
        2026-01-01T00:00:00.000Z→undefined→ERROR→Uncaught Exception →{"errorType":"Runtime.UserCodeSyntaxError","errorMessage":"SyntaxError: Unexpected ';'","trace":["Runtime.UserCodeSyntaxError: SyntaxError: Unexpected ';'","    at index.rhai:1:38"]}
        START RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2 Version: $LATEST
        END RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2
        REPORT RequestId: b358faf7-4ef9-465a-875c-3d964f482cd2→Duration: 0.37 ms→Billed Duration: 180 ms→Memory Size: 128 MB→Max Memory Used: 48 MB→Init Duration: 179.45 ms→
        --- trace
        t=00:00:00.000 fn=hello req=b358faf7 ColdStart env=1 init=179.451ms reason="first request: no environment exists yet"
        t=00:00:00.179 fn=hello req=b358faf7 Failed env=1 errorType=Runtime.UserCodeSyntaxError duration=0.372ms
        t=00:00:00.179 fn=hello EnvironmentReset env=1 reason="the Init phase failed"
    "#]],
    );
}

/// The error type and the trace's outcome line of one cold invocation, for adversarial handlers.
fn ending(handler: &str, memory: u32) -> String {
    let mut s = spec(handler);
    s.memory_size = Some(memory);
    let inv = invoke_once(&s, &json!({}), 1).expect("valid spec");
    let err = inv.error.as_ref().map_or("-".into(), |e| {
        format!(
            "{} / {}",
            e["errorType"].as_str().unwrap_or("?"),
            e["errorMessage"].as_str().unwrap_or("?")
        )
    });
    // The invocation's own events: the first after its cold start is how it ended.
    let last = inv
        .events
        .iter()
        .find(|e| {
            e.record.request == Some(inv.request) && !matches!(e.record.event, TraceEvent::ColdStart { .. })
        })
        .map(|e| e.to_string())
        .unwrap_or_default();
    let tail = inv
        .logs
        .iter()
        .skip_while(|l| !l.starts_with("REPORT"))
        .skip(1)
        .cloned()
        .collect::<Vec<_>>();
    format!(
        "{err}\n{}\n{}\n",
        last.split(" req=").nth(1).unwrap_or(&last),
        tail.join("\n")
    )
}

#[test]
fn adversarial_handlers_end_as_aws_errors() {
    let req = "b358faf7-4ef9-465a-875c-3d964f482cd2";
    let cases = [
        ("infinite loop", "fn handler(e, c) { loop { } }", 128),
        (
            "infinite loop, big function",
            "fn handler(e, c) { let i = 0; while true { i += 1; } }",
            10240,
        ),
        (
            "deep recursion",
            "fn f(n) { f(n + 1) } fn handler(e, c) { f(0) }",
            128,
        ),
        (
            "giant string",
            r#"fn handler(e, c) { let s = "x"; loop { s += s; } }"#,
            128,
        ),
        (
            "giant array",
            "fn handler(e, c) { let a = []; a.pad(50000000, 0); a.len() }",
            128,
        ),
        ("declared allocation", "fn handler(e, c) { allocate(100); }", 128),
        ("undefined variable", "fn handler(e, c) { nope + 1 }", 128),
        (
            "thrown AWS-shaped error",
            r#"fn handler(e, c) { throw #{ errorType: "ValidationError", errorMessage: "bad input" }; }"#,
            128,
        ),
        ("no handler", "fn main(e) { 1 }", 128),
    ];
    let mut out = String::new();
    for (name, handler, memory) in cases {
        out += &format!("## {name}\n{}", ending(handler, memory).replace(req, "REQ"));
    }
    expect![[r#"
        ## infinite loop
        Sandbox.Timedout / 2026-01-01T00:00:03.166Z b3f2af6d-0fc7-40c5-853b-559647364cea Task timed out after 3.00 seconds
        b3f2af6d TimedOut env=1 duration=3.004s timeout=3s
        2026-01-01T00:00:03.166Z b3f2af6d-0fc7-40c5-853b-559647364cea Task timed out after 3.00 seconds
        ## infinite loop, big function
        Sandbox.Timedout / 2026-01-01T00:00:03.166Z b3f2af6d-0fc7-40c5-853b-559647364cea Task timed out after 3.00 seconds
        b3f2af6d TimedOut env=1 duration=3.004s timeout=3s
        2026-01-01T00:00:03.166Z b3f2af6d-0fc7-40c5-853b-559647364cea Task timed out after 3.00 seconds
        ## deep recursion
        RangeError / Maximum call stack size exceeded
        b3f2af6d Failed env=1 errorType=RangeError duration=4.129ms

        ## giant string
        Runtime.ExitError / RequestId: b3f2af6d-0fc7-40c5-853b-559647364cea Error: Runtime exited with error: signal: killed
        b3f2af6d OutOfMemory env=1 memory=128MB duration=1.807ms
        RequestId: b3f2af6d-0fc7-40c5-853b-559647364cea Error: Runtime exited with error: signal: killed
        Runtime.ExitError
        ## giant array
        Runtime.ExitError / RequestId: b3f2af6d-0fc7-40c5-853b-559647364cea Error: Runtime exited with error: signal: killed
        b3f2af6d OutOfMemory env=1 memory=128MB duration=0.895ms
        RequestId: b3f2af6d-0fc7-40c5-853b-559647364cea Error: Runtime exited with error: signal: killed
        Runtime.ExitError
        ## declared allocation
        Runtime.ExitError / RequestId: b3f2af6d-0fc7-40c5-853b-559647364cea Error: Runtime exited with error: signal: killed
        b3f2af6d OutOfMemory env=1 memory=128MB duration=0.812ms
        RequestId: b3f2af6d-0fc7-40c5-853b-559647364cea Error: Runtime exited with error: signal: killed
        Runtime.ExitError
        ## undefined variable
        ReferenceError / nope is not defined
        b3f2af6d Failed env=1 errorType=ReferenceError duration=0.798ms

        ## thrown AWS-shaped error
        ValidationError / bad input
        b3f2af6d Failed env=1 errorType=ValidationError duration=0.798ms

        ## no handler
        Runtime.HandlerNotFound / index.handler is undefined or not exported
        b3f2af6d Failed env=1 errorType=Runtime.HandlerNotFound duration=0.757ms

    "#]].assert_eq(&out);
}

/// Runs `specs` with invocations at given milliseconds, returns the trace.
fn scenario(
    specs: &[FunctionSpec],
    calls: &[(u64, &str, Mode)],
    until_s: u64,
) -> (crate::sim::Trace<Record>, Vec<InvocationRecord>) {
    let mut acc = Account::new(AccountConfig::default());
    for s in specs {
        acc.add_function(validate(s).expect("valid spec"));
    }
    let mut e = crate::sim::Engine::new(acc, 3);
    e.with_context(|a, cx| a.start_schedules(cx));
    for (ms, f, mode) in calls {
        e.schedule_at(
            SimTime::from_millis(*ms),
            Event::Invoke(Box::new(InvokeRequest::new(f, json!({}), *mode, "test"))),
        );
    }
    e.run_until(SimTime::from_secs(until_s));
    let (acc, trace) = e.into_parts();
    (trace, acc.records().to_vec())
}

/// The typed events of a trace, without their times.
fn events(trace: &crate::sim::Trace<Record>) -> Vec<&TraceEvent> {
    trace.entries().iter().map(|e| &e.record.event).collect()
}

#[test]
fn warm_reuse_keeps_globals_and_tmp_and_idle_envs_are_reclaimed() {
    let s = spec(
        r#"let count = 0;
        fn handler(e, c) { this.count += 1; let seen = tmp_read("seen"); tmp_write("seen", "yes"); cpu(100); #{ count: this.count, tmp: seen } }"#,
    );
    let (trace, records) = scenario(
        &[s],
        &[
            (0, "hello", Mode::Sync),
            (2000, "hello", Mode::Sync),
            (2100, "hello", Mode::Sync),
        ],
        1200,
    );
    let results: Vec<String> = records
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Success(v) => logs::canonical_json(v),
            other => format!("{other:?}"),
        })
        .collect();
    expect![[r#"
        {"count":1,"tmp":null}
        {"count":2,"tmp":"yes"}
        {"count":1,"tmp":null}
        t=00:00:00.000 fn=hello req=b0cdabda ColdStart env=1 init=145.502ms reason="first request: no environment exists yet"
        t=00:00:01.528 fn=hello req=b0cdabda Succeeded env=1 duration=1.383s
        t=00:00:02.000 fn=hello req=ec616a6e WarmStart env=1 reason="reused env 1, idle since 00:00:01.528"
        t=00:00:02.100 fn=hello req=1c3f3ba8 ColdStart env=2 init=162.537ms reason="no idle environment (1 busy)"
        t=00:00:03.383 fn=hello req=ec616a6e Succeeded env=1 duration=1.384s
        t=00:00:03.645 fn=hello req=1c3f3ba8 Succeeded env=2 duration=1.383s
        t=00:14:11.789 fn=hello Reclaimed env=1 reason="idle for 848.406s"
        t=00:14:52.083 fn=hello Reclaimed env=2 reason="idle for 888.438s"
    "#]].assert_eq(&format!("{}\n{trace}", results.join("\n")));
    // The typed events carry the reasons: the warm start names the environment and when it went
    // idle (its first invocation's end); the second cold start happened because env 1 was busy;
    // each reclaim says how long the environment idled.
    let entries = trace.entries();
    let first_end = entries
        .iter()
        .find(|e| matches!(e.record.event, TraceEvent::Ended { env: EnvId(1), .. }))
        .expect("the first invocation ended")
        .at;
    assert!(events(&trace).contains(&&TraceEvent::WarmStart {
        env: EnvId(1),
        idle_since: first_end
    }));
    assert!(matches!(
        entries[3].record.event,
        TraceEvent::ColdStart {
            env: EnvId(2),
            cause: ColdCause::NoIdle {
                busy: 1,
                reclaimed: 0,
                reset: 0
            },
            ..
        }
    ));
    for e in entries {
        if let TraceEvent::Reclaimed { env, idle_for } = e.record.event {
            let freed = entries
                .iter()
                .rfind(|x| {
                    x.at < e.at
                        && matches!(x.record.event, TraceEvent::Ended { env: ended, .. } if ended == env)
                })
                .expect("a reclaimed environment ran before");
            assert_eq!(idle_for, e.at.since(freed.at));
        }
    }
}

#[test]
fn reserved_concurrency_throttles_with_a_reason() {
    let mut s = spec("fn handler(e, c) { wait(1000); 1 }");
    s.reserved_concurrency = Some(2);
    let (trace, records) = scenario(
        &[s],
        &[
            (0, "hello", Mode::Sync),
            (10, "hello", Mode::Sync),
            (20, "hello", Mode::Sync),
        ],
        5,
    );
    let throttled: Vec<_> = records
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Throttled(_)))
        .collect();
    assert_eq!(throttled.len(), 1);
    expect![[r#"
        t=00:00:00.000 fn=hello req=b0cdabda ColdStart env=1 init=145.475ms reason="first request: no environment exists yet"
        t=00:00:00.010 fn=hello req=31f25047 ColdStart env=2 init=165.27ms reason="no idle environment (1 busy)"
        t=00:00:00.020 fn=hello req=e5bf2332 Throttled status=429 reason="reserved concurrency 2 reached (2 busy)"
        t=00:00:01.146 fn=hello req=b0cdabda Succeeded env=1 duration=1.001s
        t=00:00:01.175 fn=hello req=31f25047 Succeeded env=2 duration=1.001s
    "#]].assert_eq(&trace.to_string());
    let throttle = trace
        .entries()
        .iter()
        .find(|e| matches!(e.record.event, TraceEvent::Throttled { .. }))
        .expect("the third call was throttled");
    assert_eq!(
        throttle.record.event,
        TraceEvent::Throttled {
            cause: Throttle::Reserved { reserved: 2, busy: 2 }
        }
    );
    assert_eq!(throttle.record.request, Some(throttled[0].request_id));
}

#[test]
fn async_failures_are_retried_twice() {
    let s = spec("fn handler(e, c) { throw \"flaky\"; }");
    let (trace, records) = scenario(&[s], &[(0, "hello", Mode::Async)], 600);
    assert_eq!(records.len(), 3, "one attempt and two retries");
    assert!(
        records.iter().all(|r| r.request_id == records[0].request_id),
        "retries keep the request id"
    );
    expect![[r#"
        t=00:00:00.000 fn=hello req=b0cdabda ColdStart env=1 init=145.475ms reason="first request: no environment exists yet"
        t=00:00:00.146 fn=hello req=b0cdabda Failed env=1 errorType=Error duration=1.199ms
        t=00:00:00.146 fn=hello req=b0cdabda RetryScheduled attempt=2 in=1m reason="async invocation failed; Lambda retries twice"
        t=00:01:00.146 fn=hello req=b0cdabda WarmStart env=1 reason="reused env 1, idle since 00:00:00.146"
        t=00:01:00.147 fn=hello req=b0cdabda Failed env=1 errorType=Error duration=1.156ms
        t=00:01:00.147 fn=hello req=b0cdabda RetryScheduled attempt=3 in=2m reason="async invocation failed; Lambda retries twice"
        t=00:03:00.147 fn=hello req=b0cdabda WarmStart env=1 reason="reused env 1, idle since 00:01:00.147"
        t=00:03:00.148 fn=hello req=b0cdabda Failed env=1 errorType=Error duration=0.473ms
        t=00:03:00.148 fn=hello req=b0cdabda AsyncDiscarded reason="failed 3 attempts and no on-failure destination or DLQ is configured"
        t=00:09:09.187 fn=hello Reclaimed env=1 reason="idle for 369.039s"
    "#]].assert_eq(&trace.to_string());
    let retries: Vec<_> = events(&trace)
        .into_iter()
        .filter_map(|e| match e {
            TraceEvent::RetryScheduled {
                attempt,
                delay,
                cause,
            } => Some((*attempt, *delay, *cause)),
            _ => None,
        })
        .collect();
    let cause = RetryCause::FunctionError { max_attempts: 3 };
    assert_eq!(
        retries,
        [
            (2, crate::sim::SimDuration::from_mins(1), cause),
            (3, crate::sim::SimDuration::from_mins(2), cause)
        ]
    );
    assert!(events(&trace).contains(&&TraceEvent::AsyncDiscarded { attempts: 3 }));
}

#[test]
fn s3_put_by_a_function_triggers_another_and_iam_denies_what_it_must() {
    let mut writer = spec(
        r#"fn handler(e, c) {
            s3_put("uploads", "photos/red flower.jpg", "pixels");
            s3_put("uploads", "notes/readme.txt", "text");
            try { s3_put("private", "x", "y"); } catch (err) { print(err.errorMessage); }
            "ok"
        }"#,
    );
    writer.name = "writer".into();
    writer.policies = vec![json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Uploads", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::uploads/*"}]})];
    let mut thumbs =
        spec(r#"fn handler(e, c) { print(e.Records[0].s3.object.key); e.Records[0].s3.object.key }"#);
    thumbs.name = "thumbs".into();
    thumbs.triggers.s3.push(config::S3Trigger {
        bucket: "uploads".into(),
        prefix: "photos/".into(),
        suffix: ".jpg".into(),
    });
    let (trace, records) = scenario(&[writer, thumbs], &[(0, "writer", Mode::Sync)], 60);
    let thumb = records
        .iter()
        .find(|r| r.function == "thumbs")
        .expect("the trigger fired");
    assert_eq!(thumb.outcome, Outcome::Success(json!("photos/red+flower.jpg")));
    let writer_logs = &records.iter().find(|r| r.function == "writer").expect("ran").logs;
    assert!(writer_logs.iter().any(|l| l.contains("is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::private/x\" because no identity-based policy allows the s3:PutObject action")));
    expect![[r#"
        t=00:00:00.000 fn=writer req=b0cdabda ColdStart env=1 init=145.475ms reason="first request: no environment exists yet"
        t=00:00:00.000 fn=writer req=b0cdabda AccessDenied action=s3:PutObject resource=arn:aws:s3:::private/x decision="ImplicitDeny (no statement matched)"
        t=00:00:00.165 S3 PutObject bucket=uploads key="photos/red flower.jpg" size=6 by=writer
        t=00:00:00.165 fn=thumbs S3 Notification event=ObjectCreated:Put bucket=uploads key="photos/red flower.jpg" prefix="photos/" suffix=".jpg"
        t=00:00:00.185 S3 PutObject bucket=uploads key="notes/readme.txt" size=4 by=writer
        t=00:00:00.186 fn=writer req=b0cdabda Succeeded env=1 duration=41.489ms
        t=00:00:00.263 fn=thumbs req=ae0c5e0f ColdStart env=1 init=126.62ms reason="first request: no environment exists yet"
        t=00:00:00.391 fn=thumbs req=ae0c5e0f Succeeded env=1 duration=1.79ms
    "#]].assert_eq(&trace.to_string());
    let ev = events(&trace);
    assert!(ev.contains(&&TraceEvent::AccessDenied {
        action: "s3:PutObject".into(),
        resource: "arn:aws:s3:::private/x".into(),
        decision: "ImplicitDeny (no statement matched)".into(),
    }));
    assert!(ev.contains(&&TraceEvent::S3Notification {
        bucket: "uploads".into(),
        key: "photos/red flower.jpg".into(),
        prefix: "photos/".into(),
        suffix: ".jpg".into(),
    }));
    let put_by: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            TraceEvent::S3PutObject { key, by, .. } => Some((key.as_str(), by.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        put_by,
        [
            ("photos/red flower.jpg", "writer"),
            ("notes/readme.txt", "writer")
        ]
    );
}

#[test]
fn schedules_fire_with_the_scheduled_event() {
    let mut s = spec(r#"fn handler(e, c) { e["detail-type"] + " " + e.time }"#);
    s.triggers.schedule.push(config::ScheduleTrigger {
        expression: "rate(5 minutes)".into(),
        name: Some("tick".into()),
    });
    let (_, records) = scenario(&[s], &[], 16 * 60);
    let got: Vec<String> = records
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Success(v) => v.as_str().unwrap_or("?").to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    expect![[r#"
        Scheduled Event 2026-01-01T00:05:00Z
        Scheduled Event 2026-01-01T00:10:00Z
        Scheduled Event 2026-01-01T00:15:00Z"#]]
    .assert_eq(&got.join("\n"));
}

/// Switching the trace and the records off (as long load runs do) changes no number of the
/// report, and the lines are still counted.
#[test]
fn load_numbers_do_not_depend_on_keeping_text() {
    for handler in [
        "fn handler(e, c) { cpu(30); 1 }",
        "let n = 0; fn handler(e, c) { this.n += 1; cpu(random() * 40.0); if this.n % 7 == 0 { throw \"x\" } 1 }",
    ] {
        let mut s = spec(handler);
        s.reserved_concurrency = Some(3);
        use crate::sim::TraceMode;
        let run = |keep: bool, trace: TraceMode| {
            let account = AccountConfig {
                keep_records: keep,
                trace,
                ..AccountConfig::default()
            };
            simulate_load(
                &s,
                150.0,
                crate::sim::SimDuration::from_secs(90),
                &json!({}),
                3,
                account,
            )
            .unwrap()
        };
        let (kept, e) = run(true, TraceMode::Keep);
        let (hashed, _) = run(false, TraceMode::Hash);
        let (bare, _) = run(false, TraceMode::Off);
        assert!(kept.throttles > 0 && kept.invocations > 0, "{kept:?}");
        assert_eq!(kept.trace_lines, e.trace().len() as u64);
        assert_eq!(kept.trace_hash, Some(e.trace().hash()));
        assert_eq!(bare.trace_hash, None);
        assert_eq!(
            serde_json::to_value(&hashed).unwrap(),
            serde_json::to_value(&kept).unwrap(),
            "a hashed trace reports the kept trace's hash"
        );
        let strip = |r: &LoadReport| {
            let mut r = serde_json::to_value(r).unwrap();
            r["trace_hash"] = json!(null);
            r
        };
        assert_eq!(strip(&kept), strip(&bare));
    }
}

/// Script runs for 50 requests a second apart: one environment serves them all, warm after the
/// first. `alternate` sends two different events in turn instead of one event again and again.
fn script_runs(handler: &str, replay: bool, alternate: bool) -> u64 {
    let account = AccountConfig {
        replay_pure_handlers: replay,
        ..AccountConfig::default()
    };
    let mut acc = Account::new(account);
    acc.add_function(validate(&spec(handler)).unwrap());
    let mut e = crate::sim::Engine::new(acc, 1);
    for i in 0..50 {
        let n = if alternate { i % 2 } else { 0 };
        let r = InvokeRequest::new("hello", json!({ "n": n }), Mode::Sync, "test");
        e.schedule_at(SimTime::from_secs(i), Event::Invoke(Box::new(r)));
    }
    e.run_until(SimTime::from_secs(60));
    let acc = e.model();
    assert_eq!((acc.finished, acc.cold_starts), (50, 1));
    // Replayed or not, every invocation logs its lines and is billed.
    let starts = acc
        .log_group("hello")
        .iter()
        .filter(|(_, _, l)| l.starts_with("START "))
        .count();
    assert_eq!(starts, 50);
    assert_eq!(acc.billing.requests, 50);
    acc.handler_runs
}

#[test]
fn a_pure_handler_runs_once_per_environment_and_event_and_is_replayed_after() {
    let pure = "fn handler(e, c) { cpu(5); print(`n=${e.n}`); e.n }";
    assert_eq!(script_runs(pure, true, false), 1);
    assert_eq!(script_runs(pure, false, false), 50);
    // The memo holds the environment's last event only.
    assert_eq!(script_runs(pure, true, true), 50);
    // Handlers that keep state, or read what differs per request, always run.
    assert_eq!(
        script_runs("let n = 0; fn handler(e, c) { this.n += 1; 1 }", true, false),
        50
    );
    assert_eq!(
        script_runs("fn handler(e, c) { c.aws_request_id }", true, false),
        50
    );
    assert_eq!(script_runs("fn handler(e, c) { random() }", true, false), 50);
    // State too deep to fingerprint is never taken as unchanged.
    let deep = "let a = []; for i in 0..100 { a = [a]; } fn handler(e, c) { 1 }";
    assert_eq!(script_runs(deep, true, false), 50);
    // Writing the same /tmp file with the same content changes nothing after the first time.
    assert_eq!(
        script_runs("fn handler(e, c) { tmp_write(\"a\", \"b\"); 1 }", true, false),
        2
    );
}

/// Script runs (Init and handler) for 40 requests 10 ms apart that each take 200 ms, so about
/// twenty environments start cold, and the number of cold starts.
fn script_runs_across_environments(script: &str, replay: bool) -> (u64, u64) {
    let account = AccountConfig {
        replay_pure_handlers: replay,
        ..AccountConfig::default()
    };
    let mut acc = Account::new(account);
    acc.add_function(validate(&spec(script)).unwrap());
    let mut e = crate::sim::Engine::new(acc, 3);
    for i in 0..40 {
        let r = InvokeRequest::new("hello", json!({ "n": 1 }), Mode::Sync, "test");
        e.schedule_at(SimTime::from_millis(i * 10), Event::Invoke(Box::new(r)));
    }
    e.run_until(SimTime::from_secs(60));
    let acc = e.model();
    assert_eq!(acc.finished, 40);
    (acc.handler_runs, acc.cold_starts)
}

#[test]
fn a_pure_init_and_handler_run_once_per_version_not_once_per_environment() {
    let pure = "let base = 2; cpu(30); fn handler(e, c) { cpu(200); e.n + this.base }";
    let (runs, colds) = script_runs_across_environments(pure, true);
    assert!(colds >= 15, "{colds} cold starts");
    // The first environment runs Init and the handler; the others copy both.
    assert_eq!(runs, 1);
    assert_eq!(script_runs_across_environments(pure, false).0, 40);
    // An Init that reads what varies (here `random()`) runs on every cold start, and so does the
    // handler on each new environment, whose state may differ.
    let (runs, colds) =
        script_runs_across_environments("let r = random(); fn handler(e, c) { cpu(200); this.r }", true);
    assert_eq!(runs, colds);
    // And an Init that leaves a function pointer, whose state cannot be fingerprinted.
    let (runs, colds) =
        script_runs_across_environments("let g = || 1; fn handler(e, c) { cpu(200); 1 }", true);
    assert_eq!(runs, colds);
}

#[test]
fn a_new_version_runs_its_init_again() {
    let mut acc = Account::new(AccountConfig::default());
    let script = |n: u32| format!("let v = {n}; fn handler(e, c) {{ cpu(200); this.v }}");
    let fid = acc.add_function(validate(&spec(&script(1))).unwrap());
    let mut e = crate::sim::Engine::new(acc, 5);
    for i in 0..10 {
        let r = InvokeRequest::new("hello", json!({}), Mode::Sync, "test");
        e.schedule_at(SimTime::from_millis(i * 10), Event::Invoke(Box::new(r)));
    }
    e.run_until(SimTime::from_secs(10));
    assert_eq!(e.model().handler_runs, 1);
    e.model_mut()
        .update_function(fid, validate(&spec(&script(2))).unwrap());
    for i in 0..10 {
        let r = InvokeRequest::new("hello", json!({}), Mode::Sync, "test");
        e.schedule_at(
            SimTime::from_secs(20) + crate::sim::SimDuration::from_millis(i * 10),
            Event::Invoke(Box::new(r)),
        );
    }
    e.run_until(SimTime::from_secs(30));
    let acc = e.model();
    assert_eq!(acc.handler_runs, 2);
    let answers: Vec<_> = acc.records().iter().map(|r| r.outcome.clone()).collect();
    for v in [1, 2] {
        let n = answers
            .iter()
            .filter(|a| **a == Outcome::Success(json!(v)))
            .count();
        assert_eq!(n, 10, "{answers:?}");
    }
}

#[test]
fn same_seed_same_trace() {
    let s = spec("fn handler(e, c) { cpu(random() * 50.0); 1 }");
    let run = |seed| {
        let (r, e) = simulate_load(
            &s,
            20.0,
            crate::sim::SimDuration::from_secs(30),
            &json!({}),
            seed,
            AccountConfig::default(),
        )
        .unwrap();
        (r.trace_hash, e.trace().to_string())
    };
    let (a, b, c) = (run(1), run(1), run(2));
    assert_eq!(a, b);
    assert_ne!(a.0, c.0);
}

mod properties {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    const HANDLERS: [&str; 4] = [
        "fn handler(e, c) { wait(e.ms); 1 }",
        "fn handler(e, c) { wait(e.ms); throw \"no\"; }",
        "fn handler(e, c) { cpu(e.ms * 3); 2 }",
        "fn handler(e, c) { if e.ms > 400 { loop {} } 3 }",
    ];

    /// An account with the function `s`, and the calls `(at ms, event.ms, async)` scheduled.
    fn engine_with_calls(
        s: &FunctionSpec,
        config: AccountConfig,
        calls: &[(u64, u64, bool)],
        seed: u64,
    ) -> crate::sim::Engine<Account> {
        let limit = config.concurrency_limit;
        let mut acc = Account::new(config);
        acc.add_function(validate_with(s, limit).expect("valid"));
        let mut e = crate::sim::Engine::new(acc, seed);
        for (at, ms, is_async) in calls {
            let mode = if *is_async { Mode::Async } else { Mode::Sync };
            let r = InvokeRequest::new("hello", json!({ "ms": ms }), mode, "prop");
            e.schedule_at(SimTime::from_millis(*at), Event::Invoke(Box::new(r)));
        }
        e
    }

    fn run(
        handler: usize,
        reserved: Option<u32>,
        calls: &[(u64, u64, bool)],
        seed: u64,
    ) -> (crate::sim::Trace<Record>, Vec<InvocationRecord>, u32) {
        let mut s = spec(HANDLERS[handler]);
        s.reserved_concurrency = reserved;
        s.timeout = Some(1);
        let config = AccountConfig {
            concurrency_limit: 104,
            ..AccountConfig::default()
        };
        let cap = reserved.unwrap_or(104);
        let mut e = engine_with_calls(&s, config, calls, seed);
        // Long enough for async retries (1 + 2 minutes) and throttle backoff to settle.
        e.run_until(SimTime::from_secs(8 * 3600));
        let (acc, trace) = e.into_parts();
        (trace, acc.records().to_vec(), cap)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn invocations_end_once_within_limits_and_time_moves_forward(
            handler in 0usize..4,
            reserved in prop::option::of(0u32..4),
            calls in prop::collection::vec((0u64..3000, 0u64..800, any::<bool>()), 1..25),
            seed in any::<u64>(),
        ) {
            let (trace, records, cap) = run(handler, reserved, &calls, seed);
            // Time never goes back.
            for w in trace.entries().windows(2) {
                prop_assert!(w[0].at <= w[1].at);
            }
            for r in &records {
                prop_assert!(r.ended >= r.arrived);
            }
            // Every request ends exactly once: one record per attempt, attempts 1..=n in order,
            // and only a failed or throttled asynchronous attempt is followed by another.
            let mut by_id: BTreeMap<RequestId, Vec<&InvocationRecord>> = BTreeMap::new();
            for r in &records {
                by_id.entry(r.request_id).or_default().push(r);
            }
            prop_assert_eq!(by_id.len(), calls.len());
            for attempts in by_id.values() {
                for (i, r) in attempts.iter().enumerate() {
                    prop_assert_eq!(r.attempt as usize, i + 1);
                    let last = i + 1 == attempts.len();
                    if !last {
                        prop_assert!(r.mode == Mode::Async && !matches!(r.outcome, Outcome::Success(_)));
                    }
                }
                let last = attempts.last().expect("at least one attempt");
                if last.mode == Mode::Async && matches!(last.outcome, Outcome::Error(_)) && last.attempt < 3 {
                    prop_assert!(false, "an async error with retries left was dropped: {:?}", last);
                }
            }
            // Concurrency never exceeds the cap: sweep the busy intervals.
            let mut edges: Vec<(SimTime, i32)> = Vec::new();
            for r in records.iter().filter(|r| r.start.is_some()) {
                edges.push((r.arrived, 1));
                edges.push((r.ended, -1));
            }
            edges.sort_by_key(|&(t, d)| (t, d)); // ends before starts at the same instant
            let mut busy = 0i32;
            for (_, d) in edges {
                busy += d;
                prop_assert!(busy as u32 <= cap, "{busy} busy with a cap of {cap}");
            }
        }
    }

    /// Handlers that are pure, stateful, random, request-dependent, writing /tmp, denied by IAM
    /// and throwing: replaying must never be visible.
    const REPLAY_HANDLERS: [&str; 7] = [
        "fn handler(e, c) { cpu(e.ms); print(`ran ${e.ms}`); e.ms }",
        "let n = 0; fn handler(e, c) { this.n += 1; wait(e.ms); this.n }",
        "fn handler(e, c) { cpu(random() * 20.0); 1 }",
        "fn handler(e, c) { wait(e.ms); c.aws_request_id }",
        "fn handler(e, c) { tmp_write(\"last\", `${e.ms}`); wait(e.ms); tmp_read(\"last\") }",
        "fn handler(e, c) { s3_get(\"b\", `k${e.ms}`) }",
        "fn handler(e, c) { print(\"about to fail\"); wait(e.ms * 10); throw \"no\"; }",
    ];

    fn run_replay(
        handler: usize,
        calls: &[(u64, u64, bool)],
        seed: u64,
        replay: bool,
    ) -> (String, Vec<InvocationRecord>, Vec<metrics::MinuteMetrics>) {
        let s = spec(REPLAY_HANDLERS[handler]);
        let config = AccountConfig {
            replay_pure_handlers: replay,
            concurrency_limit: 50,
            ..AccountConfig::default()
        };
        let mut e = engine_with_calls(&s, config, calls, seed);
        e.run_until(SimTime::from_secs(3600));
        let (acc, trace) = e.into_parts();
        (
            trace.to_string(),
            acc.records().to_vec(),
            acc.metrics.table("hello"),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Replaying pure handler runs changes nothing a learner or a test can see: the trace,
        /// every record with its log lines, and the metrics are byte-identical to running the
        /// script every time.
        #[test]
        fn replaying_pure_handlers_is_invisible(
            handler in 0usize..REPLAY_HANDLERS.len(),
            calls in prop::collection::vec((0u64..2000, 0u64..3, any::<bool>()), 1..40),
            seed in any::<u64>(),
        ) {
            let on = run_replay(handler, &calls, seed, true);
            let off = run_replay(handler, &calls, seed, false);
            prop_assert_eq!(&on.0, &off.0);
            prop_assert_eq!(&on.1, &off.1);
            prop_assert_eq!(&on.2, &off.2);
        }
    }

    /// Scripts whose top level (Init) does something: pure with state, time and a log line;
    /// reading `random()`; leaving a variable a closure captured; writing /tmp; leaving a map the
    /// handler changes; reading S3; and a pure Init before a handler that sometimes fails.
    const INIT_HANDLERS: [&str; 7] = [
        "let t = 5; cpu(20); print(\"init\"); fn handler(e, c) { cpu(100 + e.ms + this.t); e.ms }",
        "let r = random(); fn handler(e, c) { wait(100 + e.ms); this.r }",
        "let x = 1; let g = || x; g = (); fn handler(e, c) { this.x += 1; wait(100 + e.ms); this.x }",
        "tmp_write(\"boot\", \"1\"); fn handler(e, c) { wait(100 + e.ms); tmp_read(\"boot\") }",
        "let m = #{ a: [1, 2] }; fn handler(e, c) { this.m.a.push(e.ms); wait(100 + e.ms); this.m.a.len() }",
        "let v = s3_get(\"b\", \"k\"); fn handler(e, c) { wait(100 + e.ms); this.v }",
        "let k = 3; fn handler(e, c) { if e.ms == 2 { throw \"no\"; } cpu(100 + e.ms * this.k); 1 }",
    ];

    /// The trace, records and metrics of `calls` to `script`, with replay on and then off.
    fn both_ways(
        script: &str,
        calls: &[(u64, u64, bool)],
        seed: u64,
    ) -> [(String, Vec<InvocationRecord>, Vec<metrics::MinuteMetrics>); 2] {
        [true, false].map(|replay_pure_handlers| {
            let config = AccountConfig {
                replay_pure_handlers,
                concurrency_limit: 50,
                ..AccountConfig::default()
            };
            let mut e = engine_with_calls(&spec(script), config, calls, seed);
            e.run_until(SimTime::from_secs(3600));
            let acc = e.model();
            (
                e.trace().to_string(),
                acc.records().to_vec(),
                acc.metrics.table("hello"),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Copying a pure Init to a version's new environments, and the first pure handler run
        /// on such an environment, changes nothing a learner or a test can see.
        #[test]
        fn sharing_a_pure_init_is_invisible(
            handler in 0usize..INIT_HANDLERS.len(),
            calls in prop::collection::vec((0u64..400, 0u64..3, any::<bool>()), 1..40),
            seed in any::<u64>(),
        ) {
            let [on, off] = both_ways(INIT_HANDLERS[handler], &calls, seed);
            prop_assert_eq!(on, off);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// The parsers of user input never panic (the cargo-fuzz targets in fuzz/ go further).
        #[test]
        fn parsers_never_panic(
            text in "\\PC{0,80}",
            cron in "cron\\(([0-9*?LW#/,A-Z-]{1,4} ){5,6}\\)",
            rate in "rate\\([0-9]{1,3} [a-z]{3,8}\\)",
        ) {
            for t in [&text, &cron, &rate] {
                if let Ok(s) = schedule::Schedule::parse(t) {
                    let times = s.upcoming(clock::DEFAULT_EPOCH_UNIX, 2);
                    prop_assert!(times.windows(2).all(|w| w[0] < w[1]));
                }
            }
            let _ = crate::iam::Policy::parse(&text);
            if let Err(e) = load_function_file("f.toml", &text, 1000) {
                prop_assert!(!e.diagnostics.is_empty());
            }
            let _ = events::s3_decode_key(&text);
            let _ = clock::parse_rfc3339(&text);
        }
    }
}

#[test]
fn api_gateway_round_trips_and_502s() {
    let req = events::HttpRequest {
        method: "GET".into(),
        path: "/items/42".into(),
        query: vec![("q".into(), "x".into())],
        resource: "/items/{id}".into(),
        path_parameters: [("id".to_string(), "42".to_string())].into(),
        ..Default::default()
    };
    let ok = spec(r#"fn handler(e, c) { #{ statusCode: 200, body: `item ${e.pathParameters.id}` } }"#);
    let r = invoke_http(&ok, ApiKind::Rest, &req, 1).unwrap();
    assert_eq!((r.response.status, r.response.body.as_str()), (200, "item 42"));
    let r = invoke_http(&ok, ApiKind::Http, &req, 1).unwrap();
    assert_eq!(
        (r.response.status, r.event["routeKey"].as_str()),
        (200, Some("GET /items/{id}"))
    );
    let bad = spec(r#"fn handler(e, c) { #{ statusCode: 200, body: #{ not: "a string" } } }"#);
    let r = invoke_http(&bad, ApiKind::Rest, &req, 1).unwrap();
    assert_eq!(
        (r.response.status, r.response.body.as_str()),
        (502, r#"{"message": "Internal server error"}"#)
    );
    let inferred = spec(r#"fn handler(e, c) { #{ id: 42 } }"#);
    let r = invoke_http(&inferred, ApiKind::Http, &req, 1).unwrap();
    assert_eq!(
        (r.response.status, r.response.body.as_str()),
        (200, r#"{"id":42}"#)
    );
}

#[test]
fn scaling_rate_throttles_name_the_limit() {
    let s = spec("fn handler(e, c) { wait(2000); 1 }");
    let mut acc = Account::new(AccountConfig {
        scaling_per_10s: 2,
        ..AccountConfig::default()
    });
    acc.add_function(validate(&s).unwrap());
    let mut e = crate::sim::Engine::new(acc, 5);
    for ms in [0, 1, 2, 5001] {
        let r = InvokeRequest::new("hello", json!({}), Mode::Sync, "test");
        e.schedule_at(SimTime::from_millis(ms), Event::Invoke(Box::new(r)));
    }
    e.run_until(SimTime::from_secs(6));
    let lines: Vec<String> = e
        .trace()
        .entries()
        .iter()
        .filter(|l| {
            !matches!(
                l.record.event,
                TraceEvent::Ended {
                    ending: Ending::Succeeded,
                    ..
                }
            )
        })
        .map(|l| l.to_string())
        .collect();
    let throttles: Vec<_> = e
        .trace()
        .entries()
        .iter()
        .filter_map(|l| match l.record.event {
            TraceEvent::Throttled { cause } => Some(cause),
            _ => None,
        })
        .collect();
    assert_eq!(throttles, [Throttle::Scaling { per_10s: 2 }]);
    assert_eq!(throttles[0].reason_code(), "FunctionInvocationRateLimitExceeded");
    expect![[r#"
        t=00:00:00.000 fn=hello req=49d55178 ColdStart env=1 init=151.002ms reason="first request: no environment exists yet"
        t=00:00:00.001 fn=hello req=61857ad9 ColdStart env=2 init=164.418ms reason="no idle environment (1 busy)"
        t=00:00:00.002 fn=hello req=7b15fe8e Throttled status=429 reason="scaling rate reached: 2 new environments per 10s already started"
        t=00:00:05.001 fn=hello req=0ea13174 WarmStart env=2 reason="reused env 2, idle since 00:00:02.166""#]].assert_eq(&lines.join("\n"));
}

#[test]
fn load_metrics_per_minute() {
    let s = spec("fn handler(e, c) { cpu(40 + random() * 20.0); 1 }");
    let (report, _) = simulate_load(
        &s,
        5.0,
        crate::sim::SimDuration::from_mins(2),
        &json!({}),
        9,
        AccountConfig::default(),
    )
    .unwrap();
    let rows: Vec<String> = report
        .minutes
        .iter()
        .map(|m| {
            format!(
                "minute {} inv={} err={} thr={} p50={:.0}ms p99={:.0}ms max_conc={} success={:.0}%",
                m.minute,
                m.invocations,
                m.errors,
                m.throttles,
                m.duration_p50_ms,
                m.duration_p99_ms,
                m.concurrent_executions,
                m.success_rate
            )
        })
        .collect();
    expect![[r#"
        minute 0 inv=291 err=0 thr=0 p50=691ms p99=824ms max_conc=7 success=100%
        minute 1 inv=300 err=0 thr=0 p50=695ms p99=825ms max_conc=10 success=100%
        cold starts 10, cost 0.00097362 USD, monthly $14.16"#]]
    .assert_eq(&format!(
        "{}\ncold starts {}, cost {:.8} USD, monthly {}",
        rows.join("\n"),
        report.cold_starts,
        report.cost.total_usd,
        billing::usd(report.monthly.total_usd)
    ));
}

/// Runs one function (`timeout` 1 s, handler waiting `e.ms`) with the given calls and returns
/// the trace's typed entries.
fn typed_run(
    reserved: Option<u32>,
    calls: &[(u64, u64, Mode)],
    until: SimTime,
) -> Vec<crate::sim::TraceEntry<Record>> {
    let mut s = spec("fn handler(e, c) { wait(e.ms); 1 }");
    s.timeout = Some(1);
    s.reserved_concurrency = reserved;
    let mut acc = Account::new(AccountConfig::default());
    acc.add_function(validate(&s).expect("valid spec"));
    let mut e = crate::sim::Engine::new(acc, 11);
    for (at, ms, mode) in calls {
        let r = InvokeRequest::new("hello", json!({ "ms": ms }), *mode, "test");
        e.schedule_at(SimTime::from_millis(*at), Event::Invoke(Box::new(r)));
    }
    e.run_until(until);
    e.trace().entries().to_vec()
}

#[test]
fn cold_starts_say_whether_environments_were_reset_or_reclaimed() {
    let mins = |m: u64| m * 60_000;
    let entries = typed_run(
        None,
        &[
            (0, 1500, Mode::Sync),
            (3000, 0, Mode::Sync),
            (mins(20), 0, Mode::Sync),
        ],
        SimTime::from_millis(mins(21)),
    );
    let causes: Vec<ColdCause> = entries
        .iter()
        .filter_map(|e| match e.record.event {
            TraceEvent::ColdStart { cause, .. } => Some(cause),
            _ => None,
        })
        .collect();
    assert_eq!(
        causes,
        [
            ColdCause::FirstRequest,
            // The first environment timed out and was thrown away.
            ColdCause::NoIdle {
                busy: 0,
                reclaimed: 0,
                reset: 1
            },
            // The second idled past its lifetime (at most 15 minutes).
            ColdCause::NoIdle {
                busy: 0,
                reclaimed: 1,
                reset: 1
            },
        ]
    );
    let ev: Vec<&TraceEvent> = entries.iter().map(|e| &e.record.event).collect();
    assert!(ev.iter().any(|e| matches!(
        e,
        TraceEvent::Ended {
            env: EnvId(1),
            ending: Ending::TimedOut { timeout },
            ..
        } if *timeout == crate::sim::SimDuration::from_secs(1)
    )));
    assert!(ev.contains(&&TraceEvent::EnvironmentReset {
        env: EnvId(1),
        cause: ResetCause::TimedOut
    }));
    assert!(
        ev.iter()
            .any(|e| matches!(e, TraceEvent::Reclaimed { env: EnvId(2), .. }))
    );
    // The text still sums the two, as it always did.
    let last_cold = entries
        .iter()
        .rfind(|e| matches!(e.record.event, TraceEvent::ColdStart { .. }))
        .unwrap()
        .to_string();
    assert!(
        last_cold.ends_with("reason=\"no idle environment (0 busy, 2 reclaimed or reset)\""),
        "{last_cold}"
    );
}

#[test]
fn throttled_async_events_are_retried_with_their_wait() {
    let entries = typed_run(Some(0), &[(0, 0, Mode::Async)], SimTime::from_secs(4));
    let got: Vec<(SimTime, &TraceEvent)> = entries.iter().map(|e| (e.at, &e.record.event)).collect();
    let window = crate::sim::SimDuration::from_secs(6 * 3600);
    let retry = |attempt, secs, waited| TraceEvent::RetryScheduled {
        attempt,
        delay: crate::sim::SimDuration::from_secs(secs),
        cause: RetryCause::Throttled {
            waited: crate::sim::SimDuration::from_secs(waited),
            window,
        },
    };
    let throttled = TraceEvent::Throttled {
        cause: Throttle::ReservedOff,
    };
    assert_eq!(
        got,
        [
            (SimTime::ZERO, &throttled),
            (SimTime::ZERO, &retry(2, 2, 0)),
            (SimTime::from_secs(2), &throttled),
            (SimTime::from_secs(2), &retry(3, 4, 2)),
        ]
    );
    // One request throughout.
    assert!(
        entries
            .iter()
            .all(|e| e.record.request == entries[0].record.request)
    );
}

#[test]
fn an_invocation_explains_its_bill() {
    let inv = invoke_once(&spec("fn handler(e, c) { cpu(20); 1 }"), &json!({}), 3).expect("valid spec");
    let ended = inv
        .events
        .iter()
        .find_map(|e| match &e.record.event {
            TraceEvent::Ended {
                duration,
                billed_ms,
                init,
                ..
            } if e.record.request == Some(inv.request) => Some((*duration, *billed_ms, *init)),
            _ => None,
        })
        .expect("the invocation ended");
    let (duration, billed_ms, init) = ended;
    let init = init.expect("the first invocation is a cold start, whose Init is billed");
    assert_eq!(billed_ms, inv.billed_ms);
    assert_eq!(billed_ms, (duration + init).as_micros().div_ceil(1000));
    assert_eq!(Some(init.as_micros() as f64 / 1000.0), inv.init_ms);
    assert_eq!(inv.request_id, inv.request.to_string());
}

#[test]
fn unknown_functions_are_named_by_arn() {
    let mut acc = Account::new(AccountConfig::default());
    acc.add_function(validate(&spec("fn handler(e, c) { 1 }")).unwrap());
    let mut e = crate::sim::Engine::new(acc, 1);
    let r = InvokeRequest::new("nope", json!({}), Mode::Sync, "test");
    e.schedule_at(SimTime::ZERO, Event::Invoke(Box::new(r)));
    e.run_until(SimTime::from_secs(1));
    let entry = &e.trace().entries()[0];
    assert_eq!(
        entry.record.event,
        TraceEvent::ResourceNotFound {
            arn: "arn:aws:lambda:us-east-1:123456789012:function:nope".into()
        }
    );
    assert_eq!(entry.record.function.as_deref(), Some("nope"));
    assert!(e.model().records().is_empty());
}

/// The events serialise with their reasons as fields, for pages to read.
#[test]
fn trace_events_serialise_with_their_reasons() {
    let inv = invoke_once(&spec("fn handler(e, c) { 1 }"), &json!({}), 7).expect("valid spec");
    let json: Vec<String> = inv
        .events
        .iter()
        .map(|e| serde_json::to_string(&e.record).unwrap())
        .collect();
    expect![[r#"
        {"function":"hello","request":"b358faf7-4ef9-465a-875c-3d964f482cd2","event":{"kind":"ColdStart","env":1,"init":179451,"cause":{"why":"first_request"}}}
        {"function":"hello","request":"b358faf7-4ef9-465a-875c-3d964f482cd2","event":{"kind":"Ended","env":1,"ending":{"how":"succeeded"},"duration":466,"billed_ms":180,"init":179451,"memory_mb":128}}"#]].assert_eq(&json.join("\n"));
}

/// A new version never reuses an environment of the old one, even one that was busy when the
/// function was updated: the next request starts cold and the trace says why.
#[test]
fn an_update_retires_busy_and_idle_environments_of_the_old_version() {
    let v1 = spec("fn handler(e, c) { cpu(100); 1 }");
    let mut acc = Account::new(AccountConfig::default());
    let fid = acc.add_function(validate(&v1).expect("valid"));
    let mut engine = Engine::new(acc, 3);
    let invoke = |engine: &mut Engine<Account>, at: u64| {
        let req = InvokeRequest::new("hello", json!({}), Mode::Sync, "test");
        engine.schedule_at(SimTime::from_secs(at), Event::Invoke(Box::new(req)));
    };
    invoke(&mut engine, 0);
    engine.step(); // env 1 starts and is busy
    let mut v2 = v1.clone();
    v2.memory_size = Some(256);
    assert_eq!(engine.model().function_version(fid), 1);
    assert_eq!(
        engine
            .model_mut()
            .update_function(fid, validate(&v2).expect("valid")),
        2
    );
    engine.run_until(SimTime::from_secs(5));
    invoke(&mut engine, 5);
    engine.run_until(SimTime::from_secs(10));
    invoke(&mut engine, 10);
    engine.run_until(SimTime::from_secs(15));
    let starts: Vec<String> = engine
        .trace()
        .entries()
        .iter()
        .filter(|e| {
            matches!(
                e.record.event,
                TraceEvent::ColdStart { .. } | TraceEvent::WarmStart { .. }
            )
        })
        .map(|e| e.record.event.to_string())
        .collect();
    expect![[r#"
        ColdStart env=1 init=145.475ms reason="first request: no environment exists yet"
        ColdStart env=2 init=165.27ms reason="first request to version 2: environments of earlier versions are not reused"
        WarmStart env=2 reason="reused env 2, idle since 00:00:05.856"
    "#]]
    .assert_eq(&(starts.join("\n") + "\n"));
    assert_eq!(engine.model().function_config(fid).memory_mb, 256);
}

/// Events reach a handler and responses leave it as rhai's `serde` feature converted them (the
/// expectations were recorded with it, before the conversion was written by hand): integers that
/// fit `i64` stay integers, other numbers become floats, characters strings, non-finite floats
/// `null`, and values JSON cannot hold are a `Runtime.MarshalError` with rhai's wording.
#[test]
fn events_and_responses_cross_json_as_rhai_serde_did() {
    let response = |handler: &str, event: serde_json::Value| {
        let inv = invoke_once(&spec(handler), &event, 7).expect("valid spec");
        let pick = inv.response.as_ref().or(inv.error.as_ref());
        logs::canonical_json(pick.expect("a response or an error"))
    };
    let event = json!({
        "big": 18446744073709551615_u64, "neg": -5, "f": 1.25, "n": null,
        "o": {"b": [1, 2.5, "x", true, null]}, "a": [], "i": 9007199254740993_u64
    });
    assert_eq!(
        response("fn handler(event, context) { event }", event.clone()),
        r#"{"a":[],"big":1.8446744073709552e+19,"f":1.25,"i":9007199254740993,"n":null,"neg":-5,"o":{"b":[1,2.5,"x",true,null]}}"#
    );
    let types = "fn handler(event, context) { [type_of(event.big), type_of(event.neg), type_of(event.f), \
                 type_of(event.n), type_of(event.o), type_of(event.a)] }";
    assert_eq!(
        response(types, event),
        r#"["f64","i64","f64","()","map","array"]"#
    );
    assert_eq!(
        response(
            "fn handler(event, context) { ['a', 1.5, 0.0/0.0, (), true, #{z: 1, a: \"s\"}] }",
            json!({})
        ),
        r#"["a",1.5,null,null,true,{"a":"s","z":1}]"#
    );
    let marshal = |what: &str| {
        format!(
            r#"{{"errorMessage":"Unable to marshal response: {what}","errorType":"Runtime.MarshalError","trace":[]}}"#
        )
    };
    assert_eq!(
        response("fn handler(event, context) { Fn(\"handler\") }", json!({})),
        marshal("Output type incorrect: Fn (expecting serde_json::value::Value)")
    );
    assert_eq!(
        response("fn handler(event, context) { #{ c: context } }", json!({})),
        marshal(
            "Output type incorrect: cloudbook::lambda::script::LambdaContext (expecting serde_json::value::Value)"
        )
    );
    assert_eq!(
        response("fn handler(event, context) { \"abc\".to_blob() }", json!({})),
        marshal("Syntax error: invalid type: byte array, expected any valid JSON value")
    );
}
