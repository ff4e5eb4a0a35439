//! Labs: a small exercise on a page, written by an author as a ```` ```lab ```` block of TOML,
//! and goals checked against what the simulator did — never against the learner's code text.
//!
//! This module owns the lab format, its validation and goal checking. Running handlers belongs
//! to [`crate::lambda`]; showing a lab belongs to the playground.

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::de::DeValue;

use crate::diag::{self, Diagnostic, Field, Place, Table, Tagged, Ty, Walk, opt, req};
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

const GOALS: Tagged = Tagged {
    tag: "check",
    noun: "goal check",
    doc: "What the goal checks.",
    variants: &[
        ("no-error", &[]),
        (
            "response-contains",
            &[req("text", Ty::Str, "Text the response's JSON contains.")],
        ),
        (
            "log-contains",
            &[req("text", Ty::Str, "Text some log line contains.")],
        ),
        (
            "status-code",
            &[req(
                "value",
                Ty::Int {
                    min: 0,
                    max: u16::MAX as u64,
                },
                "The status code.",
            )],
        ),
        (
            "max-billed-ms",
            &[req(
                "value",
                Ty::Int {
                    min: 0,
                    max: u64::MAX,
                },
                "Milliseconds.",
            )],
        ),
    ],
};

/// The lab block's shape for the one walk in [`crate::diag`]; `[function]` is a function file.
const LAB_FIELDS: &[Field] = &[
    req("id", Ty::Str, "Unique across the book."),
    opt("title", Ty::Str, "Shown as \"Lab: …\"."),
    opt("instructions", Ty::Markdown, "Rendered to HTML at build time."),
    req(
        "function",
        Ty::Table(lambda::config::FUNCTION_FIELDS),
        "The function the learner edits.",
    ),
    opt("event", Ty::Any, "The event the Run button sends."),
    opt(
        "goals",
        Ty::List(&Ty::Tagged(&GOALS)),
        "What the learner must reach.",
    ),
    opt(
        "seed",
        Ty::Int {
            min: 0,
            max: u64::MAX,
        },
        "The simulation seed.",
    ),
];

/// Parses a lab block, reporting every problem at once. `path` names the file in diagnostics;
/// positions are within `text` (the caller shifts them to the chapter with
/// [`Diagnostic::shifted`]).
pub fn parse_lab(path: &str, text: &str) -> Result<LabSpec, Vec<Diagnostic>> {
    let root = diag::read_toml(path, text)?;
    let mut w = Walk::new(path, text);
    let sound = w.root(&root, LAB_FIELDS, &Place::root("the lab"));
    if let Some(v) = sound.value("id") {
        let id = v.get_ref().as_str().unwrap_or_default();
        if id.trim().is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            w.err(
                v.span().start,
                format!(
                    "lab id \"{id}\" must be non-empty and use only letters, digits, '-' and '_' (e.g. \"first-function\")"
                ),
            );
        }
    }
    // The function is validated as AWS would even when other keys are wrong, so every problem shows.
    if let Some(v) = sound.value("function")
        && let Some(function) = w.decode::<FunctionSpec>(v)
        && let Err(e) = lambda::validate(&function)
    {
        let t = Table::of(v).expect("the walk found a table");
        lambda::config::report(&e, &mut w, t);
    }
    let spec = if w.diags.is_empty() {
        w.decode::<LabSpec>(&Spanned::new(root.span(), DeValue::Table(root.get_ref().clone())))
    } else {
        None
    };
    w.finish(())?;
    Ok(spec.expect("a sound lab decodes, or the walk reported why"))
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

#[cfg(test)]
mod tests {
    use expect_test::expect;

    #[test]
    fn a_lab_with_three_mistakes_reports_all_three() {
        let text = r#"id = "first-function"
titel = "Your first function"

[function]
name = "hello"
handler = 'fn handler(e, c) { "hi" }'
memory_size = 64

[[goals]]
check = "response-contain"
text = "hi"
"#;
        let d = super::parse_lab("lab", text).expect_err("three mistakes");
        expect![[r#"
            lab:2:1: error: unknown key "titel" in the lab: did you mean "title"? (expected one of: id, title, instructions, function, event, goals, seed)
            lab:7:1: error: ValidationException: 1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128
            lab:10:9: error: unknown goal check "response-contain" (did you mean "response-contains"? expected one of: no-error, response-contains, log-contains, status-code, max-billed-ms)
        "#]].assert_eq(&crate::diag::render_all(&d));
    }
}
