//! The container lab's cells (the `sched` module): each cell's form in the shared cell frame, the
//! scenario editor with its form and diagnostics, and the scenario and deployment outputs: the
//! cluster view, the placement step-through, service events and the cost panel. The other
//! container outputs are drawn in `sched_out`.
//!
//! Every control only dispatches an action; the reducer (`state::lab` with `state::sched`)
//! decides. The step-through indexes the frames and steps the run recorded and never runs the
//! scenario again. Colours come from CSS classes bound to mdBook's theme variables; task groups
//! also differ by border style and carry their name as text.

use crate::i18n::inline::{tx, txf};
use std::cell::RefCell;

use cloudbook::lab::{
    CellKind, CellOutput, ClusterFrame, ClusterOutput, LoadOutput, PlacementStep, Workbench,
};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::cells::{CellFrame, Input, field};
use crate::components::editor::CodeEditor;
use crate::components::lab::KernelView;
use crate::components::sched_out::view_other;
use crate::highlight::Lang;
use crate::slices::Pacer;
use crate::state::lab::{Field, LabAction};
use crate::state::sched::{
    NoSlice, at_position, diagnostics, file_diagnostics, file_key, group_index, groups,
};
use crate::state::stepper::{STEP_SPEEDS, StepOp, Stepper};

type State = crate::state::lab::LabState<Workbench>;
type Dispatch = UseReducerDispatcher<State>;

impl KernelView for Workbench {
    fn view_cell(state: &State, dispatch: &Dispatch, i: usize) -> Html {
        view_cell(state, dispatch, i)
    }

    fn frame(
        run: &RefCell<NoSlice>,
        _pacer: &Pacer,
        _wall_ms: f64,
        _chunk: &mut u64,
    ) -> Option<(LoadOutput, bool)> {
        match *run.borrow() {}
    }
}

const OS: &[&str] = &["linux", "windows"];
const ARCH: &[&str] = &["x86_64", "arm64"];
const POLICIES: &[&str] = &[
    "all-at-once",
    "rolling",
    "rolling-with-additional-batch",
    "immutable",
    "traffic-splitting",
];
const BOOLS: &[&str] = &["true", "false"];
const BUNDLES: &[&str] = &[
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge",
];
const MUTABILITY: &[&str] = &["MUTABLE", "IMMUTABLE"];

/// The kind's label and its Run button's words.
fn labels(kind: &CellKind) -> (&'static str, &'static str) {
    match kind {
        CellKind::Scenario { .. } => (tx("ECS scenario"), tx("Run scenario")),
        CellKind::Deployment { .. } => (tx("Rolling deployment"), tx("Deploy")),
        CellKind::Image { .. } => (tx("Images"), tx("Build, push and pull")),
        CellKind::Storage { .. } => (tx("Container storage"), tx("Run the steps")),
        CellKind::Startup { .. } => (tx("Start-up"), tx("Start them")),
        CellKind::Fargate { .. } => (tx("Fargate task size"), tx("Price it")),
        CellKind::Batch { .. } => (tx("AWS Batch"), tx("Submit the jobs")),
        CellKind::Beanstalk { .. } => (tx("Elastic Beanstalk"), tx("Deploy")),
        CellKind::Apprunner { .. } => (tx("App Runner"), tx("Send the load")),
        CellKind::Lightsail { .. } => (tx("Lightsail"), tx("Price it")),
        CellKind::Outposts { .. } => (tx("Outposts"), tx("Draw it")),
        _ => (tx("Cell"), tx("Run")),
    }
}

