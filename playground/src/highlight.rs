//! Syntax highlighting of rhai handler code for the lab's editor: a small hand-written lexer that
//! splits the text into classed pieces, line by line.
//!
//! It only colours; it never judges whether the code parses (the core's script engine does, and
//! the page marks the line it names). The pieces are shown as text nodes, so learner code is never
//! interpreted as HTML. Unterminated strings and comments run to the end of the text, as they
//! would in the engine.

/// What a piece of code is, as a CSS class (`cb-tok-<kind>`), or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Plain,
    Keyword,
    String,
    Number,
    Comment,
    /// `${ … }` inside a backtick template: the delimiters only; the expression is lexed as code.
    Interp,
}

impl Tok {
    pub fn class(self) -> &'static str {
        match self {
            Tok::Plain => "",
            Tok::Keyword => "cb-tok-kw",
            Tok::String => "cb-tok-str",
            Tok::Number => "cb-tok-num",
            Tok::Comment => "cb-tok-com",
            Tok::Interp => "cb-tok-interp",
        }
    }
}

const KEYWORDS: &[&str] = &[
    "let", "const", "fn", "if", "else", "while", "loop", "for", "in", "do", "until", "break", "continue",
    "return", "throw", "try", "catch", "switch", "import", "export", "as", "private", "global", "this",
    "true", "false", "Fn",
];

/// The pieces of `code` in order; their texts concatenate to `code`.
pub fn tokens(code: &str) -> Vec<(Tok, &str)> {
    // Spans as byte ranges; neighbours of the same kind are merged.
    let mut out: Vec<(Tok, usize, usize)> = Vec::new();
    let b = code.as_bytes();
    let mut i = 0;
    // Open `${` inside templates: each entry is the brace depth of the expression.
    let mut interp: Vec<u32> = Vec::new();
    let add = |out: &mut Vec<(Tok, usize, usize)>, tok: Tok, from: usize, to: usize| {
        if to > from {
            match out.last_mut() {
                Some((t, _, end)) if *t == tok && *end == from => *end = to,
                _ => out.push((tok, from, to)),
            }
        }
    };
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            add(&mut out, Tok::Comment, start, i);
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i = (i + 2).min(b.len());
            add(&mut out, Tok::Comment, start, i);
        } else if c == b'"' || c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            add(&mut out, Tok::String, start, i);
        } else if c == b'`' || (c == b'}' && interp.last() == Some(&0)) {
            // A template, or the rest of one after an interpolation closes.
            if c == b'}' {
                interp.pop();
                add(&mut out, Tok::Interp, i, i + 1);
            }
            i += 1;
            let text_from = i - usize::from(c == b'`');
            loop {
                if i >= b.len() {
                    add(&mut out, Tok::String, text_from, i);
                    break;
                }
                if b[i] == b'\\' {
                    i = (i + 2).min(b.len());
                } else if b[i] == b'`' {
                    i += 1;
                    add(&mut out, Tok::String, text_from, i);
                    break;
                } else if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
                    add(&mut out, Tok::String, text_from, i);
                    add(&mut out, Tok::Interp, i, i + 2);
                    i += 2;
                    interp.push(0);
                    break;
                } else {
                    i += 1;
                }
            }
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                // `1..5` is a range, not a number with two points.
                if b[i] == b'.'
                    && (b.get(i + 1) == Some(&b'.') || !b.get(i + 1).is_some_and(u8::is_ascii_digit))
                {
                    break;
                }
                i += 1;
            }
            add(&mut out, Tok::Number, start, i);
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let word = &code[start..i];
            let tok = if KEYWORDS.contains(&word) {
                Tok::Keyword
            } else {
                Tok::Plain
            };
            add(&mut out, tok, start, i);
        } else {
            if let Some(depth) = interp.last_mut() {
                if c == b'{' {
                    *depth += 1;
                } else if c == b'}' {
                    *depth -= 1;
                }
            }
            // One character (a whole UTF-8 sequence).
            i += code[i..].chars().next().map_or(1, char::len_utf8);
            add(&mut out, Tok::Plain, start, i);
        }
    }
    out.into_iter()
        .map(|(t, from, to)| (t, &code[from..to]))
        .collect()
}

