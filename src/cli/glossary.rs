//! The glossary appendix as data, and the preprocessor step that links the first use of each of
//! its terms on every other page, so authors never hand-link a term.
//!
//! The glossary page (`book/reference/glossary.md`) is a Markdown definition list: each term is a
//! `dt`, to which mdBook gives an id (`Cold start` → `#cold-start`). A term written `ECS (Amazon
//! Elastic Container Service)` is found in pages under both names. Linking splices Markdown links
//! into the chapter by pulldown-cmark source ranges, only inside plain text: never in code, HTML
//! (quiz and lab placeholders), headings, definition terms, links or images; a term that is all
//! of an emphasis span is linked around it, so `**Amazon ECR**이` still closes its `**`. An
//! edition in another language links the translated names to the English ids. It does not decide
//! whether a term is defined; `check_book` reports links to terms that are not.

use std::collections::BTreeMap;
use std::ops::Range;

use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};

pub use super::check_book::GLOSSARY as GLOSSARY_PAGE;
use super::check_book::GLOSSARY;
use super::i18n::search::PARTICLES;
use super::links::heading_id;
use crate::diag::{Diagnostic, line_col};

/// One defined term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The anchor mdBook gives it on the glossary page.
    pub id: String,
    /// The names it is found under in pages, longest first.
    pub forms: Vec<String>,
}

/// The terms of a glossary page, in the order written.
pub fn terms(glossary: &str) -> Vec<Term> {
    let ids = super::check_book::heading_ids(glossary);
    let mut out = Vec::new();
    let mut text: Option<String> = None;
    for (event, range) in new_cmark_parser(glossary, &MarkdownOptions::default()).into_offset_iter() {
        match event {
            Event::Start(Tag::DefinitionListTitle) => text = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(s) = &mut text {
                    s.push_str(&t);
                }
            }
            Event::End(TagEnd::DefinitionListTitle) => {
                let Some(name) = text.take() else { continue };
                // The id the page gives this very `dt` (repeats get suffixes there too).
                let id = ids
                    .iter()
                    .rev()
                    .find(|(_, at)| *at <= range.start)
                    .map_or_else(|| heading_id(&name), |(id, _)| id.clone());
                out.push(Term {
                    id,
                    forms: forms(&name),
                });
            }
            _ => {}
        }
    }
    out
}

/// `ECS (Amazon Elastic Container Service)` → `Amazon Elastic Container Service`, `ECS`.
fn forms(name: &str) -> Vec<String> {
    let name = name.trim();
    let mut forms = vec![];
    match name.split_once(" (") {
        Some((short, rest)) if rest.ends_with(')') => {
            forms.push(short.trim().to_string());
            forms.push(rest.trim_end_matches(')').trim().to_string());
        }
        _ => forms.push(name.to_string()),
    }
    forms.retain(|f| !f.is_empty());
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms
}

/// The href of the glossary from the page at `page` (relative to the book's folder).
pub fn href_from(page: &str) -> String {
    format!("{}{GLOSSARY}", "../".repeat(page.matches('/').count()))
}

/// Links the first use of each term on the page `page` (relative to the book's folder): returns
/// the new content and the ids of the terms it linked. The glossary page itself is left alone.
pub fn link_terms(page: &str, content: &str, terms: &[Term]) -> (String, Vec<String>) {
    if page == GLOSSARY || terms.is_empty() {
        return (content.to_string(), Vec::new());
    }
    let mut linked: Vec<String> = Vec::new();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let href = href_from(page);
    // Inside any of these the text is not prose a link may go into.
    let mut shelter = 0u32;
    // The emphasis spans the text is in, innermost last, with the length of their delimiters.
    let mut spans: Vec<(Range<usize>, usize)> = Vec::new();
    for (event, range) in new_cmark_parser(content, &MarkdownOptions::default()).into_offset_iter() {
        match event {
            Event::Start(Tag::Emphasis) => spans.push((range, 1)),
            Event::Start(Tag::Strong) => spans.push((range, 2)),
            Event::Start(Tag::Strikethrough) => {
                let tildes = content[range.clone()].chars().take_while(|&c| c == '~').count();
                spans.push((range, tildes.clamp(1, 2)));
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                spans.pop();
            }
            Event::Start(
                Tag::Heading { .. }
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::CodeBlock(_)
                | Tag::DefinitionListTitle
                | Tag::MetadataBlock(_)
                | Tag::HtmlBlock,
            ) => shelter += 1,
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::CodeBlock
                | TagEnd::DefinitionListTitle
                | TagEnd::MetadataBlock(_)
                | TagEnd::HtmlBlock,
            ) => shelter = shelter.saturating_sub(1),
            Event::Text(_) if shelter == 0 => {
                let mut from = range.start;
                while let Some((at, len, id)) = first_match(&content[from..range.end], terms, &linked) {
                    let start = from + at;
                    let end = start + len;
                    from = end;
                    let Some(r) = link_range(content, start..end, &spans) else {
                        continue; // a later use may sit better
                    };
                    edits.push((r.clone(), format!("[{}]({href}#{id})", &content[r])));
                    linked.push(id);
                }
            }
            _ => {}
        }
    }
    let mut out = String::with_capacity(content.len() + edits.len() * 48);
    let mut last = 0;
    for (r, link) in edits {
        out.push_str(&content[last..r.start]);
        out.push_str(&link);
        last = r.end;
    }
    out.push_str(&content[last..]);
    (out, linked)
}

