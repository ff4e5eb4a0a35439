//! The `cloudbook` command: a thin shell over [`cloudbook::cli`].

fn main() -> std::process::ExitCode {
    cloudbook::cli::main()
}
