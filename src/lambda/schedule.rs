//! EventBridge schedule expressions: `rate(value unit)` and six-field `cron(…)`, parsed with
//! AWS's rules and evaluated over simulated UTC time.
//!
//! Rules copied from the EventBridge user guide: UTC only; fields Minutes Hours Day-of-month Month
//! Day-of-week Year; one of Day-of-month and Day-of-week must be `?`; `L` (last), `W` (nearest
//! weekday) in Day-of-month; `L` and `#` (nth weekday) in Day-of-week, 1 = SUN; singular unit for a
//! rate of 1; nothing more often than once a minute. Time zones and one-time `at()` schedules
//! (EventBridge Scheduler) are deliberately left out.

use std::fmt;

use super::clock;

/// An invalid expression: AWS's message plus the reason, which AWS does not spell out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError(pub String);

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Parameter ScheduleExpression is not valid. ({})", self.0)
    }
}
impl std::error::Error for ScheduleError {}

fn bad<T>(msg: impl Into<String>) -> Result<T, ScheduleError> {
    Err(ScheduleError(msg.into()))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    text: String,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Rate { seconds: i64 },
    Cron(Box<Cron>),
}

/// A day-of-month rule.
#[derive(Debug, Clone, PartialEq)]
enum Dom {
    Any,
    Days(Vec<bool>), // index 1..=31
    Last,
    LastWeekday,
    NearestWeekday(u32),
}

/// A day-of-week rule (1 = Sunday).
#[derive(Debug, Clone, PartialEq)]
enum Dow {
    Any,
    Days(Vec<bool>), // index 1..=7
    Nth(u32, u32),   // weekday, n
    LastOf(u32),     // weekday
}

#[derive(Debug, Clone, PartialEq)]
struct Cron {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    dom: Dom,
    months: Vec<bool>,
    dow: Dow,
    years: Vec<bool>, // index year - 1970
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Schedule {
    pub fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        let t = text.trim();
        let kind = if let Some(inner) = t.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
            parse_rate(inner)?
        } else if let Some(inner) = t.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
            Kind::Cron(Box::new(parse_cron(inner)?))
        } else {
            return bad(
                "expected rate(value unit) or cron(minutes hours day-of-month month day-of-week year)",
            );
        };
        Ok(Schedule {
            text: t.to_string(),
            kind,
        })
    }

    pub fn expression(&self) -> &str {
        &self.text
    }

    /// The first fire time strictly after `after` (Unix seconds). A rate counts from `anchor`, the
    /// moment the rule was created; a cron ignores it. `None` when the schedule never fires again.
    pub fn next_after(&self, after: i64, anchor: i64) -> Option<i64> {
        match &self.kind {
            Kind::Rate { seconds } => {
                let k = if after < anchor {
                    1
                } else {
                    (after - anchor) / seconds + 1
                };
                Some(anchor + k * seconds)
            }
            Kind::Cron(c) => c.next_after(after),
        }
    }

    /// The next `n` fire times after `after`.
    pub fn upcoming(&self, after: i64, n: usize) -> Vec<i64> {
        let mut out = Vec::new();
        let mut t = after;
        while out.len() < n {
            match self.next_after(t, after) {
                Some(next) => {
                    out.push(next);
                    t = next;
                }
                None => break,
            }
        }
        out
    }
}

fn parse_rate(inner: &str) -> Result<Kind, ScheduleError> {
    let parts: Vec<&str> = inner.split(' ').collect();
    let [value, unit] = parts.as_slice() else {
        return bad("rate needs a value and a unit, e.g. rate(5 minutes)");
    };
    let Ok(v) = value.parse::<i64>() else {
        return bad(format!("rate value \"{value}\" is not a positive integer"));
    };
    if v <= 0 {
        return bad(format!("rate value must be a positive integer, got {v}"));
    }
    let (secs, singular) = match *unit {
        "minute" => (60, true),
        "minutes" => (60, false),
        "hour" => (3600, true),
        "hours" => (3600, false),
        "day" => (86_400, true),
        "days" => (86_400, false),
        other => {
            return bad(format!(
                "unknown rate unit \"{other}\" (expected minute(s), hour(s) or day(s))"
            ));
        }
    };
    if v == 1 && !singular {
        return bad(format!(
            "a rate of 1 takes the singular unit: rate(1 {})",
            unit.trim_end_matches('s')
        ));
    }
    if v != 1 && singular {
        return bad(format!("a rate above 1 takes the plural unit: rate({v} {unit}s)"));
    }
    Ok(Kind::Rate {
        seconds: v
            .checked_mul(secs)
            .ok_or_else(|| ScheduleError("rate value is too large".into()))?,
    })
}

