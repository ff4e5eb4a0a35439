//! Learner-written handlers: rhai scripts run under simulated time and memory.
//!
//! A handler script's top level is the function's Init code; `fn handler(event, context)` is called
//! once per invocation with `this` bound to a map of the top-level variables, so globals survive
//! warm starts exactly like module-level state in a real runtime. Every rhai operation costs
//! simulated CPU time (one microsecond at one vCPU), so an infinite loop reaches the timeout
//! deterministically; string, array and map sizes and call depth are capped so giant allocations
//! and runaway recursion end as AWS-shaped errors instead of exhausting the host.
//!
//! This module runs one phase (Init or Invoke) and reports what happened (elapsed time, log lines,
//! side effects); it does not decide concurrency, schedule events or format REPORT lines.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use rhai::packages::{
    BasicArrayPackage, BasicMapPackage, BasicMathPackage, BitFieldPackage, CorePackage, LogicPackage,
    MoreStringPackage, Package,
};
use rhai::{AST, CallFnOptions, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Position, Scope};
use serde_json::Value;

use super::config::FunctionConfig;
use super::s3::S3Store;
use crate::iam::{self, Policy, Request};

/// Simulated CPU cost of one rhai operation at one full vCPU.
pub const OP_COST_US: f64 = 1.0;
/// Memory the runtime itself uses before the script allocates anything (a Node.js runtime
/// reports 50–75 MB Max Memory Used for a hello world on 128 MB).
pub const RUNTIME_BASELINE_MB: u64 = 48;
/// Real-host safety caps: the simulation never lets a script allocate more than this for real.
const HOST_MAX_STRING: u64 = 8 << 20;
const HOST_MAX_ARRAY: u64 = 1 << 20;
/// A hard ceiling on rhai operations per phase, whatever the simulated budget: a script that gets
/// here is treated as running until its timeout, which is what an endless loop would do.
pub const MAX_OPERATIONS: u64 = 20_000_000;
const MAX_CALL_LEVELS: usize = 48;

/// The single-threaded speed of a function: one vCPU at 1,769 MB, proportional below, capped at 1.
pub fn single_thread_share(memory_mb: u32) -> f64 {
    (f64::from(memory_mb) / 1769.0).min(1.0)
}

/// vCPUs available to multi-threaded work: memory/1,769, at most 6.
pub fn vcpus(memory_mb: u32) -> f64 {
    (f64::from(memory_mb) / 1769.0).min(6.0)
}

/// A side effect the handler asked for, applied by the account at `offset` into the phase.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    S3Put {
        bucket: String,
        key: String,
        body: String,
    },
    InvokeAsync {
        function: String,
        payload: Value,
    },
}

/// How a phase failed, in AWS's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// An error the function raised or the runtime reported: `{"errorType", "errorMessage", "trace"}`.
    Error {
        error_type: String,
        message: String,
        trace: Vec<String>,
    },
    Timeout,
    OutOfMemory,
}

impl Failure {
    fn error(error_type: &str, message: impl Into<String>, trace: Vec<String>) -> Self {
        Failure::Error {
            error_type: error_type.into(),
            message: message.into(),
            trace,
        }
    }
}

/// What one phase produced.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseOutcome {
    pub result: Result<Value, Failure>,
    /// Simulated time the phase took, from operations, `cpu()` and waits.
    pub elapsed_us: u64,
    /// (offset µs, level, message) for every `print`/`debug`.
    pub logs: Vec<(u64, &'static str, String)>,
    pub effects: Vec<(u64, Effect)>,
    pub max_memory_mb: u64,
    /// IAM denials, for the trace: (action, resource, decision text).
    pub denials: Vec<(String, String, String)>,
    /// Every SDK call the phase made, allowed or not, with the IAM decision.
    pub calls: Vec<super::model::SdkCall>,
    pub operations: u64,
    /// The phase's outcome is a pure function of (script, configuration, event, environment state)
    /// and it left the environment state as it found it: it read nothing that varies between
    /// requests (request id, `random()`, S3 objects) and changed no global or /tmp file. The same
    /// event on the same environment would produce this outcome again, so the account may replay
    /// it instead of running the script (see `AccountConfig::replay_pure_handlers`).
    pub replayable: bool,
}

