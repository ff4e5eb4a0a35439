//! The cloudbook playground: widgets mounted on the placeholders that the preprocessor left
//! in the book's pages (quizzes, labs, the progress page).
//!
//! Two wasm entry points in `bin/` only mount. The `widgets` module (quizzes, the progress
//! page) renders with web-sys through the small helper in `dom.rs` and reads its data with
//! `json.rs`/`codec.rs`, so it carries no framework and no serde_json; the `lab` module is a yew
//! app. Everything here compiles on the host too, so `cargo test` covers the reducers and the
//! data formats. State changes go through pure reducers that call the core (`cloudbook`) for
//! grading and simulation; storage, timers and the DOM are touched only outside them. It does
//! not grade or simulate anything itself.

pub mod chart;
pub mod codec;
pub mod components;
pub mod dom;
pub mod edit;
pub mod highlight;
pub mod i18n;
pub mod json;
pub mod mount;
pub mod num;
pub mod share;
pub mod slices;
pub mod state;
pub mod storage;
