//! Quizzes: the authoring format (TOML, one file per chapter), its validation, and grading.
//!
//! The parsed [`Quiz`] is plain serde data: the build embeds it in the page as JSON and the
//! browser widget deserialises it, so the page and `cloudbook quiz grade` grade with the very same
//! [`grade`]. This module does no I/O and renders no Markdown: Markdown fields are rendered to HTML
//! at build time through the callback given to [`Quiz::render_markdown`], so the core carries no
//! Markdown parser into the browser.

mod book;
mod grade;
mod parse;
mod progress;
mod schema;
mod spec;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use book::{QuizOnPage, validate_book};
pub use grade::{Grade, Mark, Native, Outcome, Tally, TextOps, Verdict, grade, grade_with, regex_matches};
pub use parse::parse_quiz;
pub use progress::{
    PROGRESS_SCHEMA_VERSION, QuizProgress, RestoreNotice, Restored, StoredProgress, content_hash, restore,
    restore_stored, shuffle_order,
};
pub use schema::json_schema;
pub use spec::{QUESTION_TYPES, closest};

/// One chapter's quiz, as parsed from `quizzes/<name>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quiz {
    /// Human-written, unique across the book; also the key under which progress is stored.
    pub id: String,
    pub title: Option<String>,
    pub mode: Mode,
    /// The quiz-wide default; each question carries its resolved policy too.
    pub partial_credit: PartialCredit,
    /// The quiz-wide default for choice-like questions; each question carries its resolved value.
    pub shuffle: bool,
    pub questions: Vec<Question>,
    /// Where the quiz `id` was written, for book-wide diagnostics.
    pub at: SourcePos,
}

/// How the page presents the questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    OneAtATime,
    AllAtOnce,
}

/// How a question with several decisions (options, positions, pairs) is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartialCredit {
    /// Full marks only when every decision is right.
    AllOrNothing,
    /// Score = right decisions / decisions (Open edX's "EDC"): each ticked or unticked option,
    /// each ordering position, each matching pair counts once.
    EveryDecisionCounts,
}

/// A 1-based line and column in the quiz file; `0:0` when unknown (a quiz built in code).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourcePos {
    pub line: u32,
    pub col: u32,
}

/// One question. Markdown fields hold Markdown after parsing and HTML after
/// [`Quiz::render_markdown`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Human-written, unique across the book, never generated or written back into the sources.
    pub id: String,
    pub prompt: String,
    pub explanation: Option<String>,
    pub hints: Vec<String>,
    pub points: u32,
    pub kind: Kind,
    /// Where the question `id` was written.
    pub at: SourcePos,
    /// The section of the book that teaches this question. Not sent to the page (grading never
    /// reads it) and so not part of [`content_hash`]: fixing a `source` keeps learners' progress.
    #[serde(skip)]
    pub source: Option<SourceRef>,
}

/// A question's `source = "lambda/triggers.md#api-gateway"`: a page path relative to `book/` and
/// the id of a heading on it. `cloudbook check` resolves it against the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    pub target: String,
    /// Where the value was written in the quiz file.
    pub at: SourcePos,
}

impl SourceRef {
    /// The page and the heading id, when the value has the form `page.md#id` with both parts.
    pub fn split(&self) -> Option<(&str, &str)> {
        let (page, id) = self.target.split_once('#')?;
        (page.ends_with(".md") && !id.is_empty() && !page.starts_with('/')).then_some((page, id))
    }
}

/// What is asked and what is right, per question type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Kind {
    /// Exactly one option is right (radio buttons).
    SingleChoice {
        options: Vec<Choice>,
        answer: u32,
        shuffle: bool,
    },
    /// Any number of options are right (checkboxes).
    MultipleChoice {
        options: Vec<Choice>,
        answers: Vec<u32>,
        partial_credit: PartialCredit,
        shuffle: bool,
    },
    TrueFalse {
        answer: bool,
        feedback_true: Option<String>,
        feedback_false: Option<String>,
    },
    /// Free text compared after normalisation, or matched by a regular expression.
    ShortAnswer {
        answer: String,
        alternatives: Vec<String>,
        /// Matched against the whole trimmed answer.
        regex: Option<String>,
        case_sensitive: bool,
        mistakes: Vec<TextMistake>,
    },
    Numeric {
        answer: f64,
        tolerance: Tolerance,
        unit: Option<String>,
        mistakes: Vec<NumberMistake>,
    },
    /// `items` are written in the right order; the page shows them shuffled.
    Ordering {
        items: Vec<String>,
        partial_credit: PartialCredit,
    },
    /// Each left side has exactly one right side; the page shuffles the right sides.
    Matching {
        pairs: Vec<Pair>,
        partial_credit: PartialCredit,
    },
    /// Passed when the named lab on the same page reaches its goals.
    LabGraded { lab: String, lab_at: SourcePos },
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub text: String,
    /// Shown when the learner picks this option (or misses it, if it is right).
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    pub left: String,
    pub right: String,
}

/// A wrong text answer the author expects, with targeted feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextMistake {
    pub answer: String,
    pub feedback: String,
}

/// A wrong number the author expects (within the question's tolerance), with targeted feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberMistake {
    pub answer: f64,
    pub feedback: String,
}

