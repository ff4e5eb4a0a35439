//! What running a cell produces, and what a goal concludes: plain data for the page, the CLI's
//! `--json` and the goals. Nothing here runs anything.

use serde::Serialize;
use serde_json::Value;

use super::container_outputs::{
    AppRunnerOutput, BatchOutput, BeanstalkOutput, ClusterOutput, DeploymentOutput, FargateOutput,
    ImageOutput, LightsailOutput, OutpostsOutput, StartupOutput, StorageOutput,
};
use super::format::HttpRequestSpec;
pub use crate::lambda::SdkCall;
use crate::lambda::{Invocation, events::HttpResponse};

/// The output of one cell run.
// One output is made per cell run, never in a hot loop: its size does not matter, and unboxed
// variants keep the page's pattern matches plain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "output", rename_all = "kebab-case")]
pub enum CellOutput {
    /// A function cell: the function is deployed as `version`; `changed` is false when the
    /// cell was the same as the deployed version (nothing was redeployed).
    Deployed {
        function: String,
        version: u32,
        changed: bool,
    },
    Invoked(RunOutput),
    /// An API cell: the request, the event API Gateway built, what the client got back, and the
    /// invocation (none when no route matched: API Gateway answers 404 itself).
    Http {
        request: HttpRequestSpec,
        event: Value,
        response: HttpResponse,
        run: Option<RunOutput>,
    },
    /// An S3 cell: whether the object matched the notification and why, the event delivered
    /// to the cell's function, and every delivery's invocation.
    S3 {
        event: Option<Value>,
        matched: bool,
        reason: String,
        runs: Vec<RunOutput>,
    },
    /// A schedule cell: when the rule fired (RFC 3339), the next 5 fire times, the runs.
    Schedule {
        fires: Vec<String>,
        next: Vec<String>,
        runs: Vec<RunOutput>,
    },
    /// An IAM cell: the role's policies, the SDK calls of the function's latest invocations,
    /// and the probes' decisions.
    Iam {
        policies: Vec<Value>,
        calls: Vec<SdkCall>,
        probes: Vec<ProbeResult>,
    },
    Load(LoadOutput),
    Tuning(TuningOutput),
    // Container cells (issue #11).
    Cluster(ClusterOutput),
    Deployment(DeploymentOutput),
    Images(ImageOutput),
    Storage(StorageOutput),
    Startup(StartupOutput),
    Fargate(FargateOutput),
    Batch(BatchOutput),
    Beanstalk(BeanstalkOutput),
    AppRunner(AppRunnerOutput),
    Lightsail(LightsailOutput),
    Outposts(OutpostsOutput),
    /// Nothing ran: the cell cannot run as it is (AWS's wording when AWS would refuse).
    Error {
        message: String,
        /// The failing handler line, when the error names one.
        line: Option<u32>,
    },
}

