//! The `command` kind against real processes, and the routing of kinds decided elsewhere.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::{CommandParams, GateParams, ManualParams};
use pilot_engine::run::{CommandEvidence, StepOutcome, StepStatus};

use super::{ready_facts, run_in, run_with, temp_dir};

fn command(program: &str, args: &[&str]) -> CommandParams {
    CommandParams {
        program: program.into(),
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        ..CommandParams::default()
    }
}

fn run(params: CommandParams) -> StepOutcome {
    let dir = temp_dir();
    run_in(dir.path(), &ready_facts(dir.path()), StepAction::Command(params))
}

/// Run and collect every line passed to the live-output callback.
fn run_collecting(params: CommandParams) -> (StepOutcome, Vec<String>) {
    let dir = temp_dir();
    let lines = Mutex::new(Vec::new());
    let push = |line: &str| lines.lock().expect("lock").push(line.to_owned());
    let clock = pilot_engine::SystemClock;
    let out =
        run_with(dir.path(), &ready_facts(dir.path()), &clock, &push, StepAction::Command(params));
    (out, lines.into_inner().expect("lock"))
}

fn evidence(out: &StepOutcome) -> &CommandEvidence {
    out.evidence.command.as_ref().expect("a command step has command evidence")
}

#[test]
fn a_portable_program_passes_with_expected_output() {
    let params =
        CommandParams { expect_output: Some("cargo".into()), ..command("cargo", &["--version"]) };
    let out = run(params);
    assert_eq!(out.status, StepStatus::Passed, "cargo --version works: {}", out.summary);
    let ev = evidence(&out);
    assert_eq!(ev.exit_code, Some(0), "exit code is evidence");
    assert!(!ev.timed_out, "not timed out");
    assert!(ev.stdout_excerpt.starts_with("cargo "), "output excerpt: {}", ev.stdout_excerpt);
    assert!(out.summary.starts_with("`cargo --version` exited with code 0"), "{}", out.summary);
}

#[test]
fn an_unexpected_exit_code_or_missing_output_fails() {
    let out = run(CommandParams { expect_exit: 1, ..command("rustc", &["--version"]) });
    assert_eq!(out.status, StepStatus::Failed, "exit 0 is not the expected 1");
    assert!(out.summary.contains("exited with code 0 (expected 1)"), "{}", out.summary);

    let out = run(CommandParams {
        expect_output: Some("definitely not printed".into()),
        ..command("rustc", &["--version"])
    });
    assert_eq!(out.status, StepStatus::Failed, "the expected text is missing");
    assert!(out.summary.contains("does not contain \"definitely not printed\""), "{}", out.summary);
}

#[test]
fn a_missing_program_explains_what_to_do() {
    let out = run(command("pilot-no-such-program-7f3a", &[]));
    assert_eq!(out.status, StepStatus::Failed, "a program that cannot start fails");
    assert_eq!(
        out.summary,
        "could not start `pilot-no-such-program-7f3a`: not found on PATH — install it or give its \
         full path",
        "the agreed wording"
    );
    assert_eq!(evidence(&out).exit_code, None, "no exit code");

    // No shell: a whole command line as the program is one (missing) program name.
    let out = run(command("echo hi", &[]));
    assert_eq!(out.status, StepStatus::Failed, "'echo hi' is not run through a shell");
}

#[test]
fn a_missing_working_folder_fails_before_starting() {
    let out =
        run(CommandParams { cwd: Some("no/such/dir".into()), ..command("cargo", &["--version"]) });
    assert_eq!(out.status, StepStatus::Failed, "the folder is missing");
    assert!(out.summary.contains("does not exist: fix `cwd`"), "{}", out.summary);
}

#[cfg(unix)]
mod unix {
    use std::fs;
    use std::time::Duration;

    use super::*;

    fn sh(script: &str) -> CommandParams {
        command("sh", &["-c", script])
    }

    #[test]
    fn exit_codes_and_the_last_output_line_are_reported() {
        let out = run(sh("echo working; echo 'database is locked' >&2; exit 3"));
        assert_eq!(out.status, StepStatus::Failed, "exit 3 fails");
        assert!(out.summary.contains("exited with code 3 (expected 0)"), "{}", out.summary);
        assert!(out.summary.contains("database is locked"), "last error line: {}", out.summary);
        let ev = evidence(&out);
        assert_eq!(ev.exit_code, Some(3), "exit code");
        assert_eq!(ev.stdout_excerpt, "working", "stdout kept apart");
        assert_eq!(ev.stderr_excerpt, "database is locked", "stderr kept apart");
    }

