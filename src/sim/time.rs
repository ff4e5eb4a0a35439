//! Simulated time: microseconds since the scenario started, as `u64` newtypes.
//!
//! Microseconds because Lambda reports durations to 1/100 ms; `u64` because the value must be
//! identical on wasm32 and x86_64. There is no conversion from the wall clock on purpose.

use core::fmt;
use core::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Serialize};

/// An instant on the simulated clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct SimTime(u64);

/// A span of simulated time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct SimDuration(u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const fn from_micros(us: u64) -> Self {
        SimTime(us)
    }
    pub const fn from_millis(ms: u64) -> Self {
        SimTime(ms * 1_000)
    }
    pub const fn from_secs(s: u64) -> Self {
        SimTime(s * 1_000_000)
    }
    pub const fn as_micros(self) -> u64 {
        self.0
    }
    pub const fn as_millis(self) -> u64 {
        self.0 / 1_000
    }
    pub const fn as_secs(self) -> u64 {
        self.0 / 1_000_000
    }
    /// The time elapsed since `earlier`; zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);
    pub const fn from_micros(us: u64) -> Self {
        SimDuration(us)
    }
    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms * 1_000)
    }
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1_000_000)
    }
    pub const fn from_mins(m: u64) -> Self {
        SimDuration(m * 60_000_000)
    }
    pub const fn as_micros(self) -> u64 {
        self.0
    }
    pub const fn as_millis(self) -> u64 {
        self.0 / 1_000
    }
    pub const fn as_secs(self) -> u64 {
        self.0 / 1_000_000
    }
    /// Milliseconds as a float, for reports such as `Duration: 26.73 ms`.
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1_000.0
    }
    pub fn saturating_sub(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_sub(other.0))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(
            self.0
                .checked_add(d.0)
                .expect("simulated time overflowed u64 microseconds"),
        )
    }
}
impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}
impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        SimDuration(
            self.0
                .checked_sub(earlier.0)
                .expect("subtracted a later time from an earlier one"),
        )
    }
}
impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0 + d.0)
    }
}
impl AddAssign for SimDuration {
    fn add_assign(&mut self, d: SimDuration) {
        self.0 += d.0;
    }
}

/// `hh:mm:ss.mmm`, hours growing past 24 for long runs.
impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 / 1_000;
        let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1_000 % 60, ms % 1_000);
        write!(f, "{h:02}:{m:02}:{s:02}.{milli:03}")
    }
}

/// The shortest exact form: `212ms`, `1.5s`, `3m`.
impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0;
        if us.is_multiple_of(60_000_000) && us > 0 {
            write!(f, "{}m", us / 60_000_000)
        } else if us.is_multiple_of(1_000_000) && us > 0 {
            write!(f, "{}s", us / 1_000_000)
        } else if us >= 1_000_000 {
            write!(f, "{}s", trim_decimals(us as f64 / 1_000_000.0))
        } else if us.is_multiple_of(1_000) {
            write!(f, "{}ms", us / 1_000)
        } else {
            write!(f, "{}ms", trim_decimals(us as f64 / 1_000.0))
        }
    }
}

fn trim_decimals(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_forms() {
        assert_eq!(SimTime::from_micros(1_203_456).to_string(), "00:00:01.203");
        assert_eq!(SimTime::from_secs(90_061).to_string(), "25:01:01.000");
        assert_eq!(SimDuration::from_millis(212).to_string(), "212ms");
        assert_eq!(SimDuration::from_micros(26_730).to_string(), "26.73ms");
        assert_eq!(SimDuration::from_millis(1_500).to_string(), "1.5s");
        assert_eq!(SimDuration::from_secs(3).to_string(), "3s");
        assert_eq!(SimDuration::from_mins(2).to_string(), "2m");
        assert_eq!(SimDuration::ZERO.to_string(), "0ms");
    }
}
