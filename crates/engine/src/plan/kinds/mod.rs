//! The catalogue of step kinds: one table ([`with_step_kinds!`]) where every kind is declared
//! once — its name in plans, its parameters type, how the runner handles it (its class), whether
//! it makes a backup, and what a person must know before retrying or waiving it. The enum
//! [`StepAction`], [`StepAction::KIND_NAMES`], [`StepAction::kind_name`], the JSON Schema and the
//! kinds reference in `docs/plan-format.md` all follow from that table, and so does the
//! executors' dispatch in `run/executors/` (which expands the same table).
//!
//! Layout: this file holds the table and what it generates; one file per family of kinds holds
//! their parameter structs and how each says what it will do ([`StepParams`]): `person.rs`
//! (manual items, gates, sign-offs), `git.rs`, `system.rs`, `file.rs`, `command.rs`,
//! `docker.rs` (engine checks, deploys and the rollback on a Docker engine), `backup.rs`,
//! `http.rs`, `validate.rs` (log scans, test reports, soaks). It mirrors `run/executors/`.
//!
//! To add a kind, see ARCHITECTURE.md ("Adding a step kind"): a row here, its parameters and
//! their [`StepParams`] in the family file, its executor, its test. A row must decide every
//! column and a parameters type without [`StepParams`] or an executor does not compile; there is
//! no wildcard arm over kinds anywhere, so forgetting a decision is a compile error, not a
//! silently wrong default.
//!
//! String parameters may contain variables (`{{version}}`, `{{previous_tag}}`, `{{commit}}`,
//! `{{environment}}`, plan `[vars]`); they are substituted when the run starts.

mod backup;
mod command;
mod docker;
mod file;
mod git;
mod http;
mod person;
mod problems;
mod system;
mod validate;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use backup::{BackupCommandParams, BackupRecentParams, BackupSqliteParams};
pub use command::{CommandParams, command_line};
pub use docker::{
    DeployExecParams, DeployRecreateParams, DeployWaitLogParams, DockerContainerParams,
    DockerEngineParams, DockerImageParams, DockerVolumeParams, RollbackParams,
};
pub use file::{FileAgeParams, FileEnvKeyParams, FileExistsParams};
pub use git::{
    GitBranchParams, GitChangelogParams, GitCleanParams, GitHeadParams, GitPreviousReleaseParams,
    GitReleaseNotesParams, GitTagParams, GitUpstreamParams, GitVersionParams,
};
pub use http::{HttpCheckParams, HttpLatencyParams, HttpRateLimitParams};
pub use person::{GateParams, ManualParams, NumberAsk, SignoffParams, num};
pub use problems::{MAX_SECS, ParamProblem, param_problems};
pub use system::{SystemDiskParams, SystemMemoryParams};
pub use validate::{LogScanParams, SoakParams, TestReportParams};

/// How the runner treats a step: the one distinction every consumer (driver, dry run, CLI,
/// report, desktop) branches on, instead of on kind names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StepClass {
    /// Only looks: runs side by side with the checks next to it, and in a dry run.
    Check,
    /// Changes something (or holds the run for a long time): runs alone, is confirmed first
    /// in the desktop, and a dry run only says what it would do.
    Action,
    /// Decided by people: a manual item, a gate over other steps, a sign-off. The runner asks
    /// or decides it; it never executes anything.
    Person,
}

/// What a step has to do with backups: the table's `backup` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupRole {
    Unrelated,
    /// It takes a verified backup (its evidence's first file is the backup): what a rollback
    /// restores.
    Takes,
    /// It finds one taken earlier (`backup.recent`): shown with the backups, never restored
    /// from this run.
    Finds,
}

/// How the runner handles a step, with what it needs for the person steps. The table's
/// `handling` column; [`StepAction::class`] is its plain form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Handling<'a> {
    Check,
    Action,
    Person(PersonStep<'a>),
}

