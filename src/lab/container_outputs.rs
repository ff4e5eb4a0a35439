//! What a container cell's run produced (issue #11): plain data for the scheduler page, the
//! CLI's `--json` and the goals. Field names are the contract with the page
//! (`/work/notes/sched-contract.md` §3). Nothing here runs anything.

use serde::{Deserialize, Serialize};

/// A scenario cell's run: the trace, one step per placement decision, the cluster before each
/// step and at the end, service events, services and the cost panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterOutput {
    /// The lines `cloudbook sim ecs` prints, same text (`t=… record`).
    pub trace: Vec<String>,
    pub steps: Vec<PlacementStep>,
    /// `frames.len() == steps.len() + 1`: `frames[k]` is the cluster before step k, the last one
    /// the cluster at the end of the run.
    pub frames: Vec<ClusterFrame>,
    pub events: Vec<EventLine>,
    pub services: Vec<ServiceSummary>,
    pub cost: CostPanel,
    /// Actions ECS refused (e.g. an unknown task definition), in AWS's words.
    pub errors: Vec<String>,
}

/// One placement decision (EC2 or Fargate), as the trace explains it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementStep {
    pub t: String,
    /// "t3"; for a failed placement, the id the task would have had.
    pub task: String,
    pub task_definition: String,
    pub service: Option<String>,
    /// "EC2" or "FARGATE".
    pub launch_type: String,
    pub cpu: u32,
    pub memory: u32,
    pub ports: Vec<u16>,
    pub filter: Vec<FilterRow>,
    pub constraints: Vec<ConstraintRow>,
    pub strategies: Vec<StrategyRow>,
    /// The instance chosen (EC2), none on Fargate or when nothing was chosen.
    pub chosen: Option<String>,
    /// ECS's words when nothing was chosen.
    pub failure: Option<String>,
}

/// One instance's filter verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterRow {
    pub instance: String,
    pub az: String,
    pub passed: bool,
    /// "fits" or ECS's words, e.g. "has insufficient memory available".
    pub verdict: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstraintRow {
    pub constraint: String,
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrategyRow {
    pub strategy: String,
    /// Instance and why it ranks there, best first.
    pub ranking: Vec<(String, String)>,
    pub kept: Vec<String>,
}

/// The cluster at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterFrame {
    pub t: String,
    /// Sorted by availability zone.
    pub zones: Vec<ZoneBox>,
    pub fargate: Vec<TaskChip>,
    pub pending: Vec<PendingTask>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneBox {
    pub az: String,
    pub instances: Vec<InstanceBox>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceBox {
    pub name: String,
    pub instance_type: String,
    /// ACTIVE, DRAINING or INACTIVE.
    pub status: String,
    pub cpu_used: u32,
    pub cpu_total: u32,
    pub memory_used: u32,
    pub memory_total: u32,
    pub tasks: Vec<TaskChip>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskChip {
    pub task: String,
    /// The service name or the task definition family: the colour key.
    pub group: String,
    pub cpu: u32,
    pub memory: u32,
    /// The task's last status, e.g. RUNNING.
    pub status: String,
}

/// A task a service wants but could not place, with ECS's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTask {
    /// "-": ECS gives an unplaced task no id.
    pub task: String,
    pub task_definition: String,
    pub service: Option<String>,
    pub reason: String,
}

/// A service event, in ECS's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLine {
    /// "00:01:00.000"
    pub t: String,
    pub service: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub service: String,
    pub task_definition: String,
    pub desired: u32,
    pub running: u32,
    pub pending: u32,
}

/// The same workload for a month on EC2 and on Fargate, side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostPanel {
    pub hours: f64,
    pub ec2: Ec2Cost,
    pub fargate: FargateCost,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ec2Cost {
    /// "3 × t3.large" and its price for the month.
    pub lines: Vec<(String, f64)>,
    pub ebs_gb: f64,
    pub ebs_usd: f64,
    pub total_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FargateCost {
    pub vcpu_hours: f64,
    pub gb_hours: f64,
    pub storage_gb_hours_over_20: f64,
    pub vcpu_usd: f64,
    pub gb_usd: f64,
    pub storage_usd: f64,
    pub total_usd: f64,
}

/// A deployment cell's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeploymentOutput {
    pub points: Vec<DeployPoint>,
    pub events: Vec<EventLine>,
    /// The new revision runs the desired count and the old none.
    pub completed: bool,
    /// Over the deployment (from `at` on), tasks in RUNNING, all revisions.
    pub min_running: u32,
    pub max_running: u32,
    /// ECS's words: the steady state, or why the deployment is stuck.
    pub message: String,
    /// The service's deployment configuration as used.
    pub minimum_healthy_percent: u32,
    pub maximum_percent: u32,
    pub cluster: ClusterOutput,
}

/// The service's RUNNING tasks per revision at one moment (a point per change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeployPoint {
    pub t_s: f64,
    pub t: String,
    pub running: Vec<(String, u32)>,
    pub total: u32,
    pub desired: u32,
}