/// Cell `i`: frame, form, output.
pub fn view_cell(state: &State, dispatch: &Dispatch, i: usize) -> Html {
    let cell = &state.cells[i];
    let d = dispatch.clone();
    let onrun = Callback::from(move |_: MouseEvent| d.dispatch(LabAction::Run(i)));
    let f = |key: &'static str, label: &str, input: Input| {
        field(state, dispatch, i, Field::Key(key), label, input)
    };
    let output = state.outputs.get(i).and_then(|o| o.as_deref());
    let body = match &cell.kind {
        CellKind::Scenario { .. } | CellKind::Storage { .. } | CellKind::Batch { .. } => {
            view_file_editor(state, dispatch, i, output)
        }
        CellKind::Deployment {
            scenario, service, ..
        } => html! {
            <>
                <p class="cb-cell-note">{ txf("Service {} of the scenario cell \"{}\".", &[service, scenario]) }</p>
                <div class="cb-form">
                    { f("task_definition", tx("Task definition to deploy"), Input::Line) }
                    { f("minimum_healthy_percent", tx("Minimum healthy percent (empty: the service's)"), Input::Number) }
                    { f("maximum_percent", tx("Maximum percent (empty: the service's)"), Input::Number) }
                    { f("at", tx("Update at"), Input::Line) }
                    { f("run_for", tx("Watch for"), Input::Line) }
                </div>
            </>
        },
        CellKind::Image { images, .. } => html! {
            <>
                { for images.iter().enumerate().map(|(n, img)| {
                    let label = txf("Build of {}", &[&img.tag]);
                    field(state, dispatch, i, Field::Build(n as u8), &label, Input::Lines)
                }) }
                <div class="cb-form">{ f("tag_mutability", tx("Repository tag mutability"), Input::Choices(MUTABILITY)) }</div>
            </>
        },
        CellKind::Startup { .. } => html! {
            <div class="cb-form">
                { f("workloads", tx("Workloads (container, container-pull, fargate, vm)"), Input::Line) }
                { f("image_mb", tx("Image size (MB)"), Input::Number) }
                { f("mb_per_sec", tx("Pull rate (MB/s)"), Input::Number) }
                { f("middleware", tx("VM: middleware start"), Input::Line) }
                { f("app", tx("VM: application start"), Input::Line) }
            </div>
        },
        CellKind::Fargate { .. } => html! {
            <div class="cb-form">
                { f("cpu", tx("CPU units"), Input::Number) }
                { f("memory", tx("Memory (MiB)"), Input::Number) }
                { f("os", tx("Operating system"), Input::Choices(OS)) }
                { f("arch", tx("Architecture"), Input::Choices(ARCH)) }
                { f("platform_version", tx("Platform version"), Input::Line) }
                { f("ephemeral_storage_gib", tx("Ephemeral storage (GiB)"), Input::Number) }
                { f("hours", tx("Hours a month"), Input::Number) }
            </div>
        },
        CellKind::Beanstalk { .. } => html! {
            <div class="cb-form">
                { f("policy", tx("Deployment policy"), Input::Choices(POLICIES)) }
                { f("instances", tx("Instances"), Input::Number) }
                { f("batch_size", tx("Batch size (a number or a percentage)"), Input::Line) }
                { f("healthy", tx("The new version passes its health checks"), Input::Choices(BOOLS)) }
                { f("deploy", tx("Deploy time"), Input::Line) }
                { f("launch", tx("Instance launch time"), Input::Line) }
                { f("health_check", tx("Health check time"), Input::Line) }
                { f("new_version_percent", tx("Traffic to the new version (%)"), Input::Number) }
                { f("evaluation", tx("Evaluation time"), Input::Line) }
            </div>
        },
        CellKind::Apprunner { .. } => html! {
            <div class="cb-form">
                { f("vcpu", tx("vCPU"), Input::Number) }
                { f("memory_gb", tx("Memory (GB)"), Input::Number) }
                { f("max_concurrency", tx("Max concurrency per instance"), Input::Number) }
                { f("min_size", tx("Minimum instances"), Input::Number) }
                { f("max_size", tx("Maximum instances"), Input::Number) }
                { f("load", tx("Load: one line per change, time and requests in flight (1h 250)"), Input::Lines) }
                { f("run_for", tx("Run for"), Input::Line) }
            </div>
        },
        CellKind::Lightsail { .. } => html! {
            <div class="cb-form">
                { f("bundle", tx("Bundle"), Input::Choices(BUNDLES)) }
                { f("count", tx("Instances"), Input::Number) }
                { f("hours", tx("Hours a month"), Input::Number) }
                { f("transfer_out_gb", tx("Data out (GB a month)"), Input::Number) }
            </div>
        },
        CellKind::Outposts { .. } => html! {
            <div class="cb-form">
                { f("region", tx("Region"), Input::Line) }
                { f("az", tx("Availability zone"), Input::Line) }
                { f("racks", tx("Racks"), Input::Number) }
            </div>
        },
        _ => html! {},
    };
    let (kind_label, run_label) = labels(&cell.kind);
    let shown = match output {
        Some(out) => view_output(state, dispatch, i, out),
        None => html! {},
    };
    CellFrame {
        lab_id: &state.spec.id,
        cell,
        kind_label,
        run_label,
        onrun,
    }
    .view(body, output, shown)
}

