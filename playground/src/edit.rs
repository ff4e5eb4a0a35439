//! Text edits the code editor makes on its own keys (Tab indents, Shift+Tab outdents), as pure
//! functions of the text and the selection, tested on the host.
//!
//! Selections are in UTF-16 code units, as the browser's `selectionStart`/`selectionEnd` are, so a
//! line with "é" or an emoji keeps its cursor where the learner left it.

/// One indentation step.
pub const INDENT: &str = "    ";

/// A text and the selection to put back after an edit (UTF-16 offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    pub start: u32,
    pub end: u32,
}

/// The byte index of UTF-16 offset `at` in `text` (clamped to the end).
pub fn byte_of(text: &str, at: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= at {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// The UTF-16 offset of byte index `at` in `text`.
pub fn utf16_of(text: &str, at: usize) -> u32 {
    text[..at].chars().map(|c| c.len_utf16() as u32).sum()
}

/// The byte indices where the lines touched by `[from, to]` start.
fn line_starts(text: &str, from: usize, to: usize) -> Vec<usize> {
    let first = text[..from].rfind('\n').map_or(0, |i| i + 1);
    // A selection ending right after a line break does not touch the next line.
    let last_at = if to > from && text[..to].ends_with('\n') {
        to - 1
    } else {
        to
    };
    let mut starts = vec![first];
    for (i, c) in text[first..last_at].char_indices() {
        if c == '\n' {
            starts.push(first + i + 1);
        }
    }
    starts
}

/// Tab: with no selection, or a selection inside one line, inserts one indentation step at the
/// cursor (replacing the selection); a selection over several lines indents each of them.
pub fn indent(text: &str, start: u32, end: u32) -> Edited {
    let (from, to) = (byte_of(text, start), byte_of(text, end.max(start)));
    if !text[from..to].contains('\n') {
        let mut out = String::with_capacity(text.len() + INDENT.len());
        out.push_str(&text[..from]);
        out.push_str(INDENT);
        out.push_str(&text[to..]);
        let at = start + INDENT.len() as u32;
        return Edited {
            text: out,
            start: at,
            end: at,
        };
    }
    let starts = line_starts(text, from, to);
    let mut out = String::with_capacity(text.len() + INDENT.len() * starts.len());
    let mut prev = 0;
    for &s in &starts {
        out.push_str(&text[prev..s]);
        out.push_str(INDENT);
        prev = s;
    }
    out.push_str(&text[prev..]);
    let step = INDENT.len() as u32;
    let first_shift = if starts[0] <= from { step } else { 0 };
    Edited {
        text: out,
        start: start + first_shift,
        end: end + step * starts.len() as u32,
    }
}

/// Shift+Tab: removes up to one indentation step of leading spaces (or one tab) from each line the
/// selection touches; the selection follows its text.
pub fn outdent(text: &str, start: u32, end: u32) -> Edited {
    let (from, to) = (byte_of(text, start), byte_of(text, end.max(start)));
    let starts = line_starts(text, from, to);
    let cut_at = |s: usize| {
        let rest = &text[s..];
        if rest.starts_with('\t') {
            1
        } else {
            rest.bytes().take(INDENT.len()).take_while(|&b| b == b' ').count()
        }
    };
    let mut out = String::with_capacity(text.len());
    let mut prev = 0;
    for &s in &starts {
        out.push_str(&text[prev..s]);
        prev = s + cut_at(s);
    }
    out.push_str(&text[prev..]);
    // How much was removed before a selection edge; an edge inside a removed indentation moves
    // to its line's start.
    let removed_before = |edge: usize| -> usize {
        starts
            .iter()
            .map(|&s| {
                let cut = cut_at(s);
                if edge >= s + cut {
                    cut
                } else {
                    edge.saturating_sub(s)
                }
            })
            .sum()
    };
    let (new_from, new_to) = (from - removed_before(from), to - removed_before(to));
    Edited {
        start: utf16_of(&out, new_from),
        end: utf16_of(&out, new_to),
        text: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_inserts_a_step_at_the_cursor_or_replaces_a_one_line_selection() {
        assert_eq!(
            indent("ab", 1, 1),
            Edited {
                text: "a    b".into(),
                start: 5,
                end: 5
            }
        );
        assert_eq!(
            indent("abcd", 1, 3),
            Edited {
                text: "a    d".into(),
                start: 5,
                end: 5
            }
        );
        // UTF-16 offsets: "é" is one unit, "😀" two.
        assert_eq!(
            indent("é😀x", 3, 3),
            Edited {
                text: "é😀    x".into(),
                start: 7,
                end: 7
            }
        );
    }

    #[test]
    fn tab_over_several_lines_indents_each_and_keeps_the_selection_on_its_text() {
        let got = indent("a\nb\nc", 0, 3);
        assert_eq!(got.text, "    a\n    b\nc");
        assert_eq!((got.start, got.end), (4, 11));
        // A selection that ends just after a line break leaves the next line alone.
        assert_eq!(indent("a\nb\nc", 0, 2).text, "    a\nb\nc");
    }

    #[test]
    fn shift_tab_removes_at_most_one_step_per_line() {
        let got = outdent("      a\n  b\nc", 0, 12);
        assert_eq!(got.text, "  a\nb\nc");
        assert_eq!((got.start, got.end), (0, 6));
        let got = outdent("\tx", 2, 2);
        assert_eq!(
            got,
            Edited {
                text: "x".into(),
                start: 1,
                end: 1
            }
        );
        // A cursor inside the indentation goes to the line's start.
        assert_eq!(
            outdent("    x", 2, 2),
            Edited {
                text: "x".into(),
                start: 0,
                end: 0
            }
        );
        assert_eq!(
            outdent("x", 1, 1),
            Edited {
                text: "x".into(),
                start: 1,
                end: 1
            }
        );
    }

    #[test]
    fn offsets_round_trip_between_utf16_and_bytes() {
        let s = "aé😀b";
        for (u, b) in [(0, 0), (1, 1), (2, 3), (4, 7), (5, 8), (9, 8)] {
            assert_eq!(byte_of(s, u), b, "utf16 {u}");
        }
        assert_eq!(utf16_of(s, 7), 4);
    }
}
