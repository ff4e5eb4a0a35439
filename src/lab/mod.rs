//! Labs: a small exercise on a page, written by an author as a ```` ```lab ```` block of TOML,
//! and goals checked against what the simulator did — never against the learner's code text.
//!
//! This module owns the lab format, its validation and goal checking. Running handlers belongs
//! to [`crate::lambda`]; showing a lab belongs to the playground.

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::lambda::{self, FunctionSpec, Invocation};

/// One lab block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabSpec {
    /// Unique across the book; quizzes refer to it (`type = "lab"`) and progress is stored under it.
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    /// Markdown, rendered to HTML at build time.
    #[serde(default)]
    pub instructions: Option<String>,
    /// The function the learner edits; `function.handler` is the starting code.
    pub function: FunctionSpec,
    /// The event the Run button sends (a TOML table, converted to JSON).
    #[serde(default = "empty_object")]
    pub event: serde_json::Value,
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// The simulation seed; the default keeps every learner's trace identical.
    #[serde(default)]
    pub seed: Option<u64>,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(Default::default())
}

/// What the learner must achieve, checked against the simulator's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Goal {
    /// The invocation ends without an error (no throw, timeout or out-of-memory).
    NoError,
    /// The JSON of the response contains this text.
    ResponseContains { text: String },
    /// Some log line of the invocation contains this text.
    LogContains { text: String },
    /// The response is an API Gateway proxy response with this status code.
    StatusCode { value: u16 },
    /// Billed duration at most this many milliseconds.
    MaxBilledMs { value: u64 },
}

/// One goal's verdict, with the sentence the page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalResult {
    pub description: String,
    pub passed: bool,
}

/// A run of a lab: the invocation and the goals' verdicts.
#[derive(Debug, Clone, Serialize)]
pub struct LabRun {
    pub invocation: Invocation,
    pub goals: Vec<GoalResult>,
    /// All goals passed (and there is at least one goal, or the run had no error).
    pub passed: bool,
}

/// Parses a lab block. `path` names the file in diagnostics; positions are within `text`
/// (the caller shifts them to the chapter).
pub fn parse_lab(path: &str, text: &str) -> Result<LabSpec, Vec<Diagnostic>> {
    let spec: LabSpec = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        vec![Diagnostic::at_offset(path, text, offset, toml_message(&e))]
    })?;
    let mut diags = Vec::new();
    let at = |key: &str| {
        let offset = text
            .find(&format!("{key} "))
            .or_else(|| text.find(key))
            .unwrap_or(0);
        crate::diag::line_col(text, offset)
    };
    if spec.id.trim().is_empty()
        || !spec
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        let (l, c) = at("id");
        diags.push(Diagnostic::error(
            path,
            l,
            c,
            format!(
                "lab id \"{}\" must be non-empty and use only letters, digits, '-' and '_'",
                spec.id
            ),
        ));
    }
    if let Err(e) = lambda::validate(&spec.function) {
        let (l, c) = at("[function]");
        diags.push(Diagnostic::error(
            path,
            l,
            c,
            format!("the lab's function is invalid: {e}"),
        ));
    }
    if diags.is_empty() { Ok(spec) } else { Err(diags) }
}

/// toml's message without its own multi-line source excerpt (we print path:line:col instead).
fn toml_message(e: &toml::de::Error) -> String {
    let msg = e.message().trim().to_string();
    format!("{msg} (in a ```lab block; see the lab format in the book's reference)")
}

impl LabSpec {
    /// Renders Markdown fields to HTML (build time).
    pub fn render_markdown(&mut self, render: &mut dyn FnMut(&str) -> String) {
        if let Some(i) = &self.instructions {
            self.instructions = Some(render(i));
        }
    }

    /// Runs the lab with the learner's handler code and checks the goals.
    pub fn run(&self, handler: &str) -> Result<LabRun, String> {
        let mut function = self.function.clone();
        function.handler = Some(handler.to_string());
        function.handler_file = None;
        let seed = self.seed.unwrap_or(crate::sim::DEFAULT_SEED);
        let invocation = lambda::invoke_once(&function, &self.event, seed).map_err(|e| e.to_string())?;
        let goals: Vec<GoalResult> = self.goals.iter().map(|g| g.check(&invocation)).collect();
        let passed = if goals.is_empty() {
            invocation.error.is_none()
        } else {
            goals.iter().all(|g| g.passed)
        };
        Ok(LabRun {
            invocation,
            goals,
            passed,
        })
    }
}

impl Goal {
    pub fn describe(&self) -> String {
        match self {
            Goal::NoError => "The function finishes without an error".into(),
            Goal::ResponseContains { text } => format!("The response contains “{text}”"),
            Goal::LogContains { text } => format!("A log line contains “{text}”"),
            Goal::StatusCode { value } => format!("The response has status code {value}"),
            Goal::MaxBilledMs { value } => format!("Billed duration is at most {value} ms"),
        }
    }

    pub fn check(&self, inv: &Invocation) -> GoalResult {
        let response_json = inv.response.as_ref().map(|r| r.to_string()).unwrap_or_default();
        let passed = match self {
            Goal::NoError => inv.error.is_none(),
            Goal::ResponseContains { text } => inv.error.is_none() && response_json.contains(text.as_str()),
            Goal::LogContains { text } => inv.logs.iter().any(|l| l.contains(text.as_str())),
            Goal::StatusCode { value } => inv
                .response
                .as_ref()
                .and_then(|r| r.get("statusCode"))
                .and_then(|s| s.as_u64())
                .is_some_and(|s| s == u64::from(*value)),
            Goal::MaxBilledMs { value } => inv.error.is_none() && inv.billed_ms <= *value,
        };
        GoalResult {
            description: self.describe(),
            passed,
        }
    }
}