/// The TOML editor of a scenario, host or Batch file, its diagnostics at the file's own
/// line:col, and (scenario cells) the form of common edits.
fn view_file_editor(state: &State, dispatch: &Dispatch, i: usize, output: Option<&CellOutput>) -> Html {
    let cell = &state.cells[i];
    let Some(key) = file_key(&cell.kind) else {
        return html! {};
    };
    let d = dispatch.clone();
    let onedit = Callback::from(move |value: String| {
        d.dispatch(LabAction::Edit {
            cell: i,
            field: Field::Key(key),
            value,
        })
    });
    let d = dispatch.clone();
    let onrun = Callback::from(move |_| d.dispatch(LabAction::Run(i)));
    let text = state.field_text(i, Field::Key(key));
    let diags = file_diagnostics(&cell.kind, &text, output);
    let label = match key {
        "scenario" => tx("Scenario file (TOML)"),
        "host" => tx("Container host file (TOML)"),
        _ => tx("Batch file (TOML)"),
    };
    let id = format!("cb-{}-{}-{key}", state.spec.id, cell.id);
    html! {
        <>
            <CodeEditor id={AttrValue::from(id)} label={AttrValue::from(label)} value={AttrValue::from(text.clone())}
                {onedit} {onrun} error_line={diags.first().map(|(l, _)| *l)} lang={Lang::Toml}
                field={AttrValue::from(key)} />
            if !diags.is_empty() {
                <ul class="cb-config-errors" role="status">
                    { for diags.iter().map(|(_, d)| html! { <li data-cloudbook-diagnostic="true">{ d.clone() }</li> }) }
                </ul>
            }
            if matches!(cell.kind, CellKind::Scenario { .. }) { { view_form(state, dispatch, i, &text) } }
        </>
    }
}

