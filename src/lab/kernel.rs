//! The notebook kernel: one simulated account shared by a lab's cells.
//!
//! A [`Notebook`] keeps an `Engine<Account>`, the version of each function it deployed and the
//! last output of each cell. Running a cell deploys the function it needs when the function cell
//! changed (a new version, so the next invocation is cold), moves simulated time one second past
//! the previous run (so an idle environment is still there) and runs the cell to completion.
//! Load and tuning cells run on fresh accounts of their own. Deterministic: the same cells in the
//! same order from the same seed give the same outputs. Judging goals belongs to
//! [`super::goals`]; drawing belongs to the playground.

// A cell that cannot run answers with its output (`CellOutput::Error`), made once per run.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use serde_json::Value;

use super::format::{Cell, CellKind, EventTemplate, HttpRequestSpec, LabSpec, Route};
use super::outputs::{
    CellOutput, LoadOutput, LoadPoint, LoadTotals, ProbeResult, RunOutput, StartBadge, StartKind, StartWhy,
    TuningOutput, TuningPoint,
};
use crate::iam;
use crate::lambda::{
    self, Account, AccountConfig, ApiKind, ColdCause, Event, FunctionId, FunctionSpec, InvocationRecord,
    InvokeRequest, LoadSim, Mode, Outcome, Record, RequestId, TraceEvent, billing, events,
};
use crate::sim::{Engine, Rng, SimDuration, SimTime, TraceEntry, TraceMode, fnv1a64};

/// The most engine steps one cell may take on the kernel (handlers that invoke each other
/// asynchronously could fan out without end; AWS stops such loops too).
const MAX_CELL_STEPS: u64 = 200_000;

/// One simulated account shared by a lab's cells, like a notebook kernel. Deterministic: the same
/// cells run in the same order from the same seed give the same outputs, natively and in wasm.
pub struct Notebook {
    engine: Engine<Account>,
    seed: u64,
    deployed: BTreeMap<String, Deployed>,
    outputs: BTreeMap<String, Ran>,
    /// The trace's length when the running cell started: its runs' lines come after.
    trace_from: usize,
}

/// A function as the kernel deployed it.
struct Deployed {
    spec: FunctionSpec,
    fid: FunctionId,
    version: u32,
}

/// A cell's last output and the function cell it ran with, so a goal can tell it is stale.
struct Ran {
    output: CellOutput,
    function: String,
    spec: Option<FunctionSpec>,
}

impl Notebook {
    pub fn new(spec: &LabSpec) -> Notebook {
        Notebook::with_seed(spec.seed.unwrap_or(crate::sim::DEFAULT_SEED))
    }

    fn with_seed(seed: u64) -> Notebook {
        Notebook {
            engine: Engine::new(Account::new(AccountConfig::default()), seed),
            seed,
            deployed: BTreeMap::new(),
            outputs: BTreeMap::new(),
            trace_from: 0,
        }
    }

    /// Runs all cells in page order on a fresh kernel.
    pub fn run_all(spec: &LabSpec, cells: &[Cell]) -> Notebook {
        let mut nb = Notebook::new(spec);
        for i in 0..cells.len() {
            nb.run_cell(cells, i);
        }
        nb
    }

    /// The last output of a cell.
    pub fn output(&self, cell_id: &str) -> Option<&CellOutput> {
        self.outputs.get(cell_id).map(|r| &r.output)
    }

    /// The function spec a cell's last output ran with, when it ran with one.
    pub(crate) fn ran_with(&self, cell_id: &str) -> Option<(&str, Option<&FunctionSpec>)> {
        self.outputs
            .get(cell_id)
            .map(|r| (r.function.as_str(), r.spec.as_ref()))
    }

