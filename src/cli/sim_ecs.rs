//! `cloudbook sim` commands for the ecs side (being built).

use std::process::ExitCode;

use clap::Subcommand;

#[derive(Subcommand)]
pub enum Cmd {
    /// Placeholder: replaced by the real ecs commands.
    #[command(name = "ecs-placeholder", hide = true)]
    Placeholder,
}

#[derive(Subcommand)]
pub enum PriceCmd {
    /// Placeholder: replaced by the real ecs price commands.
    #[command(name = "ecs-placeholder", hide = true)]
    Placeholder,
}

pub fn run(_cmd: Cmd) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}

pub fn run_price(_cmd: PriceCmd) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}