/// Parses `a`, `a-b`, `*`, with `/step`, into a bitmap over `lo..=hi` (by index value).
fn parse_list(field: &str, name: &str, lo: u32, hi: u32, names: &[&str]) -> Result<Vec<bool>, ScheduleError> {
    let mut set = vec![false; hi as usize + 1];
    let value = |s: &str| -> Result<u32, ScheduleError> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(i as u32 + 1);
        }
        let v: u32 = s
            .parse()
            .map_err(|_| ScheduleError(format!("{name}: \"{s}\" is not a valid value")))?;
        if v < lo || v > hi {
            return bad(format!("{name}: {v} is out of range {lo}-{hi}"));
        }
        Ok(v)
    };
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s
                    .parse()
                    .map_err(|_| ScheduleError(format!("{name}: step \"{s}\" is not a number")))?;
                if step == 0 {
                    return bad(format!("{name}: step must be at least 1"));
                }
                (r, step)
            }
            None => (item, 1),
        };
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a)?, value(b)?)
        } else {
            let a = value(range)?;
            (a, if item.contains('/') { hi } else { a })
        };
        if a > b {
            return bad(format!("{name}: range {a}-{b} goes backwards"));
        }
        let mut v = a;
        while v <= b {
            set[v as usize] = true;
            v += step;
        }
    }
    Ok(set)
}

fn parse_cron(inner: &str) -> Result<Cron, ScheduleError> {
    let f: Vec<&str> = inner.split_whitespace().collect();
    if f.len() != 6 {
        return bad(format!(
            "cron needs 6 fields (minutes hours day-of-month month day-of-week year), found {}",
            f.len()
        ));
    }
    let (dom_s, dow_s) = (f[2], f[4]);
    match (dom_s == "?", dow_s == "?") {
        (true, true) => return bad("only one of day-of-month and day-of-week may be ?"),
        (false, false) => {
            return bad("day-of-month and day-of-week cannot both be specified: one of them must be ?");
        }
        _ => {}
    }
    for (i, field) in f.iter().enumerate() {
        if field.contains('?') && i != 2 && i != 4 {
            return bad("? is only allowed in day-of-month or day-of-week");
        }
        if field.contains('W')
            && i != 2
            && !(i == 4 && DAYS.iter().any(|d| field.to_ascii_uppercase().contains(d)))
        {
            return bad("W is only allowed in day-of-month");
        }
        if field.contains('#') && i != 4 {
            return bad("# is only allowed in day-of-week");
        }
    }
    let minutes = parse_list(f[0], "minutes", 0, 59, &[])?;
    let hours = parse_list(f[1], "hours", 0, 23, &[])?;
    let months = parse_list(f[3], "month", 1, 12, &MONTHS)?;
    let years = {
        let y = parse_list(f[5], "year", 1970, 2199, &[])?;
        y[1970..].to_vec()
    };
    let dom = match dom_s {
        "?" => Dom::Any,
        "L" => Dom::Last,
        "LW" => Dom::LastWeekday,
        s if s.ends_with('W') => {
            let d: u32 = s[..s.len() - 1]
                .parse()
                .map_err(|_| ScheduleError(format!("day-of-month: \"{s}\" is not valid")))?;
            if !(1..=31).contains(&d) {
                return bad(format!("day-of-month: {d} is out of range 1-31"));
            }
            Dom::NearestWeekday(d)
        }
        s if s.contains('L') => return bad(format!("day-of-month: \"{s}\" is not valid (L stands alone)")),
        s => Dom::Days(parse_list(s, "day-of-month", 1, 31, &[])?),
    };
    let dow = match dow_s {
        "?" => Dow::Any,
        "L" => Dow::Days({
            let mut v = vec![false; 8];
            v[7] = true;
            v
        }),
        s if s.contains('#') => {
            if s.contains(',') {
                return bad("only one # expression is allowed in day-of-week");
            }
            let (d, n) = s.split_once('#').expect("checked for #");
            let day = parse_list(d, "day-of-week", 1, 7, &DAYS)?;
            let day = day.iter().position(|&b| b).expect("a single value sets one day") as u32;
            let n: u32 = n
                .parse()
                .map_err(|_| ScheduleError(format!("day-of-week: \"{s}\" is not valid")))?;
            if !(1..=5).contains(&n) {
                return bad(format!("day-of-week: #{n} must be between 1 and 5"));
            }
            Dow::Nth(day, n)
        }
        s if s.len() > 1 && s.ends_with('L') => {
            let day = parse_list(&s[..s.len() - 1], "day-of-week", 1, 7, &DAYS)?;
            Dow::LastOf(day.iter().position(|&b| b).expect("a single value sets one day") as u32)
        }
        s => Dow::Days(parse_list(s, "day-of-week", 1, 7, &DAYS)?),
    };
    Ok(Cron {
        minutes,
        hours,
        dom,
        months,
        dow,
        years,
    })
}

