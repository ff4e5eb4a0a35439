//! The lab notebook's state: the learner's working copy of the cells, the kernel, each cell's
//! last output, the goals' verdicts, hints, the sliced run in progress (a Lambda load run) and its
//! pacing, the step-through position of each cell that recorded steps, and what is saved.
//!
//! The reducer is generic over the kernel ([`PageKernel`]): the Lambda notebook (`Notebook`, with
//! the handler script engine) and the container workbench (`Workbench`, with the ECS model) each
//! bring their own runs, fields and checks, and each wasm module instantiates only its own, so
//! neither links the other's engine. The Lambda side is here; the container side is in
//! `state::sched`.
//!
//! The reducer is pure in the sense that matters: it reads no clock, storage or URL and touches
//! no DOM; it calls the core's kernel, which is deterministic. Effects in the component do the
//! rest (storage, the share link, the frame loop that advances a load run or plays steps).
//! Every form field's text is kept as typed (`drafts`) so a half-typed number or JSON value is
//! never thrown away; the cell takes the value once it parses, and the field says why until then.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use cloudbook::lab::{
    Cell, CellKind, CellOutput, EventTemplate, GoalStatus, GoalVerdict, Kernel, LabSpec, LoadOutput, LoadRun,
    Notebook,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use yew::Reducible;

use crate::i18n::{Msg, fill, t};
use crate::slices::Pacer;
use crate::state::stepper::{StepOp, Stepper};

/// The version of the saved state (`cloudbook:v1:lab:<id>` and share links). Version 1 was the
/// one-cell lab (`{version, code, passed}`).
pub const SAVED_LAB_VERSION: u32 = 2;

/// What survives a reload, in localStorage, and what a share link carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedLab {
    pub version: u32,
    pub cells: Vec<Cell>,
    #[serde(default)]
    pub passed: bool,
    #[serde(default)]
    pub hints_shown: u32,
}

/// Why a saved state or a link was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreProblem {
    Unreadable,
    OtherVersion,
    CellsChanged,
}

impl RestoreProblem {
    fn message(self, from_link: bool) -> String {
        let what = t(if from_link { Msg::FromLink } else { Msg::FromSaved });
        let why = t(match self {
            RestoreProblem::Unreadable => Msg::LabRestoreUnreadable,
            RestoreProblem::OtherVersion => Msg::LabRestoreOtherVersion,
            RestoreProblem::CellsChanged => Msg::LabRestoreCellsChanged,
        });
        fill(Msg::LabRestoreNotice, &[("what", what), ("why", why)])
    }
}

/// Reads a saved state (or a link's) for `spec`: the same cells (ids and kinds, in order) or
/// nothing, with the reason.
pub fn read_saved(spec: &LabSpec, json: &str) -> Result<SavedLab, RestoreProblem> {
    let raw: Value = serde_json::from_str(json).map_err(|_| RestoreProblem::Unreadable)?;
    if raw.get("version").and_then(Value::as_u64) != Some(u64::from(SAVED_LAB_VERSION)) {
        return Err(RestoreProblem::OtherVersion);
    }
    let saved: SavedLab = serde_json::from_value(raw).map_err(|_| RestoreProblem::Unreadable)?;
    let same = saved.cells.len() == spec.cells.len()
        && saved.cells.iter().zip(&spec.cells).all(|(a, b)| {
            a.id == b.id && a.kind.name() == b.kind.name() && a.kind.function() == b.kind.function()
        });
    if !same {
        return Err(RestoreProblem::CellsChanged);
    }
    Ok(saved)
}

/// A form field of a cell; the view sends its text, the reducer parses it into the cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Handler,
    Memory,
    Timeout,
    Architecture,
    EphemeralStorage,
    Environment,
    ReservedConcurrency,
    Policies,
    Template,
    Event,
    Method,
    Path,
    Query,
    Headers,
    Body,
    Prefix,
    Suffix,
    PutKey,
    PutBody,
    Expression,
    RunFor,
    Rps,
    Duration,
    MemoryList,
    Runs,
    Probes,
    /// A container cell's key as the lab block writes it (`cpu`, `at`, `scenario`).
    Key(&'static str),
    /// The build text of an image cell's image `n`.
    Build(u8),
}

impl Field {
    /// The field's name in page hooks (`data-cloudbook-field`) and element ids: `memory`,
    /// `cpu`, `build-0`.
    pub fn hook(self) -> String {
        match self {
            Field::Key(k) => k.to_string(),
            Field::Build(n) => format!("build-{n}"),
            other => format!("{other:?}").to_ascii_lowercase(),
        }
    }
}

/// What the reducer needs from a kernel beyond running cells: a kernel's own fields, checks and
/// sliced runs. Each wasm module instantiates the reducer with one kernel, so code reached only
/// through another kernel's implementation is never linked into it.
pub trait PageKernel: Kernel + Sized + 'static {
    /// A run the page advances in slices, frame by frame (a Lambda load run). A kernel without
    /// one names an uninhabited type, so the slice paths compile to nothing.
    type Slice: 'static;
    /// Starts cell `i` as a sliced run, when it is one (`None`: run it whole).
    #[allow(clippy::result_large_err)]
    fn start_slice(&mut self, cells: &[Cell], i: usize) -> Option<Result<Self::Slice, CellOutput>>;
    /// Records a finished sliced run in the kernel.
    fn finish_slice(&mut self, cells: &[Cell], i: usize, run: &Self::Slice);
    /// Where a sliced run is.
    fn slice_progress(run: &Self::Slice) -> LoadOutput;
    /// What AWS would answer to each cell's configuration before anything runs, by cell index.
    fn config_errors(cells: &[Cell]) -> BTreeMap<usize, String>;
    /// Applies a field's text to a cell; on error the cell keeps its last good value.
    fn apply(kind: &mut CellKind, field: Field, text: &str) -> Result<(), String>;
    /// The text of a field as the cell holds it.
    fn field_value(kind: &CellKind, field: Field) -> String;
    /// A one-line account of an output for the aria-live region (without the cell's name).
    fn summary(out: &CellOutput) -> String;
    /// Sets a form field of a cell that has a form over its text (a scenario cell).
    fn form_edit(kind: &mut CellKind, key: &str, value: &str) -> Result<(), String> {
        let _ = (kind, value);
        Err(format!("this lab has no form field {key}"))
    }
}

