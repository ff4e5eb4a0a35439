//! One widget per file: `quiz`, `question` and `progress` render with `crate::dom` (the
//! `widgets` module); `lab` is a yew component generic over the kernel, with the Lambda cells in
//! `cells`/`output` (the `lab` module) and the container cells in `sched`/`sched_out` (the `sched`
//! module).

pub mod cells;
pub mod chart;
pub mod editor;
pub mod lab;
pub mod output;
pub mod progress;
pub mod question;
pub mod quiz;
pub mod sched;
pub mod sched_out;
