//! The catalogue of step kinds and their parameters. The structs here are the single source of
//! truth: the TOML loader checks parameter names against them, the JSON Schema is generated from
//! them, and the executors read them.
//!
//! String parameters may contain variables (`{{version}}`, `{{previous_tag}}`, `{{commit}}`,
//! `{{environment}}`, plan `[vars]`); they are substituted when the run starts.
//!
//! To add a kind: add a variant here (its `rename` is the name written in plans), give it a
//! parameter struct, add it to [`StepAction::kind_name`] / [`StepAction::is_read_only`], and
//! write its executor.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A step's kind and parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind")]
pub enum StepAction {
    /// A checklist item a person ticks (with an optional note).
    #[serde(rename = "manual")]
    Manual(ManualParams),
    /// Passes when every named step passed, warned or was waived.
    #[serde(rename = "gate")]
    Gate(GateParams),

    /// The working tree has no uncommitted changes.
    #[serde(rename = "git.clean")]
    GitClean(GitCleanParams),
    /// HEAD is on the expected branch.
    #[serde(rename = "git.branch")]
    GitBranch(GitBranchParams),
    /// HEAD is the expected commit, or carries the expected tag.
    #[serde(rename = "git.head")]
    GitHead(GitHeadParams),
    /// The VERSION file holds a valid semver version, equal to the expected one.
    #[serde(rename = "git.version")]
    GitVersion(GitVersionParams),
    /// CHANGELOG.md has an entry for the version.
    #[serde(rename = "git.changelog")]
    GitChangelog(GitChangelogParams),
    /// A release-notes file for the version exists.
    #[serde(rename = "git.release_notes")]
    GitReleaseNotes(GitReleaseNotesParams),
    /// The branch is not behind (or ahead of) its upstream by more than allowed.
    #[serde(rename = "git.upstream")]
    GitUpstream(GitUpstreamParams),
    /// A tag exists (optionally at HEAD).
    #[serde(rename = "git.tag")]
    GitTag(GitTagParams),
    /// A previous release tag exists, so rollback has a target and the report a range.
    #[serde(rename = "git.previous_release")]
    GitPreviousRelease(GitPreviousReleaseParams),

    /// Enough free disk space.
    #[serde(rename = "system.disk")]
    SystemDisk(SystemDiskParams),
    /// Enough available memory.
    #[serde(rename = "system.memory")]
    SystemMemory(SystemMemoryParams),

    /// A file exists (optionally with a minimum size).
    #[serde(rename = "file.exists")]
    FileExists(FileExistsParams),
    /// A file was modified recently enough.
    #[serde(rename = "file.age")]
    FileAge(FileAgeParams),
    /// An env file defines a key whose value is at least N characters long. The value is never
    /// printed, logged or reported.
    #[serde(rename = "file.env_key")]
    FileEnvKey(FileEnvKeyParams),

    /// Runs a program with arguments (never through a shell).
    #[serde(rename = "command")]
    Command(CommandParams),

    /// The Docker engine answers.
    #[serde(rename = "docker.engine")]
    DockerEngine(DockerEngineParams),
    /// An image exists locally.
    #[serde(rename = "docker.image")]
    DockerImage(DockerImageParams),
    /// A volume exists.
    #[serde(rename = "docker.volume")]
    DockerVolume(DockerVolumeParams),
    /// A container is running (and healthy).
    #[serde(rename = "docker.container")]
    DockerContainer(DockerContainerParams),

    /// Online, verified backup of a SQLite database.
    #[serde(rename = "backup.sqlite")]
    BackupSqlite(BackupSqliteParams),
    /// A plan-defined backup program whose output file is checked.
    #[serde(rename = "backup.command")]
    BackupCommand(BackupCommandParams),
    /// A verified backup younger than N hours exists.
    #[serde(rename = "backup.recent")]
    BackupRecent(BackupRecentParams),