/// How far a numeric answer may be from the right one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tolerance {
    /// `|given - answer| <= t`.
    Absolute(f64),
    /// `|given - answer| <= t * |answer|` (0.05 = 5 %).
    Relative(f64),
}

/// A learner's answer to one question. The JSON form is externally tagged, e.g.
/// `{"choice": 1}`, `{"choices": [0, 2]}`, `{"bool": false}`, `{"text": "arn:aws:…"}`,
/// `{"number": 3}`, `{"order": [2, 0, 1]}`, `{"pairs": [1, 0, null]}`, `{"lab": true}`.
/// Indices always refer to the order written in the quiz file, never the shuffled display order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Index of the chosen option of a single-choice question.
    Choice(u32),
    /// Indices of the ticked options of a multiple-choice question.
    Choices(Vec<u32>),
    Bool(bool),
    Text(String),
    /// What the learner typed, as a number; text that is not a number is NaN, which JSON writes
    /// as `null` and which reads back as NaN (a wrong answer, never corrupt progress).
    Number(#[serde(deserialize_with = "number_or_nan")] f64),
    /// The learner's order, as indices of the items in their written (right) order.
    Order(Vec<u32>),
    /// For each left side, the index of the right side the learner matched to it, if any.
    Pairs(Vec<Option<u32>>),
    /// Whether the named lab reached its goals.
    Lab(bool),
}

fn number_or_nan<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

impl Question {
    /// The type name as written in quiz files (`single-choice`, `numeric`, …).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::SingleChoice { .. } => "single-choice",
            Kind::MultipleChoice { .. } => "multiple-choice",
            Kind::TrueFalse { .. } => "true-false",
            Kind::ShortAnswer { .. } => "short-answer",
            Kind::Numeric { .. } => "numeric",
            Kind::Ordering { .. } => "ordering",
            Kind::Matching { .. } => "matching",
            Kind::LabGraded { .. } => "lab-graded",
        }
    }

    /// The answer that scores full marks, for "reveal" and for tests.
    pub fn correct_answer(&self) -> Answer {
        match &self.kind {
            Kind::SingleChoice { answer, .. } => Answer::Choice(*answer),
            Kind::MultipleChoice { answers, .. } => Answer::Choices(answers.clone()),
            Kind::TrueFalse { answer, .. } => Answer::Bool(*answer),
            Kind::ShortAnswer { answer, .. } => Answer::Text(answer.clone()),
            Kind::Numeric { answer, .. } => Answer::Number(*answer),
            Kind::Ordering { items, .. } => Answer::Order((0..items.len() as u32).collect()),
            Kind::Matching { pairs, .. } => Answer::Pairs((0..pairs.len() as u32).map(Some).collect()),
            Kind::LabGraded { .. } => Answer::Lab(true),
        }
    }

    /// Whether the page should shuffle this question's options, items or right sides.
    pub fn shuffles(&self) -> bool {
        match &self.kind {
            Kind::SingleChoice { shuffle, .. } | Kind::MultipleChoice { shuffle, .. } => *shuffle,
            // Ordering and matching are meaningless unshuffled.
            Kind::Ordering { .. } | Kind::Matching { .. } => true,
            _ => false,
        }
    }

    /// How many things the page shuffles (options, items or right sides); 0 when nothing is.
    pub fn shuffle_len(&self) -> u32 {
        match &self.kind {
            Kind::SingleChoice { options, .. } | Kind::MultipleChoice { options, .. } => options.len() as u32,
            Kind::Ordering { items, .. } => items.len() as u32,
            Kind::Matching { pairs, .. } => pairs.len() as u32,
            _ => 0,
        }
    }
}

impl Quiz {
    /// Replaces every Markdown field (prompts, explanations, hints, options, feedback, items,
    /// pairs) by `render(markdown)`, typically HTML. Ids, answers to compare against, regexes and
    /// units are not Markdown and stay as written.
    pub fn render_markdown(&mut self, render: &mut dyn FnMut(&str) -> String) {
        let mut md = |s: &mut String| *s = render(s);
        for q in &mut self.questions {
            md(&mut q.prompt);
            q.explanation.iter_mut().for_each(&mut md);
            q.hints.iter_mut().for_each(&mut md);
            match &mut q.kind {
                Kind::SingleChoice { options, .. } | Kind::MultipleChoice { options, .. } => {
                    for o in options {
                        md(&mut o.text);
                        o.feedback.iter_mut().for_each(&mut md);
                    }
                }
                Kind::TrueFalse {
                    feedback_true,
                    feedback_false,
                    ..
                } => {
                    feedback_true.iter_mut().for_each(&mut md);
                    feedback_false.iter_mut().for_each(&mut md);
                }
                Kind::ShortAnswer { mistakes, .. } => mistakes.iter_mut().for_each(|m| md(&mut m.feedback)),
                Kind::Numeric { mistakes, .. } => mistakes.iter_mut().for_each(|m| md(&mut m.feedback)),
                Kind::Ordering { items, .. } => items.iter_mut().for_each(&mut md),
                Kind::Matching { pairs, .. } => {
                    for p in pairs {
                        md(&mut p.left);
                        md(&mut p.right);
                    }
                }
                Kind::LabGraded { .. } => {}
            }
        }
    }

    /// The question with this id, if any.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Total points of the quiz.
    pub fn points(&self) -> u32 {
        self.questions.iter().map(|q| q.points).sum()
    }
}
