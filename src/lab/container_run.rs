//! The runners of the container cells other than scenario and deployment: each calls the
//! existing simulator (`src/ecs/{image,registry,container,startup,fargate}.rs`,
//! `src/services/*`) and turns what it returned into the cell's output. No simulator logic is
//! repeated here; AWS's refusals stay AWS's words, in the output.
//!
//! Also the small table of Regions and their availability zones the Outposts diagram checks an
//! anchor against: the Regions the book uses plus a few, not every Region AWS has.

use std::collections::BTreeMap;

use super::container_format::{ImageBuildSpec, LoadStep, PushSpec, RepositorySpec};
use super::container_outputs::{
    AppRunnerOutput, ArPoint, ArchiveRow, BatchOutput, BeanstalkOutput, BuildRow, BundleRow, EbPhase,
    FargateOutput, ImageOutput, JobRow, Lane, LayerRow, LightsailOutput, OutpostsOutput, Phase, ReadRow,
    StartupOutput, StepRow, StorageOutput, TransferRow,
};
use super::format::CellKind;
use super::outputs::CellOutput;
use crate::diag::render_all;
use crate::ecs::catalog::Arch;
use crate::ecs::fargate::{self, Os};
use crate::ecs::image::{self, ImageStore};
use crate::ecs::registry::{Registry, TagMutability};
use crate::ecs::startup::{self, Workload};
use crate::ecs::{container, startup::startup_total};
use crate::services::{apprunner, batch, beanstalk, lightsail};
use crate::sim::{SimDuration, SimTime};

/// Hours in the month the monthly prices use.
const MONTH_HOURS: f64 = 730.0;

/// Runs a container cell that needs no other cell.
pub(crate) fn run(kind: &CellKind) -> CellOutput {
    match kind {
        CellKind::Image {
            images,
            repository,
            push,
            pull,
            save,
        } => CellOutput::Images(run_image(images, repository.as_ref(), push, pull, save)),
        CellKind::Storage { host } => run_storage(host),
        CellKind::Startup {
            workloads,
            image_mb,
            mb_per_sec,
            middleware,
            app,
        } => CellOutput::Startup(run_startup(workloads, *image_mb, *mb_per_sec, *middleware, *app)),
        CellKind::Fargate {
            cpu,
            memory,
            os,
            arch,
            platform_version,
            ephemeral_storage_gib,
            hours,
        } => CellOutput::Fargate(run_fargate(
            *cpu,
            *memory,
            parse_os(os),
            parse_arch(arch),
            platform_version,
            *ephemeral_storage_gib,
            *hours,
        )),
        CellKind::Batch { file } => run_batch(file),
        CellKind::Beanstalk { .. } => CellOutput::Beanstalk(run_beanstalk(kind)),
        CellKind::Apprunner {
            vcpu,
            memory_gb,
            max_concurrency,
            min_size,
            max_size,
            load,
            run_for,
        } => CellOutput::AppRunner(run_apprunner(
            apprunner::AutoScaling {
                max_concurrency: *max_concurrency,
                min_size: *min_size,
                max_size: *max_size,
            },
            *vcpu,
            *memory_gb,
            load,
            *run_for,
        )),
        CellKind::Lightsail {
            bundle,
            count,
            hours,
            transfer_out_gb,
        } => run_lightsail(bundle, *count, *hours, *transfer_out_gb),
        CellKind::Outposts { region, az, racks } => CellOutput::Outposts(run_outposts(region, az, *racks)),
        other => CellOutput::Error {
            message: format!("a {} cell is not run here", other.name()),
            line: None,
        },
    }
}

pub(crate) fn parse_os(s: &str) -> Os {
    if s == "windows" { Os::Windows } else { Os::Linux }
}

pub(crate) fn parse_arch(s: &str) -> Arch {
    if s == "arm64" { Arch::Arm64 } else { Arch::X86_64 }
}

fn error(diags: &[crate::diag::Diagnostic]) -> CellOutput {
    CellOutput::Error {
        message: render_all(diags).trim_end().to_string(),
        line: diags.first().map(|d| d.line),
    }
}

fn short(d: &image::Digest) -> String {
    d.short().to_string()
}

