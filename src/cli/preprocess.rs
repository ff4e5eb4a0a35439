//! The mdBook preprocessor: turns `{{#quiz quizzes/x.toml}}` directives and fenced ```` ```lab ````
//! blocks into placeholder elements that carry their data as JSON, for the playground to mount.
//!
//! It splices by source byte ranges found with mdBook's own Markdown parser settings, so every
//! other byte of a chapter stays as the author wrote it. Quiz Markdown is rendered to HTML here,
//! at build time, so the browser needs no Markdown parser. The same code runs in-process during
//! `cloudbook build` and as the stdin/stdout `cloudbook preprocess` command for a stock `mdbook`.
//! It also links the first use of each glossary term on a page (see `glossary.rs`).
//! It does not decide how widgets look or behave: that is the playground's job.

use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use super::glossary;
use super::i18n::Localizer;
use crate::course::{Catalog, ChapterEntry, LabEntry, QuizEntry, relative_href};
use crate::diag::{Diagnostic, line_col, render_all};
use crate::lab::{self, LabSpec};
use crate::quiz::{self, Quiz};

/// The name under which the preprocessor is registered in `book.toml` (`[preprocessor.cloudbook]`).
pub const NAME: &str = "cloudbook";

/// Class names of the placeholders; the playground's loader looks for exactly these.
pub const QUIZ_CLASS: &str = "cloudbook-quiz";
pub const LAB_CLASS: &str = "cloudbook-lab";
/// The placeholder class of a container lab (issue #11): the loader loads the `sched` module
/// where one is, so a Lambda lab page never downloads the container engine and back.
pub const SCHED_CLASS: &str = "cloudbook-sched";
pub const PROGRESS_CLASS: &str = "cloudbook-progress";

/// A quiz or lab found in one chapter.
#[derive(Debug)]
pub enum Embed {
    Quiz { source: String, quiz: Box<Quiz> },
    Lab(Box<LabSpec>),
}

/// The result of transforming one chapter.
#[derive(Debug, Default)]
pub struct Transformed {
    pub content: String,
    pub embeds: Vec<Embed>,
    pub diagnostics: Vec<Diagnostic>,
    /// The line of each lab's fence, in the order of the labs in `embeds`.
    pub lab_lines: Vec<u32>,
}