/// The run the page is advancing in slices.
pub struct LoadSlot<S> {
    pub cell: usize,
    /// Bumped for each new run, so the frame loop of an old run stops.
    pub generation: u64,
    pub run: Rc<RefCell<S>>,
}

pub struct LabState<K: PageKernel> {
    pub spec: Rc<LabSpec>,
    pub cells: Vec<Cell>,
    pub kernel: Rc<RefCell<K>>,
    /// The last output shown under each cell (a load run's progress while it runs).
    pub outputs: Vec<Option<Rc<CellOutput>>>,
    pub verdicts: Vec<GoalVerdict>,
    /// The goals were all reached at least once (kept across reloads).
    pub passed: bool,
    pub hints_shown: u32,
    /// Field texts as typed, and why one does not parse.
    pub drafts: BTreeMap<(usize, Field), String>,
    pub field_errors: BTreeMap<(usize, Field), String>,
    /// Per function cell: what AWS would answer to its configuration, before anything runs.
    pub config_errors: BTreeMap<usize, String>,
    /// The handler line to mark per function name.
    pub error_lines: BTreeMap<String, u32>,
    pub load: Option<LoadSlot<K::Slice>>,
    /// The generation of the last load run started (never reused, so a stopped run's frame
    /// loop cannot report into a new one).
    pub generations: u64,
    pub pacer: Pacer,
    /// Cells still to run after the load run in progress (Run all).
    pub queue: Vec<usize>,
    /// A restore or link notice.
    pub notice: Option<String>,
    /// What the aria-live region says after the last action.
    pub announce: String,
    /// The share link's fragment once asked for.
    pub share: Option<String>,
    /// The step-through position of each cell whose output recorded steps.
    pub steppers: BTreeMap<usize, Stepper>,
    /// Why a form field's value was refused, by cell and form key.
    pub form_errors: BTreeMap<(usize, String), String>,
    /// Bumped on every change, so components compare states cheaply.
    pub rev: u64,
}

impl<K: PageKernel> PartialEq for LabState<K> {
    fn eq(&self, other: &Self) -> bool {
        self.rev == other.rev && Rc::ptr_eq(&self.spec, &other.spec)
    }
}

pub enum LabAction {
    Edit {
        cell: usize,
        field: Field,
        value: String,
    },
    Run(usize),
    RunAll,
    Reset,
    Hint,
    /// A saved state or a link to apply, or why it could not be.
    Restore {
        saved: Result<SavedLab, RestoreProblem>,
        from_link: bool,
    },
    /// The share link's fragment, made by the effect from [`LabState::saved`].
    Shared(String),
    Play,
    Pause,
    Step,
    Speed(u32),
    /// The frame loop advanced the run of `generation`.
    LoadProgress {
        generation: u64,
        output: LoadOutput,
    },
    /// The run of `generation` finished.
    LoadFinished {
        generation: u64,
    },
    DismissNotice,
    /// Moves the step-through of cell `cell`.
    Steps {
        cell: usize,
        op: StepOp,
    },
    /// A scenario form field (`instance.0.count`) set to `value`, through the core's
    /// `set_scenario_field`.
    Form {
        cell: usize,
        key: String,
        value: String,
    },
}

impl<K: PageKernel> LabState<K> {
    pub fn new(spec: Rc<LabSpec>) -> Self {
        let cells = spec.cells.clone();
        let n = cells.len();
        let mut state = LabState {
            kernel: Rc::new(RefCell::new(K::new(&spec))),
            outputs: vec![None; n],
            verdicts: Vec::new(),
            passed: false,
            hints_shown: 0,
            drafts: BTreeMap::new(),
            field_errors: BTreeMap::new(),
            config_errors: BTreeMap::new(),
            error_lines: BTreeMap::new(),
            load: None,
            generations: 0,
            pacer: Pacer::default(),
            queue: Vec::new(),
            notice: None,
            announce: String::new(),
            share: None,
            steppers: BTreeMap::new(),
            form_errors: BTreeMap::new(),
            rev: 0,
            cells,
            spec,
        };
        state.validate_all();
        state.evaluate();
        state
    }

    pub fn saved(&self) -> SavedLab {
        SavedLab {
            version: SAVED_LAB_VERSION,
            cells: self.cells.clone(),
            passed: self.passed,
            hints_shown: self.hints_shown,
        }
    }

    /// Whether every goal passes now (a lab without goals never does).
    pub fn all_pass(&self) -> bool {
        !self.verdicts.is_empty() && self.verdicts.iter().all(|v| v.status == GoalStatus::Pass)
    }

    /// The text a field shows: as typed, or formatted from the cell.
    pub fn field_text(&self, cell: usize, field: Field) -> String {
        if let Some(d) = self.drafts.get(&(cell, field)) {
            return d.clone();
        }
        self.cells
            .get(cell)
            .map(|c| K::field_value(&c.kind, field))
            .unwrap_or_default()
    }

    fn validate_all(&mut self) {
        self.config_errors = K::config_errors(&self.cells);
    }

    fn evaluate(&mut self) {
        self.verdicts = self.kernel.borrow().evaluate(&self.spec, &self.cells);
        if self.all_pass() {
            self.passed = true;
        }
    }

    /// Runs cell `i` on the kernel; a load cell starts a sliced run instead (false then).
    fn run_one(&mut self, i: usize) -> bool {
        if i >= self.cells.len() {
            return true;
        }
        let started = self.kernel.borrow_mut().start_slice(&self.cells, i);
        if let Some(started) = started {
            return match started {
                Ok(run) => {
                    self.generations += 1;
                    let generation = self.generations;
                    self.outputs[i] = Some(Rc::new(CellOutput::Load(K::slice_progress(&run))));
                    self.load = Some(LoadSlot {
                        cell: i,
                        generation,
                        run: Rc::new(RefCell::new(run)),
                    });
                    self.pacer = Pacer {
                        until_s: None,
                        playing: true,
                        ..self.pacer
                    };
                    false
                }
                Err(e) => {
                    self.show(i, e);
                    true
                }
            };
        }
        let out = self.kernel.borrow_mut().run_cell(&self.cells, i);
        self.show(i, out);
        true
    }

