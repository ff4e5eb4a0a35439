//! The ECS state machine: clusters of EC2 container instances, task definitions, tasks moving
//! through ECS's lifecycle, REPLICA and DAEMON services with rolling deployments, instance drain
//! and failure, target-tracking auto scaling on CPU, Fargate tasks, and the images they pull from
//! the scenario's registry (only the layers an instance lacks; Fargate caches nothing).
//!
//! Every decision is a trace record worded for the book: placement reasons (filter, constraints,
//! strategy rankings), service events in ECS's own words, each status change of each task. It does
//! not parse scenario files ([`super::scenario`] does) and does no I/O.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::catalog::InstanceType;
use super::fargate::{self, FargateSize};
use super::image::{self, ImageStore};
use super::placement::{Constraint, InstanceStatus, Node, Pool, Reservation, Strategy, Unplaced};
use super::registry::{LifecycleRule, Registry, TagMutability};
use super::taskdef::{LaunchType, NetworkMode, TaskDef};
use crate::sim::{Context, Model, SimDuration, SimTime};

/// ECS task lifecycle states, in their only possible order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    Provisioning,
    Pending,
    Activating,
    Running,
    Deactivating,
    Stopping,
    Deprovisioning,
    Stopped,
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            TaskStatus::Provisioning => "PROVISIONING",
            TaskStatus::Pending => "PENDING",
            TaskStatus::Activating => "ACTIVATING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Deactivating => "DEACTIVATING",
            TaskStatus::Stopping => "STOPPING",
            TaskStatus::Deprovisioning => "DEPROVISIONING",
            TaskStatus::Stopped => "STOPPED",
        };
        f.write_str(s)
    }
}

impl TaskStatus {
    /// Whether `path` is a lifecycle ECS could report: it starts at PROVISIONING and only ever moves
    /// forward (a task stopped early skips the states it never needed).
    pub fn is_valid_path(path: &[TaskStatus]) -> bool {
        path.first() == Some(&TaskStatus::Provisioning) && path.windows(2).all(|w| w[0] < w[1])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DesiredStatus {
    Running,
    Stopped,
}

impl fmt::Display for DesiredStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DesiredStatus::Running => "RUNNING",
            DesiredStatus::Stopped => "STOPPED",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TaskId(pub u32);

/// Shown 1-based (`t1` is the first task) because people count that way; the index stays 0-based.
impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{}", self.0 + 1)
    }
}

/// How much the trace says about placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Explain {
    /// Every instance's filter verdict, every constraint, every strategy ranking.
    #[default]
    Full,
    /// Only where each task went (for large clusters).
    Summary,
}

/// The simulated clocks of the lifecycle (aws-facts Part 2 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Timing {
    pub eni_attach: SimDuration,
    pub fargate_provision: SimDuration,
    pub pull_mb_per_sec: u32,
    pub container_start: SimDuration,
    pub activate: SimDuration,
    pub deactivate: SimDuration,
    /// How long a process takes to exit after SIGTERM (below `stopTimeout`, so no SIGKILL).
    pub sigterm_exit: SimDuration,
    pub eni_detach: SimDuration,
    pub scaling_period: SimDuration,
    pub scale_in_cooldown: SimDuration,
    /// How long a container that uses more than its hard limit runs before the OOM killer.
    pub oom_after: SimDuration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            eni_attach: SimDuration::from_secs(2),
            fargate_provision: SimDuration::from_secs(15),
            pull_mb_per_sec: 80,
            container_start: SimDuration::from_millis(570),
            activate: SimDuration::from_secs(1),
            deactivate: SimDuration::from_secs(1),
            sigterm_exit: SimDuration::from_secs(1),
            eni_detach: SimDuration::from_secs(2),
            scaling_period: SimDuration::from_mins(1),
            scale_in_cooldown: SimDuration::from_mins(5),
            oom_after: SimDuration::from_secs(5),
        }
    }
}

/// A container instance to register.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceSpec {
    pub name: String,
    pub cluster: String,
    pub instance_type: &'static InstanceType,
    pub az: String,
    pub attributes: BTreeMap<String, String>,
    pub reserved_memory: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SchedulingStrategy {
    Replica,
    Daemon,
}

/// Target tracking on the service's average CPU utilization.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CpuTargetTracking {
    pub target_percent: f64,
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone)]
pub struct ServiceSpec {
    pub name: String,
    pub cluster: String,
    pub task_definition: String,
    pub desired_count: u32,
    pub launch_type: LaunchType,
    pub scheduling: SchedulingStrategy,
    pub minimum_healthy_percent: u32,
    pub maximum_percent: u32,
    pub constraints: Vec<Constraint>,
    pub strategies: Vec<Strategy>,
    pub autoscaling: Option<CpuTargetTracking>,
}

/// Something done to the system from outside: a scenario's timeline or a button in a page.
#[derive(Debug, Clone)]
pub enum Action {
    RegisterInstance(InstanceSpec),
    RegisterTaskDefinition(TaskDef),
    CreateService(ServiceSpec),
    RunTask {
        cluster: String,
        task_definition: String,
        count: u32,
        launch_type: LaunchType,
        constraints: Vec<Constraint>,
        strategies: Vec<Strategy>,
    },
    UpdateService {
        service: String,
        desired_count: Option<u32>,
        task_definition: Option<String>,
    },
    StopTask {
        task: TaskId,
    },
    DrainInstance {
        instance: String,
    },
    TerminateInstance {
        instance: String,
    },
    /// Builds an image on the workstation (the machine that pushes).
    BuildImage {
        tag: String,
        spec: String,
    },
    CreateRepository {
        name: String,
        mutability: TagMutability,
        lifecycle: Vec<LifecycleRule>,
    },
    PushImage {
        image: String,
        repository: String,
        tag: String,
    },
    /// Runs every repository's lifecycle policy now.
    ExpireImages,
    /// Total CPU demand on a service, in CPU units, spread over its running tasks.
    SetLoad {
        service: String,
        cpu_units: u32,
    },
}

pub enum Event {
    Act(Action),
    /// Move a task on from `from`; ignored if the task has moved on already (a stop overtook it).
    Advance(TaskId, TaskStatus),
    Exit(TaskId),
    /// The kernel's OOM killer ends a container that went over its hard limit.
    OomKill(TaskId),
    Reconcile(usize),
    ScaleTick(usize),
}

