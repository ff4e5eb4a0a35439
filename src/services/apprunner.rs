//! App Runner, lightly: concurrency-based auto scaling (MaxConcurrency requests per instance,
//! MinSize to MaxSize instances) driven by a load timeline, and the provisioned-versus-active
//! bill (aws-facts §10 and Part 2 §5).
//!
//! It does not model request latency, deployments or the build fee; App Runner has been closed to
//! new customers since 30 April 2026, which the book says, the simulator does not care.

use core::fmt;

use serde::Serialize;

use crate::sim::{Context, Engine, Model, SimDuration, SimTime, Trace};

/// us-east-1: active instances pay vCPU and memory, idle (provisioned) ones memory only.
pub const ACTIVE_VCPU_HOUR: f64 = 0.064;
pub const GB_HOUR: f64 = 0.007;

pub const VALID_VCPU: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
pub const VALID_MEMORY_GB: [f64; 9] = [0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 12.0];

/// An AutoScalingConfiguration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AutoScaling {
    pub max_concurrency: u32,
    pub min_size: u32,
    pub max_size: u32,
}

impl Default for AutoScaling {
    fn default() -> Self {
        AutoScaling {
            max_concurrency: 100,
            min_size: 1,
            max_size: 25,
        }
    }
}

impl AutoScaling {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=200).contains(&self.max_concurrency) {
            return Err(format!(
                "MaxConcurrency must be 1–200, not {}",
                self.max_concurrency
            ));
        }
        if !(1..=25).contains(&self.min_size)
            || !(1..=25).contains(&self.max_size)
            || self.min_size > self.max_size
        {
            return Err(format!(
                "MinSize and MaxSize must be 1–25 with MinSize ≤ MaxSize (got {} and {})",
                self.min_size, self.max_size
            ));
        }
        Ok(())
    }
    /// Instances for `concurrency` in-flight requests: never below MinSize, never above MaxSize.
    pub fn instances_for(&self, concurrency: u32) -> u32 {
        concurrency
            .div_ceil(self.max_concurrency)
            .clamp(self.min_size, self.max_size)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bill {
    pub vcpu: f64,
    pub memory_gb: f64,
    pub active_hours: f64,
    pub provisioned_hours: f64,
    pub active_usd: f64,
    pub provisioned_usd: f64,
    pub total_usd: f64,
}

impl fmt::Display for Bill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "app runner {} vCPU / {} GB: active {:.2} instance-h ${:.4} + provisioned {:.2} instance-h ${:.4} = ${:.4}",
            self.vcpu,
            self.memory_gb,
            self.active_hours,
            self.active_usd,
            self.provisioned_hours,
            self.provisioned_usd,
            self.total_usd
        )
    }
}

/// Prices instance-hours; the size must be one App Runner offers.
pub fn bill(vcpu: f64, memory_gb: f64, active_hours: f64, provisioned_hours: f64) -> Result<Bill, String> {
    if !VALID_VCPU.contains(&vcpu) {
        return Err(format!(
            "invalid Cpu {vcpu} vCPU (expected one of: 0.25, 0.5, 1, 2, 4)"
        ));
    }
    if !VALID_MEMORY_GB.contains(&memory_gb) {
        return Err(format!(
            "invalid Memory {memory_gb} GB (expected one of: 0.5, 1, 2, 3, 4, 6, 8, 10, 12)"
        ));
    }
    let active_usd = active_hours * (vcpu * ACTIVE_VCPU_HOUR + memory_gb * GB_HOUR);
    let provisioned_usd = provisioned_hours * memory_gb * GB_HOUR;
    Ok(Bill {
        vcpu,
        memory_gb,
        active_hours,
        provisioned_hours,
        active_usd,
        provisioned_usd,
        total_usd: active_usd + provisioned_usd,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub concurrency: u32,
    pub instances: u32,
    pub active: u32,
    pub rejected: u32,
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "apprunner concurrency={} instances={} active={} provisioned={}",
            self.concurrency,
            self.instances,
            self.active,
            self.instances - self.active
        )?;
        if self.rejected > 0 {
            write!(f, " rejected={} (429 Too Many Requests)", self.rejected)?;
        }
        Ok(())
    }
}

