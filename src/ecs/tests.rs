//! Scenario-level tests of the ECS model: one fixture per feature, the trace as the snapshot.

use expect_test::{Expect, expect};

use super::model::TaskStatus;
use super::scenario;

fn trace(src: &str) -> String {
    let s = scenario::parse("test.toml", src).unwrap_or_else(|d| panic!("{}", crate::diag::render_all(&d)));
    let (trace, snap) = scenario::run(&s);
    for t in &snap.tasks {
        assert!(TaskStatus::is_valid_path(&t.history), "{} {:?}", t.id, t.history);
    }
    format!("{trace}---\n{snap}")
}

fn check(src: &str, want: Expect) {
    want.assert_eq(&trace(src));
}

const THREE_INSTANCES: &str = r#"
[[instance]]
name = "i-a"
type = "t3.medium"
az = "us-east-1a"
[[instance]]
name = "i-b"
type = "t3.large"
az = "us-east-1b"
attributes = { stack = "prod" }
[[instance]]
name = "i-c"
type = "t3.small"
az = "us-east-1a"
[[task_definition]]
family = "web"
[[task_definition.container]]
name = "app"
image = "web:1"
cpu = 512
memory_reservation = 1024
image_size_mb = 40
port_mappings = [{ container_port = 80 }]
"#;

