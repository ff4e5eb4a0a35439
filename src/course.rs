//! The course as a whole: the catalog of chapters with their quizzes and labs, which the build
//! writes into the progress page so it can list every chapter before the learner opens it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub chapters: Vec<ChapterEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChapterEntry {
    pub title: String,
    /// Link to the chapter, relative to the page that shows the catalog.
    pub href: String,
    pub quizzes: Vec<QuizEntry>,
    pub labs: Vec<LabEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizEntry {
    pub id: String,
    pub title: String,
    pub points: u32,
    /// `quiz::content_hash` of the quiz as embedded in its page, to tell stale progress apart.
    pub content_hash: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabEntry {
    pub id: String,
    pub title: String,
}

/// The link from a page at `from` to a chapter at `to` (both book-relative `.md` paths), as the
/// rendered `.html` file.
pub fn relative_href(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    let target = to
        .strip_suffix(".md")
        .map_or_else(|| to.to_string(), |s| format!("{s}.html"));
    let target = if target.ends_with("README.html") {
        target.replace("README.html", "index.html")
    } else {
        target
    };
    format!("{}{target}", "../".repeat(depth))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hrefs_climb_out_of_the_page_folder() {
        assert_eq!(
            super::relative_href("progress.md", "lambda/intro.md"),
            "lambda/intro.html"
        );
        assert_eq!(
            super::relative_href("a/b/p.md", "lambda/README.md"),
            "../../lambda/index.html"
        );
    }
}
