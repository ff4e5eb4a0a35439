//! Internal links of the book: every link from one page to another page, file or `#anchor` must
//! resolve, and every file under the book's source folder must be reachable from some page.
//!
//! Anchors are checked against the ids mdBook gives headings: it lowercases the heading's text,
//! turns whitespace into `-`, drops other punctuation and numbers repeats (`-1`, `-2`), unless the
//! author wrote `{#id}`. mdBook keeps that function (`id_from_content` in mdbook-html) private, so
//! [`heading_id`] restates it; `tests/it/tidy.rs` compares it with the ids in pages mdBook
//! actually built, so a change in mdBook fails a test instead of passing broken links.
//!
//! [`check_pages`] is pure (pages in, diagnostics out); [`check_book`] and [`unreferenced_files`]
//! read the source folder. Links to other sites (`https:`, `mailto:`) are not checked: the
//! tests have no network.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context as _;
use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};

use crate::diag::Diagnostic;

/// One link or image reference written in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// As written: `../lambda/triggers.md#timeout`.
    pub dest: String,
    /// Byte offset of the link in the page, for `path:line:col`.
    pub offset: usize,
}

/// What [`scan`] finds in one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scanned {
    pub links: Vec<Link>,
    /// The ids mdBook gives the page's headings and definition terms, numbered as it numbers them.
    pub headings: BTreeSet<String>,
    /// Every id an element of the rendered page will have: `headings` plus `id="…"` written in
    /// raw HTML.
    pub ids: BTreeSet<String>,
}

