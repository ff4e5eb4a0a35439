//! Lab page timings in headless Chromium: the time from navigation to `data-cloudbook-ready`
//! on a lab page, and the longest main-thread task (PerformanceObserver `longtask`, tasks over
//! 50 ms) while the page runs a 10-minute load at 1,000 requests per second and draws it; then,
//! on a container lab page, the longest task while a 100-task scenario on 30 instances runs and
//! draws, and while its placement step-through steps, plays and jumps.
//! It measures and prints; it asserts nothing.
//!
//! Usage: `cargo run --release --example lab_timing -- <built site dir>` after `cloudbook build
//! --out <built site dir>`. It writes `lambda/lab-timing.html` into the site: a course page whose
//! `<main>` is the lab below, turned into its placeholder by the real preprocessor (and
//! `containers/sched-timing.html` for the container lab).
// A program, not the core: reading its environment, files and starting processes is its job.
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Locator;

#[path = "support/headless.rs"]
mod headless;
#[path = "support/sched_lab.rs"]
mod sched_lab;

const LAB_MD: &str = r#"# Timing

```lab
id = "cb-timing"
title = "Ten minutes at 1,000 requests per second"
not_modelled = "Timing only."

[[cells]]
kind = "function"
name = "work"
handler = '''
fn handler(event, context) { cpu(50); #{ statusCode: 200 } }
'''

[[cells]]
kind = "load"
function = "work"
rps = 1000.0
duration = "10m"

[[goals]]
check = "max-throttles"
cell = "load"
value = 0

[solution.load]
rps = 1000.0
```
"#;

/// Turns `md` into a course page at `site/<name>`: the built `template` page with its `<main>`
/// replaced by the lab's placeholder (`class`), as the real preprocessor writes it.
fn write_page(site: &str, template: &str, name: &str, md: &str, class: &str) {
    let t = cloudbook::cli::preprocess::transform_chapter(name, md, &mut |_| Err("no quizzes".into()));
    assert!(t.diagnostics.is_empty(), "{:?}", t.diagnostics);
    let marker = format!("class=\"{class}\"");
    let placeholder = t
        .content
        .lines()
        .find(|l| l.contains(&marker))
        .expect("placeholder");
    let page = std::fs::read_to_string(Path::new(site).join(template)).expect("a built course page");
    let (head, rest) = page.split_once("<main>").expect("<main>");
    let (_, tail) = rest.split_once("</main>").expect("</main>");
    std::fs::write(
        Path::new(site).join(name),
        format!("{head}<main>{placeholder}</main>{tail}"),
    )
    .expect("write the page");
}

/// Starts collecting long tasks (over 50 ms) in `window.__long`, from now on.
const OBSERVE_LONG_TASKS: &str = "window.__long = []; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask' });";

/// The long tasks collected since [`OBSERVE_LONG_TASKS`] (or the last reset), and resets them.
async fn take_long_tasks(client: &fantoccini::Client) -> Vec<f64> {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let v = client
        .execute("const l = window.__long; window.__long = []; return l", vec![])
        .await
        .expect("script");
    v.as_array()
        .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
        .unwrap_or_default()
}

fn longest(tasks: &[f64]) -> f64 {
    tasks.iter().copied().fold(0.0, f64::max)
}

