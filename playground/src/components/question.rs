//! One question, rendered from the quiz state: the inputs for its type, and after grading the
//! marks, feedback, explanation and (when revealed) the right answer. Every input is a native
//! control (radio, checkbox, text, select, button) inside a fieldset, so it works with the
//! keyboard and screen readers. Controls name their action for the quiz widget's delegated
//! listeners (see `crate::dom`); this file only builds elements.

use cloudbook::quiz::{Answer, Grade, Kind, Mark, Question};

use crate::dom::B;
use crate::i18n::{Msg, t};
use crate::num::{fmt_f64, fmt_int};
use crate::state::quiz::{current_order, verdict_sentence};

/// What a question needs from the quiz state to render.
pub struct View<'a> {
    pub question: &'a Question,
    /// Index of the question in the quiz (the `data-q` of its controls).
    pub q: usize,
    /// Prefix for element ids, unique on the page: `cb-quiz-<quiz>-<question>`.
    pub dom_id: String,
    /// Display order of options / items / right sides.
    pub order: Vec<u32>,
    pub draft: Option<&'a Answer>,
    pub grade: Option<&'a Grade>,
    pub revealed: bool,
    pub lab_passed: bool,
    pub hints_shown: usize,
}

fn join(a: &str, b: &str) -> String {
    let mut s = String::from(a);
    s += b;
    s
}

pub fn render(p: &View) -> B {
    let q = p.question;
    let locked = p.grade.is_some();
    let legend_id = join(&p.dom_id, "-prompt");
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
        Kind::LabGraded { .. } => B::c("p", "cb-lab-graded").text(if p.lab_passed {
            t(Msg::LabGradedDone)
        } else {
            t(Msg::LabGradedPending)
        }),
    };
    let number = crate::i18n::fill(Msg::QuestionN, &[("n", &fmt_int(p.q + 1))]);
    let mut f = B::c("fieldset", "cb-question")
        .attr("id", &p.dom_id)
        .attr("aria-labelledby", &legend_id)
        .flag("disabled", locked)
        .child(
            B::c("div", "cb-prompt")
                .attr("id", &legend_id)
                .attr("tabindex", "-1")
                .child(B::c("span", "cb-sr-only").text(&number))
                .html(&q.prompt),
        )
        .child(body);
    if !locked && p.hints_shown > 0 {
        let mut hints = B::c("div", "cb-hints");
        for h in q.hints.iter().take(p.hints_shown) {
            hints = hints.child(
                B::c("div", "cb-hint")
                    .child(B::new("strong").text(t(Msg::Hint)).text(": "))
                    .html(h),
            );
        }
        f = f.child(hints);
    }
    if !locked && p.hints_shown < q.hints.len() {
        let mut label = String::from(t(Msg::Hint));
        label += " (";
        label += &fmt_int(p.hints_shown + 1);
        label += "/";
        label += &fmt_int(q.hints.len());
        label += ")";
        f = f.child(
            B::c("div", "cb-actions").child(
                B::c("button", "cb-hint-button")
                    .attr("type", "button")
                    .attr("id", &join(&p.dom_id, "-hint"))
                    .act("data-act", "hint", p.q, 0)
                    .text(&label),
            ),
        );
    }
    match p.grade {
        Some(g) => f.child(graded(p, g)),
        None => f,
    }
}

fn verdict_of(p: &View, index: u32) -> (Option<Mark>, Option<String>) {
    p.grade
        .and_then(|g| g.verdicts.iter().find(|v| v.index == index))
        .map_or((None, None), |v| (Some(v.mark), v.feedback.clone()))
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
        Some(Mark::Correct) => t(Msg::MarkRight),
        Some(Mark::Incorrect) => t(Msg::MarkWrong),
        Some(Mark::Missed) if revealed => t(Msg::MarkRightAnswer),
        _ => "",
    }
}

