//! The lab cell's state: the learner's code, the last run, and whether the goals were reached.

use std::rc::Rc;

use cloudbook::lab::{LabRun, LabSpec};
use serde::{Deserialize, Serialize};
use yew::Reducible;

#[derive(Debug, Clone)]
pub struct LabState {
    pub spec: Rc<LabSpec>,
    pub code: String,
    pub last: Option<Rc<Result<LabRun, String>>>,
    /// Goals reached at least once (kept across reloads).
    pub passed: bool,
}

impl PartialEq for LabState {
    // A run result is compared by identity: each Run makes a new one.
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
            && self.code == other.code
            && self.passed == other.passed
            && match (&self.last, &other.last) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// What survives a reload, in localStorage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedLab {
    pub version: u32,
    pub code: String,
    pub passed: bool,
}

pub const SAVED_LAB_VERSION: u32 = 1;

pub enum LabAction {
    Edit(String),
    Run,
    ResetCode,
    Restore(SavedLab),
}

impl LabState {
    pub fn new(spec: Rc<LabSpec>) -> Self {
        let code = spec.first_handler();
        LabState {
            spec,
            code,
            last: None,
            passed: false,
        }
    }

    pub fn saved(&self) -> SavedLab {
        SavedLab {
            version: SAVED_LAB_VERSION,
            code: self.code.clone(),
            passed: self.passed,
        }
    }
}

impl Reducible for LabState {
    type Action = LabAction;

    fn reduce(self: Rc<Self>, action: LabAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            LabAction::Edit(code) => next.code = code,
            LabAction::Run => {
                let run = next.spec.run(&next.code);
                if let Ok(r) = &run {
                    next.passed |= r.passed;
                }
                next.last = Some(Rc::new(run));
            }
            LabAction::ResetCode => next.code = next.spec.first_handler(),
            LabAction::Restore(saved) => {
                if saved.version == SAVED_LAB_VERSION {
                    next.code = saved.code;
                    next.passed = saved.passed;
                }
            }
        }
        Rc::new(next)
    }
}
