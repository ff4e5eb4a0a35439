//! One cell of the notebook: its frame (kind, id, Run button, the page hooks
//! `data-cloudbook-cell` / `data-cloudbook-cell-id` / `data-cloudbook-action="run"`), its form,
//! and its output. Every control only dispatches an action; the reducer decides.

use cloudbook::lab::{CellKind, CellOutput, EventTemplate};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use std::cell::RefCell;

use cloudbook::lab::{LoadOutput, LoadRun, Notebook};

use crate::components::editor::CodeEditor;
use crate::components::lab::KernelView;
use crate::components::output::view_output;
use crate::i18n::{Msg, t};
use crate::slices::{Pacer, SLICE_MS, SPEEDS, next_chunk, now_ms};
use crate::state::lab::{Field, LabAction, LabState as GenericState, PageKernel};

type LabState = GenericState<cloudbook::lab::Notebook>;
type Dispatch = UseReducerDispatcher<LabState>;

/// How a field is edited.
#[derive(Clone, Copy)]
pub enum Input<'a> {
    Line,
    Number,
    Lines,
    Json,
    /// Values with their labels from the message table.
    Select(&'static [(&'static str, Msg)]),
    /// Values that are their own labels.
    Choices(&'a [&'a str]),
}

const ARCHITECTURES: &[(&str, Msg)] = &[("x86_64", Msg::ArchX86), ("arm64", Msg::ArchArm)];
const TEMPLATES: &[(&str, Msg)] = &[
    ("custom", Msg::TemplateCustom),
    ("apigw-rest", Msg::TemplateRest),
    ("apigw-http", Msg::TemplateHttp),
    ("s3-put", Msg::TemplateS3),
    ("schedule", Msg::TemplateSchedule),
];

fn field_id<K: PageKernel>(state: &GenericState<K>, cell: usize, field: Field) -> String {
    format!("cb-{}-{}-{}", state.spec.id, state.cells[cell].id, field.hook()).to_ascii_lowercase()
}

/// A labelled control for a field, with the reason its text does not parse; the page hook
/// `data-cloudbook-field` names the field.
pub fn field<K: PageKernel>(
    state: &GenericState<K>,
    dispatch: &UseReducerDispatcher<GenericState<K>>,
    cell: usize,
    field: Field,
    label: &str,
    input: Input<'_>,
) -> Html {
    let id = field_id(state, cell, field);
    let hook = field.hook();
    let value = state.field_text(cell, field);
    let error = state.field_errors.get(&(cell, field)).cloned();
    let err_id = format!("{id}-err");
    let d = dispatch.clone();
    let control = match input {
        Input::Select(options) => {
            let onchange = Callback::from(move |e: Event| {
                let el: HtmlSelectElement = e.target_unchecked_into();
                d.dispatch(LabAction::Edit {
                    cell,
                    field,
                    value: el.value(),
                });
            });
            html! {
                <select id={id.clone()} {onchange} data-cloudbook-field={hook.clone()}>
                    { for options.iter().map(|(v, m)| html! { <option value={*v} selected={value == *v}>{ t(*m) }</option> }) }
                </select>
            }
        }
        Input::Choices(options) => {
            let onchange = Callback::from(move |e: Event| {
                let el: HtmlSelectElement = e.target_unchecked_into();
                d.dispatch(LabAction::Edit {
                    cell,
                    field,
                    value: el.value(),
                });
            });
            html! {
                <select id={id.clone()} {onchange} data-cloudbook-field={hook.clone()}>
                    // A value outside the choices (from the block) stays selectable.
                    if !options.contains(&value.as_str()) { <option value={value.clone()} selected=true>{ value.clone() }</option> }
                    { for options.iter().map(|v| html! { <option value={v.to_string()} selected={value == *v}>{ v.to_string() }</option> }) }
                </select>
            }
        }
        Input::Lines | Input::Json => {
            let oninput = Callback::from(move |e: InputEvent| {
                let el: HtmlTextAreaElement = e.target_unchecked_into();
                d.dispatch(LabAction::Edit {
                    cell,
                    field,
                    value: el.value(),
                });
            });
            let rows = (value.lines().count() + 1).clamp(2, 16).to_string();
            html! {
                <textarea id={id.clone()} class={if matches!(input, Input::Json) { "cb-json" } else { "cb-lines" }}
                    spellcheck="false" rows={rows} value={value.clone()} {oninput}
                    aria-invalid={error.as_ref().map(|_| "true")} aria-describedby={error.as_ref().map(|_| err_id.clone())}
                    data-cloudbook-field={hook.clone()} />
            }
        }
        Input::Line | Input::Number => {
            let oninput = Callback::from(move |e: InputEvent| {
                let el: HtmlInputElement = e.target_unchecked_into();
                d.dispatch(LabAction::Edit {
                    cell,
                    field,
                    value: el.value(),
                });
            });
            html! {
                <input id={id.clone()} type="text" inputmode={if matches!(input, Input::Number) { "decimal" } else { "text" }}
                    spellcheck="false" value={value.clone()} {oninput}
                    aria-invalid={error.as_ref().map(|_| "true")} aria-describedby={error.as_ref().map(|_| err_id.clone())}
                    data-cloudbook-field={hook.clone()} />
            }
        }
    };
    html! {
        <>
            <label for={id}>{ label.to_string() }</label>
            <div>
                { control }
                if let Some(e) = error { <p id={err_id} class="cb-field-error" role="status">{ e }</p> }
            </div>
        </>
    }
}

