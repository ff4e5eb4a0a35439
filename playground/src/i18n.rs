//! Every string the widgets show, in one table, ready for translation (English now; a Korean
//! column can be added without touching a component).

pub mod inline;

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
    AccessDenied,
    Action,
    Allowed,
    ArchArm,
    ArchX86,
    Architecture,
    AvgMs,
    AwsWouldSay,
    BadEnvLine,
    BadHeaderLine,
    BadJson,
    BadProbeLine,
    BadLoadLine,
    NotABoolean,
    Bill,
    BilledMs,
    Body,
    BucketNote,
    CellApi,
    CellFunction,
    CellIam,
    CellInvoke,
    CellLoad,
    CellRan,
    CellS3,
    CellSchedule,
    CellTuning,
    Cheapest,
    ClientSees,
    Cold,
    ColdStarts,
    Configuration,
    CostPerMillion,
    DecidedBy,
    Decision,
    Delivered,
    Deploy,
    DeployedVersion,
    Dismiss,
    Duration,
    DurationRange,
    Environment,
    EphemeralMb,
    Errors,
    Evaluate,
    EventDelivered,
    EventJson,
    Expression,
    FastForward,
    Fastest,
    Finished,
    FiredTimes,
    FromLink,
    FromSaved,
    Function,
    GatewayLog,
    GoalFail,
    GoalPass,
    GoalPending,
    Headers,
    HintN,
    HintsLeft,
    HttpApi,
    IamNote,
    InitDuration,
    Invocations,
    Invoke,
    KeyEmpty,
    LabRestoreCellsChanged,
    LabRestoreNotice,
    LabRestoreOtherVersion,
    LabRestoreUnreadable,
    LabToolbar,
    LabWasReset,
    LastOfRuns,
    LinkReady,
    LoadNote,
    LoadProgress,
    MaxConcurrency,
    MemoryList,
    MemoryListRule,
    MemoryMb,
    Method,
    MonthlyCost,
    NextFires,
    NoSdkCalls,
    NoStart,
    NotANumber,
    NotAWholeNumber,
    NotAnApiEvent,
    NotDelivered,
    NotModelled,
    ObjectBody,
    ObjectKey,
    OutOfRange,
    PassedBefore,
    Path,
    PathSlash,
    Pause,
    Play,
    Playback,
    Policies,
    PoliciesShape,
    Prefix,
    Probes,
    ProbesField,
    PutObject,
    Query,
    RanAll,
    Request,
    Reserved,
    Resource,
    RestApi,
    RestoredFromLink,
    RolePolicies,
    Route,
    Rps,
    RpsRange,
    RunAll,
    RunCost,
    RunFor,
    RunForTooLong,
    RunToCheck,
    Runs,
    SdkCalls,
    Send,
    ShareLink,
    ShareThis,
    SimulatedProgress,
    Speed,
    StartLoad,
    Step,
    Suffix,
    Template,
    TemplateCustom,
    TemplateHttp,
    TemplateRest,
    TemplateS3,
    TemplateSchedule,
    Throttles,
    TimeoutS,
    Timeouts,
    Tune,
    TuningPicks,
    UnchangedVersion,
    UnknownTemplate,
    Warm,
}

/// The UI language. Only English is filled in today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
}

pub fn t(msg: Msg) -> &'static str {
    COLUMN
        .with(|c| c.get())
        .and_then(|column| column(msg))
        .unwrap_or_else(|| tr(Lang::En, msg))
}

/// `msg` in Korean when `korean` and the Korean column has it, else in English.
pub fn text(korean: bool, msg: Msg) -> &'static str {
    korean
        .then(|| ko(msg))
        .flatten()
        .unwrap_or_else(|| tr(Lang::En, msg))
}

/// A table of strings for some messages.
type Column = fn(Msg) -> Option<&'static str>;

thread_local! {
    /// The page's language column, when it is not English (set by [`use_page_language`]).
    static COLUMN: std::cell::Cell<Option<Column>> = const { std::cell::Cell::new(None) };
}

/// Reads the page's `<html lang>` once and shows the widgets in that language. Called by the
/// entry points of the `lab` module and of the editions' quiz module (`bin/widgets_ko.rs`); the
/// English `widgets` module never calls it, so the Korean table stays out of the quiz-only page's
/// size budget (ARCHITECTURE.md).
pub fn use_page_language() {
    if page_is_korean() {
        COLUMN.with(|c| c.set(Some(ko)));
    }
}