/// What to put inside a term's link: the term itself, or the emphasis around it when the term is
/// all the emphasis holds (`**Amazon ECR**이` becomes `[**Amazon ECR**](…)이`). `None` when the
/// link would end a span's text right before its closing delimiter and a letter or digit follows
/// the span (or start it right after the opening delimiter and one precedes it): a `**` between
/// `)` and a letter neither opens nor closes in CommonMark, so the page would show it literally.
fn link_range(content: &str, term: Range<usize>, spans: &[(Range<usize>, usize)]) -> Option<Range<usize>> {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut r = term;
    for (span, delim) in spans.iter().rev() {
        let inner = span.start + delim..span.end - delim;
        if r == inner {
            r = span.clone();
            continue;
        }
        let glued_after = r.end == inner.end && word(content[span.end..].chars().next());
        let glued_before = r.start == inner.start && word(content[..span.start].chars().next_back());
        if glued_after || glued_before {
            return None;
        }
        break;
    }
    Some(r)
}

/// The terms one edition links: the translated glossary's names (and the English ones, which
/// translated pages keep for AWS names) with the English glossary's ids, so a link to
/// `glossary.md#region` means the same term in every edition. The two lists are the same terms in
/// the same order, because a translation replaces a term's text and never adds or removes one;
/// if they differ anyway, the English terms are used, whose links still resolve.
pub fn edition_terms(english: &[Term], translated: &[Term]) -> Vec<Term> {
    if english.len() != translated.len() {
        return english.to_vec();
    }
    english
        .iter()
        .zip(translated)
        .map(|(en, tr)| {
            let mut forms = tr.forms.clone();
            forms.extend(en.forms.iter().filter(|f| !tr.forms.contains(f)).cloned());
            forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
            Term {
                id: en.id.clone(),
                forms,
            }
        })
        .collect()
}

/// Emphasis that renders in `before` but no longer in `after`, the same page with its terms
/// linked: one diagnostic per line of `before` (linking adds no line), naming `path`. The linker
/// avoids it ([`link_range`]); this catches a case it does not know.
pub fn lost_emphasis(path: &str, before: &str, after: &str) -> Vec<Diagnostic> {
    let per_line = |text: &str| {
        let mut lines: BTreeMap<u32, u32> = BTreeMap::new();
        for (event, range) in new_cmark_parser(text, &MarkdownOptions::default()).into_offset_iter() {
            if matches!(event, Event::Start(Tag::Emphasis | Tag::Strong)) {
                *lines.entry(line_col(text, range.start).0).or_default() += 1;
            }
        }
        lines
    };
    let (was, is) = (per_line(before), per_line(after));
    was.into_iter()
        .filter(|(line, n)| is.get(line).copied().unwrap_or(0) < *n)
        .map(|(line, _)| {
            let text = before.lines().nth(line as usize - 1).unwrap_or("").trim();
            Diagnostic::error(
                path,
                line,
                1,
                format!(
                    "linking a glossary term here leaves literal `*` or `**` on the page: \"{text}\" (fix: emphasise the whole term, `**Amazon ECR**이`, so the link can wrap the emphasis, or keep the term away from the emphasis' first and last character)"
                ),
            )
        })
        .collect()
}

