//! The command line, declared with clap. Help texts are the user documentation: keep them
//! plain and concrete.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "pilot",
    version,
    about = "Release Pilot: check, back up, deploy, validate and sign off a release, step by step, with a report at the end."
)]
pub struct Cli {
    /// The data folder holding the run store (default: the per-user data folder).
    #[arg(long, global = true, env = "RELEASE_PILOT_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what Release Pilot reads from a repository: branch, HEAD, changes, tags, releases,
    /// VERSION, CHANGELOG, upstream and the commits since the previous release.
    Inspect {
        #[command(flatten)]
        repo: RepoArg,
        /// Print JSON (a stable shape, documented in docs/cli.md).
        #[arg(long)]
        json: bool,
    },
    /// List the built-in plan templates.
    Templates {
        #[arg(long)]
        json: bool,
    },
    /// Work with plan files.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Run a plan: checks, backup, deploy, validation and sign-off, in order.
    Run(RunArgs),
    /// Continue a run that was interrupted or is waiting for answers.
    Resume {
        /// The run id (see `pilot runs`).
        run_id: String,
        /// Answers for manual items and waivers (TOML; see `pilot plan answers`).
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        /// A secret variable's value again, KEY=VALUE (repeatable): the store never keeps
        /// secrets, so a secret given with `pilot run --var` must be given again to resume.
        #[arg(long = "var", value_name = "KEY=VALUE")]
        var: Vec<String>,
        /// Secret values again from a TOML file of `key = "value"` lines.
        #[arg(long = "vars", value_name = "FILE")]
        vars: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Put the previous release back by running the plan's rollback phase in the same run: it
    /// lists what each rollback step will do and change, asks you to confirm (or --yes), records
    /// who asked and why, and the run ends "rolled back". Refused for dry runs and runs that
    /// changed nothing yet.
    Rollback {
        /// The run id (see `pilot runs`).
        run_id: String,
        /// Why the release is rolled back (it goes in the report).
        #[arg(long)]
        reason: String,
        /// Who asks for it, "Name <email>" (default: the run's operator).
        #[arg(long)]
        by: Option<String>,
        /// Do not ask for a confirmation (scripts, CI).
        #[arg(long)]
        yes: bool,
        /// Answers for the rollback phase's manual items (TOML; see `pilot plan answers`).
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// List runs, newest first; filter by outcome, version or person.
    Runs {
        #[arg(long)]
        json: bool,
        /// Only runs with this outcome.
        #[arg(long, value_enum)]
        outcome: Option<OutcomeArg>,
        /// Only runs of this version (a leading "v" is ignored).
        #[arg(long)]
        version: Option<String>,
        /// Only runs on which this person appears (operator, sign-off, answer, waiver,
        /// signature); part of a name or e-mail address, any case.
        #[arg(long)]
        person: Option<String>,
    },
    /// Sign a report with your SSH key (SSHSIG, namespace "release-pilot"); anyone verifies it
    /// with `ssh-keygen -Y verify` or `pilot verify`.
    Sign(SignArgs),
    /// Attach a signature (made with `pilot sign` or `ssh-keygen -Y sign -n release-pilot`) to
    /// a run; it must sign the run's report as it stands.
    Attach {
        /// The run id (see `pilot runs`).
        run_id: String,
        /// The signature file.
        signature: PathBuf,
        /// Who attaches it (default: the signing key's fingerprint).
        #[arg(long)]
        by: Option<String>,
    },
    /// Check a report: its integrity seal, the run's event log (when the run is in the store)
    /// and every signature given or attached. Exit 0 only when all are good.
    Verify {
        /// The report file, exactly as it was signed.
        report: PathBuf,
        /// Who may sign, in ssh-keygen's allowed_signers format.
        #[arg(long, value_name = "FILE")]
        allowed_signers: PathBuf,
        /// A signature file (repeatable; default: REPORT.sig when it exists).
        #[arg(long = "signature", value_name = "SIG")]
        signatures: Vec<PathBuf>,
        /// Revoked public keys, one per line (as ssh-keygen -Y verify -r reads them).
        #[arg(long, value_name = "FILE")]
        revoked: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Ask for sign-off (signed approvals, `[plan.signoff]`): publish the run's request — its
    /// report as it reads now, and what each approval must name — in the repository, and push
    /// it to the plan's remote. With --export, also write it as one file (e-mail, air gap).
    Request {
        /// The run id (see `pilot runs`).
        run_id: String,
        /// Also write the request as one file for approvers without the remote.
        #[arg(long, value_name = "FILE")]
        export: Option<PathBuf>,
        /// Record the request in the repository without pushing it.
        #[arg(long)]
        no_push: bool,
    },
    /// The open sign-off requests of a repository (fetched from its remote first), or one
    /// request's report (--run) to read before deciding.
    Requests {
        #[command(flatten)]
        repo: RepoArg,
        /// Print this run's report as published with its request.
        #[arg(long, value_name = "RUN")]
        run: Option<String>,
        /// The remote to fetch from.
        #[arg(long, default_value = "origin")]
        remote: String,
        /// Use what was fetched before (no network).
        #[arg(long)]
        no_fetch: bool,
    },
    /// Decide on a sign-off request as an approver, signed with your own SSH key: the request
    /// comes from the repository's remote (or an exported file), the signed approval goes back
    /// the same way (or to a file with --export).
    Approve(ApproveArgs),
    /// Receive a run's approvals: fetch them from the plan's remote (and read --import files),
    /// verify each against the plan's allowed_signers and the published request, and record
    /// those that count. Each refused one is listed with why.
    Approvals {
        /// The run id (see `pilot runs`).
        run_id: String,
        /// A signed approval file (repeatable), e.g. one that came by e-mail.
        #[arg(long = "import", value_name = "FILE")]
        import: Vec<PathBuf>,
        /// Do not fetch from the remote.
        #[arg(long)]
        no_fetch: bool,
    },
    /// The built-in demo project.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Write a run's Markdown report, or (`--format runbook`) the runbook its plan was imported
    /// from, handed back executed: each checkbox ticked only when its step passed, with the
    /// evidence under it.
    Report {
        run_id: String,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// `report` (the deployment report) or `runbook` (the imported runbook, executed).
        #[arg(long, value_enum, default_value = "report")]
        format: ReportFormat,
        /// The runbook to fill in (default: the file the plan was imported from, in the
        /// repository).
        #[arg(long, value_name = "FILE")]
        runbook: Option<PathBuf>,
    },
}

/// What `pilot report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Report,
    Runbook,
}

/// A run's outcome, as the filter of `pilot runs` takes it.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OutcomeArg {
    Go,
    NoGo,
    Pending,
    RolledBack,
}

#[derive(Debug, Args)]
#[group(id = "signer", required = true, multiple = true)]
pub struct SignArgs {
    /// The report to sign.
    pub report: PathBuf,
    /// Your private key (ed25519 or RSA, e.g. ~/.ssh/id_ed25519). An encrypted key reads its
    /// passphrase from PILOT_KEY_PASSPHRASE. With --agent: the public key (.pub) choosing
    /// which of the agent's keys signs.
    #[arg(long, value_name = "PATH", group = "signer")]
    pub key: Option<PathBuf>,
    /// Sign through the running ssh-agent (SSH_AUTH_SOCK; on Windows the OpenSSH agent).
    #[arg(long, group = "signer")]
    pub agent: bool,
    /// The sign-off role you sign for: one of the run's plan (the signature covers it).
    #[arg(long)]
    pub role: Option<String>,
    /// Where to write the signature (default: REPORT.sig).
    #[arg(short, long, value_name = "SIG")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[group(id = "approver", required = true, multiple = true)]
pub struct ApproveArgs {
    #[command(flatten)]
    pub repo: RepoArg,
    /// The run whose request you decide on (default: the only open request).
    #[arg(long, value_name = "RUN")]
    pub run: Option<String>,
    /// An exported request file instead of the repository's remote.
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// The role you decide for (its id, e.g. qa).
    #[arg(long)]
    pub role: String,
    /// approve, hold or reject.
    #[arg(long, default_value = "approve")]
    pub decision: String,
    /// Why (required for hold and reject).
    #[arg(long, default_value = "")]
    pub comment: String,
    /// Your private key (ed25519 or RSA). An encrypted key reads its passphrase from
    /// PILOT_KEY_PASSPHRASE. With --agent: the public key (.pub) choosing the agent's key.
    #[arg(long, value_name = "PATH", group = "approver")]
    pub key: Option<PathBuf>,
    /// Sign through the running ssh-agent.
    #[arg(long, group = "approver")]
    pub agent: bool,
    /// Write the signed approval to FILE (to send by e-mail) instead of pushing it.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// The remote requests come from and approvals go to.
    #[arg(long, default_value = "origin")]
    pub remote: String,
}

#[derive(Debug, Args)]
pub struct RepoArg {
    /// The repository folder (default: the current folder).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Write a built-in template as a plan file, to keep in the repository and adapt.
    Export {
        /// The template name (see `pilot templates`).
        name: String,
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Check a plan file and list every problem with its line and column.
    Check {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Import a Markdown runbook as a plan: every checkbox, command and table row becomes a step
    /// with its source line; known commands become native kinds. Prints what was found.
    Import {
        /// The runbook (Markdown).
        runbook: PathBuf,
        /// Write the plan here (default: standard output). Never overwrites without --force.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Print the plan format's JSON Schema (for editor completion).
    Schema {
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print an answers file to fill in: every manual item of a plan.
    Answers {
        #[command(flatten)]
        plan: PlanChoice,
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct PlanChoice {
    /// A plan file.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// A built-in template (see `pilot templates`).
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub repo: RepoArg,
    #[command(flatten)]
    pub plan: PlanChoice,
    /// The version being released (default: the VERSION file).
    #[arg(long)]
    pub version: Option<String>,
    /// The environment, e.g. staging or production (default: the plan's).
    #[arg(long)]
    pub environment: Option<String>,
    /// Answers for manual items and waivers (TOML; see `pilot plan answers`).
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Who runs the release, "Name <email>" (default: git's user.name and user.email).
    #[arg(long)]
    pub operator: Option<String>,
    /// Perform only read-only checks and say what each action would do.
    #[arg(long)]
    pub dry_run: bool,
    /// A value for one of the plan's [vars] for this run, KEY=VALUE (repeatable; wins over
    /// --vars). The value may use other variables, e.g. --var base_url=http://{{host}}:8080.
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub var: Vec<String>,
    /// Values for the plan's [vars] from a TOML file of `key = "value"` lines (e.g. one file per
    /// environment: staging.vars.toml, production.vars.toml).
    #[arg(long = "vars", value_name = "FILE")]
    pub vars: Option<PathBuf>,
    /// Print the result as one JSON object (progress goes to standard error).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Create the demo project (a repository with a release history and a plan) in DIR.
    Init {
        /// A new or empty folder.
        dir: PathBuf,
        /// Add the Docker mode: a plan that deploys Release Pilot's sample service through the
        /// Docker Engine API (see DOCKER.md in the demo for building its images).
        #[arg(long)]
        docker: bool,
    },
}