/// [`use_page_language`] for the editions' quiz module (`bin/widgets_ko.rs`): only the quizzes'
/// and the progress page's column, so the lab notebook's Korean strings stay out of the Korean
/// quiz-only page.
pub fn use_page_language_for_quizzes() {
    if page_is_korean() {
        COLUMN.with(|c| c.set(Some(ko_quiz)));
    }
}

/// Whether [`use_page_language`] chose Korean for this page.
pub fn korean() -> bool {
    COLUMN.with(|c| c.get()).is_some()
}

/// Whether the page is the Korean edition (`<html lang="ko">`).
fn page_is_korean() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .is_some_and(|l| l == "ko" || l.starts_with("ko-"))
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
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
            Msg::AccessDenied => "AccessDenied",
            Msg::Action => "Action",
            Msg::Allowed => "Allowed",
            Msg::ArchArm => "arm64 (Graviton)",
            Msg::ArchX86 => "x86_64",
            Msg::Architecture => "Architecture",
            Msg::AvgMs => "Average ms",
            Msg::AwsWouldSay => "AWS would refuse this configuration:",
            Msg::BadEnvLine => "line {n} is not NAME=value: “{line}”",
            Msg::BadHeaderLine => "line {n} is not name: value: “{line}”",
            Msg::BadJson => "not valid JSON ({error})",
            Msg::BadProbeLine => {
                "line {n} must be an action and a resource, e.g. s3:PutObject arn:aws:s3:::uploads/*"
            }
            Msg::BadLoadLine => "line {n}: write a time and a concurrency, e.g. 1h 250",
            Msg::NotABoolean => "“{text}” is not true or false",
            Msg::Bill => {
                "Duration {duration} ms · Billed {billed} ms · Max memory used {memory} MB · Cost ${cost}"
            }
            Msg::BilledMs => "Billed ms",
            Msg::Body => "Body",
            Msg::BucketNote => "Bucket {bucket}: new objects notify {function}.",
            Msg::CellApi => "API route",
            Msg::CellFunction => "Function",
            Msg::CellIam => "IAM",
            Msg::CellInvoke => "Invoke",
            Msg::CellLoad => "Load",
            Msg::CellRan => "Cell {cell}: {what}.",
            Msg::CellS3 => "S3 bucket",
            Msg::CellSchedule => "Schedule",
            Msg::CellTuning => "Power tuning",
            Msg::Cheapest => "cheapest",
            Msg::ClientSees => "What the client gets",
            Msg::Cold => "Cold start",
            Msg::ColdStarts => "Cold starts",
            Msg::Configuration => "Configuration",
            Msg::CostPerMillion => "Cost per million",
            Msg::DecidedBy => "Decided by",
            Msg::Decision => "Decision",
            Msg::Delivered => "Delivered:",
            Msg::Deploy => "Deploy",
            Msg::DeployedVersion => "Deployed {function} (version {version}).",
            Msg::Dismiss => "Dismiss",
            Msg::Duration => "Duration",
            Msg::DurationRange => "a duration above 0 and at most {max}",
            Msg::Environment => "Environment variables (NAME=value per line)",
            Msg::EphemeralMb => "Ephemeral storage (MB)",
            Msg::Errors => "Errors",
            Msg::Evaluate => "Evaluate",
            Msg::EventDelivered => "The event delivered",
            Msg::EventJson => "Event (JSON)",
            Msg::Expression => "Expression",
            Msg::FastForward => "Fast-forward",
            Msg::Fastest => "fastest",
            Msg::Finished => "finished",
            Msg::FiredTimes => "The rule fired {n} time(s):",
            Msg::FromLink => "The shared link",
            Msg::FromSaved => "Your saved work",
            Msg::Function => "Function",
            Msg::GatewayLog => "API Gateway’s log",
            Msg::GoalFail => "Not yet: ",
            Msg::GoalPass => "Reached: ",
            Msg::GoalPending => "Pending: ",
            Msg::Headers => "Headers (name: value per line)",
            Msg::HintN => "Hint {n}. ",
            Msg::HintsLeft => "Hint ({n} left)",
            Msg::HttpApi => "HTTP API, payload 2.0",
            Msg::IamNote => "The execution role (its policies are in the function cell) of",
            Msg::InitDuration => "Init Duration {ms} ms",
            Msg::Invocations => "Invocations",
            Msg::Invoke => "Invoke",
            Msg::KeyEmpty => "an object key cannot be empty",
            Msg::LabRestoreCellsChanged => "this lab’s cells have changed since",
            Msg::LabRestoreNotice => {
                "{what} could not be used ({why}), so the lab starts from its first state."
            }
            Msg::LabRestoreOtherVersion => "it is from another version of the book",
            Msg::LabRestoreUnreadable => "it could not be read",
            Msg::LabToolbar => "Lab",
            Msg::LabWasReset => "The lab was reset to its first state.",
            Msg::LastOfRuns => "The last of {n} invocation(s):",
            Msg::LinkReady => "The share link is ready, and in the address bar.",
            Msg::LoadNote => "runs on its own fresh account, so it starts cold.",
            Msg::LoadProgress => "{done} of {total} simulated seconds",
            Msg::MaxConcurrency => "Most concurrent",
            Msg::MemoryList => "Memory sizes (MB)",
            Msg::MemoryListRule => "sizes from 128 to 10240 MB, ascending, at most {max}",
            Msg::MemoryMb => "Memory (MB)",
            Msg::Method => "Method",
            Msg::MonthlyCost => "Per month",
            Msg::NextFires => "Next fire times:",
            Msg::NoSdkCalls => "The function’s last invocations made no SDK calls.",
            Msg::NoStart => "Throttled",
            Msg::NotANumber => "“{text}” is not a number",
            Msg::NotAWholeNumber => "“{text}” is not a whole number",
            Msg::NotAnApiEvent => "choose an API Gateway template first",
            Msg::NotDelivered => "Not delivered:",
            Msg::NotModelled => "What this simulator does not model",
            Msg::ObjectBody => "Object body",
            Msg::ObjectKey => "Object key",
            Msg::OutOfRange => "a whole number from {min} to {max}",
            Msg::PassedBefore => {
                "All goals reached before (saved in this browser); run the cells to check them again."
            }
            Msg::Path => "Path",
            Msg::PathSlash => "a path starts with /",
            Msg::Pause => "Pause",
            Msg::Play => "Play",
            Msg::Playback => "Playback",
            Msg::Policies => "Role policies (JSON)",
            Msg::PoliciesShape => "policies are a JSON object or an array of them",
            Msg::Prefix => "Prefix filter",
            Msg::Probes => "Probes",
            Msg::ProbesField => "Probes (action resource per line)",
            Msg::PutObject => "Put object",
            Msg::Query => "Query string",
            Msg::RanAll => "Ran every cell.",
            Msg::Request => "Request",
            Msg::Reserved => "Reserved concurrency (empty: none)",
            Msg::Resource => "Resource",
            Msg::RestApi => "REST API, payload 1.0",
            Msg::RestoredFromLink => "Opened from a shared link: the cells are those of the link.",
            Msg::RolePolicies => "The role’s policies ({n})",
            Msg::Route => "Route",
            Msg::Rps => "Requests per second",
            Msg::RpsRange => "a rate above 0 and at most {max} per second",
            Msg::RunAll => "Run all",
            Msg::RunCost => "This run",
            Msg::RunFor => "Run for",
            Msg::RunForTooLong => "at most 7 days (168h)",
            Msg::RunToCheck => "Run the cells to check the goals.",
            Msg::Runs => "Warm runs per size",
            Msg::SdkCalls => "SDK calls",
            Msg::Send => "Send",
            Msg::ShareLink => "Share link",
            Msg::ShareThis => "Link to this state:",
            Msg::SimulatedProgress => "Simulated time",
            Msg::Speed => "Speed",
            Msg::StartLoad => "Start load",
            Msg::Step => "Step",
            Msg::Suffix => "Suffix filter",
            Msg::Template => "Template",
            Msg::TemplateCustom => "Custom JSON",
            Msg::TemplateHttp => "API Gateway HTTP API (2.0)",
            Msg::TemplateRest => "API Gateway REST API (1.0)",
            Msg::TemplateS3 => "S3 put",
            Msg::TemplateSchedule => "Schedule tick",
            Msg::Throttles => "Throttles",
            Msg::TimeoutS => "Timeout (s)",
            Msg::Timeouts => "Timeouts",
            Msg::Tune => "Tune",
            Msg::TuningPicks => "Cheapest: {cheapest} MB. Fastest: {fastest} MB.",
            Msg::UnchangedVersion => "{function} (version {version}) is unchanged; nothing to deploy.",
            Msg::UnknownTemplate => "unknown template",
            Msg::Warm => "Warm start",
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

