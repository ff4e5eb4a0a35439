//! A function's configuration: the TOML/JSON shape a learner writes ([`FunctionSpec`]), and the
//! validated form with AWS's defaults applied ([`FunctionConfig`]).
//!
//! Validation copies the wording of Lambda's `ValidationException` and
//! `InvalidParameterValueException` messages, because the book shows them. Reading
//! `handler_file` from disk is the CLI's job; this module never touches files.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use toml::de::DeValue;

use crate::diag::{self, Diagnostic, Field, Place, Table, Ty, Walk, opt, req};
use crate::iam::Policy;

/// What a function file says, before defaults. Field names are the keys of the function file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    pub name: String,
    /// The handler script inline (rhai), defining `fn handler(event, context)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    /// A path to the script, resolved by the CLI relative to the function file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler_file: Option<String>,
    /// MB (MiB), 128–10,240; default 128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_size: Option<u32>,
    /// Seconds, 1–900; default 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u32>,
    /// `x86_64` (default) or `arm64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// MB of /tmp, 512–10,240; default 512.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage: Option<u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_concurrency: Option<u32>,
    /// IAM identity policies of the execution role, as JSON documents (objects, or strings holding
    /// JSON). Empty means the default role: AWSLambdaBasicExecutionRole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Triggers::is_empty")]
    pub triggers: Triggers,
}

/// Event sources that invoke the function.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Triggers {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub s3: Vec<S3Trigger>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<ScheduleTrigger>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api: Vec<ApiTrigger>,
}

impl Triggers {
    pub fn is_empty(&self) -> bool {
        self.s3.is_empty() && self.schedule.is_empty() && self.api.is_empty()
    }
}

/// `s3:ObjectCreated:*` notifications of one bucket, filtered by key prefix and suffix.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct S3Trigger {
    pub bucket: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefix: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub suffix: String,
}

/// An EventBridge schedule rule: `rate(5 minutes)` or `cron(0 12 * * ? *)`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleTrigger {
    pub expression: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An API Gateway route integrated with the function through Lambda proxy integration.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiTrigger {
    /// `rest` (payload 1.0) or `http` (payload 2.0).
    #[serde(rename = "type", default = "default_api_type")]
    pub api_type: String,
    #[serde(default = "default_method")]
    pub method: String,
    pub path: String,
}

fn default_api_type() -> String {
    "http".into()
}
fn default_method() -> String {
    "GET".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    X86_64,
    Arm64,
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        })
    }
}

/// A validated function: every default applied, every limit checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionConfig {
    pub name: String,
    pub handler: String,
    pub memory_mb: u32,
    pub timeout_s: u32,
    pub architecture: Architecture,
    pub ephemeral_storage_mb: u32,
    pub environment: BTreeMap<String, String>,
    pub reserved_concurrency: Option<u32>,
    pub policies: Vec<Policy>,
    pub triggers: Triggers,
}

impl FunctionConfig {
    /// The role the function assumes; its session name is the function name, as in AWS.
    pub fn role_name(&self) -> String {
        format!("{}-role", self.name)
    }
}

/// Why a function configuration was refused: AWS's error code and message, plus diagnostics that
/// point into the function file when there is one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvalidFunctionConfig {
    /// `ValidationException`, `InvalidParameterValueException` or `InvalidFunctionFile`.
    pub code: String,
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
    /// Every problem found, each with the key it is about, so a file's diagnostics can point at
    /// each one ([`locate`]). `code` and `message` are what AWS would answer: the first of them.
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

/// One refused setting: AWS's code and message, and where the setting sits in a function file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub code: &'static str,
    pub message: String,
    pub at: Vec<Seg>,
}

/// One step of a key path in a function file: `triggers`, `schedule`, `0`, `expression`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg {
    Key(&'static str),
    Index(usize),
}

impl fmt::Display for InvalidFunctionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.diagnostics.is_empty() {
            write!(f, "{}: {}", self.code, self.message)
        } else {
            for (i, d) in self.diagnostics.iter().enumerate() {
                if i > 0 {
                    writeln!(f)?;
                }
                write!(f, "{d}")?;
            }
            Ok(())
        }
    }
}

impl std::error::Error for InvalidFunctionConfig {}

