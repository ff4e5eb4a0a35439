//! A lab notebook: the toolbar (Run all, Reset, Share link, Hint), the cells, the goals with one
//! verdict for the whole lab, the hints, and "what this simulator does not model".
//!
//! The state and every decision live in `state::lab`; this component renders it and runs the
//! effects: restoring from a share link or localStorage at mount, saving on every change,
//! making the share link, the frame loops that advance a load run in slices or play a
//! step-through, and telling the page (`cloudbook:lab`) when the goals are reached. The page
//! hooks of the lab contracts are here and in the cell views (`cells` for Lambda labs, `sched`
//! for container labs).
//!
//! The component is generic over the kernel ([`KernelView`]): the `lab` module mounts
//! `LabCell<Notebook>`, the `sched` module `LabCell<Workbench>`, and each links only its own
//! kernel and cell views.

use std::cell::RefCell;
use std::rc::Rc;

use cloudbook::lab::{GoalStatus, LabSpec, LoadOutput};
use web_sys::Element;
use yew::prelude::*;

use crate::i18n::{Msg, fill, t};
use crate::mount::mark_lab_ready;
use crate::share;
use crate::slices::{FrameLoop, Pacer, now_ms};
use crate::state::lab::{LabAction, LabState, PageKernel, RestoreProblem, read_saved};
use crate::state::stepper::StepOp;
use crate::storage;

/// What the notebook component needs from a kernel's views.
pub trait KernelView: PageKernel {
    /// Cell `i`: its frame, form and output.
    fn view_cell(state: &LabState<Self>, dispatch: &UseReducerDispatcher<LabState<Self>>, i: usize) -> Html;
    /// Advances a sliced run for one animation frame, `wall_ms` after the last; `None` while the
    /// pacer holds it, else the progress and whether the run finished.
    fn frame(
        run: &RefCell<Self::Slice>,
        pacer: &Pacer,
        wall_ms: f64,
        chunk: &mut u64,
    ) -> Option<(LoadOutput, bool)>;
}

#[derive(Properties, PartialEq)]
pub struct LabProps {
    pub lab: Rc<LabSpec>,
    /// The placeholder element the lab is mounted on.
    pub root: Element,
}

