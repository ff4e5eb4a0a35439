//! The container workbench's side of the lab reducer: how container cells' fields read and
//! write, the scenario form, the one-line summaries the page announces, and the view-model pieces
//! the cluster view and step-through show (which frame, which step, the diagnostics of a scenario
//! that does not parse).
//!
//! Fields are edited through the cell's serde form (the lab block's own keys), so every container
//! kind gets the same parsing and the same refusals; durations are read and written as the block
//! writes them (`90s`, `1m`), not as the microseconds serde carries. Nothing here links the
//! Lambda model or its script engine: the `sched` module instantiates the reducer with
//! [`Workbench`] only.

use std::collections::BTreeMap;

use cloudbook::lab::{
    Cell, CellKind, CellOutput, ClusterFrame, ClusterOutput, LoadOutput, PlacementStep, Workbench,
};
use cloudbook::sim::SimDuration;
use serde_json::{Map, Value};

use crate::i18n::{Msg, fill};
use crate::state::lab::{Field, PageKernel};
use crate::state::stepper::Stepper;

/// A sliced run the workbench never has: container cells run whole.
pub enum NoSlice {}

/// Keys whose values are durations in the block (`at = "1m"`), microseconds in serde.
const DURATION_KEYS: &[&str] = &[
    "at",
    "run_for",
    "middleware",
    "app",
    "deploy",
    "launch",
    "health_check",
    "evaluation",
];

/// The key of the file a cell edits in its TOML editor, if it has one.
pub fn file_key(kind: &CellKind) -> Option<&'static str> {
    match kind {
        CellKind::Scenario { .. } => Some("scenario"),
        CellKind::Storage { .. } => Some("host"),
        CellKind::Batch { .. } => Some("file"),
        _ => None,
    }
}

impl PageKernel for Workbench {
    type Slice = NoSlice;

    fn start_slice(&mut self, _cells: &[Cell], _i: usize) -> Option<Result<NoSlice, CellOutput>> {
        None
    }

    fn finish_slice(&mut self, _cells: &[Cell], _i: usize, run: &NoSlice) {
        match *run {}
    }

    fn slice_progress(run: &NoSlice) -> LoadOutput {
        match *run {}
    }

    fn config_errors(_cells: &[Cell]) -> BTreeMap<usize, String> {
        // AWS's refusals of a container cell's values are its run's output (the contract's rule).
        BTreeMap::new()
    }

    fn apply(kind: &mut CellKind, field: Field, text: &str) -> Result<(), String> {
        let mut json = serde_json::to_value(&*kind).map_err(|e| e.to_string())?;
        let obj = json
            .as_object_mut()
            .ok_or_else(|| "a cell is a table".to_string())?;
        match field {
            Field::Key(key) => set_key(obj, key, text)?,
            Field::Build(n) => {
                let build = obj
                    .get_mut("images")
                    .and_then(|v| v.get_mut(usize::from(n)))
                    .and_then(Value::as_object_mut)
                    .ok_or_else(|| format!("this cell has no image {n}"))?;
                build.insert("build".into(), Value::String(text.to_string()));
            }
            other => return Err(format!("cell kind {} has no field {other:?}", kind.name())),
        }
        *kind = serde_json::from_value(json).map_err(|e| e.to_string())?;
        Ok(())
    }