/// Transforms one chapter. `chapter` names it in diagnostics (`book/lambda/intro.md`);
/// `read_quiz` returns the text of a quiz file given the path written in the directive, or a
/// sentence saying why it cannot.
pub fn transform_chapter(
    chapter: &str,
    content: &str,
    read_quiz: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Transformed {
    transform_chapter_in(chapter, content, read_quiz, None)
}

/// [`transform_chapter`] for an edition in another language: the placeholders carry the quizzes
/// and labs translated by `loc`, while `embeds` (and the quiz's content hash) stay English, so
/// progress is the same in every edition.
pub fn transform_chapter_in(
    chapter: &str,
    content: &str,
    read_quiz: &mut dyn FnMut(&str) -> Result<String, String>,
    loc: Option<&Localizer>,
) -> Transformed {
    let mut out = Transformed::default();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut protected: Vec<Range<usize>> = Vec::new();

    let mut parser = new_cmark_parser(content, &MarkdownOptions::default()).into_offset_iter();
    while let Some((event, range)) = parser.next() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let is_lab = matches!(&kind, CodeBlockKind::Fenced(info) if info_is(info, "lab"));
                let mut body = String::new();
                for (inner, _) in parser.by_ref() {
                    match inner {
                        Event::Text(t) => body.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                if is_lab {
                    let (fence_line, _) = line_col(content, range.start);
                    let indent = indent_before(content, range.start);
                    match lab::parse_lab(chapter, &body) {
                        Ok(mut spec) => {
                            let shown = loc.map(|l| rendered(l.lab(&spec), LabSpec::render_markdown));
                            spec.render_markdown(&mut render_markdown);
                            let shown = shown.as_ref().unwrap_or(&spec);
                            edits.push((
                                range.clone(),
                                placeholder(
                                    match spec.engine() {
                                        lab::LabEngine::Lambda => LAB_CLASS,
                                        lab::LabEngine::Containers => SCHED_CLASS,
                                    },
                                    "data-lab",
                                    shown,
                                    "",
                                    "lab",
                                    &lab_text(shown),
                                    newline(content),
                                ),
                            ));
                            out.embeds.push(Embed::Lab(Box::new(spec)));
                            out.lab_lines.push(fence_line);
                        }
                        Err(diags) => out.diagnostics.extend(
                            diags
                                .into_iter()
                                .map(|d| d.shifted(chapter, fence_line + 1, indent)),
                        ),
                    }
                }
                protected.push(range);
            }
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => protected.push(range),
            _ => {}
        }
    }

    for m in find_directives(content) {
        if protected
            .iter()
            .any(|p| p.start <= m.range.start && m.range.start < p.end)
        {
            continue;
        }
        let (line, col) = line_col(content, m.range.start);
        if m.kind != "quiz" {
            continue; // `{{#include}}` and friends belong to mdBook's `links` preprocessor.
        }
        if !on_its_own_line(content, &m.range) {
            out.diagnostics.push(Diagnostic::error(
                chapter,
                line,
                col,
                "a {{#quiz}} directive must stand on a line of its own: put a blank line before and after it",
            ));
            continue;
        }
        let path = m.arg.trim();
        if path.is_empty() {
            out.diagnostics.push(Diagnostic::error(
                chapter,
                line,
                col,
                "{{#quiz}} needs a file: write {{#quiz quizzes/<chapter>.toml}}",
            ));
            continue;
        }
        let text = match read_quiz(path) {
            Ok(t) => t,
            Err(why) => {
                out.diagnostics
                    .push(Diagnostic::error(chapter, line, col + 8, why));
                continue;
            }
        };
        match quiz::parse_quiz(path, &text) {
            Ok(mut q) => {
                let shown = loc.map(|l| rendered(l.quiz(&q), Quiz::render_markdown));
                q.render_markdown(&mut render_markdown);
                let shown = shown.as_ref().unwrap_or(&q);
                // The hash as a decimal string: JavaScript numbers cannot hold every u64.
                let hash = format!(" data-quiz-hash=\"{}\"", quiz::content_hash(&q));
                edits.push((
                    m.range.clone(),
                    placeholder(
                        QUIZ_CLASS,
                        "data-quiz",
                        shown,
                        &hash,
                        "quiz",
                        &quiz_text(shown),
                        newline(content),
                    ),
                ));
                out.embeds.push(Embed::Quiz {
                    source: path.to_string(),
                    quiz: Box::new(q),
                });
            }
            Err(diags) => out.diagnostics.extend(diags),
        }
    }

    edits.sort_by_key(|(r, _)| r.start);
    let mut result = String::with_capacity(content.len());
    let mut last = 0;
    for (range, html) in edits {
        result.push_str(&content[last..range.start]);
        result.push_str(&html);
        last = range.end;
    }
    result.push_str(&content[last..]);
    out.content = result;
    out
}

/// A type's "render every Markdown field" method.
type RenderFields<T> = fn(&mut T, &mut dyn FnMut(&str) -> String);

/// `t` with its Markdown rendered by `render` (`Quiz::render_markdown`, `LabSpec::render_markdown`).
fn rendered<T>(mut t: T, render: RenderFields<T>) -> T {
    render(&mut t, &mut render_markdown);
    t
}

/// Renders author Markdown to HTML with the same options mdBook uses for chapters.
pub fn render_markdown(md: &str) -> String {
    let mut html = String::new();
    mdbook_markdown::pulldown_cmark::html::push_html(
        &mut html,
        new_cmark_parser(md, &MarkdownOptions::default()),
    );
    html
}

fn info_is(info: &str, word: &str) -> bool {
    info.split(|c: char| c.is_whitespace() || c == ',').next() == Some(word)
}

/// Columns of indentation before `offset` on its line (a fence inside a list item).
fn indent_before(content: &str, offset: usize) -> u32 {
    let line_start = content[..offset].rfind('\n').map_or(0, |i| i + 1);
    content[line_start..offset].chars().count() as u32
}

