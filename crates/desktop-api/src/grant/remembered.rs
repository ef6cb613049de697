//! The repository folders the user chose before, kept in the data folder
//! (`chosen-repositories.json`) so the recent repositories open again after a restart.
//!
//! Only the desktop layer writes this file, when the user chose a folder in the native dialog;
//! the webview has no file-system access and no command that adds to it (it may only ask to
//! forget one). It is a convenience: a file that cannot be read or written leaves the app
//! working, with the folders chosen in this session only.

use std::path::{Path, PathBuf};

use pilot_engine::write::write_file_atomically;
use serde::{Deserialize, Serialize};

/// At most this many folders are remembered, the most recently chosen first.
const LIMIT: usize = 50;

/// The file's name in the data folder.
const FILE_NAME: &str = "chosen-repositories.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    /// Resolved folder paths, most recently chosen first.
    repositories: Vec<PathBuf>,
}

/// Where the chosen repositories are remembered.
#[derive(Debug, Clone)]
pub(crate) struct Remembered {
    file: PathBuf,
}

impl Remembered {
    /// Remember in `data_root`'s file.
    pub(crate) fn in_folder(data_root: &Path) -> Self {
        Self { file: data_root.join(FILE_NAME) }
    }

    pub(crate) fn load(&self) -> Vec<PathBuf> {
        self.read().repositories
    }

    pub(crate) fn add(&self, folder: &Path) {
        let mut stored = self.read();
        stored.repositories.retain(|f| f != folder);
        stored.repositories.insert(0, folder.to_path_buf());
        stored.repositories.truncate(LIMIT);
        self.write(&stored);
    }

    pub(crate) fn forget(&self, folder: &Path) {
        let mut stored = self.read();
        let before = stored.repositories.len();
        stored.repositories.retain(|f| f != folder);
        if stored.repositories.len() != before {
            self.write(&stored);
        }
    }

    // A missing or damaged file means nothing is remembered: the user chooses the folder
    // again, which is the safe side to fail on.
    fn read(&self) -> Stored {
        std::fs::read(&self.file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    // Not being able to write only costs the next start a dialog; the grant itself holds for
    // this session, so the choice the user just made is not turned into an error.
    fn write(&self, stored: &Stored) {
        if let Ok(json) = serde_json::to_vec_pretty(stored) {
            let _ = write_file_atomically(&self.file, &json);
        }
    }
}
