//! The translation catalog: what is extracted from the book, its quizzes and labs, and how a
//! language's PO file is applied to them.
//!
//! Chapter text is cut into runs (a paragraph, heading, list item, table cell, term or
//! definition) with mdBook's own parser options; each run's message is its Markdown as
//! `mdbook-i18n-helpers` normalises it (`extract_messages`), so the catalog reads like
//! comprehensive-rust's. Translation splices each translated run into the chapter by source
//! range instead of re-rendering the chapter with `gettext::translate_book`: that re-rendering
//! (pulldown-cmark-to-cmark, without definition lists or GitHub admonitions) turned the glossary
//! into paragraphs and `> [!NOTE]` into text. Quizzes and labs are not Markdown
//! chapters, so their learner-facing strings are added here as messages whose `msgctxt` names
//! the quiz and question (`quiz:<quiz>/<question>`) or the lab (`lab:<lab>`). Ids, answers, cell
//! code and goals are never messages: they stay language-neutral, so progress carries over.
//! Nothing here decides how a page looks; the edition build (`site.rs`) does that.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use anyhow::Context as _;
use mdbook_driver::MDBook;
use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use mdbook_preprocessor::book::{Book, BookItem};

use super::po::{Entry, PoFile};
use crate::cli::check_book::heading_ids;
use crate::cli::preprocess::{labs_in, transform_chapter};
use crate::course::Catalog as CourseCatalog;
use crate::lab::LabSpec;
use crate::quiz::{self, Quiz};

/// The context of the book's own strings (title and description of `book.toml`).
pub const BOOK_CONTEXT: &str = "book.toml";

/// Calls `f(context, line, text)` on every learner-facing string of a quiz and puts back what it
/// returns. Lines are those of the quiz file.
pub fn visit_quiz(q: &mut Quiz, f: &mut dyn FnMut(&str, u32, &str) -> String) {
    let ctx = quiz_context(&q.id, None);
    if let Some(t) = &mut q.title {
        *t = f(&ctx, q.at.line, t);
    }
    // `Quiz::render_markdown` already knows every Markdown field of every question type; it is
    // run on a one-question quiz so that each string gets its question's context.
    let questions = std::mem::take(&mut q.questions);
    for question in questions {
        let qctx = quiz_context(&q.id, Some(&question.id));
        let line = question.at.line;
        let mut one = Quiz {
            questions: vec![question],
            ..q.clone()
        };
        one.render_markdown(&mut |s| f(&qctx, line, s));
        q.questions.extend(one.questions);
    }
}

/// Calls `f(context, line, text)` on every learner-facing string of a lab: its title,
/// instructions, hints, what it does not model, and each goal as the page lists it. `line` is
/// the lab's fence line. The goals' texts land in [`LabSpec::goal_texts`] only when one differs
/// from its English, so the English page carries none.
pub fn visit_lab(l: &mut LabSpec, line: u32, f: &mut dyn FnMut(&str, u32, &str) -> String) {
    let ctx = format!("lab:{}", l.id);
    if let Some(t) = &mut l.title {
        *t = f(&ctx, line, t);
    }
    l.render_markdown(&mut |s| f(&ctx, line, s));
    let english: Vec<String> = l.goals.iter().map(|g| g.describe()).collect();
    let texts: Vec<String> = english.iter().map(|e| f(&ctx, line, e)).collect();
    if texts != english {
        l.goal_texts = texts;
    }
}

/// `quiz:<quiz>` for the quiz's title, `quiz:<quiz>/<question>` for a question's strings.
pub fn quiz_context(quiz: &str, question: Option<&str>) -> String {
    match question {
        Some(q) => format!("quiz:{quiz}/{q}"),
        None => format!("quiz:{quiz}"),
    }
}

