//! Quiz file (TOML) → [`Quiz`], collecting every problem as a `path:line:col` diagnostic.
//!
//! The file goes through the one spanned walk of [`crate::diag`] rather than
//! `serde::Deserialize`: serde stops at the first error and locates nested errors poorly, while
//! authors deserve every mistake at once, each at its place and with the fix. Key shapes come
//! from [`super::spec`]; the semantic checks (answer among the
//! options, one-to-one pairs, …) live here. Checks that need the whole book (duplicate ids across
//! files, labs on the page) are in `book.rs`.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::spec::{self, Field};
use super::{
    Choice, Kind, Mode, NumberMistake, Pair, PartialCredit, Question, Quiz, SourcePos, TextMistake, Tolerance,
};
use crate::diag::{self, Diagnostic, Place, Table, Walk, line_col, number};

/// Parses and validates one quiz file. `path` is only used to label diagnostics.
///
/// Returns every diagnostic found, sorted by position, when there is at least one.
pub fn parse_quiz(path: &str, text: &str) -> Result<Quiz, Vec<Diagnostic>> {
    let root = diag::read_toml(path, text)?;
    let mut cx = Cx {
        w: Walk::new(path, text).with_labels(&[("type", "question type")]),
    };
    let quiz = cx.quiz(root.get_ref(), root.span());
    cx.w.finish(quiz)
}