fn kind_label(kind: &CellKind) -> Msg {
    match kind {
        CellKind::Function(_) => Msg::CellFunction,
        CellKind::Invoke { .. } => Msg::CellInvoke,
        CellKind::Api { .. } => Msg::CellApi,
        CellKind::S3 { .. } => Msg::CellS3,
        CellKind::Schedule { .. } => Msg::CellSchedule,
        CellKind::Iam { .. } => Msg::CellIam,
        CellKind::Load { .. } => Msg::CellLoad,
        CellKind::Tuning { .. } => Msg::CellTuning,
        // Container cells never reach a Lambda notebook (a lab's cells run on one engine).
        _ => Msg::Run,
    }
}

fn run_label(kind: &CellKind) -> Msg {
    match kind {
        CellKind::Function(_) => Msg::Deploy,
        CellKind::Invoke { .. } => Msg::Invoke,
        CellKind::Api { .. } => Msg::Send,
        CellKind::S3 { .. } => Msg::PutObject,
        CellKind::Schedule { .. } => Msg::FastForward,
        CellKind::Iam { .. } => Msg::Evaluate,
        CellKind::Load { .. } => Msg::StartLoad,
        CellKind::Tuning { .. } => Msg::Tune,
        _ => Msg::Run,
    }
}

impl KernelView for Notebook {
    fn view_cell(state: &LabState, dispatch: &Dispatch, i: usize) -> Html {
        view_cell(state, dispatch, i)
    }

    fn frame(
        run: &RefCell<LoadRun>,
        pacer: &Pacer,
        wall_ms: f64,
        chunk: &mut u64,
    ) -> Option<(LoadOutput, bool)> {
        let start = now_ms();
        let mut r = run.borrow_mut();
        let (now_us, end_us) = (r.now().as_micros(), r.duration().as_micros());
        let target = pacer.target(now_us as f64 / 1e6, end_us as f64 / 1e6, wall_ms)?;
        // At the end of the duration, keep going until the invocations still in flight finish
        // (the run is only finished then).
        let target_us = ((target * 1e6) as u64).min(end_us);
        let target_us = if target_us >= end_us {
            end_us + 3_600_000_000
        } else {
            target_us
        };
        let mut finished = r.finished();
        while !finished && r.now().as_micros() < target_us {
            let t0 = now_ms();
            let left = cloudbook::sim::SimDuration::from_micros(target_us - r.now().as_micros());
            finished = r.advance(left, *chunk);
            *chunk = next_chunk(*chunk, now_ms() - t0);
            if now_ms() - start > SLICE_MS {
                break;
            }
        }
        finished |= r.finished();
        Some((r.progress(), finished))
    }
}

