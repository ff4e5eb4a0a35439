//! Diagnostics for bad *input*: a broken quiz, lab block or scenario file.
//!
//! Every parser collects all the problems it can find and returns them as `Diagnostic`s, each
//! rendered as `path:line:col: error: message` so editors and terminals can jump to the spot.
//! Failures of the *simulated* system are trace events, never diagnostics.
//!
//! Every TOML input (quiz, lab block, function file, ECS and Batch scenarios) goes through one
//! walk here: [`read_toml`] keeps a byte span on every key and value, and [`Walk`] checks the
//! tree against a table of [`Field`]s, reporting *every* unknown key (with "did you mean"),
//! missing key, wrong type and out-of-set value at once, in one wording. Parsers then
//! deserialize only the parts the walk found sound ([`Walk::root`], [`Walk::decode`]) and add
//! their own checks with the spans of the tree, so nobody maps serde's message text back to a key.

use core::fmt;
use core::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::sim::SimDuration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem at one place. `line` and `col` are 1-based; `col` counts characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, line: u32, col: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            col,
            severity: Severity::Error,
            message: message.into(),
        }
    }
    /// An error at a byte offset of `text`.
    pub fn at_offset(path: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(text, offset);
        Self::error(path, line, col, message)
    }
    /// Moves a diagnostic found in an embedded block (a ```` ```lab ```` fence) to its place in
    /// the file that contains it: the block's first line is `line` of the outer file, and every
    /// line of it is indented by `indent` columns (a fence inside a list item).
    pub fn shifted(mut self, path: &str, line: u32, indent: u32) -> Self {
        self.line += line - 1;
        self.col += indent;
        self.path = path.to_string();
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {sev}: {}",
            self.path, self.line, self.col, self.message
        )
    }
}

/// 1-based line and column (in characters) of a byte offset; offsets past the end clamp to it.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].trim_end_matches('\r').chars().count() as u32 + 1;
    (line, col)
}

/// Joins diagnostics one per line, as the CLI prints them.
pub fn render_all(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| format!("{d}\n")).collect()
}

// ---------------------------------------------------------------------------------------------
// The one spanned TOML walk every parser of user input goes through.
// ---------------------------------------------------------------------------------------------

/// A TOML value with the byte span it was written at.
pub type Value<'i> = Spanned<DeValue<'i>>;

