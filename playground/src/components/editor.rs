//! The code editor of function cells (rhai) and of container cells' files (TOML): a plain `<textarea>` over a highlighted `<pre>`,
//! with line numbers and the failing line marked.
//!
//! The textarea stays the real control (screen readers, selection, undo, mobile keyboards all
//! work as usual); its text is transparent and the `<pre>` under it shows the colours. Tab
//! indents and Shift+Tab outdents (`crate::edit`); so that keyboard users are never trapped,
//! Esc switches that off until the next key, so Esc then Tab leaves, as the visible hint says.
//! Ctrl/Cmd+Enter runs. Code is shown through text nodes only, never as HTML.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::edit::{self, Edited};
use crate::highlight::{self, Lang, Tok};
use crate::i18n::{Msg, fill, t};

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The textarea's id (its label points at it).
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub onedit: Callback<String>,
    /// Ctrl/Cmd+Enter.
    pub onrun: Callback<()>,
    /// The 1-based line to mark as failing.
    #[prop_or_default]
    pub error_line: Option<u32>,
    /// What the text is, for its colours.
    #[prop_or_default]
    pub lang: Lang,
    /// The textarea's `data-cloudbook-field` hook, when it has one.
    #[prop_or_default]
    pub field: Option<AttrValue>,
}

#[function_component(CodeEditor)]
pub fn code_editor(props: &EditorProps) -> Html {
    // Set by Esc: the next Tab moves focus on instead of indenting.
    let escaped = use_mut_ref(|| false);
    let hint_id = format!("{}-hint", props.id);

    let oninput = {
        let onedit = props.onedit.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            onedit.emit(area.value());
        })
    };
    let onfocus = {
        let escaped = escaped.clone();
        Callback::from(move |_: FocusEvent| *escaped.borrow_mut() = false)
    };
    let onkeydown = {
        let (escaped, onedit, onrun) = (escaped.clone(), props.onedit.clone(), props.onrun.clone());
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            match key.as_str() {
                "Escape" => *escaped.borrow_mut() = true,
                "Tab" if !*escaped.borrow() => {
                    e.prevent_default();
                    let area: HtmlTextAreaElement = e.target_unchecked_into();
                    let text = area.value();
                    let start = area.selection_start().ok().flatten().unwrap_or(0);
                    let end = area.selection_end().ok().flatten().unwrap_or(start);
                    let Edited { text, start, end } = if e.shift_key() {
                        edit::outdent(&text, start, end)
                    } else {
                        edit::indent(&text, start, end)
                    };
                    area.set_value(&text);
                    let _ = area.set_selection_range(start, end);
                    onedit.emit(text);
                }
                "Enter" if e.ctrl_key() || e.meta_key() => {
                    e.prevent_default();
                    onrun.emit(());
                }
                "Shift" | "Tab" => {}
                _ => *escaped.borrow_mut() = false,
            }
        })
    };

    let lines = highlight::lines_in(props.lang, &props.value);
    let err = props.error_line.map(|l| l as usize);
    let width = props.value.lines().map(|l| l.chars().count()).max().unwrap_or(0) + 2;
    html! {
        <div class="cb-editor-box">
            <label for={props.id.clone()} class="cb-editor-label">{ props.label.clone() }</label>
            <div class="cb-editor">
                <pre class="cb-gutter" aria-hidden="true">
                    { for (1..=lines.len()).map(|n| html! {
                        <span class={classes!("cb-ln", (Some(n) == err).then_some("cb-line-err"))}>{ n }{ "\n" }</span>
                    }) }
                </pre>
                <div class="cb-editor-code">
                    <pre class="cb-hl" aria-hidden="true">
                        { for lines.iter().enumerate().map(|(i, pieces)| html! {
                            <span class={classes!("cb-line", (Some(i + 1) == err).then_some("cb-line-err"))}>
                                { for pieces.iter().map(|(tok, text)| match tok {
                                    Tok::Plain => html! { { *text } },
                                    _ => html! { <span class={tok.class()}>{ *text }</span> },
                                }) }
                                { "\n" }
                            </span>
                        }) }
                    </pre>
                    <textarea id={props.id.clone()} class="cb-code" spellcheck="false" autocomplete="off"
                        autocapitalize="off" wrap="off" rows={lines.len().to_string()}
                        style={format!("min-width: {width}ch")}
                        aria-describedby={hint_id.clone()}
                        aria-invalid={err.map(|_| "true")} data-cloudbook-field={props.field.clone()}
                        value={props.value.clone()} {oninput} {onkeydown} {onfocus} />
                </div>
            </div>
            <p id={hint_id} class="cb-editor-hint">
                { t(Msg::EditorKeys) }
                if let Some(line) = props.error_line {
                    { " " }<span class="cb-editor-err">{ fill(Msg::ErrorOnLine, &[("line", &line.to_string())]) }</span>
                }
            </p>
        </div>
    }
}
