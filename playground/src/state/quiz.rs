//! A quiz widget's state: draft answers, grades shown, reveal, the current question, the
//! shuffled display orders, and what to announce to screen readers. The reducer is pure: it
//! grades with the core's `QuizProgress::record_with` and never touches storage or the DOM.
//!
//! Grading takes its text operations from [`crate::num::PageText`]: the browser's `RegExp` and
//! `toLowerCase` in wasm, the core's `Native` on the host (tests).

use std::collections::BTreeMap;
use std::rc::Rc;

use cloudbook::quiz::{Answer, Grade, Kind, Mode, Quiz, QuizProgress, grade_with, shuffle_order};

use crate::i18n::{Msg, t};
use crate::num::{PageText, fmt_int, lowercase};
use crate::state::keyed::Keyed;

#[derive(Debug, Clone, PartialEq)]
pub struct QuizState {
    pub quiz: Rc<Quiz>,
    pub progress: QuizProgress,
    /// The learner's current selection per question id, submitted or not.
    pub drafts: BTreeMap<String, Answer>,
    /// Grades on display, per question id.
    pub graded: Keyed<Grade>,
    pub revealed: bool,
    /// The question shown in one-at-a-time mode.
    pub current: usize,
    /// A sentence about restored progress (e.g. "this quiz has changed…").
    pub notice: Option<String>,
    /// Text for the aria-live region.
    pub announcement: String,
    /// Display order (indices into the written order) of each shuffled question.
    pub order: Keyed<Vec<u32>>,
    /// Labs on this page whose goals were reached.
    pub labs_passed: Keyed<()>,
}

pub enum QuizAction {
    Draft {
        question: String,
        answer: Answer,
    },
    /// Submit one question, or all answered questions when `None`.
    Submit(Option<String>),
    RetryWrong,
    Reveal,
    Go(usize),
    Restore {
        progress: QuizProgress,
        notice: Option<String>,
        drafts: BTreeMap<String, Answer>,
    },
    LabPassed(String),
    Reset,
}

impl QuizState {
    /// `content_hash` is the core's `content_hash` of `quiz`, which the build writes into the page.
    pub fn new(quiz: Rc<Quiz>, content_hash: u64, learner_seed: u64) -> Self {
        let mut order = Keyed::new();
        for q in quiz.questions.iter().filter(|q| q.shuffles()) {
            order.insert(q.id.clone(), shuffle_order(&q.id, learner_seed, q.shuffle_len()));
        }
        let progress = QuizProgress::fresh_with_hash(&quiz, content_hash);
        QuizState {
            quiz,
            progress,
            drafts: BTreeMap::new(),
            graded: Keyed::new(),
            revealed: false,
            current: 0,
            notice: None,
            announcement: String::new(),
            order,
            labs_passed: Keyed::new(),
        }
    }

    /// The display order of a question's options, items or right sides.
    pub fn display_order(&self, question_id: &str, n: usize) -> Vec<u32> {
        self.order
            .get(question_id)
            .cloned()
            .unwrap_or_else(|| (0..n as u32).collect())
    }

    /// The answer to submit for a question: the draft, for lab-graded questions whether the lab
    /// passed, and for an ordering left as shown the order on display.
    fn answer_for(&self, question_id: &str) -> Option<Answer> {
        let q = self.quiz.question(question_id)?;
        match &q.kind {
            Kind::LabGraded { lab, .. } => Some(Answer::Lab(self.labs_passed.contains_key(lab))),
            // An ordering always has an answer: the order on display, moved or not.
            Kind::Ordering { items, .. } => Some(
                self.drafts
                    .get(question_id)
                    .cloned()
                    .unwrap_or_else(|| Answer::Order(self.display_order(question_id, items.len()))),
            ),
            _ => self.drafts.get(question_id).cloned(),
        }
    }

    pub fn points_possible(&self) -> u32 {
        self.quiz.points()
    }

    pub fn points_earned(&self) -> f64 {
        self.graded.values().map(|g| g.points_earned).sum()
    }

    pub fn all_graded(&self) -> bool {
        self.quiz
            .questions
            .iter()
            .all(|q| self.graded.contains_key(&q.id))
    }

    pub fn any_wrong(&self) -> bool {
        self.graded.values().any(|g| !g.correct)
    }