/// One trace line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Record {
    InstanceRegistered {
        cluster: String,
        instance: String,
        instance_type: String,
        az: String,
        cpu: u32,
        memory: u32,
    },
    InstanceStatusChanged {
        instance: String,
        status: InstanceStatus,
    },
    TaskDefinitionRegistered {
        name: String,
        compatibility: LaunchType,
        cpu: u32,
        memory: u32,
        /// `name` or `name=host path`, for the book to show where data outlives a task.
        volumes: Vec<String>,
    },
    TaskDefinitionRejected {
        family: String,
        error: String,
    },
    Filter {
        task: TaskId,
        instance: String,
        verdict: String,
    },
    ConstraintApplied {
        task: TaskId,
        constraint: String,
        removed: Vec<String>,
    },
    StrategyApplied {
        task: TaskId,
        strategy: String,
        ranking: Vec<(String, String)>,
        kept: Vec<String>,
    },
    Placed {
        task: TaskId,
        instance: String,
        ports: Vec<u16>,
    },
    FargateTask {
        task: TaskId,
        cpu: u32,
        memory: u32,
        platform_version: String,
    },
    RunTaskFailure {
        task_definition: String,
        reason: String,
        arn: String,
    },
    Status {
        task: TaskId,
        from: Option<TaskStatus>,
        to: TaskStatus,
        desired: DesiredStatus,
        reason: Option<String>,
    },
    ServiceEvent {
        service: String,
        message: String,
    },
    Scaling {
        service: String,
        cpu_percent: u32,
        target_percent: u32,
        from: u32,
        to: u32,
    },
    Billed {
        task: TaskId,
        seconds: u64,
        usd: f64,
    },
    Rejected {
        action: String,
        error: String,
    },
    ImageBuilt {
        tag: String,
        digest: String,
        layers: u32,
        bytes: u64,
    },
    ImagePushed {
        image: String,
        uri: String,
        transfer: String,
    },
    ImageExpired {
        repository: String,
        digest: String,
    },
    ImagePulled {
        task: TaskId,
        image: String,
        transfer: String,
    },
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |v: &[String]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                v.join(",")
            }
        };
        match self {
            Record::InstanceRegistered {
                cluster,
                instance,
                instance_type,
                az,
                cpu,
                memory,
            } => write!(
                f,
                "instance {instance} registered cluster={cluster} type={instance_type} az={az} cpu={cpu} memory={memory}MiB"
            ),
            Record::InstanceStatusChanged { instance, status } => {
                write!(f, "instance {instance} status={status:?}")
            }
            Record::TaskDefinitionRegistered {
                name,
                compatibility,
                cpu,
                memory,
                volumes,
            } => {
                write!(
                    f,
                    "taskdef {name} registered compatibility={compatibility} cpu={cpu} memory={memory}MiB"
                )?;
                if !volumes.is_empty() {
                    write!(f, " volumes={}", volumes.join(","))?;
                }
                Ok(())
            }
            Record::TaskDefinitionRejected { family, error } => {
                write!(f, "taskdef {family} rejected: {error}")
            }
            Record::Filter {
                task,
                instance,
                verdict,
            } => write!(f, "place {task} filter {instance}: {verdict}"),
            Record::ConstraintApplied {
                task,
                constraint,
                removed,
            } => {
                write!(
                    f,
                    "place {task} constraint {constraint} removed={}",
                    list(removed)
                )
            }
            Record::StrategyApplied {
                task,
                strategy,
                ranking,
                kept,
            } => {
                let r: Vec<String> = ranking.iter().map(|(i, why)| format!("{i}({why})")).collect();
                write!(
                    f,
                    "place {task} strategy {strategy} ranking={} kept={}",
                    r.join(" "),
                    list(kept)
                )
            }
            Record::Placed {
                task,
                instance,
                ports,
            } => {
                let p: Vec<String> = ports.iter().map(u16::to_string).collect();
                write!(f, "place {task} on {instance} ports={}", list(&p))
            }
            Record::FargateTask {
                task,
                cpu,
                memory,
                platform_version,
            } => write!(
                f,
                "place {task} on FARGATE cpu={cpu} memory={memory}MiB platform={platform_version} \
                 (placement strategies and constraints are not supported for the Fargate launch type)"
            ),
            Record::RunTaskFailure {
                task_definition,
                reason,
                arn,
            } => {
                write!(f, "RunTask {task_definition} failure reason={reason} arn={arn}")
            }
            Record::Status {
                task,
                from,
                to,
                desired,
                reason,
            } => {
                match from {
                    Some(s) => write!(f, "task {task} {s} -> {to}")?,
                    None => write!(f, "task {task} created {to}")?,
                }
                // The desired status is shown where it differs from where the task is heading:
                // at creation (RUNNING) and when a stop is asked for (STOPPED).
                if from.is_none() || (*desired == DesiredStatus::Stopped && *to == TaskStatus::Deactivating) {
                    write!(f, " desiredStatus={desired}")?;
                }
                if let Some(r) = reason {
                    write!(f, " stoppedReason=\"{r}\"")?;
                }
                Ok(())
            }
            Record::ServiceEvent { service, message } => write!(f, "service {service} event: {message}"),
            Record::Scaling {
                service,
                cpu_percent,
                target_percent,
                from,
                to,
            } => write!(
                f,
                "autoscaling {service} CPUUtilization={cpu_percent}% target={target_percent}% desiredCount {from} -> {to}"
            ),
            Record::Billed { task, seconds, usd } => {
                write!(f, "billing {task} fargate seconds={seconds} usd={usd:.6}")
            }
            Record::Rejected { action, error } => write!(f, "{action} rejected: {error}"),
            Record::ImageBuilt {
                tag,
                digest,
                layers,
                bytes,
            } => {
                write!(
                    f,
                    "image {tag} built digest={digest} layers={layers} bytes={bytes}"
                )
            }
            Record::ImagePushed { image, uri, transfer } => write!(f, "push {image} -> {uri} {transfer}"),
            Record::ImageExpired { repository, digest } => {
                write!(f, "lifecycle policy expired {repository}@{digest}")
            }
            Record::ImagePulled {
                task,
                image,
                transfer,
            } => write!(f, "task {task} pull {image} {transfer}"),
        }
    }
}

