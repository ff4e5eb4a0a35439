//! The simulated account as a [`Model`]: functions, their execution environments, concurrency,
//! throttling, asynchronous retries, S3 notifications and schedules, on the shared engine.
//!
//! Every decision is a typed trace event that says why ([`super::trace`]: cold because no
//! environment was idle, warm because env N was idle since t, throttled because a named limit was
//! reached). An invocation goes through four steps, each a method: admission (concurrency and
//! scaling limits), acquiring a warm or a new environment, running or replaying the handler, and
//! scheduling its side effects; its CloudWatch lines are written by [`super::logs`]. Script
//! execution is delegated to [`super::script`], events to [`super::events`]; billing and metrics
//! read the finished [`InvocationRecord`]s.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Serialize;
use serde_json::{Value, json};

use super::config::FunctionConfig;
pub use super::ids::{EnvId, FunctionId, RequestId};
use super::logs;
use super::metrics::{NoPeriod, Period};
use super::s3::S3Store;
use super::script::{Effect, EnvState, Failure, PhaseInput, PhaseOutcome, Program};
pub use super::trace::{
    ASYNC_MAX_ATTEMPTS, ASYNC_THROTTLE_RETRY_WINDOW, ColdCause, Ending, Record, ResetCause, RetryCause,
    Throttle, TraceEvent,
};
use super::{clock, events, schedule};
use crate::sim::{Context, EventKey, Model, Rng, SimDuration, SimTime};

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
    /// Replay the recorded outcome of a handler run that was proved pure (see
    /// [`PhaseOutcome::replayable`]) when the same event reaches the same environment again,
    /// instead of running the script; and start a version's later cold starts from a copy of its
    /// first pure Init, with a pure handler run on one such fresh environment replayed on the
    /// others (`PureStart`). The trace, records and metrics are identical either way (tests
    /// run both); only the wall time and the count of script runs differ. On by default.
    pub replay_pure_handlers: bool,
    /// What the engine's trace (the "why" of every event) keeps: everything by default; load
    /// runs of millions of invocations hash it (the CLI) or only count its lines (benchmarks).
    pub trace: crate::sim::TraceMode,
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
            replay_pure_handlers: true,
            trace: crate::sim::TraceMode::Keep,
        }
    }
}

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

/// A request to invoke a function. Its parts are shared (`Rc`), so a load run or a retry copies
/// a request without copying its payload.
#[derive(Debug, Clone, PartialEq)]
pub struct InvokeRequest {
    pub function: Rc<str>,
    pub payload: Rc<Value>,
    pub mode: Mode,
    /// Who invoked: `cli`, `load`, `s3:<bucket>`, `schedule:<rule>`, `function:<name>`.
    pub source: Rc<str>,
    pub attempt: u32,
    pub request_id: Option<RequestId>,
    pub first_arrival: Option<SimTime>,
}

impl InvokeRequest {
    pub fn new(function: &str, payload: Value, mode: Mode, source: &str) -> Self {
        InvokeRequest {
            function: function.into(),
            payload: Rc::new(payload),
            mode,
            source: source.into(),
            attempt: 1,
            request_id: None,
            first_arrival: None,
        }
    }
}

/// What a running invocation leaves for its finish (see [`Finishes`]): the numbers every run
/// needs, and the rest only for an invocation that is not a plain warm success. Kept in the
/// finish queue's entry rather than boxed in an event, so a load run allocates nothing per
/// invocation for it; and small, because the queue moves its entries on every insert and pop
/// (with the rest inline an entry was 144 bytes).
#[derive(Debug, Clone)]
struct Running {
    request_id: RequestId,
    started: SimTime,
    duration_us: u64,
    memory_mb: u32,
    mode: Mode,
    /// None for a warm start that succeeded, keeps no record and is not retried: its bill is
    /// its duration in whole milliseconds, and the environment goes back to idle.
    rest: Option<Box<Rest>>,
}

impl Running {
    /// A replayed plain success that starts at `now` (the steady path and the steady loop).
    /// The handler's seed, the overhead and the memory used are drawn, in that order, as the
    /// general path draws them, so the RNG's stream is the same; a replay reads neither the seed
    /// nor the memory, and no record is kept.
    #[inline(always)]
    fn replayed(
        rng: &mut Rng,
        elapsed_us: u64,
        request_id: RequestId,
        now: SimTime,
        memory_mb: u32,
        mode: Mode,
    ) -> Running {
        let _seed = rng.next_u64();
        let duration_us = elapsed_us + 300 + rng.below(1200);
        let _max_memory_mb = rng.below(8);
        Running {
            request_id,
            started: now,
            duration_us,
            memory_mb,
            mode,
            rest: None,
        }
    }
}

/// The rest of a running invocation that is not a plain warm success (see [`Running::rest`]).
#[derive(Debug, Clone)]
struct Rest {
    billed_ms: u64,
    init_us: Option<u64>,
    ending: Ending,
    record: Option<InvocationRecord>,
    retry: Option<Box<InvokeRequest>>,
    /// Why the environment must be reset, if it must.
    reset: Option<ResetCause>,
}

#[derive(Debug, Clone)]
pub enum Event {
    Invoke(Box<InvokeRequest>),
    /// An idle deadline may be due: reclaim every environment idle past its deadline.
    ReclaimDue,
    /// Boxed, like every large variant, so a queue entry stays small (the queue moves entries
    /// around on every push and pop).
    S3Put(Box<S3PutEvent>),
    ScheduleFire {
        f: FunctionId,
        rule: u32,
    },
    Arrival {
        load: u32,
    },
}

impl Event {
    /// A PutObject made from outside any function (a page's Put button), by `by`.
    pub fn s3_put(bucket: &str, key: &str, body: &str, by: &str) -> Event {
        Event::S3Put(Box::new(S3PutEvent {
            bucket: bucket.into(),
            key: key.into(),
            body: body.into(),
            by: by.into(),
        }))
    }
}

/// A simulated PutObject, applied at its moment inside the invocation that made it.
#[derive(Debug, Clone)]
pub struct S3PutEvent {
    bucket: String,
    key: String,
    body: String,
    by: String,
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
    pub request_id: RequestId,
    pub function: String,
    pub source: String,
    pub mode: Mode,
    pub attempt: u32,
    pub arrived: SimTime,
    pub ended: SimTime,
    pub start: Option<StartKind>,
    pub env: Option<EnvId>,
    pub init_us: Option<u64>,
    pub duration_us: u64,
    pub billed_ms: u64,
    pub memory_mb: u32,
    pub max_memory_mb: u64,
    pub outcome: Outcome,
    pub logs: Vec<String>,
    /// The SDK calls the handler made, each with IAM's decision (not serialised, so reports
    /// stay as they were).
    #[serde(skip)]
    pub calls: Vec<SdkCall>,
}

/// One AWS call a handler made and how the execution role decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SdkCall {
    /// `s3:PutObject`, `lambda:InvokeFunction`, …
    pub action: String,
    pub resource: String,
    pub allowed: bool,
    /// The deciding statement as a phrase: `statement 1 (Sid "AllowPut") of policy 1 allows it`,
    /// or `no statement allows it (implicit deny)`.
    pub decided_by: String,
}

impl SdkCall {
    pub fn new(action: &str, resource: &str, eval: &crate::iam::Evaluation) -> SdkCall {
        SdkCall {
            action: action.to_string(),
            resource: resource.to_string(),
            allowed: eval.allowed(),
            decided_by: decided_by(eval),
        }
    }
}

