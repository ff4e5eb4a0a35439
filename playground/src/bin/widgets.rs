//! The `widgets` module: quizzes and the progress page. It must not pull in the handler script
//! engine; pages with labs load the `lab` module as well.

use cloudbook_playground::components::{progress::ProgressPage, quiz::QuizWidget};
use cloudbook_playground::mount::{data, install_panic_hook, mount_all};

fn main() {
    install_panic_hook("widgets");
    cloudbook_playground::mount::panic_if_asked("widgets");
    mount_all::<QuizWidget>("widgets", ".cloudbook-quiz", |el| {
        Ok(cloudbook_playground::components::quiz::QuizProps {
            quiz: std::rc::Rc::new(data(el, "data-quiz")?),
            root: el.clone(),
        })
    });
    mount_all::<ProgressPage>("widgets", ".cloudbook-progress", |el| {
        Ok(cloudbook_playground::components::progress::ProgressProps {
            catalog: std::rc::Rc::new(data(el, "data-progress")?),
            root: el.clone(),
        })
    });
}