/// One radio button or checkbox with its label, mark and (after grading) its feedback.
fn option(p: &View, parent: B, kind: &str, suffix: &str, index: u32, checked: bool, label: B) -> B {
    let id = join(&p.dom_id, suffix);
    let (mark, feedback) = verdict_of(p, index);
    let feedback = shown_feedback(mark, feedback, p.revealed);
    let row = B::c("div", mark_class(mark, p.revealed))
        .child(
            B::new("input")
                .attr("type", kind)
                .attr("id", &id)
                .attr("name", &p.dom_id)
                .flag("checked", checked)
                .act("data-change", "opt", p.q, index as usize),
        )
        .child(
            label
                .attr("for", &id)
                .child(B::c("span", "cb-sr-only").text(mark_label(mark, p.revealed))),
        );
    parent
        .child(row)
        .child_if(feedback.map(|f| B::c("div", "cb-option-feedback").html(&f)))
}

fn choice_list(p: &View, texts: Vec<&str>, multiple: bool) -> B {
    let chosen: &[u32] = match p.draft {
        Some(Answer::Choice(i)) => std::slice::from_ref(i),
        Some(Answer::Choices(v)) => v,
        _ => &[],
    };
    let mut list = B::c("div", "cb-options").attr("role", if multiple { "group" } else { "radiogroup" });
    for &i in &p.order {
        let Some(text) = texts.get(i as usize) else {
            continue;
        };
        let mut suffix = String::from("-o");
        suffix += &fmt_int(i as usize);
        list = option(
            p,
            list,
            if multiple { "checkbox" } else { "radio" },
            &suffix,
            i,
            chosen.contains(&i),
            B::new("label").html(text),
        );
    }
    list
}

fn true_false(p: &View) -> B {
    let chosen = match p.draft {
        Some(Answer::Bool(b)) => Some(*b),
        _ => None,
    };
    let mut list = B::c("div", "cb-options").attr("role", "radiogroup");
    for (value, index, label) in [(true, 0u32, Msg::True), (false, 1u32, Msg::False)] {
        list = option(
            p,
            list,
            "radio",
            if value { "-t" } else { "-f" },
            index,
            chosen == Some(value),
            B::new("label").text(t(label)),
        );
    }
    list
}

fn text_input(p: &View, numeric: bool, unit: Option<&str>) -> B {
    let value = match p.draft {
        Some(Answer::Text(s)) => s.clone(),
        Some(Answer::Number(n)) => fmt_f64(*n),
        _ => String::new(),
    };
    let id = join(&p.dom_id, "-input");
    let hint = if numeric {
        t(Msg::TypeNumber)
    } else {
        t(Msg::TypeAnswer)
    };
    B::c("div", "cb-text-answer")
        .child(B::c("label", "cb-sr-only").attr("for", &id).text(hint))
        .child(
            B::new("input")
                .attr("type", "text")
                .attr("id", &id)
                .attr("inputmode", if numeric { "decimal" } else { "text" })
                .attr("value", &value)
                .attr("placeholder", hint)
                .act("data-input", if numeric { "number" } else { "text" }, p.q, 0),
        )
        .child_if(unit.map(|u| B::c("span", "cb-unit").text(&join(" ", u))))
}

/// Id of the ↑ (`up`) or ↓ (`down`) button at position `pos`, so focus can follow a moved item.
pub fn move_button_id(dom_id: &str, dir: &str, pos: usize) -> String {
    let mut s = join(dom_id, "-");
    s += dir;
    s += &fmt_int(pos);
    s
}

fn ordering(p: &View, items: &[String]) -> B {
    let current = current_order(&p.order, p.draft, items.len());
    let n = current.len();
    let mut list = B::c("ol", "cb-ordering");
    for (pos, &item) in current.iter().enumerate() {
        let (mark, _) = verdict_of(p, pos as u32);
        let text = items.get(item as usize).map(String::as_str).unwrap_or("");
        let plain = strip_tags(text);
        let button = |dir: &str, arrow: &str, msg: Msg, disabled: bool| {
            B::new("button")
                .attr("type", "button")
                .attr("id", &move_button_id(&p.dom_id, dir, pos))
                .attr("aria-label", &join(&join(t(msg), ": "), &plain))
                .flag("disabled", disabled)
                .act("data-act", dir, p.q, pos)
                .text(arrow)
        };
        list = list.child(
            B::c("li", mark_class(mark, p.revealed))
                .attr("data-item", &fmt_int(item as usize))
                .child(B::c("span", "cb-item").html(text))
                .child(B::c("span", "cb-sr-only").text(mark_label(mark, p.revealed)))
                .child(button("up", "↑", Msg::MoveUp, pos == 0))
                .child(button("down", "↓", Msg::MoveDown, pos + 1 == n)),
        );
    }
    list
}

