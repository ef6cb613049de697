//! `pilot report RUN_ID [-o FILE]`: the report, and with -o its signed approvals beside it.

use std::path::Path;

use pilot_engine::report::{approval_files, executed_runbook, report as render, runbook_file};
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

/// `pilot report RUN --format runbook`: the runbook the plan was imported from, executed.
pub fn runbook(
    store: &RunStore,
    run_id: &str,
    runbook: Option<&Path>,
    output: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let run = store.load_verified_run(run_id)?;
    let Some(file) = runbook_file(&run) else {
        return Err(Failure::Refused {
            why: format!(
                "run {run_id}'s plan was not imported from a runbook (no step has a `source`): \
                 use `pilot report {run_id}` for its report"
            ),
        });
    };
    let path =
        runbook.map_or_else(|| Path::new(&run.header.repo_path).join(&file), Path::to_path_buf);
    let bytes = std::fs::read(&path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound && runbook.is_none() {
            Failure::Refused {
                why: format!(
                    "the runbook {file} the plan was imported from is not at {}: give it with \
                     --runbook FILE",
                    path.display()
                ),
            }
        } else {
            Failure::Read { path: path.clone(), source }
        }
    })?;
    write_text(output, &executed_runbook(&run, &bytes, &file))?;
    if let Some(out) = output {
        eprintln!("The runbook {file}, executed by run {run_id}, written to {}", out.display());
    }
    Ok(ExitCode::Go)
}
