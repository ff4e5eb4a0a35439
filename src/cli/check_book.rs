//! The book-wide checks of `cloudbook check` that look at pages rather than at one quiz or lab:
//! every question's `source` resolves to a heading of the book, every teaching page embeds a
//! quiz, every seed line maps to an existing section, every glossary link names a defined term
//! and every defined term is used somewhere.
//!
//! Heading ids are computed as mdBook 0.5 computes them (its function is private, so
//! [`heading_ids`] repeats it and a test pins it on mdBook's own examples). This module reads
//! what the book already loaded; it reads no file itself and does not check ordinary links.

use std::collections::BTreeSet;

use mdbook_driver::MDBook;
use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use mdbook_preprocessor::book::BookItem;

use super::links::{heading_id, unique};
use super::preprocess::Embed;
use crate::diag::{Diagnostic, line_col};
use crate::quiz::closest;

/// The part of SUMMARY.md that is an appendix, not teaching: its pages need no quiz.
pub const REFERENCE_PART: &str = "Reference";
/// The glossary page, relative to the book's `src`.
pub const GLOSSARY: &str = "reference/glossary.md";
/// The seed-coverage page, relative to the book's `src`.
pub const SEED_COVERAGE: &str = "reference/seed-coverage.md";
/// The words the status column of the seed-coverage table may start with.
pub const SEED_STATUSES: &[&str] = &["covered", "corrected", "extended", "thin"];

/// One page of the book as SUMMARY.md lists it.
struct Page<'a> {
    /// Relative to the book's `src` (`lambda/triggers.md`), as `source` keys name it.
    rel: String,
    /// As diagnostics name it (`book/lambda/triggers.md`), the label `check` gives its embeds.
    label: String,
    content: &'a str,
    /// Listed under a part of SUMMARY.md other than [`REFERENCE_PART`].
    teaching: bool,
    ids: BTreeSet<String>,
}

/// Runs every check of this module. `pages` are the chapters with what `transform_chapter` found
/// on them, labelled as `check` labels them.
pub fn check_book(md: &MDBook, pages: &[(String, Vec<Embed>)]) -> Vec<Diagnostic> {
    let src = md.config.book.src.to_string_lossy().replace('\\', "/");
    let mut book: Vec<Page<'_>> = Vec::new();
    let mut part: Option<&str> = None;
    for item in md.iter() {
        match item {
            BookItem::PartTitle(title) => part = Some(title.as_str()),
            BookItem::Chapter(ch) => {
                let Some(source) = &ch.source_path else { continue };
                let rel = source.to_string_lossy().replace('\\', "/");
                book.push(Page {
                    label: format!("{src}/{rel}"),
                    rel,
                    content: &ch.content,
                    teaching: part.is_some_and(|p| p != REFERENCE_PART),
                    ids: heading_ids(&ch.content).into_iter().map(|(id, _)| id).collect(),
                });
            }
            BookItem::Separator => {}
        }
    }
    let mut diags = Vec::new();
    teaching_pages_have_quizzes(&book, pages, &mut diags);
    sources_resolve(&book, pages, &mut diags);
    seed_lines_resolve(&book, &mut diags);
    glossary_links_resolve(&book, &mut diags);
    diags
}