/// The pieces of `code`, split into lines (without their `\n`): a piece that spans lines (a block
/// comment, a template) is cut at each line break. There is always at least one line.
pub fn lines(code: &str) -> Vec<Vec<(Tok, &str)>> {
    let mut out = vec![Vec::new()];
    for (tok, text) in tokens(code) {
        let mut parts = text.split('\n');
        if let Some(first) = parts.next().filter(|p| !p.is_empty()) {
            out.last_mut().expect("never empty").push((tok, first));
        }
        for part in parts {
            out.push(Vec::new());
            if !part.is_empty() {
                out.last_mut().expect("just pushed").push((tok, part));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(code: &str) -> Vec<(Tok, &str)> {
        tokens(code)
            .into_iter()
            .filter(|(t, s)| *t != Tok::Plain || !s.trim().is_empty())
            .collect()
    }

    #[test]
    fn keywords_strings_numbers_and_comments_are_classed() {
        let code = "fn handler(event) { let n = 1_000 + 2.5; // add\n return \"a\\\"b\"; }";
        let got = kinds(code);
        assert!(got.contains(&(Tok::Keyword, "fn")));
        assert!(got.contains(&(Tok::Keyword, "let")));
        assert!(got.contains(&(Tok::Keyword, "return")));
        assert!(got.contains(&(Tok::Number, "1_000")));
        assert!(got.contains(&(Tok::Number, "2.5")));
        assert!(got.contains(&(Tok::Comment, "// add")));
        assert!(got.contains(&(Tok::String, "\"a\\\"b\"")));
        // Names are plain text (merged with their plain neighbours).
        assert!(
            got.iter()
                .any(|(t, s)| *t == Tok::Plain && s.contains("handler(event)")),
            "{got:?}"
        );
        // The pieces are the text, nothing lost or added.
        assert_eq!(tokens(code).iter().map(|(_, s)| *s).collect::<String>(), code);
    }

    #[test]
    fn templates_colour_their_text_and_lex_their_interpolations_as_code() {
        let code = "`Hello, ${ if x { name } else { \"you\" } }!` + 1";
        let got = kinds(code);
        assert_eq!(got[0], (Tok::String, "`Hello, "));
        assert_eq!(got[1], (Tok::Interp, "${"));
        assert!(got.contains(&(Tok::Keyword, "if")));
        assert!(got.contains(&(Tok::String, "\"you\"")));
        // The inner braces do not close the interpolation; the last `}` does.
        let close = got
            .iter()
            .position(|p| *p == (Tok::Interp, "}"))
            .expect("closing brace");
        assert_eq!(got[close + 1], (Tok::String, "!`"));
        assert_eq!(got.last(), Some(&(Tok::Number, "1")));
    }

    #[test]
    fn ranges_and_unterminated_text_are_safe() {
        assert!(kinds("for i in 0..10 {}").contains(&(Tok::Number, "0")));
        assert!(kinds("for i in 0..10 {}").contains(&(Tok::Number, "10")));
        for code in ["\"open", "`open ${ x", "/* open", "'\\", "\"é\\é\"", "`${`${`"] {
            assert_eq!(tokens(code).iter().map(|(_, s)| *s).collect::<String>(), code);
        }
    }

    #[test]
    fn lines_cut_multi_line_pieces_at_line_breaks() {
        let got = lines("/* a\nb */ let\n\n`x\ny`");
        assert_eq!(got.len(), 5);
        assert_eq!(got[0], vec![(Tok::Comment, "/* a")]);
        assert_eq!(
            got[1],
            vec![(Tok::Comment, "b */"), (Tok::Plain, " "), (Tok::Keyword, "let")]
        );
        assert!(got[2].is_empty());
        assert_eq!(got[4], vec![(Tok::String, "y`")]);
        assert_eq!(lines("").len(), 1);
    }
}
