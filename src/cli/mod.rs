//! The command line: the only place that touches files, processes, the network and the clock.
//!
//! Each subcommand lives in its own module; this file parses arguments, dispatches, and prints
//! the error chain (`error: …` then `  caused by: …`) with a non-zero exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod quiz;
pub mod sim;
pub mod sim_ecs;
pub mod sim_lambda;

#[derive(Parser)]
#[command(
    name = "cloudbook",
    version,
    about = "Build, serve and check the cloudbook course; run its simulators headless"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Grade answers and inspect quiz files.
    #[command(subcommand)]
    Quiz(quiz::QuizCmd),
    /// Run the simulators headless (Lambda, ECS, Fargate, Batch, prices, IAM, schedules).
    #[command(subcommand)]
    Sim(sim::SimCmd),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Quiz(cmd) => quiz::run(cmd),
        Command::Sim(cmd) => sim::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            report(&err);
            ExitCode::FAILURE
        }
    }
}

/// Prints an error and its causes, one per line.
pub fn report(err: &anyhow::Error) {
    eprintln!("error: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}
