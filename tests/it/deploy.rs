//! `cloudbook sim container` and `cloudbook sim beanstalk`, run as a user runs them: the trace and
//! final state of a scenario file, `--json`, and bad input failing with located diagnostics or
//! Elastic Beanstalk's valid ranges. The models are tested in the library.
// Writing fixture files to a temp dir is the point here, so the core's no-I/O lint does not apply.
#![allow(clippy::disallowed_methods)]

use expect_test::expect;

use super::support::{cloudbook, text, write};

/// One container writes to its writable layer, a named volume and a bind mount; it is removed and
/// a second container with the same mounts reads the three files back.
const CONTAINERS: &str = r#"[[image]]
tag = "app:1"
build = """
FROM alpine:3.19
COPY app /app 1MB
"""

[[step]]
create = "one"
image = "app:1"
mounts = ["db:/var/lib/db", "/home/me/site:/srv"]
[[step]]
start = "one"
[[step]]
write = "one"
path = "/tmp/cache"
content = "scratch"
[[step]]
write = "one"
path = "/var/lib/db/users"
content = "alice"
[[step]]
write = "one"
path = "/srv/index.html"
content = "<h1>hi</h1>"
[[step]]
rm = "one"
[[step]]
stop = "one"
[[step]]
rm = "one"
[[step]]
create = "two"
image = "app:1"
mounts = ["db:/var/lib/db", "/home/me/site:/srv"]
[[step]]
start = "two"
[[step]]
read = "two"
path = "/tmp/cache"
[[step]]
read = "two"
path = "/var/lib/db/users"
[[step]]
read = "two"
path = "/srv/index.html"
"#;

