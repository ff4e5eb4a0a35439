//! One widget per file: `quiz`, `question` and `progress` render with `crate::dom` (the
//! `widgets` module); `lab` is a yew component (the `lab` module).

pub mod cells;
pub mod chart;
pub mod editor;
pub mod lab;
pub mod output;
pub mod progress;
pub mod question;
pub mod quiz;