/// One task.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub id: TaskId,
    pub cluster: String,
    pub task_definition: String,
    #[serde(skip)]
    def: usize,
    pub group: String,
    #[serde(skip)]
    service: Option<usize>,
    pub launch_type: LaunchType,
    pub instance: Option<String>,
    #[serde(skip)]
    reservation: Option<Reservation>,
    pub last_status: TaskStatus,
    pub desired_status: DesiredStatus,
    pub history: Vec<TaskStatus>,
    pub stopped_reason: Option<String>,
    pub fargate: Option<FargateSize>,
    /// Fargate bills from the start of the image download.
    #[serde(skip)]
    pull_started: Option<SimTime>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub name: String,
    pub cluster: String,
    pub task_definition: String,
    #[serde(skip)]
    def: usize,
    pub desired_count: u32,
    pub launch_type: LaunchType,
    pub scheduling: SchedulingStrategy,
    pub minimum_healthy_percent: u32,
    pub maximum_percent: u32,
    #[serde(skip)]
    constraints: Vec<Constraint>,
    #[serde(skip)]
    strategies: Vec<Strategy>,
    pub autoscaling: Option<CpuTargetTracking>,
    pub cpu_load_units: u32,
    #[serde(skip)]
    last_event: Option<String>,
    #[serde(skip)]
    steady: bool,
    #[serde(skip)]
    reconcile_queued: bool,
    #[serde(skip)]
    last_scale_in: Option<SimTime>,
}

/// The ECS simulation.
pub struct Ecs {
    pub explain: Explain,
    pub timing: Timing,
    /// Scaling ticks stop here so a run always ends.
    pub end: SimTime,
    pools: BTreeMap<String, Pool>,
    /// Instance name → (cluster, pool index, type).
    instances: BTreeMap<String, (String, u32, &'static InstanceType)>,
    /// Images already pulled by an instance: later tasks skip the download.
    image_cache: BTreeSet<(String, String)>,
    /// The registry (ECR) of the scenario and the workstation that builds and pushes.
    pub registry: Registry,
    pub workstation: ImageStore,
    /// Each container instance's local images: a pull moves only the layers it lacks.
    hosts: BTreeMap<String, ImageStore>,
    defs: Vec<TaskDef>,
    fargate_sizes: Vec<Option<FargateSize>>,
    tasks: Vec<Task>,
    services: Vec<Service>,
}

impl Task {
    /// The instance resources the task holds, until it is STOPPED.
    pub fn reservation(&self) -> Option<&Reservation> {
        self.reservation.as_ref()
    }
}

impl Ecs {
    pub fn new(explain: Explain, timing: Timing, end: SimTime) -> Self {
        Ecs {
            explain,
            timing,
            end,
            pools: BTreeMap::new(),
            instances: BTreeMap::new(),
            image_cache: BTreeSet::new(),
            registry: Registry::new("123456789012", "us-east-1"),
            workstation: ImageStore::new(),
            hosts: BTreeMap::new(),
            defs: vec![],
            fargate_sizes: vec![],
            tasks: vec![],
            services: vec![],
        }
    }
    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }
    pub fn services(&self) -> &[Service] {
        &self.services
    }
    pub fn pool(&self, cluster: &str) -> Option<&Pool> {
        self.pools.get(cluster)
    }
    pub fn pools(&self) -> &BTreeMap<String, Pool> {
        &self.pools
    }
    pub fn task_definitions(&self) -> &[TaskDef] {
        &self.defs
    }

    /// `family` (latest ACTIVE revision) or `family:revision`.
    fn resolve_def(&self, name: &str) -> Option<usize> {
        match name.split_once(':') {
            Some((fam, rev)) => self
                .defs
                .iter()
                .position(|d| d.family == fam && d.revision.to_string() == rev),
            None => self.defs.iter().rposition(|d| d.family == name),
        }
    }

    fn act(&mut self, action: Action, cx: &mut Cx<'_>) {
        match action {
            Action::RegisterInstance(spec) => self.register_instance(spec, cx),
            Action::RegisterTaskDefinition(mut def) => {
                def.revision = self.defs.iter().filter(|d| d.family == def.family).count() as u32 + 1;
                match def.validate() {
                    Ok(size) => {
                        cx.record(Record::TaskDefinitionRegistered {
                            name: def.name(),
                            compatibility: def.compatibility,
                            cpu: def.cpu_units(),
                            memory: def.memory_mib(),
                            volumes: def
                                .volumes
                                .iter()
                                .map(|v| match &v.host_path {
                                    Some(p) => format!("{}={p}", v.name),
                                    None => v.name.clone(),
                                })
                                .collect(),
                        });
                        self.defs.push(def);
                        self.fargate_sizes.push(size);
                    }
                    Err(e) => cx.record(Record::TaskDefinitionRejected {
                        family: def.family.clone(),
                        error: e.to_string(),
                    }),
                }
            }
            Action::CreateService(spec) => self.create_service(spec, cx),
            Action::RunTask {
                cluster,
                task_definition,
                count,
                launch_type,
                constraints,
                strategies,
            } => {
                let Some(def) = self.resolve_def(&task_definition) else {
                    return reject(
                        cx,
                        "RunTask",
                        format!(
                            "An error occurred (ClientException) when calling the RunTask operation: Unable to describe task definition. ({task_definition})"
                        ),
                    );
                };
                let group = format!("family:{}", self.defs[def].family);
                for _ in 0..count {
                    if let Err(failure) = self.launch(
                        &cluster,
                        def,
                        &group,
                        None,
                        launch_type,
                        &constraints,
                        &strategies,
                        cx,
                    ) {
                        let (reason, arn) = match failure {
                            Unplaced::NoInstances => (
                                "No Container Instances were found in your cluster.".to_string(),
                                "-".into(),
                            ),
                            Unplaced::Closest { instance, reason } => (run_task_reason(&reason), instance),
                        };
                        cx.record(Record::RunTaskFailure {
                            task_definition: self.defs[def].name(),
                            reason,
                            arn,
                        });
                    }
                }
            }
            Action::UpdateService {
                service,
                desired_count,
                task_definition,
            } => {
                let Some(s) = self.services.iter().position(|s| s.name == service) else {
                    return reject(
                        cx,
                        "UpdateService",
                        format!("ServiceNotFoundException: Service not found. ({service})"),
                    );
                };
                if let Some(n) = desired_count {
                    self.services[s].desired_count = n;
                }
                if let Some(td) = task_definition {
                    let Some(def) = self.resolve_def(&td) else {
                        return reject(
                            cx,
                            "UpdateService",
                            format!("ClientException: TaskDefinition not found. ({td})"),
                        );
                    };
                    self.services[s].def = def;
                    self.services[s].task_definition = self.defs[def].name();
                }
                self.services[s].steady = false;
                self.queue_reconcile(s, cx);
            }
            Action::StopTask { task } => match self.tasks.get(task.0 as usize) {
                Some(t) if t.desired_status == DesiredStatus::Running => {
                    self.stop(task, "Task stopped by user".into(), cx)
                }
                _ => reject(
                    cx,
                    "StopTask",
                    format!(
                        "InvalidParameterException: The referenced task was not found or is already stopping. ({task})"
                    ),
                ),
            },
            Action::DrainInstance { instance } => {
                self.set_instance_status(&instance, InstanceStatus::Draining, cx)
            }
            Action::TerminateInstance { instance } => {
                self.set_instance_status(&instance, InstanceStatus::Inactive, cx);
                let doomed: Vec<TaskId> = self
                    .tasks
                    .iter()
                    .filter(|t| {
                        t.instance.as_deref() == Some(&instance) && t.last_status != TaskStatus::Stopped
                    })
                    .map(|t| t.id)
                    .collect();
                for id in doomed {
                    // The host is gone: no graceful shutdown, the task is simply STOPPED.
                    let t = &mut self.tasks[id.0 as usize];
                    t.desired_status = DesiredStatus::Stopped;
                    t.stopped_reason = Some(format!("Host EC2 (instance {instance}) terminated."));
                    self.enter(id, TaskStatus::Stopped, cx);
                }
            }
            Action::BuildImage { tag, spec } => match image::build(&spec, &self.workstation) {
                Ok(img) => {
                    let (layers, bytes) = (img.layers.len() as u32, img.manifest.total_size());
                    let digest = self.workstation.insert(&tag, img);
                    cx.record(Record::ImageBuilt {
                        tag,
                        digest: digest.0,
                        layers,
                        bytes,
                    });
                }
                Err(e) => reject(cx, "docker build", format!("{tag}: {e}")),
            },
            Action::CreateRepository {
                name,
                mutability,
                lifecycle,
            } => {
                if let Err(e) = self.registry.create_repository(&name, mutability, lifecycle) {
                    reject(cx, "CreateRepository", format!("InvalidParameterException: {e}"));
                }
            }
            Action::PushImage {
                image,
                repository,
                tag,
            } => {
                match self
                    .registry
                    .push(&self.workstation, &image, &repository, &tag, cx.now())
                {
                    Ok(t) => cx.record(Record::ImagePushed {
                        image,
                        uri: format!("{}:{tag}", self.registry.uri(&repository)),
                        transfer: t.to_string(),
                    }),
                    Err(e) => reject(cx, "docker push", e.to_string()),
                }
            }
            Action::ExpireImages => {
                for (repository, digest) in self.registry.apply_lifecycle(cx.now()) {
                    cx.record(Record::ImageExpired {
                        repository,
                        digest: digest.0,
                    });
                }
            }
            Action::SetLoad { service, cpu_units } => {
                match self.services.iter_mut().find(|s| s.name == service) {
                    Some(s) => s.cpu_load_units = cpu_units,
                    None => reject(cx, "SetLoad", format!("service {service} not found")),
                }
            }
        }
    }

