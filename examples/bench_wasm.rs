//! The wasm half of the Lambda load benchmark: serves a built site, opens a page with
//! `?cloudbook-bench` in headless Chromium and prints the `selftest` module's timing as JSON.
//! Run by `scripts/bench-lambda-wasm.sh`; it measures, it asserts nothing.
//!
//! Usage: `cargo run --release --example bench_wasm -- <built site dir>`
// A program, not the core: reading its environment and starting processes is its job.
#![allow(clippy::disallowed_methods)]

use std::time::Duration;

use fantoccini::Locator;

#[path = "support/headless.rs"]
mod headless;

#[tokio::main]
async fn main() {
    let site = std::env::args()
        .nth(1)
        .expect("usage: bench_wasm <built site dir>");
    // Extra Chromium flags for experiments, e.g. `--js-flags=--no-liftoff` (V8 without its
    // baseline tier, so without the call counts its inlining uses).
    let extra = std::env::var("CLOUDBOOK_CHROMIUM_ARGS").unwrap_or_default();
    let extra: Vec<&str> = extra.split_whitespace().collect();
    let h = headless::Headless::start(&site, &extra).await;
    let (client, base) = (h.client.clone(), h.base.clone());
    client
        .goto(&format!("{base}lambda/first-function.html?cloudbook-bench"))
        .await
        .expect("page");
    let pre = client
        .wait()
        .at_most(Duration::from_secs(600))
        .for_element(Locator::Id("cloudbook-bench"))
        .await
        .expect("the benchmark finishes");
    println!("{}", pre.text().await.expect("text"));
    h.close().await;
}
