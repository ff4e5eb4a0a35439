//! The widgets' data formats on top of [`crate::json`]: the quiz and the catalog the build
//! writes into the page (serde_json's form of the core's types), and what is kept in
//! localStorage (quiz progress, drafts, the export file). Readers return `None` on anything
//! unexpected; the tests check that they agree with serde_json both ways.

use std::collections::BTreeMap;

use cloudbook::course::{Catalog, ChapterEntry, LabEntry, QuizEntry};
use cloudbook::quiz::{
    Answer, Choice, Kind, Mode, NumberMistake, PROGRESS_SCHEMA_VERSION, Pair, PartialCredit, Question, Quiz,
    QuizProgress, SourcePos, StoredProgress, TextMistake, Tolerance,
};

use crate::json::{self, Value, write_f64, write_str, write_u64};

fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key)
}
fn string(v: &Value, key: &str) -> Option<String> {
    field(v, key)?.as_str().map(str::to_string)
}
fn opt_string(v: &Value, key: &str) -> Option<Option<String>> {
    match field(v, key)? {
        Value::Null => Some(None),
        Value::Str(s) => Some(Some(s.clone())),
        _ => None,
    }
}
fn strings(v: &Value, key: &str) -> Option<Vec<String>> {
    field(v, key)?
        .as_arr()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}
fn u32s(v: &Value) -> Option<Vec<u32>> {
    v.as_arr()?.iter().map(Value::as_u32).collect()
}
fn u32_of(v: &Value, key: &str) -> Option<u32> {
    field(v, key)?.as_u32()
}
fn bool_of(v: &Value, key: &str) -> Option<bool> {
    field(v, key)?.as_bool()
}
/// A number; `null` reads as NaN, which is how a non-finite number was written.
fn f64_of(v: &Value) -> Option<f64> {
    match v {
        Value::Null => Some(f64::NAN),
        v => v.as_f64(),
    }
}
fn pos(v: &Value, key: &str) -> Option<SourcePos> {
    let p = field(v, key)?;
    Some(SourcePos {
        line: u32_of(p, "line")?,
        col: u32_of(p, "col")?,
    })
}
fn partial(v: &Value) -> Option<PartialCredit> {
    match field(v, "partial_credit")?.as_str()? {
        "all-or-nothing" => Some(PartialCredit::AllOrNothing),
        "every-decision-counts" => Some(PartialCredit::EveryDecisionCounts),
        _ => None,
    }
}
fn choices(v: &Value) -> Option<Vec<Choice>> {
    field(v, "options")?
        .as_arr()?
        .iter()
        .map(|o| {
            Some(Choice {
                text: string(o, "text")?,
                feedback: opt_string(o, "feedback")?,
            })
        })
        .collect()
}

fn kind(k: &Value) -> Option<Kind> {
    Some(match field(k, "type")?.as_str()? {
        "single-choice" => Kind::SingleChoice {
            options: choices(k)?,
            answer: u32_of(k, "answer")?,
            shuffle: bool_of(k, "shuffle")?,
        },
        "multiple-choice" => Kind::MultipleChoice {
            options: choices(k)?,
            answers: u32s(field(k, "answers")?)?,
            partial_credit: partial(k)?,
            shuffle: bool_of(k, "shuffle")?,
        },
        "true-false" => Kind::TrueFalse {
            answer: bool_of(k, "answer")?,
            feedback_true: opt_string(k, "feedback_true")?,
            feedback_false: opt_string(k, "feedback_false")?,
        },
        "short-answer" => Kind::ShortAnswer {
            answer: string(k, "answer")?,
            alternatives: strings(k, "alternatives")?,
            regex: opt_string(k, "regex")?,
            case_sensitive: bool_of(k, "case_sensitive")?,
            mistakes: field(k, "mistakes")?
                .as_arr()?
                .iter()
                .map(|m| {
                    Some(TextMistake {
                        answer: string(m, "answer")?,
                        feedback: string(m, "feedback")?,
                    })
                })
                .collect::<Option<_>>()?,
        },
        "numeric" => Kind::Numeric {
            answer: f64_of(field(k, "answer")?)?,
            tolerance: match field(k, "tolerance")? {
                t if t.get("absolute").is_some() => Tolerance::Absolute(f64_of(t.get("absolute")?)?),
                t => Tolerance::Relative(f64_of(t.get("relative")?)?),
            },
            unit: opt_string(k, "unit")?,
            mistakes: field(k, "mistakes")?
                .as_arr()?
                .iter()
                .map(|m| {
                    Some(NumberMistake {
                        answer: f64_of(field(m, "answer")?)?,
                        feedback: string(m, "feedback")?,
                    })
                })
                .collect::<Option<_>>()?,
        },
        "ordering" => Kind::Ordering {
            items: strings(k, "items")?,
            partial_credit: partial(k)?,
        },
        "matching" => Kind::Matching {
            pairs: field(k, "pairs")?
                .as_arr()?
                .iter()
                .map(|p| {
                    Some(Pair {
                        left: string(p, "left")?,
                        right: string(p, "right")?,
                    })
                })
                .collect::<Option<_>>()?,
            partial_credit: partial(k)?,
        },
        "lab-graded" => Kind::LabGraded {
            lab: string(k, "lab")?,
            lab_at: pos(k, "lab_at")?,
        },
        _ => return None,
    })
}