    /// Recreate a container on a new image with the old one's configuration.
    #[serde(rename = "deploy.recreate")]
    DeployRecreate(DeployRecreateParams),
    /// Run a command inside a container (migrations).
    #[serde(rename = "deploy.exec")]
    DeployExec(DeployExecParams),
    /// Wait for a log line.
    #[serde(rename = "deploy.wait_log")]
    DeployWaitLog(DeployWaitLogParams),
    /// A plan-defined deploy program (a compose file, a PowerShell script).
    #[serde(rename = "deploy.command")]
    DeployCommand(CommandParams),
    /// Restore the backup and put the previous version back.
    #[serde(rename = "rollback")]
    Rollback(RollbackParams),

    /// One HTTP request with expectations.
    #[serde(rename = "http.check")]
    HttpCheck(HttpCheckParams),
    /// Latency percentiles and error rate under load.
    #[serde(rename = "http.latency")]
    HttpLatency(HttpLatencyParams),
    /// Rate limiting answers 429 after N requests.
    #[serde(rename = "http.rate_limit")]
    HttpRateLimit(HttpRateLimitParams),
    /// Scan logs for forbidden and required patterns.
    #[serde(rename = "log.scan")]
    LogScan(LogScanParams),
    /// Import a JUnit XML or Playwright JSON report with pass-rate gates.
    #[serde(rename = "test.report")]
    TestReport(TestReportParams),
    /// Repeat checks every interval for a duration.
    #[serde(rename = "soak")]
    Soak(SoakParams),
    /// Sign-off by the plan's roles.
    #[serde(rename = "signoff")]
    Signoff(SignoffParams),
}

impl StepAction {
    /// Every kind name, in catalogue order.
    pub const KIND_NAMES: &'static [&'static str] = &[
        "manual",
        "gate",
        "git.clean",
        "git.branch",
        "git.head",
        "git.version",
        "git.changelog",
        "git.release_notes",
        "git.upstream",
        "git.tag",
        "git.previous_release",
        "system.disk",
        "system.memory",
        "file.exists",
        "file.age",
        "file.env_key",
        "command",
        "docker.engine",
        "docker.image",
        "docker.volume",
        "docker.container",
        "backup.sqlite",
        "backup.command",
        "backup.recent",
        "deploy.recreate",
        "deploy.exec",
        "deploy.wait_log",
        "deploy.command",
        "rollback",
        "http.check",
        "http.latency",
        "http.rate_limit",
        "log.scan",
        "test.report",
        "soak",
        "signoff",
    ];

    /// The name written in plans.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Manual(_) => "manual",
            Self::Gate(_) => "gate",
            Self::GitClean(_) => "git.clean",
            Self::GitBranch(_) => "git.branch",
            Self::GitHead(_) => "git.head",
            Self::GitVersion(_) => "git.version",
            Self::GitChangelog(_) => "git.changelog",
            Self::GitReleaseNotes(_) => "git.release_notes",
            Self::GitUpstream(_) => "git.upstream",
            Self::GitTag(_) => "git.tag",
            Self::GitPreviousRelease(_) => "git.previous_release",
            Self::SystemDisk(_) => "system.disk",
            Self::SystemMemory(_) => "system.memory",
            Self::FileExists(_) => "file.exists",
            Self::FileAge(_) => "file.age",
            Self::FileEnvKey(_) => "file.env_key",
            Self::Command(_) => "command",
            Self::DockerEngine(_) => "docker.engine",
            Self::DockerImage(_) => "docker.image",
            Self::DockerVolume(_) => "docker.volume",
            Self::DockerContainer(_) => "docker.container",
            Self::BackupSqlite(_) => "backup.sqlite",
            Self::BackupCommand(_) => "backup.command",
            Self::BackupRecent(_) => "backup.recent",
            Self::DeployRecreate(_) => "deploy.recreate",
            Self::DeployExec(_) => "deploy.exec",
            Self::DeployWaitLog(_) => "deploy.wait_log",
            Self::DeployCommand(_) => "deploy.command",
            Self::Rollback(_) => "rollback",
            Self::HttpCheck(_) => "http.check",
            Self::HttpLatency(_) => "http.latency",
            Self::HttpRateLimit(_) => "http.rate_limit",
            Self::LogScan(_) => "log.scan",
            Self::TestReport(_) => "test.report",
            Self::Soak(_) => "soak",
            Self::Signoff(_) => "signoff",
        }
    }

    /// Read-only steps only look; they run concurrently within a phase and in a dry run.
    /// Everything else changes something and runs one at a time (and not at all in a dry run).
    pub fn is_read_only(&self) -> bool {
        match self {
            Self::Command(p) => p.read_only,
            Self::Manual(_)
            | Self::Gate(_)
            | Self::BackupSqlite(_)
            | Self::BackupCommand(_)
            | Self::DeployRecreate(_)
            | Self::DeployExec(_)
            | Self::DeployCommand(_)
            | Self::Rollback(_)
            | Self::Soak(_)
            | Self::Signoff(_) => false,
            // Waiting for a log line, load tests and rate-limit probes only observe.
            _ => true,
        }
    }

    /// What a person must know before waiving a failure of this kind, when a waiver is more
    /// than "it failed but it is safe to go on". After a failed deploy or rollback the service
    /// is not the version the rest of the plan would validate and sign off, so the way on is to
    /// fix the cause and run it again; a waiver is for when the work was done another way (a
    /// staging deploy made by hand, a restore done by hand), and the event log records that it
    /// was given over this caution.
    pub fn waiver_caution(&self) -> Option<&'static str> {
        match self {
            Self::DeployRecreate(_) => Some(
                "the new version did not take over (the previous container was put back when \
                 it could be; the evidence says): waive only if it was deployed another way, \
                 since everything after this checks whatever is running now",
            ),
            Self::Rollback(_) => Some(
                "the service may be running neither version: waive only once it was restored \
                 by hand, and say how in the reason",
            ),
            _ => None,
        }
    }

    /// Why running this step again in the same run would not help, when it would not. The git
    /// checks answer from the repository facts read when the run started (the release is that
    /// commit and that working tree), so after changing the repository the way on is a new run;
    /// a sign-off that failed was rejected by a person, which no second try undoes.
    pub fn retry_refusal(&self) -> Option<&'static str> {
        match self {
            Self::GitClean(_)
            | Self::GitBranch(_)
            | Self::GitHead(_)
            | Self::GitVersion(_)
            | Self::GitChangelog(_)
            | Self::GitReleaseNotes(_)
            | Self::GitUpstream(_)
            | Self::GitTag(_)
            | Self::GitPreviousRelease(_) => Some(
                "this check reads the repository as it was when the run started (the release \
                 is that commit); after fixing the repository, start a new run",
            ),
            // A recorded rejection is a decision, not a fault to retry past.
            Self::Signoff(_) => Some(
                "a recorded rejection stands: fix what the reviewer asked for, then start a new \
                 run for the fixed release",
            ),
            _ => None,
        }
    }
}

