//! The Lambda trace as typed events: every decision of the simulated account with the fields
//! that explain it (why a start was cold, which limit throttled, what was billed), so a page can
//! say *why* without parsing text.
//!
//! Text exists only at the edge: each event's `Display` is the stable one-line format the CLI,
//! the book and the trace hash read (`fn=hello req=4ce9340a ColdStart env=1 init=151ms reason="…"`).
//! Nothing here decides anything; the account in [`super::model`] builds these events, and only
//! when the trace uses them (`Context::record_with`).

use std::fmt;
use std::rc::Rc;

use serde::{Serialize, Serializer};

use super::ids::{EnvId, RequestId};
use crate::sim::{SimDuration, SimTime};

/// How many times an asynchronous invocation runs when its function fails: the first attempt
/// and two retries.
pub const ASYNC_MAX_ATTEMPTS: u32 = 3;

/// How long Lambda keeps retrying a throttled asynchronous event.
pub const ASYNC_THROTTLE_RETRY_WINDOW: SimDuration = SimDuration::from_secs(6 * 3600);

/// One trace line of the Lambda model: which function and request it concerns, and what happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// The function the event concerns; `None` for an account-level event (an S3 PutObject).
    #[serde(serialize_with = "opt_rc_str")]
    pub function: Option<Rc<str>>,
    /// The request the event belongs to; `None` for environment, S3 and schedule events.
    pub request: Option<RequestId>,
    pub event: TraceEvent,
}

/// What happened, with the reason fields a page needs to explain it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind")]
pub enum TraceEvent {
    /// The invoked function does not exist in the account.
    ResourceNotFound { arn: String },
    /// Rejected with 429 before running; `cause` names the limit.
    Throttled { cause: Throttle },
    /// An asynchronous event goes back to Lambda's queue and runs again as attempt `attempt`
    /// after `delay`.
    RetryScheduled {
        attempt: u32,
        delay: SimDuration,
        cause: RetryCause,
    },
    /// An asynchronous event failed `attempts` times and nothing is configured to receive it.
    AsyncDiscarded { attempts: u32 },
    /// The request reuses environment `env`, idle since `idle_since`.
    WarmStart { env: EnvId, idle_since: SimTime },
    /// A new environment `env` was created; its Init phase took `init` (billed).
    ColdStart {
        env: EnvId,
        init: SimDuration,
        cause: ColdCause,
    },
    /// An AWS call from the handler was denied by IAM.
    AccessDenied {
        action: String,
        resource: String,
        decision: String,
    },
    /// The invocation ended on `env`. `duration` is the handler's (REPORT `Duration`); `billed_ms`
    /// rounds up `duration` plus `init` when the start was cold (Init is billed).
    Ended {
        env: EnvId,
        ending: Ending,
        duration: SimDuration,
        billed_ms: u64,
        init: Option<SimDuration>,
        memory_mb: u32,
    },
    /// Environment `env` was thrown away after its invocation.
    EnvironmentReset { env: EnvId, cause: ResetCause },
    /// Idle environment `env` was reclaimed after `idle_for` without work.
    Reclaimed { env: EnvId, idle_for: SimDuration },
    /// A PutObject made by function `by`.
    S3PutObject {
        bucket: String,
        key: String,
        size: u64,
        by: String,
    },
    /// An object matched the record's function's S3 trigger (`prefix`, `suffix`).
    S3Notification {
        bucket: String,
        key: String,
        prefix: String,
        suffix: String,
    },
    /// An EventBridge schedule rule fired for the record's function.
    ScheduleFired { rule: String, expression: String },
}

/// Why an invocation was throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Throttle {
    /// Reserved concurrency 0: the function is turned off.
    ReservedOff,
    /// `busy` of the function's `reserved` slots were in use.
    Reserved { reserved: u32, busy: u32 },
    /// `busy` of the unreserved pool's `pool` slots were in use (the account `limit` minus every
    /// reservation).
    Account { limit: u32, busy: u32, pool: u32 },
    /// The function already added `per_10s` new environments in the last 10 seconds.
    Scaling { per_10s: u32 },
}

impl Throttle {
    /// AWS's `Reason` in the 429 response.
    pub fn reason_code(self) -> &'static str {
        match self {
            Throttle::ReservedOff | Throttle::Reserved { .. } => {
                "ReservedFunctionConcurrentInvocationLimitExceeded"
            }
            Throttle::Account { .. } => "ConcurrentInvocationLimitExceeded",
            Throttle::Scaling { .. } => "FunctionInvocationRateLimitExceeded",
        }
    }
}

/// The explanation, as the trace's `reason="…"` says it.
impl fmt::Display for Throttle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Throttle::ReservedOff => f.write_str("reserved concurrency is 0 (the function is turned off)"),
            Throttle::Reserved { reserved, busy } => {
                write!(f, "reserved concurrency {reserved} reached ({busy} busy)")
            }
            Throttle::Account { limit, busy, pool } => {
                write!(
                    f,
                    "account concurrency {limit} reached ({busy} busy in the unreserved pool of {pool})"
                )
            }
            Throttle::Scaling { per_10s } => {
                write!(
                    f,
                    "scaling rate reached: {per_10s} new environments per 10s already started"
                )
            }
        }
    }
}

/// Why an asynchronous event is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum RetryCause {
    /// The function failed; Lambda runs an event at most `max_attempts` times.
    FunctionError { max_attempts: u32 },
    /// The event was throttled `waited` after it first arrived; Lambda keeps retrying
    /// throttled events for `window`.
    Throttled {
        waited: SimDuration,
        window: SimDuration,
    },
}

