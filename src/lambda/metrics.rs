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
    durations_us: Durations,
    max_concurrency: u32,
    cold_starts: u64,
    timeouts: u64,
}

/// A period's invocation durations, kept exactly. While they span a range that is narrow for
/// their number, as a count per microsecond of that range: a steady load's minute is 60,000
/// durations within a millisecond or two, a few kilobytes of counts where the samples took half a
/// megabyte (written once each, and the fresh pages they needed cost a tenth of a run in the
/// kernel). Once the range grows wide, as the samples themselves. Either way the order
/// statistics, the least, the greatest and the sum are the samples', so every number reported
/// is the same.
#[derive(Debug, Clone)]
enum Durations {
    /// `counts[i]` durations of `lo + i` µs.
    Counts {
        lo: u64,
        counts: Vec<u32>,
    },
    Samples(Vec<u64>),
}

impl Default for Durations {
    fn default() -> Self {
        Durations::Counts {
            lo: 0,
            counts: Vec::new(),
        }
    }
}

/// Counting goes on while the range is at most this many µs wide for `n` samples: twice the
/// samples (counts then take as much room as the samples would), plus 16 KB of counts.
fn counting_span_limit(n: u64) -> u64 {
    2 * n + 4096
}

impl Durations {
    /// Empty, with room for as many samples as `other` keeps (none when it counts them).
    fn with_capacity_like(other: &Durations) -> Durations {
        match other {
            Durations::Samples(v) => Durations::Samples(Vec::with_capacity(v.len())),
            Durations::Counts { .. } => Durations::default(),
        }
    }
    #[inline(always)]
    fn push(&mut self, d: u64) {
        if let Durations::Counts { lo, counts } = self
            && let Some(c) = counts.get_mut(d.wrapping_sub(*lo) as usize)
        {
            *c += 1;
            return;
        }
        self.push_slow(d);
    }
    /// A sample outside the counted range, or any sample once they are kept as they are.
    #[cold]
    #[inline(never)]
    fn push_slow(&mut self, d: u64) {
        let Durations::Counts { lo, counts } = self else {
            if let Durations::Samples(v) = self {
                v.push(d);
            }
            return;
        };
        let n: u64 = counts.iter().map(|&c| u64::from(c)).sum();
        let (old_lo, old_hi) = if n == 0 {
            (d, d)
        } else {
            (*lo, *lo + counts.len() as u64 - 1)
        };
        let (new_lo, new_hi) = (old_lo.min(d), old_hi.max(d));
        if new_hi - new_lo > counting_span_limit(n + 1) {
            let mut v = Vec::with_capacity(2 * n as usize + 1);
            for (i, &c) in counts.iter().enumerate() {
                v.extend(std::iter::repeat_n(*lo + i as u64, c as usize));
            }
            v.push(d);
            *self = Durations::Samples(v);
            return;
        }
        // Room past the new sample on the side the range grew, a quarter of the range (at least
        // 64 µs), so a range that keeps widening is copied a few times, not at every sample.
        let slack = ((new_hi - new_lo) / 4).max(64);
        let lo2 = if n == 0 || new_lo < old_lo {
            new_lo.saturating_sub(slack)
        } else {
            old_lo
        };
        let hi2 = if n == 0 || new_hi > old_hi {
            new_hi.saturating_add(slack)
        } else {
            old_hi
        };
        let mut grown = vec![0u32; (hi2 - lo2 + 1) as usize];
        if n > 0 {
            let at = (*lo - lo2) as usize;
            grown[at..at + counts.len()].copy_from_slice(counts);
        }
        grown[(d - lo2) as usize] += 1;
        *lo = lo2;
        *counts = grown;
    }
    /// The least and greatest sample, their sum and their number; `None` when there are none.
    fn summary(&self) -> Option<(u64, u64, u64, u64)> {
        match self {
            Durations::Samples(v) => {
                let &first = v.first()?;
                let (lo, hi, sum) = v.iter().fold((first, first, 0u64), |(lo, hi, sum), &x| {
                    (lo.min(x), hi.max(x), sum + x)
                });
                Some((lo, hi, sum, v.len() as u64))
            }
            Durations::Counts { lo, counts } => {
                let first = counts.iter().position(|&c| c > 0)?;
                let last = counts.iter().rposition(|&c| c > 0)?;
                let (mut sum, mut n) = (0u64, 0u64);
                for (i, &c) in counts.iter().enumerate().take(last + 1).skip(first) {
                    sum += (*lo + i as u64) * u64::from(c);
                    n += u64::from(c);
                }
                Some((*lo + first as u64, *lo + last as u64, sum, n))
            }
        }
    }
    /// Nearest-rank percentiles `ps` (ascending), in ms (0 when empty); `scratch` as in
    /// [`percentiles_in`].
    fn percentiles<const N: usize>(&self, ps: [u64; N], scratch: &mut Vec<u32>) -> [f64; N] {
        let Some((lo, hi, _, n)) = self.summary() else {
            return [0.0; N];
        };
        match self {
            Durations::Samples(v) => percentiles_in(v, lo, hi, ps, scratch),
            Durations::Counts { lo: base, counts } => ranks_of_counts(counts, *base, n, ps),
        }
    }
    /// Every sample, in no particular order.
    fn for_each(&self, mut f: impl FnMut(u64)) {
        match self {
            Durations::Samples(v) => v.iter().for_each(|&x| f(x)),
            Durations::Counts { lo, counts } => {
                for (i, &c) in counts.iter().enumerate() {
                    for _ in 0..c {
                        f(*lo + i as u64);
                    }
                }
            }
        }
    }
}