/// The scenario form: the core's fields of the text, each set through the core.
fn view_form(state: &State, dispatch: &Dispatch, i: usize, text: &str) -> Html {
    let fields = cloudbook::lab::scenario_form(text);
    if fields.is_empty() {
        return html! {};
    }
    let open = state.form_errors.keys().any(|(c, _)| *c == i);
    html! {
        <details class="cb-config" open={open}>
            <summary>{ tx("Common edits") }</summary>
            <div class="cb-form">
                { for fields.into_iter().map(|ff| {
                    let id = format!("cb-{}-{}-form-{}", state.spec.id, state.cells[i].id, ff.key.replace('.', "-"));
                    let hook = format!("form:{}", ff.key);
                    let error = state.form_errors.get(&(i, ff.key.clone())).cloned();
                    let err_id = format!("{id}-err");
                    let d = dispatch.clone();
                    let key = ff.key.clone();
                    let control = if ff.choices.is_empty() {
                        let onchange = Callback::from(move |e: Event| {
                            let el: HtmlInputElement = e.target_unchecked_into();
                            d.dispatch(LabAction::Form { cell: i, key: key.clone(), value: el.value() });
                        });
                        html! {
                            <input id={id.clone()} type="text" value={ff.value.clone()} {onchange} data-cloudbook-field={hook}
                                aria-invalid={error.as_ref().map(|_| "true")} aria-describedby={error.as_ref().map(|_| err_id.clone())} />
                        }
                    } else {
                        let onchange = Callback::from(move |e: Event| {
                            let el: HtmlSelectElement = e.target_unchecked_into();
                            d.dispatch(LabAction::Form { cell: i, key: key.clone(), value: el.value() });
                        });
                        html! {
                            <select id={id.clone()} {onchange} data-cloudbook-field={hook}>
                                if !ff.choices.contains(&ff.value) { <option value={ff.value.clone()} selected=true>{ ff.value.clone() }</option> }
                                { for ff.choices.iter().map(|c| html! { <option value={c.clone()} selected={*c == ff.value}>{ c.clone() }</option> }) }
                            </select>
                        }
                    };
                    html! {
                        <>
                            <label for={id}>{ ff.label.clone() }</label>
                            <div>
                                { control }
                                if let Some(e) = error { <p id={err_id} class="cb-field-error" role="status">{ e }</p> }
                            </div>
                        </>
                    }
                }) }
            </div>
        </details>
    }
}

/// A cell's output.
fn view_output(state: &State, dispatch: &Dispatch, i: usize, out: &CellOutput) -> Html {
    match out {
        CellOutput::Cluster(c) => view_cluster_run(state, dispatch, i, c),
        CellOutput::Deployment(d) => html! {
            <>
                <p class={if d.completed { "cb-status-ok" } else { "cb-status-bad" }} data-cloudbook-deployment={if d.completed { "completed" } else { "stuck" }}>
                    { d.message.clone() }</p>
                <p>{ txf("Tasks RUNNING during the deployment: between {} and {} (minimum healthy {}%, maximum {}%).",
                    &[&d.min_running, &d.max_running, &d.minimum_healthy_percent, &d.maximum_percent]) }</p>
                <div class="cb-charts">
                    <crate::components::chart::LineChart plot={std::rc::Rc::new(crate::chart::deployment_plot(d))} />
                </div>
                { view_cluster_run(state, dispatch, i, &d.cluster) }
            </>
        },
        CellOutput::Error { message, .. }
            if file_key(&state.cells[i].kind).is_some() && !diagnostics(message).is_empty() =>
        {
            html! {
                // The editor above lists the diagnostics at their lines.
                <p class="cb-cell-error" role="alert">{ tx("The file has errors; nothing ran.") }</p>
            }
        }
        other => view_other(other),
    }
}

/// A scenario's run: the step-through with the cluster at the position shown, the services,
/// service events, the cost panel and the trace.
fn view_cluster_run(state: &State, dispatch: &Dispatch, i: usize, c: &ClusterOutput) -> Html {
    let stepper = state.steppers.get(&i);
    let (frame, step) = at_position(c, stepper);
    let groups = groups(c);
    html! {
        <div class="cb-cluster-run">
            if !c.errors.is_empty() {
                <ul class="cb-config-errors" role="status">{ for c.errors.iter().map(|e| html! { <li>{ e.clone() }</li> }) }</ul>
            }
            if let Some(s) = stepper { { view_stepper(state, dispatch, i, s) } }
            { view_decision(step, c.steps.len()) }
            if let Some(frame) = frame { { view_frame(frame, &groups) } }
            { view_services(c) }
            <details class="cb-events-box" open=true>
                <summary>{ txf("Service events ({})", &[&c.events.len()]) }</summary>
                <ol class="cb-events" data-cloudbook-events="true">
                    { for c.events.iter().map(|e| html! {
                        <li><code>{ e.t.clone() }</code>{ " " }<strong>{ e.service.clone() }</strong>{ " " }{ e.message.clone() }</li>
                    }) }
                </ol>
            </details>
            { view_cost(c) }
            <details class="cb-trace">
                <summary>{ tx("Trace (as cloudbook sim ecs prints it)") }</summary>
                <pre class="cb-output">{ c.trace.join("\n") }</pre>
            </details>
        </div>
    }
}