    /// Runs one cell against the current kernel. `cells` is the learner's whole working copy (a
    /// cell finds the function cell it depends on there). A function whose cell changed since it
    /// was deployed is (re)deployed first, a new version, and the output says so. A cell whose
    /// function has no function cell, or whose configuration AWS would reject, gives
    /// [`CellOutput::Error`] with AWS's wording; nothing runs. Load cells run to the end here.
    pub fn run_cell(&mut self, cells: &[Cell], index: usize) -> CellOutput {
        let Some(cell) = cells.get(index) else {
            return CellOutput::Error {
                message: format!("there is no cell {index} (the lab has {})", cells.len()),
                line: None,
            };
        };
        let function = cell.kind.function().to_string();
        let output = match &cell.kind {
            kind if kind.engine() == super::LabEngine::Containers => CellOutput::Error {
                message: format!(
                    "a {} cell runs on the container workbench, not on the Lambda notebook",
                    kind.name()
                ),
                line: None,
            },
            CellKind::Function(spec) => match self.deploy(spec) {
                Ok((version, changed)) => CellOutput::Deployed {
                    function: spec.name.clone(),
                    version,
                    changed,
                },
                Err(e) => e,
            },
            CellKind::Load { .. } => match self.start_load(cells, index) {
                Ok(mut run) => {
                    while !run.advance(SimDuration::from_secs(3600), u64::MAX) {}
                    CellOutput::Load(run.progress())
                }
                Err(e) => e,
            },
            CellKind::Tuning {
                memory, runs, event, ..
            } => match function_cell(cells, &function) {
                Err(e) => e,
                Ok(spec) => tune(spec, memory, *runs, event, self.seed),
            },
            kind => match self.ensure(cells, &function) {
                Err(e) => e,
                Ok(note) => {
                    let notes: Vec<String> = note.into_iter().collect();
                    let kind = kind.clone();
                    self.run_on_kernel(&cell.id, &function, &kind, notes)
                }
            },
        };
        let spec = function_cell(cells, &function).ok().cloned();
        self.outputs.insert(
            cell.id.clone(),
            Ran {
                output: output.clone(),
                function,
                spec,
            },
        );
        output
    }

    /// A load run on its own fresh account with the function as its cell now says (deployed
    /// first on the kernel, so the page shows the same version), advanced by the page in slices.
    pub fn start_load(&mut self, cells: &[Cell], index: usize) -> Result<LoadRun, CellOutput> {
        let Some(Cell {
            kind:
                CellKind::Load {
                    function,
                    rps,
                    duration,
                    event,
                },
            ..
        }) = cells.get(index)
        else {
            return Err(CellOutput::Error {
                message: format!("cell {index} is not a load cell"),
                line: None,
            });
        };
        self.ensure(cells, function)?;
        let spec = &self.deployed[function.as_str()].spec;
        LoadRun::new(spec, *rps, *duration, event, self.seed).map_err(|e| config_error(&e))
    }

    /// Records a finished (or stopped) load run's output for the goals.
    pub fn finish_load(&mut self, cells: &[Cell], index: usize, run: &LoadRun) {
        let Some(cell) = cells.get(index) else { return };
        let function = cell.kind.function().to_string();
        let spec = function_cell(cells, &function).ok().cloned();
        self.outputs.insert(
            cell.id.clone(),
            Ran {
                output: CellOutput::Load(run.progress()),
                function,
                spec,
            },
        );
    }

    /// Deploys a function cell: a new function, a new version when it changed, or nothing.
    /// Returns the version and whether anything was deployed.
    fn deploy(&mut self, spec: &FunctionSpec) -> Result<(u32, bool), CellOutput> {
        if let Some(d) = self.deployed.get(&spec.name)
            && d.spec == *spec
        {
            return Ok((d.version, false));
        }
        let config = lambda::validate(spec).map_err(|e| config_error(&e))?;
        let account = self.engine.model_mut();
        let (fid, version) = match self.deployed.get(&spec.name) {
            Some(d) => (d.fid, account.update_function(d.fid, config)),
            None => (account.add_function(config), 1),
        };
        self.deployed.insert(
            spec.name.clone(),
            Deployed {
                spec: spec.clone(),
                fid,
                version,
            },
        );
        Ok((version, true))
    }

    /// Deploys what a cell needs, saying so when it deployed.
    fn ensure(&mut self, cells: &[Cell], function: &str) -> Result<Option<String>, CellOutput> {
        let spec = function_cell(cells, function)?.clone();
        let (version, changed) = self.deploy(&spec)?;
        Ok(changed.then(|| format!("Deployed {function} (version {version}) first")))
    }

    /// The next run starts one simulated second after the kernel's clock, so idle environments
    /// are still there; events due before then happen first.
    fn next_start(&mut self) -> SimTime {
        let at = self.engine.now() + SimDuration::from_secs(1);
        self.engine.run_until(at);
        at
    }

