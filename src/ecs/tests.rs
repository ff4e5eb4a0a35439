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
