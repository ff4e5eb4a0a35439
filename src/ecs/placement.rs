//! Task placement on EC2 container instances, in ECS's order: filter by CPU, memory and ports →
//! constraints (`distinctInstance`, `memberOf`) → strategies in order (binpack, spread, random) →
//! select. Every step can explain itself so the trace shows why a task went where it went.
//!
//! It owns the instances' remaining resources ([`Pool`]) and the choice; it does not own tasks,
//! their lifecycle or the trace format (see `model.rs`). Fargate never comes here: placement
//! strategies and constraints do not apply to it.
//!
//! Speed: the pool keeps instances indexed by remaining memory and by remaining CPU in B-trees, so
//! a binpack placement without an explanation walks only the instances that can hold the task,
//! smallest first, and stops at the first tie group: O(log m) per task when most instances fit.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use super::query::{Expr, QueryTarget};
use crate::sim::Rng;

/// The first and last dynamic host port (Linux `ip_local_port_range` default used by ECS).
pub const DYNAMIC_PORTS: (u16, u16) = (49153, 65535);
/// Ports the ECS agent reserves on every container instance (SSH, Docker, the agent itself).
pub const AGENT_RESERVED_PORTS: [u16; 5] = [22, 2375, 2376, 51678, 51679];

/// What one task needs from an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    pub cpu: u32,
    pub memory: u32,
    /// Fixed host ports (host or bridge mode with an explicit `hostPort`).
    pub host_ports: Vec<u16>,
    /// Bridge-mode mappings with `hostPort` 0 or omitted: one dynamic port each.
    pub dynamic_ports: u32,
    /// The task group (`service:web` or `family:web`) for spread and distinctInstance.
    pub group: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InstanceStatus {
    Active,
    Draining,
    Inactive,
}

/// A container instance as placement sees it.
#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub attributes: BTreeMap<String, String>,
    pub cpu_total: u32,
    pub memory_total: u32,
    pub cpu_free: u32,
    pub memory_free: u32,
    pub ports_used: BTreeSet<u16>,
    pub groups: BTreeMap<String, u32>,
    pub running_tasks: u32,
    pub status: InstanceStatus,
}

impl Node {
    pub fn new(name: String, attributes: BTreeMap<String, String>, cpu: u32, memory: u32) -> Self {
        Node {
            name,
            attributes,
            cpu_total: cpu,
            memory_total: memory,
            cpu_free: cpu,
            memory_free: memory,
            ports_used: AGENT_RESERVED_PORTS.into_iter().collect(),
            groups: BTreeMap::new(),
            running_tasks: 0,
            status: InstanceStatus::Active,
        }
    }
    fn target(&self) -> QueryTarget<'_> {
        QueryTarget {
            instance_id: &self.name,
            attributes: &self.attributes,
            running_tasks_count: self.running_tasks,
            task_groups: &self.groups,
            agent_connected: self.status != InstanceStatus::Inactive,
        }
    }
    fn free_dynamic_ports(&self) -> u32 {
        let span = u32::from(DYNAMIC_PORTS.1 - DYNAMIC_PORTS.0) + 1;
        span - self.ports_used.range(DYNAMIC_PORTS.0..=DYNAMIC_PORTS.1).count() as u32
    }
    /// The filter step for one instance.
    pub fn check(&self, needs: &Needs) -> Verdict {
        if self.status != InstanceStatus::Active {
            return Verdict::NotActive(self.status.clone());
        }
        if self.cpu_free < needs.cpu {
            return Verdict::InsufficientCpu {
                need: needs.cpu,
                free: self.cpu_free,
            };
        }
        if self.memory_free < needs.memory {
            return Verdict::InsufficientMemory {
                need: needs.memory,
                free: self.memory_free,
            };
        }
        if let Some(p) = needs.host_ports.iter().find(|p| self.ports_used.contains(p)) {
            return Verdict::PortInUse(*p);
        }
        if needs.dynamic_ports > 0 && self.free_dynamic_ports() < needs.dynamic_ports {
            return Verdict::NoDynamicPort;
        }
        Verdict::Fits
    }
}

/// The result of the filter step on one instance, worded for the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Fits,
    NotActive(InstanceStatus),
    InsufficientCpu { need: u32, free: u32 },
    InsufficientMemory { need: u32, free: u32 },
    PortInUse(u16),
    NoDynamicPort,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Fits => write!(f, "fits"),
            Verdict::NotActive(s) => write!(f, "status {s:?} (only ACTIVE instances take tasks)"),
            Verdict::InsufficientCpu { need, free } => {
                write!(f, "insufficient CPU units (needs {need}, {free} available)")
            }
            Verdict::InsufficientMemory { need, free } => {
                write!(f, "insufficient memory (needs {need} MiB, {free} MiB available)")
            }
            Verdict::PortInUse(p) => write!(f, "host port {p} already in use"),
            Verdict::NoDynamicPort => write!(f, "no free dynamic host port"),
        }
    }
}

