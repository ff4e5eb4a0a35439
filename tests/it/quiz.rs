//! Integration tests for the quiz side (being built).
