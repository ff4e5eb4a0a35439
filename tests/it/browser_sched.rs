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
use std::time::{Duration, Instant};

use fantoccini::key::Key;
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

/// The relative lightness (0 black, 1 white) of a computed `rgb(r, g, b)` colour.
fn lightness(css: &str) -> f64 {
    let channels: Vec<f64> = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .take(3)
        .map(|c| {
            c.trim()
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("not an rgb colour: {css}"))
        })
        .collect();
    assert_eq!(channels.len(), 3, "not an rgb colour: {css}");
    (0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]) / 255.0
}

#[test]
fn lightness_tells_dark_from_light() {
    assert!(lightness("rgb(255, 255, 255)") > 0.99);
    assert!(lightness("rgb(0, 0, 0)") < 0.01);
    // navy's --bg and its old input background (--searchbar-bg)
    assert!(lightness("rgb(22, 25, 35)") < 0.3);
    assert!(lightness("rgb(174, 174, 198)") > 0.3);
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
    // All five themes: bars, chips, buttons and form controls take mdBook's theme variables.
    let controls = [
        format!("{} [data-cloudbook-field=\"cpu\"]", cell("fargate")),
        format!("{} select[data-cloudbook-field=\"os\"]", cell("fargate")),
        format!("{} [data-cloudbook-field=\"timeline\"]", cell("cluster")),
        format!("{} textarea[data-cloudbook-field=\"load\"]", cell("apprunner")),
    ];
    let mut fills = Vec::new();
    let mut inputs = Vec::new();
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
                 const paper = document.createElement('span');
                 paper.style.backgroundColor = 'var(--bg)';
                 document.querySelector(arguments[1]).appendChild(paper);
                 const bg = css(paper).backgroundColor; paper.remove();
                 const controls = arguments[2].map(c => document.querySelector(c)).map(e => css(e));
                 return { links, fill: css(document.querySelector(arguments[1] + ' .cb-fill')).backgroundColor,
                          chip: css(document.querySelector(arguments[1] + ' .cb-chip.cb-g0')).borderTopColor,
                          page: css(document.body).color, button: css(button).color,
                          buttonBg: css(button).backgroundColor, bg,
                          controlBg: controls.map(c => c.backgroundColor), controlFg: controls.map(c => c.color),
                          accent: controls.map(c => c.accentColor) };",
                vec![json!(theme), json!(cell("cluster")), json!(controls)],
            )
            .await
            .expect("script runs");
        assert_eq!(c["fill"], c["links"], "{theme}: bars follow the theme");
        assert_eq!(c["chip"], c["links"], "{theme}: chips follow the theme");
        assert_eq!(c["button"], c["page"], "{theme}: buttons follow the theme");
        assert_ne!(c["button"], c["buttonBg"], "{theme}: buttons are readable");
        // Inputs, selects, the range and text areas sit on the page's paper in the page's ink
        // (mdBook's search-bar colours, which they once took, stay light in coal and navy).
        for (k, css) in controls.iter().enumerate() {
            assert_eq!(
                c["controlBg"][k], c["bg"],
                "{theme}: {css} has the theme's background"
            );
            assert_eq!(
                c["controlFg"][k], c["page"],
                "{theme}: {css} has the theme's text colour"
            );
            assert_eq!(
                c["accent"][k], c["links"],
                "{theme}: {css} is marked in the theme's colour"
            );
        }
        let background = c["controlBg"][0].as_str().unwrap_or_default().to_string();
        let dark = matches!(theme, "coal" | "navy" | "ayu");
        assert_eq!(
            lightness(&background) < 0.3,
            dark,
            "{theme}: a form input's background {background} is {} in a {} theme",
            if dark { "light" } else { "dark" },
            if dark { "dark" } else { "light" }
        );
        fills.push(c["fill"].clone());
        inputs.push((theme, background));
    }
    fills.dedup();
    assert!(fills.len() >= 3, "the themes really changed the bars: {fills:?}");
    let of = |name: &str| inputs.iter().find(|(t, _)| *t == name).map(|(_, bg)| bg.clone());
    assert_ne!(of("light"), of("navy"), "a form input changes from light to navy");
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
        &format!("{scope} [data-cloudbook-action=\"play\"][aria-disabled=\"false\"]"),
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

/// The keys of a chord or sequence as WebDriver sends them; `Key::Null` lets go of modifiers.
fn keys(ks: &[Key]) -> String {
    ks.iter().map(|k| char::from(*k)).collect()
}

