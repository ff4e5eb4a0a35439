//! The translation workflow end to end with the real binary on the fixture book: extract twice
//! gives the same catalog, a translation reaches the `/ko/` edition (chapter, quiz, lab, titles)
//! with the English quiz hash, the picker links each page both ways, `status` prints coverage and
//! `check` reports a broken translation at its PO line.

// Fixture books are files and processes: the core's no-I/O lint does not apply.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use super::support::{cloudbook_in, fixture, text};

fn run(root: &Path, args: &[&str]) -> String {
    let o = cloudbook_in(args, root);
    assert!(o.status.success(), "cloudbook {args:?} failed:\n{}", text(&o));
    text(&o)
}

/// Fills the msgstr of each `(msgid line, translation)` in `po/ko.po`.
fn translate(root: &Path, pairs: &[(&str, &str)]) {
    let path = root.join("po/ko.po");
    let mut po = std::fs::read_to_string(&path).expect("po/ko.po exists");
    for (msgid, msgstr) in pairs {
        let from = format!("msgid \"{msgid}\"\nmsgstr \"\"");
        assert!(po.contains(&from), "{msgid} is a message of the catalog:\n{po}");
        po = po.replace(&from, &format!("msgid \"{msgid}\"\nmsgstr \"{msgstr}\""));
    }
    std::fs::write(&path, po).expect("po/ko.po is writable");
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
}

/// The value of `attr="…"` on the first element with `class`.
fn attr(html: &str, class: &str, attr: &str) -> String {
    let at = html
        .find(&format!("class=\"{class}\""))
        .unwrap_or_else(|| panic!("no {class} in {html}"));
    let rest = &html[at..];
    let start = rest.find(&format!("{attr}=\"")).expect("the attribute is there") + attr.len() + 2;
    rest[start..start + rest[start..].find('"').expect("a closed attribute")].to_string()
}

#[test]
fn extraction_is_stable_and_a_translation_builds_the_korean_edition() {
    let dir = fixture("book-min");
    let root = dir.path();
    run(root, &["i18n", "extract"]);
    let first = read(&root.join("po/messages.pot"));
    assert!(run(root, &["i18n", "extract"]).contains("(unchanged)"));
    assert_eq!(
        read(&root.join("po/messages.pot")),
        first,
        "extracting twice changes nothing"
    );
    assert!(first.contains(
        "msgctxt \"quiz:mini/mini-timeout\"\nmsgid \"What is the **default** timeout of a Lambda function?\""
    ));
    assert!(first.contains("msgctxt \"lab:mini-lab\"\nmsgid \"Mini\""));
    assert!(
        !first.contains("fn handler"),
        "lab code is not a message:\n{first}"
    );
    assert!(
        !first.contains("POT-Creation-Date"),
        "no date that changes per run"
    );

    run(root, &["i18n", "update", "ko"]);
    translate(
        root,
        &[
            ("A chapter", "한 장"),
            ("Some _text_ before.", "앞에 있는 *텍스트*입니다."),
            (
                "What is the **default** timeout of a Lambda function?",
                "Lambda 함수의 **기본** 제한 시간은 얼마일까요?",
            ),
            ("3 seconds", "3초"),
            ("Mini", "미니"),
        ],
    );
    let status = run(root, &["i18n", "status", "ko"]);
    assert!(status.contains("ko: page book/chapter.md"), "{status}");
    assert!(status.contains("ko: quiz mini"), "{status}");
    assert!(status.contains("ko: lab  mini-lab"), "{status}");
    let total = status
        .lines()
        .find(|l| l.contains("total"))
        .expect("a total line");
    assert!(
        total.split_whitespace().any(|w| w == "5"),
        "five messages translated: {total}"
    );

    run(root, &["build", "--no-wasm", "--out", "site"]);
    let site = root.join("site");
    let en = read(&site.join("chapter.html"));
    let ko = read(&site.join("ko/chapter.html"));
    assert!(en.contains("<html lang=\"en\""), "English at the root");
    assert!(ko.contains("<html lang=\"ko\""), "Korean under /ko/ says so");
    assert!(ko.contains("앞에 있는 <em>텍스트</em>입니다."), "{ko}");
    assert!(
        ko.contains("<h1 id=\"a-chapter\">"),
        "the heading keeps its English id:\n{ko}"
    );
    assert!(
        en.contains("href=\"ko/chapter.html\" hreflang=\"ko\""),
        "English links to Korean"
    );
    assert!(
        ko.contains("href=\"../chapter.html\" hreflang=\"en\""),
        "Korean links back"
    );
    let (en_quiz, ko_quiz) = (
        attr(&en, "cloudbook-quiz", "data-quiz"),
        attr(&ko, "cloudbook-quiz", "data-quiz"),
    );
    assert!(ko_quiz.contains("&lt;strong&gt;기본&lt;/strong&gt;"), "{ko_quiz}");
    assert!(ko_quiz.contains("3초") && !en_quiz.contains("3초"));
    assert_eq!(
        attr(&en, "cloudbook-quiz", "data-quiz-hash"),
        attr(&ko, "cloudbook-quiz", "data-quiz-hash"),
        "the hash is the English quiz's, so progress carries over"
    );
    assert!(attr(&ko, "cloudbook-lab", "data-lab").contains("&quot;title&quot;:&quot;미니&quot;"));
    assert!(!read(&site.join("ko/chapter.html")).contains("Some <em>text</em> before."));
}