    fn register_instance(&mut self, spec: InstanceSpec, cx: &mut Cx<'_>) {
        if self.instances.contains_key(&spec.name) {
            return reject(
                cx,
                "RegisterContainerInstance",
                format!("instance {} is already registered", spec.name),
            );
        }
        let ty = spec.instance_type;
        let mut attributes = spec.attributes;
        attributes.insert("ecs.availability-zone".into(), spec.az.clone());
        attributes.insert("ecs.instance-type".into(), ty.name.into());
        attributes.insert("ecs.os-type".into(), "linux".into());
        attributes.insert("ecs.cpu-architecture".into(), ty.arch.attribute().into());
        let memory = ty.registered_memory_mib(spec.reserved_memory);
        let node = Node::new(spec.name.clone(), attributes, ty.cpu_units(), memory);
        let pool = self.pools.entry(spec.cluster.clone()).or_default();
        let i = pool.add(node);
        cx.record(Record::InstanceRegistered {
            cluster: spec.cluster.clone(),
            instance: spec.name.clone(),
            instance_type: ty.name.into(),
            az: spec.az,
            cpu: ty.cpu_units(),
            memory,
        });
        self.instances.insert(spec.name, (spec.cluster.clone(), i, ty));
        self.reconcile_cluster(&spec.cluster, cx);
    }

    fn set_instance_status(&mut self, instance: &str, status: InstanceStatus, cx: &mut Cx<'_>) {
        let Some((cluster, i, _)) = self.instances.get(instance).cloned() else {
            return reject(
                cx,
                "UpdateContainerInstancesState",
                format!("instance {instance} not found"),
            );
        };
        let pool = self
            .pools
            .get_mut(&cluster)
            .expect("every registered instance has a pool");
        pool.set_status(i, status.clone());
        cx.record(Record::InstanceStatusChanged {
            instance: instance.into(),
            status,
        });
        self.reconcile_cluster(&cluster, cx);
    }

    fn reconcile_cluster(&mut self, cluster: &str, cx: &mut Cx<'_>) {
        for s in 0..self.services.len() {
            if self.services[s].cluster == cluster {
                self.services[s].steady = false;
                self.queue_reconcile(s, cx);
            }
        }
    }

    fn create_service(&mut self, spec: ServiceSpec, cx: &mut Cx<'_>) {
        let Some(def) = self.resolve_def(&spec.task_definition) else {
            return reject(
                cx,
                "CreateService",
                format!(
                    "ClientException: TaskDefinition not found. ({})",
                    spec.task_definition
                ),
            );
        };
        if spec.scheduling == SchedulingStrategy::Daemon && spec.launch_type == LaunchType::Fargate {
            return reject(
                cx,
                "CreateService",
                "InvalidParameterException: The daemon scheduling strategy is not supported with the FARGATE launch type."
                    .into(),
            );
        }
        let s = self.services.len();
        self.services.push(Service {
            name: spec.name,
            cluster: spec.cluster,
            task_definition: self.defs[def].name(),
            def,
            desired_count: spec.desired_count,
            launch_type: spec.launch_type,
            scheduling: spec.scheduling,
            minimum_healthy_percent: spec.minimum_healthy_percent,
            maximum_percent: spec.maximum_percent,
            constraints: spec.constraints,
            strategies: spec.strategies,
            autoscaling: spec.autoscaling,
            cpu_load_units: 0,
            last_event: None,
            steady: false,
            reconcile_queued: false,
            last_scale_in: None,
        });
        self.queue_reconcile(s, cx);
        if spec.autoscaling.is_some() && cx.now() + self.timing.scaling_period <= self.end {
            cx.schedule(self.timing.scaling_period, Event::ScaleTick(s));
        }
    }