fn is_weekday(days: i64) -> bool {
    (2..=6).contains(&clock::weekday(days))
}

impl Cron {
    fn day_matches(&self, y: i64, m: u32, d: u32) -> bool {
        let days = clock::days_from_civil(y, m, d);
        let dim = clock::days_in_month(y, m);
        let dom_ok = match &self.dom {
            Dom::Any => true,
            Dom::Days(set) => set[d as usize],
            Dom::Last => d == dim,
            Dom::LastWeekday => {
                let mut last = dim;
                while !is_weekday(clock::days_from_civil(y, m, last)) {
                    last -= 1;
                }
                d == last
            }
            Dom::NearestWeekday(n) => {
                // The weekday nearest to day n, never leaving the month (Quartz/AWS rule).
                let n = (*n).min(dim);
                let nd = clock::days_from_civil(y, m, n);
                let target = match clock::weekday(nd) {
                    7 => {
                        if n == 1 {
                            n + 2
                        } else {
                            n - 1
                        }
                    } // Saturday
                    1 => {
                        if n == dim {
                            n - 2
                        } else {
                            n + 1
                        }
                    } // Sunday
                    _ => n,
                };
                d == target
            }
        };
        let wd = clock::weekday(days);
        let dow_ok = match &self.dow {
            Dow::Any => true,
            Dow::Days(set) => set[wd as usize],
            Dow::Nth(w, n) => wd == *w && (d - 1) / 7 + 1 == *n,
            Dow::LastOf(w) => wd == *w && d + 7 > dim,
        };
        dom_ok && dow_ok
    }

