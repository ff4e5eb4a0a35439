//! Integration tests for the ecs side (being built).