    /// Runs until `expected` first attempts from `source` (records after index `before`) have
    /// ended, or the longest timeout after `from` has passed, and returns every record of
    /// `source` since `before` (retries included).
    fn settle_source(
        &mut self,
        before: usize,
        source: &str,
        expected: usize,
        from: SimTime,
    ) -> Vec<InvocationRecord> {
        let limit = from + SimDuration::from_secs(u64::from(lambda::config::MAX_TIMEOUT_S) + 60);
        let src = source.to_string();
        self.settle(limit, &move |acc| {
            acc.records()[before..]
                .iter()
                .filter(|r| r.source == src && r.attempt == 1)
                .count()
                >= expected
        });
        self.engine.model().records()[before..]
            .iter()
            .filter(|r| r.source == source)
            .cloned()
            .collect()
    }

    /// Steps the engine until `done` holds, at most until `limit` and for at most
    /// [`MAX_CELL_STEPS`] steps.
    fn settle(&mut self, limit: SimTime, done: &dyn Fn(&Account) -> bool) {
        let start = self.engine.steps();
        while !done(self.engine.model()) && self.engine.steps() - start < MAX_CELL_STEPS {
            match self.engine.next_time() {
                Some(t) if t <= limit => {
                    self.engine.step();
                }
                _ => break,
            }
        }
    }

    /// One synchronous invocation on the kernel, run until it ends.
    fn invoke(&mut self, function: &str, payload: Value, source: &str) -> RequestId {
        let at = self.next_start();
        let request = self.engine.with_context(|_, cx| RequestId::draw(cx.rng()));
        let mut req = InvokeRequest::new(function, payload, Mode::Sync, source);
        req.request_id = Some(request);
        self.engine.schedule_at(at, Event::Invoke(Box::new(req)));
        let limit = at + SimDuration::from_secs(u64::from(lambda::config::MAX_TIMEOUT_S) + 60);
        self.settle(limit, &|acc| acc.records_of(request).next().is_some());
        request
    }

    fn version_of(&self, function: &str) -> u32 {
        self.deployed.get(function).map_or(0, |d| d.version)
    }

    fn run_of(&self, request: RequestId, notes: &[String]) -> Option<RunOutput> {
        let record = self.engine.model().records_of(request).next()?.clone();
        self.runs_of(&[record], notes.to_vec()).pop()
    }

