//! Tests of the container labs (issue #11): the block's container cells and their diagnostics,
//! each runner's output, each goal check passing and failing with its reason, determinism, and
//! the scenario form.

use super::*;

/// Three t3.large instances in three zones and a small one; a 3 GiB task and a service.
const CLUSTER: &str = r#"[[instance]]
name = "i-a"
type = "t3.large"
az = "us-east-1a"
[[instance]]
name = "i-b"
type = "t3.large"
az = "us-east-1b"
[[instance]]
name = "i-c"
type = "t3.large"
az = "us-east-1c"
[[instance]]
name = "i-x"
type = "t3.small"
az = "us-east-1c"

[[task_definition]]
family = "web"
[[task_definition.container]]
name = "app"
image = "web:1"
cpu = 256
memory = 2048

[[task_definition]]
family = "web"
[[task_definition.container]]
name = "app"
image = "web:2"
cpu = 256
memory = 2048

[[service]]
name = "web"
task_definition = "web:1"
desired_count = 3
"#;

/// A lab block around cells and goals (TOML text after `[[cells]]` tables).
fn lab(body: &str) -> String {
    format!("id = \"t\"\nnot_modelled = \"x\"\n{body}\n[solution]\n")
}

fn scenario_cell(scenario: &str) -> String {
    format!("[[cells]]\nkind = \"scenario\"\nid = \"cluster\"\nscenario = '''\n{scenario}'''\n")
}

fn parse(text: &str) -> LabSpec {
    parse_lab("lab.md", text).unwrap_or_else(|d| panic!("{}", crate::diag::render_all(&d)))
}

fn errors(text: &str) -> String {
    match parse_lab("lab.md", text) {
        Ok(_) => panic!("expected diagnostics"),
        Err(d) => crate::diag::render_all(&d),
    }
}

/// Runs every cell of a block on a fresh workbench and gives it with the verdicts.
fn run(text: &str) -> (Workbench, Vec<GoalVerdict>) {
    let spec = parse(text);
    let wb = Workbench::run_all(&spec, &spec.cells);
    let v = wb.evaluate(&spec, &spec.cells);
    (wb, v)
}

fn cluster(wb: &Workbench, id: &str) -> ClusterOutput {
    match wb.output(id) {
        Some(CellOutput::Cluster(c)) => c.clone(),
        other => panic!("expected a cluster output, got {other:?}"),
    }
}

fn with_strategy(strategy: &str) -> String {
    CLUSTER.replace(
        "desired_count = 3\n",
        &format!("desired_count = 3\nplacement_strategy = [{strategy}]\n"),
    )
}

// ---------------------------------------------------------------------------------------------
// The format.
// ---------------------------------------------------------------------------------------------

#[test]
fn container_labs_run_on_the_container_engine_and_mixing_is_refused() {
    let spec = parse(&lab(&scenario_cell(CLUSTER)));
    assert_eq!(spec.engine(), LabEngine::Containers);
    assert_eq!(spec.cells[0].id, "cluster");
    assert_eq!(
        serde_json::to_value(LabEngine::Containers).expect("json"),
        "containers"
    );
    let mixed = lab(&format!(
        "[[cells]]\nkind = \"function\"\nname = \"hello\"\nhandler = \"fn handler(e, c) {{ 1 }}\"\n{}",
        scenario_cell(CLUSTER)
    ));
    let e = errors(&mixed);
    assert!(
        e.contains("a lab's cells run on one engine: `scenario` is a container cell, but this lab's first cell `hello` is a Lambda cell; split it into two labs"),
        "{e}"
    );
    assert!(e.starts_with("lab.md:7:1:"), "{e}");
}

#[test]
fn container_cells_get_defaults_and_their_keys_are_checked() {
    let spec = parse(&lab(
        "[[cells]]\nkind = \"startup\"\n[[cells]]\nkind = \"fargate\"\ncpu = 1024\nmemory = 2048\n[[cells]]\nkind = \"outposts\"\nregion = \"ap-northeast-2\"\n",
    ));
    assert_eq!(
        spec.cells[0].kind,
        CellKind::Startup {
            workloads: vec!["container".into(), "vm".into()],
            image_mb: 200,
            mb_per_sec: 80,
            middleware: crate::sim::SimDuration::from_secs(10),
            app: crate::sim::SimDuration::from_secs(3),
        }
    );
    assert!(
        matches!(&spec.cells[1].kind, CellKind::Fargate { os, hours, .. } if os == "linux" && *hours == 730.0)
    );
    assert!(
        matches!(&spec.cells[2].kind, CellKind::Outposts { az, racks: 1, .. } if az == "ap-northeast-2a")
    );

    let e = errors(&lab(
        "[[cells]]\nkind = \"fargate\"\ncpus = 1024\nmemory = \"2GB\"\n[[cells]]\nkind = \"lightsail\"\nbundle = \"mikro\"\n",
    ));
    assert!(e.contains("unknown key \"cpus\""), "{e}");
    assert!(e.contains("did you mean \"cpu\""), "{e}");
    assert!(e.contains("\"memory\""), "{e}");
    assert!(e.contains("missing") || e.contains("required"), "{e}");
    assert!(
        e.contains("unknown Lightsail bundle \"mikro\" (did you mean \"micro\"?"),
        "{e}"
    );
}

#[test]
fn an_embedded_scenario_is_reported_at_the_blocks_line_and_column() {
    // The scenario's content starts on line 7 of the block (after the ''' line); its bad type is
    // on the scenario's line 3, so line 9 of the block, column 8 (after `type = `).
    let bad = CLUSTER.replacen("type = \"t3.large\"", "type = \"t3.lrge\"", 1);
    let e = errors(&lab(&scenario_cell(&bad)));
    assert!(e.starts_with("lab.md:9:8: error: in \"scenario\": "), "{e}");
    assert!(e.contains("unknown instance type \"t3.lrge\""), "{e}");
    // A one-line string: the column moves by the key and the quote before it (`'x'` is at 16).
    let e = errors(&lab("[[cells]]\nkind = \"batch\"\nfile = \"seed = 'x'\"\n"));
    assert!(e.starts_with("lab.md:5:16: error: in \"file\": "), "{e}");
    let e = errors(&lab(
        "[[cells]]\nkind = \"storage\"\nhost = '''\n[[step]]\nmake = \"a\"\n'''\n",
    ));
    assert!(e.starts_with("lab.md:7:1: error: in \"host\": "), "{e}");
}

