//! The EC2 instance-type catalog the simulated container instances are drawn from: vCPUs, nominal
//! memory, the memory an ECS container instance registers, architecture and on-demand price.
//!
//! Prices are us-east-1 Linux on-demand (see aws-facts Part 2 §2). It deliberately holds only the
//! handful of types the course uses; it is data, not a pricing service.

/// CPU architecture of an instance type or a Fargate task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    X86_64,
    Arm64,
}

impl Arch {
    /// The value of the `ecs.cpu-architecture` attribute.
    pub fn attribute(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

/// One row of the catalog.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InstanceType {
    pub name: &'static str,
    pub vcpus: u32,
    pub memory_gib: u32,
    pub usd_per_hour: f64,
    pub arch: Arch,
}

impl InstanceType {
    /// "A container instance has 1,024 CPU units for every CPU core".
    pub fn cpu_units(&self) -> u32 {
        self.vcpus * 1024
    }
    /// The memory the ECS agent registers: floor(nominal MiB × 0.975) − `ECS_RESERVED_MEMORY`.
    /// The 2.5 % rule lands within 2 MiB of AWS's m4.large example (8 GiB → 7,985 MiB); the agent reads the
    /// OS total, which is always below nominal because of the kernel and platform overhead.
    pub fn registered_memory_mib(&self, reserved_mib: u32) -> u32 {
        let nominal = u64::from(self.memory_gib) * 1024;
        ((nominal * 975 / 1000) as u32).saturating_sub(reserved_mib)
    }
}

/// The catalog, in a fixed order.
pub const CATALOG: &[InstanceType] = &[
    it("t3.micro", 2, 1, 0.0104, Arch::X86_64),
    it("t3.small", 2, 2, 0.0208, Arch::X86_64),
    it("t3.medium", 2, 4, 0.0416, Arch::X86_64),
    it("t3.large", 2, 8, 0.0832, Arch::X86_64),
    it("t4g.small", 2, 2, 0.0168, Arch::Arm64),
    it("t4g.medium", 2, 4, 0.0336, Arch::Arm64),
    it("m4.large", 2, 8, 0.10, Arch::X86_64),
    it("m5.large", 2, 8, 0.096, Arch::X86_64),
    it("m5.xlarge", 4, 16, 0.192, Arch::X86_64),
    it("m6g.large", 2, 8, 0.077, Arch::Arm64),
    it("m6i.large", 2, 8, 0.096, Arch::X86_64),
    it("c5.large", 2, 4, 0.085, Arch::X86_64),
    it("c6g.large", 2, 4, 0.068, Arch::Arm64),
    it("r5.large", 2, 16, 0.126, Arch::X86_64),
];

const fn it(name: &'static str, vcpus: u32, memory_gib: u32, usd_per_hour: f64, arch: Arch) -> InstanceType {
    InstanceType {
        name,
        vcpus,
        memory_gib,
        usd_per_hour,
        arch,
    }
}

/// Looks a type up by its API name.
pub fn instance_type(name: &str) -> Option<&'static InstanceType> {
    CATALOG.iter().find(|t| t.name == name)
}

/// The names, for "expected one of" messages.
pub fn instance_type_names() -> Vec<&'static str> {
    CATALOG.iter().map(|t| t.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_memory_is_below_nominal_and_matches_the_m4_example() {
        let m4 = instance_type("m4.large").expect("m4.large is in the catalog");
        assert_eq!(m4.registered_memory_mib(0), 7987);
        assert_eq!(m4.cpu_units(), 2048);
        for t in CATALOG {
            assert!(t.registered_memory_mib(0) < t.memory_gib * 1024, "{}", t.name);
            assert!(
                t.registered_memory_mib(256) + 256 == t.registered_memory_mib(0),
                "{}",
                t.name
            );
        }
    }
}