struct Cx<'t> {
    w: Walk<'t>,
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Cx<'_> {
    fn err(&mut self, at: usize, message: impl Into<String>) {
        self.w.err(at, message);
    }

    fn pos(&self, at: usize) -> SourcePos {
        let (line, col) = line_col(self.w.text, at);
        SourcePos { line, col }
    }

    /// Checks keys (unknown, missing) and value shapes of `t` against `fields` through the one
    /// walk in [`crate::diag`]. `what` names the table in messages ("question \"x\""),
    /// `elsewhere` lists keys valid for other question types.
    fn check_shape(
        &mut self,
        t: Table<'_, '_>,
        fields: &[Field],
        what: &str,
        elsewhere: &[(&str, &[Field])],
    ) {
        self.w
            .table_except(t, fields, &Place::named(what), elsewhere, "question type", &[]);
    }

    /// [`Self::check_shape`] that lets the keys in `unjudged` through unchecked.
    fn check_shape_except(
        &mut self,
        t: Table<'_, '_>,
        fields: &[Field],
        what: &str,
        elsewhere: &[(&str, &[Field])],
        unjudged: &[&str],
    ) {
        self.w.table_except(
            t,
            fields,
            &Place::named(what),
            elsewhere,
            "question type",
            unjudged,
        );
    }

    fn quiz(&mut self, root: &DeTable<'_>, span: Range<usize>) -> Quiz {
        let t = Table {
            map: root,
            span: (span.start, span.end),
        };
        self.check_shape(t, spec::QUIZ, "the quiz", &[]);
        let id = t.string("id").unwrap_or_default();
        let id_at = t.get("id").map_or(0, |v| v.span().start);
        if t.get("id").is_some_and(|v| v.get_ref().is_str()) {
            self.check_id(&id, id_at, "quiz id");
        }
        let mode = match t.str("mode") {
            Some("all-at-once") => Mode::AllAtOnce,
            _ => Mode::OneAtATime,
        };
        let partial_credit = policy(t.str("partial_credit")).unwrap_or(PartialCredit::EveryDecisionCounts);
        let shuffle = t.bool("shuffle").unwrap_or(true);
        let defaults = Defaults {
            partial_credit,
            shuffle,
        };
        let mut questions: Vec<Question> = Vec::new();
        let tables = t.tables("questions");
        if t.get("questions").is_some() && tables.is_empty() {
            let at = t.get("questions").map_or(0, |v| v.span().start);
            self.err(
                at,
                "\"questions\" must hold at least one question (add a [[questions]] table)",
            );
        }
        if let Some(DeValue::Array(items)) = t.get("questions").map(|v| v.get_ref()) {
            for item in items.iter().filter(|i| !i.get_ref().is_table()) {
                let found = item.get_ref().type_str();
                self.err(
                    item.span().start,
                    format!("items of \"questions\" must be tables, found {found}"),
                );
            }
        }
        for (n, q) in tables.into_iter().enumerate() {
            if let Some(q) = self.question(q, n as u32 + 1, defaults) {
                if let Some(first) = questions.iter().find(|p| p.id == q.id) {
                    let (l, c) = (first.at.line, first.at.col);
                    let at = q_id_offset(self.w.text, q.at);
                    self.err(
                        at,
                        format!(
                            "duplicate question id \"{}\" (first used at {l}:{c}); ids must be unique",
                            q.id
                        ),
                    );
                }
                questions.push(q);
            }
        }
        Quiz {
            id,
            title: t.string("title"),
            mode,
            partial_credit,
            shuffle,
            questions,
            at: self.pos(id_at),
        }
    }

    fn check_id(&mut self, id: &str, at: usize, what: &str) {
        let ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok {
            self.err(
                at,
                format!(
                    "{what} \"{id}\" must start with a letter or digit and use only letters, digits, '-', '_' and '.' (e.g. \"lambda-timeout\")"
                ),
            );
        }
    }

    /// One `[[questions]]` table; `None` when it is too broken to build (its problems are reported).
    fn question(&mut self, t: Table<'_, '_>, n: u32, defaults: Defaults) -> Option<Question> {
        let id = t.string("id");
        let what = match &id {
            Some(id) => format!("question \"{id}\""),
            None => format!("question {n}"),
        };
        let type_name = t.str("type");
        let type_fields = type_name.and_then(spec::type_fields);
        let others: Vec<(&str, &[Field])> = spec::QUESTION_TYPES
            .iter()
            .filter(|&&name| Some(name) != type_name)
            .filter_map(|&name| Some((name, spec::type_fields(name)?)))
            .collect();
        match type_fields {
            Some(extra) => {
                let fields: Vec<Field> = spec::COMMON.iter().chain(extra).copied().collect();
                self.check_shape(t, &fields, &what, &others);
            }
            None => {
                // Without a valid type only the common keys can be judged; the type error is
                // reported by the shape check, and keys of any type are let through unjudged.
                let unjudged: Vec<&str> = others
                    .iter()
                    .flat_map(|(_, fs)| fs.iter().map(|f| f.name))
                    .collect();
                self.check_shape_except(t, spec::COMMON, &what, &[], &unjudged);
                return None;
            }
        }
        let id_at = t.get("id").map_or(t.span.0, |v| v.span().start);
        if let Some(id) = &id {
            self.check_id(id, id_at, "question id");
        }
        let prompt = t.string("prompt").unwrap_or_default();
        if t.get("prompt").is_some_and(|v| v.get_ref().is_str()) && prompt.trim().is_empty() {
            let at = t.get("prompt").map_or(t.span.0, |v| v.span().start);
            self.err(
                at,
                format!("{what} has an empty prompt (write the question in prompt = \"…\")"),
            );
        }
        let kind = self.kind(t, type_name?, &what, defaults)?;
        let points = t.get("points").and_then(|v| match v.get_ref() {
            DeValue::Integer(i) => u32::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => None,
        });
        Some(Question {
            id: id?,
            prompt,
            explanation: t.string("explanation"),
            hints: t.strings("hints").into_iter().map(|(s, _)| s).collect(),
            points: points.unwrap_or(1),
            kind,
            at: self.pos(id_at),
            source: t.get("source").and_then(|v| {
                let target = v.get_ref().as_str()?.to_string();
                Some(super::SourceRef {
                    target,
                    at: self.pos(v.span().start),
                })
            }),
        })
    }

    fn kind(&mut self, t: Table<'_, '_>, type_name: &str, what: &str, d: Defaults) -> Option<Kind> {
        let at_of = |key: &str| t.get(key).map_or(t.span.0, |v| v.span().start);
        let policy_of = || policy(t.str("partial_credit")).unwrap_or(d.partial_credit);
        Some(match type_name {
            "single-choice" | "multiple-choice" => {
                let options = self.options(t, what);
                let texts: Vec<&str> = options.iter().map(|o| o.text.as_str()).collect();
                let index_of = |cx: &mut Self, answer: &str, at: usize| {
                    let found = texts.iter().position(|o| *o == answer).map(|i| i as u32);
                    if found.is_none() && !texts.is_empty() {
                        let hint = spec::closest(answer, texts.iter().copied())
                            .map(|b| format!("did you mean \"{b}\"? "))
                            .unwrap_or_default();
                        cx.err(
                            at,
                            format!(
                                "answer \"{answer}\" is not among the options ({hint}options: {}); the answer must repeat an option's text exactly",
                                quoted(&texts)
                            ),
                        );
                    }
                    found
                };
                let shuffle = t.bool("shuffle").unwrap_or(d.shuffle);
                if type_name == "single-choice" {
                    let answer = t.str("answer")?;
                    let answer = index_of(self, answer, at_of("answer"))?;
                    Kind::SingleChoice {
                        options,
                        answer,
                        shuffle,
                    }
                } else {
                    let given = t.strings("answer");
                    if t.get("answer").is_some_and(|v| v.get_ref().is_array()) && given.is_empty() {
                        self.err(
                            at_of("answer"),
                            format!("{what} has no right option (list at least one in answer = [\"…\"])"),
                        );
                    }
                    let mut answers = Vec::new();
                    for (answer, span) in &given {
                        if let Some(i) = index_of(self, answer, span.start) {
                            if answers.contains(&i) {
                                self.err(span.start, format!("answer \"{answer}\" is listed twice"));
                            }
                            answers.push(i);
                        }
                    }
                    answers.sort_unstable();
                    answers.dedup();
                    Kind::MultipleChoice {
                        options,
                        answers,
                        partial_credit: policy_of(),
                        shuffle,
                    }
                }
            }
            "true-false" => Kind::TrueFalse {
                answer: t.bool("answer")?,
                feedback_true: t.string("feedback_true"),
                feedback_false: t.string("feedback_false"),
            },
            "short-answer" => {
                let answer = t.string("answer")?;
                if answer.trim().is_empty() {
                    self.err(at_of("answer"), format!("{what} has an empty answer"));
                }
                let regex = t.string("regex");
                if let Some(re) = &regex
                    && let Err(e) = regex_lite::Regex::new(re)
                {
                    let first = e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    self.err(
                        at_of("regex"),
                        format!("invalid regex: {first} (regex-lite syntax, like Rust's regex crate)"),
                    );
                }
                if let Some(re) = &regex
                    && let Some(why) = not_shared_with_browsers(re)
                {
                    self.err(
                        at_of("regex"),
                        format!(
                            "regex uses {why}, which the page's JavaScript RegExp reads differently from \
                             `cloudbook quiz grade`; {}",
                            if why.starts_with("an inline flag") {
                                "set `case_sensitive` instead of (?i), or remove the flag"
                            } else {
                                "write it with plain classes such as [a-z] (see the quiz file reference)"
                            }
                        ),
                    );
                }
                let case_sensitive = t.bool("case_sensitive").unwrap_or(false);
                let alternatives: Vec<String> =
                    t.strings("alternatives").into_iter().map(|(s, _)| s).collect();
                let mistakes = t
                    .tables("mistakes")
                    .iter()
                    .filter_map(|m| {
                        Some(TextMistake {
                            answer: m.string("answer")?,
                            feedback: m.string("feedback")?,
                        })
                    })
                    .collect::<Vec<_>>();
                let probe = Question {
                    id: String::new(),
                    prompt: String::new(),
                    explanation: None,
                    hints: Vec::new(),
                    points: 1,
                    kind: Kind::ShortAnswer {
                        answer: answer.clone(),
                        alternatives: alternatives.clone(),
                        regex: regex.clone().filter(|r| regex_lite::Regex::new(r).is_ok()),
                        case_sensitive,
                        mistakes: Vec::new(),
                    },
                    at: SourcePos::default(),
                    source: None,
                };
                // A mistake that the question accepts as right would never be shown.
                for (m, table) in mistakes.iter().zip(t.tables("mistakes")) {
                    if super::grade(&probe, &super::Answer::Text(m.answer.clone())).correct {
                        let at = table.get("answer").map_or(table.span.0, |v| v.span().start);
                        self.err(
                            at,
                            format!(
                                "mistake \"{}\" is accepted as a right answer; remove it or fix the answer",
                                m.answer
                            ),
                        );
                    }
                }
                Kind::ShortAnswer {
                    answer,
                    alternatives,
                    regex,
                    case_sensitive,
                    mistakes,
                }
            }
            "numeric" => {
                // Tolerances are judged even when the answer is broken, so every problem shows.
                let answer = t.get("answer").and_then(|v| number(v.get_ref()));
                let abs = t.get("tolerance").and_then(|v| number(v.get_ref()));
                let rel = t.get("relative_tolerance").and_then(|v| number(v.get_ref()));
                for (key, value) in [("tolerance", abs), ("relative_tolerance", rel)] {
                    if value.is_some_and(|x| x < 0.0) {
                        self.err(
                            at_of(key),
                            format!("\"{key}\" must not be negative (use 0 for an exact answer)"),
                        );
                    }
                }
                let tolerance = match (abs, rel) {
                    (Some(_), Some(_)) => {
                        self.err(
                            at_of("relative_tolerance"),
                            "give either \"tolerance\" or \"relative_tolerance\", not both",
                        );
                        Tolerance::Absolute(0.0)
                    }
                    (_, Some(r)) => Tolerance::Relative(r.max(0.0)),
                    (a, None) => Tolerance::Absolute(a.unwrap_or(0.0).max(0.0)),
                };
                let mistakes = t
                    .tables("mistakes")
                    .iter()
                    .filter_map(|m| {
                        Some(NumberMistake {
                            answer: m.get("answer").and_then(|v| number(v.get_ref()))?,
                            feedback: m.string("feedback")?,
                        })
                    })
                    .collect();
                Kind::Numeric {
                    answer: answer?,
                    tolerance,
                    unit: t.string("unit"),
                    mistakes,
                }
            }
            "ordering" => {
                let items = t.strings("items");
                if t.get("items").is_some() && items.len() < 2 {
                    self.err(
                        at_of("items"),
                        format!("{what} needs at least two items to order"),
                    );
                }
                self.unique(&items, "item", what, "each item must be unique");
                Kind::Ordering {
                    items: items.into_iter().map(|(s, _)| s).collect(),
                    partial_credit: policy_of(),
                }
            }
            "matching" => {
                let tables = t.tables("pairs");
                if t.get("pairs").is_some() && tables.len() < 2 {
                    self.err(
                        at_of("pairs"),
                        format!("{what} needs at least two pairs to match"),
                    );
                }
                let side = |key: &str| -> Vec<(String, Range<usize>)> {
                    tables
                        .iter()
                        .filter_map(|p| Some((p.string(key)?, p.get(key)?.span())))
                        .collect()
                };
                let (lefts, rights) = (side("left"), side("right"));
                let one_to_one = "pairs must match one-to-one";
                self.unique(&lefts, "left side", what, one_to_one);
                self.unique(&rights, "right side", what, one_to_one);
                let pairs = lefts
                    .into_iter()
                    .zip(rights)
                    .map(|((left, _), (right, _))| Pair { left, right })
                    .collect::<Vec<_>>();
                if pairs.len() != tables.len() {
                    return None;
                }
                Kind::Matching {
                    pairs,
                    partial_credit: policy_of(),
                }
            }
            "lab-graded" => {
                let lab = t.string("lab")?;
                if lab.trim().is_empty() {
                    self.err(
                        at_of("lab"),
                        format!("{what} names no lab (write the lab's id in lab = \"…\")"),
                    );
                }
                Kind::LabGraded {
                    lab,
                    lab_at: self.pos(at_of("lab")),
                }
            }
            _ => return None,
        })
    }

    fn options(&mut self, t: Table<'_, '_>, what: &str) -> Vec<Choice> {
        let Some(DeValue::Array(items)) = t.get("options").map(|v| v.get_ref()) else {
            return Vec::new();
        };
        let mut options = Vec::new();
        let mut spans = Vec::new();
        for item in items.iter() {
            let choice = match item.get_ref() {
                DeValue::String(s) => Some(Choice {
                    text: s.to_string(),
                    feedback: None,
                }),
                DeValue::Table(_) => Table::of(item).and_then(|o| {
                    Some(Choice {
                        text: o.string("text")?,
                        feedback: o.string("feedback"),
                    })
                }),
                _ => None,
            };
            if let Some(c) = choice {
                if c.text.trim().is_empty() {
                    self.err(item.span().start, format!("{what} has an empty option"));
                }
                spans.push((c.text.clone(), item.span()));
                options.push(c);
            }
        }
        if options.len() < 2 {
            let at = t.get("options").map_or(t.span.0, |v| v.span().start);
            self.err(at, format!("{what} needs at least two options"));
        }
        self.unique(&spans, "option", what, "each option must be unique");
        options
    }

    /// Reports every repeated value after its first use.
    fn unique(&mut self, values: &[(String, Range<usize>)], noun: &str, what: &str, why: &str) {
        for (i, (v, span)) in values.iter().enumerate() {
            if values[..i].iter().any(|(w, _)| w == v) {
                self.err(span.start, format!("{what} repeats the {noun} \"{v}\"; {why}"));
            }
        }
    }
}

