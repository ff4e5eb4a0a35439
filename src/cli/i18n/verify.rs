//! What `cloudbook check` asks of every catalog in `po/`: it parses, and each translation keeps
//! what the build and the reader rely on: the same `{{#…}}` directives, links (with their
//! anchors), code spans and placeholders as its English message. Problems are reported at the
//! line of the `msgstr` in the PO file, with the fix.
//! It also links each edition's glossary terms as the build does and reports emphasis the links
//! would break. It does not judge the translation itself; a reviewer does.

use std::collections::BTreeMap;
use std::path::Path;

use mdbook_markdown::pulldown_cmark::{Event, Tag};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};

use mdbook_driver::MDBook;
use mdbook_preprocessor::book::BookItem;

use super::Localizer;
use super::po::{self, Entry};
use crate::cli::glossary;
use crate::diag::Diagnostic;

/// Every problem of every `po/<lang>.po` under `root`.
pub fn check(root: &Path) -> anyhow::Result<Vec<Diagnostic>> {
    let mut diags = Vec::new();
    for lang in super::languages(root)? {
        let rel = format!("{}/{lang}.po", super::PO_DIR);
        let text = std::fs::read_to_string(root.join(&rel))?;
        diags.extend(check_text(&rel, &text));
    }
    Ok(diags)
}

/// Every translated page keeps its emphasis once the build links its glossary terms: the
/// chapters of each edition are translated and linked as the build does it, and a line whose
/// `*…*` or `**…**` no longer renders is reported at the `msgstr` it comes from (or at the
/// chapter's line, in the edition, when no single translation holds it).
pub fn linked_editions(root: &Path, md: &MDBook) -> anyhow::Result<Vec<Diagnostic>> {
    let src = &md.config.book.src;
    let chapters: Vec<(String, String, &str)> = md
        .iter()
        .filter_map(|item| match item {
            BookItem::Chapter(ch) => ch.source_path.as_ref().map(|s| {
                let rel = s.to_string_lossy().replace('\\', "/");
                let label = src.join(s).to_string_lossy().replace('\\', "/");
                (rel, label, ch.content.as_str())
            }),
            _ => None,
        })
        .collect();
    let glossary_terms = |pages: &[(String, String, String)]| {
        pages
            .iter()
            .find(|(rel, _, _)| rel == glossary::GLOSSARY_PAGE)
            .map(|(_, _, text)| glossary::terms(text))
            .unwrap_or_default()
    };
    let english: Vec<(String, String, String)> = chapters
        .iter()
        .map(|(r, l, c)| (r.clone(), l.clone(), c.to_string()))
        .collect();
    let english_terms = glossary_terms(&english);
    let mut diags = Vec::new();
    for lang in super::languages(root)? {
        let rel = format!("{}/{lang}.po", super::PO_DIR);
        // A catalog that does not parse is reported by `check`.
        let Ok(Some(file)) = super::read_po(root, &rel) else {
            continue;
        };
        let loc = Localizer::from_file(&lang, &file);
        let pages: Vec<(String, String, String)> = english
            .iter()
            .map(|(r, l, c)| (r.clone(), l.clone(), loc.chapter(c)))
            .collect();
        let terms = glossary::edition_terms(&english_terms, &glossary_terms(&pages));
        for (page, label, text) in &pages {
            let (linked, _) = glossary::link_terms(page, text, &terms);
            for d in glossary::lost_emphasis(&format!("{label} ({lang} edition)"), text, &linked) {
                diags.push(at_msgstr(d, text, &rel, &file.entries));
            }
        }
    }
    Ok(diags)
}

/// `d`, a problem on a line of a translated chapter `text`, moved to the line of the `msgstr`
/// that wrote that line, when one did.
fn at_msgstr(d: Diagnostic, text: &str, po: &str, entries: &[Entry]) -> Diagnostic {
    let line = text.lines().nth(d.line as usize - 1).unwrap_or("");
    let from = entries.iter().find(|e| {
        e.is_used()
            && e.msgctxt.is_none()
            && e.msgstr
                .lines()
                .any(|l| !l.trim().is_empty() && line.contains(l.trim()))
    });
    match from {
        Some(e) => Diagnostic::error(po, e.msgstr_line, 1, format!("on {}: {}", d.path, d.message)),
        None => d,
    }
}