pub const MIN_MEMORY_MB: u32 = 128;
pub const MAX_MEMORY_MB: u32 = 10_240;
pub const MAX_TIMEOUT_S: u32 = 900;
pub const ENV_LIMIT_BYTES: usize = 4096;
/// AWS keeps this much of the account's concurrency unreserved at all times.
pub const MIN_UNRESERVED: u32 = 100;

/// Applies AWS's defaults and checks AWS's limits. The error is what AWS answers (its limit
/// checks together, `2 validation errors detected: …; …`, before any other problem) and carries
/// every problem found in [`InvalidFunctionConfig::problems`]. `account_concurrency` bounds
/// reserved concurrency.
pub fn validate_with(
    spec: &FunctionSpec,
    account_concurrency: u32,
) -> Result<FunctionConfig, InvalidFunctionConfig> {
    use Seg::{Index, Key};
    // AWS's limit checks, answered together as one ValidationException.
    let mut limits: Vec<Problem> = Vec::new();
    let mut limit = |key: &'static str, message: String| {
        limits.push(Problem {
            code: "ValidationException",
            message,
            at: vec![Key(key)],
        })
    };
    let range = |v: u32, aws: &str, lo: u32, hi: u32| -> Option<String> {
        if v < lo {
            Some(format!(
                "Value '{v}' at '{aws}' failed to satisfy constraint: Member must have value greater than or equal to {lo}"
            ))
        } else if v > hi {
            Some(format!(
                "Value '{v}' at '{aws}' failed to satisfy constraint: Member must have value less than or equal to {hi}"
            ))
        } else {
            None
        }
    };
    let name_ok = !spec.name.is_empty()
        && spec.name.len() <= 64
        && spec
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !name_ok {
        limit(
            "name",
            format!(
                "Value '{}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{{1,64}}",
                spec.name
            ),
        );
    }
    let memory_mb = spec.memory_size.unwrap_or(MIN_MEMORY_MB);
    if let Some(m) = range(memory_mb, "memorySize", MIN_MEMORY_MB, MAX_MEMORY_MB) {
        limit("memory_size", m);
    }
    let timeout_s = spec.timeout.unwrap_or(3);
    if let Some(m) = range(timeout_s, "timeout", 1, MAX_TIMEOUT_S) {
        limit("timeout", m);
    }
    let ephemeral_storage_mb = spec.ephemeral_storage.unwrap_or(512);
    if let Some(m) = range(ephemeral_storage_mb, "ephemeralStorage.size", 512, 10_240) {
        limit("ephemeral_storage", m);
    }
    let architecture = match spec.architecture.as_deref() {
        None | Some("x86_64") => Architecture::X86_64,
        Some("arm64") => Architecture::Arm64,
        Some(other) => {
            limit(
                "architecture",
                format!(
                    "Value '[{other}]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]"
                ),
            );
            Architecture::X86_64
        }
    };
    let mut others: Vec<Problem> = Vec::new();
    let mut other =
        |code: &'static str, at: Vec<Seg>, message: String| others.push(Problem { code, message, at });
    let handler = match (&spec.handler, &spec.handler_file) {
        (Some(h), None) => h.clone(),
        (None, Some(path)) => {
            other(
                "InvalidFunctionFile",
                vec![Key("handler_file")],
                format!(
                    "handler_file \"{path}\" was not loaded (the CLI reads it; in the browser use `handler`)"
                ),
            );
            String::new()
        }
        (Some(_), Some(_)) => {
            other(
                "InvalidFunctionFile",
                vec![Key("handler_file")],
                "both `handler` and `handler_file` are set (keep one)".into(),
            );
            String::new()
        }
        (None, None) => {
            other(
                "InvalidFunctionFile",
                vec![],
                "missing `handler` (an inline rhai script defining `fn handler(event, context)`) or `handler_file`".into(),
            );
            String::new()
        }
    };
    // AWS measures the variables as the JSON object it stores.
    let env_json = serde_json::to_string(&spec.environment).expect("a string map always serialises");
    if env_json.len() > ENV_LIMIT_BYTES {
        other(
            "InvalidParameterValueException",
            vec![Key("environment")],
            format!(
                "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {env_json}"
            ),
        );
    }
    if let Some(r) = spec.reserved_concurrency
        && r > account_concurrency.saturating_sub(MIN_UNRESERVED)
    {
        other(
            "InvalidParameterValueException",
            vec![Key("reserved_concurrency")],
            format!(
                "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{MIN_UNRESERVED}]."
            ),
        );
    }
    let mut policies = Vec::new();
    for (i, doc) in spec.policies.iter().enumerate() {
        let parsed = match doc {
            serde_json::Value::String(text) => Policy::parse(text),
            other => Policy::from_value(other),
        };
        match parsed {
            Ok(p) => policies.push(p),
            Err(e) => other(
                "MalformedPolicyDocument",
                vec![Key("policies"), Index(i)],
                format!("policies[{i}]: {e}"),
            ),
        }
    }
    if policies.is_empty() {
        policies.push(crate::iam::basic_execution_role());
    }
    for (i, s) in spec.triggers.schedule.iter().enumerate() {
        if let Err(e) = super::schedule::Schedule::parse(&s.expression) {
            other(
                "ValidationException",
                vec![Key("triggers"), Key("schedule"), Index(i), Key("expression")],
                e.to_string(),
            );
        }
    }
    for (i, a) in spec.triggers.api.iter().enumerate() {
        if a.api_type != "rest" && a.api_type != "http" {
            other(
                "InvalidFunctionFile",
                vec![Key("triggers"), Key("api"), Index(i), Key("type")],
                format!(
                    "unknown API type \"{}\" (expected one of: rest, http)",
                    a.api_type
                ),
            );
        }
    }
    if !limits.is_empty() || !others.is_empty() {
        let (code, message) = if limits.is_empty() {
            (others[0].code.to_string(), others[0].message.clone())
        } else {
            (
                "ValidationException".to_string(),
                validation_message(limits.iter().map(|p| p.message.as_str())),
            )
        };
        // Each limit, shown on its own at its key, reads as AWS would answer it alone.
        for p in &mut limits {
            p.message = validation_message([p.message.as_str()]);
        }
        limits.extend(others);
        return Err(InvalidFunctionConfig {
            code,
            message,
            diagnostics: Vec::new(),
            problems: limits,
        });
    }
    Ok(FunctionConfig {
        name: spec.name.clone(),
        handler,
        memory_mb,
        timeout_s,
        architecture,
        ephemeral_storage_mb,
        environment: spec.environment.clone(),
        reserved_concurrency: spec.reserved_concurrency,
        policies,
        triggers: spec.triggers.clone(),
    })
}