    fn field_value(kind: &CellKind, field: Field) -> String {
        let Ok(json) = serde_json::to_value(kind) else {
            return String::new();
        };
        match field {
            Field::Key(key) => key_text(&json, key),
            Field::Build(n) => json
                .pointer(&format!("/images/{n}/build"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        }
    }

    fn summary(out: &CellOutput) -> String {
        summary(out)
    }

    fn form_edit(kind: &mut CellKind, key: &str, value: &str) -> Result<(), String> {
        let CellKind::Scenario { scenario } = kind else {
            return Err(format!("a {} cell has no scenario form", kind.name()));
        };
        *scenario = cloudbook::lab::set_scenario_field(scenario, key, value)?;
        Ok(())
    }
}

/// Sets `key` of a cell's serde form from the text of its field.
fn set_key(obj: &mut Map<String, Value>, key: &str, text: &str) -> Result<(), String> {
    let text_t = text.trim();
    let value = if DURATION_KEYS.contains(&key) {
        let d: SimDuration = text_t.parse().map_err(|e| format!("{e}"))?;
        Value::from(d.as_micros())
    } else if key == "tag_mutability" {
        // The repository is optional; choosing a mutability makes one named after the first image.
        let name = obj
            .get("repository")
            .and_then(|r| r.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| {
                obj.get("images")
                    .and_then(|i| i.pointer("/0/tag"))
                    .and_then(Value::as_str)
                    .map(|t| t.split(':').next().unwrap_or(t).to_string())
            })
            .unwrap_or_else(|| "app".into());
        let mut repo = Map::new();
        repo.insert("name".into(), Value::String(name));
        repo.insert("tag_mutability".into(), Value::String(text_t.to_string()));
        obj.insert("repository".into(), Value::Object(repo));
        return Ok(());
    } else if key == "workloads" {
        Value::Array(
            text_t
                .split([',', ' '])
                .filter(|w| !w.is_empty())
                .map(|w| Value::String(w.to_string()))
                .collect(),
        )
    } else if key == "load" {
        let mut steps = Vec::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let mut words = line.split_whitespace();
            let (Some(at), Some(c), None) = (words.next(), words.next(), words.next()) else {
                return Err(fill(Msg::BadLoadLine, &[("n", &(n + 1).to_string())]));
            };
            let at: SimDuration = at.parse().map_err(|e| format!("{e}"))?;
            let c: u32 = c
                .parse()
                .map_err(|_| fill(Msg::NotAWholeNumber, &[("text", c)]))?;
            let mut step = Map::new();
            step.insert("at".into(), Value::from(at.as_micros()));
            step.insert("concurrency".into(), Value::from(c));
            steps.push(Value::Object(step));
        }
        Value::Array(steps)
    } else {
        match obj.get(key) {
            Some(Value::String(_)) => Value::String(text_t.to_string()),
            Some(Value::Bool(_)) => Value::Bool(match text_t {
                "true" => true,
                "false" => false,
                _ => return Err(fill(Msg::NotABoolean, &[("text", text_t)])),
            }),
            Some(Value::Number(n)) if n.is_u64() => Value::from(
                text_t
                    .parse::<u64>()
                    .map_err(|_| fill(Msg::NotAWholeNumber, &[("text", text_t)]))?,
            ),
            // Optional numbers (`minimum_healthy_percent`): empty is "the service's own".
            Some(Value::Null) | None if text_t.is_empty() => Value::Null,
            Some(Value::Null) | None => Value::from(
                text_t
                    .parse::<u64>()
                    .map_err(|_| fill(Msg::NotAWholeNumber, &[("text", text_t)]))?,
            ),
            Some(_) => {
                let v: f64 = text_t
                    .parse()
                    .map_err(|_| fill(Msg::NotANumber, &[("text", text_t)]))?;
                if !v.is_finite() {
                    return Err(fill(Msg::NotANumber, &[("text", text_t)]));
                }
                Value::from(v)
            }
        }
    };
    obj.insert(key.to_string(), value);
    Ok(())
}

/// The text of `key` in a cell's serde form, as the block would write it.
fn key_text(json: &Value, key: &str) -> String {
    let duration = |v: &Value| {
        v.as_u64()
            .map(|us| SimDuration::from_micros(us).to_string())
            .unwrap_or_default()
    };
    match (key, json.get(key)) {
        ("tag_mutability", _) => json
            .pointer("/repository/tag_mutability")
            .and_then(Value::as_str)
            .unwrap_or("MUTABLE")
            .to_string(),
        (k, Some(v)) if DURATION_KEYS.contains(&k) => duration(v),
        ("workloads", Some(Value::Array(items))) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        ("load", Some(Value::Array(items))) => items
            .iter()
            .map(|s| {
                let at = s.get("at").map(duration).unwrap_or_default();
                let c = s.get("concurrency").and_then(Value::as_u64).unwrap_or(0);
                format!("{at} {c}")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(Value::Null)) | (_, None) => String::new(),
        (_, Some(v)) => v.to_string(),
    }
}

/// A one-line account of a container cell's output for the aria-live region.
pub fn summary(out: &CellOutput) -> String {
    match out {
        CellOutput::Cluster(c) => cluster_summary(c),
        CellOutput::Deployment(d) => d.message.clone(),
        CellOutput::Images(i) => format!(
            "{} build(s), {} push(es), {} pull(s){}",
            i.builds.len(),
            i.pushes.len(),
            i.pulls.len(),
            if i.pushes.iter().chain(&i.pulls).any(|t| !t.ok) || i.builds.iter().any(|b| b.error.is_some()) {
                ", some refused"
            } else {
                ""
            }
        ),
        CellOutput::Storage(s) => format!(
            "{} step(s), {} failed",
            s.steps.len(),
            s.steps.iter().filter(|s| !s.ok).count()
        ),
        CellOutput::Startup(s) => s
            .lanes
            .iter()
            .map(|l| format!("{} {} ms", l.workload, l.total_ms))
            .collect::<Vec<_>>()
            .join(", "),
        CellOutput::Fargate(f) => match &f.error {
            Some(e) => e.clone(),
            None => format!("${:.5} per hour, ${:.2} per month", f.usd_hour, f.usd_month),
        },
        CellOutput::Batch(b) => b
            .jobs
            .iter()
            .map(|j| format!("{} {}", j.name, j.status))
            .collect::<Vec<_>>()
            .join(", "),
        CellOutput::Beanstalk(b) => b.error.clone().unwrap_or_else(|| b.summary.clone()),
        CellOutput::AppRunner(a) => match &a.error {
            Some(e) => e.clone(),
            None => format!("${:.2} for the run, ${:.2} a month", a.usd, a.usd_month),
        },
        CellOutput::Lightsail(l) => format!("${:.2} a month", l.total_usd),
        CellOutput::Outposts(o) => o.note.clone(),
        CellOutput::Error { message, .. } => {
            format!("error: {}", message.lines().next().unwrap_or_default())
        }
        _ => String::new(),
    }
}

fn cluster_summary(c: &ClusterOutput) -> String {
    let last = c.frames.last();
    let running: usize = last.map_or(0, |f| {
        f.zones
            .iter()
            .flat_map(|z| &z.instances)
            .map(|i| i.tasks.len())
            .sum::<usize>()
            + f.fargate.len()
    });
    let pending = last.map_or(0, |f| f.pending.len());
    format!(
        "{} placement decision(s), {running} task(s) placed, {pending} pending",
        c.steps.len()
    )
}

/// The cluster output of a scenario or deployment cell's run.
pub fn cluster_of(out: &CellOutput) -> Option<&ClusterOutput> {
    match out {
        CellOutput::Cluster(c) => Some(c),
        CellOutput::Deployment(d) => Some(&d.cluster),
        _ => None,
    }
}

/// What the cluster view and the decision panel show at a step-through position: the frame
/// `frames[k]` (the last one when `k` is past the end) and the step `k` while `k < steps.len()`.
pub fn at_position<'a>(
    c: &'a ClusterOutput,
    s: Option<&Stepper>,
) -> (Option<&'a ClusterFrame>, Option<(u32, &'a PlacementStep)>) {
    let k = s.map_or(c.steps.len() as u32, |s| s.k);
    let frame = c.frames.get(k as usize).or(c.frames.last());
    let step = c.steps.get(k as usize).map(|st| (k, st));
    (frame, step)
}