/// The quiz as the build embeds it (`data-quiz`).
pub fn read_quiz(text: &str) -> Option<Quiz> {
    let v = json::parse(text)?;
    Some(Quiz {
        id: string(&v, "id")?,
        title: opt_string(&v, "title")?,
        mode: match field(&v, "mode")?.as_str()? {
            "one-at-a-time" => Mode::OneAtATime,
            "all-at-once" => Mode::AllAtOnce,
            _ => return None,
        },
        partial_credit: partial(&v)?,
        shuffle: bool_of(&v, "shuffle")?,
        questions: field(&v, "questions")?
            .as_arr()?
            .iter()
            .map(|q| {
                Some(Question {
                    id: string(q, "id")?,
                    prompt: string(q, "prompt")?,
                    explanation: opt_string(q, "explanation")?,
                    hints: strings(q, "hints")?,
                    points: u32_of(q, "points")?,
                    kind: kind(field(q, "kind")?)?,
                    at: pos(q, "at")?,
                    source: None,
                })
            })
            .collect::<Option<_>>()?,
        at: pos(&v, "at")?,
    })
}

/// The catalog of the progress page (`data-progress`).
pub fn read_catalog(text: &str) -> Option<Catalog> {
    let v = json::parse(text)?;
    let chapters = field(&v, "chapters")?
        .as_arr()?
        .iter()
        .map(|c| {
            Some(ChapterEntry {
                title: string(c, "title")?,
                href: string(c, "href")?,
                quizzes: field(c, "quizzes")?
                    .as_arr()?
                    .iter()
                    .map(|q| {
                        Some(QuizEntry {
                            id: string(q, "id")?,
                            title: string(q, "title")?,
                            points: u32_of(q, "points")?,
                            content_hash: field(q, "content_hash")?.as_u64()?,
                        })
                    })
                    .collect::<Option<_>>()?,
                labs: field(c, "labs")?
                    .as_arr()?
                    .iter()
                    .map(|l| {
                        Some(LabEntry {
                            id: string(l, "id")?,
                            title: string(l, "title")?,
                        })
                    })
                    .collect::<Option<_>>()?,
            })
        })
        .collect::<Option<_>>()?;
    Some(Catalog { chapters })
}

/// One answer in its externally tagged form, `{"choice": 1}`.
pub fn read_answer(v: &Value) -> Option<Answer> {
    let [(tag, x)] = v.as_obj()? else {
        return None;
    };
    Some(match tag.as_str() {
        "choice" => Answer::Choice(x.as_u32()?),
        "choices" => Answer::Choices(u32s(x)?),
        "bool" => Answer::Bool(x.as_bool()?),
        "text" => Answer::Text(x.as_str()?.to_string()),
        "number" => Answer::Number(f64_of(x)?),
        "order" => Answer::Order(u32s(x)?),
        "pairs" => Answer::Pairs(
            x.as_arr()?
                .iter()
                .map(|p| match p {
                    Value::Null => Some(None),
                    p => p.as_u32().map(Some),
                })
                .collect::<Option<_>>()?,
        ),
        "lab" => Answer::Lab(x.as_bool()?),
        _ => return None,
    })
}

