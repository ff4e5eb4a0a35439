//! Numbers, regular expressions and lowercase, borrowed from the browser in wasm so the widgets
//! module carries neither Rust's float parser and formatter, nor a regex engine, nor Unicode case
//! tables; on the host (tests) the same functions use std and the core's regex-lite.
//!
//! Integers are formatted here by hand: small and exact, no `core::fmt` machinery.

/// Decimal digits of `n`.
pub fn fmt_int(n: usize) -> String {
    fmt_u64(n as u64)
}

/// Decimal digits of `n` (wasm has 64-bit integers, so this is as small as the `usize` one).
pub fn fmt_u64(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[i..].iter().map(|&d| char::from(d)).collect()
}

/// A non-negative decimal integer without sign or spaces (JSON integers, stored ids and seeds).
pub fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// A number as a learner or JSON writes it; `None` when it is not one.
#[cfg(target_arch = "wasm32")]
pub fn parse_f64(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // JavaScript's `+s`, i.e. `Number(s)`: `Number("")` is 0 (hence the check above) and
    // `Number("12px")` is NaN.
    let n = wasm_bindgen::JsValue::from_str(s).unchecked_into_f64();
    (!n.is_nan()).then_some(n)
}

#[cfg(not(target_arch = "wasm32"))]
pub fn parse_f64(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}

/// The shortest text that reads back as `x` (`3`, `0.1`, `1e+21`); JSON has no NaN or infinity,
/// so `write_f64` writes those as `null`.
#[cfg(target_arch = "wasm32")]
pub fn fmt_f64(x: f64) -> String {
    js_sys::Number::from(x)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn fmt_f64(x: f64) -> String {
    x.to_string()
}

#[cfg(target_arch = "wasm32")]
mod re {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        pub type RegExp;
        #[wasm_bindgen(constructor, catch)]
        pub fn new(pattern: &str, flags: &str) -> Result<RegExp, JsValue>;
        #[wasm_bindgen(method)]
        pub fn test(this: &RegExp, text: &str) -> bool;
    }
}

/// The core's text operations for grading in the page: the browser's `RegExp` (with the `u`
/// flag, and `i` unless case matters; an invalid pattern matches nothing) and `toLowerCase`.
/// `book/reference/quiz-file.md` says which regex syntax both engines share.
#[cfg(target_arch = "wasm32")]
pub struct PageText;

#[cfg(target_arch = "wasm32")]
impl cloudbook::quiz::TextOps for PageText {
    fn whole_match(&self, pattern: &str, text: &str, case_sensitive: bool) -> bool {
        let mut full = String::from("^(?:");
        full += pattern;
        full += ")$";
        re::RegExp::new(&full, if case_sensitive { "u" } else { "iu" }).is_ok_and(|r| r.test(text))
    }
    fn lowercase(&self, s: &str) -> String {
        lowercase(s)
    }
}

/// On the host (tests) the page grades as the CLI does.
#[cfg(not(target_arch = "wasm32"))]
pub use cloudbook::quiz::Native as PageText;

/// Unicode lowercase (the browser's, in wasm).
#[cfg(target_arch = "wasm32")]
pub fn lowercase(s: &str) -> String {
    js_sys::JsString::from(s).to_lower_case().into()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn lowercase(s: &str) -> String {
    s.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip() {
        for n in [0usize, 7, 10, 1234567890] {
            assert_eq!(fmt_int(n), n.to_string());
        }
        assert_eq!(parse_u64("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64("18446744073709551616"), None);
        assert_eq!(parse_u64("-1"), None);
        assert_eq!(parse_u64(""), None);
    }
}
