//! The logic behind every command of the desktop app. Each method takes plain values from the
//! UI, checks every path in them against what the user chose (`crate::grant`), calls the
//! engine, and converts the result; it blocks (git2, SQLite), so the shell runs it off the main
//! thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pilot_engine::demo::init_demo;
use pilot_engine::plan::Plan;
use pilot_engine::plan::templates::templates;
use pilot_engine::repo::{InspectOptions, git_identity, inspect};
use pilot_engine::report::report;
use pilot_engine::run::{
    Answers, DriveOptions, PlanOrigin, Progress, StartRequest, agree_waiver, answer_manual,
    answer_number, drive_run, readiness, request_rollback, rollback_preview, start_run, waive_step,
};
use pilot_engine::run::{ChoiceError, PlanChoice, choose_plan, find_plan_files, record_signoff};
use pilot_engine::store::RunStore;
use pilot_engine::write::write_file_atomically;
use pilot_engine::{Clock, DataPaths};

use crate::dto::{
    AppInfo, DecisionDto, DemoDto, PlanChoiceDto, PlanFileDto, PlanPreviewDto, RepoFactsDto,
    RollbackCheckDto, RollbackDto, RunDto, RunEventDto, RunSummaryDto, SavedReportDto, StageDto,
    StartRunDto, StepDto, TemplateDto,
};
use crate::grant::Grants;
use crate::grant::remembered::Remembered;
use crate::{ApiError, ErrorKind};

/// What the app is started with.
#[derive(Debug, Clone)]
pub struct DesktopConfig {
    pub data: DataPaths,
    /// `--repo DIR` on the command line: granted like a folder chosen in the dialog, since the
    /// user typed it (the webview did not).
    pub start_repo: Option<PathBuf>,
    pub app_version: String,
}

/// The app's state: configuration, the run store, the clock and what the user chose.
#[derive(Debug)]
pub struct Desktop {
    config: DesktopConfig,
    // The signing commands (`crate::signature`) and the grant recording (`crate::choose`) use
    // these too.
    pub(crate) store: RunStore,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) grants: Grants,
}

impl Desktop {
    /// Open the run store in the data folder, with the repositories chosen before and the
    /// `--repo` folder granted.
    pub fn open(config: DesktopConfig, clock: Arc<dyn Clock>) -> Result<Self, ApiError> {
        let store = RunStore::open(&config.data.store_file())?;
        let root = config.data.root();
        let grants = Grants::new(vec![demo_folder(root)], Remembered::in_folder(root));
        if let Some(repo) = &config.start_repo {
            // Not remembered: it is given again on the next command line, or not.
            grants.add_folder(repo, false);
        }
        Ok(Self { config, store, clock, grants })
    }

    pub fn app_info(&self) -> AppInfo {
        AppInfo {
            version: self.config.app_version.clone(),
            data_dir: self.config.data.root().display().to_string(),
            start_repo: self.config.start_repo.as_ref().map(|p| p.display().to_string()),
            operator: git_identity(None),
        }
    }

    pub fn inspect_repo(&self, path: &str) -> Result<RepoFactsDto, ApiError> {
        let facts = self.inspect_granted(path)?;
        let mut dto: RepoFactsDto = (&facts).into();
        dto.operator = git_identity(Some(Path::new(&facts.path)));
        Ok(dto)
    }

    pub fn list_templates(&self) -> Vec<TemplateDto> {
        templates()
            .iter()
            .map(|t| TemplateDto {
                name: t.name.into(),
                title: t.title.into(),
                summary: t.summary.into(),
            })
            .collect()
    }

    /// Plan files kept in the repository (`.release-pilot/`, `deploy/`, `release/`, or
    /// `release-plan.toml` at the root). Files that are not valid plans are listed with the
    /// first problem as their title, so the user sees why they cannot be chosen.
    pub fn find_plans(&self, repo: &str) -> Result<Vec<PlanFileDto>, ApiError> {
        let facts = self.inspect_granted(repo)?;
        let root = PathBuf::from(&facts.path);
        Ok(find_plan_files(&root)
            .into_iter()
            .map(|found| PlanFileDto {
                path: found.path.display().to_string(),
                relative: found.relative,
                title: found.title.unwrap_or_else(|why| format!("(not a valid plan: {why})")),
            })
            .collect())
    }

    /// What a plan will do, before a run starts (variables not yet substituted).
    pub fn preview_plan(&self, choice: &PlanChoiceDto) -> Result<PlanPreviewDto, ApiError> {
        let (plan, _, _) = self.load(choice)?;
        Ok((&plan).into())
    }

