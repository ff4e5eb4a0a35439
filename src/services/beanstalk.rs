//! Elastic Beanstalk deployment policies over time: AllAtOnce, Rolling, RollingWithAdditionalBatch,
//! Immutable and TrafficSplitting, showing instances in service per version, capacity against the
//! environment's normal size, and the share of requests that fail (aws-facts Part 2 §8).
//!
//! A deployment is a list of phases replayed on the shared engine, one trace line per phase;
//! `cloudbook sim beanstalk` prints them with a [`Summary`]. It does not model the load balancer's
//! connection draining or EC2 burst credits.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::sim::{Context, Engine, Model, SimDuration, SimTime, Trace};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Policy {
    AllAtOnce,
    Rolling,
    RollingWithAdditionalBatch,
    Immutable,
    TrafficSplitting,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchSize {
    Percentage(u32),
    Fixed(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Deployment {
    pub policy: Policy,
    pub instances: u32,
    pub batch_size: BatchSize,
    /// Installing the new version on a running instance and restarting the app.
    pub deploy: SimDuration,
    /// Launching a fresh instance (for additional batches, Immutable and TrafficSplitting).
    pub launch: SimDuration,
    pub health_check: SimDuration,
    /// Whether the new version passes health checks.
    pub healthy: bool,
    /// TrafficSplitting: NewVersionPercent (default 10) for EvaluationTime (default 5 min).
    pub new_version_percent: u32,
    pub evaluation: SimDuration,
}

impl Deployment {
    /// EB's defaults: BatchSize 100 % is what makes AllAtOnce-like rolling; callers set their own.
    pub fn new(policy: Policy, instances: u32) -> Self {
        Deployment {
            policy,
            instances,
            batch_size: BatchSize::Percentage(25),
            deploy: SimDuration::from_secs(60),
            launch: SimDuration::from_secs(90),
            health_check: SimDuration::from_secs(30),
            healthy: true,
            new_version_percent: 10,
            evaluation: SimDuration::from_mins(5),
        }
    }
    fn batch(&self) -> u32 {
        let b = match self.batch_size {
            BatchSize::Percentage(p) => (self.instances * p).div_ceil(100),
            BatchSize::Fixed(n) => n,
        };
        b.clamp(1, self.instances.max(1))
    }
}

/// One line: what the environment looks like from now on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub phase: String,
    pub old_in_service: u32,
    pub new_in_service: u32,
    pub out_of_service: u32,
    /// Percent of normal capacity serving requests.
    pub capacity_percent: u32,
    /// Percent of requests that get an error.
    pub error_percent: u32,
    pub new_traffic_percent: u32,
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "eb {} | in service old={} new={} out={} | capacity={}% errors={}% new-traffic={}%",
            self.phase,
            self.old_in_service,
            self.new_in_service,
            self.out_of_service,
            self.capacity_percent,
            self.error_percent,
            self.new_traffic_percent
        )
    }
}

/// Plays the phases: each event is the index of the next phase.
struct Player {
    phases: Vec<(SimDuration, Record)>,
}

impl Model for Player {
    type Event = usize;
    type Record = Record;
    fn handle(&mut self, k: usize, cx: &mut Context<'_, usize, Record>) {
        let (after, record) = self.phases[k].clone();
        cx.record(record);
        if k + 1 < self.phases.len() {
            cx.schedule(after, k + 1);
        }
    }
}

