//! CloudWatch-style metrics per function and per minute: Invocations, Errors, Throttles (sums),
//! Duration (min, max, average, p50, p95, p99), ConcurrentExecutions (max) and the success rate.
//!
//! Percentiles use the nearest-rank method on the minute's exact samples; CloudWatch estimates
//! them, so tiny differences from a real console are expected. Nothing here formats tables.
//!
//! The period is a minute, as CloudWatch's default; a lab's load chart asks for shorter buckets
//! ([`Metrics::with_period`]), and then "minute" in the names below means one period.

use serde::Serialize;

use super::ids::FunctionId;
use crate::sim::SimTime;

#[derive(Debug, Clone, Default)]
struct Minute {
    invocations: u64,
    errors: u64,
    throttles: u64,
    durations_us: Vec<u64>,
    max_concurrency: u32,
    cold_starts: u64,
    timeouts: u64,
}

/// Per function (indexed by [`FunctionId`]), per minute since simulated zero.
#[derive(Debug, Clone)]
pub struct Metrics {
    /// Seconds per period (60 unless [`Metrics::with_period`] chose otherwise).
    period_s: u64,
    /// The same in µs, for the lookup every invocation makes.
    period_us: u64,
    names: Vec<String>,
    /// (minute, data) in minute order; time only moves forward, so the slot sought is almost
    /// always the last one.
    by_fn: Vec<Vec<(u64, Minute)>>,
}

/// One row of the per-minute table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MinuteMetrics {
    pub minute: u64,
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    pub duration_min_ms: f64,
    pub duration_max_ms: f64,
    pub duration_avg_ms: f64,
    pub duration_p50_ms: f64,
    pub duration_p95_ms: f64,
    pub duration_p99_ms: f64,
    pub concurrent_executions: u32,
    /// (Invocations − Errors) / Invocations, in percent; 100 when nothing ran.
    pub success_rate: f64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::with_period(60)
    }
}

/// One period of one function for a chart: counts, exact percentiles and peaks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    /// The period's index since simulated zero.
    pub index: u64,
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    pub timeouts: u64,
    pub cold_starts: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_concurrency: u32,
}

