//! Task definitions as ECS registers them: family and revision, launch compatibility, network
//! mode, task- and container-level CPU and memory (hard and soft limits), port mappings, volumes.
//!
//! It computes what a task needs from an instance ([`TaskDef::needs`]) and checks registration
//! rules; it does not place or run anything.

use core::fmt;

use serde::{Deserialize, Serialize};

use super::catalog::Arch;
use super::fargate::{self, FargateError, FargateSize, Os};
use super::placement::Needs;
use crate::sim::SimDuration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum LaunchType {
    Ec2,
    Fargate,
}

impl fmt::Display for LaunchType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LaunchType::Ec2 => "EC2",
            LaunchType::Fargate => "FARGATE",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    Bridge,
    Host,
    Awsvpc,
    None,
}

/// One `portMappings` entry. `host_port` 0 or absent in bridge mode means a dynamic port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortMapping {
    pub container_port: u16,
    #[serde(default)]
    pub host_port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerDef {
    pub name: String,
    pub image: String,
    #[serde(default)]
    pub cpu: u32,
    /// Hard limit (MiB): the container is killed above it.
    #[serde(default)]
    pub memory: Option<u32>,
    /// Soft limit (MiB): what placement reserves on the instance.
    #[serde(default)]
    pub memory_reservation: Option<u32>,
    #[serde(default)]
    pub port_mappings: Vec<PortMapping>,
    #[serde(default = "yes")]
    pub essential: bool,
    /// Image size used for pull time when the image is not in a scenario registry.
    #[serde(default = "default_image_mb")]
    pub image_size_mb: u32,
    /// The process exits by itself after this long (a batch-like task); absent = runs until stopped.
    #[serde(default, with = "crate::sim::opt_duration")]
    pub exits_after: Option<SimDuration>,
    #[serde(default)]
    pub exit_code: i32,
    /// How much memory (MiB) the process ends up using: above the hard limit (the container's
    /// `memory`, else the task's) the container is killed; above the soft limit it just borrows.
    #[serde(default)]
    pub uses_memory: Option<u32>,
    /// A process that ignores SIGTERM is killed (SIGKILL) after `stop_timeout` seconds.
    #[serde(default)]
    pub ignores_sigterm: bool,
    /// `stopTimeout` in seconds (ECS's default is 30).
    #[serde(default = "default_stop_timeout")]
    pub stop_timeout: u32,
    /// `mountPoints`: task volumes mounted into this container.
    #[serde(default)]
    pub mount_points: Vec<MountPoint>,
}

/// A `volumes` entry: a bind mount, on the host at `host_path` (EC2 only) or, without it, in
/// storage Docker (or Fargate's ephemeral storage) manages for the task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    pub name: String,
    #[serde(default)]
    pub host_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MountPoint {
    pub source_volume: String,
    pub container_path: String,
}

fn yes() -> bool {
    true
}
fn default_stop_timeout() -> u32 {
    30
}
fn default_image_mb() -> u32 {
    100
}

/// A registered task definition revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskDef {
    pub family: String,
    pub revision: u32,
    pub compatibility: LaunchType,
    pub network_mode: NetworkMode,
    pub cpu: Option<u32>,
    pub memory: Option<u32>,
    pub containers: Vec<ContainerDef>,
    pub os: Os,
    pub arch: Arch,
    pub platform_version: String,
    pub ephemeral_storage_gib: Option<u32>,
    pub volumes: Vec<Volume>,
}

/// Why RegisterTaskDefinition refused a definition, worded as the API words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterError {
    Fargate(FargateError),
    FargateNeedsAwsvpc,
    MemoryMissing(String),
    ReservationAboveHardLimit(String),
    ContainerMemoryAboveTask(String),
    UnknownVolume { container: String, volume: String },
    FargateSourcePath,
}

impl fmt::Display for RegisterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = "An error occurred (ClientException) when calling the RegisterTaskDefinition operation:";
        match self {
            RegisterError::Fargate(e) => write!(f, "{e}"),
            RegisterError::FargateNeedsAwsvpc => {
                write!(f, "{op} Fargate only supports network mode 'awsvpc'.")
            }
            RegisterError::MemoryMissing(c) => write!(
                f,
                "{op} Invalid setting for container '{c}'. At least one of 'memory' or 'memoryReservation' must be specified."
            ),
            RegisterError::ReservationAboveHardLimit(c) => write!(
                f,
                "{op} Invalid 'memory' setting for container '{c}'. The 'memory' value must be greater than the 'memoryReservation' value."
            ),
            // Our wording: AWS's exact text for a missing volume was not found.
            RegisterError::UnknownVolume { container, volume } => write!(
                f,
                "{op} Invalid 'mountPoints' setting for container '{container}': volume '{volume}' is not declared in the task definition's volumes."
            ),
            RegisterError::FargateSourcePath => {
                write!(
                    f,
                    "{op} Fargate compatible task definitions do not support sourcePath"
                )
            }
            RegisterError::ContainerMemoryAboveTask(c) => {
                write!(
                    f,
                    "{op} The 'memory' setting for container '{c}' is greater than for the task."
                )
            }
        }
    }
}