/// The shape of one value in an input file. One table of [`Field`]s drives the checks (unknown
/// keys with "did you mean", missing keys, wrong types, values out of a set) and, for quizzes, the
/// JSON Schema, so what a parser accepts and what its reference page promises cannot drift.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// A plain string.
    Str,
    /// A Markdown string, rendered to HTML at build time.
    Markdown,
    Bool,
    /// A whole number from 0 to `u32::MAX`.
    Count,
    /// A whole number in `min..=max`.
    Int {
        min: i64,
        max: u64,
    },
    /// An integer or a float.
    Number,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// A string checked by a function that returns the whole message when it is wrong
    /// (instance types, which live in a catalog).
    Check(fn(&str) -> Result<(), String>),
    /// `500ms`, `30s`, `1.5m`, `2h`, or a whole number of seconds ([`SimDuration`]'s grammar).
    Duration,
    /// An array of plain strings.
    StrList,
    /// An array of Markdown strings.
    MarkdownList,
    /// An array whose items are a Markdown string or a table with these keys.
    MarkdownOrTableList(&'static [Field]),
    /// An array of tables with these keys (`[[x]]` or inline tables).
    TableList(&'static [Field]),
    /// An array of values of one shape.
    List(&'static Ty),
    /// A table with these keys.
    Table(&'static [Field]),
    /// A table whose keys are free (names chosen by the author) and whose values have one shape.
    Map(&'static Ty),
    /// A table whose `tag` key picks the other keys it accepts.
    Tagged(&'static Tagged),
    /// Anything (an event sent as JSON, a policy document).
    Any,
}

/// A table with a discriminating key, such as a timeline step's `action` or a goal's `check`.
#[derive(Debug, Clone, Copy)]
pub struct Tagged {
    pub tag: &'static str,
    /// How messages name the tag's values ("action", "goal check").
    pub noun: &'static str,
    pub doc: &'static str,
    /// Each value of the tag with the keys it accepts besides the tag.
    pub variants: &'static [(&'static str, &'static [Field])],
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

/// A required key.
pub const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        doc,
    }
}

/// An optional key.
pub const fn opt(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        doc,
    }
}

/// How messages name a table: the file itself ("the scenario"), a TOML header built from the
/// key path (`[function.triggers]`, `[[instance]]`), or a name the caller chose
/// (`question "x"`, whose items become `an item of "options" in question "x"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub what: String,
    dotted: Option<String>,
}

impl Place {
    /// The top of a file; nested tables are named by TOML headers.
    pub fn root(what: impl Into<String>) -> Place {
        Place {
            what: what.into(),
            dotted: Some(String::new()),
        }
    }
    /// A table the caller names; nested tables are named relative to it.
    pub fn named(what: impl Into<String>) -> Place {
        Place {
            what: what.into(),
            dotted: None,
        }
    }
    fn join(&self, key: &str) -> Option<String> {
        self.dotted.as_ref().map(|d| {
            if d.is_empty() {
                key.to_string()
            } else {
                format!("{d}.{key}")
            }
        })
    }
    /// The table under `key`.
    pub fn table(&self, key: &str) -> Place {
        match self.join(key) {
            Some(d) => Place {
                what: format!("[{d}]"),
                dotted: Some(d),
            },
            None => Place::named(format!("\"{key}\" in {}", self.what)),
        }
    }
    /// An item of the array of tables under `key`.
    pub fn item(&self, key: &str) -> Place {
        match self.join(key) {
            Some(d) => Place {
                what: format!("[[{d}]]"),
                dotted: Some(d),
            },
            None => Place::named(format!("an item of \"{key}\" in {}", self.what)),
        }
    }
}

/// A table of the tree with the span to blame when one of its keys is missing.
#[derive(Clone, Copy)]
pub struct Table<'a, 'i> {
    pub map: &'a DeTable<'i>,
    pub span: (usize, usize),
}

impl<'a, 'i> Table<'a, 'i> {
    /// The table a value holds, if it is one.
    pub fn of(v: &'a Value<'i>) -> Option<Table<'a, 'i>> {
        match v.get_ref() {
            DeValue::Table(map) => Some(Table {
                map,
                span: (v.span().start, v.span().end),
            }),
            _ => None,
        }
    }
    /// The top of a file.
    pub fn root(t: &'a Spanned<DeTable<'i>>) -> Table<'a, 'i> {
        Table {
            map: t.get_ref(),
            span: (t.span().start, t.span().end),
        }
    }
    pub fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.map.get(key)
    }
    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(|v| v.get_ref().as_str())
    }
    pub fn string(&self, key: &str) -> Option<String> {
        self.str(key).map(str::to_string)
    }
    pub fn bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(|v| v.get_ref().as_bool())
    }
    /// Where to point at `key`: its value, or the table when the key is absent.
    pub fn at(&self, key: &str) -> usize {
        self.get(key).map_or(self.span.0, |v| v.span().start)
    }
    /// The strings of an array, with their spans; other items are skipped.
    pub fn strings(&self, key: &str) -> Vec<(String, Range<usize>)> {
        let Some(DeValue::Array(items)) = self.get(key).map(|v| v.get_ref()) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|i| Some((i.get_ref().as_str()?.to_string(), i.span())))
            .collect()
    }
    /// The items of an array (`[[x]]` or `[…]`).
    pub fn items(&self, key: &str) -> &'a [Value<'i>] {
        match self.get(key).map(|v| v.get_ref()) {
            Some(DeValue::Array(items)) => &items[..],
            _ => &[],
        }
    }
    /// The tables of an array of tables.
    pub fn tables(&self, key: &str) -> Vec<Table<'a, 'i>> {
        self.items(key).iter().filter_map(Table::of).collect()
    }
}