impl CellOutput {
    /// Every invocation of the output, in order.
    pub fn runs(&self) -> Vec<&RunOutput> {
        match self {
            CellOutput::Invoked(r) => vec![r],
            CellOutput::Http { run, .. } => run.iter().collect(),
            CellOutput::S3 { runs, .. } | CellOutput::Schedule { runs, .. } => runs.iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// One invocation, with everything a page shows.
#[derive(Debug, Clone, Serialize)]
pub struct RunOutput {
    /// Response or error, logs, trace, billed ms, cost, request id.
    pub invocation: Invocation,
    pub start: StartBadge,
    /// The function version it ran on.
    pub version: u32,
    /// The SDK calls the handler made, with IAM's decision.
    pub calls: Vec<SdkCall>,
    /// The handler line of a throw or syntax error, when the error names one.
    pub error_line: Option<u32>,
    /// What the kernel did first, e.g. "Deployed hello (version 2) first".
    pub notes: Vec<String>,
}

impl RunOutput {
    /// How the invocation ended, as the `no-error` goal judges it.
    pub fn failed(&self) -> bool {
        self.invocation.error.is_some()
    }
    pub fn timed_out(&self) -> bool {
        self.invocation
            .error
            .as_ref()
            .and_then(|e| e.get("errorType"))
            .and_then(Value::as_str)
            == Some("Sandbox.Timedout")
    }
}

/// A cold or warm start and why, from the typed trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartBadge {
    pub kind: StartKind,
    /// "cold: first request to version 2", "warm: environment 1 idle since 00:00:03.120":
    /// `why` in English, which goals quote and `cloudbook lab run` prints.
    pub reason: String,
    /// The same reason as data, so a page in another language can word it (the JSON keeps
    /// `reason` only).
    #[serde(skip)]
    pub why: StartWhy,
}

/// Why a run started cold or warm, or used no environment, as the trace says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartWhy {
    FirstRequest,
    NewVersion {
        version: u32,
    },
    /// No idle environment while `busy` others ran.
    NoIdleBusy {
        busy: u32,
    },
    /// No idle environment: the earlier ones were reclaimed or reset.
    NoIdleReclaimed,
    Warm {
        env: u32,
        idle_since: String,
    },
    /// Throttled, with Lambda's cause as the trace words it.
    Throttled {
        cause: String,
    },
    NoEnvironment,
}

impl StartWhy {
    /// The reason in English.
    pub fn english(&self) -> String {
        match self {
            StartWhy::FirstRequest => "cold: first request, no environment exists yet".to_string(),
            StartWhy::NewVersion { version } => format!("cold: first request to version {version}"),
            StartWhy::NoIdleBusy { busy } => format!("cold: no idle environment ({busy} busy)"),
            StartWhy::NoIdleReclaimed => {
                "cold: no idle environment (the earlier ones were reclaimed or reset)".to_string()
            }
            StartWhy::Warm { env, idle_since } => format!("warm: environment {env} idle since {idle_since}"),
            StartWhy::Throttled { cause } => format!("throttled: {cause}"),
            StartWhy::NoEnvironment => "no environment was used".to_string(),
        }
    }
}

impl StartBadge {
    pub fn new(kind: StartKind, why: StartWhy) -> StartBadge {
        StartBadge {
            kind,
            reason: why.english(),
            why,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StartKind {
    Cold,
    Warm,
    /// Throttled: no environment was used.
    None,
}

/// A probe's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeResult {
    pub action: String,
    pub resource: String,
    pub allowed: bool,
    pub decided_by: String,
}

/// A load run so far (or finished): series for charts and totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadOutput {
    pub rps: f64,
    pub duration_s: f64,
    /// Simulated seconds done so far.
    pub done_s: f64,
    /// Chart bucket width: duration/60, at least 1 s.
    pub period_s: f64,
    pub points: Vec<LoadPoint>,
    pub totals: LoadTotals,
    /// The run at on-demand prices, no free tier.
    pub cost_usd: f64,
    /// The run scaled to a 30-day month, free tier on.
    pub monthly_usd: f64,
    pub finished: bool,
}

/// One chart bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadPoint {
    /// The bucket's start in simulated seconds.
    pub t_s: f64,
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    pub timeouts: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// The most concurrent executions in the bucket.
    pub concurrency: u32,
    pub cold_starts: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadTotals {
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    pub timeouts: u64,
    pub cold_starts: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_concurrency: u32,
}

/// Power tuning: one point per memory size, and the picks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TuningOutput {
    pub points: Vec<TuningPoint>,
    /// The memory size with the lowest cost per million invocations among the sizes whose runs
    /// all succeeded (the smaller on a tie); 0 when every size failed.
    pub cheapest: u32,
    /// The memory size with the shortest average duration among the sizes whose runs all
    /// succeeded (the smaller on a tie); 0 when every size failed.
    pub fastest: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TuningPoint {
    pub memory_mb: u32,
    /// Average duration of the warm runs, ms.
    pub avg_ms: f64,
    /// Average billed duration of the warm runs, ms.
    pub billed_ms: f64,
    /// On-demand price of a million such invocations, no free tier.
    pub cost_per_million_usd: f64,
    /// Warm runs that failed (timeouts included).
    pub errors: u32,
}

/// A goal's verdict with its reason, a full sentence holding the observed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalVerdict {
    pub description: String,
    pub status: GoalStatus,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GoalStatus {
    Pass,
    Fail,
    Pending,
}
