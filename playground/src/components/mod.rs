//! One component per file.

pub mod lab;
pub mod progress;
pub mod question;
pub mod quiz;
