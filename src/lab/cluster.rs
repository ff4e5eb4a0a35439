//! The scenario and deployment cells: runs an ECS scenario event by event through the existing
//! model and records what the page steps through: one [`PlacementStep`] per placement decision
//! (read from the placement trace the model already writes), the cluster before each step and at
//! the end ([`ClusterFrame`]), service events in ECS's words, the services, and the cost panel.
//!
//! It decides nothing about placement: the filter, constraints and strategies are the model's
//! (`src/ecs/placement.rs`), read back from its trace. Stepping through a run on the page indexes
//! the recorded frames and never re-runs the scenario.

use std::collections::BTreeMap;

use super::container_outputs::{
    ClusterFrame, ClusterOutput, ConstraintRow, CostPanel, DeployPoint, DeploymentOutput, Ec2Cost, EventLine,
    FargateCost, FilterRow, InstanceBox, PendingTask, PlacementStep, ServiceSummary, StrategyRow, TaskChip,
    ZoneBox,
};
use super::format::CellKind;
use super::outputs::CellOutput;
use crate::diag::render_all;
use crate::ecs::fargate::{self, Os};
use crate::ecs::model::{Action, DesiredStatus, Ecs, Explain, Record, SchedulingStrategy, TaskStatus};
use crate::ecs::scenario::{self, Scenario};
use crate::ecs::taskdef::LaunchType;
use crate::sim::{SimTime, TraceEntry};

/// Hours in the cost panel's month.
pub const MONTH_HOURS: f64 = 730.0;
/// EBS gp3, us-east-1, per GB-month (aws-facts Part 2 §3).
pub const EBS_GP3_GB_MONTH: f64 = 0.08;
/// The root volume each container instance is given in the cost panel: the ECS-optimized
/// Amazon Linux 2023 AMI's default (30 GiB), our assumption for a scenario that names no volume.
pub const ROOT_VOLUME_GB: f64 = 30.0;

/// The label ECS gives an unplaced task: it has no id.
const NO_TASK: &str = "-";

/// Parses and runs a scenario cell's text. A file that does not parse gives the diagnostics as
/// the cell's error (the page shows them at the scenario's own line and column).
pub(crate) fn run_scenario_text(text: &str, seed: u64) -> CellOutput {
    match parse(text, seed) {
        Ok(s) => CellOutput::Cluster(run_cluster(&s, &mut |_, _| {})),
        Err(d) => CellOutput::Error {
            message: render_all(&d).trim_end().to_string(),
            line: d.first().map(|d| d.line),
        },
    }
}

/// The scenario of a cell's text, placement explained in full; the lab's seed unless the
/// scenario sets its own.
fn parse(text: &str, lab_seed: u64) -> Result<Scenario, Vec<crate::diag::Diagnostic>> {
    let mut s = scenario::parse("scenario", text)?;
    // The scenario's own seed wins; without one, the lab's.
    let sets_seed = text
        .lines()
        .any(|l| l.split_once('=').is_some_and(|(k, _)| k.trim() == "seed"));
    if !sets_seed {
        s.seed = lab_seed;
    }
    s.explain = Explain::Full;
    Ok(s)
}

/// Runs a scenario to its end, calling `observe` after every event with the model and the time.
pub(crate) fn run_cluster(s: &Scenario, observe: &mut dyn FnMut(&Ecs, SimTime)) -> ClusterOutput {
    let mut e = scenario::build(s);
    let mut rec = Recorder::default();
    // The cluster's state before each event, kept without strings: a frame is built from it only
    // when the event places a task (most events only move a task through its lifecycle).
    let mut before = Raw::default();
    before.capture(e.model(), SimTime::ZERO);
    while e.next_time().is_some_and(|t| t <= s.end) {
        let from = e.trace().len();
        let Some(now) = e.step() else { break };
        let new = &e.trace().entries()[from..];
        rec.event(new, e.model(), &before);
        before.capture(e.model(), now);
        observe(e.model(), now);
    }
    before.t = s.end.max(e.now());
    let model = e.model();
    let last = rec.frame(model, &before);
    rec.frames.push(last);
    debug_assert_eq!(rec.frames.len(), rec.steps.len() + 1);
    let snap = model.snapshot();
    let services = snap
        .services
        .iter()
        .map(|r| ServiceSummary {
            service: r.service.clone(),
            task_definition: r.task_definition.clone(),
            desired: r.desired,
            running: r.running,
            pending: r.pending,
        })
        .collect();
    let trace = e.trace().entries().iter().map(TraceEntry::to_string).collect();
    ClusterOutput {
        trace,
        steps: rec.steps,
        frames: rec.frames,
        events: rec.events,
        services,
        cost: cost_panel(s, model),
        errors: rec.errors,
    }
}