/// The messages of the book in order: chapters (with SUMMARY.md), then `book.toml`, then every
/// quiz and lab in the order the chapters embed them. Deterministic: no dates, no hash order.
pub fn extract(root: &Path) -> anyhow::Result<Vec<Entry>> {
    let md = MDBook::load(root).with_context(|| format!("loading the book at {}", root.display()))?;
    let src = md.config.book.src.clone();
    let mut out = Messages::default();
    // Chapter and part titles first, in book order, as SUMMARY.md lists them.
    let summary = format!("{}/SUMMARY.md", src.to_string_lossy());
    for item in md.iter() {
        match item {
            BookItem::Chapter(ch) => out.add(None, &ch.name, vec![summary.clone()], ""),
            BookItem::PartTitle(t) => out.add(None, t, vec![summary.clone()], ""),
            BookItem::Separator => {}
        }
    }
    for item in md.iter() {
        let BookItem::Chapter(ch) = item else { continue };
        let Some(source) = &ch.source_path else { continue };
        let label = src.join(source).to_string_lossy().replace('\\', "/");
        for run in runs(&ch.content) {
            out.add(None, &run.msgid, vec![format!("{label}:{}", run.line)], "");
        }
    }
    if let Some(t) = &md.config.book.title {
        out.add(
            Some(BOOK_CONTEXT),
            t,
            vec!["book.toml".into()],
            "the book's title",
        );
    }
    if let Some(d) = &md.config.book.description {
        out.add(
            Some(BOOK_CONTEXT),
            d,
            vec!["book.toml".into()],
            "the book's description",
        );
    }
    for item in md.iter() {
        let BookItem::Chapter(ch) = item else { continue };
        let Some(source) = &ch.source_path else { continue };
        let label = src.join(source).to_string_lossy().replace('\\', "/");
        // The preprocessor asks for each quiz file its directives name, in page order.
        let mut paths = Vec::new();
        transform_chapter(&label, &ch.content, &mut |p| {
            paths.push(p.to_string());
            Err(String::new())
        });
        for p in paths {
            let text = std::fs::read_to_string(root.join(&p)).with_context(|| format!("reading {p}"))?;
            // A broken quiz is `cloudbook check`'s to report; its messages wait until it parses.
            let Ok(mut q) = quiz::parse_quiz(&p, &text) else {
                continue;
            };
            visit_quiz(&mut q, &mut |ctx, line, s| {
                out.add(Some(ctx), s, vec![format!("{p}:{line}")], "");
                s.to_string()
            });
        }
        if let Ok(labs) = labs_in(&label, &ch.content) {
            for (mut lab, line) in labs {
                visit_lab(&mut lab, line, &mut |ctx, line, s| {
                    out.add(Some(ctx), s, vec![format!("{label}:{line}")], "");
                    s.to_string()
                });
            }
        }
    }
    Ok(out.entries)
}

/// Messages being collected, unique by (context, text).
#[derive(Default)]
struct Messages {
    entries: Vec<Entry>,
    index: BTreeMap<(Option<String>, String), usize>,
}

impl Messages {
    fn add(&mut self, ctx: Option<&str>, text: &str, refs: Vec<String>, comment: &str) {
        let text = text.trim();
        if !has_prose(text) {
            return; // nothing to translate: `START RequestId: …`, a number
        }
        let key = (ctx.map(str::to_string), text.to_string());
        if let Some(&i) = self.index.get(&key) {
            let e = &mut self.entries[i];
            for r in refs {
                if !e.references.contains(&r) {
                    e.references.push(r);
                }
            }
            return;
        }
        self.index.insert(key, self.entries.len());
        self.entries.push(Entry {
            comments: comment
                .lines()
                .map(str::to_string)
                .filter(|l| !l.is_empty())
                .collect(),
            references: refs,
            msgctxt: ctx.map(str::to_string),
            msgid: text.to_string(),
            ..Entry::default()
        });
    }
}

/// A language's translations, as the build applies them. Untranslated and fuzzy messages fall
/// back to English.
pub struct Localizer {
    pub lang: String,
    used: BTreeMap<(Option<String>, String), String>,
}

impl Localizer {
    /// The localizer of `lang` from `po/<lang>.po` under `root`, or `None` for English.
    pub fn load(root: &Path, lang: Option<&str>) -> anyhow::Result<Option<Localizer>> {
        let Some(lang) = lang.filter(|l| *l != "en") else {
            return Ok(None);
        };
        let rel = format!("po/{lang}.po");
        let path = root.join(&rel);
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let file = super::po::parse(&rel, &text).map_err(|d| {
            anyhow::anyhow!("{rel} is malformed:\n{}", crate::diag::render_all(&d).trim_end())
        })?;
        Ok(Some(Localizer::from_file(lang, &file)))
    }

