//! One question: the inputs for its type, and after grading the marks, feedback, explanation
//! and (when revealed) the right answer. Every input is a native control (radio, checkbox,
//! text, select, button) inside a fieldset, so it works with the keyboard and screen readers.

use std::rc::Rc;

use cloudbook::quiz::{Answer, Grade, Kind, Mark, Question};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::{Msg, t};
use crate::state::quiz::verdict_sentence;

#[derive(Properties, PartialEq)]
pub struct QuestionProps {
    pub question: Rc<Question>,
    /// Prefix for element ids, unique on the page.
    pub dom_id: AttrValue,
    pub number: usize,
    /// Display order of options / items / right sides.
    pub order: Vec<u32>,
    pub draft: Option<Answer>,
    pub grade: Option<Grade>,
    pub revealed: bool,
    pub lab_passed: bool,
    pub ondraft: Callback<Answer>,
}

fn md(html: &str) -> Html {
    Html::from_html_unchecked(AttrValue::from(html.to_string()))
}

#[function_component(QuestionView)]
pub fn question_view(p: &QuestionProps) -> Html {
    let hints_shown = use_state(|| 0usize);
    let q = &p.question;
    let locked = p.grade.is_some();
    let legend_id = format!("{}-prompt", p.dom_id);
    let body = match &q.kind {
        Kind::SingleChoice { options, .. } => {
            choice_list(p, options.iter().map(|o| o.text.as_str()).collect(), false)
        }
        Kind::MultipleChoice { options, .. } => {
            choice_list(p, options.iter().map(|o| o.text.as_str()).collect(), true)
        }
        Kind::TrueFalse { .. } => true_false(p),
        Kind::ShortAnswer { .. } => text_input(p, false, None),
        Kind::Numeric { unit, .. } => text_input(p, true, unit.as_deref()),
        Kind::Ordering { items, .. } => ordering(p, items),
        Kind::Matching { pairs, .. } => matching(p, pairs),
        Kind::LabGraded { .. } => html! {
            <p class="cb-lab-graded">{ if p.lab_passed { t(Msg::LabGradedDone) } else { t(Msg::LabGradedPending) } }</p>
        },
    };
    let onhint = {
        let hints_shown = hints_shown.clone();
        Callback::from(move |_| hints_shown.set(*hints_shown + 1))
    };
    html! {
        <fieldset class="cb-question" id={p.dom_id.clone()} aria-labelledby={legend_id.clone()} disabled={locked}>
            <div class="cb-prompt" id={legend_id}>
                <span class="cb-sr-only">{ format!("Question {}. ", p.number) }</span>
                { md(&q.prompt) }
            </div>
            { body }
            if !locked && *hints_shown > 0 {
                <div class="cb-hints">
                    { for q.hints.iter().take(*hints_shown).map(|h| html! { <div class="cb-hint"><strong>{ t(Msg::Hint) }{ ": " }</strong>{ md(h) }</div> }) }
                </div>
            }
            if !locked && *hints_shown < q.hints.len() {
                <div class="cb-actions"><button type="button" class="cb-hint-button" onclick={onhint}>
                    { format!("{} ({}/{})", t(Msg::Hint), *hints_shown + 1, q.hints.len()) }
                </button></div>
            }
            if let Some(g) = &p.grade { { graded(p, g) } }
        </fieldset>
    }
}

fn verdict_of(p: &QuestionProps, index: u32) -> Option<(Mark, Option<String>)> {
    let g = p.grade.as_ref()?;
    g.verdicts
        .iter()
        .find(|v| v.index == index)
        .map(|v| (v.mark, v.feedback.clone()))
}

/// The feedback of a right option the learner missed would give the answer away: it waits for reveal.
fn shown_feedback(mark: Option<Mark>, feedback: Option<String>, revealed: bool) -> Option<String> {
    if mark == Some(Mark::Missed) && !revealed {
        None
    } else {
        feedback
    }
}

fn mark_class(mark: Option<Mark>, revealed: bool) -> &'static str {
    match mark {
        Some(Mark::Correct) => "cb-option cb-right",
        Some(Mark::Incorrect) => "cb-option cb-wrong",
        Some(Mark::Missed) if revealed => "cb-option cb-right",
        _ => "cb-option",
    }
}

fn mark_label(mark: Option<Mark>, revealed: bool) -> &'static str {
    match mark {
        Some(Mark::Correct) => " (right)",
        Some(Mark::Incorrect) => " (wrong)",
        Some(Mark::Missed) if revealed => " (right answer)",
        _ => "",
    }
}

