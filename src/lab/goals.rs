//! Goals judged against what the notebook's cells produced, never against the learner's code
//! text: each verdict is Pass, Fail or Pending with a full sentence holding the observed value.
//! Also [`check_lab`], the headless replay of a lab's start and reference solution.

use serde::Serialize;

use super::format::{Cell, CellKind, Expect, Goal, LabEngine, LabSpec, Pick, StartWanted};
use super::kernel::{Notebook, role_allows};
use super::outputs::{CellOutput, GoalStatus, GoalVerdict, RunOutput, StartKind};
use super::workbench::Workbench;

impl Goal {
    /// The goal as the page lists it.
    pub fn describe(&self) -> String {
        match self {
            Goal::NoError { cell } => format!("Cell \"{cell}\" runs without an error"),
            Goal::ResponseContains { cell, text } => format!("The response of \"{cell}\" contains “{text}”"),
            Goal::LogContains { cell, text } => format!("A log line of \"{cell}\" contains “{text}”"),
            Goal::StatusCode { cell, value } => format!("\"{cell}\" answers with status {value}"),
            Goal::MaxBilledMs { cell, value } => format!("\"{cell}\" is billed at most {value} ms"),
            Goal::Start { cell, value } => format!(
                "The last invocation of \"{cell}\" starts {}",
                match value {
                    StartWanted::Warm => "warm",
                    StartWanted::Cold => "cold",
                }
            ),
            Goal::Invocations { cell, min, max } => match (min, max) {
                (Some(a), Some(b)) if a == b => format!(
                    "\"{cell}\" causes exactly {}",
                    plural(*a, "invocation", "invocations")
                ),
                (Some(a), Some(b)) => format!("\"{cell}\" causes {a} to {b} invocations"),
                (Some(a), None) => format!(
                    "\"{cell}\" causes at least {}",
                    plural(*a, "invocation", "invocations")
                ),
                (None, Some(b)) => format!(
                    "\"{cell}\" causes at most {}",
                    plural(*b, "invocation", "invocations")
                ),
                (None, None) => format!("\"{cell}\" runs"),
            },
            Goal::MaxThrottles { cell, value } => format!(
                "At most {} in \"{cell}\"",
                plural(*value, "throttle", "throttles")
            ),
            Goal::MaxTimeouts { cell, value } => {
                format!("At most {} in \"{cell}\"", plural(*value, "timeout", "timeouts"))
            }
            Goal::MaxErrors { cell, value } => {
                format!("At most {} in \"{cell}\"", plural(*value, "error", "errors"))
            }
            Goal::MaxColdStarts { cell, value } => format!(
                "At most {} in \"{cell}\"",
                plural(*value, "cold start", "cold starts")
            ),
            Goal::MaxP99Ms { cell, value } => format!("p99 duration in \"{cell}\" is at most {value} ms"),

            Goal::Iam {
                function,
                action,
                resource,
                expect,
            } => format!(
                "The role of {function} {} {action} on {resource}",
                match expect {
                    Expect::Allow => "allows",
                    Expect::Deny => "denies",
                }
            ),
            Goal::MemoryIs { function, pick, .. } => format!(
                "{function} uses the {} memory size",
                match pick {
                    Pick::Cheapest => "cheapest",
                    Pick::Fastest => "fastest",
                }
            ),
            container => super::container_goals::describe(container),
        }
    }
}

impl Notebook {
    /// Each goal's verdict against the outputs so far: Pending when its cell has not run, or ran
    /// before its function cell changed.
    pub fn evaluate(&self, spec: &LabSpec, cells: &[Cell]) -> Vec<GoalVerdict> {
        let verdicts = spec.goals.iter().map(|g| self.verdict(g, cells)).collect();
        spec.in_page_language(verdicts)
    }

