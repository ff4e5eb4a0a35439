//! The ECS scenario file (TOML): clusters' instances, task definitions, services and a timeline
//! of actions, parsed into [`model::Action`]s with every input error as a [`Diagnostic`] at its
//! `path:line:col`. Documented in `book/reference/scenario-file.md`.
//!
//! The file goes through the one spanned walk of [`crate::diag`]: every unknown key (with the
//! keys expected), wrong type, bad duration and unknown value is reported at once, so a typo
//! never silently changes a run.
//! It does not run anything beyond building the engine ([`build`]); the CLI reads the file.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::catalog::{self, Arch};
use super::fargate::Os;
use super::model::{
    Action, CpuTargetTracking, Ecs, Event, Explain, InstanceSpec, SchedulingStrategy, ServiceSpec, Snapshot,
    TaskId, Timing,
};
use super::placement::{Constraint, Strategy};
use super::query;
use super::registry::{LifecycleRule, TagMutability};
use super::taskdef::{ContainerDef, LaunchType, NetworkMode, TaskDef, Volume};
use crate::diag::{Diagnostic, Field, Place, Table, Tagged, Ty, Walk, opt, req};
use crate::sim::{DEFAULT_SEED, Engine, SimDuration, SimTime, Trace};

pub use crate::sim::{Dur, opt_duration};

const U32: Ty = Ty::Int {
    min: 0,
    max: u32::MAX as u64,
};
const PORT: Ty = Ty::Int {
    min: 0,
    max: u16::MAX as u64,
};
const LAUNCH_TYPES: &[&str] = &["EC2", "FARGATE"];

/// The scenario file's shape for the one walk in [`crate::diag`]; documented in
/// `book/reference/scenario-file.md` and `scenario.schema.json`.
const FILE: &[Field] = &[
    opt(
        "seed",
        Ty::Int {
            min: 0,
            max: u64::MAX,
        },
        "The simulation seed.",
    ),
    opt(
        "explain",
        Ty::Enum(&["full", "summary"]),
        "How much the trace says about placement.",
    ),
    opt("duration", Ty::Duration, "When the run ends."),
    opt(
        "instance",
        Ty::TableList(INSTANCE),
        "Container instances registered at the start.",
    ),
    opt(
        "task_definition",
        Ty::TableList(TASK_DEFINITION),
        "Task definitions.",
    ),
    opt("service", Ty::TableList(SERVICE), "Services."),
    opt("repository", Ty::TableList(REPOSITORY), "ECR repositories."),
    opt(
        "image",
        Ty::TableList(IMAGE),
        "Images built on the workstation at the start.",
    ),
    opt(
        "timeline",
        Ty::List(&Ty::Tagged(&STEP)),
        "Actions at given times.",
    ),
];

const INSTANCE_KEYS: [Field; 7] = [
    req("name", Ty::Str, "The instance name."),
    opt("cluster", Ty::Str, "Default \"default\"."),
    req(
        "type",
        Ty::Check(instance_type),
        "An instance type of the catalog.",
    ),
    req("az", Ty::Str, "The availability zone."),
    opt("attributes", Ty::Map(&Ty::Str), "Custom attributes."),
    opt("reserved_memory", U32, "MiB kept back from tasks."),
    opt("count", U32, "More than one: names become name-1, name-2, …"),
];
const INSTANCE: &[Field] = &INSTANCE_KEYS;

fn instance_type(s: &str) -> Result<(), String> {
    match catalog::instance_type(s) {
        Some(_) => Ok(()),
        None => Err(format!(
            "unknown instance type \"{s}\" ({}expected one of: {})",
            crate::diag::closest(s, catalog::instance_type_names())
                .map(|b| format!("did you mean \"{b}\"? "))
                .unwrap_or_default(),
            catalog::instance_type_names().join(", ")
        )),
    }
}

