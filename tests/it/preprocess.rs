//! The preprocessor on Markdown strings: what it replaces, what it must leave byte-identical, and
//! the diagnostics it gives for bad input. Snapshots are blessed with `UPDATE_EXPECT=1`.

use cloudbook::cli::preprocess::transform_chapter;
use cloudbook::diag::render_all;
use expect_test::{Expect, expect};

const QUIZ: &str = r#"
id = "q"
[[questions]]
id = "q-one"
type = "true-false"
prompt = "Lambda bills idle time."
answer = false
"#;

/// Transforms `md` with one known quiz file (`quizzes/q.toml`) and shows the result with each
/// placeholder shortened to its class, followed by the diagnostics.
fn check(md: &str, expect: Expect) {
    let t = transform_chapter("book/ch.md", md, &mut |p| {
        if p == "quizzes/q.toml" {
            Ok(QUIZ.to_string())
        } else {
            Err(format!("no such quiz file \"{p}\""))
        }
    });
    let mut shown = String::new();
    let mut rest = t.content.as_str();
    while let Some(i) = rest.find("<div class=\"cloudbook-") {
        shown.push_str(&rest[..i]);
        let end = rest[i..]
            .find("</div>")
            .expect("a placeholder closes on its line")
            + i
            + 6;
        let class = &rest[i + 12..].split('"').next().unwrap_or_default();
        shown.push_str(&format!("<{class}/>"));
        rest = &rest[end..];
    }
    shown.push_str(rest);
    let out = format!("{shown}---\n{}", render_all(&t.diagnostics));
    expect.assert_eq(&out);
}

