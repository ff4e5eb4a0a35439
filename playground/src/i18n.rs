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
    Points,
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
    QuizTitle,
    QuestionN,
    MarkRight,
    MarkWrong,
    MarkRightAnswer,
    OpenAgain,
    StartsAfresh,
    NoticeCorrupt,
    NoticeOtherVersion,
    NoticeOtherQuiz,
    NoticeEdited,
    LabTitle,
    CtrlEnterRuns,
    WidgetStopped,
    WidgetCouldNotStart,
    UnknownError,
    DataInvalid,
    DataInvalidBecause,
    HashMissing,
    AttributeMissing,
    ResetAllConfirm,
    ResetAllDone,
    Exported,
    ExportRefused,
    Imported,
    ImportRejected,
    ProgressQuiz,
    ProgressLab,
    NotStarted,
    SavedUnreadable,
    QuizChanged,
    GoalsReached,
    NotYet,
    EditorKeys,
    ErrorOnLine,
    ChartTable,
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
            Msg::Points => "Points",
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
            Msg::QuizTitle => "Quiz",
            Msg::QuestionN => "Question {n}. ",
            Msg::MarkRight => " (right)",
            Msg::MarkWrong => " (wrong)",
            Msg::MarkRightAnswer => " (right answer)",
            Msg::OpenAgain => "{n} question(s) open again",
            Msg::StartsAfresh => "The quiz starts afresh.",
            Msg::NoticeCorrupt => "Your saved answers could not be read, so the quiz starts afresh.",
            Msg::NoticeOtherVersion => {
                "Your saved answers are from another version of the book, so the quiz starts afresh."
            }
            Msg::NoticeOtherQuiz => "The saved answers belong to another quiz, so this quiz starts afresh.",
            Msg::NoticeEdited => "This quiz has changed since you answered it, so it starts afresh.",
            Msg::LabTitle => "Lab: {title}",
            Msg::CtrlEnterRuns => " (Ctrl+Enter runs)",
            Msg::WidgetStopped => {
                "This widget stopped because of a bug ({message}). The rest of the page still works, \
                 and your saved answers and code are kept: reload the page to try again."
            }
            Msg::WidgetCouldNotStart => "This widget could not start: {why}.",
            Msg::UnknownError => "unknown error",
            Msg::DataInvalid => "its data is not valid; rebuild the book",
            Msg::DataInvalidBecause => "its data is not valid ({error}); rebuild the book",
            Msg::HashMissing => "its content hash is missing; rebuild the book",
            Msg::AttributeMissing => "the page has no {attr} attribute here",
            Msg::ResetAllConfirm => "Reset all quiz answers and lab code in this browser?",
            Msg::ResetAllDone => "All progress was reset.",
            Msg::Exported => "Your progress was exported to cloudbook-progress.json.",
            Msg::ExportRefused => "The browser refused the download.",
            Msg::Imported => "Imported {n} saved item(s).",
            Msg::ImportRejected => "That file is not a cloudbook progress export; nothing was changed.",
            Msg::ProgressQuiz => "Quiz “{title}”: {status}",
            Msg::ProgressLab => "Lab “{title}”: {status}",
            Msg::NotStarted => "not started",
            Msg::SavedUnreadable => "saved data unreadable (it will be reset when you open the quiz)",
            Msg::QuizChanged => "the quiz changed since you answered it",
            Msg::GoalsReached => "goals reached",
            Msg::NotYet => "not yet",
            Msg::EditorKeys => {
                "Tab indents, Shift+Tab outdents; press Esc then Tab to leave the editor. Ctrl+Enter runs."
            }
            Msg::ChartTable => "Table:",
            Msg::ErrorOnLine => "The error is on line {line} (marked).",
        },
    }
}

/// `t(msg)` with its `{name}` placeholders filled from `args`.
pub fn fill(msg: Msg, args: &[(&str, &str)]) -> String {
    let mut s = t(msg).to_string();
    for (name, value) in args {
        s = s.replace(&("{".to_string() + *name + "}"), value);
    }
    s
}

/// Why stored progress was not used, in the learner's language.
pub fn restore_notice(n: &cloudbook::quiz::RestoreNotice) -> &'static str {
    use cloudbook::quiz::RestoreNotice as N;
    t(match n {
        N::Corrupt => Msg::NoticeCorrupt,
        N::OlderSchema { .. } | N::NewerSchema { .. } => Msg::NoticeOtherVersion,
        N::OtherQuiz { .. } => Msg::NoticeOtherQuiz,
        N::EditedQuiz => Msg::NoticeEdited,
    })
}

/// `t(Msg::QuestionOf)` with its placeholders filled.
pub fn question_of(n: usize, total: usize) -> String {
    t(Msg::QuestionOf)
        .replace("{n}", &crate::num::fmt_int(n))
        .replace("{total}", &crate::num::fmt_int(total))
}

#[cfg(test)]
mod tests {
    use cloudbook::quiz::RestoreNotice as N;

    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_left_alone() {
        assert_eq!(fill(Msg::Imported, &[("n", "3")]), "Imported 3 saved item(s).");
        assert_eq!(
            fill(
                Msg::ProgressLab,
                &[("title", "Say hello"), ("status", t(Msg::GoalsReached))]
            ),
            "Lab “Say hello”: goals reached"
        );
        assert_eq!(fill(Msg::OpenAgain, &[]), "{n} question(s) open again");
    }

    #[test]
    fn the_page_words_restore_notices_as_the_core_does() {
        for n in [
            N::Corrupt,
            N::OlderSchema { found: 0 },
            N::NewerSchema { found: 9 },
            N::OtherQuiz { found: "x".into() },
            N::EditedQuiz,
        ] {
            assert_eq!(restore_notice(&n), n.to_string());
        }
    }
}
