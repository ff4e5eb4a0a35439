//! The scenario form: the common edits of a scenario file (instance count and type, task size,
//! desired count, placement strategy and constraint) read and written in place, so a learner can
//! change them without touching TOML by hand. Values are found by the parser's spans and only
//! their text is replaced; a missing key is inserted on the line after its table's header. The
//! rest of the text never changes.

use serde::{Deserialize, Serialize};

use crate::diag::{self, Table};
use crate::ecs::catalog;

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// "instance.0.count", "task_definition.0.cpu", "service.0.placement_strategy", …
    pub key: String,
    pub label: String,
    /// The value as the form shows it (a strategy as "binpack:memory, spread:instanceId").
    pub value: String,
    /// The values offered; empty means free text.
    pub choices: Vec<String>,
}

/// What the form offers for placement strategies.
const STRATEGIES: &[&str] = &[
    "spread:attribute:ecs.availability-zone",
    "spread:instanceId",
    "binpack:memory",
    "binpack:cpu",
    "random",
    "spread:attribute:ecs.availability-zone, binpack:memory",
];
/// What the form offers for placement constraints (memberOf is free text after the colon).
const CONSTRAINTS: &[&str] = &[
    "none",
    "distinctInstance",
    "memberOf:attribute:ecs.instance-type =~ t3.*",
];

/// The scenario editor's diagnostics: every problem of the text at the scenario's own line and
/// column, as `cloudbook sim ecs` reports them (empty when it parses).
pub fn scenario_diagnostics(text: &str) -> Vec<diag::Diagnostic> {
    crate::ecs::scenario::parse("scenario", text)
        .err()
        .unwrap_or_default()
}

/// The form's fields for a scenario text; empty when the text is not TOML.
pub fn scenario_form(text: &str) -> Vec<FormField> {
    let Ok(root) = diag::read_toml("scenario", text) else {
        return Vec::new();
    };
    let top = Table::root(&root);
    let mut out = Vec::new();
    let int = |t: &Table<'_, '_>, k: &str, default: &str| {
        t.get(k)
            .and_then(|v| super::format::int_of(Some(v)))
            .map_or(default.to_string(), |n| n.to_string())
    };
    let field = |key: String, label: String, value: String, choices: Vec<String>| FormField {
        key,
        label,
        value,
        choices,
    };
    for (i, t) in top.tables("instance").iter().enumerate() {
        let name = t.string("name").unwrap_or_else(|| format!("instance {i}"));
        out.push(field(
            format!("instance.{i}.count"),
            format!("Instances {name}: count"),
            int(t, "count", "1"),
            vec![],
        ));
        out.push(field(
            format!("instance.{i}.type"),
            format!("Instances {name}: type"),
            t.string("type").unwrap_or_default(),
            catalog::instance_type_names()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ));
    }
    for (i, t) in top.tables("task_definition").iter().enumerate() {
        let name = t
            .string("family")
            .unwrap_or_else(|| format!("task definition {i}"));
        let (cpu, memory) = task_size(t);
        out.push(field(
            format!("task_definition.{i}.cpu"),
            format!("Task {name}: CPU units"),
            cpu,
            vec![],
        ));
        out.push(field(
            format!("task_definition.{i}.memory"),
            format!("Task {name}: memory (MiB)"),
            memory,
            vec![],
        ));
    }
    for (i, t) in top.tables("service").iter().enumerate() {
        let name = t.string("name").unwrap_or_else(|| format!("service {i}"));
        out.push(field(
            format!("service.{i}.desired_count"),
            format!("Service {name}: desired count"),
            int(t, "desired_count", "0"),
            vec![],
        ));
        let strategy: Vec<String> = t
            .tables("placement_strategy")
            .iter()
            .map(|s| match s.string("field") {
                Some(f) => format!("{}:{f}", s.string("type").unwrap_or_default()),
                None => s.string("type").unwrap_or_default(),
            })
            .collect();
        out.push(field(
            format!("service.{i}.placement_strategy"),
            format!("Service {name}: placement strategy"),
            if strategy.is_empty() {
                STRATEGIES[0].to_string()
            } else {
                strategy.join(", ")
            },
            STRATEGIES.iter().map(|s| s.to_string()).collect(),
        ));
        let constraint: Vec<String> = t
            .tables("placement_constraints")
            .iter()
            .map(|c| match c.string("expression") {
                Some(e) => format!("{}:{e}", c.string("type").unwrap_or_default()),
                None => c.string("type").unwrap_or_default(),
            })
            .collect();
        out.push(field(
            format!("service.{i}.placement_constraints"),
            format!("Service {name}: placement constraint"),
            if constraint.is_empty() {
                "none".into()
            } else {
                constraint.join(", ")
            },
            CONSTRAINTS.iter().map(|s| s.to_string()).collect(),
        ));
    }
    out
}

