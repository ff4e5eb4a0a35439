//! The simulated AWS Lambda: function configuration, learner-written rhai handlers, execution
//! environments with cold and warm starts, concurrency and throttling, triggers (API Gateway, S3,
//! EventBridge schedules), CloudWatch-style logs and metrics, and billing.
//!
//! Pure and deterministic: the same scenario and seed give the same trace on every target. The
//! page widgets that show it live in the playground; file reading and printing live in the CLI.
//! Start with [`invoke_once`] (one cold invocation) or [`simulate_load`]; build bigger scenarios
//! with [`Account`] on [`crate::sim::Engine`].

// `events` and `schedule` are used by the fuzz targets; the rest is reached through the
// re-exports below, so the compiler reports what nothing uses.
pub(crate) mod billing;
pub(crate) mod clock;
pub(crate) mod config;
pub mod events;
pub(crate) mod ids;
pub(crate) mod logs;
pub(crate) mod metrics;
pub(crate) mod model;
pub(crate) mod s3;
pub mod schedule;
pub(crate) mod script;
pub(crate) mod trace;

use serde::Serialize;
use serde_json::Value;

pub use config::{
    Architecture, FunctionConfig, FunctionSpec, InvalidFunctionConfig, load_function_file,
    parse_function_file, validate_with,
};
pub use ids::{EnvId, FunctionId, RequestId};
pub use metrics::Bucket;
pub use model::{
    Account, AccountConfig, Event, InvocationRecord, InvokeRequest, Load, Mode, Outcome, SdkCall, StartKind,
    decided_by,
};
pub use trace::{ColdCause, Ending, Record, ResetCause, RetryCause, Throttle, TraceEvent};

use crate::sim::{Engine, SimDuration, SimTime, TraceEntry};

/// Validates a function against the default account (1,000 concurrent executions).
pub fn validate(spec: &FunctionSpec) -> Result<FunctionConfig, InvalidFunctionConfig> {
    validate_with(spec, AccountConfig::default().concurrency_limit)
}

/// The most engine steps [`invoke_once`] runs (side effects included).
pub const MAX_STEPS_ONCE: u64 = 20_000;

/// Everything a page shows about one invocation.
#[derive(Debug, Clone, Serialize)]
pub struct Invocation {
    /// The function's result, when it succeeded.
    pub response: Option<Value>,
    /// The error payload (`errorType`, `errorMessage`, `trace`) when it failed or was throttled.
    pub error: Option<Value>,
    /// CloudWatch Logs lines of `/aws/lambda/<name>`, including START, END and REPORT.
    pub logs: Vec<String>,
    /// The engine's trace, one line per event.
    pub trace: Vec<String>,
    /// The same trace as typed events, for pages that explain each decision (not serialised, so
    /// the CLI's JSON stays as it was).
    #[serde(skip)]
    pub events: Vec<TraceEntry<Record>>,
    /// The invocation's request id, typed: its events are those whose `request` it is.
    #[serde(skip)]
    pub request: RequestId,
    pub trace_hash: u64,
    pub duration_ms: f64,
    pub billed_ms: u64,
    pub init_ms: Option<f64>,
    pub max_memory_mb: u64,
    pub request_id: String,
    /// The invocation alone at on-demand rates, no free tier: requests + GB-seconds.
    pub cost_usd: f64,
    /// The CloudWatch Logs group the lines belong to: `/aws/lambda/<name>`.
    pub log_group: String,
}

/// Runs one invocation on a fresh simulated account (so a cold start) and returns everything a
/// page shows. Side effects of the handler (S3 puts, asynchronous invokes) play out too and
/// appear in the trace, bounded to one simulated hour.
pub fn invoke_once(
    spec: &FunctionSpec,
    event: &Value,
    seed: u64,
) -> Result<Invocation, InvalidFunctionConfig> {
    let config = validate(spec)?;
    let name = config.name.clone();
    let arch = config.architecture;
    let mut account = Account::new(AccountConfig::default());
    account.add_function(config);
    let mut engine = Engine::new(account, seed);
    // The request id is drawn here rather than on arrival so the record can be found by it. It is
    // the engine's first draw either way, so the trace is the same.
    let request = engine.with_context(|_, cx| RequestId::draw(cx.rng()));
    let mut req = InvokeRequest::new(&name, event.clone(), Mode::Sync, "cli");
    req.request_id = Some(request);
    engine.schedule_at(SimTime::ZERO, Event::Invoke(Box::new(req)));
    // Idle environments are reclaimed minutes later; stop before that so the trace stays short.
    // Handlers that invoke each other asynchronously could fan out without end, so the run is
    // also capped in steps (AWS itself stops such recursive loops).
    for second in 1..=240 {
        engine.run_until(SimTime::from_secs(second));
        if engine.steps() > MAX_STEPS_ONCE {
            break;
        }
    }
    let (account, trace) = engine.into_parts();
    let record = account
        .records_of(request)
        .next()
        .expect("a synchronous invocation always ends within its timeout")
        .clone();
    let (response, error) = match &record.outcome {
        Outcome::Success(v) => (Some(v.clone()), None),
        Outcome::Error(e) | Outcome::Throttled(e) => (None, Some(e.clone())),
    };
    let price = billing::price(record.memory_mb, record.billed_ms, 1, arch, false);
    Ok(Invocation {
        response,
        error,
        logs: record.logs.clone(),
        trace: trace.entries().iter().map(|e| e.to_string()).collect(),
        trace_hash: trace.hash(),
        events: trace.entries().to_vec(),
        request,
        duration_ms: record.duration_us as f64 / 1000.0,
        billed_ms: record.billed_ms,
        init_ms: record.init_us.map(|us| us as f64 / 1000.0),
        max_memory_mb: record.max_memory_mb,
        request_id: record.request_id.to_string(),
        cost_usd: price.total_usd,
        log_group: format!("/aws/lambda/{name}"),
    })
}