/// The three things people decide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PersonStep<'a> {
    /// A checklist item a person ticks.
    Confirm(&'a ManualParams),
    /// Open once the named steps passed, warned or were waived.
    Gate(&'a GateParams),
    /// The roles' decisions.
    Signoff(&'a SignoffParams),
}

/// What every kind's parameters say about the step, in words (the family files implement it).
pub trait StepParams {
    /// One sentence saying what the step will do, with the values it will use (shown before
    /// it runs, and recorded instead of running it in a dry run). `title` is the step's.
    fn describe(&self, title: &str) -> String;
    /// The concrete thing an action changes, named in the confirmation before it runs. Asked
    /// only of action-class steps (see [`StepAction::touches`]); `None` when it names nothing
    /// more specific than its description.
    fn touches(&self) -> Option<String>;
}

/// A row's `handling` for kinds that only look.
pub(crate) fn check<P>(_: &P) -> Handling<'_> {
    Handling::Check
}

/// A row's `handling` for kinds that change something.
pub(crate) fn action<P>(_: &P) -> Handling<'_> {
    Handling::Action
}

/// Why a second try of a git check in the same run cannot help.
const REPOSITORY_AS_STARTED: &str = "this check reads the repository as it was when the run \
     started (the release is that commit); after fixing the repository, start a new run";

/// Why a rejected sign-off is not retried: a decision, not a fault.
const REJECTION_STANDS: &str = "a recorded rejection stands: fix what the reviewer asked for, \
     then start a new run for the fixed release";

/// What a person must know before waiving a failed deploy. After it the service is not the
/// version the rest of the plan would validate and sign off, so the way on is to fix the cause
/// and run it again; a waiver is for when the work was done another way.
const DEPLOY_CAUTION: &str = "the new version did not take over (the previous container was put \
     back when it could be; the evidence says): waive only if it was deployed another way, \
     since everything after this checks whatever is running now";

/// What a person must know before waiving a failed rollback.
const ROLLBACK_CAUTION: &str = "the service may be running neither version: waive only once it \
     was restored by hand, and say how in the reason";