#[tokio::main]
async fn main() {
    let site = std::env::args()
        .nth(1)
        .expect("usage: lab_timing <built site dir>");
    write_page(
        &site,
        "lambda/first-function.html",
        "lambda/lab-timing.html",
        LAB_MD,
        "cloudbook-lab",
    );
    write_page(
        &site,
        "containers/orchestration.html",
        "containers/sched-timing.html",
        &format!("# Timing\n\n```lab\n{}```\n", sched_lab::block(100)),
        "cloudbook-sched",
    );

    let h = headless::Headless::start(&site, &["--window-size=1200,900"]).await;
    let (client, base) = (h.client.clone(), h.base.clone());
    client
        .goto(&format!("{base}lambda/lab-timing.html"))
        .await
        .expect("page");
    client
        .wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css(".cloudbook-lab[data-cloudbook-ready=\"true\"]"))
        .await
        .expect("the lab gets ready");
    let ready = client
        .execute("const m = performance.getEntriesByName('cloudbook-ready'); return m.length ? m[0].startTime : null", vec![])
        .await
        .expect("script");
    client
        .execute(
            "window.__long = []; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__long.push(e.duration); })
               .observe({ type: 'longtask', buffered: true });
             window.__runStart = performance.now();",
            vec![],
        )
        .await
        .expect("observer");
    let before = client
        .execute("return window.__long.slice()", vec![])
        .await
        .expect("script");
    client
        .execute("window.__long = []; document.querySelector('[data-cloudbook-cell=\"load\"] [data-cloudbook-action=\"run\"]').click()", vec![])
        .await
        .expect("start the load");
    let started = Instant::now();
    client
        .wait()
        .at_most(Duration::from_secs(3600))
        .for_element(Locator::Css("[data-cloudbook-load=\"finished\"]"))
        .await
        .expect("the load run finishes");
    let wall = started.elapsed();
    // Let the last frame's observer callbacks run.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let long = client
        .execute("return window.__long", vec![])
        .await
        .expect("script");
    let totals = client
        .execute(
            "return document.querySelector('[data-cloudbook-cell=\"load\"] .cb-totals').textContent",
            vec![],
        )
        .await
        .expect("totals");
    let durations: Vec<f64> = long
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
        .unwrap_or_default();
    let load_longest = longest(&durations);
    println!(
        "time to data-cloudbook-ready: {} ms after navigation start",
        ready
    );
    println!("long tasks while loading the page: {before}");
    println!(
        "load run (1,000 rps for 10 simulated minutes): {:.1} s of wall time",
        wall.as_secs_f64()
    );
    println!(
        "long tasks (> 50 ms) during the run: {}; longest: {load_longest:.0} ms",
        durations.len()
    );
    println!("totals: {}", totals.as_str().unwrap_or(""));

    client
        .goto(&format!("{base}containers/sched-timing.html"))
        .await
        .expect("page");
    client
        .wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css(".cloudbook-sched[data-cloudbook-ready=\"true\"]"))
        .await
        .expect("the container lab gets ready");
    client
        .execute(OBSERVE_LONG_TASKS, vec![])
        .await
        .expect("observer");
    let started = Instant::now();
    client
        .execute("document.querySelector('[data-cloudbook-cell=\"scenario\"] [data-cloudbook-action=\"run\"]').click()", vec![])
        .await
        .expect("run the scenario");
    client
        .wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css("[data-cloudbook-step]"))
        .await
        .expect("the step-through appears");
    let run_wall = started.elapsed();
    let run_long = take_long_tasks(&client).await;
    let started = Instant::now();
    client
        .execute("const b = document.querySelector('[data-cloudbook-action=\"first\"]'); if (!b.disabled) b.click();", vec![])
        .await
        .expect("first");
    for _ in 0..30 {
        client
            .execute(
                "document.querySelector('[data-cloudbook-action=\"step\"]').click()",
                vec![],
            )
            .await
            .expect("step");
    }
    let step_wall = started.elapsed();
    let step_long = take_long_tasks(&client).await;
    client
        .execute(
            "const r = document.querySelector('[data-cloudbook-field=\"timeline\"]'); r.value = '70'; r.dispatchEvent(new Event('input', { bubbles: true })); r.dispatchEvent(new Event('change', { bubbles: true }));
             document.querySelector('[data-cloudbook-action=\"play\"]').click();",
            vec![],
        )
        .await
        .expect("jump and play");
    client
        .wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css("[data-cloudbook-action=\"play\"]:not([disabled])"))
        .await
        .expect("play reaches the end");
    let play_long = take_long_tasks(&client).await;
    println!(
        "container lab, 100 tasks on 30 instances: run and first draw {:.0} ms of wall time, long tasks {run_long:?} (longest {:.0} ms)",
        run_wall.as_secs_f64() * 1e3,
        longest(&run_long)
    );
    println!(
        "30 steps: {:.0} ms of wall time in all, long tasks {step_long:?} (longest {:.0} ms); jump and play to the end: long tasks {play_long:?} (longest {:.0} ms)",
        step_wall.as_secs_f64() * 1e3,
        longest(&step_long),
        longest(&play_long)
    );
    h.close().await;
}
