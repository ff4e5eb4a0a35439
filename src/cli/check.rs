//! `cloudbook check`: validates every quiz and lab the book references, prints each problem as
//! `path:line:col: error: message`, and exits 1 if there is any. It builds nothing.
//!
//! Every lab is also replayed headless through the same core as the page ([`crate::lab::check_lab`]):
//! its reference solution must reach every goal, and its starting cells must miss at least one.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use mdbook_driver::MDBook;
use mdbook_preprocessor::book::BookItem;

use super::preprocess::{Embed, cross_check, find_book_root, transform_chapter};
use crate::diag::{Diagnostic, render_all};

pub fn check(root: &Path) -> anyhow::Result<ExitCode> {
    let root = find_book_root(root)?;
    let md = MDBook::load(&root).with_context(|| format!("loading the book at {}", root.display()))?;
    let src = md.config.book.src.clone();
    let mut diagnostics = Vec::new();
    let mut pages = Vec::new();
    let (mut chapters, mut quizzes, mut labs) = (0, 0, 0);
    for item in md.iter() {
        let BookItem::Chapter(ch) = item else { continue };
        let Some(source) = &ch.source_path else { continue };
        chapters += 1;
        let label = src.join(source).to_string_lossy().replace('\\', "/");
        let t = transform_chapter(&label, &ch.content, &mut |p| {
            std::fs::read_to_string(root.join(p)).map_err(|e| {
                format!(
                    "cannot read quiz file \"{p}\" ({e}): quiz paths are relative to the folder of book.toml"
                )
            })
        });
        let mut lab_lines = t.lab_lines.iter();
        for e in &t.embeds {
            match e {
                Embed::Quiz { .. } => quizzes += 1,
                Embed::Lab(spec) => {
                    labs += 1;
                    let line = lab_lines.next().copied().unwrap_or(1);
                    for problem in crate::lab::check_lab(spec).problems() {
                        diagnostics.push(Diagnostic::error(
                            label.clone(),
                            line,
                            1,
                            format!("lab \"{}\": {problem}", spec.id),
                        ));
                    }
                }
            }
        }
        diagnostics.extend(t.diagnostics);
        pages.push((label, t.embeds));
    }
    diagnostics.extend(cross_check(&pages));
    // Seed-coverage rows and glossary links are links that `check_book` checks with a more
    // specific message; the generic link checker's report of the same line would say it twice.
    let specific = super::check_book::check_book(&md, &pages);
    let lines: std::collections::BTreeSet<(&str, u32)> =
        specific.iter().map(|d| (d.path.as_str(), d.line)).collect();
    let generic: Vec<_> = super::links::check_book(&root, &src)?
        .into_iter()
        .filter(|d| !lines.contains(&(d.path.as_str(), d.line)))
        .collect();
    diagnostics.extend(generic);
    diagnostics.extend(super::i18n::verify::check(&root)?);
    diagnostics.extend(super::i18n::verify::linked_editions(&root, &md)?);
    diagnostics.extend(specific);
    diagnostics.sort();
    if diagnostics.is_empty() {
        println!(
            "checked {}, {} and {}: no problems",
            count(chapters, "chapter", "chapters"),
            count(quizzes, "quiz", "quizzes"),
            count(labs, "lab", "labs")
        );
        Ok(ExitCode::SUCCESS)
    } else {
        print!("{}", render_all(&diagnostics));
        println!("{} problem(s) in {chapters} chapters", diagnostics.len());
        Ok(ExitCode::FAILURE)
    }
}

/// "1 lab", "2 labs".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
