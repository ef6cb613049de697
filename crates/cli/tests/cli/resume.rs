//! Crash safety: a run killed with SIGKILL in the middle resumes to the same report as an
//! uninterrupted run, and a second process cannot drive a run that is being driven.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Sandbox, json, text};

/// Programs the staging template calls (python, npm, pwsh, docker-compose…) as small scripts
/// that take a moment and succeed, printing what the plan's checks look for. The run is real:
/// real processes, a real store, a real kill; only the team's own tools are stood in for.
fn shims(dir: &Path, programs: &[String]) {
    std::fs::create_dir_all(dir).expect("shim dir");
    for program in programs {
        let path = dir.join(program);
        std::fs::write(
            &path,
            "#!/bin/sh\necho \"Metrics saved\"\necho \"created 100 students\"\nsleep 0.4\nexit 0\n",
        )
        .expect("shim");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

/// Every program the staging template's command steps run, other than git.
fn staging_programs() -> Vec<String> {
    let template = pilot_engine::plan::templates::template("staging").expect("staging template");
    let plan = pilot_engine::plan::parse_plan(template.source, "staging").expect("valid");
    let mut programs: Vec<String> = plan
        .steps()
        .filter_map(|(_, s)| match &s.action {
            pilot_engine::plan::StepAction::Command(p)
            | pilot_engine::plan::StepAction::DeployCommand(p) => Some(p.program.clone()),
            _ => None,
        })
        .map(|p| match p.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) {
            Some(var) => plan.vars.get(var.trim()).cloned().unwrap_or(p),
            None => p,
        })
        .filter(|p| p != "git")
        .collect();
    programs.sort();
    programs.dedup();
    programs
}

/// Step ids in the given state, straight from the store file (as a reader would see it).
fn steps_in(store: &Path, status: &str) -> Vec<(String, String)> {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return Vec::new();
    };
    let Ok(mut stmt) = conn.prepare("SELECT run_id, step_id FROM steps WHERE status = ?1") else {
        return Vec::new();
    };
    stmt.query_map([status], |r| Ok((r.get(0)?, r.get(1)?)))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Remove what legitimately differs between two runs of the same plan: times, durations,
/// run ids, measured amounts of free disk and memory, and the event log (which honestly
/// records the interruption).
fn normalise(report: &str) -> String {
    let without_log = match report.find("## Event log") {
        Some(start) => {
            let rest = &report[start + 3..];
            let end = rest.find("\n## ").map(|e| start + 3 + e).unwrap_or(report.len());
            format!("{}{}", &report[..start], &report[end..])
        }
        None => report.to_string(),
    };
    let rules = [
        // The integrity seal hashes the log and the content, times included.
        (r"[0-9a-f]{64}", "<sha256>"),
        (r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?( ?UTC|Z)?", "<time>"),
        (r"\d{8}-\d{6}-[0-9a-f]{4}", "<run>"),
        (r"\d+(\.\d+)? ?(GB|MB|KB|GiB|MiB|KiB|bytes|ms|s|min|h|hours)\b", "<amount>"),
        (r"\b\d+(\.\d+)?\b", "<n>"),
    ];
    rules.iter().fold(without_log, |text, (pattern, with)| {
        regex::Regex::new(pattern).expect("valid pattern").replace_all(&text, *with).into_owned()
    })
}

struct Staging {
    sandbox: Sandbox,
    repo: PathBuf,
    answers: PathBuf,
}

impl Staging {
    fn new() -> Self {
        let mut sandbox = Sandbox::new();
        let repo = sandbox.demo("project");
        let bin = sandbox.root.path().join("bin");
        shims(&bin, &staging_programs());
        sandbox.path_prefix.push(bin);
        let answers = sandbox.root.path().join("answers.toml");
        let skeleton = sandbox.pilot(&["plan", "answers", "--template", "staging"]);
        // Every manual item ticked, and every role of the sign-off approving.
        let mut filled = text(&skeleton.stdout).replace("done = false", "done = true");
        for role in ["devops_lead", "qa_lead", "backend_lead", "tech_lead"] {
            filled.push_str(&format!(
                "\n[signoff.{role}]\nname = \"{role} <{role}@example.com>\"\ndecision = \"approve\"\n"
            ));
        }
        std::fs::write(&answers, filled).expect("answers");
        Self { sandbox, repo, answers }
    }

    fn run_command(&self) -> std::process::Command {
        let mut cmd = self.sandbox.command();
        cmd.args([
            "run",
            "--template",
            "staging",
            "--json",
            "--operator",
            "Ada Lovelace <ada@example.com>",
        ])
        .arg("--repo")
        .arg(&self.repo)
        .arg("--answers")
        .arg(&self.answers);
        cmd
    }

    /// Run to the end, waiving (with a reason) whatever fails on this machine, so that the
    /// answers file lets a run go through every phase.
    fn settle_answers(&self) {
        let out = self.run_command().output().expect("pilot runs");
        let mut value = json(&out);
        for _ in 0..20 {
            if value["status"] != "failed" {
                break;
            }
            let failed: Vec<String> = value["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .filter(|s| s["status"] == "failed")
                .map(|s| s["id"].as_str().expect("id").to_string())
                .collect();
            let mut text = std::fs::read_to_string(&self.answers).expect("answers");
            for id in failed {
                text.push_str(&format!(
                    "\n[waive.{id}]\nreason = \"Not available on the test machine\"\nagreed_by = \"Linus Torvalds <linus@example.com>\"\n"
                ));
            }
            std::fs::write(&self.answers, text).expect("answers");
            let id = value["run_id"].as_str().expect("id").to_string();
            let out = self
                .sandbox
                .command()
                .args(["resume", &id, "--json", "--answers"])
                .arg(&self.answers)
                .output()
                .expect("resume");
            value = json(&out);
        }
        assert_eq!(value["status"], "completed", "with waivers the staging run goes through");
    }

    fn report(&self, run_id: &str) -> String {
        let out = self.sandbox.pilot(&["report", run_id]);
        assert_eq!(out.status.code(), Some(0), "report: {}", text(&out.stderr));
        text(&out.stdout)
    }
}

/// The process ids the running steps recorded for their programs.
fn recorded_programs(store: &Path) -> Vec<u32> {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return Vec::new();
    };
    let Ok(mut stmt) = conn.prepare("SELECT evidence_json FROM steps WHERE status = 'running'")
    else {
        return Vec::new();
    };
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default();
    rows.iter()
        .filter_map(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        .flat_map(|v| v["facts"].as_array().cloned().unwrap_or_default())
        .filter(|f| f["label"] == "process")
        .filter_map(|f| f["value"].as_str()?.strip_prefix("pid ")?.split(',').next()?.parse().ok())
        .collect()
}

/// Wait until the programs the killed drive left running have ended: a resume refuses to start
/// a second copy while they run (see `crash.rs`).
fn wait_for_left_programs(store: &Path) {
    for pid in recorded_programs(store) {
        wait_for("the program the killed drive left running to end", || {
            // `ps` prints nothing for an ended process, and Z for one nobody reaped yet.
            let alive = std::process::Command::new("ps")
                .args(["-o", "stat=", "-p", &pid.to_string()])
                .output()
                .is_ok_and(|o| {
                    let stat = String::from_utf8_lossy(&o.stdout);
                    !stat.trim().is_empty() && !stat.trim().starts_with('Z')
                });
            (!alive).then_some(())
        });
    }
}

fn kill_when_running(child: &mut Child, store: &Path, nth_command: usize) -> String {
    let (run_id, step) = wait_for("a command step to be running", || {
        steps_in(store, "running").into_iter().find(|(_, step)| {
            step.contains(match nth_command {
                0 => "compose",
                _ => "smoke-suite",
            })
        })
    });
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(
        steps_in(store, "running").iter().any(|(_, s)| *s == step),
        "the killed step is left marked running in the store"
    );
    wait_for_left_programs(store);
    run_id
}

#[test]
fn a_run_killed_in_the_middle_resumes_to_the_same_report() {
    let staging = Staging::new();
    staging.settle_answers();

    // An uninterrupted run.
    let out = staging.run_command().output().expect("pilot runs");
    let whole = json(&out);
    assert_eq!(whole["status"], "completed", "the uninterrupted run completes");
    let whole_id = whole["run_id"].as_str().expect("id").to_string();
    let steps = whole["steps"].as_array().expect("steps");
    assert!(steps.len() > 100, "every step of the staging runbook is recorded ({})", steps.len());

    // The same run, killed twice with SIGKILL while a command step is running.
    let store = staging.sandbox.store_file();
    let mut child =
        staging.run_command().stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let run_id = kill_when_running(&mut child, &store, 0);
    let mut child = staging
        .sandbox
        .command()
        .args(["resume", &run_id, "--answers"])
        .arg(&staging.answers)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("resume");
    kill_when_running(&mut child, &store, 1);
    let out = staging
        .sandbox
        .command()
        .args(["resume", &run_id, "--json", "--answers"])
        .arg(&staging.answers)
        .output()
        .expect("resume");
    let resumed = json(&out);
    assert_eq!(resumed["status"], whole["status"], "the resumed run ends the same way");
    assert_eq!(resumed["outcome"], whole["outcome"], "with the same verdict");
    let statuses = |v: &serde_json::Value| -> Vec<(String, String)> {
        v["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| (s["id"].to_string(), s["status"].to_string()))
            .collect()
    };
    assert_eq!(statuses(&resumed), statuses(&whole), "every step ends in the same state");

    let events = staging.report(&run_id);
    assert!(
        events.contains("interrupted") || events.contains("resumed"),
        "the report's event log records the interruption"
    );
    assert_eq!(
        normalise(&staging.report(&run_id)),
        normalise(&staging.report(&whole_id)),
        "the reports are the same, times aside"
    );
}

#[test]
fn a_second_process_cannot_drive_a_run_being_driven() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let plan = sandbox.root.path().join("slow.toml");
    std::fs::write(
        &plan,
        "[plan]\nname = \"slow\"\ntitle = \"Slow\"\n[[phase]]\nid = \"p\"\ntitle = \"P\"\n[[phase.step]]\nid = \"wait\"\ntitle = \"Wait\"\nkind = \"command\"\nprogram = \"sleep\"\nargs = [\"3\"]\n",
    )
    .expect("plan");
    let mut child = sandbox
        .command()
        .args(["run", "--json", "--plan"])
        .arg(&plan)
        .arg("--repo")
        .arg(&repo)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let (run_id, _) = wait_for("the step to run", || {
        steps_in(&sandbox.store_file(), "running").into_iter().next()
    });
    let out = sandbox.pilot(&["resume", &run_id]);
    assert_eq!(out.status.code(), Some(2), "the second driver is refused");
    let err = text(&out.stderr);
    assert!(err.contains("being driven by another"), "the refusal says why: {err}");
    assert!(err.contains(&run_id), "and names the run: {err}");
    let status = child.wait().expect("first run ends");
    assert_eq!(status.code(), Some(0), "the first process finishes undisturbed");
}
