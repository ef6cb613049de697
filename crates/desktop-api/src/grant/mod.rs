//! Which paths the webview may name: the grants.
//!
//! The webview is the least trusted part of the app: a page that went wrong (a bug, a script
//! that got in) can invoke every command the capability allows. If those commands took any path
//! it sends, it could point `start_run` at a plan file of its own and `drive_run` would run that
//! plan's commands — "run any program". So a path is used only when the *user* chose it, in a
//! native dialog the shell opened (the shell records the choice here before the webview even
//! learns the path), or when it lies in a folder the app made itself (the demo projects in the
//! data folder). The webview names a grant by its path; naming anything else is refused with
//! [`ErrorKind::NotChosen`], saying which dialog chooses it.
//!
//! What each kind of choice covers:
//!
//! - a **repository folder** (Open a repository folder…, `--repo`): the folder, and files in it
//!   as its plans. Remembered in the data folder ([`remembered`]), so the recent repositories
//!   open again after a restart without a dialog: the user chose them, and a release is made
//!   from the same repository many times. "Remove from the list" forgets one.
//! - a **file to read** (a plan file outside the repository, a signing key, a signature file,
//!   an allowed_signers file): that one file, for that one purpose — a signature file the user
//!   chose cannot be handed over as a plan. For this session only: these are one-off choices.
//! - a **save destination** (Save as…): that one file, to write the report to, read back for
//!   signing and verifying, and to write its signature beside it (`REPORT.sig`, a name the app
//!   derives, never one the webview sends). For this session only.
//!
//! Paths are compared after symlinks and `..` are resolved ([`resolve`]), so neither a link in
//! a chosen folder that points out of it nor `chosen/../elsewhere` gets out. What is compared is
//! the path at the time of the call; the webview cannot make links, so it cannot swap one in
//! between the check and the use.

pub(crate) mod remembered;
mod resolve;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use self::remembered::Remembered;
use self::resolve::{Resolved, canonical, destination, resolve};
use crate::{ApiError, ErrorKind};

/// What a file chosen in the shell's open dialog is for; a grant holds for that purpose only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum FilePurpose {
    /// A plan file kept outside the repository.
    Plan,
    /// An SSH private key to sign the report with.
    SigningKey,
    /// A `.sig` file someone made elsewhere, to attach to the run.
    Signature,
    /// The `allowed_signers` file the report's signatures are checked against.
    AllowedSigners,
    /// A sign-off request file the tech lead sent (teams without a shared remote).
    SignoffRequest,
    /// A signed approval file an approver sent back.
    Approval,
}

/// What a file chosen in the shell's save dialog will hold (besides the report, which has a
/// dialog of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SavePurpose {
    /// The run's sign-off request, for approvers without the shared remote.
    SignoffRequest,
    /// The approver's signed decision, to send back to the tech lead.
    Approval,
}

impl FilePurpose {
    /// The file's name in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Plan => "the plan file",
            Self::SigningKey => "the key file",
            Self::Signature => "the signature file",
            Self::AllowedSigners => "the allowed_signers file",
            Self::SignoffRequest => "the sign-off request file",
            Self::Approval => "the approval file",
        }
    }

    /// Where in the app it is chosen, for the refusal's "what to do".
    fn chosen_with(self) -> &'static str {
        match self {
            Self::Plan => "“Choose a plan file…” on the Project screen",
            Self::SigningKey => "Browse… beside “Private key file”",
            Self::Signature => "Browse… beside “Signature file”",
            Self::AllowedSigners => "Browse… beside “allowed_signers file”",
            Self::SignoffRequest => "“Open a request file…” on the Approve a release screen",
            Self::Approval => "“Import an approval file…” on the Sign-off screen",
        }
    }
}

/// What the user chose, resolved ([`resolve`]) when it was chosen.
#[derive(Debug, Default)]
struct Held {
    folders: Vec<PathBuf>,
    files: Vec<(PathBuf, FilePurpose)>,
    saves: Vec<PathBuf>,
}

/// The grant registry: what the user chose in this session, the repositories chosen before,
/// and the app's own folders.
#[derive(Debug)]
pub(crate) struct Grants {
    held: Mutex<Held>,
    /// Folders the app creates itself and may always use as repositories (the demo projects).
    /// Resolved at each check: they may not exist yet when the app starts.
    own: Vec<PathBuf>,
    remembered: Remembered,
}

impl Grants {
    /// A registry holding the repositories `remembered` lists, with `own` folders always usable.
    pub(crate) fn new(own: Vec<PathBuf>, remembered: Remembered) -> Self {
        let held = Held { folders: remembered.load(), ..Held::default() };
        Self { held: Mutex::new(held), own, remembered }
    }

    // The lists stay consistent whatever a panicking holder did (each change is one push or
    // retain), so a poisoned lock is taken over rather than refusing every path from then on.
    fn held(&self) -> MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Record a repository folder the user chose; `remember` keeps it for the next start.
    pub(crate) fn add_folder(&self, chosen: &Path, remember: bool) {
        let folder = resolved_or_lexical(chosen);
        let mut held = self.held();
        held.folders.retain(|f| *f != folder);
        held.folders.insert(0, folder.clone());
        if remember {
            self.remembered.add(&folder);
        }
    }

    /// Record a file the user chose to read for `purpose`.
    pub(crate) fn add_file(&self, chosen: &Path, purpose: FilePurpose) {
        let file = resolved_or_lexical(chosen);
        let mut held = self.held();
        if !held.files.iter().any(|(f, p)| *f == file && *p == purpose) {
            held.files.push((file, purpose));
        }
    }