    #[test]
    fn arguments_are_never_interpreted_by_a_shell() {
        let out = run(CommandParams {
            expect_output: Some("$(echo pwned); ls".into()),
            ..command("printf", &["%s\\n", "$(echo pwned); ls"])
        });
        assert_eq!(out.status, StepStatus::Passed, "printed literally: {}", out.summary);
    }

    #[test]
    fn environment_and_working_folder_are_applied() {
        let dir = temp_dir();
        fs::create_dir(dir.path().join("sub")).expect("create sub/");
        let params = CommandParams {
            cwd: Some("sub".into()),
            env: BTreeMap::from([("PILOT_TEST_VALUE".to_owned(), "from-the-plan".to_owned())]),
            expect_output: Some("from-the-plan".into()),
            ..sh("pwd; echo \"$PILOT_TEST_VALUE\"")
        };
        let out = run_in(dir.path(), &ready_facts(dir.path()), StepAction::Command(params));
        assert_eq!(out.status, StepStatus::Passed, "env var seen: {}", out.summary);
        let ev = evidence(&out);
        assert!(
            ev.stdout_excerpt.lines().next().is_some_and(|l| l.ends_with("/sub")),
            "cwd: {}",
            ev.stdout_excerpt
        );
        assert!(ev.cwd.ends_with("sub"), "cwd is evidence: {}", ev.cwd);
    }

    #[test]
    fn live_output_arrives_line_by_line_in_order() {
        let (out, lines) =
            run_collecting(sh("for i in 1 2 3 4 5; do echo line$i; sleep 0.05; done"));
        assert_eq!(out.status, StepStatus::Passed, "{}", out.summary);
        assert_eq!(lines, ["line1", "line2", "line3", "line4", "line5"], "every line, in order");
    }

    #[test]
    fn a_timeout_kills_the_program() {
        let started = Instant::now();
        let out = run(CommandParams { timeout_secs: Some(1), ..command("sleep", &["30"]) });
        assert!(started.elapsed() < Duration::from_secs(20), "stopped long before 30 s");
        assert_eq!(out.status, StepStatus::Failed, "a timeout fails");
        let ev = evidence(&out);
        assert!(ev.timed_out, "timed_out is evidence");
        assert_eq!(ev.exit_code, None, "a killed program has no exit code");
        assert!(out.summary.contains("did not finish within 1 s"), "{}", out.summary);
    }

    #[test]
    fn a_timeout_also_kills_what_the_program_started() {
        let dir = temp_dir();
        // The grandchild `sleep` holds the output pipe and would outlive a plain kill of `sh`.
        let script = "echo started; sleep 30 & echo $! > grandchild.pid; wait; echo never";
        let params = CommandParams { timeout_secs: Some(1), ..sh(script) };
        let started = Instant::now();
        let out = run_in(dir.path(), &ready_facts(dir.path()), StepAction::Command(params));
        assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
        let ev = evidence(&out);
        assert!(ev.timed_out, "timed out");
        assert_eq!(ev.stdout_excerpt, "started", "output before the kill is kept");

        let pid: u32 = fs::read_to_string(dir.path().join("grandchild.pid"))
            .expect("the script wrote its grandchild's pid")
            .trim()
            .parse()
            .expect("a pid is a number");
        assert!(!is_running(pid), "the grandchild sleep {pid} was killed too");
    }

    /// The process exists and is not a zombie waiting to be reaped.
    fn is_running(pid: u32) -> bool {
        use sysinfo::{Pid, ProcessRefreshKind, ProcessStatus, ProcessesToUpdate, System};
        // Killing is asynchronous: give the system a moment to deliver the signal.
        std::thread::sleep(Duration::from_millis(200));
        let Ok(mut system) = System::new() else { return false };
        let pid = Pid::from_u32(pid);
        system.refresh_processes_specifics(
            ProcessesToUpdate::Some(&[pid]),
            true,
            ProcessRefreshKind::nothing(),
        );
        system
            .process(pid)
            .is_some_and(|p| !matches!(p.status(), ProcessStatus::Zombie | ProcessStatus::Dead))
    }

    #[test]
    fn endless_output_still_times_out() {
        let started = Instant::now();
        let (out, lines) =
            run_collecting(CommandParams { timeout_secs: Some(1), ..command("yes", &[]) });
        assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
        assert!(evidence(&out).timed_out, "the clock is checked while output streams");
        assert!(!lines.is_empty(), "output was streamed");
        assert!(evidence(&out).stdout_excerpt.len() <= 9 * 1024, "excerpt bounded");
    }

    #[test]
    fn a_background_process_left_running_does_not_hold_the_step() {
        let started = Instant::now();
        let out = run(sh("sleep 20 & echo done"));
        assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
        assert_eq!(out.status, StepStatus::Passed, "the program itself exited 0: {}", out.summary);
    }

