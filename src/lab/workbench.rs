//! The container kernel: a [`Workbench`] runs a lab's container cells (issue #11) and keeps each
//! cell's last output with the cell as it ran, so a goal can tell a stale output ("run it again")
//! from a fresh one. Also the [`Kernel`] trait both kernels implement, which the page's reducer is
//! generic over, and the headless replay both use.
//!
//! Container cells share no simulated state implicitly: each run starts from the cell's own text
//! (a deployment cell re-runs the scenario cell it names). The runners live in
//! [`super::cluster`] (scenario, deployment) and [`super::container_run`] (the rest); judging
//! goals in [`super::container_goals`]. It never touches the Lambda model or rhai, so the page's
//! container module does not link them.

use std::collections::BTreeMap;

use super::format::{Cell, CellKind, LabSpec};
use super::outputs::{CellOutput, GoalVerdict};

/// What the page's reducer needs from a kernel: `Notebook` (Lambda) and [`Workbench`] (containers).
pub trait Kernel {
    fn new(spec: &LabSpec) -> Self
    where
        Self: Sized;
    /// Runs one cell of the learner's working copy `cells`.
    fn run_cell(&mut self, cells: &[Cell], index: usize) -> CellOutput;
    /// The last output of a cell.
    fn output(&self, cell_id: &str) -> Option<&CellOutput>;
    /// Each goal's verdict against the outputs so far.
    fn evaluate(&self, spec: &LabSpec, cells: &[Cell]) -> Vec<GoalVerdict>;
}

/// Runs every cell in page order on a fresh kernel and judges the goals.
pub(crate) fn replay<K: Kernel>(spec: &LabSpec, cells: &[Cell]) -> (K, Vec<GoalVerdict>) {
    let mut k = K::new(spec);
    for i in 0..cells.len() {
        k.run_cell(cells, i);
    }
    let verdicts = k.evaluate(spec, cells);
    (k, verdicts)
}

/// The container cells' kernel: the last output of each cell and what it ran with.
#[derive(Debug, Clone)]
pub struct Workbench {
    seed: u64,
    outputs: BTreeMap<String, Ran>,
}

/// A cell's last output with the cell (and, for a deployment, its scenario cell) as it ran.
#[derive(Debug, Clone)]
struct Ran {
    output: CellOutput,
    cell: CellKind,
    depends: Option<CellKind>,
}

impl Workbench {
    pub fn new(spec: &LabSpec) -> Workbench {
        Workbench {
            seed: spec.seed.unwrap_or(crate::sim::DEFAULT_SEED),
            outputs: BTreeMap::new(),
        }
    }

    /// Runs all cells in page order on a fresh workbench.
    pub fn run_all(spec: &LabSpec, cells: &[Cell]) -> Workbench {
        replay::<Workbench>(spec, cells).0
    }

    /// The last output of a cell.
    pub fn output(&self, cell_id: &str) -> Option<&CellOutput> {
        self.outputs.get(cell_id).map(|r| &r.output)
    }

    /// Why a cell's last output no longer matches the working copy, if it does not.
    pub(crate) fn stale(&self, cell_id: &str, cells: &[Cell]) -> Option<String> {
        let ran = self.outputs.get(cell_id)?;
        let now = cells.iter().find(|c| c.id == cell_id)?;
        if now.kind != ran.cell {
            return Some(format!(
                "Run the \"{cell_id}\" cell again: it changed since it ran."
            ));
        }
        if let CellKind::Deployment { scenario, .. } = &now.kind {
            let current = cells.iter().find(|c| &c.id == scenario).map(|c| &c.kind);
            if current != ran.depends.as_ref() {
                return Some(format!(
                    "Run the \"{cell_id}\" cell again: its scenario cell \"{scenario}\" changed since it ran."
                ));
            }
        }
        None
    }

    /// Runs one container cell. A deployment runs its scenario cell's current text with the
    /// update; AWS's refusals are part of the output, never a panic.
    pub fn run_cell(&mut self, cells: &[Cell], index: usize) -> CellOutput {
        let Some(cell) = cells.get(index) else {
            return CellOutput::Error {
                message: format!("there is no cell {index} (the lab has {})", cells.len()),
                line: None,
            };
        };
        let mut depends = None;
        let output = match &cell.kind {
            CellKind::Scenario { scenario } => super::cluster::run_scenario_text(scenario, self.seed),
            CellKind::Deployment { scenario, .. } => {
                match cells.iter().find(|c| &c.id == scenario).map(|c| &c.kind) {
                    Some(k @ CellKind::Scenario { scenario: text }) => {
                        depends = Some(k.clone());
                        super::cluster::run_deployment(text, &cell.kind, self.seed)
                    }
                    _ => CellOutput::Error {
                        message: format!("this lab has no scenario cell \"{scenario}\""),
                        line: None,
                    },
                }
            }
            kind if kind.engine() == super::LabEngine::Containers => super::container_run::run(kind),
            kind => CellOutput::Error {
                message: format!(
                    "a {} cell runs on the Lambda notebook, not on the container workbench",
                    kind.name()
                ),
                line: None,
            },
        };
        self.outputs.insert(
            cell.id.clone(),
            Ran {
                output: output.clone(),
                cell: cell.kind.clone(),
                depends,
            },
        );
        output
    }

    /// Each goal's verdict: Pending when its cell has not run or changed since it ran.
    pub fn evaluate(&self, spec: &LabSpec, cells: &[Cell]) -> Vec<GoalVerdict> {
        let verdicts = spec
            .goals
            .iter()
            .map(|g| super::container_goals::verdict(self, g, cells))
            .collect();
        spec.in_page_language(verdicts)
    }
}

impl Kernel for Workbench {
    fn new(spec: &LabSpec) -> Self {
        Workbench::new(spec)
    }
    fn run_cell(&mut self, cells: &[Cell], index: usize) -> CellOutput {
        Workbench::run_cell(self, cells, index)
    }
    fn output(&self, cell_id: &str) -> Option<&CellOutput> {
        Workbench::output(self, cell_id)
    }
    fn evaluate(&self, spec: &LabSpec, cells: &[Cell]) -> Vec<GoalVerdict> {
        Workbench::evaluate(self, spec, cells)
    }
}
