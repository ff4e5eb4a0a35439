//! The container side of the course: Docker/OCI images and containers, an ECR-like registry, and
//! Amazon ECS (EC2 container instances and Fargate) on the discrete-event engine in [`crate::sim`].
//!
//! Rooms: [`catalog`] (instance types), [`query`] (cluster query language), [`placement`] (filter →
//! constraints → strategies, with reasons), [`fargate`] (sizes, versions, prices), [`model`] (the
//! ECS state machine: tasks, services, deployments), [`scenario`] (the TOML scenario file),
//! [`image`] (layers, digests, build, save/load), [`registry`] (ECR), [`container`] (one Docker host).
//! It deliberately has no page widgets and no I/O: the CLI and the playground read its trace.

// `pub` only where the fuzz targets need it; the rest is crate-visible so that the compiler
// reports what nothing uses.
pub(crate) mod catalog;
pub(crate) mod container;
pub(crate) mod fargate;
pub(crate) mod image;
pub(crate) mod model;
pub(crate) mod placement;
pub mod query;
pub(crate) mod registry;
pub mod scenario;
// Public for the playground: the start-up cell (#11) draws it.
pub mod startup;
pub(crate) mod taskdef;

#[cfg(test)]
mod tests;