    /// The runs of finished invocations of the running cell; `notes` go to the first. The
    /// cell's trace lines are grouped by request in one pass, so a schedule of thousands of
    /// fires stays linear.
    fn runs_of(&self, records: &[InvocationRecord], notes: Vec<String>) -> Vec<RunOutput> {
        let mut by_request: BTreeMap<RequestId, Vec<TraceEntry<Record>>> = BTreeMap::new();
        let entries = self.engine.trace().entries();
        for e in entries.get(self.trace_from..).unwrap_or(&[]) {
            if let Some(r) = e.record.request {
                by_request.entry(r).or_default().push(e.clone());
            }
        }
        records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let entries = by_request.get(&r.request_id).cloned().unwrap_or_default();
                self.run_output(r, entries, if i == 0 { notes.clone() } else { Vec::new() })
            })
            .collect()
    }

    /// Everything a page shows about a finished invocation on the kernel.
    fn run_output(
        &self,
        record: &InvocationRecord,
        entries: Vec<TraceEntry<Record>>,
        notes: Vec<String>,
    ) -> RunOutput {
        let request = record.request_id;
        let trace: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
        let start = badge(&entries);
        let (response, error) = match &record.outcome {
            Outcome::Success(v) => (Some(v.clone()), None),
            Outcome::Error(e) | Outcome::Throttled(e) => (None, Some(e.clone())),
        };
        let arch = self
            .deployed
            .get(&record.function)
            .map(|d| self.engine.model().function_config(d.fid).architecture)
            .unwrap_or(lambda::Architecture::X86_64);
        let price = billing::price(record.memory_mb, record.billed_ms, 1, arch, false);
        let error_line = error.as_ref().and_then(error_line);
        RunOutput {
            invocation: lambda::Invocation {
                response,
                error,
                logs: record.logs.clone(),
                trace_hash: fnv1a64(trace.join("\n").as_bytes()),
                trace,
                events: entries,
                request,
                duration_ms: record.duration_us as f64 / 1000.0,
                billed_ms: record.billed_ms,
                init_ms: record.init_us.map(|us| us as f64 / 1000.0),
                max_memory_mb: record.max_memory_mb,
                request_id: record.request_id.to_string(),
                cost_usd: price.total_usd,
                log_group: format!("/aws/lambda/{}", record.function),
            },
            start,
            version: self.version_of(&record.function),
            calls: record.calls.clone(),
            error_line,
            notes,
        }
    }

    /// Invoke, API, S3, schedule and IAM cells: they run on the shared account.
    fn run_on_kernel(
        &mut self,
        cell_id: &str,
        function: &str,
        kind: &CellKind,
        notes: Vec<String>,
    ) -> CellOutput {
        self.trace_from = self.engine.trace().len();
        match kind {
            CellKind::Invoke { template, event, .. } => {
                let payload = template_event(*template, event, self.seed);
                let request = self.invoke(function, payload, "console");
                match self.run_of(request, &notes) {
                    Some(run) => CellOutput::Invoked(run),
                    None => unfinished(function),
                }
            }
            CellKind::Api {
                api, route, request, ..
            } => self.api(function, *api, route, request, notes),
            CellKind::S3 {
                bucket,
                prefix,
                suffix,
                put,
                ..
            } => self.s3(function, bucket, prefix, suffix, &put.key, &put.body, notes),
            CellKind::Schedule {
                expression, run_for, ..
            } => self.schedule(cell_id, function, expression, *run_for, notes),
            CellKind::Iam { probes, .. } => {
                let d = &self.deployed[function];
                let config = self.engine.model().function_config(d.fid);
                let policies = policy_documents(&d.spec);
                let (account, region) = {
                    let c = &self.engine.model().config;
                    (c.account_id.clone(), c.region.clone())
                };
                let probes = probes
                    .iter()
                    .map(|p| {
                        let eval = evaluate(
                            &config.policies,
                            &account,
                            &region,
                            config,
                            &p.action,
                            &p.resource,
                        );
                        ProbeResult {
                            action: p.action.clone(),
                            resource: p.resource.clone(),
                            allowed: eval.allowed(),
                            decided_by: lambda::decided_by(&eval),
                        }
                    })
                    .collect();
                // The calls of the function's latest invocations, oldest first.
                let records: Vec<&InvocationRecord> = self
                    .engine
                    .model()
                    .records()
                    .iter()
                    .filter(|r| r.function == function)
                    .collect();
                let calls = records
                    .iter()
                    .skip(records.len().saturating_sub(10))
                    .flat_map(|r| r.calls.iter().cloned())
                    .collect();
                CellOutput::Iam {
                    policies,
                    calls,
                    probes,
                }
            }
            _ => unreachable!("function, load, tuning and container cells are run by run_cell"),
        }
    }

    fn api(
        &mut self,
        function: &str,
        api: ApiKind,
        route: &Route,
        spec: &HttpRequestSpec,
        notes: Vec<String>,
    ) -> CellOutput {
        let Some(path_parameters) = route_match(route, &spec.method, &spec.path) else {
            return CellOutput::Http {
                request: spec.clone(),
                event: Value::Null,
                response: not_found(api),
                run: None,
            };
        };
        let at = self.engine.now() + SimDuration::from_secs(1);
        let epoch = self.engine.model().config.epoch_unix;
        let gateway_id = self.engine.with_context(|_, cx| RequestId::draw(cx.rng()));
        let query = spec
            .query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (p.to_string(), String::new()),
            })
            .collect();
        let request = events::HttpRequest {
            method: spec.method.clone(),
            path: spec.path.clone(),
            query,
            headers: spec.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            body: (!spec.body.is_empty()).then(|| spec.body.clone()),
            resource: route.path.clone(),
            path_parameters,
            time_ms: lambda::clock::unix_millis(epoch, at),
            request_id: gateway_id.to_string(),
        };
        let event = match api {
            ApiKind::Rest => events::apigw_v1_event(&request),
            ApiKind::Http => events::apigw_v2_event(&request),
        };
        let id = self.invoke(function, event.clone(), "apigateway");
        let Some(run) = self.run_of(id, &notes) else {
            return unfinished(function);
        };
        let result = match (&run.invocation.response, &run.invocation.error) {
            (Some(v), _) => Ok(v),
            (None, Some(e)) => Err(e),
            (None, None) => Ok(&Value::Null),
        };
        let response = match api {
            ApiKind::Rest => events::map_proxy_response_v1(result),
            ApiKind::Http => events::map_proxy_response_v2(result),
        };
        CellOutput::Http {
            request: spec.clone(),
            event,
            response,
            run: Some(run),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn s3(
        &mut self,
        function: &str,
        bucket: &str,
        prefix: &str,
        suffix: &str,
        key: &str,
        body: &str,
        notes: Vec<String>,
    ) -> CellOutput {
        let fid = self.deployed[function].fid;
        self.engine.model_mut().add_s3_trigger(
            fid,
            lambda::config::S3Trigger {
                bucket: bucket.to_string(),
                prefix: prefix.to_string(),
                suffix: suffix.to_string(),
            },
        );
        let (matched, reason) = filter_reason(key, prefix, suffix);
        // Every subscription of every deployed function to this bucket that the key matches.
        let expected = self
            .deployed
            .values()
            .map(|d| {
                self.engine
                    .model()
                    .function_config(d.fid)
                    .triggers
                    .s3
                    .iter()
                    .filter(|t| t.bucket == bucket && key.starts_with(&t.prefix) && key.ends_with(&t.suffix))
                    .count()
            })
            .sum::<usize>();
        let at = self.next_start();
        let source = format!("s3:{bucket}");
        let before = self.engine.model().records().len();
        self.engine
            .schedule_at(at, Event::s3_put(bucket, key, body, "console"));
        let records = self.settle_source(before, &source, expected, at);
        let runs: Vec<RunOutput> = self.runs_of(&records, notes);
        let event = matched.then(|| {
            let acc = self.engine.model();
            let s3 = acc.s3.borrow();
            let o = s3.get(bucket, key);
            events::s3_put_event(&events::S3PutArgs {
                bucket,
                key,
                size: body.len() as u64,
                etag: o.map_or("", |o| o.etag.as_str()),
                sequencer: o.map_or(0, |o| o.sequencer),
                time_ms: lambda::clock::unix_millis(acc.config.epoch_unix, at),
                region: &acc.config.region,
            })
        });
        CellOutput::S3 {
            event,
            matched,
            reason,
            runs,
        }
    }

    fn schedule(
        &mut self,
        cell_id: &str,
        function: &str,
        expression: &str,
        run_for: SimDuration,
        notes: Vec<String>,
    ) -> CellOutput {
        let schedule = match lambda::schedule::Schedule::parse(expression) {
            Ok(s) => s,
            Err(e) => {
                return CellOutput::Error {
                    message: e.to_string(),
                    line: None,
                };
            }
        };
        let rule = format!("{cell_id}-rule");
        let source = format!("schedule:{rule}");
        let start = self.next_start();
        let (epoch, region, account) = {
            let c = &self.engine.model().config;
            (c.epoch_unix, c.region.clone(), c.account_id.clone())
        };
        let start_unix = epoch + start.as_secs() as i64;
        let end_unix = start_unix + run_for.as_secs() as i64;
        let before = self.engine.model().records().len();
        let mut fires = Vec::new();
        let mut t = start_unix;
        while let Some(next) = schedule.next_after(t, epoch) {
            if next > end_unix || fires.len() >= 100_000 {
                break;
            }
            t = next;
            let at = SimTime::from_secs((next - epoch) as u64);
            self.engine.run_until(at);
            let (name, expr, rule) = (function.to_string(), expression.to_string(), rule.clone());
            let (region, account, src) = (region.clone(), account.clone(), source.clone());
            self.engine.with_context(move |_, cx| {
                cx.record_with(|| Record {
                    function: Some(name.as_str().into()),
                    request: None,
                    event: TraceEvent::ScheduleFired {
                        rule: rule.clone(),
                        expression: expr,
                    },
                });
                let ev = events::scheduled_event(&region, &account, &rule, next, cx.rng());
                cx.schedule(
                    SimDuration::ZERO,
                    Event::Invoke(Box::new(InvokeRequest::new(&name, ev, Mode::Async, &src))),
                );
            });
            fires.push(next);
        }
        let end = SimTime::from_secs((end_unix - epoch) as u64);
        self.engine.run_until(end);
        let expected = fires.len();
        let records = self.settle_source(before, &source, expected, end);
        let runs = self.runs_of(&records, notes);
        CellOutput::Schedule {
            fires: fires.iter().map(|&u| lambda::clock::format_secs(u)).collect(),
            next: schedule
                .upcoming(end_unix, 5)
                .into_iter()
                .map(lambda::clock::format_secs)
                .collect(),
            runs,
        }
    }
}

