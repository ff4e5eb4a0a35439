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
    expect![[r#""#]].assert_eq(&text(&o));
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
    assert_eq!(lines.len(), 14);
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
    expect![[r#""#]].assert_eq(&text(&o).replace(&f, "bad.toml"));

    let f = write(
        dir.path(),
        "typo.toml",
        "[[step]]\nstart = \"one\"\ncontainer = \"x\"\n",
    );
    let o = cloudbook(&["sim", "container", &f]);
    assert_eq!(o.status.code(), Some(1));
    expect![[r#""#]].assert_eq(&text(&o).replace(&f, "typo.toml"));
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
    expect![[r#""#]].assert_eq(&text(&o));
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
    expect![[r#""#]].assert_eq(&summaries.join("\n"));
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
    expect![[r#""#]].assert_eq(&text(&o));
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
