//! The lab block: its Rust types (which are also the page's JSON) and its parser.
//!
//! A block is TOML in a ```` ```lab ```` fence; [`parse_lab`] reads it through the one spanned walk
//! of [`crate::diag`], reports every problem at once and decodes the sound block, with the
//! reference solution applied to a second copy of the cells. Running cells belongs to
//! [`super::kernel`], judging goals to [`super::goals`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::container_format::{
    CONTAINER_CELLS, ImageBuildSpec, LoadStep, PushSpec, RepositorySpec, check_container_cell,
    decode_container_cell, is_container_kind,
};
use crate::diag::{self, Diagnostic, Field, Place, Table, Tagged, Ty, Walk, opt, req};
use crate::lambda::{self, ApiKind, FunctionSpec};
use crate::sim::SimDuration;

/// One lab block. The page's `data-lab` is this as JSON, without the solution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabSpec {
    /// Unique across the book; quizzes refer to it (`type = "lab"`) and progress is stored under it.
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    /// Markdown in the block, HTML after [`LabSpec::render_markdown`].
    #[serde(default)]
    pub instructions: Option<String>,
    /// "What this simulator does not model": Markdown, HTML after rendering.
    pub not_modelled: String,
    /// Revealed one at a time; Markdown, HTML after rendering.
    #[serde(default)]
    pub hints: Vec<String>,
    /// The simulation seed; the default keeps every learner's trace identical.
    #[serde(default)]
    pub seed: Option<u64>,
    /// The starting cells, in page order.
    pub cells: Vec<Cell>,
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// The goals as the page lists them in another language, in `goals` order (the Korean
    /// edition fills it from the catalog); empty: each goal's English [`Goal::describe`].
    /// Never written in a lab block.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goal_texts: Vec<String>,
    /// The cells with the reference solution applied. Never shipped to the page.
    #[serde(skip_serializing, default)]
    pub solution: Vec<Cell>,
}

/// One cell of the notebook. `id` is always filled after parsing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub id: String,
    #[serde(flatten)]
    pub kind: CellKind,
}

/// What a cell is, with its settings.
///
/// A page module decodes and saves the cells of one engine only: built with the `page-lambda`
/// feature (the `lab` module) serde skips the container variants, with `page-containers` (the
/// `sched` module) the Lambda ones, so neither carries the other's serde code. [`Goal`] does the
/// same; the CLI and the tests build with neither.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CellKind {
    /// An editor and a configuration form; running it deploys the function.
    #[cfg_attr(feature = "page-containers", serde(skip))]
    Function(FunctionSpec),
    /// Invokes the function with an event.
    #[cfg_attr(feature = "page-containers", serde(skip))]
    Invoke {
        function: String,
        template: EventTemplate,
        event: Value,
    },
    /// An API Gateway route in front of the function.
    #[cfg_attr(feature = "page-containers", serde(skip))]
    Api {
        function: String,
        api: ApiKind,
        route: Route,
        request: HttpRequestSpec,
    },
    /// A bucket whose `ObjectCreated` notifications (filtered) go to the function.
    #[cfg_attr(feature = "page-containers", serde(skip))]
    S3 {
        bucket: String,
        function: String,
        prefix: String,
        suffix: String,
        put: S3Put,
    },
    /// An EventBridge schedule rule that invokes the function; simulated time fast-forwards.
    #[cfg_attr(feature = "page-containers", serde(skip))]
    Schedule {
        function: String,
        expression: String,
        run_for: SimDuration,
    },
    /// The function's role: policies, the SDK calls its invocations made, probes.
    #[cfg_attr(feature = "page-containers", serde(skip))]
    Iam { function: String, probes: Vec<Probe> },
    /// Requests per second for a duration, on a fresh account.
    #[cfg_attr(feature = "page-containers", serde(skip))]
    Load {
        function: String,
        rps: f64,
        duration: SimDuration,
        event: Value,
    },
    /// The same handler at several memory sizes.
    #[cfg_attr(feature = "page-containers", serde(skip))]
    Tuning {
        function: String,
        memory: Vec<u32>,
        runs: u32,
        event: Value,
    },
    // Container cells (issue #11): plain data, run by the `Workbench`.
    /// An ECS scenario file: cluster view, placement step-through, service events, cost panel.
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Scenario { scenario: String },
    /// A rolling deployment of a service of a scenario cell to another task definition revision.
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Deployment {
        scenario: String,
        service: String,
        task_definition: String,
        minimum_healthy_percent: Option<u32>,
        maximum_percent: Option<u32>,
        at: SimDuration,
        run_for: SimDuration,
    },
    /// Image builds with their layers and cache, pushes and pulls, tags and digests, save/load.
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Image {
        images: Vec<ImageBuildSpec>,
        repository: Option<RepositorySpec>,
        push: Vec<PushSpec>,
        pull: Vec<String>,
        save: Vec<String>,
    },
    /// One Docker host: writable layer against volumes and bind mounts.
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Storage { host: String },
    /// Start-up of a container, a Fargate task and a virtual machine on one timeline.
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Startup {
        workloads: Vec<String>,
        image_mb: u32,
        mb_per_sec: u32,
        middleware: SimDuration,
        app: SimDuration,
    },
    /// A Fargate task size and its price.
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Fargate {
        cpu: u32,
        memory: u32,
        os: String,
        arch: String,
        platform_version: String,
        ephemeral_storage_gib: u32,
        hours: f64,
    },
    /// AWS Batch jobs from a Batch file.
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Batch { file: String },
    /// An Elastic Beanstalk deployment policy over time.
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Beanstalk {
        policy: String,
        instances: u32,
        batch_size: String,
        healthy: bool,
        deploy: SimDuration,
        launch: SimDuration,
        health_check: SimDuration,
        new_version_percent: u32,
        evaluation: SimDuration,
    },
    /// App Runner: requests in, instances out, the active and provisioned bill.
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Apprunner {
        vcpu: f64,
        memory_gb: f64,
        max_concurrency: u32,
        min_size: u32,
        max_size: u32,
        load: Vec<LoadStep>,
        run_for: SimDuration,
    },
    /// A Lightsail bundle and its monthly bill.
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Lightsail {
        bundle: String,
        count: u32,
        hours: f64,
        transfer_out_gb: f64,
    },
    /// Outposts racks anchored to an availability zone of their Region (a diagram, no simulator).
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Outposts { region: String, az: String, racks: u32 },
}