/// Why a start was cold: no idle environment existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum ColdCause {
    /// The function had no environment yet.
    FirstRequest,
    /// Every environment was busy or gone: `busy` in use, `reclaimed` after idling, `reset`
    /// after a failure.
    NoIdle { busy: u32, reclaimed: u32, reset: u32 },
    /// The function was updated: environments of the previous version are never reused, so the
    /// first request to `version` starts a new one.
    NewVersion { version: u32 },
}

/// How the handler phase ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum Ending {
    Succeeded,
    /// The handler (or Init) raised an error of type `error_type`.
    Failed {
        error_type: String,
    },
    /// The handler ran past the function's `timeout`.
    TimedOut {
        timeout: SimDuration,
    },
    /// The runtime was killed for exceeding the function's memory.
    OutOfMemory,
}

impl Ending {
    pub fn is_error(&self) -> bool {
        !matches!(self, Ending::Succeeded)
    }
}

/// Why an environment was thrown away instead of waiting idle for the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetCause {
    InitFailed,
    TimedOut,
    OutOfMemory,
}

impl fmt::Display for ResetCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResetCause::InitFailed => "the Init phase failed",
            ResetCause::TimedOut => "the invocation timed out",
            ResetCause::OutOfMemory => "the runtime was killed for exceeding its memory",
        })
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(func) = &self.function {
            write!(f, "fn={func} ")?;
        }
        if let Some(r) = self.request {
            write!(f, "req={} ", r.short())?;
        }
        write!(f, "{}", self.event)
    }
}

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceEvent::ResourceNotFound { arn } => {
                write!(f, "ResourceNotFound reason=\"Function not found: {arn}\"")
            }
            TraceEvent::Throttled { cause } => write!(f, "Throttled status=429 reason=\"{cause}\""),
            TraceEvent::RetryScheduled {
                attempt,
                delay,
                cause,
            } => match cause {
                RetryCause::FunctionError { max_attempts } => write!(
                    f,
                    "RetryScheduled attempt={attempt} in={delay} reason=\"async invocation failed; Lambda retries {}\"",
                    times(max_attempts - 1)
                ),
                RetryCause::Throttled { window, .. } => write!(
                    f,
                    "RetryScheduled in={delay} reason=\"throttled; async events are retried for up to {}h\"",
                    window.as_secs() / 3600
                ),
            },
            TraceEvent::AsyncDiscarded { attempts } => write!(
                f,
                "AsyncDiscarded reason=\"failed {attempts} attempts and no on-failure destination or DLQ is configured\""
            ),
            TraceEvent::WarmStart { env, idle_since } => {
                write!(
                    f,
                    "WarmStart env={env} reason=\"reused env {env}, idle since {idle_since}\""
                )
            }
            TraceEvent::ColdStart { env, init, cause } => {
                write!(f, "ColdStart env={env} init={init} reason=\"")?;
                match *cause {
                    ColdCause::FirstRequest => f.write_str("first request: no environment exists yet")?,
                    ColdCause::NewVersion { version } => write!(
                        f,
                        "first request to version {version}: environments of earlier versions are not reused"
                    )?,
                    ColdCause::NoIdle {
                        busy,
                        reclaimed: 0,
                        reset: 0,
                    } => write!(f, "no idle environment ({busy} busy)")?,
                    ColdCause::NoIdle {
                        busy,
                        reclaimed,
                        reset,
                    } => write!(
                        f,
                        "no idle environment ({busy} busy, {} reclaimed or reset)",
                        reclaimed + reset
                    )?,
                }
                f.write_str("\"")
            }
            TraceEvent::AccessDenied {
                action,
                resource,
                decision,
            } => write!(
                f,
                "AccessDenied action={action} resource={resource} decision=\"{decision}\""
            ),
            TraceEvent::Ended {
                env,
                ending,
                duration: d,
                memory_mb,
                ..
            } => match ending {
                Ending::Succeeded => write!(f, "Succeeded env={env} duration={d}"),
                Ending::Failed { error_type } => {
                    write!(f, "Failed env={env} errorType={error_type} duration={d}")
                }
                Ending::TimedOut { timeout } => {
                    write!(
                        f,
                        "TimedOut env={env} duration={d} timeout={}s",
                        timeout.as_secs()
                    )
                }
                Ending::OutOfMemory => {
                    write!(f, "OutOfMemory env={env} memory={memory_mb}MB duration={d}")
                }
            },
            TraceEvent::EnvironmentReset { env, cause } => {
                write!(f, "EnvironmentReset env={env} reason=\"{cause}\"")
            }
            TraceEvent::Reclaimed { env, idle_for } => {
                write!(f, "Reclaimed env={env} reason=\"idle for {idle_for}\"")
            }
            TraceEvent::S3PutObject {
                bucket,
                key,
                size,
                by,
            } => write!(f, "S3 PutObject bucket={bucket} key={key:?} size={size} by={by}"),
            TraceEvent::S3Notification {
                bucket,
                key,
                prefix,
                suffix,
            } => write!(
                f,
                "S3 Notification event=ObjectCreated:Put bucket={bucket} key={key:?} prefix={prefix:?} suffix={suffix:?}"
            ),
            TraceEvent::ScheduleFired { rule, expression } => {
                write!(f, "ScheduleFired rule={rule} expression=\"{expression}\"")
            }
        }
    }
}

/// "once", "twice", "3 times": how the retry reason counts retries.
fn times(n: u32) -> impl fmt::Display {
    struct Times(u32);
    impl fmt::Display for Times {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self.0 {
                1 => f.write_str("once"),
                2 => f.write_str("twice"),
                n => write!(f, "{n} times"),
            }
        }
    }
    Times(n)
}

fn opt_rc_str<S: Serializer>(v: &Option<Rc<str>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(name) => s.serialize_some(&**name),
        None => s.serialize_none(),
    }
}
