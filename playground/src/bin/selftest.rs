//! The `selftest` module: the diagnostics switches `?cloudbook-selftest` (the core's determinism
//! self-test, compared with the native run by the browser tests) and `?cloudbook-bench` (the
//! Lambda load benchmark of `scripts/bench-lambda-wasm.sh`).
//!
//! They live in a module of their own because the self-test runs the ECS and Batch simulators on
//! scenarios read through the TOML walk: carried by the `lab` module, that code would weigh on
//! every lab page. The loader fetches this module only when the page's URL holds one of the
//! switches. It is built from the same core, with the same compiler, target and profile as the
//! other two modules, so a hash it computes is the hash the lab module would compute.

use cloudbook_playground::mount::{bench_if_asked, install_panic_hook, selftest_if_asked};

fn main() {
    install_panic_hook("selftest");
    selftest_if_asked();
    bench_if_asked();
}
