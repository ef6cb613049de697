//! The commands the web UI invokes, one file per group. Each is a few lines: take the state,
//! run one blocking `Desktop` method on the blocking thread pool, return its result. Names and
//! camelCase arguments are the contract with the UI (see `build.rs`, which lists them for the
//! access control, and `capabilities/default.json`, which allows them). The `choose` commands
//! are the exception to "one method": they open a native dialog first and record the choice.

pub mod app;
pub mod approvals;
pub mod choose;
pub mod project;
pub mod report;
pub mod run;
pub mod signature;

use pilot_desktop_api::{ApiError, Desktop, ErrorKind};
use tauri::Runtime;
use tauri::ipc::Invoke;

use crate::AppState;

/// The invoke handler with every command registered.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app::app_info,
        choose::choose_repo,
        choose::choose_file,
        choose::choose_report_destination,
        choose::forget_repo,
        project::inspect_repo,
        project::list_templates,
        project::find_plans,
        project::preview_plan,
        project::create_demo,
        run::start_run,
        run::drive_run,
        run::answer_manual,
        run::waive_step,
        run::request_rollback,
        run::agree_waiver,
        run::answer_number,
        run::record_signoff,
        run::get_run,
        run::list_runs,
        report::report_markdown,
        report::report_html,
        report::save_report,
        report::rollback_readiness,
        signature::signing_setup,
        signature::sign_report,
        signature::attach_signature,
        signature::verify_report,
        approvals::request_signoff,
        approvals::collect_approvals,
        approvals::open_requests,
        approvals::approve_request,
        approvals::export_request,
        approvals::import_approval,
        approvals::open_request_file,
        approvals::sign_request_file,
        choose::choose_save_destination,
    ]
}

/// Run `work` on the blocking thread pool: git2 and SQLite block, and the main thread must
/// keep the window responsive. `command` names the command in the error if the work panics.
pub(crate) async fn off_main_thread<T, F>(
    state: &AppState,
    command: &str,
    work: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Desktop) -> Result<T, ApiError> + Send + 'static,
{
    let desktop = state.desktop()?;
    tauri::async_runtime::spawn_blocking(move || work(&desktop)).await.map_err(|e| {
        ApiError::new(
            ErrorKind::Internal,
            format!(
                "{command} stopped unexpectedly ({e}); nothing was lost that the run store had \
                 recorded: reopen the run from the history and try again"
            ),
        )
    })?
}