/// The problems of one catalog's text; `path` names it in diagnostics.
pub fn check_text(path: &str, text: &str) -> Vec<Diagnostic> {
    match po::parse(path, text) {
        Err(d) => d,
        Ok(file) => file
            .entries
            .iter()
            .filter(|e| e.is_used())
            .flat_map(|e| check_entry(path, e))
            .collect(),
    }
}

/// What a message must keep, each kind in a multiset.
#[derive(Default)]
struct Kept {
    directives: BTreeMap<String, u32>,
    links: BTreeMap<String, u32>,
    code: BTreeMap<String, u32>,
    placeholders: BTreeMap<String, u32>,
    /// Emphasis and strong emphasis that render as such.
    emphasis: u32,
}

fn kept(text: &str) -> Kept {
    let mut k = Kept::default();
    let add = |m: &mut BTreeMap<String, u32>, s: &str| *m.entry(s.to_string()).or_default() += 1;
    let mut prose = String::new();
    for event in new_cmark_parser(text, &MarkdownOptions::default()) {
        match event {
            Event::Code(c) => add(&mut k.code, &c),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                add(&mut k.links, &dest_url)
            }
            Event::Text(t) => prose.push_str(&t),
            Event::Start(Tag::Emphasis | Tag::Strong) => k.emphasis += 1,
            _ => {}
        }
        prose.push('\u{1}');
    }
    let mut from = 0;
    while let Some(i) = text[from..].find("{{#") {
        let start = from + i;
        let end = text[start..].find("}}").map_or(text.len(), |j| start + j + 2);
        add(&mut k.directives, &text[start..end]);
        from = end;
    }
    // `{name}`, `{0}` and printf-style `%s`/`%d` in prose; braces in code spans are code.
    let re = regex_lite::Regex::new(r"\{[A-Za-z0-9_.]*\}|%[sd]").expect("a valid pattern");
    for m in re.find_iter(&prose) {
        if !m.as_str().starts_with("{{") {
            add(&mut k.placeholders, m.as_str());
        }
    }
    k
}

fn check_entry(path: &str, e: &Entry) -> Vec<Diagnostic> {
    let (en, tr) = (kept(&e.msgid), kept(&e.msgstr));
    let mut diags = Vec::new();
    // A link whose page is kept but whose anchor changed is named as an anchor.
    let anchors = |m: &BTreeMap<String, u32>| -> BTreeMap<String, u32> {
        m.keys()
            .filter_map(|l| l.split_once('#').map(|(p, _)| p.to_string()))
            .map(|p| (p, 1))
            .collect()
    };
    let (en_pages, tr_pages) = (anchors(&en.links), anchors(&tr.links));
    let anchor_only: Vec<String> = en
        .links
        .keys()
        .filter(|l| !tr.links.contains_key(*l))
        .filter_map(|l| l.split_once('#').map(|(p, _)| p.to_string()))
        .filter(|p| tr_pages.contains_key(p) && en_pages.contains_key(p))
        .collect();
    for l in en.links.keys().filter(|l| !tr.links.contains_key(*l)) {
        if let Some((p, a)) = l.split_once('#')
            && anchor_only.iter().any(|x| x == p)
        {
            diags.push(Diagnostic::error(
                path,
                e.msgstr_line,
                1,
                format!(
                    "the translation changes the anchor `#{a}` of the link to `{p}` (fix: keep `{l}`: headings keep their English ids in every edition)"
                ),
            ));
        }
    }
    if tr.emphasis < en.emphasis {
        diags.push(Diagnostic::error(
            path,
            e.msgstr_line,
            1,
            format!(
                "the translation has {} emphasis (*…* or **…**) that renders, its msgid {} (fix: CommonMark does not close `_…_` before a letter, nor `*…*` after punctuation before a letter: write *핸들러*를, and put a space after `**Hello!**`)",
                tr.emphasis, en.emphasis
            ),
        ));
    }
    let mut report = |what: &str, fix: &str, a: &BTreeMap<String, u32>, b: &BTreeMap<String, u32>| {
        for (item, n) in a {
            let m = b.get(item).copied().unwrap_or(0);
            if m < *n {
                diags.push(Diagnostic::error(
                    path,
                    e.msgstr_line,
                    1,
                    format!("the translation drops the {what} `{item}` of its msgid (fix: {fix})"),
                ));
            }
        }
        for (item, n) in b {
            if a.get(item).copied().unwrap_or(0) < *n {
                diags.push(Diagnostic::error(
                    path,
                    e.msgstr_line,
                    1,
                    format!(
                        "the translation adds the {what} `{item}`, which its msgid does not have (fix: {fix})"
                    ),
                ));
            }
        }
    };
    report(
        "directive",
        "copy the directive unchanged; the build expands it",
        &en.directives,
        &tr.directives,
    );
    let en_links: BTreeMap<String, u32> = en
        .links
        .iter()
        .filter(|(l, _)| !is_anchor_change(l, &anchor_only))
        .map(|(l, n)| (l.clone(), *n))
        .collect();
    let tr_links: BTreeMap<String, u32> = tr
        .links
        .iter()
        .filter(|(l, _)| !is_anchor_change(l, &anchor_only))
        .map(|(l, n)| (l.clone(), *n))
        .collect();
    report(
        "link",
        "keep the link's target exactly as in English; translate only its text",
        &en_links,
        &tr_links,
    );
    report(
        "code span",
        "keep the text between backticks unchanged: it is code, a value or a name",
        &en.code,
        &tr.code,
    );
    report(
        "placeholder",
        "keep the placeholder exactly as written",
        &en.placeholders,
        &tr.placeholders,
    );
    diags
}