fn write_u32s(out: &mut String, v: &[u32]) {
    out.push('[');
    for (i, n) in v.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_u64(out, u64::from(*n));
    }
    out.push(']');
}

pub fn write_answer(out: &mut String, a: &Answer) {
    let tag = match a {
        Answer::Choice(_) => "choice",
        Answer::Choices(_) => "choices",
        Answer::Bool(_) => "bool",
        Answer::Text(_) => "text",
        Answer::Number(_) => "number",
        Answer::Order(_) => "order",
        Answer::Pairs(_) => "pairs",
        Answer::Lab(_) => "lab",
    };
    out.push('{');
    write_str(out, tag);
    out.push(':');
    match a {
        Answer::Choice(n) => write_u64(out, u64::from(*n)),
        Answer::Choices(v) | Answer::Order(v) => write_u32s(out, v),
        Answer::Bool(b) | Answer::Lab(b) => out.push_str(if *b { "true" } else { "false" }),
        Answer::Text(s) => write_str(out, s),
        Answer::Number(x) => write_f64(out, *x),
        Answer::Pairs(v) => {
            out.push('[');
            for (i, p) in v.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match p {
                    Some(n) => write_u64(out, u64::from(*n)),
                    None => out.push_str("null"),
                }
            }
            out.push(']');
        }
    }
    out.push('}');
}

/// Maps are filled by `insert`: `collect` into a map would bring a sort into the wasm.
fn read_answers(v: &Value) -> Option<BTreeMap<String, Answer>> {
    let mut m = BTreeMap::new();
    for (k, a) in v.as_obj()? {
        m.insert(k.clone(), read_answer(a)?);
    }
    Some(m)
}

fn write_answers(out: &mut String, answers: &BTreeMap<String, Answer>) {
    out.push('{');
    for (i, (k, a)) in answers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, k);
        out.push(':');
        write_answer(out, a);
    }
    out.push('}');
}

/// Unsubmitted drafts, `{"question-id": {"choice": 1}}`; anything unreadable reads as none.
pub fn read_drafts(text: &str) -> BTreeMap<String, Answer> {
    json::parse(text)
        .and_then(|v| read_answers(&v))
        .unwrap_or_default()
}

pub fn write_drafts(drafts: &BTreeMap<String, Answer>) -> String {
    let mut out = String::new();
    write_answers(&mut out, drafts);
    out
}

/// Stored progress, read as the core's `restore` reads it: the schema first, the rest only
/// when the schema is the current one.
pub fn read_progress(text: &str) -> StoredProgress {
    let Some(v) = json::parse(text) else {
        return StoredProgress::Corrupt;
    };
    let Some(found) = field(&v, "schema").and_then(Value::as_u64) else {
        return StoredProgress::Corrupt;
    };
    let found = u32::try_from(found).unwrap_or(u32::MAX);
    if found != PROGRESS_SCHEMA_VERSION {
        return StoredProgress::OtherSchema(found);
    }
    let read = || {
        let mut attempts = BTreeMap::new();
        for (k, n) in field(&v, "attempts")?.as_obj()? {
            attempts.insert(k.clone(), n.as_u32()?);
        }
        Some(QuizProgress {
            schema: found,
            quiz_id: string(&v, "quiz_id")?,
            content_hash: field(&v, "content_hash")?.as_u64()?,
            answers: read_answers(field(&v, "answers")?)?,
            attempts,
            points_earned: f64_of(field(&v, "score")?)?,
        })
    };
    read().map_or(StoredProgress::Corrupt, StoredProgress::Read)
}

