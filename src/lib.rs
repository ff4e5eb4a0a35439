//! cloudbook's core: the simulators (Lambda, ECS and the no-server services), IAM, quizzes and
//! labs, all pure and deterministic so the browser, the CLI and the tests run the same code.
//!
//! Nothing here does I/O, reads a clock or draws OS randomness; that is enforced by building this
//! crate for `wasm32-unknown-unknown` with default features off in the test suite and by
//! `clippy.toml`. The only I/O lives in [`cli`], behind the `cli` feature.

// Model internals are `pub(crate)`, so dead code is found in the full build (with `cli`), which
// the tests and clippy compile. The browser's build (no `cli`) leaves the headless commands'
// helpers unused (container scenarios, Beanstalk summaries, price tables): that is not dead code.
#![cfg_attr(not(feature = "cli"), allow(dead_code))]

pub mod course;
pub mod diag;
pub mod ecs;
pub mod iam;
pub mod lab;
pub mod lambda;
pub mod quiz;
pub mod selftest;
pub mod services;
pub mod sim;

#[cfg(feature = "cli")]
pub mod cli;