    fn next_after(&self, after: i64) -> Option<i64> {
        // Start at the next whole minute strictly after `after`.
        let start = (after.div_euclid(60) + 1) * 60;
        let mut day = start.div_euclid(86_400);
        let mut first = true;
        loop {
            let (y, m, d) = clock::civil_from_days(day);
            if y > 2199 {
                return None;
            }
            if y < 1970 || !self.years[(y - 1970) as usize] {
                day = clock::days_from_civil(y + 1, 1, 1);
                first = false;
                continue;
            }
            if !self.months[m as usize] {
                day = if m == 12 {
                    clock::days_from_civil(y + 1, 1, 1)
                } else {
                    clock::days_from_civil(y, m + 1, 1)
                };
                first = false;
                continue;
            }
            if self.day_matches(y, m, d) {
                let from = if first { start.rem_euclid(86_400) / 60 } else { 0 };
                for minute_of_day in from..1440 {
                    let (h, mi) = (minute_of_day / 60, minute_of_day % 60);
                    if self.hours[h as usize] && self.minutes[mi as usize] {
                        return Some(day * 86_400 + minute_of_day * 60);
                    }
                }
            }
            day += 1;
            first = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn fires(expr: &str, after: &str, n: usize) -> String {
        let s = Schedule::parse(expr).unwrap();
        let t = clock::parse_rfc3339(after).unwrap();
        s.upcoming(t, n)
            .into_iter()
            .map(clock::format_secs)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn next_fire_times() {
        expect!["2026-01-01T00:05:00Z 2026-01-01T00:10:00Z 2026-01-01T00:15:00Z"].assert_eq(&fires(
            "rate(5 minutes)",
            "2026-01-01T00:00:00Z",
            3,
        ));
        expect!["2026-01-01T12:00:00Z 2026-01-02T12:00:00Z"].assert_eq(&fires(
            "cron(0 12 * * ? *)",
            "2026-01-01T00:00:00Z",
            2,
        ));
        // Last day of the month across a leap February.
        expect!["2024-01-31T00:00:00Z 2024-02-29T00:00:00Z 2024-03-31T00:00:00Z"].assert_eq(&fires(
            "cron(0 0 L * ? *)",
            "2024-01-15T00:00:00Z",
            3,
        ));
        // First Monday of the month.
        expect!["2026-02-02T09:00:00Z 2026-03-02T09:00:00Z"].assert_eq(&fires(
            "cron(0 9 ? * 2#1 *)",
            "2026-01-31T00:00:00Z",
            2,
        ));
        // Nearest weekday to the 1st (2026-08-01 is a Saturday → Monday the 3rd).
        expect!["2026-08-03T08:00:00Z"].assert_eq(&fires("cron(0 8 1W * ? *)", "2026-07-15T00:00:00Z", 1));
        // Nearest weekday to the 15th (2026-08-15 is a Saturday → Friday the 14th).
        expect!["2026-08-14T08:00:00Z"].assert_eq(&fires("cron(0 8 15W * ? *)", "2026-08-01T00:00:00Z", 1));
        // Last weekday of the month and last Friday.
        expect!["2026-05-29T18:00:00Z"].assert_eq(&fires("cron(0 18 LW * ? *)", "2026-05-01T00:00:00Z", 1));
        expect!["2026-05-29T18:00:00Z"].assert_eq(&fires("cron(0 18 ? * 6L *)", "2026-05-01T00:00:00Z", 1));
        // Weekdays every 10 minutes, Friday evening rolls to Monday.
        expect!["2026-01-02T23:50:00Z 2026-01-05T00:00:00Z"].assert_eq(&fires(
            "cron(0/10 * ? * MON-FRI *)",
            "2026-01-02T23:45:00Z",
            2,
        ));
        // 29 February only in leap years.
        expect!["2028-02-29T00:00:00Z 2032-02-29T00:00:00Z"].assert_eq(&fires(
            "cron(0 0 29 2 ? *)",
            "2026-01-01T00:00:00Z",
            2,
        ));
        // A bounded year range ends.
        expect!["2027-01-01T00:00:00Z"].assert_eq(&fires("cron(0 0 1 1 ? 2027)", "2026-06-01T00:00:00Z", 5));
        // A rate counts from the moment the rule exists, not from whole minutes.
        expect!["2026-01-01T00:01:30Z"].assert_eq(&fires("rate(1 minute)", "2026-01-01T00:00:30Z", 1));
    }

    #[test]
    fn invalid_expressions_say_why() {
        let errs = [
            "rate(1 minutes)",
            "rate(5 minute)",
            "rate(0 minutes)",
            "rate(5 seconds)",
            "cron(0 12 * * *)",
            "cron(0 12 * * * *)",
            "cron(0 12 ? * ? *)",
            "cron(60 12 * * ? *)",
            "cron(0 12 * 13 ? *)",
            "cron(0 12 ? * 2#6 *)",
            "cron(0 12 ? * 2#1,3#2 *)",
            "cron(0 12W * * ? *)",
            "every 5 minutes",
        ];
        let out: Vec<String> = errs
            .iter()
            .map(|e| format!("{e}: {}", Schedule::parse(e).unwrap_err()))
            .collect();
        expect![[r#"
            rate(1 minutes): Parameter ScheduleExpression is not valid. (a rate of 1 takes the singular unit: rate(1 minute))
            rate(5 minute): Parameter ScheduleExpression is not valid. (a rate above 1 takes the plural unit: rate(5 minutes))
            rate(0 minutes): Parameter ScheduleExpression is not valid. (rate value must be a positive integer, got 0)
            rate(5 seconds): Parameter ScheduleExpression is not valid. (unknown rate unit "seconds" (expected minute(s), hour(s) or day(s)))
            cron(0 12 * * *): Parameter ScheduleExpression is not valid. (cron needs 6 fields (minutes hours day-of-month month day-of-week year), found 5)
            cron(0 12 * * * *): Parameter ScheduleExpression is not valid. (day-of-month and day-of-week cannot both be specified: one of them must be ?)
            cron(0 12 ? * ? *): Parameter ScheduleExpression is not valid. (only one of day-of-month and day-of-week may be ?)
            cron(60 12 * * ? *): Parameter ScheduleExpression is not valid. (minutes: 60 is out of range 0-59)
            cron(0 12 * 13 ? *): Parameter ScheduleExpression is not valid. (month: 13 is out of range 1-12)
            cron(0 12 ? * 2#6 *): Parameter ScheduleExpression is not valid. (day-of-week: #6 must be between 1 and 5)
            cron(0 12 ? * 2#1,3#2 *): Parameter ScheduleExpression is not valid. (only one # expression is allowed in day-of-week)
            cron(0 12W * * ? *): Parameter ScheduleExpression is not valid. (W is only allowed in day-of-month)
            every 5 minutes: Parameter ScheduleExpression is not valid. (expected rate(value unit) or cron(minutes hours day-of-month month day-of-week year))"#]]
        .assert_eq(&out.join("\n"));
    }
}
