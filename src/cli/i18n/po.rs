//! Reading and writing gettext PO files, with the line of every entry kept for diagnostics.
//!
//! polib's parser panics on some malformed lines and reports no line numbers, so the catalog is
//! read here: every problem is a [`Diagnostic`] at `po/ko.po:LINE:COL`, all of them at once. The
//! writer is deterministic (no creation date, entries in the order given) so that extracting twice
//! gives the same bytes. It does not fold long lines; gettext tools accept either form.
//! Plural forms are not supported: the book has no message that needs one.

use std::collections::BTreeMap;

use crate::diag::Diagnostic;

/// One message of a catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// The line of `msgid` (1-based).
    pub line: u32,
    /// The line of `msgstr`, where translation problems are reported.
    pub msgstr_line: u32,
    /// `#.` lines: notes for translators, written by the extraction.
    pub comments: Vec<String>,
    /// `#:` references, such as `book/lambda/first-function.md:12`.
    pub references: Vec<String>,
    /// `#,` flags, such as `fuzzy`.
    pub flags: Vec<String>,
    pub msgctxt: Option<String>,
    pub msgid: String,
    pub msgstr: String,
}

impl Entry {
    pub fn is_fuzzy(&self) -> bool {
        self.flags.iter().any(|f| f == "fuzzy")
    }

    /// Translated and not fuzzy: the build uses it.
    pub fn is_used(&self) -> bool {
        !self.msgstr.is_empty() && !self.is_fuzzy()
    }

    /// The key that makes a message unique in a catalog.
    pub fn key(&self) -> (Option<&str>, &str) {
        (self.msgctxt.as_deref(), &self.msgid)
    }
}

/// A whole PO or POT file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoFile {
    /// The `msgstr` of the empty `msgid`: `Name: value` lines.
    pub header: String,
    pub entries: Vec<Entry>,
}

impl PoFile {
    /// A header field, such as `Language`.
    pub fn header_field(&self, name: &str) -> Option<&str> {
        self.header.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == name).then(|| v.trim())
        })
    }

    /// The entries by (msgctxt, msgid).
    pub fn by_key(&self) -> BTreeMap<(Option<&str>, &str), &Entry> {
        self.entries.iter().map(|e| (e.key(), e)).collect()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    None,
    Ctxt,
    Id,
    Str,
}

/// The state of [`parse`] between lines.
struct Reader<'p> {
    path: &'p str,
    diags: Vec<Diagnostic>,
    file: PoFile,
    cur: Entry,
    field: Field,
    has_id: bool,
    has_str: bool,
    header_done: bool,
    /// The first line of the entry being read (its comments), for a comment with no message.
    start: u32,
    seen: BTreeMap<(Option<String>, String), u32>,
}