    fn queue_reconcile(&mut self, s: usize, cx: &mut Cx<'_>) {
        if !self.services[s].reconcile_queued {
            self.services[s].reconcile_queued = true;
            cx.schedule(SimDuration::ZERO, Event::Reconcile(s));
        }
    }

    fn service_event(&mut self, s: usize, message: String, cx: &mut Cx<'_>) {
        // ECS does not repeat an identical event back to back; neither do we.
        if self.services[s].last_event.as_deref() != Some(&message) {
            self.services[s].last_event = Some(message.clone());
            cx.record(Record::ServiceEvent {
                service: self.services[s].name.clone(),
                message,
            });
        }
    }

    /// Places (EC2) or provisions (Fargate) one task and starts its lifecycle.
    #[allow(clippy::too_many_arguments)]
    fn launch(
        &mut self,
        cluster: &str,
        def: usize,
        group: &str,
        service: Option<usize>,
        launch_type: LaunchType,
        constraints: &[Constraint],
        strategies: &[Strategy],
        cx: &mut Cx<'_>,
    ) -> Result<TaskId, Unplaced> {
        let id = TaskId(self.tasks.len() as u32);
        let (instance, reservation, fargate) = match launch_type {
            LaunchType::Fargate => {
                let Some(size) = self.fargate_sizes[def] else {
                    let msg = "task definition is not compatible with FARGATE (requiresCompatibilities)"
                        .to_string();
                    return Err(Unplaced::Closest {
                        instance: "FARGATE".into(),
                        reason: msg,
                    });
                };
                cx.record(Record::FargateTask {
                    task: id,
                    cpu: size.cpu,
                    memory: size.memory,
                    platform_version: size.platform_version.to_string(),
                });
                (None, None, Some(size))
            }
            LaunchType::Ec2 => {
                let needs = self.defs[def].needs(group);
                let explain = self.explain == Explain::Full;
                let Some(pool) = self.pools.get_mut(cluster) else {
                    return Err(Unplaced::NoInstances);
                };
                let d = pool.place(&needs, constraints, strategies, cx.rng(), explain);
                for (instance, v) in &d.filter {
                    cx.record(Record::Filter {
                        task: id,
                        instance: instance.clone(),
                        verdict: v.to_string(),
                    });
                }
                for c in &d.constraints {
                    cx.record(Record::ConstraintApplied {
                        task: id,
                        constraint: c.constraint.clone(),
                        removed: c.removed.clone(),
                    });
                }
                for st in &d.strategies {
                    cx.record(Record::StrategyApplied {
                        task: id,
                        strategy: st.strategy.clone(),
                        ranking: st.ranking.clone(),
                        kept: st.kept.clone(),
                    });
                }
                let Some(i) = d.chosen else {
                    return Err(d.failure.unwrap_or(Unplaced::NoInstances));
                };
                let r = pool.reserve(i, &needs);
                let name = pool.node(i).name.clone();
                cx.record(Record::Placed {
                    task: id,
                    instance: name.clone(),
                    ports: r.ports.clone(),
                });
                (Some(name), Some(r), None)
            }
        };
        self.tasks.push(Task {
            id,
            cluster: cluster.to_string(),
            task_definition: self.defs[def].name(),
            def,
            group: group.to_string(),
            service,
            launch_type,
            instance,
            reservation,
            last_status: TaskStatus::Provisioning,
            desired_status: DesiredStatus::Running,
            history: vec![],
            stopped_reason: None,
            fargate,
            pull_started: None,
        });
        self.enter(id, TaskStatus::Provisioning, cx);
        Ok(id)
    }

    /// How long a task stays in `status` before it moves on by itself; `None` = until told.
    fn dwell(&self, t: &Task, status: TaskStatus) -> Option<SimDuration> {
        let def = &self.defs[t.def];
        let awsvpc = def.network_mode == NetworkMode::Awsvpc || t.launch_type == LaunchType::Fargate;
        let d = match status {
            TaskStatus::Provisioning => match t.launch_type {
                LaunchType::Fargate => self.timing.fargate_provision,
                LaunchType::Ec2 if awsvpc => self.timing.eni_attach,
                LaunchType::Ec2 => SimDuration::ZERO,
            },
            // Pending waits for the image pull, which enter() schedules itself.
            TaskStatus::Pending => return None,
            TaskStatus::Activating => self.timing.activate,
            TaskStatus::Running => return None,
            TaskStatus::Deactivating => self.timing.deactivate,
            // SIGTERM first; a process that ignores it gets SIGKILL when `stopTimeout` runs out.
            TaskStatus::Stopping => match def
                .containers
                .iter()
                .filter(|c| c.ignores_sigterm)
                .map(|c| c.stop_timeout)
                .max()
            {
                Some(timeout) => SimDuration::from_secs(u64::from(timeout)),
                None => self.timing.sigterm_exit,
            },
            TaskStatus::Deprovisioning if awsvpc => self.timing.eni_detach,
            TaskStatus::Deprovisioning => SimDuration::ZERO,
            TaskStatus::Stopped => return None,
        };
        Some(d)
    }

    /// Moves a task into `status`, records it, and schedules what follows.
    fn enter(&mut self, id: TaskId, status: TaskStatus, cx: &mut Cx<'_>) {
        let now = cx.now();
        let t = &mut self.tasks[id.0 as usize];
        let from = t.history.last().copied();
        t.last_status = status;
        t.history.push(status);
        let reason = if status == TaskStatus::Stopped {
            t.stopped_reason.clone()
        } else {
            None
        };
        let desired = t.desired_status;
        cx.record(Record::Status {
            task: id,
            from,
            to: status,
            desired,
            reason,
        });
        match status {
            TaskStatus::Pending => {
                self.tasks[id.0 as usize].pull_started = Some(now);
                match self.pull_plan(id, cx) {
                    Ok(bytes) => {
                        let pull =
                            SimDuration::from_micros(bytes / u64::from(self.timing.pull_mb_per_sec.max(1)));
                        cx.schedule(
                            pull + self.timing.container_start,
                            Event::Advance(id, TaskStatus::Pending),
                        );
                    }
                    Err(e) => self.stop(id, format!("CannotPullContainerError: {e}"), cx),
                }
                return;
            }
            TaskStatus::Running => {
                let t = &self.tasks[id.0 as usize];
                if let Some((after, _)) = self.defs[t.def].exits_after() {
                    cx.schedule(after, Event::Exit(id));
                }
                if self.defs[t.def].exceeds_hard_limit() {
                    cx.schedule(self.timing.oom_after, Event::OomKill(id));
                }
                if let Some(s) = t.service {
                    self.queue_reconcile(s, cx);
                }
            }
            TaskStatus::Stopped => {
                let t = &mut self.tasks[id.0 as usize];
                if let Some(r) = t.reservation.take() {
                    self.pools
                        .get_mut(&t.cluster)
                        .expect("a placed task's cluster exists")
                        .release(&r);
                }
                if let (Some(size), Some(start)) = (t.fargate, t.pull_started) {
                    let secs = now.since(start).as_micros().div_ceil(1_000_000);
                    let b = fargate::bill(&size, self.defs[t.def].arch, secs);
                    cx.record(Record::Billed {
                        task: id,
                        seconds: b.billed_secs,
                        usd: b.total_usd,
                    });
                }
                let (service, cluster) = (t.service, t.cluster.clone());
                match service {
                    Some(s) => self.queue_reconcile(s, cx),
                    // Freed capacity may let a waiting service place its tasks.
                    None => self.reconcile_cluster(&cluster, cx),
                }
            }
            _ => {}
        }
        let t = &self.tasks[id.0 as usize];
        if let Some(d) = self.dwell(t, status) {
            cx.schedule(d, Event::Advance(id, status));
        }
    }

