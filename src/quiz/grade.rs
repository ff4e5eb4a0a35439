//! Grading: one pure function from a question and an answer to a [`Grade`].
//!
//! The page and `cloudbook quiz grade` both call [`grade`], so a learner and an instructor always
//! see the same score. Grading never fails: an answer of the wrong shape, an index out of range or
//! a non-finite number simply scores what it deserves, with feedback saying why. Scores are ratios
//! of small integers, so "all decisions right" is exactly `1.0` and `correct` is `score == 1.0`.

use serde::{Deserialize, Serialize};

use super::{Answer, Kind, PartialCredit, Question, Tolerance};

/// The result of grading one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub question_id: String,
    /// In `0.0..=1.0`.
    pub score: f64,
    /// `score * points_possible`.
    pub points_earned: f64,
    pub points_possible: u32,
    /// `score == 1.0`.
    pub correct: bool,
    /// One per option (choice, true/false: index 0 = true, 1 = false), per position (ordering) or
    /// per left side (matching), in the order written in the quiz file; empty for other types.
    pub verdicts: Vec<Verdict>,
    /// Question-level messages: feedback for an expected mistake, or why the answer could not be
    /// read. Per-option feedback is in `verdicts`.
    pub feedback: Vec<String>,
    /// The answer that scores full marks, for "reveal".
    pub correct_answer: Answer,
    pub explanation: Option<String>,
}

/// A graded answer in one word. The page and `cloudbook quiz grade` each word it their own way
/// ("Partly correct", "partly right") but both take it from [`Grade::verdict`], so they agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Full marks: `score == 1.0`.
    Correct,
    /// Some credit: `0.0 < score < 1.0` (partial credit on several decisions).
    PartlyCorrect,
    /// No credit.
    Wrong,
}

impl Grade {
    /// The grade in one word; see [`Outcome`].
    pub fn verdict(&self) -> Outcome {
        if self.correct {
            Outcome::Correct
        } else if self.score > 0.0 {
            Outcome::PartlyCorrect
        } else {
            Outcome::Wrong
        }
    }
}

/// Points over several graded questions. "Score" means one thing everywhere: a fraction in
/// `0.0..=1.0`, per question ([`Grade::score`]) and per quiz ([`Tally::score`]); what a learner
/// earns is "points" ([`Grade::points_earned`], [`Tally::points_earned`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub points_earned: f64,
    /// The points of the whole quiz, answered or not.
    pub points_possible: u32,
}

impl Tally {
    /// Sums the points of `grades` out of the quiz's `points_possible`.
    pub fn new<'a>(grades: impl IntoIterator<Item = &'a Grade>, points_possible: u32) -> Tally {
        Tally {
            points_earned: grades.into_iter().map(|g| g.points_earned).sum(),
            points_possible,
        }
    }

    /// `points_earned / points_possible`; 0 for a quiz worth no points.
    pub fn score(&self) -> f64 {
        if self.points_possible == 0 {
            0.0
        } else {
            self.points_earned / f64::from(self.points_possible)
        }
    }
}

/// The judgement of one option, position or pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub index: u32,
    pub mark: Mark,
    /// The option's feedback when the learner chose it, or missed it while it is right.
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// Chosen and right (or: in the right position, matched to the right side).
    Correct,
    /// Chosen but wrong (or: in a wrong position, matched to a wrong side).
    Incorrect,
    /// Right but not chosen (or: position left empty, left side left unmatched).
    Missed,
    /// Wrong and rightly not chosen.
    Unchosen,
}

/// The two text operations of grading that a host may provide itself: the page passes the
/// browser's `RegExp` and `toLowerCase`, so its wasm carries neither a regex engine nor Unicode
/// case tables. [`Native`] is the reference (regex-lite and `str::to_lowercase`).
pub trait TextOps {
    /// Whether the whole of `text` matches `pattern`; an invalid pattern (which validation
    /// rejects) matches nothing.
    fn whole_match(&self, pattern: &str, text: &str, case_sensitive: bool) -> bool;
    /// Unicode lowercase, for case-insensitive comparison.
    fn lowercase(&self, s: &str) -> String;
}

/// regex-lite and `str::to_lowercase`: what [`grade`] and `cloudbook quiz grade` use.
pub struct Native;

impl TextOps for Native {
    fn whole_match(&self, pattern: &str, text: &str, case_sensitive: bool) -> bool {
        regex_matches(pattern, text, case_sensitive)
    }
    fn lowercase(&self, s: &str) -> String {
        s.to_lowercase()
    }
}

