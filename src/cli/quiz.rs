//! `cloudbook quiz …`: headless grading for authors and instructors, the JSON Schema, and a quick
//! check of quiz files.
//!
//! Reading files and printing is all this module does; parsing and grading are the core's
//! (`crate::quiz`), so a grade printed here is the grade the page shows. Book-wide checks that need
//! the pages (lab-graded questions naming a lab on their page) belong to `cloudbook check`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;
use serde::Serialize;

use crate::diag::{Diagnostic, render_all};
use crate::quiz::{self, Answer, Grade, Kind, Mark, Outcome, Question, Quiz, Tally};

#[derive(Subcommand)]
pub enum QuizCmd {
    /// Grade a learner's answers: per-question score, feedback and the total.
    ///
    /// The answers file is a JSON object from question id to answer, e.g.
    /// {"lambda-timeout": {"choice": 1}, "triggers": {"choices": [0, 2]}, "idle-billing": {"bool": false},
    /// "log-line": {"text": "Task timed out"}, "max-timeout": {"number": 900}, "batch-states": {"order": [0, 2, 1]},
    /// "services": {"pairs": [1, 0, null]}, "timeout-lab": {"lab": true}}.
    /// Indices count options, items and right sides in the order written in the quiz file, from 0.
    Grade {
        /// The quiz file (TOML).
        quiz: PathBuf,
        /// The answers (JSON).
        answers: PathBuf,
        /// Print the grades as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of quiz files (published as book/reference/quiz.schema.json).
    Schema,
    /// Validate quiz files, including ids unique across them; prints every problem.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run(cmd: QuizCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        QuizCmd::Grade { quiz, answers, json } => {
            let quiz_text = read(&quiz)?;
            let answers_text = read(&answers)?;
            match grade_report(&display(&quiz), &quiz_text, &answers_text, json) {
                Ok(report) => {
                    print!("{report}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(GradeError::InvalidQuiz(diags)) => {
                    eprint!("{}", render_all(&diags));
                    bail!(
                        "{} is not a valid quiz ({} problems)",
                        display(&quiz),
                        diags.len()
                    )
                }
                Err(GradeError::InvalidAnswers(why)) => Err(anyhow::anyhow!(why))
                    .with_context(|| format!("reading answers from {}", display(&answers))),
            }
        }
        QuizCmd::Schema => {
            print!("{}", quiz::json_schema());
            Ok(ExitCode::SUCCESS)
        }
        QuizCmd::Check { files } => {
            let mut texts = Vec::new();
            for f in &files {
                texts.push((display(f), read(f)?));
            }
            let diags = check_files(&texts);
            eprint!("{}", render_all(&diags));
            if diags.is_empty() {
                println!("{} quiz files ok", files.len());
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("{} problems", diags.len());
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Parses every file and runs the id checks across them. Labs are not judged here, since which
/// labs a page holds is known only to the book build.
pub fn check_files(files: &[(String, String)]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut parsed = Vec::new();
    for (path, text) in files {
        match quiz::parse_quiz(path, text) {
            Ok(q) => parsed.push((path.as_str(), q)),
            Err(d) => diags.extend(d),
        }
    }
    let labs: Vec<Vec<String>> = parsed
        .iter()
        .map(|(_, q)| {
            q.questions
                .iter()
                .filter_map(|q| match &q.kind {
                    Kind::LabGraded { lab, .. } => Some(lab.clone()),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let pages: Vec<quiz::QuizOnPage<'_>> = parsed
        .iter()
        .zip(&labs)
        .map(|((path, quiz), labs)| quiz::QuizOnPage {
            path,
            quiz,
            labs_on_page: labs,
        })
        .collect();
    diags.extend(quiz::validate_book(&pages));
    diags
}

#[derive(Debug)]
pub enum GradeError {
    InvalidQuiz(Vec<Diagnostic>),
    InvalidAnswers(String),
}

#[derive(Serialize)]
struct Report<'a> {
    quiz: &'a str,
    /// Grades in quiz order; unanswered questions are absent.
    grades: Vec<Grade>,
    unanswered: Vec<&'a str>,
    points_earned: f64,
    points_possible: u32,
    /// [`Tally::score`]: `points_earned / points_possible`, 0 for a quiz worth no points.
    score: f64,
}

/// Grades the answers (JSON text) against the quiz (TOML text) and renders the report, as text or
/// as JSON (`Report`).
pub fn grade_report(
    quiz_path: &str,
    quiz_text: &str,
    answers_text: &str,
    json: bool,
) -> Result<String, GradeError> {
    let quiz = quiz::parse_quiz(quiz_path, quiz_text).map_err(GradeError::InvalidQuiz)?;
    let answers = parse_answers(&quiz, answers_text).map_err(GradeError::InvalidAnswers)?;
    let mut grades = Vec::new();
    let mut unanswered = Vec::new();
    for q in &quiz.questions {
        match answers.get(&q.id) {
            Some(a) => grades.push(quiz::grade(q, a)),
            None => unanswered.push(q.id.as_str()),
        }
    }
    let tally = Tally::new(&grades, quiz.points());
    let report = Report {
        quiz: &quiz.id,
        grades,
        unanswered,
        points_earned: tally.points_earned,
        points_possible: tally.points_possible,
        score: tally.score(),
    };
    if json {
        let mut s = serde_json::to_string_pretty(&report).expect("a report always serialises");
        s.push('\n');
        return Ok(s);
    }
    Ok(render_text(&quiz, &report))
}

fn parse_answers(quiz: &Quiz, text: &str) -> Result<BTreeMap<String, Answer>, String> {
    let raw: BTreeMap<String, serde_json::Value> = serde_json::from_str(text)
        .map_err(|e| format!("expected a JSON object from question id to answer: {e}"))?;
    let mut answers = BTreeMap::new();
    let mut problems = Vec::new();
    for (id, value) in raw {
        let Some(q) = quiz.question(&id) else {
            let ids = quiz.questions.iter().map(|q| q.id.as_str());
            let hint = crate::quiz::closest(&id, ids)
                .map(|b| format!(" (did you mean \"{b}\"?)"))
                .unwrap_or_default();
            problems.push(format!("no question \"{id}\" in quiz \"{}\"{hint}", quiz.id));
            continue;
        };
        match serde_json::from_value::<Answer>(value) {
            Ok(a) => {
                answers.insert(id, a);
            }
            Err(e) => {
                let example = serde_json::to_string(&q.correct_answer()).expect("answers serialise");
                problems.push(format!(
                    "answer for \"{id}\" is not an answer ({e}); a {} question takes e.g. {}",
                    q.type_name(),
                    example.split(':').next().unwrap_or("{}").to_string() + ": …}"
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(answers)
    } else {
        Err(problems.join("; "))
    }
}

fn render_text(quiz: &Quiz, report: &Report<'_>) -> String {
    let mut out = String::new();
    let title = quiz
        .title
        .as_deref()
        .map(|t| format!(" ({t})"))
        .unwrap_or_default();
    let _ = writeln!(out, "quiz {}{title}", quiz.id);
    for q in &quiz.questions {
        let Some(g) = report.grades.iter().find(|g| g.question_id == q.id) else {
            let _ = writeln!(out, "{}: not answered, 0/{}", q.id, q.points);
            continue;
        };
        let verdict = match g.verdict() {
            Outcome::Correct => "correct",
            Outcome::PartlyCorrect => "partly right",
            Outcome::Wrong => "wrong",
        };
        let _ = writeln!(
            out,
            "{}: {}/{} {verdict}",
            q.id,
            number(g.points_earned),
            g.points_possible
        );
        for v in &g.verdicts {
            if let Some(line) = verdict_line(q, v.index, v.mark) {
                let fb = v
                    .feedback
                    .as_deref()
                    .map(|f| format!(": {}", one_line(f)))
                    .unwrap_or_default();
                let _ = writeln!(out, "  {line}{fb}");
            }
        }
        for f in &g.feedback {
            let _ = writeln!(out, "  feedback: {}", one_line(f));
        }
        if !g.correct {
            let _ = writeln!(out, "  right answer: {}", reveal(q));
        }
    }
    let percent = report.score * 100.0;
    let _ = writeln!(
        out,
        "total: {}/{} ({}%)",
        number(report.points_earned),
        report.points_possible,
        number((percent * 10.0).round() / 10.0)
    );
    out
}

/// One line per option, position or pair worth mentioning; rightly unchosen options are omitted.
fn verdict_line(q: &Question, index: u32, mark: Mark) -> Option<String> {
    let i = index as usize;
    let label = match &q.kind {
        Kind::SingleChoice { options, .. } | Kind::MultipleChoice { options, .. } => {
            format!("option \"{}\"", one_line(&options.get(i)?.text))
        }
        Kind::TrueFalse { .. } => (if index == 0 { "\"true\"" } else { "\"false\"" }).to_string(),
        Kind::Ordering { items, .. } => format!("position {} (\"{}\")", index + 1, one_line(items.get(i)?)),
        Kind::Matching { pairs, .. } => format!("\"{}\"", one_line(&pairs.get(i)?.left)),
        _ => return None,
    };
    let choice = matches!(
        q.kind,
        Kind::SingleChoice { .. } | Kind::MultipleChoice { .. } | Kind::TrueFalse { .. }
    );
    let what = match (mark, choice) {
        (Mark::Correct, true) => "chosen, right",
        (Mark::Incorrect, true) => "chosen, wrong",
        (Mark::Missed, true) => "missed, right",
        (Mark::Unchosen, _) => return None,
        (Mark::Correct, false) => "right",
        (Mark::Incorrect, false) => "wrong",
        (Mark::Missed, false) => "missing",
    };
    Some(format!("{label} {what}"))
}

fn reveal(q: &Question) -> String {
    let quote = |s: &str| format!("\"{}\"", one_line(s));
    match &q.kind {
        Kind::SingleChoice { options, answer, .. } => quote(&options[*answer as usize].text),
        Kind::MultipleChoice { options, answers, .. } => answers
            .iter()
            .map(|&i| quote(&options[i as usize].text))
            .collect::<Vec<_>>()
            .join(", "),
        Kind::TrueFalse { answer, .. } => answer.to_string(),
        Kind::ShortAnswer { answer, .. } => quote(answer),
        Kind::Numeric {
            answer,
            tolerance,
            unit,
            ..
        } => {
            let unit = unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            match tolerance {
                quiz::Tolerance::Absolute(t) if *t > 0.0 => {
                    format!("{}{unit} ± {}", number(*answer), number(*t))
                }
                quiz::Tolerance::Relative(r) if *r > 0.0 => {
                    format!("{}{unit} ± {}%", number(*answer), number(r * 100.0))
                }
                _ => format!("{}{unit}", number(*answer)),
            }
        }
        Kind::Ordering { items, .. } => items.iter().map(|s| quote(s)).collect::<Vec<_>>().join(" → "),
        Kind::Matching { pairs, .. } => pairs
            .iter()
            .map(|p| format!("{} ↔ {}", quote(&p.left), quote(&p.right)))
            .collect::<Vec<_>>()
            .join(", "),
        Kind::LabGraded { lab, .. } => format!("lab \"{lab}\" reaches its goals"),
    }
}

/// A number without a trailing `.0` and with at most three decimals.
fn number(x: f64) -> String {
    let s = format!("{:.3}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
