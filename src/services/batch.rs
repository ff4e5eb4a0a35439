//! AWS Batch, lightly: compute environments (EC2 or Fargate, a vCPU ceiling), job queues with
//! priorities, job definitions with retries and timeouts, array jobs (2–10,000 children) and
//! dependencies (plain, N_TO_N, SEQUENTIAL), on the shared engine.
//!
//! Job states follow Batch: SUBMITTED → PENDING → RUNNABLE → STARTING → RUNNING → SUCCEEDED or
//! FAILED; a failed attempt with attempts left goes back to RUNNABLE. It does not model Spot
//! interruptions, multi-node jobs or fair-share scheduling policies.

use core::fmt;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diag::{self, Diagnostic, Field, Place, Table, Ty, Walk, opt, req};
use crate::sim::{Context, DEFAULT_SEED, Dur, Engine, Model, SimDuration, SimTime, Trace};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Submitted,
    Pending,
    Runnable,
    Starting,
    Running,
    Succeeded,
    Failed,
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JobStatus::Submitted => "SUBMITTED",
            JobStatus::Pending => "PENDING",
            JobStatus::Runnable => "RUNNABLE",
            JobStatus::Starting => "STARTING",
            JobStatus::Running => "RUNNING",
            JobStatus::Succeeded => "SUCCEEDED",
            JobStatus::Failed => "FAILED",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CeType {
    Ec2,
    Spot,
    Fargate,
    FargateSpot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DependencyType {
    #[serde(rename = "N_TO_N")]
    NToN,
    #[serde(rename = "SEQUENTIAL")]
    Sequential,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputeEnvironment {
    pub name: String,
    #[serde(rename = "type")]
    pub ce_type: CeType,
    pub max_vcpus: u32,
    /// Time from RUNNABLE placement to RUNNING: instance or Fargate provisioning plus image pull.
    pub starting: Option<Dur>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobQueue {
    pub name: String,
    /// Higher is scheduled first among queues sharing a compute environment.
    pub priority: u32,
    /// Tried in order; at most 3.
    pub compute_environments: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobDefinition {
    pub name: String,
    pub vcpus: u32,
    #[serde(default = "default_memory")]
    pub memory: u32,
    /// How long the container runs.
    pub duration: Dur,
    /// `retryStrategy.attempts`, 1–10.
    #[serde(default = "one")]
    pub attempts: u32,
    /// The first this many attempts exit non-zero (a flaky job), later ones exit 0.
    #[serde(default)]
    pub failing_attempts: u32,
    /// Children with these array indexes always fail (to show N_TO_N failures).
    #[serde(default)]
    pub failing_indexes: Vec<u32>,
    /// `timeout.attemptDurationSeconds`, at least 60 s.
    pub timeout: Option<Dur>,
}

fn default_memory() -> u32 {
    2048
}
fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependsOn {
    /// The job's name (omitted for SEQUENTIAL, which links an array's own children).
    pub job: Option<String>,
    #[serde(rename = "type")]
    pub dep_type: Option<DependencyType>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSubmission {
    pub at: Dur,
    pub name: String,
    pub queue: String,
    pub definition: String,
    pub array_size: Option<u32>,
    #[serde(default)]
    pub depends_on: Vec<DependsOn>,
}

/// A checked Batch scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub seed: u64,
    pub end: SimTime,
    pub compute_environments: Vec<ComputeEnvironment>,
    pub queues: Vec<JobQueue>,
    pub definitions: Vec<JobDefinition>,
    pub jobs: Vec<JobSubmission>,
}

const U32: Ty = Ty::Int {
    min: 0,
    max: u32::MAX as u64,
};

/// The Batch scenario's shape for the one walk in [`crate::diag`].
const FILE: &[Field] = &[
    opt(
        "seed",
        Ty::Int {
            min: 0,
            max: u64::MAX,
        },
        "The simulation seed.",
    ),
    opt("duration", Ty::Duration, "When the run ends."),
    opt(
        "compute_environment",
        Ty::TableList(COMPUTE_ENVIRONMENT),
        "Compute environments.",
    ),
    opt("job_queue", Ty::TableList(JOB_QUEUE), "Job queues."),
    opt(
        "job_definition",
        Ty::TableList(JOB_DEFINITION),
        "Job definitions.",
    ),
    opt("job", Ty::TableList(JOB), "Job submissions."),
];
const COMPUTE_ENVIRONMENT: &[Field] = &[
    req("name", Ty::Str, "The name queues refer to."),
    req(
        "type",
        Ty::Enum(&["EC2", "SPOT", "FARGATE", "FARGATE_SPOT"]),
        "Where jobs run.",
    ),
    req("max_vcpus", U32, "The vCPU ceiling."),
    opt("starting", Ty::Duration, "From RUNNABLE placement to RUNNING."),
];
const JOB_QUEUE: &[Field] = &[
    req("name", Ty::Str, "The name jobs refer to."),
    req("priority", U32, "Higher is scheduled first."),
    req("compute_environments", Ty::StrList, "1 to 3, tried in order."),
];
const JOB_DEFINITION: &[Field] = &[
    req("name", Ty::Str, "The name jobs refer to."),
    req("vcpus", U32, "vCPUs per job."),
    opt("memory", U32, "MiB; default 2048."),
    req("duration", Ty::Duration, "How long the container runs."),
    opt("attempts", U32, "retryStrategy.attempts, 1–10."),
    opt("failing_attempts", U32, "The first this many attempts fail."),
    opt(
        "failing_indexes",
        Ty::List(&U32),
        "Array children that always fail.",
    ),
    opt("timeout", Ty::Duration, "At least 60 s."),
];
const JOB: &[Field] = &[
    req("at", Ty::Duration, "When it is submitted."),
    req("name", Ty::Str, "The job name."),
    req("queue", Ty::Str, "A job queue."),
    req("definition", Ty::Str, "A job definition."),
    opt("array_size", U32, "2–10,000 children."),
    opt(
        "depends_on",
        Ty::TableList(DEPENDS_ON),
        "At most 20 dependencies.",
    ),
];
const DEPENDS_ON: &[Field] = &[
    opt("job", Ty::Str, "An earlier job's name."),
    opt(
        "type",
        Ty::Enum(&["N_TO_N", "SEQUENTIAL"]),
        "Array dependency type.",
    ),
];

/// `unknown <what> "x" (did you mean "y"? expected one of: …)`, or the fix when there is none.
fn unknown(what: &str, name: &str, names: &[String], section: &str) -> String {
    if names.is_empty() {
        return format!("unknown {what} \"{name}\" (no {section} is declared; add one or fix the name)");
    }
    let hint = crate::diag::closest(name, names.iter().map(String::as_str))
        .map(|b| format!("did you mean \"{b}\"? "))
        .unwrap_or_default();
    format!(
        "unknown {what} \"{name}\" ({hint}expected one of: {})",
        names.join(", ")
    )
}

/// Parses a Batch scenario, reporting every problem at once, each at its place.
pub fn parse(path: &str, text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    let root = diag::read_toml(path, text)?;
    let mut w = Walk::new(path, text);
    let sound = w.root(&root, FILE, &Place::root("the Batch scenario"));
    let seed = sound.value("seed").and_then(|v| w.decode::<u64>(v));
    let duration = sound.value("duration").and_then(|v| w.decode::<Dur>(v));
    // Names are taken from every entry written, sound or not, so a broken entry is reported
    // once rather than again at each reference to it.
    let ce_names = sound.names("compute_environment", "name");
    let queue_names = sound.names("job_queue", "name");
    let def_names = sound.names("job_definition", "name");
    let compute_environments: Vec<ComputeEnvironment> = sound
        .items("compute_environment")
        .into_iter()
        .filter_map(|v| w.decode(v))
        .collect();
    let mut queues = vec![];
    for item in sound.items("job_queue") {
        let Some(q) = w.decode::<JobQueue>(item) else {
            continue;
        };
        let t = Table::of(item).expect("the walk found a table");
        if q.compute_environments.is_empty() || q.compute_environments.len() > 3 {
            w.err(
                t.at("compute_environments"),
                format!(
                    "job queue \"{}\" must list 1 to 3 compute environments, not {}",
                    q.name,
                    q.compute_environments.len()
                ),
            );
        }
        for (ce, v) in q.compute_environments.iter().zip(t.items("compute_environments")) {
            if !ce_names.contains(ce) {
                w.err(
                    v.span().start,
                    unknown("compute environment", ce, &ce_names, "[[compute_environment]]"),
                );
            }
        }
        queues.push(q);
    }
    let mut definitions = vec![];
    for item in sound.items("job_definition") {
        let Some(d) = w.decode::<JobDefinition>(item) else {
            continue;
        };
        let t = Table::of(item).expect("the walk found a table");
        if !(1..=10).contains(&d.attempts) {
            w.err(
                t.at("attempts"),
                format!(
                    "job definition \"{}\": retryStrategy attempts must be 1–10, not {}",
                    d.name, d.attempts
                ),
            );
        }
        if d.timeout.is_some_and(|t| t.0 < SimDuration::from_secs(60)) {
            w.err(
                t.at("timeout"),
                format!(
                    "job definition \"{}\": timeout must be at least 60 seconds",
                    d.name
                ),
            );
        }
        definitions.push(d);
    }
    let all_jobs: Vec<(String, usize)> = sound
        .table
        .items("job")
        .iter()
        .filter_map(|v| Some((Table::of(v)?.string("name")?, v.span().start)))
        .collect();
    let mut jobs = vec![];
    for item in sound.items("job") {
        let Some(j) = w.decode::<JobSubmission>(item) else {
            continue;
        };
        let t = Table::of(item).expect("the walk found a table");
        if !queue_names.contains(&j.queue) {
            w.err(
                t.at("queue"),
                unknown("job queue", &j.queue, &queue_names, "[[job_queue]]"),
            );
        }
        if !def_names.contains(&j.definition) {
            w.err(
                t.at("definition"),
                unknown("job definition", &j.definition, &def_names, "[[job_definition]]"),
            );
        }
        if let Some(n) = j.array_size
            && !(2..=10_000).contains(&n)
        {
            w.err(
                t.at("array_size"),
                format!("array_size must be 2–10,000, not {n}"),
            );
        }
        if j.depends_on.len() > 20 {
            w.err(
                t.at("depends_on"),
                format!("a job can depend on at most 20 jobs, not {}", j.depends_on.len()),
            );
        }
        let earlier: Vec<String> = all_jobs
            .iter()
            .filter(|(_, at)| *at < item.span().start)
            .map(|(n, _)| n.clone())
            .collect();
        let deps = t.tables("depends_on");
        for (n, d) in j.depends_on.iter().enumerate() {
            let dt = deps.get(n).copied().unwrap_or(t);
            match (&d.job, d.dep_type) {
                (None, Some(DependencyType::Sequential)) if j.array_size.is_some() => {}
                (None, _) => w.err(
                    dt.span.0,
                    "a dependency needs a job (add job = \"…\"), except SEQUENTIAL in an array job",
                ),
                (Some(dep), t) => {
                    if !earlier.contains(dep) {
                        let message = if earlier.is_empty() {
                            format!(
                                "unknown job \"{dep}\" (a dependency must be submitted earlier; no job is)"
                            )
                        } else {
                            format!(
                                "{} (a dependency must be submitted earlier)",
                                unknown("job", dep, &earlier, "[[job]]")
                            )
                        };
                        w.err(dt.at("job"), message);
                    }
                    if t == Some(DependencyType::NToN) && j.array_size.is_none() {
                        w.err(
                            dt.at("type"),
                            "N_TO_N needs both jobs to be array jobs of the same size (add array_size)",
                        );
                    }
                }
            }
        }
        jobs.push(j);
    }
    let last = jobs
        .iter()
        .map(|j: &JobSubmission| j.at.0)
        .max()
        .unwrap_or(SimDuration::ZERO);
    let end = SimTime::ZERO + duration.map_or(last + SimDuration::from_mins(24 * 60), |d| d.0);
    w.finish(Scenario {
        seed: seed.unwrap_or(DEFAULT_SEED),
        end,
        compute_environments,
        queues,
        definitions,
        jobs,
    })
}

/// One job: a plain job, an array parent (which never runs itself) or an array child.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub name: String,
    pub status: JobStatus,
    pub attempts: u32,
    pub history: Vec<JobStatus>,
    pub status_reason: Option<String>,
    #[serde(skip)]
    queue: usize,
    #[serde(skip)]
    def: usize,
    #[serde(skip)]
    index: Option<u32>,
    #[serde(skip)]
    children: Vec<usize>,
    /// Jobs that must succeed first.
    #[serde(skip)]
    waits_for: Vec<usize>,
    #[serde(skip)]
    ce: Option<usize>,
    #[serde(skip)]
    submitted_seq: u32,
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path: Vec<String> = self.history.iter().map(|s| s.to_string()).collect();
        write!(
            f,
            "job {} {} attempts={} path={}",
            self.name,
            self.status,
            self.attempts,
            path.join(">")
        )?;
        if let Some(r) = &self.status_reason {
            write!(f, " reason=\"{r}\"")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Record {
    Status {
        job: String,
        from: Option<JobStatus>,
        to: JobStatus,
        reason: Option<String>,
    },
    Placed {
        job: String,
        compute_environment: String,
        vcpus_in_use: u32,
        max_vcpus: u32,
    },
    Retry {
        job: String,
        attempt: u32,
        of: u32,
        reason: String,
    },
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Record::Status {
                job,
                from,
                to,
                reason,
            } => {
                match from {
                    Some(s) => write!(f, "job {job} {s} -> {to}")?,
                    None => write!(f, "job {job} {to}")?,
                }
                if let Some(r) = reason {
                    write!(f, " statusReason=\"{r}\"")?;
                }
                Ok(())
            }
            Record::Placed {
                job,
                compute_environment,
                vcpus_in_use,
                max_vcpus,
            } => {
                write!(
                    f,
                    "job {job} placed on {compute_environment} vcpus={vcpus_in_use}/{max_vcpus}"
                )
            }
            Record::Retry {
                job,
                attempt,
                of,
                reason,
            } => {
                write!(
                    f,
                    "job {job} attempt {attempt}/{of} failed ({reason}); back to RUNNABLE"
                )
            }
        }
    }
}

pub enum Event {
    Submit(usize),
    Started(usize),
    Finished { job: usize, attempt: u32 },
    Schedule,
}

/// The Batch simulation.
pub struct Batch {
    ces: Vec<ComputeEnvironment>,
    used: Vec<u32>,
    queues: Vec<JobQueue>,
    defs: Vec<JobDefinition>,
    submissions: Vec<JobSubmission>,
    jobs: Vec<Job>,
    by_name: BTreeMap<String, usize>,
    schedule_queued: bool,
}

type Cx<'a> = Context<'a, Event, Record>;

impl Batch {
    pub fn new(s: &Scenario) -> Self {
        Batch {
            ces: s.compute_environments.clone(),
            used: vec![0; s.compute_environments.len()],
            queues: s.queues.clone(),
            defs: s.definitions.clone(),
            submissions: s.jobs.clone(),
            jobs: vec![],
            by_name: BTreeMap::new(),
            schedule_queued: false,
        }
    }
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    fn new_job(&mut self, name: String, queue: usize, def: usize, index: Option<u32>) -> usize {
        let id = self.jobs.len();
        self.jobs.push(Job {
            name,
            status: JobStatus::Submitted,
            attempts: 0,
            history: vec![],
            status_reason: None,
            queue,
            def,
            index,
            children: vec![],
            waits_for: vec![],
            ce: None,
            submitted_seq: id as u32,
        });
        id
    }

    fn set(&mut self, j: usize, to: JobStatus, reason: Option<String>, cx: &mut Cx<'_>) {
        let job = &mut self.jobs[j];
        let from = job.history.last().copied();
        job.status = to;
        job.history.push(to);
        if reason.is_some() {
            job.status_reason = reason.clone();
        }
        cx.record(Record::Status {
            job: job.name.clone(),
            from,
            to,
            reason,
        });
        if matches!(to, JobStatus::Succeeded | JobStatus::Failed | JobStatus::Runnable) {
            self.queue_schedule(cx);
        }
    }

    fn queue_schedule(&mut self, cx: &mut Cx<'_>) {
        if !self.schedule_queued {
            self.schedule_queued = true;
            cx.schedule(SimDuration::ZERO, Event::Schedule);
        }
    }

    fn submit(&mut self, k: usize, cx: &mut Cx<'_>) {
        let s = self.submissions[k].clone();
        let queue = self
            .queues
            .iter()
            .position(|q| q.name == s.queue)
            .expect("parse checked the queue");
        let def = self
            .defs
            .iter()
            .position(|d| d.name == s.definition)
            .expect("parse checked the definition");
        let parent = self.new_job(s.name.clone(), queue, def, None);
        self.by_name.insert(s.name.clone(), parent);
        for d in &s.depends_on {
            if let Some(dep) = d.job.as_ref().and_then(|n| self.by_name.get(n)) {
                // N_TO_N links children pairwise below; every other kind waits for the whole job.
                if d.dep_type != Some(DependencyType::NToN) {
                    self.jobs[parent].waits_for.push(*dep);
                }
            }
        }
        self.set(parent, JobStatus::Submitted, None, cx);
        self.set(parent, JobStatus::Pending, None, cx);
        if let Some(n) = s.array_size {
            let sequential = s
                .depends_on
                .iter()
                .any(|d| d.dep_type == Some(DependencyType::Sequential));
            let n_to_n: Vec<usize> = s
                .depends_on
                .iter()
                .filter(|d| d.dep_type == Some(DependencyType::NToN))
                .filter_map(|d| d.job.as_ref().and_then(|n| self.by_name.get(n)).copied())
                .collect();
            for i in 0..n {
                let c = self.new_job(format!("{}:{i}", s.name), queue, def, Some(i));
                self.jobs[parent].children.push(c);
                if sequential && i > 0 {
                    self.jobs[c].waits_for.push(c - 1);
                }
                for &dep in &n_to_n {
                    match self.jobs[dep].children.get(i as usize) {
                        Some(&dc) => self.jobs[c].waits_for.push(dc),
                        None => self.jobs[c].waits_for.push(dep),
                    }
                }
                // Children inherit the parent's whole-job dependencies.
                let inherited = self.jobs[parent].waits_for.clone();
                self.jobs[c].waits_for.extend(inherited);
                self.set(c, JobStatus::Submitted, None, cx);
                self.set(c, JobStatus::Pending, None, cx);
            }
        }
        self.queue_schedule(cx);
    }

    /// Whether a job could run: every dependency succeeded (`Some(true)`), one failed
    /// (`Some(false)`), or not yet (`None`).
    fn deps_met(&self, j: usize) -> Option<bool> {
        let mut all = true;
        for &d in &self.jobs[j].waits_for {
            match self.jobs[d].status {
                JobStatus::Succeeded => {}
                JobStatus::Failed => return Some(false),
                _ => all = false,
            }
        }
        all.then_some(true)
    }

    fn schedule(&mut self, cx: &mut Cx<'_>) {
        self.schedule_queued = false;
        // PENDING → RUNNABLE, or FAILED when a dependency failed.
        for j in 0..self.jobs.len() {
            if self.jobs[j].status != JobStatus::Pending || !self.jobs[j].children.is_empty() {
                continue;
            }
            match self.deps_met(j) {
                Some(true) => self.set(j, JobStatus::Runnable, None, cx),
                Some(false) => self.set(j, JobStatus::Failed, Some("Dependent Job failed".into()), cx),
                None => {}
            }
        }
        // Array parents summarise their children.
        for p in 0..self.jobs.len() {
            let kids = &self.jobs[p].children;
            if kids.is_empty() || self.jobs[p].status >= JobStatus::Succeeded {
                continue;
            }
            let done = kids.iter().all(|&c| self.jobs[c].status >= JobStatus::Succeeded);
            if done {
                let failed = kids
                    .iter()
                    .filter(|&&c| self.jobs[c].status == JobStatus::Failed)
                    .count();
                if failed == 0 {
                    self.set(p, JobStatus::Succeeded, None, cx);
                } else {
                    let n = kids.len();
                    self.set(
                        p,
                        JobStatus::Failed,
                        Some(format!("{failed} of {n} child jobs failed")),
                        cx,
                    );
                }
            }
        }
        // RUNNABLE jobs by queue priority (higher first), then submission order.
        let mut runnable: Vec<usize> = (0..self.jobs.len())
            .filter(|&j| self.jobs[j].status == JobStatus::Runnable)
            .collect();
        runnable.sort_by_key(|&j| {
            (
                core::cmp::Reverse(self.queues[self.jobs[j].queue].priority),
                self.jobs[j].submitted_seq,
            )
        });
        for j in runnable {
            let def = &self.defs[self.jobs[j].def];
            let queue = &self.queues[self.jobs[j].queue];
            let fit = queue.compute_environments.iter().find_map(|name| {
                let ce = self.ces.iter().position(|c| &c.name == name)?;
                (u64::from(self.used[ce]) + u64::from(def.vcpus) <= u64::from(self.ces[ce].max_vcpus))
                    .then_some(ce)
            });
            let Some(ce) = fit else { continue };
            self.used[ce] += def.vcpus;
            self.jobs[j].ce = Some(ce);
            cx.record(Record::Placed {
                job: self.jobs[j].name.clone(),
                compute_environment: self.ces[ce].name.clone(),
                vcpus_in_use: self.used[ce],
                max_vcpus: self.ces[ce].max_vcpus,
            });
            self.set(j, JobStatus::Starting, None, cx);
            let starting = self.ces[ce].starting.map_or_else(
                || match self.ces[ce].ce_type {
                    CeType::Ec2 | CeType::Spot => SimDuration::from_secs(10),
                    CeType::Fargate | CeType::FargateSpot => SimDuration::from_secs(40),
                },
                |d| d.0,
            );
            cx.schedule(starting, Event::Started(j));
        }
    }

    fn started(&mut self, j: usize, cx: &mut Cx<'_>) {
        self.jobs[j].attempts += 1;
        self.set(j, JobStatus::Running, None, cx);
        let def = &self.defs[self.jobs[j].def];
        let run = match def.timeout {
            Some(t) if t.0 < def.duration.0 => t.0,
            _ => def.duration.0,
        };
        let attempt = self.jobs[j].attempts;
        cx.schedule(run, Event::Finished { job: j, attempt });
    }

    fn finished(&mut self, j: usize, cx: &mut Cx<'_>) {
        let def = self.defs[self.jobs[j].def].clone();
        let ce = self.jobs[j]
            .ce
            .take()
            .expect("a running job holds a compute environment");
        self.used[ce] -= def.vcpus;
        let attempt = self.jobs[j].attempts;
        let timed_out = def.timeout.is_some_and(|t| t.0 < def.duration.0);
        let fails = timed_out
            || attempt <= def.failing_attempts
            || self.jobs[j]
                .index
                .is_some_and(|i| def.failing_indexes.contains(&i));
        if !fails {
            self.set(
                j,
                JobStatus::Succeeded,
                Some("Essential container in task exited".into()),
                cx,
            );
            return;
        }
        let reason = if timed_out {
            "Job attempt duration exceeded timeout".to_string()
        } else {
            "Essential container in task exited".to_string()
        };
        if attempt < def.attempts {
            cx.record(Record::Retry {
                job: self.jobs[j].name.clone(),
                attempt,
                of: def.attempts,
                reason,
            });
            self.set(j, JobStatus::Runnable, None, cx);
        } else {
            self.set(j, JobStatus::Failed, Some(reason), cx);
        }
    }
}

impl Model for Batch {
    type Event = Event;
    type Record = Record;
    fn handle(&mut self, event: Event, cx: &mut Cx<'_>) {
        match event {
            Event::Submit(k) => self.submit(k, cx),
            Event::Started(j) => self.started(j, cx),
            Event::Finished { job, attempt } if self.jobs[job].attempts == attempt => self.finished(job, cx),
            Event::Finished { .. } => {}
            Event::Schedule => self.schedule(cx),
        }
    }
}

/// Runs a Batch scenario to its end (or until nothing is left to happen).
pub fn run(s: &Scenario) -> (Trace<Record>, Vec<Job>) {
    let mut e = Engine::new(Batch::new(s), s.seed);
    for (k, j) in s.jobs.iter().enumerate() {
        e.schedule_at(SimTime::ZERO + j.at.0, Event::Submit(k));
    }
    e.run_until(s.end);
    let (m, trace) = e.into_parts();
    (trace, m.jobs)
}

/// A duration helper for callers that build scenarios in code.
pub fn dur(s: &str) -> Dur {
    Dur(s.parse().expect("a literal duration in code is valid"))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;

    fn trace(src: &str) -> String {
        let s = parse("b.toml", src).unwrap_or_else(|d| panic!("{}", crate::diag::render_all(&d)));
        let (t, jobs) = run(&s);
        let ends: String = jobs.iter().map(|j| format!("{j}\n")).collect();
        format!("{t}---\n{ends}")
    }

    const SETUP: &str = r#"
[[compute_environment]]
name = "ec2"
type = "EC2"
max_vcpus = 4
[[job_queue]]
name = "q"
priority = 1
compute_environments = ["ec2"]
[[job_definition]]
name = "step"
vcpus = 2
duration = "1m"
[[job_definition]]
name = "flaky"
vcpus = 2
duration = "1m"
attempts = 3
failing_attempts = 1
failing_indexes = [1]
"#;

    #[test]
    fn n_to_n_and_sequential_dependencies_follow_the_graph() {
        let src = format!(
            "{SETUP}
[[job]]
at = 0
name = \"a\"
queue = \"q\"
definition = \"step\"
array_size = 3
depends_on = [{{ type = \"SEQUENTIAL\" }}]
[[job]]
at = 0
name = \"b\"
queue = \"q\"
definition = \"flaky\"
array_size = 3
depends_on = [{{ job = \"a\", type = \"N_TO_N\" }}]
[[job]]
at = 0
name = \"c\"
queue = \"q\"
definition = \"step\"
depends_on = [{{ job = \"b\" }}]
"
        );
        expect![[r#"
            t=00:00:00.000 job a SUBMITTED
            t=00:00:00.000 job a SUBMITTED -> PENDING
            t=00:00:00.000 job a:0 SUBMITTED
            t=00:00:00.000 job a:0 SUBMITTED -> PENDING
            t=00:00:00.000 job a:1 SUBMITTED
            t=00:00:00.000 job a:1 SUBMITTED -> PENDING
            t=00:00:00.000 job a:2 SUBMITTED
            t=00:00:00.000 job a:2 SUBMITTED -> PENDING
            t=00:00:00.000 job b SUBMITTED
            t=00:00:00.000 job b SUBMITTED -> PENDING
            t=00:00:00.000 job b:0 SUBMITTED
            t=00:00:00.000 job b:0 SUBMITTED -> PENDING
            t=00:00:00.000 job b:1 SUBMITTED
            t=00:00:00.000 job b:1 SUBMITTED -> PENDING
            t=00:00:00.000 job b:2 SUBMITTED
            t=00:00:00.000 job b:2 SUBMITTED -> PENDING
            t=00:00:00.000 job c SUBMITTED
            t=00:00:00.000 job c SUBMITTED -> PENDING
            t=00:00:00.000 job a:0 PENDING -> RUNNABLE
            t=00:00:00.000 job a:0 placed on ec2 vcpus=2/4
            t=00:00:00.000 job a:0 RUNNABLE -> STARTING
            t=00:00:10.000 job a:0 STARTING -> RUNNING
            t=00:01:10.000 job a:0 RUNNING -> SUCCEEDED statusReason="Essential container in task exited"
            t=00:01:10.000 job a:1 PENDING -> RUNNABLE
            t=00:01:10.000 job b:0 PENDING -> RUNNABLE
            t=00:01:10.000 job a:1 placed on ec2 vcpus=2/4
            t=00:01:10.000 job a:1 RUNNABLE -> STARTING
            t=00:01:10.000 job b:0 placed on ec2 vcpus=4/4
            t=00:01:10.000 job b:0 RUNNABLE -> STARTING
            t=00:01:20.000 job a:1 STARTING -> RUNNING
            t=00:01:20.000 job b:0 STARTING -> RUNNING
            t=00:02:20.000 job a:1 RUNNING -> SUCCEEDED statusReason="Essential container in task exited"
            t=00:02:20.000 job b:0 attempt 1/3 failed (Essential container in task exited); back to RUNNABLE
            t=00:02:20.000 job b:0 RUNNING -> RUNNABLE
            t=00:02:20.000 job a:2 PENDING -> RUNNABLE
            t=00:02:20.000 job b:1 PENDING -> RUNNABLE
            t=00:02:20.000 job a:2 placed on ec2 vcpus=2/4
            t=00:02:20.000 job a:2 RUNNABLE -> STARTING
            t=00:02:20.000 job b:0 placed on ec2 vcpus=4/4
            t=00:02:20.000 job b:0 RUNNABLE -> STARTING
            t=00:02:30.000 job a:2 STARTING -> RUNNING
            t=00:02:30.000 job b:0 STARTING -> RUNNING
            t=00:03:30.000 job a:2 RUNNING -> SUCCEEDED statusReason="Essential container in task exited"
            t=00:03:30.000 job b:0 RUNNING -> SUCCEEDED statusReason="Essential container in task exited"
            t=00:03:30.000 job b:2 PENDING -> RUNNABLE
            t=00:03:30.000 job a PENDING -> SUCCEEDED
            t=00:03:30.000 job b:1 placed on ec2 vcpus=2/4
            t=00:03:30.000 job b:1 RUNNABLE -> STARTING
            t=00:03:30.000 job b:2 placed on ec2 vcpus=4/4
            t=00:03:30.000 job b:2 RUNNABLE -> STARTING
            t=00:03:40.000 job b:1 STARTING -> RUNNING
            t=00:03:40.000 job b:2 STARTING -> RUNNING
            t=00:04:40.000 job b:1 attempt 1/3 failed (Essential container in task exited); back to RUNNABLE
            t=00:04:40.000 job b:1 RUNNING -> RUNNABLE
            t=00:04:40.000 job b:2 attempt 1/3 failed (Essential container in task exited); back to RUNNABLE
            t=00:04:40.000 job b:2 RUNNING -> RUNNABLE
            t=00:04:40.000 job b:1 placed on ec2 vcpus=2/4
            t=00:04:40.000 job b:1 RUNNABLE -> STARTING
            t=00:04:40.000 job b:2 placed on ec2 vcpus=4/4
            t=00:04:40.000 job b:2 RUNNABLE -> STARTING
            t=00:04:50.000 job b:1 STARTING -> RUNNING
            t=00:04:50.000 job b:2 STARTING -> RUNNING
            t=00:05:50.000 job b:1 attempt 2/3 failed (Essential container in task exited); back to RUNNABLE
            t=00:05:50.000 job b:1 RUNNING -> RUNNABLE
            t=00:05:50.000 job b:2 RUNNING -> SUCCEEDED statusReason="Essential container in task exited"
            t=00:05:50.000 job b:1 placed on ec2 vcpus=2/4
            t=00:05:50.000 job b:1 RUNNABLE -> STARTING
            t=00:06:00.000 job b:1 STARTING -> RUNNING
            t=00:07:00.000 job b:1 RUNNING -> FAILED statusReason="Essential container in task exited"
            t=00:07:00.000 job b PENDING -> FAILED statusReason="1 of 3 child jobs failed"
            t=00:07:00.000 job c PENDING -> FAILED statusReason="Dependent Job failed"
            ---
            job a SUCCEEDED attempts=0 path=SUBMITTED>PENDING>SUCCEEDED
            job a:0 SUCCEEDED attempts=1 path=SUBMITTED>PENDING>RUNNABLE>STARTING>RUNNING>SUCCEEDED reason="Essential container in task exited"
            job a:1 SUCCEEDED attempts=1 path=SUBMITTED>PENDING>RUNNABLE>STARTING>RUNNING>SUCCEEDED reason="Essential container in task exited"
            job a:2 SUCCEEDED attempts=1 path=SUBMITTED>PENDING>RUNNABLE>STARTING>RUNNING>SUCCEEDED reason="Essential container in task exited"
            job b FAILED attempts=0 path=SUBMITTED>PENDING>FAILED reason="1 of 3 child jobs failed"
            job b:0 SUCCEEDED attempts=2 path=SUBMITTED>PENDING>RUNNABLE>STARTING>RUNNING>RUNNABLE>STARTING>RUNNING>SUCCEEDED reason="Essential container in task exited"
            job b:1 FAILED attempts=3 path=SUBMITTED>PENDING>RUNNABLE>STARTING>RUNNING>RUNNABLE>STARTING>RUNNING>RUNNABLE>STARTING>RUNNING>FAILED reason="Essential container in task exited"
            job b:2 SUCCEEDED attempts=2 path=SUBMITTED>PENDING>RUNNABLE>STARTING>RUNNING>RUNNABLE>STARTING>RUNNING>SUCCEEDED reason="Essential container in task exited"
            job c FAILED attempts=0 path=SUBMITTED>PENDING>FAILED reason="Dependent Job failed"
        "#]].assert_eq(&trace(&src));
    }

    #[test]
    fn queue_priority_and_capacity_decide_who_runs() {
        let src = format!(
            "{SETUP}
[[job_queue]]
name = \"urgent\"
priority = 10
compute_environments = [\"ec2\"]
[[job]]
at = 0
name = \"low\"
queue = \"q\"
definition = \"step\"
array_size = 3
[[job]]
at = 0
name = \"high\"
queue = \"urgent\"
definition = \"step\"
"
        );
        let t = trace(&src);
        let placed: Vec<&str> = t.lines().filter(|l| l.contains("placed on")).collect();
        expect![[r#"
            [
                "t=00:00:00.000 job high placed on ec2 vcpus=2/4",
                "t=00:00:00.000 job low:0 placed on ec2 vcpus=4/4",
                "t=00:01:10.000 job low:1 placed on ec2 vcpus=2/4",
                "t=00:01:10.000 job low:2 placed on ec2 vcpus=4/4",
            ]
        "#]]
        .assert_debug_eq(&placed);
    }

    #[test]
    fn bad_input_is_located() {
        let e = parse("b.toml", &format!("{SETUP}\n[[job]]\nat = 0\nname = \"x\"\nqueue = \"nope\"\ndefinition = \"step\"\narray_size = 1\n"))
            .expect_err("invalid");
        expect![[r#"
            b.toml:25:9: error: unknown job queue "nope" (expected one of: q)
            b.toml:27:14: error: array_size must be 2–10,000, not 1
        "#]]
        .assert_eq(&crate::diag::render_all(&e));
    }

    #[test]
    fn a_file_with_three_mistakes_reports_all_three() {
        let src = r#"[[compute_environment]]
name = "ce"
type = "FARGATE"
max_vcpus = 16

[[job_queue]]
name = "q"
priority = 1
compute_environments = ["ec"]

[[job_definition]]
name = "step"
vcpus = 1
duration = "1 minute"

[[job]]
at = 0
name = "a"
queue = "q"
definition = "step"
retries = 3
"#;
        let e = parse("b.toml", src).expect_err("three mistakes");
        expect![[r#"
            b.toml:9:25: error: unknown compute environment "ec" (did you mean "ce"? expected one of: ce)
            b.toml:14:12: error: invalid duration "1 minute": unknown unit "minute" (expected one of: ms, s, m, h, as in 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
            b.toml:21:1: error: unknown key "retries" in [[job]] (expected one of: at, name, queue, definition, array_size, depends_on)
        "#]].assert_eq(&crate::diag::render_all(&e));
    }
}
