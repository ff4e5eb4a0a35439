//! The translated editions of the site: each `po/<lang>.po` becomes a second mdBook build under
//! `/<lang>/` of the same site, sharing the English edition's playground files.
//!
//! The chapters, quizzes and labs are translated by the cloudbook preprocessor itself when the
//! book's language has a catalog (see `catalog::Localizer`); this module sets the language, the
//! title and the paths, points the edition's `playground/manifest.json` at the English edition's
//! files (the browser caches one copy), writes the Korean search index (`search.rs`), and puts a
//! language picker into the menu bar of every page of every edition.
//! It does not change mdBook's templates: the picker is spliced into the built pages.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use mdbook_driver::MDBook;

use super::catalog::{BOOK_CONTEXT, Localizer};
use crate::cli::build::{BuildOptions, collect_files};
use crate::cli::preprocess::CloudbookPreprocessor;

/// What building one translated edition produced.
#[derive(Debug, Clone)]
pub struct Edition {
    pub lang: String,
    pub dir: PathBuf,
    pub seconds: f64,
    /// The search index's size before and after the Korean tokens were added.
    pub index_bytes: (u64, u64),
}

/// The name of a language in that language, for the picker.
pub fn endonym(lang: &str) -> &str {
    match lang {
        "en" => "English",
        "ko" => "한국어",
        other => other,
    }
}

/// Builds every translated edition into `out/<lang>/` after the English one was built into `out`,
/// then links all editions with the picker. A book with no catalog builds nothing here.
pub fn build_editions(root: &Path, out: &Path, opts: &BuildOptions) -> anyhow::Result<Vec<Edition>> {
    let langs = super::languages(root)?;
    let mut editions = Vec::new();
    for lang in &langs {
        let started = Instant::now();
        let dir = out.join(lang);
        let mut md = MDBook::load(root).with_context(|| format!("loading the book at {}", root.display()))?;
        let loc = Localizer::load(root, Some(lang))?
            .with_context(|| format!("po/{lang}.po disappeared during the build"))?;
        md.config.book.language = Some(lang.clone());
        if let Some(t) = md.config.book.title.take() {
            md.config.book.title = Some(loc.text(Some(BOOK_CONTEXT), &t));
        }
        if let Some(d) = md.config.book.description.take() {
            md.config.book.description = Some(loc.text(Some(BOOK_CONTEXT), &d));
        }
        md.config.build.build_dir = dir.clone();
        if opts.live_reload {
            md.config
                .set("output.html.live-reload-endpoint", "__livereload")?;
        }
        let base = opts
            .site_url
            .clone()
            .or_else(|| md.config.get::<String>("output.html.site-url").ok().flatten())
            .unwrap_or_else(|| "/".into());
        md.config.set("output.html.site-url", format!("{base}{lang}/"))?;
        md.with_preprocessor(CloudbookPreprocessor);
        md.build()
            .with_context(|| format!("mdBook could not build the \"{lang}\" edition"))?;
        share_playground(out, &dir)?;
        localize_pages(out, &dir, lang)?;
        let index_bytes = super::search::localize_index(&dir)?;
        editions.push(Edition {
            lang: lang.clone(),
            dir,
            seconds: started.elapsed().as_secs_f64(),
            index_bytes,
        });
    }
    if !langs.is_empty() {
        add_pickers(out, &langs)?;
    }
    Ok(editions)
}

/// Prints each edition's build time and search index size, next to the English edition's index.
pub fn report(out: &Path, editions: &[Edition]) -> anyhow::Result<()> {
    let english = match super::search::index_file(out)? {
        Some(p) => std::fs::metadata(p)?.len(),
        None => 0,
    };
    for e in editions {
        eprintln!(
            "      {} edition: built in {:.1} s; search index {} bytes ({} from mdBook before the Hangul tokens; English edition {} bytes)",
            e.lang, e.seconds, e.index_bytes.1, e.index_bytes.0, english
        );
    }
    Ok(())
}

