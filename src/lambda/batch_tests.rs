//! Runs of own events ([`Account::handle_own_run`](super::model::Account)), the steady path and
//! the reclaim checks' agenda against the engine's event-by-event general path: on randomized
//! loads, sliced by time and by steps as pages slice them, both give the same trace line for
//! line, the same report, the same steps and the same clock after every slice. Only the
//! comparison lives here; the model's own tests are in `tests.rs`.

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::sim::TraceMode;

/// Handlers that replay (pure successes, with or without log lines) and handlers that leave
/// the steady path: failures, timeouts, side effects that go through the engine's queue
/// (S3 puts and the invocations they trigger), `random()`.
const HANDLERS: &[&str] = &[
    "fn handler(e, c) { cpu(50); 1 }",
    "fn handler(e, c) { print(`n=${e.n}`); wait(e.n); e.n }",
    "fn handler(e, c) { cpu(30); throw \"no\"; }",
    "fn handler(e, c) { cpu(random() * 40.0); 1 }",
    "fn handler(e, c) { if e.n > 20 { cpu(4000); } 2 }",
    "fn handler(e, c) { s3_put(\"b\", \"k\", \"v\"); 3 }",
    // Its put triggers an asynchronous invocation, which fails (the S3 event has no `n`) and is
    // retried: Invoke events in the engine's queue between the load's own events.
    "fn handler(e, c) { if e.n > 30 { s3_put(\"b\", \"t\", \"v\"); } 4 }",
];

struct Scenario {
    handler: usize,
    rps: f64,
    secs: u64,
    n: u64,
    concurrency: u32,
    reserved: Option<u32>,
    seed: u64,
    period_s: u64,
    trace: TraceMode,
}

/// What a run shows: the whole trace (or its hash), the report, the steps, and the clock and
/// steps after every slice.
type Shown = (String, serde_json::Value, u64, Vec<(u64, u64)>);

/// Runs the load in slices of `slice_ms` of simulated time and at most `slice_steps` steps, with
/// the new paths on (`fast`) or all off, and returns what it shows and how many own events
/// were handled inside runs.
fn run(s: &Scenario, fast: bool, slice_ms: u64, slice_steps: u64) -> (Shown, u64) {
    let spec = FunctionSpec {
        name: "batch".into(),
        handler: Some(HANDLERS[s.handler].into()),
        timeout: Some(3),
        reserved_concurrency: s.reserved,
        policies: vec![json!({"Statement": [
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}]})],
        triggers: config::Triggers {
            s3: vec![config::S3Trigger {
                bucket: "b".into(),
                prefix: String::new(),
                suffix: "t".into(),
            }],
            ..Default::default()
        },
        ..Default::default()
    };
    let account = AccountConfig {
        concurrency_limit: s.concurrency,
        keep_records: false,
        trace: s.trace,
        idle_min: SimDuration::from_secs(2),
        idle_max: SimDuration::from_secs(9),
        ..AccountConfig::default()
    };
    let mut sim = LoadSim::new(
        &spec,
        s.rps,
        SimDuration::from_secs(s.secs),
        &json!({ "n": s.n }),
        s.seed,
        account,
        s.period_s,
    )
    .expect("a valid function");
    let model = sim.engine.model_mut();
    model.set_steady(fast);
    model.set_batch(fast);
    model.set_agenda(fast);
    let mut slices = Vec::new();
    while !sim.advance(SimDuration::from_millis(slice_ms), slice_steps) {
        slices.push((sim.now().as_micros(), sim.engine.steps()));
    }
    let report = serde_json::to_value(sim.report()).expect("a report serialises");
    let steps = sim.engine.steps();
    let batched = sim.account().batched();
    ((sim.engine.trace().to_string(), report, steps, slices), batched)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Runs of own events, the steady path and the agenda change nothing a run shows.
    #[test]
    fn runs_of_own_events_give_the_general_paths_run(
        handler in 0..HANDLERS.len(),
        rps in prop::sample::select(vec![0.5, 3.0, 40.0, 250.0, 1500.0]),
        secs in 1u64..25,
        n in 0u64..40,
        concurrency in prop::sample::select(vec![5u32, 60, 1000]),
        reserved in prop::option::of(1u32..30),
        seed in any::<u64>(),
        period_s in prop::sample::select(vec![1u64, 60]),
        slice_ms in prop::sample::select(vec![7u64, 1000, 3_600_000]),
        slice_steps in prop::sample::select(vec![1u64, 13, 500, u64::MAX]),
        hash in any::<bool>(),
    ) {
        // A reservation must leave 100 unreserved, as AWS requires: only the full account has one.
        let reserved = reserved.filter(|_| concurrency == 1000);
        // One step at a time takes long at high rates: keep those runs short.
        let secs = if slice_steps == 1 && rps > 100.0 { secs.min(2) } else { secs };
        let trace = if hash { TraceMode::Hash } else { TraceMode::Keep };
        let s = Scenario { handler, rps, secs, n, concurrency, reserved, seed, period_s, trace };
        let (fast, _) = run(&s, true, slice_ms, slice_steps);
        let (general, none) = run(&s, false, slice_ms, slice_steps);
        prop_assert_eq!(none, 0);
        prop_assert!(fast.0 == general.0, "the traces differ");
        prop_assert_eq!(fast.1, general.1);
        prop_assert_eq!(fast.2, general.2);
        prop_assert!(fast.3 == general.3, "the slices end at other times or steps");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// With the trace off (the long loads' and the benchmark's mode) the steady loop skips
    /// building request ids: the report, the steps and the clock after every slice are still the
    /// general path's, whatever ends a run (a slice's end in time or steps, the concurrency
    /// limit, a reclaim check to arm, a reclaimed environment on the idle stack, a finish that is
    /// not a plain success).
    #[test]
    fn with_the_trace_off_runs_give_the_general_paths_run(
        handler in 0..HANDLERS.len(),
        rps in prop::sample::select(vec![0.5, 3.0, 40.0, 250.0, 1500.0, 4000.0]),
        secs in 1u64..25,
        n in 0u64..40,
        concurrency in prop::sample::select(vec![5u32, 60, 1000]),
        seed in any::<u64>(),
        period_s in prop::sample::select(vec![1u64, 60]),
        slice_ms in prop::sample::select(vec![7u64, 1000, 3_600_000]),
        slice_steps in prop::sample::select(vec![1u64, 13, 500, u64::MAX]),
    ) {
        let secs = if slice_steps == 1 && rps > 100.0 { secs.min(2) } else { secs };
        let s = Scenario {
            handler, rps, secs, n, concurrency, reserved: None, seed, period_s, trace: TraceMode::Off,
        };
        let (fast, _) = run(&s, true, slice_ms, slice_steps);
        let (general, _) = run(&s, false, slice_ms, slice_steps);
        prop_assert_eq!(fast.1, general.1);
        prop_assert_eq!(fast.2, general.2);
        prop_assert!(fast.3 == general.3, "the slices end at other times or steps");
    }
}