fn choice_list(p: &QuestionProps, texts: Vec<&str>, multiple: bool) -> Html {
    let chosen: Vec<u32> = match &p.draft {
        Some(Answer::Choice(i)) => vec![*i],
        Some(Answer::Choices(v)) => v.clone(),
        _ => vec![],
    };
    html! {
        <div class="cb-options" role={if multiple { "group" } else { "radiogroup" }}>
            { for p.order.iter().map(|&i| {
                let Some(text) = texts.get(i as usize) else { return html! {} };
                let id = format!("{}-o{i}", p.dom_id);
                let checked = chosen.contains(&i);
                let onchange = {
                    let ondraft = p.ondraft.clone();
                    let chosen = chosen.clone();
                    Callback::from(move |e: Event| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        if multiple {
                            let mut next: Vec<u32> = chosen.iter().copied().filter(|&c| c != i).collect();
                            if input.checked() { next.push(i); next.sort_unstable(); }
                            ondraft.emit(Answer::Choices(next));
                        } else {
                            ondraft.emit(Answer::Choice(i));
                        }
                    })
                };
                let (mark, feedback) = verdict_of(p, i).map_or((None, None), |(m, f)| (Some(m), f));
                let feedback = shown_feedback(mark, feedback, p.revealed);
                html! {
                    <>
                    <div class={mark_class(mark, p.revealed)}>
                        <input type={if multiple { "checkbox" } else { "radio" }} id={id.clone()}
                            name={p.dom_id.to_string()} {checked} {onchange} />
                        <label for={id}>{ md(text) }<span class="cb-sr-only">{ mark_label(mark, p.revealed) }</span></label>
                    </div>
                    if let Some(f) = feedback { <div class="cb-option-feedback">{ md(&f) }</div> }
                    </>
                }
            }) }
        </div>
    }
}

fn true_false(p: &QuestionProps) -> Html {
    let chosen = match &p.draft {
        Some(Answer::Bool(b)) => Some(*b),
        _ => None,
    };
    html! {
        <div class="cb-options" role="radiogroup">
            { for [(true, 0u32, Msg::True), (false, 1u32, Msg::False)].into_iter().map(|(value, index, label)| {
                let id = format!("{}-{}", p.dom_id, if value { "t" } else { "f" });
                let onchange = {
                    let ondraft = p.ondraft.clone();
                    Callback::from(move |_: Event| ondraft.emit(Answer::Bool(value)))
                };
                let (mark, feedback) = verdict_of(p, index).map_or((None, None), |(m, f)| (Some(m), f));
                let feedback = shown_feedback(mark, feedback, p.revealed);
                html! {
                    <>
                    <div class={mark_class(mark, p.revealed)}>
                        <input type="radio" id={id.clone()} name={p.dom_id.to_string()} checked={chosen == Some(value)} {onchange} />
                        <label for={id}>{ t(label) }<span class="cb-sr-only">{ mark_label(mark, p.revealed) }</span></label>
                    </div>
                    if let Some(f) = feedback { <div class="cb-option-feedback">{ md(&f) }</div> }
                    </>
                }
            }) }
        </div>
    }
}

fn text_input(p: &QuestionProps, numeric: bool, unit: Option<&str>) -> Html {
    let value = match &p.draft {
        Some(Answer::Text(s)) => s.clone(),
        Some(Answer::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let id = format!("{}-input", p.dom_id);
    let oninput = {
        let ondraft = p.ondraft.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let v = input.value();
            if numeric {
                // Keep what the learner typed parseable; an unparseable number grades as NaN (wrong, with a reason).
                let n = v.trim().replace(',', "").parse::<f64>().unwrap_or(f64::NAN);
                ondraft.emit(Answer::Number(n));
            } else {
                ondraft.emit(Answer::Text(v));
            }
        })
    };
    html! {
        <div class="cb-text-answer">
            <label for={id.clone()} class="cb-sr-only">{ if numeric { t(Msg::TypeNumber) } else { t(Msg::TypeAnswer) } }</label>
            <input type="text" id={id} inputmode={if numeric { "decimal" } else { "text" }} {value} {oninput}
                placeholder={if numeric { t(Msg::TypeNumber) } else { t(Msg::TypeAnswer) }} />
            if let Some(u) = unit { <span class="cb-unit">{ format!(" {u}") }</span> }
        </div>
    }
}

