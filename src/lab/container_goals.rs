//! Goals on container cells (issue #11), judged from the cells' outputs only: each verdict is
//! Pass, Fail or Pending with a sentence holding the observed value. Engine-free, so the page's
//! container module links no simulator for it and the Lambda module none of it.

use std::collections::BTreeSet;

use super::container_outputs::{ClusterOutput, FargateOutput};
use super::format::{Cell, CostSide, Goal};
use super::goals::{plural, thousands};
use super::outputs::{CellOutput, GoalStatus, GoalVerdict};
use super::workbench::Workbench;

/// A container goal as the page lists it.
pub(crate) fn describe(goal: &Goal) -> String {
    let range = |min: &Option<u32>, max: &Option<u32>, noun: &str| match (min, max) {
        (Some(a), Some(b)) if a == b => format!("exactly {a} {noun}"),
        (Some(a), Some(b)) => format!("{a} to {b} {noun}"),
        (Some(a), None) => format!("at least {a} {noun}"),
        (None, Some(b)) => format!("at most {b} {noun}"),
        (None, None) => format!("any number of {noun}"),
    };
    let whose = |service: &Option<String>| match service {
        Some(s) => format!("service {s}"),
        None => "the tasks".to_string(),
    };
    match goal {
        Goal::AllPlaced { cell } => format!("Every task of \"{cell}\" is placed and running"),
        Goal::InstancesUsed {
            cell,
            service,
            min,
            max,
        } => format!(
            "In \"{cell}\", {} runs on {}",
            whose(service),
            range(min, max, "instances")
        ),
        Goal::ZonesUsed { cell, service, min } => {
            format!(
                "In \"{cell}\", {} spans at least {min} availability zones",
                whose(service)
            )
        }
        Goal::Running {
            cell,
            service,
            min,
            max,
        } => format!(
            "In \"{cell}\", service {service} runs {}",
            range(min, max, "tasks")
        ),
        Goal::EventContains { cell, text } => format!("An event of \"{cell}\" says “{text}”"),
        Goal::NoEventContains { cell, text } => format!("No event of \"{cell}\" says “{text}”"),
        Goal::MaxMonthlyUsd { cell, value, side } => match side {
            Some(s) => format!("The {} month of \"{cell}\" costs at most ${value:.2}", s.name()),
            None => format!("The monthly cost of \"{cell}\" is at most ${value:.2}"),
        },
        Goal::Cheaper { cell, side } => {
            format!("{} is the cheaper side of \"{cell}\"'s cost panel", side.name())
        }
        Goal::DeploymentCompleted { cell } => format!("The deployment in \"{cell}\" completes"),
        Goal::MinRunning { cell, value } => {
            format!("Never fewer than {value} tasks RUNNING during \"{cell}\"")
        }
        Goal::MaxRunning { cell, value } => {
            format!("Never more than {value} tasks RUNNING during \"{cell}\"")
        }
        Goal::FargateValid { cell } => format!("The Fargate size of \"{cell}\" is valid"),
        Goal::FargateCheapest {
            cell,
            min_cpu,
            min_memory,
        } => {
            let mut needs = Vec::new();
            if let Some(c) = min_cpu {
                needs.push(format!("{c} CPU units"));
            }
            if let Some(m) = min_memory {
                needs.push(format!("{m} MiB"));
            }
            if needs.is_empty() {
                format!("\"{cell}\" is the cheapest valid Fargate size")
            } else {
                format!(
                    "\"{cell}\" is the cheapest valid Fargate size with {}",
                    needs.join(" and ")
                )
            }
        }
        Goal::ImageOk { cell } => format!("Every build, push and pull of \"{cell}\" succeeds"),
        Goal::MinCachedLayers { cell, value } => {
            format!("The builds of \"{cell}\" reuse at least {value} cached layers")
        }
        Goal::MaxPullBytes { cell, value } => {
            format!("The pulls of \"{cell}\" move at most {} bytes", thousands(*value))
        }
        Goal::PushRejected { cell } => format!("The registry refuses a push in \"{cell}\""),
        Goal::ReadReturns {
            cell,
            path,
            text,
            container,
        } => match container {
            Some(c) => format!("In \"{cell}\", {c} reads “{text}” from {path}"),
            None => format!("In \"{cell}\", the last read of {path} returns “{text}”"),
        },
        Goal::MaxStartupMs {
            cell,
            workload,
            value,
        } => {
            format!(
                "In \"{cell}\", the {workload} lane is ready within {} ms",
                thousands(*value)
            )
        }
        Goal::JobStatus { cell, job, status } => format!("In \"{cell}\", job {job} ends {status}"),
        Goal::JobBefore { cell, job, before } => {
            format!("In \"{cell}\", {job} succeeds before {before} starts")
        }
        Goal::NoMixedVersions { cell } => format!("\"{cell}\" never serves two versions at once"),
        Goal::MinCapacityPct { cell, value } => format!("\"{cell}\" keeps at least {value}% capacity"),
        Goal::Deployed { cell } => format!("\"{cell}\" deploys the new version"),
        Goal::MaxRejected { cell, value } => {
            format!("\"{cell}\" rejects at most {} requests", thousands(*value))
        }
        Goal::NoOverage { cell } => format!("\"{cell}\" stays within its transfer allowance"),
        Goal::Anchored { cell } => format!("The Outpost of \"{cell}\" is anchored to an AZ of its Region"),
        other => format!(
            "{} goal on \"{}\"",
            other.check_name(),
            other.cell().unwrap_or_default()
        ),
    }
}

