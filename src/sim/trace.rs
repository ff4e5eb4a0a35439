//! The trace: what happened, one stable line per event, in order.
//!
//! Tests, the book, the CLI and the playground all read the same lines, so a line's `Display` is a
//! public format: change it only on purpose and re-bless the snapshots.

use core::fmt;

use super::SimTime;

/// One line: when, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceEntry<R> {
    pub at: SimTime,
    pub record: R,
}

impl<R: fmt::Display> fmt::Display for TraceEntry<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={} {}", self.at, self.record)
    }
}

/// An append-only list of trace entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace<R> {
    entries: Vec<TraceEntry<R>>,
}

impl<R> Default for Trace<R> {
    fn default() -> Self {
        Trace { entries: Vec::new() }
    }
}

impl<R> Trace<R> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, at: SimTime, record: R) {
        debug_assert!(
            self.entries.last().is_none_or(|e| e.at <= at),
            "trace time went backwards"
        );
        self.entries.push(TraceEntry { at, record });
    }
    pub fn entries(&self) -> &[TraceEntry<R>] {
        &self.entries
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<R: fmt::Display> Trace<R> {
    /// FNV-1a 64 of the rendered trace: a cheap fingerprint to compare runs across machines
    /// (native against wasm) without shipping the whole text.
    pub fn hash(&self) -> u64 {
        fnv1a64(self.to_string().as_bytes())
    }
}

impl<R: fmt::Display> fmt::Display for Trace<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.entries {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

/// FNV-1a, 64-bit: stable, dependency-free, identical on every target.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
