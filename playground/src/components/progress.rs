//! The progress page: every chapter's quiz score and completed labs, read from localStorage,
//! with reset, and export/import as a JSON file.
//!
//! The catalog of quizzes and labs is written into the page by the preprocessor at build time,
//! so this page knows every chapter even before the learner has opened it.

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::i18n::{Msg, t};
use crate::mount::mark_ready;
use crate::state::quiz::fmt_points;
use crate::storage;

pub use cloudbook::course::{Catalog, ChapterEntry, LabEntry, QuizEntry};

/// The export file format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    pub version: u32,
    pub entries: Vec<(String, String)>,
}

pub const EXPORT_FORMAT: &str = "cloudbook-progress";

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub catalog: Rc<Catalog>,
    pub root: Element,
}

#[function_component(ProgressPage)]
pub fn progress_page(props: &ProgressProps) -> Html {
    // Bumped to re-read storage after reset or import.
    let generation = use_state(|| 0u32);
    let message = use_state(String::new);
    {
        let root = props.root.clone();
        use_effect_with((), move |_| mark_ready(&root));
    }

    let rows = props.catalog.chapters.iter().map(|ch| {
        let quizzes = ch.quizzes.iter().map(|q| {
            let stored = storage::get(&storage::quiz_key(&q.id)).map(|json| {
                serde_json::from_str::<serde_json::Value>(&json).ok().and_then(|v| {
                    let same = v.get("content_hash").and_then(|h| h.as_u64()) == Some(q.content_hash);
                    let score = v.get("score").and_then(|s| s.as_f64())?;
                    Some((score, same))
                })
            });
            let text = match stored {
                None => "not started".to_string(),
                Some(None) => "saved data unreadable (it will be reset when you open the quiz)".to_string(),
                Some(Some((_, false))) => "the quiz changed since you answered it".to_string(),
                Some(Some((score, true))) => format!("{} / {}", fmt_points(score), q.points),
            };
            html! { <li class="cb-progress-quiz" data-quiz-id={q.id.clone()}>{ format!("Quiz “{}”: {text}", q.title) }</li> }
        });
        let labs = ch.labs.iter().map(|l| {
            let passed = storage::get(&storage::lab_key(&l.id))
                .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                .and_then(|v| v.get("passed").and_then(|p| p.as_bool()))
                .unwrap_or(false);
            html! { <li class={if passed { "cb-progress-lab cb-pass" } else { "cb-progress-lab" }} data-lab-id={l.id.clone()}>
                { format!("Lab “{}”: {}", l.title, if passed { "goals reached" } else { "not yet" }) }
            </li> }
        });
        html! {
            <li><a href={ch.href.clone()}>{ ch.title.clone() }</a><ul>{ for quizzes }{ for labs }</ul></li>
        }
    });

    let onreset = {
        let (generation, message) = (generation.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let confirmed = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message("Reset all quiz answers and lab code in this browser?")
                        .ok()
                })
                .unwrap_or(false);
            if confirmed {
                for (k, _) in storage::all() {
                    if k != storage::SEED_KEY {
                        storage::remove(&k);
                    }
                }
                message.set("All progress was reset.".into());
                generation.set(*generation + 1);
            }
        })
    };
    let onexport = {
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let export = Export {
                format: EXPORT_FORMAT.into(),
                version: 1,
                entries: storage::all(),
            };
            let json = serde_json::to_string_pretty(&export).unwrap_or_default();
            if download("cloudbook-progress.json", &json) {
                message.set("Your progress was exported to cloudbook-progress.json.".into());
            } else {
                message.set("The browser refused the download.".into());
            }
        })
    };
    let onimport = {
        let (generation, message) = (generation.clone(), message.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let (generation, message) = (generation.clone(), message.clone());
            let reader = gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |text| {
                match text.ok().and_then(|t| serde_json::from_str::<Export>(&t).ok()) {
                    Some(export) if export.format == EXPORT_FORMAT => {
                        let mut n = 0;
                        for (k, v) in export
                            .entries
                            .iter()
                            .filter(|(k, _)| k.starts_with("cloudbook:v1:"))
                        {
                            if storage::set(k, v) {
                                n += 1;
                            }
                        }
                        message.set(format!("Imported {n} saved item(s)."));
                        generation.set(*generation + 1);
                    }
                    _ => message
                        .set("That file is not a cloudbook progress export; nothing was changed.".into()),
                }
            });
            // The read finishes after this callback returns; keep the reader alive until then.
            std::mem::forget(reader);
        })
    };

    html! {
        <section class="cb-progress" data-generation={generation.to_string()}>
            <ul class="cb-progress-list">{ for rows }</ul>
            <div class="cb-actions">
                <button type="button" class="cb-export" onclick={onexport}>{ t(Msg::Export) }</button>
                <label class="cb-import">{ t(Msg::Import) }{ " " }
                    <input type="file" accept="application/json,.json" onchange={onimport} />
                </label>
                <button type="button" class="cb-reset-all" onclick={onreset}>{ t(Msg::ResetAll) }</button>
            </div>
            <p class="cb-sr-only" role="status" aria-live="polite">{ (*message).clone() }</p>
            if !message.is_empty() { <p class="cb-notice">{ (*message).clone() }</p> }
        </section>
    }
}

/// Offers `text` as a file download through a temporary object URL.
fn download(name: &str, text: &str) -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let ok = doc
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .map(|a| {
            a.set_href(&url);
            a.set_download(name);
            a.click();
        })
        .is_some();
    let _ = web_sys::Url::revoke_object_url(&url);
    ok
}