/// Builds in order on one workstation, pushes, pulls onto a fresh host, saves and loads.
fn run_image(
    images: &[ImageBuildSpec],
    repository: Option<&RepositorySpec>,
    push: &[PushSpec],
    pull: &[String],
    save: &[String],
) -> ImageOutput {
    let mut workstation = ImageStore::new();
    let mut builds = Vec::new();
    for b in images {
        match image::build(&b.build, &workstation) {
            Ok(img) => {
                let layers = img
                    .layers
                    .iter()
                    .map(|l| LayerRow {
                        instruction: l.created_by.clone(),
                        digest: short(&l.digest),
                        bytes: l.size,
                        cached: workstation.has_layer(&l.digest),
                    })
                    .collect();
                let digest = workstation.insert(&b.tag, img);
                builds.push(BuildRow {
                    tag: b.tag.clone(),
                    digest: short(&digest),
                    layers,
                    error: None,
                });
            }
            Err(e) => builds.push(BuildRow {
                tag: b.tag.clone(),
                digest: String::new(),
                layers: vec![],
                error: Some(format!("docker build {}: {e}", b.tag)),
            }),
        }
    }
    let mut registry = Registry::new("123456789012", "us-east-1");
    if let Some(r) = repository {
        let mutability = if r.tag_mutability == "IMMUTABLE" {
            TagMutability::Immutable
        } else {
            TagMutability::Mutable
        };
        registry
            .create_repository(&r.name, mutability, vec![])
            .expect("a repository without lifecycle rules is valid");
    }
    let repo = repository.map_or("", |r| r.name.as_str());
    let transfer = |reference: String, r: Result<crate::ecs::registry::Transfer, String>| match r {
        Ok(t) => TransferRow {
            reference,
            ok: true,
            bytes: t.bytes,
            layers_sent: t.layers_sent,
            layers_skipped: t.layers_skipped,
            digest: short(&t.digest),
            error: None,
        },
        Err(e) => TransferRow {
            reference,
            ok: false,
            bytes: 0,
            layers_sent: 0,
            layers_skipped: 0,
            digest: String::new(),
            error: Some(e),
        },
    };
    let mut pushes = Vec::new();
    for p in push {
        // Pushes happen one after another; the registry only needs them ordered.
        let now = SimTime::ZERO + SimDuration::from_secs(pushes.len() as u64);
        let r = registry
            .push(&workstation, &p.image, repo, &p.tag, now)
            .map_err(|e| e.to_string());
        pushes.push(transfer(format!("{}:{}", registry.uri(repo), p.tag), r));
    }
    let mut host = ImageStore::new();
    let pulls = pull
        .iter()
        .map(|reference| {
            let r = registry.pull(reference, &mut host).map_err(|e| e.to_string());
            transfer(reference.clone(), r)
        })
        .collect();
    let mut tags: Vec<(String, String)> = registry
        .repositories
        .values()
        .flat_map(|r| {
            r.images
                .iter()
                .flat_map(move |(d, s)| s.tags.iter().map(move |t| (format!("{}:{t}", r.name), short(d))))
        })
        .collect();
    tags.sort();
    let archive = (!save.is_empty()).then(|| {
        let refs: Vec<&str> = save.iter().map(String::as_str).collect();
        match workstation.save(&refs) {
            Ok(a) => {
                let mut fresh = ImageStore::new();
                ArchiveRow {
                    references: save.to_vec(),
                    bytes: a.size(),
                    loaded: fresh.load(&a),
                }
            }
            Err(e) => ArchiveRow {
                references: save.to_vec(),
                bytes: 0,
                loaded: vec![e],
            },
        }
    });
    ImageOutput {
        builds,
        pushes,
        pulls,
        tags,
        archive,
    }
}

/// Plays a container host file: the steps, every read, and where files are at the end.
fn run_storage(host: &str) -> CellOutput {
    let s = match container::parse("host", host) {
        Ok(s) => s,
        Err(d) => return error(&d),
    };
    let (trace, snap) = container::run(&s);
    let mut steps = Vec::new();
    let mut reads = Vec::new();
    for e in trace.entries() {
        let line = e.record.to_string();
        let (step, ok) = match &e.record {
            container::Record::Created { container, image, .. } => {
                (format!("create {container} from {image}"), true)
            }
            container::Record::Started { container, .. } => (format!("start {container}"), true),
            container::Record::Wrote { container, path, .. } => (format!("write {container} {path}"), true),
            container::Record::Read {
                container,
                path,
                content,
                ..
            } => {
                reads.push(ReadRow {
                    container: container.clone(),
                    path: path.clone(),
                    content: content.clone(),
                });
                (format!("read {container} {path}"), true)
            }
            container::Record::Stopped { container } => (format!("stop {container}"), true),
            container::Record::Removed { container, .. } => (format!("rm {container}"), true),
            container::Record::Error { .. } => ("refused".to_string(), false),
        };
        steps.push(StepRow {
            step,
            ok,
            message: line,
        });
    }
    let writable = snap
        .containers
        .iter()
        .map(|c| (c.name.clone(), c.writable.keys().cloned().collect()))
        .collect();
    let volumes = snap
        .volumes
        .iter()
        .map(|(v, files)| (v.clone(), files.keys().cloned().collect()))
        .collect();
    CellOutput::Storage(StorageOutput {
        steps,
        reads,
        writable,
        volumes,
        host_files: snap.host_files.keys().cloned().collect(),
    })
}

