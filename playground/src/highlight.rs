//! Syntax highlighting for the lab's editor: small hand-written lexers for rhai handler code and
//! for TOML (the scenario, container host and Batch files of container labs) that split the text
//! into classed pieces, line by line.
//!
//! They only colour; they never judge whether the text parses (the core does, and the page marks
//! the line it names). The pieces are shown as text nodes, so learner text is never interpreted as
//! HTML. Unterminated strings and comments run to the end of the text (rhai) or of the line (TOML
//! one-line strings), as they would in the real parser.

/// The language an editor holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Rhai,
    Toml,
}

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
    /// A TOML key (`count` in `count = 3`).
    Key,
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
            Tok::Key => "cb-tok-key",
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
    let add = push_span;
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

/// Merges neighbouring pieces of one kind as the lexers produce spans.
fn push_span(out: &mut Vec<(Tok, usize, usize)>, tok: Tok, from: usize, to: usize) {
    if to > from {
        match out.last_mut() {
            Some((t, _, end)) if *t == tok && *end == from => *end = to,
            _ => out.push((tok, from, to)),
        }
    }
}

/// The end of a TOML string that starts at `i` with `quote` (`"`, `'`, `"""` or `'''`): past its
/// closing quote, or the end of the line (one-line strings) or text (multi-line ones).
fn toml_string_end(b: &[u8], mut i: usize, quote: &[u8]) -> usize {
    let basic = quote[0] == b'"';
    let multi = quote.len() == 3;
    i += quote.len();
    while i < b.len() {
        if b[i..].starts_with(quote) {
            return i + quote.len();
        }
        if b[i] == b'\n' && !multi {
            return i;
        }
        i += if basic && b[i] == b'\\' { 2 } else { 1 };
    }
    b.len()
}

/// The pieces of TOML `text` in order; their texts concatenate to `text`. Table headers are
/// keywords, keys before `=` (or a dot of a dotted key) are keys, `true`/`false` keywords.
pub fn toml_tokens(text: &str) -> Vec<(Tok, &str)> {
    let mut out: Vec<(Tok, usize, usize)> = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    // Only whitespace so far on this line: a `[` opens a table header.
    let mut line_start = true;
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            push_span(&mut out, Tok::Comment, start, i);
        } else if c == b'"' || c == b'\'' {
            let triple: &[u8] = if c == b'"' { b"\"\"\"" } else { b"'''" };
            let quote = if b[i..].starts_with(triple) {
                triple
            } else {
                &b[i..i + 1]
            };
            i = toml_string_end(b, i, quote).min(b.len());
            push_span(&mut out, Tok::String, start, i);
        } else if c == b'[' && line_start {
            while i < b.len() && b[i] != b'\n' && b[i] != b'#' {
                i += 1;
            }
            push_span(&mut out, Tok::Keyword, start, i);
        } else if c.is_ascii_digit()
            || ((c == b'-' || c == b'+') && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b':' | b'-' | b'+'))
            {
                i += 1;
            }
            push_span(&mut out, Tok::Number, start, i);
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'-' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
                i += 1;
            }
            let next = b[i..].iter().find(|c| **c != b' ' && **c != b'\t');
            let word = &text[start..i];
            let tok = if matches!(next, Some(b'=') | Some(b'.')) {
                Tok::Key
            } else if word == "true" || word == "false" {
                Tok::Keyword
            } else {
                Tok::Plain
            };
            push_span(&mut out, tok, start, i);
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            push_span(&mut out, Tok::Plain, start, i);
        }
        let piece = &b[start..i];
        if let Some(nl) = piece.iter().rposition(|c| *c == b'\n') {
            line_start = piece[nl + 1..].iter().all(u8::is_ascii_whitespace);
        } else if !piece.iter().all(u8::is_ascii_whitespace) {
            line_start = false;
        }
    }
    out.into_iter()
        .map(|(t, from, to)| (t, &text[from..to]))
        .collect()
}

/// The pieces of `code` in `lang`, split into lines (without their `\n`): a piece that spans
/// lines (a block comment, a template, a multi-line string) is cut at each line break. There is
/// always at least one line.
pub fn lines_in(lang: Lang, code: &str) -> Vec<Vec<(Tok, &str)>> {
    let pieces = match lang {
        Lang::Rhai => tokens(code),
        Lang::Toml => toml_tokens(code),
    };
    let mut out = vec![Vec::new()];
    for (tok, text) in pieces {
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

/// [`lines_in`] for rhai code.
pub fn lines(code: &str) -> Vec<Vec<(Tok, &str)>> {
    lines_in(Lang::Rhai, code)
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

    fn toml_kinds(text: &str) -> Vec<(Tok, &str)> {
        toml_tokens(text)
            .into_iter()
            .filter(|(t, s)| *t != Tok::Plain || !s.trim().is_empty())
            .collect()
    }

    #[test]
    fn toml_headers_keys_values_and_comments_are_classed() {
        let text = "# a cluster\n[[instance]]\ntype = \"t3.large\" # two vCPU\ncount = 3\nspread.field = 'az'\nok = true\nat = -1.5e3\n";
        let got = toml_kinds(text);
        assert!(got.contains(&(Tok::Comment, "# a cluster")));
        assert!(got.contains(&(Tok::Keyword, "[[instance]]")));
        assert!(got.contains(&(Tok::Key, "type")));
        assert!(got.contains(&(Tok::String, "\"t3.large\"")));
        assert!(got.contains(&(Tok::Comment, "# two vCPU")));
        assert!(got.contains(&(Tok::Key, "count")));
        assert!(got.contains(&(Tok::Number, "3")));
        assert!(got.contains(&(Tok::Key, "spread")));
        assert!(got.contains(&(Tok::Key, "field")));
        assert!(got.contains(&(Tok::String, "'az'")));
        assert!(got.contains(&(Tok::Keyword, "true")));
        assert!(got.contains(&(Tok::Number, "-1.5e3")));
        assert_eq!(
            toml_tokens(text).iter().map(|(_, s)| *s).collect::<String>(),
            text
        );
    }

    #[test]
    fn toml_multi_line_strings_span_lines_and_arrays_are_not_headers() {
        let text = "build = '''FROM x\nRUN y 4MB'''\nports = [80, 443]\ns = \"a\\\"b\"";
        let got = lines_in(Lang::Toml, text);
        assert_eq!(got[0][2], (Tok::String, "'''FROM x"));
        assert_eq!(got[1][0], (Tok::String, "RUN y 4MB'''"));
        assert!(got[2].contains(&(Tok::Number, "80")), "{:?}", got[2]);
        assert!(
            !got[2].iter().any(|(t, _)| *t == Tok::Keyword),
            "an array value is not a header"
        );
        assert!(got[3].contains(&(Tok::String, "\"a\\\"b\"")), "{:?}", got[3]);
        for text in [
            "s = \"open\nnext = 1",
            "x = '''open",
            "[open",
            "a = \"\\",
            "é = 'é'",
        ] {
            assert_eq!(
                toml_tokens(text).iter().map(|(_, s)| *s).collect::<String>(),
                text
            );
        }
        // A one-line string ends at its line.
        assert!(toml_kinds("s = \"open\nnext = 1").contains(&(Tok::Key, "next")));
    }
}