/// Which API Gateway flavour fronts the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKind {
    /// REST API, Lambda proxy integration, payload format 1.0.
    Rest,
    /// HTTP API, payload format 2.0.
    Http,
}

/// One HTTP request through API Gateway to the function and back.
#[derive(Debug, Clone, Serialize)]
pub struct HttpInvocation {
    /// The event the function received.
    pub event: Value,
    /// What the client got back (API Gateway's mapping of the function's result).
    pub response: events::HttpResponse,
    pub invocation: Invocation,
}

/// Sends `request` through API Gateway (`api`) to a fresh function and maps its result back,
/// including API Gateway's 502 (REST) or 500 (HTTP API) when the function fails or answers in
/// the wrong shape.
pub fn invoke_http(
    spec: &FunctionSpec,
    api: ApiKind,
    request: &events::HttpRequest,
    seed: u64,
) -> Result<HttpInvocation, InvalidFunctionConfig> {
    let event = match api {
        ApiKind::Rest => events::apigw_v1_event(request),
        ApiKind::Http => events::apigw_v2_event(request),
    };
    let invocation = invoke_once(spec, &event, seed)?;
    let result = match &invocation.response {
        Some(v) => Ok(v),
        None => Err(invocation
            .error
            .as_ref()
            .expect("an invocation without a response carries an error")),
    };
    let response = match api {
        ApiKind::Rest => events::map_proxy_response_v1(result),
        ApiKind::Http => events::map_proxy_response_v2(result),
    };
    Ok(HttpInvocation {
        event,
        response,
        invocation,
    })
}

/// The summary of a load run.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    pub function: String,
    pub invocations: u64,
    pub throttles: u64,
    pub cold_starts: u64,
    /// Invocations whose handler the script engine ran; the others replayed a pure run.
    pub handler_runs: u64,
    pub errors: u64,
    pub minutes: Vec<metrics::MinuteMetrics>,
    pub cost: billing::Price,
    /// The run's usage scaled to a 30-day month, free tier on.
    pub monthly: billing::Price,
    /// The hash of the trace, unless it was off (`AccountConfig::trace`).
    pub trace_hash: Option<u64>,
    /// Trace lines the run produced, kept or not.
    pub trace_lines: u64,
    pub steps: u64,
}

/// Drives `rps` requests per second at one function for `duration` and reports per-minute
/// metrics, throttles, cold starts and cost. For long runs switch `keep_records` off and the
/// `trace` to `Hash` or `Off`: the numbers are the same, only the text is not kept. It is a
/// [`LoadSim`] run to its end in one go.
pub fn simulate_load(
    spec: &FunctionSpec,
    rps: f64,
    duration: SimDuration,
    payload: &Value,
    seed: u64,
    account: AccountConfig,
) -> Result<(LoadReport, Engine<Account>), InvalidFunctionConfig> {
    let mut sim = LoadSim::new(spec, rps, duration, payload, seed, account, 60)?;
    while !sim.advance(SimDuration::from_secs(3600), u64::MAX) {}
    let report = sim.report();
    Ok((report, sim.into_engine()))
}

/// A load run that can be advanced in slices (a page keeps each slice short) and read at any
/// point. Run to the end, it is exactly [`simulate_load`]: the same events in the same order.
pub struct LoadSim {
    engine: Engine<Account>,
    function: FunctionId,
    name: String,
    duration: SimDuration,
    /// The last invocations may run up to the 900 s timeout after the last arrival; the run
    /// stops there, without idling on to reclaim environments.
    end: SimTime,
}