/// A diagnostic of a scenario (or host, or Batch) file as the page shows it: "line:col: message",
/// from the core's `path:line:col: error: message` lines.
pub fn diagnostics(message: &str) -> Vec<(u32, String)> {
    message
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let (_, line, col, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            let line: u32 = line.trim().parse().ok()?;
            let col: u32 = col.trim().parse().ok()?;
            let rest = rest.trim_start();
            let rest = rest.strip_prefix("error:").unwrap_or(rest).trim_start();
            Some((line, format!("{line}:{col}: {rest}")))
        })
        .collect()
}

/// The diagnostics an editor shows for cell `kind`'s file: a scenario's as the learner types
/// (the core's `scenario_diagnostics`), a host or Batch file's from its last run.
pub fn file_diagnostics(kind: &CellKind, text: &str, output: Option<&CellOutput>) -> Vec<(u32, String)> {
    if matches!(kind, CellKind::Scenario { .. }) {
        return cloudbook::lab::scenario_diagnostics(text)
            .into_iter()
            .map(|d| (d.line, format!("{}:{}: {}", d.line, d.col, d.message)))
            .collect();
    }
    match output {
        Some(CellOutput::Error { message, .. }) => diagnostics(message),
        _ => Vec::new(),
    }
}

/// The colour group (`cb-g0`…`cb-g5`) of a task's group, by its order among the groups of the
/// run, so one service keeps its colour across frames.
pub fn group_index(groups: &[String], group: &str) -> usize {
    groups.iter().position(|g| g == group).unwrap_or(0) % 6
}

