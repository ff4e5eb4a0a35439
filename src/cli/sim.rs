//! `cloudbook sim …`: the simulators, headless. The Lambda-side commands are defined in
//! `sim_lambda.rs`, the container-side ones in `sim_ecs.rs`, the Docker host and Beanstalk
//! deployments in `sim_deploy.rs`; this file only joins them.

use std::process::ExitCode;

use clap::Subcommand;

use super::{sim_deploy, sim_ecs, sim_lambda};

#[derive(Subcommand)]
pub enum SimCmd {
    #[command(flatten)]
    Lambda(sim_lambda::Cmd),
    #[command(flatten)]
    Ecs(sim_ecs::Cmd),
    #[command(flatten)]
    Deploy(sim_deploy::Cmd),
    /// Price calculators.
    #[command(subcommand)]
    Price(PriceCmd),
}

#[derive(Subcommand)]
pub enum PriceCmd {
    #[command(flatten)]
    Lambda(sim_lambda::PriceCmd),
    #[command(flatten)]
    Ecs(sim_ecs::PriceCmd),
}

pub fn run(cmd: SimCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        SimCmd::Lambda(c) => sim_lambda::run(c),
        SimCmd::Ecs(c) => sim_ecs::run(c),
        SimCmd::Deploy(c) => sim_deploy::run(c),
        SimCmd::Price(PriceCmd::Lambda(c)) => sim_lambda::run_price(c),
        SimCmd::Price(PriceCmd::Ecs(c)) => sim_ecs::run_price(c),
    }
}
