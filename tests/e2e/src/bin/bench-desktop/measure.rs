//! The three measurements: start-up, idle memory, and frame gaps while output streams.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use pilot_e2e::procfs::{self, Memory, ProcessMemory};
use pilot_e2e::{AppSession, TauriDriver};
use serde_json::Value;

use crate::{IDLE_FOR, Result, launch};

/// What is launched, and how its first screen is recognised.
#[derive(Debug, Clone)]
pub struct Target {
    pub binary: PathBuf,
    pub args: Vec<String>,
    /// Release Pilot (DOM contract) rather than the empty window.
    pub is_app: bool,
}

impl Target {
    pub fn empty(binary: &Path) -> Self {
        Self { binary: binary.to_path_buf(), args: Vec::new(), is_app: false }
    }

    pub fn app(binary: &Path, repo: &Path) -> Self {
        let args = vec!["--repo".to_string(), repo.display().to_string()];
        Self { binary: binary.to_path_buf(), args, is_app: true }
    }
}

/// One start-up: when the process started, and how long until its first screen was usable.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub ms: f64,
    /// The ready marker was already there when the observer was installed: `ms` is then an
    /// upper bound.
    pub upper_bound: bool,
}

/// Resolves (through WebDriver's async script callback) with the page's wall-clock time at the
/// moment the first screen is ready, and whether it was already ready when asked.
const READY_SCRIPT_APP: &str = r#"
const done = arguments[arguments.length - 1];
const now = () => performance.timeOrigin + performance.now();
const ready = () => document.querySelector('main[data-busy="false"]') !== null;
if (ready()) { done([now(), true]); return; }
const observer = new MutationObserver(() => {
  if (ready()) { observer.disconnect(); done([now(), false]); }
});
observer.observe(document, { subtree: true, childList: true, attributes: true });
"#;

/// The empty page is ready when its load event has ended: the navigation entry records when.
const READY_SCRIPT_EMPTY: &str = r#"
const done = arguments[arguments.length - 1];
const check = () => {
  const nav = performance.getEntriesByType('navigation')[0];
  if (nav && nav.loadEventEnd > 0) { done([performance.timeOrigin + nav.loadEventEnd, false]); }
  else { setTimeout(check, 5); }
};
check();
"#;

/// The newest process running `binary` (the one just launched).
fn app_pid(binary: &Path) -> Result<u32> {
    procfs::find_by_exe(binary)
        .into_iter()
        .max_by(|a, b| {
            let (sa, sb) = (procfs::started_at_epoch_ms(*a), procfs::started_at_epoch_ms(*b));
            sa.partial_cmp(&sb).unwrap_or(std::cmp::Ordering::Equal)
        })
        .ok_or_else(|| format!("no process runs {}", binary.display()).into())
}

