//! Every string the widgets show, in one table, ready for translation (English now; a Korean
//! column can be added without touching a component).

/// A message the UI shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Submit,
    SubmitAll,
    RetryWrong,
    Reveal,
    Next,
    Previous,
    Correct,
    PartlyCorrect,
    Incorrect,
    YourAnswer,
    RightAnswer,
    Explanation,
    Hint,
    Score,
    QuestionOf,
    Run,
    Running,
    ResetCode,
    Response,
    Error,
    Logs,
    Trace,
    Goals,
    LabPassed,
    LabNotYet,
    Editor,
    TestEvent,
    Reset,
    Export,
    Import,
    ResetAll,
    ProgressSaved,
    True,
    False,
    TypeAnswer,
    TypeNumber,
    MoveUp,
    MoveDown,
    ChooseMatch,
    LabGradedPending,
    LabGradedDone,
    Cost,
    Billed,
    NotAnswered,
}

/// The UI language. Only English is filled in today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
}

pub fn t(msg: Msg) -> &'static str {
    tr(Lang::En, msg)
}

pub fn tr(lang: Lang, msg: Msg) -> &'static str {
    match lang {
        Lang::En => match msg {
            Msg::Submit => "Check answer",
            Msg::SubmitAll => "Check answers",
            Msg::RetryWrong => "Retry the wrong ones",
            Msg::Reveal => "Show the right answers",
            Msg::Next => "Next question",
            Msg::Previous => "Previous question",
            Msg::Correct => "Correct",
            Msg::PartlyCorrect => "Partly correct",
            Msg::Incorrect => "Not quite",
            Msg::YourAnswer => "Your answer",
            Msg::RightAnswer => "Right answer",
            Msg::Explanation => "Why",
            Msg::Hint => "Hint",
            Msg::Score => "Score",
            Msg::QuestionOf => "Question {n} of {total}",
            Msg::Run => "Run",
            Msg::Running => "Running…",
            Msg::ResetCode => "Reset code",
            Msg::Response => "Response",
            Msg::Error => "Error",
            Msg::Logs => "CloudWatch Logs",
            Msg::Trace => "What the simulator did",
            Msg::Goals => "Goals",
            Msg::LabPassed => "All goals reached. Well done!",
            Msg::LabNotYet => "Not all goals are reached yet.",
            Msg::Editor => "Handler code",
            Msg::TestEvent => "Test event",
            Msg::Reset => "Reset",
            Msg::Export => "Export progress",
            Msg::Import => "Import progress",
            Msg::ResetAll => "Reset all progress",
            Msg::ProgressSaved => "Your answers are saved in this browser.",
            Msg::True => "True",
            Msg::False => "False",
            Msg::TypeAnswer => "Your answer",
            Msg::TypeNumber => "A number",
            Msg::MoveUp => "Move up",
            Msg::MoveDown => "Move down",
            Msg::ChooseMatch => "Choose…",
            Msg::LabGradedPending => "Reach the goals of the lab on this page to pass this question.",
            Msg::LabGradedDone => "You reached the goals of the lab on this page.",
            Msg::Cost => "Cost",
            Msg::Billed => "Billed",
            Msg::NotAnswered => "Not answered",
        },
    }
}

/// `t(Msg::QuestionOf)` with its placeholders filled.
pub fn question_of(n: usize, total: usize) -> String {
    t(Msg::QuestionOf)
        .replace("{n}", &crate::num::fmt_int(n))
        .replace("{total}", &crate::num::fmt_int(total))
}