/// The id mdBook derives from a heading's text (before numbering repeats).
pub fn heading_id(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// mdBook's numbering of repeated ids on one page: `x`, `x-1`, `x-2`.
pub fn unique(id: String, used: &mut BTreeSet<String>) -> String {
    if used.insert(id.clone()) {
        return id;
    }
    (1u32..)
        .map(|n| format!("{id}-{n}"))
        .find(|c| used.insert(c.clone()))
        .expect("some numbered id is free")
}

/// Links, images and element ids of one Markdown page, parsed with mdBook's own options.
pub fn scan(markdown: &str) -> Scanned {
    let mut out = Scanned::default();
    let mut used = BTreeSet::new();
    // The heading (or definition term) being read: its explicit `{#id}` and its text so far.
    let mut heading: Option<(Option<String>, String)> = None;
    for (event, range) in new_cmark_parser(markdown, &MarkdownOptions::default()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                heading = Some((id.map(|s| s.to_string()), String::new()))
            }
            Event::Start(Tag::DefinitionListTitle) => heading = Some((None, String::new())),
            Event::End(TagEnd::Heading(_) | TagEnd::DefinitionListTitle) => {
                if let Some((explicit, text)) = heading.take() {
                    // mdBook keeps an explicit id as written and does not count it for numbering.
                    let id = explicit.unwrap_or_else(|| unique(heading_id(&text), &mut used));
                    out.headings.insert(id.clone());
                    out.ids.insert(id);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut heading {
                    text.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => out.links.push(Link {
                dest: dest_url.to_string(),
                offset: range.start,
            }),
            Event::Html(html) | Event::InlineHtml(html) => {
                for (attr, value, at) in attributes(&html) {
                    match attr {
                        "id" => {
                            out.ids.insert(value.to_string());
                        }
                        "href" | "src" => out.links.push(Link {
                            dest: value.to_string(),
                            offset: range.start + at,
                        }),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `name="value"` pairs of the attributes we care about in a piece of raw HTML, with the offset of
/// the name. Double or single quotes; unquoted values are rare enough in a book to ignore.
fn attributes(html: &str) -> Vec<(&'static str, &str, usize)> {
    let mut found = Vec::new();
    for name in ["id", "href", "src"] {
        for (at, _) in html.match_indices(name) {
            let before_ok = at > 0 && html.as_bytes()[at - 1].is_ascii_whitespace();
            let rest = &html[at + name.len()..];
            let Some(rest) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            let rest = rest.trim_start();
            let Some(quote) = rest.chars().next().filter(|q| *q == '"' || *q == '\'') else {
                continue;
            };
            let Some(end) = rest[1..].find(quote) else {
                continue;
            };
            if before_ok {
                found.push((name, &rest[1..1 + end], at));
            }
        }
    }
    found.sort_by_key(|f| f.2);
    found
}

/// A link that leaves the book: another site, an e-mail address, a protocol-relative URL.
fn is_external(dest: &str) -> bool {
    dest.starts_with("//")
        || dest
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'))
}

/// Joins a relative link to the folder of the page it is in, folding `.` and `..`. `None` when it
/// climbs out of the book.
fn resolve(page: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        return normalize(abs.split('/'));
    } else {
        page.split('/').collect()
    };
    parts.pop(); // the page's own file name
    parts.extend(target.split('/'));
    normalize(parts.into_iter())
}

fn normalize<'a>(parts: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for p in parts {
        match p {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p),
        }
    }
    Some(out.join("/"))
}

/// `%20` and friends, as a browser decodes a path before asking for the file.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|&c| hex(c)),
                b.get(i + 2).and_then(|&c| hex(c)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks every internal link of `pages` (path relative to the source folder → Markdown) against
/// the pages and `files` (every file of the source folder, relative, `/`-separated). `label` is
/// the source folder as diagnostics name it (`book`).
pub fn check_pages(
    label: &str,
    pages: &BTreeMap<String, String>,
    files: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let scanned: BTreeMap<&str, Scanned> = pages.iter().map(|(p, md)| (p.as_str(), scan(md))).collect();
    let mut out = Vec::new();
    for (page, s) in &scanned {
        let text = &pages[*page];
        let at = |link: &Link, msg: String| {
            Diagnostic::at_offset(&format!("{label}/{page}"), text, link.offset, msg)
        };
        for link in &s.links {
            if is_external(&link.dest) {
                continue;
            }
            let (path, anchor) = match link.dest.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (link.dest.as_str(), None),
            };
            let path = percent_decode(path.split('?').next().unwrap_or_default());
            let target = if path.is_empty() {
                page.to_string()
            } else {
                match resolve(page, &path) {
                    Some(t) => t,
                    None => {
                        out.push(at(
                            link,
                            format!(
                                "broken link \"{}\": it climbs out of the book's folder; link to a page inside {label}/",
                                link.dest
                            ),
                        ));
                        continue;
                    }
                }
            };
            // mdBook turns `x.md` into `x.html`; a link written as `x.html` reaches the same page.
            let page_of = |t: &str| {
                let md = t.strip_suffix(".html").map(|s| format!("{s}.md"));
                md.filter(|m| pages.contains_key(m))
                    .unwrap_or_else(|| t.to_string())
            };
            let target = page_of(&target);
            let target = if target.is_empty() || target.ends_with('/') {
                format!("{target}index.md")
            } else {
                target
            };
            if !pages.contains_key(&target) && !files.contains(&target) {
                let dir = target.rsplit_once('/').map_or("", |(d, _)| d);
                let siblings = files
                    .iter()
                    .filter(|f| f.rsplit_once('/').map_or("", |(d, _)| d) == dir);
                let fix = match crate::quiz::closest(&target, siblings.map(String::as_str)) {
                    Some(c) => format!("did you mean \"{}\"?", relative_to(page, c)),
                    None => format!("link to a file that exists under {label}/, relative to this page"),
                };
                out.push(at(
                    link,
                    format!(
                        "broken link \"{}\": {label}/{target} does not exist; {fix}",
                        link.dest
                    ),
                ));
                continue;
            }
            let Some(anchor) = anchor.filter(|a| !a.is_empty()) else {
                continue;
            };
            let Some(ids) = scanned.get(target.as_str()).map(|s| &s.ids) else {
                continue; // an anchor into a non-Markdown file (a schema, an image) is the browser's business
            };
            let anchor = percent_decode(anchor);
            if !ids.contains(&anchor) {
                let fix = match crate::quiz::closest(&anchor, ids.iter().map(String::as_str)) {
                    Some(c) => format!("did you mean \"#{c}\"?"),
                    None => "link to one of its headings: mdBook makes the id from the heading's text, lowercase, spaces as \"-\", punctuation dropped".to_string(),
                };
                out.push(at(
                    link,
                    format!(
                        "broken link \"{}\": no heading or element in {label}/{target} has the id \"{anchor}\"; {fix}",
                        link.dest
                    ),
                ));
            }
        }
    }
    out
}

/// `target` (relative to the source folder) as a link written in `page`.
fn relative_to(page: &str, target: &str) -> String {
    let from: Vec<&str> = page.split('/').collect();
    let from = &from[..from.len() - 1];
    let to: Vec<&str> = target.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// Every file under `src_dir`, relative and `/`-separated, and the Markdown pages among them.
fn read_folder(src_dir: &Path) -> anyhow::Result<(BTreeMap<String, String>, BTreeSet<String>)> {
    let mut all = Vec::new();
    super::build::collect_files(src_dir, &mut all)?;
    let mut pages = BTreeMap::new();
    let mut files = BTreeSet::new();
    for f in all {
        let rel = f
            .strip_prefix(src_dir)
            .expect("collect_files lists paths inside the folder")
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".md") {
            let text = std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
            pages.insert(rel.clone(), text);
        }
        files.insert(rel);
    }
    Ok((pages, files))
}

/// Checks every internal link and anchor of the book whose sources are in `root/src` (`src` as
/// `book.toml` names it).
pub fn check_book(root: &Path, src: &Path) -> anyhow::Result<Vec<Diagnostic>> {
    let (pages, files) = read_folder(&root.join(src))?;
    Ok(check_pages(
        &src.to_string_lossy().replace('\\', "/"),
        &pages,
        &files,
    ))
}

/// Files under `root/src` that neither `SUMMARY.md` nor any page links to (`SUMMARY.md` itself
/// aside), relative to that folder.
pub fn unreferenced_files(root: &Path, src: &Path) -> anyhow::Result<Vec<String>> {
    let (pages, files) = read_folder(&root.join(src))?;
    let mut reached = BTreeSet::from(["SUMMARY.md".to_string()]);
    for (page, md) in &pages {
        for link in scan(md).links {
            let path = link.dest.split(['#', '?']).next().unwrap_or_default();
            if is_external(path) || path.is_empty() {
                continue;
            }
            if let Some(t) = resolve(page, &percent_decode(path)) {
                reached.insert(t.strip_suffix(".html").map(|s| format!("{s}.md")).unwrap_or(t));
            }
        }
    }
    Ok(files.into_iter().filter(|f| !reached.contains(f)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pages: &[(&str, &str)], extra_files: &[&str]) -> Vec<String> {
        let pages: BTreeMap<String, String> = pages
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let mut files: BTreeSet<String> = pages.keys().cloned().collect();
        files.extend(extra_files.iter().map(|f| f.to_string()));
        check_pages("book", &pages, &files)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn ids_follow_mdbook() {
        let s = scan(
            "# Why Fargate?\n\n## The `EC2` launch type: AWS's servers\n\n## Why Fargate?\n\n## Custom {#mine}\n\n<a id=\"raw\"></a>\n",
        );
        let ids: Vec<&str> = s.ids.iter().map(String::as_str).collect();
        assert_eq!(
            ids,
            [
                "mine",
                "raw",
                "the-ec2-launch-type-awss-servers",
                "why-fargate",
                "why-fargate-1"
            ]
        );
    }

    #[test]
    fn good_links_pass() {
        let got = check(
            &[
                (
                    "a/one.md",
                    "# One\n\n## Sub part\n\n[two](../b/two.md#two) [self](#sub-part) [img](pic.png) [web](https://aws.amazon.com/x#y) [html](../b/two.html)\n",
                ),
                ("b/two.md", "# Two\n\n[up](/a/one.md#one)\n"),
            ],
            &["a/pic.png"],
        );
        assert_eq!(got, Vec::<String>::new());
    }

    #[test]
    fn broken_links_name_the_place_and_the_fix() {
        let got = check(
            &[
                (
                    "a/one.md",
                    "# One\n\nSee [two](../b/tow.md) and\n[the part](../b/two.md#sub-prat), [here](#nothing-like-it).\n",
                ),
                (
                    "b/two.md",
                    "# Two\n\n## Sub part\n\n<a href=\"../../out.md\">out</a>\n",
                ),
            ],
            &[],
        );
        assert_eq!(
            got,
            [
                "book/a/one.md:3:5: error: broken link \"../b/tow.md\": book/b/tow.md does not exist; did you mean \"../b/two.md\"?",
                "book/a/one.md:4:1: error: broken link \"../b/two.md#sub-prat\": no heading or element in book/b/two.md has the id \"sub-prat\"; did you mean \"#sub-part\"?",
                "book/a/one.md:4:35: error: broken link \"#nothing-like-it\": no heading or element in book/a/one.md has the id \"nothing-like-it\"; link to one of its headings: mdBook makes the id from the heading's text, lowercase, spaces as \"-\", punctuation dropped",
                "book/b/two.md:5:4: error: broken link \"../../out.md\": it climbs out of the book's folder; link to a page inside book/",
            ]
        );
    }

    #[test]
    fn paths_resolve_like_a_browser() {
        assert_eq!(resolve("a/b.md", "../c.md").as_deref(), Some("c.md"));
        assert_eq!(resolve("a/b.md", "./x/y.md").as_deref(), Some("a/x/y.md"));
        assert_eq!(resolve("b.md", "../c.md"), None);
        assert_eq!(percent_decode("a%20b%zz"), "a b%zz");
        assert!(
            is_external("mailto:x@example.com") && is_external("//cdn.example/x") && !is_external("a/b.md")
        );
        assert_eq!(relative_to("a/one.md", "b/two.md"), "../b/two.md");
        assert_eq!(relative_to("a/one.md", "a/two.md"), "two.md");
    }
}
