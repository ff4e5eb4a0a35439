//! The sans-I/O invariant: the core builds for the browser with the CLI feature off.
// A test drives real files, processes and sockets; the core's no-I/O rule is not for it.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::path::Path;
use std::process::Command;

#[test]
fn core_builds_for_wasm32_without_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    cloudbook::cli::build::ensure_wasm_target(root).expect("the wasm32 target can be installed");
    // A target dir of its own: the one running this test is locked by cargo.
    let target = cloudbook::cli::build::wasm_target_dir(root).with_file_name("sans-io-check");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .args([
            "check",
            "-p",
            "cloudbook",
            "--no-default-features",
            "--target",
            "wasm32-unknown-unknown",
            "--locked",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "the core does not build for wasm32:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
