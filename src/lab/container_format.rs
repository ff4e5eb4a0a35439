//! The container cells of a lab block (issue #11): their keys for the one walk of
//! [`crate::diag`], the checks beyond shape (embedded scenario, host and Batch files parsed by
//! their own parsers and reported at the chapter's line and column; a deployment's scenario cell,
//! service and revision), and their decoding into [`CellKind`].
//!
//! The cell kinds keep plain data (the embedded files as text), so the Lambda page that reads the
//! same JSON does not link the container simulators. Running them belongs to
//! [`super::workbench`]; refusals AWS would answer with are run output there, not file errors.

use serde::{Deserialize, Serialize};

use super::format::{CellKind, int_of};
use crate::diag::{self, Diagnostic, Field, Table, Ty, Walk, opt, req};
use crate::ecs::model::Action;
use crate::sim::SimDuration;

/// The container cell kinds, in the order the reference page lists them.
pub const CONTAINER_KINDS: &[&str] = &[
    "scenario",
    "deployment",
    "image",
    "storage",
    "startup",
    "fargate",
    "batch",
    "beanstalk",
    "apprunner",
    "lightsail",
    "outposts",
];

/// Whether a cell kind runs on the container engine.
pub fn is_container_kind(kind: &str) -> bool {
    CONTAINER_KINDS.contains(&kind)
}

/// One image an image cell builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageBuildSpec {
    /// The local tag, e.g. `web:1`.
    pub tag: String,
    /// The build spec (a Dockerfile with sizes), as `src/ecs/image.rs` reads it.
    pub build: String,
}

/// The ECR repository of an image cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepositorySpec {
    pub name: String,
    /// `MUTABLE` or `IMMUTABLE`.
    pub tag_mutability: String,
}

/// One push of an image cell: a local image pushed to the repository under `tag`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSpec {
    pub image: String,
    pub tag: String,
}

/// From `at` on, `concurrency` requests are in flight (an App Runner cell's load).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadStep {
    pub at: SimDuration,
    pub concurrency: u32,
}

const ID: Field = opt("id", Ty::Str, "The cell's id (default: its kind).");
const U32: Ty = Ty::Int {
    min: 0,
    max: u32::MAX as u64,
};
const POSITIVE: Ty = Ty::Int {
    min: 1,
    max: u32::MAX as u64,
};

const IMAGE_BUILD: &[Field] = &[
    req("tag", Ty::Str, "The local tag, e.g. \"web:1\"."),
    req(
        "build",
        Ty::Str,
        "The build spec: FROM, COPY/RUN with sizes, CMD.",
    ),
];
const REPOSITORY: &[Field] = &[
    req("name", Ty::Str, "The repository name."),
    opt(
        "tag_mutability",
        Ty::Enum(&["MUTABLE", "IMMUTABLE"]),
        "MUTABLE (default) or IMMUTABLE.",
    ),
];
const PUSH: &[Field] = &[
    req("image", Ty::Str, "A local tag built by this cell."),
    req("tag", Ty::Str, "The tag in the repository."),
];
const AR_LOAD: &[Field] = &[
    req("at", Ty::Duration, "From when."),
    req("concurrency", U32, "Requests in flight from then on."),
];

fn batch_size(s: &str) -> Result<(), String> {
    crate::services::beanstalk::parse_batch_size(s).map(|_| ())
}

fn bundle(s: &str) -> Result<(), String> {
    match crate::services::lightsail::find(s) {
        Some(_) => Ok(()),
        None => {
            let ids: Vec<&str> = crate::services::lightsail::BUNDLES.iter().map(|b| b.id).collect();
            Err(format!(
                "unknown Lightsail bundle \"{s}\" ({}expected one of: {})",
                diag::closest(s, ids.iter().copied())
                    .map(|b| format!("did you mean \"{b}\"? "))
                    .unwrap_or_default(),
                ids.join(", ")
            ))
        }
    }
}

fn region(s: &str) -> Result<(), String> {
    match super::container_run::region_azs(s) {
        Some(_) => Ok(()),
        None => {
            let names = super::container_run::region_names();
            Err(format!(
                "unknown Region \"{s}\" ({}this diagram knows: {})",
                diag::closest(s, names.iter().copied())
                    .map(|b| format!("did you mean \"{b}\"? "))
                    .unwrap_or_default(),
                names.join(", ")
            ))
        }
    }
}