/// The comparison above is not vacuous: in a plain load nearly every step is handled inside a
/// run of own events, nearly every invocation takes the steady path, and after the last arrival
/// the reclaims read the agenda; the run is still the general path's.
#[test]
fn a_plain_load_runs_in_batches_and_is_the_same() {
    let s = Scenario {
        handler: 0,
        rps: 500.0,
        secs: 30,
        n: 1,
        concurrency: 1000,
        reserved: None,
        seed: 9,
        period_s: 60,
        trace: TraceMode::Keep,
    };
    let (fast, batched) = run(&s, true, 3_600_000, u64::MAX);
    let invocations = fast.1["invocations"].as_u64().expect("a count");
    assert!(invocations > 10_000, "{}", fast.1);
    assert!(batched * 100 > fast.2 * 95, "{batched} of {} steps", fast.2);
    let reclaims = fast.0.lines().filter(|l| l.contains("reclaimed")).count();
    assert!(reclaims > 20, "{reclaims} reclaims");
    assert_eq!(fast, run(&s, false, 3_600_000, u64::MAX).0);
}

/// With the trace off (as the long load runs and the benchmark have it) the steady loop does
/// not build the request ids no line will show, but still draws them: the report, the steps
/// and the slices are the general path's, and the same as with the trace kept.
#[test]
fn with_the_trace_off_the_steady_loop_reports_what_the_general_path_does() {
    for (handler, seed) in [(0, 1), (1, 2), (3, 3), (0, 4)] {
        let s = |trace| Scenario {
            handler,
            rps: 400.0,
            secs: 20,
            n: 1,
            concurrency: 1000,
            reserved: None,
            seed,
            period_s: 60,
            trace,
        };
        let (off, batched) = run(&s(TraceMode::Off), true, 1000, u64::MAX);
        if handler == 0 {
            assert!(batched * 100 > off.2 * 95, "{batched} of {} steps in runs", off.2);
        }
        let (general, _) = run(&s(TraceMode::Off), false, 1000, u64::MAX);
        assert_eq!(off, general, "handler {handler}");
        let (mut kept, _) = run(&s(TraceMode::Keep), true, 1000, u64::MAX);
        assert!(!kept.1["trace_hash"].is_null(), "{}", kept.1);
        kept.1["trace_hash"] = serde_json::Value::Null;
        assert_eq!(
            (&off.1, off.2, &off.3),
            (&kept.1, kept.2, &kept.3),
            "handler {handler}"
        );
    }
}

