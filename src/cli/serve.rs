//! `cloudbook serve`: build, serve the site on 127.0.0.1 only, watch the sources, rebuild on
//! change and tell open pages to reload (mdBook's own live-reload script, over a WebSocket at
//! `/__livereload`).
//!
//! A small threaded HTTP/1.1 file server on `std::net`: enough for one author's browser and the
//! test suite, with no async runtime to compile. Request heads are parsed by `httparse` (hyper's
//! parser, already in the tree through tungstenite), so a malformed request gets a 400 instead of
//! reaching our code; the WebSocket upgrade is answered here and the socket handed to tungstenite.
//! Watching is by polling file sizes and mtimes every half second, which needs no OS-specific
//! watcher and is cheap for a book this size.
//!
//! A rebuild goes into a fresh sibling folder and is swapped in by two renames under a write
//! lock that every request takes for reading, so no request ever sees a half-built or missing
//! site. A failed rebuild prints its errors and keeps serving the last good site.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

use super::build::{BuildOptions, build, collect_files};
use super::preprocess::find_book_root;

type Clients = Arc<Mutex<Vec<WebSocket<TcpStream>>>>;

/// The folder being served. Requests hold `swap` for reading while they resolve and read a file;
/// a rebuild holds it for writing only while it renames the new site into place.
struct Site {
    dir: PathBuf,
    swap: RwLock<()>,
}

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
    // The sources as they are before the first build: an edit made while it runs, or between
    // the first answer and the watcher's first look, is a change to rebuild for, not the
    // starting point (the watcher's thread may start late on a busy machine).
    let watched = if opts.watch {
        let root = find_book_root(&build_opts.root)?;
        let before = snapshot(&root);
        Some((root, before))
    } else {
        None
    };
    let dir = if opts.build_first {
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
    let site = Arc::new(Site {
        dir,
        swap: RwLock::new(()),
    });
    let listener = TcpListener::bind(("127.0.0.1", opts.port)).with_context(|| {
        format!(
            "cannot listen on 127.0.0.1:{}; is another server using it? try --port",
            opts.port
        )
    })?;
    let addr = listener.local_addr()?;
    println!("serving the book at http://{addr}/ (Ctrl-C to stop)");
    std::io::stdout().flush()?;
    let clients: Clients = Arc::default();

    if let Some((root, before)) = watched {
        let clients = clients.clone();
        let site = site.clone();
        std::thread::spawn(move || watch(&root, before, &build_opts, &site, &clients));
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

/// Rebuilds whenever the sources differ from `last`, the snapshot they were built from.
fn watch(root: &Path, mut last: Snapshot, opts: &BuildOptions, site: &Site, clients: &Clients) {
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
        match rebuild(opts, site) {
            Ok(()) => {
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

/// `site` with a suffix, as a hidden sibling (same file system, so renames are cheap and atomic).
fn sibling(site: &Path, suffix: &str) -> PathBuf {
    let name = site
        .file_name()
        .map_or("site".into(), |n| n.to_string_lossy().into_owned());
    site.with_file_name(format!(".{name}.{suffix}"))
}

/// Builds into a fresh sibling folder, then swaps it in for the served one.
fn rebuild(opts: &BuildOptions, site: &Site) -> anyhow::Result<()> {
    let next = sibling(&site.dir, "next");
    let old = sibling(&site.dir, "old");
    for leftover in [&next, &old] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover).with_context(|| format!("removing {}", leftover.display()))?;
        }
    }
    let fresh = BuildOptions {
        out: Some(next.clone()),
        ..opts.clone()
    };
    if let Err(e) = build(&fresh) {
        let _ = std::fs::remove_dir_all(&next);
        return Err(e);
    }
    {
        let _swapping = site
            .swap
            .write()
            .expect("the swap lock is only held to rename folders, which cannot panic");
        std::fs::rename(&site.dir, &old).with_context(|| format!("moving {} aside", site.dir.display()))?;
        if let Err(e) = std::fs::rename(&next, &site.dir) {
            // Put the last good site back rather than serve nothing.
            let _ = std::fs::rename(&old, &site.dir);
            return Err(e).with_context(|| format!("moving the new build into {}", site.dir.display()));
        }
    }
    std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))
}

