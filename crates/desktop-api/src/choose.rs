//! Recording what the user chose in the shell's native dialogs (see `crate::grant`).
//!
//! The shell calls these when a dialog returns, before the webview hears of the path; nothing
//! the webview sends reaches them. Each returns the path as the dialog gave it, which the
//! webview then names in the commands that use it.

use std::path::Path;

use crate::grant::FilePurpose;
use crate::{ApiError, Desktop, ErrorKind};

impl Desktop {
    /// The user chose `folder` as a repository (Open a repository folder…): it and the plan
    /// files in it may be used from now on, and after a restart (remembered in the data
    /// folder, for the recent repositories).
    pub fn grant_repository(&self, folder: &Path) -> String {
        self.grants.add_folder(folder, true);
        folder.display().to_string()
    }

    /// The user chose `file` to read for `purpose`, in this session.
    pub fn grant_file(&self, file: &Path, purpose: FilePurpose) -> String {
        self.grants.add_file(file, purpose);
        file.display().to_string()
    }

    /// The user chose `file` in the save dialog: the report may be written there (and read
    /// back to sign and verify it), in this session.
    pub fn grant_report_destination(&self, file: &Path) -> Result<String, ApiError> {
        self.grants.add_save(file).ok_or_else(|| {
            ApiError::new(
                ErrorKind::Io,
                format!(
                    "the report cannot be saved as {}: its folder does not exist or it names no \
                     file. Click “Save as…” again and choose a file in an existing folder",
                    file.display()
                ),
            )
        })?;
        Ok(file.display().to_string())
    }

    /// The user chose `file` in the save dialog for a sign-off request or an approval file: it
    /// may be written there, in this session.
    pub fn grant_save_destination(&self, file: &Path) -> Result<String, ApiError> {
        self.grants.add_save(file).ok_or_else(|| {
            ApiError::new(
                ErrorKind::Io,
                format!(
                    "nothing can be saved as {}: its folder does not exist or it names no file. \
                     Choose a file in an existing folder",
                    file.display()
                ),
            )
        })?;
        Ok(file.display().to_string())
    }

    /// Forget a repository chosen before (the recent list's "Remove"). The webview may call
    /// this with any path: forgetting only ever takes a grant away.
    pub fn forget_repository(&self, folder: &str) {
        self.grants.forget_folder(Path::new(folder));
    }

    /// The file name the save dialog suggests for a run's report.
    pub fn report_file_name(&self, run_id: &str) -> Result<String, ApiError> {
        let run = self.store.load_run(run_id)?;
        Ok(format!("release-{}-report.md", run.header.version))
    }
}