#[function_component(LabCell)]
pub fn lab_cell<K: KernelView>(props: &LabProps) -> Html {
    let state = use_reducer(|| LabState::<K>::new(props.lab.clone()));
    let key = storage::lab_key(&props.lab.id);

    // Restore: a share link for this lab wins over the saved state.
    {
        let (state, key, root, spec) = (state.clone(), key.clone(), props.root.clone(), props.lab.clone());
        use_effect_with((), move |_| {
            let hash = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            let from_link = share::read_fragment(&hash, &spec.id);
            match from_link {
                Some(Ok(json)) => {
                    state.dispatch(LabAction::Restore {
                        saved: read_saved(&spec, &json),
                        from_link: true,
                    });
                    // Applied once: without the fragment a reload keeps the learner's later
                    // edits instead of applying the link over them again.
                    forget_fragment();
                }
                other => {
                    if let Some(json) = storage::get(&key) {
                        state.dispatch(LabAction::Restore {
                            saved: read_saved(&spec, &json),
                            from_link: false,
                        });
                    }
                    if other.is_some() {
                        state.dispatch(LabAction::Restore {
                            saved: Err(RestoreProblem::Unreadable),
                            from_link: true,
                        });
                    }
                }
            }
            mark_lab_ready(&root);
        });
    }
    // Save on every change of what is saved.
    {
        let key = key.clone();
        let saved = state.saved();
        use_effect_with(saved, move |saved| {
            if let Ok(json) = serde_json::to_string(saved) {
                storage::set(&key, &json);
            }
        });
    }
    // Tell lab-graded questions once the goals are reached.
    {
        let lab_id = props.lab.id.clone();
        use_effect_with(state.passed, move |passed| {
            if *passed {
                announce_passed(&lab_id);
            }
        });
    }
    // The frame loop of the load run in progress.
    let pacer = use_mut_ref(Pacer::default);
    *pacer.borrow_mut() = state.pacer;
    {
        let generation = state.load.as_ref().map(|l| l.generation);
        let run = state.load.as_ref().map(|l| l.run.clone());
        let dispatcher = state.dispatcher();
        let pacer = pacer.clone();
        use_effect_with(generation, move |generation| {
            let frames = match (*generation, run) {
                (Some(generation), Some(run)) => {
                    let mut chunk = 256u64;
                    Some(FrameLoop::start(move |wall_ms| {
                        let Some((output, finished)) = K::frame(&run, &pacer.borrow(), wall_ms, &mut chunk)
                        else {
                            return true;
                        };
                        dispatcher.dispatch(LabAction::LoadProgress { generation, output });
                        if finished {
                            dispatcher.dispatch(LabAction::LoadFinished { generation });
                        }
                        !finished
                    }))
                }
                _ => None,
            };
            move || drop(frames)
        });
    }
    // The frame loop of the step-throughs that play.
    {
        let playing: Vec<usize> = state
            .steppers
            .iter()
            .filter(|(_, s)| s.playing)
            .map(|(i, _)| *i)
            .collect();
        let dispatcher = state.dispatcher();
        use_effect_with(playing, move |playing| {
            let cells = playing.clone();
            let frames = (!cells.is_empty()).then(|| {
                FrameLoop::start(move |_| {
                    let now = now_ms();
                    for &cell in &cells {
                        dispatcher.dispatch(LabAction::Steps {
                            cell,
                            op: StepOp::Tick(now),
                        });
                    }
                    true
                })
            });
            move || drop(frames)
        });
    }

    // A hint the learner asked for takes focus, so it is read out and focus does not fall to the
    // page when the Hint button runs out and is disabled; a hint restored at load takes none.
    let hint_asked = use_mut_ref(|| false);
    {
        let (root, asked) = (props.root.clone(), hint_asked.clone());
        use_effect_with(state.hints_shown, move |shown| {
            if std::mem::take(&mut *asked.borrow_mut()) && *shown > 0 {
                focus_in(&root, &format!("[data-cloudbook-hint=\"{}\"]", shown - 1));
            }
        });
    }

    let dispatch = state.dispatcher();
    let onhint = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            *hint_asked.borrow_mut() = true;
            d.dispatch(LabAction::Hint)
        })
    };
    let act = |a: fn() -> LabAction| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(a()))
    };
    let onshare = {
        let (state, d) = (state.clone(), dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            let Ok(json) = serde_json::to_string(&state.saved()) else {
                return;
            };
            let fragment = share::link_fragment(&state.spec.id, &json);
            let Some(location) = web_sys::window().map(|w| w.location()) else {
                return;
            };
            // The page's own URL stays as it is: the link is offered to copy, not applied here.
            let page = format!(
                "{}{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            );
            d.dispatch(LabAction::Shared(format!("{page}#{fragment}")));
        })
    };
    let lab = &props.lab;
    let hints_left = lab.hints.len().saturating_sub(state.hints_shown as usize);
    let share_id = format!("cb-{}-share", lab.id);
    html! {
        <section class="cb-lab" aria-label={lab.title.clone().unwrap_or_else(|| lab.id.clone())}>
            if let Some(title) = &lab.title { <h3 class="cb-title">{ fill(Msg::LabTitle, &[("title", title)]) }</h3> }
            if let Some(instr) = &lab.instructions {
                // Built from the book's Markdown at build time, never from learner text.
                <div class="cb-instructions">{ Html::from_html_unchecked(AttrValue::from(instr.clone())) }</div>
            }
            if let Some(notice) = &state.notice {
                <p class="cb-notice" role="status" data-cloudbook-notice="true">{ notice.clone() }{ " " }
                    <button type="button" onclick={act(|| LabAction::DismissNotice)}>{ t(Msg::Dismiss) }</button></p>
            }
            <div class="cb-toolbar" role="group" aria-label={t(Msg::LabToolbar)}>
                <button type="button" data-cloudbook-action="run-all" onclick={act(|| LabAction::RunAll)}>{ t(Msg::RunAll) }</button>
                <button type="button" data-cloudbook-action="reset" onclick={act(|| LabAction::Reset)}>{ t(Msg::Reset) }</button>
                <button type="button" data-cloudbook-action="share" onclick={onshare}>{ t(Msg::ShareLink) }</button>
                if !lab.hints.is_empty() {
                    <button type="button" data-cloudbook-action="hint" disabled={hints_left == 0} onclick={onhint}>
                        { fill(Msg::HintsLeft, &[("n", &hints_left.to_string())]) }</button>
                }
            </div>
            if let Some(link) = &state.share {
                <p class="cb-share"><label for={share_id.clone()}>{ t(Msg::ShareThis) }</label>{ " " }
                    <input id={share_id} type="text" readonly=true value={link.clone()} size="40" data-cloudbook-share="link" /></p>
            }
            if state.hints_shown > 0 {
                <div class="cb-hints">
                    { for lab.hints.iter().take(state.hints_shown as usize).enumerate().map(|(i, h)| html! {
                        <div class="cb-hint" data-cloudbook-hint={i.to_string()} tabindex="-1">
                            <strong>{ fill(Msg::HintN, &[("n", &(i + 1).to_string())]) }</strong>
                            { Html::from_html_unchecked(AttrValue::from(h.clone())) }
                        </div>
                    }) }
                </div>
            }
            { for (0..state.cells.len()).map(|i| K::view_cell(&state, &dispatch, i)) }
            { view_goals(&state) }
            <details class="cb-not-modelled">
                <summary>{ t(Msg::NotModelled) }</summary>
                { Html::from_html_unchecked(AttrValue::from(lab.not_modelled.clone())) }
            </details>
            <p class="cb-sr-only" aria-live="polite" data-cloudbook-announce="true">{ state.announce.clone() }</p>
        </section>
    }
}