pub fn write_progress(p: &QuizProgress) -> String {
    let mut out = String::from("{\"schema\":");
    write_u64(&mut out, u64::from(p.schema));
    out.push_str(",\"quiz_id\":");
    write_str(&mut out, &p.quiz_id);
    out.push_str(",\"content_hash\":");
    write_u64(&mut out, p.content_hash);
    out.push_str(",\"answers\":");
    write_answers(&mut out, &p.answers);
    out.push_str(",\"attempts\":{");
    for (i, (k, n)) in p.attempts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(&mut out, k);
        out.push(':');
        write_u64(&mut out, u64::from(*n));
    }
    out.push_str("},\"score\":");
    write_f64(&mut out, p.points_earned);
    out.push('}');
    out
}

/// The export file's `format`.
pub const EXPORT_FORMAT: &str = "cloudbook-progress";

/// The export file: `{"format": "cloudbook-progress", "version": 1, "entries": [[key, value], …]}`.
pub fn write_export(entries: &[(String, String)]) -> String {
    let mut out =
        String::from("{\n  \"format\": \"cloudbook-progress\",\n  \"version\": 1,\n  \"entries\": [");
    for (i, (k, v)) in entries.iter().enumerate() {
        out.push_str(if i > 0 { ",\n    [" } else { "\n    [" });
        write_str(&mut out, k);
        out.push_str(", ");
        write_str(&mut out, v);
        out.push(']');
    }
    out.push_str("\n  ]\n}");
    out
}

/// The entries of an export file; `None` when it is not one.
pub fn read_export(text: &str) -> Option<Vec<(String, String)>> {
    let v = json::parse(text)?;
    if field(&v, "format")?.as_str()? != EXPORT_FORMAT || field(&v, "version")?.as_u32().is_none() {
        return None;
    }
    field(&v, "entries")?
        .as_arr()?
        .iter()
        .map(|e| match e.as_arr()? {
            [k, v] => Some((k.as_str()?.to_string(), v.as_str()?.to_string())),
            _ => None,
        })
        .collect()
}

/// From stored progress: (`content_hash`, `score`), for the progress page.
pub fn progress_summary(text: &str) -> Option<(u64, f64)> {
    let v = json::parse(text)?;
    Some((
        field(&v, "content_hash")?.as_u64()?,
        field(&v, "score")?.as_f64()?,
    ))
}