#[derive(Clone, Copy)]
struct Defaults {
    partial_credit: PartialCredit,
    shuffle: bool,
}

fn policy(s: Option<&str>) -> Option<PartialCredit> {
    match s? {
        "all-or-nothing" => Some(PartialCredit::AllOrNothing),
        "every-decision-counts" => Some(PartialCredit::EveryDecisionCounts),
        _ => None,
    }
}

/// The byte offset of a 1-based line and column (the inverse of `line_col` for valid positions).
fn q_id_offset(text: &str, at: SourcePos) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(at.line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .chars()
            .take(at.col.saturating_sub(1) as usize)
            .map(char::len_utf8)
            .sum::<usize>()
}

/// A construct regex-lite accepts but a browser's `RegExp` (flags `u`, `i`) reads differently or
/// rejects, so the page and the CLI would grade the same answer differently.
fn not_shared_with_browsers(re: &str) -> Option<&'static str> {
    let b = re.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if matches!(b.get(i + 1), Some(b'p' | b'P')) {
                    return Some("a Unicode class (\\p{…})");
                }
                if matches!(b.get(i + 1), Some(b'A' | b'z')) {
                    return Some("a Rust-only anchor (\\A or \\z)");
                }
                i += 2;
                continue;
            }
            b'(' if b.get(i + 1) == Some(&b'?') => match b.get(i + 2) {
                Some(b':') => {}
                Some(b'P') => return Some("a Rust-style named group (?P<…>)"),
                Some(b'<') => return Some("a named group (?<…>)"),
                _ => return Some("an inline flag group such as (?i)"),
            },
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod browser_regex_tests {
    use super::not_shared_with_browsers as check;

    #[test]
    fn constructs_the_page_reads_differently_are_named() {
        for (re, want) in [
            (r"docker\s+(image\s+)?save(\s+.*)?", None),
            (r"rate\(\s*5\s+minutes\s*\)", None),
            (r"(?:arn|ARN):aws", None),
            (r"a\(?i\)", None),
            (r"(?i)python", Some("an inline flag group such as (?i)")),
            (r"(?P<x>a)", Some("a Rust-style named group (?P<…>)")),
            (r"(?<x>a)", Some("a named group (?<…>)")),
            (r"\p{L}+", Some("a Unicode class (\\p{…})")),
            (r"\Aabc\z", Some("a Rust-only anchor (\\A or \\z)")),
        ] {
            assert_eq!(check(re), want, "{re}");
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    #[test]
    fn a_quiz_with_three_mistakes_reports_all_three() {
        let text = r#"id = "lambda-basics"
titel = "Lambda basics"

[[questions]]
id = "timeout"
type = "single-choice"
prompt = "What is the default timeout?"
options = ["3 seconds", "15 minutes"]
answer = "3 secs"

[[questions]]
id = "memory"
type = "numeric"
prompt = "The most memory a function can have, in MB?"
answer = "10240"
"#;
        let d = super::parse_quiz("q.toml", text).expect_err("three mistakes");
        expect![[r#"
            q.toml:2:1: error: unknown key "titel" in the quiz: did you mean "title"? (expected one of: id, title, mode, partial_credit, shuffle, questions)
            q.toml:9:10: error: answer "3 secs" is not among the options (options: "3 seconds", "15 minutes"); the answer must repeat an option's text exactly
            q.toml:15:10: error: "answer" must be a number, found string
        "#]].assert_eq(&crate::diag::render_all(&d));
    }
}