#[test]
fn binpack_memory_explains_its_ranking() {
    check(
        &format!(
            "duration = \"1m\"\n{THREE_INSTANCES}\n[[timeline]]\nat = \"1s\"\naction = \"run_task\"\ntask_definition = \"web\"\ncount = 2\nplacement_strategy = [{{ type = \"binpack\", field = \"memory\" }}]\n"
        ),
        expect![[r#"
            t=00:00:00.000 instance i-a registered cluster=default type=t3.medium az=us-east-1a cpu=2048 memory=3993MiB
            t=00:00:00.000 instance i-b registered cluster=default type=t3.large az=us-east-1b cpu=2048 memory=7987MiB
            t=00:00:00.000 instance i-c registered cluster=default type=t3.small az=us-east-1a cpu=2048 memory=1996MiB
            t=00:00:00.000 taskdef web:1 registered compatibility=EC2 cpu=512 memory=1024MiB
            t=00:00:01.000 place t1 filter i-a: fits
            t=00:00:01.000 place t1 filter i-b: fits
            t=00:00:01.000 place t1 filter i-c: fits
            t=00:00:01.000 place t1 strategy binpack(memory) ranking=i-c(972 left) i-a(2969 left) i-b(6963 left) kept=i-c
            t=00:00:01.000 place t1 on i-c ports=49153
            t=00:00:01.000 task t1 created PROVISIONING desiredStatus=RUNNING
            t=00:00:01.000 place t2 filter i-a: fits
            t=00:00:01.000 place t2 filter i-b: fits
            t=00:00:01.000 place t2 filter i-c: insufficient memory (needs 1024 MiB, 972 MiB available)
            t=00:00:01.000 place t2 strategy binpack(memory) ranking=i-a(2969 left) i-b(6963 left) kept=i-a
            t=00:00:01.000 place t2 on i-a ports=49153
            t=00:00:01.000 task t2 created PROVISIONING desiredStatus=RUNNING
            t=00:00:01.000 task t1 PROVISIONING -> PENDING
            t=00:00:01.000 task t2 PROVISIONING -> PENDING
            t=00:00:02.070 task t1 PENDING -> ACTIVATING
            t=00:00:02.070 task t2 PENDING -> ACTIVATING
            t=00:00:03.070 task t1 ACTIVATING -> RUNNING
            t=00:00:03.070 task t2 ACTIVATING -> RUNNING
            ---
            instance i-a cluster=default status=Active cpu=512/2048 (25%) memory=1024/3993MiB (25%) tasks=1
            instance i-b cluster=default status=Active cpu=0/2048 (0%) memory=0/7987MiB (0%) tasks=0
            instance i-c cluster=default status=Active cpu=512/2048 (25%) memory=1024/1996MiB (51%) tasks=1
            task t1 web:1 EC2 on i-c last=RUNNING desired=Running path=PROVISIONING>PENDING>ACTIVATING>RUNNING
            task t2 web:1 EC2 on i-a last=RUNNING desired=Running path=PROVISIONING>PENDING>ACTIVATING>RUNNING
        "#]],
    );
}

/// A scenario: `duration`, the three instances and the web definition, then `rest`.
fn with_three(rest: &str) -> String {
    format!("duration = \"2m\"\n{THREE_INSTANCES}\n{rest}")
}

fn run_task(strategy: &str, constraints: &str, count: u32) -> String {
    with_three(&format!(
        "[[timeline]]\nat = \"1s\"\naction = \"run_task\"\ntask_definition = \"web\"\ncount = {count}\n\
         placement_strategy = [{strategy}]\nplacement_constraints = [{constraints}]\n"
    ))
}

/// Only the placement lines, to keep strategy snapshots short.
fn placements(src: &str) -> String {
    trace(src)
        .lines()
        .filter(|l| l.contains(" place ") || l.contains("RunTask"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn spread_by_availability_zone_balances_zones_first() {
    expect![[r#"
        t=00:00:01.000 place t1 filter i-a: fits
        t=00:00:01.000 place t1 filter i-b: fits
        t=00:00:01.000 place t1 filter i-c: fits
        t=00:00:01.000 place t1 strategy spread(attribute:ecs.availability-zone) ranking=i-a(us-east-1a=0 tasks) i-b(us-east-1b=0 tasks) i-c(us-east-1a=0 tasks) kept=i-a,i-b,i-c
        t=00:00:01.000 place t1 on i-a ports=49153
        t=00:00:01.000 place t2 filter i-a: fits
        t=00:00:01.000 place t2 filter i-b: fits
        t=00:00:01.000 place t2 filter i-c: fits
        t=00:00:01.000 place t2 strategy spread(attribute:ecs.availability-zone) ranking=i-b(us-east-1b=0 tasks) i-a(us-east-1a=1 tasks) i-c(us-east-1a=1 tasks) kept=i-b
        t=00:00:01.000 place t2 on i-b ports=49153
        t=00:00:01.000 place t3 filter i-a: fits
        t=00:00:01.000 place t3 filter i-b: fits
        t=00:00:01.000 place t3 filter i-c: fits
        t=00:00:01.000 place t3 strategy spread(attribute:ecs.availability-zone) ranking=i-a(us-east-1a=1 tasks) i-b(us-east-1b=1 tasks) i-c(us-east-1a=1 tasks) kept=i-a,i-b,i-c
        t=00:00:01.000 place t3 on i-a ports=49154
    "#]]
    .assert_eq(&placements(&run_task(r#"{ type = "spread", field = "attribute:ecs.availability-zone" }"#, "", 3)));
}

#[test]
fn spread_by_instance_then_binpack_breaks_ties() {
    expect![[r#"
        t=00:00:01.000 place t1 filter i-a: fits
        t=00:00:01.000 place t1 filter i-b: fits
        t=00:00:01.000 place t1 filter i-c: fits
        t=00:00:01.000 place t1 strategy spread(instanceId) ranking=i-a(0 tasks) i-b(0 tasks) i-c(0 tasks) kept=i-a,i-b,i-c
        t=00:00:01.000 place t1 strategy binpack(cpu) ranking=i-a(1536 left) i-b(1536 left) i-c(1536 left) kept=i-a,i-b,i-c
        t=00:00:01.000 place t1 on i-a ports=49153
        t=00:00:01.000 place t2 filter i-a: fits
        t=00:00:01.000 place t2 filter i-b: fits
        t=00:00:01.000 place t2 filter i-c: fits
        t=00:00:01.000 place t2 strategy spread(instanceId) ranking=i-b(0 tasks) i-c(0 tasks) i-a(1 tasks) kept=i-b,i-c
        t=00:00:01.000 place t2 strategy binpack(cpu) ranking=i-b(1536 left) i-c(1536 left) kept=i-b,i-c
        t=00:00:01.000 place t2 on i-b ports=49153
        t=00:00:01.000 place t3 filter i-a: fits
        t=00:00:01.000 place t3 filter i-b: fits
        t=00:00:01.000 place t3 filter i-c: fits
        t=00:00:01.000 place t3 strategy spread(instanceId) ranking=i-c(0 tasks) i-a(1 tasks) i-b(1 tasks) kept=i-c
        t=00:00:01.000 place t3 strategy binpack(cpu) ranking=i-c(1536 left) kept=i-c
        t=00:00:01.000 place t3 on i-c ports=49153
    "#]].assert_eq(&placements(&run_task(
        r#"{ type = "spread", field = "instanceId" }, { type = "binpack", field = "cpu" }"#,
        "",
        3,
    )));
}

#[test]
fn random_placement_follows_the_seed() {
    let src = |seed: u64| format!("seed = {seed}\n{}", run_task(r#"{ type = "random" }"#, "", 6));
    let on = |seed| -> Vec<String> {
        trace(&src(seed))
            .lines()
            .filter(|l| l.contains(" on i-"))
            .map(|l| l.split(" on ").nth(1).unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(trace(&src(1)), trace(&src(1)), "same seed, same trace");
    let runs: Vec<Vec<String>> = (1..=4).map(on).collect();
    assert!(
        runs.iter().any(|r| *r != runs[0]),
        "different seeds changed no random placement: {runs:?}"
    );
    expect![[r#"
        t=00:00:01.000 place t1 filter i-a: fits
        t=00:00:01.000 place t1 filter i-b: fits
        t=00:00:01.000 place t1 filter i-c: fits
        t=00:00:01.000 place t1 strategy random ranking=i-c(drawn) i-a(not drawn) i-b(not drawn) kept=i-c
        t=00:00:01.000 place t1 on i-c ports=49153
        t=00:00:01.000 place t2 filter i-a: fits
        t=00:00:01.000 place t2 filter i-b: fits
        t=00:00:01.000 place t2 filter i-c: insufficient memory (needs 1024 MiB, 972 MiB available)
        t=00:00:01.000 place t2 strategy random ranking=i-b(drawn) i-a(not drawn) kept=i-b
        t=00:00:01.000 place t2 on i-b ports=49153
        t=00:00:01.000 place t3 filter i-a: fits
        t=00:00:01.000 place t3 filter i-b: fits
        t=00:00:01.000 place t3 filter i-c: insufficient memory (needs 1024 MiB, 972 MiB available)
        t=00:00:01.000 place t3 strategy random ranking=i-b(drawn) i-a(not drawn) kept=i-b
        t=00:00:01.000 place t3 on i-b ports=49154
        t=00:00:01.000 place t4 filter i-a: fits
        t=00:00:01.000 place t4 filter i-b: fits
        t=00:00:01.000 place t4 filter i-c: insufficient memory (needs 1024 MiB, 972 MiB available)
        t=00:00:01.000 place t4 strategy random ranking=i-a(drawn) i-b(not drawn) kept=i-a
        t=00:00:01.000 place t4 on i-a ports=49153
        t=00:00:01.000 place t5 filter i-a: fits
        t=00:00:01.000 place t5 filter i-b: fits
        t=00:00:01.000 place t5 filter i-c: insufficient memory (needs 1024 MiB, 972 MiB available)
        t=00:00:01.000 place t5 strategy random ranking=i-b(drawn) i-a(not drawn) kept=i-b
        t=00:00:01.000 place t5 on i-b ports=49155
        t=00:00:01.000 place t6 filter i-a: fits
        t=00:00:01.000 place t6 filter i-b: fits
        t=00:00:01.000 place t6 filter i-c: insufficient memory (needs 1024 MiB, 972 MiB available)
        t=00:00:01.000 place t6 strategy random ranking=i-a(drawn) i-b(not drawn) kept=i-a
        t=00:00:01.000 place t6 on i-a ports=49154
    "#]]
    .assert_eq(&placements(&src(1)));
}

#[test]
fn distinct_instance_removes_instances_that_already_run_the_group() {
    expect![[r#"
        t=00:00:01.000 place t1 filter i-a: fits
        t=00:00:01.000 place t1 filter i-b: fits
        t=00:00:01.000 place t1 filter i-c: fits
        t=00:00:01.000 place t1 constraint distinctInstance removed=-
        t=00:00:01.000 place t1 strategy binpack(memory) ranking=i-c(972 left) i-a(2969 left) i-b(6963 left) kept=i-c
        t=00:00:01.000 place t1 on i-c ports=49153
        t=00:00:01.000 place t2 filter i-a: fits
        t=00:00:01.000 place t2 filter i-b: fits
        t=00:00:01.000 place t2 filter i-c: insufficient memory (needs 1024 MiB, 972 MiB available)
        t=00:00:01.000 place t2 constraint distinctInstance removed=-
        t=00:00:01.000 place t2 strategy binpack(memory) ranking=i-a(2969 left) i-b(6963 left) kept=i-a
        t=00:00:01.000 place t2 on i-a ports=49153
        t=00:00:01.000 place t3 filter i-a: fits
        t=00:00:01.000 place t3 filter i-b: fits
        t=00:00:01.000 place t3 filter i-c: insufficient memory (needs 1024 MiB, 972 MiB available)
        t=00:00:01.000 place t3 constraint distinctInstance removed=i-a
        t=00:00:01.000 place t3 strategy binpack(memory) ranking=i-b(6963 left) kept=i-b
        t=00:00:01.000 place t3 on i-b ports=49153
        t=00:00:01.000 place t4 filter i-a: fits
        t=00:00:01.000 place t4 filter i-b: fits
        t=00:00:01.000 place t4 filter i-c: insufficient memory (needs 1024 MiB, 972 MiB available)
        t=00:00:01.000 place t4 constraint distinctInstance removed=i-a,i-b
        t=00:00:01.000 RunTask web:1 failure reason=DistinctInstance placement constraint unsatisfied arn=i-a
    "#]].assert_eq(&placements(&run_task(
        r#"{ type = "binpack", field = "memory" }"#,
        r#"{ type = "distinctInstance" }"#,
        4,
    )));
}

#[test]
fn member_of_keeps_only_matching_instances() {
    expect![[r#"
        t=00:00:01.000 place t1 filter i-a: fits
        t=00:00:01.000 place t1 filter i-b: fits
        t=00:00:01.000 place t1 filter i-c: fits
        t=00:00:01.000 place t1 constraint memberOf(attribute:ecs.instance-type =~ t3.(medium|large) and not(attribute:stack exists)) removed=i-b,i-c
        t=00:00:01.000 place t1 strategy binpack(memory) ranking=i-a(2969 left) kept=i-a
        t=00:00:01.000 place t1 on i-a ports=49153
        t=00:00:01.000 place t2 filter i-a: fits
        t=00:00:01.000 place t2 filter i-b: fits
        t=00:00:01.000 place t2 filter i-c: fits
        t=00:00:01.000 place t2 constraint memberOf(attribute:ecs.instance-type =~ t3.(medium|large) and not(attribute:stack exists)) removed=i-b,i-c
        t=00:00:01.000 place t2 strategy binpack(memory) ranking=i-a(1945 left) kept=i-a
        t=00:00:01.000 place t2 on i-a ports=49154
    "#]].assert_eq(&placements(&run_task(
        r#"{ type = "binpack", field = "memory" }"#,
        r#"{ type = "memberOf", expression = "attribute:ecs.instance-type =~ t3.(medium|large) and not(attribute:stack exists)" }"#,
        2,
    )));
}

/// Three roomy instances, two revisions of `web`, one service and a timeline.
fn service(settings: &str, timeline: &str) -> String {
    format!(
        r#"duration = "3m"
[[instance]]
name = "i"
count = 3
type = "t3.large"
az = "us-east-1a"
[[task_definition]]
family = "web"
cpu = 256
memory = 512
[[task_definition.container]]
name = "app"
image = "web:1"
image_size_mb = 80
[[task_definition]]
family = "web"
cpu = 256
memory = 512
[[task_definition.container]]
name = "app"
image = "web:2"
image_size_mb = 80
[[service]]
name = "web"
task_definition = "web:1"
{settings}
{timeline}
"#
    )
}

/// Service events only: what the ECS console's Events tab would show.
fn events(src: &str) -> String {
    trace(src)
        .lines()
        .filter(|l| l.contains(" event: ") || l.contains("autoscaling"))
        .map(|l| format!("{l}\n"))
        .collect()
}

const DEPLOY_WEB2: &str =
    "[[timeline]]\nat = \"1m\"\naction = \"update_service\"\nservice = \"web\"\ntask_definition = \"web:2\"";

#[test]
fn rolling_deployment_desired_4_min_50_max_200_replaces_in_one_wave() {
    expect![[r#"
        t=00:00:00.000 service web event: (service web) has started 4 tasks: (task t1) (task t2) (task t3) (task t4).
        t=00:00:02.570 service web event: (service web) has reached a steady state.
        t=00:01:00.000 service web event: (service web) has started 4 tasks: (task t5) (task t6) (task t7) (task t8).
        t=00:01:00.000 service web event: (service web) has stopped 2 running tasks: (task t1) (task t2).
        t=00:01:01.570 service web event: (service web) has stopped 2 running tasks: (task t3) (task t4).
        t=00:01:02.570 service web event: (service web) has reached a steady state.
    "#]].assert_eq(&events(&service(
        "desired_count = 4\nminimum_healthy_percent = 50\nmaximum_percent = 200",
        DEPLOY_WEB2,
    )));
}

#[test]
fn rolling_deployment_desired_2_min_75_rounds_up_and_stops_nothing_first() {
    expect![[r#"
        t=00:00:00.000 service web event: (service web) has started 2 tasks: (task t1) (task t2).
        t=00:00:02.570 service web event: (service web) has reached a steady state.
        t=00:01:00.000 service web event: (service web) has started 2 tasks: (task t3) (task t4).
        t=00:01:01.570 service web event: (service web) has stopped 1 running tasks: (task t1).
        t=00:01:02.570 service web event: (service web) has stopped 1 running tasks: (task t2).
        t=00:01:03.570 service web event: (service web) has reached a steady state.
    "#]]
    .assert_eq(&events(&service(
        "desired_count = 2\nminimum_healthy_percent = 75\nmaximum_percent = 200",
        DEPLOY_WEB2,
    )));
}

#[test]
fn rolling_deployment_desired_3_max_125_rounds_down_and_is_stuck() {
    expect![[r#"
        t=00:00:00.000 service web event: (service web) has started 3 tasks: (task t1) (task t2) (task t3).
        t=00:00:02.570 service web event: (service web) has reached a steady state.
        t=00:01:00.000 service web event: (service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.
    "#]].assert_eq(&events(&service(
        "desired_count = 3\nminimum_healthy_percent = 100\nmaximum_percent = 125",
        DEPLOY_WEB2,
    )));
}

#[test]
fn a_terminated_instance_has_its_tasks_replaced_by_the_service() {
    let src = service(
        "desired_count = 3\nplacement_constraints = [{ type = \"distinctInstance\" }]",
        "[[timeline]]\nat = \"1m\"\naction = \"terminate_instance\"\ninstance = \"i-2\"\n\
         [[timeline]]\nat = \"2m\"\naction = \"register_instance\"\nname = \"i-4\"\ntype = \"t3.large\"\naz = \"us-east-1b\"",
    );
    expect![[r#"
        t=00:00:00.000 service web event: (service web) has started 3 tasks: (task t1) (task t2) (task t3).
        t=00:00:02.570 service web event: (service web) has reached a steady state.
        t=00:01:00.000 service web event: (service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance i-1) encountered error "DistinctInstance placement constraint unsatisfied". For more information, see the Troubleshooting section.
        t=00:02:00.000 service web event: (service web) has started 1 tasks: (task t4).
        t=00:02:02.570 service web event: (service web) has reached a steady state.
    "#]].assert_eq(&events(&src));
    let t = trace(&src);
    assert!(
        t.contains("stoppedReason=\"Host EC2 (instance i-2) terminated.\""),
        "{t}"
    );
}

#[test]
fn draining_moves_service_tasks_but_keeps_the_minimum_healthy() {
    expect![[r#"
        t=00:00:00.000 service web event: (service web) has started 2 tasks: (task t1) (task t2).
        t=00:00:02.570 service web event: (service web) has reached a steady state.
        t=00:01:00.000 service web event: (service web) has started 2 tasks: (task t3) (task t4).
        t=00:01:01.570 service web event: (service web) has stopped 1 running tasks: (task t1).
        t=00:01:02.570 service web event: (service web) has stopped 1 running tasks: (task t2).
        t=00:01:03.570 service web event: (service web) has reached a steady state.
    "#]]
    .assert_eq(&events(&service(
        "desired_count = 2\nplacement_strategy = [{ type = \"binpack\", field = \"memory\" }]",
        "[[timeline]]\nat = \"1m\"\naction = \"drain_instance\"\ninstance = \"i-1\"",
    )));
}

#[test]
fn unable_to_place_names_the_closest_instance() {
    expect![[r#"
        t=00:00:00.000 service web event: (service web) has started 24 tasks: (task t1) (task t2) (task t3) (task t4) (task t5) (task t6) (task t7) (task t8) (task t9) (task t10) (task t11) (task t12) (task t13) (task t14) (task t15) (task t16) (task t17) (task t18) (task t19) (task t20) (task t21) (task t22) (task t23) (task t24).
        t=00:00:00.000 service web event: (service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance i-1) has insufficient CPU units available. For more information, see the Troubleshooting section.
    "#]].assert_eq(&events(&service(
        "desired_count = 40\nplacement_strategy = [{ type = \"binpack\", field = \"memory\" }]",
        "",
    )));
}

#[test]
fn target_tracking_scales_out_on_cpu_and_in_after_the_cooldown() {
    let src = service(
        "desired_count = 2\nautoscaling = { target_cpu_percent = 50, min = 1, max = 6 }",
        "[[timeline]]\nat = \"30s\"\naction = \"set_load\"\nservice = \"web\"\ncpu_units = 400\n\
         [[timeline]]\nat = \"3m\"\naction = \"set_load\"\nservice = \"web\"\ncpu_units = 50\n",
    )
    .replace("duration = \"3m\"", "duration = \"10m\"");
    expect![[r#"
        t=00:00:00.000 service web event: (service web) has started 2 tasks: (task t1) (task t2).
        t=00:00:02.570 service web event: (service web) has reached a steady state.
        t=00:01:00.000 autoscaling web CPUUtilization=78% target=50% desiredCount 2 -> 4
        t=00:01:00.000 service web event: (service web) has started 2 tasks: (task t3) (task t4).
        t=00:01:01.570 service web event: (service web) has reached a steady state.
        t=00:03:00.000 autoscaling web CPUUtilization=5% target=50% desiredCount 4 -> 1
        t=00:03:00.000 service web event: (service web) has stopped 3 running tasks: (task t4) (task t3) (task t2).
        t=00:03:02.000 service web event: (service web) has reached a steady state.
    "#]].assert_eq(&events(&src));
}

#[test]
fn daemon_runs_one_task_per_instance_including_new_ones() {
    let src = service(
        "scheduling_strategy = \"DAEMON\"",
        "[[timeline]]\nat = \"1m\"\naction = \"register_instance\"\nname = \"i-9\"\ntype = \"t3.small\"\naz = \"us-east-1c\"",
    );
    expect![[r#"
        t=00:00:00.000 service web event: (service web) has started 3 tasks: (task t1) (task t2) (task t3).
        t=00:01:00.000 service web event: (service web) has started 1 tasks: (task t4).
    "#]]
    .assert_eq(&events(&src));
}

#[test]
fn fargate_tasks_skip_placement_and_are_billed_per_second() {
    let src = r#"duration = "5m"
[[task_definition]]
family = "job"
requires_compatibilities = "FARGATE"
cpu = 256
memory = 512
[[task_definition.container]]
name = "main"
image = "job:1"
image_size_mb = 200
exits_after = "20s"
[[task_definition]]
family = "big"
requires_compatibilities = "FARGATE"
cpu = 1024
memory = 1024
[[task_definition.container]]
name = "main"
image = "big:1"
[[timeline]]
at = "0s"
action = "run_task"
task_definition = "job"
launch_type = "FARGATE"
placement_strategy = [{ type = "binpack", field = "memory" }]
"#;
    check(
        src,
        expect![[r#"
            t=00:00:00.000 taskdef job:1 registered compatibility=FARGATE cpu=256 memory=512MiB
            t=00:00:00.000 taskdef big rejected: An error occurred (ClientException) when calling the RegisterTaskDefinition operation: No Fargate configuration exists for given values: 1024 CPU, 1024 memory. See the Amazon ECS documentation for the valid values.
            t=00:00:00.000 place t1 on FARGATE cpu=256 memory=512MiB platform=1.4.0 (placement strategies and constraints are not supported for the Fargate launch type)
            t=00:00:00.000 task t1 created PROVISIONING desiredStatus=RUNNING
            t=00:00:15.000 task t1 PROVISIONING -> PENDING
            t=00:00:18.070 task t1 PENDING -> ACTIVATING
            t=00:00:19.070 task t1 ACTIVATING -> RUNNING
            t=00:00:39.070 task t1 RUNNING -> DEACTIVATING desiredStatus=STOPPED
            t=00:00:40.070 task t1 DEACTIVATING -> STOPPING
            t=00:00:41.070 task t1 STOPPING -> DEPROVISIONING
            t=00:00:43.070 task t1 DEPROVISIONING -> STOPPED stoppedReason="Essential container in task exited (exit code 0)"
            t=00:00:43.070 billing t1 fargate seconds=60 usd=0.000206
            ---
            task t1 job:1 FARGATE on - last=STOPPED desired=Stopped path=PROVISIONING>PENDING>ACTIVATING>RUNNING>DEACTIVATING>STOPPING>DEPROVISIONING>STOPPED
        "#]],
    );
}

mod properties {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use crate::ecs::catalog::{Arch, CATALOG};
    use crate::ecs::fargate::Os;
    use crate::ecs::model::{
        Action, DesiredStatus, Ecs, Event, Explain, InstanceSpec, SchedulingStrategy, ServiceSpec, TaskId,
        TaskStatus, Timing,
    };
    use crate::ecs::placement::{BinpackField, Constraint, Needs, Node, Pool, SpreadField};
    use crate::ecs::query;
    use crate::ecs::taskdef::{ContainerDef, LaunchType, NetworkMode, PortMapping, TaskDef};
    use crate::sim::{Engine, Rng, SimDuration, SimTime};

    fn def(family: &str, cpu: u32, memory: u32, port: Option<u16>) -> TaskDef {
        TaskDef {
            family: family.into(),
            revision: 0,
            compatibility: LaunchType::Ec2,
            network_mode: NetworkMode::Bridge,
            cpu: Some(cpu),
            memory: Some(memory),
            containers: vec![ContainerDef {
                name: "c".into(),
                image: format!("{family}:1"),
                cpu: 0,
                memory: None,
                memory_reservation: None,
                port_mappings: vec![PortMapping {
                    container_port: 80,
                    host_port: port,
                }],
                essential: true,
                image_size_mb: 10,
                exits_after: None,
                exit_code: 0,
                mount_points: vec![],
                uses_memory: None,
                ignores_sigterm: false,
                stop_timeout: 30,
            }],
            os: Os::Linux,
            arch: Arch::X86_64,
            platform_version: "LATEST".into(),
            ephemeral_storage_gib: None,
            volumes: vec![],
        }
    }

    fn strategies() -> impl proptest::strategy::Strategy<Value = Vec<crate::ecs::placement::Strategy>> {
        let one = prop_oneof![
            Just(crate::ecs::placement::Strategy::Binpack(BinpackField::Memory)),
            Just(crate::ecs::placement::Strategy::Binpack(BinpackField::Cpu)),
            Just(crate::ecs::placement::Strategy::Spread(SpreadField::InstanceId)),
            Just(crate::ecs::placement::Strategy::Spread(SpreadField::Attribute(
                "ecs.availability-zone".into()
            ))),
            Just(crate::ecs::placement::Strategy::Random),
        ];
        proptest::collection::vec(one, 0..3)
    }

    fn constraints(distinct: bool, member_of: bool) -> Vec<Constraint> {
        let mut c = vec![];
        if distinct {
            c.push(Constraint::DistinctInstance);
        }
        if member_of {
            let e = "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]";
            c.push(Constraint::MemberOf {
                expression: e.into(),
                expr: query::parse(e).expect("valid"),
            });
        }
        c
    }

    /// (instance type index, zone index) per instance.
    fn instances() -> impl proptest::strategy::Strategy<Value = Vec<(usize, u8)>> {
        proptest::collection::vec((0..CATALOG.len(), 0u8..3), 1..7)
    }

    fn engine(instances: &[(usize, u8)], seed: u64) -> Engine<Ecs> {
        let mut e = Engine::new(
            Ecs::new(Explain::Summary, Timing::default(), SimTime::from_secs(3600)),
            seed,
        );
        for (k, (ty, az)) in instances.iter().enumerate() {
            let spec = InstanceSpec {
                name: format!("i-{k}"),
                cluster: "default".into(),
                instance_type: &CATALOG[*ty],
                az: format!("us-east-1{}", (b'a' + az) as char),
                attributes: BTreeMap::new(),
                reserved_memory: 0,
            };
            e.schedule_at(SimTime::ZERO, Event::Act(Action::RegisterInstance(spec)));
        }
        e
    }

    /// No instance holds more CPU, memory or host ports than it has, and the pool's bookkeeping
    /// equals the sum of the live tasks' reservations.
    fn assert_not_overcommitted(ecs: &Ecs) {
        for pool in ecs.pools().values() {
            for (i, n) in pool.nodes().iter().enumerate() {
                let live: Vec<_> = ecs
                    .tasks()
                    .iter()
                    .filter_map(|t| t.reservation())
                    .filter(|r| r.node == i as u32)
                    .collect();
                let cpu: u32 = live.iter().map(|r| r.cpu).sum();
                let mem: u32 = live.iter().map(|r| r.memory).sum();
                assert!(
                    cpu <= n.cpu_total && mem <= n.memory_total,
                    "{} over-committed",
                    n.name
                );
                assert_eq!(
                    (n.cpu_total - n.cpu_free, n.memory_total - n.memory_free),
                    (cpu, mem),
                    "{}",
                    n.name
                );
                let mut ports: Vec<u16> = live.iter().flat_map(|r| r.ports.iter().copied()).collect();
                let count = ports.len();
                ports.sort_unstable();
                ports.dedup();
                assert_eq!(ports.len(), count, "{} has a host port twice", n.name);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn placement_never_overcommits_and_respects_distinct_instance(
            instances in instances(),
            runs in proptest::collection::vec(
                (0u32..2048, 64u32..4096, prop_oneof![Just(None), Just(Some(0u16)), Just(Some(80u16))],
                 1u32..6, strategies(), any::<bool>(), any::<bool>()),
                1..8),
            stops in proptest::collection::vec(0u32..40, 0..10),
            seed in any::<u64>(),
        ) {
            let mut e = engine(&instances, seed);
            for (k, (cpu, mem, port, count, strategies, distinct, member_of)) in runs.iter().enumerate() {
                let family = format!("f{k}");
                let t = SimTime::from_secs(k as u64);
                e.schedule_at(t, Event::Act(Action::RegisterTaskDefinition(def(&family, *cpu, *mem, *port))));
                e.schedule_at(t, Event::Act(Action::RunTask {
                    cluster: "default".into(),
                    task_definition: family,
                    count: *count,
                    launch_type: LaunchType::Ec2,
                    constraints: constraints(*distinct, *member_of),
                    strategies: strategies.clone(),
                }));
            }
            for (k, id) in stops.iter().enumerate() {
                e.schedule_at(SimTime::from_secs(3 + k as u64), Event::Act(Action::StopTask { task: TaskId(*id) }));
            }
            while e.step().is_some() {
                assert_not_overcommitted(e.model());
            }
            let ecs = e.model();
            for (k, (.., distinct, _)) in runs.iter().enumerate() {
                if !*distinct { continue; }
                let group = format!("family:f{k}");
                let mut on: Vec<&str> = ecs.tasks().iter()
                    .filter(|t| t.group == group && t.last_status != TaskStatus::Stopped)
                    .filter_map(|t| t.instance.as_deref()).collect();
                let n = on.len();
                on.sort_unstable();
                on.dedup();
                prop_assert_eq!(on.len(), n, "two tasks of {} on one instance", group);
            }
            for t in ecs.tasks() {
                prop_assert!(TaskStatus::is_valid_path(&t.history), "{} {:?}", t.id, t.history);
                if t.desired_status == DesiredStatus::Stopped {
                    prop_assert_eq!(t.last_status, TaskStatus::Stopped);
                }
            }
        }

        #[test]
        fn a_service_reaches_its_desired_count_whenever_capacity_exists(
            instances in instances(),
            desired in 0u32..12,
            cpu in 0u32..1024,
            mem in 64u32..1024,
            strategies in strategies(),
            seed in any::<u64>(),
        ) {
            // Capacity "exists" when a greedy first-fit would hold every task; with equal tasks
            // every strategy then fits them, since any instance that fits one fits it.
            let fits: u32 = instances.iter().map(|(ty, _)| {
                let t = &CATALOG[*ty];
                let by_cpu = t.cpu_units().checked_div(cpu).unwrap_or(u32::MAX);
                by_cpu.min(t.registered_memory_mib(0) / mem)
            }).sum();
            prop_assume!(fits >= desired);
            let mut e = engine(&instances, seed);
            e.schedule_at(SimTime::ZERO, Event::Act(Action::RegisterTaskDefinition(def("web", cpu, mem, Some(0)))));
            e.schedule_at(SimTime::ZERO, Event::Act(Action::CreateService(ServiceSpec {
                name: "web".into(),
                cluster: "default".into(),
                task_definition: "web".into(),
                desired_count: desired,
                launch_type: LaunchType::Ec2,
                scheduling: SchedulingStrategy::Replica,
                minimum_healthy_percent: 100,
                maximum_percent: 200,
                constraints: vec![],
                strategies,
                autoscaling: None,
            })));
            e.run_until(SimTime::ZERO + SimDuration::from_mins(5));
            let row = &e.model().snapshot().services[0];
            prop_assert_eq!(row.running, desired);
        }

        #[test]
        fn the_fast_binpack_path_chooses_what_the_explained_path_chooses(
            nodes in proptest::collection::vec((0u32..4096, 0u32..8192, 0u8..3), 1..40),
            needs_cpu in 0u32..1024,
            needs_mem in 0u32..2048,
            memory_first in any::<bool>(),
            then in strategies(),
            member_of in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let mut pool = Pool::new();
            for (k, (cpu, mem, az)) in nodes.iter().enumerate() {
                let attrs = [("ecs.availability-zone".to_string(), format!("us-east-1{}", (b'a' + az) as char))]
                    .into_iter().collect();
                pool.add(Node::new(format!("i-{k}"), attrs, *cpu, *mem));
            }
            let field = if memory_first { BinpackField::Memory } else { BinpackField::Cpu };
            let mut s = vec![crate::ecs::placement::Strategy::Binpack(field)];
            s.extend(then);
            let needs = Needs { cpu: needs_cpu, memory: needs_mem, host_ports: vec![], dynamic_ports: 0, group: "g".into() };
            let c = constraints(false, member_of);
            let slow = pool.place(&needs, &c, &s, &mut Rng::seed_from_u64(seed), true);
            let fast = pool.place(&needs, &c, &s, &mut Rng::seed_from_u64(seed), false);
            prop_assert_eq!(slow.chosen, fast.chosen);
            prop_assert_eq!(slow.failure, fast.failure);
        }
    }
}

#[test]
fn scenario_errors_name_the_place_and_the_fix() {
    let errs = |src: &str| -> String {
        match scenario::parse("s.toml", src) {
            Ok(_) => "ok\n".into(),
            Err(d) => crate::diag::render_all(&d),
        }
    };
    let cases = [
        "[[instance]]\nname = \"i-a\"\ntype = \"t3.medium\"\naz = \"a\"\ncolour = \"red\"\n",
        "[[instance]]\nname = \"i-a\"\ntype = \"t9.huge\"\naz = \"a\"\n",
        "[[service]]\nname = \"s\"\ntask_definition = \"web\"\n\
         placement_constraints = [{ type = \"memberOf\", expression = \"attribute:x === y\" }]\n",
        "[[service]]\nname = \"s\"\ntask_definition = \"web\"\nplacement_strategy = [{ type = \"pack\" }]\n",
        "[[timeline]]\nat = \"1m\"\naction = \"launch_rocket\"\n",
        "[[timeline]]\nat = \"1 fortnight\"\naction = \"drain_instance\"\ninstance = \"i-a\"\n",
        "[[timeline]]\nat = \"1m\"\naction = \"update_service\"\nservice = \"nope\"\ndesired_count = 1\n",
        "[[timeline]]\nat = \"1m\"\naction = \"drain_instance\"\ninstance = \"i-a\"\nforce = true\n",
        "[[timeline]]\nat = \"1m\"\naction = \"run_task\"\ntask_definition = \"web\"\ncount = 11\n",
        "[[instance]]\nname = \"i\"\ntype = \"t3.small\"\naz = \"a\"\ncount = 100000\n",
        "[[service]]\nname = \"s\"\ntask_definition = \"web\"\nautoscaling = { target_cpu_percent = 50, min = 5, max = 2 }\n",
        "[[timeline]]\nat = \"1000000000h\"\naction = \"drain_instance\"\ninstance = \"i-a\"\n",
    ];
    let out: String = cases.iter().map(|c| errs(c)).collect();
    expect![[r#"
        s.toml:5:1: error: unknown key "colour" in [[instance]] (expected one of: name, cluster, type, az, attributes, reserved_memory, count)
        s.toml:3:8: error: unknown instance type "t9.huge" (expected one of: t3.micro, t3.small, t3.medium, t3.large, t4g.small, t4g.medium, m4.large, m5.large, m5.xlarge, m6g.large, m6i.large, c5.large, c6g.large, r5.large)
        s.toml:4:77: error: invalid cluster query at character 17: unexpected "y"
        s.toml:4:32: error: unknown strategy type "pack" (expected one of: binpack, spread, random)
        s.toml:3:10: error: unknown action "launch_rocket" (expected one of: run_task, update_service, stop_task, drain_instance, terminate_instance, register_instance, push_image, expire_images, set_load)
        s.toml:2:6: error: invalid duration "1 fortnight": unknown unit "fortnight" (expected one of: ms, s, m, h, as in 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
        s.toml:4:11: error: unknown service "nope" (no [[service]] is declared; add one or fix the name)
        s.toml:5:1: error: unknown key "force" in [[timeline]] (action "drain_instance") (expected one of: action, at, instance)
        s.toml:5:9: error: count must be 1–10 (RunTask starts at most 10 tasks per call), not 11
        s.toml:5:9: error: count must be 1–5,000 (container instances per cluster), not 100000
        s.toml:4:15: error: autoscaling needs min <= max and a target_cpu_percent above 0
        s.toml:2:6: error: invalid duration "1000000000h": longer than 100 years
    "#]].assert_eq(&out);
}

/// A scenario with three mistakes gets three diagnostics, each at its place with the fix.
#[test]
fn a_scenario_with_three_mistakes_reports_all_three() {
    let src = r#"[[instance]]
name = "i-a"
type = "t3.mediun"
az = "us-east-1a"

[[service]]
name = "web"
task_definition = "web"
desired_cont = 2

[[timeline]]
at = "90 sec"
action = "drain_instance"
instance = "i-a"
"#;
    let d = scenario::parse("web.toml", src).expect_err("three mistakes");
    expect![[r#"
        web.toml:3:8: error: unknown instance type "t3.mediun" (did you mean "t3.medium"? expected one of: t3.micro, t3.small, t3.medium, t3.large, t4g.small, t4g.medium, m4.large, m5.large, m5.xlarge, m6g.large, m6i.large, c5.large, c6g.large, r5.large)
        web.toml:9:1: error: unknown key "desired_cont" in [[service]]: did you mean "desired_count"? (expected one of: name, cluster, task_definition, desired_count, launch_type, scheduling_strategy, minimum_healthy_percent, maximum_percent, placement_constraints, placement_strategy, autoscaling)
        web.toml:12:6: error: invalid duration "90 sec": unknown unit "sec" (expected one of: ms, s, m, h, as in 500ms, 30s, 1.5m, 2h, or a bare number of seconds)
    "#]].assert_eq(&crate::diag::render_all(&d));
}

/// The JSON Schema in the book lists exactly the keys the parser accepts, table by table: each
/// fixture adds a key `zzz` and the parser's "expected one of" list is compared with the schema.
#[test]
fn the_book_schema_matches_the_parser() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../book/reference/scenario.schema.json")).expect("valid JSON");
    let defs = &schema["$defs"];
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .expect("an object schema")
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    let expected = |src: &str| -> Vec<String> {
        let d = scenario::parse("s.toml", src).expect_err("zzz is unknown");
        let msg = &d
            .iter()
            .find(|d| d.message.starts_with("unknown key \"zzz\""))
            .unwrap_or_else(|| panic!("{}", crate::diag::render_all(&d)))
            .message;
        let list = msg
            .split("expected one of: ")
            .nth(1)
            .unwrap_or_else(|| panic!("{msg}"));
        let mut k: Vec<String> = list
            .trim_end_matches(')')
            .split(", ")
            .map(str::to_string)
            .collect();
        k.sort();
        k
    };
    let td = "[[task_definition]]\nfamily = \"a\"\n";
    let cases: Vec<(&str, &serde_json::Value, String)> = vec![
        ("top", &schema, "zzz = 1\n".into()),
        ("instance", &defs["instance"], "[[instance]]\nzzz = 1\n".into()),
        (
            "task_definition",
            &defs["task_definition"],
            format!("{td}zzz = 1\n"),
        ),
        (
            "container",
            &defs["container"],
            format!("{td}[[task_definition.container]]\nzzz = 1\n"),
        ),
        ("service", &defs["service"], "[[service]]\nzzz = 1\n".into()),
        (
            "constraint",
            &defs["constraint"],
            "[[service]]\nplacement_constraints = [{ zzz = 1 }]\n".into(),
        ),
        (
            "strategy",
            &defs["strategy"],
            "[[service]]\nplacement_strategy = [{ zzz = 1 }]\n".into(),
        ),
        (
            "autoscaling",
            &defs["service"]["properties"]["autoscaling"],
            "[[service]]\nautoscaling = { zzz = 1 }\n".into(),
        ),
        (
            "repository",
            &defs["repository"],
            "[[repository]]\nzzz = 1\n".into(),
        ),
        (
            "lifecycle_rule",
            &defs["lifecycle_rule"],
            "[[repository]]\nlifecycle = [{ zzz = 1 }]\n".into(),
        ),
        ("image", &defs["image"], "[[image]]\nzzz = 1\n".into()),
        (
            "volume",
            &defs["volume"],
            format!("{td}[[task_definition.volume]]\nzzz = 1\n"),
        ),
        (
            "mount_point",
            &defs["container"]["properties"]["mount_points"]["items"],
            format!("{td}[[task_definition.container]]\nmount_points = [{{ zzz = 1 }}]\n"),
        ),
    ];
    for (name, def, src) in cases {
        assert_eq!(keys(def), expected(&src), "{name}");
    }
    for step in defs["timeline_step"]["oneOf"].as_array().expect("a list") {
        let action = step["properties"]["action"]["const"]
            .as_str()
            .expect("a const action");
        let want = keys(step);
        let got = expected(&format!("[[timeline]]\nat = 0\naction = \"{action}\"\nzzz = 1\n"));
        assert_eq!(want, got, "{action}");
    }
}

#[test]
fn images_pushed_to_the_registry_are_pulled_layer_by_layer() {
    let src = r#"duration = "3m"
[[instance]]
name = "i-a"
type = "t3.large"
az = "us-east-1a"
[[repository]]
name = "web"
tag_mutability = "IMMUTABLE"
lifecycle = [{ priority = 1, tag_status = "untagged", count_type = "image_count_more_than", count = 0 }]
[[image]]
tag = "web:1"
build = """
FROM node:20-alpine
COPY . /app 8MB
"""
[[image]]
tag = "web:2"
build = """
FROM node:20-alpine
COPY . /app 9MB
"""
[[task_definition]]
family = "web"
cpu = 256
memory = 512
[[task_definition.container]]
name = "app"
image = "web:v1"
[[task_definition]]
family = "web"
cpu = 256
memory = 512
[[task_definition.container]]
name = "app"
image = "web:v2"
[[timeline]]
at = "0s"
action = "push_image"
image = "web:1"
repository = "web"
tag = "v1"
[[timeline]]
at = "1s"
action = "run_task"
task_definition = "web:1"
[[timeline]]
at = "30s"
action = "push_image"
image = "web:2"
repository = "web"
tag = "v1"
[[timeline]]
at = "31s"
action = "run_task"
task_definition = "web:2"
[[timeline]]
at = "40s"
action = "push_image"
image = "web:2"
repository = "web"
tag = "v2"
[[timeline]]
at = "41s"
action = "run_task"
task_definition = "web:2"
"#;
    let t = trace(src);
    let lines: String = t
        .lines()
        .filter(|l| {
            ["image ", "push ", " pull ", "rejected", "CannotPull"]
                .iter()
                .any(|k| l.contains(k))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    expect![[r#"
        t=00:00:00.000 image web:1 built digest=sha256:b08d0319296d8e96ecd33b43f7426d870f6abe3fc3a8871a96199522c6b9279a layers=5 bytes=52700450
        t=00:00:00.000 image web:2 built digest=sha256:fbc1819fa9cdc0ab8d5255e564c43ec0c53d51251acbec084c483ceb2a10c7b7 layers=5 bytes=53700450
        t=00:00:00.000 push web:1 -> 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1 digest=sha256:b08d0319296d8e96ecd33b43f7426d870f6abe3fc3a8871a96199522c6b9279a layers moved=5 already there=0 bytes=52700450
        t=00:00:01.000 task t1 pull web:v1 digest=sha256:b08d0319296d8e96ecd33b43f7426d870f6abe3fc3a8871a96199522c6b9279a layers moved=5 already there=0 bytes=52700450
        t=00:00:30.000 docker push rejected: ImageTagAlreadyExistsException: The image tag 'v1' already exists in the 'web' repository and cannot be overwritten because the repository is immutable.
        t=00:00:33.000 task t2 DEPROVISIONING -> STOPPED stoppedReason="CannotPullContainerError: Error response from daemon: manifest for 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2 not found: manifest unknown: Requested image not found"
        t=00:00:40.000 push web:2 -> 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2 digest=sha256:fbc1819fa9cdc0ab8d5255e564c43ec0c53d51251acbec084c483ceb2a10c7b7 layers moved=1 already there=4 bytes=9000000
        t=00:00:41.000 task t3 pull web:v2 digest=sha256:fbc1819fa9cdc0ab8d5255e564c43ec0c53d51251acbec084c483ceb2a10c7b7 layers moved=1 already there=4 bytes=9000000
    "#]].assert_eq(&lines);
}

mod robustness {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use crate::ecs::image::{ImageStore, build};
    use crate::ecs::{query, scenario};

    fn query_token() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just("attribute:ecs.instance-type"),
            Just("task:group"),
            Just("runningTasksCount"),
            Just("=="),
            Just("!="),
            Just(">="),
            Just("in"),
            Just("!in"),
            Just("=~"),
            Just("!~"),
            Just("exists"),
            Just("["),
            Just("]"),
            Just(","),
            Just("("),
            Just(")"),
            Just("and"),
            Just("||"),
            Just("not"),
            Just("!"),
            Just("t3.*"),
            Just("[a-"),
            Just("'q"),
            Just("2"),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// A stand-in for the fuzz targets when no nightly toolchain is at hand.
        #[test]
        fn parsers_never_panic_on_noise(text in "\\PC{0,160}") {
            let _ = scenario::parse("f.toml", &text);
            let _ = crate::services::batch::parse("f.toml", &text);
            let _ = query::parse(&text);
        }

        #[test]
        fn the_query_parser_never_panics_on_query_like_input(tokens in proptest::collection::vec(query_token(), 0..12)) {
            let text = tokens.join(" ");
            if let Ok(e) = query::parse(&text) {
                let attributes: BTreeMap<String, String> = BTreeMap::new();
                let groups: BTreeMap<String, u32> = BTreeMap::new();
                let t = query::QueryTarget {
                    instance_id: "i",
                    attributes: &attributes,
                    running_tasks_count: 0,
                    task_groups: &groups,
                    agent_connected: true,
                };
                let _ = e.eval(&t);
            }
        }

        /// Same spec, same digests; a save/load round trip keeps them.
        #[test]
        fn image_digests_are_stable(steps in proptest::collection::vec((0usize..3, 1u64..100_000), 0..6)) {
            let mut spec = String::from("FROM alpine:3.19\n");
            for (kind, size) in &steps {
                spec += &format!("{} step-{size} {size}KB\n", ["COPY", "RUN", "ADD"][*kind]);
            }
            let store = ImageStore::new();
            let a = build(&spec, &store).expect("valid spec");
            let b = build(&spec, &store).expect("valid spec");
            prop_assert_eq!(a.digest(), b.digest());
            let mut s = ImageStore::new();
            s.insert("x:1", a.clone());
            let mut other = ImageStore::new();
            other.load(&s.save(&["x:1"]).expect("present"));
            prop_assert_eq!(other.get("x:1").map(|i| i.digest()), Some(a.digest()));
        }
    }
}

#[test]
fn volumes_are_checked_at_registration() {
    let def = |family: &str, compat: &str, volume: &str, mount: &str| {
        format!(
            "[[task_definition]]\nfamily = \"{family}\"\nrequires_compatibilities = \"{compat}\"\ncpu = 256\nmemory = 512\n\
             [[task_definition.volume]]\n{volume}\n[[task_definition.container]]\nname = \"app\"\nimage = \"a:1\"\n\
             mount_points = [{{ source_volume = \"{mount}\", container_path = \"/data\" }}]\n"
        )
    };
    let src = [
        def("ec2", "EC2", "name = \"data\"\nhost_path = \"/ecs/data\"", "data"),
        def("scratch", "FARGATE", "name = \"scratch\"", "scratch"),
        def("typo", "EC2", "name = \"data\"", "dta"),
        def(
            "hostpath",
            "FARGATE",
            "name = \"data\"\nhost_path = \"/ecs/data\"",
            "data",
        ),
    ]
    .concat();
    expect![[r#"
        t=00:00:00.000 taskdef ec2:1 registered compatibility=EC2 cpu=256 memory=512MiB volumes=data=/ecs/data
        t=00:00:00.000 taskdef scratch:1 registered compatibility=FARGATE cpu=256 memory=512MiB volumes=scratch
        t=00:00:00.000 taskdef typo rejected: An error occurred (ClientException) when calling the RegisterTaskDefinition operation: Invalid 'mountPoints' setting for container 'app': volume 'dta' is not declared in the task definition's volumes.
        t=00:00:00.000 taskdef hostpath rejected: An error occurred (ClientException) when calling the RegisterTaskDefinition operation: Fargate compatible task definitions do not support sourcePath
        ---
    "#]].assert_eq(&trace(&src));
}

#[test]
fn a_container_over_its_hard_limit_is_oom_killed_and_the_service_replaces_it() {
    let src = r#"duration = "40s"
[[instance]]
name = "i-a"
type = "t3.medium"
az = "us-east-1a"
[[task_definition]]
family = "leaky"
[[task_definition.container]]
name = "app"
image = "leaky:1"
image_size_mb = 0
memory = 256
memory_reservation = 128
uses_memory = 300
[[service]]
name = "leaky"
task_definition = "leaky"
desired_count = 1
"#;
    let t = trace(src);
    let lines: String = t
        .lines()
        .filter(|l| l.contains("STOPPED") || l.contains("event:"))
        .map(|l| format!("{l}\n"))
        .collect();
    expect![[r#"
        t=00:00:00.000 service leaky event: (service leaky) has started 1 tasks: (task t1).
        t=00:00:01.570 service leaky event: (service leaky) has reached a steady state.
        t=00:00:06.570 task t1 RUNNING -> DEACTIVATING desiredStatus=STOPPED
        t=00:00:08.570 task t1 DEPROVISIONING -> STOPPED stoppedReason="OutOfMemoryError: Container killed due to memory usage"
        t=00:00:08.570 service leaky event: (service leaky) has started 1 tasks: (task t2).
        t=00:00:15.140 task t2 RUNNING -> DEACTIVATING desiredStatus=STOPPED
        t=00:00:17.140 task t2 DEPROVISIONING -> STOPPED stoppedReason="OutOfMemoryError: Container killed due to memory usage"
        t=00:00:17.140 service leaky event: (service leaky) has started 1 tasks: (task t3).
        t=00:00:23.710 task t3 RUNNING -> DEACTIVATING desiredStatus=STOPPED
        t=00:00:25.710 task t3 DEPROVISIONING -> STOPPED stoppedReason="OutOfMemoryError: Container killed due to memory usage"
        t=00:00:25.710 service leaky event: (service leaky) has started 1 tasks: (task t4).
        t=00:00:32.280 task t4 RUNNING -> DEACTIVATING desiredStatus=STOPPED
        t=00:00:34.280 task t4 DEPROVISIONING -> STOPPED stoppedReason="OutOfMemoryError: Container killed due to memory usage"
        t=00:00:34.280 service leaky event: (service leaky) has started 1 tasks: (task t5).
        task t1 leaky:1 EC2 on i-a last=STOPPED desired=Stopped path=PROVISIONING>PENDING>ACTIVATING>RUNNING>DEACTIVATING>STOPPING>DEPROVISIONING>STOPPED
        task t2 leaky:1 EC2 on i-a last=STOPPED desired=Stopped path=PROVISIONING>PENDING>ACTIVATING>RUNNING>DEACTIVATING>STOPPING>DEPROVISIONING>STOPPED
        task t3 leaky:1 EC2 on i-a last=STOPPED desired=Stopped path=PROVISIONING>PENDING>ACTIVATING>RUNNING>DEACTIVATING>STOPPING>DEPROVISIONING>STOPPED
        task t4 leaky:1 EC2 on i-a last=STOPPED desired=Stopped path=PROVISIONING>PENDING>ACTIVATING>RUNNING>DEACTIVATING>STOPPING>DEPROVISIONING>STOPPED
    "#]].assert_eq(&lines);
}

/// Every TOML example in the scenario-file reference parses, and the complete one runs to a
/// finished rolling deployment, so the page cannot drift from the parser.
#[test]
fn the_reference_page_examples_parse_and_run() {
    let page = include_str!("../../book/reference/scenario-file.md");
    let blocks: Vec<&str> = page
        .split("```toml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert!(blocks.len() >= 2, "the page lost its examples");
    for b in &blocks {
        if let Err(d) = scenario::parse("scenario-file.md", b) {
            panic!("{}\n{b}", crate::diag::render_all(&d));
        }
    }
    let complete = blocks
        .iter()
        .find(|b| b.starts_with("seed"))
        .expect("the complete example");
    let events = events(complete);
    assert!(events.contains("has reached a steady state"), "{events}");
    assert!(
        events
            .lines()
            .any(|l| l.contains("00:01:") && l.contains("has started 4 tasks")),
        "{events}"
    );
}

#[test]
fn stopping_waits_for_sigkill_when_the_process_ignores_sigterm() {
    let src = |ignores: bool| {
        format!(
            "duration = \"2m\"\n[[instance]]\nname = \"i\"\ntype = \"t3.small\"\naz = \"a\"\n\
             [[task_definition]]\nfamily = \"w\"\n[[task_definition.container]]\nname = \"app\"\nimage = \"w:1\"\n\
             memory = 128\nignores_sigterm = {ignores}\nstop_timeout = 10\n\
             [[timeline]]\nat = \"0s\"\naction = \"run_task\"\ntask_definition = \"w\"\n\
             [[timeline]]\nat = \"1m\"\naction = \"stop_task\"\ntask = \"t1\"\n"
        )
    };
    let stopping = |ignores| -> String {
        trace(&src(ignores))
            .lines()
            .filter(|l| l.contains("STOPPING"))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    expect![[r#"
        t=00:01:01.000 task t1 DEACTIVATING -> STOPPING
        t=00:01:02.000 task t1 STOPPING -> DEPROVISIONING
        task t1 w:1 EC2 on i last=STOPPED desired=Stopped path=PROVISIONING>PENDING>ACTIVATING>RUNNING>DEACTIVATING>STOPPING>DEPROVISIONING>STOPPED
        t=00:01:01.000 task t1 DEACTIVATING -> STOPPING
        t=00:01:11.000 task t1 STOPPING -> DEPROVISIONING
        task t1 w:1 EC2 on i last=STOPPED desired=Stopped path=PROVISIONING>PENDING>ACTIVATING>RUNNING>DEACTIVATING>STOPPING>DEPROVISIONING>STOPPED
    "#]].assert_eq(&format!("{}{}", stopping(false), stopping(true)));
}
