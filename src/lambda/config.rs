//! A function's configuration: the TOML/JSON shape a learner writes ([`FunctionSpec`]), and the
//! validated form with AWS's defaults applied ([`FunctionConfig`]).
//!
//! Validation copies the wording of Lambda's `ValidationException` and
//! `InvalidParameterValueException` messages, because the book shows them. Reading
//! `handler_file` from disk is the CLI's job; this module never touches files.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
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

/// Applies AWS's defaults and checks AWS's limits, reporting every problem at once as AWS does
/// (`2 validation errors detected: …; …`). `account_concurrency` bounds reserved concurrency.
pub fn validate_with(
    spec: &FunctionSpec,
    account_concurrency: u32,
) -> Result<FunctionConfig, InvalidFunctionConfig> {
    let mut problems: Vec<(String, String)> = Vec::new(); // (key, AWS constraint text)
    let range = |key: &str, aws: &str, v: u32, lo: u32, hi: u32, out: &mut Vec<(String, String)>| {
        if v < lo {
            out.push((key.into(), format!("Value '{v}' at '{aws}' failed to satisfy constraint: Member must have value greater than or equal to {lo}")));
        } else if v > hi {
            out.push((key.into(), format!("Value '{v}' at '{aws}' failed to satisfy constraint: Member must have value less than or equal to {hi}")));
        }
    };
    let name_ok = !spec.name.is_empty()
        && spec.name.len() <= 64
        && spec
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !name_ok {
        problems.push((
            "name".into(),
            format!(
                "Value '{}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{{1,64}}",
                spec.name
            ),
        ));
    }
    let memory_mb = spec.memory_size.unwrap_or(MIN_MEMORY_MB);
    range(
        "memory_size",
        "memorySize",
        memory_mb,
        MIN_MEMORY_MB,
        MAX_MEMORY_MB,
        &mut problems,
    );
    let timeout_s = spec.timeout.unwrap_or(3);
    range("timeout", "timeout", timeout_s, 1, MAX_TIMEOUT_S, &mut problems);
    let ephemeral_storage_mb = spec.ephemeral_storage.unwrap_or(512);
    range(
        "ephemeral_storage",
        "ephemeralStorage.size",
        ephemeral_storage_mb,
        512,
        10_240,
        &mut problems,
    );
    let architecture = match spec.architecture.as_deref() {
        None | Some("x86_64") => Architecture::X86_64,
        Some("arm64") => Architecture::Arm64,
        Some(other) => {
            problems.push((
                "architecture".into(),
                format!("Value '[{other}]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]"),
            ));
            Architecture::X86_64
        }
    };
    if !problems.is_empty() {
        let n = problems.len();
        let message = format!(
            "{n} validation error{} detected: {}",
            if n == 1 { "" } else { "s" },
            problems
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        );
        return Err(invalid("ValidationException", message));
    }
    let handler = match (&spec.handler, &spec.handler_file) {
        (Some(h), None) => h.clone(),
        (None, Some(path)) => {
            return Err(invalid(
                "InvalidFunctionFile",
                format!(
                    "handler_file \"{path}\" was not loaded (the CLI reads it; in the browser use `handler`)"
                ),
            ));
        }
        (Some(_), Some(_)) => {
            return Err(invalid(
                "InvalidFunctionFile",
                "both `handler` and `handler_file` are set (keep one)".into(),
            ));
        }
        (None, None) => {
            return Err(invalid(
                "InvalidFunctionFile",
                "missing `handler` (an inline rhai script defining `fn handler(event, context)`) or `handler_file`"
                    .into()));
        }
    };
    // AWS measures the variables as the JSON object it stores.
    let env_json = serde_json::to_string(&spec.environment).expect("a string map always serialises");
    if env_json.len() > ENV_LIMIT_BYTES {
        return Err(invalid(
            "InvalidParameterValueException",
            format!(
                "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {env_json}"
            ),
        ));
    }
    if let Some(r) = spec.reserved_concurrency {
        let max = account_concurrency.saturating_sub(MIN_UNRESERVED);
        if r > max {
            return Err(invalid(
                "InvalidParameterValueException",
                format!(
                    "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{MIN_UNRESERVED}]."
                ),
            ));
        }
    }
    let mut policies = Vec::new();
    for (i, doc) in spec.policies.iter().enumerate() {
        let parsed = match doc {
            serde_json::Value::String(text) => Policy::parse(text),
            other => Policy::from_value(other),
        };
        match parsed {
            Ok(p) => policies.push(p),
            Err(e) => {
                return Err(invalid("MalformedPolicyDocument", format!("policies[{i}]: {e}")));
            }
        }
    }
    if policies.is_empty() {
        policies.push(crate::iam::basic_execution_role());
    }
    for s in &spec.triggers.schedule {
        if let Err(e) = super::schedule::Schedule::parse(&s.expression) {
            return Err(invalid("ValidationException", e.to_string()));
        }
    }
    for a in &spec.triggers.api {
        if a.api_type != "rest" && a.api_type != "http" {
            return Err(invalid(
                "InvalidFunctionFile",
                format!(
                    "unknown API type \"{}\" (expected one of: rest, http)",
                    a.api_type
                ),
            ));
        }
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

fn invalid(code: &str, message: String) -> InvalidFunctionConfig {
    // Without a file there is nothing to point at; `load_function_file` adds the location.
    InvalidFunctionConfig {
        code: code.into(),
        message,
        diagnostics: Vec::new(),
    }
}

/// Parses a function file (TOML). Syntax errors and unknown keys come back as diagnostics with
/// `path:line:col`; the result still needs [`validate_with`] (which [`load_function_file`] does).
pub fn parse_function_file(path: &str, text: &str) -> Result<FunctionSpec, InvalidFunctionConfig> {
    toml::from_str::<FunctionSpec>(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let message = tidy_serde_message(e.message());
        InvalidFunctionConfig {
            code: "InvalidFunctionFile".into(),
            message: message.clone(),
            diagnostics: vec![Diagnostic::at_offset(path, text, offset, message)],
        }
    })
}

/// Parses and validates a function file, pointing validation errors at the offending key.
pub fn load_function_file(
    path: &str,
    text: &str,
    account_concurrency: u32,
) -> Result<(FunctionSpec, FunctionConfig), InvalidFunctionConfig> {
    let spec = parse_function_file(path, text)?;
    let config = validate_with(&spec, account_concurrency).map_err(|e| locate(path, text, e))?;
    Ok((spec, config))
}

/// Points a validation error at the key it is about in the function file.
pub fn locate(path: &str, text: &str, mut e: InvalidFunctionConfig) -> InvalidFunctionConfig {
    if e.diagnostics.is_empty() {
        let key = key_of_message(&e);
        let offset = find_key(text, key).unwrap_or(0);
        e.diagnostics = vec![Diagnostic::at_offset(
            path,
            text,
            offset,
            format!("{}: {}", e.code, e.message),
        )];
    }
    e
}

fn key_of_message(e: &InvalidFunctionConfig) -> &'static str {
    let m = &e.message;
    let pairs = [
        ("'functionName'", "name"),
        ("'memorySize'", "memory_size"),
        ("'timeout'", "timeout"),
        ("'ephemeralStorage.size'", "ephemeral_storage"),
        ("'architectures'", "architecture"),
        ("environment variables", "environment"),
        ("ReservedConcurrentExecutions", "reserved_concurrency"),
        ("policies[", "policies"),
        ("handler_file", "handler_file"),
        ("ScheduleExpression", "expression"),
        ("API type", "type"),
    ];
    pairs
        .iter()
        .find(|(needle, _)| m.contains(needle))
        .map_or("name", |(_, k)| k)
}