/// First, back, step, play, pause, last, speed and the timeline.
///
/// A button that cannot act at this position is `aria-disabled`, not `disabled`: pressing First
/// or Step ▶ to the end (or Play) must not drop keyboard focus to the page, which a button that
/// becomes `disabled` under it does. Such a button stays focusable, says it is unavailable, and
/// sends nothing.
fn view_stepper(state: &State, dispatch: &Dispatch, i: usize, s: &Stepper) -> Html {
    let button = |action: &'static str, label: &'static str, unavailable: bool, op: StepOp| {
        let d = dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if !unavailable {
                d.dispatch(LabAction::Steps { cell: i, op })
            }
        });
        html! {
            <button type="button" data-cloudbook-action={action} aria-disabled={if unavailable { "true" } else { "false" }}
                {onclick}>{ label }</button>
        }
    };
    let d = dispatch.clone();
    let onspeed = Callback::from(move |e: Event| {
        let el: HtmlSelectElement = e.target_unchecked_into();
        if let Ok(v) = el.value().parse() {
            d.dispatch(LabAction::Steps {
                cell: i,
                op: StepOp::Speed(v),
            });
        }
    });
    let d = dispatch.clone();
    let onjump = Callback::from(move |e: InputEvent| {
        let el: HtmlInputElement = e.target_unchecked_into();
        if let Ok(k) = el.value().parse() {
            d.dispatch(LabAction::Steps {
                cell: i,
                op: StepOp::Jump(k),
            });
        }
    });
    let base = format!("cb-{}-{}", state.spec.id, state.cells[i].id);
    let position = match s.step_shown() {
        Some(k) => txf("Decision {} of {}", &[&(k + 1), &s.len]),
        None => txf("After all {} decisions", &[&s.len]),
    };
    html! {
        <div class="cb-toolbar cb-steps" role="group" aria-label={tx("Placement step-through")}>
            { button("first", tx("|◀ First"), s.k == 0, StepOp::First) }
            { button("back", tx("◀ Back"), s.k == 0, StepOp::Back) }
            { button("step", tx("Step ▶"), s.k >= s.len, StepOp::Step) }
            { button("play", tx("Play"), s.playing || s.len == 0, StepOp::Play) }
            { button("pause", tx("Pause"), !s.playing, StepOp::Pause) }
            { button("last", tx("Last ▶|"), s.k >= s.len, StepOp::Last) }
            <label for={format!("{base}-speed")}>{ tx("Speed") }</label>
            <select id={format!("{base}-speed")} data-cloudbook-field="speed" onchange={onspeed}>
                { for STEP_SPEEDS.iter().map(|v| html! {
                    <option value={v.to_string()} selected={s.speed == *v}>{ txf("{} a second", &[v]) }</option>
                }) }
            </select>
            <label for={format!("{base}-timeline")}>{ tx("Timeline") }</label>
            <input id={format!("{base}-timeline")} class="cb-timeline" type="range" min="0" max={s.len.to_string()}
                value={s.k.to_string()} step="1" data-cloudbook-field="timeline" oninput={onjump}
                aria-valuetext={position.clone()} />
            <span class="cb-step-pos" aria-live="polite">{ position }</span>
        </div>
    }
}

