//! A quiz widget's state: draft answers, grades shown, reveal, the current question, the
//! shuffled display orders, and what to announce to screen readers. The reducer is pure: it
//! grades with the core's `QuizProgress::record_with` and never touches storage or the DOM.
//!
//! Grading takes its text operations from [`crate::num::PageText`]: the browser's `RegExp` and
//! `toLowerCase` in wasm, the core's `Native` on the host (tests).

use std::collections::BTreeMap;
use std::rc::Rc;

use cloudbook::quiz::{
    Answer, Grade, Kind, Mode, Outcome, Quiz, QuizProgress, Tally, grade_with, shuffle_order,
};

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
    /// How many hints are shown, per question index.
    pub hints_shown: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuizAction {
    Draft {
        question: String,
        answer: Answer,
    },
    /// Option `option` of a choice question was clicked: a single choice picks it, a true/false
    /// question picks true (0) or false (1), a multiple choice ticks or unticks it (`checked`).
    Pick {
        question: String,
        option: u32,
        checked: bool,
    },
    /// Swap the ordering item at `position` with its neighbour above or below.
    Move {
        question: String,
        position: usize,
        dir: Dir,
    },
    /// Match the left side `left` to the right side `right` (`None`: unmatched).
    Match {
        question: String,
        left: usize,
        right: Option<u32>,
    },
    /// Show one more hint of the question at this index.
    Hint(usize),
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

/// Which way an ordering item moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Up,
    Down,
}

/// What the control that fired an event holds, read from the DOM by the widget.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A button.
    None,
    /// A checkbox or radio button.
    Checked(bool),
    /// A text field or a select.
    Value(String),
}

/// A control named an action (`data-act`, `data-change`, `data-input`) or a question index that
/// this quiz does not have: the page and the widget disagree, which is a bug to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAct {
    pub name: String,
    pub q: usize,
}

