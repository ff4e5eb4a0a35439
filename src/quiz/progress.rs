//! What the browser keeps between visits: per-learner option order and saved progress.
//!
//! Everything here is pure: the page owns the learner seed and localStorage and passes strings
//! in. [`restore`] never fails, because a page must not break over stale or hand-edited storage;
//! it returns fresh progress with a notice instead. Hashes and seeds are `u64` so wasm32 and
//! x86_64 agree.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Answer, Grade, Quiz, SourcePos, grade};
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
pub fn content_hash(quiz: &Quiz) -> u64 {
    let mut canon = quiz.clone();
    canon.at = SourcePos::default();
    for q in &mut canon.questions {
        q.at = SourcePos::default();
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
    /// Points earned with the latest answers, out of [`Quiz::points`].
    pub score: f64,
}

impl QuizProgress {
    pub fn fresh(quiz: &Quiz) -> Self {
        QuizProgress {
            schema: PROGRESS_SCHEMA_VERSION,
            quiz_id: quiz.id.clone(),
            content_hash: content_hash(quiz),
            answers: BTreeMap::new(),
            attempts: BTreeMap::new(),
            score: 0.0,
        }
    }

    /// Grades and stores an answer, counts the attempt and updates the score. An unknown
    /// question id changes nothing and returns `None`.
    pub fn record(&mut self, quiz: &Quiz, question_id: &str, answer: Answer) -> Option<Grade> {
        let question = quiz.question(question_id)?;
        let g = grade(question, &answer);
        self.answers.insert(question_id.to_string(), answer);
        *self.attempts.entry(question_id.to_string()).or_insert(0) += 1;
        self.score = quiz
            .questions
            .iter()
            .filter_map(|q| Some(grade(q, self.answers.get(&q.id)?).points_earned))
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

/// Reads stored progress for `quiz`. Never fails: anything unusable gives fresh progress and a
/// notice saying why.
pub fn restore(json: &str, quiz: &Quiz) -> Restored {
    let fresh = |notice| Restored {
        progress: QuizProgress::fresh(quiz),
        notice: Some(notice),
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else {
        return fresh(RestoreNotice::Corrupt);
    };
    let Some(found) = value.get("schema").and_then(serde_json::Value::as_u64) else {
        return fresh(RestoreNotice::Corrupt);
    };
    let found = u32::try_from(found).unwrap_or(u32::MAX);
    if found < PROGRESS_SCHEMA_VERSION {
        return fresh(RestoreNotice::OlderSchema { found });
    }
    if found > PROGRESS_SCHEMA_VERSION {
        return fresh(RestoreNotice::NewerSchema { found });
    }
    let Ok(progress) = serde_json::from_value::<QuizProgress>(value) else {
        return fresh(RestoreNotice::Corrupt);
    };
    if progress.quiz_id != quiz.id {
        return fresh(RestoreNotice::OtherQuiz {
            found: progress.quiz_id,
        });
    }
    if progress.content_hash != content_hash(quiz) {
        return fresh(RestoreNotice::EditedQuiz);
    }
    if !progress.score.is_finite() || progress.answers.keys().any(|id| quiz.question(id).is_none()) {
        return fresh(RestoreNotice::Corrupt);
    }
    Restored {
        progress,
        notice: None,
    }
}