impl Reader<'_> {
    fn error(&mut self, line: u32, col: u32, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(self.path, line, col, message));
    }

    fn pending(&self) -> bool {
        self.has_id
            || !self.cur.comments.is_empty()
            || !self.cur.references.is_empty()
            || !self.cur.flags.is_empty()
    }

    /// Ends the entry being read.
    fn finish(&mut self) {
        let mut cur = std::mem::take(&mut self.cur);
        if !self.has_id {
            if self.pending_comments(&cur) {
                self.error(
                    self.start.max(1),
                    1,
                    "comments with no message after them (fix: delete them or add the msgid and msgstr they belong to)",
                );
            }
        } else if !self.has_str {
            self.error(
                cur.line,
                1,
                "a msgid without a msgstr (fix: add `msgstr \"\"` after it)",
            );
        } else if cur.msgid.is_empty() && cur.msgctxt.is_none() && !self.header_done {
            self.file.header = std::mem::take(&mut cur.msgstr);
            self.header_done = true;
        } else if cur.msgid.is_empty() {
            self.error(
                cur.line,
                1,
                "an empty msgid is only allowed once, for the header (fix: delete this entry)",
            );
        } else if let Some(first) = self
            .seen
            .insert((cur.msgctxt.clone(), cur.msgid.clone()), cur.line)
        {
            self.error(
                cur.line,
                1,
                format!("this message is already in the catalog at line {first} (fix: keep one of the two)"),
            );
        } else {
            self.file.entries.push(cur);
        }
        self.has_id = false;
        self.has_str = false;
        self.start = 0;
    }

    fn pending_comments(&self, e: &Entry) -> bool {
        !(e.comments.is_empty() && e.references.is_empty() && e.flags.is_empty())
    }

    fn line(&mut self, n: u32, line: &str) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            if self.pending() {
                self.finish();
            }
            self.field = Field::None;
            return;
        }
        if let Some(rest) = trimmed.strip_prefix('#') {
            if self.has_str {
                // Comments start the next entry even without a blank line.
                self.finish();
            }
            if self.start == 0 {
                self.start = n;
            }
            self.field = Field::None;
            if let Some(c) = rest.strip_prefix('.') {
                self.cur.comments.push(c.trim().to_string());
            } else if let Some(r) = rest.strip_prefix(':') {
                self.cur
                    .references
                    .extend(r.split_whitespace().map(str::to_string));
            } else if let Some(f) = rest.strip_prefix(',') {
                self.cur.flags.extend(
                    f.split(',')
                        .map(|f| f.trim().to_string())
                        .filter(|f| !f.is_empty()),
                );
            }
            // `#~` (obsolete), `#|` (previous msgid) and `# ` (translator) lines are kept by
            // gettext tools; the build has no use for them.
            return;
        }
        let (keyword, rest) = if trimmed.starts_with('"') {
            ("", trimmed)
        } else {
            match trimmed.find(char::is_whitespace) {
                Some(sp) => (&trimmed[..sp], trimmed[sp..].trim_start()),
                None => (trimmed, ""),
            }
        };
        let col = (line.len() - rest.len()) as u32 + 1;
        let value = match parse_string(rest) {
            Ok(v) => v,
            Err((offset, why)) => {
                self.error(n, col + offset as u32, why);
                if keyword == "msgstr" && self.has_id {
                    // Reported once: the entry has its msgstr, a broken one.
                    self.has_str = true;
                    self.cur.msgstr_line = n;
                    self.field = Field::Str;
                }
                return;
            }
        };
        match keyword {
            "" => match self.field {
                Field::Ctxt => self.cur.msgctxt.get_or_insert_with(String::new).push_str(&value),
                Field::Id => self.cur.msgid.push_str(&value),
                Field::Str => self.cur.msgstr.push_str(&value),
                Field::None => self.error(
                    n,
                    1,
                    "a string with no keyword before it (fix: continue a msgid or msgstr, or start the line with msgid/msgstr)",
                ),
            },
            "msgctxt" => {
                if self.has_str {
                    self.finish();
                }
                if self.start == 0 {
                    self.start = n;
                }
                self.cur.msgctxt = Some(value);
                self.field = Field::Ctxt;
            }
            "msgid" => {
                if self.has_str {
                    self.finish();
                }
                if self.has_id {
                    self.error(
                        n,
                        1,
                        "a second msgid before the msgstr of the first (fix: add the msgstr of the message above)",
                    );
                }
                self.cur.line = n;
                self.cur.msgid = value;
                self.has_id = true;
                self.field = Field::Id;
            }
            "msgstr" => {
                if !self.has_id {
                    self.error(n, 1, "a msgstr without a msgid (fix: add the msgid it translates above it)");
                    return;
                }
                self.cur.msgstr = value;
                self.cur.msgstr_line = n;
                self.has_str = true;
                self.field = Field::Str;
            }
            k if k.starts_with("msgid_plural") || k.starts_with("msgstr[") => self.error(
                n,
                1,
                format!("`{k}`: plural forms are not used by this book (fix: remove the plural entry)"),
            ),
            k => self.error(
                n,
                1,
                format!("unknown keyword `{k}` (expected one of: msgctxt, msgid, msgstr, or a quoted string)"),
            ),
        }
    }
}

/// Parses a PO file, reporting every problem at once. `path` names it in diagnostics.
pub fn parse(path: &str, text: &str) -> Result<PoFile, Vec<Diagnostic>> {
    let mut r = Reader {
        path,
        diags: Vec::new(),
        file: PoFile::default(),
        cur: Entry::default(),
        field: Field::None,
        has_id: false,
        has_str: false,
        header_done: false,
        start: 0,
        seen: BTreeMap::new(),
    };
    for (i, raw) in text.lines().enumerate() {
        r.line(i as u32 + 1, raw.trim_end_matches('\r'));
    }
    if r.pending() {
        r.finish();
    }
    if r.diags.is_empty() {
        Ok(r.file)
    } else {
        Err(r.diags)
    }
}

