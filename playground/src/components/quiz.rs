//! The quiz widget: its questions one at a time or all at once, Check / Retry the wrong ones /
//! Show the right answers, a score summary, and an aria-live region that announces every result.
//!
//! The widget owns a `QuizState` (the pure reducer) and re-renders its subtree after every
//! action through `crate::dom`; the live region and the section around it stay in place, so
//! screen readers hear every announcement. Progress is restored from localStorage through the
//! core's `restore_stored` (corrupt, outdated or edited-quiz data gives a fresh quiz and a
//! visible notice, never a crash) and saved after every change, together with unsubmitted drafts.

use std::cell::RefCell;
use std::rc::Rc;

use cloudbook::quiz::{Kind, Mode, Quiz, QuizProgress, restore_stored};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};

use crate::codec;
use crate::components::question::{self, View, move_button_id};
use crate::dom::{Act, B, delegate, error_box, replace_keeping_focus};
use crate::i18n::{Msg, fill, question_of, t};
use crate::mount::mark_ready;
use crate::num::parse_u64;
use crate::state::quiz::{Dir, Input, QuizAction, QuizState, points_line};
use crate::storage;

fn draft_key(quiz_id: &str) -> String {
    storage::quiz_key(quiz_id) + ":draft"
}

pub struct QuizWidget {
    /// The section that is re-rendered (all but the live region).
    body: Element,
    announce: Element,
    state: QuizState,
    /// `cb-quiz-<id>`, the prefix of every element id.
    dom: String,
}

/// Mounts a quiz on its placeholder: `data-quiz` holds the quiz, `data-quiz-hash` its content hash.
pub fn mount(root: &Element) -> Result<(), &'static str> {
    let quiz = root
        .get_attribute("data-quiz")
        .and_then(|s| codec::read_quiz(&s))
        .ok_or(t(Msg::DataInvalid))?;
    let hash = root
        .get_attribute("data-quiz-hash")
        .and_then(|s| parse_u64(&s))
        .ok_or(t(Msg::HashMissing))?;
    let title = quiz.title.clone().unwrap_or_else(|| t(Msg::QuizTitle).into());
    let section = B::c("section", "cb-quiz").attr("aria-label", &title);
    let body = B::new("div");
    let announce = B::c("div", "cb-sr-only cb-announce")
        .attr("role", "status")
        .attr("aria-live", "polite");
    let (body, announce) = (body.0, announce.0);
    let _ = section.0.append_with_node_2(&body, &announce);
    root.replace_children_with_node_1(&section.0);

    let dom = String::from("cb-quiz-") + quiz.id.as_str();
    let mut w = QuizWidget {
        body,
        announce,
        state: QuizState::new(Rc::new(quiz), hash, storage::learner_seed()),
        dom,
    };
    w.restore();
    w.save();
    w.render(None, None);
    mark_ready(root);

    let w = Rc::new(RefCell::new(w));
    for (event, attr) in [
        ("click", "data-act"),
        ("change", "data-change"),
        ("input", "data-input"),
    ] {
        let w = w.clone();
        delegate(root, event, attr, move |a| w.borrow_mut().on(a));
    }
    // Lab-graded questions: the lab module announces reached goals with a `cloudbook:lab` event.
    if let Some(win) = web_sys::window() {
        let cb = Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
            if let Some(id) = e.detail().as_string() {
                let mut w = w.borrow_mut();
                if w.labs().contains(&id) {
                    w.state.apply(QuizAction::LabPassed(id));
                    w.render(None, None);
                }
            }
        });
        let _ = win.add_event_listener_with_callback("cloudbook:lab", cb.as_ref().unchecked_ref());
        cb.forget();
    }
    Ok(())
}

impl QuizWidget {
    fn quiz(&self) -> &Quiz {
        &self.state.quiz
    }

    /// The labs that lab-graded questions of this quiz wait for.
    fn labs(&self) -> Vec<String> {
        self.quiz()
            .questions
            .iter()
            .filter_map(|q| match &q.kind {
                Kind::LabGraded { lab, .. } => Some(lab.clone()),
                _ => None,
            })
            .collect()
    }

