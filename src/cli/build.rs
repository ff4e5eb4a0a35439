//! `cloudbook build`: compile the playground to wasm32, generate its JS bindings in-process,
//! build the book with mdBook and our preprocessor in-process, and report sizes.
//!
//! The playground files go into `playground/<content-hash>/` of the site, named by a hash of
//! their bytes, with a small `playground/manifest.json` that the loader fetches without cache:
//! a redeployed book can never run a stale wasm. It skips the wasm compile (and does not even
//! start cargo) when no source of the playground or the core changed.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail};
use flate2::Compression;
use flate2::write::GzEncoder;
use mdbook_driver::MDBook;

use super::preprocess::{CloudbookPreprocessor, find_book_root};
use crate::sim::fnv1a64;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const WASM_PROFILE: &str = "wasm-release";
/// The playground's entry points: (cargo bin name, file stem in the site and manifest key).
/// `widgets` (quizzes, progress) loads on every page with a quiz, `ko-widgets` instead of it in the
/// Korean edition; `lab` (Lambda labs) and `sched` (container labs) load only where their
/// placeholder is; `selftest` only by the `?cloudbook-selftest` and `?cloudbook-bench` switches.
pub const ENTRY_POINTS: [(&str, &str); 5] = [
    ("cloudbook-widgets", "widgets"),
    // The quiz module of the Korean edition (`/ko/`), with the Korean UI strings.
    ("cloudbook-widgets-ko", "ko-widgets"),
    ("cloudbook-lab", "lab"),
    ("cloudbook-sched", "sched"),
    ("cloudbook-selftest", "selftest"),
];
/// The cargo builds of the playground, each with its bins and the core's `page-*` feature. The
/// `lab` and `sched` modules decode one engine's labs each, and cargo unifies the features of bins
/// built together, so `sched` is built apart; the quiz and self-test modules decode no lab, so
/// they go with `lab` rather than cost a third compile of the core.
const WASM_BUILDS: [(&[&str], &str); 2] = [
    (
        &[
            "cloudbook-widgets",
            "cloudbook-widgets-ko",
            "cloudbook-lab",
            "cloudbook-selftest",
        ],
        "page-lambda",
    ),
    (&["cloudbook-sched"], "page-containers"),
];
/// Stylesheets the loader adds only on pages with a lab: (file in `playground/assets`, manifest
/// key). They go into the content-hashed folder with the modules, so a page never gets a stale
/// one, and they stay off the every-page stylesheet, so a quiz-only page never downloads them.
pub const LAB_STYLESHEETS: [(&str, &str); 2] = [("lab.css", "lab_css"), ("sched.css", "sched_css")];

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Where to look for `book.toml` (it is searched upwards).
    pub root: PathBuf,
    /// Output folder; default: `build.build-dir` of `book.toml`.
    pub out: Option<PathBuf>,
    /// Compile the playground (off for books that only need their HTML, e.g. fixture tests).
    pub wasm: bool,
    /// Set mdBook's live-reload endpoint (for `serve`).
    pub live_reload: bool,
    /// The path the site is served under, such as `/course/` (`output.html.site-url`); default:
    /// book.toml's, else `/`. Pages link relatively anyway; mdBook's 404 page needs the absolute path.
    pub site_url: Option<String>,
}

/// What a build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub out: PathBuf,
    pub playground_version: Option<String>,
    pub sizes: Vec<FileSize>,
    pub wasm_compiled: bool,
}

#[derive(Debug, Clone)]
pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
}