/// Grades `answer` against `question` with [`Native`] text operations. Pure and total.
pub fn grade(question: &Question, answer: &Answer) -> Grade {
    grade_with(question, answer, &Native)
}

/// [`grade`] with the text operations given by the caller; everything else is the same code.
pub fn grade_with(question: &Question, answer: &Answer, text: &dyn TextOps) -> Grade {
    let mut verdicts = Vec::new();
    let mut feedback = Vec::new();
    let score = match (&question.kind, answer) {
        (
            Kind::SingleChoice {
                options,
                answer: right,
                ..
            },
            Answer::Choice(given),
        ) => {
            for (i, o) in options.iter().enumerate() {
                let i = i as u32;
                verdicts.push(choice_verdict(i, i == *given, i == *right, o.feedback.as_deref()));
            }
            ratio(u32::from(given == right), 1)
        }
        (
            Kind::MultipleChoice {
                options,
                answers,
                partial_credit,
                ..
            },
            Answer::Choices(given),
        ) => {
            let mut right_decisions = 0;
            for (i, o) in options.iter().enumerate() {
                let i = i as u32;
                let (chosen, expected) = (given.contains(&i), answers.contains(&i));
                right_decisions += u32::from(chosen == expected);
                verdicts.push(choice_verdict(i, chosen, expected, o.feedback.as_deref()));
            }
            policy_score(*partial_credit, right_decisions, options.len() as u32)
        }
        (
            Kind::TrueFalse {
                answer: right,
                feedback_true,
                feedback_false,
            },
            Answer::Bool(given),
        ) => {
            for (i, (value, fb)) in [(true, feedback_true), (false, feedback_false)]
                .into_iter()
                .enumerate()
            {
                verdicts.push(choice_verdict(
                    i as u32,
                    value == *given,
                    value == *right,
                    fb.as_deref(),
                ));
            }
            ratio(u32::from(given == right), 1)
        }
        (
            Kind::ShortAnswer {
                answer: right,
                alternatives,
                regex,
                case_sensitive,
                mistakes,
            },
            Answer::Text(given),
        ) => {
            let norm = |s: &str| normalise_with(s, *case_sensitive, text);
            let g = norm(given);
            let listed = std::iter::once(right).chain(alternatives).any(|a| norm(a) == g);
            let matched = regex
                .as_deref()
                .is_some_and(|re| text.whole_match(re, given.trim(), *case_sensitive));
            let ok = listed || matched;
            if !ok {
                feedback.extend(
                    mistakes
                        .iter()
                        .filter(|m| norm(&m.answer) == g)
                        .map(|m| m.feedback.clone()),
                );
            }
            ratio(u32::from(ok), 1)
        }
        (
            Kind::Numeric {
                answer: right,
                tolerance,
                mistakes,
                ..
            },
            Answer::Number(given),
        ) => {
            let ok = within(*given, *right, *tolerance);
            if !ok {
                feedback.extend(
                    mistakes
                        .iter()
                        .filter(|m| within(*given, m.answer, *tolerance))
                        .map(|m| m.feedback.clone()),
                );
            }
            ratio(u32::from(ok), 1)
        }
        (
            Kind::Ordering {
                items,
                partial_credit,
            },
            Answer::Order(given),
        ) => {
            let n = items.len() as u32;
            let mut right = 0;
            for p in 0..n {
                let mark = match given.get(p as usize) {
                    Some(&i) if i == p => Mark::Correct,
                    Some(_) => Mark::Incorrect,
                    None => Mark::Missed,
                };
                right += u32::from(mark == Mark::Correct);
                verdicts.push(Verdict {
                    index: p,
                    mark,
                    feedback: None,
                });
            }
            policy_score(*partial_credit, right, n)
        }
        (
            Kind::Matching {
                pairs,
                partial_credit,
            },
            Answer::Pairs(given),
        ) => {
            let n = pairs.len() as u32;
            let mut right = 0;
            for l in 0..n {
                let mark = match given.get(l as usize).copied().flatten() {
                    Some(r) if r == l => Mark::Correct,
                    Some(_) => Mark::Incorrect,
                    None => Mark::Missed,
                };
                right += u32::from(mark == Mark::Correct);
                verdicts.push(Verdict {
                    index: l,
                    mark,
                    feedback: None,
                });
            }
            policy_score(*partial_credit, right, n)
        }
        (Kind::LabGraded { lab, .. }, Answer::Lab(passed)) => {
            if !passed {
                feedback.push(format!("The lab \"{lab}\" has not reached its goals yet."));
            }
            ratio(u32::from(*passed), 1)
        }
        (_, given) => {
            feedback.push(format!(
                "This answer ({}) does not fit a {} question, so it scores 0.",
                answer_kind(given),
                question.type_name()
            ));
            0.0
        }
    };
    let points_possible = question.points;
    Grade {
        question_id: question.id.clone(),
        score,
        points_earned: score * f64::from(points_possible),
        points_possible,
        correct: score == 1.0,
        verdicts,
        feedback,
        correct_answer: question.correct_answer(),
        explanation: question.explanation.clone(),
    }
}