/// Every container cell kind with its keys besides `kind`, for [`super::format::CELLS`].
pub(crate) const CONTAINER_CELLS: &[(&str, &[Field])] = &[
    (
        "scenario",
        &[
            ID,
            req(
                "scenario",
                Ty::Str,
                "A scenario file, as book/reference/scenario-file.md describes it.",
            ),
        ],
    ),
    (
        "deployment",
        &[
            ID,
            req("scenario", Ty::Str, "The id of the scenario cell it starts from."),
            req("service", Ty::Str, "A service of that scenario."),
            req(
                "task_definition",
                Ty::Str,
                "The revision to deploy, e.g. \"web:2\" (it must exist in the scenario).",
            ),
            opt("minimum_healthy_percent", U32, "Overrides the service's floor."),
            opt("maximum_percent", U32, "Overrides the service's ceiling."),
            opt("at", Ty::Duration, "When the update happens; default 1m."),
            opt(
                "run_for",
                Ty::Duration,
                "How long to watch after it; default 10m.",
            ),
        ],
    ),
    (
        "image",
        &[
            ID,
            req(
                "images",
                Ty::TableList(IMAGE_BUILD),
                "Images built in order on one workstation.",
            ),
            opt("repository", Ty::Table(REPOSITORY), "An ECR repository."),
            opt(
                "push",
                Ty::TableList(PUSH),
                "Pushes to the repository, in order, after the builds.",
            ),
            opt(
                "pull",
                Ty::StrList,
                "References pulled onto a fresh host after the pushes: repo:tag or repo@sha256:….",
            ),
            opt(
                "save",
                Ty::StrList,
                "Local tags saved with docker save, then loaded into a fresh host.",
            ),
        ],
    ),
    (
        "storage",
        &[
            ID,
            req(
                "host",
                Ty::Str,
                "A container host file, as book/reference/container-host.md describes it.",
            ),
        ],
    ),
    (
        "startup",
        &[
            ID,
            opt(
                "workloads",
                Ty::List(&Ty::Enum(&["container", "container-pull", "fargate", "vm"])),
                "The lanes; default [\"container\", \"vm\"].",
            ),
            opt(
                "image_mb",
                POSITIVE,
                "Image size for container-pull and fargate; default 200.",
            ),
            opt("mb_per_sec", POSITIVE, "Pull rate in MB/s; default 80."),
            opt("middleware", Ty::Duration, "vm only; default 10s."),
            opt("app", Ty::Duration, "vm only; default 3s."),
        ],
    ),
    (
        "fargate",
        &[
            ID,
            req("cpu", U32, "CPU units (256, 512, 1024, …)."),
            req("memory", U32, "MiB."),
            opt(
                "os",
                Ty::Enum(&["linux", "windows"]),
                "linux (default) or windows.",
            ),
            opt(
                "arch",
                Ty::Enum(&["x86_64", "arm64"]),
                "x86_64 (default) or arm64.",
            ),
            opt("platform_version", Ty::Str, "Default LATEST."),
            opt("ephemeral_storage_gib", U32, "20 (default) to 200."),
            opt(
                "hours",
                Ty::Number,
                "Hours per month for the monthly price; default 730.",
            ),
        ],
    ),
    (
        "batch",
        &[
            ID,
            req(
                "file",
                Ty::Str,
                "A Batch file, as `cloudbook sim batch` reads it (book/reference/scenario-file.md).",
            ),
        ],
    ),
    (
        "beanstalk",
        &[
            ID,
            req(
                "policy",
                Ty::Enum(&[
                    "all-at-once",
                    "rolling",
                    "rolling-with-additional-batch",
                    "immutable",
                    "traffic-splitting",
                ]),
                "The deployment policy.",
            ),
            opt("instances", POSITIVE, "Instances in the environment; default 4."),
            opt(
                "batch_size",
                Ty::Check(batch_size),
                "A percentage (\"25%\", default) or a number of instances (\"2\").",
            ),
            opt(
                "healthy",
                Ty::Bool,
                "false: the new version fails its health checks.",
            ),
            opt(
                "deploy",
                Ty::Duration,
                "Installing on a running instance; default 60s.",
            ),
            opt("launch", Ty::Duration, "Launching a fresh instance; default 90s."),
            opt("health_check", Ty::Duration, "Default 30s."),
            opt(
                "new_version_percent",
                U32,
                "traffic-splitting: the new version's share; default 10.",
            ),
            opt(
                "evaluation",
                Ty::Duration,
                "traffic-splitting: evaluation time; default 5m.",
            ),
        ],
    ),
    (
        "apprunner",
        &[
            ID,
            opt("vcpu", Ty::Number, "vCPUs per instance; default 1."),
            opt("memory_gb", Ty::Number, "GB per instance; default 2."),
            opt("max_concurrency", U32, "Requests per instance; default 100."),
            opt("min_size", U32, "Provisioned instances at least; default 1."),
            opt("max_size", U32, "Instances at most; default 25."),
            opt(
                "load",
                Ty::TableList(AR_LOAD),
                "Requests in flight from each `at` on; default none.",
            ),
            opt("run_for", Ty::Duration, "How long to run; default 4h."),
        ],
    ),
    (
        "lightsail",
        &[
            ID,
            req(
                "bundle",
                Ty::Check(bundle),
                "nano, micro, small, medium, large, xlarge, 2xlarge or 4xlarge.",
            ),
            opt("count", POSITIVE, "Instances; default 1."),
            opt("hours", Ty::Number, "Hours in the month; default 730."),
            opt(
                "transfer_out_gb",
                Ty::Number,
                "Data out to the internet, GB; default 0.",
            ),
        ],
    ),
    (
        "outposts",
        &[
            ID,
            opt(
                "region",
                Ty::Check(region),
                "The parent Region; default us-east-1.",
            ),
            opt(
                "az",
                Ty::Str,
                "The availability zone the racks anchor to; default the Region's first.",
            ),
            opt("racks", POSITIVE, "Racks; default 1."),
        ],
    ),
];