/// Two loads on one account (their arrivals interleave in the account's own queue) and a
/// function updated in the middle, run in one go and one step at a time, give the same trace.
#[test]
fn two_loads_and_an_update_give_the_same_trace_in_runs_and_in_steps() {
    let go = |fast: bool| {
        let mut acc = Account::new(AccountConfig {
            keep_records: false,
            idle_min: SimDuration::from_secs(1),
            idle_max: SimDuration::from_secs(4),
            ..AccountConfig::default()
        });
        let spec = |name: &str, code: &str| FunctionSpec {
            name: name.into(),
            handler: Some(code.into()),
            ..Default::default()
        };
        let a = acc.add_function(validate(&spec("a", "fn handler(e, c) { cpu(20); 1 }")).expect("valid"));
        acc.add_function(validate(&spec("b", "fn handler(e, c) { wait(5); 2 }")).expect("valid"));
        acc.set_steady(fast);
        acc.set_batch(fast);
        acc.set_agenda(fast);
        let loads: Vec<u32> = [("a", 200.0), ("b", 70.0)]
            .into_iter()
            .map(|(function, rps)| {
                acc.add_load(Load {
                    function: function.into(),
                    rps,
                    until: SimTime::from_secs(6),
                    payload: json!({}),
                })
            })
            .collect();
        let mut e = Engine::new(acc, 3);
        for load in loads {
            e.schedule_at(SimTime::ZERO, Event::Arrival { load });
        }
        e.run_until(SimTime::from_secs(3));
        let updated = validate(&spec("a", "fn handler(e, c) { cpu(25); 1 }")).expect("valid");
        e.model_mut().update_function(a, updated);
        e.run_until(SimTime::from_secs(20));
        (e.trace().to_string(), e.steps(), e.model().batched())
    };
    let (fast, general) = (go(true), go(false));
    assert!(fast.2 > fast.1 / 2, "{} of {} steps in runs", fast.2, fast.1);
    assert_eq!((fast.0, fast.1), (general.0, general.1));
}

/// One load (so the steady loop runs) and its function updated while hundreds of invocations
/// are running: each of those ends in the steady loop's run of events, where the finish's copy
/// of its environment's version must send it to the general path, which retires the old
/// environment instead of putting it back on the idle stack. The loop on and off give the same
/// trace, and the loop did take most of the load.
#[test]
fn an_update_during_a_steady_load_retires_the_old_environments_as_the_general_path_does() {
    let go = |fast: bool| {
        let mut acc = Account::new(AccountConfig {
            keep_records: false,
            ..AccountConfig::default()
        });
        let spec = |code: &str| FunctionSpec {
            name: "a".into(),
            handler: Some(code.into()),
            ..Default::default()
        };
        let a = acc.add_function(validate(&spec("fn handler(e, c) { cpu(40); 1 }")).expect("valid"));
        acc.set_steady(fast);
        acc.set_batch(fast);
        acc.set_agenda(fast);
        let load = acc.add_load(Load {
            function: "a".into(),
            rps: 300.0,
            until: SimTime::from_secs(8),
            payload: json!({}),
        });
        let mut e = Engine::new(acc, 5);
        e.schedule_at(SimTime::ZERO, Event::Arrival { load });
        e.run_until(SimTime::from_millis(3_000));
        let so_far = e.trace().to_string();
        let started = so_far.matches("WarmStart").count() + so_far.matches("ColdStart").count();
        let busy_at_update = started - so_far.matches("Succeeded").count();
        e.model_mut().update_function(
            a,
            validate(&spec("fn handler(e, c) { cpu(60); 1 }")).expect("valid"),
        );
        e.run_until(SimTime::from_secs(30));
        let taken = e.model().steady_taken();
        (e.trace().to_string(), e.steps(), taken, busy_at_update)
    };
    let (fast, general) = (go(true), go(false));
    assert!(fast.3 > 100, "{} invocations running at the update", fast.3);
    assert!(fast.2 > 1_500, "the steady loop took {} invocations", fast.2);
    assert_eq!(general.2, 0);
    assert!(fast.0.contains("first request to version 2"));
    assert_eq!((fast.0, fast.1), (general.0, general.1));
}
