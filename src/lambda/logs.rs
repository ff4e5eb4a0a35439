//! CloudWatch Logs lines exactly as Lambda writes them: START, END, REPORT (tab-separated, with a
//! trailing tab, `Init Duration` only on cold starts), runtime lines (`<time>\t<id>\tINFO\t<msg>`),
//! the timeout and out-of-memory lines, and the whole block of one invocation
//! ([`invocation_lines`]). Formatting only; nothing here decides what happened.

use std::fmt;

use serde_json::Value;

use super::clock;
pub use super::ids::RequestId;
use super::script::Failure;
use crate::sim::{Rng, SimDuration, SimTime};

/// A request id shaped like AWS's (a version-4 UUID), drawn from the simulation's RNG.
pub fn request_id(rng: &mut Rng) -> String {
    RequestId::draw(rng).to_string()
}

/// A log stream name, `2026/01/01/[$LATEST]<32 hex>`, as drawn: its text is made only when shown
/// (a load run that keeps no log lines never needs it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamName {
    unix_ms: i64,
    hex: (u64, u64),
}

impl StreamName {
    /// The stream of an environment created at `unix_ms`: two random words.
    pub fn draw(unix_ms: i64, rng: &mut Rng) -> Self {
        let a = rng.next_u64();
        StreamName {
            unix_ms,
            hex: (a, rng.next_u64()),
        }
    }
}

impl fmt::Display for StreamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = &clock::format_millis(self.unix_ms)[..10];
        let (a, b) = self.hex;
        write!(f, "{}/[$LATEST]{a:016x}{b:016x}", date.replace('-', "/"))
    }
}

pub fn start_line(request_id: &str) -> String {
    format!("START RequestId: {request_id} Version: $LATEST")
}

pub fn end_line(request_id: &str) -> String {
    format!("END RequestId: {request_id}")
}

/// The REPORT line. Durations have two decimals; the rest are integers; every field ends in a tab.
pub fn report_line(
    request_id: &str,
    duration_us: u64,
    billed_ms: u64,
    memory_mb: u32,
    max_memory_mb: u64,
    init_us: Option<u64>,
) -> String {
    let mut s = format!(
        "REPORT RequestId: {request_id}\tDuration: {} ms\tBilled Duration: {billed_ms} ms\tMemory Size: {memory_mb} MB\tMax Memory Used: {max_memory_mb} MB\t",
        ms2(duration_us)
    );
    if let Some(init) = init_us {
        s += &format!("Init Duration: {} ms\t", ms2(init));
    }
    s
}

/// Microseconds as milliseconds with two decimals, rounded half up, without floats.
pub fn ms2(us: u64) -> String {
    let centi = (us + 5) / 10;
    format!("{}.{:02}", centi / 100, centi % 100)
}

/// A runtime line: `2026-01-01T00:00:00.123Z\t<request id>\tINFO\t<message>`.
pub fn runtime_line(unix_ms: i64, request_id: &str, level: &str, message: &str) -> String {
    format!(
        "{}\t{request_id}\t{level}\t{message}",
        clock::format_millis(unix_ms)
    )
}

/// `2026-01-01T00:00:03.215Z <id> Task timed out after 3.00 seconds`.
pub fn timeout_line(unix_ms: i64, request_id: &str, timeout_s: u32) -> String {
    format!(
        "{} {request_id} Task timed out after {timeout_s}.00 seconds",
        clock::format_millis(unix_ms)
    )
}

/// What the runtime prints when it is killed for exceeding its memory.
pub fn killed_line(request_id: &str) -> String {
    format!("RequestId: {request_id} Error: Runtime exited with error: signal: killed")
}

/// Everything [`invocation_lines`] needs to know about one invocation that ran (or whose Init
/// failed).
pub struct InvocationLog<'a> {
    pub request_id: RequestId,
    /// Wall-clock time of simulated zero, in Unix seconds.
    pub epoch_unix: i64,
    pub arrived: SimTime,
    pub handler_start: SimTime,
    pub end: SimTime,
    /// The Init phase's duration, on a cold start.
    pub init_us: Option<u64>,
    /// Init failed: its error is an uncaught exception, logged before START.
    pub init_failed: bool,
    pub result: &'a Result<Value, Failure>,
    /// (offset µs into the handler, level, message) for every `print`/`debug`.
    pub phase_logs: &'a [(u64, &'static str, String)],
    pub duration_us: u64,
    pub billed_ms: u64,
    pub memory_mb: u32,
    pub max_memory_mb: u64,
    pub timeout_s: u32,
}

