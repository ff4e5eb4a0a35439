//! `cloudbook sim lambda|event|schedule|iam` and `cloudbook sim price lambda`: the Lambda-side
//! simulators, headless. This file reads files, resolves `handler_file`, and prints; every
//! decision and number comes from the core (`crate::lambda`, `crate::iam`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use crate::iam;
use crate::lambda::{self, AccountConfig, Architecture, FunctionSpec, billing, clock, events, schedule};
use crate::sim::SimDuration;

#[derive(Subcommand)]
pub enum Cmd {
    /// Invoke a function once, or drive it with load.
    #[command(subcommand)]
    Lambda(LambdaCmd),
    /// Print a sample event payload, like `sam local generate-event`.
    #[command(subcommand)]
    Event(EventCmd),
    /// Print the next fire times of an EventBridge schedule expression, one RFC 3339 UTC line each.
    Schedule(ScheduleArgs),
    /// Evaluate IAM identity policies for one action on one resource.
    Iam(IamArgs),
    /// Load-model throughput for scripts/bench-lambda.sh: prints JSON with simulated invocations
    /// per second of wall time. Asserts nothing.
    #[command(name = "lambda-bench", hide = true)]
    LambdaBench {
        #[arg(long, default_value_t = 1000.0)]
        rps: f64,
        /// Simulated time to run, in the duration grammar (a bare number is seconds).
        #[arg(long, default_value = "600")]
        duration_s: SimDuration,
        /// `pure` (replayed after each environment's first run) or `random` (calls `random()`,
        /// so it runs every time).
        #[arg(long, value_enum, default_value_t = BenchHandlerArg::Pure)]
        handler: BenchHandlerArg,
        /// Timed samples to take; the fastest is reported.
        #[arg(long, default_value_t = 3)]
        samples: u32,
        /// Each sample runs the model again and again until this many seconds of wall time have
        /// passed (at least once), so a sample of a fast model lasts as long as one of a slow
        /// model and sees the machine's ups and downs as much.
        #[arg(long, default_value_t = 0.0)]
        sample_s: f64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BenchHandlerArg {
    Pure,
    Random,
}

#[derive(Subcommand)]
pub enum LambdaCmd {
    /// One invocation on a fresh account (a cold start): response or error, logs, REPORT, cost.
    Invoke(InvokeArgs),
    /// Requests at a steady rate: per-minute metrics, throttles, cold starts, cost.
    Load(LoadArgs),
}

#[derive(Args)]
pub struct InvokeArgs {
    /// The function file (TOML).
    #[arg(long)]
    function: PathBuf,
    /// The event (JSON file); `{}` when omitted.
    #[arg(long)]
    event: Option<PathBuf>,
    #[arg(long, default_value_t = crate::sim::DEFAULT_SEED)]
    seed: u64,
    /// Also print the engine trace.
    #[arg(long)]
    trace: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct LoadArgs {
    #[arg(long)]
    function: PathBuf,
    /// Requests per second.
    #[arg(long)]
    rps: f64,
    /// How long, e.g. `90s`, `1.5m`, `1h` (bare numbers are seconds).
    #[arg(long, default_value = "1m")]
    duration: SimDuration,
    #[arg(long)]
    event: Option<PathBuf>,
    /// Account concurrency limit (AWS default 1,000).
    #[arg(long, default_value_t = 1000)]
    account_concurrency: u32,
    #[arg(long, default_value_t = crate::sim::DEFAULT_SEED)]
    seed: u64,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum EventCmd {
    /// API Gateway REST API proxy event (payload format 1.0).
    #[command(name = "apigw-v1")]
    ApigwV1(HttpArgs),
    /// API Gateway HTTP API event (payload format 2.0).
    #[command(name = "apigw-v2")]
    ApigwV2(HttpArgs),
    /// S3 ObjectCreated:Put notification.
    #[command(name = "s3-put")]
    S3Put(S3Args),
    /// EventBridge Scheduled Event.
    Schedule(ScheduledArgs),
}

#[derive(Args)]
pub struct HttpArgs {
    /// Accepted for symmetry with the other commands: events are always printed as JSON.
    #[arg(long = "json")]
    _json: bool,
    #[arg(long, default_value = "GET")]
    method: String,
    #[arg(long, default_value = "/hello/world")]
    path: String,
    /// Query parameters, `name=value`, repeatable.
    #[arg(long = "query")]
    query: Vec<String>,
    /// Headers, `Name: value`, repeatable.
    #[arg(long = "header")]
    headers: Vec<String>,
    #[arg(long)]
    body: Option<String>,
    /// The route resource (`/{proxy+}` for REST, `$default` for HTTP APIs).
    #[arg(long)]
    resource: Option<String>,
    #[arg(long, default_value = "2026-01-01T00:00:00Z")]
    time: String,
}

#[derive(Args)]
pub struct S3Args {
    /// Accepted for symmetry with the other commands: events are always printed as JSON.
    #[arg(long = "json")]
    _json: bool,
    #[arg(long, default_value = "example-bucket")]
    bucket: String,
    #[arg(long, default_value = "test/key")]
    key: String,
    #[arg(long, default_value_t = 1024)]
    size: u64,
    #[arg(long, default_value = "us-east-1")]
    region: String,
    #[arg(long, default_value = "2026-01-01T00:00:00Z")]
    time: String,
}

#[derive(Args)]
pub struct ScheduledArgs {
    /// Accepted for symmetry with the other commands: events are always printed as JSON.
    #[arg(long = "json")]
    _json: bool,
    #[arg(long, default_value = "my-schedule")]
    rule: String,
    #[arg(long, default_value = "us-east-1")]
    region: String,
    #[arg(long, default_value = "2026-01-01T00:00:00Z")]
    time: String,
}

#[derive(Args)]
pub struct ScheduleArgs {
    /// `rate(5 minutes)` or `cron(0 12 * * ? *)`.
    expression: String,
    /// Start after this instant (RFC 3339); defaults to now.
    #[arg(long)]
    after: Option<String>,
    #[arg(long, default_value_t = 5)]
    count: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct IamArgs {
    /// A policy document (JSON file), repeatable.
    #[arg(long = "policy", required = true)]
    policies: Vec<PathBuf>,
    #[arg(long)]
    action: String,
    #[arg(long)]
    resource: String,
    /// The principal making the request.
    #[arg(
        long,
        default_value = "arn:aws:sts::123456789012:assumed-role/my-function-role/my-function"
    )]
    principal: String,
    /// Condition context, `key=value`, repeatable.
    #[arg(long = "context")]
    context: Vec<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum PriceCmd {
    /// Lambda cost: requests plus GB-seconds, with tiers and the free tier.
    Lambda(PriceArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Arch {
    #[value(name = "x86_64")]
    X86_64,
    Arm64,
}

#[derive(Args)]
pub struct PriceArgs {
    /// Memory in MB.
    #[arg(long)]
    memory: u32,
    /// Billed duration of one invocation, ms.
    #[arg(long)]
    duration_ms: u64,
    #[arg(long)]
    invocations: u64,
    #[arg(long, value_enum, default_value = "x86_64")]
    arch: Arch,
    /// Subtract the monthly free tier (1M requests, 400,000 GB-s).
    #[arg(long)]
    free_tier: bool,
    #[arg(long)]
    json: bool,
}

/// Reads a function file and the script it names; errors carry `path:line:col`.
pub fn load_spec(path: &Path, account_concurrency: u32) -> anyhow::Result<FunctionSpec> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading function file {}", path.display()))?;
    let shown = path.display().to_string();
    let mut spec = lambda::parse_function_file(&shown, &text).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(file) = spec.handler_file.take() {
        if spec.handler.is_some() {
            spec.handler_file = Some(file);
        } else {
            let script = path.parent().unwrap_or(Path::new(".")).join(&file);
            let code = std::fs::read_to_string(&script)
                .with_context(|| format!("reading handler_file {} named in {shown}", script.display()))?;
            spec.handler = Some(code);
        }
    }
    lambda::validate_with(&spec, account_concurrency)
        .map_err(|e| anyhow::anyhow!("{}", lambda::config::locate(&shown, &text, e)))?;
    Ok(spec)
}

fn read_event(path: &Option<PathBuf>) -> anyhow::Result<Value> {
    match path {
        None => Ok(json!({})),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading event {}", p.display()))?;
            serde_json::from_str(&text).with_context(|| format!("parsing event {} as JSON", p.display()))
        }
    }
}

fn print_json(v: &impl serde::Serialize) -> anyhow::Result<()> {
    use std::io::Write as _;
    let text = serde_json::to_string_pretty(v)?;
    // A closed pipe (`| head`) is the reader's choice, not an error worth a panic.
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

pub fn run(cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::Lambda(LambdaCmd::Invoke(a)) => invoke(a),
        Cmd::Lambda(LambdaCmd::Load(a)) => load(a),
        Cmd::Event(e) => event(e),
        Cmd::Schedule(a) => schedule_cmd(a),
        Cmd::Iam(a) => iam_cmd(a),
        Cmd::LambdaBench {
            rps,
            duration_s,
            handler,
            samples,
            sample_s,
        } => bench(rps, duration_s, handler, samples.max(1), sample_s),
    }
}

fn bench(
    rps: f64,
    duration: SimDuration,
    handler: BenchHandlerArg,
    samples: u32,
    sample_s: f64,
) -> anyhow::Result<ExitCode> {
    let handler = match handler {
        BenchHandlerArg::Pure => lambda::BenchHandler::Pure,
        BenchHandlerArg::Random => lambda::BenchHandler::Random,
    };
    // The fastest of `samples` samples (three by default, as the browser's `?cloudbook-bench`
    // switch takes), each the model run back to back for at least `sample_s` seconds.
    let mut best: Option<(f64, u64)> = None;
    let mut report = None;
    for _ in 0..samples {
        let start = std::time::Instant::now();
        let mut runs = 0u64;
        loop {
            report =
                Some(lambda::bench_load_with(handler, rps, duration).map_err(|e| anyhow::anyhow!("{e}"))?);
            runs += 1;
            if start.elapsed().as_secs_f64() >= sample_s {
                break;
            }
        }
        let per_run = start.elapsed().as_secs_f64() / runs as f64;
        if best.is_none_or(|(wall, _)| per_run < wall) {
            best = Some((per_run, runs));
        }
    }
    let (report, (wall, runs)) = (report.expect("ran at least once"), best.expect("took a sample"));
    print_json(&json!({
        "invocations": report.invocations, "throttles": report.throttles, "cold_starts": report.cold_starts,
        "handler_runs": report.handler_runs, "steps": report.steps, "wall_s": wall,
        "runs_per_sample": runs, "invocations_per_s": report.invocations as f64 / wall
    }))?;
    Ok(ExitCode::SUCCESS)
}

fn invoke(a: InvokeArgs) -> anyhow::Result<ExitCode> {
    let spec = load_spec(&a.function, 1000)?;
    let ev = read_event(&a.event)?;
    let inv = lambda::invoke_once(&spec, &ev, a.seed).map_err(|e| anyhow::anyhow!("{e}"))?;
    if a.json {
        print_json(&inv)?;
        return Ok(ExitCode::SUCCESS);
    }
    match (&inv.response, &inv.error) {
        (Some(r), _) => println!("Response: {}", lambda::logs::canonical_json(r)),
        (_, Some(e)) => println!(
            "Error (X-Amz-Function-Error: Unhandled): {}",
            lambda::logs::canonical_json(e)
        ),
        _ => {}
    }
    println!("--- {}", inv.log_group);
    for l in &inv.logs {
        println!("{l}");
    }
    if a.trace {
        println!("--- trace (hash {:016x})", inv.trace_hash);
        // The typed events, rendered here at the edge (the same text as `inv.trace`).
        for e in &inv.events {
            println!("{e}");
        }
    }
    println!("---");
    let init = inv.init_ms.map_or(String::new(), |i| format!(", init {i:.2} ms"));
    println!(
        "duration {:.2} ms{init}, billed {} ms, max memory {} MB, cost ${:.10}",
        inv.duration_ms, inv.billed_ms, inv.max_memory_mb, inv.cost_usd
    );
    Ok(ExitCode::SUCCESS)
}

fn load(a: LoadArgs) -> anyhow::Result<ExitCode> {
    if !(a.rps > 0.0 && a.rps.is_finite()) {
        bail!("--rps must be a positive number, got {}", a.rps);
    }
    let spec = load_spec(&a.function, a.account_concurrency)?;
    let ev = read_event(&a.event)?;
    let account = AccountConfig {
        concurrency_limit: a.account_concurrency,
        keep_records: false,
        // The trace hash is reported; its million lines are not kept.
        trace: crate::sim::TraceMode::Hash,
        ..AccountConfig::default()
    };
    let (report, _) = lambda::simulate_load(&spec, a.rps, a.duration, &ev, a.seed, account)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if a.json {
        print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("function {}: {} rps for {}", report.function, a.rps, a.duration);
    println!(
        "{:>6} {:>11} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>11} {:>8}",
        "minute",
        "invocations",
        "errors",
        "throttles",
        "min ms",
        "avg ms",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "concurrency",
        "success"
    );
    for m in &report.minutes {
        println!(
            "{:>6} {:>11} {:>7} {:>9} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>11} {:>7.2}%",
            m.minute,
            m.invocations,
            m.errors,
            m.throttles,
            m.duration_min_ms,
            m.duration_avg_ms,
            m.duration_p50_ms,
            m.duration_p95_ms,
            m.duration_p99_ms,
            m.concurrent_executions,
            m.success_rate
        );
    }
    println!(
        "total: {} invocations, {} errors, {} throttles, {} cold starts",
        report.invocations, report.errors, report.throttles, report.cold_starts
    );
    println!(
        "cost of this run: {} ({:.2} GB-s; no free tier); a 30-day month at this rate: {} with the free tier",
        billing::usd(report.cost.total_usd),
        report.cost.gb_seconds,
        billing::usd(report.monthly.total_usd)
    );
    Ok(ExitCode::SUCCESS)
}

fn http_request(a: &HttpArgs, v2: bool) -> anyhow::Result<events::HttpRequest> {
    let query = a
        .query
        .iter()
        .map(|q| {
            q.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .with_context(|| format!("--query {q}: expected name=value"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let headers = a
        .headers
        .iter()
        .map(|h| {
            h.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .with_context(|| format!("--header {h}: expected Name: value"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let resource = a
        .resource
        .clone()
        .unwrap_or_else(|| if v2 { "$default".into() } else { "/{proxy+}".into() });
    let mut path_parameters = std::collections::BTreeMap::new();
    if resource == "/{proxy+}" {
        path_parameters.insert("proxy".to_string(), a.path.trim_start_matches('/').to_string());
    }
    let secs = clock::parse_rfc3339(&a.time).map_err(anyhow::Error::msg)?;
    Ok(events::HttpRequest {
        method: a.method.to_ascii_uppercase(),
        path: a.path.clone(),
        query,
        headers,
        body: a.body.clone(),
        resource,
        path_parameters,
        time_ms: secs * 1000,
        request_id: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef".into(),
    })
}

fn event(e: EventCmd) -> anyhow::Result<ExitCode> {
    let v = match e {
        EventCmd::ApigwV1(a) => events::apigw_v1_event(&http_request(&a, false)?),
        EventCmd::ApigwV2(a) => events::apigw_v2_event(&http_request(&a, true)?),
        EventCmd::S3Put(a) => {
            let secs = clock::parse_rfc3339(&a.time).map_err(anyhow::Error::msg)?;
            events::s3_put_event(&events::S3PutArgs {
                bucket: &a.bucket,
                key: &a.key,
                size: a.size,
                etag: "0123456789abcdef0123456789abcdef",
                sequencer: 0x0A1B_2C3D_4E5F_6789,
                time_ms: secs * 1000,
                region: &a.region,
            })
        }
        EventCmd::Schedule(a) => {
            let secs = clock::parse_rfc3339(&a.time).map_err(anyhow::Error::msg)?;
            events::scheduled_event(
                &a.region,
                "123456789012",
                &a.rule,
                secs,
                &mut crate::sim::Rng::seed_from_u64(secs as u64),
            )
        }
    };
    print_json(&v)?;
    Ok(ExitCode::SUCCESS)
}

fn schedule_cmd(a: ScheduleArgs) -> anyhow::Result<ExitCode> {
    let s = match schedule::Schedule::parse(&a.expression) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: ValidationException: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let after = match &a.after {
        Some(t) => clock::parse_rfc3339(t).map_err(anyhow::Error::msg)?,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .context("system clock before 1970")?
            .as_secs() as i64,
    };
    let times: Vec<String> = s
        .upcoming(after, a.count as usize)
        .into_iter()
        .map(clock::format_secs)
        .collect();
    if a.json {
        print_json(
            &json!({"expression": s.expression(), "after": clock::format_secs(after), "fire_times": times}),
        )?;
    } else {
        for t in times {
            println!("{t}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn iam_cmd(a: IamArgs) -> anyhow::Result<ExitCode> {
    let mut policies = Vec::new();
    for p in &a.policies {
        let text = std::fs::read_to_string(p).with_context(|| format!("reading policy {}", p.display()))?;
        policies.push(iam::Policy::parse(&text).with_context(|| format!("in policy {}", p.display()))?);
    }
    let mut req = iam::Request::new(a.principal.clone(), a.action.clone(), a.resource.clone());
    for c in &a.context {
        let (k, v) = c
            .split_once('=')
            .with_context(|| format!("--context {c}: expected key=value"))?;
        req = req.with(k, v);
    }
    let eval = iam::evaluate(&policies, &req);
    let message = (!eval.allowed()).then(|| iam::access_denied_message(&req, &eval));
    if a.json {
        let by = eval.decided_by.as_ref().map(|s| {
            json!({"policy": s.policy, "file": a.policies[s.policy as usize].display().to_string(), "statement": s.statement, "sid": s.sid})
        });
        print_json(&json!({"decision": eval.decision.to_string(), "decided_by": by, "message": message}))?;
    } else {
        println!("{}", eval.decision);
        match &eval.decided_by {
            Some(s) => println!("decided by {} in {}", s, a.policies[s.policy as usize].display()),
            None => println!("no statement allows {} on {}", a.action, a.resource),
        }
        if let Some(m) = message {
            println!("{m}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_price(cmd: PriceCmd) -> anyhow::Result<ExitCode> {
    let PriceCmd::Lambda(a) = cmd;
    if !(128..=10_240).contains(&a.memory) {
        bail!("--memory {} is outside Lambda's 128-10240 MB", a.memory);
    }
    let arch = match a.arch {
        Arch::X86_64 => Architecture::X86_64,
        Arch::Arm64 => Architecture::Arm64,
    };
    let p = billing::price(a.memory, a.duration_ms, a.invocations, arch, a.free_tier);
    if a.json {
        print_json(&json!({
            "memory_mb": a.memory, "duration_ms": a.duration_ms, "invocations": a.invocations, "architecture": arch.to_string(),
            "free_tier": a.free_tier, "gb_seconds": p.gb_seconds, "billable_gb_seconds": p.billable_gb_seconds,
            "requests_usd": p.requests_usd, "duration_usd": p.duration_usd, "total_usd": p.total_usd
        }))?;
    } else {
        println!("{} GB-s ({} billable)", p.gb_seconds, p.billable_gb_seconds);
        println!("requests: {}", billing::usd(p.requests_usd));
        println!("duration: {}", billing::usd(p.duration_usd));
        println!("total:    {}", billing::usd(p.total_usd));
    }
    Ok(ExitCode::SUCCESS)
}