fn is_anchor_change(link: &str, pages: &[String]) -> bool {
    link.split_once('#')
        .is_some_and(|(p, _)| pages.iter().any(|x| x == p))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "msgid \"\"\nmsgstr \"Language: ko\\n\"\n\n";

    fn problems(entries: &str) -> Vec<String> {
        check_text("po/ko.po", &format!("{HEADER}{entries}"))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_faithful_translation_passes() {
        let ok = "msgid \"Run the `run` cell; see [Configuration](configuration.md#memory).\"\nmsgstr \"`run` 셀을 실행하세요. [구성](configuration.md#memory)을 참고하세요.\"\n";
        assert_eq!(problems(ok), Vec::<String>::new());
    }

    #[test]
    fn broken_translations_are_reported_at_their_msgstr_line() {
        let bad = "\
msgid \"Press `Run`.\"
msgstr \"Run을 누르세요.\"

msgid \"See [Configuration](configuration.md#memory).\"
msgstr \"[구성](configuration.md#memori)을 보세요.\"

msgid \"{{#quiz quizzes/a.toml}}\"
msgstr \"{{#quiz quizzes/b.toml}}\"

#, fuzzy
msgid \"Fuzzy `x` is not used.\"
msgstr \"무시됨\"

msgid \"Hello, {name}!\"
msgstr \"안녕하세요!\"

msgid \"You write the _handler_ and say **Hello!** twice.\"
msgstr \"_핸들러_를 작성하고 **Hello!**를 두 번 말합니다.\"
";
        let p = problems(bad);
        assert!(
            p.iter()
                .any(|d| d.starts_with("po/ko.po:5:1: error: the translation drops the code span `Run`")),
            "{p:#?}"
        );
        assert!(
            p.iter()
                .any(|d| d.starts_with("po/ko.po:8:1: error: the translation changes the anchor `#memory`")),
            "{p:#?}"
        );
        assert!(
            p.iter().any(|d| d.starts_with(
                "po/ko.po:11:1: error: the translation drops the directive `{{#quiz quizzes/a.toml}}`"
            )),
            "{p:#?}"
        );
        assert!(
            p.iter()
                .any(|d| d.starts_with("po/ko.po:11:1: error: the translation adds the directive")),
            "{p:#?}"
        );
        assert!(
            p.iter().any(
                |d| d.starts_with("po/ko.po:18:1: error: the translation drops the placeholder `{name}`")
            ),
            "{p:#?}"
        );
        assert!(
            !p.iter().any(|d| d.contains(":15:")),
            "fuzzy entries are not used, so not checked: {p:#?}"
        );
        assert!(
            p.iter()
                .any(|d| d.starts_with("po/ko.po:21:1: error: the translation has 0 emphasis")),
            "{p:#?}"
        );
        assert_eq!(p.len(), 6, "{p:#?}");
    }

    #[test]
    fn a_malformed_catalog_is_reported_at_its_line() {
        let p = problems("msgid \"a\"\nmsgstr \"b\" trailing\n");
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(
            p[0].starts_with("po/ko.po:5:12: error: text after the closing quote"),
            "{p:#?}"
        );
    }
}
