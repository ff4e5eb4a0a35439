//! `cloudbook lab run <chapter.md>`: runs a chapter's labs headless through the same notebook
//! kernel as the page, prints each cell's output summary and each goal's verdict.
//!
//! Exit status: 1 when a lab block does not parse; with `--solution`, also 1 when a goal is not
//! reached (a reference solution must reach every goal). Without `--solution` the starting cells
//! are expected to miss goals, so the status is 0 whatever the verdicts.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use serde::Serialize;

use crate::diag::render_all;
use crate::lab::{
    Cell, CellOutput, ClusterOutput, GoalStatus, GoalVerdict, Kernel, LabEngine, LabSpec, Notebook,
    RunOutput, Workbench,
};

#[derive(Subcommand)]
pub enum LabCmd {
    /// Run a chapter's labs and print each cell's output and each goal's verdict.
    Run {
        /// The chapter (Markdown) holding ```lab blocks.
        chapter: PathBuf,
        /// Only the lab with this id.
        #[arg(long)]
        id: Option<String>,
        /// Run the reference solution instead of the starting cells; exit 1 unless every goal
        /// passes.
        #[arg(long)]
        solution: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: LabCmd) -> anyhow::Result<ExitCode> {
    let LabCmd::Run {
        chapter,
        id,
        solution,
        json,
    } = cmd;
    let text = std::fs::read_to_string(&chapter)
        .with_context(|| format!("reading the chapter {}", chapter.display()))?;
    let label = chapter.to_string_lossy().replace('\\', "/");
    let labs = match super::preprocess::labs_in(&label, &text) {
        Ok(labs) => labs,
        Err(diags) => {
            eprint!("{}", render_all(&diags));
            return Ok(ExitCode::FAILURE);
        }
    };
    let labs: Vec<_> = labs
        .into_iter()
        .filter(|(spec, _)| id.as_ref().is_none_or(|id| &spec.id == id))
        .collect();
    if labs.is_empty() {
        match &id {
            Some(id) => bail!("{label} has no lab with id \"{id}\""),
            None => bail!("{label} has no ```lab block"),
        }
    }
    let mut all_pass = true;
    let mut reports = Vec::new();
    for (spec, line) in &labs {
        let cells = if solution { &spec.solution } else { &spec.cells };
        let report = run_lab(spec, cells, &label, *line);
        all_pass &= report.goals.iter().all(|g| g.status == GoalStatus::Pass);
        reports.push(report);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&reports).context("serialising the report")?
        );
    } else {
        for r in &reports {
            print!("{}", r.text(solution));
        }
    }
    Ok(if solution && !all_pass {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Serialize)]
struct LabReport {
    id: String,
    at: String,
    cells: Vec<CellReport>,
    goals: Vec<GoalVerdict>,
}

#[derive(Serialize)]
struct CellReport {
    id: String,
    kind: &'static str,
    output: CellOutput,
}

fn run_lab(spec: &LabSpec, cells: &[Cell], label: &str, line: u32) -> LabReport {
    match spec.engine() {
        LabEngine::Lambda => report(&Notebook::run_all(spec, cells), spec, cells, label, line),
        LabEngine::Containers => report(&Workbench::run_all(spec, cells), spec, cells, label, line),
    }
}

fn report(nb: &impl Kernel, spec: &LabSpec, cells: &[Cell], label: &str, line: u32) -> LabReport {
    LabReport {
        id: spec.id.clone(),
        at: format!("{label}:{line}"),
        cells: cells
            .iter()
            .filter_map(|c| {
                Some(CellReport {
                    id: c.id.clone(),
                    kind: c.kind.name(),
                    output: nb.output(&c.id)?.clone(),
                })
            })
            .collect(),
        goals: nb.evaluate(spec, cells),
    }
}

impl LabReport {
    fn text(&self, solution: bool) -> String {
        let which = if solution {
            "reference solution"
        } else {
            "starting cells"
        };
        let mut s = format!("lab {} ({}), {which}:\n", self.id, self.at);
        for c in &self.cells {
            s += &format!("  [{}] {}: {}\n", c.id, c.kind, summary(&c.output));
        }
        if !self.goals.is_empty() {
            s += "goals:\n";
        }
        for g in &self.goals {
            let status = match g.status {
                GoalStatus::Pass => "pass",
                GoalStatus::Fail => "FAIL",
                GoalStatus::Pending => "pending",
            };
            s += &format!("  {status:<7} {}: {}\n", g.description, g.reason);
        }
        s
    }
}

/// One invocation in a line: how it started, how it ended, what it was billed.
fn run_line(r: &RunOutput) -> String {
    let inv = &r.invocation;
    let end = match (&inv.error, &inv.response) {
        (Some(e), _) => format!(
            "error {}",
            e.get("errorType").and_then(|v| v.as_str()).unwrap_or("Error")
        ),
        (None, Some(v)) => format!("response {}", short(&v.to_string())),
        (None, None) => "response null".into(),
    };
    let mut s = format!(
        "{} · {end} · {:.2} ms, billed {} ms",
        r.start.reason, inv.duration_ms, inv.billed_ms
    );
    for n in &r.notes {
        s = format!("{n}; {s}");
    }
    s
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(100).collect();
    if s.chars().count() > 100 {
        out.push('…');
    }
    out
}

