//! `cloudbook sim container` and `cloudbook sim beanstalk`: where an application's data lives on
//! one Docker host (writable layer, volumes, bind mounts), and how Elastic Beanstalk rolls a new
//! version out. This file reads input and prints; every decision comes from the core
//! (`crate::ecs::container`, `crate::services::beanstalk`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::sim_ecs::{parse_file, print_json, trace_json};
use crate::ecs::container;
use crate::services::beanstalk::{self, BatchSize, Deployment, Policy};
use crate::sim::SimDuration;

#[derive(Subcommand)]
pub enum Cmd {
    /// Run a container scenario file (TOML): images, then docker-like steps on one host; print
    /// the trace, then what is left in writable layers, volumes and host files.
    Container(ContainerArgs),
    /// Play an Elastic Beanstalk deployment: instances in service per version, capacity and
    /// errors over time, for one policy or several.
    Beanstalk(BeanstalkArgs),
}

#[derive(Args)]
pub struct ContainerArgs {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyArg {
    AllAtOnce,
    Rolling,
    RollingWithAdditionalBatch,
    Immutable,
    TrafficSplitting,
    /// Every policy, one after the other.
    All,
}

#[derive(Args)]
pub struct BeanstalkArgs {
    /// DeploymentPolicy; several separated by commas, or `all`.
    #[arg(long, value_enum, value_delimiter = ',', required = true)]
    pub policy: Vec<PolicyArg>,
    /// Instances in the environment.
    #[arg(long, default_value_t = 4)]
    pub instances: u32,
    /// BatchSize: a percentage (`25%`) or a number of instances (`2`); Rolling policies only.
    #[arg(long, default_value = "25%", value_parser = batch_size)]
    pub batch_size: BatchSize,
    /// The new version fails its health checks.
    #[arg(long)]
    pub unhealthy: bool,
    /// Installing the version on a running instance and restarting the app.
    #[arg(long, default_value = "60s", value_parser = duration)]
    pub deploy: SimDuration,
    /// Launching a fresh instance.
    #[arg(long, default_value = "90s", value_parser = duration)]
    pub launch: SimDuration,
    /// Health checks before an instance takes traffic.
    #[arg(long, default_value = "30s", value_parser = duration)]
    pub health_check: SimDuration,
    /// TrafficSplitting: NewVersionPercent.
    #[arg(long, default_value_t = 10)]
    pub new_version_percent: u32,
    /// TrafficSplitting: EvaluationTime.
    #[arg(long, default_value = "5m", value_parser = duration)]
    pub evaluation: SimDuration,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn duration(s: &str) -> Result<SimDuration, String> {
    s.parse::<SimDuration>().map_err(|e| e.to_string())
}

fn batch_size(s: &str) -> Result<BatchSize, String> {
    beanstalk::parse_batch_size(s)
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::Container(a) => run_container(&a),
        Cmd::Beanstalk(a) => run_beanstalk(&a),
    }
}

fn run_container(a: &ContainerArgs) -> anyhow::Result<ExitCode> {
    // The host draws no random numbers, so there is no --seed.
    let Some(s) = parse_file(&a.scenario, container::parse)? else {
        return Ok(ExitCode::FAILURE);
    };
    let (trace, snapshot) = container::run(&s);
    if a.json {
        print_json(&json!({ "trace": trace_json(&trace), "final": snapshot }))?;
    } else {
        print!("{trace}");
        println!("--- final state");
        print!("{snapshot}");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_beanstalk(a: &BeanstalkArgs) -> anyhow::Result<ExitCode> {
    let all = [
        Policy::AllAtOnce,
        Policy::Rolling,
        Policy::RollingWithAdditionalBatch,
        Policy::Immutable,
        Policy::TrafficSplitting,
    ];
    let mut policies: Vec<Policy> = vec![];
    for p in &a.policy {
        let chosen: &[Policy] = match p {
            PolicyArg::All => &all,
            PolicyArg::AllAtOnce => &all[0..1],
            PolicyArg::Rolling => &all[1..2],
            PolicyArg::RollingWithAdditionalBatch => &all[2..3],
            PolicyArg::Immutable => &all[3..4],
            PolicyArg::TrafficSplitting => &all[4..5],
        };
        for c in chosen {
            if !policies.contains(c) {
                policies.push(*c);
            }
        }
    }
    let deployments: Vec<Deployment> = policies
        .iter()
        .map(|&policy| Deployment {
            batch_size: a.batch_size,
            deploy: a.deploy,
            launch: a.launch,
            health_check: a.health_check,
            healthy: !a.unhealthy,
            new_version_percent: a.new_version_percent,
            evaluation: a.evaluation,
            ..Deployment::new(policy, a.instances)
        })
        .collect();
    let problems = deployments.first().map(Deployment::problems).unwrap_or_default();
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("error: {p}");
        }
        return Ok(ExitCode::FAILURE);
    }
    let runs: Vec<_> = deployments
        .iter()
        .map(|d| {
            let trace = beanstalk::simulate(d);
            let summary = beanstalk::summarize(d, &trace);
            (d, trace, summary)
        })
        .collect();
    if a.json {
        let list: Vec<serde_json::Value> = runs
            .iter()
            .map(|(d, trace, summary)| json!({ "deployment": d, "trace": trace_json(trace), "summary": summary }))
            .collect();
        print_json(&json!({ "deployments": list }))?;
    } else {
        for (k, (_, trace, summary)) in runs.iter().enumerate() {
            if k > 0 {
                println!();
            }
            print!("{trace}");
            println!("--- {summary}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