/// Every task group of a run in order of first appearance.
pub fn groups(c: &ClusterOutput) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in &c.frames {
        for chip in f
            .zones
            .iter()
            .flat_map(|z| z.instances.iter().flat_map(|i| &i.tasks))
            .chain(&f.fargate)
        {
            if !out.contains(&chip.group) {
                out.push(chip.group.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use cloudbook::lab::{GoalStatus, parse_lab};
    use yew::Reducible;

    use super::*;
    use crate::state::lab::LabAction;
    use crate::state::stepper::StepOp;

    type State = crate::state::lab::LabState<Workbench>;

    pub(crate) const LAB: &str = r#"
id = "s"
title = "Spread the web tier"
not_modelled = "Nothing."

[[cells]]
kind = "scenario"
id = "cluster"
scenario = '''
[[instance]]
name = "small"
type = "t3.small"
count = 1
az = "us-east-1a"

[[instance]]
name = "big"
type = "t3.large"
count = 1
az = "us-east-1b"

[[task_definition]]
family = "web"
cpu = 512
memory = 3072

[[task_definition.container]]
name = "web"
image = "nginx"
memory = 3072

[[task_definition]]
family = "web"
cpu = 512
memory = 2048

[[task_definition.container]]
name = "web"
image = "nginx"
memory = 2048

[[service]]
name = "web"
task_definition = "web:1"
desired_count = 1
'''

[[cells]]
kind = "fargate"
cpu = 1024
memory = 2048

[[cells]]
kind = "startup"
workloads = ["container", "vm"]

[[cells]]
kind = "deployment"
scenario = "cluster"
service = "web"
task_definition = "web:2"

[[goals]]
check = "running"
cell = "cluster"
service = "web"
min = 2

[[goals]]
check = "fargate-valid"
cell = "fargate"

[solution.fargate]
cpu = 1024
"#;

    fn lab() -> State {
        State::new(Rc::new(parse_lab("s.md", LAB).expect("the test lab parses")))
    }

    fn act(s: State, a: LabAction) -> State {
        match Rc::try_unwrap(Rc::new(s).reduce(a)) {
            Ok(s) => s,
            Err(_) => panic!("the reducer keeps no other reference"),
        }
    }

    fn edit(s: State, cell: usize, field: Field, value: &str) -> State {
        act(
            s,
            LabAction::Edit {
                cell,
                field,
                value: value.into(),
            },
        )
    }

    #[test]
    fn a_scenario_run_steps_through_recorded_frames_and_names_the_filter_verdicts() {
        let s = act(lab(), LabAction::Run(0));
        let Some(CellOutput::Cluster(c)) = s.outputs[0].as_deref() else {
            panic!("a cluster output: {:?}", s.outputs[0])
        };
        assert_eq!(c.frames.len(), c.steps.len() + 1);
        let stepper = s.steppers.get(&0).copied().expect("a step-through");
        assert_eq!(stepper.k, c.steps.len() as u32, "shows the final state first");
        let (frame, step) = at_position(c, Some(&stepper));
        assert_eq!(frame, c.frames.last());
        assert!(step.is_none());
        // The first decision: the small instance cannot hold 3 GiB, the big one is chosen.
        let s = act(
            s,
            LabAction::Steps {
                cell: 0,
                op: StepOp::First,
            },
        );
        let Some(CellOutput::Cluster(c)) = s.outputs[0].as_deref() else {
            panic!("still the output")
        };
        let (frame, step) = at_position(c, s.steppers.get(&0));
        assert_eq!(frame, c.frames.first());
        let (k, step) = step.expect("a decision at step 0");
        assert_eq!(k, 0);
        let small = step
            .filter
            .iter()
            .find(|r| r.instance.contains("small"))
            .expect("the small instance is filtered");
        assert!(!small.passed);
        assert!(small.verdict.contains("memory"), "{}", small.verdict);
        assert!(
            step.chosen.as_deref().is_some_and(|c| c.contains("big")),
            "{:?}",
            step.chosen
        );
        assert!(s.announce.contains("cluster"), "{}", s.announce);
    }

    #[test]
    fn the_form_rewrites_the_scenario_text_and_goals_follow_the_run() {
        let s = act(lab(), LabAction::Run(0));
        assert_eq!(s.verdicts[0].status, GoalStatus::Fail, "{:?}", s.verdicts[0]);
        let form = cloudbook::lab::scenario_form(&s.field_text(0, Field::Key("scenario")));
        let desired = form
            .iter()
            .find(|f| f.key == "service.0.desired_count")
            .expect("a desired count field");
        assert_eq!(desired.value, "1");
        let s = act(
            s,
            LabAction::Form {
                cell: 0,
                key: "service.0.desired_count".into(),
                value: "2".into(),
            },
        );
        assert!(
            s.field_text(0, Field::Key("scenario"))
                .contains("desired_count = 2")
        );
        assert_eq!(s.verdicts[0].status, GoalStatus::Pending, "changed since it ran");
        let s = act(s, LabAction::Run(0));
        assert_eq!(s.verdicts[0].status, GoalStatus::Pass, "{:?}", s.verdicts[0]);
        // A value the form refuses says why and keeps the text.
        let before = s.field_text(0, Field::Key("scenario"));
        let s = act(
            s,
            LabAction::Form {
                cell: 0,
                key: "service.0.desired_count".into(),
                value: "many".into(),
            },
        );
        assert!(
            s.form_errors
                .contains_key(&(0, "service.0.desired_count".to_string()))
        );
        assert_eq!(s.field_text(0, Field::Key("scenario")), before);
    }

    #[test]
    fn fields_read_and_write_as_the_block_writes_them() {
        let s = lab();
        assert_eq!(s.field_text(1, Field::Key("cpu")), "1024");
        assert_eq!(s.field_text(1, Field::Key("os")), "linux");
        assert_eq!(s.field_text(2, Field::Key("workloads")), "container, vm");
        assert_eq!(s.field_text(2, Field::Key("middleware")), "10s");
        let s = edit(s, 2, Field::Key("middleware"), "1m");
        assert_eq!(s.field_text(2, Field::Key("middleware")), "1m");
        let CellKind::Startup { middleware, .. } = &s.cells[2].kind else {
            panic!("startup")
        };
        assert_eq!(*middleware, SimDuration::from_secs(60));
        let s = edit(s, 2, Field::Key("workloads"), "container, fargate");
        assert_eq!(s.field_text(2, Field::Key("workloads")), "container, fargate");
        // Not a number: the cell keeps its value and the field says why.
        let s = edit(s, 1, Field::Key("cpu"), "lots");
        assert!(s.field_errors.contains_key(&(1, Field::Key("cpu"))));
        assert_eq!(
            s.field_text(1, Field::Key("cpu")),
            "lots",
            "the text stays as typed"
        );
        let CellKind::Fargate { cpu, .. } = &s.cells[1].kind else {
            panic!("fargate")
        };
        assert_eq!(*cpu, 1024);
        // A size AWS refuses is the run's output, in AWS's words, not a field error.
        let s = edit(s, 1, Field::Key("cpu"), "1000");
        assert!(!s.field_errors.contains_key(&(1, Field::Key("cpu"))));
        let s = act(s, LabAction::Run(1));
        let Some(CellOutput::Fargate(f)) = s.outputs[1].as_deref() else {
            panic!("a fargate output: {:?}", s.outputs[1])
        };
        assert!(!f.valid);
        assert!(
            f.error.as_deref().is_some_and(|e| e.contains("Invalid")),
            "{:?}",
            f.error
        );
        assert_eq!(s.verdicts[1].status, GoalStatus::Fail);
    }

    #[test]
    fn a_scenario_that_does_not_parse_shows_its_own_line_and_column() {
        let s = edit(
            lab(),
            0,
            Field::Key("scenario"),
            "[[instance]]\ncount = \"two\"\n",
        );
        let s = act(s, LabAction::Run(0));
        let Some(CellOutput::Error { message, .. }) = s.outputs[0].as_deref() else {
            panic!("an error: {:?}", s.outputs[0])
        };
        let d = diagnostics(message);
        assert!(!d.is_empty(), "{message}");
        assert!(
            d.iter().any(|(line, text)| *line == 2 && text.starts_with("2:")),
            "{d:?}"
        );
        assert!(!s.steppers.contains_key(&0), "no steps to walk");
        // The editor says so as soon as the text is typed, before a run.
        let typed = edit(
            lab(),
            0,
            Field::Key("scenario"),
            "[[instance]]\ncount = \"two\"\n",
        );
        let live = file_diagnostics(
            &typed.cells[0].kind,
            &typed.field_text(0, Field::Key("scenario")),
            None,
        );
        assert!(
            live.iter()
                .any(|(line, text)| *line == 2 && text.starts_with("2:")),
            "{live:?}"
        );
        assert!(
            file_diagnostics(&s.cells[1].kind, "", None).is_empty(),
            "a Fargate cell has no file"
        );
        assert_eq!(
            diagnostics("scenario:3:9: error: unknown key \"cont\" (expected one of: count)"),
            vec![(
                3,
                "3:9: unknown key \"cont\" (expected one of: count)".to_string()
            )]
        );
    }

    #[test]
    fn a_deployment_draws_each_revision_and_the_bounds_it_keeps_between() {
        let s = act(lab(), LabAction::Run(3));
        let Some(CellOutput::Deployment(d)) = s.outputs[3].as_deref() else {
            panic!("a deployment: {:?}", s.outputs[3])
        };
        assert!(
            s.steppers.contains_key(&3),
            "a deployment's cluster steps through too"
        );
        let plot = crate::chart::deployment_plot(d);
        let labels: Vec<&str> = plot.series.iter().map(|s| s.label.as_str()).collect();
        assert!(
            labels.contains(&"web:1 running") && labels.contains(&"web:2 running"),
            "{labels:?}"
        );
        assert!(
            labels.iter().any(|l| l.starts_with("minimum healthy")),
            "{labels:?}"
        );
        assert!(labels.iter().any(|l| l.starts_with("maximum")), "{labels:?}");
        assert!(plot.series.iter().all(|s| s.values.len() == d.points.len()));
        // The last point: the new revision runs the desired count, the old none.
        let last = |label: &str| {
            plot.series
                .iter()
                .find(|s| s.label == label)
                .and_then(|s| s.values.last().copied())
        };
        assert!(d.completed, "{}", d.message);
        assert_eq!(last("web:2 running"), Some(1.0));
        assert_eq!(last("web:1 running"), Some(0.0));
    }

    #[test]
    fn groups_keep_their_colour_across_frames() {
        let s = act(lab(), LabAction::Run(0));
        let Some(CellOutput::Cluster(c)) = s.outputs[0].as_deref() else {
            panic!("a cluster")
        };
        let g = groups(c);
        assert_eq!(g, vec!["web".to_string()]);
        assert_eq!(group_index(&g, "web"), 0);
        assert_eq!(group_index(&g, "other"), 0);
    }
}