impl CellKind {
    /// The kind's name as the block writes it (`function`, `invoke`, …).
    pub fn name(&self) -> &'static str {
        match self {
            CellKind::Function(_) => "function",
            CellKind::Invoke { .. } => "invoke",
            CellKind::Api { .. } => "api",
            CellKind::S3 { .. } => "s3",
            CellKind::Schedule { .. } => "schedule",
            CellKind::Iam { .. } => "iam",
            CellKind::Load { .. } => "load",
            CellKind::Tuning { .. } => "tuning",
            CellKind::Scenario { .. } => "scenario",
            CellKind::Deployment { .. } => "deployment",
            CellKind::Image { .. } => "image",
            CellKind::Storage { .. } => "storage",
            CellKind::Startup { .. } => "startup",
            CellKind::Fargate { .. } => "fargate",
            CellKind::Batch { .. } => "batch",
            CellKind::Beanstalk { .. } => "beanstalk",
            CellKind::Apprunner { .. } => "apprunner",
            CellKind::Lightsail { .. } => "lightsail",
            CellKind::Outposts { .. } => "outposts",
        }
    }
    /// The engine that runs this kind of cell.
    pub fn engine(&self) -> LabEngine {
        if is_container_kind(self.name()) {
            LabEngine::Containers
        } else {
            LabEngine::Lambda
        }
    }
    /// The function a cell uses: its own for a function cell, else the one it names; empty for
    /// container cells.
    pub fn function(&self) -> &str {
        match self {
            CellKind::Function(f) => &f.name,
            CellKind::Invoke { function, .. }
            | CellKind::Api { function, .. }
            | CellKind::S3 { function, .. }
            | CellKind::Schedule { function, .. }
            | CellKind::Iam { function, .. }
            | CellKind::Load { function, .. }
            | CellKind::Tuning { function, .. } => function,
            _ => "",
        }
    }
}

/// Which kernel runs a lab: every cell of a lab runs on one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabEngine {
    /// Function, invoke, API, S3, schedule, IAM, load and tuning cells on a simulated account.
    Lambda,
    /// Scenario, deployment, image, storage, start-up, Fargate, Batch, Beanstalk, App Runner,
    /// Lightsail and Outposts cells.
    Containers,
}

impl LabSpec {
    /// `verdicts` (one per goal, in order) with each description in the page's language, where
    /// [`LabSpec::goal_texts`] has one.
    pub fn in_page_language(
        &self,
        mut verdicts: Vec<super::outputs::GoalVerdict>,
    ) -> Vec<super::outputs::GoalVerdict> {
        for (v, text) in verdicts.iter_mut().zip(&self.goal_texts) {
            v.description.clone_from(text);
        }
        verdicts
    }

    /// The engine of the lab's first cell (the parser refuses a lab that mixes the two).
    pub fn engine(&self) -> LabEngine {
        self.cells.first().map_or(LabEngine::Lambda, |c| c.kind.engine())
    }
}

/// What an invoke cell's event editor starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventTemplate {
    Custom,
    ApigwRest,
    ApigwHttp,
    S3Put,
    Schedule,
}

/// An API route: `GET /hello`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub method: String,
    pub path: String,
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// The request an API cell's Send button issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequestSpec {
    pub method: String,
    pub path: String,
    /// The query string without `?`: `name=Kim&x=1`.
    pub query: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// The object an S3 cell's Put button writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Put {
    pub key: String,
    pub body: String,
}

/// A question for IAM about the function's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    pub action: String,
    pub resource: String,
}

/// What the learner must achieve, judged against what the cells produced. Each check belongs to
/// one engine (`max-monthly-usd` to both), for the `page-*` features as for [`CellKind`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "kebab-case")]
pub enum Goal {
    #[cfg_attr(feature = "page-containers", serde(skip))]
    NoError { cell: String },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    ResponseContains { cell: String, text: String },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    LogContains { cell: String, text: String },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    StatusCode { cell: String, value: u16 },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    MaxBilledMs { cell: String, value: u64 },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    Start { cell: String, value: StartWanted },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    Invocations {
        cell: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    MaxThrottles { cell: String, value: u64 },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    MaxTimeouts { cell: String, value: u64 },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    MaxErrors { cell: String, value: u64 },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    MaxColdStarts { cell: String, value: u64 },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    MaxP99Ms { cell: String, value: f64 },
    MaxMonthlyUsd {
        cell: String,
        value: f64,
        /// A scenario cell's cost panel side (required there).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        side: Option<CostSide>,
    },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    Iam {
        function: String,
        action: String,
        resource: String,
        expect: Expect,
    },
    #[cfg_attr(feature = "page-containers", serde(skip))]
    MemoryIs {
        function: String,
        cell: String,
        pick: Pick,
    },
    // Container goals (issue #11).
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    AllPlaced { cell: String },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    InstancesUsed {
        cell: String,
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        min: Option<u32>,
        #[serde(default)]
        max: Option<u32>,
    },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    ZonesUsed {
        cell: String,
        #[serde(default)]
        service: Option<String>,
        min: u32,
    },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Running {
        cell: String,
        service: String,
        #[serde(default)]
        min: Option<u32>,
        #[serde(default)]
        max: Option<u32>,
    },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    EventContains { cell: String, text: String },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    NoEventContains { cell: String, text: String },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Cheaper { cell: String, side: CostSide },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    DeploymentCompleted { cell: String },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    MinRunning { cell: String, value: u32 },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    MaxRunning { cell: String, value: u32 },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    FargateValid { cell: String },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    FargateCheapest {
        cell: String,
        #[serde(default)]
        min_cpu: Option<u32>,
        #[serde(default)]
        min_memory: Option<u32>,
    },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    ImageOk { cell: String },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    MinCachedLayers { cell: String, value: u32 },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    MaxPullBytes { cell: String, value: u64 },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    PushRejected { cell: String },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    ReadReturns {
        cell: String,
        path: String,
        text: String,
        #[serde(default)]
        container: Option<String>,
    },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    MaxStartupMs {
        cell: String,
        workload: String,
        value: u64,
    },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    JobStatus {
        cell: String,
        job: String,
        status: String,
    },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    JobBefore {
        cell: String,
        job: String,
        before: String,
    },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    NoMixedVersions { cell: String },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    MinCapacityPct { cell: String, value: u32 },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Deployed { cell: String },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    MaxRejected { cell: String, value: u64 },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    NoOverage { cell: String },
    #[cfg_attr(feature = "page-lambda", serde(skip))]
    Anchored { cell: String },
}

/// A side of a scenario cell's cost panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CostSide {
    Ec2,
    Fargate,
}