/// A task definition's size as the form shows it: the task-level value, else the containers'.
fn task_size(t: &Table<'_, '_>) -> (String, String) {
    let sum = |k: &str| {
        t.tables("container")
            .iter()
            .filter_map(|c| super::format::int_of(c.get(k)))
            .sum::<i128>()
            .to_string()
    };
    let own = |k: &str| super::format::int_of(t.get(k)).map(|n| n.to_string());
    (
        own("cpu").unwrap_or_else(|| sum("cpu")),
        own("memory").unwrap_or_else(|| sum("memory")),
    )
}

/// Writes one form field into the text: the value's text is replaced in place, a missing key is
/// inserted after its table's header. Refuses a value of the wrong shape, a key the form does not
/// have, and an edit that would break a scenario that parsed before.
pub fn set_scenario_field(text: &str, key: &str, value: &str) -> Result<String, String> {
    let root = diag::read_toml("scenario", text).map_err(|d| diag::render_all(&d).trim_end().to_string())?;
    let top = Table::root(&root);
    let parts: Vec<&str> = key.split('.').collect();
    let [table, index, name] = parts[..] else {
        return Err(format!(
            "unknown form field \"{key}\" (expected e.g. \"service.0.desired_count\")"
        ));
    };
    let i: usize = index
        .parse()
        .map_err(|_| format!("unknown form field \"{key}\": \"{index}\" is not an index"))?;
    let known = matches!(
        (table, name),
        ("instance", "count" | "type")
            | ("task_definition", "cpu" | "memory")
            | (
                "service",
                "desired_count" | "placement_strategy" | "placement_constraints"
            )
    );
    if !known {
        return Err(format!(
            "unknown form field \"{key}\" (the form edits instance.N.count, instance.N.type, task_definition.N.cpu, task_definition.N.memory, service.N.desired_count, service.N.placement_strategy, service.N.placement_constraints)"
        ));
    }
    let tables = top.tables(table);
    let t = tables.get(i).ok_or_else(|| {
        format!(
            "the scenario has {} [[{table}]] tables, not {}",
            tables.len(),
            i + 1
        )
    })?;
    let toml_value = render_value(name, value.trim())?;
    let edited = match t.get(name) {
        Some(v) => {
            let span = v.span();
            format!("{}{toml_value}{}", &text[..span.start], &text[span.end..])
        }
        None => {
            let at = header_end(text, table, i).ok_or_else(|| {
                format!("[[{table}]] number {} is written inline; write it as a [[{table}]] table to edit it with the form", i + 1)
            })?;
            format!("{}{name} = {toml_value}\n{}", &text[..at], &text[at..])
        }
    };
    let before = crate::ecs::scenario::parse("scenario", text).is_ok();
    match crate::ecs::scenario::parse("scenario", &edited) {
        Err(d) if before => Err(diag::render_all(&d).trim_end().to_string()),
        _ => Ok(edited),
    }
}

/// The TOML text of a form value.
fn render_value(name: &str, value: &str) -> Result<String, String> {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    match name {
        "count" | "cpu" | "memory" | "desired_count" => value
            .parse::<u32>()
            .map(|n| n.to_string())
            .map_err(|_| format!("{name} must be a whole number, not \"{value}\"")),
        "type" => match catalog::instance_type(value) {
            Some(_) => Ok(quote(value)),
            None => Err(format!(
                "unknown instance type \"{value}\" ({}expected one of: {})",
                diag::closest(value, catalog::instance_type_names())
                    .map(|b| format!("did you mean \"{b}\"? "))
                    .unwrap_or_default(),
                catalog::instance_type_names().join(", ")
            )),
        },
        "placement_strategy" => {
            let mut items = Vec::new();
            for s in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let (kind, field) = match s.split_once(':') {
                    Some((k, f)) => (k.trim(), Some(f.trim())),
                    None => (s, None),
                };
                crate::ecs::placement::Strategy::parse(kind, field)?;
                items.push(match field {
                    Some(f) => format!("{{ type = {}, field = {} }}", quote(kind), quote(f)),
                    None => format!("{{ type = {} }}", quote(kind)),
                });
            }
            Ok(format!("[{}]", items.join(", ")))
        }
        _ => {
            let mut items = Vec::new();
            for c in value
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty() && *c != "none")
            {
                match c.split_once(':') {
                    Some(("memberOf", e)) => items.push(format!(
                        "{{ type = \"memberOf\", expression = {} }}",
                        quote(e.trim())
                    )),
                    None if c == "distinctInstance" => items.push("{ type = \"distinctInstance\" }".into()),
                    _ => {
                        return Err(format!(
                            "a placement constraint is \"distinctInstance\" or \"memberOf:<expression>\", not \"{c}\""
                        ));
                    }
                }
            }
            Ok(format!("[{}]", items.join(", ")))
        }
    }
}

/// Where the line after the `n`-th `[[table]]` header starts.
fn header_end(text: &str, table: &str, n: usize) -> Option<usize> {
    let header = format!("[[{table}]]");
    let mut seen = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        let bare = line.split('#').next().unwrap_or("").trim();
        if bare == header {
            if seen == n {
                if !line.ends_with('\n') {
                    return None;
                }
                return Some(offset);
            }
            seen += 1;
        }
    }
    None
}