/// The function cell that deploys `function`.
fn function_cell<'c>(cells: &'c [Cell], function: &str) -> Result<&'c FunctionSpec, CellOutput> {
    cells
        .iter()
        .find_map(|c| match &c.kind {
            CellKind::Function(f) if f.name == function => Some(f),
            _ => None,
        })
        .ok_or_else(|| CellOutput::Error {
            message: format!(
                "no function cell deploys \"{function}\": this cell needs a function cell with name = \"{function}\""
            ),
            line: None,
        })
}

/// AWS's answer to a configuration it refuses.
fn config_error(e: &lambda::InvalidFunctionConfig) -> CellOutput {
    CellOutput::Error {
        message: format!("{}: {}", e.code, e.message),
        line: None,
    }
}

fn unfinished(function: &str) -> CellOutput {
    CellOutput::Error {
        message: format!("the invocation of {function} did not finish within the simulated limit"),
        line: None,
    }
}

/// The start badge from the typed trace of one request.
fn badge(entries: &[crate::sim::TraceEntry<Record>]) -> StartBadge {
    for e in entries {
        match &e.record.event {
            TraceEvent::ColdStart { cause, .. } => {
                let why = match *cause {
                    ColdCause::FirstRequest => StartWhy::FirstRequest,
                    ColdCause::NewVersion { version } => StartWhy::NewVersion { version },
                    ColdCause::NoIdle { busy, .. } if busy > 0 => StartWhy::NoIdleBusy { busy },
                    ColdCause::NoIdle { .. } => StartWhy::NoIdleReclaimed,
                };
                return StartBadge::new(StartKind::Cold, why);
            }
            TraceEvent::WarmStart { env, idle_since } => {
                let why = StartWhy::Warm {
                    env: env.0,
                    idle_since: idle_since.to_string(),
                };
                return StartBadge::new(StartKind::Warm, why);
            }
            TraceEvent::Throttled { cause } => {
                let why = StartWhy::Throttled {
                    cause: cause.to_string(),
                };
                return StartBadge::new(StartKind::None, why);
            }
            _ => {}
        }
    }
    StartBadge::new(StartKind::None, StartWhy::NoEnvironment)
}