/// Cell `i`: frame, form, output.
pub fn view_cell(state: &LabState, dispatch: &Dispatch, i: usize) -> Html {
    let cell = &state.cells[i];
    let d = dispatch.clone();
    let onrun = Callback::from(move |_: MouseEvent| d.dispatch(LabAction::Run(i)));
    let f = |fld: Field, label: Msg, input: Input| field(state, dispatch, i, fld, t(label), input);
    let body = match &cell.kind {
        CellKind::Function(spec) => {
            let d = dispatch.clone();
            let onedit = Callback::from(move |value: String| {
                d.dispatch(LabAction::Edit {
                    cell: i,
                    field: Field::Handler,
                    value,
                })
            });
            let d = dispatch.clone();
            let onrun_key = Callback::from(move |_| d.dispatch(LabAction::Run(i)));
            html! {
                <>
                    <CodeEditor id={AttrValue::from(field_id(state, i, Field::Handler))} label={t(Msg::Editor)}
                        value={AttrValue::from(state.field_text(i, Field::Handler))} onedit={onedit} onrun={onrun_key}
                        error_line={state.error_lines.get(&spec.name).copied()} />
                    <details class="cb-config" open={state.config_errors.contains_key(&i)}>
                        <summary>{ t(Msg::Configuration) }</summary>
                        <div class="cb-form">
                            { f(Field::Memory, Msg::MemoryMb, Input::Number) }
                            { f(Field::Timeout, Msg::TimeoutS, Input::Number) }
                            { f(Field::Architecture, Msg::Architecture, Input::Select(ARCHITECTURES)) }
                            { f(Field::EphemeralStorage, Msg::EphemeralMb, Input::Number) }
                            { f(Field::ReservedConcurrency, Msg::Reserved, Input::Number) }
                            { f(Field::Environment, Msg::Environment, Input::Lines) }
                            { f(Field::Policies, Msg::Policies, Input::Json) }
                        </div>
                    </details>
                    if let Some(e) = state.config_errors.get(&i) {
                        <p class="cb-config-errors" role="status" data-cloudbook-config="invalid">{ t(Msg::AwsWouldSay) }{ " " }<span>{ e.clone() }</span></p>
                    }
                </>
            }
        }
        CellKind::Invoke {
            function, template, ..
        } => html! {
            <>
                <p class="cb-cell-note">{ t(Msg::Function) }{ ": " }<code>{ function.clone() }</code></p>
                <div class="cb-form">
                    { f(Field::Template, Msg::Template, Input::Select(TEMPLATES)) }
                    if matches!(template, EventTemplate::ApigwRest | EventTemplate::ApigwHttp) {
                        { f(Field::Method, Msg::Method, Input::Line) }
                        { f(Field::Path, Msg::Path, Input::Line) }
                        { f(Field::Query, Msg::Query, Input::Line) }
                        { f(Field::Headers, Msg::Headers, Input::Lines) }
                        { f(Field::Body, Msg::Body, Input::Lines) }
                    }
                    { f(Field::Event, Msg::EventJson, Input::Json) }
                </div>
            </>
        },
        CellKind::Api {
            function, api, route, ..
        } => html! {
            <>
                <p class="cb-cell-note">{ format!("{} {route} → {function} ({})", t(Msg::Route),
                    match api { cloudbook::lambda::ApiKind::Http => t(Msg::HttpApi), cloudbook::lambda::ApiKind::Rest => t(Msg::RestApi) }) }</p>
                <div class="cb-form">
                    { f(Field::Method, Msg::Method, Input::Line) }
                    { f(Field::Path, Msg::Path, Input::Line) }
                    { f(Field::Query, Msg::Query, Input::Line) }
                    { f(Field::Headers, Msg::Headers, Input::Lines) }
                    { f(Field::Body, Msg::Body, Input::Lines) }
                </div>
            </>
        },
        CellKind::S3 { bucket, function, .. } => html! {
            <>
                <p class="cb-cell-note">{ fill_bucket(bucket, function) }</p>
                <div class="cb-form">
                    { f(Field::Prefix, Msg::Prefix, Input::Line) }
                    { f(Field::Suffix, Msg::Suffix, Input::Line) }
                    { f(Field::PutKey, Msg::ObjectKey, Input::Line) }
                    { f(Field::PutBody, Msg::ObjectBody, Input::Lines) }
                </div>
            </>
        },
        CellKind::Schedule { function, .. } => html! {
            <>
                <p class="cb-cell-note">{ t(Msg::Function) }{ ": " }<code>{ function.clone() }</code></p>
                <div class="cb-form">
                    { f(Field::Expression, Msg::Expression, Input::Line) }
                    { f(Field::RunFor, Msg::RunFor, Input::Line) }
                </div>
            </>
        },
        CellKind::Iam { function, .. } => html! {
            <>
                <p class="cb-cell-note">{ t(Msg::IamNote) }{ " " }<code>{ function.clone() }</code></p>
                <div class="cb-form">{ f(Field::Probes, Msg::ProbesField, Input::Lines) }</div>
            </>
        },
        CellKind::Load { function, .. } => html! {
            <>
                <p class="cb-cell-note">{ t(Msg::Function) }{ ": " }<code>{ function.clone() }</code>{ " " }{ t(Msg::LoadNote) }</p>
                <div class="cb-form">
                    { f(Field::Rps, Msg::Rps, Input::Number) }
                    { f(Field::Duration, Msg::Duration, Input::Line) }
                    { f(Field::Event, Msg::EventJson, Input::Json) }
                </div>
                { view_pacing(state, dispatch, i) }
            </>
        },
        CellKind::Tuning { function, .. } => html! {
            <>
                <p class="cb-cell-note">{ t(Msg::Function) }{ ": " }<code>{ function.clone() }</code></p>
                <div class="cb-form">
                    { f(Field::MemoryList, Msg::MemoryList, Input::Line) }
                    { f(Field::Runs, Msg::Runs, Input::Number) }
                    { f(Field::Event, Msg::EventJson, Input::Json) }
                </div>
            </>
        },
        _ => html! {},
    };
    let output = state.outputs.get(i).and_then(|o| o.as_deref());
    let frame = CellFrame {
        lab_id: &state.spec.id,
        cell,
        kind_label: t(kind_label(&cell.kind)),
        run_label: t(run_label(&cell.kind)),
        onrun,
    };
    frame.view(body, output, output.map(view_output).unwrap_or_default())
}