/// A task's status, whether it still wants to run, and the CPU and memory it holds.
type TaskState = (TaskStatus, DesiredStatus, Option<(u32, u32)>);

/// What changes of the cluster between events, per task (its status, whether it still wants to
/// run, the CPU and memory it holds on an instance) and per service (its desired count). Tasks
/// and services are only ever appended, so indices stay valid; the rest of a frame (names,
/// zones, sizes) never changes and is read from the model when the frame is built.
#[derive(Default)]
struct Raw {
    /// When the state was captured.
    t: SimTime,
    tasks: Vec<TaskState>,
    desired: Vec<u32>,
}

impl Raw {
    fn capture(&mut self, model: &Ecs, t: SimTime) {
        self.t = t;
        self.tasks.clear();
        self.tasks.extend(model.tasks().iter().map(|k| {
            (
                k.last_status,
                k.desired_status,
                k.reservation().map(|r| (r.cpu, r.memory)),
            )
        }));
        self.desired.clear();
        self.desired
            .extend(model.services().iter().map(|v| v.desired_count));
    }
}

/// What the run recorded so far, and what the frames need to know.
#[derive(Default)]
struct Recorder {
    steps: Vec<PlacementStep>,
    frames: Vec<ClusterFrame>,
    events: Vec<EventLine>,
    errors: Vec<String>,
    /// Instance → availability zone.
    azs: BTreeMap<String, String>,
    /// Service → its last event, the reason its unplaced tasks wait.
    last_event: BTreeMap<String, String>,
    /// Instance → its status, once it changed from ACTIVE.
    instance_status: BTreeMap<String, String>,
}

fn is_unable(message: &str) -> bool {
    message.contains("was unable to place a task")
}

/// The group a task's chip is coloured by: the service name or the task definition family.
fn group_key(group: &str) -> String {
    group
        .strip_prefix("service:")
        .or_else(|| group.strip_prefix("family:"))
        .unwrap_or(group)
        .to_string()
}

/// ECS's words for a filter verdict of the trace, with the numbers after them.
fn ecs_words(verdict: &str) -> String {
    let words = if verdict == "fits" {
        return verdict.to_string();
    } else if verdict.starts_with("insufficient memory") {
        "has insufficient memory available"
    } else if verdict.starts_with("insufficient CPU") {
        "has insufficient CPU units available"
    } else if verdict.contains("port") {
        "is already using a port required by your task"
    } else if verdict.starts_with("status") {
        "is not ACTIVE"
    } else {
        return verdict.to_string();
    };
    match verdict.find('(') {
        Some(i) => format!("{words} {}", &verdict[i..]),
        None => words.to_string(),
    }
}

impl Recorder {
    fn new_step(&self, task: String, t: SimTime) -> PlacementStep {
        PlacementStep {
            t: t.to_string(),
            task,
            task_definition: String::new(),
            service: None,
            launch_type: "EC2".into(),
            cpu: 0,
            memory: 0,
            ports: vec![],
            filter: vec![],
            constraints: vec![],
            strategies: vec![],
            chosen: None,
            failure: None,
        }
    }

