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
    #[inline]
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RequestId(a, b) = *self;
        write!(
            f,
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
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
    fn short_is_the_first_block_of_the_uuid() {
        let id = RequestId::draw(&mut Rng::seed_from_u64(7));
        let full = id.to_string();
        assert_eq!(id.short().to_string(), full.split('-').next().unwrap());
        assert_eq!(serde_json::to_value(id).unwrap(), serde_json::json!(full));
    }
}
