//! The `lab` module: runnable lab cells, with the simulated Lambda and its script engine.

use cloudbook_playground::components::lab::{LabCell, LabProps};
use cloudbook_playground::mount::{data, install_yew_panic_hook, mount_all};

fn main() {
    install_yew_panic_hook("lab");
    cloudbook_playground::i18n::use_page_language();
    cloudbook_playground::mount::panic_if_asked("lab");
    mount_all::<LabCell<cloudbook::lab::Notebook>>("lab", ".cloudbook-lab", |el| {
        Ok(LabProps {
            lab: std::rc::Rc::new(data(el, "data-lab")?),
            root: el.clone(),
        })
    });
}
