//! The quiz module of the editions in other languages (`/ko/`): the `widgets` module with the
//! page's language column for quizzes (`i18n::use_page_language_for_quizzes`). The English edition loads `widgets`,
//! which carries no other language, so the quiz-only page keeps its size budget (ARCHITECTURE.md).

use cloudbook_playground::components::{progress, quiz};
use cloudbook_playground::mount::{install_panic_hook, mount_each, panic_if_asked};

fn main() {
    cloudbook_playground::i18n::use_page_language_for_quizzes();
    install_panic_hook("widgets");
    panic_if_asked("widgets");
    mount_each("widgets", ".cloudbook-quiz", quiz::mount);
    mount_each("widgets", ".cloudbook-progress", progress::mount);
}
