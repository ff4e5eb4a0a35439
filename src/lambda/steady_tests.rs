//! The steady path of load runs ([`Account::invoke_replayed`](super::model::Account)) against
//! the general path: on randomized loads, both give the same trace line for line, the same
//! report and the same number of steps. Only the comparison lives here; the model's own tests
//! are in `tests.rs`.

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::sim::TraceMode;

/// Handlers whose runs the steady path replays (pure successes, with or without log lines) and
/// handlers it must leave to the general path: failures, timeouts, side effects, `random()`.
const HANDLERS: &[&str] = &[
    "fn handler(e, c) { cpu(50); 1 }",
    "fn handler(e, c) { print(`n=${e.n}`); wait(e.n); e.n }",
    "fn handler(e, c) { cpu(30); throw \"no\"; }",
    "fn handler(e, c) { cpu(random() * 40.0); 1 }",
    "fn handler(e, c) { if e.n > 20 { cpu(4000); } 2 }",
    "fn handler(e, c) { s3_put(\"b\", \"k\", \"v\"); 3 }",
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
}

/// Runs the load in slices of `slice_ms` of simulated time (as a page does), with the steady
/// path on or off, and returns the whole trace, the report and the steps, and how many
/// invocations took the steady path.
fn run(s: &Scenario, steady: bool, slice_ms: u64) -> ((String, serde_json::Value, u64), u64) {
    let spec = FunctionSpec {
        name: "steady".into(),
        handler: Some(HANDLERS[s.handler].into()),
        timeout: Some(3),
        reserved_concurrency: s.reserved,
        ..Default::default()
    };
    let account = AccountConfig {
        concurrency_limit: s.concurrency,
        keep_records: false,
        trace: TraceMode::Keep,
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
    sim.engine.model_mut().set_steady(steady);
    while !sim.advance(SimDuration::from_millis(slice_ms), u64::MAX) {}
    let report = serde_json::to_value(sim.report()).expect("a report serialises");
    let steps = sim.engine.steps();
    let taken = sim.account().steady_taken();
    ((sim.engine.trace().to_string(), report, steps), taken)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The steady path changes nothing a run shows: trace, report (counts, per-period metrics
    /// with their exact percentiles, cost) and steps are those of the general path.
    #[test]
    fn the_steady_path_gives_the_general_paths_run(
        handler in 0..HANDLERS.len(),
        rps in prop::sample::select(vec![0.5, 3.0, 40.0, 250.0]),
        secs in 1u64..25,
        n in 0u64..40,
        concurrency in prop::sample::select(vec![5u32, 60, 1000]),
        reserved in prop::option::of(1u32..30),
        seed in any::<u64>(),
        period_s in prop::sample::select(vec![1u64, 60]),
        slice_ms in prop::sample::select(vec![7u64, 1000, 3_600_000]),
    ) {
        // A reservation must leave 100 unreserved, as AWS requires: only the full account has one.
        let reserved = reserved.filter(|_| concurrency == 1000);
        let s = Scenario { handler, rps, secs, n, concurrency, reserved, seed, period_s };
        let ((steady_trace, steady_report, steady_steps), _) = run(&s, true, slice_ms);
        let ((general_trace, general_report, general_steps), none) = run(&s, false, slice_ms);
        prop_assert_eq!(none, 0);
        prop_assert!(steady_trace == general_trace, "the traces differ");
        prop_assert_eq!(steady_report, general_report);
        prop_assert_eq!(steady_steps, general_steps);
    }
}

/// The comparison above is not vacuous: in a plain load nearly every invocation takes the steady
/// path, and the run still matches the general path's.
#[test]
fn a_plain_load_is_mostly_steady_and_the_same() {
    let s = Scenario {
        handler: 0,
        rps: 300.0,
        secs: 20,
        n: 1,
        concurrency: 1000,
        reserved: None,
        seed: 5,
        period_s: 60,
    };
    let (steady, taken) = run(&s, true, 3_600_000);
    let invocations = steady.1["invocations"].as_u64().expect("a count");
    assert!(invocations > 5_000, "{}", steady.1);
    assert!(taken * 100 > invocations * 95, "{taken} of {invocations}");
    assert_eq!(steady, run(&s, false, 3_600_000).0);
}
