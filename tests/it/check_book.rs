//! `cloudbook check` on a small book with parts: the book-wide rules (quiz on every teaching
//! page, `source` on every question resolving to a heading, seed lines mapped, glossary links
//! defined), each failure reported as `path:line:col: error:` with its fix.
// A test drives real files, processes and sockets; the core's no-I/O rule is not for it.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::path::Path;

use expect_test::expect;

use super::support::{cloudbook_in, text};

const QUIZ: &str = r#"
id = "pricing"

[[questions]]
id = "pricing-meters"
type = "true-false"
prompt = "Lambda bills requests and duration."
answer = true
source = "lambda/pricing.md#two-meters"

[[questions]]
id = "pricing-gb"
type = "numeric"
prompt = "GB-s of 1 GB for 2 s?"
answer = 2
source = "lambda/pricing.md#the-gb-secnd"

[[questions]]
id = "pricing-nosource"
type = "true-false"
prompt = "Idle time is billed."
answer = false

[[questions]]
id = "pricing-wrongpage"
type = "true-false"
prompt = "x"
answer = false
source = "lambda/pricing.html#two-meters"

[[questions]]
id = "pricing-otherpage"
type = "true-false"
prompt = "y"
answer = false
source = "lambda/pricng.md#two-meters"
"#;

fn book(dir: &Path, seed_row: &str, glossary_link: &str) {
    let w = |rel: &str, body: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(p, body).expect("write");
    };
    w(
        "book.toml",
        "[book]\ntitle = \"t\"\nsrc = \"book\"\n[build]\ncreate-missing = false\n",
    );
    w(
        "book/SUMMARY.md",
        "# Summary\n\n[Intro](intro.md)\n\n# Lambda\n\n- [Pricing](lambda/pricing.md)\n- [Triggers](lambda/triggers.md)\n\n\
         # Reference\n\n- [Glossary](reference/glossary.md)\n- [Seed coverage](reference/seed-coverage.md)\n",
    );
    w("book/intro.md", "# Intro\n\nNo quiz needed here.\n");
    w(
        "book/lambda/pricing.md",
        &format!(
            "# Pricing\n\n## Two meters\n\nA {glossary_link}.\n\n## The GB-second\n\n{{{{#quiz quizzes/pricing.toml}}}}\n"
        ),
    );
    w("book/lambda/triggers.md", "# Triggers\n\nNo quiz yet.\n");
    w(
        "book/reference/glossary.md",
        "# Glossary\n\nCold start\n: The first request to a new environment.\n",
    );
    w(
        "book/reference/seed-coverage.md",
        &format!(
            "# Seed\n\n| # | Seed | Taught in | Status |\n|---|---|---|---|\n| S1 | a | [P](../lambda/pricing.md#two-meters) | covered |\n{seed_row}\n"
        ),
    );
    w("quizzes/pricing.toml", QUIZ);
}

#[test]
fn book_rules_report_each_problem_with_its_fix() {
    let dir = tempfile::tempdir().expect("a temp dir");
    book(
        dir.path(),
        "| S2 | b | [P](../lambda/pricing.md#nope) and [Q](../lambda/gone.md) | mostly |\n| S3 | c | nowhere | thin |",
        "[warm start](../reference/glossary.md#warm-start)",
    );
    let o = cloudbook_in(&["check"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    expect![[r#"
        book/lambda/pricing.md:5:3: error: glossary term "warm-start" is used but not defined: add it to reference/glossary.md as a definition list entry, or link an existing term (see the glossary's terms)
        book/lambda/triggers.md:1:1: error: teaching page has no quiz: end it with {{#quiz quizzes/lambda-triggers.toml}} (every page listed under a part of SUMMARY.md other than "Reference" needs one)
        book/reference/glossary.md:3:1: error: glossary term "cold-start" is used on no page: remove it, or write it on a page as the glossary spells it (the name in parentheses after a term counts too)
        book/reference/seed-coverage.md:6:1: error: seed line S2 has status "mostly"; start the last column with one of: covered, corrected, extended, thin
        book/reference/seed-coverage.md:6:16: error: seed line S2: "lambda/pricing.md" has no heading with id "nope" (its headings are: pricing, the-gb-second, two-meters)
        book/reference/seed-coverage.md:6:51: error: seed line S2 maps to "lambda/gone.md", which is not a page in SUMMARY.md (link the page that teaches it)
        book/reference/seed-coverage.md:7:1: error: seed line S3 maps to no section: link the section that teaches it in the "Taught in" column
        quizzes/pricing.toml:16:10: error: "lambda/pricing.md" has no heading with id "the-gb-secnd" (did you mean "the-gb-second"?)
        quizzes/pricing.toml:19:6: error: question "pricing-nosource" has no source: add source = "lambda/pricing.md#<heading id>" naming the section that teaches it
        quizzes/pricing.toml:29:10: error: source "lambda/pricing.html#two-meters" must be "<page>.md#<heading id>", the page relative to the book's folder, e.g. "lambda/pricing.md#…"
        quizzes/pricing.toml:36:10: error: source page "lambda/pricng.md" is not in SUMMARY.md (did you mean "lambda/pricing.md"? pages are relative to the book's folder)
        11 problem(s) in 5 chapters
    "#]].assert_eq(&String::from_utf8_lossy(&o.stdout));
}

#[test]
fn a_book_that_keeps_the_rules_passes() {
    let dir = tempfile::tempdir().expect("a temp dir");
    book(
        dir.path(),
        "| S2 | b | [P](../lambda/pricing.md#the-gb-second) | thin (one sentence) |",
        "[cold start](../reference/glossary.md#cold-start)",
    );
    let quiz = QUIZ
        .replace("the-gb-secnd", "the-gb-second")
        .replace("pricing.html#", "pricing.md#")
        .replace("pricng.md", "pricing.md")
        .replace("answer = false\n\n[[questions]]\nid = \"pricing-wrongpage\"", "answer = false\nsource = \"lambda/pricing.md#pricing\"\n\n[[questions]]\nid = \"pricing-wrongpage\"");
    std::fs::write(dir.path().join("quizzes/pricing.toml"), quiz).expect("write");
    let triggers = dir.path().join("book/lambda/triggers.md");
    std::fs::write(&triggers, "# Triggers\n\n{{#quiz quizzes/pricing.toml}}\n").expect("write");
    let o = cloudbook_in(&["check"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
}