/// An image cell's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageOutput {
    pub builds: Vec<BuildRow>,
    pub pushes: Vec<TransferRow>,
    pub pulls: Vec<TransferRow>,
    /// Registry tag → digest (short).
    pub tags: Vec<(String, String)>,
    pub archive: Option<ArchiveRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildRow {
    pub tag: String,
    pub digest: String,
    pub layers: Vec<LayerRow>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerRow {
    pub instruction: String,
    /// Short digest.
    pub digest: String,
    pub bytes: u64,
    /// Reused from the build cache.
    pub cached: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRow {
    pub reference: String,
    pub ok: bool,
    pub bytes: u64,
    pub layers_sent: u32,
    pub layers_skipped: u32,
    pub digest: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveRow {
    pub references: Vec<String>,
    pub bytes: u64,
    pub loaded: Vec<String>,
}

/// A storage cell's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorageOutput {
    pub steps: Vec<StepRow>,
    pub reads: Vec<ReadRow>,
    /// Container → files in its writable layer at the end.
    pub writable: Vec<(String, Vec<String>)>,
    /// Volume → files.
    pub volumes: Vec<(String, Vec<String>)>,
    /// Files written through bind mounts.
    pub host_files: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRow {
    /// "write one /data/x"
    pub step: String,
    pub ok: bool,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadRow {
    pub container: String,
    pub path: String,
    pub content: Option<String>,
}

/// A start-up cell's run: one lane per workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartupOutput {
    pub lanes: Vec<Lane>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    /// container, container-pull, fargate or vm.
    pub workload: String,
    pub label: String,
    pub phases: Vec<Phase>,
    pub total_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub name: String,
    pub start_ms: u64,
    pub ms: u64,
}

/// A Fargate cell's run: the size's validity and price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FargateOutput {
    pub valid: bool,
    /// AWS's words when the size is refused.
    pub error: Option<String>,
    pub cpu: u32,
    pub memory: u32,
    pub os: String,
    pub arch: String,
    pub platform_version: String,
    pub usd_hour: f64,
    pub usd_month: f64,
    pub vcpu_usd_hour: f64,
    pub gb_usd_hour: f64,
    pub storage_usd_hour: f64,
    /// The valid memory sizes for this CPU and OS.
    pub valid_memory: Vec<u32>,
}

/// A Batch cell's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchOutput {
    pub jobs: Vec<JobRow>,
    pub trace: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRow {
    pub name: String,
    pub id: String,
    pub status: String,
    /// (t, status) in order.
    pub history: Vec<(String, String)>,
    pub attempts: u32,
    pub array_index: Option<u32>,
    pub parent: Option<String>,
    pub depends_on: Vec<String>,
    pub started: Option<String>,
    pub stopped: Option<String>,
    pub reason: Option<String>,
}

/// A Beanstalk cell's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeanstalkOutput {
    pub phases: Vec<EbPhase>,
    pub deployed: bool,
    pub took: String,
    pub min_capacity_pct: u32,
    pub max_capacity_pct: u32,
    pub worst_error_pct: u32,
    /// Old and new versions served traffic at the same moment.
    pub mixed_versions: bool,
    /// The CLI's summary line.
    pub summary: String,
    /// What Elastic Beanstalk refuses in the options, in its words.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EbPhase {
    pub t_s: u64,
    pub t: String,
    pub label: String,
    pub old: u32,
    pub new: u32,
    pub out: u32,
    pub capacity_pct: u32,
    pub error_pct: u32,
    pub new_traffic_pct: u32,
}

/// An App Runner cell's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppRunnerOutput {
    pub points: Vec<ArPoint>,
    pub active_hours: f64,
    pub provisioned_hours: f64,
    pub usd: f64,
    /// The hours the run covers, and the bill scaled to a 730-hour month.
    pub hours: f64,
    pub usd_month: f64,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArPoint {
    pub t_s: u64,
    pub t: String,
    pub concurrency: u32,
    pub instances: u32,
    pub active: u32,
    pub provisioned: u32,
    pub rejected: u32,
}

/// A Lightsail cell's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LightsailOutput {
    pub bundles: Vec<BundleRow>,
    pub chosen: String,
    pub count: u32,
    pub base_usd: f64,
    pub overage_gb: f64,
    pub overage_usd: f64,
    pub total_usd: f64,
    pub allowance_gb: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleRow {
    pub id: String,
    pub usd_month: f64,
    pub vcpus: u32,
    pub ram_gb: f64,
    pub ssd_gb: u32,
    pub transfer_tb: u32,
}

/// An Outposts cell: racks anchored to an availability zone of their Region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutpostsOutput {
    pub region: String,
    pub az: String,
    pub az_in_region: bool,
    /// The Region's availability zones (as this diagram's table knows them).
    pub azs: Vec<String>,
    pub racks: u32,
    pub note: String,
}