/// A goal's verdict against the workbench's outputs.
pub(crate) fn verdict(wb: &Workbench, goal: &Goal, cells: &[Cell]) -> GoalVerdict {
    let (status, reason) = judge(wb, goal, cells);
    GoalVerdict {
        description: goal.describe(),
        status,
        reason,
    }
}

fn pass_if(ok: bool, sentence: String) -> (GoalStatus, String) {
    (if ok { GoalStatus::Pass } else { GoalStatus::Fail }, sentence)
}

fn fail(sentence: String) -> (GoalStatus, String) {
    (GoalStatus::Fail, sentence)
}

fn judge(wb: &Workbench, goal: &Goal, cells: &[Cell]) -> (GoalStatus, String) {
    let Some(cell) = goal.cell() else {
        return fail(format!("The {} goal reads no container cell.", goal.check_name()));
    };
    let Some(output) = wb.output(cell) else {
        return (GoalStatus::Pending, format!("Run the \"{cell}\" cell."));
    };
    if let Some(why) = wb.stale(cell, cells) {
        return (GoalStatus::Pending, why);
    }
    if let CellOutput::Error { message, .. } = output {
        return fail(format!("The \"{cell}\" cell did not run: {message}"));
    }
    judge_output(goal, cell, output)
}

/// The cluster a scenario or deployment output ends in.
fn cluster_of(output: &CellOutput) -> Option<&ClusterOutput> {
    match output {
        CellOutput::Cluster(c) => Some(c),
        CellOutput::Deployment(d) => Some(&d.cluster),
        _ => None,
    }
}

/// Instances and zones running a service's (or all) tasks at the end (RUNNING chips).
fn spread(c: &ClusterOutput, service: Option<&str>) -> (BTreeSet<String>, BTreeSet<String>, u32) {
    let (mut instances, mut zones, mut tasks) = (BTreeSet::new(), BTreeSet::new(), 0);
    let Some(last) = c.frames.last() else {
        return (instances, zones, tasks);
    };
    for z in &last.zones {
        for i in &z.instances {
            for t in &i.tasks {
                if t.status == "RUNNING" && service.is_none_or(|s| t.group == s) {
                    instances.insert(i.name.clone());
                    zones.insert(z.az.clone());
                    tasks += 1;
                }
            }
        }
    }
    for t in &last.fargate {
        if t.status == "RUNNING" && service.is_none_or(|s| t.group == s) {
            tasks += 1;
        }
    }
    (instances, zones, tasks)
}

fn in_range(n: u32, min: Option<u32>, max: Option<u32>) -> bool {
    min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
}

fn list(items: &BTreeSet<String>) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

fn wrong_output(cell: &str) -> (GoalStatus, String) {
    fail(format!(
        "The \"{cell}\" cell's output is not one this goal reads."
    ))
}

