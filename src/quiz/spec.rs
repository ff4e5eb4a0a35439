//! The authoring format as data: which keys each table of a quiz file accepts, their types and
//! their documentation.
//!
//! One table drives both the validator (unknown keys, "did you mean", type errors) and the JSON
//! Schema generator, so the published schema cannot drift from what `cloudbook check` accepts.
//! It says nothing about semantics (answer among the options, …); `parse.rs` checks those.

#[cfg(test)]
use crate::diag::edit_distance;
pub use crate::diag::{Field, Ty, closest, opt, req};

pub const MODES: &[&str] = &["one-at-a-time", "all-at-once"];
pub const POLICIES: &[&str] = &["all-or-nothing", "every-decision-counts"];

/// Every question type, as written after `type =`.
pub const QUESTION_TYPES: &[&str] = &[
    "single-choice",
    "multiple-choice",
    "true-false",
    "short-answer",
    "numeric",
    "ordering",
    "matching",
    "lab-graded",
];

pub const QUIZ: &[Field] = &[
    req(
        "id",
        Ty::Str,
        "Unique across the book; the key under which a learner's progress is stored.",
    ),
    opt("title", Ty::Str, "Shown above the quiz."),
    opt(
        "mode",
        Ty::Enum(MODES),
        "How questions are shown (default \"one-at-a-time\").",
    ),
    opt(
        "partial_credit",
        Ty::Enum(POLICIES),
        "Default scoring of multiple-choice, ordering and matching questions (default \"every-decision-counts\").",
    ),
    opt(
        "shuffle",
        Ty::Bool,
        "Shuffle choice options per learner (default true).",
    ),
    // The item type of `questions` depends on `type`; the schema generator handles it specially.
    req("questions", Ty::TableList(COMMON), "The questions, in order."),
];

/// Keys every question accepts.
pub const COMMON: &[Field] = &[
    req(
        "id",
        Ty::Str,
        "Unique across the book, written by hand, never generated.",
    ),
    req("type", Ty::Enum(QUESTION_TYPES), "The question type."),
    req("prompt", Ty::Markdown, "The question."),
    opt(
        "explanation",
        Ty::Markdown,
        "Shown after answering: why the answer is right.",
    ),
    opt("hints", Ty::MarkdownList, "Revealed one at a time on request."),
    opt(
        "points",
        Ty::Count,
        "Weight of the question in the quiz total (default 1).",
    ),
    opt(
        "source",
        Ty::Str,
        "The section that teaches this question: \"<page under book/>#<heading id>\", e.g. \"lambda/triggers.md#api-gateway\". Required for quizzes embedded in the book; not part of the content hash.",
    ),
];

pub const OPTION: &[Field] = &[
    req("text", Ty::Markdown, "The option as shown."),
    opt(
        "feedback",
        Ty::Markdown,
        "Shown when the learner picks this option, or misses it if it is right.",
    ),
];

pub const PAIR: &[Field] = &[
    req("left", Ty::Markdown, "The fixed side."),
    req(
        "right",
        Ty::Markdown,
        "The side the learner matches to it (shuffled).",
    ),
];

pub const TEXT_MISTAKE: &[Field] = &[
    req(
        "answer",
        Ty::Str,
        "A wrong answer learners are expected to give (normalised like the right one).",
    ),
    req("feedback", Ty::Markdown, "What to tell them."),
];

pub const NUMBER_MISTAKE: &[Field] = &[
    req(
        "answer",
        Ty::Number,
        "A wrong number learners are expected to give (within the question's tolerance).",
    ),
    req("feedback", Ty::Markdown, "What to tell them."),
];

const SHUFFLE: Field = opt(
    "shuffle",
    Ty::Bool,
    "Override the quiz's `shuffle` for this question.",
);
const POLICY: Field = opt(
    "partial_credit",
    Ty::Enum(POLICIES),
    "Override the quiz's `partial_credit` for this question.",
);

/// The keys a question of `type_name` accepts besides [`COMMON`].
pub fn type_fields(type_name: &str) -> Option<&'static [Field]> {
    const SINGLE: &[Field] = &[
        req(
            "options",
            Ty::MarkdownOrTableList(OPTION),
            "At least two options.",
        ),
        req("answer", Ty::Str, "The text of the right option."),
        SHUFFLE,
    ];
    const MULTIPLE: &[Field] = &[
        req(
            "options",
            Ty::MarkdownOrTableList(OPTION),
            "At least two options.",
        ),
        req("answer", Ty::StrList, "The texts of all right options."),
        POLICY,
        SHUFFLE,
    ];
    const TRUE_FALSE: &[Field] = &[
        req("answer", Ty::Bool, "Whether the statement in the prompt is true."),
        opt(
            "feedback_true",
            Ty::Markdown,
            "Shown when the learner answers true.",
        ),
        opt(
            "feedback_false",
            Ty::Markdown,
            "Shown when the learner answers false.",
        ),
    ];
    const SHORT: &[Field] = &[
        req("answer", Ty::Str, "The canonical right answer (shown on reveal)."),
        opt("alternatives", Ty::StrList, "Other accepted answers."),
        opt(
            "regex",
            Ty::Str,
            "Also accept answers the whole of which match this regular expression.",
        ),
        opt(
            "case_sensitive",
            Ty::Bool,
            "Compare case-sensitively (default false).",
        ),
        opt(
            "mistakes",
            Ty::TableList(TEXT_MISTAKE),
            "Expected wrong answers with targeted feedback.",
        ),
    ];
    const NUMERIC: &[Field] = &[
        req("answer", Ty::Number, "The right value."),
        opt(
            "tolerance",
            Ty::Number,
            "Accept |given - answer| <= tolerance (default 0).",
        ),
        opt(
            "relative_tolerance",
            Ty::Number,
            "Accept |given - answer| <= relative_tolerance * |answer| (0.05 = 5 %).",
        ),
        opt(
            "unit",
            Ty::Str,
            "Shown next to the input, e.g. \"ms\", \"MB\", \"USD\", \"GB-s\".",
        ),
        opt(
            "mistakes",
            Ty::TableList(NUMBER_MISTAKE),
            "Expected wrong values with targeted feedback.",
        ),
    ];
    const ORDERING: &[Field] = &[
        req(
            "items",
            Ty::MarkdownList,
            "The items in the right order; learners see them shuffled.",
        ),
        POLICY,
    ];
    const MATCHING: &[Field] = &[
        req("pairs", Ty::TableList(PAIR), "The right pairs, one-to-one."),
        POLICY,
    ];
    const LAB: &[Field] = &[req(
        "lab",
        Ty::Str,
        "The id of a lab on the same page; passed when it reaches its goals.",
    )];
    Some(match type_name {
        "single-choice" => SINGLE,
        "multiple-choice" => MULTIPLE,
        "true-false" => TRUE_FALSE,
        "short-answer" => SHORT,
        "numeric" => NUMERIC,
        "ordering" => ORDERING,
        "matching" => MATCHING,
        "lab-graded" => LAB,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_key() {
        assert_eq!(edit_distance("anwser", "answer"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(closest("anwser", ["answer", "alternatives"]), Some("answer"));
        assert_eq!(closest("expl", ["explanation", "id"]), None);
        assert_eq!(
            closest("multi-choice", QUESTION_TYPES.iter().copied()),
            Some("multiple-choice")
        );
        assert_eq!(
            closest("multiple_choice", QUESTION_TYPES.iter().copied()),
            Some("multiple-choice")
        );
    }
}
