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