fn summary(out: &CellOutput) -> String {
    match out {
        CellOutput::Deployed {
            function,
            version,
            changed,
        } => {
            if *changed {
                format!("deployed {function} as version {version}")
            } else {
                format!("{function} version {version} is already deployed")
            }
        }
        CellOutput::Invoked(r) => run_line(r),
        CellOutput::Http {
            request,
            response,
            run,
            ..
        } => {
            let q = if request.query.is_empty() {
                String::new()
            } else {
                format!("?{}", request.query)
            };
            let mut s = format!(
                "{} {}{q} → {} {}",
                request.method,
                request.path,
                response.status,
                short(&response.body)
            );
            if let Some(r) = run {
                s += &format!(" ({})", run_line(r));
            }
            s
        }
        CellOutput::S3 { reason, runs, .. } => {
            let mut s = format!("{reason}; {} deliveries", runs.len());
            for r in runs {
                s += &format!("\n      {}", run_line(r));
            }
            s
        }
        CellOutput::Schedule { fires, next, runs } => format!(
            "fired {} times, {} runs ({} failed); next: {}",
            fires.len(),
            runs.len(),
            runs.iter().filter(|r| r.failed()).count(),
            next.join(", ")
        ),
        CellOutput::Iam { calls, probes, .. } => {
            let mut s = format!("{} SDK calls, {} probes", calls.len(), probes.len());
            for c in calls {
                let v = if c.allowed { "Allowed" } else { "AccessDenied" };
                s += &format!("\n      call {} {}: {v} ({})", c.action, c.resource, c.decided_by);
            }
            for p in probes {
                let v = if p.allowed { "Allowed" } else { "AccessDenied" };
                s += &format!(
                    "\n      probe {} {}: {v} ({})",
                    p.action, p.resource, p.decided_by
                );
            }
            s
        }
        CellOutput::Load(l) => format!(
            "{} rps for {} s: {} invocations, {} errors, {} throttles, {} timeouts, {} cold starts, p50 {:.2} ms, p99 {:.2} ms, max concurrency {}; ${:.6} for the run, ${:.2} a month",
            l.rps,
            l.duration_s,
            l.totals.invocations,
            l.totals.errors,
            l.totals.throttles,
            l.totals.timeouts,
            l.totals.cold_starts,
            l.totals.p50_ms,
            l.totals.p99_ms,
            l.totals.max_concurrency,
            l.cost_usd,
            l.monthly_usd
        ),
        CellOutput::Tuning(t) => {
            let mut s = format!("cheapest {} MB, fastest {} MB", t.cheapest, t.fastest);
            for p in &t.points {
                s += &format!(
                    "\n      {:>5} MB: {:.2} ms, billed {:.1} ms, ${:.4} per million",
                    p.memory_mb, p.avg_ms, p.billed_ms, p.cost_per_million_usd
                );
            }
            s
        }
        CellOutput::Cluster(c) => cluster_text(c),
        CellOutput::Deployment(d) => {
            let mut s = format!(
                "{} · RUNNING {}–{} (minimumHealthyPercent {}, maximumPercent {}) · {}",
                if d.completed { "completed" } else { "not completed" },
                d.min_running,
                d.max_running,
                d.minimum_healthy_percent,
                d.maximum_percent,
                d.message
            );
            for p in &d.points {
                let revs: Vec<String> = p.running.iter().map(|(r, n)| format!("{r}={n}")).collect();
                s += &format!(
                    "\n      {} running {} (desired {})",
                    p.t,
                    revs.join(" "),
                    p.desired
                );
            }
            s
        }
        CellOutput::Images(i) => {
            let mut s = format!(
                "{} builds, {} pushes, {} pulls",
                i.builds.len(),
                i.pushes.len(),
                i.pulls.len()
            );
            for b in &i.builds {
                match &b.error {
                    Some(e) => s += &format!("\n      build {}: {e}", b.tag),
                    None => {
                        let cached = b.layers.iter().filter(|l| l.cached).count();
                        s += &format!(
                            "\n      build {} {}: {} layers, {cached} from cache",
                            b.tag,
                            b.digest,
                            b.layers.len()
                        );
                    }
                }
            }
            for (what, rows) in [("push", &i.pushes), ("pull", &i.pulls)] {
                for t in rows {
                    match &t.error {
                        Some(e) => s += &format!("\n      {what} {}: {e}", t.reference),
                        None => {
                            s += &format!(
                                "\n      {what} {}: {} bytes, {} layers moved, {} already there",
                                t.reference, t.bytes, t.layers_sent, t.layers_skipped
                            )
                        }
                    }
                }
            }
            for (tag, digest) in &i.tags {
                s += &format!("\n      tag {tag} -> {digest}");
            }
            if let Some(a) = &i.archive {
                s += &format!(
                    "\n      docker save {}: {} bytes; loaded {}",
                    a.references.join(" "),
                    a.bytes,
                    a.loaded.join(", ")
                );
            }
            s
        }
        CellOutput::Storage(st) => {
            let mut s = format!("{} steps", st.steps.len());
            for step in &st.steps {
                s += &format!("\n      {}", step.message);
            }
            s
        }
        CellOutput::Startup(st) => st
            .lanes
            .iter()
            .map(|l| format!("{} {} ms", l.workload, l.total_ms))
            .collect::<Vec<_>>()
            .join(", "),
        CellOutput::Fargate(f) => match &f.error {
            Some(e) => format!("{} CPU / {} MiB: {e}", f.cpu, f.memory),
            None => format!(
                "{} CPU / {} MiB {} {} platform {}: ${:.5}/h, ${:.2}/month",
                f.cpu, f.memory, f.os, f.arch, f.platform_version, f.usd_hour, f.usd_month
            ),
        },
        CellOutput::Batch(b) => {
            let mut s = format!("{} jobs", b.jobs.len());
            for j in &b.jobs {
                s += &format!("\n      job {} {} attempts={}", j.name, j.status, j.attempts);
                if let Some(r) = &j.reason {
                    s += &format!(" reason=\"{r}\"");
                }
            }
            s
        }
        CellOutput::Beanstalk(b) => match &b.error {
            Some(e) => e.clone(),
            None => format!(
                "{}{}",
                b.summary,
                if b.mixed_versions {
                    " | two versions served at once"
                } else {
                    ""
                }
            ),
        },
        CellOutput::AppRunner(a) => match &a.error {
            Some(e) => e.clone(),
            None => format!(
                "active {:.2} instance-h, provisioned {:.2} instance-h: ${:.4} for {} h (${:.2} a month); at worst {} rejected",
                a.active_hours,
                a.provisioned_hours,
                a.usd,
                a.hours,
                a.usd_month,
                a.points.iter().map(|p| p.rejected).max().unwrap_or(0)
            ),
        },
        CellOutput::Lightsail(l) => format!(
            "{} × {}: ${:.2} + overage {:.0} GB ${:.2} = ${:.2} (allowance {:.0} GB)",
            l.count, l.chosen, l.base_usd, l.overage_gb, l.overage_usd, l.total_usd, l.allowance_gb
        ),
        CellOutput::Outposts(o) => o.note.clone(),
        CellOutput::Error { message, line } => match line {
            Some(l) => format!("error (handler line {l}): {message}"),
            None => format!("error: {message}"),
        },
    }
}