fn monthly_of(goal_side: Option<CostSide>, output: &CellOutput) -> Option<(f64, String)> {
    match (output, goal_side) {
        (CellOutput::Cluster(c), Some(CostSide::Ec2)) => Some((c.cost.ec2.total_usd, "on EC2".into())),
        (CellOutput::Cluster(c), Some(CostSide::Fargate)) => {
            Some((c.cost.fargate.total_usd, "on Fargate".into()))
        }
        (CellOutput::Fargate(f), _) if f.valid => Some((f.usd_month, "for this task size".into())),
        (CellOutput::AppRunner(a), _) if a.error.is_none() => {
            Some((a.usd_month, "at this load on App Runner".into()))
        }
        (CellOutput::Lightsail(l), _) => Some((l.total_usd, "on Lightsail".into())),
        _ => None,
    }
}

fn judge_output(goal: &Goal, cell: &str, output: &CellOutput) -> (GoalStatus, String) {
    match goal {
        Goal::AllPlaced { .. } => {
            let Some(c) = cluster_of(output) else {
                return wrong_output(cell);
            };
            let pending = c.frames.last().map_or(0, |f| f.pending.len()) as u64;
            let short: Vec<String> = c
                .services
                .iter()
                .filter(|s| s.running < s.desired)
                .map(|s| format!("{} runs {} of {}", s.service, s.running, s.desired))
                .collect();
            if short.is_empty() && pending == 0 {
                let n: u32 = c.services.iter().map(|s| s.running).sum();
                (
                    GoalStatus::Pass,
                    format!(
                        "Every service runs its desired count ({} in all).",
                        plural(u64::from(n), "task", "tasks")
                    ),
                )
            } else {
                let why = c
                    .frames
                    .last()
                    .and_then(|f| f.pending.first())
                    .map(|p| format!(" The first waits because: {}", p.reason))
                    .unwrap_or_default();
                fail(format!(
                    "{} waiting to be placed ({}).{why}",
                    plural(pending, "task is", "tasks are"),
                    if short.is_empty() {
                        "none short".into()
                    } else {
                        short.join(", ")
                    }
                ))
            }
        }
        Goal::InstancesUsed {
            service, min, max, ..
        } => {
            let Some(c) = cluster_of(output) else {
                return wrong_output(cell);
            };
            let (instances, _, tasks) = spread(c, service.as_deref());
            let n = instances.len() as u32;
            pass_if(
                in_range(n, *min, *max),
                format!(
                    "{} RUNNING at the end on {}: {}.",
                    plural(u64::from(tasks), "task is", "tasks are"),
                    plural(u64::from(n), "instance", "instances"),
                    list(&instances)
                ),
            )
        }
        Goal::ZonesUsed { service, min, .. } => {
            let Some(c) = cluster_of(output) else {
                return wrong_output(cell);
            };
            let (_, zones, tasks) = spread(c, service.as_deref());
            let n = zones.len() as u32;
            pass_if(
                n >= *min,
                format!(
                    "{} RUNNING at the end in {}: {}.",
                    plural(u64::from(tasks), "task is", "tasks are"),
                    plural(u64::from(n), "zone", "zones"),
                    list(&zones)
                ),
            )
        }
        Goal::Running {
            service, min, max, ..
        } => {
            let Some(c) = cluster_of(output) else {
                return wrong_output(cell);
            };
            match c.services.iter().find(|s| &s.service == service) {
                None => fail(format!("The scenario has no service {service}.")),
                Some(s) => pass_if(
                    in_range(s.running, *min, *max),
                    format!(
                        "Service {service} runs {} of {} desired at the end.",
                        s.running, s.desired
                    ),
                ),
            }
        }
        Goal::EventContains { text, .. } | Goal::NoEventContains { text, .. } => {
            let Some(c) = cluster_of(output) else {
                return wrong_output(cell);
            };
            let found = c
                .events
                .iter()
                .map(|e| format!("{} {}", e.t, e.message))
                .chain(c.trace.iter().cloned())
                .find(|l| l.contains(text.as_str()));
            let want = matches!(goal, Goal::EventContains { .. });
            match found {
                Some(line) => pass_if(want, format!("An event says “{text}”: {line}")),
                None => pass_if(
                    !want,
                    format!(
                        "None of the {} and {} says “{text}”.",
                        plural(c.events.len() as u64, "service event", "service events"),
                        plural(c.trace.len() as u64, "trace line", "trace lines")
                    ),
                ),
            }
        }
        Goal::MaxMonthlyUsd { value, side, .. } => match monthly_of(*side, output) {
            Some((usd, what)) => pass_if(usd <= *value, format!("A month {what} costs ${usd:.2}.")),
            None => match output {
                CellOutput::Fargate(f) => fail(format!(
                    "The size has no price: {}",
                    f.error.clone().unwrap_or_default()
                )),
                CellOutput::AppRunner(a) => fail(format!(
                    "App Runner refused the settings: {}",
                    a.error.clone().unwrap_or_default()
                )),
                _ => wrong_output(cell),
            },
        },
        Goal::Cheaper { side, .. } => {
            let CellOutput::Cluster(c) = output else {
                return wrong_output(cell);
            };
            let (ec2, fg) = (c.cost.ec2.total_usd, c.cost.fargate.total_usd);
            let ok = match side {
                CostSide::Ec2 => ec2 < fg,
                CostSide::Fargate => fg < ec2,
            };
            pass_if(
                ok,
                format!("A month costs ${ec2:.2} on EC2 and ${fg:.2} on Fargate."),
            )
        }
        Goal::DeploymentCompleted { .. } => {
            let CellOutput::Deployment(d) = output else {
                return wrong_output(cell);
            };
            pass_if(
                d.completed,
                format!(
                    "The deployment {}: {}",
                    if d.completed {
                        "completed"
                    } else {
                        "did not complete"
                    },
                    d.message
                ),
            )
        }
        Goal::MinRunning { value, .. } | Goal::MaxRunning { value, .. } => {
            let CellOutput::Deployment(d) = output else {
                return wrong_output(cell);
            };
            let ok = match goal {
                Goal::MinRunning { .. } => d.min_running >= *value,
                _ => d.max_running <= *value,
            };
            pass_if(
                ok,
                format!(
                    "During the deployment, {} to {} tasks were RUNNING.",
                    d.min_running, d.max_running
                ),
            )
        }
        Goal::FargateValid { .. } => {
            let CellOutput::Fargate(f) = output else {
                return wrong_output(cell);
            };
            match &f.error {
                None => (
                    GoalStatus::Pass,
                    format!(
                        "{} CPU and {} MiB is a valid size: ${:.4} an hour.",
                        f.cpu, f.memory, f.usd_hour
                    ),
                ),
                Some(e) => fail(format!("AWS refuses {} CPU and {} MiB: {e}", f.cpu, f.memory)),
            }
        }
        Goal::FargateCheapest {
            min_cpu, min_memory, ..
        } => {
            let CellOutput::Fargate(f) = output else {
                return wrong_output(cell);
            };
            judge_cheapest(f, min_cpu.unwrap_or(0), min_memory.unwrap_or(0))
        }
        Goal::ImageOk { .. } => {
            let CellOutput::Images(i) = output else {
                return wrong_output(cell);
            };
            let build = i.builds.iter().find_map(|b| b.error.clone());
            let transfer = i
                .pushes
                .iter()
                .chain(&i.pulls)
                .find_map(|t| t.error.as_ref().map(|e| format!("{}: {e}", t.reference)));
            match build.or(transfer) {
                None => (
                    GoalStatus::Pass,
                    format!(
                        "{}, {} and {} succeeded.",
                        plural(i.builds.len() as u64, "build", "builds"),
                        plural(i.pushes.len() as u64, "push", "pushes"),
                        plural(i.pulls.len() as u64, "pull", "pulls")
                    ),
                ),
                Some(e) => fail(format!("A step failed: {e}")),
            }
        }
        Goal::MinCachedLayers { value, .. } => {
            let CellOutput::Images(i) = output else {
                return wrong_output(cell);
            };
            let n = i
                .builds
                .iter()
                .flat_map(|b| &b.layers)
                .filter(|l| l.cached)
                .count() as u32;
            pass_if(
                n >= *value,
                format!(
                    "The builds reused {} from the cache.",
                    plural(u64::from(n), "layer", "layers")
                ),
            )
        }
        Goal::MaxPullBytes { value, .. } => {
            let CellOutput::Images(i) = output else {
                return wrong_output(cell);
            };
            let bytes: u64 = i.pulls.iter().map(|p| p.bytes).sum();
            pass_if(
                bytes <= *value,
                format!(
                    "The pulls moved {} in {}.",
                    plural(bytes, "byte", "bytes"),
                    plural(i.pulls.len() as u64, "pull", "pulls")
                ),
            )
        }
        Goal::PushRejected { .. } => {
            let CellOutput::Images(i) = output else {
                return wrong_output(cell);
            };
            match i.pushes.iter().find(|p| !p.ok) {
                Some(p) => (
                    GoalStatus::Pass,
                    format!(
                        "The push to {} was refused: {}",
                        p.reference,
                        p.error.clone().unwrap_or_default()
                    ),
                ),
                None => fail(format!(
                    "All {} were accepted.",
                    plural(i.pushes.len() as u64, "push", "pushes")
                )),
            }
        }
        Goal::ReadReturns {
            path,
            text,
            container,
            ..
        } => {
            let CellOutput::Storage(s) = output else {
                return wrong_output(cell);
            };
            let last = s
                .reads
                .iter()
                .rev()
                .find(|r| &r.path == path && container.as_ref().is_none_or(|c| &r.container == c));
            match last {
                None => fail(format!("Nothing read {path}.")),
                Some(r) => match &r.content {
                    Some(c) => pass_if(
                        c.contains(text.as_str()),
                        format!("{} read {path} and got “{c}”.", r.container),
                    ),
                    None => fail(format!("{} read {path}: No such file or directory.", r.container)),
                },
            }
        }
        Goal::MaxStartupMs { workload, value, .. } => {
            let CellOutput::Startup(s) = output else {
                return wrong_output(cell);
            };
            match s.lanes.iter().find(|l| &l.workload == workload) {
                None => fail(format!("The cell has no {workload} lane: add it to workloads.")),
                Some(l) => pass_if(
                    l.total_ms <= *value,
                    format!(
                        "The {workload} lane is ready after {} ms.",
                        super::goals::thousands(l.total_ms)
                    ),
                ),
            }
        }
        Goal::JobStatus { job, status, .. } => {
            let CellOutput::Batch(b) = output else {
                return wrong_output(cell);
            };
            match b.jobs.iter().find(|j| &j.name == job) {
                None => fail(format!("The Batch file submits no job {job}.")),
                Some(j) => pass_if(
                    &j.status == status,
                    format!(
                        "Job {job} ended {}{}.",
                        j.status,
                        j.reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()
                    ),
                ),
            }
        }
        Goal::JobBefore { job, before, .. } => {
            let CellOutput::Batch(b) = output else {
                return wrong_output(cell);
            };
            let (Some(first), Some(second)) = (
                b.jobs.iter().find(|j| &j.name == job),
                b.jobs.iter().find(|j| &j.name == before),
            ) else {
                return fail(format!("The Batch file does not submit both {job} and {before}."));
            };
            let done = first
                .history
                .iter()
                .find(|(_, s)| s == "SUCCEEDED")
                .map(|(t, _)| t.clone());
            // Array parents never run themselves: their first child's start counts.
            let started = second.started.clone().or_else(|| {
                b.jobs
                    .iter()
                    .filter(|j| j.parent.as_ref() == Some(&second.name))
                    .filter_map(|j| j.started.clone())
                    .min()
            });
            match (done, started) {
                (Some(d), Some(s)) => pass_if(
                    d <= s,
                    format!("{job} succeeded at {d}; {before} started RUNNING at {s}."),
                ),
                (None, _) => fail(format!("{job} never succeeded (it ended {}).", first.status)),
                (Some(d), None) => fail(format!(
                    "{job} succeeded at {d}, but {before} never ran (it ended {}).",
                    second.status
                )),
            }
        }
        Goal::NoMixedVersions { .. } | Goal::MinCapacityPct { .. } | Goal::Deployed { .. } => {
            let CellOutput::Beanstalk(b) = output else {
                return wrong_output(cell);
            };
            if let Some(e) = &b.error {
                return fail(format!("Elastic Beanstalk refused the options: {e}"));
            }
            match goal {
                Goal::NoMixedVersions { .. } => match b.phases.iter().find(|p| p.old > 0 && p.new > 0) {
                    Some(p) => fail(format!(
                        "At {} ({}), {} old and {} new instances served at once.",
                        p.t, p.label, p.old, p.new
                    )),
                    None => (GoalStatus::Pass, "Only one version served at any moment.".into()),
                },
                Goal::MinCapacityPct { value, .. } => pass_if(
                    b.min_capacity_pct >= *value,
                    format!("Capacity went down to {}%.", b.min_capacity_pct),
                ),
                _ => pass_if(b.deployed, format!("{}.", b.summary)),
            }
        }
        Goal::MaxRejected { value, .. } => {
            let CellOutput::AppRunner(a) = output else {
                return wrong_output(cell);
            };
            if let Some(e) = &a.error {
                return fail(format!("App Runner refused the settings: {e}"));
            }
            let worst = a.points.iter().map(|p| u64::from(p.rejected)).max().unwrap_or(0);
            pass_if(
                worst <= *value,
                format!(
                    "At worst {} got 429 Too Many Requests.",
                    plural(worst, "request", "requests")
                ),
            )
        }
        Goal::NoOverage { .. } => {
            let CellOutput::Lightsail(l) = output else {
                return wrong_output(cell);
            };
            pass_if(
                l.overage_gb <= 0.0,
                format!(
                    "{:.0} GB over the {:.0} GB allowance, ${:.2} of overage.",
                    l.overage_gb, l.allowance_gb, l.overage_usd
                ),
            )
        }
        Goal::Anchored { .. } => {
            let CellOutput::Outposts(o) = output else {
                return wrong_output(cell);
            };
            pass_if(
                o.az_in_region,
                format!(
                    "{} {} in {} (its zones: {}).",
                    o.az,
                    if o.az_in_region { "is" } else { "is not" },
                    o.region,
                    o.azs.join(", ")
                ),
            )
        }
        other => fail(format!(
            "The {} goal reads a Lambda cell, not a container cell.",
            other.check_name()
        )),
    }
}

