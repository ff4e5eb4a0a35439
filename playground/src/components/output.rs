//! What a cell's run shows: the response or error JSON, CloudWatch-styled log lines, the
//! cold/warm badge with its reason, the bill; an HTTP response as the client sees it; S3
//! delivery, schedule fires, IAM decisions, load charts and totals, power tuning.
//!
//! Everything the learner's handler produced is shown as text nodes, never as HTML, so a `<b>`
//! in a response or a log line is just those three characters.

use std::rc::Rc;

use cloudbook::lab::{CellOutput, LoadOutput, RunOutput, StartKind, StartWhy, TuningOutput};
use serde_json::Value;
use yew::prelude::*;

use crate::chart::{self, tick_label};
use crate::components::chart::LineChart;
use crate::i18n::inline::{tx, txf};
use crate::i18n::{Msg, fill, t};

/// The output of a cell's last run.
pub fn view_output(out: &CellOutput) -> Html {
    match out {
        CellOutput::Deployed {
            function,
            version,
            changed,
        } => html! {
            <p class="cb-deployed">{ fill(if *changed { Msg::DeployedVersion } else { Msg::UnchangedVersion },
                &[("function", function), ("version", &version.to_string())]) }</p>
        },
        CellOutput::Invoked(run) => view_run(run),
        CellOutput::Http {
            request,
            response,
            run,
            ..
        } => {
            let line = if request.query.is_empty() {
                format!("{} {}", request.method, request.path)
            } else {
                format!("{} {}?{}", request.method, request.path, request.query)
            };
            let mut head = format!("HTTP/1.1 {}\n", response.status);
            for (k, values) in &response.headers {
                for v in values {
                    head.push_str(&format!("{k}: {v}\n"));
                }
            }
            for c in &response.cookies {
                head.push_str(&format!("set-cookie: {c}\n"));
            }
            let ok = (200..400).contains(&response.status);
            html! {
                <div class="cb-http">
                    <p>{ t(Msg::Request) }{ " " }<code>{ line }</code>{ " → " }
                        <span class={if ok { "cb-status-ok" } else { "cb-status-bad" }} data-cloudbook-status={response.status.to_string()}>
                            { response.status }</span></p>
                    <h5>{ t(Msg::ClientSees) }</h5>
                    <pre class="cb-output cb-http-response">{ head }{ "\n" }{ response.body.clone() }</pre>
                    if !response.gateway_log.is_empty() {
                        <h5>{ t(Msg::GatewayLog) }</h5>
                        <pre class="cb-output">{ response.gateway_log.join("\n") }</pre>
                    }
                    if let Some(run) = run { { view_run(run) } }
                </div>
            }
        }
        CellOutput::S3 {
            matched,
            reason,
            runs,
            event,
        } => html! {
            <div class="cb-s3">
                <p class={if *matched { "cb-status-ok" } else { "cb-status-bad" }}>
                    { t(if *matched { Msg::Delivered } else { Msg::NotDelivered }) }{ " " }{ reason.clone() }</p>
                if let Some(ev) = event {
                    <details><summary>{ t(Msg::EventDelivered) }</summary><pre class="cb-output">{ pretty(ev) }</pre></details>
                }
                { for runs.iter().map(view_run) }
            </div>
        },
        CellOutput::Schedule { fires, next, runs } => html! {
            <div class="cb-schedule">
                <p>{ fill(Msg::FiredTimes, &[("n", &fires.len().to_string())]) }</p>
                if !fires.is_empty() { <pre class="cb-output">{ fires.join("\n") }</pre> }
                <p>{ t(Msg::NextFires) }</p>
                <pre class="cb-output">{ next.join("\n") }</pre>
                if let Some(last) = runs.last() {
                    <p>{ fill(Msg::LastOfRuns, &[("n", &runs.len().to_string())]) }</p>
                    { view_run(last) }
                }
            </div>
        },
        CellOutput::Iam {
            policies,
            calls,
            probes,
        } => html! {
            <div class="cb-iam">
                <details><summary>{ fill(Msg::RolePolicies, &[("n", &policies.len().to_string())]) }</summary>
                    <pre class="cb-output">{ pretty(&Value::Array(policies.clone())) }</pre></details>
                <h5>{ t(Msg::SdkCalls) }</h5>
                if calls.is_empty() { <p>{ t(Msg::NoSdkCalls) }</p> } else {
                    { decisions(calls.iter().map(|c| (&c.action, &c.resource, c.allowed, &c.decided_by))) }
                }
                if !probes.is_empty() {
                    <h5>{ t(Msg::Probes) }</h5>
                    { decisions(probes.iter().map(|c| (&c.action, &c.resource, c.allowed, &c.decided_by))) }
                }
            </div>
        },
        CellOutput::Load(load) => view_load(load),
        CellOutput::Tuning(tuning) => view_tuning(tuning),
        CellOutput::Error { message, line } => html! {
            <div class="cb-cell-error" role="alert">
                <pre class="cb-output cb-response cb-fail">{ message.clone() }</pre>
                if let Some(l) = line { <p>{ fill(Msg::ErrorOnLine, &[("line", &l.to_string())]) }</p> }
            </div>
        },
        // Container outputs are drawn by `components::sched`.
        _ => html! {},
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn decisions<'a>(rows: impl Iterator<Item = (&'a String, &'a String, bool, &'a String)>) -> Html {
    html! {
        <table class="cb-calls">
            <thead><tr><th scope="col">{ t(Msg::Action) }</th><th scope="col">{ t(Msg::Resource) }</th>
                <th scope="col">{ t(Msg::Decision) }</th><th scope="col">{ t(Msg::DecidedBy) }</th></tr></thead>
            <tbody>
                { for rows.map(|(action, resource, allowed, by)| html! {
                    <tr data-cloudbook-decision={if allowed { "allowed" } else { "denied" }}>
                        <td><code>{ action.clone() }</code></td><td><code>{ resource.clone() }</code></td>
                        <td class={if allowed { "cb-allowed" } else { "cb-denied" }}>{ t(if allowed { Msg::Allowed } else { Msg::AccessDenied }) }</td>
                        <td>{ by.clone() }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// Why the run started cold or warm, in the page's language (the core's `reason` is its English).
pub fn start_reason(why: &StartWhy) -> String {
    match why {
        StartWhy::FirstRequest => tx("cold: first request, no environment exists yet").to_string(),
        StartWhy::NewVersion { version } => txf("cold: first request to version {}", &[version]),
        StartWhy::NoIdleBusy { busy } => txf("cold: no idle environment ({} busy)", &[busy]),
        StartWhy::NoIdleReclaimed => {
            tx("cold: no idle environment (the earlier ones were reclaimed or reset)").to_string()
        }
        StartWhy::Warm { env, idle_since } => txf("warm: environment {} idle since {}", &[env, idle_since]),
        StartWhy::Throttled { cause } => txf("throttled: {}", &[cause]),
        StartWhy::NoEnvironment => tx("no environment was used").to_string(),
    }
}

/// One invocation: notes, the badge, the response or error, the bill, the logs, the trace.
pub fn view_run(run: &RunOutput) -> Html {
    let inv = &run.invocation;
    let (label, body, class) = match (&inv.error, &inv.response) {
        (Some(err), _) => (t(Msg::Error), pretty(err), "cb-output cb-response cb-fail"),
        (None, Some(resp)) => (t(Msg::Response), pretty(resp), "cb-output cb-response"),
        (None, None) => (t(Msg::Response), "null".to_string(), "cb-output cb-response"),
    };
    let (badge, badge_class) = match run.start.kind {
        StartKind::Cold => (t(Msg::Cold), "cb-badge cb-badge-cold"),
        StartKind::Warm => (t(Msg::Warm), "cb-badge cb-badge-warm"),
        StartKind::None => (t(Msg::NoStart), "cb-badge"),
    };
    html! {
        <div class="cb-run-output" data-trace-hash={format!("{:016x}", inv.trace_hash)}>
            { for run.notes.iter().map(|n| html! { <p class="cb-cell-note">{ n.clone() }</p> }) }
            <p><span class={badge_class} data-cloudbook-start={badge}>{ badge }</span>{ " " }
                <span class="cb-start-reason">{ start_reason(&run.start.why) }</span></p>
            <h5>{ label }</h5>
            <pre class={class}>{ body }</pre>
            <p class="cb-billing">
                { fill(Msg::Bill, &[("billed", &inv.billed_ms.to_string()), ("duration", &format!("{:.2}", inv.duration_ms)),
                    ("memory", &inv.max_memory_mb.to_string()), ("cost", &format!("{:.10}", inv.cost_usd))]) }
                if let Some(init) = inv.init_ms { { " · " }{ fill(Msg::InitDuration, &[("ms", &format!("{init:.2}"))]) } }
            </p>
            <h5>{ t(Msg::Logs) }{ " " }<code>{ inv.log_group.clone() }</code></h5>
            <pre class="cb-output cb-logs">
                { for inv.logs.iter().map(|l| {
                    let class = if l.starts_with("START ") { "cb-log-start" } else if l.starts_with("END ") { "cb-log-end" }
                        else if l.starts_with("REPORT ") { "cb-log-report" } else { "cb-log-line" };
                    html! { <span class={class}>{ l.clone() }{ "\n" }</span> }
                }) }
            </pre>
            <details class="cb-trace">
                <summary>{ t(Msg::Trace) }</summary>
                <pre class="cb-output">{ inv.trace.join("\n") }</pre>
            </details>
        </div>
    }
}

fn money(v: f64) -> String {
    if v >= 0.01 {
        format!("${v:.2}")
    } else {
        format!("${v:.6}")
    }
}

/// A load run so far: progress, totals, cost and the charts.
pub fn view_load(load: &LoadOutput) -> Html {
    let t_ = &load.totals;
    html! {
        <div class="cb-load">
            <p>
                <progress class="cb-progress" max={load.duration_s.to_string()} value={load.done_s.to_string()}
                    aria-label={t(Msg::SimulatedProgress)}></progress>
                { " " }{ fill(Msg::LoadProgress, &[("done", &tick_label(load.done_s.floor())), ("total", &tick_label(load.duration_s))]) }
                if load.finished { { " " }<span class="cb-status-ok" data-cloudbook-load="finished">{ t(Msg::Finished) }</span> }
            </p>
            <ul class="cb-totals">
                <li>{ t(Msg::Invocations) }{ ": " }<strong>{ tick_label(t_.invocations as f64) }</strong></li>
                <li>{ t(Msg::Errors) }{ ": " }<strong>{ tick_label(t_.errors as f64) }</strong></li>
                <li>{ t(Msg::Throttles) }{ ": " }<strong>{ tick_label(t_.throttles as f64) }</strong></li>
                <li>{ t(Msg::Timeouts) }{ ": " }<strong>{ tick_label(t_.timeouts as f64) }</strong></li>
                <li>{ t(Msg::ColdStarts) }{ ": " }<strong>{ tick_label(t_.cold_starts as f64) }</strong></li>
                <li>{ "p50: " }<strong>{ format!("{:.1} ms", t_.p50_ms) }</strong></li>
                <li>{ "p99: " }<strong>{ format!("{:.1} ms", t_.p99_ms) }</strong></li>
                <li>{ t(Msg::MaxConcurrency) }{ ": " }<strong>{ t_.max_concurrency }</strong></li>
                <li>{ t(Msg::RunCost) }{ ": " }<strong>{ money(load.cost_usd) }</strong></li>
                <li>{ t(Msg::MonthlyCost) }{ ": " }<strong>{ money(load.monthly_usd) }</strong></li>
            </ul>
            <div class="cb-charts">
                { for chart::load_plots(load).into_iter().map(|p| html! { <LineChart plot={Rc::new(p)} /> }) }
            </div>
        </div>
    }
}

/// Power tuning: the charts and a table of every size.
pub fn view_tuning(tuning: &TuningOutput) -> Html {
    html! {
        <div class="cb-tuning">
            <p data-cloudbook-cheapest={tuning.cheapest.to_string()} data-cloudbook-fastest={tuning.fastest.to_string()}>
                { fill(Msg::TuningPicks, &[("cheapest", &tuning.cheapest.to_string()), ("fastest", &tuning.fastest.to_string())]) }
            </p>
            <div class="cb-charts">
                { for chart::tuning_plots(tuning).into_iter().map(|p| html! { <LineChart plot={Rc::new(p)} /> }) }
            </div>
            <table class="cb-calls">
                <thead><tr><th scope="col">{ "MB" }</th><th scope="col">{ t(Msg::AvgMs) }</th><th scope="col">{ t(Msg::BilledMs) }</th>
                    <th scope="col">{ t(Msg::CostPerMillion) }</th><th scope="col">{ t(Msg::Errors) }</th></tr></thead>
                <tbody>
                    { for tuning.points.iter().map(|p| html! {
                        <tr>
                            <th scope="row">{ p.memory_mb }
                                if p.memory_mb == tuning.cheapest { { " " }<span class="cb-badge">{ t(Msg::Cheapest) }</span> }
                                if p.memory_mb == tuning.fastest { { " " }<span class="cb-badge">{ t(Msg::Fastest) }</span> }
                            </th>
                            <td>{ format!("{:.1}", p.avg_ms) }</td><td>{ format!("{:.1}", p.billed_ms) }</td>
                            <td>{ format!("${:.4}", p.cost_per_million_usd) }</td><td>{ p.errors }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