fn on_its_own_line(content: &str, r: &Range<usize>) -> bool {
    let line_start = content[..r.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = content[r.end..].find('\n').map_or(content.len(), |i| r.end + i);
    content[line_start..r.start].trim().is_empty() && content[r.end..line_end].trim().is_empty()
}

/// One placeholder element on a single line, blank lines around it so CommonMark treats it as
/// an HTML block and the Markdown after it parses normally. The JSON goes in an attribute,
/// escaped. Inside is `text`, what a reader without JavaScript sees and what mdBook's search
/// indexes (it reads text, never attributes); the widget replaces it when it mounts. The sentence
/// saying why the widget is missing is an attribute that `cloudbook.css` shows until a module
/// claims the element, so search does not find it once per widget.
fn placeholder<T: serde::Serialize>(
    class: &str,
    attr: &str,
    data: &T,
    extra: &str,
    what: &str,
    text: &str,
    nl: &str,
) -> String {
    let json = serde_json::to_string(data).expect("quiz and lab types serialise to JSON");
    // A blank line would end the HTML block, and `<pre>` keeps its line breaks: as `&#10;` the
    // breaks stay in the text and the element stays on one line.
    let text = text.trim_end().replace("\r\n", "\n").replace('\n', "&#10;");
    format!(
        "{nl}<div class=\"{class}\" {attr}=\"{}\"{extra} data-fallback=\"This {what} needs JavaScript and WebAssembly; it loads here when both are available.\">{text}</div>{nl}",
        escape_attr(&json)
    )
}

/// What a quiz shows without JavaScript, and what search finds of it: its title and prompts,
/// never the options, answers, hints or feedback.
fn quiz_text(q: &Quiz) -> String {
    let mut html = String::new();
    if let Some(title) = &q.title {
        html += &format!("<p><strong>{}</strong></p>", escape_attr(title));
    }
    html += "<ol>";
    for question in &q.questions {
        html += &format!("<li>{}</li>", question.prompt.trim());
    }
    html + "</ol>"
}

/// What a lab shows without JavaScript, and what search finds of it: its title, instructions,
/// hints and what the simulator does not model; never the reference solution.
fn lab_text(spec: &LabSpec) -> String {
    let mut html = String::new();
    if let Some(title) = &spec.title {
        html += &format!("<p><strong>{}</strong></p>", escape_attr(title));
    }
    if let Some(instructions) = &spec.instructions {
        html += instructions.trim();
    }
    for hint in &spec.hints {
        html += hint.trim();
    }
    html += spec.not_modelled.trim();
    html
}

/// Every lab block of a chapter with the line of its fence, as written (Markdown not rendered),
/// or every problem of every block.
pub fn labs_in(chapter: &str, content: &str) -> Result<Vec<(LabSpec, u32)>, Vec<Diagnostic>> {
    let mut labs = Vec::new();
    let mut diags = Vec::new();
    let mut parser = new_cmark_parser(content, &MarkdownOptions::default()).into_offset_iter();
    while let Some((event, range)) = parser.next() {
        let Event::Start(Tag::CodeBlock(kind)) = event else {
            continue;
        };
        let is_lab = matches!(&kind, CodeBlockKind::Fenced(info) if info_is(info, "lab"));
        let mut body = String::new();
        for (inner, _) in parser.by_ref() {
            match inner {
                Event::Text(t) => body.push_str(&t),
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
        }
        if !is_lab {
            continue;
        }
        let (fence_line, _) = line_col(content, range.start);
        let indent = indent_before(content, range.start);
        match lab::parse_lab(chapter, &body) {
            Ok(spec) => labs.push((spec, fence_line)),
            Err(d) => diags.extend(d.into_iter().map(|d| d.shifted(chapter, fence_line + 1, indent))),
        }
    }
    if diags.is_empty() { Ok(labs) } else { Err(diags) }
}

/// The chapter's own line ending, so a CRLF file stays CRLF around what we insert.
fn newline(content: &str) -> &'static str {
    if content.contains("\r\n") { "\r\n" } else { "\n" }
}

fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

struct Directive<'a> {
    range: Range<usize>,
    kind: &'a str,
    arg: &'a str,
}

/// Finds `{{#kind arg}}` in raw text. `\{{#…}}` is an escape, as in mdBook.
fn find_directives(text: &str) -> Vec<Directive<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{#") {
        let start = from + i;
        from = start + 3;
        if start > 0 && text.as_bytes()[start - 1] == b'\\' {
            continue;
        }
        let Some(close) = text[start..].find("}}") else {
            break;
        };
        let inner = &text[start + 3..start + close];
        if inner.contains('\n') {
            continue;
        }
        let (kind, arg) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        found.push(Directive {
            range: start..start + close + 2,
            kind,
            arg,
        });
        from = start + close + 2;
    }
    found
}