/// Valid, at least the minimums, and no valid size (same OS and architecture) that also meets
/// them costs less per hour.
fn judge_cheapest(f: &FargateOutput, min_cpu: u32, min_memory: u32) -> (GoalStatus, String) {
    if let Some(e) = &f.error {
        return fail(format!("AWS refuses {} CPU and {} MiB: {e}", f.cpu, f.memory));
    }
    if f.cpu < min_cpu || f.memory < min_memory {
        return fail(format!(
            "{} CPU and {} MiB is below what the task needs ({min_cpu} CPU, {min_memory} MiB).",
            f.cpu, f.memory
        ));
    }
    let os = super::container_run::parse_os(&f.os);
    let arch = super::container_run::parse_arch(&f.arch);
    let hours = if f.usd_hour > 0.0 {
        f.usd_month / f.usd_hour
    } else {
        730.0
    };
    let cheaper = super::container_run::fargate_sizes(os)
        .into_iter()
        .filter(|(c, m)| *c >= min_cpu && *m >= min_memory)
        .map(|(c, m)| {
            let o = super::container_run::run_fargate(c, m, os, arch, &f.platform_version, 20, hours);
            (c, m, o.usd_hour - o.storage_usd_hour + f.storage_usd_hour)
        })
        .filter(|(_, _, usd)| *usd + 1e-12 < f.usd_hour)
        .min_by(|a, b| a.2.total_cmp(&b.2));
    match cheaper {
        None => (
            GoalStatus::Pass,
            format!(
                "{} CPU and {} MiB at ${:.5} an hour is the cheapest valid size that fits.",
                f.cpu, f.memory, f.usd_hour
            ),
        ),
        Some((c, m, usd)) => fail(format!(
            "{} CPU and {} MiB costs ${:.5} an hour; {c} CPU and {m} MiB also fits and costs ${usd:.5}.",
            f.cpu, f.memory, f.usd_hour
        )),
    }
}
