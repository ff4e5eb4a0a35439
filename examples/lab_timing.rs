//! Lab page timings in headless Chromium: the time from navigation to `data-cloudbook-ready`
//! on a lab page, and the longest main-thread task (PerformanceObserver `longtask`, tasks over
//! 50 ms) while the page runs a 10-minute load at 1,000 requests per second and draws it.
//! It measures and prints; it asserts nothing.
//!
//! Usage: `cargo run --release --example lab_timing -- <built site dir>` after `cloudbook build
//! --out <built site dir>`. It writes `lambda/lab-timing.html` into the site: a course page whose
//! `<main>` is the lab below, turned into its placeholder by the real preprocessor.
// A program, not the core: reading its environment, files and starting processes is its job.
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Locator;

#[path = "support/headless.rs"]
mod headless;

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

#[tokio::main]
async fn main() {
    let site = std::env::args()
        .nth(1)
        .expect("usage: lab_timing <built site dir>");
    let t = cloudbook::cli::preprocess::transform_chapter("lab-timing.md", LAB_MD, &mut |_| {
        Err("no quizzes".into())
    });
    assert!(t.diagnostics.is_empty(), "{:?}", t.diagnostics);
    let placeholder = t
        .content
        .lines()
        .find(|l| l.contains("class=\"cloudbook-lab\""))
        .expect("placeholder");
    let page = std::fs::read_to_string(Path::new(&site).join("lambda/first-function.html"))
        .expect("a built course page");
    let (head, rest) = page.split_once("<main>").expect("<main>");
    let (_, tail) = rest.split_once("</main>").expect("</main>");
    std::fs::write(
        Path::new(&site).join("lambda/lab-timing.html"),
        format!("{head}<main>{placeholder}</main>{tail}"),
    )
    .expect("write the page");

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
    let longest = durations.iter().copied().fold(0.0, f64::max);
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
        "long tasks (> 50 ms) during the run: {}; longest: {longest:.0} ms",
        durations.len()
    );
    println!("totals: {}", totals.as_str().unwrap_or(""));
    h.close().await;
}
