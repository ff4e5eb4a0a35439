//! Fixture books built by the real `cloudbook` binary: placeholders in the HTML, the same chapter
//! HTML through the external preprocessor protocol, and bad input failing with path:line:col.

// Fixture books are files and a served site is a socket: the core's no-I/O lint does not apply.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::path::{Path, PathBuf};

use mdbook_driver::MDBook;

use super::support::{BIN, cloudbook_in, fixture, text};

fn build(root: &Path, out: &str) -> PathBuf {
    let o = cloudbook_in(&["build", "--no-wasm", "--out", out], root);
    assert!(o.status.success(), "build failed:\n{}", text(&o));
    root.join(out)
}

#[test]
fn fixture_book_gets_placeholders_and_keeps_everything_else() {
    let dir = fixture("book-min");
    let site = build(dir.path(), "site");
    let html = std::fs::read_to_string(site.join("chapter.html")).expect("chapter page");
    assert!(
        html.contains("<div class=\"cloudbook-quiz\" data-quiz=\"{&quot;id&quot;:&quot;mini&quot;"),
        "{html}"
    );
    assert!(html.contains("<div class=\"cloudbook-lab\" data-lab=\"{&quot;id&quot;:&quot;mini-lab&quot;"));
    // Quiz Markdown was rendered at build time.
    assert!(
        html.contains("default&lt;/strong&gt;"),
        "the prompt's **default** is HTML inside the JSON"
    );
    // Everything else is mdBook's own rendering of the author's text.
    assert!(html.contains("Some <em>text</em> before."));
    assert!(
        html.contains("{{#quiz quizzes/missing.toml}}"),
        "a directive inside code is left alone"
    );
    assert!(html.contains("<code>{{#quiz inline-code.toml}}</code>"));
    let progress = std::fs::read_to_string(site.join("progress.html")).expect("progress page");
    assert!(progress.contains("class=\"cloudbook-progress\""));
    assert!(
        progress.contains("&quot;href&quot;:&quot;chapter.html&quot;"),
        "{progress}"
    );
}

#[test]
fn external_preprocessor_gives_identical_chapter_html() {
    let dir = fixture("book-min");
    let ours = build(dir.path(), "site-inprocess");
    // What a stock `mdbook build` does: load the book and run `[preprocessor.cloudbook] command`
    // as a child process speaking the JSON protocol.
    // The fixture's book.toml names `cloudbook preprocess`; point it at the binary under test.
    let toml_path = dir.path().join("book.toml");
    let config = std::fs::read_to_string(&toml_path).expect("book.toml");
    let config = config.replace(
        "command = \"cloudbook preprocess\"",
        &format!("command = \"{BIN} preprocess\""),
    );
    std::fs::write(&toml_path, config).expect("book.toml written");
    let mut md = MDBook::load(dir.path()).expect("fixture loads");
    md.config.build.build_dir = dir.path().join("site-external");
    md.build()
        .expect("the book builds through the external preprocessor");
    for page in ["chapter.html", "progress.html"] {
        let a = std::fs::read_to_string(ours.join(page)).expect("in-process page");
        let b = std::fs::read_to_string(dir.path().join("site-external").join(page)).expect("external page");
        assert_eq!(
            a, b,
            "{page} differs between in-process and external preprocessing"
        );
    }
}

#[test]
fn preprocessor_supports_only_html() {
    let dir = fixture("book-min");
    assert!(
        cloudbook_in(&["preprocess", "supports", "html"], dir.path())
            .status
            .success()
    );
    assert!(
        !cloudbook_in(&["preprocess", "supports", "epub"], dir.path())
            .status
            .success()
    );
}