fn matching(p: &View, pairs: &[cloudbook::quiz::Pair]) -> B {
    let chosen: Vec<Option<u32>> = match p.draft {
        Some(Answer::Pairs(v)) if v.len() == pairs.len() => v.clone(),
        _ => vec![None; pairs.len()],
    };
    let mut box_ = B::c("div", "cb-matching");
    for (left, pair) in pairs.iter().enumerate() {
        let mut id = join(&p.dom_id, "-m");
        id += &fmt_int(left);
        let (mark, _) = verdict_of(p, left as u32);
        let mut select = B::new("select")
            .attr("id", &id)
            .act("data-change", "sel", p.q, left)
            .child(
                B::new("option")
                    .attr("value", "")
                    .flag("selected", chosen[left].is_none())
                    .text(t(Msg::ChooseMatch)),
            );
        for &r in &p.order {
            select = select.child(
                B::new("option")
                    .attr("value", &fmt_int(r as usize))
                    .flag("selected", chosen[left] == Some(r))
                    .text(&strip_tags(
                        pairs.get(r as usize).map_or("", |x| x.right.as_str()),
                    )),
            );
        }
        box_ = box_.child(
            B::c("div", mark_class(mark, p.revealed))
                .child(B::new("label").attr("for", &id).html(&pair.left))
                .child(select)
                .child(B::c("span", "cb-sr-only").text(mark_label(mark, p.revealed))),
        );
    }
    box_
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

fn graded(p: &View, g: &Grade) -> B {
    let class = if g.correct {
        "cb-verdict cb-pass"
    } else {
        "cb-verdict cb-fail"
    };
    let mut out = B::c("div", "cb-graded").child(
        B::c("p", class)
            .attr("id", &join(&p.dom_id, "-verdict"))
            .attr("tabindex", "-1")
            .text(&verdict_sentence(g)),
    );
    for f in &g.feedback {
        out = out.child(B::c("div", "cb-feedback").html(f));
    }
    if let Some(e) = g.explanation.as_ref().filter(|_| p.revealed || g.correct) {
        out = out.child(
            B::c("div", "cb-explanation")
                .child(B::new("strong").text(t(Msg::Explanation)).text(": "))
                .html(e),
        );
    }
    if p.revealed && !g.correct {
        out = out.child_if(right_answer(p.question));
    }
    out
}

fn right_answer(q: &Question) -> Option<B> {
    let text = match &q.kind {
        Kind::TrueFalse { answer, .. } => t(if *answer { Msg::True } else { Msg::False }).to_string(),
        Kind::ShortAnswer { answer, .. } => answer.clone(),
        Kind::Numeric { answer, unit, .. } => {
            let mut s = fmt_f64(*answer);
            if let Some(u) = unit {
                s += " ";
                s += u;
            }
            s
        }
        Kind::Ordering { items, .. } => items
            .iter()
            .map(|i| strip_tags(i))
            .collect::<Vec<_>>()
            .join(" → "),
        Kind::Matching { pairs, .. } => pairs
            .iter()
            .map(|x| join(&join(&strip_tags(&x.left), " = "), &strip_tags(&x.right)))
            .collect::<Vec<_>>()
            .join("; "),
        // Choice questions show the right options marked in place.
        _ => return None,
    };
    Some(
        B::c("p", "cb-right-answer")
            .child(B::new("strong").text(t(Msg::RightAnswer)).text(": "))
            .text(&text),
    )
}
