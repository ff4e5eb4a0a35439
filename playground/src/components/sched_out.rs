//! What the container cells other than scenario and deployment show: the image layer diagram
//! with cached and sent marks, storage steps and where each file lives, the start-up timeline,
//! the Fargate price or AWS's refusal, Batch jobs with their dependency graph, the Beanstalk and
//! App Runner charts and bills, the Lightsail bundle table and the Outposts diagram.
//!
//! Marks are words and symbols as well as colours; every chart and diagram has a text table or
//! list of the same facts. Text from the learner's files is shown as text nodes only.

use crate::i18n::inline::{tx, txf};
use std::rc::Rc;

use cloudbook::lab::{
    AppRunnerOutput, BatchOutput, BeanstalkOutput, CellOutput, FargateOutput, ImageOutput, LightsailOutput,
    OutpostsOutput, StartupOutput, StorageOutput, TransferRow,
};
use yew::prelude::*;

use crate::chart;
use crate::components::chart::LineChart;
use crate::components::sched::usd;

/// The output of a container cell that is not a scenario or a deployment.
pub fn view_other(out: &CellOutput) -> Html {
    match out {
        CellOutput::Images(i) => view_images(i),
        CellOutput::Storage(s) => view_storage(s),
        CellOutput::Startup(s) => view_startup(s),
        CellOutput::Fargate(f) => view_fargate(f),
        CellOutput::Batch(b) => view_batch(b),
        CellOutput::Beanstalk(b) => view_beanstalk(b),
        CellOutput::AppRunner(a) => view_apprunner(a),
        CellOutput::Lightsail(l) => view_lightsail(l),
        CellOutput::Outposts(o) => view_outposts(o),
        CellOutput::Error { message, .. } => html! {
            <div class="cb-cell-error" role="alert"><pre class="cb-output cb-response cb-fail">{ message.clone() }</pre></div>
        },
        _ => html! {},
    }
}

/// A size in bytes as people read it.
fn bytes(n: u64) -> String {
    match n {
        n if n >= 1_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        n if n >= 1_000 => format!("{:.1} KB", n as f64 / 1e3),
        n => format!("{n} B"),
    }
}

fn charts(plots: Vec<chart::Plot>) -> Html {
    html! {
        <div class="cb-charts">{ for plots.into_iter().map(|p| html! { <LineChart plot={Rc::new(p)} /> }) }</div>
    }
}