/// What survives between invocations on one execution environment.
#[derive(Debug, Clone, Default)]
pub struct EnvState {
    /// The top-level variables of the script, bound as `this` in the handler.
    pub globals: Dynamic,
    /// Files in /tmp.
    pub tmp: BTreeMap<String, String>,
}

/// Everything the host functions need during one phase; reset at each phase.
struct Host {
    request_id: String,
    function_name: String,
    memory_mb: u32,
    ephemeral_mb: u32,
    /// Simulated µs of one operation at this function's single-thread speed.
    op_us: f64,
    budget_us: u64,
    declared_us: u64,
    ops: u64,
    extra_mb: u64,
    peak_mb: u64,
    logs: Vec<(u64, &'static str, String)>,
    effects: Vec<(u64, Effect)>,
    denials: Vec<(String, String, String)>,
    calls: Vec<super::model::SdkCall>,
    /// This phase's own S3 writes, visible to its own reads before the account applies them.
    overlay: BTreeMap<(String, String), String>,
    tmp: BTreeMap<String, String>,
    rng: u64,
    /// Set when the phase reads something that differs between requests or lives outside the
    /// environment: the request id, `random()`, S3 objects.
    varies: bool,
    stop: Option<Stop>,
    env: BTreeMap<String, String>,
    policies: Rc<Vec<Policy>>,
    principal: String,
    account_id: String,
    region: String,
    s3: Rc<RefCell<S3Store>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stop {
    Timeout,
    OutOfMemory,
}

impl Host {
    fn elapsed(&self) -> u64 {
        self.declared_us + (self.ops as f64 * self.op_us) as u64
    }
    fn over_budget(&self) -> bool {
        self.elapsed() > self.budget_us
    }
}

type Shared = Rc<RefCell<Host>>;
type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

fn terminate(host: &Shared, why: Stop) -> Box<EvalAltResult> {
    host.borrow_mut().stop = Some(why);
    EvalAltResult::ErrorTerminated(Dynamic::UNIT, Position::NONE).into()
}

/// A thrown error with AWS's fields, as an SDK call's failure.
fn sdk_error(error_type: &str, message: String) -> Box<EvalAltResult> {
    let mut m = Map::new();
    m.insert("errorType".into(), error_type.into());
    m.insert("errorMessage".into(), message.into());
    EvalAltResult::ErrorRuntime(m.into(), Position::NONE).into()
}

/// The `context` argument of a handler.
#[derive(Clone)]
struct LambdaContext {
    host: Shared,
}

/// A compiled handler for one function configuration.
pub struct Program {
    engine: Engine,
    ast: AST,
    host: Shared,
    pub has_handler: bool,
}

/// Per-phase inputs the account supplies.
pub struct PhaseInput<'a> {
    pub request_id: &'a str,
    pub budget_us: u64,
    pub seed: u64,
}

impl Program {
    /// Compiles the script. A syntax error is returned as AWS's `Runtime.UserCodeSyntaxError`.
    pub fn compile(
        config: &FunctionConfig,
        s3: Rc<RefCell<S3Store>>,
        account_id: &str,
        region: &str,
    ) -> Result<Program, Failure> {
        let host = Rc::new(RefCell::new(Host {
            request_id: String::new(),
            function_name: config.name.clone(),
            memory_mb: config.memory_mb,
            ephemeral_mb: config.ephemeral_storage_mb,
            op_us: OP_COST_US / single_thread_share(config.memory_mb),
            budget_us: 0,
            declared_us: 0,
            ops: 0,
            extra_mb: 0,
            peak_mb: RUNTIME_BASELINE_MB,
            logs: Vec::new(),
            effects: Vec::new(),
            denials: Vec::new(),
            calls: Vec::new(),
            overlay: BTreeMap::new(),
            tmp: BTreeMap::new(),
            rng: 0,
            varies: false,
            stop: None,
            env: config.environment.clone(),
            policies: Rc::new(config.policies.clone()),
            principal: iam::assumed_role_arn(account_id, &config.role_name(), &config.name),
            account_id: account_id.into(),
            region: region.into(),
            s3,
        }));
        let engine = build_engine(&host, config.memory_mb);
        let ast = engine.compile(&config.handler).map_err(|e| {
            let pos = e.position();
            let msg = format!("SyntaxError: {}", e.err_type());
            Failure::error(
                "Runtime.UserCodeSyntaxError",
                msg.clone(),
                vec![
                    format!("Runtime.UserCodeSyntaxError: {msg}"),
                    format!(
                        "    at index.rhai:{}:{}",
                        pos.line().unwrap_or(0),
                        pos.position().unwrap_or(0)
                    ),
                ],
            )
        })?;
        let has_handler = ast
            .iter_functions()
            .any(|f| f.name == "handler" && f.params.len() == 2);
        Ok(Program {
            engine,
            ast,
            host,
            has_handler,
        })
    }

