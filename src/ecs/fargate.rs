//! Fargate's rules: the valid CPU/memory table, platform versions, ephemeral storage, and the
//! per-second price of a task set against EC2 instance-hours and an EKS control plane.
//!
//! Prices are us-east-1 list prices from aws-facts Part 2 §1–3; they are constants, not a live
//! price feed. It deliberately does not model Savings Plans or Spot interruptions (Spot is only a
//! discount factor here).

use core::fmt;

use serde::Serialize;

use super::catalog::{Arch, InstanceType};

/// Operating system family of a Fargate task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    Windows,
}

impl fmt::Display for Os {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Os::Linux => "linux",
            Os::Windows => "windows",
        })
    }
}

/// A resolved platform version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PlatformVersion(pub u8, pub u8, pub u8);

impl fmt::Display for PlatformVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// `LATEST` is 1.4.0 on Linux and 1.0.0 on Windows; the two numberings are independent.
pub fn resolve_platform_version(os: Os, requested: &str) -> Result<PlatformVersion, FargateError> {
    let v = match (os, requested) {
        (Os::Linux, "LATEST" | "1.4.0") => PlatformVersion(1, 4, 0),
        (Os::Linux, "1.3.0") => PlatformVersion(1, 3, 0),
        (Os::Windows, "LATEST" | "1.0.0") => PlatformVersion(1, 0, 0),
        _ => {
            return Err(FargateError::PlatformVersion {
                os,
                requested: requested.to_string(),
            });
        }
    };
    Ok(v)
}

/// The valid memory sizes (MiB) for a CPU size on an OS, empty when the CPU size is invalid.
pub fn valid_memory(cpu: u32, os: Os) -> Vec<u32> {
    let gib = |from: u32, to: u32, step: u32| (from..=to).step_by(step as usize).map(|g| g * 1024).collect();
    match (cpu, os) {
        (256, Os::Linux) => vec![512, 1024, 2048],
        (512, Os::Linux) => gib(1, 4, 1),
        (1024, _) => gib(2, 8, 1),
        (2048, _) => gib(4, 16, 1),
        (4096, _) => gib(8, 30, 1),
        (8192, Os::Linux) => gib(16, 60, 4),
        (16384, Os::Linux) => gib(32, 120, 8),
        _ => vec![],
    }
}

/// A rejected Fargate configuration, worded as the API words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FargateError {
    InvalidCpu,
    NoConfiguration { cpu: u32, memory: u32 },
    NeedsPlatform140 { cpu: u32, version: PlatformVersion },
    PlatformVersion { os: Os, requested: String },
    EphemeralStorage(u32),
}

impl fmt::Display for FargateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = "An error occurred (ClientException) when calling the";
        match self {
            FargateError::InvalidCpu => write!(
                f,
                "{op} RegisterTaskDefinition operation: Invalid 'cpu' setting for task."
            ),
            FargateError::NoConfiguration { cpu, memory } => write!(
                f,
                "{op} RegisterTaskDefinition operation: No Fargate configuration exists for given values: \
                 {cpu} CPU, {memory} memory. See the Amazon ECS documentation for the valid values."
            ),
            // AWS's text for this case was not found; this sentence is ours and says so little on purpose.
            FargateError::NeedsPlatform140 { cpu, version } => write!(
                f,
                "{op} RunTask operation: No Fargate configuration exists for given values: {cpu} CPU on platform \
                 version {version}. Task sizes of 8 and 16 vCPU require platform version 1.4.0 or later."
            ),
            FargateError::PlatformVersion { os, requested } => write!(
                f,
                "{op} RunTask operation: The specified platform version {requested} does not exist for {os} \
                 (valid: {})",
                match os {
                    Os::Linux => "LATEST, 1.4.0, 1.3.0",
                    Os::Windows => "LATEST, 1.0.0",
                }
            ),
            FargateError::EphemeralStorage(g) => write!(
                f,
                "{op} RegisterTaskDefinition operation: Invalid 'ephemeralStorage.sizeInGiB' {g}: \
                 it must be between 21 and 200 GiB (20 GiB is the default when it is not set)"
            ),
        }
    }
}

/// A checked Fargate task size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FargateSize {
    pub cpu: u32,
    pub memory: u32,
    pub os: Os,
    pub platform_version: PlatformVersion,
    pub ephemeral_storage_gib: u32,
}