/// Nearest-rank percentiles `ps` (ascending) of `d`, in ms (0 when empty).
///
/// A period's durations usually span a narrow range (one handler plus jitter), so they are
/// counted per microsecond in one pass and the ranks read off the counts; a range much wider than
/// the number of samples falls back to selecting on a copy. Both give the exact order statistics.
fn percentiles<const N: usize>(d: &[u64], ps: [u64; N]) -> [f64; N] {
    let mut out = [0.0; N];
    let Some(&first) = d.first() else {
        return out;
    };
    let (lo, hi) = d
        .iter()
        .fold((first, first), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    let n = d.len() as u64;
    let rank = |p: u64| (p * n).div_ceil(100).max(1);
    let span = hi - lo;
    if span <= 4 * n + 4096 {
        let mut counts = vec![0u32; span as usize + 1];
        for &x in d {
            counts[(x - lo) as usize] += 1;
        }
        let (mut seen, mut at) = (0u64, 0usize);
        for (o, &p) in out.iter_mut().zip(&ps) {
            let r = rank(p);
            while seen + u64::from(counts[at]) < r {
                seen += u64::from(counts[at]);
                at += 1;
            }
            *o = (lo + at as u64) as f64 / 1000.0;
        }
    } else {
        let mut d = d.to_vec();
        for (o, &p) in out.iter_mut().zip(&ps) {
            *o = *d.select_nth_unstable((rank(p) - 1) as usize).1 as f64 / 1000.0;
        }
    }
    out
}

impl Metrics {
    /// Metrics in periods of `period_s` seconds (at least 1).
    pub fn with_period(period_s: u64) -> Metrics {
        Metrics {
            period_s: period_s.max(1),
            period_us: period_s.max(1) * 1_000_000,
            names: Vec::new(),
            by_fn: Vec::new(),
        }
    }
    pub fn period_s(&self) -> u64 {
        self.period_s
    }

    /// Registers a function; the account calls it once per function, in id order.
    pub fn add_function(&mut self, f: FunctionId, name: &str) {
        debug_assert_eq!(f.0 as usize, self.names.len(), "functions are added in id order");
        self.names.push(name.to_string());
        self.by_fn.push(Vec::new());
    }
    /// The data of `f`'s period holding `t`. Almost every call lands in the latest period: that
    /// case is answered inline, without the search and without a division (the period of `t` is
    /// k when k·period <= t < (k+1)·period).
    #[inline(always)]
    fn slot(&mut self, f: FunctionId, t: SimTime) -> &mut Minute {
        let period_us = self.period_us;
        let us = t.as_micros();
        let latest = self.by_fn[f.0 as usize]
            .last()
            .is_some_and(|(k, _)| us.wrapping_sub(k * period_us) < period_us);
        if latest {
            return &mut self.by_fn[f.0 as usize].last_mut().expect("just checked").1;
        }
        self.slot_elsewhere(f, us / period_us)
    }
    /// The data of period `m` (whole periods of whole seconds: one division of the µs gives
    /// the same, as floors compose), found or inserted in order.
    #[cold]
    fn slot_elsewhere(&mut self, f: FunctionId, m: u64) -> &mut Minute {
        let v = &mut self.by_fn[f.0 as usize];
        let i = v.iter().rposition(|(k, _)| *k <= m);
        let at = match i {
            Some(i) if v[i].0 == m => i,
            Some(i) => {
                v.insert(i + 1, (m, Minute::default()));
                i + 1
            }
            None => {
                v.insert(0, (m, Minute::default()));
                0
            }
        };
        &mut v[at].1
    }
    pub fn throttle(&mut self, f: FunctionId, t: SimTime) {
        self.slot(f, t).throttles += 1;
    }
    #[inline(always)]
    pub fn concurrency(&mut self, f: FunctionId, t: SimTime, busy: u32) {
        let m = self.slot(f, t);
        m.max_concurrency = m.max_concurrency.max(busy);
    }
    /// Counts a new execution environment in the period it started.
    pub fn cold_start(&mut self, f: FunctionId, t: SimTime) {
        self.slot(f, t).cold_starts += 1;
    }
    /// Counts a timed-out invocation in the period it started.
    pub fn timeout(&mut self, f: FunctionId, started: SimTime) {
        self.slot(f, started).timeouts += 1;
    }
    /// Counts a finished invocation in the minute it started, as CloudWatch does.
    #[inline(always)]
    pub fn finish(&mut self, f: FunctionId, started: SimTime, is_error: bool, duration_us: u64) {
        let m = self.slot(f, started);
        m.invocations += 1;
        if is_error {
            m.errors += 1;
        }
        m.durations_us.push(duration_us);
    }

    /// Names of the functions that have data, in name order.
    pub fn functions(&self) -> impl Iterator<Item = &String> {
        let mut names: Vec<&String> = self
            .names
            .iter()
            .zip(&self.by_fn)
            .filter(|(_, m)| !m.is_empty())
            .map(|(n, _)| n)
            .collect();
        names.sort();
        names.into_iter()
    }

    /// The periods of one function for a chart, every period from the first to the last with
    /// data.
    pub fn buckets(&self, f: FunctionId) -> Vec<Bucket> {
        let Some(periods) = self.by_fn.get(f.0 as usize) else {
            return Vec::new();
        };
        let (Some((first, _)), Some((last, _))) = (periods.first(), periods.last()) else {
            return Vec::new();
        };
        let empty = Minute::default();
        (*first..=*last)
            .map(|index| {
                let m = periods
                    .binary_search_by_key(&index, |(k, _)| *k)
                    .map_or(&empty, |i| &periods[i].1);
                let [p50_ms, p99_ms] = percentiles(&m.durations_us, [50, 99]);
                Bucket {
                    index,
                    invocations: m.invocations,
                    errors: m.errors,
                    throttles: m.throttles,
                    timeouts: m.timeouts,
                    cold_starts: m.cold_starts,
                    p50_ms,
                    p99_ms,
                    max_concurrency: m.max_concurrency,
                }
            })
            .collect()
    }

    /// p50 and p99 in ms over every invocation of one function.
    pub fn overall_percentiles(&self, f: FunctionId) -> (f64, f64) {
        let d: Vec<u64> = self
            .by_fn
            .get(f.0 as usize)
            .into_iter()
            .flatten()
            .flat_map(|(_, m)| m.durations_us.iter().copied())
            .collect();
        let [p50, p99] = percentiles(&d, [50, 99]);
        (p50, p99)
    }

    /// Per-minute rows of one function, every minute from the first to the last with data.
    pub fn table(&self, f: &str) -> Vec<MinuteMetrics> {
        let Some(minutes) = self.names.iter().position(|n| n == f).map(|i| &self.by_fn[i]) else {
            return Vec::new();
        };
        let (Some((first, _)), Some((last, _))) = (minutes.first(), minutes.last()) else {
            return Vec::new();
        };
        let empty = Minute::default();
        (*first..=*last)
            .map(|minute| {
                let m = minutes
                    .binary_search_by_key(&minute, |(k, _)| *k)
                    .map_or(&empty, |i| &minutes[i].1);
                // Nearest rank needs three order statistics, not a sorted minute: counting them
                // is linear, where sorting 60,000 samples a minute was a tenth of a run.
                let d = &m.durations_us;
                let ms = |us: u64| us as f64 / 1000.0;
                let [p50, p95, p99] = percentiles(d, [50, 95, 99]);
                let avg = if d.is_empty() {
                    0.0
                } else {
                    ms(d.iter().sum::<u64>()) / d.len() as f64
                };
                MinuteMetrics {
                    minute,
                    invocations: m.invocations,
                    errors: m.errors,
                    throttles: m.throttles,
                    duration_min_ms: d.iter().min().map_or(0.0, |&x| ms(x)),
                    duration_max_ms: d.iter().max().map_or(0.0, |&x| ms(x)),
                    duration_avg_ms: avg,
                    duration_p50_ms: p50,
                    duration_p95_ms: p95,
                    duration_p99_ms: p99,
                    concurrent_executions: m.max_concurrency,
                    success_rate: if m.invocations == 0 {
                        100.0
                    } else {
                        (m.invocations - m.errors) as f64 * 100.0 / m.invocations as f64
                    },
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::percentiles;

    proptest! {
        /// Counting (narrow ranges) and selecting (wide ones) both give the nearest-rank
        /// percentiles of the sorted samples.
        #[test]
        fn percentiles_are_the_nearest_ranks_of_the_sorted_samples(
            base in 0u64..1_000_000_000,
            spread in prop::sample::select(vec![1u64, 100, 10_000, 100_000_000]),
            offsets in prop::collection::vec(0u64..1_000_000_000, 0..300),
        ) {
            let d: Vec<u64> = offsets.iter().map(|o| base + o % spread).collect();
            let mut sorted = d.clone();
            sorted.sort_unstable();
            let want = |p: u64| {
                let rank = (p * d.len() as u64).div_ceil(100).max(1);
                sorted.get(rank as usize - 1).map_or(0.0, |&x| x as f64 / 1000.0)
            };
            prop_assert_eq!(percentiles(&d, [1, 50, 95, 99, 100]), [want(1), want(50), want(95), want(99), want(100)]);
        }
    }
}