#[test]
fn missing_quiz_and_broken_lab_fail_the_build_with_positions() {
    let dir = fixture("book-min");
    let chapter = dir.path().join("book/chapter.md");
    let md = std::fs::read_to_string(&chapter).unwrap();
    let md = md
        .replace("quizzes/mini.toml", "quizzes/nope.toml")
        .replace("title = \"Mini\"", "titel = \"Mini\"");
    std::fs::write(&chapter, md).unwrap();

    let o = cloudbook_in(&["build", "--no-wasm", "--out", "site"], dir.path());
    assert!(!o.status.success());
    let all = text(&o);
    assert!(
        all.contains("book/chapter.md:5:9: error: cannot read quiz file \"quizzes/nope.toml\""),
        "{all}"
    );
    assert!(
        all.contains(
            "book/chapter.md:11:3: error: unknown key \"titel\" in the lab: did you mean \"title\"?"
        ),
        "{all}"
    );

    let o = cloudbook_in(&["check"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("book/chapter.md:5:9: error: cannot read quiz file"),
        "{out}"
    );
    assert!(out.contains("2 problem(s)"), "{out}");
}

#[test]
fn check_passes_on_a_good_book() {
    let dir = fixture("book-min");
    let o = cloudbook_in(&["check"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("checked 2 chapters, 1 quiz and 1 lab: no problems"));
}

/// A running `cloudbook serve` on a free port, killed when dropped (also when a test fails).
struct Server {
    child: std::process::Child,
    addr: String,
}

impl Server {
    fn start(book: &Path, extra: &[&str]) -> Server {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new(BIN)
            .args(["serve", "--no-wasm", "--port", "0", "--out"])
            .arg(book.join("site"))
            .args(extra)
            .current_dir(book)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("cloudbook serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("address line");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .expect("an address")
            .to_string();
        Server { child, addr }
    }

    /// Sends `request` as raw bytes and returns the whole response.
    fn raw(&self, request: &[u8]) -> String {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&self.addr).expect("connect");
        s.write_all(request).expect("request");
        let mut out = Vec::new();
        s.read_to_end(&mut out).expect("response");
        String::from_utf8_lossy(&out).into_owned()
    }

    fn get(&self, path: &str) -> String {
        self.raw(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_rebuilds_on_change_and_reloads_open_pages_without_a_404_in_between() {
    let dir = fixture("book-min");
    let server = Server::start(dir.path(), &[]);
    let page = std::fs::read_to_string(dir.path().join("site/chapter.html")).expect("built page");
    assert!(
        page.contains("__livereload"),
        "pages carry mdBook's live-reload script"
    );
    let (mut ws, _) = tungstenite::connect(format!("ws://{}/__livereload", server.addr)).expect("websocket");
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
        s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .expect("timeout");
    }
    // Ask for the page without pause from before the edit until the reload: the rebuild happens
    // in between, and every answer must be the page.
    let done = std::sync::atomic::AtomicBool::new(false);
    let statuses = std::thread::scope(|scope| {
        let poller = scope.spawn(|| {
            let mut statuses = Vec::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let r = server.get("/chapter.html");
                statuses.push(r.lines().next().unwrap_or("no response").to_string());
            }
            statuses
        });
        let chapter = dir.path().join("book/chapter.md");
        let mut md = std::fs::read_to_string(&chapter).expect("chapter");
        md.push_str("\nA new sentence.\n");
        std::fs::write(&chapter, md).expect("edit the chapter");
        let msg = ws.read();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let statuses = poller.join().expect("the poller does not panic");
        let msg = msg.expect("a message after the rebuild");
        assert_eq!(msg.into_text().expect("text").as_str(), "reload");
        statuses
    });
    assert!(
        statuses.len() > 20,
        "only {} requests during the rebuild",
        statuses.len()
    );
    let not_ok: Vec<&String> = statuses.iter().filter(|s| *s != "HTTP/1.1 200 OK").collect();
    assert!(
        not_ok.is_empty(),
        "{} of {} requests during the rebuild were not 200: {:?}",
        not_ok.len(),
        statuses.len(),
        &not_ok[..not_ok.len().min(5)]
    );
    let page = std::fs::read_to_string(dir.path().join("site/chapter.html")).expect("rebuilt page");
    assert!(page.contains("A new sentence."));
    assert!(server.get("/chapter.html").contains("A new sentence."));
    // Plain HTTP: paths cannot climb out of the site, and no build folder is left beside it.
    assert!(server.get("/../book.toml").starts_with("HTTP/1.1 404"));
    let mut beside: Vec<String> = std::fs::read_dir(dir.path())
        .expect("book folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, ["book", "book.toml", "quizzes", "site"]);
}

#[test]
fn serve_answers_malformed_requests_with_400_and_keeps_serving() {
    let dir = fixture("book-min");
    let server = Server::start(dir.path(), &["--no-watch"]);
    for path in ["/%e2%82", "/%zz", "/chapter%", "/%c3%28.html", "/%ff"] {
        let r = server.get(path);
        assert!(r.starts_with("HTTP/1.1 400 Bad Request"), "{path}: {r}");
    }
    let r = server.raw(b"\x00\x01 not http\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 400 Bad Request"), "{r}");
    let r = server.raw(b"GET /__livereload HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 400 Bad Request"), "{r}");
    // Still serving, and a well-formed escape of a real character still decodes.
    assert!(server.get("/chapter.html").starts_with("HTTP/1.1 200 OK"));
    assert!(server.get("/%63hapter.html").starts_with("HTTP/1.1 200 OK"));
    assert!(server.get("/caf%c3%a9.html").starts_with("HTTP/1.1 404"));
}

/// The search index mdBook wrote into `site`, as the JSON inside `searchindex-<hash>.js`.
fn search_index(site: &Path) -> serde_json::Value {
    let file = std::fs::read_dir(site)
        .expect("the site folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("searchindex") && name.ends_with(".js")
        })
        .unwrap_or_else(|| panic!("cloudbook build wrote no searchindex*.js into {}", site.display()));
    let js = std::fs::read_to_string(&file).expect("the index is text");
    // `window.search = Object.assign(window.search, JSON.parse('…'));`, with `\` and `'` escaped.
    let start = js.find("JSON.parse('").expect("the index is a JSON.parse call") + "JSON.parse('".len();
    let end = js.rfind("'));").expect("the call is closed");
    let mut json = String::new();
    let mut chars = js[start..end].chars();
    while let Some(c) = chars.next() {
        json.push(if c == '\\' {
            chars.next().expect("an escape has a character")
        } else {
            c
        });
    }
    serde_json::from_str(&json).expect("the index is JSON")
}

#[test]
fn build_writes_a_search_index_of_text_prompts_and_labs_without_answers() {
    let dir = fixture("book-min");
    // Give the lab a title no other text has, and instructions.
    let chapter = dir.path().join("book/chapter.md");
    let md = std::fs::read_to_string(&chapter).expect("fixture chapter");
    let md = md.replace(
        "  title = \"Mini\"\n",
        "  title = \"Tiny greeting lab\"\n  instructions = \"Make the function answer **ok**.\"\n",
    );
    std::fs::write(&chapter, md).expect("chapter written");
    let site = build(dir.path(), "site");
    let html = std::fs::read_to_string(site.join("chapter.html")).expect("chapter page");
    assert!(
        html.contains("id=\"mdbook-search-toggle\""),
        "the menu bar has the search button"
    );
    let index = search_index(&site);
    let docs = index["index"]["documentStore"]["docs"]
        .as_object()
        .expect("elasticlunr's document store");
    let bodies: Vec<String> = docs
        .values()
        .map(|d| {
            format!(
                "{} | {}",
                d["title"].as_str().unwrap_or(""),
                d["body"].as_str().unwrap_or("")
            )
        })
        .collect();
    let all = bodies.join("\n");
    for wanted in [
        "Some text before.",                                 // chapter text
        "A chapter",                                         // a heading
        "Mini quiz",                                         // the quiz's title
        "What is the default timeout of a Lambda function?", // its prompt, as text
        "Tiny greeting lab",                                 // the lab's title
        "Make the function answer ok.",                      // and its instructions
    ] {
        assert!(all.contains(wanted), "the index lacks {wanted:?}:\n{all}");
    }
    for unwanted in [
        "3 seconds",  // an option, and the answer
        "15 minutes", // another option
        "mini-timeout",
        "&quot;",
        "\"id\"",
        "handler",
        "needs JavaScript",
    ] {
        assert!(!all.contains(unwanted), "the index holds {unwanted:?}:\n{all}");
    }
    // Each prompt once, not once per copy of the quiz's data.
    assert_eq!(all.matches("What is the default timeout").count(), 1, "{all}");
}
