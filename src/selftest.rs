//! Determinism self-test: a few fixed scenarios, one per engine, reduced to trace hashes.
//!
//! The browser runs it in wasm (the lab module, when a page is opened with
//! `?cloudbook-selftest`) and the test suite runs it natively; the two lists must be equal,
//! which is how we know the same scenario and seed give the same trace on both targets.

use crate::sim::SimDuration;

const ECS_SCENARIO: &str = r#"seed = 11
duration = "3m"
[[instance]]
name = "i"
count = 4
type = "t3.medium"
az = "us-east-1a"
[[task_definition]]
family = "web"
cpu = 256
memory = 512
[[task_definition.container]]
name = "app"
image = "web:1"
[[service]]
name = "web"
task_definition = "web"
desired_count = 6
placement_strategy = [{ type = "random" }]
"#;

const BATCH_SCENARIO: &str = r#"[[compute_environment]]
name = "fargate"
type = "FARGATE"
max_vcpus = 4
[[job_queue]]
name = "q"
priority = 1
compute_environments = ["fargate"]
[[job_definition]]
name = "step"
vcpus = 1
duration = "30s"
[[job]]
at = 0
name = "extract"
queue = "q"
definition = "step"
array_size = 3
"#;

const LOAD_FUNCTION: &str = r#"name = "resize"
memory_size = 512
timeout = 3
reserved_concurrency = 5
handler = '''
fn handler(event, context) { cpu(40); #{ ok: true } }
'''
"#;

/// `(scenario name, trace hash)` for each engine. Every entry is computed, never cached.
pub fn determinism_hashes() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let ecs = crate::ecs::scenario::parse("selftest-ecs.toml", ECS_SCENARIO)
        .map(|s| format!("{:016x}", crate::ecs::scenario::run(&s).0.hash()))
        .unwrap_or_else(|d| format!("invalid: {}", crate::diag::render_all(&d)));
    out.push(("ecs-random-placement".to_string(), ecs));
    let batch = crate::services::batch::parse("selftest-batch.toml", BATCH_SCENARIO)
        .map(|s| format!("{:016x}", crate::services::batch::run(&s).0.hash()))
        .unwrap_or_else(|d| format!("invalid: {}", crate::diag::render_all(&d)));
    out.push(("batch-array-job".to_string(), batch));
    let load = toml::from_str::<crate::lambda::FunctionSpec>(LOAD_FUNCTION)
        .map_err(|e| e.to_string())
        .and_then(|spec| {
            crate::lambda::simulate_load(
                &spec,
                20.0,
                SimDuration::from_secs(30),
                &serde_json::json!({}),
                5,
                Default::default(),
            )
            .map_err(|e| e.to_string())
        })
        .map(|(report, _)| format!("{:016x}", report.trace_hash.unwrap_or_default()))
        .unwrap_or_else(|e| format!("invalid: {e}"));
    out.push(("lambda-load".to_string(), load));
    out
}

/// `(name, hash)` of the arithmetic that wasm32 computes differently from x86_64, beside the
/// traces that use it: the browser shows it too (`?cloudbook-selftest`, in
/// `<pre id="cloudbook-selftest-arithmetic">`) for comparison with the native list.
pub fn arithmetic_hashes() -> Vec<(String, String)> {
    vec![("rng-below".to_string(), format!("{:016x}", below_hash()))]
}

/// `Rng::below` over bounds on both sides of 2³² (wasm32 computes its product in 64-bit pieces,
/// one way below 2³² and another above: `sim::rng::mul_hi`), folded into one FNV-1a hash.
fn below_hash() -> u64 {
    let mut rng = crate::sim::Rng::seed_from_u64(0x5EED);
    let bounds = [
        1,
        2,
        1200,
        900_000_001,
        u64::from(u32::MAX),
        1 << 32,
        (1 << 32) + 1,
        1 << 53,
        u64::MAX,
    ];
    let mut hash = crate::sim::Fnv1a64::new();
    for i in 0..4_000u64 {
        let n = bounds[(i % bounds.len() as u64) as usize] ^ (i >> 4);
        hash.write(&rng.below(n).to_le_bytes());
    }
    hash.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_selftest_scenario_is_valid_and_repeatable() {
        let a = super::determinism_hashes();
        assert!(a.iter().all(|(_, h)| !h.starts_with("invalid")), "{a:?}");
        assert_eq!(a, super::determinism_hashes());
    }

    #[test]
    fn the_arithmetic_check_is_repeatable_and_hashes_its_draws() {
        let a = super::arithmetic_hashes();
        assert_eq!(a, super::arithmetic_hashes());
        // Not the hash of nothing: the draws went into it.
        assert_ne!(a[0].1, format!("{:016x}", crate::sim::Fnv1a64::new().finish()));
    }
}