#[test]
fn quiz_directive_on_its_own_line_becomes_a_placeholder() {
    check(
        "# Title\n\nText.\n\n{{#quiz quizzes/q.toml}}\n\nMore *text*.\n",
        expect![[r#"
            # Title

            Text.


            <cloudbook-quiz/>


            More *text*.
            ---
        "#]],
    );
}

#[test]
fn directives_in_code_stay_untouched() {
    check(
        "```md\n{{#quiz quizzes/q.toml}}\n```\n\nInline `{{#quiz quizzes/q.toml}}` too.\n\n    {{#quiz quizzes/q.toml}}\n",
        expect![[r#"
            ```md
            {{#quiz quizzes/q.toml}}
            ```

            Inline `{{#quiz quizzes/q.toml}}` too.

                {{#quiz quizzes/q.toml}}
            ---
        "#]],
    );
}

#[test]
fn escaped_and_other_directives_are_left_to_mdbook() {
    check(
        "\\{{#quiz quizzes/q.toml}}\n\n{{#include other.md}}\n",
        expect![[r#"
            \{{#quiz quizzes/q.toml}}

            {{#include other.md}}
            ---
        "#]],
    );
}

#[test]
fn lab_blocks_in_lists_and_nested_fences() {
    check(
        "- item\n\n  ```lab\n  id = \"l1\"\n  not_modelled = \"All.\"\n  [[cells]]\n  kind = \"function\"\n  name = \"f\"\n  handler = 'fn handler(e, c) { 1 }'\n  [solution]\n  ```\n\n````md\n```lab\nid = \"not-a-lab\"\n```\n````\n",
        expect![[r#"
            - item

              
            <cloudbook-lab/>


            ````md
            ```lab
            id = "not-a-lab"
            ```
            ````
            ---
        "#]],
    );
}

#[test]
fn crlf_line_endings_are_kept_around_placeholders() {
    // Asserted directly rather than by snapshot: editors and rustfmt strip carriage returns
    // from snapshot text.
    let t = transform_chapter(
        "book/ch.md",
        "Intro\r\n\r\n{{#quiz quizzes/q.toml}}\r\n\r\nOutro\r\n",
        &mut |_| Ok(QUIZ.to_string()),
    );
    assert!(t.diagnostics.is_empty(), "{:?}", t.diagnostics);
    assert!(
        t.content
            .starts_with("Intro\r\n\r\n\r\n<div class=\"cloudbook-quiz\""),
        "{:?}",
        t.content
    );
    assert!(
        t.content.ends_with("</div>\r\n\r\n\r\nOutro\r\n"),
        "{:?}",
        t.content
    );
    let bare_lf = t
        .content
        .match_indices('\n')
        .filter(|(i, _)| !t.content[..*i].ends_with('\r'))
        .count();
    assert_eq!(bare_lf, 0, "a CRLF chapter gained a bare LF: {:?}", t.content);
}

#[test]
fn bad_input_names_the_chapter_line_column_and_fix() {
    check(
        "Text {{#quiz quizzes/q.toml}} inline.\n\n{{#quiz quizzes/missing.toml}}\n\n{{#quiz }}\n\n```lab\nid = \"x\"\nnot_modelled = \"All.\"\n[[cells]]\nkind = \"function\"\nname = \"f\"\nhandler = 'fn handler(e, c) { 1 }'\nmemroy_size = 256\n[solution]\n```\n\n```lab\nid = \"y\"\n[function\n```\n",
        expect![[r#"
            Text {{#quiz quizzes/q.toml}} inline.

            {{#quiz quizzes/missing.toml}}

            {{#quiz }}

            ```lab
            id = "x"
            not_modelled = "All."
            [[cells]]
            kind = "function"
            name = "f"
            handler = 'fn handler(e, c) { 1 }'
            memroy_size = 256
            [solution]
            ```

            ```lab
            id = "y"
            [function
            ```
            ---
            book/ch.md:14:1: error: unknown key "memroy_size" in [[cells]] (cell kind "function"): did you mean "memory_size"? (expected one of: kind, id, name, handler, handler_file, memory_size, timeout, architecture, ephemeral_storage, environment, reserved_concurrency, policies, triggers)
            book/ch.md:20:10: error: invalid TOML: unclosed table, expected `]`
            book/ch.md:1:6: error: a {{#quiz}} directive must stand on a line of its own: put a blank line before and after it
            book/ch.md:3:9: error: no such quiz file "quizzes/missing.toml"
            book/ch.md:5:1: error: {{#quiz}} needs a file: write {{#quiz quizzes/<chapter>.toml}}
        "#]],
    );
}

/// A lab with three mistakes inside a list item: three diagnostics at their chapter line and
/// column (the block's lines are indented by the item's three columns).
#[test]
fn a_lab_with_three_mistakes_shows_three_diagnostics_in_the_chapter() {
    check(
        "# Lab\n\n1. Try it:\n\n   ```lab\n   id = \"first-function\"\n   titel = \"Your first function\"\n   not_modelled = \"All.\"\n   [[cells]]\n   kind = \"function\"\n   name = \"hello\"\n   handler = 'fn handler(e, c) { \"hi\" }'\n   memory_size = 64\n   [[goals]]\n   check = \"response-contain\"\n   cell = \"hello\"\n   text = \"hi\"\n   [solution]\n   ```\n",
        expect![[r##"
            # Lab

            1. Try it:

               ```lab
               id = "first-function"
               titel = "Your first function"
               not_modelled = "All."
               [[cells]]
               kind = "function"
               name = "hello"
               handler = 'fn handler(e, c) { "hi" }'
               memory_size = 64
               [[goals]]
               check = "response-contain"
               cell = "hello"
               text = "hi"
               [solution]
               ```
            ---
            book/ch.md:7:4: error: unknown key "titel" in the lab: did you mean "title"? (expected one of: id, title, instructions, not_modelled, hints, seed, cells, goals, solution)
            book/ch.md:13:4: error: ValidationException: 1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128
            book/ch.md:15:12: error: unknown goal check "response-contain" (did you mean "response-contains"? expected one of: no-error, response-contains, log-contains, status-code, max-billed-ms, start, invocations, max-throttles, max-timeouts, max-errors, max-cold-starts, max-p99-ms, max-monthly-usd, iam, memory-is, all-placed, instances-used, zones-used, running, event-contains, no-event-contains, cheaper, deployment-completed, min-running, max-running, fargate-valid, fargate-cheapest, image-ok, min-cached-layers, max-pull-bytes, push-rejected, read-returns, max-startup-ms, job-status, job-before, no-mixed-versions, min-capacity-pct, deployed, max-rejected, no-overage, anchored)
        "##]],
    );
}