/// The byte offset of `key =` (or `[key]`) at the start of a line, ignoring indentation.
fn find_key(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let rest = trimmed.strip_prefix(key);
        if let Some(rest) = rest
            && (rest.trim_start().starts_with('=') || rest.starts_with(']') || rest.starts_with('.'))
        {
            return Some(offset + indent);
        }
        if trimmed.starts_with('[') && trimmed.trim_start_matches('[').starts_with(key) {
            return Some(offset + indent);
        }
        offset += line.len();
    }
    None
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into the house style
/// `unknown key "x" (expected one of: a, b)`.
fn tidy_serde_message(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        return format!(
            "unknown key \"{name}\" (expected one of: {})",
            expected.join(", ")
        );
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return format!("missing key \"{name}\"");
    }
    msg.to_string()
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
        expect![[r#"fn.toml:3:1: error: unknown key "memroy_size" (expected one of: name, handler, handler_file, memory_size, timeout, architecture, ephemeral_storage, environment, reserved_concurrency, policies, triggers)"#]]
            .assert_eq(&parse_function_file("fn.toml", text).unwrap_err().to_string());
        let text = "name = \"f\"\nhandler = \"fn handler(e, c) { 1 }\"\n  timeout = 0\n";
        expect![[r#"fn.toml:3:3: error: ValidationException: 1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1"#]]
            .assert_eq(&load_function_file("fn.toml", text, 1000).unwrap_err().to_string());
    }
}