/// The phases of a deployment, then the engine's trace of them.
pub fn simulate(d: &Deployment) -> Trace<Record> {
    let n = d.instances;
    let mut phases: Vec<(SimDuration, Record)> = vec![];
    let mut push = |dur: SimDuration, phase: String, old: u32, new: u32, out: u32, new_traffic: u32| {
        let serving = old + new;
        let cap = (serving * 100).checked_div(n).unwrap_or(0);
        // Requests fail when nothing serves, or when an unhealthy new version gets traffic.
        let bad_new = if d.healthy { 0 } else { new_traffic };
        let errors = if serving == 0 { 100 } else { bad_new };
        phases.push((
            dur,
            Record {
                phase,
                old_in_service: old,
                new_in_service: new,
                out_of_service: out,
                capacity_percent: cap,
                error_percent: errors,
                new_traffic_percent: new_traffic,
            },
        ));
    };
    let step = d.deploy + d.health_check;
    let launch = d.launch + d.health_check;
    let share = |new: u32, old: u32| (new * 100).checked_div(new + old).unwrap_or(0);
    match d.policy {
        Policy::AllAtOnce => {
            push(
                step,
                format!("AllAtOnce: deploying to all {n} instances (brief outage)"),
                0,
                0,
                n,
                0,
            );
            if d.healthy {
                push(SimDuration::ZERO, "AllAtOnce: done".into(), 0, n, 0, 100);
            } else {
                push(
                    SimDuration::ZERO,
                    "AllAtOnce: new version unhealthy on every instance; redeploy the previous version"
                        .into(),
                    0,
                    n,
                    0,
                    100,
                );
            }
        }
        Policy::Rolling | Policy::RollingWithAdditionalBatch => {
            let b = d.batch();
            let extra = d.policy == Policy::RollingWithAdditionalBatch;
            let name = if extra {
                "RollingWithAdditionalBatch"
            } else {
                "Rolling"
            };
            let (mut old, mut new) = (n, 0);
            if extra {
                push(
                    launch,
                    format!("{name}: launching an additional batch of {b}"),
                    old,
                    0,
                    0,
                    0,
                );
                new = b;
                if !d.healthy {
                    // Failing health checks keeps the new batch out of the load balancer.
                    push(
                        SimDuration::ZERO,
                        format!("{name}: additional batch failed health checks; deployment stopped"),
                        old,
                        0,
                        b,
                        0,
                    );
                    return play(phases);
                }
            }
            let batches = n.div_ceil(b);
            for k in 1..=batches {
                let this = b.min(old);
                // The additional batch replaces the last batch instead of being terminated new.
                if extra && k == batches {
                    push(
                        SimDuration::ZERO,
                        format!(
                            "{name}: terminating the last {this} old instances (the additional batch replaces them)"
                        ),
                        old - this,
                        new,
                        0,
                        100,
                    );
                    old -= this;
                    break;
                }
                push(
                    step,
                    format!("{name}: batch {k}/{batches} ({this} instances) out of service"),
                    old - this,
                    new,
                    this,
                    share(new, old - this),
                );
                old -= this;
                if !d.healthy {
                    push(
                        SimDuration::ZERO,
                        format!(
                            "{name}: batch {k} failed health checks; deployment stopped, {this} instances out of service"
                        ),
                        old,
                        new,
                        this,
                        share(new, old),
                    );
                    return play(phases);
                }
                new += this;
            }
            push(SimDuration::ZERO, format!("{name}: done"), old, new, 0, 100);
        }
        Policy::Immutable => {
            push(
                launch,
                "Immutable: one new instance in a temporary Auto Scaling group".into(),
                n,
                0,
                0,
                0,
            );
            if !d.healthy {
                push(SimDuration::ZERO, "Immutable: new instance failed health checks; temporary group terminated, originals untouched".into(), n, 0, 0, 0);
                return play(phases);
            }
            push(
                launch,
                format!(
                    "Immutable: launching the other {} new instances (capacity doubles)",
                    n.saturating_sub(1)
                ),
                n,
                1,
                0,
                share(1, n),
            );
            push(
                SimDuration::from_secs(30),
                "Immutable: new instances moved to the original group; old ones terminating".into(),
                n,
                n,
                0,
                50,
            );
            push(SimDuration::ZERO, "Immutable: done".into(), 0, n, 0, 100);
        }
        Policy::TrafficSplitting => {
            push(
                launch,
                format!("TrafficSplitting: launching {n} new instances"),
                n,
                0,
                0,
                0,
            );
            push(
                d.evaluation,
                format!(
                    "TrafficSplitting: {}% of traffic to the new version for {}",
                    d.new_version_percent, d.evaluation
                ),
                n,
                n,
                0,
                d.new_version_percent,
            );
            if d.healthy {
                push(
                    SimDuration::ZERO,
                    "TrafficSplitting: evaluation passed; all traffic shifted, old instances terminated"
                        .into(),
                    0,
                    n,
                    0,
                    100,
                );
            } else {
                push(
                    SimDuration::ZERO,
                    "TrafficSplitting: evaluation failed; traffic moved back, new instances terminated"
                        .into(),
                    n,
                    0,
                    0,
                    0,
                );
            }
        }
    }
    play(phases)
}