/// Reads TOML into its spanned tree, or reports every syntax error.
pub fn read_toml<'i>(path: &str, text: &'i str) -> Result<Spanned<DeTable<'i>>, Vec<Diagnostic>> {
    let (root, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Ok(root);
    }
    // After a syntax error the recovered tree is a guess; checking it would add noise.
    Err(errors
        .iter()
        .map(|e| {
            let at = e.span().map_or(0, |s| s.start);
            Diagnostic::at_offset(path, text, at, format!("invalid TOML: {}", e.message().trim()))
        })
        .collect())
}

/// A number written as a TOML integer or float.
pub fn number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix()).ok().map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
        _ => None,
    }
}

fn integer(v: &DeValue<'_>) -> Option<i128> {
    match v {
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

/// Collects the diagnostics of one file while its tree is walked against a schema.
pub struct Walk<'t> {
    pub path: &'t str,
    pub text: &'t str,
    pub diags: Vec<Diagnostic>,
    /// What `unknown <label> "x"` says for an enum-valued key (`type` → `question type`).
    labels: &'t [(&'t str, &'t str)],
}

impl<'t> Walk<'t> {
    pub fn new(path: &'t str, text: &'t str) -> Self {
        Walk {
            path,
            text,
            diags: Vec::new(),
            labels: &[],
        }
    }
    /// Names the values of enum-valued keys in messages (`[("type", "question type")]`).
    pub fn with_labels(mut self, labels: &'t [(&'t str, &'t str)]) -> Self {
        self.labels = labels;
        self
    }

    pub fn err(&mut self, at: usize, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::at_offset(self.path, self.text, at, message));
    }

    /// The diagnostics sorted by position, or `ok` when there are none.
    pub fn finish<T>(mut self, ok: T) -> Result<T, Vec<Diagnostic>> {
        if self.diags.is_empty() {
            Ok(ok)
        } else {
            self.diags.sort_by_key(|d| (d.line, d.col));
            Err(self.diags)
        }
    }

    /// Deserializes a value the walk found sound. The walk checks every shape serde needs, so a
    /// failure here is reported but should not happen.
    pub fn decode<'i, T: serde::Deserialize<'i>>(&mut self, v: &Value<'i>) -> Option<T> {
        match T::deserialize(toml::de::ValueDeserializer::from(v.clone())) {
            Ok(t) => Some(t),
            Err(e) => {
                let at = e.span().map_or(v.span().start, |s| s.start);
                let message = e.message().trim().replace('`', "\"");
                self.err(at, format!("invalid value: {message}"));
                None
            }
        }
    }

    /// Checks a file's top table and returns the sound parts: keys whose values have no problem
    /// and, for arrays, the items without one, so a parser can build and cross-check what is
    /// right while reporting what is wrong.
    pub fn root<'a, 'i>(
        &mut self,
        root: &'a Spanned<DeTable<'i>>,
        fields: &[Field],
        place: &Place,
    ) -> Sound<'a, 'i> {
        let t = Table::root(root);
        self.keys(t, fields, place, &[], "", &[]);
        let mut sound = Sound {
            table: t,
            values: Vec::new(),
        };
        for (key, value) in sorted(t.map) {
            let Some(f) = fields.iter().find(|f| f.name == key) else {
                continue;
            };
            let items = match (f.ty, value.get_ref()) {
                (Ty::TableList(_) | Ty::List(_), DeValue::Array(items)) => items,
                _ => {
                    let before = self.diags.len();
                    self.value(value, f, place);
                    if self.diags.len() == before {
                        sound.values.push((key, value, None));
                    }
                    continue;
                }
            };
            let before_all = self.diags.len();
            for (n, item) in items.iter().enumerate() {
                let before = self.diags.len();
                self.item(item, f.name, f.ty, place);
                if self.diags.len() == before {
                    sound.values.push((key, item, Some(n)));
                }
            }
            if self.diags.len() == before_all {
                sound.values.push((key, value, None));
            }
        }
        sound
    }

    /// Checks the keys and values of a table.
    pub fn table(&mut self, t: Table<'_, '_>, fields: &[Field], place: &Place) {
        self.table_except(t, fields, place, &[], "", &[]);
    }

    /// [`Self::table`] for a table of one kind among several: `elsewhere` lists the keys of
    /// the other kinds (named `noun` in messages) so a misplaced key is explained, and the keys
    /// in `unjudged` are let through unchecked.
    pub fn table_except(
        &mut self,
        t: Table<'_, '_>,
        fields: &[Field],
        place: &Place,
        elsewhere: &[(&str, &[Field])],
        noun: &str,
        unjudged: &[&str],
    ) {
        self.keys(t, fields, place, elsewhere, noun, unjudged);
        for (key, value) in sorted(t.map) {
            if let Some(f) = fields.iter().find(|f| f.name == key) {
                self.value(value, f, place);
            }
        }
    }

    /// Unknown and missing keys.
    fn keys(
        &mut self,
        t: Table<'_, '_>,
        fields: &[Field],
        place: &Place,
        elsewhere: &[(&str, &[Field])],
        noun: &str,
        unjudged: &[&str],
    ) {
        let mut keys: Vec<_> = t.map.iter().collect();
        keys.sort_by_key(|(k, _)| k.span().start);
        for (key, _) in keys {
            let name: &str = key.get_ref();
            if !fields.iter().any(|f| f.name == name) && !unjudged.contains(&name) {
                self.unknown_key(key.span().start, name, fields, place, elsewhere, noun);
            }
        }
        for f in fields
            .iter()
            .filter(|f| f.required && t.map.get(f.name).is_none())
        {
            let hint = match f.ty {
                Ty::Str | Ty::Markdown | Ty::Check(_) => " = \"…\"".to_string(),
                Ty::Bool => " = true".to_string(),
                Ty::Number | Ty::Count => " = 1".to_string(),
                Ty::Int { min, .. } => format!(" = {}", min.max(1)),
                Ty::Duration => " = \"30s\"".to_string(),
                Ty::Enum(values) => format!(" = \"{}\"", values[0]),
                Ty::StrList | Ty::MarkdownList | Ty::MarkdownOrTableList(_) => {
                    " = [\"…\", \"…\"]".to_string()
                }
                Ty::TableList(_) => " = [{ … }] or a [[…]] table".to_string(),
                Ty::List(_) => " = […]".to_string(),
                Ty::Table(_) | Ty::Map(_) | Ty::Tagged(_) => " = { … } or a […] table".to_string(),
                Ty::Any => " = …".to_string(),
            };
            self.err(
                t.span.0,
                format!(
                    "{} is missing required key \"{}\" (add {}{hint})",
                    place.what, f.name, f.name
                ),
            );
        }
    }

    fn unknown_key(
        &mut self,
        at: usize,
        name: &str,
        fields: &[Field],
        place: &Place,
        elsewhere: &[(&str, &[Field])],
        noun: &str,
    ) {
        let valid: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let owners: Vec<&str> = elsewhere
            .iter()
            .filter(|(_, fs)| fs.iter().any(|f| f.name == name))
            .map(|(t, _)| *t)
            .collect();
        let what = &place.what;
        let message = if !owners.is_empty() {
            format!(
                "key \"{name}\" does not apply to this {noun} (it is used by: {}; expected one of: {})",
                owners.join(", "),
                valid.join(", ")
            )
        } else if let Some(best) = closest(name, valid.iter().copied()) {
            format!(
                "unknown key \"{name}\" in {what}: did you mean \"{best}\"? (expected one of: {})",
                valid.join(", ")
            )
        } else {
            format!(
                "unknown key \"{name}\" in {what} (expected one of: {})",
                valid.join(", ")
            )
        };
        self.err(at, message);
    }

    fn label(&self, key: &str) -> String {
        self.labels
            .iter()
            .find(|(k, _)| *k == key)
            .map_or_else(|| key.to_string(), |(_, l)| l.to_string())
    }

    /// Checks one value against its field; tables inside are checked all the way down.
    pub fn value(&mut self, v: &Value<'_>, f: &Field, place: &Place) {
        self.value_of(v, f.name, f.ty, place);
    }

    fn value_of(&mut self, v: &Value<'_>, key: &str, ty: Ty, place: &Place) {
        match (ty, v.get_ref()) {
            (Ty::Table(fields), DeValue::Table(_)) => {
                let t = Table::of(v).expect("matched a table");
                self.table(t, fields, &place.table(key));
            }
            (Ty::Tagged(tagged), DeValue::Table(_)) => {
                let t = Table::of(v).expect("matched a table");
                self.tagged(t, tagged, &place.table(key));
            }
            (Ty::Map(inner), DeValue::Table(map)) => {
                for (name, value) in sorted(map) {
                    self.value_of(value, name, *inner, &place.table(key));
                }
            }
            (
                Ty::TableList(_) | Ty::List(_) | Ty::MarkdownOrTableList(_) | Ty::StrList | Ty::MarkdownList,
                DeValue::Array(items),
            ) => {
                // A quiz's `questions` are checked one by one by the quiz parser, which knows
                // each question's type.
                if key == "questions" && matches!(ty, Ty::TableList(_)) {
                    return;
                }
                for item in items.iter() {
                    self.item(item, key, ty, place);
                }
            }
            (ty, found) => {
                if let Some(problem) = self.scalar(ty, found) {
                    let message = match problem {
                        Problem::Message(m) => m,
                        Problem::Type(expected) => {
                            let found = found.type_str();
                            let hint = match (key, found) {
                                ("answer", "array") => {
                                    " (for several right options use type = \"multiple-choice\")"
                                }
                                ("answer", "string") if matches!(ty, Ty::StrList) => {
                                    " (write answer = [\"…\"], or use type = \"single-choice\")"
                                }
                                _ => "",
                            };
                            format!("\"{key}\" must be {expected}, found {found}{hint}")
                        }
                        Problem::Value(why) => format!("\"{key}\" {why}"),
                        Problem::Unknown(s, values) => self.unknown_value(&self.label(key), &s, values),
                    };
                    self.err(v.span().start, message);
                }
            }
        }
    }

    /// One item of the array under `key`, whose shape is `ty`.
    fn item(&mut self, item: &Value<'_>, key: &str, ty: Ty, place: &Place) {
        let inner = match ty {
            Ty::TableList(fields) => Ty::Table(fields),
            Ty::List(inner) => *inner,
            Ty::StrList => Ty::Str,
            Ty::MarkdownList => Ty::Markdown,
            Ty::MarkdownOrTableList(fields) if item.get_ref().is_table() => Ty::Table(fields),
            Ty::MarkdownOrTableList(_) => {
                if !item.get_ref().is_str() {
                    let t = item.get_ref().type_str();
                    self.err(
                        item.span().start,
                        format!("items of \"{key}\" must be strings or tables, found {t}"),
                    );
                }
                return;
            }
            _ => return self.value_of(item, key, ty, place),
        };
        let here = place.item(key);
        match (inner, item.get_ref()) {
            (Ty::Table(fields), DeValue::Table(_)) => {
                self.table(Table::of(item).expect("matched a table"), fields, &here)
            }
            (Ty::Tagged(tagged), DeValue::Table(_)) => {
                self.tagged(Table::of(item).expect("matched a table"), tagged, &here)
            }
            (Ty::Map(_) | Ty::List(_) | Ty::Any, _) => self.value_of(item, key, inner, place),
            (ty, found) => {
                if let Some(problem) = self.scalar(ty, found) {
                    let message = match problem {
                        Problem::Message(m) => m,
                        Problem::Type(expected) => {
                            let expected = expected
                                .strip_prefix("a ")
                                .or_else(|| expected.strip_prefix("an "))
                                .map_or(expected.clone(), |e| format!("{e}s"));
                            format!(
                                "items of \"{key}\" must be {expected}, found {}",
                                found.type_str()
                            )
                        }
                        Problem::Value(why) => format!("an item of \"{key}\" {why}"),
                        Problem::Unknown(s, values) => self.unknown_value(&self.label(key), &s, values),
                    };
                    self.err(item.span().start, message);
                }
            }
        }
    }

    fn unknown_value(&self, label: &str, s: &str, values: &[&str]) -> String {
        let hint = closest(s, values.iter().copied())
            .map(|b| format!("did you mean \"{b}\"? "))
            .unwrap_or_default();
        format!(
            "unknown {label} \"{s}\" ({hint}expected one of: {})",
            values.join(", ")
        )
    }

    /// A table whose tag picks its keys.
    fn tagged(&mut self, t: Table<'_, '_>, tagged: &Tagged, place: &Place) {
        let tag_field = req(tagged.tag, Ty::Str, tagged.doc);
        let names: Vec<&str> = tagged.variants.iter().map(|(n, _)| *n).collect();
        let chosen = t.str(tagged.tag);
        let variant = tagged.variants.iter().find(|(n, _)| Some(*n) == chosen);
        let others: Vec<(&str, &[Field])> = tagged
            .variants
            .iter()
            .filter(|(n, _)| Some(*n) != chosen)
            .copied()
            .collect();
        match variant {
            Some((_, extra)) => {
                let fields: Vec<Field> = core::iter::once(tag_field).chain(extra.iter().copied()).collect();
                let place = Place {
                    what: format!(
                        "{} ({} \"{}\")",
                        place.what,
                        tagged.noun,
                        chosen.unwrap_or_default()
                    ),
                    dotted: place.dotted.clone(),
                };
                self.table_except(t, &fields, &place, &others, tagged.noun, &[]);
            }
            None => {
                // Without a valid tag only the tag can be judged; the keys of every kind pass.
                let unjudged: Vec<&str> = others
                    .iter()
                    .flat_map(|(_, fs)| fs.iter().map(|f| f.name))
                    .collect();
                self.keys(t, &[opt(tagged.tag, Ty::Str, "")], place, &[], "", &unjudged);
                match t.get(tagged.tag) {
                    Some(v) if v.get_ref().is_str() => {
                        let s = v.get_ref().as_str().unwrap_or_default();
                        let message = self.unknown_value(tagged.noun, s, &names);
                        self.err(v.span().start, message);
                    }
                    Some(v) => {
                        let found = v.get_ref().type_str();
                        self.err(
                            v.span().start,
                            format!("\"{}\" must be a string, found {found}", tagged.tag),
                        );
                    }
                    None => self.err(
                        t.span.0,
                        format!(
                            "{} is missing required key \"{}\" (add {} = \"{}\"; expected one of: {})",
                            place.what,
                            tagged.tag,
                            tagged.tag,
                            names[0],
                            names.join(", ")
                        ),
                    ),
                }
            }
        }
    }

    /// Checks a value that is not a table or an array of them.
    fn scalar(&self, ty: Ty, v: &DeValue<'_>) -> Option<Problem> {
        match (ty, v) {
            (Ty::Str | Ty::Markdown, DeValue::String(_)) | (Ty::Bool, DeValue::Boolean(_)) | (Ty::Any, _) => {
                None
            }
            (Ty::Number, DeValue::Integer(_) | DeValue::Float(_)) => match number(v) {
                Some(n) if n.is_finite() => None,
                _ => Some(Problem::Value("must be a finite number".into())),
            },
            (Ty::Count, DeValue::Integer(_)) => match integer(v) {
                Some(n) if (0..=i128::from(u32::MAX)).contains(&n) => None,
                _ => Some(Problem::Value(format!(
                    "must be a whole number from 0 to {}",
                    u32::MAX
                ))),
            },
            (Ty::Int { min, max }, DeValue::Integer(_)) => match integer(v) {
                Some(n) if (i128::from(min)..=i128::from(max)).contains(&n) => None,
                _ => Some(Problem::Value(format!(
                    "must be a whole number from {min} to {max}"
                ))),
            },
            (Ty::Enum(values), DeValue::String(s)) => {
                (!values.contains(&s.as_ref())).then(|| Problem::Unknown(s.to_string(), values))
            }
            (Ty::Check(check), DeValue::String(s)) => check(s).err().map(Problem::Message),
            (Ty::Duration, DeValue::String(s)) => s
                .parse::<SimDuration>()
                .err()
                .map(|e| Problem::Message(e.to_string())),
            (Ty::Duration, DeValue::Integer(_)) => match integer(v) {
                Some(n) if (0..=i128::from(MAX_SECONDS)).contains(&n) => None,
                _ => Some(Problem::Value(format!(
                    "must be a duration from 0 to {MAX_SECONDS} seconds (or written with a unit: 500ms, 30s, 1.5m, 2h)"
                ))),
            },
            (ty, _) => Some(Problem::Type(
                match ty {
                    Ty::Str | Ty::Markdown | Ty::Enum(_) | Ty::Check(_) => "a string",
                    Ty::Bool => "true or false",
                    Ty::Count | Ty::Int { .. } => "a whole number",
                    Ty::Number => "a number",
                    Ty::Duration => {
                        "a duration such as \"500ms\", \"30s\", \"1.5m\", \"2h\" or a number of seconds"
                    }
                    Ty::StrList | Ty::MarkdownList => "an array of strings",
                    Ty::MarkdownOrTableList(_) => "an array of strings or tables",
                    Ty::TableList(_) => "an array of tables",
                    Ty::List(_) => "an array",
                    Ty::Table(_) | Ty::Map(_) | Ty::Tagged(_) => "a table",
                    Ty::Any => unreachable!("anything is accepted"),
                }
                .to_string(),
            )),
        }
    }
}