    /// Reads one event's trace lines: placement steps, events, refusals; adds a frame per step.
    fn event(&mut self, entries: &[TraceEntry<Record>], model: &Ecs, raw: &Raw) {
        let first = self.steps.len();
        // The frame before the event, built while the recorder still knows the cluster as it was.
        let places = entries.iter().any(|e| {
            matches!(
                e.record,
                Record::Filter { .. }
                    | Record::Placed { .. }
                    | Record::FargateTask { .. }
                    | Record::RunTaskFailure { .. }
            ) || matches!(&e.record, Record::ServiceEvent { message, .. } if is_unable(message))
        });
        let before = places.then(|| self.frame(model, raw));
        let mut open: Option<PlacementStep> = None;
        for entry in entries {
            let at = entry.at;
            match &entry.record {
                Record::InstanceRegistered { instance, az, .. } => {
                    self.close(&mut open);
                    self.azs.insert(instance.clone(), az.clone());
                }
                Record::InstanceStatusChanged { instance, status } => {
                    self.close(&mut open);
                    self.instance_status
                        .insert(instance.clone(), format!("{status:?}").to_uppercase());
                }
                Record::Filter {
                    task,
                    instance,
                    verdict,
                } => {
                    let continues = open.as_ref().is_some_and(|s| {
                        s.task == task.to_string()
                            && s.constraints.is_empty()
                            && s.strategies.is_empty()
                            && !s.filter.iter().any(|f| &f.instance == instance)
                    });
                    if !continues {
                        self.close(&mut open);
                    }
                    let az = self.azs.get(instance).cloned().unwrap_or_default();
                    open.get_or_insert_with(|| self.new_step(task.to_string(), at))
                        .filter
                        .push(FilterRow {
                            instance: instance.clone(),
                            az,
                            passed: verdict == "fits",
                            verdict: ecs_words(verdict),
                        });
                }
                Record::ConstraintApplied {
                    task,
                    constraint,
                    removed,
                } => {
                    self.reopen(&mut open, task.to_string(), at, |s| s.strategies.is_empty())
                        .constraints
                        .push(ConstraintRow {
                            constraint: constraint.clone(),
                            removed: removed.clone(),
                        });
                }
                Record::StrategyApplied {
                    task,
                    strategy,
                    ranking,
                    kept,
                } => {
                    self.reopen(&mut open, task.to_string(), at, |_| true)
                        .strategies
                        .push(StrategyRow {
                            strategy: strategy.clone(),
                            ranking: ranking.clone(),
                            kept: kept.clone(),
                        });
                }
                Record::Placed {
                    task,
                    instance,
                    ports,
                } => {
                    self.reopen(&mut open, task.to_string(), at, |_| true);
                    let mut s = open.take().expect("reopen leaves a step open");
                    s.chosen = Some(instance.clone());
                    s.ports = ports.clone();
                    self.steps.push(s);
                }
                Record::FargateTask {
                    task, cpu, memory, ..
                } => {
                    self.close(&mut open);
                    let mut s = self.new_step(task.to_string(), at);
                    s.launch_type = "FARGATE".into();
                    s.cpu = *cpu;
                    s.memory = *memory;
                    self.steps.push(s);
                }
                Record::RunTaskFailure {
                    task_definition,
                    reason,
                    arn,
                } => {
                    self.close(&mut open);
                    let failure = format!("RunTask failure: reason={reason} arn={arn}");
                    match self.steps[first..]
                        .iter_mut()
                        .rev()
                        .find(|s| s.chosen.is_none() && s.launch_type == "EC2" && s.failure.is_none())
                    {
                        Some(s) => {
                            s.failure = Some(failure);
                            s.task_definition = task_definition.clone();
                        }
                        None => {
                            let mut s = self.new_step(NO_TASK.into(), at);
                            s.failure = Some(failure);
                            s.task_definition = task_definition.clone();
                            self.steps.push(s);
                        }
                    }
                }
                Record::ServiceEvent { service, message } => {
                    self.close(&mut open);
                    self.events.push(EventLine {
                        t: at.to_string(),
                        service: service.clone(),
                        message: message.clone(),
                    });
                    self.last_event.insert(service.clone(), message.clone());
                    if is_unable(message) {
                        let target = self.steps[first..]
                            .iter_mut()
                            .rev()
                            .find(|s| s.chosen.is_none() && s.launch_type == "EC2" && s.failure.is_none());
                        match target {
                            Some(s) => {
                                s.failure = Some(message.clone());
                                s.service = Some(service.clone());
                            }
                            None => {
                                let mut s = self.new_step(NO_TASK.into(), at);
                                s.failure = Some(message.clone());
                                s.service = Some(service.clone());
                                self.steps.push(s);
                            }
                        }
                    }
                }
                Record::Rejected { action, error } => {
                    self.close(&mut open);
                    self.errors.push(format!("{action}: {error}"));
                }
                Record::TaskDefinitionRejected { family, error } => {
                    self.close(&mut open);
                    self.errors
                        .push(format!("RegisterTaskDefinition {family}: {error}"));
                }
                _ => self.close(&mut open),
            }
        }
        self.close(&mut open);
        self.complete(first, model);
        // The frames of this event's steps: the cluster before the event, then each placement
        // applied in turn.
        let Some(mut frame) = before else {
            debug_assert_eq!(first, self.steps.len(), "steps come only from placement records");
            return;
        };
        for k in first..self.steps.len() {
            self.frames.push(frame.clone());
            apply(&mut frame, &self.steps[k]);
        }
    }