    /// Record the file the user chose in the save dialog. `None` when it cannot be a file
    /// (no name, or its folder does not exist).
    pub(crate) fn add_save(&self, chosen: &Path) -> Option<()> {
        let target = destination(chosen)?;
        let mut held = self.held();
        if !held.saves.contains(&target) {
            held.saves.push(target);
        }
        Some(())
    }

    /// Forget a repository folder (the recent list's "Remove"): only ever narrows what the
    /// webview may name, so the webview may ask for it freely.
    pub(crate) fn forget_folder(&self, path: &Path) {
        let folder = resolved_or_lexical(path);
        self.held().folders.retain(|f| *f != folder);
        self.remembered.forget(&folder);
    }

    /// `path` may be opened as a repository: inside a chosen folder or one of the app's own.
    pub(crate) fn repository(&self, path: &str) -> Result<(), ApiError> {
        self.check(
            path,
            |held, real| self.in_folder(held, real),
            |leads_to| {
                refusal(
                    format!("{path} is not a folder you chose"),
                    leads_to,
                    "choose the repository with “Open a repository folder…” first (Release Pilot \
                 opens only folders you chose yourself)",
                )
            },
        )
    }

    /// `path` may be read as a plan: inside a chosen repository folder (or the app's own), or
    /// chosen as a plan file.
    pub(crate) fn plan_file(&self, path: &str) -> Result<(), ApiError> {
        self.check(
            path,
            |held, real| self.in_folder(held, real) || has_file(held, real, FilePurpose::Plan),
            |leads_to| {
                refusal(
                    format!(
                        "the plan file {path} is not inside the repository you opened, and was \
                         not chosen as a plan file"
                    ),
                    leads_to,
                    &format!(
                        "choose it with {} first, or open the repository that holds it",
                        FilePurpose::Plan.chosen_with()
                    ),
                )
            },
        )
    }

    /// `path` may be read for `purpose`: chosen for it, or inside `also_in` (the folder the app
    /// lists signing keys from, whose keys the user picks from that list).
    pub(crate) fn file(
        &self,
        path: &str,
        purpose: FilePurpose,
        also_in: Option<&Path>,
    ) -> Result<(), ApiError> {
        let listed = also_in.and_then(|dir| canonical(dir).ok());
        self.check(
            path,
            |held, real| {
                has_file(held, real, purpose)
                    || listed.as_deref().is_some_and(|d| real.starts_with(d))
            },
            |leads_to| {
                refusal(
                    format!("{} {path} was not chosen in this window", purpose.noun()),
                    leads_to,
                    &format!("choose it with {} first", purpose.chosen_with()),
                )
            },
        )
    }

    /// `path` is the very file the user chose in the save dialog, so the report may be
    /// written there.
    pub(crate) fn save_destination(&self, path: &str) -> Result<(), ApiError> {
        let target = destination(Path::new(path));
        if target.is_some_and(|t| self.held().saves.contains(&t)) {
            return Ok(());
        }
        Err(ApiError::new(
            ErrorKind::NotChosen,
            format!(
                "the report may be saved only to the file you chose in the Save as… dialog, and \
                 {path} is not that file: click “Save as…” and choose where to save it"
            ),
        ))
    }

    /// `path` is a report the user saved with Save as… in this session: it may be read back
    /// to sign or verify it, and its signature written beside it.
    pub(crate) fn saved_report(&self, path: &str) -> Result<(), ApiError> {
        self.save_destination(path).map_err(|_| {
            ApiError::new(
                ErrorKind::NotChosen,
                format!(
                    "{path} is not a report saved with Save as… in this window: save the report \
                     with “Save as…”, then sign or verify that file"
                ),
            )
        })
    }

    fn in_folder(&self, held: &Held, real: &Path) -> bool {
        held.folders.iter().any(|f| real.starts_with(f))
            || self.own.iter().filter_map(|d| canonical(d).ok()).any(|d| real.starts_with(d))
    }

    /// Resolve `path` and ask `covers` whether a grant holds it. A path that does not exist
    /// but would be covered is let through, so the command reports it missing in its own words
    /// (the engine's "not a git repository", "could not read"); one that would not is refused
    /// the same way whether it exists or not.
    fn check(
        &self,
        path: &str,
        covers: impl Fn(&Held, &Path) -> bool,
        refused: impl FnOnce(Option<&Path>) -> ApiError,
    ) -> Result<(), ApiError> {
        let given = Path::new(path);
        let held = self.held();
        match resolve(given) {
            Resolved::Found(real) if covers(&held, &real) => Ok(()),
            Resolved::Found(real) => {
                // Name where it leads only when that is not plain to see from the path itself
                // (a link, or `..`): that is the part a person would not expect.
                let hidden = std::path::absolute(given).is_ok_and(|plain| plain != real);
                Err(refused(hidden.then_some(real.as_path())))
            }
            Resolved::Missing { lexical } if covers(&held, &lexical) => Ok(()),
            Resolved::Missing { .. } => Err(refused(None)),
        }
    }
}

fn has_file(held: &Held, real: &Path, purpose: FilePurpose) -> bool {
    held.files.iter().any(|(f, p)| f == real && *p == purpose)
}

/// The choice as it will be compared: resolved, or as far as the text goes when it does not
/// exist (a `--repo` folder that is missing is then reported missing by the engine, not
/// refused as unchosen).
fn resolved_or_lexical(path: &Path) -> PathBuf {
    match resolve(path) {
        Resolved::Found(real) => real,
        Resolved::Missing { lexical } => lexical,
    }
}

fn refusal(what: String, leads_to: Option<&Path>, to_do: &str) -> ApiError {
    let what = match leads_to {
        Some(real) => format!(
            "{what}: it leads to {} (through a link or “..”), outside everything you chose",
            real.display()
        ),
        None => what,
    };
    ApiError::new(ErrorKind::NotChosen, format!("{what}. To use it, {to_do}"))
}