impl Verdict {
    /// The ending of ECS's "closest matching container-instance … " sentence.
    pub fn ecs_reason(&self) -> String {
        match self {
            Verdict::Fits => "met all of its resource requirements".into(),
            Verdict::NotActive(_) => "is not ACTIVE".into(),
            Verdict::InsufficientCpu { .. } => "has insufficient CPU units available".into(),
            Verdict::InsufficientMemory { .. } => "has insufficient memory available".into(),
            Verdict::PortInUse(_) | Verdict::NoDynamicPort => {
                "is already using a port required by your task".into()
            }
        }
    }
    /// How far the instance got through the filter, for choosing the "closest matching" one.
    fn progress(&self) -> u8 {
        match self {
            Verdict::NotActive(_) => 0,
            Verdict::InsufficientCpu { .. } => 1,
            Verdict::InsufficientMemory { .. } => 2,
            Verdict::PortInUse(_) | Verdict::NoDynamicPort => 3,
            Verdict::Fits => 4,
        }
    }
}

/// A placement constraint: binding.
#[derive(Debug, Clone)]
pub enum Constraint {
    DistinctInstance,
    MemberOf { expression: String, expr: Expr },
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Constraint::DistinctInstance => write!(f, "distinctInstance"),
            Constraint::MemberOf { expression, .. } => write!(f, "memberOf({expression})"),
        }
    }
}

impl Constraint {
    fn allows(&self, node: &Node, needs: &Needs) -> bool {
        match self {
            Constraint::DistinctInstance => !node.groups.contains_key(&needs.group),
            Constraint::MemberOf { expr, .. } => expr.eval(&node.target()),
        }
    }
    fn unsatisfied(&self) -> &'static str {
        match self {
            Constraint::DistinctInstance => "DistinctInstance placement constraint unsatisfied",
            Constraint::MemberOf { .. } => "MemberOf placement constraint unsatisfied",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BinpackField {
    Cpu,
    Memory,
}

/// A placement strategy: best effort, applied in order, each narrowing the candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    Binpack(BinpackField),
    /// `attribute:<name>`, or `instanceId` / `host` (the same thing for ECS).
    Spread(SpreadField),
    Random,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpreadField {
    Attribute(String),
    InstanceId,
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Strategy::Binpack(BinpackField::Cpu) => write!(f, "binpack(cpu)"),
            Strategy::Binpack(BinpackField::Memory) => write!(f, "binpack(memory)"),
            Strategy::Spread(SpreadField::Attribute(a)) => write!(f, "spread(attribute:{a})"),
            Strategy::Spread(SpreadField::InstanceId) => write!(f, "spread(instanceId)"),
            Strategy::Random => write!(f, "random"),
        }
    }
}

impl Strategy {
    /// Parses the `field` of a strategy as the API takes it.
    pub fn parse(kind: &str, field: Option<&str>) -> Result<Strategy, String> {
        match (kind, field) {
            ("binpack", Some(f)) if f.eq_ignore_ascii_case("memory") => {
                Ok(Strategy::Binpack(BinpackField::Memory))
            }
            ("binpack", Some(f)) if f.eq_ignore_ascii_case("cpu") => Ok(Strategy::Binpack(BinpackField::Cpu)),
            ("binpack", f) => Err(format!("binpack field must be \"cpu\" or \"memory\", not {f:?}")),
            ("spread", Some("instanceId" | "host")) => Ok(Strategy::Spread(SpreadField::InstanceId)),
            ("spread", Some(f)) if f.starts_with("attribute:") && f.len() > 10 => {
                Ok(Strategy::Spread(SpreadField::Attribute(f[10..].to_string())))
            }
            ("spread", f) => Err(format!(
                "spread field must be \"instanceId\", \"host\" or \"attribute:<name>\", not {f:?}"
            )),
            ("random", None) => Ok(Strategy::Random),
            ("random", Some(f)) => Err(format!("random takes no field (got {f:?})")),
            (k, _) => Err(format!(
                "unknown strategy type {k:?} (expected one of: binpack, spread, random)"
            )),
        }
    }
}