    /// Puts an output under cell `i` and remembers the handler line it names.
    fn show(&mut self, i: usize, out: CellOutput) {
        let function = self.cells[i].kind.function().to_string();
        let line = match &out {
            CellOutput::Error { line, .. } => *line,
            CellOutput::Deployed { .. } => None,
            other => other.runs().last().and_then(|r| r.error_line),
        };
        match line {
            Some(l) => {
                self.error_lines.insert(function, l);
            }
            None => {
                if !matches!(out, CellOutput::Iam { .. }) {
                    self.error_lines.remove(&function);
                }
            }
        }
        self.announce = fill(
            Msg::CellRan,
            &[("cell", &self.cells[i].id), ("what", &K::summary(&out))],
        );
        self.steppers.remove(&i);
        if let Some(len) = recorded_steps(&out) {
            self.steppers.insert(i, Stepper::at_end(len));
        }
        self.outputs[i] = Some(Rc::new(out));
    }

    /// Runs queued cells until one starts a load run.
    fn drain_queue(&mut self) {
        while !self.queue.is_empty() {
            let i = self.queue.remove(0);
            if !self.run_one(i) {
                break;
            }
        }
    }

    fn stop_load(&mut self) {
        self.load = None;
        self.queue.clear();
    }

    fn edit(&mut self, i: usize, field: Field, value: String) {
        let Some(cell) = self.cells.get_mut(i) else { return };
        let parsed = K::apply(&mut cell.kind, field, &value);
        match parsed {
            Ok(()) => {
                self.field_errors.remove(&(i, field));
            }
            Err(why) => {
                self.field_errors.insert((i, field), why);
            }
        }
        // A template choice rewrites the event, so the event's own draft goes.
        if field == Field::Template {
            self.drafts
                .retain(|(c, f), _| *c != i || !matches!(f, Field::Event));
            self.field_errors
                .retain(|(c, f), _| *c != i || !matches!(f, Field::Event));
        }
        // A form field of an API event rewrites the event JSON; the JSON's draft goes, and back.
        if matches!(
            field,
            Field::Method | Field::Path | Field::Query | Field::Headers | Field::Body
        ) && matches!(self.cells[i].kind, CellKind::Invoke { .. })
        {
            self.drafts.remove(&(i, Field::Event));
        }
        if field == Field::Event {
            self.drafts.retain(|(c, f), _| {
                *c != i
                    || !matches!(
                        f,
                        Field::Method | Field::Path | Field::Query | Field::Headers | Field::Body
                    )
            });
        }
        if field == Field::Handler {
            let function = self.cells[i].kind.function().to_string();
            self.error_lines.remove(&function);
        }
        if field != Field::Template {
            self.drafts.insert((i, field), value);
        }
        self.validate_all();
        self.evaluate();
    }
}

/// How many placement steps an output recorded (scenario and deployment cells), so the page can
/// step through them; `None` for outputs without steps.
pub fn recorded_steps(out: &CellOutput) -> Option<u32> {
    match out {
        CellOutput::Cluster(c) => Some(c.steps.len() as u32),
        CellOutput::Deployment(d) => Some(d.cluster.steps.len() as u32),
        _ => None,
    }
}

/// The Lambda notebook: the handler script engine and the simulated account.
impl PageKernel for Notebook {
    type Slice = LoadRun;

    // The core's `start_load` returns its error output unboxed; it is moved, not copied around.
    #[allow(clippy::result_large_err)]
    fn start_slice(&mut self, cells: &[Cell], i: usize) -> Option<Result<LoadRun, CellOutput>> {
        let load = matches!(cells.get(i).map(|c| &c.kind), Some(CellKind::Load { .. }));
        load.then(|| self.start_load(cells, i))
    }

    fn finish_slice(&mut self, cells: &[Cell], i: usize, run: &LoadRun) {
        self.finish_load(cells, i, run);
    }

    fn slice_progress(run: &LoadRun) -> LoadOutput {
        run.progress()
    }

    fn config_errors(cells: &[Cell]) -> BTreeMap<usize, String> {
        let mut errors = BTreeMap::new();
        for (i, c) in cells.iter().enumerate() {
            if let CellKind::Function(spec) = &c.kind
                && let Err(e) = cloudbook::lambda::validate(spec)
            {
                errors.insert(i, e.to_string());
            }
        }
        errors
    }

    fn apply(kind: &mut CellKind, field: Field, text: &str) -> Result<(), String> {
        apply(kind, field, text)
    }

    fn field_value(kind: &CellKind, field: Field) -> String {
        field_value(kind, field)
    }

    fn summary(out: &CellOutput) -> String {
        summary(out)
    }
}

/// A one-line account of a Lambda cell's output for the aria-live region.
fn summary(out: &CellOutput) -> String {
    match out {
        CellOutput::Deployed {
            function,
            version,
            changed: true,
        } => format!("deployed {function} version {version}"),
        CellOutput::Deployed {
            function, version, ..
        } => format!("{function} version {version} unchanged"),
        CellOutput::Invoked(r) => match &r.invocation.error {
            Some(e) => format!(
                "error {}",
                e.get("errorType").and_then(Value::as_str).unwrap_or("")
            ),
            None => format!(
                "succeeded, {} start, billed {} ms",
                start_word(r),
                r.invocation.billed_ms
            ),
        },
        CellOutput::Http { response, .. } => format!("HTTP {}", response.status),
        CellOutput::S3 { matched, runs, .. } => {
            if *matched {
                format!("delivered, {} invocation(s)", runs.len())
            } else {
                "not delivered".to_string()
            }
        }
        CellOutput::Schedule { fires, .. } => format!("fired {} time(s)", fires.len()),
        CellOutput::Iam { calls, probes, .. } => {
            format!("{} SDK call(s), {} probe(s)", calls.len(), probes.len())
        }
        CellOutput::Load(l) => format!(
            "{} invocations, {} throttles",
            l.totals.invocations, l.totals.throttles
        ),
        CellOutput::Tuning(t) => format!("cheapest {} MB, fastest {} MB", t.cheapest, t.fastest),
        CellOutput::Error { message, .. } => format!("error: {message}"),
        // Container outputs: the workbench's own summaries (`state::sched`).
        _ => String::new(),
    }
}

