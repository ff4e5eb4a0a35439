#![allow(clippy::disallowed_methods, clippy::disallowed_types)]
//! The command line: the only place that touches files, processes, the network and the clock.
//!
//! Each subcommand lives in its own module; this file parses arguments, dispatches, and prints
//! the error chain (`error: …` then `  caused by: …`) with a non-zero exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// `build`, `preprocess` and `quiz` are used by the integration tests; the rest only by `main`.
pub mod build;
pub mod check;
pub mod check_book;
pub mod glossary;
pub mod i18n;
pub mod lab;
pub mod links;
pub mod preprocess;
pub mod quiz;
mod serve;
mod sim;
mod sim_deploy;
mod sim_ecs;
mod sim_lambda;

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
    /// Build the book and its playground into a static site.
    Build {
        /// Output folder (default: `build-dir` of book.toml).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip compiling the playground (the pages then show their no-JavaScript text).
        #[arg(long)]
        no_wasm: bool,
        /// Where book.toml is (searched upwards).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The path the site will be served under, e.g. /course/ (default: site-url of book.toml, else /).
        #[arg(long)]
        site_url: Option<String>,
    },
    /// Build, serve on 127.0.0.1, rebuild on change and reload open pages.
    Serve {
        #[arg(long, default_value_t = 3000)]
        port: u16,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        no_wasm: bool,
        /// Serve the first build only; do not watch the sources.
        #[arg(long)]
        no_watch: bool,
        /// Serve the site already in --out as it is: no build, no watching.
        #[arg(long, requires = "out")]
        no_build: bool,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Validate every quiz and lab the book references.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// The mdBook preprocessor protocol (`[preprocessor.cloudbook]` in book.toml).
    Preprocess {
        #[command(subcommand)]
        supports: Option<Supports>,
    },
    /// Translations: extract messages, merge them into a language, print coverage.
    #[command(subcommand)]
    I18n(i18n::I18nCmd),
    /// Run a chapter's labs headless: each cell's output and each goal's verdict.
    #[command(subcommand)]
    Lab(lab::LabCmd),
    /// Grade answers and inspect quiz files.
    #[command(subcommand)]
    Quiz(quiz::QuizCmd),
    /// Run the simulators headless (Lambda, ECS, Fargate, Batch, prices, IAM, schedules).
    #[command(subcommand)]
    Sim(sim::SimCmd),
}

#[derive(Subcommand)]
enum Supports {
    /// Exit 0 when the renderer is supported (only `html`).
    Supports { renderer: String },
}

pub fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            out,
            no_wasm,
            root,
            site_url,
        } => build::build(&build::BuildOptions {
            root,
            out,
            wasm: !no_wasm,
            live_reload: false,
            site_url,
        })
        .map(|_| ExitCode::SUCCESS),
        Command::Serve {
            port,
            out,
            no_wasm,
            no_watch,
            no_build,
            root,
        } => serve::serve(serve::ServeOptions {
            build: build::BuildOptions {
                root,
                out,
                wasm: !no_wasm,
                live_reload: true,
                site_url: None,
            },
            port,
            watch: !no_watch && !no_build,
            build_first: !no_build,
        })
        .map(|()| ExitCode::SUCCESS),
        Command::Check { root } => check::check(&root),
        Command::Preprocess { supports } => {
            preprocess::run_protocol(supports.map(|Supports::Supports { renderer }| renderer))
        }
        Command::I18n(cmd) => i18n::run(cmd),
        Command::Lab(cmd) => lab::run(cmd),
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

/// `cloudbook sim … | head` closes stdout early, and `println!` then panics. End quietly instead,
/// with the status a Unix tool killed by SIGPIPE reports (128 + 13), as `cat` would.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