    pub fn from_file(lang: &str, file: &PoFile) -> Localizer {
        let used = file
            .entries
            .iter()
            .filter(|e| e.is_used())
            .map(|e| ((e.msgctxt.clone(), e.msgid.clone()), e.msgstr.clone()))
            .collect();
        Localizer {
            lang: lang.to_string(),
            used,
        }
    }

    /// The translation of `text` in `ctx`, or `text` itself.
    pub fn text(&self, ctx: Option<&str>, text: &str) -> String {
        let key = (ctx.map(str::to_string), text.trim().to_string());
        self.used.get(&key).cloned().unwrap_or_else(|| text.to_string())
    }

    /// A translated copy of a quiz (Markdown not rendered yet).
    pub fn quiz(&self, q: &Quiz) -> Quiz {
        let mut q = q.clone();
        visit_quiz(&mut q, &mut |ctx, _, s| self.text(Some(ctx), s));
        q
    }

    /// A translated copy of a lab (Markdown not rendered yet).
    pub fn lab(&self, l: &LabSpec) -> LabSpec {
        let mut l = l.clone();
        visit_lab(&mut l, 0, &mut |ctx, _, s| self.text(Some(ctx), s));
        l
    }

    /// The progress page's quiz and lab titles.
    pub fn course(&self, c: &mut CourseCatalog) {
        for ch in &mut c.chapters {
            for q in &mut ch.quizzes {
                q.title = self.text(Some(&quiz_context(&q.id, None)), &q.title);
            }
            for l in &mut ch.labs {
                l.title = self.text(Some(&format!("lab:{}", l.id)), &l.title);
            }
        }
    }

    /// Translates every chapter, chapter title and part title of the book in place.
    pub fn translate_book(&self, book: &mut Book) -> anyhow::Result<()> {
        book.for_each_mut(|item| match item {
            BookItem::Chapter(ch) => {
                ch.content = self.chapter(&ch.content);
                ch.name = self.text(None, &ch.name);
            }
            BookItem::PartTitle(t) => *t = self.text(None, t),
            BookItem::Separator => {}
        });
        Ok(())
    }

    /// A chapter with each translated run of text spliced in place of the English one; every
    /// other byte (code, HTML, directives, lab blocks, list and quote markers) stays as written.
    /// Headings keep the ids of the English edition, so links with anchors and the language
    /// picker land on the same section.
    pub fn chapter(&self, content: &str) -> String {
        let content = pin_heading_ids(content);
        let mut out = String::with_capacity(content.len() + content.len() / 2);
        let mut last = 0;
        for run in runs(&content) {
            let Some(tr) = self.used.get(&(None, run.msgid.clone())) else {
                continue;
            };
            out.push_str(&content[last..run.range.start]);
            out.push_str(&tr.replace('\n', &format!("\n{}", run.continuation)));
            last = run.range.end;
        }
        out.push_str(&content[last..]);
        out
    }
}

/// One run of inline text in a chapter: a paragraph, heading, list item, table cell, term or
/// definition; the unit of translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Its bytes in the chapter, from the first inline element to the end of the last.
    pub range: Range<usize>,
    /// Its line (1-based).
    pub line: u32,
    /// The message: the run's Markdown without line prefixes, as mdbook-i18n-helpers normalises it.
    pub msgid: String,
    /// What a continuation line needs in front (the `> ` of a quote, a list item's indent).
    pub continuation: String,
}

