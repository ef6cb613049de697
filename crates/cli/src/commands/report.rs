//! `pilot report RUN_ID [-o FILE]`: the report, and with -o its signed approvals beside it.

use std::path::Path;

use pilot_engine::report::{approval_files, report as render};
use pilot_engine::store::RunStore;

use crate::failure::{ExitCode, Failure};
use crate::output::write_text;

pub fn report(store: &RunStore, run_id: &str, output: Option<&Path>) -> Result<ExitCode, Failure> {
    // Nothing is sealed from a broken record.
    let run = store.load_verified_run(run_id)?;
    write_text(output, &render(&run))?;
    if let Some(path) = output {
        eprintln!("Report of run {run_id} written to {}", path.display());
        // The signed approvals the report lists, beside it, for `ssh-keygen -Y verify`.
        let beside = path.parent().unwrap_or(Path::new(""));
        let files = approval_files(&run);
        for (name, text) in &files {
            let file = beside.join(name);
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|source| Failure::Write { path: dir.to_path_buf(), source })?;
            }
            write_text(Some(&file), text)?;
        }
        if let Some((first, _)) = files.first() {
            let dir = beside.join(first).parent().map(Path::to_path_buf).unwrap_or_default();
            eprintln!("{} signed approval(s) written to {}", files.len(), dir.display());
        }
    }
    Ok(ExitCode::Go)
}
