//! Integration tests for the lambda side (being built).