/// `n validation error(s) detected: a; b`, as AWS joins its limit checks.
fn validation_message<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let parts: Vec<&str> = parts.into_iter().collect();
    let n = parts.len();
    format!(
        "{n} validation error{} detected: {}",
        if n == 1 { "" } else { "s" },
        parts.join("; ")
    )
}

const U32: Ty = Ty::Int {
    min: 0,
    max: u32::MAX as u64,
};

/// The function file's shape for the one walk in [`crate::diag`] (the lab block's `[function]`
/// reuses it). AWS's limits are checked by [`validate_with`], in AWS's words.
pub const FUNCTION_FIELDS: &[Field] = &[
    req("name", Ty::Str, "The function name."),
    opt("handler", Ty::Str, "The handler script inline (rhai)."),
    opt(
        "handler_file",
        Ty::Str,
        "A path to the script, relative to the function file.",
    ),
    opt("memory_size", U32, "MB, 128–10,240; default 128."),
    opt("timeout", U32, "Seconds, 1–900; default 3."),
    opt("architecture", Ty::Str, "x86_64 (default) or arm64."),
    opt("ephemeral_storage", U32, "MB of /tmp, 512–10,240; default 512."),
    opt("environment", Ty::Map(&Ty::Str), "Environment variables."),
    opt("reserved_concurrency", U32, "Reserved concurrency."),
    opt(
        "policies",
        Ty::List(&Ty::Any),
        "IAM identity policies of the execution role.",
    ),
    opt("triggers", Ty::Table(TRIGGER_FIELDS), "Event sources."),
];