/// Writes the edition's `playground/manifest.json` with paths into the English edition's
/// `playground/` (the loader resolves them against `<edition>/playground/`).
fn share_playground(out: &Path, dir: &Path) -> anyhow::Result<()> {
    let english = out.join("playground/manifest.json");
    let Ok(text) = std::fs::read_to_string(&english) else {
        return Ok(()); // built with --no-wasm
    };
    let mut manifest: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("reading {}", english.display()))?;
    let lang = dir.file_name().unwrap_or_default().to_string_lossy().into_owned();
    if let Some(map) = manifest.as_object_mut() {
        for (key, value) in map.iter_mut() {
            if key != "version"
                && let Some(s) = value.as_str()
            {
                // A module built for this language (`<hash>/ko-widgets.js`) replaces the English one.
                let own = match s.rsplit_once('/') {
                    Some((hash, file)) => format!("{hash}/{lang}-{file}"),
                    None => format!("{lang}-{s}"),
                };
                let file = if out.join("playground").join(&own).is_file() {
                    own
                } else {
                    s.to_string()
                };
                *value = serde_json::Value::String(format!("../../playground/{file}"));
            }
        }
    }
    std::fs::create_dir_all(dir.join("playground"))?;
    std::fs::write(
        dir.join("playground/manifest.json"),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    Ok(())
}

/// Fixes in every page of the edition in `dir` what mdBook writes from the text rather than from
/// the book: definition-list terms get the ids of the same page in the English edition at `out`
/// (a `<dt>` id comes from its text, and a `{#id}` cannot be written on a term), and admonition
/// titles are put into the edition's language.
fn localize_pages(out: &Path, dir: &Path, lang: &str) -> anyhow::Result<()> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|x| x == "html"))
    {
        let rel = f.strip_prefix(dir).expect("collected under the edition");
        let html = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        let mut new = admonition_titles(&html, lang);
        if let Ok(english) = std::fs::read_to_string(out.join(rel)) {
            new = with_english_term_ids(&new, &english);
        }
        if new != html {
            std::fs::write(f, new).with_context(|| format!("writing {}", f.display()))?;
        }
    }
    Ok(())
}

/// mdBook's `<dt id="…"><a class="header" href="#…">`, the start of every definition-list term.
fn term_pattern() -> regex_lite::Regex {
    regex_lite::Regex::new(r##"<dt id="([^"]*)"><a class="header" href="#([^"]*)">"##)
        .expect("a valid pattern")
}

/// `html` with its n-th term's id (and its self-link) replaced by the n-th term id of `english`,
/// the same page in English. Pages are the same blocks in every edition, so the terms pair up in
/// order; a page whose terms do not pair up is left as it is.
pub fn with_english_term_ids(html: &str, english: &str) -> String {
    let re = term_pattern();
    let ids: Vec<&str> = re
        .captures_iter(english)
        .map(|c| c.get(1).map_or("", |m| m.as_str()))
        .collect();
    if ids.is_empty() || re.captures_iter(html).count() != ids.len() {
        return html.to_string();
    }
    let mut n = 0;
    re.replace_all(html, |_: &regex_lite::Captures<'_>| {
        let id = ids[n];
        n += 1;
        format!(r##"<dt id="{id}"><a class="header" href="#{id}">"##)
    })
    .into_owned()
}

/// The title of an admonition box (`> [!NOTE]`) in `lang`, from the English one mdBook writes.
pub fn admonition_title(lang: &str, english: &str) -> Option<&'static str> {
    Some(match (lang, english) {
        ("ko", "Note") => "참고",
        ("ko", "Tip") => "팁",
        ("ko", "Important") => "중요",
        ("ko", "Warning") => "경고",
        ("ko", "Caution") => "주의",
        _ => return None,
    })
}

/// `html` with the titles mdBook writes on admonition boxes in `lang`.
pub fn admonition_titles(html: &str, lang: &str) -> String {
    let re = regex_lite::Regex::new(
        r#"(?s)(<p class="blockquote-tag-title"><svg[^>]*>.*?</svg>)(Note|Tip|Important|Warning|Caution)</p>"#,
    )
    .expect("a valid pattern");
    re.replace_all(html, |c: &regex_lite::Captures<'_>| {
        let title = admonition_title(lang, &c[2]).unwrap_or(&c[2]).to_string();
        format!("{}{title}</p>", &c[1])
    })
    .into_owned()
}

/// The class of the picker's links (styled by `theme/cloudbook-i18n.css`).
pub const PICKER_CLASS: &str = "cloudbook-language";

/// Puts links to the same page in every other edition at the start of each page's menu-bar buttons.
fn add_pickers(out: &Path, langs: &[String]) -> anyhow::Result<()> {
    let all: Vec<&str> = std::iter::once("en")
        .chain(langs.iter().map(String::as_str))
        .collect();
    for &here in &all {
        let edition = if here == "en" {
            out.to_path_buf()
        } else {
            out.join(here)
        };
        let mut files = Vec::new();
        collect_files(&edition, &mut files)?;
        for f in files
            .iter()
            .filter(|f| f.extension().is_some_and(|x| x == "html"))
        {
            let rel = f
                .strip_prefix(&edition)
                .expect("collected under the edition")
                .to_string_lossy()
                .replace('\\', "/");
            // Another edition's pages inside this one's folder (`ko/` under English) are its own.
            if here == "en" && langs.iter().any(|l| rel.starts_with(&format!("{l}/"))) {
                continue;
            }
            let html = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
            if let Some(new) = with_picker(&html, &rel, here, &all) {
                std::fs::write(f, new).with_context(|| format!("writing {}", f.display()))?;
            }
        }
    }
    Ok(())
}