/// One lane per workload, phases laid end to end.
fn run_startup(
    workloads: &[String],
    image_mb: u32,
    mb_per_sec: u32,
    middleware: SimDuration,
    app: SimDuration,
) -> StartupOutput {
    let lanes = workloads
        .iter()
        .map(|w| {
            let (workload, label) = match w.as_str() {
                "container-pull" => (
                    Workload::ContainerWithPull { image_mb, mb_per_sec },
                    format!("Container, {image_mb} MB image pulled first"),
                ),
                "fargate" => (
                    Workload::Fargate { image_mb, mb_per_sec },
                    format!("Fargate task, {image_mb} MB image"),
                ),
                "vm" => (
                    Workload::VirtualMachine { middleware, app },
                    "Virtual machine (EC2 instance)".to_string(),
                ),
                _ => (Workload::Container, "Container, image cached".to_string()),
            };
            let mut start = 0;
            let phases = startup::startup(workload)
                .into_iter()
                .map(|(name, d)| {
                    let p = Phase {
                        name: name.to_string(),
                        start_ms: start,
                        ms: d.as_millis(),
                    };
                    start += d.as_millis();
                    p
                })
                .collect();
            Lane {
                workload: w.clone(),
                label,
                phases,
                total_ms: startup_total(workload).as_millis(),
            }
        })
        .collect();
    StartupOutput { lanes }
}

/// Validates a Fargate size as RegisterTaskDefinition and RunTask would, and prices it.
pub(crate) fn run_fargate(
    cpu: u32,
    memory: u32,
    os: Os,
    arch: Arch,
    platform_version: &str,
    ephemeral_storage_gib: u32,
    hours: f64,
) -> FargateOutput {
    // 20 GiB is the default; the API refuses it when written out.
    let storage = (ephemeral_storage_gib != 20).then_some(ephemeral_storage_gib);
    let r = fargate::rates(os, arch);
    let mut out = FargateOutput {
        valid: false,
        error: None,
        cpu,
        memory,
        os: os.to_string(),
        arch: arch.attribute().to_string(),
        platform_version: platform_version.to_string(),
        usd_hour: 0.0,
        usd_month: 0.0,
        vcpu_usd_hour: 0.0,
        gb_usd_hour: 0.0,
        storage_usd_hour: 0.0,
        valid_memory: fargate::valid_memory(cpu, os),
    };
    match fargate::validate(cpu, memory, os, platform_version, storage) {
        Err(e) => out.error = Some(e.to_string()),
        Ok(size) => {
            out.valid = true;
            out.platform_version = size.platform_version.to_string();
            let vcpu = f64::from(cpu) / 1024.0;
            out.vcpu_usd_hour = vcpu * (r.vcpu_hour + r.license_vcpu_hour);
            out.gb_usd_hour = f64::from(memory) / 1024.0 * r.gb_hour;
            out.storage_usd_hour =
                f64::from(size.ephemeral_storage_gib.saturating_sub(20)) * fargate::STORAGE_GB_HOUR;
            out.usd_hour = out.vcpu_usd_hour + out.gb_usd_hour + out.storage_usd_hour;
            out.usd_month = out.usd_hour * hours;
        }
    }
    out
}

/// Every valid Fargate size for an OS, smallest CPU first: for "the cheapest size that fits".
pub(crate) fn fargate_sizes(os: Os) -> Vec<(u32, u32)> {
    [256u32, 512, 1024, 2048, 4096, 8192, 16384]
        .into_iter()
        .flat_map(|c| fargate::valid_memory(c, os).into_iter().map(move |m| (c, m)))
        .collect()
}