/// Validates a task size as RegisterTaskDefinition and RunTask would, in that order.
pub fn validate(
    cpu: u32,
    memory: u32,
    os: Os,
    platform_version: &str,
    ephemeral_storage_gib: Option<u32>,
) -> Result<FargateSize, FargateError> {
    let any_os = valid_memory(cpu, Os::Linux).len() + valid_memory(cpu, Os::Windows).len();
    if any_os == 0 || valid_memory(cpu, os).is_empty() {
        return Err(FargateError::InvalidCpu);
    }
    if !valid_memory(cpu, os).contains(&memory) {
        return Err(FargateError::NoConfiguration { cpu, memory });
    }
    let storage = match ephemeral_storage_gib {
        None => 20,
        Some(g) if (21..=200).contains(&g) => g,
        Some(g) => return Err(FargateError::EphemeralStorage(g)),
    };
    let version = resolve_platform_version(os, platform_version)?;
    if cpu >= 8192 && version < PlatformVersion(1, 4, 0) {
        return Err(FargateError::NeedsPlatform140 { cpu, version });
    }
    Ok(FargateSize {
        cpu,
        memory,
        os,
        platform_version: version,
        ephemeral_storage_gib: storage,
    })
}

/// us-east-1 Fargate rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FargateRates {
    pub vcpu_hour: f64,
    pub gb_hour: f64,
    /// Windows adds an OS licence fee per vCPU-hour.
    pub license_vcpu_hour: f64,
    pub minimum_secs: u64,
}

pub fn rates(os: Os, arch: Arch) -> FargateRates {
    match (os, arch) {
        (Os::Linux, Arch::X86_64) => FargateRates {
            vcpu_hour: 0.04048,
            gb_hour: 0.004445,
            license_vcpu_hour: 0.0,
            minimum_secs: 60,
        },
        (Os::Linux, Arch::Arm64) => FargateRates {
            vcpu_hour: 0.03238,
            gb_hour: 0.00356,
            license_vcpu_hour: 0.0,
            minimum_secs: 60,
        },
        // The Windows minimum is [UNVERIFIED] in the facts; 15 minutes is the launch-time figure.
        (Os::Windows, _) => FargateRates {
            vcpu_hour: 0.09148,
            gb_hour: 0.01005,
            license_vcpu_hour: 0.046,
            minimum_secs: 900,
        },
    }
}

/// Extra ephemeral storage above the included 20 GB, per GB-hour.
pub const STORAGE_GB_HOUR: f64 = 0.000111;

/// The price of one task run, billed per second with the minimum.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FargateBill {
    pub billed_secs: u64,
    pub vcpu_usd: f64,
    pub memory_usd: f64,
    pub license_usd: f64,
    pub storage_usd: f64,
    pub total_usd: f64,
}

/// Bills one task of `size` that ran for `secs` (rounded up to whole seconds by the caller).
pub fn bill(size: &FargateSize, arch: Arch, secs: u64) -> FargateBill {
    let r = rates(size.os, arch);
    let billed = secs.max(r.minimum_secs);
    let hours = billed as f64 / 3600.0;
    let vcpu = f64::from(size.cpu) / 1024.0;
    let gb = f64::from(size.memory) / 1024.0;
    let vcpu_usd = vcpu * r.vcpu_hour * hours;
    let memory_usd = gb * r.gb_hour * hours;
    let license_usd = vcpu * r.license_vcpu_hour * hours;
    let storage_usd = f64::from(size.ephemeral_storage_gib.saturating_sub(20)) * STORAGE_GB_HOUR * hours;
    FargateBill {
        billed_secs: billed,
        vcpu_usd,
        memory_usd,
        license_usd,
        storage_usd,
        total_usd: vcpu_usd + memory_usd + license_usd + storage_usd,
    }
}

/// EC2 instance-hours for the same workload: how many instances of `ty` hold `tasks` copies of a
/// task of `cpu` units and `memory` MiB, and what they cost for `secs` (per second, 60 s minimum).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ec2Bill {
    pub instance_type: &'static str,
    pub tasks_per_instance: u32,
    pub instances: u32,
    pub billed_secs: u64,
    pub total_usd: f64,
}

pub fn ec2_bill(ty: &InstanceType, cpu: u32, memory: u32, tasks: u32, secs: u64) -> Option<Ec2Bill> {
    let by_cpu = ty.cpu_units().checked_div(cpu).unwrap_or(u32::MAX);
    let by_mem = ty.registered_memory_mib(0) / memory.max(1);
    let per = by_cpu.min(by_mem);
    if per == 0 {
        return None;
    }
    let instances = tasks.div_ceil(per);
    let billed = secs.max(60);
    Some(Ec2Bill {
        instance_type: ty.name,
        tasks_per_instance: per,
        instances,
        billed_secs: billed,
        total_usd: f64::from(instances) * ty.usd_per_hour * billed as f64 / 3600.0,
    })
}

/// EKS control plane: $0.10 per cluster-hour in standard support, $0.60 in extended support.
pub fn eks_control_plane_usd(clusters: u32, hours: f64, extended_support: bool) -> f64 {
    f64::from(clusters) * hours * if extended_support { 0.60 } else { 0.10 }
}