    fn restore(&mut self) {
        let id = self.quiz().id.clone();
        let drafts = storage::get(&draft_key(&id))
            .map(|s| codec::read_drafts(&s))
            .unwrap_or_default();
        for lab in self.labs() {
            if storage::get(&storage::lab_key(&lab)).is_some_and(|s| codec::lab_passed(&s)) {
                self.state.apply(QuizAction::LabPassed(lab));
            }
        }
        let hash = self.state.progress.content_hash;
        match storage::get(&storage::quiz_key(&id)) {
            Some(json) => {
                let r = restore_stored(codec::read_progress(&json), self.quiz(), hash);
                self.state.apply(QuizAction::Restore {
                    progress: r.progress,
                    notice: r.notice.map(|n| crate::i18n::restore_notice(&n).to_string()),
                    drafts,
                });
            }
            None if !drafts.is_empty() => {
                let progress = QuizProgress::fresh_with_hash(self.quiz(), hash);
                self.state.apply(QuizAction::Restore {
                    progress,
                    notice: None,
                    drafts,
                });
            }
            None => {}
        }
    }

    /// Saves progress (once there is any, or to replace what was stored) and drafts.
    fn save(&self) {
        let key = storage::quiz_key(&self.quiz().id);
        if !self.state.progress.answers.is_empty() || storage::get(&key).is_some() {
            storage::set(&key, &codec::write_progress(&self.state.progress));
        }
        storage::set(
            &draft_key(&self.quiz().id),
            &codec::write_drafts(&self.state.drafts),
        );
    }

    fn question_dom(&self, q: usize) -> String {
        let mut s = self.dom.clone() + "-";
        s += self.quiz().questions.get(q).map_or("", |q| q.id.as_str());
        s
    }

    /// Handles one delegated event from a control of this quiz: reads the control, asks the
    /// state which action it names, applies it, saves and re-renders. A control the state does not
    /// know is a bug: it stops this widget with an error box instead of being ignored.
    fn on(&mut self, a: Act) {
        let input = if let Some(i) = a.el.dyn_ref::<HtmlInputElement>() {
            if a.name == "opt" {
                Input::Checked(i.checked())
            } else {
                Input::Value(i.value())
            }
        } else if let Some(s) = a.el.dyn_ref::<HtmlSelectElement>() {
            Input::Value(s.value())
        } else {
            Input::None
        };
        let action = match self.state.action_for(&a.name, a.q, a.i, input) {
            Ok(action) => action,
            Err(e) => {
                let mut what = String::from("unknown quiz control \"");
                what += &e.name;
                what += "\" on question ";
                what += &crate::num::fmt_int(e.q);
                web_sys::console::error_1(&what.as_str().into());
                error_box(&self.body, &fill(Msg::WidgetStopped, &[("message", &what)]));
                debug_assert!(false, "{what}");
                return;
            }
        };
        // Where focus goes after the re-render; fields and choices keep theirs and are not
        // re-rendered while the learner types or clicks, so the caret stays put.
        let mut first = None;
        let mut fallback = None;
        let mut rerender = true;
        match &action {
            QuizAction::Submit(_) => {
                fallback = Some(match self.quiz().mode {
                    Mode::OneAtATime => self.question_dom(self.state.visible_first()) + "-verdict",
                    Mode::AllAtOnce => self.dom.clone() + "-score",
                });
            }
            QuizAction::Go(to) => fallback = Some(self.question_dom(*to) + "-prompt"),
            QuizAction::RetryWrong => {
                let reopened = self
                    .quiz()
                    .questions
                    .iter()
                    .position(|q| self.state.graded.get(&q.id).is_some_and(|g| !g.correct));
                fallback = reopened.map(|i| self.question_dom(i) + "-prompt");
            }
            QuizAction::Reset => fallback = Some(self.question_dom(0) + "-prompt"),
            QuizAction::Hint(q) => fallback = Some(self.question_dom(*q) + "-prompt"),
            QuizAction::Move { position, dir, .. } => {
                // Focus follows the moved item; at either end, its other button.
                let n = self
                    .state
                    .quiz
                    .questions
                    .get(a.q)
                    .map_or(0, |q| q.shuffle_len() as usize);
                let (to, name) = match dir {
                    Dir::Up => (position.saturating_sub(1), "up"),
                    Dir::Down => (*position + 1, "down"),
                };
                let name = match (dir, to) {
                    (Dir::Up, 0) => "down",
                    (Dir::Down, to) if to + 1 >= n => "up",
                    _ => name,
                };
                first = Some(move_button_id(
                    &self.question_dom(a.q),
                    name,
                    to.min(n.saturating_sub(1)),
                ));
            }
            QuizAction::Pick { .. } | QuizAction::Match { .. } | QuizAction::Draft { .. } => rerender = false,
            _ => {}
        }
        let hint = matches!(action, QuizAction::Hint(_));
        self.state.apply(action);
        if hint {
            // Hints are not progress: nothing to save.
            self.render(None, fallback.as_deref());
            return;
        }
        self.save();
        if rerender {
            self.render(first.as_deref(), fallback.as_deref());
        }
    }