/// Runs a Batch file: each job's path through the states with the times, its attempts and ending.
fn run_batch(file: &str) -> CellOutput {
    let s = match batch::parse("batch", file) {
        Ok(s) => s,
        Err(d) => return error(&d),
    };
    let (trace, jobs) = batch::run(&s);
    let mut history: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    for e in trace.entries() {
        if let batch::Record::Status { job, to, .. } = &e.record {
            history
                .entry(job.as_str())
                .or_default()
                .push((e.at.to_string(), to.to_string()));
        }
    }
    let depends: BTreeMap<&str, Vec<String>> = s
        .jobs
        .iter()
        .map(|j| {
            (
                j.name.as_str(),
                j.depends_on.iter().filter_map(|d| d.job.clone()).collect(),
            )
        })
        .collect();
    let rows = jobs
        .iter()
        .map(|j| {
            let h = history.get(j.name.as_str()).cloned().unwrap_or_default();
            let when = |status: &str| h.iter().find(|(_, s)| s == status).map(|(t, _)| t.clone());
            let (parent, index) = match j.name.rsplit_once(':') {
                Some((p, i)) if i.parse::<u32>().is_ok() => (Some(p.to_string()), i.parse().ok()),
                _ => (None, None),
            };
            let stopped = h
                .iter()
                .rev()
                .find(|(_, s)| s == "SUCCEEDED" || s == "FAILED")
                .map(|(t, _)| t.clone());
            JobRow {
                name: j.name.clone(),
                id: j.name.clone(),
                status: j.status.to_string(),
                history: h.clone(),
                attempts: j.attempts,
                array_index: index,
                depends_on: depends
                    .get(parent.as_deref().unwrap_or(j.name.as_str()))
                    .cloned()
                    .unwrap_or_default(),
                parent,
                started: when("RUNNING"),
                stopped,
                reason: j.status_reason.clone(),
            }
        })
        .collect();
    CellOutput::Batch(BatchOutput {
        jobs: rows,
        trace: trace.entries().iter().map(|e| e.to_string()).collect(),
    })
}

fn policy(name: &str) -> beanstalk::Policy {
    match name {
        "all-at-once" => beanstalk::Policy::AllAtOnce,
        "rolling-with-additional-batch" => beanstalk::Policy::RollingWithAdditionalBatch,
        "immutable" => beanstalk::Policy::Immutable,
        "traffic-splitting" => beanstalk::Policy::TrafficSplitting,
        _ => beanstalk::Policy::Rolling,
    }
}

/// Plays a Beanstalk deployment; options Elastic Beanstalk refuses are the output's error.
fn run_beanstalk(kind: &CellKind) -> BeanstalkOutput {
    let CellKind::Beanstalk {
        policy: p,
        instances,
        batch_size,
        healthy,
        deploy,
        launch,
        health_check,
        new_version_percent,
        evaluation,
    } = kind
    else {
        unreachable!("called with a beanstalk cell");
    };
    let mut d = beanstalk::Deployment::new(policy(p), *instances);
    d.batch_size = beanstalk::parse_batch_size(batch_size).unwrap_or(d.batch_size);
    d.healthy = *healthy;
    d.deploy = *deploy;
    d.launch = *launch;
    d.health_check = *health_check;
    d.new_version_percent = *new_version_percent;
    d.evaluation = *evaluation;
    let problems = d.problems();
    if !problems.is_empty() {
        return BeanstalkOutput {
            phases: vec![],
            deployed: false,
            took: "0s".into(),
            min_capacity_pct: 0,
            max_capacity_pct: 0,
            worst_error_pct: 0,
            mixed_versions: false,
            summary: String::new(),
            error: Some(format!("InvalidParameterValue: {}", problems.join("; "))),
        };
    }
    let trace = beanstalk::simulate(&d);
    let summary = beanstalk::summarize(&d, &trace);
    let phases: Vec<EbPhase> = trace
        .entries()
        .iter()
        .map(|e| EbPhase {
            t_s: e.at.since(SimTime::ZERO).as_secs(),
            t: e.at.to_string(),
            label: e.record.phase.clone(),
            old: e.record.old_in_service,
            new: e.record.new_in_service,
            out: e.record.out_of_service,
            capacity_pct: e.record.capacity_percent,
            error_pct: e.record.error_percent,
            new_traffic_pct: e.record.new_traffic_percent,
        })
        .collect();
    BeanstalkOutput {
        mixed_versions: phases.iter().any(|p| p.old > 0 && p.new > 0),
        phases,
        deployed: summary.deployed,
        took: summary.took.to_string(),
        min_capacity_pct: summary.min_capacity_percent,
        max_capacity_pct: summary.max_capacity_percent,
        worst_error_pct: summary.max_error_percent,
        summary: summary.to_string(),
        error: None,
    }
}