impl CostSide {
    pub fn name(self) -> &'static str {
        match self {
            CostSide::Ec2 => "EC2",
            CostSide::Fargate => "Fargate",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StartWanted {
    Warm,
    Cold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pick {
    Cheapest,
    Fastest,
}

impl Goal {
    /// The cell whose output the goal reads, if it reads one.
    pub fn cell(&self) -> Option<&str> {
        match self {
            Goal::Iam { .. } => None,
            Goal::NoError { cell }
            | Goal::ResponseContains { cell, .. }
            | Goal::LogContains { cell, .. }
            | Goal::StatusCode { cell, .. }
            | Goal::MaxBilledMs { cell, .. }
            | Goal::Start { cell, .. }
            | Goal::Invocations { cell, .. }
            | Goal::MaxThrottles { cell, .. }
            | Goal::MaxTimeouts { cell, .. }
            | Goal::MaxErrors { cell, .. }
            | Goal::MaxColdStarts { cell, .. }
            | Goal::MaxP99Ms { cell, .. }
            | Goal::MaxMonthlyUsd { cell, .. }
            | Goal::MemoryIs { cell, .. }
            | Goal::AllPlaced { cell }
            | Goal::InstancesUsed { cell, .. }
            | Goal::ZonesUsed { cell, .. }
            | Goal::Running { cell, .. }
            | Goal::EventContains { cell, .. }
            | Goal::NoEventContains { cell, .. }
            | Goal::Cheaper { cell, .. }
            | Goal::DeploymentCompleted { cell }
            | Goal::MinRunning { cell, .. }
            | Goal::MaxRunning { cell, .. }
            | Goal::FargateValid { cell }
            | Goal::FargateCheapest { cell, .. }
            | Goal::ImageOk { cell }
            | Goal::MinCachedLayers { cell, .. }
            | Goal::MaxPullBytes { cell, .. }
            | Goal::PushRejected { cell }
            | Goal::ReadReturns { cell, .. }
            | Goal::MaxStartupMs { cell, .. }
            | Goal::JobStatus { cell, .. }
            | Goal::JobBefore { cell, .. }
            | Goal::NoMixedVersions { cell }
            | Goal::MinCapacityPct { cell, .. }
            | Goal::Deployed { cell }
            | Goal::MaxRejected { cell, .. }
            | Goal::NoOverage { cell }
            | Goal::Anchored { cell } => Some(cell),
        }
    }

    /// The check's name as the block writes it.
    pub fn check_name(&self) -> &'static str {
        match self {
            Goal::NoError { .. } => "no-error",
            Goal::ResponseContains { .. } => "response-contains",
            Goal::LogContains { .. } => "log-contains",
            Goal::StatusCode { .. } => "status-code",
            Goal::MaxBilledMs { .. } => "max-billed-ms",
            Goal::Start { .. } => "start",
            Goal::Invocations { .. } => "invocations",
            Goal::MaxThrottles { .. } => "max-throttles",
            Goal::MaxTimeouts { .. } => "max-timeouts",
            Goal::MaxErrors { .. } => "max-errors",
            Goal::MaxColdStarts { .. } => "max-cold-starts",
            Goal::MaxP99Ms { .. } => "max-p99-ms",
            Goal::MaxMonthlyUsd { .. } => "max-monthly-usd",
            Goal::Iam { .. } => "iam",
            Goal::MemoryIs { .. } => "memory-is",
            Goal::AllPlaced { .. } => "all-placed",
            Goal::InstancesUsed { .. } => "instances-used",
            Goal::ZonesUsed { .. } => "zones-used",
            Goal::Running { .. } => "running",
            Goal::EventContains { .. } => "event-contains",
            Goal::NoEventContains { .. } => "no-event-contains",
            Goal::Cheaper { .. } => "cheaper",
            Goal::DeploymentCompleted { .. } => "deployment-completed",
            Goal::MinRunning { .. } => "min-running",
            Goal::MaxRunning { .. } => "max-running",
            Goal::FargateValid { .. } => "fargate-valid",
            Goal::FargateCheapest { .. } => "fargate-cheapest",
            Goal::ImageOk { .. } => "image-ok",
            Goal::MinCachedLayers { .. } => "min-cached-layers",
            Goal::MaxPullBytes { .. } => "max-pull-bytes",
            Goal::PushRejected { .. } => "push-rejected",
            Goal::ReadReturns { .. } => "read-returns",
            Goal::MaxStartupMs { .. } => "max-startup-ms",
            Goal::JobStatus { .. } => "job-status",
            Goal::JobBefore { .. } => "job-before",
            Goal::NoMixedVersions { .. } => "no-mixed-versions",
            Goal::MinCapacityPct { .. } => "min-capacity-pct",
            Goal::Deployed { .. } => "deployed",
            Goal::MaxRejected { .. } => "max-rejected",
            Goal::NoOverage { .. } => "no-overage",
            Goal::Anchored { .. } => "anchored",
        }
    }
}

/// The cell kinds each goal check can read.
fn kinds_for(check: &str) -> &'static [&'static str] {
    match check {
        "no-error" => &["invoke", "api", "s3", "schedule", "load", "tuning"],
        "response-contains" | "status-code" => &["invoke", "api"],
        "log-contains" => &["invoke", "api", "s3", "schedule"],
        "max-billed-ms" | "start" => &["invoke", "api", "s3", "schedule"],
        "invocations" => &["invoke", "api", "s3", "schedule", "load"],
        "max-timeouts" => &["invoke", "api", "schedule", "s3", "load"],
        "max-throttles" | "max-errors" | "max-cold-starts" | "max-p99-ms" => &["load"],
        "max-monthly-usd" => &["load", "scenario", "fargate", "apprunner", "lightsail"],
        "memory-is" => &["tuning"],
        "all-placed" | "instances-used" | "zones-used" | "running" | "event-contains"
        | "no-event-contains" => &["scenario", "deployment"],
        "cheaper" => &["scenario"],
        "deployment-completed" | "min-running" | "max-running" => &["deployment"],
        "fargate-valid" | "fargate-cheapest" => &["fargate"],
        "image-ok" | "min-cached-layers" | "max-pull-bytes" | "push-rejected" => &["image"],
        "read-returns" => &["storage"],
        "max-startup-ms" => &["startup"],
        "job-status" | "job-before" => &["batch"],
        "no-mixed-versions" | "min-capacity-pct" | "deployed" => &["beanstalk"],
        "max-rejected" => &["apprunner"],
        "no-overage" => &["lightsail"],
        "anchored" => &["outposts"],
        _ => &[],
    }
}

// ---------------------------------------------------------------------------------------------
// The shape of the block, for the walk.
// ---------------------------------------------------------------------------------------------

const COUNT: Ty = Ty::Int {
    min: 0,
    max: u32::MAX as u64,
};
const ID: Field = opt(
    "id",
    Ty::Str,
    "The cell's id (default: a function cell's name, else its kind).",
);
const FUNCTION: Field = req(
    "function",
    Ty::Str,
    "The name of a function cell's function in this lab.",
);
const EVENT: Field = opt("event", Ty::Any, "The event, as a TOML table (sent as JSON).");

const FUNCTION_CELL_LEN: usize = lambda::config::FUNCTION_FIELDS.len() + 1;
const FUNCTION_CELL: [Field; FUNCTION_CELL_LEN] = with_first(ID, lambda::config::FUNCTION_FIELDS);

/// `first` followed by `rest`, as an array a `Tagged` variant can point at.
const fn with_first<const N: usize>(first: Field, rest: &[Field]) -> [Field; N] {
    let mut out = [first; N];
    let mut i = 0;
    while i < rest.len() {
        out[i + 1] = rest[i];
        i += 1;
    }
    out
}

const REQUEST_FIELDS: &[Field] = &[
    opt("method", Ty::Str, "GET, POST, …; default the route's."),
    opt("path", Ty::Str, "The path; default the route's."),
    opt("query", Ty::Str, "The query string without `?`."),
    opt("headers", Ty::Map(&Ty::Str), "Request headers."),
    opt("body", Ty::Str, "The request body."),
];
const PUT_FIELDS: &[Field] = &[
    req("key", Ty::Str, "The object key."),
    opt("body", Ty::Str, "The object's content."),
];
const PROBE_FIELDS: &[Field] = &[
    req("action", Ty::Str, "An IAM action, e.g. s3:PutObject."),
    req("resource", Ty::Str, "An ARN."),
];

fn check_schedule(s: &str) -> Result<(), String> {
    lambda::schedule::Schedule::parse(s)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

type Variant = (&'static str, &'static [Field]);

/// `a` followed by `b`, as one array a `Tagged` can point at.
const fn concat<const N: usize>(a: &[Variant], b: &[Variant]) -> [Variant; N] {
    let mut out = [a[0]; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - a.len()];
        i += 1;
    }
    out
}

const ALL_CELLS_LEN: usize = LAMBDA_CELLS.len() + CONTAINER_CELLS.len();
const ALL_CELLS: [Variant; ALL_CELLS_LEN] = concat(LAMBDA_CELLS, CONTAINER_CELLS);

/// Every cell kind with its keys besides `kind`: the Lambda cells, then the container cells.
pub(crate) const CELLS: Tagged = Tagged {
    tag: "kind",
    noun: "cell kind",
    doc: "What the cell is.",
    variants: &ALL_CELLS,
};

/// The Lambda cell kinds with their keys besides `kind`.
const LAMBDA_CELLS: &[Variant] = &[
    ("function", &FUNCTION_CELL),
    (
        "invoke",
        &[
            ID,
            FUNCTION,
            opt(
                "template",
                Ty::Enum(&["custom", "apigw-rest", "apigw-http", "s3-put", "schedule"]),
                "What the event editor starts from; default custom.",
            ),
            EVENT,
        ],
    ),
    (
        "api",
        &[
            ID,
            FUNCTION,
            opt(
                "api",
                Ty::Enum(&["http", "rest"]),
                "http (payload 2.0, default) or rest (1.0).",
            ),
            req("route", Ty::Str, "The route, e.g. \"GET /hello\"."),
            opt(
                "request",
                Ty::Table(REQUEST_FIELDS),
                "The request the Send button issues.",
            ),
        ],
    ),
    (
        "s3",
        &[
            ID,
            req("bucket", Ty::Str, "The bucket."),
            FUNCTION,
            opt("prefix", Ty::Str, "Key prefix filter."),
            opt("suffix", Ty::Str, "Key suffix filter."),
            req("put", Ty::Table(PUT_FIELDS), "The object the Put button writes."),
        ],
    ),
    (
        "schedule",
        &[
            ID,
            FUNCTION,
            req("expression", Ty::Check(check_schedule), "rate(…) or cron(…)."),
            opt(
                "run_for",
                Ty::Duration,
                "Simulated time to fast-forward; default 1h.",
            ),
        ],
    ),
    (
        "iam",
        &[
            ID,
            FUNCTION,
            opt(
                "probes",
                Ty::TableList(PROBE_FIELDS),
                "Requests evaluated against the role.",
            ),
        ],
    ),
    (
        "load",
        &[
            ID,
            FUNCTION,
            req("rps", Ty::Number, "Requests per second."),
            req(
                "duration",
                Ty::Duration,
                "How long requests arrive, at most 10 minutes.",
            ),
            EVENT,
        ],
    ),
    (
        "tuning",
        &[
            ID,
            FUNCTION,
            req(
                "memory",
                Ty::List(&Ty::Int {
                    min: 128,
                    max: 10_240,
                }),
                "Memory sizes in MB, ascending, at most 12.",
            ),
            opt(
                "runs",
                Ty::Int { min: 1, max: 100 },
                "Warm invocations per size; default 5.",
            ),
            EVENT,
        ],
    ),
];

const CELL: Field = req("cell", Ty::Str, "The id of the cell whose output the goal reads.");
const VALUE_COUNT: Field = req("value", COUNT, "The most allowed.");

pub(crate) const GOALS: Tagged = Tagged {
    tag: "check",
    noun: "goal check",
    doc: "What the goal checks.",
    variants: &[
        ("no-error", &[CELL]),
        (
            "response-contains",
            &[CELL, req("text", Ty::Str, "Text the response contains.")],
        ),
        (
            "log-contains",
            &[CELL, req("text", Ty::Str, "Text a log line contains.")],
        ),
        (
            "status-code",
            &[
                CELL,
                req("value", Ty::Int { min: 100, max: 599 }, "The HTTP status code."),
            ],
        ),
        (
            "max-billed-ms",
            &[
                CELL,
                req(
                    "value",
                    Ty::Int {
                        min: 0,
                        max: u64::MAX,
                    },
                    "Milliseconds.",
                ),
            ],
        ),
        (
            "start",
            &[CELL, req("value", Ty::Enum(&["warm", "cold"]), "warm or cold.")],
        ),
        (
            "invocations",
            &[
                CELL,
                opt(
                    "min",
                    Ty::Int {
                        min: 0,
                        max: u64::MAX,
                    },
                    "At least this many.",
                ),
                opt(
                    "max",
                    Ty::Int {
                        min: 0,
                        max: u64::MAX,
                    },
                    "At most this many.",
                ),
            ],
        ),
        ("max-throttles", &[CELL, VALUE_COUNT]),
        ("max-timeouts", &[CELL, VALUE_COUNT]),
        ("max-errors", &[CELL, VALUE_COUNT]),
        ("max-cold-starts", &[CELL, VALUE_COUNT]),
        ("max-p99-ms", &[CELL, req("value", Ty::Number, "Milliseconds.")]),
        (
            "max-monthly-usd",
            &[
                CELL,
                req("value", Ty::Number, "US dollars per month."),
                opt(
                    "side",
                    Ty::Enum(&["ec2", "fargate"]),
                    "A scenario cell's cost panel side (required there).",
                ),
            ],
        ),
        (
            "iam",
            &[
                req("function", Ty::Str, "The function whose role is asked."),
                req("action", Ty::Str, "An IAM action."),
                req("resource", Ty::Str, "An ARN."),
                req("expect", Ty::Enum(&["allow", "deny"]), "allow or deny."),
            ],
        ),
        (
            "memory-is",
            &[
                req("function", Ty::Str, "The function cell's function."),
                CELL,
                req("pick", Ty::Enum(&["cheapest", "fastest"]), "cheapest or fastest."),
            ],
        ),
        ("all-placed", &[CELL]),
        ("instances-used", &[CELL, SERVICE_OPT, MIN_OPT, MAX_OPT]),
        (
            "zones-used",
            &[CELL, SERVICE_OPT, req("min", COUNT, "At least this many zones.")],
        ),
        (
            "running",
            &[
                CELL,
                req("service", Ty::Str, "A service of the scenario."),
                MIN_OPT,
                MAX_OPT,
            ],
        ),
        ("event-contains", &[CELL, EVENT_TEXT]),
        ("no-event-contains", &[CELL, EVENT_TEXT]),
        ("cheaper", &[CELL, SIDE]),
        ("deployment-completed", &[CELL]),
        (
            "min-running",
            &[CELL, req("value", COUNT, "The fewest RUNNING tasks allowed.")],
        ),
        (
            "max-running",
            &[CELL, req("value", COUNT, "The most RUNNING tasks allowed.")],
        ),
        ("fargate-valid", &[CELL]),
        (
            "fargate-cheapest",
            &[
                CELL,
                opt("min_cpu", COUNT, "CPU units the task needs at least."),
                opt("min_memory", COUNT, "MiB the task needs at least."),
            ],
        ),
        ("image-ok", &[CELL]),
        (
            "min-cached-layers",
            &[
                CELL,
                req("value", COUNT, "Layers reused from the cache at least."),
            ],
        ),
        (
            "max-pull-bytes",
            &[
                CELL,
                req(
                    "value",
                    Ty::Int {
                        min: 0,
                        max: u64::MAX,
                    },
                    "Bytes all pulls move at most.",
                ),
            ],
        ),
        ("push-rejected", &[CELL]),
        (
            "read-returns",
            &[
                CELL,
                req("path", Ty::Str, "The path read, e.g. /data/x."),
                req("text", Ty::Str, "Text the content contains."),
                opt("container", Ty::Str, "Only reads by this container."),
            ],
        ),
        (
            "max-startup-ms",
            &[
                CELL,
                req(
                    "workload",
                    Ty::Enum(&["container", "container-pull", "fargate", "vm"]),
                    "The lane.",
                ),
                req(
                    "value",
                    Ty::Int {
                        min: 0,
                        max: u64::MAX,
                    },
                    "Milliseconds.",
                ),
            ],
        ),
        (
            "job-status",
            &[
                CELL,
                req("job", Ty::Str, "A job name of the Batch file."),
                req(
                    "status",
                    Ty::Enum(&[
                        "SUBMITTED",
                        "PENDING",
                        "RUNNABLE",
                        "STARTING",
                        "RUNNING",
                        "SUCCEEDED",
                        "FAILED",
                    ]),
                    "The status it ends in.",
                ),
            ],
        ),
        (
            "job-before",
            &[
                CELL,
                req("job", Ty::Str, "The job that must succeed first."),
                req("before", Ty::Str, "The job that starts after it."),
            ],
        ),
        ("no-mixed-versions", &[CELL]),
        (
            "min-capacity-pct",
            &[CELL, req("value", COUNT, "The lowest capacity allowed, percent.")],
        ),
        ("deployed", &[CELL]),
        (
            "max-rejected",
            &[
                CELL,
                req(
                    "value",
                    Ty::Int {
                        min: 0,
                        max: u64::MAX,
                    },
                    "Rejected requests at most.",
                ),
            ],
        ),
        ("no-overage", &[CELL]),
        ("anchored", &[CELL]),
    ],
};

const SERVICE_OPT: Field = opt("service", Ty::Str, "Only this service's tasks (default: all).");
const MIN_OPT: Field = opt("min", COUNT, "At least this many.");
const MAX_OPT: Field = opt("max", COUNT, "At most this many.");
const EVENT_TEXT: Field = req("text", Ty::Str, "Text of a service event or trace line.");
const SIDE: Field = req("side", Ty::Enum(&["ec2", "fargate"]), "ec2 or fargate.");

const LAB_FIELDS: &[Field] = &[
    req("id", Ty::Str, "Unique across the book."),
    opt("title", Ty::Str, "Shown as \"Lab: …\"."),
    opt("instructions", Ty::Markdown, "Rendered to HTML at build time."),
    req(
        "not_modelled",
        Ty::Markdown,
        "What this simulator does not model (rendered to HTML).",
    ),
    opt("hints", Ty::MarkdownList, "Revealed one at a time."),
    opt(
        "seed",
        Ty::Int {
            min: 0,
            max: u64::MAX,
        },
        "The simulation seed.",
    ),
    req(
        "cells",
        Ty::List(&Ty::Tagged(&CELLS)),
        "The notebook's cells, in page order.",
    ),
    opt(
        "goals",
        Ty::List(&Ty::Tagged(&GOALS)),
        "What the learner must reach.",
    ),
    req(
        "solution",
        Ty::Map(&Ty::Any),
        "Cell id → keys that replace that cell's keys: the reference solution.",
    ),
];

/// The longest load a cell may run.
pub const MAX_LOAD: SimDuration = SimDuration::from_mins(10);
/// The most requests per second a load cell may send.
pub const MAX_RPS: f64 = 5_000.0;
/// The most memory sizes a tuning cell may try.
pub const MAX_TUNING_SIZES: usize = 12;

// ---------------------------------------------------------------------------------------------
// Parsing.
// ---------------------------------------------------------------------------------------------

/// Parses a lab block, reporting every problem at once. `path` names the file in diagnostics;
/// positions are within `text` (the caller shifts them to the chapter with
/// [`Diagnostic::shifted`]).
pub fn parse_lab(path: &str, text: &str) -> Result<LabSpec, Vec<Diagnostic>> {
    let root = diag::read_toml(path, text)?;
    let mut w = Walk::new(path, text).with_labels(&[("template", "event template"), ("api", "API type")]);
    let sound = w.root(&root, LAB_FIELDS, &Place::root("the lab"));
    let top = sound.table;

    if let Some(v) = sound.value("id") {
        let id = v.get_ref().as_str().unwrap_or_default();
        if id.trim().is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            w.err(
                v.span().start,
                format!(
                    "lab id \"{id}\" must be non-empty and use only letters, digits, '-' and '_' (e.g. \"first-function\")"
                ),
            );
        }
    }