/// The handler line an error's trace names (`at index.rhai:3:5`), if any.
pub fn error_line(error: &Value) -> Option<u32> {
    error.get("trace")?.as_array()?.iter().find_map(|frame| {
        let s = frame.as_str()?;
        let rest = &s[s.find("index.rhai:")? + "index.rhai:".len()..];
        let line: u32 = rest.split(':').next()?.parse().ok()?;
        (line > 0).then_some(line)
    })
}

/// The event an invoke cell sends: its own, or its template's when it has none.
fn template_event(template: EventTemplate, event: &Value, seed: u64) -> Value {
    let empty = event.as_object().is_some_and(|o| o.is_empty());
    if !empty || template == EventTemplate::Custom {
        return event.clone();
    }
    let config = AccountConfig::default();
    let request = events::HttpRequest {
        method: "GET".into(),
        path: "/".into(),
        resource: "/".into(),
        time_ms: config.epoch_unix * 1000,
        request_id: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef".into(),
        ..Default::default()
    };
    match template {
        EventTemplate::ApigwRest => events::apigw_v1_event(&request),
        EventTemplate::ApigwHttp => events::apigw_v2_event(&request),
        EventTemplate::S3Put => events::s3_put_event(&events::S3PutArgs {
            bucket: "example-bucket",
            key: "test/key",
            size: 1024,
            etag: "0123456789abcdef0123456789abcdef",
            sequencer: 1,
            time_ms: config.epoch_unix * 1000,
            region: &config.region,
        }),
        EventTemplate::Schedule => events::scheduled_event(
            &config.region,
            &config.account_id,
            "example-rule",
            config.epoch_unix,
            &mut Rng::seed_from_u64(seed),
        ),
        EventTemplate::Custom => event.clone(),
    }
}

/// Path parameters when the request matches the route (`{name}` matches one segment,
/// `{name+}` the rest), else `None`.
fn route_match(route: &Route, method: &str, path: &str) -> Option<BTreeMap<String, String>> {
    if route.method != "ANY" && !route.method.eq_ignore_ascii_case(method) {
        return None;
    }
    let want: Vec<&str> = route.path.trim_matches('/').split('/').collect();
    let got: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut params = BTreeMap::new();
    for (i, w) in want.iter().enumerate() {
        if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix("+}")) {
            let rest = got.get(i..)?.join("/");
            if rest.is_empty() {
                return None;
            }
            params.insert(name.to_string(), rest);
            return Some(params);
        }
        let g = got.get(i)?;
        match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(name) if !g.is_empty() => {
                params.insert(name.to_string(), g.to_string());
            }
            _ if w == g => {}
            _ => return None,
        }
    }
    (want.len() == got.len()).then_some(params)
}

