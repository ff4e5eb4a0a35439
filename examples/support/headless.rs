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
    server: Child,
    driver: Child,
}

impl Headless {
    /// Serves `site` (built before) with `$CLOUDBOOK_BIN` (default `target/release/cloudbook`)
    /// and opens headless Chromium with the usual flags plus `extra_args`.
    pub async fn start(site: &str, extra_args: &[&str]) -> Headless {
        let bin = std::env::var("CLOUDBOOK_BIN").unwrap_or_else(|_| "target/release/cloudbook".into());
        let mut server = Command::new(&bin)
            .args(["serve", "--no-build", "--port", "0", "--out", site])
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
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
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
            server,
            driver,
        }
    }

    /// Ends the session and stops chromedriver and the server.
    pub async fn close(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill();
        let _ = self.server.kill();
        let _ = self.driver.wait();
        let _ = self.server.wait();
    }
}
