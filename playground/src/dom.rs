//! A tiny DOM helper for the widgets module, which renders with web-sys directly instead of a
//! framework: an element builder, and event delegation on a widget's root.
//!
//! A widget keeps its state, rebuilds its whole subtree from that state after each action and
//! puts focus back where it was (by element id). Controls name their action in `data-act`
//! (clicks), `data-change` or `data-input` attributes, with `data-q` and `data-i` as arguments;
//! one listener per event type on the widget's root reads them, so no listener is ever created
//! or dropped while rendering. It does no diffing: widgets are small, and text fields are not
//! re-rendered while the learner types.

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, HtmlElement};

pub fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect_throw("a page with a document")
}

/// An element under construction; every method returns it for chaining.
pub struct B(pub Element);

impl B {
    #[inline(never)]
    pub fn new(tag: &str) -> B {
        B(document().create_element(tag).expect_throw("a valid tag name"))
    }

    /// `<tag class="…">`.
    pub fn c(tag: &str, class: &str) -> B {
        B::new(tag).attr("class", class)
    }

    #[inline(never)]
    pub fn attr(self, name: &str, value: &str) -> B {
        let _ = self.0.set_attribute(name, value);
        self
    }

    /// Sets the attribute only when `on` (boolean attributes such as `disabled`).
    pub fn flag(self, name: &str, on: bool) -> B {
        if on { self.attr(name, "") } else { self }
    }

    /// Appends text.
    #[inline(never)]
    pub fn text(self, text: &str) -> B {
        let _ = self.0.append_with_str_1(text);
        self
    }

    /// Appends trusted HTML (Markdown the build rendered).
    #[inline(never)]
    pub fn html(self, html: &str) -> B {
        let _ = self.0.insert_adjacent_html("beforeend", html);
        self
    }

    #[inline(never)]
    pub fn child(self, child: B) -> B {
        let _ = self.0.append_with_node_1(&child.0);
        self
    }

    pub fn child_if(self, child: Option<B>) -> B {
        match child {
            Some(c) => self.child(c),
            None => self,
        }
    }

    /// A control that triggers click action `act` with arguments `q` and `i`.
    pub fn act(self, kind: &str, act: &str, q: usize, i: usize) -> B {
        self.attr(kind, act)
            .attr("data-q", &crate::num::fmt_int(q))
            .attr("data-i", &crate::num::fmt_int(i))
    }
}

/// What a delegated event names: the action, `data-q`, `data-i` and the control itself.
pub struct Act {
    pub name: String,
    pub q: usize,
    pub i: usize,
    pub el: Element,
}

/// Listens for `event` on `root` and calls `f` with the action named by the `attr` attribute
/// of the target or its nearest ancestor inside `root`. The listener lives as long as the page.
pub fn delegate(root: &Element, event: &str, attr: &'static str, f: impl Fn(Act) + 'static) {
    let selector = {
        let mut s = String::from("[");
        s += attr;
        s += "]";
        s
    };
    let cb = Closure::<dyn Fn(Event)>::new(move |e: Event| {
        let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let Ok(Some(el)) = target.closest(&selector) else {
            return;
        };
        let num = |a: &str| {
            el.get_attribute(a)
                .and_then(|v| crate::num::parse_u64(&v))
                .unwrap_or(0) as usize
        };
        let act = Act {
            name: el.get_attribute(attr).unwrap_or_default(),
            q: num("data-q"),
            i: num("data-i"),
            el: el.clone(),
        };
        f(act);
    });
    let _ = root.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
    cb.forget();
}

/// Replaces the children of `root` by `content` and puts focus back: on the element with id
/// `first` if given and present, else on the element that had it (same id), else, when focus
/// was inside `root`, on the element with id `fallback`. Focus outside `root` is left alone.
pub fn replace_keeping_focus(root: &Element, content: &Element, first: Option<&str>, fallback: Option<&str>) {
    let doc = document();
    let inside = doc.active_element().filter(|a| root.contains(Some(a)));
    let focused = inside.as_ref().map(Element::id).filter(|id| !id.is_empty());
    root.replace_children_with_node_1(content);
    let by_id = |id: &str| doc.get_element_by_id(id);
    let target = first
        .and_then(by_id)
        .or_else(|| focused.as_deref().and_then(by_id))
        .or_else(|| inside.and(fallback).and_then(by_id));
    if let Some(el) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Shows an error box (role `alert`) in place of the widget's content.
pub fn error_box(root: &Element, text: &str) {
    root.replace_children_with_node_1(&B::c("div", "cloudbook-error").attr("role", "alert").text(text).0);
}
