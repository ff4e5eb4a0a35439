//! The ECS scenario file (TOML): clusters' instances, task definitions, services and a timeline
//! of actions, parsed into [`model::Action`]s with every input error as a [`Diagnostic`] at its
//! `path:line:col`. Documented in `book/reference/scenario-file.md`.
//!
//! Unknown keys are errors that list the expected keys, so a typo never silently changes a run.
//! It does not run anything beyond building the engine ([`build`]); the CLI reads the file.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use serde_spanned::Spanned;

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
use crate::diag::Diagnostic;
use crate::sim::{DEFAULT_SEED, Dur, Engine, SimDuration, SimTime, Trace};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    seed: Option<u64>,
    #[serde(default)]
    explain: Explain,
    duration: Option<Dur>,
    #[serde(default)]
    instance: Vec<Spanned<InstanceIn>>,
    #[serde(default)]
    task_definition: Vec<TaskDefIn>,
    #[serde(default)]
    service: Vec<Spanned<ServiceIn>>,
    #[serde(default)]
    repository: Vec<RepositoryIn>,
    #[serde(default)]
    image: Vec<ImageIn>,
    #[serde(default)]
    timeline: Vec<Spanned<StepIn>>,
}

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

/// Turns serde's wording into the house's: `unknown key "x" (expected one of: a, b)`.
pub(crate) fn reword(message: &str) -> String {
    let message = message.trim();
    let ticks = |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    for (serde_kind, ours) in [
        ("unknown field", "unknown key"),
        ("unknown variant", "unknown value"),
    ] {
        if message.starts_with(serde_kind) {
            let words = ticks(message);
            if let Some((got, expected)) = words.split_first() {
                let expected = if expected.is_empty() {
                    "none".to_string()
                } else {
                    expected.join(", ")
                };
                return format!("{ours} \"{got}\" (expected one of: {expected})");
            }
        }
    }
    message.replace('`', "\"")
}

/// toml reports some errors at the start of the enclosing table (timeline steps are read as a
/// whole); point at the offending key or value instead when it can be found after that start.
pub(crate) fn refine(text: &str, offset: usize, message: &str) -> usize {
    let Some(quoted) = message.split('"').nth(1) else {
        return offset;
    };
    let rest = text.get(offset..).unwrap_or("");
    let found = if message.starts_with("unknown key") {
        let mut at = 0;
        rest.split_inclusive('\n').find_map(|line| {
            let here = at;
            at += line.len();
            let key = line.trim_start();
            let after = key.strip_prefix(quoted)?;
            after
                .trim_start()
                .starts_with('=')
                .then_some(here + line.len() - key.len())
        })
    } else {
        rest.find(&format!("\"{quoted}\"")).map(|i| i + 1)
    };
    found.map_or(offset, |i| offset + i)
}

