//! The container-side CLI, run as a user runs it: `cloudbook sim ecs|fargate|batch` and
//! `cloudbook sim price fargate|ec2|apprunner|lightsail`, on scenario files written to a temp dir.
//! The model itself is tested in the library (`src/ecs/tests.rs`); these check the wiring, the
//! exit codes, `--json` and that bad files fail with located diagnostics.
// Writing fixture files to a temp dir is the point here, so the core's no-I/O lint does not apply.
#![allow(clippy::disallowed_methods)]

use expect_test::expect;

use super::support::{cloudbook, text, write};

const SCENARIO: &str = r#"seed = 3
duration = "2m"
[[instance]]
name = "i"
count = 2
type = "t3.medium"
az = "us-east-1a"
[[task_definition]]
family = "web"
cpu = 512
memory = 1024
[[task_definition.container]]
name = "app"
image = "web:1"
port_mappings = [{ container_port = 80, host_port = 80 }]
[[service]]
name = "web"
task_definition = "web"
desired_count = 3
placement_strategy = [{ type = "random" }]
"#;

#[test]
fn sim_ecs_prints_the_trace_and_the_final_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(dir.path(), "web.toml", SCENARIO);
    let o = cloudbook(&["sim", "ecs", &f]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    // Two instances, a fixed host port: the third task cannot be placed, and ECS says why.
    assert!(out.contains("host port 80 already in use"), "{out}");
    assert!(
        out.contains("is already using a port required by your task"),
        "{out}"
    );
    assert!(out.contains("--- final state (seed 3)"), "{out}");
    assert_eq!(
        out,
        text(&cloudbook(&["sim", "ecs", &f])),
        "same seed, same output"
    );
}

#[test]
fn sim_ecs_json_carries_the_trace_hash_and_a_seed_override_changes_random_placement() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(dir.path(), "web.toml", SCENARIO);
    let hash = |seed: &str| -> String {
        let o = cloudbook(&["sim", "ecs", &f, "--json", "--seed", seed]);
        assert!(o.status.success(), "{}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
        assert!(v["final"]["tasks"].as_array().is_some_and(|t| !t.is_empty()));
        v["trace"]["hash"].as_str().expect("a hash").to_string()
    };
    assert_eq!(hash("1"), hash("1"));
    assert!(
        (2..8).map(|s| hash(&s.to_string())).any(|h| h != hash("1")),
        "no seed changed the random placement"
    );
}

#[test]
fn a_bad_scenario_fails_with_located_diagnostics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(
        dir.path(),
        "bad.toml",
        "[[instance]]\nname = \"i\"\ntype = \"t3.medium\"\nzone = \"a\"\n",
    );
    let o = cloudbook(&["sim", "ecs", &f]);
    assert!(!o.status.success());
    let msg = text(&o).replace(&f, "bad.toml");
    expect![[r#"
        bad.toml:1:1: error: [[instance]] is missing required key "az" (add az = "…")
        bad.toml:4:1: error: unknown key "zone" in [[instance]] (expected one of: name, cluster, type, az, attributes, reserved_memory, count)
    "#]]
    .assert_eq(&msg);
}

#[test]
fn sim_fargate_accepts_valid_sizes_and_prints_aws_error_for_invalid_ones() {
    let ok = cloudbook(&["sim", "fargate", "--cpu", "8192", "--memory", "16384"]);
    assert!(ok.status.success(), "{}", text(&ok));
    expect![[r#"
        valid: 8 vCPU, 16384 MiB, linux, platform version 1.4.0, ephemeral storage 20 GiB
    "#]]
    .assert_eq(&text(&ok));
    let bad = cloudbook(&["sim", "fargate", "--cpu", "256", "--memory", "4096"]);
    assert!(!bad.status.success());
    expect![[r#"
        An error occurred (ClientException) when calling the RegisterTaskDefinition operation: No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.
        valid memory for 256 CPU on linux: 512, 1024, 2048 MiB
    "#]]
    .assert_eq(&text(&bad));
    let old = cloudbook(&[
        "sim",
        "fargate",
        "--cpu",
        "16384",
        "--memory",
        "32768",
        "--platform-version",
        "1.3.0",
        "--json",
    ]);
    assert!(!old.status.success());
    let v: serde_json::Value = serde_json::from_slice(&old.stdout).expect("valid JSON");
    assert_eq!(v["valid"], false);
}

#[test]
fn sim_batch_runs_a_dependency_graph() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(
        dir.path(),
        "jobs.toml",
        r#"[[compute_environment]]
name = "fargate"
type = "FARGATE"
max_vcpus = 8
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
array_size = 2
[[job]]
at = 0
name = "load"
queue = "q"
definition = "step"
depends_on = [{ job = "extract" }]
"#,
    );
    let o = cloudbook(&["sim", "batch", &f]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    let ends: String = out
        .lines()
        .skip_while(|l| !l.starts_with("--- jobs"))
        .map(|l| format!("{l}\n"))
        .collect();
    expect![[r#"
        --- jobs (seed 3396232504410113)
        job extract SUCCEEDED attempts=0 path=SUBMITTED>PENDING>SUCCEEDED
        job extract:0 SUCCEEDED attempts=1 path=SUBMITTED>PENDING>RUNNABLE>STARTING>RUNNING>SUCCEEDED reason="Essential container in task exited"
        job extract:1 SUCCEEDED attempts=1 path=SUBMITTED>PENDING>RUNNABLE>STARTING>RUNNING>SUCCEEDED reason="Essential container in task exited"
        job load SUCCEEDED attempts=1 path=SUBMITTED>PENDING>RUNNABLE>STARTING>RUNNING>SUCCEEDED reason="Essential container in task exited"
    "#]].assert_eq(&ends);
}

#[test]
fn price_commands_print_numbers() {
    let cases: &[&[&str]] = &[
        &[
            "sim",
            "price",
            "fargate",
            "--cpu",
            "256",
            "--memory",
            "512",
            "--duration",
            "1h",
            "--tasks",
            "10",
        ],
        &["sim", "price", "ec2", "--type", "t3.medium", "--duration", "30s"],
        &[
            "sim",
            "price",
            "apprunner",
            "--active-hours",
            "100",
            "--idle-hours",
            "630",
        ],
        &["sim", "price", "lightsail", "--bundle", "12", "--hours", "365"],
    ];
    let mut out = String::new();
    for args in cases {
        let o = cloudbook(args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        out += &text(&o);
    }
    expect![[r#"
        fargate: 10 task(s) of 0.25 vCPU / 0.5 GiB for 3600 s (billed 3600 s each): $0.1234 (vCPU $0.0101, memory $0.0022, licence $0.0000, storage $0.0000 per task)
        ec2: 2 x m5.large (8 task(s) each) for 3600 s: $0.1920
        eks (comparison): control plane $0.1000 per cluster for the period, plus the same workers (node group or Fargate profile); ECS has no control-plane charge
        ec2: 1 x t3.medium (2 vCPU, 4 GiB, $0.0416/h) for 60 s: $0.0007
        app runner 1 vCPU / 2 GB: active 100.00 instance-h $7.8000 + provisioned 630.00 instance-h $8.8200 = $16.6200
        lightsail 1 x small for 365 h: instances $6.00 + transfer overage 0 GB $0.00 = $6.00 (stopped instances are billed too)
    "#]].assert_eq(&out);
}
