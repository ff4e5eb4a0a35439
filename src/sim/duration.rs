//! Durations as people write them in scenario files and flags: `500ms`, `30s`, `2m`, `1h`, `1.5s`
//! or a bare number of seconds. Shared by every model's input (ECS scenarios, Batch, task
//! definitions) so that none of them imports another model for it.

use serde::Deserialize;

use super::SimDuration;

/// A duration written `500ms`, `30s`, `2m` or `1h` (or a bare number of seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub SimDuration);

/// Parses `500ms`, `30s`, `2m`, `1h`, `1.5s`.
pub fn parse_duration(s: &str) -> Result<SimDuration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (write e.g. 500ms, 30s, 2m, 1h)"))?;
    let us = match unit {
        "ms" => 1e3,
        "s" | "" => 1e6,
        "m" | "min" => 6e7,
        "h" => 3.6e9,
        _ => {
            return Err(format!(
                "invalid duration {s:?}: unknown unit {:?} (expected one of: ms, s, m, h)",
                unit.trim()
            ));
        }
    };
    let micros = n * us;
    // A century is far beyond any scenario and keeps every sum of times inside u64.
    if !micros.is_finite() || micros > 3.2e15 {
        return Err(format!("invalid duration {s:?}: longer than 100 years"));
    }
    Ok(SimDuration::from_micros(micros.round() as u64))
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Ok(Dur(SimDuration::from_secs(n))),
            Raw::S(s) => parse_duration(&s).map(Dur).map_err(serde::de::Error::custom),
        }
    }
}

/// `#[serde(with)]` helper for optional durations in other modules' structs.
pub mod opt_duration {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::{Dur, SimDuration};

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