const TRIGGER_FIELDS: &[Field] = &[
    opt("s3", Ty::TableList(S3_FIELDS), "S3 notifications."),
    opt(
        "schedule",
        Ty::TableList(SCHEDULE_FIELDS),
        "EventBridge schedules.",
    ),
    opt("api", Ty::TableList(API_FIELDS), "API Gateway routes."),
];
const S3_FIELDS: &[Field] = &[
    req("bucket", Ty::Str, "The bucket."),
    opt("prefix", Ty::Str, "Key prefix filter."),
    opt("suffix", Ty::Str, "Key suffix filter."),
];
const SCHEDULE_FIELDS: &[Field] = &[
    req("expression", Ty::Str, "rate(…) or cron(…)."),
    opt("name", Ty::Str, "The rule name."),
];
const API_FIELDS: &[Field] = &[
    opt(
        "type",
        Ty::Enum(&["rest", "http"]),
        "rest (payload 1.0) or http (2.0).",
    ),
    opt("method", Ty::Str, "HTTP method; default GET."),
    req("path", Ty::Str, "The route path."),
];

/// Parses a function file (TOML). Every syntax error, unknown key and wrong type comes back at
/// once as a diagnostic with `path:line:col`; when there are some, AWS's checks of the keys that
/// are right are reported with them. A file that parses still needs [`validate_with`] (which
/// [`load_function_file`] does), because the CLI loads `handler_file` in between.
pub fn parse_function_file(path: &str, text: &str) -> Result<FunctionSpec, InvalidFunctionConfig> {
    let file_error = |diagnostics: Vec<Diagnostic>| InvalidFunctionConfig {
        code: "InvalidFunctionFile".into(),
        message: diagnostics.first().map(|d| d.message.clone()).unwrap_or_default(),
        diagnostics,
        problems: Vec::new(),
    };
    let root = diag::read_toml(path, text).map_err(file_error)?;
    let mut w = Walk::new(path, text);
    let sound = w.root(&root, FUNCTION_FIELDS, &Place::root("the function file"));
    if w.diags.is_empty() {
        let spec = w.decode(&sound.pruned());
        w.finish(()).map_err(file_error)?;
        return Ok(spec.expect("a sound file decodes, or the walk reported why"));
    }
    // Show AWS's verdict on the keys that are right along with the rest. The handler may come
    // from a file the CLI has not read yet and the account's concurrency is not known here, so
    // those checks wait for `validate_with`.
    if sound.value("name").is_some()
        && let Some(spec) = w.decode::<FunctionSpec>(&sound.pruned())
        && let Err(mut e) = validate_with(&spec, u32::MAX)
    {
        e.problems.retain(
            |p| matches!(p.at.first(), Some(Seg::Key(k)) if *k != "handler_file" && sound.value(k).is_some()),
        );
        report(&e, &mut w, Table::root(&root));
    }
    Err(file_error(w.finish(()).expect_err("the walk reported problems")))
}

/// Parses and validates a function file, pointing every validation error at the key it is about.
pub fn load_function_file(
    path: &str,
    text: &str,
    account_concurrency: u32,
) -> Result<(FunctionSpec, FunctionConfig), InvalidFunctionConfig> {
    let spec = parse_function_file(path, text)?;
    let config = validate_with(&spec, account_concurrency).map_err(|e| locate(path, text, e))?;
    Ok((spec, config))
}

/// Points each problem of a validation error at its key in the function file `text`.
pub fn locate(path: &str, text: &str, mut e: InvalidFunctionConfig) -> InvalidFunctionConfig {
    if e.diagnostics.is_empty()
        && let Ok(root) = diag::read_toml(path, text)
    {
        let mut w = Walk::new(path, text);
        report(&e, &mut w, Table::root(&root));
        e.diagnostics = w.finish(()).err().unwrap_or_default();
    }
    e
}

/// Adds one diagnostic per problem of `e` to `w`, at the key it is about inside `t` (a function
/// file's top table, or a lab block's `[function]`).
pub fn report(e: &InvalidFunctionConfig, w: &mut Walk<'_>, t: Table<'_, '_>) {
    for p in &e.problems {
        w.err(offset_of(t, &p.at), format!("{}: {}", p.code, p.message));
    }
}