/// Where the text of a string value starts: after its opening quote (or three, and the newline
/// TOML drops right after three).
fn content_start(text: &str, v: &diag::Value<'_>) -> usize {
    let at = v.span().start;
    let rest = text.get(at..).unwrap_or("");
    if rest.starts_with("'''") || rest.starts_with("\"\"\"") {
        let after = &rest[3..];
        let newline = if after.starts_with("\r\n") {
            2
        } else if after.starts_with('\n') {
            1
        } else {
            0
        };
        at + 3 + newline
    } else {
        at + 1
    }
}

/// Parses an embedded file with its own parser and re-reports its diagnostics at the block's
/// line and column (the caller shifts the block to the chapter).
fn embedded<T>(
    w: &mut Walk<'_>,
    t: Table<'_, '_>,
    key: &str,
    parse: fn(&str, &str) -> Result<T, Vec<Diagnostic>>,
) -> Option<T> {
    let v = t.get(key)?;
    let body = v.get_ref().as_str()?;
    match parse(w.path, body) {
        Ok(parsed) => Some(parsed),
        Err(diags) => {
            let (line, col) = diag::line_col(w.text, content_start(w.text, v));
            for mut d in diags {
                if d.line == 1 {
                    d.col += col - 1;
                }
                d.line += line - 1;
                d.path = w.path.to_string();
                d.message = format!("in \"{key}\": {}", d.message);
                w.diags.push(d);
            }
            None
        }
    }
}

/// The checks of a container cell beyond its shape. `cells` are every cell table of the lab (a
/// deployment looks its scenario cell up there).
pub(crate) fn check_container_cell(
    w: &mut Walk<'_>,
    t: Table<'_, '_>,
    cells: &[Table<'_, '_>],
    cell_ids: &[String],
) {
    match t.str("kind").unwrap_or_default() {
        "scenario" => {
            embedded(w, t, "scenario", crate::ecs::scenario::parse);
        }
        "storage" => {
            embedded(w, t, "host", crate::ecs::container::parse);
        }
        "batch" => {
            embedded(w, t, "file", crate::services::batch::parse);
        }
        "deployment" => check_deployment(w, t, cells, cell_ids),
        "image" => {
            let tags: Vec<String> = t
                .tables("images")
                .iter()
                .filter_map(|i| i.string("tag"))
                .collect();
            for p in t.tables("push") {
                if let Some(image) = p.string("image")
                    && !tags.contains(&image)
                {
                    w.err(
                        p.at("image"),
                        format!(
                            "push names image \"{image}\", which this cell does not build (images: {})",
                            tags.join(", ")
                        ),
                    );
                }
            }
            if !t.tables("push").is_empty() && t.get("repository").is_none() {
                w.err(
                    t.at("push"),
                    "pushes need a repository: add repository = { name = \"web\" }",
                );
            }
        }
        "apprunner" => {
            let at: Vec<u64> = t
                .tables("load")
                .iter()
                .filter_map(|l| super::format::duration_of(l.get("at")))
                .map(SimDuration::as_micros)
                .collect();
            if at.windows(2).any(|p| p[0] > p[1]) {
                w.err(
                    t.at("load"),
                    "\"load\" steps must be in time order (their `at` ascending)",
                );
            }
        }
        _ => {}
    }
}

