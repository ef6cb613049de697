//! `command`: run a program with arguments, never through a shell, with a timeout, live output
//! and bounded evidence.
//!
//! Two reader threads turn stdout and stderr into lines and send them over a small bounded
//! channel; this thread hands every line to the run's output callback in arrival order, keeps
//! the last lines of each stream for the evidence, and watches the clock. The bounded channel
//! makes a chatty program wait for us instead of filling memory.
//!
//! With `stdout_file`, standard output is also written to that file as it arrives
//! ([`SavedOutput`]), whatever the exit code, and put in place once complete.
//!
//! On timeout the program and every process it started are killed (found through `sysinfo`,
//! so it works the same on every platform without `unsafe`). Once the program has ended, the
//! output is drained for a short grace period only: a background process it left behind may
//! keep the pipes open forever, and the run must not wait for it.

use std::io::ErrorKind;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::thread;
use std::time::{Duration, Instant};

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

use crate::plan::kinds::CommandParams;
use crate::run::{CommandEvidence, Evidence, StepOutcome};

use super::excerpt::{OutputTail, read_lines};
use super::running_process;
use super::saved_output::SavedOutput;
use super::{StepContext, resolve};

/// Used when the plan gives no `timeout_secs`.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// How often the program's state is checked while no output arrives.
const POLL: Duration = Duration::from_millis(50);
/// How long output is still read after the program ended (see the module comment).
const DRAIN_GRACE: Duration = Duration::from_secs(2);
/// Lines waiting between the reader threads and this one.
const CHANNEL_LINES: usize = 256;
/// Longest command line shown in a summary.
const SHOWN_COMMAND_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

/// What watching the program produced.
#[derive(Debug, Default)]
struct Watched {
    status: Option<ExitStatus>,
    timed_out: bool,
    stdout: OutputTail,
    stderr: OutputTail,
    output_matched: bool,
    /// Why the program's state could not be read, if it could not.
    wait_error: Option<String>,
}

