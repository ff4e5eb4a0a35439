//! The Lambda model's identifiers as newtypes: functions, execution environments and requests.
//!
//! They live apart from the model so the modules that only count or print by id (`metrics`,
//! `logs`, `trace`) need not import the model. Nothing here decides anything.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::sim::Rng;

/// A function of the account, numbered in the order it was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FunctionId(pub u32);

/// An execution environment of one function, numbered from 1 in the order it was created
/// (`env=1` in the trace). Numbers are never reused: a reclaimed environment keeps its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EnvId(pub u32);

impl EnvId {
    /// Position in the function's list of environments.
    #[inline(always)]
    pub(crate) fn index(self) -> usize {
        (self.0 - 1) as usize
    }
}

impl fmt::Display for EnvId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A request id as drawn (two random words), formatted as a version-4 UUID only when shown, so
/// runs that keep no text never pay for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(u64, u64);

impl RequestId {
    /// All zeros: no request's (a placeholder where a slot must hold something).
    pub(crate) const NIL: RequestId = RequestId(0, 0);
    #[inline(always)]
    pub fn draw(rng: &mut Rng) -> Self {
        let a = rng.next_u64();
        RequestId(a, rng.next_u64())
    }
    /// The first block of the id (`req=4ce9340a` in the trace): enough to follow one request.
    pub fn short(self) -> impl fmt::Display {
        ShortId(self.0 >> 32)
    }
}

struct ShortId(u64);

impl fmt::Display for ShortId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

impl fmt::Display for RequestId {
    /// `{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}` of the two words, written digit by digit: every
    /// handler run formats its request id, and `write!` spent 2,600 instructions on it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RequestId(a, b) = *self;
        let fields: [(u64, usize); 5] = [
            (a >> 32, 8),
            ((a >> 16) & 0xffff, 4),
            (0x4000 | (a & 0x0fff), 4),
            (0x8000 | ((b >> 48) & 0x3fff), 4),
            (b & 0xffff_ffff_ffff, 12),
        ];
        let mut out = [b'-'; 36];
        let mut at = 0;
        for (value, digits) in fields {
            for i in 0..digits {
                let nibble = (value >> (4 * (digits - 1 - i))) & 0xf;
                out[at + i] = b"0123456789abcdef"[nibble as usize];
            }
            at += digits + 1;
        }
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

/// Serialised as AWS shows it, a UUID string.
impl Serialize for RequestId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uuid_is_the_words_in_hex_with_the_version_and_variant() {
        let id = RequestId(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210);
        assert_eq!(id.to_string(), "01234567-89ab-4def-bedc-ba9876543210");
        let zero = RequestId(0, 0);
        assert_eq!(zero.to_string(), "00000000-0000-4000-8000-000000000000");
        assert_eq!(format!("{:>40}", zero).len(), 36, "written as is, as before");
    }

    proptest::proptest! {
        /// Digit by digit, the id reads as the `write!` it replaced formatted it.
        #[test]
        fn the_uuid_is_what_write_gave(a: u64, b: u64) {
            let want = format!(
                "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0x0fff,
                0x8000 | ((b >> 48) & 0x3fff),
                b & 0xffff_ffff_ffff
            );
            proptest::prop_assert_eq!(RequestId(a, b).to_string(), want);
        }
    }

    #[test]
    fn short_is_the_first_block_of_the_uuid() {
        let id = RequestId::draw(&mut Rng::seed_from_u64(7));
        let full = id.to_string();
        assert_eq!(id.short().to_string(), full.split('-').next().unwrap());
        assert_eq!(serde_json::to_value(id).unwrap(), serde_json::json!(full));
    }
}
