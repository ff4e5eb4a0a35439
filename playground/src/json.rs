//! A small JSON reader and writer for the widgets module, which must not carry serde_json.
//!
//! Numbers are kept as their text: integers (ids, hashes, counts) are read exactly as `u64`,
//! floats through [`crate::num::parse_f64`] (the browser's own parser in wasm). Reading never
//! panics and refuses anything that is not strict JSON, nested deeper than [`MAX_DEPTH`], with
//! `None`; callers turn that into a notice or an error box. Writing produces what serde_json reads.

use crate::num::{fmt_f64, parse_f64, parse_u64};

/// Deeper documents are refused, so a hand-edited store cannot exhaust the stack.
pub const MAX_DEPTH: u32 = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number as written, already checked against JSON's grammar.
    Num(String),
    Str(String),
    Arr(Vec<Value>),
    /// Members in document order.
    Obj(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object (the last one when repeated).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Num(n) => parse_u64(n),
            _ => None,
        }
    }
    pub fn as_u32(&self) -> Option<u32> {
        u32::try_from(self.as_u64()?).ok()
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Num(n) => parse_f64(n),
            _ => None,
        }
    }
    pub fn as_arr(&self) -> Option<&[Value]> {
        match self {
            Value::Arr(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_obj(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Obj(m) => Some(m),
            _ => None,
        }
    }
}

/// Parses a whole JSON document.
pub fn parse(text: &str) -> Option<Value> {
    let mut p = Parser {
        b: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    (p.i == p.b.len()).then_some(v)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self, w: &str, v: Value) -> Option<Value> {
        let end = self.i + w.len();
        (self.b.get(self.i..end)? == w.as_bytes()).then(|| {
            self.i = end;
            v
        })
    }

    fn value(&mut self, depth: u32) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'n' => self.word("null", Value::Null),
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'"' => self.string().map(Value::Str),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::Arr(items))
            }
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        members.push((key, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::Obj(members))
            }
            _ => self.number(),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = self.digits();
        if n == 0 || (n > 1 && self.b[int_start] == b'0') {
            return None;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        // Only ASCII was consumed, so this slice is valid UTF-8.
        let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        // A number past f64's range (`1e400`) is refused, as serde_json refuses it: a progress
        // file that reads here must read the same in the CLI (found by the progress_json fuzzer).
        if !parse_f64(text).is_some_and(f64::is_finite) {
            return None;
        }
        Some(Value::Num(text.to_string()))
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.b.get(self.i..self.i + 4)?;
        self.i += 4;
        h.iter()
            .try_fold(0u32, |acc, &c| Some(acc * 16 + char::from(c).to_digit(16)?))
    }

    fn string(&mut self) -> Option<String> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = *self.b.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.b.get(self.i..self.i + 2)? != b"\\u" {
                                    return None;
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return None,
                _ => out.push(c),
            }
        }
        String::from_utf8(out).ok()
    }
}

/// Appends `s` as a JSON string, escaped as serde_json escapes.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a number; NaN and infinities, which JSON cannot hold, as `null` (as serde_json does).
pub fn write_f64(out: &mut String, x: f64) {
    if x.is_finite() {
        out.push_str(&fmt_f64(x));
    } else {
        out.push_str("null");
    }
}

pub fn write_u64(out: &mut String, n: u64) {
    out.push_str(&crate::num::fmt_u64(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_past_the_f64_range_are_refused_as_serde_json_refuses_them() {
        for text in ["121211E1111111110", "1e400", "-1e400", "[1, 2e999]"] {
            assert!(serde_json::from_str::<serde_json::Value>(text).is_err(), "{text}");
            assert!(parse(text).is_none(), "json.rs accepted {text}");
        }
        assert!(parse("1e308").is_some());
    }

    #[test]
    fn reads_what_serde_json_writes_and_back() {
        let doc = serde_json::json!({
            "a": [1, -2.5, 1e21, true, false, null, "x\"y\\z\n\u{1}é😀"],
            "b": {"c": {}, "d": []},
            "h": 18446744073709551615u64,
        });
        let text = serde_json::to_string(&doc).unwrap();
        let v = parse(&text).expect("valid JSON");
        assert_eq!(v.get("h").and_then(Value::as_u64), Some(u64::MAX));
        let a = v.get("a").and_then(Value::as_arr).unwrap();
        assert_eq!(a[1].as_f64(), Some(-2.5));
        assert_eq!(a[3], Value::Bool(true));
        assert_eq!(a[5], Value::Null);
        let s = a[6].as_str().unwrap();
        assert_eq!(s, "x\"y\\z\n\u{1}é😀");
        let mut out = String::new();
        write_str(&mut out, s);
        assert_eq!(out, serde_json::to_string(s).unwrap());
        let mut n = String::new();
        write_u64(&mut n, u64::MAX);
        assert_eq!(n, "18446744073709551615");
        assert_eq!(parse(r#""\ud83d\ude00""#), Some(Value::Str("😀".into())));
    }

    #[test]
    fn refuses_what_is_not_strict_json() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "-",
            "+1",
            "NaN",
            "'a'",
            "[1 2]",
            "{not json",
            "[1,2",
            "\"\u{1}\"",
            "\"\\x\"",
            "\"\\ud800\"",
            "tru",
            "1 2",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        let deep = "[".repeat(100) + "]".repeat(100).as_str();
        assert_eq!(parse(&deep), None, "too deep");
        assert!(parse(" {\"a\" : [ 1 , 2 ] } ").is_some());
    }
}