/// API Gateway's own answer when no route matches.
fn not_found(api: ApiKind) -> events::HttpResponse {
    let header = match api {
        ApiKind::Rest => "Content-Type",
        ApiKind::Http => "content-type",
    };
    events::HttpResponse {
        status: 404,
        headers: BTreeMap::from([(header.to_string(), vec!["application/json".to_string()])]),
        cookies: Vec::new(),
        body: r#"{"message":"Not Found"}"#.into(),
        is_base64_encoded: false,
        gateway_log: vec![
            "No route matches the request: API Gateway answered 404 without invoking the function".into(),
        ],
    }
}

/// Whether a key passes a notification's filters, and why, as a sentence.
fn filter_reason(key: &str, prefix: &str, suffix: &str) -> (bool, String) {
    let p = key.starts_with(prefix);
    let s = key.ends_with(suffix);
    let reason = match (prefix.is_empty(), suffix.is_empty(), p, s) {
        (true, true, _, _) => format!("key {key} matches: the notification has no filter"),
        (false, true, true, _) => format!("key {key} matches prefix {prefix}"),
        (true, false, _, true) => format!("key {key} matches suffix {suffix}"),
        (false, false, true, true) => format!("key {key} matches prefix {prefix} and suffix {suffix}"),
        (_, _, false, _) => {
            format!("key {key} does not start with prefix {prefix}, so S3 sends no notification")
        }
        (_, _, _, false) => {
            format!("key {key} does not end with suffix {suffix}, so S3 sends no notification")
        }
    };
    (p && s, reason)
}

/// The role's policy documents as JSON, the default role's when the cell sets none.
fn policy_documents(spec: &FunctionSpec) -> Vec<Value> {
    if spec.policies.is_empty() {
        return vec![serde_json::from_str(iam::BASIC_EXECUTION_ROLE).expect("the built-in policy is JSON")];
    }
    spec.policies
        .iter()
        .map(|p| match p {
            Value::String(text) => serde_json::from_str(text).unwrap_or_else(|_| p.clone()),
            other => other.clone(),
        })
        .collect()
}

/// IAM's decision for the function's role, asked as the handler's SDK calls ask.
fn evaluate(
    policies: &[iam::Policy],
    account: &str,
    region: &str,
    config: &lambda::FunctionConfig,
    action: &str,
    resource: &str,
) -> iam::Evaluation {
    let principal = iam::assumed_role_arn(account, &config.role_name(), &config.name);
    let req = iam::Request::new(principal, action, resource)
        .with("aws:RequestedRegion", region.to_string())
        .with("aws:PrincipalAccount", account.to_string());
    iam::evaluate(policies, &req)
}

/// IAM's decision for a function cell's role as the cell now says (for the `iam` goal).
pub(crate) fn role_allows(
    spec: &FunctionSpec,
    action: &str,
    resource: &str,
) -> Result<iam::Evaluation, String> {
    let config = lambda::validate(spec).map_err(|e| format!("{}: {}", e.code, e.message))?;
    let c = AccountConfig::default();
    Ok(evaluate(
        &config.policies,
        &c.account_id,
        &c.region,
        &config,
        action,
        resource,
    ))
}

