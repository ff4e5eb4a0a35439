//! A quiz: its questions one at a time or all at once, Check / Retry the wrong ones / Show the
//! right answers, a score summary, and an aria-live region that announces every result.
//!
//! Progress is restored from localStorage through the core's `restore` (corrupt, outdated or
//! edited-quiz data gives a fresh quiz and a visible notice, never a crash) and saved after every
//! change, together with unsubmitted drafts.

use std::collections::BTreeMap;
use std::rc::Rc;

use cloudbook::quiz::{Answer, Kind, Mode, Quiz, restore};
use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use crate::components::question::QuestionView;
use crate::i18n::{Msg, question_of, t};
use crate::mount::mark_ready;
use crate::state::quiz::{QuizAction, QuizState, fmt_points};
use crate::storage;

#[derive(Properties, PartialEq)]
pub struct QuizProps {
    pub quiz: Rc<Quiz>,
    pub root: Element,
}

fn draft_key(quiz_id: &str) -> String {
    format!("{}:draft", storage::quiz_key(quiz_id))
}

#[function_component(QuizWidget)]
pub fn quiz_widget(props: &QuizProps) -> Html {
    let state = use_reducer(|| QuizState::new(props.quiz.clone(), storage::learner_seed()));
    let summary_ref = use_node_ref();

    // Restore once, then mark the widget interactive.
    {
        let (state, quiz, root) = (state.clone(), props.quiz.clone(), props.root.clone());
        use_effect_with((), move |_| {
            let key = storage::quiz_key(&quiz.id);
            let drafts: BTreeMap<String, Answer> = storage::get(&draft_key(&quiz.id))
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            let labs: Vec<String> = quiz
                .questions
                .iter()
                .filter_map(|q| match &q.kind {
                    Kind::LabGraded { lab, .. } => Some(lab.clone()),
                    _ => None,
                })
                .collect();
            for lab in &labs {
                let passed = storage::get(&storage::lab_key(lab))
                    .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                    .and_then(|v| v.get("passed").and_then(|p| p.as_bool()))
                    .unwrap_or(false);
                if passed {
                    state.dispatch(QuizAction::LabPassed(lab.clone()));
                }
            }
            match storage::get(&key) {
                Some(json) => {
                    let r = restore(&json, &quiz);
                    state.dispatch(QuizAction::Restore {
                        progress: r.progress,
                        notice: r.notice.map(|n| n.to_string()),
                        drafts,
                    });
                }
                None if !drafts.is_empty() => state.dispatch(QuizAction::Restore {
                    progress: cloudbook::quiz::QuizProgress::fresh(&quiz),
                    notice: None,
                    drafts,
                }),
                None => {}
            }
            mark_ready(&root);
            // Lab-graded questions: the lab module announces reached goals with a `cloudbook:lab` event.
            let listener = web_sys::window().map(|w| {
                let state = state.clone();
                EventListener::new(&w, "cloudbook:lab", move |e| {
                    if let Some(id) = e
                        .dyn_ref::<web_sys::CustomEvent>()
                        .and_then(|c| c.detail().as_string())
                    {
                        if labs.contains(&id) {
                            state.dispatch(QuizAction::LabPassed(id));
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }
    // Save after every change of answers or drafts.
    {
        let quiz_id = props.quiz.id.clone();
        use_effect_with(
            (state.progress.clone(), state.drafts.clone()),
            move |(progress, drafts)| {
                if !progress.answers.is_empty() || storage::get(&storage::quiz_key(&quiz_id)).is_some() {
                    storage::set(&storage::quiz_key(&quiz_id), &progress.to_json());
                }
                if let Ok(json) = serde_json::to_string(drafts) {
                    storage::set(&draft_key(&quiz_id), &json);
                }
            },
        );
    }

    let quiz = &props.quiz;
    let total = quiz.questions.len();
    let dom = format!("cb-quiz-{}", quiz.id);
    let visible: Vec<usize> = match quiz.mode {
        Mode::AllAtOnce => (0..total).collect(),
        Mode::OneAtATime => vec![state.current.min(total.saturating_sub(1))],
    };

    let dispatch = |a: fn() -> QuizAction| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(a()))
    };
    let onretry = dispatch(|| QuizAction::RetryWrong);
    let onreveal = dispatch(|| QuizAction::Reveal);
    let onreset = dispatch(|| QuizAction::Reset);

    let current_id = quiz
        .questions
        .get(visible.first().copied().unwrap_or(0))
        .map(|q| q.id.clone());
    let onsubmit = {
        let state = state.clone();
        let mode = quiz.mode;
        let current_id = current_id.clone();
        Callback::from(move |_: MouseEvent| {
            state.dispatch(QuizAction::Submit(if mode == Mode::OneAtATime {
                current_id.clone()
            } else {
                None
            }))
        })
    };
    let go = |to: usize| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(QuizAction::Go(to)))
    };

    let current_graded = current_id
        .as_ref()
        .is_some_and(|id| state.graded.contains_key(id));
    let can_submit = match quiz.mode {
        Mode::OneAtATime => !current_graded,
        Mode::AllAtOnce => !state.all_graded(),
    };

    html! {
        <section class="cb-quiz" aria-label={quiz.title.clone().unwrap_or_else(|| "Quiz".into())}>
            <h3 class="cb-title">{ quiz.title.clone().unwrap_or_else(|| "Quiz".into()) }</h3>
            if let Some(n) = &state.notice { <p class="cb-notice" role="status">{ n.clone() }</p> }
            if quiz.mode == Mode::OneAtATime && total > 1 {
                <p class="cb-position">{ question_of(visible[0] + 1, total) }</p>
            }
            { for visible.iter().map(|&i| {
                let q = Rc::new(quiz.questions[i].clone());
                let id = q.id.clone();
                let ondraft = {
                    let state = state.clone();
                    let id = id.clone();
                    Callback::from(move |answer| state.dispatch(QuizAction::Draft { question: id.clone(), answer }))
                };
                let lab_passed = matches!(&q.kind, Kind::LabGraded { lab, .. } if state.labs_passed.contains(lab));
                html! {
                    <QuestionView key={id.clone()} question={q.clone()} dom_id={format!("{dom}-{id}")} number={i + 1}
                        order={state.display_order(&id, q.shuffle_len() as usize)}
                        draft={state.drafts.get(&id).cloned()} grade={state.graded.get(&id).cloned()}
                        revealed={state.revealed} {lab_passed} {ondraft} />
                }
            }) }
            <div class="cb-actions">
                if can_submit {
                    <button type="button" class="cb-submit" onclick={onsubmit}>
                        { if quiz.mode == Mode::AllAtOnce { t(Msg::SubmitAll) } else { t(Msg::Submit) } }
                    </button>
                }
                if quiz.mode == Mode::OneAtATime && visible[0] > 0 {
                    <button type="button" class="cb-prev" onclick={go(visible[0] - 1)}>{ t(Msg::Previous) }</button>
                }
                if quiz.mode == Mode::OneAtATime && visible[0] + 1 < total {
                    <button type="button" class="cb-next" onclick={go(visible[0] + 1)}>{ t(Msg::Next) }</button>
                }
                if state.any_wrong() {
                    <button type="button" class="cb-retry" onclick={onretry}>{ t(Msg::RetryWrong) }</button>
                    if !state.revealed {
                        <button type="button" class="cb-reveal" onclick={onreveal}>{ t(Msg::Reveal) }</button>
                    }
                }
                if !state.graded.is_empty() {
                    <button type="button" class="cb-reset" onclick={onreset}>{ t(Msg::Reset) }</button>
                }
            </div>
            if !state.graded.is_empty() {
                <p class="cb-score" ref={summary_ref} tabindex="-1">
                    { format!("{}: {} / {} ({} of {} answered)", t(Msg::Score), fmt_points(state.points_earned()),
                        state.points_possible(), state.graded.len(), total) }
                </p>
            }
            <div class="cb-sr-only cb-announce" role="status" aria-live="polite">{ state.announcement.clone() }</div>
        </section>
    }
}
