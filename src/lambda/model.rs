//! The simulated account as a [`Model`]: functions, their execution environments, concurrency,
//! throttling, asynchronous retries, S3 notifications and schedules, on the shared engine.
//!
//! Every decision is a trace line that says why (cold because no environment was idle, warm
//! because env N was idle since t, throttled because a named limit was reached). Script execution
//! is delegated to [`super::script`], log formatting to [`super::logs`], events to
//! [`super::events`]; billing and metrics read the finished [`InvocationRecord`]s.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use serde::Serialize;
use serde_json::{Value, json};

use super::config::FunctionConfig;
use super::logs;
use super::s3::S3Store;
use super::script::{Effect, EnvState, Failure, PhaseInput, Program};
use super::{clock, events, schedule};
use crate::sim::{Context, Model, SimDuration, SimTime};

/// Account-wide settings. The defaults are AWS's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountConfig {
    pub account_id: String,
    pub region: String,
    /// Concurrent executions across all functions in the Region (default 1,000).
    pub concurrency_limit: u32,
    /// New execution environments each function may add per 10 seconds (default 1,000).
    pub scaling_per_10s: u32,
    /// Wall-clock time of simulated zero, in Unix seconds.
    pub epoch_unix: i64,
    /// Idle environments are reclaimed after a random time in this range (AWS does not publish it;
    /// observed lifetimes are minutes).
    pub idle_min: SimDuration,
    pub idle_max: SimDuration,
    /// Keep every invocation's log lines and records (off for very long load runs).
    pub keep_records: bool,
}

