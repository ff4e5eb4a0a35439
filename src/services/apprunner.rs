//! App Runner, lightly: the provisioned-versus-active bill (aws-facts §10 and Part 2 §5) behind
//! `cloudbook sim price apprunner`.
//!
//! It does not model auto scaling, request latency, deployments or the build fee; App Runner has
//! been closed to new customers since 30 April 2026, so no lab simulates it.

use core::fmt;

use serde::Serialize;

/// us-east-1: active instances pay vCPU and memory, idle (provisioned) ones memory only.
pub const ACTIVE_VCPU_HOUR: f64 = 0.064;
pub const GB_HOUR: f64 = 0.007;

pub const VALID_VCPU: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
pub const VALID_MEMORY_GB: [f64; 9] = [0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 12.0];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_instances_pay_for_memory_only() {
        let b = bill(1.0, 2.0, 28.0, 2.0).expect("a size App Runner offers");
        expect_test::expect!["app runner 1 vCPU / 2 GB: active 28.00 instance-h $2.1840 + provisioned 2.00 instance-h $0.0280 = $2.2120"]
            .assert_eq(&b.to_string());
    }

    #[test]
    fn invalid_settings_are_refused() {
        assert!(bill(3.0, 2.0, 1.0, 0.0).is_err());
        assert!(bill(1.0, 5.0, 1.0, 0.0).is_err());
    }
}