#[test]
fn check_reports_a_broken_translation_at_its_po_line() {
    let dir = fixture("book-min");
    let root = dir.path();
    run(root, &["i18n", "extract"]);
    run(root, &["i18n", "update", "ko"]);
    translate(
        root,
        &[(
            "Some _text_ before.",
            "앞에 있는 텍스트입니다. {{#quiz quizzes/mini.toml}}",
        )],
    );
    let po = read(&root.join("po/ko.po"));
    let line = po
        .lines()
        .position(|l| l.starts_with("msgstr \"앞에"))
        .expect("the translation is in the catalog")
        + 1;
    let o = cloudbook_in(&["check"], root);
    let out = text(&o);
    assert!(!o.status.success(), "check fails:\n{out}");
    assert!(
        out.contains(&format!(
            "po/ko.po:{line}:1: error: the translation adds the directive `{{{{#quiz quizzes/mini.toml}}}}`"
        )),
        "{out}"
    );
}

/// Adds a glossary and a page that uses its terms to the fixture book (issue #13's four faults).
fn add_glossary_page(root: &Path) {
    let book = root.join("book");
    std::fs::create_dir_all(book.join("reference")).expect("a reference folder");
    std::fs::write(
        book.join("reference/glossary.md"),
        "# Glossary\n\nRegion\n: A geographic area.\n\nAmazon ECR (Amazon Elastic Container Registry)\n: A registry of images.\n",
    )
    .expect("the glossary is written");
    std::fs::write(
        book.join("registries.md"),
        "# Registries\n\n**Amazon ECR** stores images in one Region.\n\n> [!NOTE]\n> A note.\n\n\
         | Id | Topic |\n|---|---|\n| S1 | 1. Images in a registry |\n",
    )
    .expect("the page is written");
    let summary = read(&book.join("SUMMARY.md"));
    std::fs::write(
        book.join("SUMMARY.md"),
        format!("{summary}- [Registries](registries.md)\n- [Glossary](reference/glossary.md)\n"),
    )
    .expect("SUMMARY.md is writable");
}

#[test]
fn the_korean_edition_keeps_term_ids_emphasis_numbers_and_titles() {
    let dir = fixture("book-min");
    let root = dir.path();
    add_glossary_page(root);
    run(root, &["i18n", "extract"]);
    run(root, &["i18n", "update", "ko"]);
    translate(
        root,
        &[
            ("Region", "리전 (Region)"),
            ("A geographic area.", "지리적 영역."),
            ("Registries", "레지스트리"),
            (
                "**Amazon ECR** stores images in one Region.",
                "**Amazon ECR**이 이미지를 리전 하나에 저장합니다.",
            ),
            ("A note.", "메모."),
            ("Images in a registry", "레지스트리의 이미지"),
        ],
    );
    run(root, &["build", "--no-wasm", "--out", "site"]);
    let site = root.join("site");
    let glossary = read(&site.join("ko/reference/glossary.html"));
    assert!(
        glossary.contains("<dt id=\"region\"><a class=\"header\" href=\"#region\">리전 (Region)</a></dt>"),
        "the Korean term keeps the English id:\n{glossary}"
    );
    assert!(!glossary.contains("리전-region"), "{glossary}");
    let en = read(&site.join("registries.html"));
    let ko = read(&site.join("ko/registries.html"));
    for (page, particle, region) in [(&en, " stores", "Region"), (&ko, "이", "리전")] {
        assert!(
            page.contains(&format!(
                "<a href=\"reference/glossary.html#amazon-ecr-amazon-elastic-container-registry\"><strong>Amazon ECR</strong></a>{particle}"
            )),
            "the link wraps the bold term:\n{page}"
        );
        assert!(
            page.contains(&format!(
                "<a href=\"reference/glossary.html#region\">{region}</a>"
            )),
            "the term links to the English id:\n{page}"
        );
        assert!(!page.contains("**"), "no literal emphasis:\n{page}");
    }
    assert!(ko.contains("<td>1. 레지스트리의 이미지</td>"), "{ko}");
    assert!(en.contains("<td>1. Images in a registry</td>"), "{en}");
    assert!(ko.contains("</svg>참고</p>"), "{ko}");
    assert!(!ko.contains("</svg>Note</p>"), "{ko}");
    assert!(en.contains("</svg>Note</p>"), "{en}");
}