/// Paths, sizes and modification times of everything that can change the site.
type Snapshot = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// The [`Snapshot`] of the sources under `root` now.
fn snapshot(root: &Path) -> Snapshot {
    let mut files = Vec::new();
    for dir in [
        "book",
        "quizzes",
        "playground/src",
        "playground/assets",
        "src",
        "po",
        "theme",
    ] {
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

/// The longest request head (request line and headers) the server reads; a browser's is under 2 KiB.
const MAX_HEAD: usize = 16 * 1024;

fn handle(mut stream: TcpStream, site: &Site, clients: &Clients) -> anyhow::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let Some(head) = read_head(&mut stream)? else {
        return respond(
            &mut stream,
            400,
            "text/plain",
            b"bad request: the request head is incomplete or too long\n",
            false,
        );
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    let (method, target) = match req.parse(&head) {
        Ok(httparse::Status::Complete(_)) => (
            req.method.unwrap_or_default().to_string(),
            req.path.unwrap_or_default().to_string(),
        ),
        Ok(httparse::Status::Partial) | Err(_) => {
            return respond(
                &mut stream,
                400,
                "text/plain",
                b"bad request: not an HTTP/1.x request\n",
                false,
            );
        }
    };
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).into_owned())
    };
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(
            &mut stream,
            405,
            "text/plain",
            b"only GET and HEAD are served\n",
            false,
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == "/__livereload" {
        let is_upgrade = header("upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
        let Some(key) = header("sec-websocket-key").filter(|_| is_upgrade) else {
            return respond(
                &mut stream,
                400,
                "text/plain",
                b"bad request: /__livereload takes a WebSocket upgrade\n",
                head_only,
            );
        };
        return accept_websocket(stream, &key, clients);
    }
    let Some(path) = percent_decode(path) else {
        return respond(
            &mut stream,
            400,
            "text/plain",
            b"bad request: the path has a malformed %-escape or is not UTF-8 once decoded\n",
            head_only,
        );
    };
    // Resolve and read under the read lock, so a rebuild never swaps the folder in between.
    let found = {
        let _reading = site
            .swap
            .read()
            .expect("the swap lock is only held to rename folders, which cannot panic");
        match resolve(&site.dir, &path) {
            Some(file) => Ok((std::fs::read(&file)?, content_type(&file))),
            None => Err(std::fs::read(site.dir.join("404.html")).unwrap_or_else(|_| b"not found\n".to_vec())),
        }
    };
    match found {
        Ok((body, ctype)) => respond(&mut stream, 200, ctype, &body, head_only),
        Err(body) => respond(&mut stream, 404, "text/html; charset=utf-8", &body, head_only),
    }
}

/// Reads up to the blank line that ends a request head; `None` when the client stops first or
/// the head is longer than [`MAX_HEAD`]. GET and HEAD have no body, so nothing is left unread.
fn read_head(stream: &mut TcpStream) -> anyhow::Result<Option<Vec<u8>>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(Some(head))
}

/// Answers a WebSocket upgrade (RFC 6455 §4.2.2) and keeps the socket to send `reload` later.
fn accept_websocket(mut stream: TcpStream, key: &str, clients: &Clients) -> anyhow::Result<()> {
    let accept = tungstenite::handshake::derive_accept_key(key.trim().as_bytes());
    write!(
        stream,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    )?;
    stream.flush()?;
    stream.set_read_timeout(None)?;
    let ws = WebSocket::from_raw_socket(stream, Role::Server, None);
    clients
        .lock()
        .expect("no thread panics while holding the client list")
        .push(ws);
    Ok(())
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

/// Decodes `%XX` escapes byte by byte; `None` (a 400) for a `%` not followed by two hex digits or
/// for bytes that are not UTF-8 once decoded (`/%e2%82` is half a character).
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |k: usize| bytes.get(k).and_then(|b| char::from(*b).to_digit(16));
            let (hi, lo) = (hex(i + 1)?, hex(i + 2)?);
            out.push(u8::try_from(hi * 16 + lo).expect("two hex digits make a byte"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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
        400 => "Bad Request",
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

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decode_refuses_bad_escapes_and_half_characters() {
        for bad in ["/%e2%82", "/%zz", "/%", "/a%2", "/%ff", "/%c3%28"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
        }
        assert_eq!(percent_decode("/caf%C3%A9.html").as_deref(), Some("/café.html"));
        assert_eq!(percent_decode("/a%20b/%63").as_deref(), Some("/a b/c"));
        assert_eq!(percent_decode("/plain").as_deref(), Some("/plain"));
    }
}