/// Sends `keys` to whatever has focus, as a keyboard does.
async fn press(b: &Browser, keys: &str) {
    b.client
        .active_element()
        .await
        .expect("an element has focus")
        .send_keys(keys)
        .await
        .expect("keys are sent");
}

/// Whether the focused element matches `css`, and a short description of it.
async fn focus_matches(b: &Browser, css: &str) -> (bool, String) {
    let got = b
        .client
        .execute(
            "const e = document.activeElement;
             if (!e || e === document.body) return [false, 'the page itself (focus was lost)'];
             return [e.matches(arguments[0]), e.outerHTML.slice(0, 200)];",
            vec![json!(css)],
        )
        .await
        .expect("script runs");
    (
        got[0].as_bool().unwrap_or(false),
        got[1].as_str().unwrap_or_default().to_string(),
    )
}

/// Waits until focus is on `css`; fails naming where it is instead. Call it after waiting for
/// what a key press changes, so that a re-render which drops focus has happened.
async fn focus_is(b: &Browser, css: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (there, at) = focus_matches(b, css).await;
        if there {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: focus should be on {css}, is on {at}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Presses Tab (Shift+Tab `backwards`) until focus is on `css`, leaving code editors the way
/// their hint says (Esc first). Focus must stay in the lab on the way.
async fn tab_until(b: &Browser, css: &str, backwards: bool) {
    for _ in 0..150 {
        let (there, at) = focus_matches(b, css).await;
        if there {
            return;
        }
        let (in_lab, _) = focus_matches(b, &format!("{ROOT} *")).await;
        assert!(in_lab, "on the way to {css} focus left the lab: {at}");
        let (in_editor, _) = focus_matches(b, "textarea.cb-code").await;
        let mut k = Vec::new();
        if in_editor {
            k.push(Key::Escape);
        }
        if backwards {
            k.push(Key::Shift);
        }
        k.push(Key::Tab);
        press(b, &keys(&k)).await;
    }
    panic!("{css} was not reached in 150 presses of Tab");
}

/// Waits until the control at `css` has a value containing `text`.
async fn wait_value(b: &Browser, css: &str, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let got = value(b, css).await;
        if got.contains(text) {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never held {text:?}; last: {got}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The text of the live region (`aria-live`, `role="status"` or `role="alert"`) that holds the
/// element at `css`, or `None` when no live region holds it: screen readers would not hear it.
async fn live_text(b: &Browser, css: &str) -> Option<String> {
    b.client
        .execute(
            "const e = document.querySelector(arguments[0]);
             const live = e && e.closest('[aria-live]:not([aria-live=\"off\"]),[role=\"status\"],[role=\"alert\"]');
             return live ? live.textContent : null;",
            vec![json!(css)],
        )
        .await
        .expect("script runs")
        .as_str()
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_keyboard_alone_runs_steps_edits_reaches_the_goals_and_opens_a_hint() {
    let tab = keys(&[Key::Tab]);
    let shift_tab = keys(&[Key::Shift, Key::Tab]);
    let enter = keys(&[Key::Enter]);
    let b = Browser::start().await;
    open_lab(&b, "").await;
    open_fresh(&b, &format!("{}{PAGE}", b.base), ROOT).await;
    let scope = cell("cluster");
    let run = format!("{scope} [data-cloudbook-action=\"run\"]");
    let editor = format!("{scope} textarea[data-cloudbook-field=\"scenario\"]");
    let summary = format!("{scope} details.cb-config > summary");
    let step_at = |k: &str| format!("{scope} [data-cloudbook-step=\"{k}\"]");
    let stepper = |action: &str| format!("{scope} .cb-steps [data-cloudbook-action=\"{action}\"]");
    let verdict = format!("{ROOT} [data-cloudbook-verdict][role=\"status\"]");
    let announce = format!("{ROOT} [data-cloudbook-announce]");

    // The walk starts where Tab enters the lab from the chapter: the top of its text (this page
    // is the lab alone). Focusing it is the one step not done with keys.
    b.js("const m = document.querySelector('main'); m.tabIndex = -1; m.focus();")
        .await;
    focus_is(&b, "main", "the start").await;
    for action in ["run-all", "reset", "share", "hint"] {
        press(&b, &tab).await;
        focus_is(
            &b,
            &format!("{ROOT} .cb-toolbar [data-cloudbook-action=\"{action}\"]"),
            "the toolbar",
        )
        .await;
    }
    press(&b, &tab).await;
    focus_is(&b, &run, "after the toolbar, the scenario cell's Run button").await;

    // Enter runs the scenario; the run is announced and focus stays on Run.
    press(&b, &enter).await;
    wait_text(&b, &stepper("first"), "").await;
    focus_is(&b, &run, "Run after running").await;
    let said = live_text(&b, &announce)
        .await
        .expect("the announcement is a live region");
    assert!(said.contains("cluster"), "{said}");
    let not_yet = wait_text(&b, &verdict, "").await;

    // Typing a mistake into the TOML editor and Ctrl+Enter: an alert and the diagnostic, read
    // out; Backspace and Ctrl+Enter run it again. Focus stays in the editor.
    press(&b, &tab).await;
    focus_is(&b, &editor, "after Run, the scenario editor").await;
    press(&b, &keys(&[Key::Control, Key::Home, Key::Null])).await;
    press(&b, "x").await;
    press(&b, &keys(&[Key::Control, Key::Enter])).await;
    wait_text(&b, &format!("{scope} .cb-cell-error[role=\"alert\"]"), "").await;
    let diag = live_text(&b, &format!("{scope} [data-cloudbook-diagnostic]"))
        .await
        .expect("diagnostics are a live region");
    assert!(diag.starts_with("1:"), "the mistake is on line 1: {diag}");
    focus_is(&b, &editor, "the editor after Ctrl+Enter").await;
    press(&b, &keys(&[Key::Backspace])).await;
    press(&b, &keys(&[Key::Control, Key::Enter])).await;
    wait_text(&b, &stepper("first"), "").await;
    assert_eq!(count(&b, &format!("{scope} [role=\"alert\"]")).await, 0);

    // Esc, then Tab, leaves the editor for "Common edits", which Enter opens; Tab walks its
    // fields in the core's order to the desired count, typed over, and Tab commits it.
    press(&b, &keys(&[Key::Escape, Key::Tab])).await;
    focus_is(&b, &summary, "Esc, Tab: out of the editor to the form").await;
    press(&b, &enter).await;
    wait_text(&b, &format!("{scope} details.cb-config[open]"), "").await;
    focus_is(&b, &summary, "the form's summary after opening it").await;
    let scenario = match &spec().cells[0].kind {
        cloudbook::lab::CellKind::Scenario { scenario } => scenario.clone(),
        other => panic!("the first cell is the scenario: {other:?}"),
    };
    let fields = cloudbook::lab::scenario_form(&scenario);
    let field_at = |k: usize| format!("{scope} [data-cloudbook-field=\"form:{}\"]", fields[k].key);
    let desired = fields
        .iter()
        .position(|f| f.key == "service.0.desired_count")
        .expect("the form has the desired count");
    for k in 0..=desired {
        press(&b, &tab).await;
        focus_is(&b, &field_at(k), "Tab through the form").await;
    }
    let mut typing = vec![Key::End];
    typing.extend(std::iter::repeat_n(Key::Backspace, fields[desired].value.len()));
    press(&b, &keys(&typing)).await;
    press(&b, "2").await;
    press(&b, &tab).await;
    wait_value(&b, &editor, "desired_count = 2").await;
    let after = if desired + 1 < fields.len() {
        field_at(desired + 1)
    } else {
        stepper("first")
    };
    focus_is(&b, &after, "Tab out of the edited field").await;

    // Shift+Tab back through the form and out of the editor (Esc first) to Run; Enter re-runs
    // and the goals' verdict, a status, changes.
    for k in (0..=desired).rev() {
        press(&b, &shift_tab).await;
        focus_is(&b, &field_at(k), "Shift+Tab back through the form").await;
    }
    press(&b, &shift_tab).await;
    focus_is(&b, &summary, "Shift+Tab to the summary").await;
    press(&b, &shift_tab).await;
    focus_is(&b, &editor, "Shift+Tab into the editor").await;
    press(&b, &keys(&[Key::Escape, Key::Shift, Key::Tab])).await;
    focus_is(&b, &run, "Esc, Shift+Tab: out of the editor to Run").await;
    press(&b, &enter).await;
    wait_text(&b, &format!("{ROOT} [data-cloudbook-goal=\"pass\"]"), "").await;
    let half_way = wait_text(&b, &verdict, "").await;
    assert_ne!(half_way, not_yet, "the verdict changed");
    focus_is(&b, &run, "Run after running again").await;

    // The step-through: Enter on First, Step and Back keeps focus where it was even when the
    // button can no longer act; each position is announced.
    press(&b, &tab).await;
    focus_is(&b, &editor, "Run, Tab: the editor").await;
    press(&b, &keys(&[Key::Escape, Key::Tab])).await;
    focus_is(&b, &summary, "Esc, Tab: the form's summary").await;
    press(&b, &enter).await;
    wait_text(&b, &format!("{scope} details.cb-config:not([open])"), "").await;
    press(&b, &tab).await;
    focus_is(&b, &stepper("first"), "past the closed form, the step-through").await;
    press(&b, &enter).await;
    wait_text(&b, &step_at("0"), "").await;
    focus_is(&b, &stepper("first"), "First after going to the first decision").await;
    let position = live_text(&b, &format!("{scope} .cb-step-pos"))
        .await
        .expect("the position is a live region");
    assert!(position.contains("Decision 1 of"), "{position}");
    press(&b, &tab).await;
    focus_is(
        &b,
        &format!("{}[aria-disabled=\"true\"]", stepper("back")),
        "Back, unavailable at the first decision",
    )
    .await;
    press(&b, &tab).await;
    focus_is(&b, &stepper("step"), "Step").await;
    press(&b, &enter).await;
    wait_text(&b, &step_at("1"), "").await;
    focus_is(&b, &stepper("step"), "Step after stepping").await;
    press(&b, &shift_tab).await;
    focus_is(&b, &stepper("back"), "Shift+Tab: Back").await;
    press(&b, &enter).await;
    wait_text(&b, &step_at("0"), "").await;
    focus_is(
        &b,
        &stepper("back"),
        "Back after stepping back to the first decision",
    )
    .await;
    for action in ["step", "play", "pause", "last"] {
        press(&b, &tab).await;
        focus_is(&b, &stepper(action), "the step-through's buttons").await;
    }
    // Arrow keys: the speed select, then the timeline.
    let speed = format!("{scope} [data-cloudbook-field=\"speed\"]");
    let before = value(&b, &speed).await;
    press(&b, &tab).await;
    focus_is(&b, &speed, "the speed select").await;
    press(&b, &keys(&[Key::Down])).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while value(&b, &speed).await == before {
        assert!(
            Instant::now() < deadline,
            "ArrowDown did not change the speed from {before}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    focus_is(&b, &speed, "the speed select after choosing").await;
    let timeline = format!("{scope} [data-cloudbook-field=\"timeline\"]");
    press(&b, &tab).await;
    focus_is(&b, &timeline, "the timeline").await;
    press(&b, &keys(&[Key::Right])).await;
    wait_text(&b, &step_at("1"), "").await;
    focus_is(&b, &timeline, "the timeline after ArrowRight").await;
    press(&b, &keys(&[Key::End])).await;
    let end = b
        .client
        .execute(
            "return document.querySelector(arguments[0]).max",
            vec![json!(timeline)],
        )
        .await
        .expect("script runs");
    let end = end.as_str().expect("the timeline's end").to_string();
    wait_text(&b, &step_at(&end), "").await;
    focus_is(&b, &timeline, "the timeline after End").await;
    let position = live_text(&b, &format!("{scope} .cb-step-pos"))
        .await
        .unwrap_or_default();
    assert!(position.contains(&format!("After all {end}")), "{position}");

    // On to the Fargate cell, whose goal is the other one: Enter reaches all goals.
    let fargate_run = format!("{} [data-cloudbook-action=\"run\"]", cell("fargate"));
    tab_until(&b, &fargate_run, false).await;
    press(&b, &enter).await;
    let reached = wait_text(&b, &verdict, "All goals reached").await;
    assert_ne!(reached, half_way);
    assert_eq!(
        count(&b, &format!("{ROOT} [data-cloudbook-goal=\"pass\"]")).await,
        2
    );
    focus_is(&b, &fargate_run, "the Fargate cell's Run after running").await;

    // Back up to the toolbar's Hint button: Enter opens the hint and focus moves onto it, so it
    // is read out (the button, with no hint left, is disabled).
    let hint = format!("{ROOT} .cb-toolbar [data-cloudbook-action=\"hint\"]");
    tab_until(&b, &hint, true).await;
    press(&b, &enter).await;
    let shown = wait_text(
        &b,
        &format!("{ROOT} [data-cloudbook-hint=\"0\"]"),
        "Raise the desired count",
    )
    .await;
    assert!(shown.contains("Hint 1"), "{shown}");
    focus_is(
        &b,
        &format!("{ROOT} [data-cloudbook-hint=\"0\"]"),
        "the hint just opened",
    )
    .await;
    assert_eq!(count(&b, &format!("{hint}:disabled")).await, 1);
    b.close().await;
}