/// The Korean column (the Korean edition, issue #13): `None` falls back to English, so a
/// message added later shows in English until it is translated here. Terms follow
/// po/TERMINOLOGY.md; AWS names, log fields and API values stay in English.
pub fn ko(msg: Msg) -> Option<&'static str> {
    ko_quiz(msg).or_else(|| ko_lab(msg))
}

/// Korean strings of the quizzes, the progress page and every widget's start-up and failure.
pub fn ko_quiz(msg: Msg) -> Option<&'static str> {
    Some(match msg {
        Msg::Submit => "정답 확인",
        Msg::SubmitAll => "모두 확인",
        Msg::RetryWrong => "틀린 문제 다시 풀기",
        Msg::Reveal => "정답 보기",
        Msg::Next => "다음 문제",
        Msg::Previous => "이전 문제",
        Msg::Correct => "정답입니다",
        Msg::PartlyCorrect => "부분 정답",
        Msg::Incorrect => "아쉽습니다",
        Msg::YourAnswer => "내 답",
        Msg::RightAnswer => "정답",
        Msg::Explanation => "해설",
        Msg::Hint => "힌트",
        Msg::Points => "점수",
        Msg::QuestionOf => "{total}문제 중 {n}번",
        Msg::Reset => "초기화",
        Msg::Export => "진행 상황 내보내기",
        Msg::Import => "진행 상황 가져오기",
        Msg::ResetAll => "모든 진행 상황 초기화",
        Msg::ProgressSaved => "답은 이 브라우저에 저장됩니다.",
        Msg::True => "참",
        Msg::False => "거짓",
        Msg::TypeAnswer => "내 답",
        Msg::TypeNumber => "숫자",
        Msg::MoveUp => "위로 이동",
        Msg::MoveDown => "아래로 이동",
        Msg::ChooseMatch => "선택…",
        Msg::LabGradedPending => "이 문제를 통과하려면 이 페이지에 있는 실습의 목표를 달성하세요.",
        Msg::LabGradedDone => "이 페이지에 있는 실습의 목표를 달성했습니다.",
        Msg::NotAnswered => "답하지 않음",
        Msg::QuizTitle => "퀴즈",
        Msg::QuestionN => "{n}번. ",
        Msg::MarkRight => " (정답)",
        Msg::MarkWrong => " (오답)",
        Msg::MarkRightAnswer => " (정답)",
        Msg::OpenAgain => "{n}개 문제를 다시 풀 수 있습니다",
        Msg::StartsAfresh => "퀴즈를 처음부터 다시 시작합니다.",
        Msg::NoticeCorrupt => "저장된 답을 읽을 수 없어 퀴즈를 처음부터 다시 시작합니다.",
        Msg::NoticeOtherVersion => {
            "저장된 답이 이 책의 다른 버전에서 나온 것이어서 퀴즈를 처음부터 다시 시작합니다."
        }
        Msg::NoticeOtherQuiz => "저장된 답이 다른 퀴즈의 것이어서 이 퀴즈를 처음부터 다시 시작합니다.",
        Msg::NoticeEdited => "답한 뒤에 퀴즈가 바뀌어서 처음부터 다시 시작합니다.",
        Msg::ResetAllConfirm => "이 브라우저에 저장된 모든 퀴즈 답과 실습 코드를 초기화할까요?",
        Msg::ResetAllDone => "모든 진행 상황을 초기화했습니다.",
        Msg::Exported => "진행 상황을 cloudbook-progress.json 파일로 내보냈습니다.",
        Msg::ExportRefused => "브라우저가 다운로드를 거부했습니다.",
        Msg::Imported => "저장된 항목 {n}개를 가져왔습니다.",
        Msg::ImportRejected => "cloudbook 진행 상황 파일이 아닙니다. 아무것도 바꾸지 않았습니다.",
        Msg::ProgressQuiz => "퀴즈 “{title}”: {status}",
        Msg::ProgressLab => "실습 “{title}”: {status}",
        Msg::NotStarted => "시작하지 않음",
        Msg::SavedUnreadable => "저장된 데이터를 읽을 수 없음(퀴즈를 열면 초기화됩니다)",
        Msg::QuizChanged => "답한 뒤에 퀴즈가 바뀌었습니다",
        Msg::GoalsReached => "목표 달성",
        Msg::NotYet => "아직 달성하지 못함",
        Msg::WidgetStopped => {
            "버그 때문에 이 위젯이 멈췄습니다({message}). 페이지의 나머지 부분은 계속 작동하며, \
             저장된 답과 코드는 그대로 남아 있습니다. 페이지를 새로 고쳐 다시 시도하세요."
        }
        Msg::WidgetCouldNotStart => "이 위젯을 시작할 수 없습니다: {why}.",
        Msg::UnknownError => "알 수 없는 오류",
        Msg::DataInvalid => "데이터가 올바르지 않습니다. 책을 다시 빌드하세요",
        Msg::DataInvalidBecause => "데이터가 올바르지 않습니다({error}). 책을 다시 빌드하세요",
        Msg::HashMissing => "콘텐츠 해시가 없습니다. 책을 다시 빌드하세요",
        Msg::AttributeMissing => "이 위치에 {attr} 속성이 없습니다",
        _ => return None,
    })
}

