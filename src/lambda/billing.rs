//! Lambda pricing (us-east-1): requests at $0.20 per million, duration per GB-second with 1 ms
//! rounding (the Init phase billed too, as since August 2025), x86_64 and arm64 rates with the
//! monthly volume tiers, and the permanent free tier (1M requests and 400,000 GB-s a month).
//!
//! Usage is accumulated in integer MB·ms so totals are exact; dollars are computed at the end.
//! Provisioned concurrency and ephemeral storage above 512 MB are not priced here.

use serde::Serialize;

use super::config::Architecture;

pub const REQUEST_USD: f64 = 0.20 / 1_000_000.0;
pub const FREE_REQUESTS: u64 = 1_000_000;
pub const FREE_GB_SECONDS: f64 = 400_000.0;
/// Seconds in the 30-day month AWS's examples use.
pub const MONTH_SECONDS: f64 = 2_592_000.0;

/// (tier upper bound in GB-s per month, price per GB-s), AWS's three tiers.
fn tiers(arch: Architecture) -> [(f64, f64); 3] {
    match arch {
        Architecture::X86_64 => [
            (6e9, 0.000_016_666_7),
            (15e9, 0.000_015),
            (f64::INFINITY, 0.000_013_333_4),
        ],
        Architecture::Arm64 => [
            (7.5e9, 0.000_013_333_4),
            (18.75e9, 0.000_012_000_1),
            (f64::INFINITY, 0.000_010_666_7),
        ],
    }
}

/// Billed usage, split by architecture because the rates differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Usage {
    pub requests: u64,
    pub mb_ms_x86: u128,
    pub mb_ms_arm: u128,
}

/// `memory_mb × billed_ms`, exactly. wasm32 has no 128-bit multiply (a `u128` product is a call
/// to `__multi3`, out of line in the load model's hot loop), so the usual case, where both factors
/// are below 2³² and the product fits 64 bits, multiplies in `u64`.
#[inline(always)]
pub fn mb_ms(memory_mb: u32, billed_ms: u64) -> u128 {
    match mb_ms_narrow(memory_mb, billed_ms) {
        Some(product) => u128::from(product),
        None => mb_ms_wide(memory_mb, billed_ms),
    }
}

/// The product in `u64` when the billed milliseconds are below 2³² (then it fits); `None` when
/// it takes [`mb_ms_wide`]. An `if` rather than `bool::then`, which the size-optimised wasm build
/// leaves as a call.
#[inline(always)]
fn mb_ms_narrow(memory_mb: u32, billed_ms: u64) -> Option<u64> {
    if billed_ms >> 32 == 0 {
        Some(u64::from(memory_mb) * billed_ms)
    } else {
        None
    }
}

/// A running sum of billed milliseconds, all at one memory size, kept in a u64 with its
/// carries counted apart: the steady loop adds one per finished invocation (a u128 sum is two
/// registers and an add-with-carry at each, in a loop already short of registers) and multiplies
/// by the memory once at the end. Exact while the sum stays below 2^96 ms.
#[derive(Debug, Default, Clone, Copy)]
pub struct MsSum {
    low: u64,
    carries: u64,
}

impl MsSum {
    #[inline(always)]
    pub fn add(&mut self, billed_ms: u64) {
        let (sum, carried) = self.low.overflowing_add(billed_ms);
        self.low = sum;
        if carried {
            self.carry();
        }
    }
    #[cold]
    #[inline(never)]
    fn carry(&mut self) {
        self.carries += 1;
    }
    /// The sum's MB-ms at `memory_mb`.
    pub fn mb_ms(self, memory_mb: u32) -> u128 {
        ((u128::from(self.carries) << 64) | u128::from(self.low)) * u128::from(memory_mb)
    }
}

#[cold]
#[inline(never)]
fn mb_ms_wide(memory_mb: u32, billed_ms: u64) -> u128 {
    u128::from(memory_mb) * u128::from(billed_ms)
}