/// How a page says which statement decided an IAM evaluation.
pub fn decided_by(eval: &crate::iam::Evaluation) -> String {
    use crate::iam::Decision;
    match (&eval.decided_by, eval.decision) {
        (Some(s), d) => {
            let sid = s
                .sid
                .as_ref()
                .map(|sid| format!(" (Sid \"{sid}\")"))
                .unwrap_or_default();
            let verb = if d == Decision::Allow {
                "allows it"
            } else {
                "denies it explicitly"
            };
            format!(
                "statement {}{sid} of policy {} {verb}",
                s.statement + 1,
                s.policy + 1
            )
        }
        (None, _) => "no statement allows it (implicit deny)".to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EnvPhase {
    Busy,
    Idle,
    Gone,
}

/// An execution environment. Laid out so that what a replayed invocation reads and writes (the
/// phase, version, times and memo: 64 bytes) is one cache line, and the script's state and the
/// log stream the other: a load cycles through its environments, and the profile put a tenth of
/// the steady loop on the miss of a second line per environment.
#[repr(C, align(64))]
struct Env {
    phase: EnvPhase,
    /// The function version it was created for; other versions never reuse it.
    version: u32,
    since: SimTime,
    /// When an idle environment is reclaimed unless it is used before.
    deadline: SimTime,
    /// The last handler run on this environment, when it was pure: replayed for the same event.
    memo: Option<Memo>,
    state: EnvState,
    stream: logs::StreamName,
}

const _: () = assert!(
    std::mem::offset_of!(Env, state) <= 64,
    "the hot fields fit one cache line"
);

#[derive(Clone)]
struct Memo {
    payload: Rc<Value>,
    outcome: Rc<PhaseOutcome>,
    /// The outcome's numbers when it is a plain success (no side effects, no denials): all a
    /// replay needs when no record is kept. Kept here, in the environment, because the outcome
    /// is an allocation of its own per environment and cold by the time the environment is used
    /// again; the profile put a fifth of `invoke` on that one read.
    plain: Option<Plain>,
}

#[derive(Debug, Clone, Copy)]
struct Plain {
    elapsed_us: u64,
    max_memory_mb: u64,
}

impl Memo {
    fn new(payload: Rc<Value>, outcome: Rc<PhaseOutcome>) -> Memo {
        let plain = (outcome.result.is_ok() && outcome.effects.is_empty() && outcome.denials.is_empty())
            .then_some(Plain {
                elapsed_us: outcome.elapsed_us,
                max_memory_mb: outcome.max_memory_mb,
            });
        Memo {
            payload,
            outcome,
            plain,
        }
    }
}

/// The handler phase of one invocation: its outcome, or, for a replayed plain success when no
/// record is kept, only the numbers of it (a plain success has no logs the run keeps, no effects
/// and no denials, so the outcome would be read for nothing else).
enum Phase {
    Full(Rc<PhaseOutcome>),
    Plain(Plain),
}

struct Function {
    name: Rc<str>,
    config: FunctionConfig,
    program: Result<Program, Failure>,
    envs: Vec<Env>,
    busy: u32,
    tokens: f64,
    tokens_at: SimTime,
    schedules: Vec<schedule::Schedule>,
    /// Idle environment ids, most recently freed last (may hold reclaimed ones, skipped lazily).
    idle: IdleStack,
    /// Environments gone after idling, and after a failure: the reasons a cold start cites.
    reclaimed: u32,
    reset: u32,
    /// The function's version: 1, then one more at each [`Account::update_function`].
    version: u32,
    /// Environments created for the current version.
    version_envs: u32,
    /// The current version's Init, once it ran pure: new environments start from it.
    pure_start: Option<PureStart>,
}

/// A pure Init ([`PhaseOutcome::replayable`]) of the function's current version (a new version
/// drops it), which every later cold start of that version copies instead of running the
/// script's top level again. Init's outcome is a function of the script, the configuration and
/// nothing else, so each environment would compute the same time and state; this widens the
/// replay of [`Memo`] (an environment's pure handler run) from one environment to the version's
/// new ones, and `replay_pure_handlers` switches both.
struct PureStart {
    init_elapsed_us: u64,
    state: EnvState,
    /// A pure handler run on an environment fresh from this Init: every new environment starts
    /// with it as its memo, since it is in the same state.
    memo: Option<Memo>,
}

/// A load being run: the request its arrivals send (shared, so an arrival copies nothing) and its
/// function, once found (functions are never removed, so it is looked up by name once).
struct LoadRun {
    load: Load,
    req: Rc<InvokeRequest>,
    function: Option<FunctionId>,
    /// The key of its next arrival, once the first has come: kept by the account, like the
    /// finishes (see [`Account::handle_own_run`]).
    next: Option<EventKey>,
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
    loads: Vec<LoadRun>,
    /// Invocations running, each to end at its key: the account's own queue (see
    /// [`Model::own_next`]).
    finishes: Finishes,
    /// The earliest of the loads' next arrivals (`LoadRun::next`) and its load.
    next_arrival: Option<(EventKey, u32)>,
    /// Runs of own events are handled in one call ([`Account::handle_own_run`]); off only to
    /// test it against the engine's event-by-event path.
    batch: bool,
    /// Own events handled after the first of their run (for tests: the runs must not be
    /// vacuous).
    batched: u64,
    /// The earliest pending `ReclaimDue` event. It is never later than the earliest idle
    /// deadline, so every reclaim happens exactly at its deadline; it may be earlier (the
    /// environment it was armed for was used again), and then the check finds nothing due.
    next_check: Option<SimTime>,
    /// Counts every time an environment becomes idle or stops being idle other than by a
    /// reclaim check: the checks' agenda is valid only while it stays as the agenda found it.
    idle_changes: u64,
    /// What the last full reclaim check left for later: the idle environments whose deadline
    /// had not come, as (deadline, function, environment), sorted when first used, earliest
    /// last. While no environment has become idle or busy since (`agenda_at` is `idle_changes`),
    /// the next check reads its due environments off the end instead of scanning every idle
    /// stack. After a load's last arrival only reclaims happen, so each costs O(1) where the
    /// scan made the run's tail quadratic in the number of environments.
    agenda: Vec<(SimTime, u32, EnvId)>,
    agenda_at: Option<u64>,
    agenda_sorted: bool,
    /// The agenda is used; off only to test it against the full scan.
    use_agenda: bool,
    busy_total: u32,
    /// Some function reserves concurrency (else the unreserved pool is the whole account's).
    any_reserved: bool,
    /// Loads take the steady path ([`Account::invoke_replayed`]) where it applies; off only to
    /// test it against the general path.
    steady: bool,
    /// Invocations the steady path took (for tests: it must not be vacuous).
    steady_taken: u64,
    /// Finished invocations (records may be dropped when `keep_records` is off).
    pub finished: u64,
    pub throttled: u64,
    pub cold_starts: u64,
    /// Handler phases the script engine actually ran; the other invocations replayed a pure run
    /// (`AccountConfig::replay_pure_handlers`) or failed in Init.
    pub handler_runs: u64,
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
            finishes: Finishes::default(),
            next_arrival: None,
            batch: true,
            batched: 0,
            next_check: None,
            idle_changes: 0,
            agenda: Vec::new(),
            agenda_at: None,
            agenda_sorted: false,
            use_agenda: true,
            busy_total: 0,
            any_reserved: false,
            steady: true,
            steady_taken: 0,
            finished: 0,
            throttled: 0,
            cold_starts: 0,
            handler_runs: 0,
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
        self.metrics.add_function(id, &config.name);
        self.functions.push(Function {
            name: config.name.as_str().into(),
            tokens: f64::from(self.config.scaling_per_10s),
            tokens_at: SimTime::ZERO,
            config,
            program,
            envs: Vec::new(),
            busy: 0,
            schedules,
            idle: IdleStack::default(),
            reclaimed: 0,
            reset: 0,
            version: 1,
            version_envs: 0,
            pure_start: None,
        });
        self.note_reservations();
        id
    }

    /// Publishes a new configuration (code or settings) of an existing function: a new version.
    /// Idle environments of the old version are dropped, busy ones are dropped when they finish,
    /// so the next request starts cold with [`ColdCause::NewVersion`]. Triggers added with
    /// [`Account::add_s3_trigger`] are kept. Returns the new version number.
    pub fn update_function(&mut self, fid: FunctionId, mut config: FunctionConfig) -> u32 {
        let program = Program::compile(
            &config,
            self.s3.clone(),
            &self.config.account_id,
            &self.config.region,
        );
        let f = &mut self.functions[fid.0 as usize];
        for t in &f.config.triggers.s3 {
            if !config.triggers.s3.contains(t) {
                config.triggers.s3.push(t.clone());
            }
        }
        for t in &config.triggers.s3 {
            self.s3.borrow_mut().create_bucket(&t.bucket);
        }
        f.schedules = config
            .triggers
            .schedule
            .iter()
            .filter_map(|s| schedule::Schedule::parse(&s.expression).ok())
            .collect();
        f.config = config;
        f.program = program;
        for env in &mut f.envs {
            if env.phase == EnvPhase::Idle {
                env.phase = EnvPhase::Gone;
                env.memo = None;
                env.state = EnvState::default();
            }
        }
        f.idle.clear();
        self.idle_changes += 1;
        f.version += 1;
        f.version_envs = 0;
        f.pure_start = None;
        let version = f.version;
        self.note_reservations();
        version
    }

    /// Switches the steady path of loads ([`Account::invoke_replayed`]) on or off, to compare
    /// it with the general path.
    #[cfg(test)]
    pub(crate) fn set_steady(&mut self, on: bool) {
        self.steady = on;
    }
    /// How many invocations took the steady path.
    #[cfg(test)]
    pub(crate) fn steady_taken(&self) -> u64 {
        self.steady_taken
    }
    /// Switches runs of own events ([`Account::handle_own_run`]) on or off: off, the engine
    /// hands the account its arrivals and finishes one step at a time.
    #[cfg(test)]
    pub(crate) fn set_batch(&mut self, on: bool) {
        self.batch = on;
    }
    /// Switches the reclaim checks' agenda on or off: off, every check scans the idle stacks.
    #[cfg(test)]
    pub(crate) fn set_agenda(&mut self, on: bool) {
        self.use_agenda = on;
    }
    /// How many own events were handled inside a run, after its first.
    #[cfg(test)]
    pub(crate) fn batched(&self) -> u64 {
        self.batched
    }

    /// The function's current version (1 until it is updated).
    pub fn function_version(&self, fid: FunctionId) -> u32 {
        self.functions[fid.0 as usize].version
    }

    /// Subscribes the function to `ObjectCreated` notifications of a bucket (creating the
    /// bucket), as S3's notification configuration does: the function itself is not changed.
    pub fn add_s3_trigger(&mut self, fid: FunctionId, trigger: super::config::S3Trigger) {
        self.s3.borrow_mut().create_bucket(&trigger.bucket);
        let triggers = &mut self.functions[fid.0 as usize].config.triggers.s3;
        if !triggers.contains(&trigger) {
            triggers.push(trigger);
        }
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
    /// The records of one request: one per attempt (asynchronous retries share the request id).
    pub fn records_of(&self, request: RequestId) -> impl Iterator<Item = &InvocationRecord> {
        self.records.iter().filter(move |r| r.request_id == request)
    }
    pub fn log_group(&self, function: &str) -> &[(i64, String, String)] {
        self.log_groups
            .get(&format!("/aws/lambda/{function}"))
            .map_or(&[], |v| v.as_slice())
    }
    pub fn add_load(&mut self, load: Load) -> u32 {
        let req = Rc::new(InvokeRequest::new(
            &load.function,
            load.payload.clone(),
            Mode::Sync,
            "load",
        ));
        let function = self.function_id(&load.function);
        self.loads.push(LoadRun {
            load,
            req,
            function,
            next: None,
        });
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
                .saturating_sub(if self.any_reserved {
                    self.reserved_total()
                } else {
                    0
                }),
        }
    }
    fn reserved_total(&self) -> u32 {
        self.functions
            .iter()
            .filter_map(|f| f.config.reserved_concurrency)
            .sum()
    }
    fn unreserved_busy(&self) -> u32 {
        // With no reservation anywhere (the usual account), every busy environment is unreserved.
        if !self.any_reserved {
            return self.busy_total;
        }
        self.functions
            .iter()
            .filter(|f| f.config.reserved_concurrency.is_none())
            .map(|f| f.busy)
            .sum()
    }
    /// Notes whether any function reserves concurrency; called whenever a configuration changes.
    fn note_reservations(&mut self) {
        self.any_reserved = self
            .functions
            .iter()
            .any(|f| f.config.reserved_concurrency.is_some());
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

    /// One request reaches the function: admission, an environment, the handler, side effects.
    /// Each step is a method below; this one only threads their results.
    /// `fid` is the function `req` names, when the caller already knows it.
    fn invoke(&mut self, req: &InvokeRequest, fid: Option<FunctionId>, cx: &mut Cx<'_>) {
        let now = cx.now();
        let request_id = req.request_id.unwrap_or_else(|| RequestId::draw(cx.rng()));
        let arrived = req.first_arrival.unwrap_or(now);
        let Some(fid) = fid.or_else(|| self.function_id(&req.function)) else {
            let (region, account) = (&self.config.region, &self.config.account_id);
            cx.record_with(|| Record {
                function: Some(req.function.clone()),
                request: Some(request_id),
                event: TraceEvent::ResourceNotFound {
                    arn: format!("arn:aws:lambda:{region}:{account}:function:{}", req.function),
                },
            });
            return;
        };
        let idle = self.top_idle(fid);
        if let Err(throttle) = self.admit(fid, idle.is_some(), now) {
            self.throttle(fid, throttle, req, request_id, arrived, cx);
            return;
        }
        let start = self.acquire_env(fid, idle, request_id, cx);
        let run = self.run_handler(fid, &start, req, request_id, cx);
        let f = &self.functions[fid.0 as usize];
        let name = &f.name;
        let (memory_mb, timeout_s) = (f.config.memory_mb, f.config.timeout_s);
        // The full record with its CloudWatch lines costs string formatting; long load runs that
        // keep no records skip it.
        let record = self.config.keep_records.then(|| {
            let outcome = run
                .outcome
                .as_ref()
                .expect("a run that keeps records keeps its phase's outcome");
            let result = &outcome.result;
            let end_ms = clock::unix_millis(self.config.epoch_unix, run.end);
            let lines = logs::invocation_lines(&logs::InvocationLog {
                request_id,
                epoch_unix: self.config.epoch_unix,
                arrived: now,
                handler_start: run.handler_start,
                end: run.end,
                init_us: start.init_us,
                init_failed: run.init_failed,
                result,
                phase_logs: &outcome.logs,
                duration_us: run.duration_us,
                billed_ms: run.billed_ms,
                memory_mb,
                max_memory_mb: run.max_memory_mb,
                timeout_s,
            });
            InvocationRecord {
                request_id,
                function: name.to_string(),
                source: req.source.to_string(),
                mode: req.mode,
                attempt: req.attempt,
                arrived: now,
                ended: run.end,
                start: Some(start.kind),
                env: Some(start.env),
                init_us: start.init_us,
                duration_us: run.duration_us,
                billed_ms: run.billed_ms,
                memory_mb,
                max_memory_mb: run.max_memory_mb,
                outcome: outcome_of(result, request_id, end_ms, timeout_s),
                logs: lines,
                calls: outcome.calls.clone(),
            }
        });
        if let Some(outcome) = &run.outcome {
            self.schedule_effects(name, run.handler_start, &outcome.effects, cx);
        }
        let retry = (run.ending.is_error() && req.mode == Mode::Async && req.attempt < ASYNC_MAX_ATTEMPTS)
            .then(|| Box::new(next_attempt(req, request_id, arrived)));
        let key = cx.stamp(run.end);
        let plain = start.init_us.is_none()
            && run.ending == Ending::Succeeded
            && record.is_none()
            && retry.is_none()
            && run.reset.is_none();
        debug_assert!(
            !plain || run.billed_ms == run.duration_us.div_ceil(1000),
            "a plain finish bills its duration, as finish_plain assumes"
        );
        let rest = (!plain).then(|| {
            Box::new(Rest {
                billed_ms: run.billed_ms,
                init_us: start.init_us,
                ending: run.ending,
                record,
                retry,
                reset: run.reset,
            })
        });
        let version = self.functions[fid.0 as usize].envs[start.env.index()].version;
        self.finishes.insert(Finish {
            key,
            f: fid,
            env: start.env,
            version,
            running: Running {
                request_id,
                started: now,
                duration_us: run.duration_us,
                memory_mb,
                mode: req.mode,
                rest,
            },
        });
    }

    /// The steady state of a load run, nearly every one of its invocations: a warm start on an
    /// environment whose memo replays a plain success ([`Plain`]), no record kept, nothing
    /// reserved. For such a request it does what [`Account::invoke`] does, in the same order: the
    /// same draws (request id, handler seed, overhead, memory used), the same trace lines, the
    /// same counters, metrics and finish. It skips only what that case never reads: the general
    /// steps' `Start` and `Run`, the outcome, effects, records and retries (admission needs only
    /// the account's pool, since nothing is reserved and an environment is idle). Every check
    /// comes before the first draw; when one fails it returns false having changed nothing, and
    /// the general path takes the request. A property test runs loads both ways.
    fn invoke_replayed(&mut self, load: u32, fid: Option<FunctionId>, cx: &mut Cx<'_>) -> bool {
        let Some(fid) = fid else {
            return false;
        };
        let req = &self.loads[load as usize].req;
        if self.config.keep_records
            || !self.config.replay_pure_handlers
            || self.any_reserved
            || !self.steady
            || req.request_id.is_some()
            || req.first_arrival.is_some()
            || self.busy_total >= self.config.concurrency_limit
        {
            return false;
        }
        let (payload, mode) = (Rc::as_ptr(&req.payload), req.mode);
        let Some((env, idle_since)) = self.top_idle(fid) else {
            return false;
        };
        let f = &self.functions[fid.0 as usize];
        let plain = match &f.envs[env.index()].memo {
            Some(Memo {
                payload: memo_payload,
                plain: Some(plain),
                ..
            }) if std::ptr::eq(Rc::as_ptr(memo_payload), payload) => *plain,
            _ => return false,
        };
        let memory_mb = f.config.memory_mb;
        let now = cx.now();
        let request_id = RequestId::draw(cx.rng());
        self.take_idle(fid, env, idle_since, request_id, cx);
        let running = Running::replayed(cx.rng(), plain.elapsed_us, request_id, now, memory_mb, mode);
        let end = now + SimDuration::from_micros(running.duration_us);
        let version = self.functions[fid.0 as usize].envs[env.index()].version;
        self.finishes.insert(Finish {
            key: cx.stamp(end),
            f: fid,
            env,
            version,
            running,
        });
        self.steady_taken += 1;
        true
    }

    /// The most recently freed idle environment of `fid` and since when it is idle. The stack's
    /// top is the most recently freed environment; reclaimed ones are dropped lazily when they
    /// surface, so the lookup is O(1) however many environments exist.
    fn top_idle(&mut self, fid: FunctionId) -> Option<(EnvId, SimTime)> {
        let f = &mut self.functions[fid.0 as usize];
        loop {
            match f.idle.last() {
                Some(&id) if f.envs[id.index()].phase != EnvPhase::Idle => {
                    f.idle.pop();
                }
                Some(&id) => break Some((id, f.envs[id.index()].since)),
                None => break None,
            }
        }
    }

    /// Admission: the concurrency limit that applies (the function's reservation or the
    /// unreserved pool), then, when no environment is idle, the scaling rate for new ones. Takes
    /// a scaling token when a new environment will be created.
    fn admit(&mut self, fid: FunctionId, has_idle: bool, now: SimTime) -> Result<(), Throttle> {
        let (busy_fn, reserved) = {
            let f = &self.functions[fid.0 as usize];
            (f.busy, f.config.reserved_concurrency)
        };
        match reserved {
            Some(0) => return Err(Throttle::ReservedOff),
            Some(r) if busy_fn >= r => {
                return Err(Throttle::Reserved {
                    reserved: r,
                    busy: busy_fn,
                });
            }
            Some(_) => {}
            None => {
                let pool = self.concurrency_cap(fid);
                let busy = self.unreserved_busy();
                if busy >= pool {
                    return Err(Throttle::Account {
                        limit: self.config.concurrency_limit,
                        busy,
                        pool,
                    });
                }
            }
        }
        if has_idle {
            return Ok(());
        }
        let per10 = f64::from(self.config.scaling_per_10s);
        let f = &mut self.functions[fid.0 as usize];
        let refill = now.since(f.tokens_at).as_micros() as f64 / 10_000_000.0 * per10;
        f.tokens = (f.tokens + refill).min(per10);
        f.tokens_at = now;
        if f.tokens < 1.0 {
            return Err(Throttle::Scaling {
                per_10s: self.config.scaling_per_10s,
            });
        }
        f.tokens -= 1.0;
        Ok(())
    }

    /// A throttled request: counted, traced, queued again when it is asynchronous and young
    /// enough, and recorded with AWS's 429 body.
    fn throttle(
        &mut self,
        fid: FunctionId,
        cause: Throttle,
        req: &InvokeRequest,
        request_id: RequestId,
        arrived: SimTime,
        cx: &mut Cx<'_>,
    ) {
        let now = cx.now();
        self.throttled += 1;
        self.metrics.throttle(fid, now);
        let name = &self.functions[fid.0 as usize].name;
        let rec = |event| Record {
            function: Some(name.clone()),
            request: Some(request_id),
            event,
        };
        cx.record_with(|| rec(TraceEvent::Throttled { cause }));
        let waited = now.since(arrived);
        if req.mode == Mode::Async && waited < ASYNC_THROTTLE_RETRY_WINDOW {
            // Lambda keeps throttled events in its queue and retries them with backoff.
            let n = req.attempt.min(9);
            let delay = SimDuration::from_secs((1u64 << n).min(300));
            cx.record_with(|| {
                rec(TraceEvent::RetryScheduled {
                    attempt: req.attempt + 1,
                    delay,
                    cause: RetryCause::Throttled {
                        waited,
                        window: ASYNC_THROTTLE_RETRY_WINDOW,
                    },
                })
            });
            cx.schedule(
                delay,
                Event::Invoke(Box::new(next_attempt(req, request_id, arrived))),
            );
        }
        if self.config.keep_records {
            let body = json!({"errorType": "TooManyRequestsException", "errorMessage": "Rate Exceeded.", "Reason": cause.reason_code(), "Type": "User", "statusCode": 429});
            self.records.push(InvocationRecord {
                request_id,
                function: name.to_string(),
                source: req.source.to_string(),
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
                calls: Vec::new(),
            });
        }
    }

    /// Takes the idle environment, or creates one (a cold start, whose Init phase runs now), and
    /// marks it busy.
    fn acquire_env(
        &mut self,
        fid: FunctionId,
        idle: Option<(EnvId, SimTime)>,
        request_id: RequestId,
        cx: &mut Cx<'_>,
    ) -> Start {
        let now = cx.now();
        let epoch = self.config.epoch_unix;
        if let Some((env, idle_since)) = idle {
            self.take_idle(fid, env, idle_since, request_id, cx);
            return Start {
                env,
                kind: StartKind::Warm,
                init_us: None,
                init_failure: None,
            };
        }
        let f = &mut self.functions[fid.0 as usize];
        self.cold_starts += 1;
        let env = EnvId(f.envs.len() as u32 + 1);
        let stream = logs::StreamName::draw(clock::unix_millis(epoch, now), cx.rng());
        // Runtime start-up: ~150 ms for an interpreted runtime on x86_64 (±20%), arm64 about
        // 15% faster (maxday/lambda-perf), plus whatever the script's top level does.
        let base = match f.config.architecture {
            super::config::Architecture::X86_64 => 150_000.0,
            super::config::Architecture::Arm64 => 127_000.0,
        };
        let runtime_us = (base * (0.8 + 0.4 * cx.rng().unit_f64())) as u64;
        let replay = self.config.replay_pure_handlers;
        // Init's time, its error, the state it leaves and the memo the environment starts with.
        let (init_elapsed_us, init_error, state, memo) = match &f.program {
            Ok(p) => {
                // Drawn whether Init runs or is copied, so every later draw is the same.
                let seed = cx.rng().next_u64();
                match &f.pure_start {
                    Some(ps) if replay => (ps.init_elapsed_us, None, ps.state.clone(), ps.memo.clone()),
                    _ => {
                        let (o, s) = p.init(&PhaseInput {
                            request_id: &request_id.to_string(),
                            budget_us: 10_000_000,
                            seed,
                        });
                        if replay && o.replayable {
                            f.pure_start = Some(PureStart {
                                init_elapsed_us: o.elapsed_us,
                                state: s.clone(),
                                memo: None,
                            });
                        }
                        (o.elapsed_us, o.result.err(), s, None)
                    }
                }
            }
            Err(e) => (0, Some(e.clone()), EnvState::default(), None),
        };
        let init_us = runtime_us + init_elapsed_us;
        let cause = if f.envs.is_empty() {
            ColdCause::FirstRequest
        } else if f.version > 1 && f.version_envs == 0 {
            ColdCause::NewVersion { version: f.version }
        } else {
            ColdCause::NoIdle {
                busy: f.busy,
                reclaimed: f.reclaimed,
                reset: f.reset,
            }
        };
        let name = &f.name;
        cx.record_with(|| Record {
            function: Some(name.clone()),
            request: Some(request_id),
            event: TraceEvent::ColdStart {
                env,
                init: SimDuration::from_micros(init_us),
                cause,
            },
        });
        f.version_envs += 1;
        self.metrics.cold_start(fid, now);
        f.envs.push(Env {
            version: f.version,
            phase: EnvPhase::Busy,
            since: now,
            deadline: now,
            state,
            stream,
            memo,
        });
        self.mark_busy(fid, env, now);
        Start {
            env,
            kind: StartKind::Cold,
            init_us: Some(init_us),
            init_failure: init_error,
        }
    }

    /// A warm start: takes `env`, the top of the function's idle stack, and marks it busy.
    fn take_idle(
        &mut self,
        fid: FunctionId,
        env: EnvId,
        idle_since: SimTime,
        request_id: RequestId,
        cx: &mut Cx<'_>,
    ) {
        let f = &mut self.functions[fid.0 as usize];
        let name = &f.name;
        cx.record_with(|| Record {
            function: Some(name.clone()),
            request: Some(request_id),
            event: TraceEvent::WarmStart { env, idle_since },
        });
        let top = f.idle.pop();
        debug_assert_eq!(top, Some(env), "a warm start takes the top of the idle stack");
        self.mark_busy(fid, env, cx.now());
    }

    /// Marks an acquired environment busy and counts it in the concurrency metrics.
    #[inline]
    fn mark_busy(&mut self, fid: FunctionId, env: EnvId, now: SimTime) {
        let f = &mut self.functions[fid.0 as usize];
        f.envs[env.index()].phase = EnvPhase::Busy;
        f.busy += 1;
        self.busy_total += 1;
        self.idle_changes += 1;
        let fn_busy = f.busy;
        self.metrics.concurrency(fid, now, fn_busy);
    }

    /// Runs the handler phase on the acquired environment, or replays it when this environment
    /// already ran this event purely; then draws the numbers of the invocation (duration, memory,
    /// billing) and decides how it ends.
    fn run_handler(
        &mut self,
        fid: FunctionId,
        start: &Start,
        req: &InvokeRequest,
        request_id: RequestId,
        cx: &mut Cx<'_>,
    ) -> Run {
        let now = cx.now();
        let replay = self.config.replay_pure_handlers;
        let keep_records = self.config.keep_records;
        let f = &mut self.functions[fid.0 as usize];
        let handler_start = now + SimDuration::from_micros(start.init_us.unwrap_or(0));
        let (memory_mb, timeout_s) = (f.config.memory_mb, f.config.timeout_s);
        let budget_us = u64::from(timeout_s) * 1_000_000;
        let seed = cx.rng().next_u64();

        let phase = match &start.init_failure {
            // Init failed: the handler never runs, and the invocation reports Init's error.
            Some(failure) => Phase::Full(Rc::new(PhaseOutcome {
                result: Err(failure.clone()),
                elapsed_us: 0,
                logs: Vec::new(),
                effects: Vec::new(),
                max_memory_mb: super::script::RUNTIME_BASELINE_MB,
                denials: Vec::new(),
                calls: Vec::new(),
                operations: 0,
                replayable: false,
            })),
            None => {
                let env = &mut f.envs[start.env.index()];
                match &env.memo {
                    Some(m)
                        if replay && (Rc::ptr_eq(&m.payload, &req.payload) || m.payload == req.payload) =>
                    {
                        match m.plain {
                            Some(plain) if !keep_records => Phase::Plain(plain),
                            _ => Phase::Full(m.outcome.clone()),
                        }
                    }
                    _ => {
                        self.handler_runs += 1;
                        let program = f
                            .program
                            .as_ref()
                            .expect("init succeeded, so the program compiled");
                        let o = Rc::new(program.invoke(
                            &mut env.state,
                            &req.payload,
                            &PhaseInput {
                                request_id: &request_id.to_string(),
                                budget_us,
                                seed,
                            },
                        ));
                        env.memo =
                            (replay && o.replayable).then(|| Memo::new(req.payload.clone(), o.clone()));
                        // Once the version has a pure start, every cold start copies it: a cold
                        // environment is then in its state, and its pure run holds for all of them.
                        if start.kind == StartKind::Cold
                            && let (Some(memo), Some(ps)) = (&env.memo, &mut f.pure_start)
                        {
                            ps.memo = Some(memo.clone());
                        }
                        Phase::Full(o)
                    }
                }
            }
        };
        // Duration = runtime overhead + the phase's own time.
        let overhead_us = 300 + cx.rng().below(1200);
        let name = &f.name;
        let (elapsed_us, baseline_mb, failure) = match &phase {
            Phase::Full(o) => (o.elapsed_us, o.max_memory_mb, o.result.as_ref().err()),
            Phase::Plain(p) => (p.elapsed_us, p.max_memory_mb, None),
        };
        let denials = match &phase {
            Phase::Full(o) => o.denials.as_slice(),
            Phase::Plain(_) => &[],
        };
        for (action, resource, decision) in denials {
            cx.record_with(|| Record {
                function: Some(name.clone()),
                request: Some(request_id),
                event: TraceEvent::AccessDenied {
                    action: action.clone(),
                    resource: resource.clone(),
                    decision: decision.clone(),
                },
            });
        }
        let duration_us = match failure {
            Some(Failure::Timeout) => budget_us + cx.rng().below(5_000),
            _ => elapsed_us + overhead_us,
        };
        let max_memory_mb = match failure {
            Some(Failure::OutOfMemory) => u64::from(memory_mb),
            _ => (baseline_mb + cx.rng().below(8)).min(u64::from(memory_mb)),
        };
        // Init is billed: a cold start's bill covers Init and the handler.
        let billed_ms = (duration_us + start.init_us.unwrap_or(0)).div_ceil(1000);
        let end = handler_start + SimDuration::from_micros(duration_us);
        let init_failed = start.init_us.is_some() && elapsed_us == 0;
        let (ending, reset) = match failure {
            None => (Ending::Succeeded, None),
            Some(Failure::Error { error_type, .. }) => (
                Ending::Failed {
                    error_type: error_type.clone(),
                },
                init_failed.then_some(ResetCause::InitFailed),
            ),
            Some(Failure::Timeout) => (
                Ending::TimedOut {
                    timeout: SimDuration::from_secs(u64::from(timeout_s)),
                },
                Some(ResetCause::TimedOut),
            ),
            Some(Failure::OutOfMemory) => (Ending::OutOfMemory, Some(ResetCause::OutOfMemory)),
        };
        Run {
            outcome: match phase {
                Phase::Full(o) => Some(o),
                Phase::Plain(_) => None,
            },
            handler_start,
            end,
            duration_us,
            billed_ms,
            max_memory_mb,
            init_failed,
            ending,
            reset,
        }
    }

    /// Side effects happen at their moment inside the invocation: S3 puts and asynchronous
    /// invocations of other functions.
    fn schedule_effects(
        &self,
        name: &str,
        handler_start: SimTime,
        effects: &[(u64, Effect)],
        cx: &mut Cx<'_>,
    ) {
        for (off, effect) in effects {
            let at = handler_start + SimDuration::from_micros(*off);
            match effect {
                Effect::S3Put { bucket, key, body } => {
                    cx.schedule_at(
                        at,
                        Event::S3Put(Box::new(S3PutEvent {
                            bucket: bucket.clone(),
                            key: key.clone(),
                            body: body.clone(),
                            by: name.to_string(),
                        })),
                    );
                }
                Effect::InvokeAsync { function, payload } => {
                    let r = InvokeRequest::new(
                        function,
                        payload.clone(),
                        Mode::Async,
                        &format!("function:{name}"),
                    );
                    cx.schedule_at(at, Event::Invoke(Box::new(r)));
                }
            }
        }
    }

    /// An invocation ends: the trace line, the environment back to idle (or gone), a retry or
    /// discard of a failed asynchronous one, metrics, billing and the record.
    fn finish(&mut self, fid: FunctionId, env_id: EnvId, running: Running, cx: &mut Cx<'_>) {
        let Running {
            request_id,
            started,
            duration_us,
            memory_mb,
            mode,
            rest,
        } = running;
        let Some(rest) = rest else {
            self.finish_plain(fid, env_id, request_id, started, duration_us, memory_mb, cx);
            return;
        };
        let now = cx.now();
        let Rest {
            billed_ms,
            init_us,
            ending,
            record,
            retry,
            reset,
        } = *rest;
        let name = self.functions[fid.0 as usize].name.clone();
        let rec = |event| Record {
            function: Some(name.clone()),
            request: Some(request_id),
            event,
        };
        let is_error = ending.is_error();
        let timed_out = matches!(ending, Ending::TimedOut { .. });
        cx.record_with(|| {
            rec(TraceEvent::Ended {
                env: env_id,
                ending,
                duration: SimDuration::from_micros(duration_us),
                billed_ms,
                init: init_us.map(SimDuration::from_micros),
                memory_mb,
            })
        });
        let f = &mut self.functions[fid.0 as usize];
        f.busy -= 1;
        self.busy_total -= 1;
        match reset {
            Some(cause) => {
                let env = &mut f.envs[env_id.index()];
                env.phase = EnvPhase::Gone;
                env.memo = None;
                f.reset += 1;
                cx.record_with(|| Record {
                    function: Some(name.clone()),
                    request: None,
                    event: TraceEvent::EnvironmentReset { env: env_id, cause },
                });
            }
            None => self.back_to_idle(fid, env_id, now, cx),
        }
        if let Some(again) = retry {
            let delay = if again.attempt == 2 {
                SimDuration::from_mins(1)
            } else {
                SimDuration::from_mins(2)
            };
            cx.record_with(|| {
                rec(TraceEvent::RetryScheduled {
                    attempt: again.attempt,
                    delay,
                    cause: RetryCause::FunctionError {
                        max_attempts: ASYNC_MAX_ATTEMPTS,
                    },
                })
            });
            cx.schedule(delay, Event::Invoke(again));
        } else if mode == Mode::Async && is_error {
            cx.record_with(|| {
                rec(TraceEvent::AsyncDiscarded {
                    attempts: ASYNC_MAX_ATTEMPTS,
                })
            });
        }
        self.metrics.finish(fid, started, is_error, duration_us);
        if timed_out {
            self.metrics.timeout(fid, started);
        }
        self.billing.add(
            memory_mb,
            billed_ms,
            self.functions[fid.0 as usize].config.architecture,
        );
        self.finished += 1;
        if let Some(record) = record {
            let stream = self.functions[fid.0 as usize].envs[env_id.index()]
                .stream
                .to_string();
            let base_ms = self.unix_ms(record.ended);
            let lines = self.log_groups.entry(format!("/aws/lambda/{name}")).or_default();
            for l in &record.logs {
                lines.push((base_ms, stream.clone(), l.clone()));
            }
            self.records.push(record);
        }
    }

    /// [`Account::finish`] of a plain warm success ([`Running::rest`] is None), nearly every
    /// invocation of a load: the same trace line, draw, counters, metrics and billing, without
    /// the general case's retries, resets and records.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn finish_plain(
        &mut self,
        fid: FunctionId,
        env_id: EnvId,
        request_id: RequestId,
        started: SimTime,
        duration_us: u64,
        memory_mb: u32,
        cx: &mut Cx<'_>,
    ) {
        let now = cx.now();
        let billed_ms = duration_us.div_ceil(1000);
        let f = &mut self.functions[fid.0 as usize];
        let name = &f.name;
        cx.record_with(|| plain_ended(name, request_id, env_id, duration_us, billed_ms, memory_mb));
        f.busy -= 1;
        self.busy_total -= 1;
        self.back_to_idle(fid, env_id, now, cx);
        let arch = self.functions[fid.0 as usize].config.architecture;
        self.metrics.finish(fid, started, false, duration_us);
        self.billing.add(memory_mb, billed_ms, arch);
        self.finished += 1;
    }

    /// An environment whose invocation ended without a reset goes back to the idle stack until a
    /// drawn deadline; one whose function was updated while it ran is never reused. (The steady
    /// loop, `steady_run`, does the same with the account's fields borrowed apart.)
    #[inline]
    fn back_to_idle(&mut self, fid: FunctionId, env_id: EnvId, now: SimTime, cx: &mut Cx<'_>) {
        let (idle_min, idle_max) = (self.config.idle_min, self.config.idle_max);
        let f = &mut self.functions[fid.0 as usize];
        let env = &mut f.envs[env_id.index()];
        if env.version != f.version {
            env.phase = EnvPhase::Gone;
            env.memo = None;
            return;
        }
        env.phase = EnvPhase::Idle;
        env.since = now;
        let span = idle_max.saturating_sub(idle_min).as_micros();
        let life = idle_min + SimDuration::from_micros(cx.rng().below(span + 1));
        env.deadline = now + life;
        f.idle.push(env_id);
        self.idle_changes += 1;
        self.arm_reclaim(now + life, cx);
    }

    /// Makes sure a `ReclaimDue` event fires at or before `deadline`.
    fn arm_reclaim(&mut self, deadline: SimTime, cx: &mut Cx<'_>) {
        if self.next_check.is_some_and(|t| t <= deadline) {
            return;
        }
        self.next_check = Some(deadline);
        cx.schedule_at(deadline, Event::ReclaimDue);
    }

    /// A PutObject reaches the simulated S3; every matching trigger schedules an asynchronous
    /// invocation, delivered within a second as S3 does.
    fn s3_put(&mut self, bucket: String, key: String, body: String, by: String, cx: &mut Cx<'_>) {
        let size = body.len();
        let (etag, sequencer) = {
            let mut s3 = self.s3.borrow_mut();
            let o = s3.put(&bucket, &key, body);
            (o.etag.clone(), o.sequencer)
        };
        cx.record_with(|| Record {
            function: None,
            request: None,
            event: TraceEvent::S3PutObject {
                bucket: bucket.clone(),
                key: key.clone(),
                size: size as u64,
                by,
            },
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
                    let name = &f.name;
                    cx.record_with(|| Record {
                        function: Some(name.clone()),
                        request: None,
                        event: TraceEvent::S3Notification {
                            bucket: bucket.clone(),
                            key: key.clone(),
                            prefix: t.prefix.clone(),
                            suffix: t.suffix.clone(),
                        },
                    });
                    // S3 delivers notifications asynchronously, typically within a second.
                    let delay = SimDuration::from_millis(50 + cx.rng().below(250));
                    cx.schedule(
                        delay,
                        Event::Invoke(Box::new(InvokeRequest::new(
                            name,
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
        let name = f.name.clone();
        cx.record_with(|| Record {
            function: Some(name.clone()),
            request: None,
            event: TraceEvent::ScheduleFired {
                rule: rule_name.clone(),
                expression: s.expression().to_string(),
            },
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

    /// Reclaims every environment whose idle deadline has come (in deadline order), drops
    /// reclaimed ones from the idle stacks, then arms the check for the next deadline.
    fn reclaim_due(&mut self, cx: &mut Cx<'_>) {
        let now = cx.now();
        if self.next_check == Some(now) {
            self.next_check = None;
        }
        let mut due = Vec::new();
        let mut next: Option<SimTime> = None;
        if self.use_agenda && self.agenda_at == Some(self.idle_changes) {
            // Nothing became idle or busy since the last check: its agenda holds exactly the
            // idle environments, with the deadlines they still have.
            if !self.agenda_sorted {
                self.agenda.sort_unstable_by(|a, b| b.cmp(a));
                self.agenda_sorted = true;
            }
            while let Some(&(deadline, fi, id)) = self.agenda.last() {
                if deadline > now {
                    next = Some(deadline);
                    break;
                }
                due.push((deadline, fi, id));
                self.agenda.pop();
            }
        } else {
            let agenda = &mut self.agenda;
            agenda.clear();
            for (fi, f) in self.functions.iter_mut().enumerate() {
                let envs = &f.envs;
                f.idle.retain(|&id| {
                    let env = &envs[id.index()];
                    if env.phase != EnvPhase::Idle {
                        return false;
                    }
                    if env.deadline <= now {
                        due.push((env.deadline, fi as u32, id));
                    } else {
                        next = Some(next.map_or(env.deadline, |n: SimTime| n.min(env.deadline)));
                        agenda.push((env.deadline, fi as u32, id));
                    }
                    true
                });
            }
            self.agenda_at = Some(self.idle_changes);
            self.agenda_sorted = false;
        }
        due.sort_unstable();
        for (_, fi, env_id) in due {
            let f = &mut self.functions[fi as usize];
            let env = &mut f.envs[env_id.index()];
            env.phase = EnvPhase::Gone;
            env.memo = None;
            env.state = EnvState::default();
            let idle_for = now.since(env.since);
            f.reclaimed += 1;
            let name = &f.name;
            cx.record_with(|| Record {
                function: Some(name.clone()),
                request: None,
                event: TraceEvent::Reclaimed {
                    env: env_id,
                    idle_for,
                },
            });
        }
        if let Some(next) = next {
            self.arm_reclaim(next, cx);
        }
    }

    fn arrival(&mut self, load: u32, cx: &mut Cx<'_>) {
        let run = &mut self.loads[load as usize];
        if run.function.is_none() {
            run.function = self.by_name.get(&run.load.function).copied();
        }
        let (l, function) = (&run.load, run.function);
        // Jittered arrivals: gaps uniform on [0, 2/rps], so the mean rate is rps. Uniform rather
        // than exponential because `ln` is not bit-identical across targets.
        let mean_us = 1_000_000.0 / l.rps.max(1e-9);
        let gap = SimDuration::from_micros((mean_us * 2.0 * cx.rng().unit_f64()) as u64);
        let until = l.until;
        if !self.invoke_replayed(load, function, cx) {
            let req = self.loads[load as usize].req.clone();
            self.invoke(&req, function, cx);
        }
        // The next arrival is stamped as `Context::schedule` would have queued it, after the
        // invocation's finish, and kept by the account.
        let next = (cx.now() + gap < until).then(|| cx.stamp(cx.now() + gap));
        self.loads[load as usize].next = next;
        self.next_arrival = match (self.loads.len(), next) {
            (1, next) => next.map(|key| (key, load)),
            _ => self
                .loads
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.next.map(|key| (key, i as u32)))
                .min(),
        };
    }

    /// The account's next own event: a finish (false) or a load's arrival (true).
    #[inline]
    fn next_own(&self) -> Option<(EventKey, bool)> {
        let finish = self.finishes.front().map(|f| f.key);
        match (finish, self.next_arrival) {
            (Some(f), Some((a, _))) => Some(if a < f { (a, true) } else { (f, false) }),
            (Some(f), None) => Some((f, false)),
            (None, Some((a, _))) => Some((a, true)),
            (None, None) => None,
        }
    }

    /// Handles the own event `next_own` named: the finish at the front, or the arrival.
    #[inline]
    fn handle_next_own(&mut self, arrival: bool, cx: &mut Cx<'_>) {
        if arrival {
            let (_, load) = self.next_arrival.expect("next_own named an arrival");
            self.loads[load as usize].next = None;
            self.arrival(load, cx);
        } else {
            let Finish {
                f,
                env,
                version,
                running,
                ..
            } = self.finishes.pop_front().expect("next_own named a finish");
            debug_assert_eq!(
                version,
                self.functions[f.0 as usize].envs[env.index()].version,
                "a finish carries its environment's version, which never changes"
            );
            self.finish(f, env, running, cx);
        }
    }
}

/// The next attempt of a request: the same request id and first arrival, one attempt more.
fn next_attempt(req: &InvokeRequest, request_id: RequestId, arrived: SimTime) -> InvokeRequest {
    InvokeRequest {
        attempt: req.attempt + 1,
        request_id: Some(request_id),
        first_arrival: Some(arrived),
        ..req.clone()
    }
}

/// The environment an invocation runs on.
struct Start {
    env: EnvId,
    kind: StartKind,
    /// The Init phase's duration, on a cold start.
    init_us: Option<u64>,
    /// Why Init failed, if it did: the handler then never runs.
    init_failure: Option<Failure>,
}

/// What the handler phase produced and the numbers drawn for the invocation.
struct Run {
    /// The handler's run (or its replay); for a failed Init, Init's error with no logs or effects.
    /// None for a replayed plain success when no record is kept ([`Phase::Plain`]).
    outcome: Option<Rc<PhaseOutcome>>,
    handler_start: SimTime,
    end: SimTime,
    duration_us: u64,
    billed_ms: u64,
    max_memory_mb: u64,
    /// A cold start whose Init failed (its error is logged as an uncaught exception).
    init_failed: bool,
    ending: Ending,
    reset: Option<ResetCause>,
}

/// What the caller gets: the handler's value, or the error payload in AWS's shape.
fn outcome_of(
    result: &Result<Value, Failure>,
    request_id: RequestId,
    end_ms: i64,
    timeout_s: u32,
) -> Outcome {
    match result {
        Ok(v) => Outcome::Success(v.clone()),
        Err(Failure::Error {
            error_type,
            message,
            trace,
        }) => Outcome::Error(json!({"errorType": error_type, "errorMessage": message, "trace": trace})),
        Err(Failure::Timeout) => Outcome::Error(json!({
            "errorType": "Sandbox.Timedout",
            "errorMessage": logs::timeout_line(end_ms, &request_id.to_string(), timeout_s),
        })),
        Err(Failure::OutOfMemory) => Outcome::Error(json!({
            "errorType": "Runtime.ExitError",
            "errorMessage": logs::killed_line(&request_id.to_string()),
        })),
    }
}

pub type Cx<'a> = Context<'a, Event, Record>;

// The queue moves events on every push and pop: keep them two words.
const _: () = assert!(std::mem::size_of::<Event>() <= 16);

impl Model for Account {
    type Event = Event;
    type Record = Record;

    fn handle(&mut self, event: Event, cx: &mut Cx<'_>) {
        match event {
            Event::Invoke(req) => self.invoke(&req, None, cx),
            Event::ReclaimDue => self.reclaim_due(cx),
            Event::S3Put(p) => {
                let S3PutEvent {
                    bucket,
                    key,
                    body,
                    by,
                } = *p;
                self.s3_put(bucket, key, body, by, cx)
            }
            Event::ScheduleFire { f, rule } => self.schedule_fire(f, rule, cx),
            Event::Arrival { load } => {
                // Later arrivals are the account's own events: a load has one pending at a time.
                assert!(
                    self.loads[load as usize].next.is_none(),
                    "a load's first arrival is scheduled once"
                );
                self.arrival(load, cx)
            }
        }
    }

    #[inline]
    fn own_next(&self) -> Option<EventKey> {
        self.next_own().map(|(key, _)| key)
    }

    fn handle_own(&mut self, cx: &mut Cx<'_>) {
        let (_, arrival) = self
            .next_own()
            .expect("the engine handles an own event only when own_next named one");
        self.handle_next_own(arrival, cx);
    }

    /// A load's arrivals and finishes, one after the other, while they are the next events
    /// due: the engine's queue meanwhile holds only what is later (a reclaim check minutes
    /// ahead), so the run goes on until the caller's time or step limit.
    fn handle_own_run(&mut self, cx: &mut Cx<'_>) {
        let mut handled = 0u64;
        loop {
            if self.batch {
                handled += self.steady_run(cx);
            }
            let Some((key, arrival)) = self.next_own() else {
                break;
            };
            if !cx.next_own_due(key) {
                break;
            }
            handled += 1;
            self.handle_next_own(arrival, cx);
            if !self.batch {
                break;
            }
        }
        self.batched += handled.saturating_sub(1);
    }
}

impl Account {
    /// The steady state of a load in one loop: while the next own event is either an arrival
    /// that [`Account::invoke_replayed`] would take or the finish of a plain warm success
    /// ([`Account::finish_plain`]) of the same function, it handles it exactly as those do (the
    /// same draws in the same order, trace lines, counters, metrics, billing and keys), and
    /// returns how many it handled when the next one is anything else, or not due.
    ///
    /// Why a loop of its own: per invocation, the general methods spent as much on finding their
    /// way (the load, its function, the account's settings, the calls between them, the random
    /// generator's state going to memory and back) as on the work. Here the settings are read
    /// once; what changes at every event and is read by nobody else until the loop stops lives
    /// in locals, written back when it stops: the run's clock, budget, sequence numbers, random
    /// generator and skipped trace lines ([`crate::sim::OwnRun`]), the keys of the next arrival
    /// and the next finish, the metrics period being written ([`super::metrics::Period`]) and
    /// the bill's running sums. Each event's checks come before its step is taken, so an event
    /// the loop cannot handle is left untouched for the general path.
    fn steady_run(&mut self, cx: &mut Cx<'_>) -> u64 {
        // One loop for each trace mode, which a run never changes: without lines, the loop
        // neither asks at every event whether to write one nor carries the request id, and
        // stores the nil id's constant in the ring.
        if cx.wants_lines() {
            self.steady_run_with::<true>(cx)
        } else {
            self.steady_run_with::<false>(cx)
        }
    }

    /// [`Account::steady_run`], with `LINES` what the trace's [`Context::wants_lines`] says.
    #[inline(always)]
    fn steady_run_with<const LINES: bool>(&mut self, cx: &mut Cx<'_>) -> u64 {
        if !self.steady
            || self.config.keep_records
            || !self.config.replay_pure_handlers
            || self.any_reserved
            || self.loads.len() != 1
        {
            return 0;
        }
        let Some((arrival_key, load)) = self.next_arrival else {
            return 0;
        };
        let run = &self.loads[load as usize];
        let (Some(fid), req) = (run.function, &run.req) else {
            return 0;
        };
        if req.request_id.is_some() || req.first_arrival.is_some() {
            return 0;
        }
        let (payload, mode) = (Rc::as_ptr(&req.payload), req.mode);
        // As `arrival` computes the gap: (mean * 2) * u, in that order. The product lies in
        // [0, 2^63) (the mean is at most 10^15 µs), where `as i64` truncates exactly as `as u64`
        // does, in one instruction instead of the unsigned conversion's several.
        let twice_mean_us = 1_000_000.0 / run.load.rps.max(1e-9) * 2.0;
        // `arrival` multiplies it by `unit_f64`, the draw's top 53 bits times 2^-53. Scaling by a
        // power of two is exact (the product stays a normal number), so one multiply of the bits
        // by the scaled mean rounds to the same value: one multiply an arrival instead of two.
        let gap_scale = twice_mean_us * (1.0 / (1u64 << 53) as f64);
        debug_assert!(gap_scale.is_normal() && gap_scale / (1.0 / (1u64 << 53) as f64) == twice_mean_us);
        let until = run.load.until;
        let limit = self.config.concurrency_limit;
        let (idle_min, idle_max) = (self.config.idle_min, self.config.idle_max);
        let idle_span = idle_max.saturating_sub(idle_min).as_micros();
        let Account {
            functions,
            finishes,
            metrics,
            billing,
            loads,
            next_arrival,
            busy_total,
            idle_changes,
            steady_taken,
            finished,
            next_check,
            ..
        } = self;
        let f = &mut functions[fid.0 as usize];
        let (memory_mb, arch, version) = (f.config.memory_mb, f.config.architecture, f.version);
        let Function {
            envs,
            idle,
            busy,
            name,
            ..
        } = f;
        // A slice: its indexing is built in, a `Vec`'s is a call in the size-optimised wasm build.
        let envs = envs.as_mut_slice();
        let mut run = cx.own_run();
        // The next arrival and the next finish; `EventKey::MAX` when there is none.
        let mut arrival_key = arrival_key;
        let mut finish_key = finishes.front_key();
        let mut no_period = NoPeriod::default();
        let mut period = Period::none(&mut no_period);
        // The billed milliseconds of the finishes taken, summed: each is of this function at this
        // version (the finish's check), so each was billed at this `memory_mb` (a version's
        // configuration never changes), and the MB-ms are one product at the end.
        let mut billed = super::billing::MsSum::default();
        // The idle life's draw: `below(idle_span + 1)`, whose bound is never zero here.
        let Some(life_n) = idle_span.checked_add(1) else {
            return 0;
        };
        // The arrivals and finishes handled are not counted as they go (the loop has more live
        // values than registers): each event handled takes one step of the run's budget, each
        // arrival adds one entry to the ring and each finish takes one, so both follow from the
        // budget spent and the ring's count at the end.
        let budget_before = run.budget();
        let running_before = finishes.count as u64;
        // Every arrival the loop takes adds one to the ring, to the function's busy count and to
        // the account's; every finish takes one from each. So both counts are the ring's count
        // plus what they were ahead of it when the loop began, and are written back at the end
        // instead of kept up at every event.
        let busy_ahead = (*busy as usize).wrapping_sub(finishes.count);
        let total_ahead = (*busy_total as usize).wrapping_sub(finishes.count);
        let room = (limit as usize).wrapping_sub(total_ahead);
        loop {
            if arrival_key < finish_key {
                // The account's busy count at the cap: `count + total_ahead >= limit`.
                if finishes.count.wrapping_sub(room) as isize >= 0 {
                    break;
                }
                // The top of the idle stack, a reclaimed one dropped as `top_idle` drops it.
                let Some(&env_id) = idle.last() else {
                    break;
                };
                let env = &mut envs[env_id.index()];
                if env.phase != EnvPhase::Idle {
                    idle.pop();
                    continue;
                }
                let plain = match &env.memo {
                    Some(Memo {
                        payload: memo_payload,
                        plain: Some(plain),
                        ..
                    }) if std::ptr::eq(Rc::as_ptr(memo_payload), payload) => *plain,
                    _ => break,
                };
                if !run.due(arrival_key) {
                    break;
                }
                let now = run.now();
                // The arrival's six draws in a row, in the general path's order (the gap, the
                // request id, then the replay's), so the generator's state is read and written
                // back once an arrival.
                let gap = SimDuration::from_micros((gap_scale * run.rng().top53() as f64) as i64 as u64);
                // The id is drawn as the general path draws it; with no trace lines nothing reads
                // it (a plain finish uses it only for its line, and a run's trace mode is fixed),
                // so the draws only advance the generator and the ring holds the nil id.
                let request_id = if LINES {
                    RequestId::draw(run.rng())
                } else {
                    run.rng().next_u64();
                    run.rng().next_u64();
                    RequestId::NIL
                };
                let running =
                    Running::replayed(run.rng(), plain.elapsed_us, request_id, now, memory_mb, mode);
                if LINES {
                    let idle_since = env.since;
                    run.record_uncounted(|| Record {
                        function: Some(name.clone()),
                        request: Some(request_id),
                        event: TraceEvent::WarmStart {
                            env: env_id,
                            idle_since,
                        },
                    });
                }
                idle.pop();
                env.phase = EnvPhase::Busy;
                if !period.holds(now) {
                    period = metrics.period(fid, now);
                }
                period.concurrency(finishes.count.wrapping_add(busy_ahead).wrapping_add(1) as u32);
                let end = now + SimDuration::from_micros(running.duration_us);
                let key = run.stamp(end);
                finishes.insert(Finish {
                    key,
                    f: fid,
                    env: env_id,
                    version: env.version,
                    running,
                });
                // A branch, not a `min`: the new finish ends before every running one only when
                // few are running, so the branch is well predicted, and the next event's choice
                // does not wait on this finish's jitter draw and its key.
                if key < finish_key {
                    finish_key = first_to_end(key);
                }
                arrival_key = if now + gap < until {
                    run.stamp(now + gap)
                } else {
                    EventKey::MAX
                };
            } else {
                if finish_key == EventKey::MAX {
                    break;
                }
                let Some(fin) = finishes.front() else {
                    unreachable!("finish_key is the front's");
                };
                if fin.running.rest.is_some() || fin.f != fid || fin.version != version {
                    break;
                }
                let env_id = fin.env;
                if !run.due(finish_key) {
                    break;
                }
                // Read in place: the entry is a plain one, with no rest to take out.
                let Running {
                    request_id,
                    started,
                    duration_us,
                    memory_mb: entry_mb,
                    ..
                } = fin.running;
                finishes.skip_plain_front();
                finish_key = finishes.front_key();
                let now = run.now();
                // `div_ceil(1000)` for a duration far below `u64::MAX`, in one multiply-shift
                // (the library's also computes the remainder and tests it).
                #[allow(clippy::manual_div_ceil)]
                let billed_ms = (duration_us + 999) / 1000;
                if LINES {
                    run.record_uncounted(|| {
                        plain_ended(name, request_id, env_id, duration_us, billed_ms, entry_mb)
                    });
                }
                let env = &mut envs[env_id.index()];
                env.phase = EnvPhase::Idle;
                env.since = now;
                let life = idle_min + SimDuration::from_micros(run.rng().below_nonzero(life_n));
                let deadline = now + life;
                env.deadline = deadline;
                idle.push(env_id);
                // `arm_reclaim`: a check at the deadline unless one comes no later.
                if next_check.is_none_or(|t| t > deadline) {
                    *next_check = Some(deadline);
                    run.schedule_at(deadline, Event::ReclaimDue);
                }
                if !period.holds(started) {
                    period = metrics.period(fid, started);
                }
                period.finish(false, duration_us);
                debug_assert_eq!(entry_mb, memory_mb, "a version's finishes bill its memory");
                billed.add(billed_ms);
            }
        }
        *busy = finishes.count.wrapping_add(busy_ahead) as u32;
        *busy_total = finishes.count.wrapping_add(total_ahead) as u32;
        let events = budget_before - run.budget();
        let arrivals = (events + finishes.count as u64 - running_before) / 2;
        let ends = events - arrivals;
        // One trace line for each event handled (a warm start, an end).
        run.skipped_lines(events);
        drop(run);
        billing.add_many(ends, billed.mb_ms(memory_mb), arch);
        *steady_taken += arrivals;
        *finished += ends;
        *idle_changes += events;
        if arrivals > 0 {
            let next = (arrival_key != EventKey::MAX).then_some(arrival_key);
            loads[load as usize].next = next;
            *next_arrival = next.map(|key| (key, load));
        }
        events
    }
}

/// The steady loop's new finish key when it ends before every running invocation: out of line
/// and cold, so the test before it stays a branch (a `min` would be a conditional move, on which
/// the next event's choice would wait). `black_box` keeps the optimiser from seeing that the call
/// returns its argument and folding it back into a `min` (`std::hint::cold_path` would say this
/// directly, but it is newer than the crate's minimum Rust).
#[cold]
#[inline(never)]
fn first_to_end(key: EventKey) -> EventKey {
    std::hint::black_box(key)
}

/// The trace record of a plain success's end, which the general finish and the steady loop
/// both write.
#[inline(always)]
fn plain_ended(
    name: &Rc<str>,
    request_id: RequestId,
    env: EnvId,
    duration_us: u64,
    billed_ms: u64,
    memory_mb: u32,
) -> Record {
    Record {
        function: Some(name.clone()),
        request: Some(request_id),
        event: TraceEvent::Ended {
            env,
            ending: Ending::Succeeded,
            duration: SimDuration::from_micros(duration_us),
            billed_ms,
            init: None,
            memory_mb,
        },
    }
}

/// One running invocation's end.
struct Finish {
    key: EventKey,
    f: FunctionId,
    env: EnvId,
    /// The environment's version ([`Env::version`], which never changes), copied here when the
    /// invocation starts: the steady loop decides whether it can take a finish from the ring
    /// alone, without first reading the environment. That read was a first-level cache miss
    /// (a load keeps hundreds of environments busy) on which a tenth of the loop waited; the
    /// writes the finish makes to the environment wait for no one.
    version: u32,
    running: Running,
}

/// The running invocations in key order, earliest first: the account's own event queue.
///
/// Why not the engine's queue: a load run has hundreds of invocations running at once, each
/// ending a little after the one started before it (the same handler, a jitter of a millisecond
/// or two). Kept here, they sit in one ring in order; a new one is placed by stepping back from
/// the end over the few that end later, and the next one to end is the front. In the engine's
/// wheel each went through a bucket of its own (an allocation apart, cold by the time the wheel
/// got there) and a sort; the profile showed those misses as a fifth of the run. The keys are the
/// engine's ([`Context::stamp`]), so the order is the same.
///
/// The ring is its own rather than a `VecDeque`: its size is a power of two, so a position wraps
/// with a mask where the deque compares and subtracts at every access (three accesses an
/// invocation, a twentieth of the steady loop's instructions). A free slot holds a spent finish
/// (its boxed rest taken), so no slot needs a tag to say whether it is full.
#[derive(Default)]
struct Finishes {
    /// Slot `(head + i) & (len - 1)` holds the i-th earliest finish for `i < count`. The length
    /// is zero or a power of two.
    ///
    /// A boxed slice rather than a `Vec`: indexing a slice is built into the language, while a
    /// `Vec`'s goes through `Index::index`, which the size-optimised wasm build leaves as a call.
    slots: Box<[Finish]>,
    head: usize,
    count: usize,
}

impl Finish {
    /// What a free slot of the ring holds.
    fn spent() -> Finish {
        Finish {
            key: EventKey::MAX,
            f: FunctionId(u32::MAX),
            env: EnvId(0),
            version: 0,
            running: Running {
                request_id: RequestId::NIL,
                started: SimTime::ZERO,
                duration_us: 0,
                memory_mb: 0,
                mode: Mode::Sync,
                rest: None,
            },
        }
    }
    /// Moves the finish out of its slot, leaving it spent.
    #[inline(always)]
    fn take(&mut self) -> Finish {
        Finish {
            key: self.key,
            f: self.f,
            env: self.env,
            version: self.version,
            running: Running {
                rest: self.running.rest.take(),
                ..self.running
            },
        }
    }
}

/// Writes `f` into a free slot of the ring. A free slot is spent (its rest was taken or never
/// there), so there is nothing to drop: forgetting the old value spares the drop's call, which
/// the size-optimised wasm build keeps out of line in the steady loop.
#[inline(always)]
fn put(slot: &mut Finish, f: Finish) {
    let old = std::mem::replace(slot, f);
    debug_assert!(old.running.rest.is_none(), "a free slot of the ring is spent");
    std::mem::forget(old);
}

impl Finishes {
    #[inline(always)]
    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }
    /// The next finish.
    #[inline(always)]
    fn front(&self) -> Option<&Finish> {
        // An `if` rather than `bool::then`, which the size-optimised wasm build leaves as a call.
        if self.count > 0 {
            Some(&self.slots[self.head])
        } else {
            None
        }
    }
    /// The next finish's key, or [`EventKey::MAX`] when none is running.
    #[inline(always)]
    fn front_key(&self) -> EventKey {
        self.front().map_or(EventKey::MAX, |f| f.key)
    }
    /// Drops the next finish, read in place by the caller, when it is a plain one (no rest to
    /// take out, so its slot is as good as spent).
    #[inline(always)]
    fn skip_plain_front(&mut self) {
        debug_assert!(self.count > 0 && self.slots[self.head].running.rest.is_none());
        self.head = (self.head + 1) & self.mask();
        self.count -= 1;
    }
    #[inline(always)]
    fn pop_front(&mut self) -> Option<Finish> {
        if self.count == 0 {
            return None;
        }
        let f = self.slots[self.head].take();
        self.head = (self.head + 1) & self.mask();
        self.count -= 1;
        Some(f)
    }
    #[inline(always)]
    fn insert(&mut self, f: Finish) {
        if self.count == self.slots.len() {
            self.grow();
        }
        let mask = self.mask();
        let end = self.head + self.count;
        let last = end.wrapping_sub(1) & mask;
        if self.count == 0 || self.slots[last].key < f.key {
            put(&mut self.slots[end & mask], f);
        } else if self.count == 1 || self.slots[end.wrapping_sub(2) & mask].key < f.key {
            // Just before the last, the usual place of one that is not last (a tenth of a
            // load's invocations end before the one that started just before them).
            let later = std::mem::replace(&mut self.slots[last], f);
            put(&mut self.slots[end & mask], later);
        } else {
            self.insert_before_last(f);
            return;
        }
        self.count += 1;
    }
    /// The `i`-th earliest finish's key, for `i < count`.
    fn key_at(&self, i: usize) -> EventKey {
        self.slots[(self.head + i) & self.mask()].key
    }
    /// [`Finishes::insert`] of a finish that ends before the last one queued (the ring has room).
    #[inline(never)]
    fn insert_before_last(&mut self, f: Finish) {
        // Usually a step or two from the end; a far earlier one (a short invocation among long
        // ones) is found by bisection instead.
        let mut at = self.count - 1;
        let mut steps = 0;
        while at > 0 && self.key_at(at - 1) > f.key {
            at -= 1;
            steps += 1;
            if steps == 8 {
                let (mut lo, mut hi) = (0, at);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if self.key_at(mid) < f.key {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                at = lo;
                break;
            }
        }
        // The later ones move one slot towards the end, into the free slot after the last.
        let mask = self.mask();
        for i in (at..self.count).rev() {
            let moved = self.slots[(self.head + i) & mask].take();
            put(&mut self.slots[(self.head + i + 1) & mask], moved);
        }
        put(&mut self.slots[(self.head + at) & mask], f);
        self.count += 1;
    }
    /// Doubles the ring (at least 64 slots), the finishes moved to its start in order.
    #[cold]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let mask = self.mask();
        let mut slots = Vec::with_capacity(size);
        for i in 0..self.count {
            slots.push(self.slots[(self.head + i) & mask].take());
        }
        slots.resize_with(size, Finish::spent);
        self.slots = slots.into_boxed_slice();
        self.head = 0;
    }
}

/// A function's idle environments, most recently freed last: the stack operations of a `Vec`,
/// over a boxed slice whose indexing is built in. `Vec::push` is a call in the size-optimised
/// wasm build, made once per invocation in the steady loop; here only growing is.
#[derive(Debug, Default)]
struct IdleStack {
    /// `ids[..len]` is the stack, bottom first.
    ids: Box<[EnvId]>,
    len: usize,
}

impl IdleStack {
    #[inline(always)]
    fn last(&self) -> Option<&EnvId> {
        // An empty stack asks for index `usize::MAX`, which is out of bounds: one comparison.
        self.ids.get(self.len.wrapping_sub(1))
    }
    #[inline(always)]
    fn pop(&mut self) -> Option<EnvId> {
        if self.len > 0 {
            self.len -= 1;
            Some(self.ids[self.len])
        } else {
            None
        }
    }
    #[inline(always)]
    fn push(&mut self, id: EnvId) {
        // A full stack is the only way `len` is out of bounds: one comparison for both.
        match self.ids.get_mut(self.len) {
            Some(slot) => *slot = id,
            None => self.grow_push(id),
        }
        self.len += 1;
    }
    /// [`IdleStack::push`] onto a full stack: doubles the room (at least 16 ids), then pushes.
    #[cold]
    #[inline(never)]
    fn grow_push(&mut self, id: EnvId) {
        let mut ids = self.ids.to_vec();
        ids.resize((self.ids.len() * 2).max(16), EnvId(0));
        ids[self.len] = id;
        self.ids = ids.into_boxed_slice();
    }
    fn clear(&mut self) {
        self.len = 0;
    }
    /// Keeps the ids `keep` accepts, in order, visiting each once from the bottom (as
    /// `Vec::retain` does).
    fn retain(&mut self, mut keep: impl FnMut(&EnvId) -> bool) {
        let mut kept = 0;
        for i in 0..self.len {
            let id = self.ids[i];
            if keep(&id) {
                self.ids[kept] = id;
                kept += 1;
            }
        }
        self.len = kept;
    }
}

#[cfg(test)]
mod idle_stack_tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Push, pop, last, retain and clear do what they do on a `Vec`, across growth.
        #[test]
        fn the_idle_stack_is_a_vec_stack(ops in prop::collection::vec((0u8..10, 0u32..50), 0..400)) {
            let mut stack = IdleStack::default();
            let mut want: Vec<EnvId> = Vec::new();
            for &(op, n) in &ops {
                match op {
                    0..=4 => {
                        stack.push(EnvId(n));
                        want.push(EnvId(n));
                    }
                    5..=7 => prop_assert_eq!(stack.pop(), want.pop()),
                    8 => {
                        let mut seen = Vec::new();
                        stack.retain(|id| {
                            seen.push(*id);
                            id.0 % 7 != n % 7
                        });
                        prop_assert_eq!(&seen, &want, "retain visits every id once, bottom first");
                        want.retain(|id| id.0 % 7 != n % 7);
                    }
                    _ if n == 0 => {
                        stack.clear();
                        want.clear();
                    }
                    _ => {}
                }
                prop_assert_eq!(stack.last(), want.last());
                prop_assert_eq!(&stack.ids[..stack.len], &want[..]);
            }
        }
    }
}

#[cfg(test)]
mod finishes_tests {
    use proptest::prelude::*;

    use super::*;

    fn finish(key: EventKey, env: u32) -> Finish {
        Finish {
            env: EnvId(env),
            key,
            ..Finish::spent()
        }
    }

    proptest! {
        /// The ring pops finishes in key order whatever order they were inserted in, across
        /// growth and wrapping, as the sorted deque it replaced did; a boxed rest goes out with
        /// its finish.
        #[test]
        fn the_ring_pops_in_key_order(ops in prop::collection::vec((any::<bool>(), 0u64..5_000), 0..600)) {
            let mut ring = Finishes::default();
            let mut want: Vec<(EventKey, u32)> = Vec::new();
            let mut stamper = crate::sim::EventQueue::<()>::new();
            for (i, &(pop, at)) in ops.iter().enumerate() {
                if pop {
                    want.sort();
                    let expected = (!want.is_empty()).then(|| want.remove(0));
                    let got = ring.pop_front();
                    prop_assert_eq!(got.as_ref().map(|f| (f.key, f.env.0)), expected);
                    if let Some(f) = got {
                        prop_assert_eq!(f.running.rest.is_some(), f.env.0 % 3 == 0);
                    }
                } else {
                    let key = stamper.stamp(SimTime::from_micros(at));
                    let mut f = finish(key, i as u32);
                    if i % 3 == 0 {
                        f.running.rest = Some(Box::new(Rest {
                            billed_ms: 1,
                            init_us: None,
                            ending: Ending::Succeeded,
                            record: None,
                            retry: None,
                            reset: None,
                        }));
                    }
                    ring.insert(f);
                    want.push((key, i as u32));
                }
                want.sort();
                prop_assert_eq!(ring.front_key(), want.first().map_or(EventKey::MAX, |w| w.0));
            }
        }
    }
}
