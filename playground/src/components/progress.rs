//! The progress page: every chapter's quiz score and completed labs, read from localStorage,
//! with reset, and export/import as a JSON file.
//!
//! The catalog of quizzes and labs is written into the page by the preprocessor at build time,
//! so this page knows every chapter even before the learner has opened it. Like the quiz, it
//! re-renders its list from storage after every action; the live region stays in place.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement};

use crate::codec;
use crate::dom::{Act, B, delegate, replace_keeping_focus};
use crate::i18n::{Msg, fill, t};
use crate::mount::mark_ready;
use crate::num::fmt_u64;
use crate::state::quiz::fmt_points;
use crate::storage;

pub use cloudbook::course::{Catalog, ChapterEntry, LabEntry, QuizEntry};
pub use codec::EXPORT_FORMAT;

struct ProgressPage {
    catalog: Catalog,
    body: Element,
    live: Element,
    /// Bumped after reset or import; shown as `data-generation` for tests.
    generation: u32,
    message: String,
}

/// Mounts the progress page on its placeholder (`data-progress` holds the catalog).
pub fn mount(root: &Element) -> Result<(), &'static str> {
    let catalog = root
        .get_attribute("data-progress")
        .and_then(|s| codec::read_catalog(&s))
        .ok_or(t(Msg::DataInvalid))?;
    let section = B::c("section", "cb-progress");
    let body = B::new("div");
    let live = B::c("p", "cb-sr-only")
        .attr("role", "status")
        .attr("aria-live", "polite");
    let (body, live) = (body.0, live.0);
    let _ = section.0.append_with_node_2(&body, &live);
    root.replace_children_with_node_1(&section.0);
    let page = ProgressPage {
        catalog,
        body,
        live,
        generation: 0,
        message: String::new(),
    };
    page.render();
    mark_ready(root);
    let page = Rc::new(RefCell::new(page));
    let p = page.clone();
    delegate(root, "click", "data-act", move |a| on_click(&p, a));
    delegate(root, "change", "data-change", move |a| on_import(&page, a));
    Ok(())
}

fn on_click(page: &Rc<RefCell<ProgressPage>>, a: Act) {
    match a.name.as_str() {
        "reset-all" => {
            let confirmed = web_sys::window()
                .and_then(|w| w.confirm_with_message(t(Msg::ResetAllConfirm)).ok())
                .unwrap_or(false);
            if confirmed {
                for (k, _) in storage::all() {
                    if k != storage::SEED_KEY {
                        storage::remove(&k);
                    }
                }
                page.borrow_mut().changed(t(Msg::ResetAllDone).into());
            }
        }
        "export" => {
            let json = codec::write_export(&storage::all());
            let message = if download("cloudbook-progress.json", &json) {
                t(Msg::Exported)
            } else {
                t(Msg::ExportRefused)
            };
            let mut p = page.borrow_mut();
            p.message = message.into();
            p.render();
        }
        _ => {}
    }
}

fn on_import(page: &Rc<RefCell<ProgressPage>>, a: Act) {
    let Some(file) =
        a.el.dyn_ref::<HtmlInputElement>()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
    else {
        return;
    };
    let Ok(reader) = web_sys::FileReader::new() else {
        return;
    };
    let page = page.clone();
    let r = reader.clone();
    let onload = Closure::once_into_js(move || {
        let text = r.result().ok().and_then(|v| v.as_string()).unwrap_or_default();
        let message = match codec::read_export(&text) {
            Some(entries) => {
                let n = entries
                    .iter()
                    .filter(|(k, _)| k.starts_with("cloudbook:v1:"))
                    .filter(|(k, v)| storage::set(k, v))
                    .count();
                fill(Msg::Imported, &[("n", &crate::num::fmt_int(n))])
            }
            None => t(Msg::ImportRejected).into(),
        };
        page.borrow_mut().changed(message);
    });
    reader.set_onload(Some(onload.unchecked_ref()));
    let _ = reader.read_as_text(&file);
}

impl ProgressPage {
    fn changed(&mut self, message: String) {
        self.message = message;
        self.generation += 1;
        self.render();
    }

    fn render(&self) {
        let mut list = B::c("ul", "cb-progress-list");
        for ch in &self.catalog.chapters {
            let mut items = B::new("ul");
            for q in &ch.quizzes {
                let text = match storage::get(&storage::quiz_key(&q.id)).map(|s| codec::progress_summary(&s))
                {
                    None => t(Msg::NotStarted).to_string(),
                    Some(None) => t(Msg::SavedUnreadable).to_string(),
                    Some(Some((hash, _))) if hash != q.content_hash => t(Msg::QuizChanged).to_string(),
                    Some(Some((_, score))) => {
                        fmt_points(score) + " / " + fmt_u64(u64::from(q.points)).as_str()
                    }
                };
                items = items.child(
                    B::c("li", "cb-progress-quiz")
                        .attr("data-quiz-id", &q.id)
                        .text(&fill(
                            Msg::ProgressQuiz,
                            &[("title", &q.title), ("status", &text)],
                        )),
                );
            }
            for l in &ch.labs {
                let passed = storage::get(&storage::lab_key(&l.id)).is_some_and(|s| codec::lab_passed(&s));
                items = items.child(
                    B::c(
                        "li",
                        if passed {
                            "cb-progress-lab cb-pass"
                        } else {
                            "cb-progress-lab"
                        },
                    )
                    .attr("data-lab-id", &l.id)
                    .text(&fill(
                        Msg::ProgressLab,
                        &[
                            ("title", &l.title),
                            ("status", t(if passed { Msg::GoalsReached } else { Msg::NotYet })),
                        ],
                    )),
                );
            }
            list = list.child(
                B::new("li")
                    .child(B::new("a").attr("href", &ch.href).text(&ch.title))
                    .child(items),
            );
        }
        let body = B::new("div")
            .attr("data-generation", &fmt_u64(u64::from(self.generation)))
            .child(list)
            .child(
                B::c("div", "cb-actions")
                    .child(
                        B::c("button", "cb-export")
                            .attr("type", "button")
                            .attr("id", "cb-progress-export")
                            .attr("data-act", "export")
                            .text(t(Msg::Export)),
                    )
                    .child(
                        B::c("label", "cb-import").text(t(Msg::Import)).text(" ").child(
                            B::new("input")
                                .attr("type", "file")
                                .attr("id", "cb-progress-import")
                                .attr("accept", "application/json,.json")
                                .attr("data-change", "import"),
                        ),
                    )
                    .child(
                        B::c("button", "cb-reset-all")
                            .attr("type", "button")
                            .attr("id", "cb-progress-reset")
                            .attr("data-act", "reset-all")
                            .text(t(Msg::ResetAll)),
                    ),
            )
            .child_if((!self.message.is_empty()).then(|| B::c("p", "cb-notice").text(&self.message)));
        replace_keeping_focus(&self.body, &body.0, None, None);
        self.live.set_text_content(Some(&self.message));
    }
}

/// Offers `text` as a file download through a temporary object URL.
fn download(name: &str, text: &str) -> bool {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let ok = B::new("a")
        .0
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map(|a| {
            a.set_href(&url);
            a.set_download(name);
            a.click();
        })
        .is_ok();
    let _ = web_sys::Url::revoke_object_url(&url);
    ok
}