/// The runs of translatable text of a chapter, in order, found with mdBook's own parser options,
/// so definition lists and `> [!NOTE]` admonitions are read as mdBook reads them. Code blocks,
/// HTML blocks, `{{#…}}` directives and runs with no letters outside code spans are not runs.
pub fn runs(content: &str) -> Vec<Run> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut cur: Option<Range<usize>> = None;
    let mut depth = 0u32;
    let mut in_code = false;
    let mut flush = |cur: &mut Option<Range<usize>>| spans.extend(cur.take());
    for (event, range) in new_cmark_parser(content, &MarkdownOptions::default()).into_offset_iter() {
        let inline = match &event {
            Event::Start(t) => {
                if matches!(t, Tag::CodeBlock(_)) {
                    in_code = true;
                }
                is_inline(t)
            }
            Event::End(t) => {
                if matches!(t, TagEnd::CodeBlock) {
                    in_code = false;
                }
                let inline = is_inline_end(t);
                if inline {
                    depth = depth.saturating_sub(1);
                    continue;
                }
                false
            }
            Event::Text(_)
            | Event::Code(_)
            | Event::InlineHtml(_)
            | Event::SoftBreak
            | Event::HardBreak
            | Event::FootnoteReference(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => !in_code,
            _ => false,
        };
        if !inline {
            flush(&mut cur);
            continue;
        }
        if depth == 0 {
            cur = Some(cur.map_or(range.clone(), |c| c.start..range.end.max(c.end)));
        }
        if matches!(event, Event::Start(_)) {
            depth += 1;
        }
    }
    flush(&mut cur);
    let prefix = regex_lite::Regex::new(r"\n[ \t]*(?:>[ \t]?)*").expect("a valid pattern");
    // What would start a block if the run stood alone, as `extract_messages` reads it.
    let marker =
        regex_lite::Regex::new(r"^(?:[0-9]{1,9}[.)]|[-+*]|#{1,6}|>)[ \t]+").expect("a valid pattern");
    let mut out = Vec::new();
    for mut range in spans {
        // A table cell `1. AWS Lambda…` is inline text, but its message is normalised on its own,
        // where `1. ` is a list marker that the message drops. Leaving the marker out of the run
        // keeps the message as it is and the `1. ` in every edition.
        if let Some(m) = marker.find(&content[range.clone()])
            && !starts_message(&content[range.start + m.end()..range.end], m.as_str())
        {
            range.start += m.end();
        }
        let raw = &content[range.clone()];
        let text = prefix.replace_all(raw.trim_end(), "\n").into_owned();
        let bare = text.trim();
        if bare.is_empty() || (bare.starts_with("{{#") && bare.ends_with("}}")) || !has_prose(bare) {
            continue;
        }
        let msgid = match mdbook_i18n_helpers::extract_messages(bare).as_deref() {
            Ok([(_, m)]) => m.message.clone(),
            _ => bare.split_whitespace().collect::<Vec<_>>().join(" "),
        };
        let line_start = content[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let continuation: String = content[line_start..range.start]
            .chars()
            .map(|c| if c == '>' { '>' } else { ' ' })
            .collect();
        out.push(Run {
            line: crate::diag::line_col(content, range.start).0,
            range: range.start..range.start + raw.trim_end().len(),
            msgid,
            continuation,
        });
    }
    out
}

/// Whether `extract_messages` keeps `marker` at the start of the message of `marker` + `rest`
/// (it does not when the marker reads as a list item, a heading or a quote).
fn starts_message(rest: &str, marker: &str) -> bool {
    let whole = format!("{marker}{rest}");
    match mdbook_i18n_helpers::extract_messages(whole.trim()).as_deref() {
        Ok([(_, m)]) => m.message.starts_with(marker.trim_end()),
        _ => true,
    }
}

fn is_inline(t: &Tag) -> bool {
    matches!(
        t,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(t: &TagEnd) -> bool {
    matches!(
        t,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Whether `text` has a letter outside its code spans (a cell holding `128` or `` `timeout` ``
/// has nothing to translate).
fn has_prose(text: &str) -> bool {
    let mut in_code = false;
    text.chars().any(|c| {
        if c == '`' {
            in_code = !in_code;
        }
        !in_code && c != '`' && c.is_alphabetic()
    })
}

/// Writes each ATX heading's id as an explicit `{#id}`, computed as mdBook computes it, so a
/// translated heading keeps the English id.
pub fn pin_heading_ids(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 256);
    let mut last = 0;
    for (id, at) in heading_ids(content) {
        if !content[at..].starts_with('#') {
            continue; // a definition-list term, or a setext heading
        }
        let end = content[at..].find('\n').map_or(content.len(), |i| at + i);
        let line = content[at..end].trim_end();
        if line.ends_with('}') && line.contains("{#") {
            continue;
        }
        let line_end = at + line.len();
        out.push_str(&content[last..line_end]);
        out.push_str(&format!(" {{#{id}}}"));
        last = line_end;
    }
    out.push_str(&content[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_keep_their_english_ids() {
        let md = "# Your first function\n\nText.\n\n## What a function is\n\n## Set {#custom}\n\nTerm\n: definition\n";
        let pinned = pin_heading_ids(md);
        assert_eq!(
            pinned,
            "# Your first function {#your-first-function}\n\nText.\n\n## What a function is {#what-a-function-is}\n\n## Set {#custom}\n\nTerm\n: definition\n"
        );
        let ids = |t: &str| heading_ids(t).into_iter().map(|(id, _)| id).collect::<Vec<_>>();
        assert_eq!(ids(&pinned), ids(md));
    }

    const CHAPTER: &str = "# A *small* page\n\nOne line\nand another.\n\n> [!NOTE]\n> A note\n> on two lines.\n\n- An item\n  that wraps\n\n| Key | Meaning |\n|---|---|\n| `timeout` | Seconds |\n\nCold start\n: A new environment.\n\n{{#quiz quizzes/x.toml}}\n\n```lab\ntitle = \"not prose\"\n```\n";

    #[test]
    fn runs_follow_mdbooks_blocks() {
        let ids: Vec<(u32, String)> = runs(CHAPTER).into_iter().map(|r| (r.line, r.msgid)).collect();
        let want: Vec<(u32, String)> = [
            (1, "A _small_ page"),
            (3, "One line and another."),
            (7, "A note on two lines."),
            (10, "An item that wraps"),
            (13, "Key"),
            (13, "Meaning"),
            (15, "Seconds"),
            (17, "Cold start"),
            (18, "A new environment."),
        ]
        .into_iter()
        .map(|(l, m)| (l, m.to_string()))
        .collect();
        assert_eq!(ids, want);
    }

    /// A catalog translating each `(msgid, msgstr)`.
    fn catalog(pairs: &[(&str, &str)]) -> PoFile {
        PoFile {
            header: String::new(),
            entries: pairs
                .iter()
                .map(|(id, tr)| Entry {
                    msgid: (*id).into(),
                    msgstr: (*tr).into(),
                    ..Entry::default()
                })
                .collect(),
        }
    }

    #[test]
    fn a_translated_chapter_keeps_every_other_byte() {
        let file = catalog(&[
            ("A _small_ page", "작은 페이지"),
            ("A note on two lines.", "두 줄의\n메모입니다."),
            ("Cold start", "콜드 스타트"),
        ]);
        let ko = Localizer::from_file("ko", &file).chapter(CHAPTER);
        assert_eq!(
            ko,
            CHAPTER
                .replace("# A *small* page", "# 작은 페이지 {#a-small-page}")
                .replace("> A note\n> on two lines.", "> 두 줄의\n> 메모입니다.")
                .replace("Cold start\n:", "콜드 스타트\n:")
        );
    }

    #[test]
    fn a_numbered_table_cell_keeps_its_number_in_translation() {
        let md = "| Id | Topic |\n|---|---|\n| S1 | 1. AWS Lambda runs code |\n| S2 | 12) Containers |\n";
        let msgs: Vec<String> = runs(md).into_iter().map(|r| r.msgid).collect();
        assert_eq!(
            msgs,
            ["Id", "Topic", "S1", "AWS Lambda runs code", "S2", "Containers"]
        );
        let file = catalog(&[
            ("AWS Lambda runs code", "AWS Lambda는 코드를 실행"),
            ("Containers", "컨테이너"),
        ]);
        let ko = Localizer::from_file("ko", &file).chapter(md);
        assert!(ko.contains("| S1 | 1. AWS Lambda는 코드를 실행 |"), "{ko}");
        assert!(ko.contains("| S2 | 12) 컨테이너 |"), "{ko}");
    }
}
