//! Runs: start one, drive it screen by screen with live progress, answer manual items, waive
//! failed steps, list and reload runs.

use std::sync::atomic::{AtomicBool, Ordering};

use pilot_desktop_api::ApiError;
use pilot_desktop_api::dto::{
    DecisionDto, RunDto, RunEventDto, RunSummaryDto, StageDto, StartRunDto,
};
use tauri::State;
use tauri::ipc::Channel;

use super::off_main_thread;
use crate::AppState;
use crate::forward::{Batching, Forwarder};

/// Record a new run; nothing executes until `drive_run`.
#[tauri::command]
pub async fn start_run(
    state: State<'_, AppState>,
    request: StartRunDto,
) -> Result<RunDto, ApiError> {
    off_main_thread(&state, "start_run", move |d| d.start_run(request)).await
}

/// Drive the run up to the end of `up_to`'s screen (or to the end), streaming each event to
/// `on_event` once the engine has stored what it reports. Events pass through a forwarding
/// thread that batches output lines (see [`crate::forward`]): the engine never waits on the
/// window, and the window gets a few output messages a second however chatty a step is.
#[tauri::command]
pub async fn drive_run(
    state: State<'_, AppState>,
    run_id: String,
    up_to: Option<StageDto>,
    resuming: bool,
    on_event: Channel<RunEventDto>,
) -> Result<RunDto, ApiError> {
    let label = run_id.clone();
    let reported = AtomicBool::new(false);
    let send = move |event: RunEventDto| {
        // The window may close mid-run: the run goes on (its results are stored and the next
        // window resumes from them), so a lost message is logged once, not fatal.
        if let Err(e) = on_event.send(event)
            && !reported.swap(true, Ordering::Relaxed)
        {
            eprintln!("release-pilot: progress of run {label} not delivered to the window: {e}");
        }
    };
    let forwarder = Forwarder::start(send, Batching::default())?;
    off_main_thread(&state, "drive_run", move |d| {
        let result = d.drive_run(&run_id, up_to, resuming, &|event| forwarder.queue(event));
        // Every event reaches the window before the command's answer does.
        forwarder.finish();
        result
    })
    .await
}

/// Tick (or untick) a manual item, with an optional note and who answered.
#[tauri::command]
pub async fn answer_manual(
    state: State<'_, AppState>,
    run_id: String,
    step_id: String,
    done: bool,
    note: Option<String>,
    by: Option<String>,
) -> Result<RunDto, ApiError> {
    off_main_thread(&state, "answer_manual", move |d| {
        d.answer_manual(&run_id, &step_id, done, note.as_deref(), by.as_deref())
    })
    .await
}

/// Record a person's sign-off decision (approve, reject or hold) for one of the plan's roles.
#[tauri::command]
pub async fn record_signoff(
    state: State<'_, AppState>,
    run_id: String,
    role: String,
    name: String,
    decision: DecisionDto,
    comment: String,
) -> Result<RunDto, ApiError> {
    off_main_thread(&state, "record_signoff", move |d| {
        d.record_signoff(&run_id, &role, &name, decision, &comment)
    })
    .await
}

/// Waive a failed step; the reason is required and recorded as given.
#[tauri::command]
pub async fn waive_step(
    state: State<'_, AppState>,
    run_id: String,
    step_id: String,
    reason: String,
    by: Option<String>,
) -> Result<RunDto, ApiError> {
    off_main_thread(&state, "waive_step", move |d| {
        d.waive_step(&run_id, &step_id, &reason, by.as_deref())
    })
    .await
}

/// Answer a manual item that asks for a number, with an optional note and who answered.
#[tauri::command]
pub async fn answer_number(
    state: State<'_, AppState>,
    run_id: String,
    step_id: String,
    value: f64,
    note: Option<String>,
    by: Option<String>,
) -> Result<RunDto, ApiError> {
    off_main_thread(&state, "answer_number", move |d| {
        d.answer_number(&run_id, &step_id, value, note.as_deref(), by.as_deref())
    })
    .await
}

/// A second person agrees to a proposed waiver (four eyes); it takes effect.
#[tauri::command]
pub async fn agree_waiver(
    state: State<'_, AppState>,
    run_id: String,
    step_id: String,
    by: String,
) -> Result<RunDto, ApiError> {
    off_main_thread(&state, "agree_waiver", move |d| d.agree_waiver(&run_id, &step_id, &by)).await
}

/// Ask for the run's rollback (who and why are recorded; nothing is touched yet): the next
/// `drive_run` runs the plan's rollback phases in the same run.
#[tauri::command]
pub async fn request_rollback(
    state: State<'_, AppState>,
    run_id: String,
    reason: String,
    by: Option<String>,
) -> Result<RunDto, ApiError> {
    off_main_thread(&state, "request_rollback", move |d| {
        d.request_rollback(&run_id, &reason, by.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn get_run(state: State<'_, AppState>, run_id: String) -> Result<RunDto, ApiError> {
    off_main_thread(&state, "get_run", move |d| d.get_run(&run_id)).await
}

#[tauri::command]
pub async fn list_runs(state: State<'_, AppState>) -> Result<Vec<RunSummaryDto>, ApiError> {
    off_main_thread(&state, "list_runs", |d| d.list_runs()).await
}