    fn reset(&self, input: &PhaseInput<'_>, tmp: BTreeMap<String, String>) {
        let mut h = self.host.borrow_mut();
        h.request_id = input.request_id.to_string();
        h.budget_us = input.budget_us;
        h.declared_us = 0;
        h.ops = 0;
        h.extra_mb = 0;
        h.peak_mb = RUNTIME_BASELINE_MB;
        h.logs.clear();
        h.effects.clear();
        h.denials.clear();
        h.calls.clear();
        h.overlay.clear();
        h.tmp = tmp;
        h.rng = input.seed;
        h.varies = false;
        h.stop = None;
    }

    fn finish(&self, result: Result<Value, Failure>) -> (PhaseOutcome, BTreeMap<String, String>) {
        let mut h = self.host.borrow_mut();
        let elapsed_us = match &result {
            Err(Failure::Timeout) => h.budget_us,
            _ => h.elapsed().min(h.budget_us),
        };
        let max_memory_mb = match &result {
            Err(Failure::OutOfMemory) => u64::from(h.memory_mb),
            _ => h.peak_mb.min(u64::from(h.memory_mb)),
        };
        let outcome = PhaseOutcome {
            result,
            elapsed_us,
            logs: std::mem::take(&mut h.logs),
            effects: std::mem::take(&mut h.effects),
            max_memory_mb,
            denials: std::mem::take(&mut h.denials),
            calls: std::mem::take(&mut h.calls),
            operations: h.ops,
            replayable: false,
        };
        (outcome, std::mem::take(&mut h.tmp))
    }

    /// Runs the top level of the script (the Init phase) and captures its variables as globals.
    /// The outcome's `replayable` says whether Init is pure: then Init on any new environment of
    /// this program would give this outcome and this state again.
    pub fn init(&self, input: &PhaseInput<'_>) -> (PhaseOutcome, EnvState) {
        self.reset(input, BTreeMap::new());
        let mut scope = Scope::new();
        let run = self.engine.run_ast_with_scope(&mut scope, &self.ast);
        let result = match run {
            Ok(()) if !self.has_handler => Err(Failure::error(
                "Runtime.HandlerNotFound",
                "index.handler is undefined or not exported",
                vec!["Runtime.HandlerNotFound: index.handler is undefined or not exported".into()],
            )),
            Ok(()) => Ok(Value::Null),
            Err(e) => Err(self.failure(&e)),
        };
        let mut globals = Map::new();
        for (name, _constant, value) in scope.iter() {
            globals.insert(name.into(), value);
        }
        let varies = self.host.borrow().varies;
        let (mut outcome, tmp) = self.finish(result);
        let state = EnvState {
            globals: globals.into(),
            tmp,
        };
        // Init is pure when it read nothing that varies, asked for nothing outside the
        // environment, and left state that can be fingerprinted (no function pointer or custom
        // type). The globals were copied out of the scope with shared values (variables a closure
        // captured) flattened into plain ones (`Scope::iter`), so a copy of them shares nothing.
        outcome.replayable = !varies
            && outcome.result.is_ok()
            && outcome.effects.is_empty()
            && outcome.denials.is_empty()
            && outcome.calls.is_empty()
            && state_fingerprint(&state).is_some();
        (outcome, state)
    }

