//! The wasm half of the Lambda load benchmark: serves a built site, opens a page with
//! `?cloudbook-bench` in headless Chromium and prints the `selftest` module's timing as JSON.
//! Run by `scripts/bench-lambda-wasm.sh`; it measures, it asserts nothing.
//!
//! Usage: `cargo run --release --example bench_wasm -- <built site dir>`
// A program, not the core: reading its environment and starting processes is its job.
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};

#[tokio::main]
async fn main() {
    let site = std::env::args()
        .nth(1)
        .expect("usage: bench_wasm <built site dir>");
    let bin = std::env::var("CLOUDBOOK_BIN").unwrap_or_else(|_| "target/release/cloudbook".into());
    let mut server = Command::new(&bin)
        .args(["serve", "--no-build", "--port", "0", "--out", &site])
        .stdout(Stdio::piped())
        .spawn()
        .expect("cloudbook serve starts");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("address")
        .to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": "/usr/bin/chromium", "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                    "--disable-background-networking", "--no-first-run"]}),
    );
    let mut client = None;
    for _ in 0..100 {
        if let Ok(c) = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            client = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let client = client.expect("a Chromium session");
    client
        .goto(&format!("{base}lambda/first-function.html?cloudbook-bench"))
        .await
        .expect("page");
    let pre = client
        .wait()
        .at_most(Duration::from_secs(600))
        .for_element(Locator::Id("cloudbook-bench"))
        .await
        .expect("the benchmark finishes");
    println!("{}", pre.text().await.expect("text"));
    let _ = client.close().await;
    let _ = driver.kill();
    let _ = server.kill();
    let _ = driver.wait();
    let _ = server.wait();
}
