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

/// What a trace does with the lines it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceMode {
    /// Keep every line (pages, tests, short runs).
    #[default]
    Keep,
    /// Hash each line as it comes and keep none: the hash equals the kept trace's, in constant
    /// memory (a ten-minute load run from the CLI).
    Hash,
    /// Count lines, build none (benchmarks).
    Off,
}

/// An append-only list of trace entries.
///
/// Long headless runs need not keep their lines (a ten-minute load test has millions nobody
/// reads): see [`TraceMode`]. Models that build their lines with
/// [`super::Context::record_with`] skip the formatting when the trace is off. What a model
/// decides never depends on the mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace<R> {
    entries: Vec<TraceEntry<R>>,
    mode: TraceMode,
    offered: u64,
    /// The running FNV-1a of the rendered lines, in `Hash` mode.
    hasher: Fnv1a64,
    last_at: SimTime,
}

impl<R> Default for Trace<R> {
    fn default() -> Self {
        Trace {
            entries: Vec::new(),
            mode: TraceMode::Keep,
            offered: 0,
            hasher: Fnv1a64::new(),
            last_at: SimTime::ZERO,
        }
    }
}

impl<R> Trace<R> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn with_mode(mode: TraceMode) -> Self {
        Trace {
            mode,
            ..Self::default()
        }
    }
    /// Whether lines given to the trace are used (kept or hashed), so worth building.
    pub fn wants_lines(&self) -> bool {
        self.mode != TraceMode::Off
    }
    /// Counts a line without building it (a switched-off trace).
    pub(crate) fn skip(&mut self) {
        self.offered += 1;
    }
    /// Counts `n` lines without building them.
    pub(crate) fn skip_n(&mut self, n: u64) {
        self.offered += n;
    }
    pub fn entries(&self) -> &[TraceEntry<R>] {
        &self.entries
    }
    /// Lines kept (none unless the mode is `Keep`).
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
    pub fn push(&mut self, at: SimTime, record: R) {
        debug_assert!(self.last_at <= at, "trace time went backwards");
        self.last_at = at;
        self.offered += 1;
        match self.mode {
            TraceMode::Keep => self.entries.push(TraceEntry { at, record }),
            TraceMode::Hash => {
                use fmt::Write as _;
                let _ = writeln!(self.hasher, "{}", TraceEntry { at, record });
            }
            TraceMode::Off => {}
        }
    }
    /// FNV-1a 64 of the rendered trace: a cheap fingerprint to compare runs across machines
    /// (native against wasm) without shipping the whole text. In `Hash` mode it is the same
    /// value, computed line by line; in `Off` mode it is the hash of nothing.
    pub fn hash(&self) -> u64 {
        match self.mode {
            TraceMode::Hash => self.hasher.finish(),
            _ => fnv1a64(self.to_string().as_bytes()),
        }
    }
    /// The hash, unless the trace was off.
    pub fn hash_if_known(&self) -> Option<u64> {
        (self.mode != TraceMode::Off).then(|| self.hash())
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv1a64(u64);

impl fmt::Write for Fnv1a64 {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write(s.as_bytes());
        Ok(())
    }
}

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
