//! Container labs end to end in headless Chromium (the `sched` module): every container cell
//! kind mounts, runs and draws; the placement step-through explains a decision in ECS's words and
//! steps back; a goal passes after the reference solution is entered through the scenario form;
//! reset, reload and share links keep or restore the edits.
//!
//! As in `browser_lab`, the lab under test is written here, turned into its placeholder by the
//! real preprocessor and put in a page of the site the browser tests build once.
// A test drives real files, processes and sockets; the core's no-I/O rule is not for it.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::sync::OnceLock;

use serde_json::json;

use super::browser::Browser;
use super::browser_lab::{count, open_fresh, parse_lab_block, record_lab_events, wait_text, write_lab_page};

const PAGE: &str = "containers/sched-e2e.html";
const LAB: &str = "cb-sched-e2e";
const ROOT: &str = ".cloudbook-sched";

/// A lab with every container cell kind; the scenario's small instance cannot hold the web task.
const LAB_MD: &str = r#"# Container lab end to end

```lab
id = "cb-sched-e2e"
title = "Every container cell"
instructions = "Run two web tasks."
not_modelled = "Nothing here is real."
hints = ["Raise the desired count."]

[[cells]]
kind = "scenario"
id = "cluster"
scenario = '''
[[instance]]
name = "small"
type = "t3.small"
az = "us-east-1a"

[[instance]]
name = "big"
type = "t3.large"
az = "us-east-1b"

[[task_definition]]
family = "web"
[[task_definition.container]]
name = "web"
image = "nginx"
cpu = 256
memory = 3072

[[task_definition]]
family = "web"
[[task_definition.container]]
name = "web"
image = "nginx"
cpu = 256
memory = 2048

[[service]]
name = "web"
task_definition = "web:1"
desired_count = 1
'''

[[cells]]
kind = "deployment"
scenario = "cluster"
service = "web"
task_definition = "web:2"

[[cells]]
kind = "image"
images = [ { tag = "web:1", build = '''FROM node:20-alpine
COPY package.json . 2KB
RUN npm ci 40MB
COPY . . 3MB''' } ]
repository = { name = "web", tag_mutability = "IMMUTABLE" }
push = [ { image = "web:1", tag = "v1" } ]
pull = [ "web:v1" ]

[[cells]]
kind = "storage"
host = '''
[[image]]
tag = "app:1"
build = """
FROM alpine:3.19
COPY app /app 1MB
"""

[[step]]
create = "one"
image = "app:1"
mounts = ["db:/var/lib/db"]

[[step]]
start = "one"

[[step]]
write = "one"
path = "/var/lib/db/users"
content = "alice"
'''

[[cells]]
kind = "startup"
workloads = ["container", "vm"]

[[cells]]
kind = "fargate"
cpu = 1024
memory = 2048

[[cells]]
kind = "batch"
file = '''
[[compute_environment]]
name = "ce"
type = "FARGATE"
max_vcpus = 4

[[job_queue]]
name = "q"
priority = 1
compute_environments = ["ce"]

[[job_definition]]
name = "d"
vcpus = 1
memory = 2048
duration = "1m"

[[job]]
at = "0s"
name = "fetch"
queue = "q"
definition = "d"

[[job]]
at = "0s"
name = "train"
queue = "q"
definition = "d"
depends_on = [{ job = "fetch" }]
'''

[[cells]]
kind = "beanstalk"
policy = "rolling"
instances = 4
batch_size = "25%"

[[cells]]
kind = "apprunner"
load = [ { at = "10m", concurrency = 250 }, { at = "40m", concurrency = 0 } ]
run_for = "1h"

[[cells]]
kind = "lightsail"
bundle = "micro"

[[cells]]
kind = "outposts"
region = "ap-northeast-2"
az = "ap-northeast-2a"

[[goals]]
check = "running"
cell = "cluster"
service = "web"
min = 2

[[goals]]
check = "fargate-valid"
cell = "fargate"

[solution.cluster]
scenario = '''
[[instance]]
name = "small"
type = "t3.small"
az = "us-east-1a"

[[instance]]
name = "big"
type = "t3.large"
az = "us-east-1b"

[[task_definition]]
family = "web"
[[task_definition.container]]
name = "web"
image = "nginx"
cpu = 256
memory = 3072

[[task_definition]]
family = "web"
[[task_definition.container]]
name = "web"
image = "nginx"
cpu = 256
memory = 2048

[[service]]
name = "web"
task_definition = "web:1"
desired_count = 2
'''
```
"#;

