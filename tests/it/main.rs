//! The integration tests: one crate, one module per feature.

mod book_build;
mod browser;
mod browser_i18n;
mod browser_lab;
mod browser_sched;
mod check_book;
mod deploy;
mod ecs;
mod i18n;
mod lab;
mod lambda;
mod preprocess;
mod quiz;
mod sans_io;
mod subpath;
mod support;
mod tidy;