    /// Calls `handler(event, context)` on a warm environment.
    pub fn invoke(&self, env: &mut EnvState, event: &Value, input: &PhaseInput<'_>) -> PhaseOutcome {
        let before = state_fingerprint(env);
        self.reset(input, std::mem::take(&mut env.tmp));
        let ctx = Dynamic::from(LambdaContext {
            host: self.host.clone(),
        });
        let options = CallFnOptions::new()
            .eval_ast(false)
            .rewind_scope(true)
            .bind_this_ptr(&mut env.globals);
        let mut scope = Scope::new();
        let result = match self.engine.call_fn_with_options::<Dynamic>(
            options,
            &mut scope,
            &self.ast,
            "handler",
            (json_to_dynamic(event), ctx),
        ) {
            Ok(v) => dynamic_to_json(&v).map_err(|e| {
                let msg = format!("Unable to marshal response: {e}");
                Failure::error("Runtime.MarshalError", msg, Vec::new())
            }),
            Err(e) => Err(self.failure(&e)),
        };
        let varies = self.host.borrow().varies;
        let (mut outcome, tmp) = self.finish(result);
        env.tmp = tmp;
        outcome.replayable = !varies
            && matches!(outcome.result, Ok(_) | Err(Failure::Error { .. }))
            && before.is_some()
            && before == state_fingerprint(env);
        outcome
    }

    /// Maps a rhai error to what AWS would report, preferring the reason the host recorded.
    fn failure(&self, e: &EvalAltResult) -> Failure {
        if let Some(stop) = self.host.borrow().stop {
            return match stop {
                Stop::Timeout => Failure::Timeout,
                Stop::OutOfMemory => Failure::OutOfMemory,
            };
        }
        let mut frames = Vec::new();
        let mut inner = e;
        while let EvalAltResult::ErrorInFunctionCall(name, _, next, pos) = inner {
            frames.push(format!(
                "    at {name} (index.rhai:{}:{})",
                pos.line().unwrap_or(0),
                pos.position().unwrap_or(0)
            ));
            inner = next;
        }
        frames.reverse();
        let pos = inner.position();
        frames.insert(
            0,
            format!(
                "    at index.rhai:{}:{}",
                pos.line().unwrap_or(0),
                pos.position().unwrap_or(0)
            ),
        );
        let (ty, msg) = match inner {
            EvalAltResult::ErrorTooManyOperations(_) => return Failure::Timeout,
            EvalAltResult::ErrorTerminated(..) => return Failure::Timeout,
            EvalAltResult::ErrorDataTooLarge(..) => return Failure::OutOfMemory,
            EvalAltResult::ErrorStackOverflow(_) => (
                "RangeError".to_string(),
                "Maximum call stack size exceeded".into(),
            ),
            EvalAltResult::ErrorRuntime(v, _) => {
                if let Some(m) = v.read_lock::<Map>() {
                    let get = |k: &str| m.get(k).map(|x| x.to_string());
                    (
                        get("errorType").unwrap_or_else(|| "Error".into()),
                        get("errorMessage").unwrap_or_else(|| v.to_string()),
                    )
                } else {
                    ("Error".to_string(), v.to_string())
                }
            }
            EvalAltResult::ErrorVariableNotFound(name, _) => {
                ("ReferenceError".into(), format!("{name} is not defined"))
            }
            EvalAltResult::ErrorArrayBounds(..) | EvalAltResult::ErrorStringBounds(..) => {
                ("RangeError".into(), strip_position(&inner.to_string()))
            }
            EvalAltResult::ErrorFunctionNotFound(..)
            | EvalAltResult::ErrorMismatchDataType(..)
            | EvalAltResult::ErrorPropertyNotFound(..)
            | EvalAltResult::ErrorIndexingType(..)
            | EvalAltResult::ErrorDotExpr(..)
            | EvalAltResult::ErrorUnboundThis(..) => ("TypeError".into(), strip_position(&inner.to_string())),
            other => ("Error".into(), strip_position(&other.to_string())),
        };
        let mut trace = vec![format!("{ty}: {msg}")];
        trace.extend(frames);
        Failure::Error {
            error_type: ty,
            message: msg,
            trace,
        }
    }
}

/// A fingerprint of what survives between invocations, or `None` when the globals hold a value
/// this function cannot see into (a function pointer, a custom type): such state is never
/// considered unchanged.
fn state_fingerprint(env: &EnvState) -> Option<u64> {
    let mut h = crate::sim::Fnv1a64::new();
    fingerprint_value(&env.globals, &mut h, 0)?;
    for (k, v) in &env.tmp {
        h.write(k.as_bytes());
        h.write(&[0xff]);
        h.write(v.as_bytes());
        h.write(&[0xfe]);
    }
    Some(h.finish())
}

fn fingerprint_value(d: &Dynamic, h: &mut crate::sim::Fnv1a64, depth: u32) -> Option<()> {
    // Deeply nested values are possible (`a = [a]` in a loop); past this depth the state is
    // simply not considered unchanged, and the recursion stays shallow on wasm's small stack.
    if depth > 32 {
        return None;
    }
    // A type tag before every value keeps `[1, 2]` and `"12"` apart.
    if d.is_unit() {
        h.write(b"u");
    } else if let Ok(b) = d.as_bool() {
        h.write(if b { b"T" } else { b"F" });
    } else if let Ok(i) = d.as_int() {
        h.write(b"i");
        h.write(&i.to_le_bytes());
    } else if let Ok(f) = d.as_float() {
        h.write(b"f");
        h.write(&f.to_bits().to_le_bytes());
    } else if let Ok(c) = d.as_char() {
        h.write(b"c");
        h.write(&u32::from(c).to_le_bytes());
    } else if let Some(s) = d.read_lock::<ImmutableString>() {
        h.write(b"s");
        h.write(&(s.len() as u64).to_le_bytes());
        h.write(s.as_bytes());
    } else if let Some(a) = d.read_lock::<rhai::Array>() {
        h.write(b"a");
        h.write(&(a.len() as u64).to_le_bytes());
        for v in a.iter() {
            fingerprint_value(v, h, depth + 1)?;
        }
    } else if let Some(m) = d.read_lock::<Map>() {
        h.write(b"m");
        h.write(&(m.len() as u64).to_le_bytes());
        for (k, v) in m.iter() {
            h.write(&(k.len() as u64).to_le_bytes());
            h.write(k.as_bytes());
            fingerprint_value(v, h, depth + 1)?;
        }
    } else if let Some(b) = d.read_lock::<rhai::Blob>() {
        h.write(b"b");
        h.write(&(b.len() as u64).to_le_bytes());
        h.write(&b);
    } else {
        return None;
    }
    Some(())
}

/// An event as the handler sees it. Written out rather than taken from rhai's `serde` feature
/// (whose generic serializer and deserializer weigh on the lab page's wasm), with the same result:
/// `null` is `()`, an integer that fits `i64` is an integer and any other number a float, objects
/// are maps.
fn json_to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i),
            None => Dynamic::from_float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(a) => Dynamic::from_array(a.iter().map(json_to_dynamic).collect()),
        Value::Object(m) => Dynamic::from_map(
            m.iter()
                .map(|(k, v)| (k.as_str().into(), json_to_dynamic(v)))
                .collect(),
        ),
    }
}