/// A scenario run: its steps, the final cluster, events and the cost panel.
fn cluster_text(c: &ClusterOutput) -> String {
    let mut s = format!(
        "{} placement steps, {} service events; a month: EC2 ${:.2}, Fargate ${:.2}",
        c.steps.len(),
        c.events.len(),
        c.cost.ec2.total_usd,
        c.cost.fargate.total_usd
    );
    for e in &c.errors {
        s += &format!("\n      refused: {e}");
    }
    for (k, st) in c.steps.iter().enumerate() {
        let rejected: Vec<String> = st
            .filter
            .iter()
            .filter(|f| !f.passed)
            .map(|f| format!("{} {}", f.instance, f.verdict))
            .collect();
        let outcome = match (&st.chosen, &st.failure) {
            (Some(i), _) => format!("-> {i}"),
            (None, Some(f)) => format!("unplaced: {f}"),
            (None, None) => format!("-> {}", st.launch_type),
        };
        s += &format!(
            "\n      step {k} {} {} {} {outcome}",
            st.t, st.task, st.task_definition
        );
        if !rejected.is_empty() {
            s += &format!(" (filtered out: {})", rejected.join("; "));
        }
    }
    if let Some(last) = c.frames.last() {
        for z in &last.zones {
            for i in &z.instances {
                let tasks: Vec<&str> = i.tasks.iter().map(|t| t.task.as_str()).collect();
                s += &format!(
                    "\n      {} {} {}: cpu {}/{} memory {}/{} tasks {}",
                    z.az,
                    i.name,
                    i.instance_type,
                    i.cpu_used,
                    i.cpu_total,
                    i.memory_used,
                    i.memory_total,
                    tasks.join(",")
                );
            }
        }
        for p in &last.pending {
            s += &format!(
                "\n      pending {}: {}",
                p.service.as_deref().unwrap_or("-"),
                p.reason
            );
        }
    }
    for v in &c.services {
        s += &format!(
            "\n      service {} {} desired={} running={} pending={}",
            v.service, v.task_definition, v.desired, v.running, v.pending
        );
    }
    for e in &c.events {
        s += &format!("\n      {} {}", e.t, e.message);
    }
    s
}