/// `html` with the picker inserted, or `None` for a page without a menu bar (e.g. `toc.html`).
/// `rel` is the page's path inside its edition; `here` the edition's language.
pub fn with_picker(html: &str, rel: &str, here: &str, all: &[&str]) -> Option<String> {
    const ANCHOR: &str = "<div class=\"right-buttons\">";
    let at = html.find(ANCHOR)? + ANCHOR.len();
    let depth = rel.matches('/').count() + usize::from(here != "en");
    let up = "../".repeat(depth);
    let mut links = String::new();
    for &lang in all.iter().filter(|&&l| l != here) {
        let prefix = if lang == "en" {
            String::new()
        } else {
            format!("{lang}/")
        };
        let name = endonym(lang);
        links += &format!(
            "\n<a class=\"{PICKER_CLASS}\" href=\"{up}{prefix}{rel}\" hreflang=\"{lang}\" lang=\"{lang}\" title=\"{name}\" aria-label=\"{name}\">{name}</a>"
        );
    }
    Some(format!("{}{links}{}", &html[..at], &html[at..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_links_the_same_page_both_ways() {
        let page = "<div class=\"right-buttons\">\n<a href=\"../print.html\">";
        let en =
            with_picker(page, "lambda/first-function.html", "en", &["en", "ko"]).expect("has a menu bar");
        assert!(
            en.contains("href=\"../ko/lambda/first-function.html\" hreflang=\"ko\" lang=\"ko\""),
            "{en}"
        );
        let ko =
            with_picker(page, "lambda/first-function.html", "ko", &["en", "ko"]).expect("has a menu bar");
        assert!(
            ko.contains("href=\"../../lambda/first-function.html\" hreflang=\"en\""),
            "{ko}"
        );
        let top = with_picker(page, "index.html", "ko", &["en", "ko"]).expect("has a menu bar");
        assert!(top.contains("href=\"../index.html\""), "{top}");
        assert_eq!(
            with_picker("<nav>toc</nav>", "toc.html", "en", &["en", "ko"]),
            None
        );
    }

    #[test]
    fn terms_take_the_english_pages_ids() {
        let en = "<dl>\n<dt id=\"region\"><a class=\"header\" href=\"#region\">Region</a></dt>\n<dd>An area.</dd>\n\
                  <dt id=\"cold-start\"><a class=\"header\" href=\"#cold-start\">Cold start</a></dt>\n</dl>";
        let ko = "<dl>\n<dt id=\"리전-region\"><a class=\"header\" href=\"#리전-region\">리전 (Region)</a></dt>\n<dd>지역.</dd>\n\
                  <dt id=\"콜드-스타트\"><a class=\"header\" href=\"#콜드-스타트\">콜드 스타트</a></dt>\n</dl>";
        let fixed = with_english_term_ids(ko, en);
        assert_eq!(
            fixed,
            ko.replace("리전-region", "region")
                .replace("콜드-스타트", "cold-start")
        );
        // Terms that do not pair up are not guessed at.
        let one = "<dt id=\"리전-region\"><a class=\"header\" href=\"#리전-region\">리전</a></dt>";
        assert_eq!(with_english_term_ids(one, en), one);
    }

    #[test]
    fn admonition_titles_are_in_the_editions_language() {
        let title = |t: &str| {
            format!(
                "<blockquote class=\"blockquote-tag blockquote-tag-note\">\n<p class=\"blockquote-tag-title\"><svg viewbox=\"0 0 16 16\" width=\"18\" height=\"18\"><path d=\"M0 8a8\"></path></svg>{t}</p>\n<p>Note that Note stays.</p>"
            )
        };
        for (en, ko) in [
            ("Note", "참고"),
            ("Tip", "팁"),
            ("Important", "중요"),
            ("Warning", "경고"),
            ("Caution", "주의"),
        ] {
            assert_eq!(admonition_titles(&title(en), "ko"), title(ko));
            assert_eq!(admonition_titles(&title(en), "en"), title(en));
        }
    }
}