// ----- manual and gate --------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualParams {
    /// A command or instruction shown to the person, e.g. "docker-compose --version".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateParams {
    /// Ids of the steps that must have passed, warned or been waived.
    pub requires: Vec<String>,
}

// ----- git ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitCleanParams {
    /// Untracked files do not make the tree dirty.
    #[serde(default)]
    pub allow_untracked: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitBranchParams {
    /// The branch HEAD must be on, e.g. "main".
    pub expect: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitHeadParams {
    /// A commit id or prefix HEAD must be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_commit: Option<String>,
    /// A tag that must point at HEAD, e.g. "v{{version}}".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_tag: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitVersionParams {
    /// The version file (default: "VERSION").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The value it must hold (default: the run's target version, `{{version}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitChangelogParams {
    /// The changelog (default: "CHANGELOG.md").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The version that needs an entry (default: `{{version}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitReleaseNotesParams {
    /// File-name glob (default: "RELEASE_NOTES*{{version}}*.md"), looked for at the work tree
    /// root and under docs/.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitUpstreamParams {
    /// Most commits the branch may be behind its upstream (default 0).
    #[serde(default)]
    pub max_behind: usize,
    /// Most commits the branch may be ahead of its upstream (default: unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ahead: Option<usize>,
    /// Fail when the branch has no upstream (default: warn only).
    #[serde(default)]
    pub require_upstream: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitTagParams {
    /// The tag name, e.g. "v{{version}}".
    pub name: String,
    /// The tag must point at HEAD.
    #[serde(default)]
    pub at_head: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitPreviousReleaseParams {}

// ----- system ------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemDiskParams {
    /// A path on the disk to measure (default: the repository).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Minimum free space in GB (10^9 bytes).
    pub min_free_gb: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemMemoryParams {
    /// Minimum available memory in GB (10^9 bytes).
    pub min_available_gb: f64,
}

// ----- file --------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileExistsParams {
    /// Path, relative to the repository unless absolute.
    pub path: String,
    /// Minimum size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size_bytes: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileAgeParams {
    /// Path, relative to the repository unless absolute.
    pub path: String,
    /// The file must have been modified at most this many hours ago.
    pub max_age_hours: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileEnvKeyParams {
    /// The env file (KEY=value lines), relative to the repository unless absolute.
    pub path: String,
    /// The key that must be present, e.g. "SECRET_KEY".
    pub key: String,
    /// The value must be at least this many characters long (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
}

// ----- command -----------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandParams {
    /// The program, found on PATH or given as a path; never a shell line.
    pub program: String,
    /// Arguments passed to the program as they are (no shell quoting or globbing).
    #[serde(default)]
    pub args: Vec<String>,
    /// Working directory, relative to the repository unless absolute (default: the repository).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// Extra environment variables.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Kill the program after this many seconds (default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    /// The exit code that means success (default 0).
    #[serde(default)]
    pub expect_exit: i32,
    /// The output (stdout or stderr) must contain this text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_output: Option<String>,
    /// Also save the program's standard output to this file, relative to the repository unless
    /// absolute (e.g. a report a test runner prints with `--reporter=json`, for a `test.report`
    /// step to import). Written whatever the exit code; the file appears only once complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdout_file: Option<String>,
    /// The command only looks (a test suite, a linter): it may run in a dry run and concurrently.
    #[serde(default)]
    pub read_only: bool,
}

// ----- docker ------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DockerEngineParams {
    /// Minimum engine API version, e.g. "1.41".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_api_version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DockerImageParams {
    /// Image reference, e.g. "sms:{{version}}".
    pub image: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DockerVolumeParams {
    /// The volume name.
    pub volume: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DockerContainerParams {
    /// The container name or id.
    pub container: String,
    /// The container's health check must report healthy (default true).
    #[serde(default = "yes")]
    pub healthy: bool,
    /// When the health is "starting" or "unhealthy", wait up to this many seconds for it to
    /// become healthy before failing (default 15): a container just started, or paused a moment
    /// for a backup, reports unhealthy until its next check passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settle_secs: Option<u64>,
}

fn yes() -> bool {
    true
}

// ----- backup ------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupSqliteParams {
    /// The database file on the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Or: the container that holds it...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// ...or the volume that holds it...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// ...and the database's path inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_path: Option<String>,
    /// The backups folder (default: the data folder's backups/).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dest_dir: Option<String>,
    /// Minimum size of a good backup in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size_bytes: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupCommandParams {
    /// The backup program, found on PATH or given as a path; never a shell line.
    pub program: String,
    /// Arguments passed to the program as they are.
    #[serde(default)]
    pub args: Vec<String>,
    /// The file the program writes; it is checked (exists, size, SHA-256).
    pub output: String,
    /// Minimum size of a good backup file in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size_bytes: Option<u64>,
    /// Kill the program after this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupRecentParams {
    /// The backups folder (default: the data folder's backups/).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
    /// The newest verified backup must be at most this many hours old.
    pub max_age_hours: f64,
}

// ----- deploy and rollback -----------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployRecreateParams {
    /// The container to recreate (name or id).
    pub container: String,
    /// The new image, e.g. "sms:{{version}}".
    pub image: String,
    /// How long to wait for the health check (default 120 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployExecParams {
    /// The container to run the command in.
    pub container: String,
    /// The command and its arguments, e.g. ["/service", "migrate"].
    pub command: Vec<String>,
    /// Extra environment variables for the command (on top of the container's).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Stop waiting for the command after this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    /// The exit code that means success.
    #[serde(default)]
    pub expect_exit: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployWaitLogParams {
    /// The container whose log is followed.
    pub container: String,
    /// Regular expression, e.g. "Application startup complete".
    pub pattern: String,
    /// Fail when the line has not appeared after this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackParams {
    /// The container to put back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The image to put back (default: the previous release's image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The backup step whose verified backup is restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_step: Option<String>,
    /// Health checks to re-run afterwards (step ids).
    #[serde(default)]
    pub recheck: Vec<String>,
    /// The database's path inside the container, e.g. "/data/app.db": when given, the newest
    /// verified backup (see `backup_file` / `backup_dir`) is restored into it, with the container
    /// stopped, before the previous version starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_path: Option<String>,
    /// The backup file to restore (relative to the repository unless absolute)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_file: Option<String>,
    /// ...or the backups folder whose newest backup is restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_dir: Option<String>,
    /// How long the previous version has to become healthy (default 120 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_timeout_secs: Option<u64>,
}

// ----- validation --------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpCheckParams {
    /// The URL to request, e.g. "http://127.0.0.1:8080/health".
    pub url: String,
    /// The HTTP method, e.g. "GET" or "HEAD".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Request headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Expected status (default 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_status: Option<u16>,
    /// Texts the response body must contain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body_contains: Vec<String>,
    /// Texts the response body must not contain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body_not_contains: Vec<String>,
    /// A JSON pointer into the body, e.g. "/version"...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_pointer: Option<String>,
    /// ...and the value it must equal, e.g. "{{version}}".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_equals: Option<String>,
    /// Give up on a request after this many milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// How many times to retry a failed request before failing the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// A CA certificate file to trust (internal certificates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpLatencyParams {
    /// The URL to request.
    pub url: String,
    /// Number of requests (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<u32>,
    /// Requests in flight at once (default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Or: keep going for this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<u64>,
    /// Highest acceptable median latency in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p50_ms: Option<f64>,
    /// Highest acceptable 95th-percentile latency in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<f64>,
    /// Highest acceptable 99th-percentile latency in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_ms: Option<f64>,
    /// Highest acceptable latency of any request in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ms: Option<f64>,
    /// Highest acceptable error rate in percent, e.g. 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_error_rate_pct: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpRateLimitParams {
    /// The URL to request.
    pub url: String,
    /// The limit: a rejection is expected after this many requests...
    pub requests: u32,
    /// ...within this window.
    pub window_secs: u64,
    /// The rejection status (default 429).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_status: Option<u16>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogScanParams {
    /// Container whose logs are scanned (through the Docker API)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// ...or a log file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Patterns that must not appear (regular expressions), e.g. ["ERROR", "CRITICAL"].
    #[serde(default)]
    pub forbid: Vec<String>,
    /// Patterns that must appear, e.g. ["Application startup complete"].
    #[serde(default)]
    pub require: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestReportParams {
    /// The report file (JUnit XML or Playwright JSON).
    pub path: String,
    /// "junit", "playwright" or "auto" (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Minimum pass rate in percent, e.g. 95.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_pass_rate_pct: Option<f64>,
    /// Tests whose name, suite or tag matches this pattern are critical...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical: Option<String>,
    /// ...and must all pass.
    #[serde(default)]
    pub all_critical_pass: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoakParams {
    /// Step ids of read-only checks to repeat every round (http.check, http.latency, log.scan, …).
    #[serde(default)]
    pub checks: Vec<String>,
    /// A URL to load every round as well: its p50, p95 and error rate make the chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// GET requests to `url` per round (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_round: Option<u32>,
    /// Concurrent requests to `url` (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Seconds between the starts of two rounds (at least 1); a number or a `{{variable}}`.
    pub interval_secs: super::seconds::Seconds,
    /// How long the soak lasts, in seconds, from its first start (a resumed soak keeps it); a
    /// number or a `{{variable}}`.
    pub duration_secs: super::seconds::Seconds,
    /// Every round's p95 must be at or under this many milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<f64>,
    /// Errors over the whole soak (failed requests and failed checks), in percent. Without it,
    /// any error fails the soak.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_error_rate_pct: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignoffParams {
    /// Role ids that must sign off (default: every role of the plan).
    #[serde(default)]
    pub roles: Vec<String>,
}