    /// The open step if it is `task`'s and `fits` it, else a new one (the open one closed).
    fn reopen<'s>(
        &mut self,
        open: &'s mut Option<PlacementStep>,
        task: String,
        at: SimTime,
        fits: impl Fn(&PlacementStep) -> bool,
    ) -> &'s mut PlacementStep {
        if !open.as_ref().is_some_and(|s| s.task == task && fits(s)) {
            self.close(open);
        }
        open.get_or_insert_with(|| self.new_step(task, at))
    }

    /// Ends a step that found no instance; its reason may follow later in the event.
    fn close(&mut self, open: &mut Option<PlacementStep>) {
        if let Some(s) = open.take() {
            self.steps.push(s);
        }
    }

    /// Fills what the trace lines of a step do not say, from the model after the event.
    fn complete(&mut self, first: usize, model: &Ecs) {
        let defs = model.task_definitions();
        let def_size = |name: &str| {
            defs.iter()
                .rev()
                .find(|d| d.name() == name || d.family == name)
                .map(|d| (d.name(), d.cpu_units(), d.memory_mib()))
        };
        let mut last_failed: Option<(Option<String>, String, String)> = None;
        for s in &mut self.steps[first..] {
            let placed = s.chosen.is_some() || s.launch_type == "FARGATE";
            let task = s
                .task
                .strip_prefix('t')
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(|n| model.tasks().get(n.checked_sub(1)? as usize));
            if placed && let Some(t) = task {
                s.task_definition = t.task_definition.clone();
                s.service = t.group.strip_prefix("service:").map(str::to_string);
                if let Some(r) = t.reservation() {
                    s.cpu = r.cpu;
                    s.memory = r.memory;
                }
                continue;
            }
            if placed {
                continue;
            }
            if let Some(service) = &s.service
                && let Some(svc) = model.services().iter().find(|v| &v.name == service)
            {
                s.task_definition = svc.task_definition.clone();
            }
            match (&s.failure, &last_failed) {
                (None, Some((service, td, failure))) => {
                    s.service = service.clone();
                    s.task_definition = td.clone();
                    s.failure = Some(failure.clone());
                }
                (None, None) => {
                    s.failure = Some("no container instance met all of its requirements".into());
                }
                (Some(f), _) => {
                    last_failed = Some((s.service.clone(), s.task_definition.clone(), f.clone()));
                }
            }
            if let Some((_, cpu, memory)) = def_size(&s.task_definition) {
                s.cpu = cpu;
                s.memory = memory;
            }
        }
    }

    /// The cluster as `raw` saw it: instances by zone with their tasks, Fargate tasks, and the
    /// tasks services want but could not place.
    fn frame(&self, model: &Ecs, raw: &Raw) -> ClusterFrame {
        let mut on: BTreeMap<&str, Vec<TaskChip>> = BTreeMap::new();
        let mut fargate = Vec::new();
        let mut active: BTreeMap<&str, u32> = BTreeMap::new();
        for (task, (status, desired, held)) in model.tasks().iter().zip(&raw.tasks) {
            if *desired == DesiredStatus::Running {
                *active.entry(task.group.as_str()).or_default() += 1;
            }
            let chip = |cpu: u32, memory: u32| TaskChip {
                task: task.id.to_string(),
                group: group_key(&task.group),
                cpu,
                memory,
                status: status.to_string(),
            };
            match (task.launch_type, held, &task.instance, task.fargate) {
                (LaunchType::Ec2, Some((cpu, memory)), Some(i), _) => {
                    on.entry(i).or_default().push(chip(*cpu, *memory))
                }
                (LaunchType::Fargate, _, _, Some(size)) if *status != TaskStatus::Stopped => {
                    fargate.push(chip(size.cpu, size.memory))
                }
                _ => {}
            }
        }
        let mut zones: BTreeMap<&str, Vec<InstanceBox>> = BTreeMap::new();
        for n in model.pools().values().flat_map(|p| p.nodes()) {
            // Registered later than the frame's moment.
            let Some(az) = self.azs.get(&n.name) else { continue };
            let tasks = on.remove(n.name.as_str()).unwrap_or_default();
            zones.entry(az).or_default().push(InstanceBox {
                name: n.name.clone(),
                instance_type: n.attributes.get("ecs.instance-type").cloned().unwrap_or_default(),
                status: self
                    .instance_status
                    .get(&n.name)
                    .cloned()
                    .unwrap_or_else(|| "ACTIVE".into()),
                cpu_used: tasks.iter().map(|t| t.cpu).sum(),
                cpu_total: n.cpu_total,
                memory_used: tasks.iter().map(|t| t.memory).sum(),
                memory_total: n.memory_total,
                tasks,
            });
        }
        let mut pending = Vec::new();
        for (svc, desired) in model.services().iter().zip(&raw.desired) {
            if svc.scheduling != SchedulingStrategy::Replica {
                continue;
            }
            let running = active
                .get(format!("service:{}", svc.name).as_str())
                .copied()
                .unwrap_or(0);
            let reason = match self.last_event.get(&svc.name) {
                Some(m) if is_unable(m) => m.clone(),
                _ => format!(
                    "(service {}) is waiting for the scheduler to place the task.",
                    svc.name
                ),
            };
            for _ in running..*desired {
                pending.push(PendingTask {
                    task: NO_TASK.into(),
                    task_definition: svc.task_definition.clone(),
                    service: Some(svc.name.clone()),
                    reason: reason.clone(),
                });
            }
        }
        ClusterFrame {
            t: raw.t.to_string(),
            zones: zones
                .into_iter()
                .map(|(az, instances)| ZoneBox {
                    az: az.to_string(),
                    instances,
                })
                .collect(),
            fargate,
            pending,
        }
    }
}

