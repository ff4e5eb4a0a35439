//! `cloudbook sim ecs|fargate|batch` and `cloudbook sim price fargate|ec2|apprunner|lightsail`: the
//! container-side simulators, headless. This file reads scenario files and prints; every decision
//! and number comes from the core (`crate::ecs`, `crate::services`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use crate::ecs::catalog::{self, Arch};
use crate::ecs::fargate::{self, Os};
use crate::ecs::scenario;
use crate::sim::{SimDuration, Trace};

#[derive(Subcommand)]
pub enum Cmd {
    /// Run an ECS scenario file (TOML): print the trace, then the final state.
    Ecs(ScenarioArgs),
    /// Check a Fargate task size: prints the resolved size, or AWS's error with a non-zero exit.
    Fargate(FargateArgs),
    /// Run an AWS Batch scenario file (TOML): print the job-state trace, then each job's end.
    Batch(ScenarioArgs),
    /// Placement benchmark (binpack memory + memberOf on 1,000 instances); run it in release mode
    /// through scripts/bench-ecs.sh. Prints times, asserts nothing.
    #[command(name = "ecs-bench", hide = true)]
    EcsBench {
        #[arg(long, default_value_t = 1000)]
        instances: u32,
        #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
        tasks: Vec<u32>,
    },
}