/// The lines one invocation writes to its log stream, in order: an Init error, START, the
/// handler's lines, an Invoke error, END, REPORT, and the timeout or out-of-memory lines.
pub fn invocation_lines(l: &InvocationLog<'_>) -> Vec<String> {
    let ms = |t: SimTime| clock::unix_millis(l.epoch_unix, t);
    let request_id = l.request_id.to_string();
    let mut lines = Vec::new();
    if let Err(Failure::Error {
        error_type,
        message,
        trace,
    }) = l.result
        && l.init_failed
    {
        lines.push(runtime_line(
            ms(l.arrived),
            "undefined",
            "ERROR",
            &format!("Uncaught Exception \t{}", error_json(error_type, message, trace)),
        ));
    }
    lines.push(start_line(&request_id));
    for (off, level, msg) in l.phase_logs {
        lines.push(runtime_line(
            ms(l.handler_start + SimDuration::from_micros(*off)),
            &request_id,
            level,
            msg,
        ));
    }
    if let Err(Failure::Error {
        error_type,
        message,
        trace,
    }) = l.result
        && !l.init_failed
    {
        lines.push(runtime_line(
            ms(l.end),
            &request_id,
            "ERROR",
            &format!("Invoke Error \t{}", error_json(error_type, message, trace)),
        ));
    }
    lines.push(end_line(&request_id));
    lines.push(report_line(
        &request_id,
        l.duration_us,
        l.billed_ms,
        l.memory_mb,
        l.max_memory_mb,
        l.init_us,
    ));
    match l.result {
        Err(Failure::Timeout) => lines.push(timeout_line(ms(l.end), &request_id, l.timeout_s)),
        Err(Failure::OutOfMemory) => {
            lines.push(killed_line(&request_id));
            lines.push("Runtime.ExitError".into());
        }
        _ => {}
    }
    lines
}

/// The error JSON in AWS's field order (`errorType`, `errorMessage`, `trace`), one line.
pub fn error_json(error_type: &str, message: &str, trace: &[String]) -> String {
    let q = |s: &str| serde_json::to_string(s).expect("strings serialise");
    let mut s = format!(
        "{{\"errorType\":{},\"errorMessage\":{}",
        q(error_type),
        q(message)
    );
    if !trace.is_empty() {
        s += ",\"trace\":[";
        s += &trace.iter().map(|t| q(t)).collect::<Vec<_>>().join(",");
        s += "]";
    }
    s + "}"
}

/// JSON with object keys sorted, so a rendering never depends on serde_json's map feature flags.
pub fn canonical_json(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        serde_json::to_string(k).expect("strings serialise"),
                        canonical_json(&m[k])
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(canonical_json).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn report_lines_match_aws() {
        expect!["REPORT RequestId: 4ce9340a-b765-490f-ad8a-02ab3415e2bf\tDuration: 26.73 ms\tBilled Duration: 27 ms\tMemory Size: 128 MB\tMax Memory Used: 75 MB\t"]
            .assert_eq(&report_line("4ce9340a-b765-490f-ad8a-02ab3415e2bf", 26_730, 27, 128, 75, None));
        expect!["REPORT RequestId: x\tDuration: 38.66 ms\tBilled Duration: 243 ms\tMemory Size: 128 MB\tMax Memory Used: 54 MB\tInit Duration: 203.69 ms\t"]
            .assert_eq(&report_line("x", 38_655, 243, 128, 54, Some(203_694)));
        expect!["2026-01-01T00:00:03.215Z abc Task timed out after 3.00 seconds"].assert_eq(&timeout_line(
            clock::DEFAULT_EPOCH_UNIX * 1000 + 3215,
            "abc",
            3,
        ));
        let id = request_id(&mut Rng::seed_from_u64(1));
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
    }
}
