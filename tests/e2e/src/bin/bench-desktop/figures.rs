//! The measured figures, and the Markdown section they are recorded as.

use std::fmt::Write;

use pilot_e2e::procfs::ProcessMemory;

use crate::measure::{Frames, Start, total};

/// Targets from the issue.
const START_TARGET_MS: f64 = 1500.0;
const MEMORY_TARGET_RATIO: f64 = 1.3;
const FRAME_TARGET_MS: f64 = 100.0;

#[derive(Debug, Default)]
pub struct Figures {
    pub runs: usize,
    pub private_xvfb: bool,
    pub empty_start: Vec<Start>,
    pub app_start: Vec<Start>,
    pub empty_memory: Vec<ProcessMemory>,
    pub app_memory: Vec<ProcessMemory>,
    pub frames: Option<Frames>,
    pub notes: Vec<String>,
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "**not met**" }
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

impl Figures {
    pub fn new(runs: usize, private_xvfb: bool) -> Self {
        Self { runs, private_xvfb, ..Self::default() }
    }

    fn start_row(out: &mut String, name: &str, starts: &[Start]) -> Option<f64> {
        if starts.is_empty() {
            let _ = writeln!(out, "| {name} | not measured | | |");
            return None;
        }
        let ms: Vec<f64> = starts.iter().map(|s| s.ms).collect();
        let all = ms.iter().map(|m| format!("{m:.0}")).collect::<Vec<_>>().join(", ");
        let bound = if starts.iter().any(|s| s.upper_bound) { " (some upper bounds)" } else { "" };
        let first = ms[0];
        let m = median(&ms);
        let _ = writeln!(out, "| {name} | {first:.0} ms | {m:.0} ms | {all}{bound} |");
        Some(m)
    }

    fn memory_rows(out: &mut String, name: &str, tree: &[ProcessMemory]) {
        let sum = total(tree);
        let parts = tree
            .iter()
            .map(|p| format!("{} {}", p.name, mib(p.memory.pss_kib)))
            .collect::<Vec<_>>()
            .join(", ");
        let _ =
            writeln!(out, "| {name} | {} | {} | {parts} |", mib(sum.pss_kib), mib(sum.private_kib));
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "### Cold start to the first screen interactive (target < 1.5 s)\n");
        let _ = writeln!(
            out,
            "From the app process's start (`/proc/PID/stat`, 10 ms resolution) to the moment, on the page's own clock, that the first screen is usable: the load event's end for the empty page; `main[data-busy=\"false\"]` appearing for Release Pilot (opened with `--repo` on the demo project, so it includes reading the repository). Launched by WebKitWebDriver through tauri-driver, one session per start; {} starts each, the first after the build (coldest).\n",
            self.runs
        );
        let _ =
            writeln!(out, "| app | first start | median | all starts (ms) |\n|---|---|---|---|");
        let empty = Self::start_row(&mut out, "empty Tauri v2 window", &self.empty_start);
        let app = Self::start_row(&mut out, "Release Pilot", &self.app_start);
        if let Some(app) = app {
            let _ = writeln!(
                out,
                "\nRelease Pilot median {app:.0} ms: target {} ({}).",
                verdict(app < START_TARGET_MS),
                empty
                    .map(|e| format!("{:+.0} ms over the empty window", app - e))
                    .unwrap_or_default()
            );
        }