/// A cell's frame, the same in both kinds of lab: the heading with its kind and id, the Run
/// button and the output area, with the page hooks `data-cloudbook-cell`,
/// `data-cloudbook-cell-id`, `data-cloudbook-action="run"` and `data-cloudbook-output`.
pub struct CellFrame<'a> {
    pub lab_id: &'a str,
    pub cell: &'a cloudbook::lab::Cell,
    pub kind_label: &'a str,
    pub run_label: &'a str,
    pub onrun: Callback<MouseEvent>,
}

impl CellFrame<'_> {
    /// The frame around `body` (the cell's form) and `shown` (its output's view).
    pub fn view(self, body: Html, output: Option<&CellOutput>, shown: Html) -> Html {
        let cell = self.cell;
        let heading_id = format!("cb-{}-{}-head", self.lab_id, cell.id);
        let failed = matches!(output, Some(CellOutput::Error { .. }));
        html! {
            <div class="cb-cell" data-cloudbook-cell={cell.kind.name()} data-cloudbook-cell-id={cell.id.clone()}
                role="group" aria-labelledby={heading_id.clone()}>
                <div class="cb-cell-head">
                    <h4 id={heading_id} class="cb-cell-title"><span class="cb-cell-kind">{ self.kind_label }</span>{ " " }<code>{ cell.id.clone() }</code></h4>
                    <button type="button" class="cb-run" data-cloudbook-action="run" onclick={self.onrun}>{ self.run_label }</button>
                </div>
                { body }
                <div class={classes!("cb-cell-output", failed.then_some("cb-failed"))} data-cloudbook-output={output.map(|_| "true")}>
                    { shown }
                </div>
            </div>
        }
    }
}

fn fill_bucket(bucket: &str, function: &str) -> String {
    crate::i18n::fill(Msg::BucketNote, &[("bucket", bucket), ("function", function)])
}

/// Play, pause, step and speed of the load cell's run.
///
/// As in the placement step-through, a button that cannot act now is `aria-disabled`, not
/// `disabled`: pressing Pause must not drop keyboard focus to the page when the button it was on
/// becomes unavailable. Such a button stays focusable, says it is unavailable, and sends nothing.
fn view_pacing(state: &LabState, dispatch: &Dispatch, i: usize) -> Html {
    let running = state.load.as_ref().is_some_and(|l| l.cell == i);
    let button = |action: &'static str, label: &'static str, unavailable: bool, a: fn() -> LabAction| {
        let d = dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if !unavailable {
                d.dispatch(a())
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
        if let Ok(s) = el.value().parse() {
            d.dispatch(LabAction::Speed(s));
        }
    });
    let speed_id = format!("cb-{}-{}-speed", state.spec.id, state.cells[i].id);
    let playing = running && state.pacer.playing;
    html! {
        <div class="cb-toolbar cb-pacing" role="group" aria-label={t(Msg::Playback)}>
            { button("play", t(Msg::Play), !running || playing, || LabAction::Play) }
            { button("pause", t(Msg::Pause), !playing, || LabAction::Pause) }
            { button("step", t(Msg::Step), !running, || LabAction::Step) }
            <label for={speed_id.clone()}>{ t(Msg::Speed) }</label>
            <select id={speed_id} data-cloudbook-action="speed" onchange={onspeed}>
                { for SPEEDS.iter().map(|s| html! {
                    <option value={s.to_string()} selected={state.pacer.speed == *s}>
                        { if *s == 0 { t(Msg::Fastest).to_string() } else { format!("{s}×") } }
                    </option>
                }) }
            </select>
        </div>
    }
}
