//! `cloudbook serve`: build, serve the site on 127.0.0.1 only, watch the sources, rebuild on
//! change and tell open pages to reload (mdBook's own live-reload script, over a WebSocket at
//! `/__livereload`).
//!
//! A small threaded HTTP/1.1 file server on `std::net`: enough for one author's browser and the
//! test suite, with no async runtime to compile. Watching is by polling file sizes and mtimes
//! every half second, which needs no OS-specific watcher and is cheap for a book this size.
//! A failed rebuild prints its errors and keeps serving the last good site.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use tungstenite::{Message, WebSocket};

use super::build::{BuildOptions, build, collect_files};
use super::preprocess::find_book_root;

type Clients = Arc<Mutex<Vec<WebSocket<TcpStream>>>>;

pub struct ServeOptions {
    pub build: BuildOptions,
    pub port: u16,
    /// Rebuild when sources change (on by default; tests turn it off for a fixed site).
    pub watch: bool,
    /// Build before serving; off to serve an existing site in `build.out` as it is.
    pub build_first: bool,
}

pub fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    let mut build_opts = opts.build.clone();
    build_opts.live_reload = true;
    let site = if opts.build_first {
        build(&build_opts)?.out
    } else {
        let out = build_opts
            .out
            .clone()
            .context("--no-build needs --out: the folder of a built site")?;
        anyhow::ensure!(
            out.join("index.html").is_file(),
            "{} holds no built site (no index.html)",
            out.display()
        );
        out
    };
    let listener = TcpListener::bind(("127.0.0.1", opts.port)).with_context(|| {
        format!(
            "cannot listen on 127.0.0.1:{}; is another server using it? try --port",
            opts.port
        )
    })?;
    let addr = listener.local_addr()?;
    println!("serving the book at http://{addr}/ (Ctrl-C to stop)");
    use std::io::Write as _;
    std::io::stdout().flush()?;
    let clients: Clients = Arc::default();

    if opts.watch {
        let root = find_book_root(&build_opts.root)?;
        let clients = clients.clone();
        std::thread::spawn(move || watch(&root, &build_opts, &clients));
    }

    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let site = site.clone();
        let clients = clients.clone();
        std::thread::spawn(move || {
            if let Err(e) = handle(stream, &site, &clients) {
                eprintln!("warning: a request failed: {e:#}");
            }
        });
    }
    Ok(())
}

fn watch(root: &Path, opts: &BuildOptions, clients: &Clients) {
    let mut last = snapshot(root);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = snapshot(root);
        if now == last {
            continue;
        }
        // Let an editor finish writing all the files it saves together.
        std::thread::sleep(Duration::from_millis(200));
        last = snapshot(root);
        eprintln!("change detected: rebuilding");
        match build(opts) {
            Ok(_) => {
                let mut list = clients
                    .lock()
                    .expect("no thread panics while holding the client list");
                list.retain_mut(|ws| ws.send(Message::text("reload")).is_ok());
                eprintln!("rebuilt; reloaded {} page(s)", list.len());
            }
            Err(e) => {
                super::report(&e);
                eprintln!("the last good build is still being served");
            }
        }
    }
}

/// Paths, sizes and modification times of everything that can change the site.
fn snapshot(root: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut files = Vec::new();
    for dir in ["book", "quizzes", "playground/src", "playground/assets", "src"] {
        let _ = collect_files(&root.join(dir), &mut files);
    }
    files.push(root.join("book.toml"));
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let meta = std::fs::metadata(&f).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let modified = meta.and_then(|m| m.modified().ok());
            (f, len, modified)
        })
        .collect()
}

fn handle(stream: TcpStream, site: &Path, clients: &Clients) -> anyhow::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = [0u8; 2048];
    let n = stream.peek(&mut head)?;
    let first = String::from_utf8_lossy(&head[..n]);
    if first.starts_with("GET /__livereload") {
        let ws = tungstenite::accept(stream).map_err(|e| anyhow::anyhow!("websocket handshake: {e}"))?;
        clients
            .lock()
            .expect("no thread panics while holding the client list")
            .push(ws);
        return Ok(());
    }
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let mut stream = stream;
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            405,
            "text/plain",
            b"only GET and HEAD are served\n",
            method == "HEAD",
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(file) = resolve(site, &percent_decode(path)) else {
        let body = std::fs::read(site.join("404.html")).unwrap_or_else(|_| b"not found\n".to_vec());
        return respond(
            &mut stream,
            404,
            "text/html; charset=utf-8",
            &body,
            method == "HEAD",
        );
    };
    let mut body = Vec::new();
    std::fs::File::open(&file)?.read_to_end(&mut body)?;
    respond(&mut stream, 200, content_type(&file), &body, method == "HEAD")
}

/// Maps a URL path to a file under `site`, refusing anything that climbs out of it.
fn resolve(site: &Path, path: &str) -> Option<PathBuf> {
    let mut p = site.to_path_buf();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if seg == ".." || seg.contains('\\') {
            return None;
        }
        p.push(seg);
    }
    if p.is_dir() {
        p.push("index.html");
    }
    p.is_file().then_some(p)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head_only: bool,
) -> anyhow::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    // `no-cache` makes the browser revalidate every file: an author always sees the latest build.
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()?;
    Ok(())
}