/// A handler's value as JSON (its response, an async invoke's payload), or the message rhai's
/// `from_dynamic` gave for a value JSON cannot hold: a function pointer, a blob, a custom type or
/// a captured (shared) variable. A character becomes a string, a float that is not finite `null`.
fn dynamic_to_json(d: &Dynamic) -> Result<Value, String> {
    let type_error = || {
        format!(
            "Output type incorrect: {} (expecting {})",
            d.type_name(),
            std::any::type_name::<Value>()
        )
    };
    if d.is_shared() {
        return Err(type_error());
    }
    if d.is_unit() {
        return Ok(Value::Null);
    }
    if let Ok(b) = d.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = d.as_int() {
        return Ok(Value::from(i));
    }
    if let Ok(f) = d.as_float() {
        return Ok(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number));
    }
    if let Ok(c) = d.as_char() {
        return Ok(Value::String(c.to_string()));
    }
    if let Some(s) = d.read_lock::<ImmutableString>() {
        return Ok(Value::String(s.to_string()));
    }
    if let Some(a) = d.read_lock::<rhai::Array>() {
        return a
            .iter()
            .map(dynamic_to_json)
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if let Some(m) = d.read_lock::<Map>() {
        let mut out = serde_json::Map::new();
        for (k, v) in m.iter() {
            out.insert(k.to_string(), dynamic_to_json(v)?);
        }
        return Ok(Value::Object(out));
    }
    if d.is_blob() {
        return Err("Syntax error: invalid type: byte array, expected any valid JSON value".into());
    }
    Err(type_error())
}

