//! The desktop benchmarks (run by `scripts/bench-desktop.sh`, which builds the release binaries
//! and records the Markdown this prints in docs/benchmarks.md):
//!
//! 1. Cold start to the first screen interactive, under Xvfb, for the empty Tauri window and for
//!    Release Pilot. Start = the app process's start time from `/proc` (10 ms resolution);
//!    ready = the page's own clock (`performance.timeOrigin + performance.now()`, on the same
//!    wall clock) when the empty page's load event ended, or when Release Pilot's
//!    `main[data-busy="false"]` first appeared (a MutationObserver installed as soon as the
//!    WebDriver session exists resolves at that moment).
//! 2. Memory idle on the checks screen: PSS and private memory summed over the app process and
//!    every process below it (the WebKit web and network processes), from smaps_rollup, versus
//!    the empty window measured the same way.
//! 3. Responsiveness while a long step streams output: the longest gap between
//!    `requestAnimationFrame` callbacks while a command step prints 5,000 lines over 10 s.
//!
//! Usage: bench-desktop --empty PATH [--app PATH --pilot PATH] [--runs N] [--section FILE]

use std::path::{Path, PathBuf};
use std::time::Duration;

use pilot_e2e::{AppSession, Display, TauriDriver, prerequisites};

mod figures;
mod measure;

use figures::Figures;
use measure::Target;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[derive(Debug)]
struct Options {
    empty: PathBuf,
    app: Option<PathBuf>,
    pilot: Option<PathBuf>,
    runs: usize,
    section: Option<PathBuf>,
}

fn options() -> Result<Options> {
    let mut args = std::env::args().skip(1);
    let mut o = Options { empty: PathBuf::new(), app: None, pilot: None, runs: 5, section: None };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--empty" => o.empty = PathBuf::from(value()?),
            "--app" => o.app = Some(PathBuf::from(value()?)),
            "--pilot" => o.pilot = Some(PathBuf::from(value()?)),
            "--runs" => o.runs = value()?.parse()?,
            "--section" => o.section = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    if o.empty.as_os_str().is_empty() {
        return Err("--empty PATH (the empty window's release binary) is required".into());
    }
    Ok(o)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("bench-desktop: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<()> {
    let o = options()?;
    let tools = prerequisites::tools()?;
    let display = Display::for_tests()?;
    let work = tempfile::tempdir()?;
    let data = work.path().join("data");
    let data_s = data.display().to_string();
    let env: Vec<(&str, &str)> = vec![
        ("RELEASE_PILOT_DATA_DIR", &data_s),
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ("GIT_CONFIG_NOSYSTEM", "1"),
    ];
    let log = work.path().join("tauri-driver.log");
    let driver = TauriDriver::start(&tools.tauri_driver, &display, &env, &log)?;
    let mut figures = Figures::new(o.runs, display.is_private());

    let empty = Target::empty(&o.empty);
    figures.empty_start = measure::start_times(&driver, &empty, o.runs).await?;
    figures.empty_memory = measure::memory(&driver, &empty).await?;

    match (&o.app, &o.pilot) {
        (Some(app), Some(pilot)) if app.is_file() => {
            let demo = make_demo(pilot, &work.path().join("demo"), &data)?;
            let target = Target::app(app, &demo);
            figures.app_start = measure::start_times(&driver, &target, o.runs).await?;
            figures.app_memory = measure::memory(&driver, &target).await?;
            let stream = measure::streaming_repo(&work.path().join("stream"))?;
            figures.frames = Some(measure::frames(&driver, &Target::app(app, &stream)).await?);
        }
        _ => figures.notes.push(
            "Release Pilot's release binary was not available: only the empty window was measured."
                .into(),
        ),
    }
    driver.stop()?;
    display.stop()?;

    let markdown = figures.markdown();
    println!("{markdown}");
    if let Some(section) = &o.section {
        std::fs::write(section, &markdown)?;
    }
    Ok(())
}

/// `pilot demo init DIR`, the project the app is started on.
fn make_demo(pilot: &Path, dir: &Path, data: &Path) -> Result<PathBuf> {
    let out = std::process::Command::new(pilot)
        .args(["demo", "init"])
        .arg(dir)
        .env("RELEASE_PILOT_DATA_DIR", data)
        .output()?;
    if !out.status.success() {
        return Err(
            format!("pilot demo init failed: {}", String::from_utf8_lossy(&out.stderr)).into()
        );
    }
    Ok(dir.to_path_buf())
}

/// Settle time before reading memory: the webview finishes its first paints and lazy work.
pub const IDLE_FOR: Duration = Duration::from_secs(5);

/// Launch `target` through the driver (one WebDriver session per launch).
pub async fn launch(driver: &TauriDriver, target: &Target) -> Result<AppSession> {
    Ok(AppSession::launch(driver, &target.binary, &target.args).await?)
}