impl Default for AccountConfig {
    fn default() -> Self {
        AccountConfig {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            concurrency_limit: 1000,
            scaling_per_10s: 1000,
            epoch_unix: clock::DEFAULT_EPOCH_UNIX,
            idle_min: SimDuration::from_mins(5),
            idle_max: SimDuration::from_mins(15),
            keep_records: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FunctionId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// RequestResponse: the caller waits; errors are not retried by Lambda.
    Sync,
    /// Event: queued; function errors are retried twice, throttles for up to six hours.
    Async,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StartKind {
    Cold,
    Warm,
}

/// A request to invoke a function.
#[derive(Debug, Clone, PartialEq)]
pub struct InvokeRequest {
    pub function: String,
    pub payload: Value,
    pub mode: Mode,
    /// Who invoked: `cli`, `load`, `s3:<bucket>`, `schedule:<rule>`, `function:<name>`.
    pub source: String,
    pub attempt: u32,
    pub request_id: Option<String>,
    pub first_arrival: Option<SimTime>,
}

impl InvokeRequest {
    pub fn new(function: &str, payload: Value, mode: Mode, source: &str) -> Self {
        InvokeRequest {
            function: function.into(),
            payload,
            mode,
            source: source.into(),
            attempt: 1,
            request_id: None,
            first_arrival: None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Event {
    Invoke(Box<InvokeRequest>),
    Finish {
        f: FunctionId,
        env: u32,
        record: Box<InvocationRecord>,
        retry: Option<Box<InvokeRequest>>,
        /// The trace line announced at the end, and why the environment must be reset, if it must.
        what: String,
        reset: Option<&'static str>,
    },
    Reclaim {
        f: FunctionId,
        env: u32,
        generation: u32,
    },
    S3Put {
        bucket: String,
        key: String,
        body: String,
        by: String,
    },
    ScheduleFire {
        f: FunctionId,
        rule: u32,
    },
    Arrival {
        load: u32,
    },
}

/// How an invocation ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success(Value),
    /// A function error (unhandled error, timeout, out of memory): the error payload.
    Error(Value),
    /// Rejected with 429 TooManyRequestsException before running.
    Throttled(Value),
}

/// Everything known about one finished (or throttled) invocation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvocationRecord {
    pub request_id: String,
    pub function: String,
    pub source: String,
    pub mode: Mode,
    pub attempt: u32,
    pub arrived: SimTime,
    pub ended: SimTime,
    pub start: Option<StartKind>,
    pub env: Option<u32>,
    pub init_us: Option<u64>,
    pub duration_us: u64,
    pub billed_ms: u64,
    pub memory_mb: u32,
    pub max_memory_mb: u64,
    pub outcome: Outcome,
    pub logs: Vec<String>,
}

/// One trace line's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub function: Option<String>,
    pub request: Option<String>,
    pub what: String,
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(func) = &self.function {
            write!(f, "fn={func} ")?;
        }
        if let Some(r) = &self.request {
            write!(f, "req={} ", short(r))?;
        }
        f.write_str(&self.what)
    }
}

/// The first block of a request id: enough to follow one request through a trace.
fn short(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EnvPhase {
    Busy,
    Idle,
    Gone,
}

struct Env {
    phase: EnvPhase,
    since: SimTime,
    generation: u32,
    state: EnvState,
    stream: String,
}

struct Function {
    config: FunctionConfig,
    program: Result<Program, Failure>,
    envs: Vec<Env>,
    busy: u32,
    tokens: f64,
    tokens_at: SimTime,
    schedules: Vec<schedule::Schedule>,
    /// Idle environment ids, most recently freed last (may hold reclaimed ones, skipped lazily).
    idle: Vec<u32>,
}

/// A constant-rate load: `rps` arrivals per second (jittered) until `until`.
#[derive(Debug, Clone)]
pub struct Load {
    pub function: String,
    pub rps: f64,
    pub until: SimTime,
    pub payload: Value,
}

pub struct Account {
    pub config: AccountConfig,
    functions: Vec<Function>,
    by_name: BTreeMap<String, FunctionId>,
    pub s3: Rc<RefCell<S3Store>>,
    records: Vec<InvocationRecord>,
    /// Log group name → (unix ms, stream, message).
    log_groups: BTreeMap<String, Vec<(i64, String, String)>>,
    pub metrics: super::metrics::Metrics,
    loads: Vec<Load>,
    busy_total: u32,
    /// Finished invocations (records may be dropped when `keep_records` is off).
    pub finished: u64,
    pub throttled: u64,
    pub cold_starts: u64,
    pub billing: super::billing::Usage,
}

impl Account {
    pub fn new(config: AccountConfig) -> Self {
        Account {
            config,
            functions: Vec::new(),
            by_name: BTreeMap::new(),
            s3: Rc::new(RefCell::new(S3Store::default())),
            records: Vec::new(),
            log_groups: BTreeMap::new(),
            metrics: Default::default(),
            loads: Vec::new(),
            busy_total: 0,
            finished: 0,
            throttled: 0,
            cold_starts: 0,
            billing: Default::default(),
        }
    }

    /// Adds a validated function. Its script is compiled now; a syntax error surfaces on the
    /// first invocation, as in AWS.
    pub fn add_function(&mut self, config: FunctionConfig) -> FunctionId {
        let id = FunctionId(self.functions.len() as u32);
        let program = Program::compile(
            &config,
            self.s3.clone(),
            &self.config.account_id,
            &self.config.region,
        );
        for t in &config.triggers.s3 {
            self.s3.borrow_mut().create_bucket(&t.bucket);
        }
        let schedules = config
            .triggers
            .schedule
            .iter()
            .filter_map(|s| schedule::Schedule::parse(&s.expression).ok())
            .collect();
        self.by_name.insert(config.name.clone(), id);
        self.functions.push(Function {
            tokens: f64::from(self.config.scaling_per_10s),
            tokens_at: SimTime::ZERO,
            config,
            program,
            envs: Vec::new(),
            busy: 0,
            schedules,
            idle: Vec::new(),
        });
        id
    }

    pub fn function_id(&self, name: &str) -> Option<FunctionId> {
        self.by_name.get(name).copied()
    }
    pub fn function_config(&self, f: FunctionId) -> &FunctionConfig {
        &self.functions[f.0 as usize].config
    }
    pub fn records(&self) -> &[InvocationRecord] {
        &self.records
    }
    pub fn log_group(&self, function: &str) -> &[(i64, String, String)] {
        self.log_groups
            .get(&format!("/aws/lambda/{function}"))
            .map_or(&[], |v| v.as_slice())
    }
    pub fn add_load(&mut self, load: Load) -> u32 {
        self.loads.push(load);
        (self.loads.len() - 1) as u32
    }
    /// Concurrent executions right now, across the account.
    pub fn busy_total(&self) -> u32 {
        self.busy_total
    }
    pub fn busy(&self, f: FunctionId) -> u32 {
        self.functions[f.0 as usize].busy
    }
    /// The concurrency a function can reach: its reservation, or the unreserved pool.
    pub fn concurrency_cap(&self, f: FunctionId) -> u32 {
        match self.functions[f.0 as usize].config.reserved_concurrency {
            Some(r) => r,
            None => self
                .config
                .concurrency_limit
                .saturating_sub(self.reserved_total()),
        }
    }
    fn reserved_total(&self) -> u32 {
        self.functions
            .iter()
            .filter_map(|f| f.config.reserved_concurrency)
            .sum()
    }
    fn unreserved_busy(&self) -> u32 {
        self.functions
            .iter()
            .filter(|f| f.config.reserved_concurrency.is_none())
            .map(|f| f.busy)
            .sum()
    }

    /// The first fire time of every schedule after simulated time zero; call once before running.
    pub fn start_schedules(&mut self, cx: &mut Cx<'_>) {
        for (fi, f) in self.functions.iter().enumerate() {
            for (ri, s) in f.schedules.iter().enumerate() {
                if let Some(next) = s.next_after(self.config.epoch_unix, self.config.epoch_unix) {
                    let at = SimTime::from_secs((next - self.config.epoch_unix) as u64);
                    cx.schedule_at(
                        at,
                        Event::ScheduleFire {
                            f: FunctionId(fi as u32),
                            rule: ri as u32,
                        },
                    );
                }
            }
        }
    }

    fn unix_ms(&self, at: SimTime) -> i64 {
        clock::unix_millis(self.config.epoch_unix, at)
    }

    fn invoke(&mut self, mut req: InvokeRequest, cx: &mut Cx<'_>) {
        let now = cx.now();
        let request_id = req
            .request_id
            .clone()
            .unwrap_or_else(|| logs::request_id(cx.rng()));
        req.request_id = Some(request_id.clone());
        let arrived = *req.first_arrival.get_or_insert(now);
        let Some(fid) = self.function_id(&req.function) else {
            cx.record(Record {
                function: Some(req.function.clone()),
                request: Some(request_id.clone()),
                what: format!(
                    "ResourceNotFound reason=\"Function not found: arn:aws:lambda:{}:{}:function:{}\"",
                    self.config.region, self.config.account_id, req.function
                ),
            });
            return;
        };
        let name = req.function.clone();
        let rec = |what: String| Record {
            function: Some(name.clone()),
            request: Some(request_id.clone()),
            what,
        };

        // 1. Concurrency: reserved or the unreserved pool.
        let cap = self.concurrency_cap(fid);
        let (busy_fn, reserved) = {
            let f = &self.functions[fid.0 as usize];
            (f.busy, f.config.reserved_concurrency)
        };
        let throttle = match reserved {
            Some(0) => Some((
                "ReservedFunctionConcurrentInvocationLimitExceeded",
                "reserved concurrency is 0 (the function is turned off)".to_string(),
            )),
            Some(r) if busy_fn >= r => Some((
                "ReservedFunctionConcurrentInvocationLimitExceeded",
                format!("reserved concurrency {r} reached ({busy_fn} busy)"),
            )),
            None if self.unreserved_busy() >= cap => Some((
                "ConcurrentInvocationLimitExceeded",
                format!(
                    "account concurrency {} reached ({} busy in the unreserved pool of {cap})",
                    self.config.concurrency_limit,
                    self.unreserved_busy()
                ),
            )),
            _ => None,
        };
        // 2. An idle environment, most recently used first.
        let idle = {
            let f = &mut self.functions[fid.0 as usize];
            // The stack's top is the most recently freed environment; reclaimed ones are dropped
            // lazily when they surface, so the lookup is O(1) however many environments exist.
            loop {
                match f.idle.last() {
                    Some(&id) if f.envs[(id - 1) as usize].phase != EnvPhase::Idle => {
                        f.idle.pop();
                    }
                    Some(&id) => break Some((id, f.envs[(id - 1) as usize].since)),
                    None => break None,
                }
            }
        };
        // 3. A new environment needs scaling headroom.
        let throttle = throttle.or_else(|| {
            if idle.is_some() {
                return None;
            }
            let per10 = f64::from(self.config.scaling_per_10s);
            let f = &mut self.functions[fid.0 as usize];
            let refill = now.since(f.tokens_at).as_micros() as f64 / 10_000_000.0 * per10;
            f.tokens = (f.tokens + refill).min(per10);
            f.tokens_at = now;
            if f.tokens < 1.0 {
                Some((
                    "FunctionInvocationRateLimitExceeded",
                    format!(
                        "scaling rate reached: {} new environments per 10s already started",
                        self.config.scaling_per_10s
                    ),
                ))
            } else {
                f.tokens -= 1.0;
                None
            }
        });
        if let Some((reason, why)) = throttle {
            self.throttled += 1;
            self.metrics.throttle(&name, now);
            cx.record(rec(format!("Throttled status=429 reason=\"{why}\"")));
            let body = json!({"errorType": "TooManyRequestsException", "errorMessage": "Rate Exceeded.", "Reason": reason, "Type": "User", "statusCode": 429});
            if req.mode == Mode::Async && now.since(arrived) < SimDuration::from_secs(6 * 3600) {
                // Lambda keeps throttled events in its queue and retries them with backoff.
                let n = req.attempt.min(9);
                let delay = SimDuration::from_secs((1u64 << n).min(300));
                cx.record(rec(format!(
                    "RetryScheduled in={delay} reason=\"throttled; async events are retried for up to 6h\""
                )));
                let mut again = req.clone();
                again.attempt += 1;
                cx.schedule(delay, Event::Invoke(Box::new(again)));
            }
            self.push_record(InvocationRecord {
                request_id: request_id.clone(),
                function: name.clone(),
                source: req.source.clone(),
                mode: req.mode,
                attempt: req.attempt,
                arrived: now,
                ended: now,
                start: None,
                env: None,
                init_us: None,
                duration_us: 0,
                billed_ms: 0,
                memory_mb: self.functions[fid.0 as usize].config.memory_mb,
                max_memory_mb: 0,
                outcome: Outcome::Throttled(body),
                logs: Vec::new(),
            });
            return;
        }

        // Take or create the environment.
        let epoch = self.config.epoch_unix;
        let (env_id, start_kind, init) = match idle {
            Some((id, since)) => {
                cx.record(rec(format!(
                    "WarmStart env={id} reason=\"reused env {id}, idle since {since}\""
                )));
                (id, StartKind::Warm, None)
            }
            None => {
                self.cold_starts += 1;
                let f = &mut self.functions[fid.0 as usize];
                let id = f.envs.len() as u32 + 1;
                let stream = logs::stream_name(clock::unix_millis(epoch, now), cx.rng());
                // Runtime start-up: ~150 ms for an interpreted runtime on x86_64 (±20%), arm64 about
                // 15% faster (maxday/lambda-perf), plus whatever the script's top level does.
                let base = match f.config.architecture {
                    super::config::Architecture::X86_64 => 150_000.0,
                    super::config::Architecture::Arm64 => 127_000.0,
                };
                let runtime_us = (base * (0.8 + 0.4 * cx.rng().unit_f64())) as u64;
                let (init_outcome, state) = match &f.program {
                    Ok(p) => {
                        let (o, s) = p.init(&PhaseInput {
                            request_id: &request_id,
                            budget_us: 10_000_000,
                            seed: cx.rng().next_u64(),
                        });
                        (Some(o), s)
                    }
                    Err(_) => (None, EnvState::default()),
                };
                let init_us = runtime_us + init_outcome.as_ref().map_or(0, |o| o.elapsed_us);
                let gone = f.envs.iter().filter(|e| e.phase == EnvPhase::Gone).count();
                let reason = match (f.envs.is_empty(), gone) {
                    (true, _) => "first request: no environment exists yet".to_string(),
                    (false, 0) => format!("no idle environment ({} busy)", f.busy),
                    (false, g) => format!("no idle environment ({} busy, {g} reclaimed or reset)", f.busy),
                };
                cx.record(rec(format!(
                    "ColdStart env={id} init={} reason=\"{reason}\"",
                    SimDuration::from_micros(init_us)
                )));
                f.envs.push(Env {
                    phase: EnvPhase::Busy,
                    since: now,
                    generation: 0,
                    state,
                    stream,
                });
                let init_failure = match (&f.program, init_outcome) {
                    (Err(e), _) => Some(e.clone()),
                    (Ok(_), Some(o)) => o.result.err(),
                    _ => None,
                };
                (id, StartKind::Cold, Some((init_us, init_failure)))
            }
        };
        let f = &mut self.functions[fid.0 as usize];
        let env_idx = (env_id - 1) as usize;
        if start_kind == StartKind::Warm {
            let top = f.idle.pop();
            debug_assert_eq!(top, Some(env_id), "a warm start takes the top of the idle stack");
        }
        f.envs[env_idx].phase = EnvPhase::Busy;
        f.busy += 1;
        self.busy_total += 1;
        let fn_busy = f.busy;
        self.metrics.concurrency(&name, now, fn_busy);

        let init_us = init.as_ref().map(|(us, _)| *us);
        let handler_start = now + SimDuration::from_micros(init_us.unwrap_or(0));
        let cfg = f.config.clone();
        let budget_us = u64::from(cfg.timeout_s) * 1_000_000;
        let seed = cx.rng().next_u64();

        let outcome = match init.and_then(|(_, failure)| failure) {
            Some(failure) => None.ok_or(failure),
            None => {
                let program = f
                    .program
                    .as_ref()
                    .expect("init succeeded, so the program compiled");
                let env = &mut f.envs[env_idx];
                Ok(program.invoke(
                    &mut env.state,
                    &req.payload,
                    &PhaseInput {
                        request_id: &request_id,
                        budget_us,
                        seed,
                    },
                ))
            }
        };
        // Duration = runtime overhead + the phase's own time.
        let overhead_us = 300 + cx.rng().below(1200);
        let (result, elapsed_us, phase_logs, effects, max_mem, denials) = match outcome {
            Ok(o) => (
                o.result,
                o.elapsed_us,
                o.logs,
                o.effects,
                o.max_memory_mb,
                o.denials,
            ),
            Err(failure) => (
                Err(failure),
                0,
                Vec::new(),
                Vec::new(),
                super::script::RUNTIME_BASELINE_MB,
                Vec::new(),
            ),
        };
        for (action, resource, decision) in &denials {
            cx.record(rec(format!(
                "AccessDenied action={action} resource={resource} decision=\"{decision}\""
            )));
        }
        let duration_us = match &result {
            Err(Failure::Timeout) => budget_us + cx.rng().below(5_000),
            _ => elapsed_us + overhead_us,
        };
        let max_memory_mb = match &result {
            Err(Failure::OutOfMemory) => u64::from(cfg.memory_mb),
            _ => (max_mem + cx.rng().below(8)).min(u64::from(cfg.memory_mb)),
        };
        let billed_ms = (duration_us + init_us.unwrap_or(0)).div_ceil(1000);
        let end = handler_start + SimDuration::from_micros(duration_us);

        // Log lines, in the order CloudWatch shows them.
        let epoch_ms = |t: SimTime| clock::unix_millis(epoch, t);
        // Log lines cost string formatting; long load runs that keep no records skip them.
        let keep = self.config.keep_records;
        let mut lines = Vec::new();
        macro_rules! log {
            ($line:expr) => {
                if keep {
                    lines.push($line)
                }
            };
        }
        if let (
            Some(_),
            Err(Failure::Error {
                error_type,
                message,
                trace,
            }),
        ) = (init_us, &result)
            && elapsed_us == 0
        {
            log!(logs::runtime_line(
                epoch_ms(now),
                "undefined",
                "ERROR",
                &format!(
                    "Uncaught Exception \t{}",
                    logs::error_json(error_type, message, trace)
                ),
            ));
        }
        log!(logs::start_line(&request_id));
        for (off, level, msg) in &phase_logs {
            log!(logs::runtime_line(
                epoch_ms(handler_start + SimDuration::from_micros(*off)),
                &request_id,
                level,
                msg,
            ));
        }
        let (what, outcome_value, reset) = match &result {
            Ok(v) => (
                format!(
                    "Succeeded env={env_id} duration={}",
                    SimDuration::from_micros(duration_us)
                ),
                Outcome::Success(v.clone()),
                None,
            ),
            Err(Failure::Error {
                error_type,
                message,
                trace,
            }) => {
                if elapsed_us > 0 || init_us.is_none() {
                    log!(logs::runtime_line(
                        epoch_ms(end),
                        &request_id,
                        "ERROR",
                        &format!("Invoke Error \t{}", logs::error_json(error_type, message, trace)),
                    ));
                }
                let init_failed = init_us.is_some() && elapsed_us == 0;
                (
                    format!(
                        "Failed env={env_id} errorType={error_type} duration={}",
                        SimDuration::from_micros(duration_us)
                    ),
                    Outcome::Error(json!({"errorType": error_type, "errorMessage": message, "trace": trace})),
                    init_failed.then_some("the Init phase failed"),
                )
            }
            Err(Failure::Timeout) => (
                format!(
                    "TimedOut env={env_id} duration={} timeout={}s",
                    SimDuration::from_micros(duration_us),
                    cfg.timeout_s
                ),
                Outcome::Error(
                    json!({"errorType": "Sandbox.Timedout", "errorMessage": format!("{} {request_id} Task timed out after {}.00 seconds", clock::format_millis(epoch_ms(end)), cfg.timeout_s)}),
                ),
                Some("the invocation timed out"),
            ),
            Err(Failure::OutOfMemory) => (
                format!(
                    "OutOfMemory env={env_id} memory={}MB duration={}",
                    cfg.memory_mb,
                    SimDuration::from_micros(duration_us)
                ),
                Outcome::Error(
                    json!({"errorType": "Runtime.ExitError", "errorMessage": format!("RequestId: {request_id} Error: Runtime exited with error: signal: killed")}),
                ),
                Some("the runtime was killed for exceeding its memory"),
            ),
        };
        log!(logs::end_line(&request_id));
        log!(logs::report_line(
            &request_id,
            duration_us,
            billed_ms,
            cfg.memory_mb,
            max_memory_mb,
            init_us,
        ));
        match &result {
            Err(Failure::Timeout) => {
                log!(logs::timeout_line(epoch_ms(end), &request_id, cfg.timeout_s))
            }
            Err(Failure::OutOfMemory) => {
                log!(format!(
                    "RequestId: {request_id} Error: Runtime exited with error: signal: killed"
                ));
                log!("Runtime.ExitError".into());
            }
            _ => {}
        }

        // Side effects happen at their moment inside the invocation.
        for (off, effect) in effects {
            let at = handler_start + SimDuration::from_micros(off);
            match effect {
                Effect::S3Put { bucket, key, body } => {
                    cx.schedule_at(
                        at,
                        Event::S3Put {
                            bucket,
                            key,
                            body,
                            by: name.clone(),
                        },
                    );
                }
                Effect::InvokeAsync { function, payload } => {
                    let r = InvokeRequest::new(&function, payload, Mode::Async, &format!("function:{name}"));
                    cx.schedule_at(at, Event::Invoke(Box::new(r)));
                }
            }
        }
        let is_error = !matches!(outcome_value, Outcome::Success(_));
        let retry = if is_error && req.mode == Mode::Async && req.attempt < 3 {
            let mut again = req.clone();
            again.attempt += 1;
            Some(Box::new(again))
        } else {
            None
        };
        let record = InvocationRecord {
            request_id: request_id.clone(),
            function: name.clone(),
            source: req.source.clone(),
            mode: req.mode,
            attempt: req.attempt,
            arrived: now,
            ended: end,
            start: Some(start_kind),
            env: Some(env_id),
            init_us,
            duration_us,
            billed_ms,
            memory_mb: cfg.memory_mb,
            max_memory_mb,
            outcome: outcome_value,
            logs: lines,
        };
        cx.schedule_at(
            end,
            Event::Finish {
                f: fid,
                env: env_id,
                record: Box::new(record),
                retry,
                what,
                reset,
            },
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        fid: FunctionId,
        env_id: u32,
        record: InvocationRecord,
        retry: Option<Box<InvokeRequest>>,
        what: String,
        reset: Option<&'static str>,
        cx: &mut Cx<'_>,
    ) {
        let now = cx.now();
        let name = record.function.clone();
        let rec = |what: String| Record {
            function: Some(name.clone()),
            request: Some(record.request_id.clone()),
            what,
        };
        cx.record(rec(what));
        let (idle_min, idle_max) = (self.config.idle_min, self.config.idle_max);
        let f = &mut self.functions[fid.0 as usize];
        f.busy -= 1;
        self.busy_total -= 1;
        let env = &mut f.envs[(env_id - 1) as usize];
        let stream = env.stream.clone();
        match reset {
            Some(why) => {
                env.phase = EnvPhase::Gone;
                cx.record(Record {
                    function: Some(name.clone()),
                    request: None,
                    what: format!("EnvironmentReset env={env_id} reason=\"{why}\""),
                });
            }
            None => {
                env.phase = EnvPhase::Idle;
                env.since = now;
                env.generation += 1;
                let span = idle_max.saturating_sub(idle_min).as_micros();
                let life = idle_min + SimDuration::from_micros(cx.rng().below(span + 1));
                cx.schedule(
                    life,
                    Event::Reclaim {
                        f: fid,
                        env: env_id,
                        generation: env.generation,
                    },
                );
                f.idle.push(env_id);
            }
        }
        if let Some(again) = retry {
            let delay = if again.attempt == 2 {
                SimDuration::from_mins(1)
            } else {
                SimDuration::from_mins(2)
            };
            cx.record(rec(format!("RetryScheduled attempt={} in={delay} reason=\"async invocation failed; Lambda retries twice\"", again.attempt)));
            cx.schedule(delay, Event::Invoke(again));
        } else if record.mode == Mode::Async && !matches!(record.outcome, Outcome::Success(_)) {
            cx.record(rec("AsyncDiscarded reason=\"failed 3 attempts and no on-failure destination or DLQ is configured\"".into()));
        }
        self.metrics.finish(&record);
        self.billing.add(
            record.memory_mb,
            record.billed_ms,
            self.functions[fid.0 as usize].config.architecture,
        );
        self.finished += 1;
        let group = format!("/aws/lambda/{name}");
        let base_ms = self.unix_ms(record.ended);
        if self.config.keep_records {
            let lines = self.log_groups.entry(group).or_default();
            for l in &record.logs {
                lines.push((base_ms, stream.clone(), l.clone()));
            }
        }
        self.push_record(record);
    }

    fn push_record(&mut self, record: InvocationRecord) {
        if self.config.keep_records {
            self.records.push(record);
        }
    }

    fn s3_put(&mut self, bucket: String, key: String, body: String, by: String, cx: &mut Cx<'_>) {
        let size = body.len();
        let (etag, sequencer) = {
            let mut s3 = self.s3.borrow_mut();
            let o = s3.put(&bucket, &key, body);
            (o.etag.clone(), o.sequencer)
        };
        cx.record(Record {
            function: None,
            request: None,
            what: format!("S3 PutObject bucket={bucket} key={key:?} size={size} by={by}"),
        });
        let when = self.unix_ms(cx.now());
        for f in &self.functions {
            for t in &f.config.triggers.s3 {
                if t.bucket == bucket && key.starts_with(&t.prefix) && key.ends_with(&t.suffix) {
                    let ev = events::s3_put_event(&events::S3PutArgs {
                        bucket: &bucket,
                        key: &key,
                        size: size as u64,
                        etag: &etag,
                        sequencer,
                        time_ms: when,
                        region: &self.config.region,
                    });
                    let name = f.config.name.clone();
                    cx.record(Record { function: Some(name.clone()), request: None, what: format!("S3 Notification event=ObjectCreated:Put bucket={bucket} key={key:?} prefix={:?} suffix={:?}", t.prefix, t.suffix) });
                    // S3 delivers notifications asynchronously, typically within a second.
                    let delay = SimDuration::from_millis(50 + cx.rng().below(250));
                    cx.schedule(
                        delay,
                        Event::Invoke(Box::new(InvokeRequest::new(
                            &name,
                            ev,
                            Mode::Async,
                            &format!("s3:{bucket}"),
                        ))),
                    );
                }
            }
        }
    }

    fn schedule_fire(&mut self, fid: FunctionId, rule: u32, cx: &mut Cx<'_>) {
        let now_unix = self.config.epoch_unix + cx.now().as_secs() as i64;
        let f = &self.functions[fid.0 as usize];
        let s = &f.schedules[rule as usize];
        let rule_name = f.config.triggers.schedule[rule as usize]
            .name
            .clone()
            .unwrap_or_else(|| format!("{}-schedule-{rule}", f.config.name));
        let name = f.config.name.clone();
        cx.record(Record {
            function: Some(name.clone()),
            request: None,
            what: format!("ScheduleFired rule={rule_name} expression=\"{}\"", s.expression()),
        });
        let ev = events::scheduled_event(
            &self.config.region,
            &self.config.account_id,
            &rule_name,
            now_unix,
            cx.rng(),
        );
        cx.schedule(
            SimDuration::ZERO,
            Event::Invoke(Box::new(InvokeRequest::new(
                &name,
                ev,
                Mode::Async,
                &format!("schedule:{rule_name}"),
            ))),
        );
        if let Some(next) = s.next_after(now_unix, self.config.epoch_unix) {
            let at = SimTime::from_secs((next - self.config.epoch_unix) as u64);
            cx.schedule_at(at, Event::ScheduleFire { f: fid, rule });
        }
    }

    fn reclaim(&mut self, fid: FunctionId, env_id: u32, generation: u32, cx: &mut Cx<'_>) {
        let f = &mut self.functions[fid.0 as usize];
        let env = &mut f.envs[(env_id - 1) as usize];
        if env.phase == EnvPhase::Idle && env.generation == generation {
            env.phase = EnvPhase::Gone;
            let idle_for = cx.now().since(env.since);
            let what = format!("Reclaimed env={env_id} reason=\"idle for {idle_for}\"");
            cx.record(Record {
                function: Some(f.config.name.clone()),
                request: None,
                what,
            });
        }
    }

    fn arrival(&mut self, load: u32, cx: &mut Cx<'_>) {
        let l = &self.loads[load as usize];
        let req = InvokeRequest::new(&l.function, l.payload.clone(), Mode::Sync, "load");
        // Jittered arrivals: gaps uniform on [0, 2/rps], so the mean rate is rps. Uniform rather
        // than exponential because `ln` is not bit-identical across targets.
        let mean_us = 1_000_000.0 / l.rps.max(1e-9);
        let gap = SimDuration::from_micros((mean_us * 2.0 * cx.rng().unit_f64()) as u64);
        let until = l.until;
        self.invoke(req, cx);
        if cx.now() + gap < until {
            cx.schedule(gap, Event::Arrival { load });
        }
    }
}

pub type Cx<'a> = Context<'a, Event, Record>;

impl Model for Account {
    type Event = Event;
    type Record = Record;

    fn handle(&mut self, event: Event, cx: &mut Cx<'_>) {
        match event {
            Event::Invoke(req) => self.invoke(*req, cx),
            Event::Finish {
                f,
                env,
                record,
                retry,
                what,
                reset,
            } => self.finish(f, env, *record, retry, what, reset, cx),
            Event::Reclaim { f, env, generation } => self.reclaim(f, env, generation, cx),
            Event::S3Put {
                bucket,
                key,
                body,
                by,
            } => self.s3_put(bucket, key, body, by, cx),
            Event::ScheduleFire { f, rule } => self.schedule_fire(f, rule, cx),
            Event::Arrival { load } => self.arrival(load, cx),
        }
    }
}