/// The table of step kinds. Every row: doc comment (the kind's description in the schema and
/// the reference), `Variant(ParamsType) = "name in plans"`, then
/// - `handling`: [`check`], [`action`], or a function of the parameters returning [`Handling`];
/// - `backup`: whether the step takes a backup (rollback readiness restores it) or finds one
///   (the report's Backup section shows both), as a [`BackupRole`];
/// - `retry_refusal`: why running it again in the same run would not help, when it would not;
/// - `waiver_caution`: what a person must know before waiving a failure, when a waiver is more
///   than "it failed but it is safe to go on".
///
/// Expanded with a callback macro (`with_step_kinds!(some_macro)`), so the executors' dispatch
/// is generated from the same rows.
macro_rules! with_step_kinds {
    ($callback:ident) => {
        $callback! {
            /// A checklist item a person ticks (with an optional note).
            Manual(ManualParams) = "manual" {
                handling: |p| Handling::Person(PersonStep::Confirm(p)),
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// Passes when every named step passed, warned or was waived.
            Gate(GateParams) = "gate" {
                handling: |p| Handling::Person(PersonStep::Gate(p)),
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }

            /// The working tree has no uncommitted changes.
            GitClean(GitCleanParams) = "git.clean" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: Some(REPOSITORY_AS_STARTED), waiver_caution: None,
            }
            /// HEAD is on the expected branch.
            GitBranch(GitBranchParams) = "git.branch" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: Some(REPOSITORY_AS_STARTED), waiver_caution: None,
            }
            /// HEAD is the expected commit, or carries the expected tag.
            GitHead(GitHeadParams) = "git.head" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: Some(REPOSITORY_AS_STARTED), waiver_caution: None,
            }
            /// The VERSION file holds a valid semver version, equal to the expected one.
            GitVersion(GitVersionParams) = "git.version" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: Some(REPOSITORY_AS_STARTED), waiver_caution: None,
            }
            /// CHANGELOG.md has an entry for the version.
            GitChangelog(GitChangelogParams) = "git.changelog" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: Some(REPOSITORY_AS_STARTED), waiver_caution: None,
            }
            /// A release-notes file for the version exists.
            GitReleaseNotes(GitReleaseNotesParams) = "git.release_notes" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: Some(REPOSITORY_AS_STARTED), waiver_caution: None,
            }
            /// The branch is not behind (or ahead of) its upstream by more than allowed.
            GitUpstream(GitUpstreamParams) = "git.upstream" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: Some(REPOSITORY_AS_STARTED), waiver_caution: None,
            }
            /// A tag exists (optionally at HEAD).
            GitTag(GitTagParams) = "git.tag" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: Some(REPOSITORY_AS_STARTED), waiver_caution: None,
            }
            /// A previous release tag exists, so rollback has a target and the report a range.
            GitPreviousRelease(GitPreviousReleaseParams) = "git.previous_release" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: Some(REPOSITORY_AS_STARTED), waiver_caution: None,
            }

            /// Enough free disk space.
            SystemDisk(SystemDiskParams) = "system.disk" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// Enough available memory.
            SystemMemory(SystemMemoryParams) = "system.memory" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }

            /// A file exists (optionally with a minimum size).
            FileExists(FileExistsParams) = "file.exists" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// A file was modified recently enough.
            FileAge(FileAgeParams) = "file.age" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// An env file defines a key whose value is at least N characters long. The value is never
            /// printed, logged or reported.
            FileEnvKey(FileEnvKeyParams) = "file.env_key" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }

            /// Runs a program with arguments (never through a shell).
            Command(CommandParams) = "command" {
                // A command that only looks (a test suite, a linter) says so in the plan.
                handling: |p| if p.read_only { Handling::Check } else { Handling::Action },
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }

            /// The Docker engine answers.
            DockerEngine(DockerEngineParams) = "docker.engine" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// An image exists locally.
            DockerImage(DockerImageParams) = "docker.image" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// A volume exists.
            DockerVolume(DockerVolumeParams) = "docker.volume" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// A container is running (and healthy).
            DockerContainer(DockerContainerParams) = "docker.container" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }

            /// Online, verified backup of a SQLite database.
            BackupSqlite(BackupSqliteParams) = "backup.sqlite" {
                handling: action,
                backup: BackupRole::Takes, retry_refusal: None, waiver_caution: None,
            }
            /// A plan-defined backup program whose output file is checked.
            BackupCommand(BackupCommandParams) = "backup.command" {
                handling: action,
                backup: BackupRole::Takes, retry_refusal: None, waiver_caution: None,
            }
            /// A verified backup younger than N hours exists.
            BackupRecent(BackupRecentParams) = "backup.recent" {
                handling: check,
                backup: BackupRole::Finds, retry_refusal: None, waiver_caution: None,
            }

            /// Recreate a container on a new image with the old one's configuration.
            DeployRecreate(DeployRecreateParams) = "deploy.recreate" {
                handling: action,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: Some(DEPLOY_CAUTION),
            }
            /// Run a command inside a container (migrations).
            DeployExec(DeployExecParams) = "deploy.exec" {
                handling: action,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// Wait for a log line.
            DeployWaitLog(DeployWaitLogParams) = "deploy.wait_log" {
                // Waiting for a line only observes.
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// A plan-defined deploy program (a compose file, a PowerShell script).
            DeployCommand(CommandParams) = "deploy.command" {
                handling: action,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// Restore the backup and put the previous version back.
            Rollback(RollbackParams) = "rollback" {
                handling: action,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: Some(ROLLBACK_CAUTION),
            }

            /// One HTTP request with expectations.
            HttpCheck(HttpCheckParams) = "http.check" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// Latency percentiles and error rate under load.
            HttpLatency(HttpLatencyParams) = "http.latency" {
                // A load test only observes.
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// Rate limiting answers 429 after N requests.
            HttpRateLimit(HttpRateLimitParams) = "http.rate_limit" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// Scan logs for forbidden and required patterns.
            LogScan(LogScanParams) = "log.scan" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// Import a JUnit XML or Playwright JSON report with pass-rate gates.
            TestReport(TestReportParams) = "test.report" {
                handling: check,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// Repeat checks every interval for a duration.
            Soak(SoakParams) = "soak" {
                // It holds the run for its whole window: alone, and never in a dry run.
                handling: action,
                backup: BackupRole::Unrelated, retry_refusal: None, waiver_caution: None,
            }
            /// Sign-off by the plan's roles.
            Signoff(SignoffParams) = "signoff" {
                handling: |p| Handling::Person(PersonStep::Signoff(p)),
                backup: BackupRole::Unrelated, retry_refusal: Some(REJECTION_STANDS), waiver_caution: None,
            }
        }
    };
}
pub(crate) use with_step_kinds;

/// What the table generates here: the enum and one method per column.
macro_rules! define_step_kinds {
    ($(
        $(#[$doc:meta])*
        $variant:ident($params:ty) = $name:literal {
            handling: $handling:expr,
            backup: $backup:expr,
            retry_refusal: $retry:expr,
            waiver_caution: $caution:expr $(,)?
        }
    )*) => {
        /// A step's kind and parameters.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "kind")]
        pub enum StepAction {
            $(
                $(#[$doc])*
                #[serde(rename = $name)]
                $variant($params),
            )*
        }

        impl StepAction {
            /// Every kind name, in catalogue order.
            pub const KIND_NAMES: &'static [&'static str] = &[$($name),*];

            /// The name written in plans.
            pub fn kind_name(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $name,)*
                }
            }

            /// How the runner handles this step (with what a person step needs).
            pub fn handling(&self) -> Handling<'_> {
                match self {
                    $(Self::$variant(p) => {
                        let handling: fn(&$params) -> Handling<'_> = $handling;
                        handling(p)
                    })*
                }
            }

            /// What the step has to do with backups.
            pub fn backup_role(&self) -> BackupRole {
                match self {
                    $(Self::$variant(_) => $backup,)*
                }
            }

            /// Why running this step again in the same run would not help, when it would not.
            pub fn retry_refusal(&self) -> Option<&'static str> {
                match self {
                    $(Self::$variant(_) => $retry,)*
                }
            }

            /// What a person must know before waiving a failure of this kind, when a waiver is
            /// more than "it failed but it is safe to go on"; the event log records that it was
            /// given over this caution.
            pub fn waiver_caution(&self) -> Option<&'static str> {
                match self {
                    $(Self::$variant(_) => $caution,)*
                }
            }

            /// The parameters, as what every kind's parameters can say.
            fn params(&self) -> &dyn StepParams {
                match self {
                    $(Self::$variant(p) => p,)*
                }
            }
        }
    };
}