/// What is wrong with a scalar.
enum Problem {
    /// The whole message.
    Message(String),
    /// The expected type ("a string").
    Type(String),
    /// What the value must be, after the key ("must be a finite number").
    Value(String),
    /// A string outside its set.
    Unknown(String, &'static [&'static str]),
}

/// The longest duration a file may write, a century, so every sum of simulated times stays
/// inside `u64` microseconds.
const MAX_SECONDS: u64 = crate::sim::MAX_DURATION_SECS;

fn sorted<'a, 'i>(map: &'a DeTable<'i>) -> Vec<(&'a str, &'a Value<'i>)> {
    let mut keys: Vec<_> = map.iter().collect();
    keys.sort_by_key(|(k, _)| k.span().start);
    keys.into_iter().map(|(k, v)| (k.get_ref().as_ref(), v)).collect()
}

/// The parts of a file's top table that the walk found sound.
pub struct Sound<'a, 'i> {
    /// The whole top table, for cross-references to names in any entry, sound or not.
    pub table: Table<'a, 'i>,
    values: Vec<(&'a str, &'a Value<'i>, Option<usize>)>,
}

impl<'a, 'i> Sound<'a, 'i> {
    /// The value of a key if it is sound as a whole (an array: every item).
    pub fn value(&self, key: &str) -> Option<&'a Value<'i>> {
        self.values
            .iter()
            .find(|(k, _, n)| *k == key && n.is_none())
            .map(|(_, v, _)| *v)
    }
    /// The sound items of an array, in file order.
    pub fn items(&self, key: &str) -> Vec<&'a Value<'i>> {
        self.values
            .iter()
            .filter(|(k, _, n)| *k == key && n.is_some())
            .map(|(_, v, _)| *v)
            .collect()
    }
    /// The top table with only its sound keys, so what is right can still be built and checked.
    pub fn pruned(&self) -> Value<'i> {
        let mut map = DeTable::new();
        for (k, v) in self.table.map.iter() {
            if self.value(k.get_ref()).is_some() {
                map.insert(k.clone(), v.clone());
            }
        }
        Spanned::new(self.table.span.0..self.table.span.1, DeValue::Table(map))
    }
    /// The string under `field` in every item of `key`, sound or not: the names other entries
    /// may refer to, so a broken entry does not also break every reference to it.
    pub fn names(&self, key: &str, field: &str) -> Vec<String> {
        self.table
            .tables(key)
            .iter()
            .filter_map(|t| t.string(field))
            .collect()
    }
}

/// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions, so "anwser" is
/// one edit from "answer".
pub fn edit_distance(a: &str, b: &str) -> u32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0u32; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i as u32;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j as u32;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() as u32 / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_line_and_column() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 7), (2, 4));
        assert_eq!(line_col(t, 999), (3, 2));
        let d = Diagnostic::at_offset("q.toml", t, 4, "unknown key \"x\"");
        assert_eq!(d.to_string(), "q.toml:2:2: error: unknown key \"x\"");
        assert_eq!(
            d.shifted("ch.md", 10, 0).to_string(),
            "ch.md:11:2: error: unknown key \"x\""
        );
    }
}
