//! The integration tests: one crate, one module per feature.

mod ecs;
mod lambda;
mod quiz;