    /// Works out what a task must download before it can start, records registry pulls, and puts
    /// the layers on the instance so later tasks skip them. Fargate never caches anything.
    fn pull_plan(&mut self, id: TaskId, cx: &mut Cx<'_>) -> Result<u64, String> {
        let t = &self.tasks[id.0 as usize];
        let instance = t.instance.clone();
        let containers = self.defs[t.def].containers.clone();
        let mut bytes = 0u64;
        for c in &containers {
            let repo = c.image.split(['@', ':']).next().unwrap_or(&c.image);
            if self.registry.repositories.contains_key(repo) {
                let transfer = match &instance {
                    Some(i) => self
                        .registry
                        .pull(&c.image, self.hosts.entry(i.clone()).or_default()),
                    None => self.registry.pull(&c.image, &mut ImageStore::new()),
                }
                .map_err(|e| e.to_string())?;
                bytes += transfer.bytes;
                cx.record(Record::ImagePulled {
                    task: id,
                    image: c.image.clone(),
                    transfer: transfer.to_string(),
                });
                continue;
            }
            let cached = instance
                .as_ref()
                .is_some_and(|i| self.image_cache.contains(&(i.clone(), c.image.clone())));
            if !cached {
                bytes += u64::from(c.image_size_mb) * 1_000_000;
            }
            if let Some(i) = &instance {
                self.image_cache.insert((i.clone(), c.image.clone()));
            }
        }
        Ok(bytes)
    }

    /// Asks a task to stop: DEACTIVATING → STOPPING (SIGTERM) → DEPROVISIONING → STOPPED.
    fn stop(&mut self, id: TaskId, reason: String, cx: &mut Cx<'_>) {
        let t = &mut self.tasks[id.0 as usize];
        if t.desired_status == DesiredStatus::Stopped {
            return;
        }
        t.desired_status = DesiredStatus::Stopped;
        t.stopped_reason = Some(reason);
        self.enter(id, TaskStatus::Deactivating, cx);
    }

    fn advance(&mut self, id: TaskId, from: TaskStatus, cx: &mut Cx<'_>) {
        let t = &self.tasks[id.0 as usize];
        if t.last_status != from {
            return;
        }
        let next = match from {
            TaskStatus::Provisioning => TaskStatus::Pending,
            TaskStatus::Pending => TaskStatus::Activating,
            TaskStatus::Activating => TaskStatus::Running,
            TaskStatus::Deactivating => TaskStatus::Stopping,
            TaskStatus::Stopping => TaskStatus::Deprovisioning,
            TaskStatus::Deprovisioning => TaskStatus::Stopped,
            TaskStatus::Running | TaskStatus::Stopped => return,
        };
        self.enter(id, next, cx);
    }

    fn reconcile(&mut self, s: usize, cx: &mut Cx<'_>) {
        self.services[s].reconcile_queued = false;
        match self.services[s].scheduling {
            SchedulingStrategy::Replica => self.reconcile_replica(s, cx),
            SchedulingStrategy::Daemon => self.reconcile_daemon(s, cx),
        }
    }

    fn instance_status(&self, t: &Task) -> Option<InstanceStatus> {
        let (cluster, i, _) = self.instances.get(t.instance.as_ref()?)?;
        Some(self.pools[cluster].node(*i).status.clone())
    }

    /// Launches one task of a service; on failure returns ECS's service event, for the caller to
    /// record after the events of what did happen.
    fn start_for_service(&mut self, s: usize, cx: &mut Cx<'_>) -> Result<TaskId, String> {
        let svc = &self.services[s];
        let (cluster, def, launch) = (svc.cluster.clone(), svc.def, svc.launch_type);
        let (constraints, strategies) = (svc.constraints.clone(), svc.strategies.clone());
        let group = format!("service:{}", svc.name);
        match self.launch(
            &cluster,
            def,
            &group,
            Some(s),
            launch,
            &constraints,
            &strategies,
            cx,
        ) {
            Ok(id) => Ok(id),
            Err(failure) => {
                let name = self.services[s].name.clone();
                let why = match failure {
                    Unplaced::NoInstances => {
                        "Reason: No Container Instances were found in your cluster.".to_string()
                    }
                    Unplaced::Closest { instance, reason } => {
                        format!("The closest matching (container-instance {instance}) {reason}.")
                    }
                };
                let msg = format!(
                    "(service {name}) was unable to place a task because no container instance met all of its requirements. {why} For more information, see the Troubleshooting section."
                );
                Err(msg)
            }
        }
    }