/// The service: instances follow the in-flight requests; time spent is summed for the bill.
pub struct AppRunner {
    pub scaling: AutoScaling,
    instances: u32,
    active: u32,
    since: SimTime,
    active_us: u128,
    provisioned_us: u128,
}

impl Model for AppRunner {
    /// A new number of in-flight requests.
    type Event = u32;
    type Record = Record;
    fn handle(&mut self, concurrency: u32, cx: &mut Context<'_, u32, Record>) {
        self.account(cx.now());
        self.instances = self.scaling.instances_for(concurrency);
        // An instance is active while it handles at least one request.
        self.active = concurrency
            .div_ceil(self.scaling.max_concurrency)
            .min(self.instances);
        let capacity = self.instances * self.scaling.max_concurrency;
        cx.record(Record {
            concurrency,
            instances: self.instances,
            active: self.active,
            rejected: concurrency.saturating_sub(capacity),
        });
    }
}

impl AppRunner {
    fn account(&mut self, now: SimTime) {
        let dt = u128::from(now.since(self.since).as_micros());
        self.active_us += dt * u128::from(self.active);
        self.provisioned_us += dt * u128::from(self.instances - self.active);
        self.since = now;
    }
}

/// Runs a load timeline `(at, in-flight requests)` until `end` and bills it.
pub fn simulate(
    scaling: AutoScaling,
    vcpu: f64,
    memory_gb: f64,
    load: &[(SimDuration, u32)],
    end: SimDuration,
) -> Result<(Trace<Record>, Bill), String> {
    scaling.validate()?;
    let model = AppRunner {
        scaling,
        instances: scaling.min_size,
        active: 0,
        since: SimTime::ZERO,
        active_us: 0,
        provisioned_us: 0,
    };
    let mut e = Engine::new(model, 0);
    e.schedule_at(SimTime::ZERO, 0);
    for (at, c) in load {
        e.schedule_at(SimTime::ZERO + *at, *c);
    }
    e.run_until(SimTime::ZERO + end);
    let now = e.now();
    e.model_mut().account(now);
    let (m, trace) = e.into_parts();
    let hours = |us: u128| us as f64 / 3.6e9;
    let b = bill(vcpu, memory_gb, hours(m.active_us), hours(m.provisioned_us))?;
    Ok((trace, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_by_concurrency_and_bills_idle_instances_for_memory_only() {
        let load = [
            (SimDuration::from_mins(60), 250),
            (SimDuration::from_mins(120), 3000),
            (SimDuration::from_mins(180), 0),
        ];
        let (trace, bill) = simulate(
            AutoScaling::default(),
            1.0,
            2.0,
            &load,
            SimDuration::from_mins(240),
        )
        .expect("valid");
        expect_test::expect![[r#"
            t=00:00:00.000 apprunner concurrency=0 instances=1 active=0 provisioned=1
            t=01:00:00.000 apprunner concurrency=250 instances=3 active=3 provisioned=0
            t=02:00:00.000 apprunner concurrency=3000 instances=25 active=25 provisioned=0 rejected=500 (429 Too Many Requests)
            t=03:00:00.000 apprunner concurrency=0 instances=1 active=0 provisioned=1
            app runner 1 vCPU / 2 GB: active 28.00 instance-h $2.1840 + provisioned 2.00 instance-h $0.0280 = $2.2120
        "#]].assert_eq(&format!("{trace}{bill}\n"));
        assert!(bill.provisioned_hours > 0.0 && bill.active_hours > 0.0);
    }

    #[test]
    fn invalid_settings_are_refused() {
        assert!(
            AutoScaling {
                max_concurrency: 201,
                ..AutoScaling::default()
            }
            .validate()
            .is_err()
        );
        assert!(
            AutoScaling {
                min_size: 0,
                ..AutoScaling::default()
            }
            .validate()
            .is_err()
        );
        assert!(bill(3.0, 2.0, 1.0, 0.0).is_err());
        assert!(bill(1.0, 5.0, 1.0, 0.0).is_err());
    }
}
