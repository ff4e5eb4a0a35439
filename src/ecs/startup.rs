//! The start-up clock of a container (a process on a running host) against a Fargate task and a
//! virtual machine (API call, boot, middleware, application), phase by phase, from aws-facts
//! Part 2 §6. The scheduler labs' start-up cell (#11) draws it on one timeline.
//!
//! It does not model host contention or image layer caching beyond "cached or pulled".

use serde::Serialize;

use crate::sim::SimDuration;

/// What is being started, for the start-up clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Workload {
    /// A container on a host that is already running, image cached.
    Container,
    /// A container whose image must be pulled first (`image_mb` at `mb_per_sec`).
    ContainerWithPull { image_mb: u32, mb_per_sec: u32 },
    /// A Fargate task: infrastructure and network interface, then a pull (never cached).
    Fargate { image_mb: u32, mb_per_sec: u32 },
    /// A new virtual machine: API, pending → running, OS boot, then middleware and the app.
    VirtualMachine {
        middleware: SimDuration,
        app: SimDuration,
    },
}

/// The phases of starting a workload with their durations, in order.
pub fn startup(w: Workload) -> Vec<(&'static str, SimDuration)> {
    let pull = |mb: u32, rate: u32| SimDuration::from_millis(u64::from(mb) * 1000 / u64::from(rate.max(1)));
    match w {
        Workload::Container => vec![
            ("namespaces and cgroups", SimDuration::from_millis(10)),
            ("process start", SimDuration::from_millis(560)),
        ],
        Workload::ContainerWithPull { image_mb, mb_per_sec } => vec![
            ("image pull", pull(image_mb, mb_per_sec)),
            ("namespaces and cgroups", SimDuration::from_millis(10)),
            ("process start", SimDuration::from_millis(560)),
        ],
        Workload::Fargate { image_mb, mb_per_sec } => vec![
            ("capacity and network interface", SimDuration::from_secs(15)),
            ("image pull (never cached on Fargate)", pull(image_mb, mb_per_sec)),
            ("process start", SimDuration::from_millis(570)),
        ],
        Workload::VirtualMachine { middleware, app } => vec![
            ("RunInstances API", SimDuration::from_millis(1500)),
            ("pending -> running", SimDuration::from_secs(5)),
            ("firmware and OS boot", SimDuration::from_secs(22)),
            ("middleware", middleware),
            ("application", app),
        ],
    }
}

/// The total of [`startup`].
pub fn startup_total(w: Workload) -> SimDuration {
    startup(w).into_iter().fold(SimDuration::ZERO, |a, (_, d)| a + d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_starts_in_under_a_second_a_vm_in_tens_of_seconds() {
        let c = startup_total(Workload::Container);
        let vm = startup_total(Workload::VirtualMachine {
            middleware: SimDuration::from_secs(10),
            app: SimDuration::from_secs(3),
        });
        let fargate = startup_total(Workload::Fargate {
            image_mb: 200,
            mb_per_sec: 80,
        });
        assert_eq!(
            (c.to_string(), vm.to_string(), fargate.to_string()),
            ("570ms".into(), "41.5s".into(), "18.07s".into())
        );
    }
}