impl TaskDef {
    /// `family:revision`.
    pub fn name(&self) -> String {
        format!("{}:{}", self.family, self.revision)
    }

    /// Checks the rules RegisterTaskDefinition enforces; Fargate sizes come back resolved.
    pub fn validate(&self) -> Result<Option<FargateSize>, RegisterError> {
        for c in &self.containers {
            if self.memory.is_none() && c.memory.is_none() && c.memory_reservation.is_none() {
                return Err(RegisterError::MemoryMissing(c.name.clone()));
            }
            if let (Some(hard), Some(soft)) = (c.memory, c.memory_reservation)
                && hard <= soft
            {
                return Err(RegisterError::ReservationAboveHardLimit(c.name.clone()));
            }
            if let (Some(task), Some(hard)) = (self.memory, c.memory)
                && hard > task
            {
                return Err(RegisterError::ContainerMemoryAboveTask(c.name.clone()));
            }
        }
        for c in &self.containers {
            if let Some(m) = c
                .mount_points
                .iter()
                .find(|m| !self.volumes.iter().any(|v| v.name == m.source_volume))
            {
                return Err(RegisterError::UnknownVolume {
                    container: c.name.clone(),
                    volume: m.source_volume.clone(),
                });
            }
        }
        if self.compatibility != LaunchType::Fargate {
            return Ok(None);
        }
        if self.volumes.iter().any(|v| v.host_path.is_some()) {
            return Err(RegisterError::FargateSourcePath);
        }
        if self.network_mode != NetworkMode::Awsvpc {
            return Err(RegisterError::FargateNeedsAwsvpc);
        }
        let cpu = self.cpu.unwrap_or(0);
        let memory = self.memory.unwrap_or(0);
        fargate::validate(
            cpu,
            memory,
            self.os,
            &self.platform_version,
            self.ephemeral_storage_gib,
        )
        .map(Some)
        .map_err(RegisterError::Fargate)
    }

    /// CPU units reserved on an instance: the task-level value, else the containers' sum.
    pub fn cpu_units(&self) -> u32 {
        self.cpu
            .unwrap_or_else(|| self.containers.iter().fold(0u32, |a, c| a.saturating_add(c.cpu)))
    }

    /// Memory reserved on an instance: the task-level value, else each container's soft limit
    /// (or its hard limit when it has no soft one).
    pub fn memory_mib(&self) -> u32 {
        self.memory.unwrap_or_else(|| {
            self.containers.iter().fold(0u32, |a, c| {
                a.saturating_add(c.memory_reservation.or(c.memory).unwrap_or(0))
            })
        })
    }

    /// What placement must find on one instance for a task of this definition in `group`.
    pub fn needs(&self, group: &str) -> Needs {
        let mut host_ports = vec![];
        let mut dynamic_ports = 0;
        for m in self.containers.iter().flat_map(|c| &c.port_mappings) {
            match self.network_mode {
                // Each awsvpc task has its own network interface: no host ports to share.
                NetworkMode::Awsvpc | NetworkMode::None => {}
                NetworkMode::Host => host_ports.push(m.container_port),
                NetworkMode::Bridge => match m.host_port {
                    Some(p) if p != 0 => host_ports.push(p),
                    _ => dynamic_ports += 1,
                },
            }
        }
        Needs {
            cpu: self.cpu_units(),
            memory: self.memory_mib(),
            host_ports,
            dynamic_ports,
            group: group.to_string(),
        }
    }

    /// The task's own run time, if every essential container exits by itself: the first essential
    /// exit stops the task.
    pub fn exits_after(&self) -> Option<(SimDuration, i32)> {
        self.containers
            .iter()
            .filter(|c| c.essential)
            .filter_map(|c| c.exits_after.map(|d| (d, c.exit_code)))
            .min_by_key(|(d, _)| *d)
    }

    /// Whether some container will use more memory than its hard limit allows.
    pub fn exceeds_hard_limit(&self) -> bool {
        let total: u32 = self
            .containers
            .iter()
            .fold(0u32, |a, c| a.saturating_add(c.uses_memory.unwrap_or(0)));
        self.containers
            .iter()
            .any(|c| matches!((c.uses_memory, c.memory), (Some(u), Some(hard)) if u > hard))
            || self.memory.is_some_and(|m| total > m)
    }

    pub fn image_size_mb(&self) -> u32 {
        self.containers.iter().map(|c| c.image_size_mb).sum()
    }
}