/// Run the step's program and judge its exit code and output.
pub(super) fn run(p: &CommandParams, ctx: &StepContext<'_>) -> StepOutcome {
    // Masked before it is clipped: a cut through a secret could no longer be recognised.
    let masked_args: Vec<String> = p.args.iter().map(|a| (ctx.redact)(a)).collect();
    let shown = shown_command(&(ctx.redact)(&p.program), &masked_args);
    let cwd =
        p.cwd.as_deref().map_or_else(|| ctx.repo_path.to_path_buf(), |c| resolve(ctx.repo_path, c));
    let timeout = p.timeout_secs.map_or(DEFAULT_TIMEOUT, Duration::from_secs);
    let mut evidence_cmd = CommandEvidence {
        program: p.program.clone(),
        args: p.args.clone(),
        cwd: cwd.display().to_string(),
        exit_code: None,
        timed_out: false,
        duration_ms: 0,
        stdout_excerpt: String::new(),
        stderr_excerpt: String::new(),
    };
    if !cwd.is_dir() {
        return StepOutcome::failed(
            format!(
                "The working folder {} does not exist: fix `cwd` in the plan, then re-run the step.",
                cwd.display()
            ),
            Evidence { command: Some(evidence_cmd), ..Evidence::default() },
        );
    }

    let mut saved =
        match p.stdout_file.as_deref().map(|f| SavedOutput::create(&resolve(ctx.repo_path, f))) {
            Some(Err(why)) => {
                return StepOutcome::failed(
                    why,
                    Evidence { command: Some(evidence_cmd), ..Evidence::default() },
                );
            }
            Some(Ok(s)) => Some(s),
            None => None,
        };

    let started = Instant::now();
    let mut command = Command::new(&p.program);
    command
        .args(&p.args)
        .current_dir(&cwd)
        .envs(&p.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = running_process::in_own_group(&mut command).spawn();
    let mut child = match child {
        Ok(c) => {
            // Recorded before anything waits on it: a drive after a crash finds the program
            // (or what it started) still running and does not start a second copy.
            let pid = c.id();
            let running = Evidence { command: Some(evidence_cmd.clone()), ..Evidence::default() }
                .fact(running_process::PROCESS_FACT, running_process::recorded(pid));
            if let Err(why) = (ctx.checkpoint)(&running, &format!("`{shown}` started (pid {pid})"))
            {
                let mut c = c;
                let _ = stop(&mut c);
                return StepOutcome::failed(
                    format!("`{shown}` was stopped: its start could not be recorded ({why})"),
                    Evidence { command: Some(evidence_cmd), ..Evidence::default() },
                );
            }
            c
        }
        Err(e) => {
            return StepOutcome::failed(
                start_failure(&p.program, &e),
                Evidence { command: Some(evidence_cmd), ..Evidence::default() },
            );
        }
    };

    let watched = watch(&mut child, p.expect_output.as_deref(), timeout, ctx, saved.as_mut());
    evidence_cmd.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    evidence_cmd.exit_code = watched.status.and_then(|s| s.code());
    evidence_cmd.timed_out = watched.timed_out;
    evidence_cmd.stdout_excerpt = watched.stdout.render();
    evidence_cmd.stderr_excerpt = watched.stderr.render();
    // A multi-line expectation cannot match one line; give it the kept excerpts as well.
    let matched = watched.output_matched
        || p.expect_output.as_deref().is_some_and(|want| {
            evidence_cmd.stdout_excerpt.contains(want) || evidence_cmd.stderr_excerpt.contains(want)
        });
    let seconds = evidence_cmd.duration_ms as f64 / 1000.0;
    let last_line = watched.stderr.last_line().or_else(|| watched.stdout.last_line());
    let last =
        last_line.map(|l| format!(" (last output: \"{}\")", clip(l, 120))).unwrap_or_default();
    let mut evidence = Evidence { command: Some(evidence_cmd), ..Evidence::default() };
    // The output is kept whatever the exit code (a test run that failed still printed its
    // report), but not when the program was stopped half-way: that output is incomplete.
    let saved = saved.filter(|_| !watched.timed_out && watched.wait_error.is_none());
    match saved.map(SavedOutput::finish) {
        Some(Ok((path, bytes))) => {
            evidence =
                evidence.fact("output saved to", format!("{} ({bytes} bytes)", path.display()));
        }
        Some(Err(why)) => return StepOutcome::failed(why, evidence),
        None => {}
    }

    if watched.timed_out {
        return StepOutcome::failed(
            format!(
                "`{shown}` did not finish within {} s and was stopped{last}: find out why it \
                 hangs, or raise timeout_secs in the plan if it needs longer, then re-run the step.",
                timeout.as_secs()
            ),
            evidence,
        );
    }
    if let Some(error) = watched.wait_error {
        return StepOutcome::failed(
            format!("`{shown}` could not be watched ({error}) and was stopped: re-run the step."),
            evidence,
        );
    }
    let code = watched.status.and_then(|s| s.code());
    match code {
        Some(code) if code == p.expect_exit => match &p.expect_output {
            Some(want) if !matched => StepOutcome::failed(
                format!(
                    "`{shown}` exited with code {code}, but its output does not contain \"{}\"{last}: \
                     check the output excerpt, fix the cause, then re-run the step.",
                    clip(want, 80)
                ),
                evidence,
            ),
            _ => StepOutcome::passed(
                format!("`{shown}` exited with code {code} in {seconds:.1} s."),
                evidence,
            ),
        },
        Some(code) => StepOutcome::failed(
            format!(
                "`{shown}` exited with code {code} (expected {}){last}: check the output \
                 excerpt, fix the cause, then re-run the step.",
                p.expect_exit
            ),
            evidence,
        ),
        None => StepOutcome::failed(
            format!(
                "`{shown}` was ended {} before it could exit{last}: find out what stopped it \
                 (out of memory? killed by someone?), then re-run the step.",
                signal_description(watched.status)
            ),
            evidence,
        ),
    }
}

/// Wait for the program while passing its output on, killing it at the deadline.
fn watch(
    child: &mut Child,
    expect_output: Option<&str>,
    timeout: Duration,
    ctx: &StepContext<'_>,
    mut saved: Option<&mut SavedOutput>,
) -> Watched {
    let (sender, lines) = sync_channel::<(Stream, String)>(CHANNEL_LINES);
    if let Some(out) = child.stdout.take() {
        spawn_reader(out, Stream::Stdout, sender.clone());
    }
    if let Some(err) = child.stderr.take() {
        spawn_reader(err, Stream::Stderr, sender.clone());
    }
    // Only the readers hold senders now: the channel disconnects when both streams ended.
    drop(sender);

    let deadline = Instant::now() + timeout;
    let mut watched = Watched::default();
    let mut streams_open = true;
    let mut ended_at: Option<Instant> = None;
    loop {
        if streams_open {
            streams_open = receive(&lines, &mut watched, expect_output, ctx, saved.as_deref_mut());
        } else {
            thread::sleep(POLL);
        }
        if ended_at.is_none() {
            match child.try_wait() {
                Ok(Some(status)) => {
                    watched.status = Some(status);
                    ended_at = Some(Instant::now());
                }
                Ok(None) if Instant::now() >= deadline => {
                    watched.timed_out = true;
                    watched.status = stop(child);
                    ended_at = Some(Instant::now());
                }
                Ok(None) => {}
                Err(e) => {
                    watched.wait_error = Some(e.to_string());
                    watched.status = stop(child);
                    ended_at = Some(Instant::now());
                }
            }
        }
        match ended_at {
            Some(_) if !streams_open => break,
            Some(at) if at.elapsed() >= DRAIN_GRACE => break,
            _ => {}
        }
    }
    watched
}

/// Handle the lines that arrive within one poll interval. Returns false once both streams
/// have ended.
fn receive(
    lines: &Receiver<(Stream, String)>,
    watched: &mut Watched,
    expect_output: Option<&str>,
    ctx: &StepContext<'_>,
    mut saved: Option<&mut SavedOutput>,
) -> bool {
    let started = Instant::now();
    loop {
        // Return at least every POLL even when lines keep coming (`yes`), so the clock and the
        // program are still checked.
        let Some(wait) = POLL.checked_sub(started.elapsed()) else { return true };
        match lines.recv_timeout(wait) {
            Ok((stream, line)) => {
                // Matched as printed; shown and kept masked. The saved file is the program's
                // own output, as it would have written it itself.
                if expect_output.is_some_and(|want| !want.is_empty() && line.contains(want)) {
                    watched.output_matched = true;
                }
                if let (Stream::Stdout, Some(saved)) = (stream, saved.as_deref_mut()) {
                    saved.line(&line);
                }
                let line = (ctx.redact)(&line);
                (ctx.output)(&line);
                match stream {
                    Stream::Stdout => watched.stdout.push(&line),
                    Stream::Stderr => watched.stderr.push(&line),
                }
            }
            Err(RecvTimeoutError::Timeout) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

fn spawn_reader(
    stream: impl std::io::Read + Send + 'static,
    kind: Stream,
    to: SyncSender<(Stream, String)>,
) {
    // Not scoped: a reader may outlive the step when a leftover background process holds the
    // pipe; it then ends by itself when that process closes it.
    thread::spawn(move || read_lines(stream, |line| to.send((kind, line)).is_ok()));
}

/// Kill the program and everything it started, then collect its status.
fn stop(child: &mut Child) -> Option<ExitStatus> {
    // Find the descendants first: once the program is dead they are re-parented and lost.
    let descendants = descendants_of(child.id());
    let _ = child.kill();
    if let Some((system, pids)) = descendants {
        for pid in pids {
            if let Some(process) = system.process(pid) {
                process.kill();
            }
        }
    }
    child.wait().ok()
}

/// The processes started (directly or not) by `root`, with the process table they came from.
fn descendants_of(root: u32) -> Option<(System, Vec<Pid>)> {
    let mut system = System::new().ok()?;
    system.refresh_processes_specifics(ProcessesToUpdate::All, true, ProcessRefreshKind::nothing());
    let mut found = vec![Pid::from_u32(root)];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            system
                .processes()
                .iter()
                .filter(|(pid, p)| p.parent() == Some(parent) && !found.contains(pid))
                .map(|(pid, _)| *pid)
                .collect::<Vec<_>>(),
        );
        i += 1;
    }
    found.remove(0);
    Some((system, found))
}

/// Why the program could not start, and what to do about it.
fn start_failure(program: &str, e: &std::io::Error) -> String {
    let is_path = program.contains('/') || program.contains('\\');
    match e.kind() {
        ErrorKind::NotFound if is_path => format!(
            "could not start `{program}`: no such file — check the path in the plan, then re-run \
             the step"
        ),
        ErrorKind::NotFound => format!(
            "could not start `{program}`: not found on PATH — install it or give its full path"
        ),
        ErrorKind::PermissionDenied => format!(
            "could not start `{program}`: permission denied — make it executable or give the \
             right path, then re-run the step"
        ),
        _ => format!("could not start `{program}`: {e} — check the program in the plan"),
    }
}

#[cfg(unix)]
fn signal_description(status: Option<ExitStatus>) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.and_then(|s| s.signal()) {
        Some(signal) => format!("by signal {signal}"),
        None => "by the system".to_owned(),
    }
}

#[cfg(not(unix))]
fn signal_description(_: Option<ExitStatus>) -> String {
    "by the system".to_owned()
}

/// The command as a person would type it, shortened for one-line summaries.
fn shown_command(program: &str, args: &[String]) -> String {
    let mut parts = vec![quote(program)];
    parts.extend(args.iter().map(|a| quote(a)));
    clip(&parts.join(" "), SHOWN_COMMAND_CHARS)
}

fn quote(word: &str) -> String {
    if word.is_empty() || word.contains(char::is_whitespace) {
        format!("\"{word}\"")
    } else {
        word.to_owned()
    }
}

fn clip(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max_chars).collect();
        cut.push('…');
        cut
    }
}

executors! {
    CommandParams => run,
}
