//! The `widgets` module: quizzes and the progress page. It must not pull in the handler script
//! engine (pages with labs load the `lab` module as well), nor yew, serde_json or a regex engine:
//! it renders with web-sys through `dom.rs`, so a quiz-only page stays small (ARCHITECTURE.md).

use cloudbook_playground::components::{progress, quiz};
use cloudbook_playground::mount::{install_panic_hook, mount_each, panic_if_asked};

fn main() {
    install_panic_hook("widgets");
    panic_if_asked("widgets");
    mount_each("widgets", ".cloudbook-quiz", quiz::mount);
    mount_each("widgets", ".cloudbook-progress", progress::mount);
}
