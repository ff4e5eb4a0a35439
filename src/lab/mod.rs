//! Labs: notebooks on a page. An author writes a ```` ```lab ```` block of TOML: cells that share
//! one simulated account (function, invoke, API route, S3 bucket, schedule, IAM, load, power
//! tuning), goals judged against what the cells produced (never against the learner's code
//! text), hints, a reference solution that never reaches the page, and what the simulator does
//! not model.
//!
//! `format` owns the block and its validation, `kernel` runs cells on a shared [`Notebook`],
//! `goals` judges them and replays a lab headless ([`check_lab`]), `outputs` is what a run
//! produced. Container labs (issue #11) have their own cells (`container_format`), kernel
//! ([`Workbench`] in `workbench`, runners in `cluster` and `container_run`), goals
//! (`container_goals`) and outputs (`container_outputs`); both kernels implement [`Kernel`]. Running handlers belongs to [`crate::lambda`]; showing a lab belongs to the
//! playground; reading chapters belongs to the CLI.

mod cluster;
mod container_format;
mod container_goals;
mod container_outputs;
mod container_run;
mod format;
mod goals;
mod kernel;
mod outputs;
mod scenario_form;
mod workbench;

pub use container_format::{
    CONTAINER_KINDS, ImageBuildSpec, LoadStep, PushSpec, RepositorySpec, is_container_kind,
};
pub use container_outputs::{
    AppRunnerOutput, ArPoint, ArchiveRow, BatchOutput, BeanstalkOutput, BuildRow, BundleRow, ClusterFrame,
    ClusterOutput, ConstraintRow, CostPanel, DeployPoint, DeploymentOutput, EbPhase, Ec2Cost, EventLine,
    FargateCost, FargateOutput, FilterRow, ImageOutput, InstanceBox, JobRow, Lane, LayerRow, LightsailOutput,
    OutpostsOutput, PendingTask, Phase, PlacementStep, ReadRow, ServiceSummary, StartupOutput, StepRow,
    StorageOutput, StrategyRow, TaskChip, TransferRow, ZoneBox,
};
pub use format::{
    Cell, CellKind, CostSide, EventTemplate, Expect, Goal, HttpRequestSpec, LabEngine, LabSpec, MAX_LOAD,
    MAX_RPS, MAX_TUNING_SIZES, Pick, Probe, Route, S3Put, StartWanted, parse_lab, parse_route,
};
pub use goals::{LabCheck, check_lab};
pub use kernel::{LoadRun, Notebook, error_line};
pub use outputs::{
    CellOutput, GoalStatus, GoalVerdict, LoadOutput, LoadPoint, LoadTotals, ProbeResult, RunOutput, SdkCall,
    StartBadge, StartKind, StartWhy, TuningOutput, TuningPoint,
};
pub use scenario_form::{FormField, scenario_diagnostics, scenario_form, set_scenario_field};
pub use workbench::{Kernel, Workbench};

use serde::Serialize;

use crate::lambda::Invocation;

impl Kernel for Notebook {
    fn new(spec: &LabSpec) -> Self {
        Notebook::new(spec)
    }
    fn run_cell(&mut self, cells: &[Cell], index: usize) -> CellOutput {
        Notebook::run_cell(self, cells, index)
    }
    fn output(&self, cell_id: &str) -> Option<&CellOutput> {
        Notebook::output(self, cell_id)
    }
    fn evaluate(&self, spec: &LabSpec, cells: &[Cell]) -> Vec<GoalVerdict> {
        Notebook::evaluate(self, spec, cells)
    }
}

/// The old one-cell page's view of a lab, kept while the playground moves to the notebook: the
/// first invoke-like cell's invocation with the first function cell's handler replaced.
#[derive(Debug, Clone, Serialize)]
pub struct LabRun {
    pub invocation: Invocation,
    pub goals: Vec<GoalResult>,
    /// All goals passed.
    pub passed: bool,
}

/// One goal's verdict in [`LabRun`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalResult {
    pub description: String,
    pub passed: bool,
}

impl LabSpec {
    /// The first function cell's starting handler.
    pub fn first_handler(&self) -> String {
        self.cells
            .iter()
            .find_map(|c| match &c.kind {
                CellKind::Function(f) => f.handler.clone(),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The first invoke cell's event (an empty object when there is none).
    pub fn first_event(&self) -> serde_json::Value {
        self.cells
            .iter()
            .find_map(|c| match &c.kind {
                CellKind::Invoke { event, .. } => Some(event.clone()),
                _ => None,
            })
            .unwrap_or_else(|| serde_json::json!({}))
    }

    /// Runs every cell with the first function cell's handler replaced by `handler` and reports
    /// the last invocation and the goals (the one-cell page's view).
    pub fn run(&self, handler: &str) -> Result<LabRun, String> {
        let mut cells = self.cells.clone();
        if let Some(CellKind::Function(f)) = cells
            .iter_mut()
            .map(|c| &mut c.kind)
            .find(|k| matches!(k, CellKind::Function(_)))
        {
            f.handler = Some(handler.to_string());
            f.handler_file = None;
        }
        let nb = Notebook::run_all(self, &cells);
        let mut invocation = None;
        for c in &cells {
            match nb.output(&c.id) {
                Some(CellOutput::Error { message, .. }) => return Err(message.clone()),
                Some(out) => {
                    if let Some(r) = out.runs().last() {
                        invocation = Some(r.invocation.clone());
                    }
                }
                None => {}
            }
        }
        let invocation =
            invocation.ok_or_else(|| "the lab has no cell that invokes its function".to_string())?;
        let goals: Vec<GoalResult> = nb
            .evaluate(self, &cells)
            .into_iter()
            .map(|v| GoalResult {
                description: v.description,
                passed: v.status == GoalStatus::Pass,
            })
            .collect();
        let passed = !goals.is_empty() && goals.iter().all(|g| g.passed);
        Ok(LabRun {
            invocation,
            goals,
            passed,
        })
    }
}

#[cfg(test)]
mod container_tests;
#[cfg(test)]
mod tests;