fn start_word(r: &cloudbook::lab::RunOutput) -> &'static str {
    match r.start.kind {
        cloudbook::lab::StartKind::Cold => "cold",
        cloudbook::lab::StartKind::Warm => "warm",
        cloudbook::lab::StartKind::None => "no",
    }
}

/// The text of a field as the cell holds it.
pub fn field_value(kind: &CellKind, field: Field) -> String {
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let opt = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    match (kind, field) {
        (CellKind::Function(f), Field::Handler) => f.handler.clone().unwrap_or_default(),
        (CellKind::Function(f), Field::Memory) => f.memory_size.unwrap_or(128).to_string(),
        (CellKind::Function(f), Field::Timeout) => f.timeout.unwrap_or(3).to_string(),
        (CellKind::Function(f), Field::Architecture) => {
            f.architecture.clone().unwrap_or_else(|| "x86_64".into())
        }
        (CellKind::Function(f), Field::EphemeralStorage) => f.ephemeral_storage.unwrap_or(512).to_string(),
        (CellKind::Function(f), Field::ReservedConcurrency) => opt(f.reserved_concurrency),
        (CellKind::Function(f), Field::Environment) => f
            .environment
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\n"),
        (CellKind::Function(f), Field::Policies) => pretty(&Value::Array(f.policies.clone())),
        (CellKind::Invoke { template, .. }, Field::Template) => template_name(*template).to_string(),
        (
            CellKind::Invoke { event, .. } | CellKind::Load { event, .. } | CellKind::Tuning { event, .. },
            Field::Event,
        ) => pretty(event),
        (
            CellKind::Invoke { event, template, .. },
            f @ (Field::Method | Field::Path | Field::Query | Field::Headers | Field::Body),
        ) => api_event_field(*template, event, f),
        (CellKind::Api { request, .. }, Field::Method) => request.method.clone(),
        (CellKind::Api { request, .. }, Field::Path) => request.path.clone(),
        (CellKind::Api { request, .. }, Field::Query) => request.query.clone(),
        (CellKind::Api { request, .. }, Field::Headers) => request
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n"),
        (CellKind::Api { request, .. }, Field::Body) => request.body.clone(),
        (CellKind::S3 { prefix, .. }, Field::Prefix) => prefix.clone(),
        (CellKind::S3 { suffix, .. }, Field::Suffix) => suffix.clone(),
        (CellKind::S3 { put, .. }, Field::PutKey) => put.key.clone(),
        (CellKind::S3 { put, .. }, Field::PutBody) => put.body.clone(),
        (CellKind::Schedule { expression, .. }, Field::Expression) => expression.clone(),
        (CellKind::Schedule { run_for, .. }, Field::RunFor) => run_for.to_string(),
        (CellKind::Load { rps, .. }, Field::Rps) => rps.to_string(),
        (CellKind::Load { duration, .. }, Field::Duration) => duration.to_string(),
        (CellKind::Tuning { memory, .. }, Field::MemoryList) => {
            memory.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
        }
        (CellKind::Tuning { runs, .. }, Field::Runs) => runs.to_string(),
        (CellKind::Iam { probes, .. }, Field::Probes) => probes
            .iter()
            .map(|p| format!("{} {}", p.action, p.resource))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

pub fn template_name(t: EventTemplate) -> &'static str {
    match t {
        EventTemplate::Custom => "custom",
        EventTemplate::ApigwRest => "apigw-rest",
        EventTemplate::ApigwHttp => "apigw-http",
        EventTemplate::S3Put => "s3-put",
        EventTemplate::Schedule => "schedule",
    }
}

fn template_of(name: &str) -> Option<EventTemplate> {
    Some(match name {
        "custom" => EventTemplate::Custom,
        "apigw-rest" => EventTemplate::ApigwRest,
        "apigw-http" => EventTemplate::ApigwHttp,
        "s3-put" => EventTemplate::S3Put,
        "schedule" => EventTemplate::Schedule,
        _ => return None,
    })
}

/// The request fields of an API Gateway event, as the invoke cell's form shows them.
fn api_event_field(template: EventTemplate, event: &Value, field: Field) -> String {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let v2 = template == EventTemplate::ApigwHttp;
    match field {
        Field::Method if v2 => s(event.pointer("/requestContext/http/method")),
        Field::Method => s(event.get("httpMethod")),
        Field::Path if v2 => s(event.get("rawPath")),
        Field::Path => s(event.get("path")),
        Field::Query if v2 => s(event.get("rawQueryString")),
        Field::Query => event
            .get("queryStringParameters")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join("&")
            })
            .unwrap_or_default(),
        Field::Headers => event
            .get("headers")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
        Field::Body => s(event.get("body")),
        _ => String::new(),
    }
}

/// `a=1&b=2` into pairs (no percent-decoding: the form shows what was typed).
fn query_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// `name: value` lines into pairs; a line without a colon is an error naming it.
fn header_lines(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| fill(Msg::BadHeaderLine, &[("n", &(n + 1).to_string()), ("line", line)]))?;
        out.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    Ok(out)
}

/// The API Gateway event of a request, built by the core as API Gateway would.
pub fn api_event(
    template: EventTemplate,
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    body: &str,
) -> Value {
    use cloudbook::lambda::events;
    let config = cloudbook::lambda::AccountConfig::default();
    let request = events::HttpRequest {
        method: method.to_string(),
        path: path.to_string(),
        resource: path.to_string(),
        query: query_pairs(query),
        headers: headers.to_vec(),
        body: (!body.is_empty()).then(|| body.to_string()),
        time_ms: config.epoch_unix * 1000,
        request_id: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef".into(),
        ..Default::default()
    };
    match template {
        EventTemplate::ApigwRest => events::apigw_v1_event(&request),
        _ => events::apigw_v2_event(&request),
    }
}