    // Ids and function names of every cell, sound or not, so one broken cell does not also
    // break every reference to it.
    let cell_tables = top.tables("cells");
    let ids: Vec<(String, usize)> = cell_tables.iter().map(|t| (cell_id(t), t.span.0)).collect();
    let functions: Vec<String> = cell_tables
        .iter()
        .filter(|t| t.str("kind") == Some("function"))
        .filter_map(|t| t.string("name"))
        .collect();
    for (i, (id, at)) in ids.iter().enumerate() {
        if let Some((_, first)) = ids[..i].iter().find(|(other, _)| other == id) {
            let (line, _) = diag::line_col(text, *first);
            w.err(
                *at,
                format!(
                    "duplicate cell id \"{id}\" (the first is on line {line}): give one of them its own id = \"…\""
                ),
            );
        }
    }
    // One engine per lab: the first cell of the other family is the mistake.
    if let Some(first) = cell_tables.first()
        && let Some(first_kind) = first.str("kind")
    {
        let container = is_container_kind(first_kind);
        let family = |k: &str| {
            if is_container_kind(k) {
                "container"
            } else {
                "Lambda"
            }
        };
        if let Some(other) = cell_tables.iter().find(|t| {
            t.str("kind").is_some_and(|k| {
                CELLS.variants.iter().any(|(n, _)| *n == k) && is_container_kind(k) != container
            })
        }) {
            let kind = other.str("kind").unwrap_or_default();
            w.err(
                other.span.0,
                format!(
                    "a lab's cells run on one engine: `{kind}` is a {} cell, but this lab's first cell `{}` is a {} cell; split it into two labs",
                    family(kind),
                    cell_id(first),
                    family(first_kind)
                ),
            );
        }
    }
    let id_names: Vec<String> = ids.iter().map(|(id, _)| id.clone()).collect();
    let sound_cells = sound.items("cells");
    let sound_starts: Vec<usize> = sound_cells.iter().map(|v| v.span().start).collect();
    // Cross-references and ranges are checked in every cell of a known kind, sound or not; AWS's
    // validation of a function cell only when its keys are sound.
    let kinds: Vec<&str> = CELLS.variants.iter().map(|(n, _)| *n).collect();
    for t in &cell_tables {
        if t.str("kind").is_some_and(|k| kinds.contains(&k)) {
            check_cell(
                &mut w,
                *t,
                &functions,
                sound_starts.contains(&t.span.0),
                (&cell_tables, &id_names),
            );
        }
    }