/// The frame after one step: the placed task's chip on its instance (or its own Fargate box).
fn apply(frame: &mut ClusterFrame, step: &PlacementStep) {
    let chip = TaskChip {
        task: step.task.clone(),
        group: step.service.clone().unwrap_or_else(|| {
            step.task_definition
                .split(':')
                .next()
                .unwrap_or_default()
                .to_string()
        }),
        cpu: step.cpu,
        memory: step.memory,
        status: TaskStatus::Provisioning.to_string(),
    };
    if let Some(name) = &step.chosen {
        if let Some(b) = frame
            .zones
            .iter_mut()
            .flat_map(|z| &mut z.instances)
            .find(|b| &b.name == name)
        {
            b.cpu_used += step.cpu;
            b.memory_used += step.memory;
            b.tasks.push(chip);
        }
        if let Some(service) = &step.service
            && let Some(i) = frame
                .pending
                .iter()
                .position(|p| p.service.as_ref() == Some(service))
        {
            frame.pending.remove(i);
        }
    } else if step.launch_type == "FARGATE" {
        frame.fargate.push(chip);
    }
}

/// The same workload for a 730-hour month: the scenario's instances (on-demand, with a root
/// volume each) against the services' tasks on Fargate at their task size.
fn cost_panel(s: &Scenario, model: &Ecs) -> CostPanel {
    let mut types: BTreeMap<&str, (u32, f64)> = BTreeMap::new();
    let mut instances = 0u32;
    for (_, a) in &s.actions {
        if let Action::RegisterInstance(i) = a {
            let e = types
                .entry(i.instance_type.name)
                .or_insert((0, i.instance_type.usd_per_hour));
            e.0 += 1;
            instances += 1;
        }
    }
    let lines: Vec<(String, f64)> = types
        .iter()
        .map(|(name, (n, usd))| (format!("{n} × {name}"), f64::from(*n) * usd * MONTH_HOURS))
        .collect();
    let ebs_gb = f64::from(instances) * ROOT_VOLUME_GB;
    let ebs_usd = ebs_gb * EBS_GP3_GB_MONTH * MONTH_HOURS / 730.0;
    let ec2_total = lines.iter().map(|(_, u)| u).sum::<f64>() + ebs_usd;

    let mut f = FargateCost {
        vcpu_hours: 0.0,
        gb_hours: 0.0,
        storage_gb_hours_over_20: 0.0,
        vcpu_usd: 0.0,
        gb_usd: 0.0,
        storage_usd: 0.0,
        total_usd: 0.0,
    };
    for svc in model.services() {
        let Some(def) = model
            .task_definitions()
            .iter()
            .rev()
            .find(|d| d.name() == svc.task_definition)
        else {
            continue;
        };
        let count = match svc.scheduling {
            SchedulingStrategy::Replica => svc.desired_count,
            SchedulingStrategy::Daemon => instances,
        };
        let (cpu, memory) = fargate_size(def.cpu_units(), def.memory_mib(), def.os);
        let storage = def.ephemeral_storage_gib.unwrap_or(20).saturating_sub(20);
        let rates = fargate::rates(def.os, def.arch);
        let hours = f64::from(count) * MONTH_HOURS;
        let vcpu_h = f64::from(cpu) / 1024.0 * hours;
        let gb_h = f64::from(memory) / 1024.0 * hours;
        let st_h = f64::from(storage) * hours;
        f.vcpu_hours += vcpu_h;
        f.gb_hours += gb_h;
        f.storage_gb_hours_over_20 += st_h;
        f.vcpu_usd += vcpu_h * (rates.vcpu_hour + rates.license_vcpu_hour);
        f.gb_usd += gb_h * rates.gb_hour;
        f.storage_usd += st_h * fargate::STORAGE_GB_HOUR;
    }
    f.total_usd = f.vcpu_usd + f.gb_usd + f.storage_usd;
    CostPanel {
        hours: MONTH_HOURS,
        ec2: Ec2Cost {
            lines,
            ebs_gb,
            ebs_usd,
            total_usd: ec2_total,
        },
        fargate: f,
    }
}