/// Parses a scenario file; `path` only labels diagnostics.
pub fn parse(path: &str, text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    let file: File = toml::from_str(text).map_err(|e| {
        let message = reword(e.message());
        let offset = refine(text, e.span().map_or(0, |s| s.start), &message);
        vec![Diagnostic::at_offset(path, text, offset, message)]
    })?;
    let mut diags = vec![];
    let at = |diags: &mut Vec<Diagnostic>, offset: usize, msg: String| {
        diags.push(Diagnostic::at_offset(path, text, offset, msg))
    };
    let mut actions = vec![];
    let instance_actions = |diags: &mut Vec<Diagnostic>, i: InstanceIn, span: Range<usize>| -> Vec<Action> {
        let Some(ty) = catalog::instance_type(&i.instance_type) else {
            at(
                diags,
                locate(text, &span, &i.instance_type),
                format!(
                    "unknown instance type \"{}\" (expected one of: {})",
                    i.instance_type,
                    catalog::instance_type_names().join(", ")
                ),
            );
            return vec![];
        };
        // ECS's default quota; it also keeps a typo from allocating millions of instances.
        if !(1..=5000).contains(&i.count) {
            at(
                diags,
                locate(text, &span, "count"),
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
    };
    for i in file.instance {
        let span = i.span();
        for a in instance_actions(&mut diags, i.into_inner(), span) {
            actions.push((SimTime::ZERO, a));
        }
    }
    for r in file.repository {
        let action = Action::CreateRepository {
            name: r.name,
            mutability: r.tag_mutability,
            lifecycle: r.lifecycle,
        };
        actions.push((SimTime::ZERO, action));
    }
    for i in file.image {
        actions.push((
            SimTime::ZERO,
            Action::BuildImage {
                tag: i.tag,
                spec: i.build,
            },
        ));
    }
    for td in file.task_definition {
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
    let mut service_names = vec![];
    for s in file.service {
        let span = s.span();
        let s = s.into_inner();
        if s.desired_count > 5000 {
            let msg = format!(
                "desired_count must be at most 5,000 (tasks per service), not {}",
                s.desired_count
            );
            diags.push(Diagnostic::at_offset(
                path,
                text,
                locate(text, &span, "desired_count"),
                msg,
            ));
        }
        if let Some(a) = &s.autoscaling
            && (a.min > a.max || a.target_cpu_percent.is_nan() || a.target_cpu_percent <= 0.0)
        {
            let msg = "autoscaling needs min <= max and a target_cpu_percent above 0".to_string();
            diags.push(Diagnostic::at_offset(
                path,
                text,
                locate(text, &span, "autoscaling"),
                msg,
            ));
        }
        let constraints = constraints(&mut diags, path, text, &span, s.placement_constraints);
        let strategies = match s.placement_strategy {
            Some(list) => strategies(&mut diags, path, text, &span, list),
            None if s.launch_type == LaunchType::Ec2 => {
                vec![Strategy::Spread(super::placement::SpreadField::Attribute(
                    "ecs.availability-zone".into(),
                ))]
            }
            None => vec![],
        };
        let daemon = s.scheduling_strategy == SchedulingStrategy::Daemon;
        service_names.push(s.name.clone());
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
    for step in file.timeline {
        let span = step.span();
        let offset = span.start;
        let (when, action) = match step.into_inner() {
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
                    let msg =
                        format!("count must be 1–10 (RunTask starts at most 10 tasks per call), not {count}");
                    diags.push(Diagnostic::at_offset(
                        path,
                        text,
                        locate(text, &span, "count"),
                        msg,
                    ));
                    vec![]
                } else {
                    vec![Action::RunTask {
                        cluster,
                        task_definition,
                        count,
                        launch_type,
                        constraints: constraints(&mut diags, path, text, &span, placement_constraints),
                        strategies: strategies(&mut diags, path, text, &span, placement_strategy),
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
                    diags.push(Diagnostic::at_offset(
                        path,
                        text,
                        locate(text, &span, &format!("\"{service}\"")) + 1,
                        if service_names.is_empty() {
                            format!("unknown service \"{service}\" (no [[service]] is declared)")
                        } else {
                            format!(
                                "unknown service \"{service}\" (expected one of: {})",
                                service_names.join(", ")
                            )
                        },
                    ));
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
                    diags.push(Diagnostic::at_offset(
                        path,
                        text,
                        offset,
                        format!("invalid task id \"{task}\" (write it as the trace does, e.g. t3)"),
                    ));
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
                (at, instance_actions(&mut diags, instance, span.clone()))
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
    if !diags.is_empty() {
        return Err(diags);
    }
    // The default end leaves ten minutes after the last action for things to settle.
    let end = file
        .duration
        .map_or(last + SimDuration::from_mins(10), |d| SimTime::ZERO + d.0);
    Ok(Scenario {
        seed: file.seed.unwrap_or(DEFAULT_SEED),
        explain: file.explain,
        end,
        actions,
    })
}

/// Where `needle` is written inside an entry (for a diagnostic on a value that serde could not
/// give a span for); the entry's start if it is not found verbatim.
fn locate(text: &str, span: &Range<usize>, needle: &str) -> usize {
    // toml's span of an array-of-tables entry may cover only its header, so search on from it.
    text.get(span.start..)
        .and_then(|t| t.find(needle))
        .map_or(span.start, |i| span.start + i)
}

fn constraints(
    diags: &mut Vec<Diagnostic>,
    path: &str,
    text: &str,
    span: &Range<usize>,
    list: Vec<ConstraintIn>,
) -> Vec<Constraint> {
    let mut out = vec![];
    for c in list {
        let here = |needle: &str| locate(text, span, needle);
        match (c.kind.as_str(), c.expression) {
            ("distinctInstance", None) => out.push(Constraint::DistinctInstance),
            ("memberOf", Some(e)) => match query::parse(&e) {
                Ok(expr) => out.push(Constraint::MemberOf { expression: e, expr }),
                Err(err) => diags.push(Diagnostic::at_offset(
                    path,
                    text,
                    here(&e) + err.offset as usize,
                    err.to_string(),
                )),
            },
            ("memberOf", None) => diags.push(Diagnostic::at_offset(
                path,
                text,
                here("memberOf"),
                "memberOf needs an expression".to_string(),
            )),
            ("distinctInstance", Some(e)) => diags.push(Diagnostic::at_offset(
                path,
                text,
                here(&e),
                "distinctInstance takes no expression".to_string(),
            )),
            (other, _) => diags.push(Diagnostic::at_offset(
                path,
                text,
                here(other),
                format!("unknown constraint type \"{other}\" (expected one of: distinctInstance, memberOf)"),
            )),
        }
    }
    out
}

fn strategies(
    diags: &mut Vec<Diagnostic>,
    path: &str,
    text: &str,
    span: &Range<usize>,
    list: Vec<StrategyIn>,
) -> Vec<Strategy> {
    let mut out = vec![];
    for s in list {
        match Strategy::parse(&s.kind, s.field.as_deref()) {
            Ok(st) => out.push(st),
            Err(e) => diags.push(Diagnostic::at_offset(path, text, locate(text, span, &s.kind), e)),
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
