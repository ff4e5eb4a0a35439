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
            t=00:00:01.000 task t1 created PROVISIONING
            t=00:00:01.000 place t2 filter i-a: fits
            t=00:00:01.000 place t2 filter i-b: fits
            t=00:00:01.000 place t2 filter i-c: insufficient memory (needs 1024 MiB, 972 MiB available)
            t=00:00:01.000 place t2 strategy binpack(memory) ranking=i-a(2969 left) i-b(6963 left) kept=i-a
            t=00:00:01.000 place t2 on i-a ports=49153
            t=00:00:01.000 task t2 created PROVISIONING
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
        t=00:01:02.570 service web event: (service web) has stopped 2 running tasks: (task t3) (task t4).
        t=00:01:04.570 service web event: (service web) has reached a steady state.
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
        t=00:01:02.570 service web event: (service web) has stopped 2 running tasks: (task t1) (task t2).
        t=00:01:04.570 service web event: (service web) has reached a steady state.
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
        t=00:01:02.570 service web event: (service web) has stopped 2 running tasks: (task t1) (task t2).
        t=00:01:04.570 service web event: (service web) has reached a steady state.
    "#]]
    .assert_eq(&events(&service(
        "desired_count = 2\nplacement_strategy = [{ type = \"binpack\", field = \"memory\" }]",
        "[[timeline]]\nat = \"1m\"\naction = \"drain_instance\"\ninstance = \"i-1\"",
    )));
}

#[test]
fn unable_to_place_names_the_closest_instance() {
    expect![[r#"
        t=00:00:00.000 service web event: (service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance i-1) has insufficient CPU units available. For more information, see the Troubleshooting section.
        t=00:00:00.000 service web event: (service web) has started 24 tasks: (task t1) (task t2) (task t3) (task t4) (task t5) (task t6) (task t7) (task t8) (task t9) (task t10) (task t11) (task t12) (task t13) (task t14) (task t15) (task t16) (task t17) (task t18) (task t19) (task t20) (task t21) (task t22) (task t23) (task t24).
        t=00:00:02.570 service web event: (service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance i-1) has insufficient CPU units available. For more information, see the Troubleshooting section.
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
        t=00:00:00.000 task t1 created PROVISIONING
        t=00:00:15.000 task t1 PROVISIONING -> PENDING
        t=00:00:18.070 task t1 PENDING -> ACTIVATING
        t=00:00:19.070 task t1 ACTIVATING -> RUNNING
        t=00:00:39.070 task t1 RUNNING -> DEACTIVATING
        t=00:00:40.070 task t1 DEACTIVATING -> STOPPING
        t=00:00:41.070 task t1 STOPPING -> DEPROVISIONING
        t=00:00:43.070 task t1 DEPROVISIONING -> STOPPED stoppedReason="Essential container in task exited (exit code 0)"
        t=00:00:43.070 billing t1 fargate seconds=60 usd=0.000206
        ---
        task t1 job:1 FARGATE on - last=STOPPED desired=Stopped path=PROVISIONING>PENDING>ACTIVATING>RUNNING>DEACTIVATING>STOPPING>DEPROVISIONING>STOPPED
    "#]],
    );
}