fn play(phases: Vec<(SimDuration, Record)>) -> Trace<Record> {
    let mut e = Engine::new(Player { phases }, 0);
    e.schedule_at(SimTime::ZERO, 0);
    e.run(10_000);
    e.into_parts().1
}

impl Policy {
    /// The policy's name in `aws:elasticbeanstalk:command` DeploymentPolicy.
    pub fn name(self) -> &'static str {
        match self {
            Policy::AllAtOnce => "AllAtOnce",
            Policy::Rolling => "Rolling",
            Policy::RollingWithAdditionalBatch => "RollingWithAdditionalBatch",
            Policy::Immutable => "Immutable",
            Policy::TrafficSplitting => "TrafficSplitting",
        }
    }
}

/// Reads a BatchSize as written on the command line: `25%` (BatchSizeType Percentage) or `2`
/// (BatchSizeType Fixed).
pub fn parse_batch_size(s: &str) -> Result<BatchSize, String> {
    let s = s.trim();
    let (digits, percent) = match s.strip_suffix('%') {
        Some(d) => (d.trim(), true),
        None => (s, false),
    };
    let n: u32 = digits.parse().map_err(|_| {
        format!("invalid batch size {s:?} (write a percentage like 25% or a number of instances like 2)")
    })?;
    Ok(if percent {
        BatchSize::Percentage(n)
    } else {
        BatchSize::Fixed(n)
    })
}

impl Deployment {
    /// What Elastic Beanstalk would refuse in these options, each with the valid range; empty
    /// when the deployment can run.
    pub fn problems(&self) -> Vec<String> {
        let mut p = vec![];
        if self.instances == 0 {
            p.push("instances must be at least 1".to_string());
        }
        match self.batch_size {
            BatchSize::Percentage(n) if !(1..=100).contains(&n) => {
                p.push(format!("BatchSize {n}% is out of range (Percentage: 1–100)"));
            }
            BatchSize::Fixed(n) if n == 0 || n > self.instances.max(1) => p.push(format!(
                "BatchSize {n} is out of range (Fixed: 1 to the group's {} instances)",
                self.instances
            )),
            _ => {}
        }
        if !(1..=100).contains(&self.new_version_percent) {
            p.push(format!(
                "NewVersionPercent {} is out of range (1–100)",
                self.new_version_percent
            ));
        }
        if !(SimDuration::from_mins(3)..=SimDuration::from_mins(600)).contains(&self.evaluation) {
            p.push(format!(
                "EvaluationTime {} is out of range (3–600 minutes)",
                self.evaluation
            ));
        }
        p
    }
}

/// A deployment at a glance: how long it took, the capacity it dipped to or rose to, the worst
/// error rate, and whether the new version ended up serving everything.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub policy: Policy,
    /// From the first phase to the last.
    pub took: SimDuration,
    pub min_capacity_percent: u32,
    pub max_capacity_percent: u32,
    pub max_error_percent: u32,
    /// Every instance runs the new version and takes all traffic.
    pub deployed: bool,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} in {} | capacity {}%–{}% | errors up to {}%",
            self.policy.name(),
            if self.deployed { "deployed" } else { "not deployed" },
            self.took,
            self.min_capacity_percent,
            self.max_capacity_percent,
            self.max_error_percent
        )
    }
}

