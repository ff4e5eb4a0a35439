//! Fixture books built by the real `cloudbook` binary: placeholders in the HTML, the same chapter
//! HTML through the external preprocessor protocol, and bad input failing with path:line:col.

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
        all.contains("book/chapter.md:11:3: error: unknown field `titel`"),
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

#[test]
fn serve_rebuilds_on_change_and_reloads_open_pages() {
    use std::io::{BufRead, BufReader};
    let dir = fixture("book-min");
    let mut server = std::process::Command::new(BIN)
        .args(["serve", "--no-wasm", "--port", "0", "--out"])
        .arg(dir.path().join("site"))
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("cloudbook serve starts");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("an address")
        .to_string();
    let result = std::panic::catch_unwind(|| {
        let page = std::fs::read_to_string(dir.path().join("site/chapter.html")).expect("built page");
        assert!(
            page.contains("__livereload"),
            "pages carry mdBook's live-reload script"
        );
        let (mut ws, _) = tungstenite::connect(format!("ws://{addr}/__livereload")).expect("websocket");
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
                .expect("timeout");
        }
        let chapter = dir.path().join("book/chapter.md");
        let mut md = std::fs::read_to_string(&chapter).expect("chapter");
        md.push_str("\nA new sentence.\n");
        std::fs::write(&chapter, md).expect("edit the chapter");
        let msg = ws.read().expect("a message after the rebuild");
        assert_eq!(msg.into_text().expect("text").as_str(), "reload");
        let page = std::fs::read_to_string(dir.path().join("site/chapter.html")).expect("rebuilt page");
        assert!(page.contains("A new sentence."));
        // Plain HTTP: files are served, paths cannot climb out of the site.
        let get = |path: &str| {
            use std::io::{Read, Write};
            let mut s = std::net::TcpStream::connect(&addr).expect("connect");
            write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").expect("request");
            let mut out = String::new();
            s.read_to_string(&mut out).expect("response");
            out
        };
        assert!(get("/chapter.html").starts_with("HTTP/1.1 200 OK"));
        assert!(get("/../book.toml").starts_with("HTTP/1.1 404"));
    });
    let _ = server.kill();
    let _ = server.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
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