    // Goals: the cells and functions they name.
    for v in sound.items("goals") {
        let t = Table::of(v).expect("a sound goal is a table");
        let check = t.str("check").unwrap_or_default();
        if let Some(cell) = t.string("cell") {
            match cell_tables.iter().find(|c| cell_id(c) == cell) {
                None => {
                    let known: Vec<&str> = ids.iter().map(|(i, _)| i.as_str()).collect();
                    let hint = diag::closest(&cell, known.iter().copied())
                        .map(|b| format!("did you mean \"{b}\"? "))
                        .unwrap_or_default();
                    w.err(
                        t.at("cell"),
                        format!(
                            "goal names cell \"{cell}\", which this lab does not have ({hint}cells: {})",
                            known.join(", ")
                        ),
                    );
                }
                Some(c) => {
                    let kind = c.str("kind").unwrap_or_default();
                    let kinds = kinds_for(check);
                    if !kinds.is_empty() && !kinds.contains(&kind) {
                        w.err(
                            t.at("cell"),
                            format!(
                                "goal check \"{check}\" cannot read cell \"{cell}\" (kind {kind}); it reads cells of kind: {}",
                                kinds.join(", ")
                            ),
                        );
                    }
                }
            }
        }
        if let Some(f) = t.string("function") {
            check_function_name(&mut w, t.at("function"), &f, &functions);
        }
        if matches!(check, "invocations" | "instances-used" | "running")
            && let (Some(min), Some(max)) = (int_of(t.get("min")), int_of(t.get("max")))
            && min > max
        {
            w.err(t.at("max"), format!("\"max\" ({max}) is below \"min\" ({min})"));
        }
        if check == "max-monthly-usd"
            && t.get("side").is_none()
            && let Some(cell) = t.string("cell")
            && cell_tables
                .iter()
                .any(|c| cell_id(c) == cell && c.str("kind") == Some("scenario"))
        {
            w.err(
                t.span.0,
                format!(
                    "goal \"max-monthly-usd\" on scenario cell \"{cell}\" needs side = \"ec2\" or side = \"fargate\" (the cost panel has both)"
                ),
            );
        }
    }