    fn reconcile_replica(&mut self, s: usize, cx: &mut Cx<'_>) {
        let svc = &self.services[s];
        let (desired, primary) = (svc.desired_count, svc.def);
        // Tasks of an older revision, or on a draining instance, are the ones to replace.
        let mut new = vec![];
        let mut old = vec![];
        for t in self
            .tasks
            .iter()
            .filter(|t| t.service == Some(s) && t.desired_status == DesiredStatus::Running)
        {
            let draining = self
                .instance_status(t)
                .is_some_and(|st| st != InstanceStatus::Active);
            if t.def != primary || draining {
                old.push(t.id)
            } else {
                new.push(t.id)
            }
        }
        let running = |ids: &[TaskId]| {
            ids.iter()
                .filter(|i| self.tasks[i.0 as usize].last_status == TaskStatus::Running)
                .count() as u32
        };
        let (running_new, running_old) = (running(&new), running(&old));
        let total = (new.len() + old.len()) as u32;
        // minimumHealthyPercent rounds up, maximumPercent rounds down.
        // In u64 so no percentage from a scenario can overflow.
        let min_healthy = (u64::from(desired) * u64::from(svc.minimum_healthy_percent)).div_ceil(100) as u32;
        let max_total =
            (u64::from(desired) * u64::from(svc.maximum_percent) / 100).min(u64::from(u32::MAX)) as u32;
        let mut started = vec![];
        let mut stopped = vec![];
        let to_start = if old.is_empty() {
            desired.saturating_sub(new.len() as u32)
        } else {
            max_total
                .saturating_sub(total)
                .min(desired.saturating_sub(new.len() as u32))
        };
        let mut unplaced = None;
        for _ in 0..to_start {
            match self.start_for_service(s, cx) {
                Ok(id) => started.push(id),
                Err(msg) => {
                    unplaced = Some(msg);
                    break;
                }
            }
        }
        if (new.len() as u32) > desired {
            // Scale in: the youngest tasks go first, those not yet running before running ones.
            let mut extra: Vec<TaskId> = new.clone();
            extra.sort_by_key(|i| {
                (
                    self.tasks[i.0 as usize].last_status == TaskStatus::Running,
                    core::cmp::Reverse(*i),
                )
            });
            stopped.extend(extra.into_iter().take(new.len() - desired as usize));
        }
        // Old tasks that are not running do not count as healthy: stopping them is always allowed.
        let mut may_stop = (running_new + running_old).saturating_sub(min_healthy);
        for &id in &old {
            let t = &self.tasks[id.0 as usize];
            if t.last_status != TaskStatus::Running {
                stopped.push(id);
            } else if may_stop > 0 {
                may_stop -= 1;
                stopped.push(id);
            }
        }
        for &id in &stopped {
            let reason = if old.contains(&id) && self.tasks[id.0 as usize].def == primary {
                "Service ECS was unable to keep the task on a draining container instance".to_string()
            } else if old.contains(&id) {
                format!(
                    "Deployment of {} replaced this task",
                    self.services[s].task_definition
                )
            } else {
                "Scaling activity initiated by (deployment ecs-svc)".into()
            };
            self.stop(id, reason, cx);
        }
        let name = self.services[s].name.clone();
        if !started.is_empty() {
            let list: Vec<String> = started.iter().map(|i| format!("(task {i})")).collect();
            self.service_event(
                s,
                format!(
                    "(service {name}) has started {} tasks: {}.",
                    started.len(),
                    list.join(" ")
                ),
                cx,
            );
        }
        if !stopped.is_empty() {
            let list: Vec<String> = stopped.iter().map(|i| format!("(task {i})")).collect();
            self.service_event(
                s,
                format!(
                    "(service {name}) has stopped {} running tasks: {}.",
                    stopped.len(),
                    list.join(" ")
                ),
                cx,
            );
        }
        if let Some(msg) = unplaced {
            self.service_event(s, msg, cx);
        }
        let in_flight = new
            .iter()
            .chain(&old)
            .any(|i| self.tasks[i.0 as usize].last_status != TaskStatus::Running);
        if !old.is_empty() && started.is_empty() && stopped.is_empty() && !in_flight {
            let msg = format!(
                "(service {name}) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
            );
            self.service_event(s, msg, cx);
        }
        if old.is_empty()
            && stopped.is_empty()
            && started.is_empty()
            && running_new == desired
            && !self.services[s].steady
        {
            self.services[s].steady = true;
            self.service_event(s, format!("(service {name}) has reached a steady state."), cx);
        }
    }

    fn reconcile_daemon(&mut self, s: usize, cx: &mut Cx<'_>) {
        let cluster = self.services[s].cluster.clone();
        let Some(pool) = self.pools.get(&cluster) else {
            return;
        };
        let group = format!("service:{}", self.services[s].name);
        let names: Vec<(String, InstanceStatus)> = pool
            .nodes()
            .iter()
            .map(|n| (n.name.clone(), n.status.clone()))
            .collect();
        let primary = self.services[s].def;
        let mut started = vec![];
        for (name, status) in names {
            let mine: Vec<TaskId> = self
                .tasks
                .iter()
                .filter(|t| {
                    t.service == Some(s)
                        && t.desired_status == DesiredStatus::Running
                        && t.instance.as_deref() == Some(&name)
                })
                .map(|t| t.id)
                .collect();
            if status != InstanceStatus::Active
                || mine.iter().any(|i| self.tasks[i.0 as usize].def != primary)
            {
                for id in mine {
                    self.stop(id, "Daemon task is no longer needed on this instance".into(), cx);
                }
                continue;
            }
            if !mine.is_empty()
                || self.tasks.iter().any(|t| {
                    t.service == Some(s)
                        && t.instance.as_deref() == Some(&name)
                        && t.last_status != TaskStatus::Stopped
                })
            {
                continue;
            }
            // A daemon task goes to exactly this instance: constraints narrow, strategies do not apply.
            let mut constraints = self.services[s].constraints.clone();
            let expr = format!("ec2InstanceId == {name}");
            constraints.push(Constraint::MemberOf {
                expr: super::query::parse(&expr).expect("a generated expression parses"),
                expression: expr,
            });
            let def = primary;
            match self.launch(
                &cluster,
                def,
                &group,
                Some(s),
                LaunchType::Ec2,
                &constraints,
                &[],
                cx,
            ) {
                Ok(id) => started.push(id),
                Err(Unplaced::Closest { reason, .. }) if reason.contains("MemberOf") => {}
                Err(failure) => {
                    let why = match failure {
                        Unplaced::Closest { instance, reason } => {
                            format!("The closest matching (container-instance {instance}) {reason}.")
                        }
                        Unplaced::NoInstances => {
                            "Reason: No Container Instances were found in your cluster.".into()
                        }
                    };
                    let sname = self.services[s].name.clone();
                    self.service_event(s, format!("(service {sname}) was unable to place a task because no container instance met all of its requirements. {why} For more information, see the Troubleshooting section."), cx);
                }
            }
        }
        if !started.is_empty() {
            let name = self.services[s].name.clone();
            let list: Vec<String> = started.iter().map(|i| format!("(task {i})")).collect();
            self.service_event(
                s,
                format!(
                    "(service {name}) has started {} tasks: {}.",
                    started.len(),
                    list.join(" ")
                ),
                cx,
            );
        }
    }