    fn submit(&mut self, ids: Vec<String>) {
        let quiz = self.quiz.clone();
        let mut skipped = 0;
        let mut last = None;
        for id in ids {
            let Some(answer) = self.answer_for(&id) else {
                skipped += 1;
                continue;
            };
            if let Some(g) = self.progress.record_with(&quiz, &id, answer.clone(), &PageText) {
                self.drafts.insert(id.clone(), answer);
                last = Some(g.clone());
                self.graded.insert(id, g);
            }
        }
        self.announcement = match (&last, self.quiz.mode) {
            (Some(g), Mode::OneAtATime) => verdict_sentence(g),
            (Some(_), Mode::AllAtOnce) => {
                let mut s = score_line(self.points_earned(), self.points_possible());
                if skipped > 0 {
                    s += " (";
                    s += &fmt_int(skipped);
                    s += " ";
                    s += &lowercase(t(Msg::NotAnswered));
                    s += ")";
                }
                s
            }
            (None, _) => t(Msg::NotAnswered).to_string(),
        };
    }
}

/// "Score: 1.5 / 3".
pub fn score_line(earned: f64, possible: u32) -> String {
    let mut s = String::from(t(Msg::Score));
    s += ": ";
    s += &fmt_points(earned);
    s += " / ";
    s += &fmt_int(possible as usize);
    s
}

/// "Correct (2 / 2 points)" and friends.
pub fn verdict_sentence(g: &Grade) -> String {
    let word = if g.correct {
        t(Msg::Correct)
    } else if g.score > 0.0 {
        t(Msg::PartlyCorrect)
    } else {
        t(Msg::Incorrect)
    };
    let mut s = String::from(word);
    s += " (";
    s += &fmt_points(g.points_earned);
    s += " / ";
    s += &fmt_int(g.points_possible as usize);
    s += " points)";
    s
}

/// Points with at most two decimals and no trailing zeros (`1.5`, `2`, `0.33`), in integer
/// arithmetic so the page carries no float formatter.
pub fn fmt_points(p: f64) -> String {
    let hundredths = (p * 100.0).round();
    let (neg, h) = (hundredths < 0.0, hundredths.abs() as u64);
    let mut s = String::new();
    if neg && h != 0 {
        s.push('-');
    }
    s += &fmt_int((h / 100) as usize);
    let frac = (h % 100) as u8;
    if frac != 0 {
        s.push('.');
        s.push(char::from(b'0' + frac / 10));
        if !frac.is_multiple_of(10) {
            s.push(char::from(b'0' + frac % 10));
        }
    }
    s
}