    // The solution: each key names a cell; its keys replace that cell's, and the result must be
    // a sound cell of the same kind.
    let mut solution_tables: Vec<(usize, DeTable<'_>)> = Vec::new();
    if let Some(sol) = top.get("solution").and_then(Table::of) {
        let mut keys: Vec<_> = sol.map.iter().collect();
        keys.sort_by_key(|(k, _)| k.span().start);
        for (key, value) in keys {
            let name: &str = key.get_ref();
            let Some(index) = ids.iter().position(|(id, _)| id == name) else {
                let known: Vec<&str> = ids.iter().map(|(i, _)| i.as_str()).collect();
                let hint = diag::closest(name, known.iter().copied())
                    .map(|b| format!("did you mean \"{b}\"? "))
                    .unwrap_or_default();
                w.err(
                    key.span().start,
                    format!(
                        "[solution.{name}] names a cell this lab does not have ({hint}cells: {})",
                        known.join(", ")
                    ),
                );
                continue;
            };
            let Some(patch) = Table::of(value) else {
                w.err(
                    value.span().start,
                    format!(
                        "\"{name}\" in [solution] must be a table of the cell's keys, found {}",
                        value.get_ref().type_str()
                    ),
                );
                continue;
            };
            let cell = cell_tables[index];
            let mut merged = cell.map.clone();
            for (k, v) in patch.map.iter() {
                if k.get_ref() == "kind" || k.get_ref() == "id" {
                    w.err(
                        k.span().start,
                        format!("[solution.{name}] cannot change \"{}\": a solution changes a cell's settings, not what the cell is", k.get_ref()),
                    );
                    continue;
                }
                merged.insert(k.clone(), v.clone());
            }
            let merged_value = Spanned::new(cell.span.0..cell.span.1, DeValue::Table(merged.clone()));
            let t = Table::of(&merged_value).expect("built as a table");
            let before = w.diags.len();
            // A cell with its own problems is fixed first; its solution is judged after.
            if !sound_starts.contains(&cell.span.0) {
                solution_tables.push((index, merged));
                continue;
            }
            check_tagged(&mut w, t);
            if w.diags.len() == before {
                check_cell(&mut w, t, &functions, true, (&cell_tables, &id_names));
            }
            solution_tables.push((index, merged));
        }
    }

    let spec = if w.diags.is_empty() {
        decode_lab(&mut w, &root, &cell_tables, &solution_tables)
    } else {
        None
    };
    // A merged solution cell repeats the problems of the cell it patches.
    w.diags.sort();
    w.diags.dedup();
    w.finish(())?;
    Ok(spec.expect("a sound lab decodes, or the walk reported why"))
}

/// Walks one table as a cell (a solution applied to a cell): problems are named "in [solution]".
fn check_tagged(w: &mut Walk<'_>, t: Table<'_, '_>) {
    let place = Place::root("the lab");
    let fields = [req("solution", Ty::Tagged(&CELLS), "")];
    let wrapper = Spanned::new(t.span.0..t.span.1, DeValue::Table(t.map.clone()));
    w.value(&wrapper, &fields[0], &place);
}

/// A cell's id: its `id`, else a function cell's `name`, else its kind.
fn cell_id(t: &Table<'_, '_>) -> String {
    t.string("id")
        .or_else(|| {
            (t.str("kind") == Some("function"))
                .then(|| t.string("name"))
                .flatten()
        })
        .or_else(|| t.string("kind"))
        .unwrap_or_default()
}

pub(crate) fn int_of(v: Option<&diag::Value<'_>>) -> Option<i128> {
    match v.map(|v| v.get_ref()) {
        Some(DeValue::Integer(i)) => i128::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

fn check_function_name(w: &mut Walk<'_>, at: usize, name: &str, functions: &[String]) {
    if functions.iter().any(|f| f == name) {
        return;
    }
    let hint = diag::closest(name, functions.iter().map(String::as_str))
        .map(|b| format!("did you mean \"{b}\"? "))
        .unwrap_or_default();
    let known = if functions.is_empty() {
        "the lab has no function cell: add one with kind = \"function\"".to_string()
    } else {
        format!("functions: {}", functions.join(", "))
    };
    w.err(
        at,
        format!("no function cell deploys \"{name}\" in this lab ({hint}{known})"),
    );
}

/// The checks of one cell beyond its shape; `lab` is every cell table of the lab with its id.
fn check_cell(
    w: &mut Walk<'_>,
    t: Table<'_, '_>,
    functions: &[String],
    sound: bool,
    lab: (&[Table<'_, '_>], &[String]),
) {
    let kind = t.str("kind").unwrap_or_default();
    if is_container_kind(kind) {
        if sound {
            check_container_cell(w, t, lab.0, lab.1);
        }
        return;
    }
    if kind == "function" {
        if !sound {
            return;
        }
        let spec_value = function_table(&t);
        if let Some(function) = w.decode::<FunctionSpec>(&spec_value)
            && let Err(e) = lambda::validate(&function)
        {
            lambda::config::report(&e, w, t);
        }
        return;
    }
    if let Some(f) = t.string("function") {
        check_function_name(w, t.at("function"), &f, functions);
    }
    match kind {
        "api" => {
            if let Some(route) = t.str("route")
                && let Err(why) = parse_route(route)
            {
                w.err(t.at("route"), why);
            }
        }
        "load" => {
            if let Some(rps) = t.get("rps").and_then(|v| diag::number(v.get_ref()))
                && !(rps > 0.0 && rps <= MAX_RPS)
            {
                w.err(
                    t.at("rps"),
                    format!(
                        "\"rps\" must be more than 0 and at most {MAX_RPS} requests per second, found {rps}"
                    ),
                );
            }
            if let Some(d) = duration_of(t.get("duration"))
                && (d > MAX_LOAD || d == SimDuration::ZERO)
            {
                w.err(
                    t.at("duration"),
                    format!("\"duration\" must be more than 0 and at most {MAX_LOAD} (a load cell runs in the page), found {d}"),
                );
            }
        }
        "schedule" => {
            if let Some(d) = duration_of(t.get("run_for"))
                && (d > SimDuration::from_secs(7 * 86_400) || d == SimDuration::ZERO)
            {
                w.err(
                    t.at("run_for"),
                    format!("\"run_for\" must be more than 0 and at most 7 days, found {d}"),
                );
            }
        }
        "tuning" => {
            let sizes: Vec<i128> = t.items("memory").iter().filter_map(|v| int_of(Some(v))).collect();
            if sizes.is_empty() {
                w.err(
                    t.at("memory"),
                    "\"memory\" must list at least one size, e.g. memory = [128, 512, 1024]",
                );
            } else if sizes.len() > MAX_TUNING_SIZES {
                w.err(
                    t.at("memory"),
                    format!(
                        "\"memory\" lists {} sizes; at most {MAX_TUNING_SIZES} are allowed",
                        sizes.len()
                    ),
                );
            } else if sizes.windows(2).any(|p| p[0] >= p[1]) {
                w.err(
                    t.at("memory"),
                    "\"memory\" must be in ascending order without repeats, e.g. [128, 256, 512]",
                );
            }
        }
        _ => {}
    }
}

pub(crate) fn duration_of(v: Option<&diag::Value<'_>>) -> Option<SimDuration> {
    match v.map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => s.parse().ok(),
        Some(DeValue::Integer(_)) => int_of(v)
            .and_then(|n| u64::try_from(n).ok())
            .map(SimDuration::from_secs),
        _ => None,
    }
}

/// `GET /hello` → the method and the path.
pub fn parse_route(route: &str) -> Result<Route, String> {
    const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];
    let mut parts = route.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(p), None) if METHODS.contains(&m) && p.starts_with('/') => Ok(Route {
            method: m.to_string(),
            path: p.to_string(),
        }),
        _ => Err(format!(
            "route \"{route}\" must be a method and a path, e.g. \"GET /hello\" (methods: {})",
            METHODS.join(", ")
        )),
    }
}

