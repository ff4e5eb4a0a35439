//! Widget state as `Reducible` types with pure reducers (tested on the host).

pub mod lab;
pub mod keyed;
pub mod quiz;
