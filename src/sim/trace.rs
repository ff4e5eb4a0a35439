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
///
/// A trace can be switched off for long headless runs (a ten-minute load test has millions of
/// lines nobody reads): it then counts the lines it was offered and stores none, and models that
/// build their lines with [`super::Context::record_with`] skip the formatting too. What the model
/// decides never depends on whether its trace is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace<R> {
    entries: Vec<TraceEntry<R>>,
    enabled: bool,
    offered: u64,
}

impl<R> Default for Trace<R> {
    fn default() -> Self {
        Trace {
            entries: Vec::new(),
            enabled: true,
            offered: 0,
        }
    }
}

impl<R> Trace<R> {
    pub fn new() -> Self {
        Self::default()
    }
    /// A trace that counts lines and keeps none.
    pub fn off() -> Self {
        Trace {
            enabled: false,
            ..Self::default()
        }
    }
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }
    pub fn push(&mut self, at: SimTime, record: R) {
        self.offered += 1;
        if !self.enabled {
            return;
        }
        debug_assert!(
            self.entries.last().is_none_or(|e| e.at <= at),
            "trace time went backwards"
        );
        self.entries.push(TraceEntry { at, record });
    }
    /// Counts a line without building it (a switched-off trace).
    pub(crate) fn skip(&mut self) {
        self.offered += 1;
    }
    pub fn entries(&self) -> &[TraceEntry<R>] {
        &self.entries
    }
    /// Lines kept (none when the trace is off).
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Lines the model produced, kept or not.
    pub fn lines_offered(&self) -> u64 {
        self.offered
    }
}

impl<R: fmt::Display> Trace<R> {
    /// FNV-1a 64 of the rendered trace: a cheap fingerprint to compare runs across machines
    /// (native against wasm) without shipping the whole text.
    pub fn hash(&self) -> u64 {
        fnv1a64(self.to_string().as_bytes())
    }
    /// The hash of a kept trace, nothing for a switched-off one.
    pub fn hash_if_kept(&self) -> Option<u64> {
        self.enabled.then(|| self.hash())
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
    let mut h = Fnv1a64::new();
    h.write(bytes);
    h.finish()
}

/// FNV-1a 64 fed in pieces: `write(a); write(b)` equals `fnv1a64(a ++ b)`.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Self::new()
    }
}

impl Fnv1a64 {
    pub fn new() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    pub fn finish(&self) -> u64 {
        self.0
    }
}