/// A function cell's table without `kind` and `id`: a function file.
fn function_table<'i>(t: &Table<'_, 'i>) -> diag::Value<'i> {
    let mut map = t.map.clone();
    map.remove("kind");
    map.remove("id");
    Spanned::new(t.span.0..t.span.1, DeValue::Table(map))
}

fn decode_lab(
    w: &mut Walk<'_>,
    root: &Spanned<DeTable<'_>>,
    cells: &[Table<'_, '_>],
    solution: &[(usize, DeTable<'_>)],
) -> Option<LabSpec> {
    let top = Table::root(root);
    let decoded: Vec<Cell> = cells.iter().filter_map(|t| decode_cell(w, t)).collect();
    let mut solved = decoded.clone();
    for (index, merged) in solution {
        let v = Spanned::new(
            cells[*index].span.0..cells[*index].span.1,
            DeValue::Table(merged.clone()),
        );
        let t = Table::of(&v).expect("built as a table");
        if let Some(c) = decode_cell(w, &t) {
            solved[*index] = c;
        }
    }
    let goals: Vec<Goal> = top
        .items("goals")
        .iter()
        .filter_map(|g| w.decode::<Goal>(g))
        .collect();
    let hints = top.strings("hints").into_iter().map(|(s, _)| s).collect();
    Some(LabSpec {
        id: top.string("id")?,
        title: top.string("title"),
        instructions: top.string("instructions"),
        not_modelled: top.string("not_modelled")?,
        hints,
        seed: int_of(top.get("seed")).and_then(|n| u64::try_from(n).ok()),
        cells: decoded,
        goals,
        goal_texts: Vec::new(),
        solution: solved,
    })
}

fn json_of(w: &mut Walk<'_>, v: Option<&diag::Value<'_>>) -> Value {
    v.and_then(|v| w.decode::<Value>(v))
        .unwrap_or_else(|| Value::Object(Default::default()))
}

fn decode_cell(w: &mut Walk<'_>, t: &Table<'_, '_>) -> Option<Cell> {
    let id = cell_id(t);
    let s = |key: &str| t.string(key).unwrap_or_default();
    let kind = match t.str("kind")? {
        "function" => CellKind::Function(w.decode::<FunctionSpec>(&function_table(t))?),
        "invoke" => CellKind::Invoke {
            function: s("function"),
            template: match t.str("template").unwrap_or("custom") {
                "apigw-rest" => EventTemplate::ApigwRest,
                "apigw-http" => EventTemplate::ApigwHttp,
                "s3-put" => EventTemplate::S3Put,
                "schedule" => EventTemplate::Schedule,
                _ => EventTemplate::Custom,
            },
            event: json_of(w, t.get("event")),
        },
        "api" => {
            let route = parse_route(t.str("route")?).ok()?;
            let r = t.get("request").and_then(Table::of);
            let rs = |key: &str| r.and_then(|r| r.string(key));
            let headers = r
                .and_then(|r| r.get("headers"))
                .and_then(|h| w.decode::<BTreeMap<String, String>>(h))
                .unwrap_or_default();
            CellKind::Api {
                function: s("function"),
                api: if t.str("api") == Some("rest") {
                    ApiKind::Rest
                } else {
                    ApiKind::Http
                },
                request: HttpRequestSpec {
                    method: rs("method").unwrap_or_else(|| route.method.replace("ANY", "GET")),
                    path: rs("path").unwrap_or_else(|| route.path.clone()),
                    query: rs("query").unwrap_or_default(),
                    headers,
                    body: rs("body").unwrap_or_default(),
                },
                route,
            }
        }
        "s3" => {
            let put = t.get("put").and_then(Table::of)?;
            CellKind::S3 {
                bucket: s("bucket"),
                function: s("function"),
                prefix: s("prefix"),
                suffix: s("suffix"),
                put: S3Put {
                    key: put.string("key")?,
                    body: put.string("body").unwrap_or_default(),
                },
            }
        }
        "schedule" => CellKind::Schedule {
            function: s("function"),
            expression: s("expression"),
            run_for: duration_of(t.get("run_for")).unwrap_or(SimDuration::from_secs(3600)),
        },
        "iam" => CellKind::Iam {
            function: s("function"),
            probes: t
                .tables("probes")
                .iter()
                .map(|p| Probe {
                    action: p.string("action").unwrap_or_default(),
                    resource: p.string("resource").unwrap_or_default(),
                })
                .collect(),
        },
        "load" => CellKind::Load {
            function: s("function"),
            rps: t.get("rps").and_then(|v| diag::number(v.get_ref()))?,
            duration: duration_of(t.get("duration"))?,
            event: json_of(w, t.get("event")),
        },
        "tuning" => CellKind::Tuning {
            function: s("function"),
            memory: t
                .items("memory")
                .iter()
                .filter_map(|v| int_of(Some(v)).and_then(|n| u32::try_from(n).ok()))
                .collect(),
            runs: int_of(t.get("runs"))
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(5),
            event: json_of(w, t.get("event")),
        },
        _ => decode_container_cell(t)?,
    };
    Some(Cell { id, kind })
}

impl LabSpec {
    /// Renders the Markdown fields to HTML (build time).
    pub fn render_markdown(&mut self, render: &mut dyn FnMut(&str) -> String) {
        if let Some(i) = &self.instructions {
            self.instructions = Some(render(i));
        }
        self.not_modelled = render(&self.not_modelled);
        for h in &mut self.hints {
            *h = render(h);
        }
    }

    /// The cell with this id.
    pub fn cell(&self, id: &str) -> Option<&Cell> {
        self.cells.iter().find(|c| c.id == id)
    }
}