    /// Create a fresh demo project in the data folder.
    pub fn create_demo(&self) -> Result<DemoDto, ApiError> {
        let now = self.clock.now();
        let dir =
            demo_folder(self.config.data.root()).join(now.format("%Y%m%d-%H%M%S").to_string());
        let demo = init_demo(&dir, now)?;
        Ok(DemoDto {
            path: demo.path.display().to_string(),
            plan: demo.plan.display().to_string(),
            version: demo.version,
        })
    }

    /// Record a new run (every step pending). Nothing executes until [`Desktop::drive_run`].
    pub fn start_run(&self, request: StartRunDto) -> Result<RunDto, ApiError> {
        // The repository is where the plan's commands run: it must be one the user chose.
        self.grants.repository(&request.repo)?;
        let (plan, plan_source, origin) = self.load(&request.plan)?;
        let blank = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let header = start_run(
            &self.store,
            self.clock.as_ref(),
            StartRequest {
                repo: Path::new(&request.repo),
                plan,
                plan_source,
                origin,
                version: blank(request.version),
                environment: blank(request.environment),
                operator: blank(request.operator),
                dry_run: request.dry_run,
                vars: request.vars,
            },
        )?;
        self.get_run(&header.id)
    }

    /// Drive the run up to the end of `up_to`'s screen (or to the end), sending progress to
    /// `on_event` as it is committed.
    ///
    /// It takes no path: it runs the plan stored when the run started, whose repository and
    /// plan file were checked then (or which `pilot` started from the command line).
    pub fn drive_run(
        &self,
        run_id: &str,
        up_to: Option<StageDto>,
        resuming: bool,
        on_event: &(dyn Fn(RunEventDto) + Sync),
    ) -> Result<RunDto, ApiError> {
        let run = self.store.load_run(run_id)?;
        let (plan, dry_run) = (run.header.plan, run.header.dry_run);
        let sink =
            |progress: Progress| on_event(RunEventDto::from_progress(progress, &plan, dry_run));
        let options = DriveOptions { up_to: up_to.map(Into::into), resuming };
        let run = drive_run(
            &self.store,
            self.clock.as_ref(),
            &sink,
            run_id,
            &Answers::default(),
            options,
        )?;
        Ok((&run).into())
    }

    pub fn answer_manual(
        &self,
        run_id: &str,
        step_id: &str,
        done: bool,
        note: Option<&str>,
        by: Option<&str>,
    ) -> Result<RunDto, ApiError> {
        let run = answer_manual(
            &self.store,
            self.clock.as_ref(),
            run_id,
            step_id,
            done,
            note,
            by.unwrap_or(""),
        )?;
        Ok((&run).into())
    }

    /// Answer a manual item that asks for a number; judged against the plan's threshold.
    pub fn answer_number(
        &self,
        run_id: &str,
        step_id: &str,
        value: f64,
        note: Option<&str>,
        by: Option<&str>,
    ) -> Result<RunDto, ApiError> {
        let run = answer_number(
            &self.store,
            self.clock.as_ref(),
            run_id,
            step_id,
            value,
            note,
            by.unwrap_or(""),
        )?;
        Ok((&run).into())
    }

    pub fn waive_step(
        &self,
        run_id: &str,
        step_id: &str,
        reason: &str,
        by: Option<&str>,
    ) -> Result<RunDto, ApiError> {
        let run = waive_step(
            &self.store,
            self.clock.as_ref(),
            run_id,
            step_id,
            reason,
            by.unwrap_or(""),
        )?;
        Ok((&run).into())
    }

    /// A second person agrees to the waiver proposed for a failed step (four eyes).
    pub fn agree_waiver(&self, run_id: &str, step_id: &str, by: &str) -> Result<RunDto, ApiError> {
        let run = agree_waiver(&self.store, self.clock.as_ref(), run_id, step_id, by)?;
        Ok((&run).into())
    }

    /// Record a person's sign-off decision for one of the plan's roles.
    pub fn record_signoff(
        &self,
        run_id: &str,
        role: &str,
        name: &str,
        decision: DecisionDto,
        comment: &str,
    ) -> Result<RunDto, ApiError> {
        let run = record_signoff(
            &self.store,
            self.clock.as_ref(),
            run_id,
            role,
            name,
            decision.into(),
            comment,
        )?;
        Ok((&run).into())
    }

    pub fn get_run(&self, run_id: &str) -> Result<RunDto, ApiError> {
        Ok((&self.store.load_run(run_id)?).into())
    }