/// Sums up the trace [`simulate`] gave for `d`.
pub fn summarize(d: &Deployment, trace: &Trace<Record>) -> Summary {
    let entries = trace.entries();
    let records = entries.iter().map(|e| &e.record);
    let last = entries.last();
    Summary {
        policy: d.policy,
        took: last.map_or(SimDuration::ZERO, |e| e.at.since(SimTime::ZERO)),
        min_capacity_percent: records.clone().map(|r| r.capacity_percent).min().unwrap_or(0),
        max_capacity_percent: records.clone().map(|r| r.capacity_percent).max().unwrap_or(0),
        max_error_percent: records.map(|r| r.error_percent).max().unwrap_or(0),
        deployed: last.is_some_and(|e| {
            e.record.old_in_service == 0
                && e.record.new_in_service == d.instances
                && e.record.error_percent == 0
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_policy_over_time() {
        let mut out = String::new();
        for policy in [
            Policy::AllAtOnce,
            Policy::Rolling,
            Policy::RollingWithAdditionalBatch,
            Policy::Immutable,
            Policy::TrafficSplitting,
        ] {
            for healthy in [true, false] {
                let d = Deployment {
                    healthy,
                    batch_size: BatchSize::Fixed(2),
                    ..Deployment::new(policy, 4)
                };
                out += &format!("# {policy:?} healthy={healthy}\n{}", simulate(&d));
            }
        }
        expect_test::expect![[r#"
            # AllAtOnce healthy=true
            t=00:00:00.000 eb AllAtOnce: deploying to all 4 instances (brief outage) | in service old=0 new=0 out=4 | capacity=0% errors=100% new-traffic=0%
            t=00:01:30.000 eb AllAtOnce: done | in service old=0 new=4 out=0 | capacity=100% errors=0% new-traffic=100%
            # AllAtOnce healthy=false
            t=00:00:00.000 eb AllAtOnce: deploying to all 4 instances (brief outage) | in service old=0 new=0 out=4 | capacity=0% errors=100% new-traffic=0%
            t=00:01:30.000 eb AllAtOnce: new version unhealthy on every instance; redeploy the previous version | in service old=0 new=4 out=0 | capacity=100% errors=100% new-traffic=100%
            # Rolling healthy=true
            t=00:00:00.000 eb Rolling: batch 1/2 (2 instances) out of service | in service old=2 new=0 out=2 | capacity=50% errors=0% new-traffic=0%
            t=00:01:30.000 eb Rolling: batch 2/2 (2 instances) out of service | in service old=0 new=2 out=2 | capacity=50% errors=0% new-traffic=100%
            t=00:03:00.000 eb Rolling: done | in service old=0 new=4 out=0 | capacity=100% errors=0% new-traffic=100%
            # Rolling healthy=false
            t=00:00:00.000 eb Rolling: batch 1/2 (2 instances) out of service | in service old=2 new=0 out=2 | capacity=50% errors=0% new-traffic=0%
            t=00:01:30.000 eb Rolling: batch 1 failed health checks; deployment stopped, 2 instances out of service | in service old=2 new=0 out=2 | capacity=50% errors=0% new-traffic=0%
            # RollingWithAdditionalBatch healthy=true
            t=00:00:00.000 eb RollingWithAdditionalBatch: launching an additional batch of 2 | in service old=4 new=0 out=0 | capacity=100% errors=0% new-traffic=0%
            t=00:02:00.000 eb RollingWithAdditionalBatch: batch 1/2 (2 instances) out of service | in service old=2 new=2 out=2 | capacity=100% errors=0% new-traffic=50%
            t=00:03:30.000 eb RollingWithAdditionalBatch: terminating the last 2 old instances (the additional batch replaces them) | in service old=0 new=4 out=0 | capacity=100% errors=0% new-traffic=100%
            t=00:03:30.000 eb RollingWithAdditionalBatch: done | in service old=0 new=4 out=0 | capacity=100% errors=0% new-traffic=100%
            # RollingWithAdditionalBatch healthy=false
            t=00:00:00.000 eb RollingWithAdditionalBatch: launching an additional batch of 2 | in service old=4 new=0 out=0 | capacity=100% errors=0% new-traffic=0%
            t=00:02:00.000 eb RollingWithAdditionalBatch: additional batch failed health checks; deployment stopped | in service old=4 new=0 out=2 | capacity=100% errors=0% new-traffic=0%
            # Immutable healthy=true
            t=00:00:00.000 eb Immutable: one new instance in a temporary Auto Scaling group | in service old=4 new=0 out=0 | capacity=100% errors=0% new-traffic=0%
            t=00:02:00.000 eb Immutable: launching the other 3 new instances (capacity doubles) | in service old=4 new=1 out=0 | capacity=125% errors=0% new-traffic=20%
            t=00:04:00.000 eb Immutable: new instances moved to the original group; old ones terminating | in service old=4 new=4 out=0 | capacity=200% errors=0% new-traffic=50%
            t=00:04:30.000 eb Immutable: done | in service old=0 new=4 out=0 | capacity=100% errors=0% new-traffic=100%
            # Immutable healthy=false
            t=00:00:00.000 eb Immutable: one new instance in a temporary Auto Scaling group | in service old=4 new=0 out=0 | capacity=100% errors=0% new-traffic=0%
            t=00:02:00.000 eb Immutable: new instance failed health checks; temporary group terminated, originals untouched | in service old=4 new=0 out=0 | capacity=100% errors=0% new-traffic=0%
            # TrafficSplitting healthy=true
            t=00:00:00.000 eb TrafficSplitting: launching 4 new instances | in service old=4 new=0 out=0 | capacity=100% errors=0% new-traffic=0%
            t=00:02:00.000 eb TrafficSplitting: 10% of traffic to the new version for 5m | in service old=4 new=4 out=0 | capacity=200% errors=0% new-traffic=10%
            t=00:07:00.000 eb TrafficSplitting: evaluation passed; all traffic shifted, old instances terminated | in service old=0 new=4 out=0 | capacity=100% errors=0% new-traffic=100%
            # TrafficSplitting healthy=false
            t=00:00:00.000 eb TrafficSplitting: launching 4 new instances | in service old=4 new=0 out=0 | capacity=100% errors=0% new-traffic=0%
            t=00:02:00.000 eb TrafficSplitting: 10% of traffic to the new version for 5m | in service old=4 new=4 out=0 | capacity=200% errors=10% new-traffic=10%
            t=00:07:00.000 eb TrafficSplitting: evaluation failed; traffic moved back, new instances terminated | in service old=4 new=0 out=0 | capacity=100% errors=0% new-traffic=0%
        "#]].assert_eq(&out);
    }

    #[test]
    fn batch_sizes_read_as_written_and_out_of_range_options_are_refused() {
        assert_eq!(parse_batch_size("25%"), Ok(BatchSize::Percentage(25)));
        assert_eq!(parse_batch_size(" 2 "), Ok(BatchSize::Fixed(2)));
        assert!(parse_batch_size("half").is_err());
        let ok = Deployment::new(Policy::Rolling, 4);
        assert!(ok.problems().is_empty(), "{:?}", ok.problems());
        let bad = Deployment {
            batch_size: BatchSize::Fixed(5),
            new_version_percent: 101,
            evaluation: SimDuration::from_mins(601),
            ..ok
        };
        assert_eq!(bad.problems().len(), 3, "{:?}", bad.problems());
    }

    #[test]
    fn a_summary_reads_the_worst_moments_off_the_trace() {
        let d = Deployment {
            batch_size: BatchSize::Fixed(2),
            ..Deployment::new(Policy::Immutable, 4)
        };
        let s = summarize(&d, &simulate(&d));
        assert_eq!(
            s.to_string(),
            "Immutable: deployed in 270s | capacity 100%–200% | errors up to 0%"
        );
        let unhealthy = Deployment { healthy: false, ..d };
        assert!(!summarize(&unhealthy, &simulate(&unhealthy)).deployed);
    }
}