/// One period of one function, held by a loop that records into it ([`Metrics::period`]). Its
/// methods count as [`Metrics::concurrency`] and [`Metrics::finish`] do.
pub(super) struct Period<'m> {
    lo: u64,
    /// The period's length (shorter for the last one, which ends at `u64::MAX`); zero for
    /// [`Period::none`].
    span: u64,
    minute: &'m mut Minute,
}

/// The data [`Period::none`] points at, which nothing records into.
#[derive(Default)]
pub(super) struct NoPeriod(Minute);

impl<'m> Period<'m> {
    /// A period that holds no time: a loop's period before its first event, so the loop asks
    /// only whether its period holds a time, not also whether it has one.
    pub(super) fn none(spare: &'m mut NoPeriod) -> Period<'m> {
        Period {
            lo: 0,
            span: 0,
            minute: &mut spare.0,
        }
    }
    /// Whether `t` falls in this period.
    #[inline(always)]
    pub(super) fn holds(&self, t: SimTime) -> bool {
        t.as_micros().wrapping_sub(self.lo) < self.span
    }
    #[inline(always)]
    pub(super) fn concurrency(&mut self, busy: u32) {
        self.minute.max_concurrency = self.minute.max_concurrency.max(busy);
    }
    #[inline(always)]
    pub(super) fn finish(&mut self, is_error: bool, duration_us: u64) {
        let m = &mut *self.minute;
        m.invocations += 1;
        if is_error {
            m.errors += 1;
        }
        m.durations_us.push(duration_us);
    }
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
    let Some(&first) = d.first() else {
        return [0.0; N];
    };
    let (lo, hi) = d
        .iter()
        .fold((first, first), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    percentiles_in(d, lo, hi, ps, &mut Vec::new())
}

/// Nearest-rank percentiles `ps` (ascending), in ms, of the `n > 0` samples counted in `counts`
/// (`counts[i]` of `lo + i` µs).
fn ranks_of_counts<const N: usize>(counts: &[u32], lo: u64, n: u64, ps: [u64; N]) -> [f64; N] {
    let mut out = [0.0; N];
    let rank = |p: u64| (p * n).div_ceil(100).max(1);
    let (mut seen, mut at) = (0u64, 0usize);
    for (o, &p) in out.iter_mut().zip(&ps) {
        let r = rank(p);
        while seen + u64::from(counts[at]) < r {
            seen += u64::from(counts[at]);
            at += 1;
        }
        *o = (lo + at as u64) as f64 / 1000.0;
    }
    out
}

/// [`percentiles`] of a non-empty `d` whose least and greatest samples are `lo` and `hi`,
/// counting in `counts` (any contents; a caller computing many periods' percentiles passes the
/// same buffer to each, so only the first allocates).
fn percentiles_in<const N: usize>(
    d: &[u64],
    lo: u64,
    hi: u64,
    ps: [u64; N],
    counts: &mut Vec<u32>,
) -> [f64; N] {
    let mut out = [0.0; N];
    let n = d.len() as u64;
    let rank = |p: u64| (p * n).div_ceil(100).max(1);
    let span = hi - lo;
    if span <= 4 * n + 4096 {
        counts.clear();
        counts.resize(span as usize + 1, 0);
        for &x in d {
            counts[(x - lo) as usize] += 1;
        }
        out = ranks_of_counts(counts, lo, n, ps);
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
                // A load's next period takes about as many samples as the one before: reserved
                // at once, its samples are not copied again and again as the vector doubles.
                let durations_us = if i + 1 == v.len() {
                    Durations::with_capacity_like(&v[i].1.durations_us)
                } else {
                    Durations::default()
                };
                v.insert(
                    i + 1,
                    (
                        m,
                        Minute {
                            durations_us,
                            ..Minute::default()
                        },
                    ),
                );
                i + 1
            }
            None => {
                v.insert(0, (m, Minute::default()));
                0
            }
        };
        &mut v[at].1
    }
    /// The period of `f` holding `t`, with the range of time it covers: a loop that records
    /// event after event keeps it, and asks again only for a time outside it (the next
    /// period, or the one before for an invocation that started there), sparing each event the
    /// lookup. It creates the period, as every recording call does, so ask only to record.
    #[inline]
    pub(super) fn period(&mut self, f: FunctionId, t: SimTime) -> Period<'_> {
        let us = t.as_micros();
        let lo = us - us % self.period_us;
        let span = lo.saturating_add(self.period_us) - lo;
        Period {
            lo,
            span,
            minute: self.slot(f, t),
        }
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
        let mut scratch = Vec::new();
        (*first..=*last)
            .map(|index| {
                let m = periods
                    .binary_search_by_key(&index, |(k, _)| *k)
                    .map_or(&empty, |i| &periods[i].1);
                let [p50_ms, p99_ms] = m.durations_us.percentiles([50, 99], &mut scratch);
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
        let d: Vec<u64> =
            self.by_fn
                .get(f.0 as usize)
                .into_iter()
                .flatten()
                .fold(Vec::new(), |mut all, (_, m)| {
                    m.durations_us.for_each(|x| all.push(x));
                    all
                });
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
        let mut counts = Vec::new();
        (*first..=*last)
            .map(|minute| {
                let m = minutes
                    .binary_search_by_key(&minute, |(k, _)| *k)
                    .map_or(&empty, |i| &minutes[i].1);
                // Nearest rank needs three order statistics, not a sorted minute: counting them
                // is linear, where sorting 60,000 samples a minute was a tenth of a run.
                // The least, the greatest and the sum in one pass, the ranks in another: each
                // pass over a minute of a load is 60,000 samples, or a few thousand counts.
                let d = &m.durations_us;
                let ms = |us: u64| us as f64 / 1000.0;
                let (min_ms, max_ms, avg) = match d.summary() {
                    None => (0.0, 0.0, 0.0),
                    Some((lo, hi, sum, n)) => (ms(lo), ms(hi), ms(sum) / n as f64),
                };
                let [p50, p95, p99] = d.percentiles([50, 95, 99], &mut counts);
                MinuteMetrics {
                    minute,
                    invocations: m.invocations,
                    errors: m.errors,
                    throttles: m.throttles,
                    duration_min_ms: min_ms,
                    duration_max_ms: max_ms,
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

    use super::{Durations, percentiles};

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

        /// A period's durations, counted or kept as samples (and switching from one to the
        /// other as the range widens), report what the samples themselves give: the least, the
        /// greatest, the sum, the number, the percentiles, and the samples.
        #[test]
        fn durations_kept_as_counts_report_what_the_samples_give(
            base in 0u64..1_000_000_000,
            spread in prop::sample::select(vec![1u64, 50, 1_500, 5_000, 10_000_000]),
            offsets in prop::collection::vec(0u64..1_000_000_000, 0..3_000),
            late in prop::option::of((0u64..10_000_000, 0usize..3_000)),
        ) {
            let mut d: Vec<u64> = offsets.iter().map(|o| base + o % spread).collect();
            if let Some((far, at)) = late {
                // One far sample somewhere in the run, below or above the rest.
                let x = if far % 2 == 0 { base.saturating_sub(far) } else { base + spread + far };
                d.insert(at.min(d.len()), x);
            }
            let mut kept = Durations::default();
            for &x in &d {
                kept.push(x);
            }
            let summary = d.iter().min().map(|&lo| (lo, *d.iter().max().unwrap(), d.iter().sum::<u64>(), d.len() as u64));
            prop_assert_eq!(kept.summary(), summary);
            let ps = [1, 50, 95, 99, 100];
            prop_assert_eq!(kept.percentiles(ps, &mut Vec::new()), percentiles(&d, ps));
            let mut back = Vec::new();
            kept.for_each(|x| back.push(x));
            back.sort_unstable();
            d.sort_unstable();
            prop_assert_eq!(back, d);
        }
    }

    /// A steady load's minute is counted, in a few kilobytes; a wide one keeps its samples.
    #[test]
    fn narrow_durations_are_counted_and_wide_ones_kept() {
        let mut narrow = Durations::default();
        for i in 0..60_000u64 {
            narrow.push(50_300 + (i * 7919) % 1_200);
        }
        assert!(matches!(&narrow, Durations::Counts { counts, .. } if counts.len() < 4_000));
        let mut wide = Durations::default();
        for i in 0..1_000u64 {
            wide.push(1_000 + i * 100_000);
        }
        assert!(matches!(&wide, Durations::Samples(v) if v.len() == 1_000));
    }
}