    pub fn list_runs(&self) -> Result<Vec<RunSummaryDto>, ApiError> {
        Ok(self.store.list_runs()?.iter().map(Into::into).collect())
    }

    pub fn report_markdown(&self, run_id: &str) -> Result<String, ApiError> {
        // Nothing is sealed from a record that was changed behind the store's back.
        Ok(report(&self.store.load_verified_run(run_id)?))
    }

    /// The report rendered to HTML, as the reader will see it.
    pub fn report_html(&self, run_id: &str) -> Result<String, ApiError> {
        Ok(crate::markdown_to_html(&self.report_markdown(run_id)?))
    }

    /// Write the report to `path` (whole or not at all): the file the user chose in the save
    /// dialog ([`Desktop::grant_report_destination`]), never another.
    pub fn save_report(&self, run_id: &str, path: &str) -> Result<SavedReportDto, ApiError> {
        self.grants.save_destination(path)?;
        let text = self.report_markdown(run_id)?;
        write_file_atomically(Path::new(path), text.as_bytes()).map_err(|e| {
            ApiError::new(
                ErrorKind::Io,
                format!("could not save the report to {path}: {e}. Choose another folder"),
            )
        })?;
        Ok(SavedReportDto { path: path.to_string(), bytes: text.len() as u64 })
    }

    /// Is a rollback ready for this run, and what would it do?
    pub fn rollback_readiness(&self, run_id: &str) -> Result<RollbackDto, ApiError> {
        let run = self.store.load_run(run_id)?;
        let r = readiness(&run);
        let plan = &run.header.plan;
        let steps = plan
            .phases
            .iter()
            .filter(|p| p.stage == pilot_engine::plan::Stage::Rollback)
            .flat_map(|p| p.steps.iter())
            .filter_map(|s| {
                run.step(&s.id).map(|rec| StepDto::from_record(rec, plan, run.header.dry_run))
            })
            .collect();
        Ok(RollbackDto {
            refusal: rollback_preview(&run).err(),
            request: run.rollback.as_ref().map(Into::into),
            outcome: run.outcome.into(),
            ready: r.ready,
            previous_release: r.previous_release,
            checks: r
                .checks
                .into_iter()
                .map(|c| RollbackCheckDto { label: c.label, ok: c.ok, detail: c.detail })
                .collect(),
            steps,
        })
    }

    /// Record that `by` asks for the run's rollback, for `reason`; the next `drive_run` runs
    /// the rollback phases. Refused (saying why) where there is nothing to roll back.
    pub fn request_rollback(
        &self,
        run_id: &str,
        reason: &str,
        by: Option<&str>,
    ) -> Result<RunDto, ApiError> {
        let run =
            request_rollback(&self.store, self.clock.as_ref(), run_id, by.unwrap_or(""), reason)?;
        Ok((&run).into())
    }

    /// Inspect the repository at `path`, a folder the user chose. git finds a repository from
    /// any folder inside it; one found above the chosen folder is refused, since the run would
    /// work (and run the plan's commands) in a folder the user did not choose.
    fn inspect_granted(&self, path: &str) -> Result<pilot_engine::repo::RepoFacts, ApiError> {
        self.grants.repository(path)?;
        let facts = inspect(Path::new(path), &InspectOptions::default())?;
        self.grants.repository(&facts.path).map_err(|_| {
            ApiError::new(
                ErrorKind::NotChosen,
                format!(
                    "{path} is inside the repository {}, which is not a folder you chose. To \
                     use it, choose {} itself with “Open a repository folder…”",
                    facts.path, facts.path
                ),
            )
        })?;
        Ok(facts)
    }

    fn load(&self, choice: &PlanChoiceDto) -> Result<(Plan, String, PlanOrigin), ApiError> {
        let chosen = match choice {
            PlanChoiceDto::File(path) => {
                self.grants.plan_file(path)?;
                choose_plan(PlanChoice::File(Path::new(path)))
            }
            PlanChoiceDto::Template(name) => choose_plan(PlanChoice::Template(name)),
        };
        match chosen {
            Ok(c) => Ok((c.plan, c.source, c.origin)),
            Err(ChoiceError::Plan(e)) => Err(e.into()),
            Err(e @ ChoiceError::NoSuchTemplate { .. }) => {
                Err(ApiError::new(ErrorKind::NotFound, e.to_string()))
            }
        }
    }
}

/// Where the app makes its demo projects: inside its own data folder, so they need no grant.
fn demo_folder(data_root: &Path) -> PathBuf {
    data_root.join("demo")
}