#[test]
fn a_deployment_names_a_scenario_cell_a_service_and_a_revision_that_exist() {
    let e = errors(&lab(&format!(
        "{}[[cells]]\nkind = \"deployment\"\nscenario = \"clustr\"\nservice = \"web\"\ntask_definition = \"web:2\"\n",
        scenario_cell(CLUSTER)
    )));
    assert!(e.contains("deployment names scenario cell \"clustr\", which this lab does not have (did you mean \"cluster\"?"), "{e}");
    let e = errors(&lab(&format!(
        "{}[[cells]]\nkind = \"deployment\"\nscenario = \"cluster\"\nservice = \"wbe\"\ntask_definition = \"web:3\"\n",
        scenario_cell(CLUSTER)
    )));
    assert!(
        e.contains("scenario cell \"cluster\" has no service \"wbe\" (did you mean \"web\"?"),
        "{e}"
    );
    assert!(e.contains("registers no task definition \"web:3\""), "{e}");
}

#[test]
fn goals_name_cells_of_the_right_kind_and_scenario_costs_need_a_side() {
    let e = errors(&lab(&format!(
        "{}[[cells]]\nkind = \"fargate\"\ncpu = 256\nmemory = 512\n[[goals]]\ncheck = \"all-placed\"\ncell = \"fargate\"\n[[goals]]\ncheck = \"max-monthly-usd\"\ncell = \"cluster\"\nvalue = 10.0\n[[goals]]\ncheck = \"zones-used\"\ncell = \"cluster\"\n",
        scenario_cell(CLUSTER)
    )));
    assert!(e.contains("goal check \"all-placed\" cannot read cell \"fargate\" (kind fargate); it reads cells of kind: scenario, deployment"), "{e}");
    assert!(e.contains("needs side = \"ec2\" or side = \"fargate\""), "{e}");
    assert!(e.contains("\"min\""), "{e}");
}

#[test]
fn a_solution_patches_a_container_cell_and_the_page_json_has_none() {
    let text = format!(
        "id = \"t\"\nnot_modelled = \"x\"\n{}\n[solution.cluster]\nscenario = '''\n{}'''\n",
        scenario_cell(CLUSTER),
        with_strategy("{ type = \"binpack\", field = \"memory\" }")
    );
    let spec = parse(&text);
    assert_ne!(spec.cells, spec.solution);
    let json = serde_json::to_string(&spec).expect("json");
    assert!(!json.contains("binpack"), "{json}");
    let back: LabSpec = serde_json::from_str(&json).expect("the page reads it back");
    assert_eq!(back.cells, spec.cells);
    // A broken solution scenario is reported at its own place.
    let broken = text.replace("type = \"binpack\"", "type = \"binpak\"");
    let e = errors(&broken);
    assert!(e.contains("in \"scenario\""), "{e}");
}

// ---------------------------------------------------------------------------------------------
// The scenario cell.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_filter_rejects_the_small_instance_in_ecs_words_and_spread_uses_three_zones() {
    let (wb, _) = run(&lab(&scenario_cell(CLUSTER)));
    let c = cluster(&wb, "cluster");
    assert_eq!(c.steps.len(), 3, "{:#?}", c.steps);
    assert_eq!(c.frames.len(), c.steps.len() + 1);
    let x = c.steps[0]
        .filter
        .iter()
        .find(|f| f.instance == "i-x")
        .expect("i-x is filtered");
    assert!(!x.passed);
    assert!(
        x.verdict.starts_with("has insufficient memory available"),
        "{}",
        x.verdict
    );
    assert_eq!(x.az, "us-east-1c");
    assert!(
        c.steps
            .iter()
            .all(|s| s.chosen.is_some() && s.service.as_deref() == Some("web"))
    );
    assert_eq!(c.steps[0].task, "t1");
    assert_eq!((c.steps[0].cpu, c.steps[0].memory), (256, 2048));
    assert_eq!(c.steps[0].task_definition, "web:1");
    assert!(!c.steps[0].strategies.is_empty());
    let zones: std::collections::BTreeSet<&str> = c
        .steps
        .iter()
        .map(|s| {
            let chosen = s.chosen.as_deref().expect("placed");
            s.filter
                .iter()
                .find(|f| f.instance == chosen)
                .map(|f| f.az.as_str())
                .expect("az")
        })
        .collect();
    assert_eq!(zones.len(), 3);
    // The first frame is before any placement, each next one has one more chip.
    let chips = |f: &ClusterFrame| {
        f.zones
            .iter()
            .flat_map(|z| &z.instances)
            .map(|i| i.tasks.len())
            .sum::<usize>()
    };
    assert_eq!(chips(&c.frames[0]), 0);
    assert_eq!(chips(&c.frames[1]), 1);
    assert_eq!(chips(c.frames.last().expect("frames")), 3);
    // Each instance's chips add up to the CPU and memory it has used.
    for f in &c.frames {
        for i in f.zones.iter().flat_map(|z| &z.instances) {
            assert_eq!(
                i.tasks.iter().map(|t| t.cpu).sum::<u32>(),
                i.cpu_used,
                "{} at {}",
                i.name,
                f.t
            );
            assert_eq!(i.tasks.iter().map(|t| t.memory).sum::<u32>(), i.memory_used);
        }
    }
    let zones: Vec<&str> = c.frames[0].zones.iter().map(|z| z.az.as_str()).collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert!(
        c.events
            .iter()
            .any(|e| e.message == "(service web) has reached a steady state.")
    );
    assert_eq!(c.services[0].running, 3);
    assert!(
        c.trace
            .iter()
            .any(|l| l.starts_with("t=00:00:00.000 instance i-a registered"))
    );
}

#[test]
fn binpack_puts_the_tasks_on_one_instance() {
    let (wb, _) = run(&lab(&scenario_cell(&with_strategy(
        "{ type = \"binpack\", field = \"memory\" }",
    ))));
    let c = cluster(&wb, "cluster");
    let chosen: std::collections::BTreeSet<&str> =
        c.steps.iter().filter_map(|s| s.chosen.as_deref()).collect();
    assert_eq!(chosen.len(), 1, "{chosen:?}");
    assert_eq!(c.steps[0].strategies[0].strategy, "binpack(memory)");
}