const TASK_DEFINITION: &[Field] = &[
    req("family", Ty::Str, "The family name."),
    opt(
        "requires_compatibilities",
        Ty::Enum(LAUNCH_TYPES),
        "EC2 (default) or FARGATE.",
    ),
    opt(
        "network_mode",
        Ty::Enum(&["bridge", "host", "awsvpc", "none"]),
        "Default awsvpc on Fargate, bridge on EC2.",
    ),
    opt("cpu", U32, "Task CPU units."),
    opt("memory", U32, "Task memory, MiB."),
    opt("os", Ty::Enum(&["linux", "windows"]), "Default linux."),
    opt("arch", Ty::Enum(&["x86_64", "arm64"]), "Default x86_64."),
    opt("platform_version", Ty::Str, "Default LATEST."),
    opt("ephemeral_storage_gib", U32, "Fargate ephemeral storage."),
    opt("volume", Ty::TableList(VOLUME), "Volumes."),
    req("container", Ty::TableList(CONTAINER), "Containers."),
];
const VOLUME: &[Field] = &[
    req("name", Ty::Str, "The volume name."),
    opt("host_path", Ty::Str, "A bind mount's host path."),
];
const CONTAINER: &[Field] = &[
    req("name", Ty::Str, "The container name."),
    req("image", Ty::Str, "The image."),
    opt("cpu", U32, "CPU units."),
    opt("memory", U32, "Hard limit, MiB."),
    opt("memory_reservation", U32, "Soft limit, MiB."),
    opt("port_mappings", Ty::TableList(PORT_MAPPING), "Ports."),
    opt("essential", Ty::Bool, "Default true."),
    opt("image_size_mb", U32, "Image size for pull times."),
    opt("exits_after", Ty::Duration, "The process exits after this long."),
    opt(
        "exit_code",
        Ty::Int {
            min: i32::MIN as i64,
            max: i32::MAX as u64,
        },
        "Its exit code.",
    ),
    opt("uses_memory", U32, "MiB the process uses."),
    opt("ignores_sigterm", Ty::Bool, "Needs SIGKILL to stop."),
    opt("stop_timeout", U32, "Seconds between SIGTERM and SIGKILL."),
    opt("mount_points", Ty::TableList(MOUNT_POINT), "Volume mounts."),
];
const PORT_MAPPING: &[Field] = &[
    req("container_port", PORT, "The container's port."),
    opt("host_port", PORT, "The host's port; absent or 0 is dynamic."),
];
const MOUNT_POINT: &[Field] = &[
    req("source_volume", Ty::Str, "A volume of the task definition."),
    req("container_path", Ty::Str, "Where it is mounted."),
];
const PLACEMENT_CONSTRAINTS: Field = opt(
    "placement_constraints",
    Ty::TableList(CONSTRAINT),
    "distinctInstance or memberOf.",
);
const PLACEMENT_STRATEGY: Field = opt(
    "placement_strategy",
    Ty::TableList(STRATEGY),
    "binpack, spread or random.",
);
const SERVICE: &[Field] = &[
    req("name", Ty::Str, "The service name."),
    opt("cluster", Ty::Str, "Default \"default\"."),
    req("task_definition", Ty::Str, "A task definition family."),
    opt("desired_count", U32, "Tasks to keep running."),
    opt("launch_type", Ty::Enum(LAUNCH_TYPES), "EC2 (default) or FARGATE."),
    opt(
        "scheduling_strategy",
        Ty::Enum(&["REPLICA", "DAEMON"]),
        "Default REPLICA.",
    ),
    opt("minimum_healthy_percent", U32, "Deployment floor."),
    opt("maximum_percent", U32, "Deployment ceiling."),
    PLACEMENT_CONSTRAINTS,
    PLACEMENT_STRATEGY,
    opt("autoscaling", Ty::Table(AUTOSCALING), "CPU target tracking."),
];
const CONSTRAINT: &[Field] = &[
    req("type", Ty::Str, "distinctInstance or memberOf."),
    opt("expression", Ty::Str, "A cluster query, for memberOf."),
];
const STRATEGY: &[Field] = &[
    req("type", Ty::Str, "binpack, spread or random."),
    opt("field", Ty::Str, "What to binpack or spread on."),
];
const AUTOSCALING: &[Field] = &[
    req("target_cpu_percent", Ty::Number, "Target average CPU."),
    req("min", U32, "Fewest tasks."),
    req("max", U32, "Most tasks."),
];
const REPOSITORY: &[Field] = &[
    req("name", Ty::Str, "The repository name."),
    opt(
        "tag_mutability",
        Ty::Enum(&["MUTABLE", "IMMUTABLE"]),
        "Default MUTABLE.",
    ),
    opt("lifecycle", Ty::TableList(LIFECYCLE_RULE), "Lifecycle rules."),
];
const LIFECYCLE_RULE: &[Field] = &[
    req("priority", U32, "Lower runs first."),
    req(
        "tag_status",
        Ty::Enum(&["tagged", "untagged", "any"]),
        "Which images.",
    ),
    opt("tag_prefixes", Ty::StrList, "For tagged."),
    req(
        "count_type",
        Ty::Enum(&["image_count_more_than", "since_image_pushed"]),
        "What count means.",
    ),
    req("count", U32, "Images or days."),
];
const IMAGE: &[Field] = &[
    req("tag", Ty::Str, "The local tag."),
    req("build", Ty::Str, "The build spec."),
];