/// Whether a lab's saved state (`{"version":2,"cells":[…],"passed":true,"hints_shown":0}`, or a
/// version 1 `{"version":1,"code":…,"passed":true}`) says its goals were reached.
pub fn lab_passed(text: &str) -> bool {
    json::parse(text)
        .and_then(|v| bool_of(&v, "passed"))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    // A host-only test reads the course's quiz files; the no-I/O rule is for the core.
    #[allow(clippy::disallowed_methods)]
    fn course_quizzes() -> Vec<Quiz> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../quizzes");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("the quizzes folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).expect("quiz file");
                let mut q = cloudbook::quiz::parse_quiz(&p.to_string_lossy(), &text).expect("valid quiz");
                // As the build does, with HTML that needs escaping.
                q.render_markdown(&mut |md| format!("<p>{md}</p>\n"));
                q
            })
            .collect()
    }

    #[test]
    fn reads_every_course_quiz_as_serde_json_writes_it() {
        let quizzes = course_quizzes();
        assert!(quizzes.len() >= 4);
        let mut kinds = std::collections::BTreeSet::new();
        for mut q in quizzes {
            kinds.extend(q.questions.iter().map(|q| q.type_name()));
            // A question's `source` is for `cloudbook check` only and never reaches the page.
            q.questions.iter_mut().for_each(|q| q.source = None);
            let text = serde_json::to_string(&q).expect("serialises");
            assert_eq!(read_quiz(&text).as_ref(), Some(&q), "{}", q.id);
        }
        assert_eq!(kinds.len(), 8, "the course uses every question type: {kinds:?}");
    }

    #[test]
    fn reads_the_catalog() {
        let catalog = Catalog {
            chapters: vec![ChapterEntry {
                title: "Lambda".into(),
                href: "lambda/x.html".into(),
                quizzes: vec![QuizEntry {
                    id: "q".into(),
                    title: "Q \"1\"".into(),
                    points: 3,
                    content_hash: u64::MAX - 7,
                }],
                labs: vec![LabEntry {
                    id: "l".into(),
                    title: "L".into(),
                }],
            }],
        };
        let text = serde_json::to_string(&catalog).unwrap();
        assert_eq!(read_catalog(&text), Some(catalog));
    }

    fn answers() -> Vec<Answer> {
        vec![
            Answer::Choice(2),
            Answer::Choices(vec![0, 3]),
            Answer::Bool(false),
            Answer::Text("arn:aws:\"x\"\n".into()),
            Answer::Number(-0.125),
            Answer::Number(1e21),
            Answer::Order(vec![2, 0, 1]),
            Answer::Pairs(vec![Some(1), None, Some(0)]),
            Answer::Lab(true),
        ]
    }

    #[test]
    fn answers_and_progress_round_trip_with_serde_json() {
        let mut p = QuizProgress {
            schema: PROGRESS_SCHEMA_VERSION,
            quiz_id: "lambda-basics".into(),
            content_hash: 0xfedc_ba98_7654_3210,
            answers: BTreeMap::new(),
            attempts: BTreeMap::new(),
            points_earned: 2.5,
        };
        for (i, a) in answers().into_iter().enumerate() {
            p.answers.insert(format!("q{i}"), a);
            p.attempts.insert(format!("q{i}"), i as u32 + 1);
        }
        // Ours is read by serde_json as the same value, and serde_json's by ours.
        let ours = write_progress(&p);
        assert_eq!(serde_json::from_str::<QuizProgress>(&ours).unwrap(), p);
        assert_eq!(
            read_progress(&serde_json::to_string(&p).unwrap()),
            StoredProgress::Read(p.clone())
        );
        assert_eq!(read_progress(&ours), StoredProgress::Read(p.clone()));
        let drafts = p.answers.clone();
        assert_eq!(read_drafts(&write_drafts(&drafts)), drafts);
        assert_eq!(read_drafts(&serde_json::to_string(&drafts).unwrap()), drafts);
    }

    #[test]
    fn stored_progress_is_read_as_the_core_reads_it() {
        let q = &course_quizzes()[0];
        let hash = cloudbook::quiz::content_hash(q);
        for text in [
            "{not json",
            "[1,2",
            "{}",
            "{\"schema\":\"1\"}",
            "{\"schema\":0,\"x\":1}",
            "{\"schema\":99}",
            "{\"schema\":1,\"quiz_id\":\"x\"}",
            &QuizProgress::fresh(q).to_json(),
            &QuizProgress::fresh(q).to_json().replace(&q.id, "another-quiz"),
            &QuizProgress::fresh(q).to_json().replace(&hash.to_string(), "12"),
        ] {
            assert_eq!(
                cloudbook::quiz::restore_stored(read_progress(text), q, hash),
                cloudbook::quiz::restore(text, q),
                "{text}"
            );
        }
    }

    #[test]
    fn export_round_trips_and_refuses_other_files() {
        let entries = vec![
            ("cloudbook:v1:quiz:a".to_string(), "{\"schema\":1}".to_string()),
            ("cloudbook:v1:learner-seed".to_string(), "42".to_string()),
        ];
        let text = write_export(&entries);
        assert_eq!(read_export(&text), Some(entries.clone()));
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(v["format"], "cloudbook-progress");
        assert_eq!(
            read_export("{\"format\":\"other\",\"version\":1,\"entries\":[]}"),
            None
        );
        assert_eq!(read_export("[]"), None);
    }

    #[test]
    fn summaries_of_stored_state() {
        assert_eq!(
            progress_summary("{\"schema\":1,\"content_hash\":18446744073709551615,\"score\":1.5}"),
            Some((u64::MAX, 1.5))
        );
        assert!(lab_passed("{\"version\":1,\"code\":\"x\",\"passed\":true}"));
        assert!(lab_passed(
            "{\"version\":2,\"cells\":[{\"id\":\"a\",\"kind\":\"invoke\",\"event\":{}}],\"passed\":true,\"hints_shown\":1}"
        ));
        assert!(!lab_passed(
            "{\"version\":2,\"cells\":[],\"passed\":false,\"hints_shown\":0}"
        ));
        assert!(!lab_passed("[1,2"));
    }
}