fn strip_position(s: &str) -> String {
    match s.rfind(" (line ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

fn as_ms(v: &Dynamic) -> RhaiResult<f64> {
    if let Ok(i) = v.as_int() {
        return Ok(i as f64);
    }
    if let Ok(f) = v.as_float() {
        return Ok(f);
    }
    Err(sdk_error(
        "TypeError",
        format!("expected a number of milliseconds, got {}", v.type_name()),
    ))
}

fn build_engine(host: &Shared, memory_mb: u32) -> Engine {
    // A raw engine plus chosen packages: the standard set includes a clock (`timestamp()`), which
    // would break determinism and does not exist on wasm32.
    let mut engine = Engine::new_raw();
    CorePackage::new().register_into_engine(&mut engine);
    LogicPackage::new().register_into_engine(&mut engine);
    BitFieldPackage::new().register_into_engine(&mut engine);
    BasicMathPackage::new().register_into_engine(&mut engine);
    BasicArrayPackage::new().register_into_engine(&mut engine);
    BasicMapPackage::new().register_into_engine(&mut engine);
    MoreStringPackage::new().register_into_engine(&mut engine);

    // Computed in u64 and capped before narrowing, so wasm32's 32-bit usize sees the same limits.
    let avail: u64 = u64::from(memory_mb).saturating_sub(RUNTIME_BASELINE_MB) << 20;
    let cap = |bytes: u64, host: u64| bytes.min(host) as usize;
    engine.set_max_string_size(cap(avail, HOST_MAX_STRING));
    engine.set_max_array_size(cap(avail / 64, HOST_MAX_ARRAY));
    engine.set_max_map_size(cap(avail / 128, HOST_MAX_ARRAY));
    engine.set_max_call_levels(MAX_CALL_LEVELS);
    engine.set_max_expr_depths(64, 32);
    engine.set_max_operations(MAX_OPERATIONS);

    let h = host.clone();
    engine.on_progress(move |ops| {
        let mut s = h.borrow_mut();
        s.ops = ops;
        if s.over_budget() {
            s.stop = Some(Stop::Timeout);
            return Some(Dynamic::UNIT);
        }
        None
    });
    let h = host.clone();
    engine.on_print(move |text| {
        let mut s = h.borrow_mut();
        let at = s.elapsed();
        s.logs.push((at, "INFO", text.to_string()));
    });
    let h = host.clone();
    engine.on_debug(move |text, _, _| {
        let mut s = h.borrow_mut();
        let at = s.elapsed();
        s.logs.push((at, "DEBUG", text.to_string()));
    });

    // Work and waits.
    let h = host.clone();
    let cpu = move |ms: f64, threads: f64| -> RhaiResult<()> {
        let mut s = h.borrow_mut();
        let speed = (single_thread_share(s.memory_mb) * threads.max(1.0)).min(vcpus(s.memory_mb));
        s.declared_us += (ms.max(0.0) * 1000.0 / speed) as u64;
        if s.over_budget() {
            drop(s);
            return Err(terminate(&h, Stop::Timeout));
        }
        Ok(())
    };
    let c = cpu.clone();
    engine.register_fn("cpu", move |ms: Dynamic| c(as_ms(&ms)?, 1.0));
    engine.register_fn("cpu", move |ms: Dynamic, threads: i64| {
        cpu(as_ms(&ms)?, threads as f64)
    });
    let h = host.clone();
    let wait = move |ms: f64| -> RhaiResult<()> {
        let mut s = h.borrow_mut();
        s.declared_us += (ms.max(0.0) * 1000.0) as u64;
        if s.over_budget() {
            drop(s);
            return Err(terminate(&h, Stop::Timeout));
        }
        Ok(())
    };
    let w = wait.clone();
    engine.register_fn("wait", move |ms: Dynamic| w(as_ms(&ms)?));
    let w = wait.clone();
    engine.register_fn("sleep", move |secs: i64| w(secs as f64 * 1000.0));
    engine.register_fn("sleep", move |secs: f64| wait(secs * 1000.0));
    let h = host.clone();
    engine.register_fn("allocate", move |mb: i64| -> RhaiResult<()> {
        let mut s = h.borrow_mut();
        s.extra_mb += mb.max(0) as u64;
        s.peak_mb = s.peak_mb.max(RUNTIME_BASELINE_MB + s.extra_mb);
        if RUNTIME_BASELINE_MB + s.extra_mb > u64::from(s.memory_mb) {
            drop(s);
            return Err(terminate(&h, Stop::OutOfMemory));
        }
        Ok(())
    });
    let h = host.clone();
    engine.register_fn("free", move |mb: i64| {
        let mut s = h.borrow_mut();
        s.extra_mb = s.extra_mb.saturating_sub(mb.max(0) as u64);
    });
    let h = host.clone();
    engine.register_fn("random", move || -> f64 {
        let mut s = h.borrow_mut();
        s.varies = true;
        s.rng = s.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    });

    // Environment variables.
    let h = host.clone();
    engine.register_fn("env", move |name: ImmutableString| -> Dynamic {
        h.borrow()
            .env
            .get(name.as_str())
            .map_or(Dynamic::UNIT, |v| v.clone().into())
    });

    // /tmp, bounded by ephemeral storage.
    let h = host.clone();
    engine.register_fn(
        "tmp_write",
        move |path: ImmutableString, content: ImmutableString| -> RhaiResult<()> {
            let mut s = h.borrow_mut();
            let used: usize = s
                .tmp
                .iter()
                .filter(|(k, _)| k.as_str() != path.as_str())
                .map(|(_, v)| v.len())
                .sum();
            if (used + content.len()) as u64 > u64::from(s.ephemeral_mb) << 20 {
                return Err(sdk_error(
                    "Error",
                    format!("ENOSPC: no space left on device, write '/tmp/{path}'"),
                ));
            }
            s.tmp.insert(path.to_string(), content.to_string());
            Ok(())
        },
    );
    let h = host.clone();
    engine.register_fn("tmp_read", move |path: ImmutableString| -> Dynamic {
        h.borrow()
            .tmp
            .get(path.as_str())
            .map_or(Dynamic::UNIT, |v| v.clone().into())
    });

    // The simulated account: S3 and Lambda, each call checked against the execution role.
    let authorize = |h: &Shared, action: &str, resource: String| -> RhaiResult<()> {
        let mut s = h.borrow_mut();
        let req = Request::new(s.principal.clone(), action, resource.clone())
            .with("aws:RequestedRegion", s.region.clone())
            .with("aws:PrincipalAccount", s.account_id.clone());
        let eval = iam::evaluate(&s.policies, &req);
        s.calls.push(super::model::SdkCall::new(action, &resource, &eval));
        if eval.allowed() {
            return Ok(());
        }
        s.denials.push((action.to_string(), resource, eval.to_string()));
        let code = if action.starts_with("s3:") {
            "AccessDenied"
        } else {
            "AccessDeniedException"
        };
        Err(sdk_error(code, iam::access_denied_message(&req, &eval)))
    };
    let h = host.clone();
    engine.register_fn(
        "s3_put",
        move |bucket: ImmutableString, key: ImmutableString, body: Dynamic| -> RhaiResult<Map> {
            authorize(&h, "s3:PutObject", format!("arn:aws:s3:::{bucket}/{key}"))?;
            let body = body
                .into_immutable_string()
                .map(|s| s.to_string())
                .unwrap_or_else(|d| d.to_string());
            let mut s = h.borrow_mut();
            s.declared_us += 20_000; // a PutObject round trip
            let at = s.elapsed();
            let etag = super::s3::etag(&body);
            s.overlay
                .insert((bucket.to_string(), key.to_string()), body.clone());
            s.effects.push((
                at,
                Effect::S3Put {
                    bucket: bucket.to_string(),
                    key: key.to_string(),
                    body,
                },
            ));
            let mut m = Map::new();
            m.insert("ETag".into(), format!("\"{etag}\"").into());
            Ok(m)
        },
    );
    let h = host.clone();
    engine.register_fn(
        "s3_get",
        move |bucket: ImmutableString, key: ImmutableString| -> RhaiResult<String> {
            authorize(&h, "s3:GetObject", format!("arn:aws:s3:::{bucket}/{key}"))?;
            let mut s = h.borrow_mut();
            s.varies = true; // another request may have changed the object
            s.declared_us += 15_000;
            if let Some(b) = s.overlay.get(&(bucket.to_string(), key.to_string())) {
                return Ok(b.clone());
            }
            let store = s.s3.borrow();
            store
                .get(&bucket, &key)
                .map(|o| o.body.clone())
                .ok_or_else(|| sdk_error("NoSuchKey", "The specified key does not exist.".into()))
        },
    );
    let h = host.clone();
    engine.register_fn(
        "s3_list",
        move |bucket: ImmutableString, prefix: ImmutableString| -> RhaiResult<rhai::Array> {
            authorize(&h, "s3:ListBucket", format!("arn:aws:s3:::{bucket}"))?;
            let mut s = h.borrow_mut();
            s.varies = true;
            s.declared_us += 15_000;
            let store = s.s3.borrow();
            let mut keys: Vec<String> = store.keys(&bucket, &prefix);
            for (b, k) in s.overlay.keys() {
                if b.as_str() == bucket.as_str() && k.starts_with(prefix.as_str()) && !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
            keys.sort();
            Ok(keys.into_iter().take(1000).map(Dynamic::from).collect())
        },
    );
    let h = host.clone();
    engine.register_fn(
        "invoke",
        move |function: ImmutableString, payload: Dynamic| -> RhaiResult<Map> {
            let (account, region) = {
                let s = h.borrow();
                (s.account_id.clone(), s.region.clone())
            };
            authorize(
                &h,
                "lambda:InvokeFunction",
                format!("arn:aws:lambda:{region}:{account}:function:{function}"),
            )?;
            let payload = dynamic_to_json(&payload).map_err(|e| {
                sdk_error(
                    "InvalidRequestContentException",
                    format!("Could not parse request body into json: {e}"),
                )
            })?;
            let mut s = h.borrow_mut();
            s.declared_us += 10_000;
            let at = s.elapsed();
            s.effects.push((
                at,
                Effect::InvokeAsync {
                    function: function.to_string(),
                    payload,
                },
            ));
            let mut m = Map::new();
            m.insert("StatusCode".into(), Dynamic::from(202_i64));
            Ok(m)
        },
    );

    // The context object.
    engine.register_type_with_name::<LambdaContext>("LambdaContext");
    engine.register_get("aws_request_id", |c: &mut LambdaContext| -> String {
        let mut s = c.host.borrow_mut();
        s.varies = true;
        s.request_id.clone()
    });
    engine.register_get("awsRequestId", |c: &mut LambdaContext| -> String {
        let mut s = c.host.borrow_mut();
        s.varies = true;
        s.request_id.clone()
    });
    engine.register_get("function_name", |c: &mut LambdaContext| -> String {
        c.host.borrow().function_name.clone()
    });
    engine.register_get("function_version", |_: &mut LambdaContext| -> String {
        "$LATEST".into()
    });
    engine.register_get("memory_limit_in_mb", |c: &mut LambdaContext| -> i64 {
        i64::from(c.host.borrow().memory_mb)
    });
    engine.register_get("log_group_name", |c: &mut LambdaContext| -> String {
        format!("/aws/lambda/{}", c.host.borrow().function_name)
    });
    engine.register_get("invoked_function_arn", |c: &mut LambdaContext| -> String {
        let s = c.host.borrow();
        format!(
            "arn:aws:lambda:{}:{}:function:{}",
            s.region, s.account_id, s.function_name
        )
    });
    engine.register_fn("get_remaining_time_in_millis", |c: &mut LambdaContext| -> i64 {
        let s = c.host.borrow();
        (s.budget_us.saturating_sub(s.elapsed()) / 1000) as i64
    });
    engine.register_fn("getRemainingTimeInMillis", |c: &mut LambdaContext| -> i64 {
        let s = c.host.borrow();
        (s.budget_us.saturating_sub(s.elapsed()) / 1000) as i64
    });
    engine.register_fn("to_string", |c: &mut LambdaContext| -> String {
        let mut s = c.host.borrow_mut();
        s.varies = true;
        format!("LambdaContext({})", s.request_id)
    });
    engine
}