fn check_deployment(w: &mut Walk<'_>, t: Table<'_, '_>, cells: &[Table<'_, '_>], cell_ids: &[String]) {
    let Some(name) = t.string("scenario") else {
        return;
    };
    let found = cells
        .iter()
        .zip(cell_ids)
        .find(|(c, id)| *id == &name && c.str("kind") == Some("scenario"));
    let Some((scenario_cell, _)) = found else {
        let scenarios: Vec<&str> = cells
            .iter()
            .zip(cell_ids)
            .filter(|(c, _)| c.str("kind") == Some("scenario"))
            .map(|(_, id)| id.as_str())
            .collect();
        let hint = diag::closest(&name, scenarios.iter().copied())
            .map(|b| format!("did you mean \"{b}\"? "))
            .unwrap_or_default();
        let known = if scenarios.is_empty() {
            "the lab has no scenario cell: add one with kind = \"scenario\"".to_string()
        } else {
            format!("scenario cells: {}", scenarios.join(", "))
        };
        w.err(
            t.at("scenario"),
            format!(
                "deployment names scenario cell \"{name}\", which this lab does not have ({hint}{known})"
            ),
        );
        return;
    };
    // The scenario's own problems are reported at the scenario cell.
    let Some(text) = scenario_cell.str("scenario") else {
        return;
    };
    let Ok(scenario) = crate::ecs::scenario::parse(w.path, text) else {
        return;
    };
    let mut services = Vec::new();
    let mut revisions: Vec<(String, u32)> = Vec::new();
    for (_, a) in &scenario.actions {
        match a {
            Action::CreateService(s) => services.push(s.name.clone()),
            Action::RegisterTaskDefinition(d) => {
                let n = revisions.iter().filter(|(f, _)| f == &d.family).count() as u32 + 1;
                revisions.push((d.family.clone(), n));
            }
            _ => {}
        }
    }
    if let Some(service) = t.string("service")
        && !services.contains(&service)
    {
        let hint = diag::closest(&service, services.iter().map(String::as_str))
            .map(|b| format!("did you mean \"{b}\"? "))
            .unwrap_or_default();
        w.err(
            t.at("service"),
            format!(
                "scenario cell \"{name}\" has no service \"{service}\" ({hint}services: {})",
                services.join(", ")
            ),
        );
    }
    if let Some(td) = t.string("task_definition") {
        let names: Vec<String> = revisions.iter().map(|(f, n)| format!("{f}:{n}")).collect();
        let ok = match td.split_once(':') {
            Some(_) => names.contains(&td),
            None => revisions.iter().any(|(f, _)| f == &td),
        };
        if !ok {
            let hint = diag::closest(&td, names.iter().map(String::as_str))
                .map(|b| format!("did you mean \"{b}\"? "))
                .unwrap_or_default();
            w.err(
                t.at("task_definition"),
                format!(
                    "scenario cell \"{name}\" registers no task definition \"{td}\" ({hint}revisions: {}); add a second [[task_definition]] of the family to make revision 2",
                    names.join(", ")
                ),
            );
        }
    }
}

fn number_or(t: &Table<'_, '_>, key: &str, default: f64) -> f64 {
    t.get(key)
        .and_then(|v| diag::number(v.get_ref()))
        .unwrap_or(default)
}

fn u32_or(t: &Table<'_, '_>, key: &str, default: u32) -> u32 {
    int_of(t.get(key))
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(default)
}

fn duration_or(t: &Table<'_, '_>, key: &str, default: SimDuration) -> SimDuration {
    super::format::duration_of(t.get(key)).unwrap_or(default)
}

