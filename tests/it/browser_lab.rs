//! The lab notebook end to end in headless Chromium: every cell kind edited, run and drawn; a
//! lab's goals reached with its reference solution typed in; reset, reload and share links; an
//! infinite loop that ends as a timeout; learner text never read as HTML.
//!
//! The lab under test is written here, turned into its placeholder by the real preprocessor
//! (`transform_chapter`), and put in a page of the course site the browser tests build once, so
//! no second wasm build is needed and the course's own labs can change freely.
// A test drives real files, processes and sockets; the core's no-I/O rule is not for it.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use super::browser::Browser;

const WAIT: Duration = Duration::from_secs(120);
const PAGE: &str = "lambda/lab-e2e.html";
const LAB: &str = "cb-e2e";

/// A lab with every cell kind, goals on each, and a reference solution.
const LAB_MD: &str = r#"# Lab end to end

```lab
id = "cb-e2e"
title = "Every cell"
instructions = "Greet by name, store the greeting, and keep up with the load."
not_modelled = "Nothing here is real."
hints = ["Use `event.name`.", "The role needs `s3:PutObject`."]

[[cells]]
kind = "function"
name = "greet"
handler = '''
fn handler(event, context) {
    let name = if event.queryStringParameters != () { event.queryStringParameters.name } else { "you" };
    print(`Greeting ${name}`);
    try { s3_put("greetings", "hello.txt", `Hi, ${name}`); } catch (e) { print(`put failed: ${e}`); }
    #{ statusCode: 200, body: `Hi, ${name}` }
}
'''

[[cells]]
kind = "invoke"
function = "greet"
event = { name = "Kim" }

[[cells]]
kind = "api"
function = "greet"
route = "GET /hello"
request = { query = "name=Kim" }

[[cells]]
kind = "s3"
bucket = "uploads"
function = "greet"
prefix = "images/"
suffix = ".jpg"
put = { key = "images/cat.jpg", body = "meow" }

[[cells]]
kind = "schedule"
function = "greet"
expression = "rate(10 minutes)"
run_for = "1h"

[[cells]]
kind = "iam"
function = "greet"
probes = [{ action = "s3:PutObject", resource = "arn:aws:s3:::greetings/hello.txt" }]

[[cells]]
kind = "load"
function = "greet"
rps = 50.0
duration = "30s"

[[cells]]
kind = "tuning"
function = "greet"
memory = [128, 512, 1024]
runs = 2

[[goals]]
check = "response-contains"
cell = "api"
text = "Hello, Kim"

[[goals]]
check = "iam"
function = "greet"
action = "s3:PutObject"
resource = "arn:aws:s3:::greetings/hello.txt"
expect = "allow"

[[goals]]
check = "max-throttles"
cell = "load"
value = 0

[solution.greet]
handler = '''
fn handler(event, context) {
    let name = if event.queryStringParameters != () { event.queryStringParameters.name } else { "you" };
    print(`Greeting ${name}`);
    s3_put("greetings", "hello.txt", `Hello, ${name}`);
    #{ statusCode: 200, body: `Hello, ${name}` }
}
'''
policies = ['''{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::greetings/*"}]}''']
```
"#;

/// The lab block as the course would parse it (with its solution).
fn spec() -> cloudbook::lab::LabSpec {
    parse_lab_block("lab-e2e.md", LAB_MD)
}

/// The first lab block of chapter `md` as the course would parse it (with its solution).
pub(crate) fn parse_lab_block(name: &str, md: &str) -> cloudbook::lab::LabSpec {
    let block = md
        .split("```lab\n")
        .nth(1)
        .and_then(|r| r.split("\n```").next())
        .expect("a lab block");
    cloudbook::lab::parse_lab(name, block).unwrap_or_else(|d| panic!("the test lab parses: {d:?}"))
}

/// Writes the test page into the built site once: a course page with its `<main>` replaced by
/// the lab's placeholder, made by the real preprocessor.
async fn open_lab(b: &Browser, suffix: &str) {
    static WRITTEN: OnceLock<()> = OnceLock::new();
    WRITTEN.get_or_init(|| write_lab_page(PAGE, "lab-e2e.md", LAB_MD, "cloudbook-lab"));
    b.open(&format!("{PAGE}{suffix}")).await;
    b.wait_ready(".cloudbook-lab").await;
}