/// The preprocessor as mdBook sees it, in-process or through `cloudbook preprocess`.
pub struct CloudbookPreprocessor;

impl Preprocessor for CloudbookPreprocessor {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> mdbook_preprocessor::errors::Result<Book> {
        let src_dir = ctx.config.book.src.clone();
        // Another edition (book.language with a po/<lang>.po): chapters translated first.
        let loc = Localizer::load(&ctx.root, ctx.config.book.language.as_deref())?;
        // Terms keep the English glossary's ids in every edition; only their names are translated.
        let english_terms = glossary_terms(&book);
        let terms = match &loc {
            Some(l) => {
                l.translate_book(&mut book)?;
                glossary::edition_terms(&english_terms, &glossary_terms(&book))
            }
            None => english_terms,
        };
        let mut diagnostics = Vec::new();
        let mut pages = Vec::new();
        let mut chapters = Vec::new();
        book.for_each_mut(|item| {
            let BookItem::Chapter(ch) = item else { return };
            let Some(source) = ch.source_path.clone() else {
                return;
            };
            let label = display_path(&src_dir.join(&source));
            let t = transform_chapter_in(
                &label,
                &ch.content,
                &mut |p| read_quiz_file(&ctx.root, p),
                loc.as_ref(),
            );
            // After the placeholders are in: they are HTML blocks, which linking leaves alone.
            ch.content = glossary::link_terms(&display_path(&source), &t.content, &terms).0;
            diagnostics.extend(t.diagnostics);
            let path = ch.path.as_deref().map(display_path).unwrap_or_default();
            chapters.push((ch.name.clone(), path));
            pages.push((label, t.embeds));
        });
        diagnostics.extend(cross_check(&pages));
        // Second pass: the progress page lists every chapter, so it needs the whole book first.
        book.for_each_mut(|item| {
            let BookItem::Chapter(ch) = item else { return };
            let here = ch.path.as_deref().map(display_path).unwrap_or_default();
            let mut cat = catalog(&here, &chapters, &pages);
            loc.iter().for_each(|l| l.course(&mut cat));
            ch.content = expand_progress(&ch.content, &cat);
        });
        if !diagnostics.is_empty() {
            diagnostics.sort();
            bail!(
                "the book has {} problem(s) in its quizzes and labs:\n{}",
                diagnostics.len(),
                render_all(&diagnostics).trim_end()
            );
        }
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> mdbook_preprocessor::errors::Result<bool> {
        Ok(renderer == "html")
    }
}

/// The terms of the book's glossary page as the book stands (none without one).
fn glossary_terms(book: &Book) -> Vec<glossary::Term> {
    book.iter()
        .find_map(|item| match item {
            BookItem::Chapter(ch)
                if ch.source_path.as_deref() == Some(Path::new(glossary::GLOSSARY_PAGE)) =>
            {
                Some(glossary::terms(&ch.content))
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// Checks that need the whole book: quiz ids unique everywhere, lab ids unique, lab-graded
/// questions pointing at a lab on the same page.
pub fn cross_check(pages: &[(String, Vec<Embed>)]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut lab_ids: std::collections::BTreeMap<&str, &str> = Default::default();
    let labs_per_page: Vec<Vec<String>> = pages
        .iter()
        .map(|(_, embeds)| {
            embeds
                .iter()
                .filter_map(|e| match e {
                    Embed::Lab(l) => Some(l.id.clone()),
                    Embed::Quiz { .. } => None,
                })
                .collect()
        })
        .collect();
    let mut on_page = Vec::new();
    for ((page, embeds), labs) in pages.iter().zip(&labs_per_page) {
        for e in embeds {
            match e {
                Embed::Quiz { source, quiz } => on_page.push(quiz::QuizOnPage {
                    path: source,
                    quiz,
                    labs_on_page: labs,
                }),
                Embed::Lab(l) => {
                    if let Some(first) = lab_ids.insert(&l.id, page) {
                        diags.push(Diagnostic::error(
                            page.clone(),
                            1,
                            1,
                            format!(
                                "lab id \"{}\" is also used in {first}; lab ids must be unique across the book",
                                l.id
                            ),
                        ));
                    }
                }
            }
        }
    }
    diags.extend(quiz::validate_book(&on_page));
    diags
}

/// The catalog of quizzes and labs per chapter, with links relative to the page at `here`.
pub fn catalog(here: &str, chapters: &[(String, String)], pages: &[(String, Vec<Embed>)]) -> Catalog {
    let chapters = chapters
        .iter()
        .zip(pages)
        .filter(|(_, (_, embeds))| !embeds.is_empty())
        .map(|((title, path), (_, embeds))| ChapterEntry {
            title: title.clone(),
            href: relative_href(here, path),
            quizzes: embeds
                .iter()
                .filter_map(|e| match e {
                    Embed::Quiz { quiz, .. } => Some(QuizEntry {
                        id: quiz.id.clone(),
                        title: quiz.title.clone().unwrap_or_else(|| quiz.id.clone()),
                        points: quiz.points(),
                        content_hash: quiz::content_hash(quiz),
                    }),
                    Embed::Lab(_) => None,
                })
                .collect(),
            labs: embeds
                .iter()
                .filter_map(|e| match e {
                    Embed::Lab(l) => Some(LabEntry {
                        id: l.id.clone(),
                        title: l.title.clone().unwrap_or_else(|| l.id.clone()),
                    }),
                    Embed::Quiz { .. } => None,
                })
                .collect(),
        })
        .collect();
    Catalog { chapters }
}

/// Replaces `{{#progress}}` (outside code) with the progress page placeholder.
fn expand_progress(content: &str, catalog: &Catalog) -> String {
    let mut protected = Vec::new();
    for (event, range) in new_cmark_parser(content, &MarkdownOptions::default()).into_offset_iter() {
        if matches!(
            event,
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) | Event::Html(_) | Event::InlineHtml(_)
        ) {
            protected.push(range);
        }
    }
    let mut out = String::with_capacity(content.len());
    let mut last = 0;
    for d in find_directives(content) {
        if d.kind != "progress"
            || protected
                .iter()
                .any(|p| p.start <= d.range.start && d.range.start < p.end)
        {
            continue;
        }
        out.push_str(&content[last..d.range.start]);
        out.push_str(&placeholder(
            PROGRESS_CLASS,
            "data-progress",
            catalog,
            "",
            "progress page",
            "",
            newline(content),
        ));
        last = d.range.end;
    }
    out.push_str(&content[last..]);
    out
}

fn read_quiz_file(root: &Path, rel: &str) -> Result<String, String> {
    let path = root.join(rel);
    std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read quiz file \"{rel}\" ({e}; looked at {}): quiz paths are relative to the folder of book.toml, e.g. {{{{#quiz quizzes/lambda-basics.toml}}}}",
            path.display()
        )
    })
}

fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// `cloudbook preprocess [supports <renderer>]`: the mdBook stdin/stdout protocol.
pub fn run_protocol(supports: Option<String>) -> anyhow::Result<ExitCode> {
    if let Some(renderer) = supports {
        let ok = CloudbookPreprocessor.supports_renderer(&renderer)?;
        return Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE });
    }
    let mut input = String::new();
    io::stdin()
        .read_to_string(&mut input)
        .context("reading the book from standard input")?;
    let (ctx, book) = mdbook_preprocessor::parse_input(input.as_bytes())
        .context("parsing mdBook's preprocessor input (is this mdBook 0.5?)")?;
    if ctx.mdbook_version != mdbook_preprocessor::MDBOOK_VERSION {
        eprintln!(
            "warning: cloudbook was built against mdBook {} but is called by mdBook {}",
            mdbook_preprocessor::MDBOOK_VERSION,
            ctx.mdbook_version
        );
    }
    let book = CloudbookPreprocessor.run(&ctx, book)?;
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, &book).context("writing the book to standard output")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The book root: the folder holding `book.toml`, searched upwards from `start`.
pub fn find_book_root(start: &Path) -> anyhow::Result<PathBuf> {
    let start = start
        .canonicalize()
        .with_context(|| format!("opening {}", start.display()))?;
    start
        .ancestors()
        .find(|d| d.join("book.toml").is_file())
        .map(Path::to_path_buf)
        .with_context(|| format!("no book.toml in {} or any folder above it", start.display()))
}