pub fn build(opts: &BuildOptions) -> anyhow::Result<BuildReport> {
    let started = Instant::now();
    if let Some(url) = opts.site_url.as_deref()
        && !(url.starts_with('/') && url.ends_with('/'))
    {
        bail!("--site-url \"{url}\" must start and end with '/', e.g. --site-url /course/");
    }
    let root = find_book_root(&opts.root)?;
    let steps = if opts.wasm { 4 } else { 2 };
    let mut step = 0;
    let mut next = |what: &str| {
        step += 1;
        eprintln!("[{step}/{steps}] {what}");
    };

    let mut playground = None;
    let mut wasm_compiled = false;
    if opts.wasm {
        next("compiling the playground for wasm32");
        let ws = root.clone();
        if !ws.join("playground/Cargo.toml").is_file() {
            bail!(
                "{} has no playground/Cargo.toml, so there is no playground to compile; pass --no-wasm to build the book without it",
                ws.display()
            );
        }
        wasm_compiled = compile_playground(&ws)?;
        next("generating JavaScript bindings");
        playground = Some(bindgen(&ws)?);
    }

    next("building the book with mdBook");
    let mut md = MDBook::load(&root).with_context(|| format!("loading the book at {}", root.display()))?;
    let out = match &opts.out {
        Some(o) => absolute(o)?,
        None => root.join(&md.config.build.build_dir),
    };
    md.config.build.build_dir = out.clone();
    if opts.live_reload {
        md.config
            .set("output.html.live-reload-endpoint", "__livereload")?;
    }
    if let Some(url) = &opts.site_url {
        md.config.set("output.html.site-url", url)?;
    }
    md.with_preprocessor(CloudbookPreprocessor);
    md.build().context("mdBook could not build the book")?;

    next("copying the playground into the site and measuring it");
    let mut sizes = Vec::new();
    let mut version = None;
    if let Some((dir, hash)) = &playground {
        let dest = out.join("playground").join(hash);
        fs::create_dir_all(&dest)?;
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            fs::copy(entry.path(), dest.join(entry.file_name()))
                .with_context(|| format!("copying {} into the site", entry.path().display()))?;
        }
        let mut manifest = serde_json::Map::new();
        manifest.insert("version".into(), hash.clone().into());
        for (_, stem) in ENTRY_POINTS {
            manifest.insert(stem.into(), format!("{hash}/{stem}.js").into());
        }
        for (file, key) in LAB_STYLESHEETS {
            manifest.insert(key.into(), format!("{hash}/{file}").into());
        }
        fs::write(
            out.join("playground/manifest.json"),
            serde_json::to_vec_pretty(&manifest)?,
        )?;
        sizes = measure(&dest)?;
        version = Some(hash.clone());
    }
    super::i18n::site::report(&out, &super::i18n::site::build_editions(&root, &out, opts)?)?;
    eprintln!(
        "built {} in {:.1} s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    if !sizes.is_empty() {
        eprint!("{}", size_table(&sizes));
    }
    Ok(BuildReport {
        out,
        playground_version: version,
        sizes,
        wasm_compiled,
    })
}

fn absolute(p: &Path) -> anyhow::Result<PathBuf> {
    Ok(if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    })
}

/// The target dir for wasm builds: separate from the host's so a `cargo test` or `cargo run`
/// holding the host target dir's lock never waits on it.
pub fn wasm_target_dir(ws: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => absolute(Path::new(&d))
            .unwrap_or_else(|_| PathBuf::from(d))
            .join("wasm"),
        None => ws.join("target/wasm"),
    }
}

/// Adds the wasm32 target when this toolchain lacks it (rustup does not install the targets of
/// `rust-toolchain.toml` by itself).
pub fn ensure_wasm_target(ws: &Path) -> anyhow::Result<()> {
    let out = Command::new("rustc")
        .current_dir(ws)
        .args(["--print", "sysroot"])
        .output()
        .context("running rustc --print sysroot (is Rust installed?)")?;
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if Path::new(&sysroot).join("lib/rustlib").join(WASM_TARGET).is_dir() {
        return Ok(());
    }
    eprintln!("      installing the {WASM_TARGET} target with rustup (once per machine)");
    let status = Command::new("rustup")
        .current_dir(ws)
        .args(["target", "add", WASM_TARGET])
        .status()
        .context("running rustup target add (is rustup installed?)")?;
    if !status.success() {
        bail!("`rustup target add {WASM_TARGET}` failed; run it by hand to see why");
    }
    Ok(())
}

/// Compiles the playground unless its inputs are unchanged since the last compile.
/// Returns whether cargo ran.
fn compile_playground(ws: &Path) -> anyhow::Result<bool> {
    let target_dir = wasm_target_dir(ws);
    let stamp = target_dir.join("cloudbook-inputs.fingerprint");
    let fingerprint = format!("{:016x}", inputs_fingerprint(ws)?);
    let outputs_exist = ENTRY_POINTS
        .iter()
        .all(|(bin, _)| wasm_output(&target_dir, bin).is_file());
    if outputs_exist && fs::read_to_string(&stamp).ok().as_deref() == Some(fingerprint.as_str()) {
        eprintln!("      playground and core unchanged: skipping the wasm compile");
        return Ok(false);
    }
    ensure_wasm_target(ws)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for (bins, feature) in WASM_BUILDS {
        let mut command = Command::new(&cargo);
        command
            .current_dir(ws)
            .env("CARGO_TARGET_DIR", &target_dir)
            .args(["build", "-p", "cloudbook-playground", "--target", WASM_TARGET])
            .args(["--profile", WASM_PROFILE, "--features", feature]);
        for bin in bins {
            command.args(["--bin", bin]);
        }
        let status = command
            .status()
            .context("starting cargo to compile the playground")?;
        if !status.success() {
            bail!("compiling the playground for {WASM_TARGET} failed (see cargo's messages above)");
        }
    }
    fs::create_dir_all(&target_dir)?;
    fs::write(&stamp, &fingerprint)?;
    Ok(true)
}

fn wasm_output(target_dir: &Path, bin: &str) -> PathBuf {
    target_dir
        .join(WASM_TARGET)
        .join(WASM_PROFILE)
        .join(format!("{bin}.wasm"))
}

