//! What the browser keeps between visits: per-learner option order and saved progress.
//!
//! Everything here is pure: the page owns the learner seed and localStorage and passes strings
//! in. [`restore`] never fails, because a page must not break over stale or hand-edited storage;
//! it returns fresh progress with a notice instead. Hashes and seeds are `u64` so wasm32 and
//! x86_64 agree.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Answer, Grade, Native, Quiz, SourcePos, TextOps, grade_with};
use crate::sim::{Rng, fnv1a64};

/// Bump when [`QuizProgress`] changes shape; older stored progress is then discarded with a notice.
pub const PROGRESS_SCHEMA_VERSION: u32 = 1;

/// The display order of `n` options of one question for one learner: a permutation of `0..n`
/// that depends only on the question id and the seed, so it survives reloads and differs between
/// questions. `result[k]` is the written index of the option shown at position `k`.
pub fn shuffle_order(question_id: &str, learner_seed: u64, n: u32) -> Vec<u32> {
    let mut rng = Rng::seed_from_u64(learner_seed ^ fnv1a64(question_id.as_bytes()));
    let mut order: Vec<u32> = (0..n).collect();
    // Fisher–Yates, drawing in u64 so every platform draws the same numbers.
    for i in (1..n).rev() {
        let j = rng.below(u64::from(i) + 1) as u32;
        order.swap(i as usize, j as usize);
    }
    order
}

/// A stable fingerprint of a quiz's content: FNV-1a over its canonical JSON, with source positions
/// left out so moving a question within the file (or adding a comment) keeps learners' progress.
/// A question's `source` is left out too: it names where the topic is taught and changes no grade.
pub fn content_hash(quiz: &Quiz) -> u64 {
    let mut canon = quiz.clone();
    canon.at = SourcePos::default();
    for q in &mut canon.questions {
        q.at = SourcePos::default();
        // Serde skips it already; cleared here too so the rule survives a change of serde attributes.
        q.source = None;
        if let super::Kind::LabGraded { lab_at, .. } = &mut q.kind {
            *lab_at = SourcePos::default();
        }
    }
    let json =
        serde_json::to_string(&canon).expect("a Quiz always serialises: plain strings, numbers and enums");
    fnv1a64(json.as_bytes())
}

/// One learner's progress on one quiz, as stored in the browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizProgress {
    /// [`PROGRESS_SCHEMA_VERSION`] at the time of writing.
    pub schema: u32,
    pub quiz_id: String,
    /// [`content_hash`] of the quiz the answers were given to.
    pub content_hash: u64,
    /// The latest answer per question id.
    pub answers: BTreeMap<String, Answer>,
    /// How many times each question was submitted.
    pub attempts: BTreeMap<String, u32>,
    /// Points earned with the latest answers, out of [`Quiz::points`]. Stored under the key
    /// `score` (schema 1), though a score elsewhere is a fraction (see [`super::Tally`]).
    #[serde(rename = "score")]
    pub points_earned: f64,
}

impl QuizProgress {
    pub fn fresh(quiz: &Quiz) -> Self {
        Self::fresh_with_hash(quiz, content_hash(quiz))
    }

    /// [`QuizProgress::fresh`] with the [`content_hash`] computed beforehand (the build writes it
    /// into the page, so the browser needs no JSON serialiser to compute it).
    pub fn fresh_with_hash(quiz: &Quiz, content_hash: u64) -> Self {
        QuizProgress {
            schema: PROGRESS_SCHEMA_VERSION,
            quiz_id: quiz.id.clone(),
            content_hash,
            answers: BTreeMap::new(),
            attempts: BTreeMap::new(),
            points_earned: 0.0,
        }
    }

    /// Grades and stores an answer, counts the attempt and updates the score. An unknown
    /// question id changes nothing and returns `None`.
    pub fn record(&mut self, quiz: &Quiz, question_id: &str, answer: Answer) -> Option<Grade> {
        self.record_with(quiz, question_id, answer, &Native)
    }

    /// [`QuizProgress::record`] grading with the given text operations (see [`grade_with`]).
    pub fn record_with(
        &mut self,
        quiz: &Quiz,
        question_id: &str,
        answer: Answer,
        text: &dyn TextOps,
    ) -> Option<Grade> {
        let question = quiz.question(question_id)?;
        let g = grade_with(question, &answer, text);
        self.answers.insert(question_id.to_string(), answer);
        *self.attempts.entry(question_id.to_string()).or_insert(0) += 1;
        self.points_earned = quiz
            .questions
            .iter()
            .filter_map(|q| Some(grade_with(q, self.answers.get(&q.id)?, text).points_earned))
            .sum();
        Some(g)
    }

