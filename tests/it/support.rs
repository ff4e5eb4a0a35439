//! Helpers shared by the test modules: running the real `cloudbook` binary, fixtures, temp files.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_cloudbook");

/// Runs `cloudbook <args>` from the package root.
pub fn cloudbook(args: &[&str]) -> Output {
    cloudbook_in(args, Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// Runs `cloudbook <args>` from `cwd`.
pub fn cloudbook_in(args: &[&str], cwd: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the cloudbook binary runs")
}

/// Builds the course with `cloudbook build <extra> --out target/<folder>` and returns the folder;
/// callers keep it in a `OnceLock` so one run builds each site once.
pub fn build_site(folder: &str, extra: &[&str]) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = cloudbook::cli::build::wasm_target_dir(root).with_file_name(folder);
    let o = Command::new(BIN)
        .arg("build")
        .args(extra)
        .arg("--out")
        .arg(&out)
        .current_dir(root)
        .output()
        .expect("the cloudbook binary runs");
    assert!(
        o.status.success(),
        "cloudbook build {extra:?} failed:\n{}",
        text(&o)
    );
    out
}

/// Standard output then standard error, for assertion messages and snapshots.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Writes `body` to `dir/name` and returns the path as a string argument.
pub fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).expect("temp dir is writable");
    p.display().to_string()
}

/// Copies `tests/fixtures/<name>` into a fresh temporary folder.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
        dir.path(),
    );
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create fixture folder");
    for entry in std::fs::read_dir(from).expect("fixture exists") {
        let entry = entry.expect("fixture entry");
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).expect("copy fixture file");
        }
    }
}
