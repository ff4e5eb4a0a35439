//! Simulated time: microseconds since the scenario started, as `u64` newtypes.
//!
//! Microseconds because Lambda reports durations to 1/100 ms; `u64` because the value must be
//! identical on wasm32 and x86_64. There is no conversion from the wall clock on purpose.
//!
//! It also owns the one grammar for durations people write (`500ms`, `30s`, `1.5m`, `2h`, bare
//! seconds): `FromStr` for [`SimDuration`], and [`Dur`] and [`opt_duration`] for serde.

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
    // Always: the size-optimised wasm build otherwise calls it, several times an invocation.
    #[inline(always)]
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

/// The longest duration an input may write: a century, far beyond any scenario, which keeps
/// every sum of simulated times inside `u64` microseconds.
pub const MAX_DURATION_SECS: u64 = 100 * 365 * 24 * 3600;

/// The forms a written duration may take, quoted in every error about one.
pub const DURATION_FORMS: &str = "500ms, 30s, 1.5m, 2h, or a bare number of seconds";

/// Why a written duration was refused; `Display` names the value and the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDurationError {
    input: String,
    kind: DurationErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DurationErrorKind {
    NotANumber,
    UnknownUnit(String),
    TooLong,
}

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.input;
        match &self.kind {
            DurationErrorKind::NotANumber => {
                write!(
                    f,
                    "invalid duration \"{s}\" (write a number and a unit: {DURATION_FORMS})"
                )
            }
            DurationErrorKind::UnknownUnit(u) => write!(
                f,
                "invalid duration \"{s}\": unknown unit \"{u}\" (expected one of: ms, s, m, h, as in {DURATION_FORMS})"
            ),
            DurationErrorKind::TooLong => write!(f, "invalid duration \"{s}\": longer than 100 years"),
        }
    }
}

impl std::error::Error for ParseDurationError {}

/// The one duration grammar of every input (scenario files, Batch, CLI flags): a decimal number
/// and a unit, `500ms`, `30s`, `1.5m` (or `1.5min`), `2h`, or a bare number of seconds. Values are
/// rounded to the microsecond.
impl core::str::FromStr for SimDuration {
    type Err = ParseDurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |kind| ParseDurationError {
            input: s.to_string(),
            kind,
        };
        let t = s.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        // Only digits and dots reach `f64::from_str`, so "inf", "1e3" and "-1" never do.
        let n: f64 = num.parse().map_err(|_| err(DurationErrorKind::NotANumber))?;
        let us_per_unit = match unit.trim() {
            "ms" => 1e3,
            "s" | "" => 1e6,
            "m" | "min" => 6e7,
            "h" => 3.6e9,
            other => return Err(err(DurationErrorKind::UnknownUnit(other.to_string()))),
        };
        let micros = n * us_per_unit;
        if !micros.is_finite() || micros > MAX_DURATION_SECS as f64 * 1e6 {
            return Err(err(DurationErrorKind::TooLong));
        }
        Ok(SimDuration(micros.round() as u64))
    }
}

/// A duration read from a file in the grammar of [`SimDuration`]'s `FromStr`: a string such as
/// `"30s"`, or a whole number of seconds. `SimDuration` itself (de)serializes as microseconds,
/// which is what traces and reports carry; this is the form people write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub SimDuration);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a duration: {DURATION_FORMS}")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Dur, E> {
                if n > MAX_DURATION_SECS {
                    return Err(E::custom(format!("invalid duration {n}: longer than 100 years")));
                }
                Ok(Dur(SimDuration::from_secs(n)))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Dur, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::custom(format!(
                        "invalid duration {n}: durations are not negative"
                    ))),
                }
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Dur, E> {
                s.parse().map(Dur).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Dur {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

/// `#[serde(with = "crate::sim::opt_duration")]` for an `Option<SimDuration>` written as
/// [`Dur`].
pub mod opt_duration {
    use super::{Dur, SimDuration};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SimDuration>, D::Error> {
        Ok(Option::<Dur>::deserialize(d)?.map(|d| d.0))
    }
    pub fn serialize<S: Serializer>(v: &Option<SimDuration>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }
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

    #[test]
    fn the_duration_grammar() {
        let ok = |s: &str| {
            s.parse::<SimDuration>()
                .map(|d| d.as_micros())
                .map_err(|e| e.to_string())
        };
        for (s, us) in [
            ("500ms", 500_000),
            ("30s", 30_000_000),
            ("1.5m", 90_000_000),
            ("1.5min", 90_000_000),
            ("2h", 7_200_000_000),
            ("90", 90_000_000),
            ("0.25", 250_000),
            (" 1.5s ", 1_500_000),
            ("0.0015ms", 2),
            ("0", 0),
            (".5s", 500_000),
        ] {
            assert_eq!(ok(s), Ok(us), "{s}");
        }
        let refused: Vec<String> = [
            "",
            "s",
            "-1s",
            "1.2.3s",
            "1e3",
            "inf",
            "1 fortnight",
            "3d",
            "1000000000h",
        ]
        .iter()
        .map(|s| ok(s).unwrap_err())
        .collect();
        expect_test::expect![[r#"
            invalid duration "" (write a number and a unit: 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
            invalid duration "s" (write a number and a unit: 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
            invalid duration "-1s" (write a number and a unit: 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
            invalid duration "1.2.3s" (write a number and a unit: 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
            invalid duration "1e3": unknown unit "e3" (expected one of: ms, s, m, h, as in 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
            invalid duration "inf" (write a number and a unit: 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
            invalid duration "1 fortnight": unknown unit "fortnight" (expected one of: ms, s, m, h, as in 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
            invalid duration "3d": unknown unit "d" (expected one of: ms, s, m, h, as in 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
            invalid duration "1000000000h": longer than 100 years
        "#]]
        .assert_eq(&(refused.join("\n") + "\n"));
    }

    #[test]
    fn durations_in_files_are_strings_or_seconds() {
        #[derive(serde::Deserialize)]
        struct F {
            a: Dur,
            b: Dur,
        }
        let f: F = toml::from_str("a = \"1.5m\"\nb = 45\n").unwrap();
        assert_eq!(
            (f.a.0, f.b.0),
            (SimDuration::from_secs(90), SimDuration::from_secs(45))
        );
        assert!(toml::from_str::<F>("a = \"1 week\"\nb = 1\n").is_err());
        assert!(toml::from_str::<F>("a = -3\nb = 1\n").is_err());
    }
}