fn choice_verdict(index: u32, chosen: bool, expected: bool, feedback: Option<&str>) -> Verdict {
    let mark = match (chosen, expected) {
        (true, true) => Mark::Correct,
        (true, false) => Mark::Incorrect,
        (false, true) => Mark::Missed,
        (false, false) => Mark::Unchosen,
    };
    let feedback = if chosen || expected {
        feedback.map(str::to_string)
    } else {
        None
    };
    Verdict {
        index,
        mark,
        feedback,
    }
}

/// `right / total` as a score; an empty question (which validation rejects) scores 0.
fn ratio(right: u32, total: u32) -> f64 {
    if total == 0 {
        0.0
    } else {
        f64::from(right.min(total)) / f64::from(total)
    }
}

fn policy_score(policy: PartialCredit, right: u32, total: u32) -> f64 {
    match policy {
        PartialCredit::AllOrNothing => ratio(u32::from(total > 0 && right == total), 1),
        PartialCredit::EveryDecisionCounts => ratio(right, total),
    }
}

/// Trims, collapses runs of whitespace to one space and, unless case matters, lowercases.
fn normalise_with(s: &str, case_sensitive: bool, text: &dyn TextOps) -> String {
    let mut joined = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(word);
    }
    if case_sensitive {
        joined
    } else {
        text.lowercase(&joined)
    }
}

/// Whether the whole of `text` matches `pattern`; an invalid pattern (which validation rejects)
/// matches nothing. The regex engine of [`Native`].
pub fn regex_matches(pattern: &str, text: &str, case_sensitive: bool) -> bool {
    let flags = if case_sensitive { "" } else { "(?i)" };
    regex_lite::Regex::new(&format!("{flags}^(?:{pattern})$")).is_ok_and(|re| re.is_match(text))
}

fn within(given: f64, right: f64, tolerance: Tolerance) -> bool {
    if !given.is_finite() {
        return false;
    }
    let allowed = match tolerance {
        Tolerance::Absolute(t) => t,
        Tolerance::Relative(r) => r * right.abs(),
    };
    // Absorbs float noise such as 0.1 + 0.2, without widening a deliberate tolerance noticeably.
    let epsilon = 1e-9 * right.abs().max(1.0);
    (given - right).abs() <= allowed + epsilon
}

fn answer_kind(a: &Answer) -> &'static str {
    match a {
        Answer::Choice(_) => "one choice",
        Answer::Choices(_) => "a set of choices",
        Answer::Bool(_) => "true or false",
        Answer::Text(_) => "text",
        Answer::Number(_) => "a number",
        Answer::Order(_) => "an order",
        Answer::Pairs(_) => "a set of pairs",
        Answer::Lab(_) => "a lab result",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graded(score: f64, points: u32) -> Grade {
        Grade {
            question_id: "q".into(),
            score,
            points_earned: score * f64::from(points),
            points_possible: points,
            correct: score == 1.0,
            verdicts: vec![],
            feedback: vec![],
            correct_answer: Answer::Bool(true),
            explanation: None,
        }
    }

    #[test]
    fn a_verdict_has_three_values_and_a_tally_scores_a_fraction_of_the_points() {
        let grades = [graded(1.0, 2), graded(0.5, 2), graded(0.0, 1)];
        let verdicts: Vec<Outcome> = grades.iter().map(Grade::verdict).collect();
        assert_eq!(
            verdicts,
            [Outcome::Correct, Outcome::PartlyCorrect, Outcome::Wrong]
        );
        // Unanswered questions count in the points possible, not in the points earned.
        let t = Tally::new(&grades, 10);
        assert_eq!((t.points_earned, t.score()), (3.0, 0.3));
        assert_eq!(Tally::new(&[], 0).score(), 0.0, "a quiz worth nothing scores 0");
    }
}