/// The smallest valid Fargate size that holds `cpu` units and `memory` MiB (the largest when
/// nothing does): what the same task would be billed at on Fargate.
pub(crate) fn fargate_size(cpu: u32, memory: u32, os: Os) -> (u32, u32) {
    let mut best = (16384, 122_880);
    for c in [256u32, 512, 1024, 2048, 4096, 8192, 16384] {
        if c < cpu {
            continue;
        }
        if let Some(m) = fargate::valid_memory(c, os).into_iter().find(|m| *m >= memory) {
            best = (c, m);
            break;
        }
    }
    best
}

/// Runs a deployment cell: the scenario with the service's deployment configuration overridden
/// and an UpdateService to the new revision at `at`, watched for `run_for`.
pub(crate) fn run_deployment(text: &str, cell: &CellKind, seed: u64) -> CellOutput {
    let CellKind::Deployment {
        service,
        task_definition,
        minimum_healthy_percent,
        maximum_percent,
        at,
        run_for,
        ..
    } = cell
    else {
        unreachable!("called with a deployment cell");
    };
    let mut s = match parse(text, seed) {
        Ok(s) => s,
        Err(d) => {
            return CellOutput::Error {
                message: format!("the scenario cell does not parse: {}", render_all(&d).trim_end()),
                line: None,
            };
        }
    };
    let (mut min_pct, mut max_pct) = (100, 200);
    let mut found = false;
    for (_, a) in &mut s.actions {
        if let Action::CreateService(spec) = a
            && &spec.name == service
        {
            found = true;
            if let Some(m) = minimum_healthy_percent {
                spec.minimum_healthy_percent = *m;
            }
            if let Some(m) = maximum_percent {
                spec.maximum_percent = *m;
            }
            (min_pct, max_pct) = (spec.minimum_healthy_percent, spec.maximum_percent);
        }
    }
    if !found {
        return CellOutput::Error {
            message: format!("ServiceNotFoundException: Service not found. ({service})"),
            line: None,
        };
    }
    let start = SimTime::ZERO + *at;
    s.actions.push((
        start,
        Action::UpdateService {
            service: service.clone(),
            desired_count: None,
            task_definition: Some(task_definition.clone()),
        },
    ));
    s.actions.sort_by_key(|(t, _)| *t);
    s.end = start + *run_for;
    let group = format!("service:{service}");
    let mut points: Vec<DeployPoint> = Vec::new();
    let (mut min_running, mut max_running) = (u32::MAX, 0);
    let mut observe = |m: &Ecs, now: SimTime| {
        let mut running: BTreeMap<String, u32> = BTreeMap::new();
        for t in m.tasks().iter().filter(|t| t.group == group) {
            if t.last_status == TaskStatus::Running {
                *running.entry(t.task_definition.clone()).or_default() += 1;
            }
        }
        let total: u32 = running.values().sum();
        let desired = m
            .services()
            .iter()
            .find(|v| &v.name == service)
            .map_or(0, |v| v.desired_count);
        if now >= start {
            min_running = min_running.min(total);
            max_running = max_running.max(total);
        }
        let running: Vec<(String, u32)> = running.into_iter().collect();
        if points
            .last()
            .is_some_and(|p| p.running == running && p.desired == desired)
        {
            return;
        }
        // A point per change, even several at one moment: within a moment the model still
        // handles events in order, and min/max RUNNING are read from the same states.
        points.push(DeployPoint {
            t_s: now.since(SimTime::ZERO).as_micros() as f64 / 1e6,
            t: now.to_string(),
            running,
            total,
            desired,
        });
    };
    let cluster = run_cluster(&s, &mut observe);
    if min_running == u32::MAX {
        min_running = 0;
    }
    let events: Vec<EventLine> = cluster
        .events
        .iter()
        .filter(|e| &e.service == service)
        .cloned()
        .collect();
    let summary = cluster.services.iter().find(|v| &v.service == service);
    let new_name = summary.map(|v| v.task_definition.clone()).unwrap_or_default();
    let completed = points
        .last()
        .is_some_and(|p| p.running.len() == 1 && p.running[0].0 == new_name && p.running[0].1 == p.desired)
        && summary.is_some_and(|v| v.task_definition != first_revision(&s, service));
    let after: Vec<&EventLine> = events
        .iter()
        .filter(|e| e.t.as_str() >= start.to_string().as_str())
        .collect();
    let message = match cluster.errors.iter().find(|e| e.starts_with("UpdateService")) {
        Some(err) => err.clone(),
        None => after
            .iter()
            .rev()
            .find(|e| e.message.contains("steady state") || e.message.contains("unable"))
            .or(after.last())
            .map(|e| e.message.clone())
            .unwrap_or_else(|| format!("(service {service}) has not reported an event since the update.")),
    };
    CellOutput::Deployment(DeploymentOutput {
        points,
        events,
        completed,
        min_running,
        max_running,
        message,
        minimum_healthy_percent: min_pct,
        maximum_percent: max_pct,
        cluster,
    })
}

/// The revision a service is created with (`family:1`-style name resolved the way ECS does:
/// the family's latest revision registered before it).
fn first_revision(s: &Scenario, service: &str) -> String {
    let mut revisions: BTreeMap<String, u32> = BTreeMap::new();
    for (_, a) in &s.actions {
        match a {
            Action::RegisterTaskDefinition(d) => *revisions.entry(d.family.clone()).or_default() += 1,
            Action::CreateService(spec) if spec.name == service => {
                let td = &spec.task_definition;
                return match td.split_once(':') {
                    Some(_) => td.clone(),
                    None => format!("{td}:{}", revisions.get(td).copied().unwrap_or(0)),
                };
            }
            _ => {}
        }
    }
    String::new()
}