/// One quoted PO string, unescaped; on error the byte offset in `s` and the reason.
fn parse_string(s: &str) -> Result<String, (usize, String)> {
    let Some(body) = s.strip_prefix('"') else {
        return Err((0, "expected a string in double quotes (fix: write \"…\")".into()));
    };
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                let rest = &body[i + 1..];
                let after = rest.trim();
                if !after.is_empty() {
                    // The offset of the stray text in `s`: the opening quote, then the body.
                    return Err((
                        1 + i + 1 + (rest.len() - rest.trim_start().len()),
                        format!(
                            "text after the closing quote: `{after}` (fix: escape a quote inside a string as \\\")"
                        ),
                    ));
                }
                return Ok(out);
            }
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, other)) => {
                    return Err((
                        i + 1,
                        format!("unknown escape `\\{other}` (fix: use \\n, \\t, \\\" or \\\\)"),
                    ));
                }
                None => {
                    return Err((
                        i + 1,
                        "a backslash at the end of the line (fix: write \\\\)".into(),
                    ));
                }
            },
            _ => out.push(c),
        }
    }
    Err((
        s.len(),
        "the string has no closing quote (fix: end it with \" on the same line)".into(),
    ))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            _ => out.push(c),
        }
    }
    out
}

fn write_field(out: &mut String, keyword: &str, value: &str) {
    let parts: Vec<&str> = value.split_inclusive('\n').collect();
    if parts.len() <= 1 {
        out.push_str(&format!("{keyword} \"{}\"\n", escape(value)));
    } else {
        out.push_str(&format!("{keyword} \"\"\n"));
        for p in parts {
            out.push_str(&format!("\"{}\"\n", escape(p)));
        }
    }
}

/// Writes a catalog, deterministically: the same `file` gives the same text.
pub fn write(file: &PoFile, preamble: &str) -> String {
    let mut out = String::new();
    for l in preamble.lines() {
        out.push_str(&format!("# {l}\n").replace("# \n", "#\n"));
    }
    write_field(&mut out, "msgid", "");
    write_field(&mut out, "msgstr", &file.header);
    for e in &file.entries {
        out.push('\n');
        for c in &e.comments {
            out.push_str(&format!("#. {c}\n"));
        }
        if !e.references.is_empty() {
            out.push_str(&format!("#: {}\n", e.references.join(" ")));
        }
        if !e.flags.is_empty() {
            out.push_str(&format!("#, {}\n", e.flags.join(", ")));
        }
        if let Some(c) = &e.msgctxt {
            write_field(&mut out, "msgctxt", c);
        }
        write_field(&mut out, "msgid", &e.msgid);
        write_field(&mut out, "msgstr", &e.msgstr);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# A comment
msgid ""
msgstr ""
"Language: ko\n"
"Content-Type: text/plain; charset=UTF-8\n"

#. a note
#: book/a.md:3 book/b.md:9
msgid "Hello"
msgstr "안녕하세요"

#, fuzzy
msgctxt "quiz:q1/a"
msgid ""
"Two\n"
"lines"
msgstr "두\n줄"
"#;

    #[test]
    fn round_trips_and_keeps_lines() {
        let f = parse("po/ko.po", SAMPLE).expect("sample parses");
        assert_eq!(f.header_field("Language"), Some("ko"));
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[0].references, ["book/a.md:3", "book/b.md:9"]);
        assert_eq!(f.entries[0].msgstr_line, 10);
        assert_eq!(f.entries[1].msgid, "Two\nlines");
        assert!(f.entries[1].is_fuzzy() && !f.entries[1].is_used());
        let again = parse("po/ko.po", &write(&f, "")).expect("written catalog parses");
        assert_eq!(
            again
                .entries
                .iter()
                .map(|e| (&e.msgctxt, &e.msgid, &e.msgstr))
                .collect::<Vec<_>>(),
            f.entries
                .iter()
                .map(|e| (&e.msgctxt, &e.msgid, &e.msgstr))
                .collect::<Vec<_>>()
        );
        assert_eq!(write(&again, ""), write(&f, ""));
    }

    #[test]
    fn reports_every_problem_at_its_line() {
        let bad = "msgid \"\"\nmsgstr \"\"\n\nmsgid \"a\"\nmsgstr \"b\n\nmsgid \"c\"\n\nmsgstr \"d\"\nmsgid \"a\"\nmsgstr \"x\\q\"\n";
        let diags = parse("po/ko.po", bad).expect_err("malformed");
        let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert!(text[0].starts_with("po/ko.po:5:"), "{text:?}");
        assert!(
            text.iter()
                .any(|d| d.starts_with("po/ko.po:7:1: error: a msgid without a msgstr")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|d| d.starts_with("po/ko.po:9:1: error: a msgstr without a msgid")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|d| d.starts_with("po/ko.po:11:") && d.contains("unknown escape")),
            "{text:?}"
        );
    }
}