/// All instances of a cluster, with indexes for binpack.
#[derive(Debug, Clone, Default)]
pub struct Pool {
    nodes: Vec<Node>,
    by_memory: BTreeSet<(u32, u32)>,
    by_cpu: BTreeSet<(u32, u32)>,
}

/// Where a placed task sits, so it can be released exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub node: u32,
    pub cpu: u32,
    pub memory: u32,
    /// Every host port the task holds, fixed and dynamic, in mapping order.
    pub ports: Vec<u16>,
    pub group: String,
}

impl Pool {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, node: Node) -> u32 {
        let i = self.nodes.len() as u32;
        self.by_memory.insert((node.memory_free, i));
        self.by_cpu.insert((node.cpu_free, i));
        self.nodes.push(node);
        i
    }
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }
    pub fn node(&self, i: u32) -> &Node {
        &self.nodes[i as usize]
    }
    pub fn set_status(&mut self, i: u32, status: InstanceStatus) {
        self.nodes[i as usize].status = status;
    }
    pub fn find(&self, name: &str) -> Option<u32> {
        self.nodes.iter().position(|n| n.name == name).map(|i| i as u32)
    }

    /// Takes the task's resources from the instance and picks its dynamic ports (lowest free).
    pub fn reserve(&mut self, i: u32, needs: &Needs) -> Reservation {
        let n = &mut self.nodes[i as usize];
        assert_eq!(
            n.check(needs),
            Verdict::Fits,
            "placement reserved on an instance that does not fit"
        );
        self.by_memory.remove(&(n.memory_free, i));
        self.by_cpu.remove(&(n.cpu_free, i));
        n.cpu_free -= needs.cpu;
        n.memory_free -= needs.memory;
        let mut ports = needs.host_ports.clone();
        for _ in 0..needs.dynamic_ports {
            let p = (DYNAMIC_PORTS.0..=DYNAMIC_PORTS.1)
                .find(|p| !n.ports_used.contains(p) && !ports.contains(p))
                .expect("check() counted a free dynamic port");
            ports.push(p);
        }
        n.ports_used.extend(ports.iter().copied());
        *n.groups.entry(needs.group.clone()).or_insert(0) += 1;
        n.running_tasks += 1;
        self.by_memory.insert((n.memory_free, i));
        self.by_cpu.insert((n.cpu_free, i));
        Reservation {
            node: i,
            cpu: needs.cpu,
            memory: needs.memory,
            ports,
            group: needs.group.clone(),
        }
    }

    /// Gives a stopped task's resources back.
    pub fn release(&mut self, r: &Reservation) {
        let i = r.node;
        let n = &mut self.nodes[i as usize];
        self.by_memory.remove(&(n.memory_free, i));
        self.by_cpu.remove(&(n.cpu_free, i));
        n.cpu_free += r.cpu;
        n.memory_free += r.memory;
        for p in &r.ports {
            n.ports_used.remove(p);
        }
        if let Some(c) = n.groups.get_mut(&r.group) {
            *c -= 1;
            if *c == 0 {
                n.groups.remove(&r.group);
            }
        }
        n.running_tasks -= 1;
        self.by_memory.insert((n.memory_free, i));
        self.by_cpu.insert((n.cpu_free, i));
    }

    /// Tasks of `group` per value of a spread field, over all active instances.
    fn spread_counts(&self, field: &SpreadField, group: &str) -> BTreeMap<String, u32> {
        let mut counts = BTreeMap::new();
        for n in self.nodes.iter().filter(|n| n.status == InstanceStatus::Active) {
            let key = spread_key(n, field);
            *counts.entry(key).or_insert(0) += n.groups.get(group).copied().unwrap_or(0);
        }
        counts
    }

    /// Chooses an instance for a task. With `explain` the result carries every step; without it
    /// a binpack-first placement takes the indexed fast path (same answer, see the property test).
    pub fn place(
        &self,
        needs: &Needs,
        constraints: &[Constraint],
        strategies: &[Strategy],
        rng: &mut Rng,
        explain: bool,
    ) -> Decision {
        if !explain && let Some(Strategy::Binpack(field)) = strategies.first() {
            return self.place_binpack_fast(needs, constraints, *field, &strategies[1..], rng);
        }
        let mut d = Decision::default();
        // 1. Filter on resources.
        let mut candidates = Vec::new();
        let mut closest: Option<(u8, u32, String)> = None;
        for (i, n) in self.nodes.iter().enumerate() {
            let v = n.check(needs);
            let better = closest.as_ref().is_none_or(|(p, _, _)| v.progress() > *p);
            if v == Verdict::Fits {
                candidates.push(i as u32);
            } else if better {
                closest = Some((v.progress(), i as u32, v.ecs_reason()));
            }
            if explain {
                d.filter.push((n.name.clone(), v));
            }
        }
        // 2. Constraints, each removing instances.
        for c in constraints {
            let (kept, removed): (Vec<u32>, Vec<u32>) = candidates
                .iter()
                .partition(|&&i| c.allows(&self.nodes[i as usize], needs));
            if kept.is_empty() && !removed.is_empty() {
                closest = Some((
                    5,
                    removed[0],
                    format!("encountered error \"{}\"", c.unsatisfied()),
                ));
            }
            if explain {
                d.constraints.push(ConstraintStep {
                    constraint: c.to_string(),
                    removed: removed.iter().map(|&i| self.node(i).name.clone()).collect(),
                });
            }
            candidates = kept;
        }
        if candidates.is_empty() {
            d.failure = Some(match closest {
                Some((_, i, reason)) => Unplaced::Closest {
                    instance: self.node(i).name.clone(),
                    reason,
                },
                None => Unplaced::NoInstances,
            });
            return d;
        }
        // 3. Strategies in order, each keeping its best-ranked tie group.
        for s in strategies {
            let step = self.apply(s, needs, &mut candidates, rng);
            if explain {
                d.strategies.push(step);
            }
        }
        d.chosen = candidates.first().copied();
        d
    }

    fn apply(&self, s: &Strategy, needs: &Needs, candidates: &mut Vec<u32>, rng: &mut Rng) -> StrategyStep {
        let ranked: Vec<(u32, String, u64)> = match s {
            Strategy::Binpack(field) => candidates
                .iter()
                .map(|&i| {
                    let n = self.node(i);
                    let left = match field {
                        BinpackField::Cpu => n.cpu_free - needs.cpu,
                        BinpackField::Memory => n.memory_free - needs.memory,
                    };
                    (i, format!("{left} left"), u64::from(left))
                })
                .collect(),
            Strategy::Spread(field) => {
                let counts = self.spread_counts(field, &needs.group);
                candidates
                    .iter()
                    .map(|&i| {
                        let key = spread_key(self.node(i), field);
                        let c = counts.get(&key).copied().unwrap_or(0);
                        let label = match field {
                            SpreadField::InstanceId => format!("{c} tasks"),
                            SpreadField::Attribute(_) => format!("{key}={c} tasks"),
                        };
                        (i, label, u64::from(c))
                    })
                    .collect()
            }
            Strategy::Random => {
                let pick = rng.below(candidates.len() as u64);
                candidates
                    .iter()
                    .enumerate()
                    .map(|(k, &i)| {
                        let drawn = k as u64 == pick;
                        (
                            i,
                            if drawn { "drawn" } else { "not drawn" }.to_string(),
                            u64::from(!drawn),
                        )
                    })
                    .collect()
            }
        };
        let mut sorted = ranked.clone();
        sorted.sort_by_key(|(i, _, score)| (*score, *i));
        let best = sorted[0].2;
        *candidates = sorted.iter().filter(|r| r.2 == best).map(|r| r.0).collect();
        StrategyStep {
            strategy: s.to_string(),
            ranking: sorted
                .iter()
                .map(|(i, label, _)| (self.node(*i).name.clone(), label.clone()))
                .collect(),
            kept: candidates.iter().map(|&i| self.node(i).name.clone()).collect(),
        }
    }

    fn place_binpack_fast(
        &self,
        needs: &Needs,
        constraints: &[Constraint],
        field: BinpackField,
        rest: &[Strategy],
        rng: &mut Rng,
    ) -> Decision {
        let (index, need) = match field {
            BinpackField::Memory => (&self.by_memory, needs.memory),
            BinpackField::Cpu => (&self.by_cpu, needs.cpu),
        };
        let mut ties: Vec<u32> = Vec::new();
        let mut tie_key = None;
        for &(free, i) in index.range((need, 0)..) {
            if tie_key.is_some_and(|k| k != free) {
                break;
            }
            let n = self.node(i);
            if n.check(needs) == Verdict::Fits && constraints.iter().all(|c| c.allows(n, needs)) {
                tie_key = Some(free);
                ties.push(i);
                // With no strategy after binpack the lowest index wins a tie, and the index walks
                // ties in index order: the first fit is the answer, no need to see the others.
                if rest.is_empty() {
                    break;
                }
            }
        }
        if ties.is_empty() {
            // Rare and slow by nature: let the explaining path find the closest instance.
            let mut d = self.place(needs, constraints, &[], rng, true);
            d.filter.clear();
            d.constraints.clear();
            return d;
        }
        for s in rest {
            self.apply(s, needs, &mut ties, rng);
        }
        Decision {
            chosen: ties.first().copied(),
            ..Decision::default()
        }
    }
}

