//! Checks that need the whole book: ids unique across every quiz file, and lab-graded questions
//! naming a lab that is on the same page.
//!
//! Finding the quizzes and labs of each page is the build's job (it reads the chapters); this
//! module only judges what it is given. Problems inside one file are `parse_quiz`'s job.

use std::collections::BTreeMap;

use super::{Kind, Quiz, SourcePos};
use crate::diag::Diagnostic;

/// A parsed quiz as it appears on one page of the book.
#[derive(Debug, Clone, Copy)]
pub struct QuizOnPage<'a> {
    /// The quiz file, as passed to `parse_quiz` (diagnostics point into it).
    pub path: &'a str,
    pub quiz: &'a Quiz,
    /// Ids of the labs embedded in the page that shows this quiz.
    pub labs_on_page: &'a [String],
}

/// Cross-file checks, in the order given. A quiz file shown on several pages is checked for
/// duplicate ids once, and for labs on each page that shows it.
pub fn validate_book(quizzes: &[QuizOnPage<'_>]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // Quiz ids and question ids share one namespace: both key stored progress and telemetry.
    let mut first_use: BTreeMap<&str, (&str, SourcePos)> = BTreeMap::new();
    let mut seen_paths: Vec<&str> = Vec::new();
    for page in quizzes {
        if !seen_paths.contains(&page.path) {
            seen_paths.push(page.path);
            let ids = std::iter::once((page.quiz.id.as_str(), page.quiz.at, "quiz")).chain(
                page.quiz
                    .questions
                    .iter()
                    .map(|q| (q.id.as_str(), q.at, "question")),
            );
            for (id, at, what) in ids {
                match first_use.get(id) {
                    // Repeats inside one file are reported by parse_quiz.
                    Some((path, first)) if *path != page.path => diags.push(Diagnostic::error(
                        page.path,
                        at.line,
                        at.col,
                        format!(
                            "duplicate {what} id \"{id}\" (first used at {path}:{}:{}); ids must be unique across the book",
                            first.line, first.col
                        ),
                    )),
                    Some(_) => {}
                    None => {
                        first_use.insert(id, (page.path, at));
                    }
                }
            }
        }
        for q in &page.quiz.questions {
            if let Kind::LabGraded { lab, lab_at } = &q.kind
                && !page.labs_on_page.iter().any(|l| l == lab)
            {
                let labs = if page.labs_on_page.is_empty() {
                    "this page has no lab; add one or change the question type".to_string()
                } else {
                    format!("labs on this page: {}", page.labs_on_page.join(", "))
                };
                diags.push(Diagnostic::error(
                    page.path,
                    lab_at.line,
                    lab_at.col,
                    format!(
                        "question \"{}\" names lab \"{lab}\", which is not on the page ({labs})",
                        q.id
                    ),
                ));
            }
        }
    }
    diags
}