/// The offset of the last key of `at` that is written in the table, or the table's start.
fn offset_of(t: Table<'_, '_>, at: &[Seg]) -> usize {
    let mut offset = t.span.0;
    let mut table = Some(t);
    let mut items: &[diag::Value<'_>] = &[];
    for seg in at {
        match *seg {
            Seg::Key(k) => {
                let Some(t) = table else { break };
                let Some((key, value)) = t.map.iter().find(|(key, _)| key.get_ref() == k) else {
                    break;
                };
                offset = key.span().start;
                table = Table::of(value);
                items = match value.get_ref() {
                    DeValue::Array(a) => &a[..],
                    _ => &[],
                };
            }
            Seg::Index(i) => {
                let Some(item) = items.get(i) else { break };
                offset = item.span().start;
                table = Table::of(item);
                items = &[];
            }
        }
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn spec(name: &str) -> FunctionSpec {
        FunctionSpec {
            name: name.into(),
            handler: Some("fn handler(e, c) { 1 }".into()),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_are_aws_defaults() {
        let c = validate_with(&spec("hello"), 1000).unwrap();
        assert_eq!((c.memory_mb, c.timeout_s, c.ephemeral_storage_mb), (128, 3, 512));
        assert_eq!(c.architecture, Architecture::X86_64);
        assert_eq!(
            c.policies.len(),
            1,
            "the default role is AWSLambdaBasicExecutionRole"
        );
    }

    #[test]
    fn validation_messages_copy_aws() {
        let mut s = spec("hello");
        s.timeout = Some(1200);
        s.memory_size = Some(64);
        expect![[r#"ValidationException: 2 validation errors detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128; Value '1200' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"#]]
            .assert_eq(&validate_with(&s, 1000).unwrap_err().to_string());
        let mut s = spec("hello");
        s.environment.insert("BIG".into(), "x".repeat(4100));
        let e = validate_with(&s, 1000).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValueException");
        assert!(
            e.message
                .starts_with("Lambda was unable to configure your environment variables because")
        );
        let mut s = spec("hello");
        s.reserved_concurrency = Some(901);
        expect!["InvalidParameterValueException: Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]."]
            .assert_eq(&validate_with(&s, 1000).unwrap_err().to_string());
        s.reserved_concurrency = Some(900);
        assert!(validate_with(&s, 1000).is_ok());
    }

    #[test]
    fn file_errors_point_at_the_key() {
        let text = "name = \"f\"\nhandler = \"fn handler(e, c) { 1 }\"\nmemroy_size = 256\n";
        expect![[r#"fn.toml:3:1: error: unknown key "memroy_size" in the function file: did you mean "memory_size"? (expected one of: name, handler, handler_file, memory_size, timeout, architecture, ephemeral_storage, environment, reserved_concurrency, policies, triggers)"#]]
            .assert_eq(&parse_function_file("fn.toml", text).unwrap_err().to_string());
        let text = "name = \"f\"\nhandler = \"fn handler(e, c) { 1 }\"\n  timeout = 0\n";
        expect![[r#"fn.toml:3:3: error: ValidationException: 1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1"#]]
            .assert_eq(&load_function_file("fn.toml", text, 1000).unwrap_err().to_string());
    }

    #[test]
    fn a_function_file_with_three_mistakes_reports_all_three() {
        let text = r#"name = "resize"
handler = "fn handler(e, c) { 1 }"
memroy_size = 256
timeout = 901

[[triggers.schedule]]
expression = "rate(5 minute)"
"#;
        let e = load_function_file("fn.toml", text, 1000).unwrap_err();
        expect![[r#"
            fn.toml:3:1: error: unknown key "memroy_size" in the function file: did you mean "memory_size"? (expected one of: name, handler, handler_file, memory_size, timeout, architecture, ephemeral_storage, environment, reserved_concurrency, policies, triggers)
            fn.toml:4:1: error: ValidationException: 1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900
            fn.toml:7:1: error: ValidationException: Parameter ScheduleExpression is not valid. (a rate above 1 takes the plural unit: rate(5 minutes))
        "#]].assert_eq(&(e.to_string() + "\n"));
        // Without a shape problem, AWS's checks are reported together just the same.
        let e = load_function_file(
            "fn.toml",
            &text.replace("memroy_size = 256", "memory_size = 64"),
            1000,
        )
        .unwrap_err();
        expect![[r#"
            fn.toml:3:1: error: ValidationException: 1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128
            fn.toml:4:1: error: ValidationException: 1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900
            fn.toml:7:1: error: ValidationException: Parameter ScheduleExpression is not valid. (a rate above 1 takes the plural unit: rate(5 minutes))
        "#]].assert_eq(&(e.to_string() + "\n"));
    }
}
