//! Widget state as `Reducible` types with pure reducers (tested on the host).

pub mod keyed;
pub mod lab;
pub mod quiz;
pub mod sched;
pub mod stepper;