/// Power tuning: for each size a fresh account, one cold and `runs` warm invocations.
fn tune(spec: &FunctionSpec, memory: &[u32], runs: u32, event: &Value, seed: u64) -> CellOutput {
    let mut points = Vec::new();
    for &m in memory {
        let mut sized = spec.clone();
        sized.memory_size = Some(m);
        let mut nb = Notebook::with_seed(seed);
        if let Err(e) = nb.deploy(&sized) {
            return e;
        }
        let arch = nb
            .engine
            .model()
            .function_config(nb.deployed[&sized.name].fid)
            .architecture;
        nb.invoke(&sized.name, event.clone(), "tuning");
        let (mut total_ms, mut total_billed, mut cost, mut errors) = (0.0, 0u64, 0.0, 0u32);
        let warm = runs.max(1);
        for _ in 0..warm {
            let id = nb.invoke(&sized.name, event.clone(), "tuning");
            let Some(r) = nb.engine.model().records_of(id).next() else {
                return unfinished(&sized.name);
            };
            total_ms += r.duration_us as f64 / 1000.0;
            total_billed += r.billed_ms;
            cost += billing::price(m, r.billed_ms, 1, arch, false).total_usd;
            if !matches!(r.outcome, Outcome::Success(_)) {
                errors += 1;
            }
        }
        let n = f64::from(warm);
        points.push(TuningPoint {
            memory_mb: m,
            avg_ms: total_ms / n,
            billed_ms: total_billed as f64 / n,
            cost_per_million_usd: cost / n * 1e6,
            errors,
        });
    }
    // A size whose runs failed (out of memory, timed out) is no candidate: an out-of-memory run
    // is billed a few milliseconds and would otherwise look the cheapest.
    let pick = |key: &dyn Fn(&TuningPoint) -> f64| {
        points
            .iter()
            .filter(|p| p.errors == 0)
            .fold(None::<&TuningPoint>, |best, p| match best {
                Some(b) if key(b) <= key(p) => Some(b),
                _ => Some(p),
            })
            .map_or(0, |p| p.memory_mb)
    };
    let cheapest = pick(&|p| p.cost_per_million_usd);
    let fastest = pick(&|p| p.avg_ms);
    CellOutput::Tuning(TuningOutput {
        points,
        cheapest,
        fastest,
    })
}

/// A load run on a fresh account, advanced in slices: [`lambda::LoadSim`] with a lab's chart
/// buckets. Records are off and the trace is only hashed, so a 10-minute 1,000 rps run stays
/// small in memory.
pub struct LoadRun {
    sim: LoadSim,
    rps: f64,
    period_s: u64,
}

impl LoadRun {
    pub fn new(
        spec: &FunctionSpec,
        rps: f64,
        duration: SimDuration,
        event: &Value,
        seed: u64,
    ) -> Result<LoadRun, lambda::InvalidFunctionConfig> {
        let period_s = (duration.as_secs() / 60).max(1);
        let account = AccountConfig {
            keep_records: false,
            trace: TraceMode::Hash,
            ..AccountConfig::default()
        };
        let sim = LoadSim::new(spec, rps, duration, event, seed, account, period_s)?;
        Ok(LoadRun { sim, rps, period_s })
    }

    /// Advances simulated time by at most `sim` and at most `max_steps` engine steps; true when
    /// finished.
    pub fn advance(&mut self, sim: SimDuration, max_steps: u64) -> bool {
        self.sim.advance(sim, max_steps)
    }

    pub fn now(&self) -> SimDuration {
        self.sim.now().since(SimTime::ZERO)
    }
    pub fn duration(&self) -> SimDuration {
        self.sim.duration()
    }
    pub fn finished(&self) -> bool {
        self.sim.finished()
    }

    /// The series so far (charts redraw from it) and the totals so far.
    pub fn progress(&self) -> LoadOutput {
        let acc = self.sim.account();
        let fid = self.sim.function();
        let buckets = acc.metrics.buckets(fid);
        let period = self.period_s as f64;
        let points: Vec<LoadPoint> = buckets
            .iter()
            .map(|b| LoadPoint {
                t_s: b.index as f64 * period,
                invocations: b.invocations,
                errors: b.errors,
                throttles: b.throttles,
                timeouts: b.timeouts,
                p50_ms: b.p50_ms,
                p99_ms: b.p99_ms,
                concurrency: b.max_concurrency,
                cold_starts: b.cold_starts,
            })
            .collect();
        let (p50_ms, p99_ms) = acc.metrics.overall_percentiles(fid);
        let totals = LoadTotals {
            invocations: acc.finished,
            errors: points.iter().map(|p| p.errors).sum(),
            throttles: acc.throttled,
            timeouts: points.iter().map(|p| p.timeouts).sum(),
            cold_starts: acc.cold_starts,
            p50_ms,
            p99_ms,
            max_concurrency: points.iter().map(|p| p.concurrency).max().unwrap_or(0),
        };
        let cost = billing::price_usage(&acc.billing, false);
        let monthly = billing::price_usage(&acc.billing.scaled(self.sim.month_factor()), true);
        LoadOutput {
            rps: self.rps,
            duration_s: self.sim.duration().as_micros() as f64 / 1e6,
            done_s: (self.sim.now().as_micros() as f64 / 1e6)
                .min(self.sim.duration().as_micros() as f64 / 1e6),
            period_s: period,
            points,
            totals,
            cost_usd: cost.total_usd,
            monthly_usd: monthly.total_usd,
            finished: self.sim.finished(),
        }
    }
}