with_step_kinds!(define_step_kinds);

impl StepAction {
    /// Check, action or person: what the driver, the dry run and every front end branch on.
    pub fn class(&self) -> StepClass {
        match self.handling() {
            Handling::Check => StepClass::Check,
            Handling::Action => StepClass::Action,
            Handling::Person(_) => StepClass::Person,
        }
    }

    /// Its evidence is a backup this run took: what rollback readiness looks for.
    pub fn makes_backup(&self) -> bool {
        self.backup_role() == BackupRole::Takes
    }

    /// Its evidence names a backup (taken now or found): the report's Backup section.
    pub fn shows_a_backup(&self) -> bool {
        self.backup_role() != BackupRole::Unrelated
    }

    /// A person answers it (a manual item or a sign-off): the run waits on them. A gate is a
    /// person step too, but the runner decides it from the steps it names.
    pub fn asks_a_person(&self) -> bool {
        matches!(self.handling(), Handling::Person(PersonStep::Confirm(_) | PersonStep::Signoff(_)))
    }

    /// The roles a sign-off step asks for (empty: every role), or `None` for any other step.
    pub fn signoff_roles(&self) -> Option<&[String]> {
        match self.handling() {
            Handling::Person(PersonStep::Signoff(p)) => Some(&p.roles),
            Handling::Person(PersonStep::Confirm(_) | PersonStep::Gate(_))
            | Handling::Check
            | Handling::Action => None,
        }
    }

    /// One sentence saying what a step with this action and title will do.
    pub fn describe(&self, title: &str) -> String {
        self.params().describe(title)
    }

    /// The concrete thing an action changes, for the confirmation that names it; `None` for
    /// checks and person steps, which change nothing.
    pub fn touches(&self) -> Option<String> {
        match self.class() {
            StepClass::Action => self.params().touches(),
            StepClass::Check | StepClass::Person => None,
        }
    }
}