impl QuizState {
    /// The pure reducer: applies `action` in place.
    pub fn apply(&mut self, action: QuizAction) {
        let s = self;
        match action {
            QuizAction::Draft { question, answer } => {
                if !s.graded.contains_key(&question) {
                    s.drafts.insert(question, answer);
                }
            }
            QuizAction::Submit(Some(id)) => s.submit(vec![id]),
            QuizAction::Submit(None) => {
                let ids = s
                    .quiz
                    .questions
                    .iter()
                    .map(|q| q.id.clone())
                    .filter(|id| !s.graded.contains_key(id))
                    .collect();
                s.submit(ids);
            }
            QuizAction::RetryWrong => {
                let wrong: Vec<String> = s
                    .graded
                    .iter()
                    .filter(|(_, g)| !g.correct)
                    .map(|(id, _)| id.clone())
                    .collect();
                s.graded.retain(|_, g| g.correct);
                s.revealed = false;
                if let Some(first) = s.quiz.questions.iter().position(|q| wrong.contains(&q.id)) {
                    s.current = first;
                }
                s.announcement = crate::i18n::fill(Msg::OpenAgain, &[("n", &fmt_int(wrong.len()))]);
            }
            QuizAction::Reveal => {
                s.revealed = true;
                s.announcement = t(Msg::Reveal).to_string();
            }
            QuizAction::Go(i) => {
                if i < s.quiz.questions.len() {
                    s.current = i;
                    s.announcement = crate::i18n::question_of(i + 1, s.quiz.questions.len());
                }
            }
            QuizAction::Restore {
                progress,
                notice,
                drafts,
            } => {
                s.graded = Keyed::new();
                for q in &s.quiz.questions {
                    if let Some(a) = progress.answers.get(&q.id) {
                        s.graded.insert(q.id.clone(), grade_with(q, a, &PageText));
                    }
                }
                s.drafts = drafts;
                for (id, a) in &progress.answers {
                    s.drafts.insert(id.clone(), a.clone());
                }
                s.progress = progress;
                s.notice = notice;
                s.current = s
                    .quiz
                    .questions
                    .iter()
                    .position(|q| !s.graded.contains_key(&q.id))
                    .unwrap_or(0);
            }
            QuizAction::LabPassed(lab) => {
                s.labs_passed.insert(lab, ());
            }
            QuizAction::Reset => {
                let seed_order = std::mem::take(&mut s.order);
                let labs = std::mem::take(&mut s.labs_passed);
                let hash = s.progress.content_hash;
                *s = QuizState::new(s.quiz.clone(), hash, 0);
                s.order = seed_order;
                s.labs_passed = labs;
                s.announcement = t(Msg::StartsAfresh).into();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiz() -> Rc<Quiz> {
        let text = r#"
id = "t"
mode = "all-at-once"
[[questions]]
id = "t-one"
type = "single-choice"
prompt = "Default timeout?"
options = ["1 s", "3 s", "900 s"]
answer = "3 s"
[[questions]]
id = "t-two"
type = "true-false"
prompt = "Memory sets CPU."
answer = true
"#;
        Rc::new(cloudbook::quiz::parse_quiz("t.toml", text).expect("the fixture quiz is valid"))
    }

    fn act(mut s: QuizState, a: QuizAction) -> QuizState {
        s.apply(a);
        s
    }

    fn state(q: Rc<Quiz>) -> QuizState {
        let hash = cloudbook::quiz::content_hash(&q);
        QuizState::new(q, hash, 7)
    }

    #[test]
    fn submit_grades_drafts_and_retry_reopens_only_wrong_ones() {
        let s = state(quiz());
        let s = act(
            s,
            QuizAction::Draft {
                question: "t-one".into(),
                answer: Answer::Choice(0),
            },
        );
        let s = act(
            s,
            QuizAction::Draft {
                question: "t-two".into(),
                answer: Answer::Bool(true),
            },
        );
        let s = act(s, QuizAction::Submit(None));
        assert!(!s.graded["t-one"].correct);
        assert!(s.graded["t-two"].correct);
        assert_eq!(s.announcement, "Score: 1 / 2");
        // A graded question ignores further drafts until it is retried.
        let s = act(
            s,
            QuizAction::Draft {
                question: "t-one".into(),
                answer: Answer::Choice(1),
            },
        );
        assert_eq!(s.drafts["t-one"], Answer::Choice(0));
        let s = act(s, QuizAction::RetryWrong);
        assert!(!s.graded.contains_key("t-one"));
        assert!(s.graded.contains_key("t-two"));
        let s = act(
            s,
            QuizAction::Draft {
                question: "t-one".into(),
                answer: Answer::Choice(1),
            },
        );
        let s = act(s, QuizAction::Submit(None));
        assert!(s.all_graded() && !s.any_wrong());
        assert_eq!(s.progress.attempts["t-one"], 2);
    }

    #[test]
    fn restore_regrades_saved_answers_and_keeps_the_notice() {
        let q = quiz();
        let mut p = QuizProgress::fresh(&q);
        p.record(&q, "t-two", Answer::Bool(false));
        let s = state(q);
        let s = act(
            s,
            QuizAction::Restore {
                progress: p,
                notice: Some("n".into()),
                drafts: BTreeMap::new(),
            },
        );
        assert!(!s.graded["t-two"].correct);
        assert_eq!(s.current, 0, "the first unanswered question is current");
        assert_eq!(s.notice.as_deref(), Some("n"));
    }

    #[test]
    fn an_ordering_left_as_shown_can_be_checked() {
        let text = r#"
id = "o"
[[questions]]
id = "o-steps"
type = "ordering"
prompt = "Order."
items = ["a", "b", "c"]
"#;
        let q = Rc::new(cloudbook::quiz::parse_quiz("o.toml", text).expect("the fixture quiz is valid"));
        let s = act(state(q), QuizAction::Submit(Some("o-steps".into())));
        let shown = s.display_order("o-steps", 3);
        assert!(s.graded.contains_key("o-steps"), "graded without a move");
        assert_eq!(s.progress.answers["o-steps"], Answer::Order(shown.clone()));
        assert_eq!(s.graded["o-steps"].correct, shown == [0, 1, 2]);
    }

    #[test]
    fn points_show_at_most_two_decimals() {
        for (p, text) in [
            (0.0, "0"),
            (2.0, "2"),
            (1.5, "1.5"),
            (1.0 / 3.0, "0.33"),
            (2.0 / 3.0, "0.67"),
            (0.05, "0.05"),
        ] {
            assert_eq!(fmt_points(p), text);
        }
    }

    #[test]
    fn unanswered_questions_are_not_graded() {
        let s = state(quiz());
        let s = act(s, QuizAction::Submit(None));
        assert!(s.graded.is_empty());
        assert_eq!(s.announcement, "Not answered");
    }
}
