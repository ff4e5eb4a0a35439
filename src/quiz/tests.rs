//! Unit tests of the quiz core: grading tables per type (snapshots), parsing, round-trips,
//! book-wide checks, shuffling and progress. Broken-file diagnostics are snapshot-tested by the
//! integration tests over `tests/fixtures/quiz/broken/`.

use expect_test::{Expect, expect};
use proptest::prelude::*;

use super::*;

const ALL_TYPES: &str = r#"
id = "all-types"
partial_credit = "every-decision-counts"

[[questions]]
id = "single"
type = "single-choice"
prompt = "Default timeout?"
options = ["1 s", { text = "3 s", feedback = "Right." }, { text = "900 s", feedback = "That is the maximum." }]
answer = "3 s"

[[questions]]
id = "multi-edc"
type = "multiple-choice"
prompt = "Which start a function?"
options = ["API Gateway", "S3", "EventBridge", { text = "Auto Scaling", feedback = "Not a trigger." }]
answer = ["API Gateway", "S3", "EventBridge"]
points = 4

[[questions]]
id = "multi-aon"
type = "multiple-choice"
prompt = "Which start a function?"
options = ["API Gateway", "S3", "Auto Scaling"]
answer = ["API Gateway", "S3"]
partial_credit = "all-or-nothing"

[[questions]]
id = "tf"
type = "true-false"
prompt = "Lambda bills idle time."
answer = false
feedback_true = "No: you pay per request and per GB-second."

[[questions]]
id = "short"
type = "short-answer"
prompt = "Which log line ends a timed-out invocation?"
answer = "Task timed out"
alternatives = ["timed out"]
regex = 'task timed out after \d+(\.\d+)? seconds'
mistakes = [{ answer = "throttled", feedback = "Throttling is a 429 before the function runs." }]

[[questions]]
id = "short-case"
type = "short-answer"
prompt = "The runtime API header?"
answer = "Lambda-Runtime-Aws-Request-Id"
case_sensitive = true

[[questions]]
id = "numeric-abs"
type = "numeric"
prompt = "Max timeout in seconds?"
answer = 900
tolerance = 0.5
unit = "s"
mistakes = [{ answer = 15, feedback = "15 is the maximum in minutes." }]

[[questions]]
id = "numeric-rel"
type = "numeric"
prompt = "Cost of 1M requests?"
answer = 0.20
relative_tolerance = 0.05
unit = "USD"

[[questions]]
id = "ordering"
type = "ordering"
prompt = "Order the Batch job states."
items = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"]

[[questions]]
id = "ordering-aon"
type = "ordering"
prompt = "Order the lifecycle."
items = ["Init", "Invoke", "Shutdown"]
partial_credit = "all-or-nothing"

[[questions]]
id = "matching"
type = "matching"
prompt = "Match service and use."
pairs = [
  { left = "Lambda", right = "short functions" },
  { left = "Fargate", right = "containers without servers" },
  { left = "Batch", right = "queued jobs" },
  { left = "Lightsail", right = "simple VPS" },
]

[[questions]]
id = "lab"
type = "lab-graded"
prompt = "Make the function finish within its timeout."
lab = "timeout-lab"
"#;

fn all_types() -> Quiz {
    parse_quiz("all.toml", ALL_TYPES).unwrap_or_else(|d| panic!("{}", crate::diag::render_all(&d)))
}

/// Grades each `question-id answer-json` line and renders one line per grade.
fn check_grades(table: &str, expect: Expect) {
    let quiz = all_types();
    let mut out = String::new();
    for line in table.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (id, json) = line.split_once(' ').expect("`id json` lines");
        let answer: Answer = serde_json::from_str(json).expect("a valid answer");
        let g = grade(quiz.question(id).expect("a known id"), &answer);
        let marks: String = g
            .verdicts
            .iter()
            .map(|v| match v.mark {
                Mark::Correct => '+',
                Mark::Incorrect => 'x',
                Mark::Missed => 'm',
                Mark::Unchosen => '.',
            })
            .collect();
        let notes: Vec<&str> = g
            .verdicts
            .iter()
            .filter_map(|v| v.feedback.as_deref())
            .chain(g.feedback.iter().map(String::as_str))
            .collect();
        out += &format!(
            "{id} {json} => {:.3} {}/{} {}{}{}\n",
            g.score,
            g.points_earned,
            g.points_possible,
            if g.correct { "correct" } else { "wrong" },
            if marks.is_empty() {
                String::new()
            } else {
                format!(" [{marks}]")
            },
            if notes.is_empty() {
                String::new()
            } else {
                format!(" | {}", notes.join(" | "))
            },
        );
    }
    expect.assert_eq(&out);
}

