//! CloudWatch-style metrics per function and per minute: Invocations, Errors, Throttles (sums),
//! Duration (min, max, average, p50, p95, p99), ConcurrentExecutions (max) and the success rate.
//!
//! Percentiles use the nearest-rank method on the minute's exact samples; CloudWatch estimates
//! them, so tiny differences from a real console are expected. Nothing here formats tables.

use std::collections::BTreeMap;

use serde::Serialize;

use super::model::{InvocationRecord, Outcome};
use crate::sim::SimTime;

#[derive(Debug, Clone, Default)]
struct Minute {
    invocations: u64,
    errors: u64,
    throttles: u64,
    durations_us: Vec<u64>,
    max_concurrency: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Metrics {
    by_fn: BTreeMap<String, BTreeMap<u64, Minute>>,
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

fn minute_of(t: SimTime) -> u64 {
    t.as_secs() / 60
}

impl Metrics {
    fn slot(&mut self, f: &str, t: SimTime) -> &mut Minute {
        self.by_fn
            .entry(f.to_string())
            .or_default()
            .entry(minute_of(t))
            .or_default()
    }
    pub fn throttle(&mut self, f: &str, t: SimTime) {
        self.slot(f, t).throttles += 1;
    }
    pub fn concurrency(&mut self, f: &str, t: SimTime, busy: u32) {
        let m = self.slot(f, t);
        m.max_concurrency = m.max_concurrency.max(busy);
    }
    /// Counts a finished invocation in the minute it started, as CloudWatch does.
    pub fn finish(&mut self, r: &InvocationRecord) {
        let m = self.slot(&r.function, r.arrived);
        m.invocations += 1;
        if matches!(r.outcome, Outcome::Error(_)) {
            m.errors += 1;
        }
        m.durations_us.push(r.duration_us);
    }

    pub fn functions(&self) -> impl Iterator<Item = &String> {
        self.by_fn.keys()
    }

    /// Per-minute rows of one function, every minute from the first to the last with data.
    pub fn table(&self, f: &str) -> Vec<MinuteMetrics> {
        let Some(minutes) = self.by_fn.get(f) else {
            return Vec::new();
        };
        let (Some(first), Some(last)) = (minutes.keys().next(), minutes.keys().next_back()) else {
            return Vec::new();
        };
        (*first..=*last)
            .map(|minute| {
                let empty = Minute::default();
                let m = minutes.get(&minute).unwrap_or(&empty);
                let mut d = m.durations_us.clone();
                d.sort_unstable();
                let ms = |us: u64| us as f64 / 1000.0;
                let pct = |p: u64| -> f64 {
                    if d.is_empty() {
                        return 0.0;
                    }
                    let rank = (p * d.len() as u64).div_ceil(100).max(1);
                    ms(d[(rank - 1) as usize])
                };
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
                    duration_min_ms: d.first().map_or(0.0, |&x| ms(x)),
                    duration_max_ms: d.last().map_or(0.0, |&x| ms(x)),
                    duration_avg_ms: avg,
                    duration_p50_ms: pct(50),
                    duration_p95_ms: pct(95),
                    duration_p99_ms: pct(99),
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