impl LoadSim {
    /// A fresh account with the function, `rps` arrivals per second for `duration`, metrics in
    /// periods of `period_s` seconds.
    pub fn new(
        spec: &FunctionSpec,
        rps: f64,
        duration: SimDuration,
        payload: &Value,
        seed: u64,
        account: AccountConfig,
        period_s: u64,
    ) -> Result<LoadSim, InvalidFunctionConfig> {
        let config = validate_with(spec, account.concurrency_limit)?;
        let name = config.name.clone();
        let mut acc = Account::new(account);
        acc.metrics = metrics::Metrics::with_period(period_s);
        let function = acc.add_function(config);
        let load = acc.add_load(Load {
            function: name.clone(),
            rps,
            until: SimTime::ZERO + duration,
            payload: payload.clone(),
        });
        let mut engine = Engine::new(acc, seed);
        let mode = engine.model().config.trace;
        engine.set_trace_mode(mode);
        engine.schedule_at(SimTime::ZERO, Event::Arrival { load });
        Ok(LoadSim {
            engine,
            function,
            name,
            duration,
            end: SimTime::ZERO + duration + SimDuration::from_secs(901),
        })
    }

    /// Handles events up to `sim` of simulated time further and at most `max_steps` of them;
    /// true when the run is over.
    pub fn advance(&mut self, sim: SimDuration, max_steps: u64) -> bool {
        let until = (self.engine.now() + sim).min(self.end);
        if self.engine.run_steps(until, max_steps) < max_steps {
            // Nothing more is due before `until`: the clock moves there.
            self.engine.run_until(until);
        }
        self.finished()
    }

    /// The run is over: every arrival came and every invocation ended, or the end was reached.
    pub fn finished(&self) -> bool {
        self.engine.now() >= self.end
    }

    /// Simulated time so far.
    pub fn now(&self) -> SimTime {
        self.engine.now()
    }
    /// How long requests arrive.
    pub fn duration(&self) -> SimDuration {
        self.duration
    }
    pub fn account(&self) -> &Account {
        self.engine.model()
    }
    pub fn function(&self) -> FunctionId {
        self.function
    }

    /// The report of the run so far.
    pub fn report(&self) -> LoadReport {
        let acc = self.engine.model();
        let minutes = acc.metrics.table(&self.name);
        let errors = minutes.iter().map(|m| m.errors).sum();
        let cost = billing::price_usage(&acc.billing, false);
        let monthly = billing::price_usage(&acc.billing.scaled(self.month_factor()), true);
        LoadReport {
            function: self.name.clone(),
            invocations: acc.finished,
            throttles: acc.throttled,
            cold_starts: acc.cold_starts,
            handler_runs: acc.handler_runs,
            errors,
            minutes,
            cost,
            monthly,
            trace_hash: self.engine.trace().hash_if_known(),
            trace_lines: self.engine.trace().lines_offered(),
            steps: self.engine.steps(),
        }
    }

    /// What scales the run's usage to a 30-day month.
    pub fn month_factor(&self) -> f64 {
        billing::MONTH_SECONDS / (self.duration.as_micros() as f64 / 1e6).max(1e-6)
    }

    pub fn into_engine(self) -> Engine<Account> {
        self.engine
    }
}

#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod steady_tests;
#[cfg(test)]
mod tests;

/// The handler of the benchmark's load model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchHandler {
    /// `cpu(50); 1`: pure, so each environment runs it once and replays that run after.
    Pure,
    /// `cpu(50); random()`: reads `random()`, so it is never replayed and runs every time.
    Random,
}

/// The benchmark's load model, shared by `cloudbook sim lambda-bench`, the browser's
/// `?cloudbook-bench` switch and `scripts/bench-lambda.sh`: 128 MB, 50 ms of work at one vCPU,
/// one seed, records, log lines and trace lines off (they are still counted). The handler is
/// pure, so each environment runs it once and replays it after. Callers time it; the core has no
/// clock.
pub fn bench_load(rps: f64, duration: SimDuration) -> Result<LoadReport, InvalidFunctionConfig> {
    bench_load_with(BenchHandler::Pure, rps, duration)
}

/// [`bench_load`] with a choice of handler, to measure what replaying pure runs saves.
pub fn bench_load_with(
    handler: BenchHandler,
    rps: f64,
    duration: SimDuration,
) -> Result<LoadReport, InvalidFunctionConfig> {
    let code = match handler {
        BenchHandler::Pure => "fn handler(e, c) { cpu(50); 1 }",
        BenchHandler::Random => "fn handler(e, c) { cpu(50); random() }",
    };
    let spec = FunctionSpec {
        name: "bench".into(),
        handler: Some(code.into()),
        ..Default::default()
    };
    let account = AccountConfig {
        keep_records: false,
        trace: crate::sim::TraceMode::Off,
        ..AccountConfig::default()
    };
    simulate_load(&spec, rps, duration, &serde_json::json!({}), 1, account).map(|(report, _)| report)
}
