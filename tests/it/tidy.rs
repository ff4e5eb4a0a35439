//! House rules that no compiler checks: no leftover markers in the sources, no file of the book
//! that nothing links to, no broken link or anchor in the book, and the anchor ids our link
//! checker computes are the ones mdBook really writes.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cloudbook::cli::build::collect_files;
use cloudbook::cli::links;

use super::support::{cloudbook_in, text};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Files under `book/` that no page links to on purpose, relative to `book/`. Empty today; an
/// image used only from CSS, or a favicon, would go here.
const ASSETS: &[&str] = &[];

/// The repository's own text files: sources, scripts, the book, quizzes and docs.
fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "src",
        "playground/src",
        "playground/assets",
        "tests",
        "examples",
        "fuzz/fuzz_targets",
        "scripts",
        "book",
        "quizzes",
        ".ci",
    ] {
        collect_files(&root().join(dir), &mut files).expect("source folders are readable");
    }
    for f in [
        "README.md",
        "ARCHITECTURE.md",
        "Cargo.toml",
        "book.toml",
        "clippy.toml",
        "fuzz/Cargo.toml",
    ] {
        files.push(root().join(f));
    }
    files.retain(|f| {
        !f.components().any(|c| c.as_os_str() == "fixtures")
            && matches!(
                f.extension().and_then(|e| e.to_str()),
                Some("rs" | "md" | "toml" | "sh" | "js" | "css" | "json" | "py") | None
            )
    });
    files.sort();
    files
}

#[test]
fn no_todo_or_dbg_in_sources() {
    // Spelled in pieces so this file does not find itself.
    let markers = [concat!("TO", "DO"), concat!("db", "g!(")];
    let mut found = Vec::new();
    let files = sources();
    assert!(files.len() > 50, "the walk found the sources: {}", files.len());
    for f in files {
        let Ok(body) = std::fs::read_to_string(&f) else {
            continue;
        };
        for (n, line) in body.lines().enumerate() {
            for m in markers {
                if let Some(col) = line.find(m) {
                    found.push(format!(
                        "{}:{}:{}: {m} left in the source: finish it, or file an issue and remove the marker",
                        f.strip_prefix(root()).unwrap_or(&f).display(),
                        n + 1,
                        col + 1
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "\n{}", found.join("\n"));
}

#[test]
fn every_book_file_is_reachable() {
    let orphans: Vec<String> = links::unreferenced_files(root(), Path::new("book"))
        .expect("book/ is readable")
        .into_iter()
        .filter(|f| !ASSETS.contains(&f.as_str()))
        .collect();
    assert!(
        orphans.is_empty(),
        "no page links to these files under book/: link them from SUMMARY.md or a page, delete them, or list them in ASSETS of tests/it/tidy.rs:\n{}",
        orphans.join("\n")
    );
}

#[test]
fn every_internal_link_and_anchor_of_the_book_resolves() {
    let broken = links::check_book(root(), Path::new("book")).expect("book/ is readable");
    let lines: Vec<String> = broken.iter().map(ToString::to_string).collect();
    assert!(lines.is_empty(), "\n{}", lines.join("\n"));
}

#[test]
fn cloudbook_check_reports_a_broken_anchor_with_its_place_and_fix() {
    let dir = super::support::fixture("book-min");
    let chapter = dir.path().join("book/chapter.md");
    let body = std::fs::read_to_string(&chapter).expect("fixture chapter");
    std::fs::write(&chapter, format!("{body}\nSee [the intro](#a-chaptr).\n")).expect("chapter written");
    let o = cloudbook_in(&["check"], dir.path());
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    let line = body.lines().count() + 2;
    assert!(
        out.contains(&format!(
            "book/chapter.md:{line}:5: error: broken link \"#a-chaptr\": no heading or element in book/chapter.md has the id \"a-chaptr\"; did you mean \"#a-chapter\"?"
        )),
        "{out}"
    );
}

/// The ids `links::scan` computes for each page are exactly the heading ids in the HTML that
/// mdBook writes for it (the book is built without wasm, which changes no heading).
#[test]
fn anchor_ids_match_what_mdbook_writes() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let o = cloudbook_in(
        &["build", "--no-wasm", "--out", &out.path().display().to_string()],
        root(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let heading_id = regex_lite::Regex::new(r#"<(?:h[1-6]|dt) id="([^"]+)""#).expect("regex");
    let mut pages = Vec::new();
    collect_files(&root().join("book"), &mut pages).expect("book/ is readable");
    let mut compared = 0;
    for md in pages.iter().filter(|p| p.extension().is_some_and(|e| e == "md")) {
        let rel = md.strip_prefix(root().join("book")).expect("inside book/");
        if rel == Path::new("SUMMARY.md") {
            continue;
        }
        let html_path = out.path().join(rel).with_extension("html");
        let html_path = if rel.file_name().is_some_and(|n| n == "README.md") {
            html_path.with_file_name("index.html")
        } else {
            html_path
        };
        let html =
            std::fs::read_to_string(&html_path).unwrap_or_else(|e| panic!("{}: {e}", html_path.display()));
        let written: BTreeSet<String> = heading_id
            .captures_iter(&html)
            .map(|c| c[1].to_string())
            .collect();
        let markdown = std::fs::read_to_string(md).expect("page");
        assert_eq!(links::scan(&markdown).headings, written, "{}", rel.display());
        compared += written.len();
    }
    assert!(compared > 50, "the book's pages have headings: {compared}");
}

/// The course itself keeps every rule `cloudbook check` knows: quizzes and labs valid, a quiz on
/// every teaching page, every question's `source` resolving, every seed line mapped, glossary
/// terms defined and used, every link and anchor resolving. CI fails the moment a page breaks one.
#[test]
fn the_course_passes_cloudbook_check() {
    let o = cloudbook_in(&["check"], root());
    assert!(o.status.success(), "cloudbook check on the course:\n{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("no problems"),
        "{}",
        text(&o)
    );
}