#[test]
fn sim_container_shows_what_outlives_a_container() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(dir.path(), "host.toml", CONTAINERS);
    let o = cloudbook(&["sim", "container", &f]);
    assert!(o.status.success(), "{}", text(&o));
    expect![[r#"
        t=00:00:00.000 container one created from app:1 mounts=2
        t=00:00:00.570 container one started in 570ms
        t=00:00:00.570 container one wrote /tmp/cache -> writable layer
        t=00:00:00.570 container one wrote /var/lib/db/users -> volume db
        t=00:00:00.570 container one wrote /srv/index.html -> bind mount /home/me/site/index.html
        t=00:00:00.570 Error response from daemon: You cannot remove a running container one. Stop the container before attempting removal or force remove
        t=00:00:00.870 container one stopped (the writable layer stays until removal)
        t=00:00:00.870 container one removed: 1 file(s) in its writable layer are gone
        t=00:00:00.870 container two created from app:1 mounts=2
        t=00:00:01.440 container two started in 570ms
        t=00:00:01.440 container two read /tmp/cache: nowhere (No such file or directory)
        t=00:00:01.440 container two read /var/lib/db/users <- volume db: "alice"
        t=00:00:01.440 container two read /srv/index.html <- bind mount /home/me/site/index.html: "<h1>hi</h1>"
        --- final state
        container two (Running, image app:1): 0 file(s) in its writable layer
        volume db: 1 file(s)
          /users = "alice"
        host files: 1
          /home/me/site/index.html = "<h1>hi</h1>"
    "#]]
    .assert_eq(&text(&o));
}

#[test]
fn sim_container_json_has_the_trace_and_the_final_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(dir.path(), "host.toml", CONTAINERS);
    let o = cloudbook(&["sim", "container", &f, "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let lines: Vec<&str> = v["trace"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["line"].as_str().expect("a line"))
        .collect();
    assert_eq!(lines.len(), 13);
    assert_eq!(v["final"]["volumes"]["db"]["/users"], "alice");
    assert_eq!(
        v["final"]["host_files"]["/home/me/site/index.html"],
        "<h1>hi</h1>"
    );
    assert_eq!(v["final"]["containers"][0]["name"], "two");
    assert_eq!(
        v["final"]["containers"][0]["writable"],
        serde_json::json!({}),
        "the second container's writable layer starts empty"
    );
    assert_eq!(v["trace"]["hash"].as_str().map(str::len), Some(16));
}

#[test]
fn a_bad_container_scenario_reports_every_problem_at_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(
        dir.path(),
        "bad.toml",
        r#"[[image]]
tag = "app:1"
build = """
FROM alpine:3.19
COPY app /app lots
"""
[[step]]
create = "one"
mounts = ["db"]
[[step]]
start = "one"
path = "/tmp"
[[step]]
image = "app:1"
[[step]]
stop = "one"
rm = "one"
"#,
    );
    let o = cloudbook(&["sim", "container", &f]);
    assert_eq!(o.status.code(), Some(1));
    expect![[r#"
        bad.toml:5:1: error: image "app:1" does not build: COPY needs a declared size at the end, e.g. "COPY app /app lots 12MB"
        bad.toml:8:1: error: create needs image = "…"
        bad.toml:9:1: error: mount "db" is not volume:/target or /host/path:/target (e.g. "db:/var/lib/db" or "/home/me/site:/srv")
        bad.toml:12:1: error: key "path" does not apply to start, which takes no other keys
        bad.toml:14:1: error: a step names no command (expected one of: create, start, stop, rm, write, read, set to the container's name)
        bad.toml:17:1: error: a step runs one command, this one has stop and rm (split it into one [[step]] each)
    "#]]
    .assert_eq(&text(&o).replace(&f, "bad.toml"));

    let f = write(
        dir.path(),
        "typo.toml",
        "[[step]]\nstart = \"one\"\ncontainer = \"x\"\n",
    );
    let o = cloudbook(&["sim", "container", &f]);
    assert_eq!(o.status.code(), Some(1));
    expect![[r#"
        typo.toml:3:1: error: unknown key "container" in [[step]] (expected one of: create, start, stop, rm, write, read, image, mounts, path, content)
    "#]]
    .assert_eq(&text(&o).replace(&f, "typo.toml"));
}

#[test]
fn sim_beanstalk_plays_a_policy_and_sums_it_up() {
    let o = cloudbook(&[
        "sim",
        "beanstalk",
        "--policy",
        "rolling",
        "--instances",
        "4",
        "--batch-size",
        "2",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    expect![[r#"
        t=00:00:00.000 eb Rolling: batch 1/2 (2 instances) out of service | in service old=2 new=0 out=2 | capacity=50% errors=0% new-traffic=0%
        t=00:01:30.000 eb Rolling: batch 2/2 (2 instances) out of service | in service old=0 new=2 out=2 | capacity=50% errors=0% new-traffic=100%
        t=00:03:00.000 eb Rolling: done | in service old=0 new=4 out=0 | capacity=100% errors=0% new-traffic=100%
        --- Rolling: deployed in 3m | capacity 50%–100% | errors up to 0%
    "#]]
    .assert_eq(&text(&o));
}

#[test]
fn sim_beanstalk_compares_every_policy_for_an_unhealthy_version() {
    let o = cloudbook(&["sim", "beanstalk", "--policy", "all", "--unhealthy", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let summaries: Vec<String> = v["deployments"]
        .as_array()
        .expect("deployments")
        .iter()
        .map(|d| {
            let s = &d["summary"];
            format!(
                "{} deployed={} capacity={}..{} errors<={}",
                s["policy"].as_str().expect("policy"),
                s["deployed"],
                s["min_capacity_percent"],
                s["max_capacity_percent"],
                s["max_error_percent"]
            )
        })
        .collect();
    // Only TrafficSplitting shows the bad version to anyone besides AllAtOnce, and only 10 %.
    expect![[r#"
        AllAtOnce deployed=false capacity=0..100 errors<=100
        Rolling deployed=false capacity=75..75 errors<=0
        RollingWithAdditionalBatch deployed=false capacity=100..100 errors<=0
        Immutable deployed=false capacity=100..100 errors<=0
        TrafficSplitting deployed=false capacity=100..200 errors<=10"#]]
    .assert_eq(&summaries.join("\n"));
}

#[test]
fn sim_beanstalk_refuses_what_elastic_beanstalk_refuses() {
    let o = cloudbook(&[
        "sim",
        "beanstalk",
        "--policy",
        "rolling,traffic-splitting",
        "--batch-size",
        "120%",
        "--new-version-percent",
        "0",
        "--evaluation",
        "1m",
    ]);
    assert_eq!(o.status.code(), Some(1));
    expect![[r#"
        error: BatchSize 120% is out of range (Percentage: 1–100)
        error: NewVersionPercent 0 is out of range (1–100)
        error: EvaluationTime 1m is out of range (3–600 minutes)
    "#]]
    .assert_eq(&text(&o));
    let o = cloudbook(&["sim", "beanstalk", "--policy", "rolling", "--batch-size", "half"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a flag clap cannot read is a usage error"
    );
    assert!(
        text(&o).contains("write a percentage like 25% or a number of instances like 2"),
        "{}",
        text(&o)
    );
}