/// The goals, each with its status and reason, and one verdict for the whole lab.
fn view_goals<K: PageKernel>(state: &LabState<K>) -> Html {
    if state.verdicts.is_empty() {
        return html! {};
    }
    let any_fail = state.verdicts.iter().any(|v| v.status == GoalStatus::Fail);
    let (verdict, class) = if state.all_pass() {
        (t(Msg::LabPassed), "cb-verdict cb-pass cb-lab-passed")
    } else if any_fail {
        (t(Msg::LabNotYet), "cb-verdict cb-fail")
    } else if state.passed {
        (t(Msg::PassedBefore), "cb-verdict")
    } else {
        (t(Msg::RunToCheck), "cb-verdict")
    };
    html! {
        <div class="cb-goal-box">
            <h4>{ t(Msg::Goals) }</h4>
            <ul class="cb-goals" aria-live="polite">
                { for state.verdicts.iter().map(|v| {
                    let (class, status) = match v.status {
                        GoalStatus::Pass => ("cb-pass", "pass"),
                        GoalStatus::Fail => ("cb-fail", "fail"),
                        GoalStatus::Pending => ("cb-pending", "pending"),
                    };
                    html! {
                        <li class={class} data-cloudbook-goal={status}>
                            <span class="cb-sr-only">{ t(match v.status { GoalStatus::Pass => Msg::GoalPass, GoalStatus::Fail => Msg::GoalFail, GoalStatus::Pending => Msg::GoalPending }) }</span>
                            { v.description.clone() }
                            <span class="cb-goal-reason">{ v.reason.clone() }</span>
                        </li>
                    }
                }) }
            </ul>
            <p class={class} role="status" data-cloudbook-verdict="true">{ verdict }</p>
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

/// Moves keyboard focus to the first element under `root` that matches `css`, if there is one.
fn focus_in(root: &Element, css: &str) {
    use wasm_bindgen::JsCast;
    let found = root.query_selector(css).ok().flatten();
    if let Some(el) = found.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Drops the URL fragment without reloading or adding a history entry.
fn forget_fragment() {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