/// Korean strings of the lab notebook.
fn ko_lab(msg: Msg) -> Option<&'static str> {
    Some(match msg {
        Msg::Run => "실행",
        Msg::Running => "실행 중…",
        Msg::ResetCode => "코드 초기화",
        Msg::Response => "응답",
        Msg::Error => "오류",
        Msg::Logs => "CloudWatch Logs",
        Msg::Trace => "시뮬레이터가 한 일",
        Msg::Goals => "목표",
        Msg::LabPassed => "모든 목표를 달성했습니다. 잘하셨습니다!",
        Msg::LabNotYet => "아직 달성하지 못한 목표가 있습니다.",
        Msg::Editor => "핸들러 코드",
        Msg::TestEvent => "테스트 이벤트",
        Msg::Cost => "비용",
        Msg::Billed => "청구",
        Msg::LabTitle => "실습: {title}",
        Msg::CtrlEnterRuns => " (Ctrl+Enter로 실행)",
        Msg::EditorKeys => {
            "Tab은 들여쓰기, Shift+Tab은 내어쓰기입니다. 편집기에서 나가려면 Esc를 누른 뒤 Tab을 누르세요. Ctrl+Enter로 실행합니다."
        }
        Msg::ErrorOnLine => "오류는 {line}번째 줄에 있습니다(표시됨).",
        Msg::ChartTable => "표:",
        Msg::Action => "작업",
        Msg::Allowed => "허용됨",
        Msg::Architecture => "아키텍처",
        Msg::AvgMs => "평균 ms",
        Msg::AwsWouldSay => "AWS는 이 구성을 거부합니다:",
        Msg::BadEnvLine => "{n}번째 줄이 NAME=value 형식이 아닙니다: “{line}”",
        Msg::BadHeaderLine => "{n}번째 줄이 name: value 형식이 아닙니다: “{line}”",
        Msg::BadJson => "올바른 JSON이 아닙니다({error})",
        Msg::BadProbeLine => "{n}번째 줄은 작업과 리소스여야 합니다. 예: s3:PutObject arn:aws:s3:::uploads/*",
        Msg::Bill => {
            "기간 {duration}ms · 청구 기간 {billed}ms · 최대 메모리 사용량 {memory}MB · 비용 ${cost}"
        }
        Msg::BilledMs => "청구 ms",
        Msg::Body => "본문",
        Msg::BucketNote => "버킷 {bucket}: 새 객체가 생기면 {function}에 알립니다.",
        Msg::CellApi => "API 경로",
        Msg::CellFunction => "함수",
        Msg::CellInvoke => "호출",
        Msg::CellLoad => "부하",
        Msg::CellRan => "셀 {cell}: {what}.",
        Msg::CellS3 => "S3 버킷",
        Msg::CellSchedule => "일정",
        Msg::CellTuning => "전력 튜닝",
        Msg::Cheapest => "가장 저렴",
        Msg::ClientSees => "클라이언트가 받는 것",
        Msg::Cold => "콜드 스타트",
        Msg::ColdStarts => "콜드 스타트",
        Msg::Configuration => "구성",
        Msg::CostPerMillion => "100만 건당 비용",
        Msg::DecidedBy => "결정한 문",
        Msg::Decision => "결정",
        Msg::Delivered => "전달됨:",
        Msg::Deploy => "배포",
        Msg::DeployedVersion => "{function}을(를) 배포했습니다(버전 {version}).",
        Msg::Dismiss => "닫기",
        Msg::Duration => "기간",
        Msg::DurationRange => "0보다 크고 {max} 이하인 기간",
        Msg::Environment => "환경 변수(한 줄에 NAME=value 하나)",
        Msg::EphemeralMb => "임시 스토리지(MB)",
        Msg::Errors => "오류",
        Msg::Evaluate => "평가",
        Msg::EventDelivered => "전달된 이벤트",
        Msg::EventJson => "이벤트(JSON)",
        Msg::Expression => "표현식",
        Msg::FastForward => "빨리 감기",
        Msg::Fastest => "가장 빠름",
        Msg::Finished => "완료",
        Msg::FiredTimes => "규칙이 {n}번 실행되었습니다:",
        Msg::FromLink => "공유 링크",
        Msg::FromSaved => "저장된 작업",
        Msg::Function => "함수",
        Msg::GatewayLog => "API Gateway 로그",
        Msg::GoalFail => "아직: ",
        Msg::GoalPass => "달성: ",
        Msg::GoalPending => "대기 중: ",
        Msg::Headers => "헤더(한 줄에 name: value 하나)",
        Msg::HintN => "힌트 {n}. ",
        Msg::HintsLeft => "힌트({n}개 남음)",
        Msg::IamNote => "다음 함수의 실행 역할(정책은 함수 셀에 있음):",
        Msg::Invocations => "호출",
        Msg::Invoke => "호출",
        Msg::KeyEmpty => "객체 키는 비어 있을 수 없습니다",
        Msg::LabRestoreCellsChanged => "그 뒤로 이 실습의 셀이 바뀌었습니다",
        Msg::LabRestoreNotice => "{what}을(를) 사용할 수 없어({why}) 실습을 처음 상태로 시작합니다.",
        Msg::LabRestoreOtherVersion => "이 책의 다른 버전에서 나온 것입니다",
        Msg::LabRestoreUnreadable => "읽을 수 없습니다",
        Msg::LabToolbar => "실습",
        Msg::LabWasReset => "실습을 처음 상태로 초기화했습니다.",
        Msg::LastOfRuns => "호출 {n}번 중 마지막:",
        Msg::LinkReady => "공유 링크가 준비되었습니다. 주소 표시줄에 있습니다.",
        Msg::LoadNote => "새 계정에서 따로 실행되므로 콜드 스타트로 시작합니다.",
        Msg::LoadProgress => "시뮬레이션 시간 {total}초 중 {done}초",
        Msg::MaxConcurrency => "최대 동시성",
        Msg::MemoryList => "메모리 크기(MB)",
        Msg::MemoryListRule => "128~10240MB의 크기를 오름차순으로, 최대 {max}개",
        Msg::MemoryMb => "메모리(MB)",
        Msg::Method => "메서드",
        Msg::MonthlyCost => "월별",
        Msg::NextFires => "다음 실행 시각:",
        Msg::NoSdkCalls => "함수의 최근 호출은 SDK를 호출하지 않았습니다.",
        Msg::NoStart => "스로틀됨",
        Msg::NotANumber => "“{text}”은(는) 숫자가 아닙니다",
        Msg::NotAWholeNumber => "“{text}”은(는) 정수가 아닙니다",
        Msg::NotAnApiEvent => "먼저 API Gateway 템플릿을 선택하세요",
        Msg::NotDelivered => "전달되지 않음:",
        Msg::NotModelled => "이 시뮬레이터가 모델링하지 않는 것",
        Msg::ObjectBody => "객체 본문",
        Msg::ObjectKey => "객체 키",
        Msg::OutOfRange => "{min}~{max} 사이의 정수",
        Msg::PassedBefore => {
            "이전에 모든 목표를 달성했습니다(이 브라우저에 저장됨). 셀을 실행해 다시 확인하세요."
        }
        Msg::Path => "경로",
        Msg::PathSlash => "경로는 /로 시작합니다",
        Msg::Pause => "일시 정지",
        Msg::Play => "재생",
        Msg::Playback => "재생",
        Msg::Policies => "역할 정책(JSON)",
        Msg::PoliciesShape => "정책은 JSON 객체 또는 그 배열입니다",
        Msg::Prefix => "접두사 필터",
        Msg::Probes => "검사",
        Msg::ProbesField => "검사(한 줄에 작업과 리소스 하나)",
        Msg::PutObject => "객체 넣기",
        Msg::Query => "쿼리 문자열",
        Msg::RanAll => "모든 셀을 실행했습니다.",
        Msg::Request => "요청",
        Msg::Reserved => "예약된 동시성(비우면 없음)",
        Msg::Resource => "리소스",
        Msg::RestoredFromLink => "공유 링크에서 열었습니다. 셀은 링크에 담긴 그대로입니다.",
        Msg::RolePolicies => "역할의 정책({n}개)",
        Msg::Route => "경로",
        Msg::Rps => "초당 요청 수",
        Msg::RpsRange => "0보다 크고 초당 {max} 이하인 비율",
        Msg::RunAll => "모두 실행",
        Msg::RunCost => "이번 실행",
        Msg::RunFor => "실행 기간",
        Msg::RunForTooLong => "최대 7일(168h)",
        Msg::RunToCheck => "셀을 실행하면 목표를 확인합니다.",
        Msg::Runs => "크기별 웜 실행 횟수",
        Msg::SdkCalls => "SDK 호출",
        Msg::Send => "보내기",
        Msg::ShareLink => "공유 링크",
        Msg::ShareThis => "이 상태로 가는 링크:",
        Msg::SimulatedProgress => "시뮬레이션 시간",
        Msg::Speed => "속도",
        Msg::StartLoad => "부하 시작",
        Msg::Step => "한 단계",
        Msg::Suffix => "접미사 필터",
        Msg::Template => "템플릿",
        Msg::TemplateCustom => "사용자 지정 JSON",
        Msg::TemplateS3 => "S3 put",
        Msg::TemplateSchedule => "일정 틱",
        Msg::Throttles => "스로틀",
        Msg::TimeoutS => "제한 시간(초)",
        Msg::Timeouts => "제한 시간 초과",
        Msg::Tune => "튜닝",
        Msg::TuningPicks => "가장 저렴: {cheapest}MB. 가장 빠름: {fastest}MB.",
        Msg::UnchangedVersion => "{function}(버전 {version})은(는) 바뀌지 않았습니다. 배포할 것이 없습니다.",
        Msg::UnknownTemplate => "알 수 없는 템플릿",
        Msg::Warm => "웜 스타트",
        // AWS names, log fields and API values read the same in the Korean edition.
        _ => return None,
    })
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

    #[test]
    fn the_korean_column_keeps_placeholders_and_falls_back_to_english() {
        assert_eq!(
            text(true, Msg::Submit),
            "정답 확인",
            "quiz strings are always there"
        );
        assert_eq!(text(true, Msg::Run), "실행");
        assert_eq!(text(false, Msg::Run), "Run");
        assert_eq!(
            text(true, Msg::AccessDenied),
            "AccessDenied",
            "no Korean: English"
        );
        let names = |s: &str| -> Vec<String> {
            s.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect()
        };
        for msg in [
            Msg::QuestionOf,
            Msg::Bill,
            Msg::BadEnvLine,
            Msg::LabRestoreNotice,
            Msg::TuningPicks,
            Msg::WidgetStopped,
        ] {
            let (mut en, mut ko) = (names(text(false, msg)), names(text(true, msg)));
            en.sort();
            ko.sort();
            assert_eq!(en, ko, "{msg:?}");
        }
    }
}
