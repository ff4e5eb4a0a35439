//! Civil time for the simulated account: Unix seconds ⇄ calendar dates and RFC 3339 text.
//!
//! Written out (Howard Hinnant's `days_from_civil` algorithms) instead of taken from a date crate
//! so the core never touches a clock and the arithmetic is the same on wasm32 and x86_64. It
//! deliberately knows nothing of time zones: AWS schedules and log timestamps are UTC.

use crate::sim::SimTime;

/// The wall-clock instant that simulated time zero maps to when a scenario names none:
/// 2026-01-01T00:00:00Z. Log lines and event payloads print `EPOCH + simulated time`.
pub const DEFAULT_EPOCH_UNIX: i64 = 1_767_225_600;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month 1-12, day 1-31)` of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Day of week with 1 = Sunday … 7 = Saturday, the numbering of AWS cron expressions.
pub fn weekday(days: i64) -> u32 {
    // 1970-01-01 was a Thursday (5 in this numbering).
    ((days + 4).rem_euclid(7) + 1) as u32
}

/// `2026-01-01T00:00:03.215Z`: milliseconds, as CloudWatch Logs and Lambda runtimes print it.
pub fn format_millis(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let ms = unix_ms.rem_euclid(1000);
    let (y, mo, d, h, mi, s) = split(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

/// `2026-01-01T00:05:00Z`: whole seconds, as EventBridge prints event times.
pub fn format_secs(unix: i64) -> String {
    let (y, mo, d, h, mi, s) = split(unix);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

fn split(unix: i64) -> (i64, u32, u32, i64, i64, i64) {
    let days = unix.div_euclid(86_400);
    let rem = unix.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    (y, mo, d, rem / 3600, rem / 60 % 60, rem % 60)
}

/// The wall-clock milliseconds of a simulated instant.
pub fn unix_millis(epoch_unix: i64, at: SimTime) -> i64 {
    epoch_unix * 1000 + (at.as_micros() / 1000) as i64
}

/// Parses an RFC 3339 timestamp (`2026-02-28T23:59:00Z`, `…+02:00`, fractional seconds dropped)
/// into Unix seconds.
pub fn parse_rfc3339(text: &str) -> Result<i64, String> {
    let bad = || format!("invalid RFC 3339 timestamp \"{text}\" (expected e.g. 2026-01-01T00:00:00Z)");
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return Err(bad());
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let num = |r: core::ops::Range<usize>| -> Result<i64, String> {
        let s = text.get(r).ok_or_else(bad)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse::<i64>().map_err(|_| bad())
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo)
        || d < 1
        || d > i64::from(days_in_month(y, mo as u32))
        || h > 23
        || mi > 59
        || s > 60
    {
        return Err(bad());
    }
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(bad());
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(rest.as_bytes()[0], b'+' | b'-') && rest.as_bytes()[3] == b':' => {
            let oh: i64 = rest[1..3].parse().map_err(|_| bad())?;
            let om: i64 = rest[4..6].parse().map_err(|_| bad())?;
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (oh * 3600 + om * 60)
        }
        _ => return Err(bad()),
    };
    Ok(days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + s.min(59) - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 1, 1) * 86_400, DEFAULT_EPOCH_UNIX);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(weekday(days_from_civil(2026, 1, 1)), 5); // a Thursday
        assert_eq!(
            format_millis(DEFAULT_EPOCH_UNIX * 1000 + 3215),
            "2026-01-01T00:00:03.215Z"
        );
        assert_eq!(parse_rfc3339("2026-01-01T02:00:00+02:00"), Ok(DEFAULT_EPOCH_UNIX));
        assert_eq!(parse_rfc3339("2026-01-01T00:00:00.123Z"), Ok(DEFAULT_EPOCH_UNIX));
        assert!(parse_rfc3339("2026-02-29T00:00:00Z").is_err());
        assert!(parse_rfc3339("yesterday").is_err());
        for d in [-1000, 0, 59, 60, 11_016, 20_000, 80_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }
}