/// The earliest use in `text` of a term not yet linked: (offset, length, id). At one offset the
/// longest name wins, so "ECS service" is not linked as "ECS".
fn first_match(text: &str, terms: &[Term], linked: &[String]) -> Option<(usize, usize, String)> {
    let mut best: Option<(usize, usize, String)> = None;
    for t in terms.iter().filter(|t| !linked.contains(&t.id)) {
        for form in &t.forms {
            for variant in variants(form) {
                let Some((at, len)) = find_word(text, &variant) else {
                    continue;
                };
                let better = match &best {
                    None => true,
                    Some((b_at, b_len, _)) => at < *b_at || (at == *b_at && len > *b_len),
                };
                if better {
                    best = Some((at, len, t.id.clone()));
                }
            }
        }
    }
    best
}

/// The spellings a name is found under: as written, and with a lowercase first letter when the
/// name is a word rather than an acronym (`Cold start` in mid-sentence is `cold start`).
fn variants(form: &str) -> Vec<String> {
    let mut v = vec![form.to_string()];
    let mut chars = form.chars();
    if let (Some(first), Some(second)) = (chars.next(), chars.next())
        && first.is_uppercase()
        && second.is_lowercase()
    {
        v.push(first.to_lowercase().chain(form.chars().skip(1)).collect());
        // `Billed Duration` in mid-sentence is `billed duration`.
        v.push(form.to_lowercase());
    }
    // `Deployment policy` is also found as `deployment policies`.
    for w in v.clone() {
        if let Some(stem) = w.strip_suffix('y') {
            v.push(format!("{stem}ies"));
        }
    }
    v.dedup();
    v
}

/// The ids of the terms `text` mentions, in any order: for text where a term may be used but
/// not linked (inline code such as `Init Duration`).
pub fn mentions(text: &str, terms: &[Term]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some((at, len, id)) = first_match(&text[from..], terms, &found) {
        found.push(id);
        from += at + len;
    }
    found
}