/// The lab block as the course would parse it (with its solution).
fn spec() -> cloudbook::lab::LabSpec {
    parse_lab_block("sched-e2e.md", LAB_MD)
}

async fn open_lab(b: &Browser, suffix: &str) {
    static WRITTEN: OnceLock<()> = OnceLock::new();
    WRITTEN.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = cloudbook::cli::build::wasm_target_dir(root).with_file_name("browser-site");
        std::fs::create_dir_all(site.join("containers")).expect("a folder for the page");
        write_lab_page(PAGE, "sched-e2e.md", LAB_MD, "cloudbook-sched");
    });
    b.open(&format!("{PAGE}{suffix}")).await;
    b.wait_ready(ROOT).await;
}

fn cell(id: &str) -> String {
    format!("{ROOT} [data-cloudbook-cell-id=\"{id}\"]")
}

async fn run_cell(b: &Browser, id: &str) {
    b.click(&format!("{} [data-cloudbook-action=\"run\"]", cell(id)))
        .await;
}

/// Sets a control's value and fires `change`, as choosing from a select or leaving a field does.
async fn change(b: &Browser, css: &str, value: &str) {
    b.client
        .execute(
            "const el = document.querySelector(arguments[0]); el.value = arguments[1];
             el.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![json!(css), json!(value)],
        )
        .await
        .expect("script runs");
}