impl Usage {
    pub fn add(&mut self, memory_mb: u32, billed_ms: u64, arch: Architecture) {
        self.requests += 1;
        let mb_ms = mb_ms(memory_mb, billed_ms);
        match arch {
            Architecture::X86_64 => self.mb_ms_x86 += mb_ms,
            Architecture::Arm64 => self.mb_ms_arm += mb_ms,
        }
    }
    /// `requests` invocations billed `mb_ms` in all: the same as adding them one by one (the
    /// sums are exact integers), for a loop that tallies them first.
    pub fn add_many(&mut self, requests: u64, mb_ms: u128, arch: Architecture) {
        self.requests += requests;
        match arch {
            Architecture::X86_64 => self.mb_ms_x86 += mb_ms,
            Architecture::Arm64 => self.mb_ms_arm += mb_ms,
        }
    }
    pub fn gb_seconds(&self) -> f64 {
        (self.mb_ms_x86 + self.mb_ms_arm) as f64 / 1024.0 / 1000.0
    }
    /// This usage scaled up as if the run lasted a whole 30-day month.
    pub fn scaled(&self, factor: f64) -> Usage {
        Usage {
            requests: (self.requests as f64 * factor).round() as u64,
            mb_ms_x86: (self.mb_ms_x86 as f64 * factor).round() as u128,
            mb_ms_arm: (self.mb_ms_arm as f64 * factor).round() as u128,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Price {
    pub requests: u64,
    pub gb_seconds: f64,
    pub billable_gb_seconds: f64,
    pub requests_usd: f64,
    pub duration_usd: f64,
    pub total_usd: f64,
}

fn tiered(gb_s: f64, arch: Architecture) -> f64 {
    let mut left = gb_s;
    let mut lower = 0.0;
    let mut usd = 0.0;
    for (upper, rate) in tiers(arch) {
        let in_tier = left.min(upper - lower);
        if in_tier <= 0.0 {
            break;
        }
        usd += in_tier * rate;
        left -= in_tier;
        lower = upper;
    }
    usd
}

/// The monthly bill for `usage`. The free tier is shared by both architectures; it is applied to
/// x86_64 usage first.
pub fn price_usage(usage: &Usage, free_tier: bool) -> Price {
    let gb_x86 = usage.mb_ms_x86 as f64 / 1024.0 / 1000.0;
    let gb_arm = usage.mb_ms_arm as f64 / 1024.0 / 1000.0;
    let (mut free_gb, free_req) = if free_tier {
        (FREE_GB_SECONDS, FREE_REQUESTS)
    } else {
        (0.0, 0)
    };
    let bill_x86 = (gb_x86 - free_gb).max(0.0);
    free_gb = (free_gb - gb_x86).max(0.0);
    let bill_arm = (gb_arm - free_gb).max(0.0);
    let billable_requests = usage.requests.saturating_sub(free_req);
    let requests_usd = billable_requests as f64 * REQUEST_USD;
    let duration_usd = tiered(bill_x86, Architecture::X86_64) + tiered(bill_arm, Architecture::Arm64);
    Price {
        requests: usage.requests,
        gb_seconds: gb_x86 + gb_arm,
        billable_gb_seconds: bill_x86 + bill_arm,
        requests_usd,
        duration_usd,
        total_usd: requests_usd + duration_usd,
    }
}

/// The calculator: `invocations` each billed `billed_ms` at `memory_mb`.
pub fn price(memory_mb: u32, billed_ms: u64, invocations: u64, arch: Architecture, free_tier: bool) -> Price {
    let mb_ms = u128::from(memory_mb) * u128::from(billed_ms) * u128::from(invocations);
    let usage = match arch {
        Architecture::X86_64 => Usage {
            requests: invocations,
            mb_ms_x86: mb_ms,
            mb_ms_arm: 0,
        },
        Architecture::Arm64 => Usage {
            requests: invocations,
            mb_ms_x86: 0,
            mb_ms_arm: mb_ms,
        },
    };
    price_usage(&usage, free_tier)
}

/// Dollars to the cent, as the book prints them; amounts under a cent keep six decimals so a
/// single run's cost does not show as $0.00.
pub fn usd(x: f64) -> String {
    if x > 0.0 && x < 0.005 {
        return format!("${x:.6}");
    }
    format!("${:.2}", (x * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Architecture::*;

    #[test]
    fn mb_ms_is_the_exact_product_on_both_sides_of_the_fast_path() {
        let wide = |mb: u32, ms: u64| u128::from(mb) * u128::from(ms);
        for &(mb, ms) in &[
            (128, 0),
            (10_240, 900_000),
            (u32::MAX, u64::from(u32::MAX)),
            (10_240, 1 << 32),
            (u32::MAX, u64::MAX),
            (1, u64::MAX),
        ] {
            assert_eq!(mb_ms(mb, ms), wide(mb, ms), "{mb} MB x {ms} ms");
        }
    }

    proptest::proptest! {
        /// The running sum's MB-ms are the u128 sum of the products, across the u64 part's
        /// overflow (the largest durations overflow it within a few adds).
        #[test]
        fn the_running_sum_is_exact(
            mb in proptest::prelude::any::<u32>(),
            runs in proptest::collection::vec(
                proptest::prop_oneof![0u64..1 << 32, proptest::prelude::any::<u64>()],
                0..40,
            )
        ) {
            let mut sum = MsSum::default();
            let mut want = 0u128;
            for &ms in &runs {
                sum.add(ms);
                want += u128::from(mb) * u128::from(ms);
            }
            proptest::prop_assert_eq!(sum.mb_ms(mb), want);
        }
    }

    fn line(p: Price) -> String {
        format!(
            "{} GB-s, requests {}, duration {}, total {}",
            p.gb_seconds,
            usd(p.requests_usd),
            usd(p.duration_usd),
            usd(p.total_usd)
        )
    }

    #[test]
    fn adding_many_at_once_is_adding_them_one_by_one() {
        let runs = [
            (128, 51, X86_64),
            (128, 52, X86_64),
            (2048, 1, Arm64),
            (128, 900_000, X86_64),
        ];
        let mut one_by_one = Usage::default();
        for &(mb, ms, arch) in &runs {
            one_by_one.add(mb, ms, arch);
        }
        let mut at_once = Usage::default();
        for arch in [X86_64, Arm64] {
            let of: Vec<_> = runs.iter().filter(|r| r.2 == arch).collect();
            let mb_ms = of
                .iter()
                .map(|&&(mb, ms, _)| u128::from(mb) * u128::from(ms))
                .sum();
            at_once.add_many(of.len() as u64, mb_ms, arch);
        }
        assert_eq!(at_once, one_by_one);
        assert_eq!(at_once.requests, 4);
    }

    #[test]
    fn the_worked_examples_of_the_reference() {
        // A: AWS's own example: 512 MB, 3M invocations of 1 s, free tier on.
        assert_eq!(
            line(price(512, 1000, 3_000_000, X86_64, true)),
            "1500000 GB-s, requests $0.40, duration $18.33, total $18.73"
        );
        // B: 1,024 MB, 5M × 250 ms.
        assert_eq!(
            line(price(1024, 250, 5_000_000, X86_64, true)),
            "1250000 GB-s, requests $0.80, duration $14.17, total $14.97"
        );
        assert_eq!(
            line(price(1024, 250, 5_000_000, X86_64, false)),
            "1250000 GB-s, requests $1.00, duration $20.83, total $21.83"
        );
        assert_eq!(
            line(price(1024, 250, 5_000_000, Arm64, true)),
            "1250000 GB-s, requests $0.80, duration $11.33, total $12.13"
        );
        // One millisecond at 128 MB costs $0.0000000021.
        let p = price(128, 1, 1, X86_64, false);
        assert_eq!(format!("{:.10}", p.duration_usd), "0.0000000021");
    }

    #[test]
    fn tiers_discount_beyond_six_billion_gb_seconds() {
        let p = price(1024, 1000, 7_000_000_000, X86_64, false);
        let expected = 6e9 * 0.000_016_666_7 + 1e9 * 0.000_015;
        assert!(
            (p.duration_usd - expected).abs() < 1e-3,
            "{} vs {expected}",
            p.duration_usd
        );
    }
}