    fn verdict(&self, goal: &Goal, cells: &[Cell]) -> GoalVerdict {
        let (status, reason) = match self.judge(goal, cells) {
            Judged::Pass(r) => (GoalStatus::Pass, r),
            Judged::Fail(r) => (GoalStatus::Fail, r),
            Judged::Pending(r) => (GoalStatus::Pending, r),
        };
        GoalVerdict {
            description: goal.describe(),
            status,
            reason,
        }
    }

    fn judge(&self, goal: &Goal, cells: &[Cell]) -> Judged {
        if let Goal::Iam {
            function,
            action,
            resource,
            expect,
        } = goal
        {
            let Some(spec) = function_spec(cells, function) else {
                return Judged::Fail(format!("No function cell deploys {function}."));
            };
            return match role_allows(spec, action, resource) {
                Err(e) => Judged::Fail(format!("The function cell of {function} is refused: {e}.")),
                Ok(eval) => {
                    let word = if eval.allowed() { "allows" } else { "denies" };
                    let why = crate::lambda::decided_by(&eval);
                    let sentence = format!("The role {word} {action} on {resource}: {why}.");
                    if eval.allowed() == (*expect == Expect::Allow) {
                        Judged::Pass(sentence)
                    } else {
                        Judged::Fail(sentence)
                    }
                }
            };
        }
        let cell = goal.cell().expect("every goal but iam reads a cell");
        let Some(output) = self.output(cell) else {
            return Judged::Pending(format!("Run the \"{cell}\" cell."));
        };
        if let Some((function, ran)) = self.ran_with(cell)
            && ran != function_spec(cells, function)
        {
            return Judged::Pending(format!(
                "Run the \"{cell}\" cell again: {function} changed since it ran."
            ));
        }
        if let CellOutput::Error { message, .. } = output {
            return Judged::Fail(format!("The \"{cell}\" cell did not run: {message}"));
        }
        judge_output(goal, cell, output, cells)
    }
}

enum Judged {
    Pass(String),
    Fail(String),
    Pending(String),
}

fn pass_if(ok: bool, sentence: String) -> Judged {
    if ok {
        Judged::Pass(sentence)
    } else {
        Judged::Fail(sentence)
    }
}

fn function_spec<'c>(cells: &'c [Cell], function: &str) -> Option<&'c crate::lambda::FunctionSpec> {
    cells.iter().find_map(|c| match &c.kind {
        CellKind::Function(f) if f.name == function => Some(f),
        _ => None,
    })
}

/// How an invocation ended, in words: "succeeded", "failed with Runtime.Error: …".
fn ending(run: &RunOutput) -> String {
    match &run.invocation.error {
        None => "succeeded".into(),
        Some(e) => {
            let ty = e.get("errorType").and_then(|v| v.as_str()).unwrap_or("Error");
            let msg = e.get("errorMessage").and_then(|v| v.as_str()).unwrap_or("");
            format!("failed with {ty}: {msg}")
        }
    }
}

