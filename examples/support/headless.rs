//! What the browser examples share: `cloudbook serve` on a built site, chromedriver, and a
//! headless Chromium session on it. Included by `#[path]` (examples are separate crates).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};

pub struct Headless {
    pub client: Client,
    /// The served site's root URL, ending in `/`.
    pub base: String,
    /// Held only to be stopped when the session is dropped (see [`Stopped`]).
    _server: Stopped,
    _driver: Stopped,
}

/// A child process stopped when dropped: when a step fails (chromedriver missing, the page never
/// ready) and the example panics, the server it started does not outlive it.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Headless {
    /// Serves `site` (built before) with `$CLOUDBOOK_BIN` (default `target/release/cloudbook`)
    /// and opens headless Chromium with the usual flags plus `extra_args`.
    pub async fn start(site: &str, extra_args: &[&str]) -> Headless {
        let bin = std::env::var("CLOUDBOOK_BIN").unwrap_or_else(|_| "target/release/cloudbook".into());
        let mut server = Stopped(
            Command::new(&bin)
                .args(["serve", "--no-build", "--port", "0", "--out", site])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("{bin} serve did not start ({e}): build it with `cargo build --release`")
                }),
        );
        let mut line = String::new();
        BufReader::new(server.0.stdout.take().expect("stdout"))
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
        let driver = Stopped(
            Command::new("chromedriver")
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "chromedriver did not start ({e}): install Debian's chromium and chromium-driver \
                         (scripts/ensure-chromium.sh does, as scripts/test does)"
                    )
                }),
        );
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--no-first-run",
        ];
        args.extend_from_slice(extra_args);
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({"binary": "/usr/bin/chromium", "args": args}),
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
        Headless {
            client: client.expect("a Chromium session"),
            base,
            _server: server,
            _driver: driver,
        }
    }

    /// Ends the session, then stops chromedriver and the server (as dropping them does).
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