fn spread_key(n: &Node, field: &SpreadField) -> String {
    match field {
        SpreadField::InstanceId => n.name.clone(),
        SpreadField::Attribute(a) => n.attributes.get(a).cloned().unwrap_or_else(|| "(none)".into()),
    }
}

/// Why no instance was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unplaced {
    NoInstances,
    Closest { instance: String, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintStep {
    pub constraint: String,
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrategyStep {
    pub strategy: String,
    /// Candidates best first, each with what the strategy saw.
    pub ranking: Vec<(String, String)>,
    pub kept: Vec<String>,
}

/// The outcome of one placement and, when asked for, its reasons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    pub chosen: Option<u32>,
    pub filter: Vec<(String, Verdict)>,
    pub constraints: Vec<ConstraintStep>,
    pub strategies: Vec<StrategyStep>,
    pub failure: Option<Unplaced>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::query;

    fn pool(specs: &[(&str, &str, u32, u32)]) -> Pool {
        let mut p = Pool::new();
        for (name, az, cpu, mem) in specs {
            let attrs = [("ecs.availability-zone".to_string(), az.to_string())]
                .into_iter()
                .collect();
            p.add(Node::new(name.to_string(), attrs, *cpu, *mem));
        }
        p
    }

    fn needs(cpu: u32, memory: u32) -> Needs {
        Needs {
            cpu,
            memory,
            host_ports: vec![],
            dynamic_ports: 0,
            group: "service:web".into(),
        }
    }

    #[test]
    fn binpack_memory_fills_the_fullest_instance_first() {
        let mut p = pool(&[
            ("i-a", "a", 2048, 4000),
            ("i-b", "b", 2048, 1000),
            ("i-c", "a", 2048, 3000),
        ]);
        let s = [Strategy::Binpack(BinpackField::Memory)];
        let mut rng = Rng::seed_from_u64(1);
        let mut order = vec![];
        for _ in 0..4 {
            let d = p.place(&needs(256, 900), &[], &s, &mut rng, true);
            let fast = p.place(&needs(256, 900), &[], &s, &mut rng, false);
            assert_eq!(d.chosen, fast.chosen);
            let i = d.chosen.expect("capacity exists");
            order.push(p.node(i).name.clone());
            p.reserve(i, &needs(256, 900));
        }
        assert_eq!(order, ["i-b", "i-c", "i-c", "i-c"]);
    }

    #[test]
    fn unplaceable_names_the_closest_instance_as_ecs_does() {
        let p = pool(&[("i-a", "a", 1024, 4000), ("i-b", "b", 4096, 100)]);
        let d = p.place(&needs(2048, 512), &[], &[], &mut Rng::seed_from_u64(1), true);
        assert_eq!(
            d.failure,
            Some(Unplaced::Closest {
                instance: "i-b".into(),
                reason: "has insufficient memory available".into()
            })
        );
        let c = [Constraint::MemberOf {
            expression: "attribute:ecs.availability-zone == z".into(),
            expr: query::parse("attribute:ecs.availability-zone == z").expect("valid"),
        }];
        let d = p.place(&needs(256, 50), &c, &[], &mut Rng::seed_from_u64(1), true);
        assert_eq!(
            d.failure,
            Some(Unplaced::Closest {
                instance: "i-a".into(),
                reason: "encountered error \"MemberOf placement constraint unsatisfied\"".into()
            })
        );
    }

    #[test]
    fn dynamic_ports_are_the_lowest_free_and_fixed_ports_conflict() {
        let mut p = pool(&[("i-a", "a", 4096, 4000)]);
        let web = Needs {
            host_ports: vec![80],
            dynamic_ports: 2,
            ..needs(10, 10)
        };
        let r = p.reserve(0, &web);
        assert_eq!(r.ports, [80, 49153, 49154]);
        assert_eq!(p.node(0).check(&web), Verdict::PortInUse(80));
        let ssh = Needs {
            host_ports: vec![22],
            ..needs(10, 10)
        };
        assert_eq!(p.node(0).check(&ssh), Verdict::PortInUse(22));
        p.release(&r);
        assert_eq!(p.node(0).check(&web), Verdict::Fits);
        assert_eq!(p.node(0).memory_free, 4000);
    }
}
