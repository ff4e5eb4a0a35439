//! The `sched` module: container labs (ECS scenarios, deployments, images, storage, start-up,
//! Fargate, Batch, Beanstalk, App Runner, Lightsail, Outposts) on the container workbench.
//!
//! It mounts the same notebook component as the `lab` module with the `Workbench` kernel, so it
//! carries the ECS model and the services' simulators but not the Lambda handler script engine
//! (rhai); the `lab` module carries the opposite. The loader fetches it only where a
//! `.cloudbook-sched` placeholder is.

use cloudbook::lab::Workbench;
use cloudbook_playground::components::lab::{LabCell, LabProps};
use cloudbook_playground::mount::{data, install_yew_panic_hook, mount_all, panic_if_asked};

fn main() {
    cloudbook_playground::i18n::use_page_language();
    install_yew_panic_hook("sched");
    panic_if_asked("sched");
    mount_all::<LabCell<Workbench>>("sched", ".cloudbook-sched", |el| {
        Ok(LabProps {
            lab: std::rc::Rc::new(data(el, "data-lab")?),
            root: el.clone(),
        })
    });
}