/// Writes a course page at `page` of the site the browser tests built, with its `<main>` replaced
/// by the placeholder (class `class`) the real preprocessor makes of the lab in `md`.
pub(crate) fn write_lab_page(page: &str, name: &str, md: &str, class: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = cloudbook::cli::build::wasm_target_dir(root).with_file_name("browser-site");
    let t = cloudbook::cli::preprocess::transform_chapter(name, md, &mut |_| Err("no quizzes".into()));
    assert!(t.diagnostics.is_empty(), "{:?}", t.diagnostics);
    let placeholder = t
        .content
        .lines()
        .find(|l| l.contains(&format!("class=\"{class}\"")))
        .unwrap_or_else(|| panic!("no {class} placeholder in {}", t.content));
    let built = std::fs::read_to_string(site.join("lambda/first-function.html")).expect("a built page");
    let (head, rest) = built.split_once("<main>").expect("mdBook pages have <main>");
    let (_, tail) = rest.split_once("</main>").expect("and </main>");
    std::fs::write(site.join(page), format!("{head}<main>{placeholder}</main>{tail}"))
        .expect("write the page");
}

/// Keeps every `cloudbook:lab` event's detail in `window.__labEvents`, for a test to read.
pub(crate) async fn record_lab_events(b: &Browser) {
    b.js("window.__labEvents = []; window.addEventListener('cloudbook:lab', e => window.__labEvents.push(e.detail));")
        .await;
}

/// Opens `url` as a first visit would (nothing saved) and waits for the widgets matching `root`.
pub(crate) async fn open_fresh(b: &Browser, url: &str, root: &str) {
    b.js("localStorage.clear()").await;
    b.client.goto("about:blank").await.expect("leave");
    b.client.goto(url).await.expect("open the page");
    b.wait_ready(root).await;
}

/// The load cell's invocations at `rps`, run natively by the same kernel (same seed, same count).
fn native_load_invocations(rps: f64) -> String {
    let spec = spec();
    let mut cells = spec.cells.clone();
    let index = cells.iter().position(|c| c.id == "load").expect("a load cell");
    if let cloudbook::lab::CellKind::Load { rps: r, .. } = &mut cells[index].kind {
        *r = rps;
    }
    // The page set the function's memory to 256 MB before.
    if let cloudbook::lab::CellKind::Function(f) = &mut cells[0].kind {
        f.memory_size = Some(256);
    }
    let mut nb = cloudbook::lab::Notebook::new(&spec);
    let mut run = nb
        .start_load(&cells, index)
        .unwrap_or_else(|_| panic!("the load starts"));
    while !run.advance(cloudbook::sim::SimDuration::from_secs(60), u64::MAX) {}
    let n = run.progress().totals.invocations;
    // As the page groups thousands.
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn cell(id: &str) -> String {
    format!(".cloudbook-lab [data-cloudbook-cell-id=\"{id}\"]")
}

async fn wait_for(b: &Browser, css: &str) {
    if let Err(e) = b.client.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        // Say what the lab showed instead.
        let lab = b
            .js("return document.querySelector('.cloudbook-lab').innerText")
            .await;
        panic!(
            "never appeared: {css}: {e}\nthe lab shows:\n{}",
            lab.as_str().unwrap_or("")
        );
    }
}

pub(crate) async fn count(b: &Browser, css: &str) -> u64 {
    b.client
        .execute(
            "return document.querySelectorAll(arguments[0]).length",
            vec![json!(css)],
        )
        .await
        .expect("script runs")
        .as_u64()
        .expect("a count")
}

async fn run_cell(b: &Browser, id: &str) {
    b.click(&format!("{} [data-cloudbook-action=\"run\"]", cell(id)))
        .await;
}