fn parse_u32(text: &str, min: u32, max: u32) -> Result<u32, String> {
    let v: u32 = text
        .trim()
        .parse()
        .map_err(|_| fill(Msg::NotAWholeNumber, &[("text", text.trim())]))?;
    if v < min || v > max {
        return Err(fill(
            Msg::OutOfRange,
            &[("min", &min.to_string()), ("max", &max.to_string())],
        ));
    }
    Ok(v)
}

fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| fill(Msg::BadJson, &[("error", &e.to_string())]))
}

/// Applies a field's text to a cell; on error the cell keeps its last good value. Numbers of a
/// function's configuration are taken as typed (AWS's limits are checked by `validate`, in
/// AWS's words); fields AWS does not know have their own checks here.
pub fn apply(kind: &mut CellKind, field: Field, text: &str) -> Result<(), String> {
    match (kind, field) {
        (CellKind::Function(f), Field::Handler) => f.handler = Some(text.to_string()),
        (CellKind::Function(f), Field::Memory) => f.memory_size = Some(parse_u32(text, 0, u32::MAX)?),
        (CellKind::Function(f), Field::Timeout) => f.timeout = Some(parse_u32(text, 0, u32::MAX)?),
        (CellKind::Function(f), Field::EphemeralStorage) => {
            f.ephemeral_storage = Some(parse_u32(text, 0, u32::MAX)?)
        }
        (CellKind::Function(f), Field::Architecture) => f.architecture = Some(text.to_string()),
        (CellKind::Function(f), Field::ReservedConcurrency) => {
            f.reserved_concurrency = if text.trim().is_empty() {
                None
            } else {
                Some(parse_u32(text, 0, u32::MAX)?)
            }
        }
        (CellKind::Function(f), Field::Environment) => {
            let mut env = BTreeMap::new();
            for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                let (k, v) = line
                    .split_once('=')
                    .ok_or_else(|| fill(Msg::BadEnvLine, &[("n", &(n + 1).to_string()), ("line", line)]))?;
                env.insert(k.trim().to_string(), v.to_string());
            }
            f.environment = env;
        }
        (CellKind::Function(f), Field::Policies) => {
            f.policies = match parse_json(text)? {
                Value::Array(items) => items,
                obj @ Value::Object(_) => vec![obj],
                _ => return Err(t(Msg::PoliciesShape).to_string()),
            }
        }
        (CellKind::Invoke { template, event, .. }, Field::Template) => {
            let new = template_of(text).ok_or_else(|| t(Msg::UnknownTemplate).to_string())?;
            *template = new;
            *event = match new {
                EventTemplate::Custom => Value::Object(Default::default()),
                EventTemplate::ApigwRest | EventTemplate::ApigwHttp => {
                    api_event(new, "GET", "/", "", &[], "")
                }
                // The kernel fills an empty event from the template (S3 put, schedule tick).
                _ => Value::Object(Default::default()),
            };
        }
        (
            CellKind::Invoke { event, .. } | CellKind::Load { event, .. } | CellKind::Tuning { event, .. },
            Field::Event,
        ) => *event = parse_json(text)?,
        (
            CellKind::Invoke { template, event, .. },
            f @ (Field::Method | Field::Path | Field::Query | Field::Headers | Field::Body),
        ) => {
            if !matches!(template, EventTemplate::ApigwRest | EventTemplate::ApigwHttp) {
                return Err(t(Msg::NotAnApiEvent).to_string());
            }
            let mut method = api_event_field(*template, event, Field::Method);
            let mut path = api_event_field(*template, event, Field::Path);
            let mut query = api_event_field(*template, event, Field::Query);
            let mut headers = header_lines(&api_event_field(*template, event, Field::Headers))?;
            let mut body = api_event_field(*template, event, Field::Body);
            match f {
                Field::Method => method = text.trim().to_ascii_uppercase(),
                Field::Path => path = text.trim().to_string(),
                Field::Query => query = text.trim().trim_start_matches('?').to_string(),
                Field::Headers => headers = header_lines(text)?,
                _ => body = text.to_string(),
            }
            *event = api_event(*template, &method, &path, &query, &headers, &body);
        }
        (CellKind::Api { request, .. }, Field::Method) => request.method = text.trim().to_ascii_uppercase(),
        (CellKind::Api { request, .. }, Field::Path) => {
            if !text.starts_with('/') {
                return Err(t(Msg::PathSlash).to_string());
            }
            request.path = text.trim().to_string()
        }
        (CellKind::Api { request, .. }, Field::Query) => {
            request.query = text.trim().trim_start_matches('?').to_string()
        }
        (CellKind::Api { request, .. }, Field::Headers) => {
            request.headers = header_lines(text)?.into_iter().collect()
        }
        (CellKind::Api { request, .. }, Field::Body) => request.body = text.to_string(),
        (CellKind::S3 { prefix, .. }, Field::Prefix) => *prefix = text.to_string(),
        (CellKind::S3 { suffix, .. }, Field::Suffix) => *suffix = text.to_string(),
        (CellKind::S3 { put, .. }, Field::PutKey) => {
            if text.is_empty() {
                return Err(t(Msg::KeyEmpty).to_string());
            }
            put.key = text.to_string()
        }
        (CellKind::S3 { put, .. }, Field::PutBody) => put.body = text.to_string(),
        (CellKind::Schedule { expression, .. }, Field::Expression) => {
            cloudbook::lambda::schedule::Schedule::parse(text.trim()).map_err(|e| e.to_string())?;
            *expression = text.trim().to_string()
        }
        (CellKind::Schedule { run_for, .. }, Field::RunFor) => {
            let d: cloudbook::sim::SimDuration = text.trim().parse().map_err(|e| format!("{e}"))?;
            if d > cloudbook::sim::SimDuration::from_secs(7 * 24 * 3600) {
                return Err(t(Msg::RunForTooLong).to_string());
            }
            *run_for = d
        }
        (CellKind::Load { rps, .. }, Field::Rps) => {
            let v: f64 = text
                .trim()
                .parse()
                .map_err(|_| fill(Msg::NotANumber, &[("text", text.trim())]))?;
            if !(v > 0.0 && v <= cloudbook::lab::MAX_RPS) {
                return Err(fill(
                    Msg::RpsRange,
                    &[("max", &cloudbook::lab::MAX_RPS.to_string())],
                ));
            }
            *rps = v
        }
        (CellKind::Load { duration, .. }, Field::Duration) => {
            let d: cloudbook::sim::SimDuration = text.trim().parse().map_err(|e| format!("{e}"))?;
            if d == cloudbook::sim::SimDuration::ZERO || d > cloudbook::lab::MAX_LOAD {
                return Err(fill(
                    Msg::DurationRange,
                    &[("max", &cloudbook::lab::MAX_LOAD.to_string())],
                ));
            }
            *duration = d
        }
        (CellKind::Tuning { memory, .. }, Field::MemoryList) => {
            let mut sizes = Vec::new();
            for part in text.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
                sizes.push(parse_u32(part, 128, 10_240)?);
            }
            if sizes.is_empty()
                || sizes.len() > cloudbook::lab::MAX_TUNING_SIZES
                || sizes.windows(2).any(|w| w[0] >= w[1])
            {
                return Err(fill(
                    Msg::MemoryListRule,
                    &[("max", &cloudbook::lab::MAX_TUNING_SIZES.to_string())],
                ));
            }
            *memory = sizes
        }
        (CellKind::Tuning { runs, .. }, Field::Runs) => *runs = parse_u32(text, 1, 20)?,
        (CellKind::Iam { probes, .. }, Field::Probes) => {
            let mut out = Vec::new();
            for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                let mut words = line.split_whitespace();
                let (Some(action), Some(resource), None) = (words.next(), words.next(), words.next()) else {
                    return Err(fill(Msg::BadProbeLine, &[("n", &(n + 1).to_string())]));
                };
                out.push(cloudbook::lab::Probe {
                    action: action.to_string(),
                    resource: resource.to_string(),
                });
            }
            *probes = out
        }
        (kind, field) => {
            // The view only offers a cell's own fields; anything else is a bug of ours.
            return Err(format!("cell kind {} has no field {field:?}", kind.name()));
        }
    }
    Ok(())
}

