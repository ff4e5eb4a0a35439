//! Lightsail bundles and the monthly price calculator: hourly proration up to the monthly cap,
//! the data-transfer allowance, and outbound overage (aws-facts §10 and Part 2 §5).
//!
//! Data only; nothing is simulated over time. It deliberately ignores the free tier (its duration
//! is stated differently by different AWS pages).

use core::fmt;

use serde::Serialize;

/// A dual-stack Linux instance bundle.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bundle {
    pub id: &'static str,
    pub usd_month: f64,
    pub windows_usd_month: Option<f64>,
    pub vcpus: u32,
    pub ram_gb: f64,
    pub ssd_gb: u32,
    pub transfer_tb: u32,
}

pub const BUNDLES: &[Bundle] = &[
    b("nano", 5.0, Some(9.5), 2, 0.5, 20, 1),
    b("micro", 7.0, Some(14.0), 2, 1.0, 40, 2),
    b("small", 12.0, Some(22.0), 2, 2.0, 60, 3),
    b("medium", 24.0, Some(44.0), 2, 4.0, 80, 4),
    b("large", 44.0, Some(74.0), 2, 8.0, 160, 5),
    b("xlarge", 84.0, Some(124.0), 4, 16.0, 320, 6),
    b("2xlarge", 164.0, Some(244.0), 8, 32.0, 640, 7),
    b("4xlarge", 384.0, None, 16, 64.0, 1280, 8),
];

const fn b(
    id: &'static str,
    usd: f64,
    win: Option<f64>,
    vcpus: u32,
    ram_gb: f64,
    ssd_gb: u32,
    transfer_tb: u32,
) -> Bundle {
    Bundle {
        id,
        usd_month: usd,
        windows_usd_month: win,
        vcpus,
        ram_gb,
        ssd_gb,
        transfer_tb,
    }
}

/// Lightsail prorates a month as 730 hours.
pub const HOURS_PER_MONTH: f64 = 730.0;
/// Outbound transfer above the allowance, per GB (us-east-1).
pub const OVERAGE_USD_GB: f64 = 0.09;

/// Finds a bundle by id (`small`, `small_3_0`) or by its monthly price (`12`, `$12`).
impl Bundle {
    /// The monthly transfer allowance of `count` instances, in GB (1 TB = 1,024 GB here).
    pub fn allowance_gb(&self, count: u32) -> f64 {
        f64::from(self.transfer_tb) * 1024.0 * f64::from(count)
    }
}

pub fn find(key: &str) -> Option<&'static Bundle> {
    let k = key.trim().trim_start_matches('$');
    let id = k.split('_').next().unwrap_or(k);
    BUNDLES.iter().find(|b| b.id == id).or_else(|| {
        let usd: f64 = k.parse().ok()?;
        BUNDLES.iter().find(|b| b.usd_month == usd)
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bill {
    pub bundle: &'static str,
    pub count: u32,
    pub hours: f64,
    pub instance_usd: f64,
    pub overage_gb: f64,
    pub overage_usd: f64,
    pub total_usd: f64,
}

impl fmt::Display for Bill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "lightsail {} x {} for {} h: instances ${:.2} + transfer overage {:.0} GB ${:.2} = ${:.2} (stopped instances are billed too)",
            self.count,
            self.bundle,
            self.hours,
            self.instance_usd,
            self.overage_gb,
            self.overage_usd,
            self.total_usd
        )
    }
}

/// The month's price of `count` instances of a bundle kept `hours` (running or stopped).
pub fn bill(bundle: &str, hours: f64, transfer_out_gb: f64, count: u32) -> Result<Bill, String> {
    let Some(b) = find(bundle) else {
        let ids: Vec<String> = BUNDLES
            .iter()
            .map(|b| format!("{} (${})", b.id, b.usd_month))
            .collect();
        return Err(format!(
            "unknown bundle {bundle:?} (expected one of: {})",
            ids.join(", ")
        ));
    };
    if hours < 0.0 || transfer_out_gb < 0.0 {
        return Err("hours and transfer must not be negative".into());
    }
    // Hourly up to the monthly cap, per instance.
    let per = (b.usd_month / HOURS_PER_MONTH * hours).min(b.usd_month);
    let instance_usd = per * f64::from(count);
    let allowance_gb = b.allowance_gb(count);
    let overage_gb = (transfer_out_gb - allowance_gb).max(0.0);
    let overage_usd = overage_gb * OVERAGE_USD_GB;
    Ok(Bill {
        bundle: b.id,
        count,
        hours,
        instance_usd,
        overage_gb,
        overage_usd,
        total_usd: instance_usd + overage_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prorates_hourly_up_to_the_cap_and_bills_outbound_overage() {
        let half = bill("5", 365.0, 0.0, 1).expect("valid");
        assert!((half.total_usd - 2.5).abs() < 1e-9);
        let month = bill("nano_3_0", 744.0, 0.0, 1).expect("valid");
        assert_eq!(month.total_usd, 5.0);
        let over = bill("small", 730.0, 3.0 * 1024.0 + 100.0, 1).expect("valid");
        assert!((over.total_usd - (12.0 + 9.0)).abs() < 1e-9, "{over}");
        assert!(bill("6", 1.0, 0.0, 1).is_err());
        assert_eq!(find("$384").map(|b| b.vcpus), Some(16));
    }
}