    /// Indices of the questions on display.
    fn visible(&self) -> Vec<usize> {
        match self.quiz().mode {
            Mode::AllAtOnce => (0..self.quiz().questions.len()).collect(),
            Mode::OneAtATime => vec![self.state.visible_first()],
        }
    }

    fn render(&self, first: Option<&str>, fallback: Option<&str>) {
        let s = &self.state;
        let quiz = self.quiz();
        let total = quiz.questions.len();
        let visible = self.visible();
        let one = quiz.mode == Mode::OneAtATime;
        let title = quiz.title.as_deref().unwrap_or(t(Msg::QuizTitle));
        let mut body = B::new("div").child(B::c("h3", "cb-title").text(title)).child_if(
            s.notice
                .as_deref()
                .map(|n| B::c("p", "cb-notice").attr("role", "status").text(n)),
        );
        if one && total > 1 {
            body = body.child(B::c("p", "cb-position").text(&question_of(visible[0] + 1, total)));
        }
        for &i in &visible {
            let q = &quiz.questions[i];
            let lab_passed =
                matches!(&q.kind, Kind::LabGraded { lab, .. } if s.labs_passed.contains_key(lab));
            body = body.child(question::render(&View {
                question: q,
                q: i,
                dom_id: self.question_dom(i),
                order: s.display_order(&q.id, q.shuffle_len() as usize),
                draft: s.drafts.get(&q.id),
                grade: s.graded.get(&q.id),
                revealed: s.revealed,
                lab_passed,
                hints_shown: s.hints_shown.get(i).copied().unwrap_or(0) as usize,
            }));
        }
        let current_graded = quiz
            .questions
            .get(visible.first().copied().unwrap_or(0))
            .is_some_and(|q| s.graded.contains_key(&q.id));
        let can_submit = if one { !current_graded } else { !s.all_graded() };
        let button = |class: &str, act: &str, label: &str| {
            B::c("button", class)
                .attr("type", "button")
                .attr("id", &(self.dom.clone() + "-" + act))
                .attr("data-act", act)
                .text(label)
        };
        let mut actions = B::c("div", "cb-actions");
        if can_submit {
            let label = if one { t(Msg::Submit) } else { t(Msg::SubmitAll) };
            actions = actions.child(button("cb-submit", "submit", label));
        }
        if one && visible[0] > 0 {
            actions = actions.child(button("cb-prev", "prev", t(Msg::Previous)));
        }
        if one && visible[0] + 1 < total {
            actions = actions.child(button("cb-next", "next", t(Msg::Next)));
        }
        if s.any_wrong() {
            actions = actions.child(button("cb-retry", "retry", t(Msg::RetryWrong)));
            if !s.revealed {
                actions = actions.child(button("cb-reveal", "reveal", t(Msg::Reveal)));
            }
        }
        if !s.graded.is_empty() {
            actions = actions.child(button("cb-reset", "reset", t(Msg::Reset)));
        }
        body = body.child(actions);
        if !s.graded.is_empty() {
            let mut line = points_line(&s.tally());
            line += " (";
            line += &crate::num::fmt_int(s.graded.len());
            line += " of ";
            line += &crate::num::fmt_int(total);
            line += " answered)";
            body = body.child(
                B::c("p", "cb-score")
                    .attr("id", &(self.dom.clone() + "-score"))
                    .attr("tabindex", "-1")
                    .text(&line),
            );
        }
        replace_keeping_focus(&self.body, &body.0, first, fallback);
        if self.announce.text_content().as_deref() != Some(s.announcement.as_str()) {
            self.announce.set_text_content(Some(&s.announcement));
        }
    }
}