impl QuizState {
    /// `content_hash` is the core's `content_hash` of `quiz`, which the build writes into the page.
    pub fn new(quiz: Rc<Quiz>, content_hash: u64, learner_seed: u64) -> Self {
        let mut order = Keyed::new();
        for q in quiz.questions.iter().filter(|q| q.shuffles()) {
            order.insert(q.id.clone(), shuffle_order(&q.id, learner_seed, q.shuffle_len()));
        }
        let progress = QuizProgress::fresh_with_hash(&quiz, content_hash);
        let hints_shown = vec![0; quiz.questions.len()];
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
            hints_shown,
        }
    }

    /// The action a control asks for: `name` is its `data-act`/`data-change`/`data-input`, `q`
    /// its question index, `i` its option, position or left side, `input` what it holds.
    pub fn action_for(&self, name: &str, q: usize, i: usize, input: Input) -> Result<QuizAction, UnknownAct> {
        let unknown = || UnknownAct { name: name.into(), q };
        let question = self.quiz.questions.get(q).ok_or_else(unknown)?;
        let id = question.id.clone();
        let current = self.visible_first();
        let checked = input == Input::Checked(true);
        let value = match input {
            Input::Value(v) => v,
            _ => String::new(),
        };
        Ok(match name {
            "submit" => QuizAction::Submit(
                (self.quiz.mode == Mode::OneAtATime).then(|| self.quiz.questions[current].id.clone()),
            ),
            "next" => QuizAction::Go(current + 1),
            "prev" => QuizAction::Go(current.saturating_sub(1)),
            "retry" => QuizAction::RetryWrong,
            "reveal" => QuizAction::Reveal,
            "reset" => QuizAction::Reset,
            "hint" => QuizAction::Hint(q),
            "up" | "down" => QuizAction::Move {
                question: id,
                position: i,
                dir: if name == "up" { Dir::Up } else { Dir::Down },
            },
            "opt" => QuizAction::Pick {
                question: id,
                option: i as u32,
                checked,
            },
            "sel" => QuizAction::Match {
                question: id,
                left: i,
                right: crate::num::parse_u64(&value).and_then(|v| u32::try_from(v).ok()),
            },
            "text" => QuizAction::Draft {
                question: id,
                answer: Answer::Text(value),
            },
            // An unparseable number grades as NaN (wrong, with a reason).
            "number" => QuizAction::Draft {
                question: id,
                answer: Answer::Number(crate::num::parse_f64(&value.replace(',', "")).unwrap_or(f64::NAN)),
            },
            _ => return Err(unknown()),
        })
    }

    /// The index of the first question on display (the current one in one-at-a-time mode).
    pub fn visible_first(&self) -> usize {
        match self.quiz.mode {
            Mode::AllAtOnce => 0,
            Mode::OneAtATime => self.current.min(self.quiz.questions.len().saturating_sub(1)),
        }
    }

    /// The order an ordering question shows now: the draft when it is a full order, else the
    /// shuffled display order.
    pub fn current_order(&self, question_id: &str, n: usize) -> Vec<u32> {
        current_order(
            &self.display_order(question_id, n),
            self.drafts.get(question_id),
            n,
        )
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

    /// Points earned on the graded questions, out of the whole quiz.
    pub fn tally(&self) -> Tally {
        Tally::new(self.graded.values(), self.quiz.points())
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
                let mut s = points_line(&self.tally());
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

/// "Points: 1.5 / 3": what the learner earned, never called a score (a score is a fraction, see
/// the core's `Tally`).
pub fn points_line(tally: &Tally) -> String {
    let mut s = String::from(t(Msg::Points));
    s += ": ";
    s += &fmt_points(tally.points_earned);
    s += " / ";
    s += &fmt_int(tally.points_possible as usize);
    s
}

/// "Correct (2 / 2 points)" and friends, worded from the core's `Grade::verdict`.
pub fn verdict_sentence(g: &Grade) -> String {
    let word = match g.verdict() {
        Outcome::Correct => t(Msg::Correct),
        Outcome::PartlyCorrect => t(Msg::PartlyCorrect),
        Outcome::Wrong => t(Msg::Incorrect),
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

/// The order shown: the draft when it is a full order, else the display order `shown`.
pub fn current_order(shown: &[u32], draft: Option<&Answer>, n: usize) -> Vec<u32> {
    match draft {
        Some(Answer::Order(o)) if o.len() == n => o.clone(),
        _ => shown.to_vec(),
    }
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
            QuizAction::Pick {
                question,
                option,
                checked,
            } => {
                let answer = match s.quiz.question(&question).map(|q| &q.kind) {
                    Some(Kind::TrueFalse { .. }) => Answer::Bool(option == 0),
                    Some(Kind::MultipleChoice { .. }) => {
                        let mut next: Vec<u32> = match s.drafts.get(&question) {
                            Some(Answer::Choices(v)) => v.iter().copied().filter(|&c| c != option).collect(),
                            _ => Vec::new(),
                        };
                        if checked {
                            // Kept sorted by inserting in place (no sort routine in the wasm).
                            let at = next.iter().position(|&c| c > option).unwrap_or(next.len());
                            next.insert(at, option);
                        }
                        Answer::Choices(next)
                    }
                    _ => Answer::Choice(option),
                };
                s.apply(QuizAction::Draft { question, answer });
            }
            QuizAction::Move {
                question,
                position,
                dir,
            } => {
                let Some(Kind::Ordering { items, .. }) = s.quiz.question(&question).map(|q| &q.kind) else {
                    return;
                };
                let mut next = s.current_order(&question, items.len());
                let to = match dir {
                    Dir::Up => position.checked_sub(1),
                    Dir::Down => Some(position + 1),
                };
                // The button at either end is disabled; a move past it changes nothing.
                if let Some(to) = to.filter(|&to| to < next.len() && position < next.len()) {
                    next.swap(position, to);
                    s.apply(QuizAction::Draft {
                        question,
                        answer: Answer::Order(next),
                    });
                }
            }
            QuizAction::Match {
                question,
                left,
                right,
            } => {
                let Some(Kind::Matching { pairs, .. }) = s.quiz.question(&question).map(|q| &q.kind) else {
                    return;
                };
                let mut next = match s.drafts.get(&question) {
                    Some(Answer::Pairs(v)) if v.len() == pairs.len() => v.clone(),
                    _ => vec![None; pairs.len()],
                };
                if let Some(slot) = next.get_mut(left) {
                    *slot = right;
                    s.apply(QuizAction::Draft {
                        question,
                        answer: Answer::Pairs(next),
                    });
                }
            }
            QuizAction::Hint(q) => {
                let available = s.quiz.questions.get(q).map_or(0, |q| q.hints.len() as u32);
                if let Some(n) = s.hints_shown.get_mut(q) {
                    *n = (*n + 1).min(available);
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
                let hints = std::mem::take(&mut s.hints_shown);
                let hash = s.progress.content_hash;
                *s = QuizState::new(s.quiz.clone(), hash, 0);
                s.order = seed_order;
                s.labs_passed = labs;
                s.hints_shown = hints;
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
        assert_eq!(s.announcement, "Points: 1 / 2");
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

    /// Every interactive question type, to drive the controls' actions.
    fn controls() -> Rc<Quiz> {
        let text = r#"
id = "c"
mode = "one-at-a-time"
[[questions]]
id = "c-multi"
type = "multiple-choice"
prompt = "Which?"
options = ["a", "b", "c"]
answer = ["a", "c"]
hints = ["one", "two"]
[[questions]]
id = "c-tf"
type = "true-false"
prompt = "True?"
answer = false
[[questions]]
id = "c-order"
type = "ordering"
prompt = "Order."
items = ["x", "y", "z"]
[[questions]]
id = "c-match"
type = "matching"
prompt = "Match."
pairs = [{ left = "l0", right = "r0" }, { left = "l1", right = "r1" }]
[[questions]]
id = "c-num"
type = "numeric"
prompt = "How many?"
answer = 3
"#;
        Rc::new(cloudbook::quiz::parse_quiz("c.toml", text).expect("the fixture quiz is valid"))
    }

    /// Applies the action a control names, as the widget does.
    fn click(s: QuizState, name: &str, q: usize, i: usize, input: Input) -> QuizState {
        let a = s.action_for(name, q, i, input).expect("a known control");
        act(s, a)
    }

    #[test]
    fn multiple_choice_ticks_and_unticks_keeping_options_sorted() {
        let s = state(controls());
        let s = click(s, "opt", 0, 2, Input::Checked(true));
        let s = click(s, "opt", 0, 0, Input::Checked(true));
        assert_eq!(s.drafts["c-multi"], Answer::Choices(vec![0, 2]));
        let s = click(s, "opt", 0, 2, Input::Checked(false));
        let s = click(s, "opt", 0, 1, Input::Checked(true));
        assert_eq!(s.drafts["c-multi"], Answer::Choices(vec![0, 1]));
        // Ticking twice keeps one entry.
        let s = click(s, "opt", 0, 1, Input::Checked(true));
        assert_eq!(s.drafts["c-multi"], Answer::Choices(vec![0, 1]));
    }

    #[test]
    fn true_false_option_zero_is_true() {
        let s = click(state(controls()), "opt", 1, 1, Input::Checked(true));
        assert_eq!(s.drafts["c-tf"], Answer::Bool(false));
        let s = click(s, "opt", 1, 0, Input::Checked(true));
        assert_eq!(s.drafts["c-tf"], Answer::Bool(true));
    }

    #[test]
    fn ordering_moves_swap_neighbours_and_stop_at_the_ends() {
        let s = state(controls());
        let shown = s.display_order("c-order", 3);
        let s = click(s, "up", 2, 0, Input::None);
        assert!(!s.drafts.contains_key("c-order"), "the first item cannot move up");
        let s = click(s, "down", 2, 2, Input::None);
        assert!(
            !s.drafts.contains_key("c-order"),
            "the last item cannot move down"
        );
        let s = click(s, "down", 2, 0, Input::None);
        let moved = vec![shown[1], shown[0], shown[2]];
        assert_eq!(s.drafts["c-order"], Answer::Order(moved.clone()));
        assert_eq!(s.current_order("c-order", 3), moved);
        let s = click(s, "up", 2, 2, Input::None);
        assert_eq!(
            s.drafts["c-order"],
            Answer::Order(vec![shown[1], shown[2], shown[0]])
        );
        // Checking grades the order on display.
        let s = act(s, QuizAction::Go(2));
        let s = click(s, "submit", 0, 0, Input::None);
        assert_eq!(
            s.progress.answers["c-order"],
            Answer::Order(vec![shown[1], shown[2], shown[0]])
        );
    }

    #[test]
    fn matching_selects_fill_one_slot_and_empty_means_unmatched() {
        let s = click(state(controls()), "sel", 3, 1, Input::Value("0".into()));
        assert_eq!(s.drafts["c-match"], Answer::Pairs(vec![None, Some(0)]));
        let s = click(s, "sel", 3, 0, Input::Value("1".into()));
        let s = click(s, "sel", 3, 1, Input::Value(String::new()));
        assert_eq!(s.drafts["c-match"], Answer::Pairs(vec![Some(1), None]));
    }

    #[test]
    fn numbers_are_read_with_thousands_separators_and_nonsense_is_nan() {
        let s = click(state(controls()), "number", 4, 0, Input::Value("1,000".into()));
        assert_eq!(s.drafts["c-num"], Answer::Number(1000.0));
        let s = click(s, "number", 4, 0, Input::Value("three".into()));
        assert!(matches!(s.drafts["c-num"], Answer::Number(n) if n.is_nan()));
    }

    #[test]
    fn hints_show_one_at_a_time_up_to_the_last_and_survive_a_reset() {
        let s = click(state(controls()), "hint", 0, 0, Input::None);
        assert_eq!(s.hints_shown[0], 1);
        let s = click(click(s, "hint", 0, 0, Input::None), "hint", 0, 0, Input::None);
        assert_eq!(s.hints_shown[0], 2, "only two hints exist");
        assert_eq!(act(s, QuizAction::Reset).hints_shown[0], 2);
    }

    #[test]
    fn buttons_act_on_the_question_on_display() {
        let s = act(state(controls()), QuizAction::Go(1));
        assert_eq!(
            s.action_for("submit", 0, 0, Input::None),
            Ok(QuizAction::Submit(Some("c-tf".into())))
        );
        assert_eq!(s.action_for("next", 0, 0, Input::None), Ok(QuizAction::Go(2)));
        assert_eq!(s.action_for("prev", 0, 0, Input::None), Ok(QuizAction::Go(0)));
    }

    #[test]
    fn an_unknown_control_or_question_is_an_error_not_a_no_op() {
        let s = state(controls());
        assert_eq!(
            s.action_for("frobnicate", 0, 0, Input::None),
            Err(UnknownAct {
                name: "frobnicate".into(),
                q: 0
            })
        );
        assert_eq!(
            s.action_for("opt", 9, 0, Input::Checked(true)),
            Err(UnknownAct {
                name: "opt".into(),
                q: 9
            })
        );
    }

    #[test]
    fn the_verdict_and_the_points_come_from_the_core() {
        let s = state(controls());
        let s = click(s, "opt", 0, 0, Input::Checked(true));
        let s = click(s, "submit", 0, 0, Input::None);
        let g = &s.graded["c-multi"];
        assert_eq!(g.verdict(), Outcome::PartlyCorrect);
        assert!(
            s.announcement.starts_with("Partly correct ("),
            "{}",
            s.announcement
        );
        assert_eq!(
            points_line(&s.tally()),
            String::from("Points: ") + fmt_points(g.points_earned).as_str() + " / 5"
        );
    }
}
