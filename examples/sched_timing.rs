//! How long a scheduler lab's scenario cell takes natively: a 100-task service on 30 instances,
//! run through the container workbench (placement explained in full, a frame per step), and the
//! size of its output as the page stores it. It measures and prints; it asserts nothing.
//!
//! Usage: `cargo run --release --example sched_timing [tasks]` (default 100).
// A program, not the core: reading the clock is its job.
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use cloudbook::lab::{CellOutput, Workbench, parse_lab};

#[path = "support/sched_lab.rs"]
mod sched_lab;

fn main() {
    let tasks: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let block = sched_lab::block(tasks);
    let spec = parse_lab("timing.md", &block).expect("the timing lab parses");
    let runs = 20;
    let mut best = f64::MAX;
    let mut total = 0.0;
    let mut wb = Workbench::run_all(&spec, &spec.cells);
    for _ in 0..runs {
        let started = Instant::now();
        wb = Workbench::run_all(&spec, &spec.cells);
        let ms = started.elapsed().as_secs_f64() * 1e3;
        best = best.min(ms);
        total += ms;
    }
    let Some(CellOutput::Cluster(c)) = wb.output("cluster") else {
        panic!("the scenario cell ran")
    };
    let json = serde_json::to_string(c).expect("outputs serialise");
    // The same scenario through the model alone, as `cloudbook sim ecs` runs it: what the
    // workbench adds on top is the steps, the frames and the trace's text.
    let text = match &spec.cells[0].kind {
        cloudbook::lab::CellKind::Scenario { scenario } => scenario.clone(),
        _ => unreachable!("the first cell is the scenario"),
    };
    let parsed = cloudbook::ecs::scenario::parse("timing.toml", &text).expect("parses");
    let mut model_best = f64::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        let (trace, _) = cloudbook::ecs::scenario::run(&parsed);
        std::hint::black_box(trace.len());
        model_best = model_best.min(started.elapsed().as_secs_f64() * 1e3);
    }
    println!("the model alone (cloudbook sim ecs without printing): {model_best:.2} ms best of {runs}");
    println!(
        "{tasks}-task scenario on 30 instances: {} steps, {} frames, {} trace lines, {} events; run {:.2} ms best, {:.2} ms mean of {runs}; output JSON {} bytes",
        c.steps.len(),
        c.frames.len(),
        c.trace.len(),
        c.events.len(),
        best,
        total / f64::from(runs),
        json.len()
    );
}