/// Waits until a cell's output holds `text`.
pub(crate) async fn wait_text(b: &Browser, css: &str, text: &str) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let got = b
            .client
            .execute(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : null",
                vec![json!(css)],
            )
            .await
            .expect("script runs");
        if let Some(s) = got.as_str()
            && s.contains(text)
        {
            return s.to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} never showed {text:?}; last: {got}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_cell_kind_is_edited_run_and_drawn() {
    let b = Browser::start().await;
    open_lab(&b, "").await;
    for kind in [
        "function", "invoke", "api", "s3", "schedule", "iam", "load", "tuning",
    ] {
        assert_eq!(
            count(&b, &format!(".cloudbook-lab [data-cloudbook-cell=\"{kind}\"]")).await,
            1,
            "{kind}"
        );
    }
    for action in ["run-all", "reset", "share", "hint"] {
        assert_eq!(
            count(
                &b,
                &format!(".cloudbook-lab [data-cloudbook-action=\"{action}\"]")
            )
            .await,
            1,
            "{action}"
        );
    }
    // Nothing ran yet: goals on cells are pending; the IAM goal judges the role as it is.
    assert_eq!(
        count(&b, ".cloudbook-lab [data-cloudbook-goal=\"fail\"]").await,
        1
    );
    assert_eq!(
        count(&b, ".cloudbook-lab [data-cloudbook-goal=\"pending\"]").await,
        2
    );

    // Function: a configuration AWS refuses is reported before anything runs.
    b.set_value(
        &format!("{} [data-cloudbook-field=\"memory\"]", cell("greet")),
        "64",
    )
    .await;
    let said = wait_text(&b, &format!("{} [data-cloudbook-config]", cell("greet")), "emory").await;
    assert!(said.contains("128"), "AWS's limit is named: {said}");
    b.set_value(
        &format!("{} [data-cloudbook-field=\"memory\"]", cell("greet")),
        "256",
    )
    .await;
    run_cell(&b, "greet").await;
    wait_text(&b, &format!("{} .cb-cell-output", cell("greet")), "version").await;

    // Invoke: edit the event, run: response, logs, badge, bill.
    b.set_value(
        &format!("{} [data-cloudbook-field=\"event\"]", cell("invoke")),
        r#"{"queryStringParameters": {"name": "Ana"}}"#,
    )
    .await;
    run_cell(&b, "invoke").await;
    wait_text(&b, &format!("{} .cb-response", cell("invoke")), "Hi, Ana").await;
    let logs = b.text(&format!("{} .cb-logs", cell("invoke"))).await;
    assert!(
        logs.contains("START RequestId") && logs.contains("Greeting Ana") && logs.contains("REPORT"),
        "{logs}"
    );
    assert_eq!(
        b.text(&format!("{} [data-cloudbook-start]", cell("invoke")))
            .await,
        "Cold start"
    );
    run_cell(&b, "invoke").await;
    wait_text(&b, &format!("{} [data-cloudbook-start]", cell("invoke")), "Warm").await;

    // API: the HTTP response as the client sees it.
    b.set_value(
        &format!("{} [data-cloudbook-field=\"query\"]", cell("api")),
        "name=Lee",
    )
    .await;
    run_cell(&b, "api").await;
    wait_text(&b, &format!("{} .cb-http-response", cell("api")), "Hi, Lee").await;
    assert_eq!(
        b.text(&format!("{} [data-cloudbook-status]", cell("api"))).await,
        "200"
    );

    // S3: a key outside the filter is not delivered, and says why; a matching one is.
    b.set_value(
        &format!("{} [data-cloudbook-field=\"putkey\"]", cell("s3")),
        "docs/a.txt",
    )
    .await;
    run_cell(&b, "s3").await;
    wait_text(&b, &format!("{} .cb-s3", cell("s3")), "Not delivered").await;
    b.set_value(
        &format!("{} [data-cloudbook-field=\"putkey\"]", cell("s3")),
        "images/dog.jpg",
    )
    .await;
    run_cell(&b, "s3").await;
    wait_text(&b, &format!("{} .cb-s3", cell("s3")), "Delivered:").await;

    // Schedule: fires over the fast-forwarded hour, and the next fire times.
    run_cell(&b, "schedule").await;
    let sched = wait_text(&b, &format!("{} .cb-schedule", cell("schedule")), "fired").await;
    assert!(!sched.contains("fired 0 time"), "{sched}");
    assert!(sched.contains("Next fire times"), "{sched}");

    // IAM: the handler's put is denied by the default role, and the probe says so too.
    run_cell(&b, "iam").await;
    wait_for(
        &b,
        &format!("{} [data-cloudbook-decision=\"denied\"]", cell("iam")),
    )
    .await;

    // Load: charts with role=img and a table, totals.
    b.set_value(&format!("{} [data-cloudbook-field=\"rps\"]", cell("load")), "20")
        .await;
    run_cell(&b, "load").await;
    wait_for(
        &b,
        &format!("{} [data-cloudbook-load=\"finished\"]", cell("load")),
    )
    .await;
    assert_eq!(
        count(&b, &format!("{} svg[role=\"img\"][aria-label]", cell("load"))).await,
        4
    );
    assert_eq!(
        count(&b, &format!("{} .cb-chart-table table", cell("load"))).await,
        4
    );
    // Pacing after the run: nothing to play, pause or step, said with aria-disabled on buttons
    // that stay focusable (a `disabled` button would drop keyboard focus to the page).
    let pacing = b
        .js(&format!(
            "const bs = [...document.querySelectorAll('{} .cb-pacing button')];
             const pause = bs.find(x => x.dataset.cloudbookAction === 'pause');
             pause.focus(); pause.click();
             return [bs.map(x => x.dataset.cloudbookAction + '=' + x.getAttribute('aria-disabled') + (x.disabled ? ' disabled' : '')).join(' '),
                     document.activeElement === pause];",
            cell("load").replace('\'', "\\'")
        ))
        .await;
    assert_eq!(
        pacing,
        serde_json::json!(["play=true pause=true step=true", true]),
        "the finished run's pacing buttons"
    );
    let totals = b.text(&format!("{} .cb-totals", cell("load"))).await;
    let native = native_load_invocations(20.0);
    assert!(
        totals.contains(&format!("Invocations: {native}")),
        "wasm and native agree on {native}: {totals}"
    );

    // Tuning: the chart marks the cheapest and the fastest.
    run_cell(&b, "tuning").await;
    wait_for(&b, &format!("{} [data-cloudbook-cheapest]", cell("tuning"))).await;
    assert!(count(&b, &format!("{} .cb-mark", cell("tuning"))).await >= 2);
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reference_solution_typed_in_reaches_every_goal_once() {
    let spec = spec();
    let b = Browser::start().await;
    open_lab(&b, "").await;
    record_lab_events(&b).await;
    // Type the solution in: the handler into the editor, the policies into the form.
    for (start, solved) in spec.cells.iter().zip(&spec.solution) {
        if let (cloudbook::lab::CellKind::Function(a), cloudbook::lab::CellKind::Function(s)) =
            (&start.kind, &solved.kind)
        {
            if a.handler != s.handler {
                let handler = s.handler.clone().unwrap_or_default();
                b.set_value(
                    &format!("{} textarea.cb-code", cell(&solved.id)),
                    handler.trim_end(),
                )
                .await;
            }
            if a.policies != s.policies {
                let text = serde_json::to_string_pretty(&s.policies).expect("json");
                b.set_value(
                    &format!("{} [data-cloudbook-field=\"policies\"]", cell(&solved.id)),
                    &text,
                )
                .await;
            }
        }
    }
    b.click(".cloudbook-lab [data-cloudbook-action=\"run-all\"]")
        .await;
    wait_for(&b, ".cloudbook-lab .cb-lab-passed").await;
    assert_eq!(
        count(&b, ".cloudbook-lab [data-cloudbook-goal=\"pass\"]").await,
        3
    );
    let all = b.text(".cloudbook-lab").await;
    assert_eq!(all.matches("All goals reached").count(), 1, "one verdict: {all}");
    assert_eq!(b.js("return window.__labEvents").await, json!([LAB]));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_survive_a_reload_reset_restores_and_a_link_carries_the_state() {
    let b = Browser::start().await;
    open_lab(&b, "").await;
    let editor = format!("{} textarea.cb-code", cell("greet"));
    let edited = "fn handler(event, context) { \"edited\" }";
    b.set_value(&editor, edited).await;
    b.click(".cloudbook-lab [data-cloudbook-action=\"hint\"]").await;
    wait_for(&b, ".cloudbook-lab [data-cloudbook-hint=\"0\"]").await;

    b.client.refresh().await.expect("reload");
    b.wait_ready(".cloudbook-lab").await;
    let value = b
        .js(&format!(
            "return document.querySelector('{}').value",
            editor.replace('"', "\\\"")
        ))
        .await;
    assert_eq!(value, json!(edited));
    wait_for(&b, ".cloudbook-lab [data-cloudbook-hint=\"0\"]").await;

    // Share: the link restores the edit in a browser that has nothing saved.
    b.click(".cloudbook-lab [data-cloudbook-action=\"share\"]").await;
    wait_for(&b, ".cloudbook-lab [data-cloudbook-share]").await;
    let link = b
        .js("return document.querySelector('[data-cloudbook-share]').value")
        .await;
    let link = link.as_str().expect("a link").to_string();
    assert!(link.contains(&format!("#cb-lab={LAB}.")), "{link}");

    // Reset: the starting code again, in the page and in storage.
    b.click(".cloudbook-lab [data-cloudbook-action=\"reset\"]").await;
    let value = b
        .js(&format!(
            "return document.querySelector('{}').value",
            editor.replace('"', "\\\"")
        ))
        .await;
    assert!(value.as_str().is_some_and(|v| v.contains("Greeting")), "{value}");

    open_fresh(&b, &link, ".cloudbook-lab").await;
    let value = b
        .js(&format!(
            "return document.querySelector('{}').value",
            editor.replace('"', "\\\"")
        ))
        .await;
    assert_eq!(value, json!(edited));
    wait_for(&b, ".cloudbook-lab [data-cloudbook-notice]").await;
    // The link is applied once: the fragment is gone, so a reload keeps later edits.
    assert_eq!(b.js("return location.hash").await, json!(""));

    // A broken link resets with a notice, never a broken page.
    open_fresh(
        &b,
        &format!("{}{PAGE}#cb-lab={LAB}.@@not-base64@@", b.base),
        ".cloudbook-lab",
    )
    .await;
    let notice = b.text(".cloudbook-lab [data-cloudbook-notice]").await;
    assert!(notice.contains("could not be"), "{notice}");
    let value = b
        .js(&format!(
            "return document.querySelector('{}').value",
            editor.replace('"', "\\\"")
        ))
        .await;
    assert!(value.as_str().is_some_and(|v| v.contains("Greeting")), "{value}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_infinite_loop_times_out_and_learner_text_stays_text() {
    let b = Browser::start().await;
    open_lab(&b, "").await;
    let editor = format!("{} textarea.cb-code", cell("greet"));
    b.set_value(&editor, "fn handler(event, context) {\n    loop { }\n}")
        .await;
    run_cell(&b, "invoke").await;
    wait_text(
        &b,
        &format!("{} .cb-cell-output", cell("invoke")),
        "Task timed out after 3.00 seconds",
    )
    .await;
    // The page still answers: a hint opens.
    b.click(".cloudbook-lab [data-cloudbook-action=\"hint\"]").await;
    wait_for(&b, ".cloudbook-lab [data-cloudbook-hint=\"0\"]").await;

    b.set_value(
        &editor,
        "fn handler(event, context) {\n    print(\"<b>log</b>\");\n    #{ statusCode: 200, body: \"<b>bold</b><img src=x onerror=alert(1)>\" }\n}",
    )
    .await;
    run_cell(&b, "invoke").await;
    let response = wait_text(&b, &format!("{} .cb-response", cell("invoke")), "<b>bold</b>").await;
    assert!(response.contains("<img src=x"), "{response}");
    assert!(
        b.text(&format!("{} .cb-logs", cell("invoke")))
            .await
            .contains("<b>log</b>")
    );
    run_cell(&b, "api").await;
    wait_text(&b, &format!("{} .cb-http-response", cell("api")), "<b>bold</b>").await;
    assert_eq!(
        count(
            &b,
            ".cloudbook-lab .cb-cell-output b, .cloudbook-lab .cb-cell-output img"
        )
        .await,
        0
    );
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_editor_indents_with_tab_and_lets_go_after_esc() {
    use fantoccini::key::Key;
    let b = Browser::start().await;
    open_lab(&b, "").await;
    let editor = format!("{} textarea.cb-code", cell("greet"));
    b.set_value(&editor, "x").await;
    b.js(&format!(
        "const t = document.querySelector('{}'); t.focus(); t.setSelectionRange(0, 0);",
        editor.replace('"', "\\\"")
    ))
    .await;
    let area = b.client.find(Locator::Css(&editor)).await.expect("the editor");
    area.send_keys(&String::from(char::from(Key::Tab)))
        .await
        .expect("Tab");
    let value = b
        .js(&format!(
            "return document.querySelector('{}').value",
            editor.replace('"', "\\\"")
        ))
        .await;
    assert_eq!(value, json!("    x"), "Tab indents");
    area.send_keys(&format!("{}{}", char::from(Key::Escape), char::from(Key::Tab)))
        .await
        .expect("Esc, Tab");
    let focused = b
        .js("return document.activeElement.tagName + ':' + (document.activeElement.className || '')")
        .await;
    assert_ne!(
        focused,
        json!("TEXTAREA:cb-code"),
        "Esc then Tab leaves the editor"
    );
    let value = b
        .js(&format!(
            "return document.querySelector('{}').value",
            editor.replace('"', "\\\"")
        ))
        .await;
    assert_eq!(value, json!("    x"), "and does not indent");
    b.close().await;
}