/// Decodes a sound container cell's table into its kind, defaults filled in.
pub(crate) fn decode_container_cell(t: &Table<'_, '_>) -> Option<CellKind> {
    let s = |key: &str| t.string(key).unwrap_or_default();
    let strings = |key: &str| t.strings(key).into_iter().map(|(s, _)| s).collect::<Vec<_>>();
    Some(match t.str("kind")? {
        "scenario" => CellKind::Scenario {
            scenario: s("scenario"),
        },
        "deployment" => CellKind::Deployment {
            scenario: s("scenario"),
            service: s("service"),
            task_definition: s("task_definition"),
            minimum_healthy_percent: int_of(t.get("minimum_healthy_percent"))
                .and_then(|n| u32::try_from(n).ok()),
            maximum_percent: int_of(t.get("maximum_percent")).and_then(|n| u32::try_from(n).ok()),
            at: duration_or(t, "at", SimDuration::from_mins(1)),
            run_for: duration_or(t, "run_for", SimDuration::from_mins(10)),
        },
        "image" => CellKind::Image {
            images: t
                .tables("images")
                .iter()
                .map(|i| ImageBuildSpec {
                    tag: i.string("tag").unwrap_or_default(),
                    build: i.string("build").unwrap_or_default(),
                })
                .collect(),
            repository: t.get("repository").and_then(Table::of).map(|r| RepositorySpec {
                name: r.string("name").unwrap_or_default(),
                tag_mutability: r.string("tag_mutability").unwrap_or_else(|| "MUTABLE".into()),
            }),
            push: t
                .tables("push")
                .iter()
                .map(|p| PushSpec {
                    image: p.string("image").unwrap_or_default(),
                    tag: p.string("tag").unwrap_or_default(),
                })
                .collect(),
            pull: strings("pull"),
            save: strings("save"),
        },
        "storage" => CellKind::Storage { host: s("host") },
        "startup" => CellKind::Startup {
            workloads: if t.get("workloads").is_some() {
                strings("workloads")
            } else {
                vec!["container".into(), "vm".into()]
            },
            image_mb: u32_or(t, "image_mb", 200),
            mb_per_sec: u32_or(t, "mb_per_sec", 80),
            middleware: duration_or(t, "middleware", SimDuration::from_secs(10)),
            app: duration_or(t, "app", SimDuration::from_secs(3)),
        },
        "fargate" => CellKind::Fargate {
            cpu: u32_or(t, "cpu", 0),
            memory: u32_or(t, "memory", 0),
            os: t.string("os").unwrap_or_else(|| "linux".into()),
            arch: t.string("arch").unwrap_or_else(|| "x86_64".into()),
            platform_version: t.string("platform_version").unwrap_or_else(|| "LATEST".into()),
            ephemeral_storage_gib: u32_or(t, "ephemeral_storage_gib", 20),
            hours: number_or(t, "hours", 730.0),
        },
        "batch" => CellKind::Batch { file: s("file") },
        "beanstalk" => CellKind::Beanstalk {
            policy: s("policy"),
            instances: u32_or(t, "instances", 4),
            batch_size: t.string("batch_size").unwrap_or_else(|| "25%".into()),
            healthy: t.bool("healthy").unwrap_or(true),
            deploy: duration_or(t, "deploy", SimDuration::from_secs(60)),
            launch: duration_or(t, "launch", SimDuration::from_secs(90)),
            health_check: duration_or(t, "health_check", SimDuration::from_secs(30)),
            new_version_percent: u32_or(t, "new_version_percent", 10),
            evaluation: duration_or(t, "evaluation", SimDuration::from_mins(5)),
        },
        "apprunner" => CellKind::Apprunner {
            vcpu: number_or(t, "vcpu", 1.0),
            memory_gb: number_or(t, "memory_gb", 2.0),
            max_concurrency: u32_or(t, "max_concurrency", 100),
            min_size: u32_or(t, "min_size", 1),
            max_size: u32_or(t, "max_size", 25),
            load: t
                .tables("load")
                .iter()
                .map(|l| LoadStep {
                    at: duration_or(l, "at", SimDuration::ZERO),
                    concurrency: u32_or(l, "concurrency", 0),
                })
                .collect(),
            run_for: duration_or(t, "run_for", SimDuration::from_secs(4 * 3600)),
        },
        "lightsail" => CellKind::Lightsail {
            bundle: s("bundle"),
            count: u32_or(t, "count", 1),
            hours: number_or(t, "hours", 730.0),
            transfer_out_gb: number_or(t, "transfer_out_gb", 0.0),
        },
        "outposts" => {
            let region = t.string("region").unwrap_or_else(|| "us-east-1".into());
            let az = t.string("az").unwrap_or_else(|| {
                super::container_run::region_azs(&region)
                    .and_then(|a| a.first())
                    .map(|a| a.to_string())
                    .unwrap_or_default()
            });
            CellKind::Outposts {
                region,
                az,
                racks: u32_or(t, "racks", 1),
            }
        }
        _ => return None,
    })
}
