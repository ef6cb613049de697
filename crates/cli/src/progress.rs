//! Live progress. In a terminal: a spinner per running step with its elapsed time and last
//! output line, then one line per finished step. Otherwise (pipes, CI logs, `--json`): plain
//! lines on standard error, so standard output stays machine-readable.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use pilot_engine::run::{Outcome, Progress, ProgressSink, Run, RunStatus, StepRecord, StepStatus};

/// Where progress goes.
#[derive(Debug)]
pub struct Terminal {
    /// Spinners, when standard error is a terminal.
    live: Option<MultiProgress>,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl Terminal {
    pub fn new(json: bool) -> Self {
        let live = (!json && std::io::stderr().is_terminal()).then(MultiProgress::new);
        Self { live, bars: Mutex::new(HashMap::new()) }
    }

    fn line(&self, text: &str) {
        match &self.live {
            Some(m) => {
                let _ = m.println(text);
            }
            None => eprintln!("{text}"),
        }
    }

    pub fn started(&self, id: &str, title: &str, version: &str, environment: &str, dry_run: bool) {
        let kind = if dry_run { "Dry run" } else { "Run" };
        self.line(&format!("{kind} {id}: {title} — {version} ({environment})"));
    }

    pub fn finished(&self, run: &Run, waiting_on: &[&str]) {
        let signoffs: Vec<String> = run
            .steps
            .iter()
            .filter(|s| !s.status.is_done())
            .filter(|s| {
                let planned = run.header.plan.step(&s.step_id);
                planned.is_some_and(|p| p.action.signoff_roles().is_some())
            })
            .map(|s| format!("{} ({})", s.step_id, s.summary))
            .collect();
        // The failed step that stopped the run, and what its kind calls for: a deploy or rollback
        // is run again rather than waived, a git check (facts from the start) gains nothing from
        // running again.
        let stopped =
            run.steps.iter().find(|s| s.status == StepStatus::Failed && s.blocking).map(|s| {
                let action = run.header.plan.step(&s.step_id).map(|p| &p.action);
                (
                    s.title.as_str(),
                    action.and_then(|a| a.waiver_caution()),
                    action.and_then(|a| a.retry_refusal()),
                )
            });
        let id = &run.header.id;
        let waive = format!(
            "waive it with a reason in an answers file ([waive.STEP-ID] reason = \"…\") and `pilot resume {id} --answers FILE`"
        );
        let roll_back = pilot_engine::run::rollback_preview(run).is_ok().then(|| {
            format!("put the previous release back with `pilot rollback {id} --reason \"…\"`")
        });
        let verdict = match (run.status, run.outcome, stopped) {
            (RunStatus::Completed, Outcome::RolledBack, _) => {
                let asked = run.rollback.as_ref();
                format!(
                    "Rolled back: the plan's rollback phase ran to its end (asked for by {}: {}).",
                    asked.map(|a| a.by.as_str()).unwrap_or("?"),
                    asked.map(|a| a.reason.as_str()).unwrap_or("?")
                )
            }
            (RunStatus::Failed, _, Some((title, _, _))) if run.rollback.is_some() => format!(
                "Rollback stopped: \"{title}\" failed. Fix the cause and `pilot resume {id}` to finish the rollback, or put the previous release back by hand."
            ),
            (RunStatus::Failed, _, Some((title, Some(caution), _))) if roll_back.is_some() => {
                format!(
                    "Stopped: \"{title}\" failed. First remedy: {}. Or fix the cause and `pilot resume {id}` to run it again. Before you {waive}: {caution}.",
                    roll_back.as_deref().unwrap_or_default()
                )
            }
            (RunStatus::Waiting, _, _) if waiting_on.is_empty() && !signoffs.is_empty() => format!(
                "Waiting for sign-off: {}. Record decisions in an answers file ([signoff.ROLE] name, decision, comment), then `pilot resume {id} --answers FILE`.",
                signoffs.join("; "),
            ),
            (RunStatus::Waiting, _, _) => format!(
                "Waiting for a person: answer {} in an answers file (`pilot plan answers`), then `pilot resume {id} --answers FILE`.",
                waiting_on.join(", "),
            ),
            (RunStatus::Completed, Outcome::Go, _) => "Verdict: GO".to_string(),
            (RunStatus::Failed, _, Some((title, Some(caution), _))) => format!(
                "Stopped: \"{title}\" failed. Fix the cause and `pilot resume {id}` to run it again. Before you {waive}: {caution}."
            ),
            (RunStatus::Failed, _, Some((title, None, Some(no_retry)))) => {
                format!("Stopped: \"{title}\" failed; {no_retry}. Or {waive}.")
            }
            (RunStatus::Failed, _, _) => format!(
                "Stopped: a blocking step failed. Fix the cause and `pilot resume {id}` (the failed step runs again), or {waive}."
            ),
            _ => "Verdict: NO-GO (see the report for why)".to_string(),
        };
        println!(
            "{verdict}\nRun id: {}  (report: pilot report {} -o report.md)",
            run.header.id, run.header.id
        );
    }

    fn bars(&self) -> std::sync::MutexGuard<'_, HashMap<String, ProgressBar>> {
        self.bars.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ProgressSink for Terminal {
    fn emit(&self, progress: Progress) {
        match progress {
            Progress::PhaseStarted { title, .. } => self.line(&format!("\n== {title}")),
            Progress::StepStarted { step_id, title, .. } => {
                if let Some(m) = &self.live {
                    let bar = m.add(ProgressBar::new_spinner());
                    bar.set_style(
                        ProgressStyle::with_template("  {spinner} {prefix} ({elapsed}) {wide_msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    bar.set_prefix(title);
                    bar.enable_steady_tick(Duration::from_millis(120));
                    self.bars().insert(step_id, bar);
                }
            }
            Progress::StepOutput { step_id, line } => {
                if let Some(bar) = self.bars().get(&step_id) {
                    bar.set_message(line);
                }
            }
            Progress::StepMeter { step_id, meter } => {
                // On a terminal the spinner's message shows the meter's words; the plain output
                // already has the step's own progress lines.
                if let Some(bar) = self.bars().get(&step_id) {
                    bar.set_message(meter.label);
                }
            }
            Progress::StepFinished { record } => {
                if let Some(bar) = self.bars().remove(&record.step_id) {
                    bar.finish_and_clear();
                }
                self.line(&step_line(&record));
            }
            Progress::RunWaiting { .. } | Progress::RunFinished { .. } => {}
        }
    }
}

/// `  ✔ passed   Title (0.3 s) — summary`
fn step_line(r: &StepRecord) -> String {
    let (mark, word) = match r.status {
        StepStatus::Passed => ("✔", "passed"),
        StepStatus::Failed => ("✘", "FAILED"),
        StepStatus::Warned => ("!", "warned"),
        StepStatus::Skipped => ("-", "skipped"),
        StepStatus::Waived => ("~", "waived"),
        StepStatus::Pending => (" ", "pending"),
        StepStatus::Running => (" ", "running"),
    };
    let time =
        r.duration_ms().map(|ms| format!(" ({:.1} s)", ms as f64 / 1000.0)).unwrap_or_default();
    format!("  {mark} {word:<8}{}{time} — {}", r.title, r.summary)
}