#[test]
fn unplaced_tasks_wait_in_the_pending_queue_with_ecs_reason() {
    let text = CLUSTER.replace("desired_count = 3", "desired_count = 10");
    let (wb, _) = run(&lab(&scenario_cell(&text)));
    let c = cluster(&wb, "cluster");
    let failed: Vec<&PlacementStep> = c.steps.iter().filter(|s| s.chosen.is_none()).collect();
    assert!(!failed.is_empty());
    let why = failed[0].failure.as_deref().expect("a reason");
    assert!(
        why.contains("was unable to place a task because no container instance met all of its requirements"),
        "{why}"
    );
    assert_eq!(failed[0].service.as_deref(), Some("web"));
    let last = c.frames.last().expect("frames");
    assert_eq!(last.pending.len(), 1, "{:#?}", last.pending);
    assert!(
        last.pending[0]
            .reason
            .contains("has insufficient memory available"),
        "{}",
        last.pending[0].reason
    );
    assert_eq!(c.frames.len(), c.steps.len() + 1);
}

#[test]
fn fargate_tasks_get_their_own_boxes() {
    let text = r#"[[task_definition]]
family = "api"
requires_compatibilities = "FARGATE"
cpu = 512
memory = 1024
[[task_definition.container]]
name = "api"
image = "api:1"
[[service]]
name = "api"
task_definition = "api"
desired_count = 2
launch_type = "FARGATE"
"#;
    let (wb, _) = run(&lab(&scenario_cell(text)));
    let c = cluster(&wb, "cluster");
    assert_eq!(c.steps.len(), 2);
    assert!(
        c.steps
            .iter()
            .all(|s| s.launch_type == "FARGATE" && (s.cpu, s.memory) == (512, 1024))
    );
    let last = c.frames.last().expect("frames");
    assert_eq!(last.fargate.len(), 2);
    assert!(
        last.fargate
            .iter()
            .all(|t| t.status == "RUNNING" && t.group == "api")
    );
    // No instances: the EC2 side costs nothing, Fargate 2 × 0.5 vCPU and 1 GB for 730 h.
    assert_eq!(c.cost.ec2.total_usd, 0.0);
    let want = 2.0 * 730.0 * (0.5 * 0.04048 + 1.0 * 0.004445);
    assert!(
        (c.cost.fargate.total_usd - want).abs() < 1e-9,
        "{}",
        c.cost.fargate.total_usd
    );
    assert!((c.cost.fargate.vcpu_hours - 730.0).abs() < 1e-9);
}

#[test]
fn the_cost_panel_prices_instances_with_their_root_volumes_against_fargate() {
    let (wb, _) = run(&lab(&scenario_cell(CLUSTER)));
    let c = cluster(&wb, "cluster");
    assert_eq!(
        c.cost
            .ec2
            .lines
            .iter()
            .map(|(l, _)| l.as_str())
            .collect::<Vec<_>>(),
        ["3 × t3.large", "1 × t3.small"]
    );
    assert!((c.cost.ec2.lines[0].1 - 3.0 * 0.0832 * 730.0).abs() < 1e-9);
    assert_eq!(c.cost.ec2.ebs_gb, 4.0 * 30.0);
    assert!((c.cost.ec2.ebs_usd - 120.0 * 0.08).abs() < 1e-9);
    // The task (256 CPU, 2048 MiB) is billed on Fargate at the smallest size holding it.
    assert!((c.cost.fargate.vcpu_hours - 3.0 * 730.0 * 0.25).abs() < 1e-9);
    assert!((c.cost.fargate.gb_hours - 3.0 * 730.0 * 2.0).abs() < 1e-9);
    assert!(c.cost.fargate.total_usd < c.cost.ec2.total_usd);
}

#[test]
fn the_same_seed_gives_the_same_output_twice() {
    let text = lab(&scenario_cell(&with_strategy("{ type = \"random\" }")));
    let (a, _) = run(&text);
    let (b, _) = run(&text);
    assert_eq!(cluster(&a, "cluster"), cluster(&b, "cluster"));
    assert_eq!(
        serde_json::to_string(a.output("cluster").expect("ran")).expect("json"),
        serde_json::to_string(b.output("cluster").expect("ran")).expect("json")
    );
}

