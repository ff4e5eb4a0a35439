//! `cloudbook i18n`: the gettext workflow of the book's translations (issue #13).
//!
//! `extract` writes `po/messages.pot` from the chapters, quizzes and labs; `update <lang>` merges
//! it into `po/<lang>.po` (a changed English message keeps its old translation marked fuzzy, so
//! drift is visible and the build falls back to English); `status` prints coverage per page, quiz
//! and lab. The build side lives in `site.rs` (the editions under `/<lang>/`, the language picker,
//! the Korean search index), the checks of `cloudbook check` in `verify.rs`.
//! This module owns no translation text: that is `po/`.

pub mod catalog;
pub mod po;
pub mod search;
pub mod site;
pub mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;

pub use catalog::Localizer;
use po::{Entry, PoFile};

/// Where catalogs live, relative to the book root.
pub const PO_DIR: &str = "po";
/// The template every language's catalog is merged from.
pub const TEMPLATE: &str = "po/messages.pot";

#[derive(Subcommand)]
pub enum I18nCmd {
    /// Write po/messages.pot from the chapters, quizzes and labs (running it twice changes nothing).
    Extract {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Merge the current messages into po/<LANG>.po: new ones untranslated, changed ones fuzzy.
    Update {
        /// The language, e.g. ko.
        lang: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Print translation coverage per page, quiz and lab, and the total.
    Status {
        /// The language, e.g. ko (default: every po/*.po).
        lang: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

pub fn run(cmd: I18nCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        I18nCmd::Extract { root } => {
            let root = super::preprocess::find_book_root(&root)?;
            let text = template_text(&root)?;
            let path = root.join(TEMPLATE);
            std::fs::create_dir_all(root.join(PO_DIR))?;
            let changed = std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str());
            if changed {
                std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
            }
            let n = po::parse(TEMPLATE, &text).map(|f| f.entries.len()).unwrap_or(0);
            println!(
                "{TEMPLATE}: {n} messages{}",
                if changed { "" } else { " (unchanged)" }
            );
        }
        I18nCmd::Update { lang, root } => {
            let root = super::preprocess::find_book_root(&root)?;
            let rel = format!("{PO_DIR}/{lang}.po");
            let old = read_po(&root, &rel)?.unwrap_or_default();
            let merged = merge(&template(&root)?, &old, &lang);
            std::fs::write(root.join(&rel), po::write(&merged, &preamble(&lang)))?;
            let s = Coverage::of(&merged.entries);
            println!(
                "{rel}: {} messages, {} translated, {} fuzzy, {} untranslated",
                s.total(),
                s.translated,
                s.fuzzy,
                s.untranslated
            );
        }
        I18nCmd::Status { lang, root } => {
            let root = super::preprocess::find_book_root(&root)?;
            let langs = match lang {
                Some(l) => vec![l],
                None => languages(&root)?,
            };
            let current = template(&root)?;
            for lang in langs {
                let rel = format!("{PO_DIR}/{lang}.po");
                let file = read_po(&root, &rel)?.with_context(|| {
                    format!("{rel} does not exist; create it with `cloudbook i18n update {lang}`")
                })?;
                print!("{}", status_report(&lang, &current, &file));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The languages that have a catalog (`po/<lang>.po`), sorted.
pub fn languages(root: &Path) -> anyhow::Result<Vec<String>> {
    let dir = root.join(PO_DIR);
    let mut langs = Vec::new();
    if dir.is_dir() {
        for e in std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "po")
                && let Some(stem) = p.file_stem()
            {
                langs.push(stem.to_string_lossy().into_owned());
            }
        }
    }
    langs.sort();
    Ok(langs)
}

/// The current messages as a template (no translations).
pub fn template(root: &Path) -> anyhow::Result<PoFile> {
    Ok(PoFile {
        header: "Project-Id-Version: cloudbook\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n".into(),
        entries: catalog::extract(root)?,
    })
}

/// The text of `po/messages.pot`.
pub fn template_text(root: &Path) -> anyhow::Result<String> {
    Ok(po::write(
        &template(root)?,
        "Messages of cloudbook, extracted by `cloudbook i18n extract`. Do not edit: run\n`cloudbook i18n update <lang>` and translate po/<lang>.po.",
    ))
}

fn preamble(lang: &str) -> String {
    format!(
        "The {lang} translation of cloudbook. Terms: po/TERMINOLOGY.md.\nUpdate with `cloudbook i18n update {lang}`; check with `cloudbook check`."
    )
}

/// Reads and parses `rel` under `root`, or `None` when it does not exist.
pub fn read_po(root: &Path, rel: &str) -> anyhow::Result<Option<PoFile>> {
    let path = root.join(rel);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    po::parse(rel, &text)
        .map(Some)
        .map_err(|d| anyhow::anyhow!("{rel} is malformed:\n{}", crate::diag::render_all(&d).trim_end()))
}

/// `template`'s messages with the translations of `old`: the same message keeps its translation;
/// a message whose English changed keeps the old translation marked fuzzy when the old one had
/// the same context (a quiz question, a lab) or the same place in a chapter; the rest is empty.
pub fn merge(template: &PoFile, old: &PoFile, lang: &str) -> PoFile {
    let exact = old.by_key();
    let mut by_place: BTreeMap<(Option<&str>, &str), &Entry> = BTreeMap::new();
    for e in &old.entries {
        if e.msgstr.is_empty() {
            continue;
        }
        match &e.msgctxt {
            Some(c) => {
                by_place.entry((Some(c), "")).or_insert(e);
            }
            None => {
                for r in &e.references {
                    by_place.entry((None, r)).or_insert(e);
                }
            }
        }
    }
    let mut taken: std::collections::BTreeSet<(Option<&str>, &str)> = Default::default();
    let mut entries = Vec::new();
    for t in &template.entries {
        let mut e = t.clone();
        if let Some(o) = exact.get(&t.key()) {
            e.msgstr = o.msgstr.clone();
            e.flags = o.flags.clone();
        } else {
            let place = match &t.msgctxt {
                Some(c) => by_place.get(&(Some(c.as_str()), "")),
                None => t
                    .references
                    .iter()
                    .find_map(|r| by_place.get(&(None, r.as_str()))),
            };
            if let Some(o) = place
                && !exact_in(template, o)
                && taken.insert(o.key())
            {
                e.msgstr = o.msgstr.clone();
                e.flags = vec!["fuzzy".into()];
            }
        }
        entries.push(e);
    }
    let mut header = if old.header.is_empty() {
        template.header.clone()
    } else {
        old.header.clone()
    };
    if !header.lines().any(|l| l.starts_with("Language:")) {
        header.push_str(&format!("Language: {lang}\n"));
    }
    PoFile { header, entries }
}

/// Whether `o`'s message is still in the template (then its translation is not a fuzzy guess).
fn exact_in(template: &PoFile, o: &Entry) -> bool {
    template.entries.iter().any(|t| t.key() == o.key())
}

/// Counts of one group of messages.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    pub translated: u32,
    pub fuzzy: u32,
    pub untranslated: u32,
}

impl Coverage {
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Coverage {
        let mut c = Coverage::default();
        for e in entries {
            c.add(e);
        }
        c
    }

    fn add(&mut self, e: &Entry) {
        if e.msgstr.is_empty() {
            self.untranslated += 1;
        } else if e.is_fuzzy() {
            self.fuzzy += 1;
        } else {
            self.translated += 1;
        }
    }

    pub fn total(&self) -> u32 {
        self.translated + self.fuzzy + self.untranslated
    }

    /// Translated share in percent, rounded down (100 only when all are translated).
    pub fn percent(&self) -> u32 {
        (u64::from(self.translated) * 100)
            .checked_div(u64::from(self.total()))
            .unwrap_or(100) as u32
    }
}

/// What `cloudbook i18n status` prints: the current messages against a language's catalog, per
/// page (book messages by their file), quiz and lab (by context), then the total.
pub fn status_report(lang: &str, current: &PoFile, file: &PoFile) -> String {
    let merged = merge(current, file, lang);
    let mut groups: BTreeMap<(u8, String), Coverage> = BTreeMap::new();
    let mut order: Vec<(u8, String)> = Vec::new();
    for e in &merged.entries {
        let group = match &e.msgctxt {
            Some(c) if c.starts_with("quiz:") => (
                1,
                c.split('/')
                    .next()
                    .unwrap_or(c)
                    .trim_start_matches("quiz:")
                    .to_string(),
            ),
            Some(c) if c.starts_with("lab:") => (2, c.trim_start_matches("lab:").to_string()),
            Some(c) => (0, c.clone()),
            None => (
                0,
                e.references
                    .first()
                    .map(|r| r.rsplit_once(':').map_or(r.as_str(), |(f, _)| f).to_string())
                    .unwrap_or_default(),
            ),
        };
        if !groups.contains_key(&group) {
            order.push(group.clone());
        }
        groups.entry(group).or_default().add(e);
    }
    let mut out = format!(
        "{lang}: {:<44} {:>10} {:>6} {:>12} {:>5}\n",
        "page, quiz or lab", "translated", "fuzzy", "untranslated", "%"
    );
    for kind in 0..3u8 {
        for g in order.iter().filter(|g| g.0 == kind) {
            let c = groups[g];
            let label = match kind {
                0 => format!("page {}", g.1),
                1 => format!("quiz {}", g.1),
                _ => format!("lab  {}", g.1),
            };
            out += &format!(
                "{lang}: {label:<44} {:>10} {:>6} {:>12} {:>4}%\n",
                c.translated,
                c.fuzzy,
                c.untranslated,
                c.percent()
            );
        }
    }
    let total = Coverage::of(&merged.entries);
    out += &format!(
        "{lang}: {:<44} {:>10} {:>6} {:>12} {:>4}%\n",
        "total",
        total.translated,
        total.fuzzy,
        total.untranslated,
        total.percent()
    );
    out
}
