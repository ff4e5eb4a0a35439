//! Diagnostics for bad *input*: a broken quiz, lab block or scenario file.
//!
//! Every parser collects all the problems it can find and returns them as `Diagnostic`s, each
//! rendered as `path:line:col: error: message` so editors and terminals can jump to the spot.
//! Failures of the *simulated* system are trace events, never diagnostics.

use core::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem at one place. `line` and `col` are 1-based; `col` counts characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, line: u32, col: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            col,
            severity: Severity::Error,
            message: message.into(),
        }
    }
    /// An error at a byte offset of `text`.
    pub fn at_offset(path: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(text, offset);
        Self::error(path, line, col, message)
    }
    /// Moves a diagnostic found in an embedded block (a ```` ```lab ```` fence) to its place in
    /// the file that contains it: the block's first line is `line` of the outer file, and every
    /// line of it is indented by `indent` columns (a fence inside a list item).
    pub fn shifted(mut self, path: &str, line: u32, indent: u32) -> Self {
        self.line += line - 1;
        self.col += indent;
        self.path = path.to_string();
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {sev}: {}",
            self.path, self.line, self.col, self.message
        )
    }
}

/// 1-based line and column (in characters) of a byte offset; offsets past the end clamp to it.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].trim_end_matches('\r').chars().count() as u32 + 1;
    (line, col)
}

/// Joins diagnostics one per line, as the CLI prints them.
pub fn render_all(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| format!("{d}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_line_and_column() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 7), (2, 4));
        assert_eq!(line_col(t, 999), (3, 2));
        let d = Diagnostic::at_offset("q.toml", t, 4, "unknown key \"x\"");
        assert_eq!(d.to_string(), "q.toml:2:2: error: unknown key \"x\"");
        assert_eq!(
            d.shifted("ch.md", 10, 0).to_string(),
            "ch.md:11:2: error: unknown key \"x\""
        );
    }
}