    #[test]
    fn large_output_is_streamed_but_the_excerpt_stays_bounded() {
        let (out, lines) =
            run_collecting(sh("seq 1 100000; head -c 3000000 /dev/zero | tr '\\0' x >&2"));
        assert_eq!(out.status, StepStatus::Passed, "{}", out.summary);
        let stdout_lines = lines.iter().filter(|l| !l.starts_with('x')).count();
        assert_eq!(stdout_lines, 100_000, "every line reached the live output");
        let ev = evidence(&out);
        assert!(
            ev.stdout_excerpt.len() <= 9 * 1024,
            "stdout excerpt bounded: {}",
            ev.stdout_excerpt.len()
        );
        assert!(ev.stdout_excerpt.contains("earlier lines omitted"), "says what was left out");
        assert!(ev.stdout_excerpt.ends_with("100000"), "keeps the end");
        assert!(
            ev.stderr_excerpt.len() <= 9 * 1024,
            "one endless line is cut: {}",
            ev.stderr_excerpt.len()
        );
        assert!(ev.stderr_excerpt.ends_with("(line cut)"), "and says so");
    }

    /// A report printed to stdout lands whole in `stdout_file` (stderr stays out of it), even
    /// when the program exits non-zero, as a test runner with failures does.
    #[test]
    fn stdout_is_saved_to_the_named_file_whatever_the_exit_code() {
        let dir = temp_dir();
        let lines: Vec<String> = (0..5000).map(|i| format!("{{\"case\": {i}}}")).collect();
        let script = "i=0; while [ $i -lt 5000 ]; do echo \"{\\\"case\\\": $i}\"; i=$((i+1)); done; \
                      echo progress >&2; exit 1";
        let params = CommandParams { stdout_file: Some("reports/out.json".into()), ..sh(script) };
        let out = run_in(dir.path(), &ready_facts(dir.path()), StepAction::Command(params));
        assert_eq!(out.status, StepStatus::Failed, "exit 1 still fails the step");
        let saved = fs::read_to_string(dir.path().join("reports/out.json")).expect("the file");
        assert_eq!(saved, lines.join("\n") + "\n", "every stdout line, in order, nothing else");
        assert!(!dir.path().join("reports/out.json.partial").exists(), "no partial file left");
        let fact = out.evidence.facts.iter().find(|f| f.label == "output saved to");
        assert!(
            fact.is_some_and(|f| f.value.contains("out.json") && f.value.contains("bytes")),
            "the evidence says where: {:?}",
            out.evidence.facts
        );
    }

    #[test]
    fn a_stopped_program_leaves_no_output_file() {
        let dir = temp_dir();
        let params = CommandParams {
            stdout_file: Some("out.txt".into()),
            timeout_secs: Some(1),
            ..sh("echo partial; sleep 30")
        };
        let out = run_in(dir.path(), &ready_facts(dir.path()), StepAction::Command(params));
        assert_eq!(out.status, StepStatus::Failed, "timed out");
        assert!(!dir.path().join("out.txt").exists(), "incomplete output is not put in place");
        assert!(!dir.path().join("out.txt.partial").exists(), "nor left half-written");
    }

    #[test]
    fn an_unwritable_output_file_fails_before_the_program_runs() {
        let dir = temp_dir();
        fs::write(dir.path().join("taken"), "a file, not a folder").expect("write");
        let params = CommandParams { stdout_file: Some("taken/out.txt".into()), ..sh("touch ran") };
        let out = run_in(dir.path(), &ready_facts(dir.path()), StepAction::Command(params));
        assert_eq!(out.status, StepStatus::Failed, "cannot write there");
        assert!(out.summary.starts_with("Cannot write the output file"), "{}", out.summary);
        assert!(out.summary.contains("stdout_file"), "names the setting: {}", out.summary);
        assert!(!dir.path().join("ran").exists(), "the program did not run");
    }

    #[test]
    fn non_utf8_output_is_decoded_lossily() {
        let out = run(command("printf", &["\\377\\376ok\\n"]));
        assert_eq!(out.status, StepStatus::Passed, "{}", out.summary);
        assert_eq!(evidence(&out).stdout_excerpt, "\u{fffd}\u{fffd}ok", "replacement characters");
    }
}

#[test]
fn kinds_decided_elsewhere_are_skipped() {
    let dir = temp_dir();
    let facts = ready_facts(dir.path());
    for action in [
        StepAction::Manual(ManualParams::default()),
        StepAction::Gate(GateParams { requires: vec!["a".into()] }),
    ] {
        let out = run_in(dir.path(), &facts, action);
        assert_eq!(out.status, StepStatus::Skipped, "the runner decides these");
        assert_eq!(out.summary, "decided by the runner", "agreed wording");
    }
}