/// Launch `target` `runs` times and time each start.
pub async fn start_times(driver: &TauriDriver, target: &Target, runs: usize) -> Result<Vec<Start>> {
    let mut starts = Vec::new();
    for _ in 0..runs {
        let session = launch(driver, target).await?;
        let pid = app_pid(&target.binary)?;
        let started =
            procfs::started_at_epoch_ms(pid).ok_or("the app's start time is unreadable")?;
        let script = if target.is_app { READY_SCRIPT_APP } else { READY_SCRIPT_EMPTY };
        let answer = session.client.execute_async(script, vec![]).await?;
        let ready = answer.get(0).and_then(Value::as_f64).ok_or("the page gave no ready time")?;
        let upper_bound = answer.get(1).and_then(Value::as_bool).unwrap_or(false);
        starts.push(Start { ms: ready - started, upper_bound });
        session.close().await?;
        // Let the previous app and its WebKit processes exit before the next start.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    Ok(starts)
}

/// Launch `target`, bring it to its idle screen (the checks screen for Release Pilot), wait,
/// and read the memory of its process tree.
pub async fn memory(driver: &TauriDriver, target: &Target) -> Result<Vec<ProcessMemory>> {
    let session = launch(driver, target).await?;
    let pid = app_pid(&target.binary)?;
    if target.is_app {
        to_checks_screen(&session).await?;
    } else {
        session
            .wait_until(
                "the page to load",
                "return document.readyState === 'complete'",
                Duration::from_secs(30),
            )
            .await?;
    }
    tokio::time::sleep(IDLE_FOR).await;
    let tree = procfs::tree_memory(pid);
    session.close().await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    Ok(tree)
}

/// Project screen → the plan file → start the run: the checks screen, nothing run yet.
async fn to_checks_screen(s: &AppSession) -> Result<()> {
    let long = Duration::from_secs(60);
    s.wait_screen("project", long).await?;
    let value = s
        .eval(
            r#"const o = Array.from(document.querySelectorAll('select[data-field="plan"] option'))
                 .map(o => o.value).find(v => v.startsWith('file:'));
               return o || null"#,
            vec![],
        )
        .await?;
    let value = value.as_str().ok_or("the project screen offers no plan file")?;
    s.find(r#"select[data-field="plan"]"#).await?.select_by_value(value).await?;
    let operator = s.find(r#"input[data-field="operator"]"#).await?;
    if operator.prop("value").await?.unwrap_or_default().trim().is_empty() {
        operator.send_keys("Bench").await?;
    }
    s.click(r#"button[data-action="start-run"]"#, long).await?;
    s.wait_screen("checks", long).await?;
    Ok(())
}

/// Sum a process tree's memory.
pub fn total(tree: &[ProcessMemory]) -> Memory {
    tree.iter().fold(Memory::default(), |sum, p| sum + p.memory)
}

/// A repository whose plan has one command step that prints 5,000 lines over about 10 s: more
/// than the window keeps (2,000), so the log's trimming is measured too.
pub fn streaming_repo(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir.join(".release-pilot"))?;
    std::fs::write(dir.join("VERSION"), "1.0.0\n")?;
    std::fs::write(dir.join(".release-pilot").join("plan.toml"), STREAM_PLAN)?;
    let git = |args: &[&str]| -> Result<()> {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Bench")
            .env("GIT_AUTHOR_EMAIL", "bench@example.com")
            .env("GIT_COMMITTER_NAME", "Bench")
            .env("GIT_COMMITTER_EMAIL", "bench@example.com")
            .status()?;
        if status.success() { Ok(()) } else { Err(format!("git {args:?} failed").into()) }
    };
    git(&["init", "-q", "-b", "main"])?;
    git(&["add", "."])?;
    git(&["commit", "-q", "-m", "Streaming benchmark"])?;
    Ok(dir.to_path_buf())
}

const STREAM_PLAN: &str = r#"[plan]
name = "stream"
title = "Streaming output"
description = "One long step that prints 5,000 lines over about 10 seconds."

[[phase]]
id = "checks"
title = "Checks"
stage = "checks"

[[phase.step]]
id = "stream"
title = "Print 5,000 lines over 10 s"
kind = "command"
program = "sh"
args = ["-c", "s=0; while [ $s -lt 100 ]; do j=0; while [ $j -lt 50 ]; do echo \"step output line $s.$j: compiling module $j of batch $s\"; j=$((j+1)); done; s=$((s+1)); sleep 0.1; done"]
read_only = true
timeout_secs = 120
"#;

/// Frame gaps: idle for a few seconds, then while the streaming step runs.
#[derive(Debug, Clone, Copy)]
pub struct Frames {
    pub idle_max_ms: f64,
    pub stream_max_ms: f64,
    pub stream_frames: u64,
    pub stream_seconds: f64,
    pub over_100ms: u64,
    pub output_lines: u64,
}

const FRAME_RECORDER: &str = r#"
const f = { max: 0, frames: 0, over: 0, last: performance.now() };
window.__benchFrames = f;
const tick = (t) => {
  const gap = t - f.last; f.last = t; f.frames++;
  if (gap > f.max) f.max = gap;
  if (gap > 100) f.over++;
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
"#;

const FRAME_RESET: &str = "const f = window.__benchFrames; f.max = 0; f.frames = 0; f.over = 0; f.last = performance.now();";
const FRAME_READ: &str = "const f = window.__benchFrames; return [f.max, f.frames, f.over];";

/// Run the streaming plan's checks screen and record the longest frame gap.
pub async fn frames(driver: &TauriDriver, target: &Target) -> Result<Frames> {
    let s = launch(driver, target).await?;
    to_checks_screen(&s).await?;
    s.eval(FRAME_RECORDER, vec![]).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idle = s.eval(FRAME_READ, vec![]).await?;
    s.eval(FRAME_RESET, vec![]).await?;
    let started = Instant::now();
    s.click(r#"button[data-action="run-stage"]"#, Duration::from_secs(30)).await?;
    // Poll rarely: every WebDriver call runs script on the page's main thread too.
    loop {
        let status = s.step_status("stream").await?;
        if ["passed", "failed", "warned"].contains(&status.as_str()) {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(format!("the streaming step did not finish (status {status})").into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let during = s.eval(FRAME_READ, vec![]).await?;
    // A finished step's log is built only when its "Output while it ran" is opened: open it
    // (after the frames were read) to count what the log kept.
    s.eval(
        "const d = document.querySelector('[data-step=\"stream\"] details.ran'); if (d) d.open = true;",
        vec![],
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let lines = s
        .eval(
            "const o = document.querySelector('[data-output=\"stream\"]'); return o ? o.textContent.split('\\n').filter(l => l.includes('step output line')).length : 0",
            vec![],
        )
        .await?;
    s.close().await?;
    let num = |v: &Value, i: usize| v.get(i).and_then(Value::as_f64).unwrap_or(0.0);
    Ok(Frames {
        idle_max_ms: num(&idle, 0),
        stream_max_ms: num(&during, 0),
        stream_frames: num(&during, 1) as u64,
        stream_seconds: seconds,
        over_100ms: num(&during, 2) as u64,
        output_lines: lines.as_u64().unwrap_or(0),
    })
}