pub(crate) fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// 6000 → "6,000".
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn judge_output(goal: &Goal, cell: &str, output: &CellOutput, cells: &[Cell]) -> Judged {
    let runs = output.runs();
    let last = runs.last().copied();
    let load = match output {
        CellOutput::Load(l) => Some(l),
        _ => None,
    };
    let no_run = || Judged::Fail(format!("The \"{cell}\" cell's last run invoked nothing."));
    match goal {
        Goal::NoError { .. } => {
            if let Some(l) = load {
                let bad = l.totals.errors + l.totals.throttles;
                return pass_if(
                    bad == 0,
                    format!(
                        "{} and {} in {}.",
                        plural(l.totals.errors, "error", "errors"),
                        plural(l.totals.throttles, "throttle", "throttles"),
                        plural(l.totals.invocations + l.totals.throttles, "request", "requests")
                    ),
                );
            }
            if let CellOutput::Tuning(t) = output {
                let errors: u32 = t.points.iter().map(|p| p.errors).sum();
                return pass_if(
                    errors == 0,
                    format!(
                        "{} across the memory sizes.",
                        plural(u64::from(errors), "run failed", "runs failed")
                    ),
                );
            }
            if runs.is_empty() {
                return no_run();
            }
            match runs.iter().find(|r| r.failed()) {
                None if runs.len() == 1 => Judged::Pass("The invocation succeeded.".into()),
                None => Judged::Pass(format!("All {} invocations succeeded.", runs.len())),
                Some(r) => Judged::Fail(format!("An invocation {}.", ending(r))),
            }
        }
        Goal::ResponseContains { text, .. } => {
            let body = match output {
                CellOutput::Http { response, .. } => Some(response.body.clone()),
                CellOutput::Invoked(r) => r.invocation.response.as_ref().map(|v| v.to_string()),
                _ => None,
            };
            match (body, last) {
                (Some(b), _) => pass_if(
                    b.contains(text.as_str()),
                    format!(
                        "The response {} “{text}”: {}",
                        if b.contains(text.as_str()) {
                            "contains"
                        } else {
                            "does not contain"
                        },
                        shorten(&b)
                    ),
                ),
                (None, Some(r)) => {
                    Judged::Fail(format!("There is no response: the invocation {}.", ending(r)))
                }
                (None, None) => no_run(),
            }
        }
        Goal::LogContains { text, .. } => {
            if runs.is_empty() {
                return no_run();
            }
            let found = runs
                .iter()
                .flat_map(|r| &r.invocation.logs)
                .find(|l| l.contains(text.as_str()));
            match found {
                Some(l) => Judged::Pass(format!("A log line contains “{text}”: {}", l.trim())),
                None => Judged::Fail(format!(
                    "No log line of the last run contains “{text}” ({}).",
                    plural(
                        runs.iter().map(|r| r.invocation.logs.len() as u64).sum(),
                        "line",
                        "lines"
                    )
                )),
            }
        }
        Goal::StatusCode { value, .. } => match output {
            CellOutput::Http {
                request, response, ..
            } => {
                let q = if request.query.is_empty() {
                    String::new()
                } else {
                    format!("?{}", request.query)
                };
                let why = response
                    .gateway_log
                    .first()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                pass_if(
                    response.status == *value,
                    format!(
                        "{} {}{q} got {}{why}.",
                        request.method, request.path, response.status
                    ),
                )
            }
            _ => match last {
                Some(r) => match r
                    .invocation
                    .response
                    .as_ref()
                    .and_then(|v| v.get("statusCode"))
                    .and_then(|s| s.as_u64())
                {
                    Some(code) => pass_if(
                        code == u64::from(*value),
                        format!("The response's statusCode is {code}."),
                    ),
                    None => Judged::Fail(format!(
                        "The result has no statusCode: the invocation {}.",
                        ending(r)
                    )),
                },
                None => no_run(),
            },
        },
        Goal::MaxBilledMs { value, .. } => match last {
            Some(r) => pass_if(
                r.invocation.billed_ms <= *value,
                format!("The last invocation was billed {} ms.", r.invocation.billed_ms),
            ),
            None => no_run(),
        },
        Goal::Start { value, .. } => match last {
            Some(r) => {
                let ok = matches!(
                    (value, r.start.kind),
                    (StartWanted::Warm, StartKind::Warm) | (StartWanted::Cold, StartKind::Cold)
                );
                pass_if(ok, format!("The last invocation started {}.", r.start.reason))
            }
            None => no_run(),
        },
        Goal::Invocations { min, max, .. } => {
            let n = match load {
                Some(l) => l.totals.invocations,
                None => runs.len() as u64,
            };
            let ok = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
            pass_if(
                ok,
                format!(
                    "The cell's last run caused {}.",
                    plural(n, "invocation", "invocations")
                ),
            )
        }
        Goal::MaxTimeouts { value, .. } => {
            let n = match load {
                Some(l) => l.totals.timeouts,
                None => runs.iter().filter(|r| r.timed_out()).count() as u64,
            };
            let of = match load {
                Some(l) => l.totals.invocations,
                None => runs.len() as u64,
            };
            pass_if(
                n <= *value,
                format!(
                    "{} in {}.",
                    plural(n, "timeout", "timeouts"),
                    plural(of, "invocation", "invocations")
                ),
            )
        }
        Goal::MaxThrottles { value, .. }
        | Goal::MaxErrors { value, .. }
        | Goal::MaxColdStarts { value, .. } => {
            let Some(l) = load else { return no_run() };
            let (n, one, many) = match goal {
                Goal::MaxThrottles { .. } => (l.totals.throttles, "throttle", "throttles"),
                Goal::MaxErrors { .. } => (l.totals.errors, "error", "errors"),
                _ => (l.totals.cold_starts, "cold start", "cold starts"),
            };
            let requests = l.totals.invocations + l.totals.throttles;
            pass_if(
                n <= *value,
                format!(
                    "{} in {}.",
                    plural(n, one, many),
                    plural(requests, "request", "requests")
                ),
            )
        }
        Goal::MaxP99Ms { value, .. } => {
            let Some(l) = load else { return no_run() };
            pass_if(
                l.totals.p99_ms <= *value,
                format!("The p99 duration was {:.2} ms.", l.totals.p99_ms),
            )
        }
        Goal::MaxMonthlyUsd { value, .. } => {
            let Some(l) = load else { return no_run() };
            pass_if(
                l.monthly_usd <= *value,
                format!(
                    "A month at this rate costs ${:.2} (free tier included).",
                    l.monthly_usd
                ),
            )
        }
        Goal::MemoryIs { function, pick, .. } => {
            let CellOutput::Tuning(t) = output else {
                return no_run();
            };
            let want = match pick {
                Pick::Cheapest => t.cheapest,
                Pick::Fastest => t.fastest,
            };
            let word = match pick {
                Pick::Cheapest => "cheapest",
                Pick::Fastest => "fastest",
            };
            let Some(spec) = function_spec(cells, function) else {
                return Judged::Fail(format!("No function cell deploys {function}."));
            };
            let have = spec.memory_size.unwrap_or(crate::lambda::config::MIN_MEMORY_MB);
            pass_if(
                have == want,
                format!("{function} has {have} MB; the {word} size in \"{cell}\" is {want} MB."),
            )
        }
        Goal::Iam { .. } => unreachable!("judged before reading a cell"),
        other => Judged::Fail(format!(
            "The {} goal reads a container cell, not a Lambda cell.",
            other.check_name()
        )),
    }
}