    /// Serialises for storage.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("QuizProgress always serialises: strings, numbers and maps")
    }
}

/// Why stored progress was not used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RestoreNotice {
    /// Not JSON, or not progress.
    Corrupt,
    /// Written by an older version of the book.
    OlderSchema { found: u32 },
    /// Written by a newer version of the book (the page is stale, e.g. from a cache).
    NewerSchema { found: u32 },
    /// Progress for another quiz was stored under this quiz's key.
    OtherQuiz { found: String },
    /// The quiz changed since the answers were given.
    EditedQuiz,
}

impl fmt::Display for RestoreNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestoreNotice::Corrupt => write!(
                f,
                "Your saved answers could not be read, so the quiz starts afresh."
            ),
            RestoreNotice::OlderSchema { .. } | RestoreNotice::NewerSchema { .. } => {
                write!(
                    f,
                    "Your saved answers are from another version of the book, so the quiz starts afresh."
                )
            }
            RestoreNotice::OtherQuiz { .. } => {
                write!(
                    f,
                    "The saved answers belong to another quiz, so this quiz starts afresh."
                )
            }
            RestoreNotice::EditedQuiz => {
                write!(
                    f,
                    "This quiz has changed since you answered it, so it starts afresh."
                )
            }
        }
    }
}

/// The outcome of [`restore`]: usable progress, and a notice to show when it is fresh because the
/// stored progress could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    pub progress: QuizProgress,
    pub notice: Option<RestoreNotice>,
}

/// What a reader made of stored progress text, before the rules of [`restore_stored`] apply.
/// [`restore`] reads with serde_json; the page reads with its own small JSON reader, so both
/// apply the very same rules.
#[derive(Debug, Clone, PartialEq)]
pub enum StoredProgress {
    /// Not JSON, no numeric `schema`, or not progress of the current schema.
    Corrupt,
    /// A `schema` other than [`PROGRESS_SCHEMA_VERSION`]; the rest was not read.
    OtherSchema(u32),
    /// Progress of the current schema.
    Read(QuizProgress),
}

/// Reads stored progress for `quiz`. Never fails: anything unusable gives fresh progress and a
/// notice saying why.
pub fn restore(json: &str, quiz: &Quiz) -> Restored {
    restore_stored(read_stored(json), quiz, content_hash(quiz))
}

fn read_stored(json: &str) -> StoredProgress {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else {
        return StoredProgress::Corrupt;
    };
    let Some(found) = value.get("schema").and_then(serde_json::Value::as_u64) else {
        return StoredProgress::Corrupt;
    };
    let found = u32::try_from(found).unwrap_or(u32::MAX);
    if found != PROGRESS_SCHEMA_VERSION {
        return StoredProgress::OtherSchema(found);
    }
    match serde_json::from_value::<QuizProgress>(value) {
        Ok(p) => StoredProgress::Read(p),
        Err(_) => StoredProgress::Corrupt,
    }
}

/// The rules of [`restore`] for progress already read: `content_hash` is the quiz's
/// [`content_hash`]. Never fails.
pub fn restore_stored(stored: StoredProgress, quiz: &Quiz, content_hash: u64) -> Restored {
    let fresh = |notice| Restored {
        progress: QuizProgress::fresh_with_hash(quiz, content_hash),
        notice: Some(notice),
    };
    let progress = match stored {
        StoredProgress::Corrupt => return fresh(RestoreNotice::Corrupt),
        StoredProgress::OtherSchema(found) if found < PROGRESS_SCHEMA_VERSION => {
            return fresh(RestoreNotice::OlderSchema { found });
        }
        StoredProgress::OtherSchema(found) => return fresh(RestoreNotice::NewerSchema { found }),
        StoredProgress::Read(p) => p,
    };
    if progress.quiz_id != quiz.id {
        return fresh(RestoreNotice::OtherQuiz {
            found: progress.quiz_id,
        });
    }
    if progress.content_hash != content_hash {
        return fresh(RestoreNotice::EditedQuiz);
    }
    if !progress.points_earned.is_finite() || progress.answers.keys().any(|id| quiz.question(id).is_none()) {
        return fresh(RestoreNotice::Corrupt);
    }
    Restored {
        progress,
        notice: None,
    }
}