fn ordering(p: &QuestionProps, items: &[String]) -> Html {
    let current: Vec<u32> = match &p.draft {
        Some(Answer::Order(o)) if o.len() == items.len() => o.clone(),
        _ => p.order.clone(),
    };
    let n = current.len();
    html! {
        <ol class="cb-ordering">
            { for current.iter().enumerate().map(|(pos, &item)| {
                let mv = |delta: isize| {
                    let ondraft = p.ondraft.clone();
                    let current = current.clone();
                    Callback::from(move |_| {
                        let to = pos as isize + delta;
                        if to < 0 || to as usize >= current.len() { return; }
                        let mut next = current.clone();
                        next.swap(pos, to as usize);
                        ondraft.emit(Answer::Order(next));
                    })
                };
                let (mark, _) = verdict_of(p, pos as u32).map_or((None, None), |(m, f)| (Some(m), f));
                let text = items.get(item as usize).map(String::as_str).unwrap_or("");
                html! {
                    <li class={mark_class(mark, p.revealed)} data-item={item.to_string()}>
                        <span class="cb-item">{ md(text) }</span>
                        <span class="cb-sr-only">{ mark_label(mark, p.revealed) }</span>
                        <button type="button" aria-label={format!("{}: {}", t(Msg::MoveUp), strip_tags(text))} disabled={pos == 0} onclick={mv(-1)}>{ "↑" }</button>
                        <button type="button" aria-label={format!("{}: {}", t(Msg::MoveDown), strip_tags(text))} disabled={pos + 1 == n} onclick={mv(1)}>{ "↓" }</button>
                    </li>
                }
            }) }
        </ol>
    }
}

fn matching(p: &QuestionProps, pairs: &[cloudbook::quiz::Pair]) -> Html {
    let chosen: Vec<Option<u32>> = match &p.draft {
        Some(Answer::Pairs(v)) if v.len() == pairs.len() => v.clone(),
        _ => vec![None; pairs.len()],
    };
    html! {
        <div class="cb-matching">
            { for pairs.iter().enumerate().map(|(left, pair)| {
                let id = format!("{}-m{left}", p.dom_id);
                let onchange = {
                    let ondraft = p.ondraft.clone();
                    let chosen = chosen.clone();
                    Callback::from(move |e: Event| {
                        let sel: HtmlSelectElement = e.target_unchecked_into();
                        let mut next = chosen.clone();
                        next[left] = sel.value().parse::<u32>().ok();
                        ondraft.emit(Answer::Pairs(next));
                    })
                };
                let (mark, _) = verdict_of(p, left as u32).map_or((None, None), |(m, f)| (Some(m), f));
                html! {
                    <div class={mark_class(mark, p.revealed)}>
                        <label for={id.clone()}>{ md(&pair.left) }</label>
                        <select id={id} {onchange}>
                            <option value="" selected={chosen[left].is_none()}>{ t(Msg::ChooseMatch) }</option>
                            { for p.order.iter().map(|&r| html! {
                                <option value={r.to_string()} selected={chosen[left] == Some(r)}>
                                    { strip_tags(pairs.get(r as usize).map(|x| x.right.as_str()).unwrap_or("")) }
                                </option>
                            }) }
                        </select>
                        <span class="cb-sr-only">{ mark_label(mark, p.revealed) }</span>
                    </div>
                }
            }) }
        </div>
    }
}

/// Plain text of rendered Markdown, for places that cannot hold markup (select options, labels).
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .trim()
        .to_string()
}

fn graded(p: &QuestionProps, g: &Grade) -> Html {
    let class = if g.correct {
        "cb-verdict cb-pass"
    } else {
        "cb-verdict cb-fail"
    };
    html! {
        <div class="cb-graded">
            <p class={class}>{ verdict_sentence(g) }</p>
            { for g.feedback.iter().map(|f| html! { <div class="cb-feedback">{ md(f) }</div> }) }
            if p.revealed || g.correct {
                if let Some(e) = &g.explanation {
                    <div class="cb-explanation"><strong>{ t(Msg::Explanation) }{ ": " }</strong>{ md(e) }</div>
                }
            }
            if p.revealed && !g.correct { { right_answer(p) } }
        </div>
    }
}

fn right_answer(p: &QuestionProps) -> Html {
    let q = &p.question;
    let text = match (&q.kind, q.correct_answer()) {
        (Kind::TrueFalse { .. }, Answer::Bool(b)) => t(if b { Msg::True } else { Msg::False }).to_string(),
        (Kind::ShortAnswer { answer, .. }, _) => answer.clone(),
        (Kind::Numeric { answer, unit, .. }, _) => format!(
            "{answer}{}",
            unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default()
        ),
        (Kind::Ordering { items, .. }, _) => items
            .iter()
            .map(|i| strip_tags(i))
            .collect::<Vec<_>>()
            .join(" → "),
        (Kind::Matching { pairs, .. }, _) => pairs
            .iter()
            .map(|x| format!("{} = {}", strip_tags(&x.left), strip_tags(&x.right)))
            .collect::<Vec<_>>()
            .join("; "),
        // Choice questions show the right options marked in place.
        _ => return html! {},
    };
    html! { <p class="cb-right-answer"><strong>{ t(Msg::RightAnswer) }{ ": " }</strong>{ text }</p> }
}