        let _ = writeln!(out, "\n### Memory idle (target ≤ 1.3× the empty window's PSS)\n");
        let _ = writeln!(
            out,
            "PSS and private memory (Private_Clean + Private_Dirty) from `/proc/PID/smaps_rollup`, summed over the app process and every process below it (WebKit's web and network processes), {} s after the screen settled: the empty page for the empty window, the checks screen of a new run (nothing run yet) for Release Pilot.\n",
            crate::IDLE_FOR.as_secs()
        );
        let _ = writeln!(out, "| app | PSS | private | processes (PSS) |\n|---|---|---|---|");
        Self::memory_rows(&mut out, "empty Tauri v2 window", &self.empty_memory);
        if self.app_memory.is_empty() {
            let _ = writeln!(out, "| Release Pilot | not measured | | |");
        } else {
            Self::memory_rows(&mut out, "Release Pilot (checks screen)", &self.app_memory);
            let (e, a) = (total(&self.empty_memory), total(&self.app_memory));
            let ratio = a.pss_kib as f64 / e.pss_kib.max(1) as f64;
            let _ = writeln!(
                out,
                "\nPSS ratio {ratio:.2}×: target {}.",
                verdict(ratio <= MEMORY_TARGET_RATIO)
            );
        }

        let _ = writeln!(
            out,
            "\n### Responsiveness while a step streams output (target: no frame > 100 ms)\n"
        );
        match &self.frames {
            Some(f) => {
                let _ = writeln!(
                    out,
                    "A plan with one command step printing 5,000 lines over about 10 s (50 lines every 100 ms; the shell sends them to the window in batches every 250 ms, and the log keeps the last 2,000); a `requestAnimationFrame` loop in the page records the longest gap between frames, first idle for 3 s, then from the click on \"Run\" until the step finished (WebDriver polls the step's status only every 500 ms, since each poll also runs script on the page's thread).\n"
                );
                let _ = writeln!(
                    out,
                    "| | longest frame gap | frames | gaps > 100 ms |\n|---|---|---|---|"
                );
                let _ = writeln!(out, "| idle (3 s) | {:.0} ms | | |", f.idle_max_ms);
                let _ = writeln!(
                    out,
                    "| streaming ({:.1} s; the log kept {} lines) | {:.0} ms | {} | {} |",
                    f.stream_seconds,
                    f.output_lines,
                    f.stream_max_ms,
                    f.stream_frames,
                    f.over_100ms
                );
                let _ = writeln!(
                    out,
                    "\nLongest gap {:.0} ms: target {}.",
                    f.stream_max_ms,
                    verdict(f.stream_max_ms <= FRAME_TARGET_MS)
                );
                if f.stream_max_ms > FRAME_TARGET_MS {
                    let _ = writeln!(out, "\n{WHERE_THE_TIME_GOES}");
                }
            }
            None => {
                let _ = writeln!(out, "Not measured (needs Release Pilot's release binary).");
            }
        }
        if self.private_xvfb {
            self_note(
                &mut out,
                "Display: a private Xvfb (1280x900x24), WEBKIT_DISABLE_COMPOSITING_MODE=1 and WEBKIT_DISABLE_DMABUF_RENDERER=1, as in the end-to-end test.",
            );
        }
        for note in &self.notes {
            self_note(&mut out, note);
        }
        out
    }
}

/// What the investigation of the missed frame target found (probe: the same frame recorder, plus
/// a wrapper timing the page's channel callback, and `perf` on the web process), kept with the
/// figure so the number is read with its cause.
const WHERE_THE_TIME_GOES: &str = "Where the time goes (investigated 2026-11-21 on the same build and plan): with output batched every 50 ms, the WebKit web process's main thread was about 70% busy while output streamed, yet the page's own handling of the channel messages (the run store and the log's DOM append) took at most 4 ms per message and under 20 ms over the whole run, and the gaps stayed the same with the whole page hidden (`display: none`). The cost is WebKitGTK's delivery of each channel message (Tauri evaluates a script in the webview per message), up to ~100 ms each, not the UI's work. Fewer messages help: batching every 50 ms gave 94 messages and 58 gaps over 100 ms (longest 438 ms); every 250 ms (shipped) 35 messages and 11 gaps (longest 231 ms); a step printing nothing runs at 60 frames a second. Next to try: deliver output without a script evaluation per batch (the UI pulling batches with an invoke, whose answer travels over the IPC protocol).";

fn self_note(out: &mut String, note: &str) {
    let _ = writeln!(out, "\nNote: {note}");
}
