//! The cloudbook playground: yew widgets mounted on the placeholders that the preprocessor left
//! in the book's pages (quizzes, labs, the progress page).
//!
//! Everything here compiles on the host too, so `cargo test` covers the reducers; the two wasm
//! entry points in `bin/` only mount. State lives in `Reducible` types whose reducers are pure
//! and call the core (`cloudbook`) for grading and simulation; storage, timers and the DOM are
//! touched only in effects. It does not grade or simulate anything itself.

pub mod components;
pub mod i18n;
pub mod mount;
pub mod state;
pub mod storage;