#[test]
fn a_scenario_that_does_not_parse_is_the_cells_error_at_its_own_line() {
    let spec = parse(&lab(&scenario_cell(CLUSTER)));
    let mut cells = spec.cells.clone();
    cells[0].kind = CellKind::Scenario {
        scenario: "[[instance]]\nname = \"a\"\ntype = \"t3.lrge\"\naz = \"x\"\n".into(),
    };
    let mut wb = Workbench::new(&spec);
    match wb.run_cell(&cells, 0) {
        CellOutput::Error { message, line } => {
            assert_eq!(line, Some(3));
            assert!(
                message.starts_with("scenario:3:8: error: unknown instance type"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// A scenario of `tasks` tasks of one service on 30 m5.xlarge instances.
fn hundred_tasks_lab(tasks: u32) -> String {
    let text = format!(
        "[[instance]]\nname = \"i\"\ntype = \"m5.xlarge\"\naz = \"us-east-1a\"\ncount = 30\n{}",
        CLUSTER
            .split("[[task_definition]]")
            .skip(1)
            .map(|s| format!("[[task_definition]]{s}"))
            .collect::<String>()
            .replace("desired_count = 3", &format!("desired_count = {tasks}"))
            .replace("memory = 2048", "memory = 512")
    );
    lab(&scenario_cell(&text))
}

#[test]
fn a_hundred_task_scenario_has_a_step_and_a_frame_per_placement() {
    let (wb, _) = run(&hundred_tasks_lab(100));
    let c = cluster(&wb, "cluster");
    assert_eq!(c.steps.len(), 100);
    assert_eq!(c.frames.len(), 101);
    assert_eq!(c.services[0].running, 100);
}

// ---------------------------------------------------------------------------------------------
// Goals: each check passes and fails, with the observed value in its reason.
// ---------------------------------------------------------------------------------------------

/// The verdict of one goal (TOML keys after `check`) on a lab of `cells`.
fn goal(cells: &str, check: &str) -> GoalVerdict {
    let text = lab(&format!("{cells}\n[[goals]]\ncheck = {check}\n"));
    let (_, mut v) = run(&text);
    assert_eq!(v.len(), 1);
    v.remove(0)
}

#[track_caller]
fn passes(v: &GoalVerdict, reason: &str) {
    assert_eq!(v.status, GoalStatus::Pass, "{v:?}");
    assert!(v.reason.contains(reason), "{:?} lacks {reason:?}", v.reason);
}

#[track_caller]
fn fails(v: &GoalVerdict, reason: &str) {
    assert_eq!(v.status, GoalStatus::Fail, "{v:?}");
    assert!(v.reason.contains(reason), "{:?} lacks {reason:?}", v.reason);
}

fn crowded() -> String {
    scenario_cell(&CLUSTER.replace("desired_count = 3", "desired_count = 10"))
}

#[test]
fn scenario_goals_pass_and_fail_with_what_they_saw() {
    let spread = scenario_cell(CLUSTER);
    let binpack = scenario_cell(&with_strategy("{ type = \"binpack\", field = \"memory\" }"));
    passes(
        &goal(&spread, "\"all-placed\"\ncell = \"cluster\""),
        "Every service runs its desired count (3 tasks in all).",
    );
    fails(
        &goal(&crowded(), "\"all-placed\"\ncell = \"cluster\""),
        "1 task is waiting to be placed (web runs 9 of 10). The first waits because: (service web) was unable to place a task",
    );
    let one = "\"instances-used\"\ncell = \"cluster\"\nservice = \"web\"\nmax = 1";
    fails(
        &goal(&spread, one),
        "3 tasks are RUNNING at the end on 3 instances: i-a, i-b, i-c.",
    );
    passes(&goal(&binpack, one), "on 1 instance:");
    let zones = "\"zones-used\"\ncell = \"cluster\"\nmin = 3";
    passes(
        &goal(&spread, zones),
        "in 3 zones: us-east-1a, us-east-1b, us-east-1c.",
    );
    fails(&goal(&binpack, zones), "in 1 zone:");
    let running = "\"running\"\ncell = \"cluster\"\nservice = \"web\"\nmin = 3\nmax = 3";
    passes(
        &goal(&spread, running),
        "Service web runs 3 of 3 desired at the end.",
    );
    fails(&goal(&crowded(), running), "Service web runs 9 of 10 desired");
    let steady = "\"event-contains\"\ncell = \"cluster\"\ntext = \"steady state\"";
    passes(
        &goal(&spread, steady),
        "(service web) has reached a steady state.",
    );
    fails(&goal(&crowded(), steady), "says “steady state”");
    let unable = "\"no-event-contains\"\ncell = \"cluster\"\ntext = \"unable to place\"";
    passes(&goal(&spread, unable), "None of the 2 service events and");
    fails(&goal(&crowded(), unable), "An event says “unable to place”");
    let cost =
        |value: &str| format!("\"max-monthly-usd\"\ncell = \"cluster\"\nside = \"ec2\"\nvalue = {value}");
    passes(&goal(&spread, &cost("1000.0")), "A month on EC2 costs $");
    fails(&goal(&spread, &cost("10.0")), "A month on EC2 costs $"); // 3 × t3.large alone is $182
    passes(
        &goal(&spread, "\"cheaper\"\ncell = \"cluster\"\nside = \"fargate\""),
        "on EC2 and $",
    );
    fails(
        &goal(&spread, "\"cheaper\"\ncell = \"cluster\"\nside = \"ec2\""),
        "A month costs $",
    );
}

fn deployment(extra: &str) -> String {
    format!(
        "{}[[cells]]\nkind = \"deployment\"\nid = \"deploy\"\nscenario = \"cluster\"\nservice = \"web\"\ntask_definition = \"web:2\"\n{extra}",
        scenario_cell(CLUSTER)
    )
}

#[test]
fn a_rolling_deployment_completes_and_a_frozen_one_says_why() {
    let (wb, _) = run(&lab(&deployment("")));
    let Some(CellOutput::Deployment(d)) = wb.output("deploy") else {
        panic!("a deployment output")
    };
    assert!(d.completed, "{d:#?}");
    assert_eq!(d.message, "(service web) has reached a steady state.");
    assert_eq!((d.min_running, d.max_running), (3, 6));
    assert_eq!((d.minimum_healthy_percent, d.maximum_percent), (100, 200));
    let last = d.points.last().expect("points");
    assert_eq!(last.running, vec![("web:2".to_string(), 3)]);
    assert!(
        d.points
            .windows(2)
            .all(|p| p[0].t_s <= p[1].t_s && p[0].running != p[1].running || p[0].desired != p[1].desired),
        "a point per change"
    );
    let peak = d.points.iter().filter(|p| p.t_s >= 60.0).map(|p| p.total).max();
    assert_eq!(peak, Some(d.max_running));
    assert!(
        d.points.iter().any(|p| p.running.len() == 2),
        "both revisions run for a while"
    );
    assert_eq!(d.cluster.frames.len(), d.cluster.steps.len() + 1);
    assert!(d.events.iter().all(|e| e.service == "web"));

    let frozen = lab(&deployment(
        "minimum_healthy_percent = 100\nmaximum_percent = 100\n",
    ));
    let (wb, _) = run(&frozen);
    let Some(CellOutput::Deployment(d)) = wb.output("deploy") else {
        panic!("a deployment output")
    };
    assert!(!d.completed);
    assert!(
        d.message.contains("was unable to stop or start tasks during a deployment because of the service deployment configuration"),
        "{}",
        d.message
    );
}

#[test]
fn deployment_goals_pass_and_fail_with_what_they_saw() {
    let done = "\"deployment-completed\"\ncell = \"deploy\"";
    passes(
        &goal(&deployment(""), done),
        "The deployment completed: (service web) has reached a steady state.",
    );
    fails(
        &goal(
            &deployment("minimum_healthy_percent = 100\nmaximum_percent = 100\n"),
            done,
        ),
        "The deployment did not complete:",
    );
    let floor = "\"min-running\"\ncell = \"deploy\"\nvalue = 3";
    passes(
        &goal(&deployment(""), floor),
        "During the deployment, 3 to 6 tasks were RUNNING.",
    );
    fails(
        &goal(
            &deployment("minimum_healthy_percent = 0\nmaximum_percent = 100\n"),
            floor,
        ),
        "During the deployment, 0 to",
    );
    let ceiling = "\"max-running\"\ncell = \"deploy\"\nvalue = 3";
    fails(&goal(&deployment(""), ceiling), "3 to 6 tasks");
    passes(
        &goal(
            &deployment("minimum_healthy_percent = 0\nmaximum_percent = 100\n"),
            ceiling,
        ),
        "tasks were RUNNING.",
    );
    passes(
        &goal(&deployment(""), "\"all-placed\"\ncell = \"deploy\""),
        "Every service runs its desired count",
    );
}

const FARGATE: &str = "[[cells]]\nkind = \"fargate\"\n";

#[test]
fn fargate_goals_judge_validity_price_and_the_cheapest_size() {
    let cell = |cpu: u32, memory: u32| format!("{FARGATE}cpu = {cpu}\nmemory = {memory}\n");
    passes(
        &goal(&cell(1024, 2048), "\"fargate-valid\"\ncell = \"fargate\""),
        "1024 CPU and 2048 MiB is a valid size: $0.0494 an hour.",
    );
    fails(
        &goal(&cell(1024, 1024), "\"fargate-valid\"\ncell = \"fargate\""),
        "No Fargate configuration exists for given values: 1024 CPU, 1024 memory.",
    );
    let cheapest = "\"fargate-cheapest\"\ncell = \"fargate\"\nmin_memory = 3072";
    fails(
        &goal(&cell(1024, 3072), cheapest),
        "512 CPU and 3072 MiB also fits and costs $",
    );
    passes(
        &goal(&cell(512, 3072), cheapest),
        "is the cheapest valid size that fits.",
    );
    fails(&goal(&cell(256, 2048), cheapest), "below what the task needs");
    let month = "\"max-monthly-usd\"\ncell = \"fargate\"\nvalue = 30.0";
    passes(
        &goal(&cell(512, 1024), month),
        "A month for this task size costs $",
    );
    fails(
        &goal(&cell(2048, 4096), month),
        "A month for this task size costs $",
    );
}

fn image_cell(mutability: &str, second_tag: &str) -> String {
    format!(
        "[[cells]]\nkind = \"image\"\nimages = [ {{ tag = \"web:1\", build = \"FROM node:20-alpine\\nCOPY package.json . 2KB\\nRUN npm ci 40MB\\nCOPY . . 3MB\" }}, {{ tag = \"web:2\", build = \"FROM node:20-alpine\\nCOPY package.json . 2KB\\nRUN npm ci 40MB\\nCOPY . . 4MB\" }} ]\nrepository = {{ name = \"web\", tag_mutability = \"{mutability}\" }}\npush = [ {{ image = \"web:1\", tag = \"v1\" }}, {{ image = \"web:2\", tag = \"{second_tag}\" }} ]\npull = [ \"web:v1\", \"web:v2\" ]\nsave = [ \"web:1\", \"web:2\" ]\n"
    )
}

#[test]
fn the_image_cell_reuses_layers_refuses_an_immutable_tag_and_pulls_what_the_host_lacks() {
    let (wb, _) = run(&lab(&image_cell("IMMUTABLE", "v1")));
    let Some(CellOutput::Images(i)) = wb.output("image") else {
        panic!("an image output")
    };
    assert_eq!(i.builds.len(), 2);
    assert!(i.builds[0].layers.iter().all(|l| !l.cached));
    let cached: Vec<bool> = i.builds[1].layers.iter().map(|l| l.cached).collect();
    assert_eq!(
        cached.iter().filter(|c| **c).count(),
        cached.len() - 1,
        "all but the last layer"
    );
    assert!(i.pushes[0].ok && !i.pushes[1].ok);
    assert!(
        i.pushes[1]
            .error
            .as_deref()
            .unwrap_or_default()
            .starts_with("ImageTagAlreadyExistsException")
    );
    assert_eq!(i.tags, vec![("web:v1".to_string(), i.builds[0].digest.clone())]);
    // web:v2 was never pushed: the registry says so in Docker's words.
    assert!(
        i.pulls[1]
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("manifest unknown")
    );
    let archive = i.archive.as_ref().expect("saved");
    assert_eq!(archive.loaded, vec!["web:1".to_string(), "web:2".to_string()]);
    // The archive holds the shared layers once: less than the two images' sizes added up.
    let total: u64 = i.builds.iter().flat_map(|b| &b.layers).map(|l| l.bytes).sum();
    assert!(archive.bytes < total);

    let (wb, _) = run(&lab(&image_cell("MUTABLE", "v2")));
    let Some(CellOutput::Images(i)) = wb.output("image") else {
        panic!("an image output")
    };
    assert!(i.pushes.iter().chain(&i.pulls).all(|t| t.ok), "{i:#?}");
    // The second pull finds all but one layer on the host already.
    assert_eq!((i.pulls[1].layers_sent, i.pulls[1].bytes), (1, 4_000_000));
}

#[test]
fn image_goals_pass_and_fail_with_what_they_saw() {
    let good = image_cell("MUTABLE", "v2");
    let bad = image_cell("IMMUTABLE", "v1");
    passes(
        &goal(&good, "\"image-ok\"\ncell = \"image\""),
        "2 builds, 2 pushes and 2 pulls succeeded.",
    );
    fails(
        &goal(&bad, "\"image-ok\"\ncell = \"image\""),
        "ImageTagAlreadyExistsException",
    );
    passes(
        &goal(&good, "\"min-cached-layers\"\ncell = \"image\"\nvalue = 3"),
        "reused",
    );
    fails(
        &goal(&good, "\"min-cached-layers\"\ncell = \"image\"\nvalue = 50"),
        "The builds reused",
    );
    passes(
        &goal(&good, "\"max-pull-bytes\"\ncell = \"image\"\nvalue = 100000000"),
        "in 2 pulls.",
    );
    fails(
        &goal(&good, "\"max-pull-bytes\"\ncell = \"image\"\nvalue = 1000"),
        "The pulls moved",
    );
    passes(
        &goal(&bad, "\"push-rejected\"\ncell = \"image\""),
        "was refused: ImageTagAlreadyExistsException",
    );
    fails(
        &goal(&good, "\"push-rejected\"\ncell = \"image\""),
        "All 2 pushes were accepted.",
    );
}

fn storage_cell(mount: &str) -> String {
    format!(
        "[[cells]]\nkind = \"storage\"\nhost = '''\n[[image]]\ntag = \"app:1\"\nbuild = \"FROM alpine:3.19\\nCOPY app /app 1MB\"\n[[step]]\ncreate = \"one\"\nimage = \"app:1\"\n{mount}[[step]]\nstart = \"one\"\n[[step]]\nwrite = \"one\"\npath = \"/data/x\"\ncontent = \"kept\"\n[[step]]\nstop = \"one\"\n[[step]]\nrm = \"one\"\n[[step]]\ncreate = \"two\"\nimage = \"app:1\"\n{mount}[[step]]\nstart = \"two\"\n[[step]]\nread = \"two\"\npath = \"/data/x\"\n'''\n"
    )
}

#[test]
fn storage_keeps_a_file_in_a_volume_and_loses_it_in_the_writable_layer() {
    let volume = storage_cell("mounts = [\"db:/data\"]\n");
    let (wb, _) = run(&lab(&volume));
    let Some(CellOutput::Storage(s)) = wb.output("storage") else {
        panic!("a storage output")
    };
    assert_eq!(s.reads.len(), 1);
    assert_eq!(s.reads[0].content.as_deref(), Some("kept"));
    // Paths inside the volume, which is mounted at /data.
    assert_eq!(s.volumes, vec![("db".to_string(), vec!["/x".to_string()])]);
    assert!(s.steps.iter().any(|st| st.step == "write one /data/x" && st.ok));
    let check = "\"read-returns\"\ncell = \"storage\"\npath = \"/data/x\"\ntext = \"kept\"";
    passes(&goal(&volume, check), "two read /data/x and got “kept”.");
    fails(
        &goal(&storage_cell(""), check),
        "two read /data/x: No such file or directory.",
    );
}

#[test]
fn startup_lanes_lay_phases_end_to_end() {
    let cell = "[[cells]]\nkind = \"startup\"\nworkloads = [\"container\", \"fargate\", \"vm\"]\n";
    let (wb, _) = run(&lab(cell));
    let Some(CellOutput::Startup(s)) = wb.output("startup") else {
        panic!("a startup output")
    };
    let totals: Vec<(&str, u64)> = s
        .lanes
        .iter()
        .map(|l| (l.workload.as_str(), l.total_ms))
        .collect();
    assert_eq!(totals, [("container", 570), ("fargate", 18_070), ("vm", 41_500)]);
    for l in &s.lanes {
        let end = l.phases.last().map(|p| p.start_ms + p.ms);
        assert_eq!(end, Some(l.total_ms));
    }
    passes(
        &goal(
            cell,
            "\"max-startup-ms\"\ncell = \"startup\"\nworkload = \"container\"\nvalue = 1000",
        ),
        "The container lane is ready after 570 ms.",
    );
    fails(
        &goal(
            cell,
            "\"max-startup-ms\"\ncell = \"startup\"\nworkload = \"vm\"\nvalue = 1000",
        ),
        "The vm lane is ready after 41,500 ms.",
    );
}

fn batch_cell(depends: &str) -> String {
    format!(
        "[[cells]]\nkind = \"batch\"\nfile = '''\n[[compute_environment]]\nname = \"ce\"\ntype = \"EC2\"\nmax_vcpus = 4\n[[job_queue]]\nname = \"q\"\npriority = 1\ncompute_environments = [\"ce\"]\n[[job_definition]]\nname = \"step\"\nvcpus = 1\nmemory = 1024\nduration = \"1m\"\n[[job]]\nat = 0\nname = \"render\"\nqueue = \"q\"\ndefinition = \"step\"\narray_size = 3\n[[job]]\nat = 0\nname = \"report\"\nqueue = \"q\"\ndefinition = \"step\"\n{depends}'''\n"
    )
}

#[test]
fn batch_jobs_carry_their_history_and_the_goals_read_it() {
    let chained = batch_cell("depends_on = [ { job = \"render\" } ]\n");
    let (wb, _) = run(&lab(&chained));
    let Some(CellOutput::Batch(b)) = wb.output("batch") else {
        panic!("a batch output")
    };
    let child = b
        .jobs
        .iter()
        .find(|j| j.name == "render:1")
        .expect("an array child");
    assert_eq!(
        (child.parent.as_deref(), child.array_index),
        (Some("render"), Some(1))
    );
    assert_eq!(child.history.first().map(|(_, s)| s.as_str()), Some("SUBMITTED"));
    assert_eq!(child.history.last().map(|(_, s)| s.as_str()), Some("SUCCEEDED"));
    let report = b.jobs.iter().find(|j| j.name == "report").expect("report");
    assert_eq!(report.depends_on, vec!["render".to_string()]);
    assert!(report.started.is_some() && report.stopped.is_some());
    let before = "\"job-before\"\ncell = \"batch\"\njob = \"render\"\nbefore = \"report\"";
    passes(
        &goal(&chained, before),
        "render succeeded at 00:01:10.000; report started RUNNING at",
    );
    fails(
        &goal(&batch_cell(""), before),
        "report started RUNNING at 00:00:10.000.",
    );
    passes(
        &goal(
            &chained,
            "\"job-status\"\ncell = \"batch\"\njob = \"report\"\nstatus = \"SUCCEEDED\"",
        ),
        "Job report ended SUCCEEDED",
    );
    fails(
        &goal(
            &chained,
            "\"job-status\"\ncell = \"batch\"\njob = \"report\"\nstatus = \"FAILED\"",
        ),
        "Job report ended SUCCEEDED",
    );
}

fn beanstalk(policy: &str, extra: &str) -> String {
    format!("[[cells]]\nkind = \"beanstalk\"\npolicy = \"{policy}\"\n{extra}")
}

#[test]
fn beanstalk_goals_read_versions_capacity_and_the_outcome() {
    let mixed = "\"no-mixed-versions\"\ncell = \"beanstalk\"";
    passes(
        &goal(&beanstalk("all-at-once", ""), mixed),
        "Only one version served at any moment.",
    );
    fails(&goal(&beanstalk("rolling", ""), mixed), "old and");
    let capacity = "\"min-capacity-pct\"\ncell = \"beanstalk\"\nvalue = 100";
    passes(
        &goal(&beanstalk("rolling-with-additional-batch", ""), capacity),
        "Capacity went down to 100%.",
    );
    fails(
        &goal(&beanstalk("rolling", ""), capacity),
        "Capacity went down to 75%.",
    );
    let deployed = "\"deployed\"\ncell = \"beanstalk\"";
    passes(&goal(&beanstalk("rolling", ""), deployed), "Rolling: deployed in");
    fails(
        &goal(&beanstalk("rolling", "healthy = false\n"), deployed),
        "not deployed",
    );
    fails(
        &goal(&beanstalk("rolling", "batch_size = \"0%\"\n"), deployed),
        "Elastic Beanstalk refused the options: InvalidParameterValue: BatchSize 0% is out of range",
    );
}

#[test]
fn app_runner_lightsail_and_outposts_goals() {
    let ar = |peak: u32| {
        format!(
            "[[cells]]\nkind = \"apprunner\"\nload = [ {{ at = \"1h\", concurrency = {peak} }}, {{ at = \"2h\", concurrency = 0 }} ]\n"
        )
    };
    passes(
        &goal(&ar(250), "\"max-rejected\"\ncell = \"apprunner\"\nvalue = 0"),
        "At worst 0 requests got 429",
    );
    fails(
        &goal(&ar(3000), "\"max-rejected\"\ncell = \"apprunner\"\nvalue = 0"),
        "At worst 500 requests got 429",
    );
    fails(
        &goal(
            "[[cells]]\nkind = \"apprunner\"\nvcpu = 3.0\n",
            "\"max-monthly-usd\"\ncell = \"apprunner\"\nvalue = 100.0",
        ),
        "App Runner refused the settings: InvalidRequestException:",
    );
    let ls =
        |gb: u32| format!("[[cells]]\nkind = \"lightsail\"\nbundle = \"micro\"\ntransfer_out_gb = {gb}\n");
    passes(
        &goal(&ls(100), "\"no-overage\"\ncell = \"lightsail\""),
        "0 GB over the 2048 GB allowance",
    );
    fails(
        &goal(&ls(2500), "\"no-overage\"\ncell = \"lightsail\""),
        "452 GB over the 2048 GB allowance, $40.68 of overage.",
    );
    passes(
        &goal(&ls(100), "\"max-monthly-usd\"\ncell = \"lightsail\"\nvalue = 7.0"),
        "A month on Lightsail costs $7.00.",
    );
    let op =
        |az: &str| format!("[[cells]]\nkind = \"outposts\"\nregion = \"ap-northeast-2\"\naz = \"{az}\"\n");
    passes(
        &goal(&op("ap-northeast-2a"), "\"anchored\"\ncell = \"outposts\""),
        "ap-northeast-2a is in ap-northeast-2",
    );
    fails(
        &goal(&op("us-east-1a"), "\"anchored\"\ncell = \"outposts\""),
        "us-east-1a is not in ap-northeast-2",
    );
}

#[test]
fn a_goal_is_pending_until_its_cell_runs_and_again_when_the_cell_changes() {
    let spec = parse(&lab(&format!(
        "{}[[goals]]\ncheck = \"deployment-completed\"\ncell = \"deploy\"\n",
        deployment("")
    )));
    let mut wb = Workbench::new(&spec);
    let v = wb.evaluate(&spec, &spec.cells);
    assert_eq!(
        (v[0].status, v[0].reason.as_str()),
        (GoalStatus::Pending, "Run the \"deploy\" cell.")
    );
    wb.run_cell(&spec.cells, 0);
    wb.run_cell(&spec.cells, 1);
    assert_eq!(wb.evaluate(&spec, &spec.cells)[0].status, GoalStatus::Pass);
    let mut cells = spec.cells.clone();
    cells[0].kind = CellKind::Scenario {
        scenario: CLUSTER.replace("desired_count = 3", "desired_count = 2"),
    };
    let v = wb.evaluate(&spec, &cells);
    assert_eq!(v[0].status, GoalStatus::Pending);
    assert!(
        v[0].reason
            .contains("its scenario cell \"cluster\" changed since it ran"),
        "{}",
        v[0].reason
    );
}

#[test]
fn check_lab_replays_container_labs_start_and_solution() {
    let text = format!(
        "id = \"t\"\nnot_modelled = \"x\"\n{}\n[[goals]]\ncheck = \"instances-used\"\ncell = \"cluster\"\nmax = 1\n[solution.cluster]\nscenario = '''\n{}'''\n",
        scenario_cell(CLUSTER),
        with_strategy("{ type = \"binpack\", field = \"memory\" }")
    );
    let check = check_lab(&parse(&text));
    assert_eq!(check.start[0].status, GoalStatus::Fail);
    assert_eq!(check.solution[0].status, GoalStatus::Pass);
    assert!(check.problems().is_empty(), "{:?}", check.problems());
}

#[test]
fn a_lambda_cell_on_the_workbench_and_a_container_cell_on_the_notebook_are_errors() {
    let spec = parse(&lab(&scenario_cell(CLUSTER)));
    let mut nb = Notebook::new(&spec);
    assert!(
        matches!(nb.run_cell(&spec.cells, 0), CellOutput::Error { message, .. } if message.contains("runs on the container workbench"))
    );
}

// ---------------------------------------------------------------------------------------------
// The scenario form.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_form_reads_the_common_fields() {
    let form = scenario_form(&with_strategy("{ type = \"binpack\", field = \"memory\" }"));
    let get = |k: &str| {
        form.iter()
            .find(|f| f.key == k)
            .unwrap_or_else(|| panic!("{k}: {form:#?}"))
    };
    assert_eq!(get("instance.0.count").value, "1");
    assert_eq!(get("instance.3.type").value, "t3.small");
    assert!(get("instance.0.type").choices.contains(&"m5.large".to_string()));
    assert_eq!(get("task_definition.0.cpu").value, "256");
    assert_eq!(get("task_definition.1.memory").value, "2048");
    assert_eq!(get("service.0.desired_count").value, "3");
    assert_eq!(get("service.0.placement_strategy").value, "binpack:memory");
    assert_eq!(get("service.0.placement_constraints").value, "none");
    assert_eq!(form.len(), 4 * 2 + 2 * 2 + 3);
}

#[test]
fn set_scenario_field_edits_in_place_and_keeps_the_rest() {
    let text = CLUSTER;
    let edited = set_scenario_field(text, "service.0.desired_count", "5").expect("edits");
    assert_eq!(edited, text.replace("desired_count = 3", "desired_count = 5"));
    let edited = set_scenario_field(text, "instance.3.type", "t3.large").expect("edits");
    assert_eq!(
        edited,
        text.replacen("type = \"t3.small\"", "type = \"t3.large\"", 1)
    );
    // A missing key goes on the line after its table's header; nothing else moves.
    let edited = set_scenario_field(text, "instance.1.count", "2").expect("edits");
    assert_eq!(
        edited,
        text.replacen(
            "[[instance]]\nname = \"i-b\"",
            "[[instance]]\ncount = 2\nname = \"i-b\"",
            1
        )
    );
    let edited = set_scenario_field(text, "task_definition.0.cpu", "512").expect("edits");
    assert_eq!(
        edited,
        text.replacen(
            "[[task_definition]]\nfamily",
            "[[task_definition]]\ncpu = 512\nfamily",
            1
        )
    );
    let edited = set_scenario_field(
        text,
        "service.0.placement_strategy",
        "spread:attribute:ecs.availability-zone, binpack:memory",
    )
    .expect("edits");
    assert_eq!(
        edited,
        text.replace(
            "[[service]]\n",
            "[[service]]\nplacement_strategy = [{ type = \"spread\", field = \"attribute:ecs.availability-zone\" }, { type = \"binpack\", field = \"memory\" }]\n"
        )
    );
    let edited =
        set_scenario_field(&edited, "service.0.placement_constraints", "distinctInstance").expect("edits");
    crate::ecs::scenario::parse("s.toml", &edited)
        .unwrap_or_else(|d| panic!("{}", crate::diag::render_all(&d)));
    let form = scenario_form(&edited);
    let value = |k: &str| form.iter().find(|f| f.key == k).map(|f| f.value.clone());
    assert_eq!(
        value("service.0.placement_constraints").as_deref(),
        Some("distinctInstance")
    );
    assert_eq!(
        value("service.0.placement_strategy").as_deref(),
        Some("spread:attribute:ecs.availability-zone, binpack:memory")
    );
}

#[test]
fn the_editor_gets_the_scenarios_diagnostics_at_its_own_line() {
    assert!(scenario_diagnostics(CLUSTER).is_empty());
    let d = scenario_diagnostics(&CLUSTER.replacen("az = \"us-east-1b\"", "zone = \"us-east-1b\"", 1));
    let at: Vec<(u32, u32)> = d.iter().map(|d| (d.line, d.col)).collect();
    assert_eq!(at, [(5, 1), (8, 1)], "{d:?}");
    assert!(d[1].message.contains("unknown key \"zone\""), "{d:?}");
}

#[test]
fn set_scenario_field_refuses_what_would_not_parse() {
    let e = set_scenario_field(CLUSTER, "service.0.desired_count", "many").expect_err("refused");
    assert_eq!(e, "desired_count must be a whole number, not \"many\"");
    let e = set_scenario_field(CLUSTER, "instance.0.type", "t3.lrge").expect_err("refused");
    assert!(e.contains("did you mean \"t3.large\""), "{e}");
    let e =
        set_scenario_field(CLUSTER, "service.0.placement_strategy", "binpak:memory").expect_err("refused");
    assert!(e.contains("binpak"), "{e}");
    let e = set_scenario_field(CLUSTER, "service.4.desired_count", "1").expect_err("refused");
    assert_eq!(e, "the scenario has 1 [[service]] tables, not 5");
    let e = set_scenario_field(CLUSTER, "service.0.name", "x").expect_err("refused");
    assert!(e.starts_with("unknown form field \"service.0.name\""), "{e}");
    // An edit the scenario parser refuses (a count above ECS's quota) is not written.
    let e = set_scenario_field(CLUSTER, "instance.0.count", "6000").expect_err("refused");
    assert!(e.contains("count must be 1–5,000"), "{e}");
}

#[test]
fn run_task_failures_and_drained_instances_show_in_steps_and_frames() {
    let text = format!(
        "{}\n[[timeline]]\nat = \"30s\"\naction = \"drain_instance\"\ninstance = \"i-a\"\n[[timeline]]\nat = \"1m\"\naction = \"run_task\"\ntask_definition = \"big\"\n\n[[task_definition]]\nfamily = \"big\"\n[[task_definition.container]]\nname = \"app\"\nimage = \"big:1\"\ncpu = 256\nmemory = 9000\n",
        CLUSTER
    );
    let (wb, _) = run(&lab(&scenario_cell(&text)));
    let c = cluster(&wb, "cluster");
    let last = c.steps.last().expect("steps");
    assert_eq!(last.task_definition, "big:1");
    assert_eq!(last.service, None);
    assert!(last.chosen.is_none());
    assert_eq!(
        last.failure.as_deref(),
        Some("RunTask failure: reason=RESOURCE:MEMORY arn=i-b"),
        "{last:#?}"
    );
    assert_eq!((last.cpu, last.memory), (256, 9000));
    assert_eq!(c.frames.len(), c.steps.len() + 1);
    let end = c.frames.last().expect("frames");
    let a = end
        .zones
        .iter()
        .flat_map(|z| &z.instances)
        .find(|i| i.name == "i-a")
        .expect("i-a");
    assert_eq!(a.status, "DRAINING");
    // The drained instance's task moved elsewhere: the service still runs 3.
    assert!(a.tasks.iter().all(|t| t.status != "RUNNING"), "{a:#?}");
    assert_eq!(c.services[0].running, 3);
}