fn view_images(out: &ImageOutput) -> Html {
    let transfers = |title: &str, rows: &[TransferRow], kind: &'static str| {
        if rows.is_empty() {
            return html! {};
        }
        html! {
            <table class="cb-calls">
                <caption>{ title.to_string() }</caption>
                <thead><tr><th scope="col">{ tx("Reference") }</th><th scope="col">{ tx("Result") }</th><th scope="col">{ tx("Bytes moved") }</th>
                    <th scope="col">{ tx("Layers sent") }</th><th scope="col">{ tx("Layers skipped (already there)") }</th><th scope="col">{ tx("Digest") }</th></tr></thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr data-cloudbook-transfer={kind} data-cloudbook-ok={r.ok.to_string()}>
                            <th scope="row"><code>{ r.reference.clone() }</code></th>
                            <td class={if r.ok { "cb-status-ok" } else { "cb-status-bad" }}>
                                { r.error.clone().unwrap_or_else(|| tx("✔ done").to_string()) }</td>
                            <td>{ bytes(r.bytes) }</td>
                            <td><span class="cb-mark-sent">{ format!("↑ {}", r.layers_sent) }</span></td>
                            <td><span class="cb-mark-cached">{ format!("= {}", r.layers_skipped) }</span></td>
                            <td><code>{ r.digest.clone() }</code></td>
                        </tr>
                    }) }
                </tbody>
            </table>
        }
    };
    html! {
        <div class="cb-images">
            { for out.builds.iter().map(|b| html! {
                <section class="cb-build" data-cloudbook-build={b.tag.clone()}>
                    <h5>{ txf("Build {} → {}", &[&b.tag, &b.digest]) }</h5>
                    if let Some(e) = &b.error { <p class="cb-status-bad" role="alert">{ e.clone() }</p> }
                    <table class="cb-calls cb-layers">
                        <caption>{ tx("Layers, bottom first") }</caption>
                        <thead><tr><th scope="col">{ tx("Instruction") }</th><th scope="col">{ tx("Layer") }</th><th scope="col">{ tx("Size") }</th><th scope="col">{ tx("Cache") }</th></tr></thead>
                        <tbody>
                            { for b.layers.iter().map(|l| html! {
                                <tr data-cloudbook-layer={if l.cached { "cached" } else { "built" }}>
                                    <th scope="row"><code>{ l.instruction.clone() }</code></th><td><code>{ l.digest.clone() }</code></td>
                                    <td>{ bytes(l.bytes) }</td>
                                    <td>if l.cached { <span class="cb-mark-cached">{ tx("= cached") }</span> } else { <span class="cb-mark-sent">{ tx("+ built") }</span> }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </section>
            }) }
            { transfers(tx("Pushes to the registry"), &out.pushes, "push") }
            { transfers(tx("Pulls onto a fresh host"), &out.pulls, "pull") }
            if !out.tags.is_empty() {
                <table class="cb-calls">
                    <caption>{ tx("Registry tags") }</caption>
                    <thead><tr><th scope="col">{ tx("Tag") }</th><th scope="col">{ tx("Digest") }</th></tr></thead>
                    <tbody>{ for out.tags.iter().map(|(t, d)| html! { <tr><th scope="row">{ t.clone() }</th><td><code>{ d.clone() }</code></td></tr> }) }</tbody>
                </table>
            }
            if let Some(a) = &out.archive {
                <p data-cloudbook-archive="true">{ txf("docker save {}: {} archive; loaded on a fresh host: {}",
                    &[&a.references.join(" "), &bytes(a.bytes), &a.loaded.join(", ")]) }</p>
            }
        </div>
    }
}

fn view_storage(out: &StorageOutput) -> Html {
    let places = |title: &str, rows: &[(String, Vec<String>)]| {
        html! {
            <>
                { for rows.iter().map(|(owner, files)| html! {
                    <li>{ format!("{title} {owner}: ") }
                        { if files.is_empty() { tx("nothing").to_string() } else { files.join(", ") } }</li>
                }) }
            </>
        }
    };
    html! {
        <div class="cb-storage">
            <ol class="cb-steps-list">
                { for out.steps.iter().map(|s| html! {
                    <li data-cloudbook-ok={s.ok.to_string()} class={if s.ok { "" } else { "cb-status-bad" }}>
                        <code>{ s.step.clone() }</code>{ if s.ok { " ✔ " } else { " ✘ " } }{ s.message.clone() }</li>
                }) }
            </ol>
            if !out.reads.is_empty() {
                <table class="cb-calls">
                    <caption>{ tx("Reads") }</caption>
                    <thead><tr><th scope="col">{ tx("Container") }</th><th scope="col">{ tx("Path") }</th><th scope="col">{ tx("Content") }</th></tr></thead>
                    <tbody>
                        { for out.reads.iter().map(|r| html! {
                            <tr data-cloudbook-read={r.path.clone()}><td>{ r.container.clone() }</td><th scope="row"><code>{ r.path.clone() }</code></th>
                                <td>{ r.content.clone().unwrap_or_else(|| tx("(no such file)").to_string()) }</td></tr>
                        }) }
                    </tbody>
                </table>
            }
            <h5>{ tx("Where each file lives at the end") }</h5>
            <ul class="cb-places">
                { places(tx("Writable layer of container"), &out.writable) }
                { places(tx("Volume"), &out.volumes) }
                <li>{ tx("Host (bind mounts): ") }{ if out.host_files.is_empty() { tx("nothing").to_string() } else { out.host_files.join(", ") } }</li>
            </ul>
        </div>
    }
}

fn view_startup(out: &StartupOutput) -> Html {
    let longest = out.lanes.iter().map(|l| l.total_ms).max().unwrap_or(1).max(1);
    html! {
        <div class="cb-startup">
            <div class="cb-lanes" role="img" aria-label={out.lanes.iter().map(|l| format!("{}: {} ms", l.label, l.total_ms)).collect::<Vec<_>>().join("; ")}>
                { for out.lanes.iter().map(|l| html! {
                    <div class="cb-lane" data-cloudbook-lane={l.workload.clone()}>
                        <span>{ txf("{} ({} ms)", &[&l.label, &l.total_ms]) }</span>
                        <div class="cb-segs" style={format!("width:{:.1}%", 100.0 * l.total_ms as f64 / longest as f64)}>
                            { for l.phases.iter().map(|p| html! {
                                <span class="cb-seg" title={format!("{}: {} ms", p.name, p.ms)}
                                    style={format!("flex:{} 0 0", p.ms.max(1))}>{ p.name.clone() }</span>
                            }) }
                        </div>
                    </div>
                }) }
            </div>
            <details class="cb-chart-table">
                <summary>{ tx("The phases as a table") }</summary>
                <table class="cb-calls">
                    <thead><tr><th scope="col">{ tx("Workload") }</th><th scope="col">{ tx("Phase") }</th><th scope="col">{ tx("Starts at (ms)") }</th><th scope="col">{ tx("Takes (ms)") }</th></tr></thead>
                    <tbody>
                        { for out.lanes.iter().flat_map(|l| l.phases.iter().map(move |p| (l, p))).map(|(l, p)| html! {
                            <tr><th scope="row">{ l.label.clone() }</th><td>{ p.name.clone() }</td><td>{ p.start_ms }</td><td>{ p.ms }</td></tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </div>
    }
}

fn view_fargate(f: &FargateOutput) -> Html {
    html! {
        <div class="cb-fargate" data-cloudbook-valid={f.valid.to_string()}>
            if let Some(e) = &f.error {
                <p class="cb-status-bad" role="alert">{ e.clone() }</p>
            } else {
                <p class="cb-status-ok">{ txf("{} CPU units, {} MiB, {} {}, platform {}: {} an hour, {} a month",
                    &[&f.cpu, &f.memory, &f.os, &f.arch, &f.platform_version, &usd(f.usd_hour), &usd(f.usd_month)]) }</p>
                <ul class="cb-totals">
                    <li>{ txf("vCPU: {} an hour", &[&usd(f.vcpu_usd_hour)]) }</li>
                    <li>{ txf("memory: {} an hour", &[&usd(f.gb_usd_hour)]) }</li>
                    <li>{ txf("storage over 20 GiB: {} an hour", &[&usd(f.storage_usd_hour)]) }</li>
                </ul>
            }
            if !f.valid_memory.is_empty() {
                <p class="cb-cell-note">{ txf("Memory sizes valid with {} CPU units on {}: {} MiB", &[&f.cpu, &f.os,
                    &f.valid_memory.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")]) }</p>
            }
        </div>
    }
}

/// The depth of each job in the dependency graph: 0 without dependencies, else one more than
/// the deepest job it waits for (cycles, which Batch refuses anyway, stop at the job count).
pub fn job_depths(out: &BatchOutput) -> Vec<usize> {
    let n = out.jobs.len();
    let mut depth = vec![0usize; n];
    for _ in 0..n {
        let mut changed = false;
        for (i, j) in out.jobs.iter().enumerate() {
            for dep in &j.depends_on {
                if let Some(k) = out.jobs.iter().position(|o| &o.name == dep || &o.id == dep)
                    && depth[i] < depth[k] + 1
                    && depth[k] < n
                {
                    depth[i] = depth[k] + 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    depth
}

fn view_batch(out: &BatchOutput) -> Html {
    // Array children sit under their parent; the graph shows top-level jobs.
    let depths = job_depths(out);
    let top: Vec<usize> = (0..out.jobs.len())
        .filter(|i| out.jobs[*i].parent.is_none())
        .collect();
    let mut row_in_col = std::collections::BTreeMap::<usize, usize>::new();
    let mut pos = vec![(0.0f64, 0.0f64); out.jobs.len()];
    for &i in &top {
        let col = depths[i];
        let row = row_in_col.entry(col).or_insert(0);
        pos[i] = (70.0 + 150.0 * col as f64, 24.0 + 44.0 * *row as f64);
        *row += 1;
    }
    let width = 150.0 * (depths.iter().max().copied().unwrap_or(0) as f64 + 1.0);
    let height = 44.0 * (row_in_col.values().max().copied().unwrap_or(1) as f64) + 8.0;
    let edges: Vec<(usize, usize)> = top
        .iter()
        .flat_map(|&i| {
            out.jobs[i]
                .depends_on
                .iter()
                .filter_map(|d| out.jobs.iter().position(|o| &o.name == d || &o.id == d))
                .map(move |k| (k, i))
                .collect::<Vec<_>>()
        })
        .collect();
    let label = top
        .iter()
        .map(|&i| {
            let j = &out.jobs[i];
            if j.depends_on.is_empty() {
                format!("{} ({})", j.name, j.status)
            } else {
                txf(
                    "{} ({}) after {}",
                    &[&j.name, &j.status, &j.depends_on.join(", ")],
                )
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <div class="cb-batch">
            <figure class="cb-graph">
                <figcaption>{ tx("Jobs and what they wait for") }</figcaption>
                <svg viewBox={format!("0 0 {width:.0} {height:.0}")} role="img" aria-label={label}>
                    { for edges.iter().map(|(from, to)| html! {
                        <line x1={format!("{:.0}", pos[*from].0 + 60.0)} y1={format!("{:.0}", pos[*from].1)}
                            x2={format!("{:.0}", pos[*to].0 - 60.0)} y2={format!("{:.0}", pos[*to].1)} />
                    }) }
                    { for top.iter().map(|&i| { let j = &out.jobs[i]; html! {
                        <g data-cloudbook-job-node={j.name.clone()}>
                            <rect x={format!("{:.0}", pos[i].0 - 60.0)} y={format!("{:.0}", pos[i].1 - 16.0)} width="120" height="32" rx="4" />
                            <text x={format!("{:.0}", pos[i].0)} y={format!("{:.0}", pos[i].1 - 2.0)}>{ j.name.clone() }</text>
                            <text x={format!("{:.0}", pos[i].0)} y={format!("{:.0}", pos[i].1 + 11.0)}>{ j.status.clone() }</text>
                        </g>
                    } }) }
                </svg>
            </figure>
            <table class="cb-calls">
                <caption>{ tx("Jobs") }</caption>
                <thead><tr><th scope="col">{ tx("Job") }</th><th scope="col">{ tx("Status") }</th><th scope="col">{ tx("Attempts") }</th>
                    <th scope="col">{ tx("Waits for") }</th><th scope="col">{ tx("Started") }</th><th scope="col">{ tx("Stopped") }</th><th scope="col">{ tx("Reason") }</th></tr></thead>
                <tbody>
                    { for out.jobs.iter().map(|j| html! {
                        <tr data-cloudbook-job={j.name.clone()} data-cloudbook-status={j.status.clone()}>
                            <th scope="row">{ match j.array_index { Some(ix) => format!("{}:{ix}", j.name), None => j.name.clone() } }</th>
                            <td class={if j.status == "FAILED" { "cb-status-bad" } else if j.status == "SUCCEEDED" { "cb-status-ok" } else { "" }}>{ j.status.clone() }</td>
                            <td>{ j.attempts }</td><td>{ j.depends_on.join(", ") }</td>
                            <td>{ j.started.clone().unwrap_or_default() }</td><td>{ j.stopped.clone().unwrap_or_default() }</td>
                            <td>{ j.reason.clone().unwrap_or_default() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <details class="cb-trace"><summary>{ tx("Trace") }</summary><pre class="cb-output">{ out.trace.join("\n") }</pre></details>
        </div>
    }
}

fn view_beanstalk(b: &BeanstalkOutput) -> Html {
    html! {
        <div class="cb-beanstalk" data-cloudbook-deployed={b.deployed.to_string()}>
            if let Some(e) = &b.error { <p class="cb-status-bad" role="alert">{ e.clone() }</p> }
            <p>{ b.summary.clone() }</p>
            <ul class="cb-totals">
                <li>{ txf("took {}", &[&b.took]) }</li>
                <li>{ txf("capacity {}% to {}%", &[&b.min_capacity_pct, &b.max_capacity_pct]) }</li>
                <li>{ txf("worst errors {}%", &[&b.worst_error_pct]) }</li>
                <li>{ if b.mixed_versions { tx("served two versions at once") } else { tx("never served two versions at once") } }</li>
            </ul>
            if !b.phases.is_empty() { { charts(chart::beanstalk_plots(b)) } }
        </div>
    }
}

fn view_apprunner(a: &AppRunnerOutput) -> Html {
    let rejected: u32 = a.points.iter().map(|p| p.rejected).sum();
    html! {
        <div class="cb-apprunner">
            <p class="cb-note" data-cloudbook-note="closed">{ tx("AWS App Runner has been closed to new customers since 30 April 2026; existing customers keep using it, and AWS points new ones to Amazon ECS.") }</p>
            if let Some(e) = &a.error { <p class="cb-status-bad" role="alert">{ e.clone() }</p> }
            <ul class="cb-totals" data-cloudbook-bill="true">
                <li>{ txf("active instance-hours: {}", &[&format!("{:.2}", a.active_hours)]) }</li>
                <li>{ txf("provisioned instance-hours: {}", &[&format!("{:.2}", a.provisioned_hours)]) }</li>
                <li>{ txf("bill for {} h: {}", &[&format!("{:.1}", a.hours), &usd(a.usd)]) }</li>
                <li>{ txf("a 730-hour month: {}", &[&usd(a.usd_month)]) }</li>
                <li>{ txf("requests rejected: {}", &[&rejected]) }</li>
            </ul>
            if !a.points.is_empty() { { charts(chart::apprunner_plots(a)) } }
        </div>
    }
}

fn view_lightsail(l: &LightsailOutput) -> Html {
    html! {
        <div class="cb-lightsail">
            <table class="cb-calls">
                <caption>{ tx("Bundles") }</caption>
                <thead><tr><th scope="col">{ tx("Bundle") }</th><th scope="col">{ tx("A month") }</th><th scope="col">{ tx("vCPUs") }</th>
                    <th scope="col">{ tx("RAM (GB)") }</th><th scope="col">{ tx("SSD (GB)") }</th><th scope="col">{ tx("Transfer (TB)") }</th></tr></thead>
                <tbody>
                    { for l.bundles.iter().map(|b| html! {
                        <tr data-cloudbook-bundle={b.id.clone()} class={if b.id == l.chosen { "cb-cheaper" } else { "" }}>
                            <th scope="row">{ b.id.clone() }{ if b.id == l.chosen { tx(" ◀ chosen") } else { "" } }</th>
                            <td>{ usd(b.usd_month) }</td><td>{ b.vcpus }</td><td>{ b.ram_gb }</td><td>{ b.ssd_gb }</td><td>{ b.transfer_tb }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <ul class="cb-totals" data-cloudbook-bill="true">
                <li>{ format!("{} × {}: {}", l.count, l.chosen, usd(l.base_usd)) }</li>
                <li>{ txf("transfer allowance {} GB, over it {} GB: {}", &[&l.allowance_gb, &l.overage_gb, &usd(l.overage_usd)]) }</li>
                <li><strong>{ txf("total {}", &[&usd(l.total_usd)]) }</strong></li>
            </ul>
        </div>
    }
}

fn view_outposts(o: &OutpostsOutput) -> Html {
    html! {
        <div class="cb-outposts" data-cloudbook-anchored={o.az_in_region.to_string()}>
            if !o.az_in_region { <p class="cb-status-bad" role="alert">{ o.note.clone() }</p> }
            <figure class="cb-zones" role="img" aria-label={txf("Region {} with zones {}; {} rack(s) anchored to {}", &[&o.region, &o.azs.join(", "), &o.racks, &o.az])}>
                <section class="cb-zone">
                    <h5>{ txf("Region {}", &[&o.region]) }</h5>
                    <div class="cb-zones">
                        { for o.azs.iter().map(|az| html! {
                            <div class={if *az == o.az { "cb-inst cb-az-anchor" } else { "cb-inst" }} data-cloudbook-zone={az.clone()}>
                                { az.clone() }
                                if *az == o.az { <div>{ txf("⚓ {} Outposts rack(s) on premises, linked here", &[&o.racks]) }</div> }
                            </div>
                        }) }
                    </div>
                </section>
            </figure>
            if o.az_in_region { <p>{ o.note.clone() }</p> }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use cloudbook::lab::JobRow;

    use super::*;

    fn job(name: &str, deps: &[&str]) -> JobRow {
        JobRow {
            name: name.into(),
            id: format!("id-{name}"),
            status: "SUCCEEDED".into(),
            history: Vec::new(),
            attempts: 1,
            array_index: None,
            parent: None,
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            started: None,
            stopped: None,
            reason: None,
        }
    }

    #[test]
    fn jobs_sit_one_column_after_what_they_wait_for() {
        let out = BatchOutput {
            jobs: vec![
                job("fetch", &[]),
                job("train", &["fetch"]),
                job("report", &["train", "fetch"]),
                job("lint", &[]),
            ],
            trace: Vec::new(),
        };
        assert_eq!(job_depths(&out), vec![0, 1, 2, 0]);
        // A cycle (refused by Batch) still ends.
        let cyc = BatchOutput {
            jobs: vec![job("a", &["b"]), job("b", &["a"])],
            trace: Vec::new(),
        };
        assert!(job_depths(&cyc).iter().all(|d| *d <= 3));
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(2_048), "2.0 KB");
        assert_eq!(bytes(40_000_000), "40.0 MB");
    }
}
