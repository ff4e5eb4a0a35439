//! `cloudbook quiz …` (being built).

use std::process::ExitCode;

use clap::Subcommand;

#[derive(Subcommand)]
pub enum QuizCmd {
    /// Placeholder: replaced by `quiz grade`.
    #[command(hide = true)]
    Placeholder,
}

pub fn run(_cmd: QuizCmd) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}