impl<K: PageKernel> Reducible for LabState<K> {
    type Action = LabAction;

    fn reduce(self: Rc<Self>, action: LabAction) -> Rc<Self> {
        let mut next = LabState {
            spec: self.spec.clone(),
            cells: self.cells.clone(),
            kernel: self.kernel.clone(),
            outputs: self.outputs.clone(),
            verdicts: self.verdicts.clone(),
            passed: self.passed,
            hints_shown: self.hints_shown,
            drafts: self.drafts.clone(),
            field_errors: self.field_errors.clone(),
            config_errors: self.config_errors.clone(),
            error_lines: self.error_lines.clone(),
            load: self.load.as_ref().map(|l| LoadSlot {
                cell: l.cell,
                generation: l.generation,
                run: l.run.clone(),
            }),
            generations: self.generations,
            pacer: self.pacer,
            queue: self.queue.clone(),
            notice: self.notice.clone(),
            announce: self.announce.clone(),
            share: self.share.clone(),
            steppers: self.steppers.clone(),
            form_errors: self.form_errors.clone(),
            rev: self.rev + 1,
        };
        match action {
            LabAction::Edit { cell, field, value } => next.edit(cell, field, value),
            LabAction::Run(i) => {
                // Running a load cell again starts its run over; other cells may run meanwhile
                // (a load run has its own account).
                if matches!(next.cells.get(i).map(|c| &c.kind), Some(CellKind::Load { .. })) {
                    next.stop_load();
                }
                next.run_one(i);
                next.evaluate();
            }
            LabAction::RunAll => {
                next.stop_load();
                next.kernel = Rc::new(RefCell::new(K::new(&next.spec)));
                next.outputs = vec![None; next.cells.len()];
                next.steppers.clear();
                next.queue = (0..next.cells.len()).collect();
                next.drain_queue();
                next.evaluate();
                if next.load.is_none() {
                    next.announce = t(Msg::RanAll).to_string();
                }
            }
            LabAction::Reset => {
                let (passed, generations) = (next.passed, next.generations);
                next = LabState::new(next.spec.clone());
                next.passed = passed;
                next.generations = generations;
                next.rev = self.rev + 1;
                next.announce = t(Msg::LabWasReset).to_string();
            }
            LabAction::Hint => {
                if (next.hints_shown as usize) < next.spec.hints.len() {
                    next.hints_shown += 1;
                }
            }
            LabAction::Restore { saved, from_link } => match saved {
                Ok(saved) => {
                    next.cells = saved.cells;
                    next.passed |= saved.passed;
                    next.hints_shown = saved.hints_shown.min(next.spec.hints.len() as u32);
                    next.drafts.clear();
                    next.field_errors.clear();
                    next.notice = from_link.then(|| t(Msg::RestoredFromLink).to_string());
                    next.validate_all();
                    next.evaluate();
                }
                Err(problem) => next.notice = Some(problem.message(from_link)),
            },
            LabAction::Shared(fragment) => {
                next.share = Some(fragment);
                next.announce = t(Msg::LinkReady).to_string();
            }
            LabAction::Play => {
                next.pacer = Pacer {
                    playing: true,
                    until_s: None,
                    ..next.pacer
                }
            }
            LabAction::Pause => {
                next.pacer = Pacer {
                    playing: false,
                    until_s: None,
                    ..next.pacer
                }
            }
            LabAction::Step => {
                if let Some(l) = &next.load {
                    let out = K::slice_progress(&l.run.borrow());
                    next.pacer = next.pacer.step(out.done_s, out.period_s, out.duration_s);
                }
            }
            LabAction::Speed(s) => {
                next.pacer = Pacer {
                    speed: s,
                    ..next.pacer
                }
            }
            LabAction::LoadProgress { generation, output } => {
                if let Some(l) = &next.load
                    && l.generation == generation
                {
                    next.pacer = next.pacer.reached(output.done_s);
                    let cell = l.cell;
                    next.outputs[cell] = Some(Rc::new(CellOutput::Load(output)));
                }
            }
            LabAction::LoadFinished { generation } => {
                if let Some(l) = next.load.take() {
                    if l.generation == generation {
                        next.kernel
                            .borrow_mut()
                            .finish_slice(&next.cells, l.cell, &l.run.borrow());
                        let out = K::slice_progress(&l.run.borrow());
                        next.show(l.cell, CellOutput::Load(out));
                        next.drain_queue();
                        next.evaluate();
                    } else {
                        next.load = Some(l);
                    }
                }
            }
            LabAction::DismissNotice => next.notice = None,
            LabAction::Steps { cell, op } => {
                if let Some(s) = next.steppers.get_mut(&cell) {
                    *s = s.apply(op);
                }
            }
            LabAction::Form { cell, key, value } => {
                let Some(c) = next.cells.get_mut(cell) else {
                    return Rc::new(next);
                };
                match K::form_edit(&mut c.kind, &key, &value) {
                    Ok(()) => {
                        next.form_errors.remove(&(cell, key));
                        // The form rewrote the text: its draft goes.
                        next.drafts.retain(|(c, _), _| *c != cell);
                        next.field_errors.retain(|(c, _), _| *c != cell);
                    }
                    Err(why) => {
                        next.form_errors.insert((cell, key), why);
                    }
                }
                next.validate_all();
                next.evaluate();
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use cloudbook::lab::{GoalStatus, parse_lab};

    use super::*;

    const LAB: &str = r#"
id = "t"
title = "Test"
not_modelled = "Nothing."
hints = ["one", "two"]

[[cells]]
kind = "function"
name = "hello"
handler = '''
fn handler(event, context) {
    print(`Greeting ${event.name}`);
    #{ statusCode: 200, body: `Hi, ${event.name}!` }
}
'''

[[cells]]
kind = "invoke"
function = "hello"
event = { name = "Kim" }

[[cells]]
kind = "load"
function = "hello"
rps = 20.0
duration = "10s"

[[cells]]
kind = "tuning"
function = "hello"
memory = [128, 256]
runs = 2

[[goals]]
check = "response-contains"
cell = "invoke"
text = "Hello, Kim!"

[[goals]]
check = "max-throttles"
cell = "load"
value = 0

[solution.hello]
handler = '''
fn handler(event, context) { #{ statusCode: 200, body: `Hello, ${event.name}!` } }
'''
"#;

    type LabState = super::LabState<Notebook>;

    fn lab() -> LabState {
        LabState::new(Rc::new(parse_lab("t.md", LAB).expect("the test lab parses")))
    }

    fn act(s: LabState, a: LabAction) -> LabState {
        match Rc::try_unwrap(Rc::new(s).reduce(a)) {
            Ok(s) => s,
            Err(_) => panic!("the reducer keeps no other reference"),
        }
    }

    fn edit(s: LabState, cell: usize, field: Field, value: &str) -> LabState {
        act(
            s,
            LabAction::Edit {
                cell,
                field,
                value: value.into(),
            },
        )
    }

    /// Advances the load run to its end, as the frame loop would, and reports it finished.
    fn finish_load(s: LabState) -> LabState {
        let slot = s.load.as_ref().expect("a load run is in progress");
        let generation = slot.generation;
        let run = slot.run.clone();
        while !run
            .borrow_mut()
            .advance(cloudbook::sim::SimDuration::from_secs(1), 10_000)
        {}
        let output = run.borrow().progress();
        let s = act(s, LabAction::LoadProgress { generation, output });
        act(s, LabAction::LoadFinished { generation })
    }

    #[test]
    fn a_function_configuration_aws_rejects_is_reported_before_anything_runs() {
        let s = edit(lab(), 0, Field::Memory, "64");
        let why = s.config_errors.get(&0).expect("64 MB is refused");
        assert!(why.contains("memorySize") || why.contains("MemorySize"), "{why}");
        assert_eq!(
            s.field_errors.get(&(0, Field::Memory)),
            None,
            "AWS's check, not ours"
        );
        assert_eq!(s.field_text(0, Field::Memory), "64");
        let s = act(s, LabAction::Run(1));
        assert!(
            matches!(s.outputs[1].as_deref(), Some(CellOutput::Error { .. })),
            "nothing runs"
        );
        let s = edit(s, 0, Field::Memory, "256");
        assert!(s.config_errors.is_empty());
        // Not a number: the cell keeps its last good value and the field says why.
        let s = edit(s, 0, Field::Memory, "lots");
        assert!(s.field_errors.contains_key(&(0, Field::Memory)));
        assert_eq!(s.field_text(0, Field::Memory), "lots");
        let CellKind::Function(f) = &s.cells[0].kind else {
            panic!("cell 0 is the function")
        };
        assert_eq!(f.memory_size, Some(256));
    }

    #[test]
    fn running_cells_shows_outputs_and_judges_goals() {
        let s = lab();
        assert!(
            s.verdicts.iter().all(|v| v.status == GoalStatus::Pending),
            "{:?}",
            s.verdicts
        );
        let s = act(s, LabAction::Run(1));
        let Some(CellOutput::Invoked(run)) = s.outputs[1].as_deref() else {
            panic!("invoked: {:?}", s.outputs[1])
        };
        assert_eq!(run.start.kind, cloudbook::lab::StartKind::Cold);
        assert_eq!(s.verdicts[0].status, GoalStatus::Fail, "{:?}", s.verdicts[0]);
        assert!(s.announce.contains("invoke"), "{}", s.announce);
        // The same code again: warm.
        let s = act(s, LabAction::Run(1));
        let Some(CellOutput::Invoked(run)) = s.outputs[1].as_deref() else {
            panic!("invoked")
        };
        assert_eq!(run.start.kind, cloudbook::lab::StartKind::Warm);
        // Fix the handler: the goal is pending until the cell runs again, then passes.
        let fixed = "fn handler(event, context) { #{ statusCode: 200, body: `Hello, ${event.name}!` } }";
        let s = edit(s, 0, Field::Handler, fixed);
        assert_ne!(s.verdicts[0].status, GoalStatus::Pass);
        let s = act(s, LabAction::Run(1));
        assert_eq!(s.verdicts[0].status, GoalStatus::Pass, "{:?}", s.verdicts[0]);
        assert!(!s.passed, "the load goal is still open");
    }

    #[test]
    fn run_all_runs_in_order_through_a_sliced_load_and_passes() {
        let fixed = "fn handler(event, context) { #{ statusCode: 200, body: `Hello, ${event.name}!` } }";
        let s = edit(lab(), 0, Field::Handler, fixed);
        let s = act(s, LabAction::RunAll);
        assert_eq!(
            s.load.as_ref().map(|l| l.cell),
            Some(2),
            "the load cell runs in slices"
        );
        assert_eq!(s.queue, vec![3], "the tuning cell waits for it");
        assert!(s.outputs[3].is_none());
        let s = finish_load(s);
        assert!(s.load.is_none());
        assert!(
            matches!(s.outputs[2].as_deref(), Some(CellOutput::Load(l)) if l.finished && l.totals.invocations > 150)
        );
        assert!(matches!(s.outputs[3].as_deref(), Some(CellOutput::Tuning(t)) if t.points.len() == 2));
        assert!(s.all_pass(), "{:?}", s.verdicts);
        assert!(s.passed);
        // Reset keeps the record that the lab was passed, and nothing else.
        let s = act(s, LabAction::Reset);
        assert!(s.passed);
        assert_eq!(s.cells, s.spec.cells);
        assert!(s.outputs.iter().all(Option::is_none));
    }

    #[test]
    fn pacing_steps_one_period_and_an_old_run_cannot_finish_a_new_one() {
        let s = act(lab(), LabAction::Run(2));
        let s = act(s, LabAction::Step);
        assert!(!s.pacer.playing);
        assert_eq!(s.pacer.until_s, Some(1.0), "10 s run: one-second buckets");
        let old = s.load.as_ref().map(|l| l.generation).expect("running");
        let s = act(s, LabAction::Run(2));
        let new = s.load.as_ref().map(|l| l.generation).expect("running again");
        assert_ne!(old, new);
        let s = act(s, LabAction::LoadFinished { generation: old });
        assert!(s.load.is_some(), "a stale frame loop is ignored");
        let s = act(s, LabAction::Speed(60));
        assert_eq!(s.pacer.speed, 60);
    }

    #[test]
    fn saved_state_round_trips_and_other_shapes_reset_with_a_reason() {
        let s = edit(lab(), 1, Field::Event, r#"{"name": "Ana"}"#);
        let s = act(s, LabAction::Hint);
        let json = serde_json::to_string(&s.saved()).expect("serialises");
        let back = read_saved(&s.spec, &json).expect("reads back");
        assert_eq!(back.cells, s.cells);
        assert_eq!(back.hints_shown, 1);
        let fresh = act(
            lab(),
            LabAction::Restore {
                saved: Ok(back),
                from_link: true,
            },
        );
        assert_eq!(fresh.cells, s.cells);
        assert!(fresh.notice.is_some(), "a link says where the cells came from");

        assert_eq!(read_saved(&s.spec, "[1,2"), Err(RestoreProblem::Unreadable));
        assert_eq!(
            read_saved(&s.spec, r#"{"version":1,"code":"x","passed":true}"#),
            Err(RestoreProblem::OtherVersion)
        );
        let mut fewer = s.saved();
        fewer.cells.pop();
        let json = serde_json::to_string(&fewer).expect("serialises");
        assert_eq!(read_saved(&s.spec, &json), Err(RestoreProblem::CellsChanged));
        let bad = act(
            lab(),
            LabAction::Restore {
                saved: Err(RestoreProblem::CellsChanged),
                from_link: false,
            },
        );
        assert!(
            bad.notice.as_deref().is_some_and(|n| n.contains("changed")),
            "{:?}",
            bad.notice
        );
        assert_eq!(bad.cells, bad.spec.cells);
    }

    #[test]
    fn fields_parse_or_say_why_and_hints_stop_at_the_last() {
        let s = edit(lab(), 1, Field::Event, "{ not json");
        assert!(
            s.field_errors
                .get(&(1, Field::Event))
                .is_some_and(|e| e.contains("JSON"))
        );
        let s = edit(s, 1, Field::Template, "apigw-http");
        assert!(
            !s.field_errors.contains_key(&(1, Field::Event)),
            "a template replaces the broken JSON"
        );
        let s = edit(s, 1, Field::Query, "name=Kim");
        let s = edit(s, 1, Field::Path, "/hello");
        let CellKind::Invoke { event, .. } = &s.cells[1].kind else {
            panic!("invoke")
        };
        assert_eq!(event["rawPath"], "/hello");
        assert_eq!(event["rawQueryString"], "name=Kim");
        assert_eq!(s.field_text(1, Field::Path), "/hello");
        let s = edit(s, 2, Field::Rps, "0");
        assert!(s.field_errors.contains_key(&(2, Field::Rps)));
        let s = edit(s, 2, Field::Duration, "11m");
        assert!(s.field_errors.contains_key(&(2, Field::Duration)));
        let s = edit(s, 3, Field::MemoryList, "512, 256");
        assert!(s.field_errors.contains_key(&(3, Field::MemoryList)));
        let s = edit(s, 0, Field::Environment, "GREETING=Hello\nbroken");
        assert!(
            s.field_errors
                .get(&(0, Field::Environment))
                .is_some_and(|e| e.contains("line 2"))
        );
        let s = act(act(act(s, LabAction::Hint), LabAction::Hint), LabAction::Hint);
        assert_eq!(s.hints_shown, 2);
    }
}