/// A hash of every file the wasm depends on: the core's and the playground's sources and the
/// manifests. Content, not mtimes, so a fresh checkout of the same commit skips too.
pub fn inputs_fingerprint(ws: &Path) -> anyhow::Result<u64> {
    let mut files = Vec::new();
    for dir in ["src", "playground/src", "playground/assets"] {
        collect_files(&ws.join(dir), &mut files)?;
    }
    for f in [
        "Cargo.toml",
        "Cargo.lock",
        "playground/Cargo.toml",
        "rust-toolchain.toml",
    ] {
        if ws.join(f).is_file() {
            files.push(ws.join(f));
        }
    }
    files.sort();
    let mut acc = Vec::new();
    for f in files {
        acc.extend_from_slice(f.strip_prefix(ws).unwrap_or(&f).to_string_lossy().as_bytes());
        acc.push(0);
        acc.extend_from_slice(&fnv1a64(&fs::read(&f)?).to_le_bytes());
    }
    Ok(fnv1a64(&acc))
}

pub fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Runs wasm-bindgen (as a library) on each entry point into a folder named by the content hash.
fn bindgen(ws: &Path) -> anyhow::Result<(PathBuf, String)> {
    let target_dir = wasm_target_dir(ws);
    let staging = target_dir.join("bindgen");
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    fs::create_dir_all(&staging)?;
    for (bin, stem) in ENTRY_POINTS {
        let input = wasm_output(&target_dir, bin);
        let mut b = wasm_bindgen_cli_support::Bindgen::new();
        b.input_path(&input)
            .out_name(stem)
            .web(true)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .typescript(false)
            .omit_default_module_path(false)
            .remove_name_section(true)
            .remove_producers_section(true);
        b.generate(&staging)
            .map_err(|e| anyhow::anyhow!("{e:#}"))
            .with_context(|| format!("generating bindings for {}", input.display()))?;
    }
    for (file, _) in LAB_STYLESHEETS {
        let from = ws.join("playground/assets").join(file);
        fs::copy(&from, staging.join(file)).with_context(|| format!("copying {}", from.display()))?;
    }
    let mut files = Vec::new();
    collect_files(&staging, &mut files)?;
    files.sort();
    let mut acc = Vec::new();
    for f in &files {
        acc.extend_from_slice(&fnv1a64(&fs::read(f)?).to_le_bytes());
    }
    let hash = format!("{:012x}", fnv1a64(&acc) & 0xffff_ffff_ffff);
    Ok((staging, hash))
}

fn measure(dir: &Path) -> anyhow::Result<Vec<FileSize>> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    files.sort();
    files
        .iter()
        .map(|f| {
            let bytes = fs::read(f)?;
            Ok(FileSize {
                name: f.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                raw: bytes.len() as u64,
                gzip: gzip9_len(&bytes)?,
            })
        })
        .collect()
}

/// The size of `bytes` after gzip -9, the figure servers send.
pub fn gzip9_len(bytes: &[u8]) -> anyhow::Result<u64> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len() as u64)
}

pub fn size_table(sizes: &[FileSize]) -> String {
    let mut s = format!("{:<22} {:>12} {:>12}\n", "playground file", "bytes", "gzip -9");
    for f in sizes {
        s += &format!("{:<22} {:>12} {:>12}\n", f.name, f.raw, f.gzip);
    }
    let group = |pred: &dyn Fn(&str) -> bool| -> (u64, u64) {
        sizes
            .iter()
            .filter(|f| pred(&f.name))
            .fold((0, 0), |(r, g), f| (r + f.raw, g + f.gzip))
    };
    let (qr, qg) = group(&|n| n.starts_with("widgets"));
    let (lr, lg) = group(&|n| n.starts_with("lab"));
    let (sr, sg) = group(&|n| n.starts_with("sched") || n == "lab.css");
    s += &format!("{:<22} {:>12} {:>12}\n", "quiz-only page", qr, qg);
    s += &format!("{:<22} {:>12} {:>12}\n", "page with a lab", qr + lr, qg + lg);
    s += &format!(
        "{:<22} {:>12} {:>12}\n",
        "page with a sched lab",
        qr + sr,
        qg + sg
    );
    s
}

#[cfg(test)]
mod tests {
    use super::{ENTRY_POINTS, WASM_BUILDS};

    #[test]
    fn every_entry_point_is_built_once_and_the_lab_modules_apart() {
        for (bin, _) in ENTRY_POINTS {
            let builds = WASM_BUILDS.iter().filter(|(bins, _)| bins.contains(&bin)).count();
            assert_eq!(builds, 1, "{bin} is compiled by {builds} cargo builds");
        }
        let feature_of = |bin: &str| {
            WASM_BUILDS
                .iter()
                .find(|(bins, _)| bins.contains(&bin))
                .map(|(_, feature)| *feature)
        };
        assert_eq!(feature_of("cloudbook-lab"), Some("page-lambda"));
        assert_eq!(feature_of("cloudbook-sched"), Some("page-containers"));
    }
}