#[test]
fn choice_grading() {
    check_grades(
        r#"
        single {"choice":1}
        single {"choice":2}
        single {"choice":7}
        multi-edc {"choices":[0,1,2]}
        multi-edc {"choices":[0,1]}
        multi-edc {"choices":[0,1,2,3]}
        multi-edc {"choices":[]}
        multi-edc {"choices":[0,0,0,9]}
        multi-aon {"choices":[0,1]}
        multi-aon {"choices":[0]}
        multi-aon {"choices":[1,0]}
        tf {"bool":false}
        tf {"bool":true}
        "#,
        expect![[r#"
            single {"choice":1} => 1.000 1/1 correct [.+.] | Right.
            single {"choice":2} => 0.000 0/1 wrong [.mx] | Right. | That is the maximum.
            single {"choice":7} => 0.000 0/1 wrong [.m.] | Right.
            multi-edc {"choices":[0,1,2]} => 1.000 4/4 correct [+++.]
            multi-edc {"choices":[0,1]} => 0.750 3/4 wrong [++m.]
            multi-edc {"choices":[0,1,2,3]} => 0.750 3/4 wrong [+++x] | Not a trigger.
            multi-edc {"choices":[]} => 0.250 1/4 wrong [mmm.]
            multi-edc {"choices":[0,0,0,9]} => 0.500 2/4 wrong [+mm.]
            multi-aon {"choices":[0,1]} => 1.000 1/1 correct [++.]
            multi-aon {"choices":[0]} => 0.000 0/1 wrong [+m.]
            multi-aon {"choices":[1,0]} => 1.000 1/1 correct [++.]
            tf {"bool":false} => 1.000 1/1 correct [.+]
            tf {"bool":true} => 0.000 0/1 wrong [xm] | No: you pay per request and per GB-second.
        "#]],
    );
}

#[test]
fn text_and_number_grading() {
    check_grades(
        r#"
        short {"text":"Task timed out"}
        short {"text":"  task   TIMED out "}
        short {"text":"timed out"}
        short {"text":"Task timed out after 3.00 seconds"}
        short {"text":"task timed out after 3.00 seconds!"}
        short {"text":"Throttled"}
        short {"text":""}
        short-case {"text":"lambda-runtime-aws-request-id"}
        short-case {"text":" Lambda-Runtime-Aws-Request-Id "}
        numeric-abs {"number":900}
        numeric-abs {"number":900.5}
        numeric-abs {"number":900.6}
        numeric-abs {"number":15}
        numeric-rel {"number":0.21}
        numeric-rel {"number":0.19}
        numeric-rel {"number":0.22}
        numeric-rel {"number":0.30000000000000004}
        "#,
        expect![[r#"
            short {"text":"Task timed out"} => 1.000 1/1 correct
            short {"text":"  task   TIMED out "} => 1.000 1/1 correct
            short {"text":"timed out"} => 1.000 1/1 correct
            short {"text":"Task timed out after 3.00 seconds"} => 1.000 1/1 correct
            short {"text":"task timed out after 3.00 seconds!"} => 0.000 0/1 wrong
            short {"text":"Throttled"} => 0.000 0/1 wrong | Throttling is a 429 before the function runs.
            short {"text":""} => 0.000 0/1 wrong
            short-case {"text":"lambda-runtime-aws-request-id"} => 0.000 0/1 wrong
            short-case {"text":" Lambda-Runtime-Aws-Request-Id "} => 1.000 1/1 correct
            numeric-abs {"number":900} => 1.000 1/1 correct
            numeric-abs {"number":900.5} => 1.000 1/1 correct
            numeric-abs {"number":900.6} => 0.000 0/1 wrong
            numeric-abs {"number":15} => 0.000 0/1 wrong | 15 is the maximum in minutes.
            numeric-rel {"number":0.21} => 1.000 1/1 correct
            numeric-rel {"number":0.19} => 1.000 1/1 correct
            numeric-rel {"number":0.22} => 0.000 0/1 wrong
            numeric-rel {"number":0.30000000000000004} => 0.000 0/1 wrong
        "#]],
    );
}

#[test]
fn ordering_matching_lab_and_mismatch_grading() {
    check_grades(
        r#"
        ordering {"order":[0,1,2,3,4]}
        ordering {"order":[1,0,2,3,4]}
        ordering {"order":[4,3,2,1,0]}
        ordering {"order":[0,0,0,0,0]}
        ordering {"order":[0,1]}
        ordering-aon {"order":[0,2,1]}
        ordering-aon {"order":[0,1,2]}
        matching {"pairs":[0,1,2,3]}
        matching {"pairs":[1,0,2,3]}
        matching {"pairs":[0,null,2]}
        lab {"lab":true}
        lab {"lab":false}
        single {"text":"3 s"}
        numeric-abs {"choice":900}
        "#,
        expect![[r#"
            ordering {"order":[0,1,2,3,4]} => 1.000 1/1 correct [+++++]
            ordering {"order":[1,0,2,3,4]} => 0.600 0.6/1 wrong [xx+++]
            ordering {"order":[4,3,2,1,0]} => 0.200 0.2/1 wrong [xx+xx]
            ordering {"order":[0,0,0,0,0]} => 0.200 0.2/1 wrong [+xxxx]
            ordering {"order":[0,1]} => 0.400 0.4/1 wrong [++mmm]
            ordering-aon {"order":[0,2,1]} => 0.000 0/1 wrong [+xx]
            ordering-aon {"order":[0,1,2]} => 1.000 1/1 correct [+++]
            matching {"pairs":[0,1,2,3]} => 1.000 1/1 correct [++++]
            matching {"pairs":[1,0,2,3]} => 0.500 0.5/1 wrong [xx++]
            matching {"pairs":[0,null,2]} => 0.500 0.5/1 wrong [+m+m]
            lab {"lab":true} => 1.000 1/1 correct
            lab {"lab":false} => 0.000 0/1 wrong | The lab "timeout-lab" has not reached its goals yet.
            single {"text":"3 s"} => 0.000 0/1 wrong | This answer (text) does not fit a single-choice question, so it scores 0.
            numeric-abs {"choice":900} => 0.000 0/1 wrong | This answer (one choice) does not fit a numeric question, so it scores 0.
        "#]],
    );
}

#[test]
fn lambda_basics_quiz_parses_and_its_answers_score_full_marks() {
    let quiz = parse_quiz(
        "quizzes/lambda-basics.toml",
        include_str!("../../quizzes/lambda-basics.toml"),
    )
    .unwrap_or_else(|d| panic!("{}", crate::diag::render_all(&d)));
    assert_eq!(quiz.questions.len(), 3);
    for q in &quiz.questions {
        assert!(grade(q, &q.correct_answer()).correct, "{}", q.id);
    }
    let types: Vec<_> = quiz.questions.iter().map(Question::type_name).collect();
    assert_eq!(types, ["single-choice", "multiple-choice", "lab-graded"]);
}

#[test]
fn quiz_round_trips_through_json() {
    let quiz = all_types();
    let json = serde_json::to_string(&quiz).unwrap();
    let back: Quiz = serde_json::from_str(&json).unwrap();
    assert_eq!(back, quiz);
    for q in &quiz.questions {
        let a = serde_json::to_string(&q.correct_answer()).unwrap();
        assert_eq!(serde_json::from_str::<Answer>(&a).unwrap(), q.correct_answer());
        let g = grade(q, &q.correct_answer());
        assert!(g.correct, "{}", q.id);
        assert_eq!(
            serde_json::from_str::<Grade>(&serde_json::to_string(&g).unwrap()).unwrap(),
            g
        );
    }
}

#[test]
fn render_markdown_reaches_every_markdown_field_and_nothing_else() {
    let mut quiz = all_types();
    let mut seen = Vec::new();
    quiz.render_markdown(&mut |md| {
        seen.push(md.to_string());
        format!("<p>{md}</p>")
    });
    let single = quiz.question("single").unwrap();
    assert_eq!(single.prompt, "<p>Default timeout?</p>");
    let Kind::SingleChoice { options, answer, .. } = &single.kind else {
        panic!("single-choice")
    };
    assert_eq!(options[1].text, "<p>3 s</p>");
    assert_eq!(
        options[2].feedback.as_deref(),
        Some("<p>That is the maximum.</p>")
    );
    assert_eq!(*answer, 1);
    let Kind::ShortAnswer {
        answer,
        regex,
        mistakes,
        ..
    } = &quiz.question("short").unwrap().kind
    else {
        panic!("short-answer")
    };
    assert_eq!(
        answer, "Task timed out",
        "answers to compare against are not Markdown"
    );
    assert!(regex.as_deref().is_some_and(|r| !r.contains("<p>")));
    assert_eq!(
        mistakes[0].feedback,
        "<p>Throttling is a 429 before the function runs.</p>"
    );
    let Kind::Matching { pairs, .. } = &quiz.question("matching").unwrap().kind else {
        panic!("matching")
    };
    assert_eq!(pairs[0].right, "<p>short functions</p>");
    assert!(
        seen.iter().all(|s| !s.starts_with("<p>")),
        "each field is rendered once"
    );
    assert_eq!(quiz.title, None);
}

#[test]
fn book_checks_find_duplicates_across_files_and_missing_labs() {
    let a = parse_quiz(
        "quizzes/a.toml",
        "id = \"a\"\n[[questions]]\nid = \"q1\"\ntype = \"true-false\"\nprompt = \"p\"\nanswer = true\n",
    )
    .unwrap();
    let b = parse_quiz(
        "quizzes/b.toml",
        "id = \"b\"\n\n[[questions]]\nid = \"q1\"\ntype = \"lab-graded\"\nprompt = \"p\"\nlab = \"cold-start\"\n\n[[questions]]\nid = \"a\"\ntype = \"lab-graded\"\nprompt = \"p\"\nlab = \"warm\"\n",
    )
    .unwrap();
    let labs = vec!["warm".to_string()];
    let diags = validate_book(&[
        QuizOnPage {
            path: "quizzes/a.toml",
            quiz: &a,
            labs_on_page: &[],
        },
        QuizOnPage {
            path: "quizzes/b.toml",
            quiz: &b,
            labs_on_page: &labs,
        },
        // The same file on a second page: no duplicate reported, but its labs are checked again.
        QuizOnPage {
            path: "quizzes/b.toml",
            quiz: &b,
            labs_on_page: &[],
        },
    ]);
    expect![[r#"
        quizzes/b.toml:4:6: error: duplicate question id "q1" (first used at quizzes/a.toml:3:6); ids must be unique across the book
        quizzes/b.toml:10:6: error: duplicate question id "a" (first used at quizzes/a.toml:1:6); ids must be unique across the book
        quizzes/b.toml:7:7: error: question "q1" names lab "cold-start", which is not on the page (labs on this page: warm)
        quizzes/b.toml:7:7: error: question "q1" names lab "cold-start", which is not on the page (this page has no lab; add one or change the question type)
        quizzes/b.toml:13:7: error: question "a" names lab "warm", which is not on the page (this page has no lab; add one or change the question type)
    "#]]
    .assert_eq(&crate::diag::render_all(&diags));
}

#[test]
fn a_number_the_learner_could_not_type_survives_a_reload_as_a_wrong_answer() {
    let quiz = all_types();
    let mut p = QuizProgress::fresh(&quiz);
    let g = p.record(&quiz, "numeric-abs", Answer::Number(f64::NAN)).unwrap();
    assert_eq!(g.points_earned, 0.0);
    let stored = p.to_json();
    assert!(stored.contains("{\"number\":null}"), "{stored}");
    let r = restore(&stored, &quiz);
    assert_eq!(
        r.notice, None,
        "a null number is a wrong answer, not corrupt progress"
    );
    assert!(matches!(r.progress.answers["numeric-abs"], Answer::Number(n) if n.is_nan()));
}

#[test]
fn restore_never_fails_and_says_why_it_starts_afresh() {
    let quiz = all_types();
    let mut p = QuizProgress::fresh(&quiz);
    let g = p.record(&quiz, "multi-edc", Answer::Choices(vec![0, 1])).unwrap();
    assert_eq!(g.points_earned, 3.0);
    p.record(&quiz, "single", Answer::Choice(1)).unwrap();
    p.record(&quiz, "single", Answer::Choice(1)).unwrap();
    assert!(p.record(&quiz, "nope", Answer::Choice(1)).is_none());
    assert_eq!((p.points_earned, p.attempts["single"]), (4.0, 2));
    let stored = p.to_json();
    assert_eq!(
        restore(&stored, &quiz),
        Restored {
            progress: p.clone(),
            notice: None
        }
    );

    let mut edited = quiz.clone();
    edited.questions[0].prompt.push('!');
    let mut moved = quiz.clone();
    moved.questions[0].at.line += 3;
    let older = stored.replace("\"schema\":1", "\"schema\":0");
    let mut out = String::new();
    for (name, json, q) in [
        ("same", stored.as_str(), &quiz),
        ("moved in file", stored.as_str(), &moved),
        ("edited", stored.as_str(), &edited),
        ("older", older.as_str(), &quiz),
        ("newer", &stored.replace("\"schema\":1", "\"schema\":7"), &quiz),
        ("not json", "{\"schema\":1,", &quiz),
        ("wrong shape", "{\"schema\":1,\"answers\":3}", &quiz),
        ("no schema", "[]", &quiz),
        ("other quiz", &stored.replace("\"all-types\"", "\"other\""), &quiz),
    ] {
        let r = restore(json, q);
        let notice = r
            .notice
            .as_ref()
            .map_or("-".to_string(), |n| format!("{n:?}: {n}"));
        let kept = r.progress.answers.len();
        out += &format!("{name}: {notice} (answers kept: {kept})\n");
        if r.notice.is_some() {
            assert_eq!(r.progress, QuizProgress::fresh(q));
        }
    }
    expect![[r#"
        same: - (answers kept: 2)
        moved in file: - (answers kept: 2)
        edited: EditedQuiz: This quiz has changed since you answered it, so it starts afresh. (answers kept: 0)
        older: OlderSchema { found: 0 }: Your saved answers are from another version of the book, so the quiz starts afresh. (answers kept: 0)
        newer: NewerSchema { found: 7 }: Your saved answers are from another version of the book, so the quiz starts afresh. (answers kept: 0)
        not json: Corrupt: Your saved answers could not be read, so the quiz starts afresh. (answers kept: 0)
        wrong shape: Corrupt: Your saved answers could not be read, so the quiz starts afresh. (answers kept: 0)
        no schema: Corrupt: Your saved answers could not be read, so the quiz starts afresh. (answers kept: 0)
        other quiz: OtherQuiz { found: "other" }: The saved answers belong to another quiz, so this quiz starts afresh. (answers kept: 0)
    "#]]
    .assert_eq(&out);
}

#[test]
fn shuffle_orders_differ_by_learner_and_question() {
    let a = shuffle_order("lambda-basics-default-timeout", 1, 4);
    assert_eq!(a, shuffle_order("lambda-basics-default-timeout", 1, 4));
    let by_seed: Vec<Vec<u32>> = (0..20).map(|s| shuffle_order("q", s, 6)).collect();
    assert!(
        by_seed.iter().any(|o| *o != by_seed[0]),
        "different learners see different orders"
    );
    let by_q: Vec<Vec<u32>> = (0..20).map(|i| shuffle_order(&format!("q{i}"), 1, 6)).collect();
    assert!(
        by_q.iter().any(|o| *o != by_q[0]),
        "different questions are shuffled differently"
    );
    assert_eq!(shuffle_order("q", 1, 0), Vec::<u32>::new());
    // Pinned: a stored learner seed must keep giving the same order after an update.
    expect!["[3, 0, 2, 1]"].assert_eq(&format!(
        "{:?}",
        shuffle_order("lambda-basics-default-timeout", 42, 4)
    ));
}

fn any_answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        (0u32..8).prop_map(Answer::Choice),
        proptest::collection::vec(0u32..8, 0..8).prop_map(Answer::Choices),
        any::<bool>().prop_map(Answer::Bool),
        "[ a-zA-Z.0-9]{0,40}".prop_map(Answer::Text),
        prop_oneof![any::<f64>(), -1000.0f64..1000.0, Just(900.0), Just(0.2)].prop_map(Answer::Number),
        proptest::collection::vec(0u32..8, 0..8).prop_map(Answer::Order),
        proptest::collection::vec(proptest::option::of(0u32..6), 0..8).prop_map(Answer::Pairs),
        any::<bool>().prop_map(Answer::Lab),
    ]
}

proptest! {
    #[test]
    fn scores_stay_in_range_and_correct_means_full_marks(q in 0usize..12, answer in any_answer()) {
        let quiz = all_types();
        let question = &quiz.questions[q % quiz.questions.len()];
        let g = grade(question, &answer);
        prop_assert!((0.0..=1.0).contains(&g.score), "{g:?}");
        prop_assert_eq!(g.correct, g.score == 1.0);
        prop_assert_eq!(g.points_earned, g.score * f64::from(question.points));
    }

    #[test]
    fn shuffling_is_a_stable_permutation(id in "[a-z-]{1,20}", seed in any::<u64>(), n in 0u32..40) {
        let order = shuffle_order(&id, seed, n);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..n).collect::<Vec<_>>());
        prop_assert_eq!(order, shuffle_order(&id, seed, n));
    }
}

#[test]
fn content_hash_ignores_positions_but_not_content() {
    let quiz = all_types();
    let mut moved = quiz.clone();
    moved.at.line += 1;
    moved.questions[3].at.col += 2;
    assert_eq!(content_hash(&moved), content_hash(&quiz));
    let mut reweighted = quiz.clone();
    reweighted.questions[0].points = 2;
    assert_ne!(content_hash(&reweighted), content_hash(&quiz));
    // Pinned: the same quiz must hash the same on every platform and build, or progress is lost.
    expect!["984669894c8939ca"].assert_eq(&format!("{:016x}", content_hash(&quiz)));
}

/// Deletes `len` bytes at `at` and inserts `insert` there, on char boundaries.
fn mutate(text: &str, at: usize, len: usize, insert: &str) -> String {
    let mut start = at.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + len).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!("{}{insert}{}", &text[..start], &text[end..])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// No edit of a quiz file, however broken, makes the parser panic; whatever still parses is
    /// consistent (every question's own right answer scores full marks).
    #[test]
    fn parsing_edited_files_never_panics(
        at in 0usize..ALL_TYPES.len(),
        len in 0usize..40,
        insert in prop_oneof![
            Just(String::new()),
            "[a-z_=\"\\[\\]{},. 0-9\n-]{0,12}",
            Just("answer = \"3 s\"\n".to_string()),
            Just("[[questions]]\n".to_string()),
            Just("é\u{0}\"\"\"".to_string()),
        ],
    ) {
        let text = mutate(ALL_TYPES, at, len, &insert);
        match parse_quiz("m.toml", &text) {
            Ok(quiz) => {
                for q in &quiz.questions {
                    prop_assert!(grade(q, &q.correct_answer()).correct, "{}", q.id);
                }
            }
            Err(diags) => {
                prop_assert!(!diags.is_empty());
                for d in &diags {
                    prop_assert!(d.line >= 1 && d.col >= 1, "{d}");
                }
            }
        }
    }
}

#[test]
fn source_is_parsed_with_its_position_and_never_changes_the_content_hash() {
    let with = |source: &str| {
        let text = ALL_TYPES.replacen(
            "type = \"single-choice\"",
            &format!("type = \"single-choice\"\n{source}"),
            1,
        );
        parse_quiz("q.toml", &text).unwrap_or_else(|d| panic!("{d:?}"))
    };
    let plain = with("");
    let a = with("source = \"lambda/triggers.md#api-gateway\"");
    let b = with("source = \"lambda/configuration.md#timeout\"");
    let s = a.questions[0].source.as_ref().expect("source parsed");
    assert_eq!(s.target, "lambda/triggers.md#api-gateway");
    assert_eq!(s.split(), Some(("lambda/triggers.md", "api-gateway")));
    assert_eq!((s.at.line, s.at.col), (plain.questions[0].at.line + 2, 10));
    assert_eq!(plain.questions[0].source, None);
    // Adding, changing or removing a source keeps learners' progress: the hash stays put.
    assert_eq!(content_hash(&a), content_hash(&plain));
    assert_eq!(content_hash(&b), content_hash(&plain));
    let saved = QuizProgress::fresh(&plain).to_json();
    assert_eq!(restore(&saved, &b).notice, None);
    // The page never receives it.
    assert!(!serde_json::to_string(&a).unwrap().contains("triggers.md"));
    // A wrong type is reported like any other key.
    let bad = ALL_TYPES.replacen(
        "type = \"single-choice\"",
        "type = \"single-choice\"\nsource = 3",
        1,
    );
    let diags = parse_quiz("q.toml", &bad).unwrap_err();
    assert!(
        diags[0]
            .message
            .contains("\"source\" must be a string, found integer"),
        "{diags:?}"
    );
}

#[test]
fn source_split_wants_a_page_and_an_id() {
    let r = |t: &str| SourceRef {
        target: t.into(),
        at: SourcePos::default(),
    };
    assert_eq!(r("a/b.md#c").split(), Some(("a/b.md", "c")));
    for bad in ["a/b.md", "a/b.md#", "a/b.html#c", "/a/b.md#c", "#c"] {
        assert_eq!(r(bad).split(), None, "{bad}");
    }
}