/// Every teaching page embeds at least one quiz.
fn teaching_pages_have_quizzes(
    book: &[Page<'_>],
    pages: &[(String, Vec<Embed>)],
    diags: &mut Vec<Diagnostic>,
) {
    for page in book.iter().filter(|p| p.teaching) {
        let has_quiz = pages
            .iter()
            .filter(|(label, _)| *label == page.label)
            .flat_map(|(_, embeds)| embeds)
            .any(|e| matches!(e, Embed::Quiz { .. }));
        if !has_quiz {
            let stem = page.rel.trim_end_matches(".md").replace('/', "-");
            diags.push(Diagnostic::error(
                &page.label,
                1,
                1,
                format!(
                    "teaching page has no quiz: end it with {{{{#quiz quizzes/{stem}.toml}}}} \
                     (every page listed under a part of SUMMARY.md other than \"{REFERENCE_PART}\" needs one)"
                ),
            ));
        }
    }
}

/// Every question of every quiz embedded in the book names, in `source`, a heading that exists.
fn sources_resolve(book: &[Page<'_>], pages: &[(String, Vec<Embed>)], diags: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for (label, embeds) in pages {
        for e in embeds {
            let Embed::Quiz { source: path, quiz } = e else {
                continue;
            };
            if !seen.insert(path.as_str()) {
                continue;
            }
            let shown_on = book
                .iter()
                .find(|p| p.label == *label)
                .map_or("lambda/triggers.md", |p| p.rel.as_str());
            for q in &quiz.questions {
                let Some(s) = &q.source else {
                    diags.push(Diagnostic::error(
                        path.as_str(),
                        q.at.line,
                        q.at.col,
                        format!(
                            "question \"{}\" has no source: add source = \"{shown_on}#<heading id>\" \
                             naming the section that teaches it",
                            q.id
                        ),
                    ));
                    continue;
                };
                let err = |message: String| Diagnostic::error(path.as_str(), s.at.line, s.at.col, message);
                let Some((page, id)) = s.split() else {
                    diags.push(err(format!(
                        "source \"{}\" must be \"<page>.md#<heading id>\", the page relative to the book's \
                         folder, e.g. \"{shown_on}#…\"",
                        s.target
                    )));
                    continue;
                };
                match book.iter().find(|p| p.rel == page) {
                    None => {
                        let hint = closest(page, book.iter().map(|p| p.rel.as_str()))
                            .map(|c| format!("did you mean \"{c}\"? "))
                            .unwrap_or_default();
                        diags.push(err(format!(
                            "source page \"{page}\" is not in SUMMARY.md ({hint}pages are relative to the book's folder)"
                        )));
                    }
                    Some(p) if !p.ids.contains(id) => {
                        diags.push(err(missing_id(id, p)));
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

/// The message for an anchor that is not on `page`, with the nearest ids as the fix.
fn missing_id(id: &str, page: &Page<'_>) -> String {
    let hint = match closest(id, page.ids.iter().map(String::as_str)) {
        Some(c) => format!("did you mean \"{c}\"?"),
        None => format!(
            "its headings are: {}",
            page.ids.iter().take(12).cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    format!("\"{}\" has no heading with id \"{id}\" ({hint})", page.rel)
}

/// Resolves a link written on `from` (relative to the book's folder) to a page and an anchor.
fn resolve<'b, 'p>(
    book: &'b [Page<'p>],
    from: &str,
    target: &str,
) -> Option<(Option<&'b Page<'p>>, String, String)> {
    if target.contains("://") || target.starts_with("mailto:") {
        return None;
    }
    let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
    if file.is_empty() {
        return Some((
            book.iter().find(|p| p.rel == from),
            from.to_string(),
            anchor.to_string(),
        ));
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in file.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    let rel = parts.join("/");
    Some((book.iter().find(|p| p.rel == rel), rel, anchor.to_string()))
}

/// Every numbered row of the seed-coverage table links at least one section that exists and ends
/// with a known status.
fn seed_lines_resolve(book: &[Page<'_>], diags: &mut Vec<Diagnostic>) {
    let Some(seed) = book.iter().find(|p| p.rel == SEED_COVERAGE) else {
        return;
    };
    let mut offset = 0;
    for line in seed.content.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
        let is_row = cells.len() >= 3
            && cells[0].len() >= 2
            && cells[0].starts_with(|c: char| c.is_ascii_uppercase())
            && cells[0][1..].chars().all(|c| c.is_ascii_digit());
        if !is_row {
            continue;
        }
        let (l, c) = line_col(seed.content, start);
        let row = cells[0];
        let mut links = 0;
        let mut from = 0;
        while let Some(i) = line[from..].find("](") {
            let at = from + i + 2;
            let Some(end) = line[at..].find(')') else { break };
            let target = &line[at..at + end];
            from = at + end;
            links += 1;
            let (tl, tc) = line_col(seed.content, start + at);
            match resolve(book, &seed.rel, target) {
                Some((None, rel, _)) => diags.push(Diagnostic::error(
                    &seed.label,
                    tl,
                    tc,
                    format!("seed line {row} maps to \"{rel}\", which is not a page in SUMMARY.md (link the page that teaches it)"),
                )),
                Some((Some(p), _, anchor)) if !anchor.is_empty() && !p.ids.contains(&anchor) => diags.push(
                    Diagnostic::error(&seed.label, tl, tc, format!("seed line {row}: {}", missing_id(&anchor, p))),
                ),
                _ => {}
            }
        }
        if links == 0 {
            diags.push(Diagnostic::error(
                &seed.label,
                l,
                c,
                format!("seed line {row} maps to no section: link the section that teaches it in the \"Taught in\" column"),
            ));
        }
        let status = cells.last().copied().unwrap_or_default();
        let word = status
            .split(|ch: char| !ch.is_ascii_alphabetic())
            .next()
            .unwrap_or_default();
        if !SEED_STATUSES.contains(&word) {
            diags.push(Diagnostic::error(
                &seed.label,
                l,
                c,
                format!(
                    "seed line {row} has status \"{status}\"; start the last column with one of: {}",
                    SEED_STATUSES.join(", ")
                ),
            ));
        }
    }
}

/// Every link to the glossary names a term it defines, and every term it defines is used on some
/// page: linked by hand, or found where the preprocessor links it.
fn glossary_links_resolve(book: &[Page<'_>], diags: &mut Vec<Diagnostic>) {
    let Some(glossary) = book.iter().find(|p| p.rel == GLOSSARY) else {
        return;
    };
    let terms = super::glossary::terms(glossary.content);
    let mut used: BTreeSet<String> = BTreeSet::new();
    for page in book {
        let (linked, ids) = super::glossary::link_terms(&page.rel, page.content, &terms);
        used.extend(ids);
        diags.extend(super::glossary::lost_emphasis(&page.label, page.content, &linked));
        for (event, range) in new_cmark_parser(page.content, &MarkdownOptions::default()).into_offset_iter() {
            // A term written as code (`Init Duration`) is used, though never linked there.
            if let Event::Code(code) = &event
                && page.rel != GLOSSARY
            {
                used.extend(super::glossary::mentions(code, &terms));
                continue;
            }
            let Event::Start(Tag::Link { dest_url, .. }) = event else {
                continue;
            };
            let Some((Some(p), _, anchor)) = resolve(book, &page.rel, &dest_url) else {
                continue;
            };
            if p.rel != GLOSSARY || anchor.is_empty() {
                continue;
            }
            if glossary.ids.contains(&anchor) {
                used.insert(anchor);
                continue;
            }
            let (l, c) = line_col(page.content, range.start);
            diags.push(Diagnostic::error(
                &page.label,
                l,
                c,
                format!(
                    "glossary term \"{anchor}\" is used but not defined: add it to {GLOSSARY} as a definition \
                     list entry, or link an existing term ({})",
                    closest(&anchor, glossary.ids.iter().map(String::as_str))
                        .map_or_else(|| "see the glossary's terms".to_string(), |c| format!("did you mean \"{c}\"?"))
                ),
            ));
        }
    }
    for (id, at) in heading_ids(glossary.content) {
        if terms.iter().any(|t| t.id == id) && !used.contains(&id) {
            let (l, c) = line_col(glossary.content, at);
            diags.push(Diagnostic::error(
                &glossary.label,
                l,
                c,
                format!(
                    "glossary term \"{id}\" is used on no page: remove it, or write it on a page as the \
                     glossary spells it (the name in parentheses after a term counts too)"
                ),
            ));
        }
    }
}

/// The ids mdBook 0.5 gives a page's headings and definition-list terms, in order, with the byte
/// offset of each: an explicit `{#id}` as written, otherwise the text lowercased, whitespace
/// turned into `-`, everything but letters, digits, `_` and `-` dropped, and `-1`, `-2`, …
/// appended to repeats.
pub fn heading_ids(content: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut current: Option<(String, usize, Option<String>)> = None;
    for (event, range) in new_cmark_parser(content, &MarkdownOptions::default()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                current = Some((String::new(), range.start, id.map(|i| i.to_string())))
            }
            Event::Start(Tag::DefinitionListTitle) => current = Some((String::new(), range.start, None)),
            Event::Text(t) | Event::Code(t) => {
                if let Some((text, _, _)) = &mut current {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_) | TagEnd::DefinitionListTitle) => {
                if let Some((text, at, explicit)) = current.take() {
                    let id = match explicit {
                        Some(id) => id,
                        None => unique(heading_id(&text), &mut used),
                    };
                    out.push((id, at));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_mdbooks_own_examples() {
        // mdBook 0.5.4's tests of id_from_content, and its unique_id suffixes.
        assert_eq!(
            heading_id("`--passes`: add more rustdoc passes"),
            "--passes-add-more-rustdoc-passes"
        );
        assert_eq!(
            heading_id("Method-call 🐙 expressions \u{1f47c}"),
            "method-call--expressions-"
        );
        assert_eq!(heading_id("中文標題 CJK title"), "中文標題-cjk-title");
        assert_eq!(heading_id("Über"), "über");
        let page = "# Pricing\n\n## Two meters: requests and duration\n\n## It's `/tmp`\n\n## Pricing\n\n\
                    ### Custom {#mine}\n\nCold start\n: The first call.\n";
        let ids: Vec<String> = heading_ids(page).into_iter().map(|(id, _)| id).collect();
        assert_eq!(
            ids,
            [
                "pricing",
                "two-meters-requests-and-duration",
                "its-tmp",
                "pricing-1",
                "mine",
                "cold-start"
            ]
        );
    }

    #[test]
    fn links_resolve_relative_to_their_page() {
        let page = |rel: &str| Page {
            rel: rel.into(),
            label: format!("book/{rel}"),
            content: "",
            teaching: false,
            ids: BTreeSet::new(),
        };
        let book = [page("lambda/triggers.md"), page("reference/glossary.md")];
        let r = |from, target| resolve(&book, from, target).map(|(p, rel, a)| (p.is_some(), rel, a));
        assert_eq!(
            r("lambda/triggers.md", "../reference/glossary.md#cold-start"),
            Some((true, "reference/glossary.md".into(), "cold-start".into()))
        );
        assert_eq!(
            r("lambda/triggers.md", "#x"),
            Some((true, "lambda/triggers.md".into(), "x".into()))
        );
        assert_eq!(
            r("lambda/triggers.md", "nope.md"),
            Some((false, "lambda/nope.md".into(), String::new()))
        );
        assert_eq!(r("lambda/triggers.md", "https://aws.amazon.com/"), None);
    }
}