/// The decision of the step shown: the filter verdict of every instance, constraints, strategy
/// rankings and where the task went (or ECS's words for why it could not).
fn view_decision(step: Option<(u32, &PlacementStep)>, len: usize) -> Html {
    let Some((k, st)) = step else {
        return html! {
            <div class="cb-decision" data-cloudbook-step={len.to_string()}>
                <p>{ txf("The cluster after all {} placement decisions.", &[&len]) }</p>
            </div>
        };
    };
    let who = match &st.service {
        Some(svc) => txf("service {}, ", &[svc]),
        None => String::new(),
    };
    let ports = if st.ports.is_empty() {
        String::new()
    } else {
        txf(
            ", ports {}",
            &[&st.ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")],
        )
    };
    html! {
        <div class="cb-decision" data-cloudbook-step={k.to_string()}>
            <h5>{ txf("Decision {} at {}: task {} ({}{}), {}, {} CPU units, {} MiB{}",
                &[&(k + 1), &st.t, &st.task, &who, &st.task_definition, &st.launch_type, &st.cpu, &st.memory, &ports]) }</h5>
            if !st.filter.is_empty() {
                <table class="cb-calls">
                    <caption>{ tx("Filter: which instances can hold the task") }</caption>
                    <thead><tr><th scope="col">{ tx("Instance") }</th><th scope="col">{ tx("Zone") }</th><th scope="col">{ tx("Verdict") }</th></tr></thead>
                    <tbody>
                        { for st.filter.iter().map(|r| html! {
                            <tr data-cloudbook-filter={if r.passed { "pass" } else { "fail" }}
                                class={if r.passed { "cb-filter-pass" } else { "cb-filter-fail" }}>
                                <th scope="row">{ r.instance.clone() }</th><td>{ r.az.clone() }</td>
                                <td>{ if r.passed { "✔ " } else { "✘ " } }{ r.verdict.clone() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            if !st.constraints.is_empty() {
                <ul class="cb-constraints">
                    { for st.constraints.iter().map(|c| html! {
                        <li data-cloudbook-constraint={c.constraint.clone()}>{ txf("Constraint {}: {}", &[&c.constraint,
                            &if c.removed.is_empty() { tx("removes none").to_string() } else { txf("removes {}", &[&c.removed.join(", ")]) }]) }</li>
                    }) }
                </ul>
            }
            if !st.strategies.is_empty() {
                <ol class="cb-strategies">
                    { for st.strategies.iter().map(|s| html! {
                        <li data-cloudbook-strategy={s.strategy.clone()}>{ txf("Strategy {}: ", &[&s.strategy]) }
                            { s.ranking.iter().map(|(inst, why)| format!("{inst} ({why})")).collect::<Vec<_>>().join(", ") }
                            { txf("; keeps {}", &[&s.kept.join(", ")]) }</li>
                    }) }
                </ol>
            }
            if let Some(chosen) = &st.chosen {
                <p class="cb-chosen" data-cloudbook-chosen={chosen.clone()}>{ txf("Placed on {}.", &[chosen]) }</p>
            } else if st.launch_type == "FARGATE" && st.failure.is_none() {
                <p class="cb-chosen" data-cloudbook-chosen="FARGATE">{ tx("Placed on Fargate capacity (no instance to choose).") }</p>
            }
            if let Some(failure) = &st.failure {
                <p class="cb-status-bad" data-cloudbook-failure="true">{ failure.clone() }</p>
            }
        </div>
    }
}

/// One meter with its numbers.
fn bar(label: &str, used: u32, total: u32, unit: &str) -> Html {
    html! {
        <div class="cb-bar">
            <span>{ label.to_string() }</span>
            // A bar in theme colours (a <meter> is drawn in the browser's own colours).
            <span class="cb-track"><span class="cb-fill" style={format!("width:{:.1}%", 100.0 * f64::from(used.min(total)) / f64::from(total.max(1)))}></span></span>
            <span>{ format!("{used} / {total} {unit}") }</span>
        </div>
    }
}

/// Who waits: the task, its task definition and service. A service's task that was never placed
/// has no id yet (the core writes `-`), so the label starts at its task definition rather than
/// with a dash that reads as a stray bullet.
fn pending_label(p: &cloudbook::lab::PendingTask) -> String {
    match (p.task == "-", &p.service) {
        (true, Some(s)) => txf("{} (service {})", &[&p.task_definition, s]),
        (true, None) => p.task_definition.clone(),
        (false, Some(s)) => txf("{} ({}, service {})", &[&p.task, &p.task_definition, s]),
        (false, None) => format!("{} ({})", p.task, p.task_definition),
    }
}

/// The cluster at one frame: zones with instance boxes, Fargate boxes, the pending queue, and a
/// table of the same for screen readers.
fn view_frame(frame: &ClusterFrame, groups: &[String]) -> Html {
    let chip = |t: &cloudbook::lab::TaskChip| {
        let class = format!("cb-chip cb-g{}", group_index(groups, &t.group));
        html! {
            <li class={class} data-cloudbook-task={t.task.clone()} title={txf("{} CPU units, {} MiB, {}", &[&t.cpu, &t.memory, &t.status])}>
                { format!("{} {}", t.task, t.group) }
            </li>
        }
    };
    html! {
        <div class="cb-cluster" data-cloudbook-frame={frame.t.clone()}>
            <p class="cb-cell-note">{ txf("The cluster at {}", &[&frame.t]) }</p>
            <div class="cb-zones" aria-hidden="true">
                { for frame.zones.iter().map(|z| html! {
                    <section class="cb-zone" data-cloudbook-zone={z.az.clone()}>
                        <h5>{ z.az.clone() }</h5>
                        { for z.instances.iter().map(|inst| html! {
                            <div class="cb-inst" data-cloudbook-instance={inst.name.clone()}>
                                <div class="cb-inst-head"><strong>{ inst.name.clone() }</strong>
                                    <span>{ format!("{} · {}", inst.instance_type, inst.status) }</span></div>
                                { bar("CPU", inst.cpu_used, inst.cpu_total, tx("units")) }
                                { bar(tx("Memory"), inst.memory_used, inst.memory_total, "MiB") }
                                <ul class="cb-chips">{ for inst.tasks.iter().map(chip) }</ul>
                            </div>
                        }) }
                    </section>
                }) }
                if !frame.fargate.is_empty() {
                    <section class="cb-zone">
                        <h5>{ tx("Fargate") }</h5>
                        { for frame.fargate.iter().map(|t| html! {
                            <div class={format!("cb-fg cb-chip cb-g{}", group_index(groups, &t.group))} data-cloudbook-fargate={t.task.clone()}>
                                { txf("{} {} · {} CPU units, {} MiB · {}", &[&t.task, &t.group, &t.cpu, &t.memory, &t.status]) }
                            </div>
                        }) }
                    </section>
                }
            </div>
            if !frame.pending.is_empty() {
                <h5>{ txf("Pending ({})", &[&frame.pending.len()]) }</h5>
                <ul class="cb-pending">
                    { for frame.pending.iter().map(|p| html! {
                        <li data-cloudbook-pending={p.task.clone()}>{ format!("{}: {}", pending_label(p), p.reason) }</li>
                    }) }
                </ul>
            }
            <details class="cb-cluster-table">
                <summary>{ tx("The cluster as a table") }</summary>
                <table class="cb-calls">
                    <thead><tr><th scope="col">{ tx("Zone") }</th><th scope="col">{ tx("Instance") }</th><th scope="col">{ tx("Type") }</th>
                        <th scope="col">{ tx("CPU used") }</th><th scope="col">{ tx("Memory used") }</th><th scope="col">{ tx("Tasks") }</th></tr></thead>
                    <tbody>
                        { for frame.zones.iter().flat_map(|z| z.instances.iter().map(move |inst| (z, inst))).map(|(z, inst)| html! {
                            <tr>
                                <td>{ z.az.clone() }</td><th scope="row">{ inst.name.clone() }</th><td>{ inst.instance_type.clone() }</td>
                                <td>{ txf("{} of {}", &[&inst.cpu_used, &inst.cpu_total]) }</td>
                                <td>{ txf("{} of {} MiB", &[&inst.memory_used, &inst.memory_total]) }</td>
                                <td>{ inst.tasks.iter().map(|t| format!("{} ({})", t.task, t.group)).collect::<Vec<_>>().join(", ") }</td>
                            </tr>
                        }) }
                        { for frame.fargate.iter().map(|t| html! {
                            <tr><td>{ tx("Fargate") }</td><th scope="row">{ "-" }</th><td>{ "-" }</td>
                                <td>{ t.cpu }</td><td>{ format!("{} MiB", t.memory) }</td><td>{ format!("{} ({})", t.task, t.group) }</td></tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </div>
    }
}

fn view_services(c: &ClusterOutput) -> Html {
    if c.services.is_empty() {
        return html! {};
    }
    html! {
        <table class="cb-calls cb-services">
            <caption>{ tx("Services at the end") }</caption>
            <thead><tr><th scope="col">{ tx("Service") }</th><th scope="col">{ tx("Task definition") }</th><th scope="col">{ tx("Desired") }</th>
                <th scope="col">{ tx("Running") }</th><th scope="col">{ tx("Pending") }</th></tr></thead>
            <tbody>
                { for c.services.iter().map(|s| html! {
                    <tr data-cloudbook-service={s.service.clone()}><th scope="row">{ s.service.clone() }</th><td>{ s.task_definition.clone() }</td>
                        <td>{ s.desired }</td><td>{ s.running }</td><td>{ s.pending }</td></tr>
                }) }
            </tbody>
        </table>
    }
}

/// Dollars with cents, or more digits under a cent.
pub fn usd(v: f64) -> String {
    if v >= 0.01 || v == 0.0 {
        format!("${v:.2}")
    } else {
        format!("${v:.6}")
    }
}

/// EC2 against Fargate for the same workload and month.
fn view_cost(c: &ClusterOutput) -> Html {
    let p = &c.cost;
    let ec2_cheaper = p.ec2.total_usd <= p.fargate.total_usd;
    let class = |cheaper: bool| if cheaper { "cb-cheaper" } else { "" };
    let mark = |cheaper: bool| if cheaper { tx(" (cheaper)") } else { "" };
    html! {
        <div class="cb-cost" data-cloudbook-cost="true" role="group" aria-label={txf("Cost for {} hours", &[&p.hours])}>
            <section class={class(ec2_cheaper)} data-cloudbook-cost-side="ec2">
                <h5>{ format!("EC2: {}{}", usd(p.ec2.total_usd), mark(ec2_cheaper)) }</h5>
                <ul>
                    { for p.ec2.lines.iter().map(|(what, v)| html! { <li>{ format!("{what}: {}", usd(*v)) }</li> }) }
                    <li>{ txf("EBS {} GB: {}", &[&p.ec2.ebs_gb, &usd(p.ec2.ebs_usd)]) }</li>
                </ul>
            </section>
            <section class={class(!ec2_cheaper)} data-cloudbook-cost-side="fargate">
                <h5>{ format!("Fargate: {}{}", usd(p.fargate.total_usd), mark(!ec2_cheaper)) }</h5>
                <ul>
                    <li>{ txf("{} vCPU-hours: {}", &[&format!("{:.1}", p.fargate.vcpu_hours), &usd(p.fargate.vcpu_usd)]) }</li>
                    <li>{ txf("{} GB-hours: {}", &[&format!("{:.1}", p.fargate.gb_hours), &usd(p.fargate.gb_usd)]) }</li>
                    <li>{ txf("{} GB-hours of storage over 20 GB: {}", &[&format!("{:.1}", p.fargate.storage_gb_hours_over_20), &usd(p.fargate.storage_usd)]) }</li>
                </ul>
            </section>
            <p class="cb-cell-note">{ txf("The same tasks for {} hours a month.", &[&p.hours]) }</p>
        </div>
    }
}
