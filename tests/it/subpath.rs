//! The book served from a sub-path, as on GitHub Pages (`/<repository>/`) or behind CloudFront
//! (`/course/`): built by the real `cloudbook build --site-url /course/`, served under `/course/`
//! only (everything else is 404), and driven in real headless Chromium. A quiz page must mount its
//! quiz and a lab page its lab, and the 404 page must find its theme. Never skips.
// A test drives real files, processes and sockets; the core's no-I/O rule is not for it.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::support::build_site;

const PREFIX: &str = "/course/";
const WAIT: Duration = Duration::from_secs(90);

/// The site built for `/course/`, once per test run.
fn site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| build_site("subpath-site", &["--site-url", PREFIX]))
}

/// A static file server that knows only `/course/…`, on a thread; returns its origin.
fn serve_under_prefix(site: &'static Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let origin = format!("http://{}", listener.local_addr().expect("bound address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream, site));
        }
    });
    origin
}

fn answer(mut stream: TcpStream, site: &Path) {
    let mut line = String::new();
    if BufReader::new(&stream).read_line(&mut line).is_err() {
        return;
    }
    // Drain the headers so the browser sees a clean response.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let mut sink = [0u8; 4096];
    let _ = stream.read(&mut sink);
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let file = path
        .strip_prefix(PREFIX)
        .filter(|rest| !rest.split('/').any(|seg| seg == ".."))
        .map(|rest| {
            let p = site.join(rest);
            if p.is_dir() { p.join("index.html") } else { p }
        })
        .filter(|p| p.is_file());
    let (status, body, file) = match file {
        Some(f) => ("200 OK", std::fs::read(&f).unwrap_or_default(), f),
        // Like S3 + CloudFront with an error page: missing files get the book's 404 page.
        None => {
            let f = site.join("404.html");
            ("404 Not Found", std::fs::read(&f).unwrap_or_default(), f)
        }
    };
    let kind = match file.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

/// Kills its child process when dropped, also when a test fails.
struct Guard(Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn which(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|p| {
            p.to_str()?
                .split(':')
                .map(|d| Path::new(d).join(name))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| {
            panic!("{name} is not installed: run scripts/test, or apt-get install chromium chromium-driver")
        })
}

async fn browser() -> (Client, Guard) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let driver = Guard(
        Command::new(which("chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": which("chromium"),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1200,900"]
        }),
    );
    let mut last = None;
    for _ in 0..100 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return (c, driver),
            Err(e) => {
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    panic!("could not start a Chromium session: {last:?}");
}

async fn wait_ready(c: &Client, css: &str) {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&format!(
            "{css} [data-cloudbook-ready=\"true\"], {css}[data-cloudbook-ready=\"true\"]"
        )))
        .await
        .unwrap_or_else(|e| panic!("{css} never became ready under {PREFIX}: {e}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_book_works_from_a_sub_path() {
    let origin = serve_under_prefix(site());
    let (c, _driver) = browser().await;

    // A page with a quiz and a lab, two folders below the site's root.
    c.goto(&format!("{origin}{PREFIX}lambda/first-function.html"))
        .await
        .expect("page opens");
    wait_ready(&c, ".cloudbook-quiz").await;
    wait_ready(&c, ".cloudbook-lab").await;
    // The final part's page, with its quiz and an inline SVG that follows the theme.
    c.goto(&format!("{origin}{PREFIX}choosing/choosing-compute.html"))
        .await
        .expect("page opens");
    wait_ready(&c, ".cloudbook-quiz").await;
    let svg_color = c
        .execute(
            "return getComputedStyle(document.querySelector('.cloudbook-decision svg text')).fill",
            vec![],
        )
        .await
        .expect("script runs");
    let fg = c
        .execute("return getComputedStyle(document.body).color", vec![])
        .await
        .expect("script runs");
    assert_eq!(svg_color, fg, "the diagram's text takes the theme's text colour");

    // A missing page gets mdBook's 404 page, whose stylesheets resolve under the prefix.
    c.goto(&format!("{origin}{PREFIX}no/such/page.html"))
        .await
        .expect("page opens");
    let styled = c
        .execute(
            "return [...document.styleSheets].some(s => s.href && s.href.includes('/course/') && s.cssRules.length > 0)",
            vec![],
        )
        .await
        .expect("script runs");
    assert_eq!(styled, json!(true), "the 404 page loads its theme from {PREFIX}");
    let _ = c.close().await;
}