/// Runs App Runner's scaling over the load and bills it; refusals are the output's error.
fn run_apprunner(
    scaling: apprunner::AutoScaling,
    vcpu: f64,
    memory_gb: f64,
    load: &[LoadStep],
    run_for: SimDuration,
) -> AppRunnerOutput {
    let steps: Vec<(SimDuration, u32)> = load.iter().map(|l| (l.at, l.concurrency)).collect();
    let hours = run_for.as_micros() as f64 / 3.6e9;
    match apprunner::simulate(scaling, vcpu, memory_gb, &steps, run_for) {
        Err(e) => AppRunnerOutput {
            points: vec![],
            active_hours: 0.0,
            provisioned_hours: 0.0,
            usd: 0.0,
            hours,
            usd_month: 0.0,
            error: Some(format!("InvalidRequestException: {e}")),
        },
        Ok((trace, bill)) => AppRunnerOutput {
            points: trace
                .entries()
                .iter()
                .map(|e| ArPoint {
                    t_s: e.at.since(SimTime::ZERO).as_secs(),
                    t: e.at.to_string(),
                    concurrency: e.record.concurrency,
                    instances: e.record.instances,
                    active: e.record.active,
                    provisioned: e.record.instances - e.record.active,
                    rejected: e.record.rejected,
                })
                .collect(),
            active_hours: bill.active_hours,
            provisioned_hours: bill.provisioned_hours,
            usd: bill.total_usd,
            hours,
            usd_month: if hours > 0.0 {
                bill.total_usd * MONTH_HOURS / hours
            } else {
                0.0
            },
            error: None,
        },
    }
}

fn run_lightsail(bundle: &str, count: u32, hours: f64, transfer_out_gb: f64) -> CellOutput {
    match lightsail::bill(bundle, hours, transfer_out_gb, count) {
        Err(e) => CellOutput::Error {
            message: e,
            line: None,
        },
        Ok(b) => {
            let chosen = lightsail::find(bundle).expect("billed, so the bundle exists");
            CellOutput::Lightsail(LightsailOutput {
                bundles: lightsail::BUNDLES
                    .iter()
                    .map(|b| BundleRow {
                        id: b.id.to_string(),
                        usd_month: b.usd_month,
                        vcpus: b.vcpus,
                        ram_gb: b.ram_gb,
                        ssd_gb: b.ssd_gb,
                        transfer_tb: b.transfer_tb,
                    })
                    .collect(),
                chosen: chosen.id.to_string(),
                count,
                base_usd: b.instance_usd,
                overage_gb: b.overage_gb,
                overage_usd: b.overage_usd,
                total_usd: b.total_usd,
                allowance_gb: chosen.allowance_gb(count),
            })
        }
    }
}

/// Regions and their availability zones, as the Outposts diagram knows them: the Regions the
/// book uses plus a few. Not every Region AWS has.
const REGIONS: &[(&str, &[&str])] = &[
    (
        "us-east-1",
        &[
            "us-east-1a",
            "us-east-1b",
            "us-east-1c",
            "us-east-1d",
            "us-east-1e",
            "us-east-1f",
        ],
    ),
    ("us-east-2", &["us-east-2a", "us-east-2b", "us-east-2c"]),
    (
        "us-west-2",
        &["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
    ),
    ("eu-west-1", &["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
    (
        "eu-central-1",
        &["eu-central-1a", "eu-central-1b", "eu-central-1c"],
    ),
    (
        "ap-northeast-1",
        &["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
    ),
    (
        "ap-northeast-2",
        &[
            "ap-northeast-2a",
            "ap-northeast-2b",
            "ap-northeast-2c",
            "ap-northeast-2d",
        ],
    ),
    (
        "ap-southeast-2",
        &["ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"],
    ),
];

/// The availability zones of a Region the diagram knows.
pub(crate) fn region_azs(region: &str) -> Option<&'static [&'static str]> {
    REGIONS.iter().find(|(r, _)| *r == region).map(|(_, a)| *a)
}

/// The Regions the diagram knows.
pub(crate) fn region_names() -> Vec<&'static str> {
    REGIONS.iter().map(|(r, _)| *r).collect()
}

fn run_outposts(region: &str, az: &str, racks: u32) -> OutpostsOutput {
    let azs: Vec<String> = region_azs(region)
        .unwrap_or_default()
        .iter()
        .map(|a| a.to_string())
        .collect();
    let inside = azs.iter().any(|a| a == az);
    let note = if inside {
        format!(
            "{} anchored to {az} of {region}: the Outpost extends that Region through its service link, and its subnets sit in {az}.",
            if racks == 1 {
                "1 rack".to_string()
            } else {
                format!("{racks} racks")
            }
        )
    } else {
        format!(
            "InvalidParameterValue: availability zone {az} is not in Region {region} (its zones: {}); an Outpost is anchored to an availability zone of its parent Region.",
            azs.join(", ")
        )
    };
    OutpostsOutput {
        region: region.to_string(),
        az: az.to_string(),
        az_in_region: inside,
        azs,
        racks,
        note,
    }
}