/// The same workload on EKS, for comparison only: the control plane per cluster-hour plus the
/// workers, which cost what they cost on ECS (a managed node group is EC2 instances; a Fargate
/// profile runs each pod as a Fargate task). ECS itself has no control-plane charge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EksBill {
    pub control_plane_usd: f64,
    pub node_group_usd: Option<f64>,
    pub fargate_profile_usd: f64,
}

pub fn eks_compare(
    hours: f64,
    ec2: Option<&Ec2Bill>,
    fargate_total_usd: f64,
    extended_support: bool,
) -> EksBill {
    EksBill {
        control_plane_usd: eks_control_plane_usd(1, hours, extended_support),
        node_group_usd: ec2.map(|b| b.total_usd),
        fargate_profile_usd: fargate_total_usd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_size_matrix() {
        // Every (cpu, memory) the API could be sent on a 128 MiB grid, against the table.
        let mut valid = vec![];
        for os in [Os::Linux, Os::Windows] {
            for cpu in [128, 256, 512, 768, 1024, 2048, 3072, 4096, 8192, 16384, 32768] {
                for memory in (512..=122_880).step_by(512) {
                    match validate(cpu, memory, os, "LATEST", None) {
                        Ok(_) => valid.push((os, cpu, memory)),
                        Err(FargateError::InvalidCpu) => assert!(valid_memory(cpu, os).is_empty()),
                        Err(FargateError::NoConfiguration { .. }) => {
                            assert!(!valid_memory(cpu, os).contains(&memory))
                        }
                        Err(e) => panic!("unexpected {e}"),
                    }
                }
            }
        }
        let count = |os, cpu| valid.iter().filter(|v| v.0 == os && v.1 == cpu).count();
        let linux: Vec<usize> = [256, 512, 1024, 2048, 4096, 8192, 16384]
            .map(|c| count(Os::Linux, c))
            .to_vec();
        assert_eq!(linux, [3, 4, 7, 13, 23, 12, 12]);
        let windows: Vec<usize> = [256, 512, 1024, 2048, 4096, 8192]
            .map(|c| count(Os::Windows, c))
            .to_vec();
        assert_eq!(windows, [0, 0, 7, 13, 23, 0]);
    }

    #[test]
    fn errors_are_worded_as_aws_words_them() {
        let e = |r: Result<FargateSize, FargateError>| r.expect_err("invalid").to_string();
        expect_test::expect![[r#"An error occurred (ClientException) when calling the RegisterTaskDefinition operation: Invalid 'cpu' setting for task."#]]
            .assert_eq(&e(validate(300, 1024, Os::Linux, "LATEST", None)));
        expect_test::expect![[r#"An error occurred (ClientException) when calling the RegisterTaskDefinition operation: No Fargate configuration exists for given values: 1024 CPU, 1024 memory. See the Amazon ECS documentation for the valid values."#]]
            .assert_eq(&e(validate(1024, 1024, Os::Linux, "LATEST", None)));
        assert!(matches!(
            validate(8192, 16384, Os::Linux, "1.3.0", None),
            Err(FargateError::NeedsPlatform140 { .. })
        ));
        assert!(validate(8192, 16384, Os::Linux, "LATEST", None).is_ok());
        assert_eq!(
            validate(256, 512, Os::Windows, "LATEST", None),
            Err(FargateError::InvalidCpu)
        );
        assert_eq!(
            validate(1024, 2048, Os::Windows, "LATEST", None).map(|s| s.platform_version),
            Ok(PlatformVersion(1, 0, 0))
        );
        assert_eq!(
            validate(256, 512, Os::Linux, "LATEST", Some(20)),
            Err(FargateError::EphemeralStorage(20))
        );
        assert_eq!(
            validate(256, 512, Os::Linux, "LATEST", Some(200)).map(|s| s.ephemeral_storage_gib),
            Ok(200)
        );
        assert_eq!(
            validate(256, 512, Os::Linux, "LATEST", Some(201)),
            Err(FargateError::EphemeralStorage(201))
        );
    }

    #[test]
    fn per_second_billing_with_the_one_minute_minimum() {
        let s = validate(256, 512, Os::Linux, "LATEST", None).expect("valid");
        let hour = bill(&s, Arch::X86_64, 3600);
        assert!((hour.total_usd - 0.0123425).abs() < 1e-9, "{}", hour.total_usd);
        assert_eq!(bill(&s, Arch::X86_64, 10).billed_secs, 60);
        assert_eq!(bill(&s, Arch::X86_64, 61).billed_secs, 61);
        assert!(bill(&s, Arch::Arm64, 3600).total_usd < hour.total_usd);
    }
}