/// A response body for a sentence: at most 120 characters.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(120).collect();
    if s.chars().count() > 120 {
        out.push('…');
    }
    out
}

/// The verdicts of a lab's starting cells and of its reference solution, each on a fresh kernel.
#[derive(Debug, Clone, Serialize)]
pub struct LabCheck {
    pub start: Vec<GoalVerdict>,
    pub solution: Vec<GoalVerdict>,
}

impl LabCheck {
    /// Why the lab is broken, if it is: a solution goal that does not pass, or a start that
    /// already passes every goal (a lab that teaches nothing).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for v in &self.solution {
            if v.status != GoalStatus::Pass {
                out.push(format!(
                    "the reference solution does not reach goal \"{}\": {}",
                    v.description, v.reason
                ));
            }
        }
        if !self.start.is_empty() && self.start.iter().all(|v| v.status == GoalStatus::Pass) {
            out.push(
                "the starting cells already pass every goal, so the lab teaches nothing: make the start miss at least one goal"
                    .into(),
            );
        }
        out
    }
}

/// `cloudbook check` and `cloudbook lab run`: runs all with the starting cells and with the
/// solution, each on a fresh kernel, and judges the goals.
pub fn check_lab(spec: &LabSpec) -> LabCheck {
    let replay = |cells: &[Cell]| match spec.engine() {
        LabEngine::Lambda => super::workbench::replay::<Notebook>(spec, cells).1,
        LabEngine::Containers => super::workbench::replay::<Workbench>(spec, cells).1,
    };
    LabCheck {
        start: replay(&spec.cells),
        solution: replay(&spec.solution),
    }
}