/// The first whole-word occurrence of `word` in `text`, with an optional plural `s`/`es` or a
/// Korean particle after it: (offset, length including the plural, not the particle).
fn find_word(text: &str, word: &str) -> Option<(usize, usize)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let mut end = at + word.len();
        let before_ok = !text[..at].chars().next_back().is_some_and(is_word);
        for plural in ["es", "s"] {
            let rest = &text[end..];
            if rest.starts_with(plural) && !rest[plural.len()..].chars().next().is_some_and(is_word) {
                end += plural.len();
                break;
            }
        }
        // Korean writes a particle straight after a noun (`리전에서`, `Amazon ECR이`): the word
        // ends there, and the link leaves the particle out.
        let tail_len = text[end..]
            .find(|c: char| !is_word(c))
            .unwrap_or(text.len() - end);
        let after_ok = tail_len == 0 || PARTICLES.contains(&&text[end..end + tail_len]);
        if before_ok && after_ok {
            return Some((at, end - at));
        }
        from = at + word.len().max(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;

    const GLOSSARY_PAGE: &str = "# Glossary\n\n\
        Cold start\n: The first request to a new execution environment.\n\n\
        ECS (Amazon Elastic Container Service)\n: AWS's container orchestrator.\n\n\
        ECS service\n: Keeps a number of tasks running.\n\n\
        Task\n: One run of a task definition.\n";

    #[test]
    fn terms_carry_mdbooks_ids_and_both_names() {
        let t = terms(GLOSSARY_PAGE);
        let got: Vec<(String, Vec<String>)> = t.into_iter().map(|t| (t.id, t.forms)).collect();
        expect![[r#"
            [
                (
                    "cold-start",
                    [
                        "Cold start",
                    ],
                ),
                (
                    "ecs-amazon-elastic-container-service",
                    [
                        "Amazon Elastic Container Service",
                        "ECS",
                    ],
                ),
                (
                    "ecs-service",
                    [
                        "ECS service",
                    ],
                ),
                (
                    "task",
                    [
                        "Task",
                    ],
                ),
            ]
        "#]]
        .assert_debug_eq(&got);
    }

    #[test]
    fn first_use_per_page_is_linked_outside_code_headings_links_and_blocks() {
        let page = "# Cold start and ECS\n\n\
            A cold start happens once; a second cold start is not linked.\n\
            An ECS service runs on ECS, see [the ECS guide](https://docs.aws.amazon.com/ecs/).\n\n\
            `Task` in code stays, and so does this:\n\n\
            ```lab\nid = \"x\" # Task\n```\n\n\
            <div class=\"cloudbook-quiz\" data-quiz=\"Task\"></div>\n\n\
            Multitasking is not a task. Tasks are.\n";
        let (out, linked) = link_terms("lambda/first.md", page, &terms(GLOSSARY_PAGE));
        expect![[r##"
            # Cold start and ECS

            A [cold start](../reference/glossary.md#cold-start) happens once; a second cold start is not linked.
            An [ECS service](../reference/glossary.md#ecs-service) runs on [ECS](../reference/glossary.md#ecs-amazon-elastic-container-service), see [the ECS guide](https://docs.aws.amazon.com/ecs/).

            `Task` in code stays, and so does this:

            ```lab
            id = "x" # Task
            ```

            <div class="cloudbook-quiz" data-quiz="Task"></div>

            Multitasking is not a [task](../reference/glossary.md#task). Tasks are.
        "##]]
        .assert_eq(&out);
        assert_eq!(
            linked,
            [
                "cold-start",
                "ecs-service",
                "ecs-amazon-elastic-container-service",
                "task"
            ]
        );
        let (same, none) = link_terms(GLOSSARY, page, &terms(GLOSSARY_PAGE));
        assert_eq!((same.as_str(), none.len()), (page, 0));
    }

    #[test]
    fn emphasis_survives_linking() {
        let page = "**ECS**이 컨테이너를 실행합니다.\n\n\
            이것은 **새 ECS service**를 만들고 *a task* 하나를 *the task list*에 넣습니다.\n\
            Later an ECS service.\n";
        let (out, _) = link_terms("ecs/intro.md", page, &terms(GLOSSARY_PAGE));
        expect![[r##"
            [**ECS**](../reference/glossary.md#ecs-amazon-elastic-container-service)이 컨테이너를 실행합니다.

            이것은 **새 ECS service**를 만들고 *a [task](../reference/glossary.md#task)* 하나를 *the task list*에 넣습니다.
            Later an [ECS service](../reference/glossary.md#ecs-service).
        "##]]
        .assert_eq(&out);
        assert!(lost_emphasis("book/ecs/intro.md", page, &out).is_empty());
    }

    #[test]
    fn a_link_that_breaks_emphasis_is_reported_at_its_line() {
        let page = "Intro.\n\n**ECS**이 실행합니다.\n";
        let naive = page.replace("ECS", "[ECS](glossary.md#ecs)");
        let d: Vec<String> = lost_emphasis("book/ko/intro.md", page, &naive)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].starts_with("book/ko/intro.md:3:1: error: linking a glossary term here leaves literal"),
            "{d:#?}"
        );
        assert!(
            d[0].contains("\"**ECS**이 실행합니다.\"") && d[0].contains("fix:"),
            "{d:#?}"
        );
    }

    #[test]
    fn an_edition_links_its_own_names_to_the_english_ids() {
        let english = terms("Region\n: An area.\n\nCold start\n: A new environment.\n");
        let korean = terms("리전 (Region)\n: 지역.\n\n콜드 스타트\n: 새 환경.\n");
        assert_eq!(korean[0].id, "리전-region", "mdBook's id from the Korean text");
        let ko = edition_terms(&english, &korean);
        let got: Vec<(&str, Vec<&str>)> = ko
            .iter()
            .map(|t| (t.id.as_str(), t.forms.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            got,
            [
                ("region", vec!["리전", "Region"]),
                ("cold-start", vec!["콜드 스타트", "Cold start"])
            ]
        );
        let (out, _) = link_terms("ecs/intro.md", "리전에서, 콜드 스타트 없이.\n", &ko);
        assert_eq!(
            out,
            "[리전](../reference/glossary.md#region)에서, [콜드 스타트](../reference/glossary.md#cold-start) 없이.\n"
        );
        // A particle ends the word; other syllables do not.
        let (out, _) = link_terms("ecs/intro.md", "리전별 가격, Region이 아니라 리전을.\n", &ko);
        assert_eq!(
            out,
            "리전별 가격, [Region](../reference/glossary.md#region)이 아니라 리전을.\n"
        );
    }
}