#[derive(Args)]
pub struct ScenarioArgs {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Override the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OsArg {
    Linux,
    Windows,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ArchArg {
    X86_64,
    Arm64,
}

impl From<OsArg> for Os {
    fn from(o: OsArg) -> Os {
        match o {
            OsArg::Linux => Os::Linux,
            OsArg::Windows => Os::Windows,
        }
    }
}
impl From<ArchArg> for Arch {
    fn from(a: ArchArg) -> Arch {
        match a {
            ArchArg::X86_64 => Arch::X86_64,
            ArchArg::Arm64 => Arch::Arm64,
        }
    }
}

#[derive(Args)]
pub struct FargateArgs {
    /// Task CPU units (1024 = 1 vCPU).
    #[arg(long)]
    pub cpu: u32,
    /// Task memory in MiB.
    #[arg(long)]
    pub memory: u32,
    #[arg(long, value_enum, default_value = "linux")]
    pub os: OsArg,
    #[arg(long, default_value = "LATEST")]
    pub platform_version: String,
    /// Ephemeral storage in GiB (21–200; 20 when absent).
    #[arg(long)]
    pub ephemeral_storage: Option<u32>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum PriceCmd {
    /// Fargate per-second price of tasks, against EC2 instance-hours for the same work.
    Fargate(FargatePriceArgs),
    /// EC2 on-demand price of instances (per second, 60-second minimum).
    Ec2(Ec2PriceArgs),
    /// App Runner: provisioned (idle) versus active instance-hours.
    Apprunner(AppRunnerPriceArgs),
    /// Lightsail: a bundle's monthly price, prorated by the hour up to the monthly cap.
    Lightsail(LightsailPriceArgs),
}

#[derive(Args)]
pub struct FargatePriceArgs {
    #[arg(long)]
    pub cpu: u32,
    #[arg(long)]
    pub memory: u32,
    #[arg(long, value_enum, default_value = "linux")]
    pub os: OsArg,
    #[arg(long, value_enum, default_value = "x86-64")]
    pub arch: ArchArg,
    /// How long each task runs (e.g. 90s, 1.5m, 730h; bare numbers are seconds).
    #[arg(long, default_value = "1h")]
    pub duration: SimDuration,
    /// How many tasks.
    #[arg(long, default_value_t = 1)]
    pub tasks: u32,
    /// EC2 instance type to compare with.
    #[arg(long, default_value = "m5.large")]
    pub compare: String,
    #[arg(long)]
    pub ephemeral_storage: Option<u32>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct Ec2PriceArgs {
    #[arg(long = "type", default_value = "m5.large")]
    pub instance_type: String,
    #[arg(long, default_value_t = 1)]
    pub count: u32,
    #[arg(long, default_value = "730h")]
    pub duration: SimDuration,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct AppRunnerPriceArgs {
    /// vCPU per instance (0.25, 0.5, 1, 2, 4).
    #[arg(long, default_value_t = 1.0)]
    pub vcpu: f64,
    /// Memory per instance in GB.
    #[arg(long, default_value_t = 2.0)]
    pub memory_gb: f64,
    /// Instance-hours spent handling requests.
    #[arg(long)]
    pub active_hours: f64,
    /// Instance-hours provisioned but idle.
    #[arg(long)]
    pub idle_hours: f64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct LightsailPriceArgs {
    /// Bundle monthly price in USD (5, 7, 12, 24, 44, 84, 164, 384) or id (nano, micro, small, …).
    #[arg(long)]
    pub bundle: String,
    #[arg(long, default_value_t = 730.0)]
    pub hours: f64,
    /// Outbound transfer in GB this month.
    #[arg(long, default_value_t = 0.0)]
    pub transfer_out_gb: f64,
    #[arg(long, default_value_t = 1)]
    pub count: u32,
    #[arg(long)]
    pub json: bool,
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::Ecs(a) => run_ecs(&a),
        Cmd::Fargate(a) => run_fargate(&a),
        Cmd::Batch(a) => run_batch(&a),
        Cmd::EcsBench { instances, tasks } => run_bench(instances, &tasks),
    }
}

/// Places `n` tasks on `m` m5.xlarge instances, half of them in pool "a" that a memberOf
/// constraint selects, binpacking on memory, without explanations (the fast indexed path).
fn run_bench(m: u32, tasks: &[u32]) -> anyhow::Result<ExitCode> {
    use crate::ecs::placement::{BinpackField, Constraint, Needs, Node, Pool, Strategy};
    let ty = catalog::instance_type("m5.xlarge").expect("m5.xlarge is in the catalog");
    let expression = "attribute:pool == a".to_string();
    let constraints = [Constraint::MemberOf {
        expr: crate::ecs::query::parse(&expression).expect("valid"),
        expression,
    }];
    let strategies = [Strategy::Binpack(BinpackField::Memory)];
    println!(
        "placement benchmark: {m} x {} (half in pool a), binpack(memory) + memberOf(attribute:pool == a)",
        ty.name
    );
    let mut previous: Option<(u32, f64)> = None;
    for &n in tasks {
        let mut pool = Pool::new();
        for k in 0..m {
            let attrs = [
                ("pool".to_string(), if k % 2 == 0 { "a" } else { "b" }.to_string()),
                (
                    "ecs.availability-zone".to_string(),
                    format!("us-east-1{}", ["a", "b", "c"][(k % 3) as usize]),
                ),
            ]
            .into_iter()
            .collect();
            pool.add(Node::new(
                format!("i-{k}"),
                attrs,
                ty.cpu_units(),
                ty.registered_memory_mib(0),
            ));
        }
        let mut rng = crate::sim::Rng::seed_from_u64(1);
        let started = std::time::Instant::now();
        let mut placed = 0u32;
        for t in 0..n {
            // Three task sizes so binpack has real choices to make.
            let needs = Needs {
                cpu: 16,
                memory: [48, 64, 96][(t % 3) as usize],
                host_ports: vec![],
                dynamic_ports: 0,
                group: "family:bench".into(),
            };
            let d = pool.place(&needs, &constraints, &strategies, &mut rng, false);
            if let Some(i) = d.chosen {
                pool.reserve(i, &needs);
                placed += 1;
            }
        }
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let growth = previous.map_or(String::new(), |(pn, pms)| {
            format!(
                "  x{:.1} time for x{:.0} tasks",
                ms / pms,
                f64::from(n) / f64::from(pn)
            )
        });
        println!(
            "tasks={n:>7} placed={placed:>7} time={ms:>9.2} ms  per task={:>6.2} us{growth}",
            ms * 1e3 / f64::from(n.max(1))
        );
        previous = Some((n, ms));
    }
    Ok(ExitCode::SUCCESS)
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Reads and parses a scenario file; prints every diagnostic and gives `None` when it is invalid.
pub(super) fn parse_file<S>(
    path: &Path,
    parse: fn(&str, &str) -> Result<S, Vec<crate::diag::Diagnostic>>,
) -> anyhow::Result<Option<S>> {
    let text = read(path)?;
    match parse(&path.display().to_string(), &text) {
        Ok(s) => Ok(Some(s)),
        Err(diags) => {
            eprint!("{}", crate::diag::render_all(&diags));
            Ok(None)
        }
    }
}

pub(super) fn trace_json<R: std::fmt::Display + serde::Serialize>(trace: &Trace<R>) -> serde_json::Value {
    let lines: Vec<serde_json::Value> = trace
        .entries()
        .iter()
        .map(|e| json!({ "at_us": e.at.as_micros(), "line": e.to_string(), "record": e.record }))
        .collect();
    json!({ "hash": format!("{:016x}", trace.hash()), "entries": lines })
}

pub(super) fn print_json(v: &serde_json::Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn run_ecs(a: &ScenarioArgs) -> anyhow::Result<ExitCode> {
    let Some(mut s) = parse_file(&a.scenario, scenario::parse)? else {
        return Ok(ExitCode::FAILURE);
    };
    if let Some(seed) = a.seed {
        s.seed = seed;
    }
    let (trace, snapshot) = scenario::run(&s);
    if a.json {
        print_json(&json!({ "seed": s.seed, "trace": trace_json(&trace), "final": snapshot }))?;
    } else {
        print!("{trace}");
        println!("--- final state (seed {})", s.seed);
        print!("{snapshot}");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_fargate(a: &FargateArgs) -> anyhow::Result<ExitCode> {
    match fargate::validate(
        a.cpu,
        a.memory,
        a.os.into(),
        &a.platform_version,
        a.ephemeral_storage,
    ) {
        Ok(size) => {
            if a.json {
                print_json(&json!({ "valid": true, "size": size }))?;
            } else {
                println!(
                    "valid: {} vCPU, {} MiB, {}, platform version {}, ephemeral storage {} GiB",
                    f64::from(size.cpu) / 1024.0,
                    size.memory,
                    size.os,
                    size.platform_version,
                    size.ephemeral_storage_gib
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let valid: Vec<u32> = fargate::valid_memory(a.cpu, a.os.into());
            if a.json {
                print_json(
                    &json!({ "valid": false, "error": e.to_string(), "valid_memory_for_cpu": valid }),
                )?;
            } else {
                eprintln!("{e}");
                if !valid.is_empty() {
                    let list: Vec<String> = valid.iter().map(u32::to_string).collect();
                    eprintln!(
                        "valid memory for {} CPU on {}: {} MiB",
                        a.cpu,
                        Os::from(a.os),
                        list.join(", ")
                    );
                }
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

fn run_batch(a: &ScenarioArgs) -> anyhow::Result<ExitCode> {
    let Some(mut s) = parse_file(&a.scenario, crate::services::batch::parse)? else {
        return Ok(ExitCode::FAILURE);
    };
    if let Some(seed) = a.seed {
        s.seed = seed;
    }
    let (trace, jobs) = crate::services::batch::run(&s);
    if a.json {
        print_json(&json!({ "seed": s.seed, "trace": trace_json(&trace), "jobs": jobs }))?;
    } else {
        print!("{trace}");
        println!("--- jobs (seed {})", s.seed);
        for j in &jobs {
            println!("{j}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_price(cmd: PriceCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        PriceCmd::Fargate(a) => {
            let size = match fargate::validate(a.cpu, a.memory, a.os.into(), "LATEST", a.ephemeral_storage) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let secs = a.duration.as_micros().div_ceil(1_000_000);
            let one = fargate::bill(&size, a.arch.into(), secs);
            let total = one.total_usd * f64::from(a.tasks);
            let ty = catalog::instance_type(&a.compare).with_context(|| {
                format!(
                    "unknown instance type {:?} (expected one of: {})",
                    a.compare,
                    catalog::instance_type_names().join(", ")
                )
            })?;
            let ec2 = fargate::ec2_bill(ty, size.cpu, size.memory, a.tasks, secs);
            let eks = fargate::eks_compare(secs as f64 / 3600.0, ec2.as_ref(), total, false);
            if a.json {
                print_json(
                    &json!({ "fargate_per_task": one, "fargate_total_usd": total, "tasks": a.tasks, "ec2": ec2, "eks": eks }),
                )?;
            } else {
                println!(
                    "fargate: {} task(s) of {} vCPU / {} GiB for {} s (billed {} s each): ${:.4} (vCPU ${:.4}, memory ${:.4}, licence ${:.4}, storage ${:.4} per task)",
                    a.tasks,
                    f64::from(size.cpu) / 1024.0,
                    f64::from(size.memory) / 1024.0,
                    secs,
                    one.billed_secs,
                    total,
                    one.vcpu_usd,
                    one.memory_usd,
                    one.license_usd,
                    one.storage_usd
                );
                match ec2 {
                    Some(b) => println!(
                        "ec2: {} x {} ({} task(s) each) for {} s: ${:.4}",
                        b.instances, b.instance_type, b.tasks_per_instance, b.billed_secs, b.total_usd
                    ),
                    None => println!("ec2: one task does not fit on a {}", ty.name),
                }
                println!(
                    "eks (comparison): control plane ${:.4} per cluster for the period, plus the same workers (node group or Fargate profile); ECS has no control-plane charge",
                    eks.control_plane_usd
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        PriceCmd::Ec2(a) => {
            let ty = catalog::instance_type(&a.instance_type).with_context(|| {
                format!(
                    "unknown instance type {:?} (expected one of: {})",
                    a.instance_type,
                    catalog::instance_type_names().join(", ")
                )
            })?;
            let secs = a.duration.as_micros().div_ceil(1_000_000).max(60);
            let usd = f64::from(a.count) * ty.usd_per_hour * secs as f64 / 3600.0;
            if a.json {
                print_json(
                    &json!({ "instance_type": ty.name, "count": a.count, "billed_secs": secs, "usd_per_hour": ty.usd_per_hour, "total_usd": usd }),
                )?;
            } else {
                println!(
                    "ec2: {} x {} ({} vCPU, {} GiB, ${}/h) for {} s: ${:.4}",
                    a.count, ty.name, ty.vcpus, ty.memory_gib, ty.usd_per_hour, secs, usd
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        PriceCmd::Apprunner(a) => {
            let bill = crate::services::apprunner::bill(a.vcpu, a.memory_gb, a.active_hours, a.idle_hours)
                .map_err(|e| anyhow::anyhow!(e))?;
            if a.json {
                print_json(&json!(bill))?;
            } else {
                println!("{bill}");
            }
            Ok(ExitCode::SUCCESS)
        }
        PriceCmd::Lightsail(a) => {
            let bill = crate::services::lightsail::bill(&a.bundle, a.hours, a.transfer_out_gb, a.count)
                .map_err(|e| anyhow::anyhow!(e))?;
            if a.json {
                print_json(&json!(bill))?;
            } else {
                println!("{bill}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
