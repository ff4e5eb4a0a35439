//! The integration tests: one crate, one module per feature.

mod book_build;
mod browser;
mod ecs;
mod lambda;
mod preprocess;
mod quiz;
mod sans_io;
mod support;
mod tidy;