    fn scale_tick(&mut self, s: usize, cx: &mut Cx<'_>) {
        if cx.now() + self.timing.scaling_period <= self.end {
            cx.schedule(self.timing.scaling_period, Event::ScaleTick(s));
        }
        let svc = &self.services[s];
        let Some(policy) = svc.autoscaling else { return };
        let cpu = self.defs[svc.def].cpu_units().max(1);
        let running = self
            .tasks
            .iter()
            .filter(|t| t.service == Some(s) && t.last_status == TaskStatus::Running)
            .count() as u32;
        if running == 0 {
            return;
        }
        let util = f64::from(svc.cpu_load_units) * 100.0 / (f64::from(running) * f64::from(cpu));
        // Target tracking: the capacity that would bring the metric back to the target.
        let wanted =
            ((f64::from(running) * util / policy.target_percent).ceil() as u32).clamp(policy.min, policy.max);
        let from = svc.desired_count;
        let cooled = svc
            .last_scale_in
            .is_none_or(|t| cx.now().since(t) >= self.timing.scale_in_cooldown);
        // Scale out at once; scale in only after the cooldown since the last scale-in.
        let to = if wanted > from || (wanted < from && cooled) {
            wanted
        } else {
            from
        };
        let name = svc.name.clone();
        if to != from {
            if to < from {
                self.services[s].last_scale_in = Some(cx.now());
            }
            cx.record(Record::Scaling {
                service: name,
                cpu_percent: util.round() as u32,
                target_percent: policy.target_percent.round() as u32,
                from,
                to,
            });
            self.services[s].desired_count = to;
            self.services[s].steady = false;
            self.queue_reconcile(s, cx);
        }
    }
}

type Cx<'a> = Context<'a, Event, Record>;

fn reject(cx: &mut Cx<'_>, action: &str, error: String) {
    cx.record(Record::Rejected {
        action: action.into(),
        error,
    });
}

/// RunTask reports failures as `RESOURCE:…` codes rather than sentences.
fn run_task_reason(ecs_reason: &str) -> String {
    if ecs_reason.contains("CPU") {
        "RESOURCE:CPU".into()
    } else if ecs_reason.contains("memory") {
        "RESOURCE:MEMORY".into()
    } else if ecs_reason.contains("port") {
        "RESOURCE:PORTS".into()
    } else if let Some(start) = ecs_reason.find('"') {
        ecs_reason[start + 1..].trim_end_matches('"').to_string()
    } else {
        ecs_reason.to_string()
    }
}

impl Model for Ecs {
    type Event = Event;
    type Record = Record;
    fn handle(&mut self, event: Event, cx: &mut Cx<'_>) {
        match event {
            Event::Act(a) => self.act(a, cx),
            Event::Advance(id, from) => self.advance(id, from, cx),
            Event::Exit(id) => {
                let t = &self.tasks[id.0 as usize];
                if t.last_status == TaskStatus::Running {
                    let code = self.defs[t.def].exits_after().map_or(0, |(_, c)| c);
                    self.stop(
                        id,
                        format!("Essential container in task exited (exit code {code})"),
                        cx,
                    );
                }
            }
            Event::OomKill(id) => {
                if self.tasks[id.0 as usize].last_status == TaskStatus::Running {
                    // ECS's stoppedReason for a container the OOM killer ended (exit code 137).
                    self.stop(
                        id,
                        "OutOfMemoryError: Container killed due to memory usage".into(),
                        cx,
                    );
                }
            }
            Event::Reconcile(s) => self.reconcile(s, cx),
            Event::ScaleTick(s) => self.scale_tick(s, cx),
        }
    }
}

/// What is left at the end: for the CLI's final state and the tests.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub instances: Vec<InstanceRow>,
    pub services: Vec<ServiceRow>,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InstanceRow {
    pub cluster: String,
    pub instance: String,
    pub status: InstanceStatus,
    pub cpu_used: u32,
    pub cpu_total: u32,
    pub memory_used: u32,
    pub memory_total: u32,
    pub running_tasks: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceRow {
    pub service: String,
    pub task_definition: String,
    pub desired: u32,
    pub running: u32,
    pub pending: u32,
}

impl Ecs {
    pub fn snapshot(&self) -> Snapshot {
        let instances = self
            .pools
            .iter()
            .flat_map(|(c, p)| {
                p.nodes().iter().map(move |n| InstanceRow {
                    cluster: c.clone(),
                    instance: n.name.clone(),
                    status: n.status.clone(),
                    cpu_used: n.cpu_total - n.cpu_free,
                    cpu_total: n.cpu_total,
                    memory_used: n.memory_total - n.memory_free,
                    memory_total: n.memory_total,
                    running_tasks: n.running_tasks,
                })
            })
            .collect();
        let services = self
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mine = || {
                    self.tasks
                        .iter()
                        .filter(move |t| t.service == Some(i) && t.desired_status == DesiredStatus::Running)
                };
                ServiceRow {
                    service: s.name.clone(),
                    task_definition: s.task_definition.clone(),
                    desired: s.desired_count,
                    running: mine().filter(|t| t.last_status == TaskStatus::Running).count() as u32,
                    pending: mine().filter(|t| t.last_status < TaskStatus::Running).count() as u32,
                }
            })
            .collect();
        Snapshot {
            instances,
            services,
            tasks: self.tasks.clone(),
        }
    }
}

impl fmt::Display for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in &self.instances {
            let pct = |u: u32, t: u32| (u * 100).checked_div(t).unwrap_or(0);
            writeln!(
                f,
                "instance {} cluster={} status={:?} cpu={}/{} ({}%) memory={}/{}MiB ({}%) tasks={}",
                i.instance,
                i.cluster,
                i.status,
                i.cpu_used,
                i.cpu_total,
                pct(i.cpu_used, i.cpu_total),
                i.memory_used,
                i.memory_total,
                pct(i.memory_used, i.memory_total),
                i.running_tasks
            )?;
        }
        for s in &self.services {
            writeln!(
                f,
                "service {} taskdef={} desired={} running={} pending={}",
                s.service, s.task_definition, s.desired, s.running, s.pending
            )?;
        }
        for t in &self.tasks {
            let path: Vec<String> = t.history.iter().map(|s| s.to_string()).collect();
            writeln!(
                f,
                "task {} {} {} on {} last={} desired={:?} path={}",
                t.id,
                t.task_definition,
                t.launch_type,
                t.instance.as_deref().unwrap_or("-"),
                t.last_status,
                t.desired_status,
                path.join(">")
            )?;
        }
        Ok(())
    }
}