const AT: Field = req("at", Ty::Duration, "When, from the start.");
const REGISTER_INSTANCE: [Field; 8] = [
    AT,
    INSTANCE_KEYS[0],
    INSTANCE_KEYS[1],
    INSTANCE_KEYS[2],
    INSTANCE_KEYS[3],
    INSTANCE_KEYS[4],
    INSTANCE_KEYS[5],
    INSTANCE_KEYS[6],
];
const STEP: Tagged = Tagged {
    tag: "action",
    noun: "action",
    doc: "What happens.",
    variants: &[
        (
            "run_task",
            &[
                AT,
                req("task_definition", Ty::Str, "A task definition family."),
                opt("cluster", Ty::Str, "Default \"default\"."),
                opt("count", U32, "1–10."),
                opt("launch_type", Ty::Enum(LAUNCH_TYPES), "EC2 (default) or FARGATE."),
                PLACEMENT_CONSTRAINTS,
                PLACEMENT_STRATEGY,
            ],
        ),
        (
            "update_service",
            &[
                AT,
                req("service", Ty::Str, "A service."),
                opt("desired_count", U32, "New desired count."),
                opt("task_definition", Ty::Str, "New task definition."),
            ],
        ),
        (
            "stop_task",
            &[
                AT,
                req("task", Ty::Str, "A task id as the trace writes it, e.g. t3."),
            ],
        ),
        (
            "drain_instance",
            &[AT, req("instance", Ty::Str, "An instance name.")],
        ),
        (
            "terminate_instance",
            &[AT, req("instance", Ty::Str, "An instance name.")],
        ),
        ("register_instance", &REGISTER_INSTANCE),
        (
            "push_image",
            &[
                AT,
                req("image", Ty::Str, "A local image tag."),
                req("repository", Ty::Str, "A repository."),
                req("tag", Ty::Str, "The tag to push as."),
            ],
        ),
        ("expire_images", &[AT]),
        (
            "set_load",
            &[
                AT,
                req("service", Ty::Str, "A service."),
                req("cpu_units", U32, "CPU units the service's tasks use."),
            ],
        ),
    ],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RepositoryIn {
    name: String,
    #[serde(default)]
    tag_mutability: TagMutability,
    #[serde(default)]
    lifecycle: Vec<LifecycleRule>,
}

/// An image built on the workstation at the start: a tag and a build spec.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageIn {
    tag: String,
    build: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstanceIn {
    name: String,
    #[serde(default = "default_cluster")]
    cluster: String,
    #[serde(rename = "type")]
    instance_type: String,
    az: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    reserved_memory: u32,
    /// More than one: names become `name-1`, `name-2`, …
    #[serde(default = "one")]
    count: u32,
}

fn default_cluster() -> String {
    "default".into()
}
fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskDefIn {
    family: String,
    #[serde(default = "ec2")]
    requires_compatibilities: LaunchType,
    network_mode: Option<NetworkMode>,
    cpu: Option<u32>,
    memory: Option<u32>,
    #[serde(default = "linux")]
    os: Os,
    #[serde(default = "x86")]
    arch: Arch,
    #[serde(default = "latest")]
    platform_version: String,
    ephemeral_storage_gib: Option<u32>,
    #[serde(default)]
    volume: Vec<Volume>,
    container: Vec<ContainerDef>,
}

fn ec2() -> LaunchType {
    LaunchType::Ec2
}
fn linux() -> Os {
    Os::Linux
}
fn x86() -> Arch {
    Arch::X86_64
}
fn latest() -> String {
    "LATEST".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConstraintIn {
    #[serde(rename = "type")]
    kind: String,
    expression: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StrategyIn {
    #[serde(rename = "type")]
    kind: String,
    field: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AutoscalingIn {
    target_cpu_percent: f64,
    min: u32,
    max: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceIn {
    name: String,
    #[serde(default = "default_cluster")]
    cluster: String,
    task_definition: String,
    #[serde(default)]
    desired_count: u32,
    #[serde(default = "ec2")]
    launch_type: LaunchType,
    #[serde(default = "replica")]
    scheduling_strategy: SchedulingStrategy,
    minimum_healthy_percent: Option<u32>,
    maximum_percent: Option<u32>,
    #[serde(default)]
    placement_constraints: Vec<ConstraintIn>,
    /// Absent means ECS's service default, spread across availability zones.
    placement_strategy: Option<Vec<StrategyIn>>,
    autoscaling: Option<AutoscalingIn>,
}

fn replica() -> SchedulingStrategy {
    SchedulingStrategy::Replica
}

#[derive(Debug, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
enum StepIn {
    RunTask {
        at: Dur,
        task_definition: String,
        #[serde(default = "default_cluster")]
        cluster: String,
        #[serde(default = "one")]
        count: u32,
        #[serde(default = "ec2")]
        launch_type: LaunchType,
        #[serde(default)]
        placement_constraints: Vec<ConstraintIn>,
        #[serde(default)]
        placement_strategy: Vec<StrategyIn>,
    },
    UpdateService {
        at: Dur,
        service: String,
        desired_count: Option<u32>,
        task_definition: Option<String>,
    },
    StopTask {
        at: Dur,
        task: String,
    },
    DrainInstance {
        at: Dur,
        instance: String,
    },
    TerminateInstance {
        at: Dur,
        instance: String,
    },
    // The keys of [[instance]], spelled out: `#[serde(flatten)]` would silently accept typos.
    RegisterInstance {
        at: Dur,
        name: String,
        #[serde(default = "default_cluster")]
        cluster: String,
        #[serde(rename = "type")]
        instance_type: String,
        az: String,
        #[serde(default)]
        attributes: BTreeMap<String, String>,
        #[serde(default)]
        reserved_memory: u32,
        #[serde(default = "one")]
        count: u32,
    },
    PushImage {
        at: Dur,
        image: String,
        repository: String,
        tag: String,
    },
    ExpireImages {
        at: Dur,
    },
    SetLoad {
        at: Dur,
        service: String,
        cpu_units: u32,
    },
}

/// A parsed scenario: the seed, the end of the run, and every action with its time.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub seed: u64,
    pub explain: Explain,
    pub end: SimTime,
    pub actions: Vec<(SimTime, Action)>,
}

/// Parses a scenario file, reporting every problem at once; `path` only labels diagnostics.
///
/// The walk in [`crate::diag`] checks every key and value; the entries it found sound are then
/// built and cross-checked (an update's service), with references resolved against every entry
/// written, sound or not, so one mistake is reported once.
pub fn parse(path: &str, text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    let root = crate::diag::read_toml(path, text)?;
    let mut w = Walk::new(path, text);
    let sound = w.root(&root, FILE, &Place::root("the scenario"));
    let seed = sound.value("seed").and_then(|v| w.decode::<u64>(v));
    let explain = sound
        .value("explain")
        .and_then(|v| w.decode::<Explain>(v))
        .unwrap_or_default();
    let duration = sound.value("duration").and_then(|v| w.decode::<Dur>(v));
    let mut actions = vec![];
    for item in sound.items("instance") {
        if let Some(i) = w.decode::<InstanceIn>(item) {
            let t = Table::of(item).expect("the walk found a table");
            for a in instance_actions(&mut w, i, t) {
                actions.push((SimTime::ZERO, a));
            }
        }
    }
    for item in sound.items("repository") {
        if let Some(r) = w.decode::<RepositoryIn>(item) {
            let action = Action::CreateRepository {
                name: r.name,
                mutability: r.tag_mutability,
                lifecycle: r.lifecycle,
            };
            actions.push((SimTime::ZERO, action));
        }
    }
    for item in sound.items("image") {
        if let Some(i) = w.decode::<ImageIn>(item) {
            actions.push((
                SimTime::ZERO,
                Action::BuildImage {
                    tag: i.tag,
                    spec: i.build,
                },
            ));
        }
    }
    for item in sound.items("task_definition") {
        let Some(td) = w.decode::<TaskDefIn>(item) else {
            continue;
        };
        let network_mode = td.network_mode.unwrap_or(match td.requires_compatibilities {
            LaunchType::Fargate => NetworkMode::Awsvpc,
            LaunchType::Ec2 => NetworkMode::Bridge,
        });
        let def = TaskDef {
            family: td.family,
            revision: 0,
            compatibility: td.requires_compatibilities,
            network_mode,
            cpu: td.cpu,
            memory: td.memory,
            containers: td.container,
            os: td.os,
            arch: td.arch,
            platform_version: td.platform_version,
            ephemeral_storage_gib: td.ephemeral_storage_gib,
            volumes: td.volume,
        };
        actions.push((SimTime::ZERO, Action::RegisterTaskDefinition(def)));
    }
    let service_names = sound.names("service", "name");
    for item in sound.items("service") {
        let Some(s) = w.decode::<ServiceIn>(item) else {
            continue;
        };
        let t = Table::of(item).expect("the walk found a table");
        if s.desired_count > 5000 {
            w.err(
                t.at("desired_count"),
                format!(
                    "desired_count must be at most 5,000 (tasks per service), not {}",
                    s.desired_count
                ),
            );
        }
        if let Some(a) = &s.autoscaling
            && (a.min > a.max || a.target_cpu_percent.is_nan() || a.target_cpu_percent <= 0.0)
        {
            w.err(
                t.at("autoscaling"),
                "autoscaling needs min <= max and a target_cpu_percent above 0",
            );
        }
        let constraints = constraints(&mut w, t, s.placement_constraints);
        let strategies = match s.placement_strategy {
            Some(list) => strategies(&mut w, t, list),
            None if s.launch_type == LaunchType::Ec2 => {
                vec![Strategy::Spread(super::placement::SpreadField::Attribute(
                    "ecs.availability-zone".into(),
                ))]
            }
            None => vec![],
        };
        let daemon = s.scheduling_strategy == SchedulingStrategy::Daemon;
        actions.push((
            SimTime::ZERO,
            Action::CreateService(ServiceSpec {
                name: s.name,
                cluster: s.cluster,
                task_definition: s.task_definition,
                desired_count: s.desired_count,
                launch_type: s.launch_type,
                scheduling: s.scheduling_strategy,
                // Defaults from the API: REPLICA 100/200, DAEMON 0/100.
                minimum_healthy_percent: s.minimum_healthy_percent.unwrap_or(if daemon { 0 } else { 100 }),
                maximum_percent: s.maximum_percent.unwrap_or(if daemon { 100 } else { 200 }),
                constraints,
                strategies,
                autoscaling: s.autoscaling.map(|a| CpuTargetTracking {
                    target_percent: a.target_cpu_percent,
                    min: a.min,
                    max: a.max,
                }),
            }),
        ));
    }
    let mut last = SimTime::ZERO;
    for item in sound.items("timeline") {
        let Some(step) = w.decode::<StepIn>(item) else {
            continue;
        };
        let t = Table::of(item).expect("the walk found a table");
        let (when, action) = match step {
            StepIn::RunTask {
                at,
                task_definition,
                cluster,
                count,
                launch_type,
                placement_constraints,
                placement_strategy,
            } => (
                at,
                if !(1..=10).contains(&count) {
                    w.err(
                        t.at("count"),
                        format!("count must be 1–10 (RunTask starts at most 10 tasks per call), not {count}"),
                    );
                    vec![]
                } else {
                    vec![Action::RunTask {
                        cluster,
                        task_definition,
                        count,
                        launch_type,
                        constraints: constraints(&mut w, t, placement_constraints),
                        strategies: strategies(&mut w, t, placement_strategy),
                    }]
                },
            ),
            StepIn::UpdateService {
                at,
                service,
                desired_count,
                task_definition,
            } => {
                if !service_names.contains(&service) {
                    let message = if service_names.is_empty() {
                        format!(
                            "unknown service \"{service}\" (no [[service]] is declared; add one or fix the name)"
                        )
                    } else {
                        format!(
                            "unknown service \"{service}\" ({}expected one of: {})",
                            crate::diag::closest(&service, service_names.iter().map(String::as_str))
                                .map(|b| format!("did you mean \"{b}\"? "))
                                .unwrap_or_default(),
                            service_names.join(", ")
                        )
                    };
                    w.err(t.at("service"), message);
                }
                (
                    at,
                    vec![Action::UpdateService {
                        service,
                        desired_count,
                        task_definition,
                    }],
                )
            }
            StepIn::StopTask { at, task } => match task.strip_prefix('t').and_then(|n| n.parse::<u32>().ok())
            {
                Some(n) if n >= 1 => (at, vec![Action::StopTask { task: TaskId(n - 1) }]),
                _ => {
                    w.err(
                        t.at("task"),
                        format!("invalid task id \"{task}\" (write it as the trace does, e.g. t3)"),
                    );
                    continue;
                }
            },
            StepIn::DrainInstance { at, instance } => (at, vec![Action::DrainInstance { instance }]),
            StepIn::TerminateInstance { at, instance } => (at, vec![Action::TerminateInstance { instance }]),
            StepIn::RegisterInstance {
                at,
                name,
                cluster,
                instance_type,
                az,
                attributes,
                reserved_memory,
                count,
            } => {
                let instance = InstanceIn {
                    name,
                    cluster,
                    instance_type,
                    az,
                    attributes,
                    reserved_memory,
                    count,
                };
                (at, instance_actions(&mut w, instance, t))
            }
            StepIn::PushImage {
                at,
                image,
                repository,
                tag,
            } => (
                at,
                vec![Action::PushImage {
                    image,
                    repository,
                    tag,
                }],
            ),
            StepIn::ExpireImages { at } => (at, vec![Action::ExpireImages]),
            StepIn::SetLoad {
                at,
                service,
                cpu_units,
            } => (at, vec![Action::SetLoad { service, cpu_units }]),
        };
        let t = SimTime::ZERO + when.0;
        last = last.max(t);
        actions.extend(action.into_iter().map(|a| (t, a)));
    }
    // The default end leaves ten minutes after the last action for things to settle.
    let end = duration.map_or(last + SimDuration::from_mins(10), |d| SimTime::ZERO + d.0);
    w.finish(Scenario {
        seed: seed.unwrap_or(DEFAULT_SEED),
        explain,
        end,
        actions,
    })
}

/// The instances of an `[[instance]]` entry or a `register_instance` step.
fn instance_actions(w: &mut Walk<'_>, i: InstanceIn, t: Table<'_, '_>) -> Vec<Action> {
    let ty = catalog::instance_type(&i.instance_type).expect("the walk checked the instance type");
    // ECS's default quota; it also keeps a typo from allocating millions of instances.
    if !(1..=5000).contains(&i.count) {
        w.err(
            t.at("count"),
            format!(
                "count must be 1–5,000 (container instances per cluster), not {}",
                i.count
            ),
        );
        return vec![];
    }
    (1..=i.count)
        .map(|k| {
            let name = if i.count == 1 {
                i.name.clone()
            } else {
                format!("{}-{k}", i.name)
            };
            Action::RegisterInstance(InstanceSpec {
                name,
                cluster: i.cluster.clone(),
                instance_type: ty,
                az: i.az.clone(),
                attributes: i.attributes.clone(),
                reserved_memory: i.reserved_memory,
            })
        })
        .collect()
}

/// Where the text of a string value starts, after its opening quote (or three).
fn string_start(w: &Walk<'_>, v: &crate::diag::Value<'_>) -> usize {
    let at = v.span().start;
    let rest = w.text.get(at..).unwrap_or("");
    at + if rest.starts_with("\"\"\"") || rest.starts_with("\u{27}\u{27}\u{27}") {
        3
    } else {
        1
    }
}

fn constraints(w: &mut Walk<'_>, t: Table<'_, '_>, list: Vec<ConstraintIn>) -> Vec<Constraint> {
    let mut out = vec![];
    let items = t.tables("placement_constraints");
    for (n, c) in list.into_iter().enumerate() {
        let item = items.get(n).copied().unwrap_or(t);
        match (c.kind.as_str(), c.expression) {
            ("distinctInstance", None) => out.push(Constraint::DistinctInstance),
            ("memberOf", Some(e)) => match query::parse(&e) {
                Ok(expr) => out.push(Constraint::MemberOf { expression: e, expr }),
                Err(err) => {
                    let start = item.get("expression").map_or(item.span.0, |v| string_start(w, v));
                    w.err(start + err.offset as usize, err.to_string());
                }
            },
            ("memberOf", None) => w.err(
                item.at("type"),
                "memberOf needs an expression (add expression = \"attribute:…\")",
            ),
            ("distinctInstance", Some(_)) => w.err(
                item.at("expression"),
                "distinctInstance takes no expression (remove it, or use type = \"memberOf\")",
            ),
            (other, _) => {
                let hint = crate::diag::closest(other, ["distinctInstance", "memberOf"])
                    .map(|b| format!("did you mean \"{b}\"? "))
                    .unwrap_or_default();
                w.err(
                    item.at("type"),
                    format!("unknown constraint type \"{other}\" ({hint}expected one of: distinctInstance, memberOf)"),
                )
            }
        }
    }
    out
}

fn strategies(w: &mut Walk<'_>, t: Table<'_, '_>, list: Vec<StrategyIn>) -> Vec<Strategy> {
    let mut out = vec![];
    let items = t.tables("placement_strategy");
    for (n, s) in list.into_iter().enumerate() {
        match Strategy::parse(&s.kind, s.field.as_deref()) {
            Ok(st) => out.push(st),
            Err(e) => {
                let item = items.get(n).copied().unwrap_or(t);
                w.err(item.at("type"), e)
            }
        }
    }
    out
}

/// Builds the engine with every action scheduled; the caller steps or runs it.
pub fn build(s: &Scenario) -> Engine<Ecs> {
    let mut e = Engine::new(Ecs::new(s.explain, Timing::default(), s.end), s.seed);
    for (t, a) in &s.actions {
        e.schedule_at(*t, Event::Act(a.clone()));
    }
    e
}

/// Runs a scenario to its end.
pub fn run(s: &Scenario) -> (Trace<super::model::Record>, Snapshot) {
    let mut e = build(s);
    e.run_until(s.end);
    let snap = e.model().snapshot();
    let (_, trace) = e.into_parts();
    (trace, snap)
}
