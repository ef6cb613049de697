//! `pilot report RUN_ID [-o FILE]`.

use std::path::Path;

use pilot_engine::report::report as render;
use pilot_engine::store::RunStore;

use crate::failure::{ExitCode, Failure};
use crate::output::write_text;

pub fn report(store: &RunStore, run_id: &str, output: Option<&Path>) -> Result<ExitCode, Failure> {
    // Nothing is sealed from a broken record.
    let run = store.load_verified_run(run_id)?;
    write_text(output, &render(&run))?;
    if let Some(path) = output {
        eprintln!("Report of run {run_id} written to {}", path.display());
    }
    Ok(ExitCode::Go)
}