async fn value(b: &Browser, css: &str) -> String {
    b.client
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.value : null",
            vec![json!(css)],
        )
        .await
        .expect("script runs")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_test_lab_runs_natively_without_errors() {
    // The page shows what the core computes; a fixture the core refuses would test nothing.
    let spec = spec();
    let wb = cloudbook::lab::Workbench::run_all(&spec, &spec.cells);
    for c in &spec.cells {
        let out = cloudbook::lab::Kernel::output(&wb, &c.id).expect("every cell ran");
        assert!(
            !matches!(out, cloudbook::lab::CellOutput::Error { .. }),
            "{}: {out:?}",
            c.id
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_container_cell_mounts_runs_and_draws_without_the_lambda_module() {
    let b = Browser::start().await;
    open_lab(&b, "").await;
    // Each kind of cell, drawn by what its output is about.
    let drawn = [
        ("cluster", "[data-cloudbook-instance]"),
        ("deployment", "svg[role=\"img\"][aria-label]"),
        ("image", "[data-cloudbook-layer]"),
        ("storage", ".cb-places li"),
        ("startup", "[data-cloudbook-lane=\"vm\"]"),
        ("fargate", "[data-cloudbook-valid=\"true\"]"),
        ("batch", "[data-cloudbook-job=\"train\"]"),
        ("beanstalk", ".cb-beanstalk svg[role=\"img\"]"),
        ("apprunner", "[data-cloudbook-note=\"closed\"]"),
        ("lightsail", "[data-cloudbook-bundle=\"micro\"]"),
        ("outposts", "[data-cloudbook-anchored=\"true\"]"),
    ];
    for (id, _) in drawn {
        assert_eq!(count(&b, &cell(id)).await, 1, "{id}");
    }
    b.click(&format!("{ROOT} [data-cloudbook-action=\"run-all\"]"))
        .await;
    for (id, css) in drawn {
        wait_text(&b, &format!("{} {css}", cell(id)), "").await;
    }
    // The cluster view: zones, instance boxes with bars and task chips, the cost panel, events.
    assert_eq!(
        count(&b, &format!("{} [data-cloudbook-zone]", cell("cluster"))).await,
        2
    );
    assert!(count(&b, &format!("{} [data-cloudbook-task]", cell("cluster"))).await >= 1);
    assert_eq!(
        count(
            &b,
            &format!("{} [data-cloudbook-instance] .cb-fill", cell("cluster"))
        )
        .await,
        4
    );
    let cost = b
        .text(&format!("{} [data-cloudbook-cost]", cell("cluster")))
        .await;
    assert!(cost.contains("EC2") && cost.contains("Fargate"), "{cost}");
    let events = b
        .text(&format!("{} [data-cloudbook-events]", cell("cluster")))
        .await;
    assert!(events.contains("web"), "{events}");
    // All five themes: bars, chips and buttons take mdBook's theme variables.
    let mut fills = Vec::new();
    for theme in ["light", "rust", "coal", "navy", "ayu"] {
        let c = b
            .client
            .execute(
                "const html = document.documentElement;
                 ['light','rust','coal','navy','ayu'].forEach(c => html.classList.remove(c));
                 html.classList.add(arguments[0]);
                 const css = el => getComputedStyle(el);
                 const probe = document.createElement('span');
                 probe.style.color = 'var(--links)';
                 document.querySelector(arguments[1]).appendChild(probe);
                 const links = css(probe).color; probe.remove();
                 const button = document.querySelector(arguments[1] + ' [data-cloudbook-action=\"run\"]');
                 return { links, fill: css(document.querySelector(arguments[1] + ' .cb-fill')).backgroundColor,
                          chip: css(document.querySelector(arguments[1] + ' .cb-chip.cb-g0')).borderTopColor,
                          page: css(document.body).color, button: css(button).color,
                          buttonBg: css(button).backgroundColor };",
                vec![json!(theme), json!(cell("cluster"))],
            )
            .await
            .expect("script runs");
        assert_eq!(c["fill"], c["links"], "{theme}: bars follow the theme");
        assert_eq!(c["chip"], c["links"], "{theme}: chips follow the theme");
        assert_eq!(c["button"], c["page"], "{theme}: buttons follow the theme");
        assert_ne!(c["button"], c["buttonBg"], "{theme}: buttons are readable");
        fills.push(c["fill"].clone());
    }
    fills.dedup();
    assert!(fills.len() >= 3, "the themes really changed the bars: {fills:?}");
    // Charts are SVG with a label and a table of the same numbers.
    assert!(count(&b, &format!("{} .cb-chart-table table", cell("apprunner"))).await >= 2);
    // The Fargate form: a size AWS refuses shows AWS's words.
    b.set_value(
        &format!("{} [data-cloudbook-field=\"cpu\"]", cell("fargate")),
        "1000",
    )
    .await;
    run_cell(&b, "fargate").await;
    wait_text(
        &b,
        &format!("{} [data-cloudbook-valid=\"false\"]", cell("fargate")),
        "Invalid",
    )
    .await;
    // Only the container module and the labs' stylesheets loaded, not the Lambda module.
    let loaded = b
        .js("return performance.getEntriesByType('resource').map(e => e.name).join(' ')")
        .await;
    let loaded = loaded.as_str().unwrap_or_default();
    assert!(
        loaded.contains("sched_bg.wasm") && loaded.contains("lab.css") && loaded.contains("sched.css"),
        "{loaded}"
    );
    assert!(
        !loaded.contains("/lab_bg.wasm") && !loaded.contains("/lab.js"),
        "{loaded}"
    );
    // What a run says is announced.
    let said = b.text(&format!("{ROOT} [data-cloudbook-announce]")).await;
    assert!(said.contains("fargate"), "{said}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_step_through_explains_a_placement_steps_back_and_the_form_reaches_the_goal() {
    let b = Browser::start().await;
    open_lab(&b, "").await;
    record_lab_events(&b).await;
    run_cell(&b, "cluster").await;
    let scope = cell("cluster");
    wait_text(&b, &format!("{scope} [data-cloudbook-action=\"first\"]"), "").await;
    b.click(&format!("{scope} [data-cloudbook-action=\"first\"]"))
        .await;
    wait_text(&b, &format!("{scope} [data-cloudbook-step=\"0\"]"), "").await;
    let rejected = b.text(&format!("{scope} [data-cloudbook-filter=\"fail\"]")).await;
    assert!(
        rejected.contains("small") && rejected.contains("insufficient memory"),
        "ECS's words for the small instance: {rejected}"
    );
    let chosen = b
        .js(&format!(
            "return document.querySelector('{} [data-cloudbook-chosen]').dataset.cloudbookChosen",
            scope.replace('"', "\\\"")
        ))
        .await;
    assert!(chosen.as_str().is_some_and(|c| c.contains("big")), "{chosen}");
    // The cluster shows the frame before the decision: no task placed yet.
    assert_eq!(count(&b, &format!("{scope} [data-cloudbook-task]")).await, 0);
    b.click(&format!("{scope} [data-cloudbook-action=\"step\"]"))
        .await;
    wait_text(&b, &format!("{scope} [data-cloudbook-step=\"1\"]"), "").await;
    assert_eq!(count(&b, &format!("{scope} [data-cloudbook-task]")).await, 1);
    b.click(&format!("{scope} [data-cloudbook-action=\"back\"]"))
        .await;
    wait_text(&b, &format!("{scope} [data-cloudbook-step=\"0\"]"), "").await;
    // The timeline jumps to the end.
    let at = value(&b, &format!("{scope} [data-cloudbook-field=\"timeline\"]")).await;
    assert_eq!(at, "0");
    b.set_value(&format!("{scope} [data-cloudbook-field=\"timeline\"]"), "1")
        .await;
    wait_text(&b, &format!("{scope} [data-cloudbook-step=\"1\"]"), "").await;
    // Play from the start runs through the recorded steps to the end, then stops.
    b.click(&format!("{scope} [data-cloudbook-action=\"first\"]"))
        .await;
    wait_text(&b, &format!("{scope} [data-cloudbook-step=\"0\"]"), "").await;
    b.click(&format!("{scope} [data-cloudbook-action=\"play\"]"))
        .await;
    wait_text(&b, &format!("{scope} [data-cloudbook-step=\"1\"]"), "").await;
    wait_text(
        &b,
        &format!("{scope} [data-cloudbook-action=\"play\"]:not([disabled])"),
        "",
    )
    .await;

    // The goal fails until the reference solution's desired count goes in through the form.
    wait_text(&b, &format!("{ROOT} [data-cloudbook-goal=\"fail\"]"), "").await;
    let solved = spec().solution[0].clone();
    let cloudbook::lab::CellKind::Scenario { scenario } = &solved.kind else {
        panic!("the solution's first cell is the scenario")
    };
    let wanted = cloudbook::lab::scenario_form(scenario)
        .into_iter()
        .find(|f| f.key == "service.0.desired_count")
        .expect("the form has the desired count")
        .value;
    change(
        &b,
        &format!("{scope} [data-cloudbook-field=\"form:service.0.desired_count\"]"),
        &wanted,
    )
    .await;
    let text = value(
        &b,
        &format!("{scope} textarea[data-cloudbook-field=\"scenario\"]"),
    )
    .await;
    assert!(text.contains(&format!("desired_count = {wanted}")), "{text}");
    run_cell(&b, "cluster").await;
    run_cell(&b, "fargate").await;
    wait_text(
        &b,
        &format!("{ROOT} [data-cloudbook-verdict]"),
        "All goals reached",
    )
    .await;
    assert_eq!(
        count(&b, &format!("{ROOT} [data-cloudbook-goal=\"pass\"]")).await,
        2
    );
    assert_eq!(b.js("return window.__labEvents").await, json!([LAB]));

    // A scenario with a mistake shows the diagnostic at the scenario's own line:col.
    let broken = text.replacen("desired_count = 2", "desired_count = \"two\"", 1);
    b.set_value(
        &format!("{scope} textarea[data-cloudbook-field=\"scenario\"]"),
        &broken,
    )
    .await;
    run_cell(&b, "cluster").await;
    let line = broken
        .lines()
        .position(|l| l.contains("\"two\""))
        .expect("the broken line")
        + 1;
    let diag = wait_text(
        &b,
        &format!("{scope} [data-cloudbook-diagnostic]"),
        &format!("{line}:"),
    )
    .await;
    assert!(diag.starts_with(&format!("{line}:")), "{diag}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_survive_a_reload_reset_restores_and_a_link_carries_the_state() {
    let b = Browser::start().await;
    open_lab(&b, "").await;
    let memory = format!("{} [data-cloudbook-field=\"memory\"]", cell("fargate"));
    b.set_value(&memory, "4096").await;
    let os = format!("{} select[data-cloudbook-field=\"os\"]", cell("fargate"));
    change(&b, &os, "windows").await;
    b.client.refresh().await.expect("reload");
    b.wait_ready(ROOT).await;
    assert_eq!(value(&b, &memory).await, "4096");
    assert_eq!(value(&b, &os).await, "windows");

    b.click(&format!("{ROOT} [data-cloudbook-action=\"share\"]"))
        .await;
    wait_text(&b, &format!("{ROOT} [data-cloudbook-share]"), "").await;
    let link = value(&b, &format!("{ROOT} [data-cloudbook-share]")).await;
    assert!(link.contains(&format!("#cb-lab={LAB}.")), "{link}");

    b.click(&format!("{ROOT} [data-cloudbook-action=\"reset\"]"))
        .await;
    assert_eq!(value(&b, &memory).await, "2048");

    open_fresh(&b, &link, ROOT).await;
    assert_eq!(value(&b, &memory).await, "4096");
    wait_text(&b, &format!("{ROOT} [data-cloudbook-notice]"), "").await;

    // A broken link resets with a notice.
    open_fresh(&b, &format!("{}{PAGE}#cb-lab={LAB}.@@not-base64@@", b.base), ROOT).await;
    let notice = b.text(&format!("{ROOT} [data-cloudbook-notice]")).await;
    assert!(notice.contains("could not be"), "{notice}");
    assert_eq!(value(&b, &memory).await, "2048");
    b.close().await;
}
