//! A lab cell: an editor for the handler, the test event, a Run button, and what the simulated
//! Lambda reported — response or error, CloudWatch log lines, the trace, the goals.
//!
//! Code and the "goals reached" mark are saved in localStorage on every change, so a reload never
//! loses the learner's work. When the goals are reached it tells the page with a
//! `cloudbook:lab` event, which lab-graded quiz questions listen for.

use std::rc::Rc;

use cloudbook::lab::LabSpec;
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::{Msg, fill, t};
use crate::mount::mark_ready;
use crate::state::lab::{LabAction, LabState, SavedLab};
use crate::storage;

#[derive(Properties, PartialEq)]
pub struct LabProps {
    pub lab: Rc<LabSpec>,
    /// The placeholder element the cell is mounted on.
    pub root: Element,
}

#[function_component(LabCell)]
pub fn lab_cell(props: &LabProps) -> Html {
    let state = use_reducer(|| LabState::new(props.lab.clone()));
    let key = storage::lab_key(&props.lab.id);

    {
        let (state, key, root) = (state.clone(), key.clone(), props.root.clone());
        use_effect_with((), move |_| {
            if let Some(saved) = storage::get(&key).and_then(|s| serde_json::from_str::<SavedLab>(&s).ok()) {
                state.dispatch(LabAction::Restore(saved));
            }
            mark_ready(&root);
        });
    }
    {
        let key = key.clone();
        let lab_id = props.lab.id.clone();
        use_effect_with((state.code.clone(), state.passed), move |(code, passed)| {
            let saved = SavedLab {
                version: crate::state::lab::SAVED_LAB_VERSION,
                code: code.clone(),
                passed: *passed,
            };
            if let Ok(json) = serde_json::to_string(&saved) {
                storage::set(&key, &json);
            }
            if *passed {
                announce_passed(&lab_id);
            }
        });
    }

    let editor_id = format!("cb-lab-{}-code", props.lab.id);
    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            state.dispatch(LabAction::Edit(area.value()));
        })
    };
    let onrun = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(LabAction::Run))
    };
    let onkeydown = {
        let state = state.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                state.dispatch(LabAction::Run);
            }
        })
    };
    let onreset = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(LabAction::ResetCode))
    };

    let lab = &props.lab;
    let event_json = serde_json::to_string_pretty(&lab.first_event()).unwrap_or_default();
    html! {
        <section class="cb-lab" aria-label={lab.title.clone().unwrap_or_else(|| lab.id.clone())}>
            if let Some(title) = &lab.title { <h3 class="cb-title">{ fill(Msg::LabTitle, &[("title", title)]) }</h3> }
            if let Some(instr) = &lab.instructions {
                <div class="cb-instructions">{ Html::from_html_unchecked(AttrValue::from(instr.clone())) }</div>
            }
            <label for={editor_id.clone()}>{ t(Msg::Editor) }{ t(Msg::CtrlEnterRuns) }</label>
            <textarea id={editor_id} class="cb-code" spellcheck="false" value={state.code.clone()}
                {oninput} {onkeydown} />
            <details class="cb-event">
                <summary>{ t(Msg::TestEvent) }</summary>
                <pre class="cb-output">{ event_json }</pre>
            </details>
            <div class="cb-actions">
                <button type="button" class="cb-run" onclick={onrun}>{ t(Msg::Run) }</button>
                <button type="button" class="cb-reset" onclick={onreset}>{ t(Msg::ResetCode) }</button>
            </div>
            { view_goals(lab, &state) }
            <div class="cb-result" aria-live="polite">
                { match state.last.as_deref() {
                    None => html! {},
                    Some(Err(why)) => html! { <p class="cb-verdict cb-fail" role="alert">{ why.clone() }</p> },
                    Some(Ok(run)) => view_run(run),
                } }
            </div>
        </section>
    }
}

fn view_goals(lab: &LabSpec, state: &LabState) -> Html {
    if lab.goals.is_empty() {
        return html! {};
    }
    let results = state
        .last
        .as_deref()
        .and_then(|r| r.as_ref().ok())
        .map(|r| r.goals.clone());
    html! {
        <div class="cb-goal-box">
            <h4>{ t(Msg::Goals) }</h4>
            <ul class="cb-goals">
                { for lab.goals.iter().enumerate().map(|(i, g)| {
                    let verdict = results.as_ref().and_then(|r| r.get(i)).map(|r| r.passed);
                    let class = match verdict { Some(true) => "cb-pass", Some(false) => "cb-fail", None => "" };
                    html! { <li class={class}>{ g.describe() }</li> }
                }) }
            </ul>
            if state.passed { <p class="cb-verdict cb-pass cb-lab-passed">{ t(Msg::LabPassed) }</p> }
        </div>
    }
}

fn view_run(run: &cloudbook::lab::LabRun) -> Html {
    let inv = &run.invocation;
    let (label, body, class) = match (&inv.error, &inv.response) {
        (Some(err), _) => (
            t(Msg::Error),
            serde_json::to_string_pretty(err).unwrap_or_default(),
            "cb-response cb-fail",
        ),
        (None, Some(resp)) => (
            t(Msg::Response),
            serde_json::to_string_pretty(resp).unwrap_or_default(),
            "cb-response",
        ),
        (None, None) => (t(Msg::Response), "null".to_string(), "cb-response"),
    };
    html! {
        <div class="cb-run-output" data-trace-hash={format!("{:016x}", inv.trace_hash)}>
            <p class={if run.passed { "cb-verdict cb-pass" } else { "cb-verdict cb-fail" }}>
                { if run.passed { t(Msg::LabPassed) } else { t(Msg::LabNotYet) } }
            </p>
            <h4>{ label }</h4>
            <pre class={class}>{ body }</pre>
            <p class="cb-billing">
                { format!("{}: {} ms · {}: ${:.10}", t(Msg::Billed), inv.billed_ms, t(Msg::Cost), inv.cost_usd) }
            </p>
            <h4>{ t(Msg::Logs) }</h4>
            <pre class="cb-output cb-logs">{ inv.logs.join("\n") }</pre>
            <details class="cb-trace">
                <summary>{ t(Msg::Trace) }</summary>
                <pre class="cb-output">{ inv.trace.join("\n") }</pre>
            </details>
        </div>
    }
}

/// Tells lab-graded questions on the page that this lab's goals are reached.
fn announce_passed(lab_id: &str) {
    let Some(window) = web_sys::window() else { return };
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&wasm_bindgen::JsValue::from_str(lab_id));
    if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict("cloudbook:lab", &init) {
        let _ = window.dispatch_event(&ev);
    }
}
