//! `kill -9` of `pilot` in the middle of a long step, at random moments: the step's program may
//! outlive it, and `pilot resume` must never start a second copy while it runs. It refuses,
//! saying what is still running; once the program has ended, the run goes on. The program
//! writes a line when it starts and when it ends: two starts without an end between them would
//! be two copies at once. The same for a plan's deploy program (`deploy.command`).

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Sandbox, json, text};

const PLAN: &str = r#"
[plan]
name = "long"
title = "A long deploy"
environment = "staging"

[[phase]]
id = "deploy"
title = "Deploy"
stage = "deploy"

[[phase.step]]
id = "migrate"
title = "Migrate the database"
kind = "KIND"
program = "sh"
args = ["-c", "echo \"start $$\" >> ../copies.log; sleep 2; echo \"end $$\" >> ../copies.log"]
"#;

fn spawn_run(sandbox: &Sandbox, repo: &Path, plan: &Path) -> Child {
    sandbox
        .command()
        .args(["run", "--repo", repo.to_str().expect("utf-8"), "--plan"])
        .arg(plan)
        .args(["--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pilot starts")
}

/// The copies' lines: never two starts without the end of the first between them.
fn assert_one_at_a_time(log: &str) {
    let mut open: Option<&str> = None;
    for line in log.lines() {
        match line.split_once(' ') {
            Some(("start", pid)) => {
                assert!(open.is_none(), "a second copy started while {open:?} ran:\n{log}");
                open = Some(pid);
            }
            Some(("end", pid)) => {
                assert_eq!(open, Some(pid), "an end without its start:\n{log}");
                open = None;
            }
            _ => panic!("unexpected line {line:?}"),
        }
    }
}

#[cfg(unix)]
#[test]
fn a_resume_after_kill_9_never_starts_a_second_copy_of_a_running_step() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(7);
    for (round, kind) in (0..6u64).zip(["command", "deploy.command"].into_iter().cycle()) {
        // A moment inside the 2 s program (or just before it starts), different each round.
        let delay = Duration::from_millis(150 + (seed.wrapping_mul(round + 1) * 7919) % 1_300);
        let sandbox = Sandbox::new();
        let repo = sandbox.demo("project");
        let plan = sandbox.root.path().join("plan.toml");
        std::fs::write(&plan, PLAN.replace("KIND", kind)).expect("plan");
        let log = sandbox.root.path().join("copies.log");

        let mut pilot = spawn_run(&sandbox, &repo, &plan);
        std::thread::sleep(delay);
        pilot.kill().expect("kill -9"); // SIGKILL: no clean-up runs
        let _ = pilot.wait();

        let runs = json(&sandbox.pilot(&["runs", "--json"]));
        let id = runs[0]["id"].as_str().expect("the run exists").to_string();
        let started = std::fs::read_to_string(&log).unwrap_or_default();
        let program_running = started.contains("start") && !started.contains("end");
        let resume = sandbox.pilot(&["resume", &id, "--json"]);
        let said = text(&resume.stderr);
        if program_running && resume.status.code() != Some(0) {
            assert!(
                said.contains("still going") && said.contains("will not be started twice"),
                "round {round}, {kind} ({delay:?}): refused, saying why: {said}"
            );
            // Once the program has ended, the run goes on.
            let until = Instant::now() + Duration::from_secs(10);
            while !std::fs::read_to_string(&log).unwrap_or_default().contains("end") {
                assert!(Instant::now() < until, "the program ends");
                std::thread::sleep(Duration::from_millis(100));
            }
            // Its group may need a moment to be gone from the process table.
            let until = Instant::now() + Duration::from_secs(5);
            loop {
                let again = sandbox.pilot(&["resume", &id, "--json"]);
                if again.status.code() == Some(0) {
                    assert_eq!(json(&again)["outcome"], "go", "round {round}");
                    break;
                }
                assert!(Instant::now() < until, "resumes once ended: {}", text(&again.stderr));
                std::thread::sleep(Duration::from_millis(200));
            }
        } else {
            assert_eq!(
                resume.status.code(),
                Some(0),
                "round {round}, {kind} ({delay:?}): nothing was running, so it resumes: {said}"
            );
        }
        assert_one_at_a_time(&std::fs::read_to_string(&log).unwrap_or_default());
    }
}

#[cfg(unix)]
#[test]
fn the_recorded_program_is_found_while_it_runs() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let plan = sandbox.root.path().join("plan.toml");
    std::fs::write(&plan, PLAN.replace("KIND", "command")).expect("plan");
    let mut pilot = spawn_run(&sandbox, &repo, &plan);
    let log = sandbox.root.path().join("copies.log");
    let until = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("start") {
        assert!(Instant::now() < until, "the program starts");
        std::thread::sleep(Duration::from_millis(20));
    }
    pilot.kill().expect("kill -9");
    let _ = pilot.wait();
    let id = json(&sandbox.pilot(&["runs", "--json"]))[0]["id"].as_str().expect("id").to_string();
    let resume = sandbox.pilot(&["resume", &id]);
    let said = text(&resume.stderr);
    assert_ne!(resume.status.code(), Some(0), "refused while the program runs: {said}");
    assert!(said.contains("Migrate the database") && said.contains("still going"), "{said}");
    // Let it end before the sandbox goes.
    let until = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("end") {
        assert!(Instant::now() < until, "the program ends");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A run killed mid-step: the store holds it, its lock file is in the data folder.
#[cfg(unix)]
fn killed_run(sandbox: &Sandbox) -> String {
    let repo = sandbox.demo("project");
    let plan = sandbox.root.path().join("plan.toml");
    std::fs::write(&plan, PLAN.replace("KIND", "command")).expect("plan");
    let log = sandbox.root.path().join("copies.log");
    let mut pilot = spawn_run(sandbox, &repo, &plan);
    let until = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("start") {
        assert!(Instant::now() < until, "the program starts");
        std::thread::sleep(Duration::from_millis(20));
    }
    pilot.kill().expect("kill -9");
    let _ = pilot.wait();
    // Let the left program end, so the sandbox can go.
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("end") {
        assert!(Instant::now() < until, "the program ends");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::read_dir(sandbox.data.path().join("locks"))
        .expect("locks folder")
        .filter_map(Result::ok)
        .find_map(|e| e.file_name().to_str()?.strip_suffix(".lock").map(str::to_string))
        .expect("the run's lock file")
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_is_listed_as_interrupted() {
    let sandbox = Sandbox::new();
    let id = killed_run(&sandbox);
    let listed = sandbox.pilot(&["runs"]);
    let said = text(&listed.stdout);
    assert!(said.contains(&id) && said.contains("interrupted"), "{said}");
    let runs = json(&sandbox.pilot(&["runs", "--json"]));
    assert_eq!(runs[0]["interrupted"], true, "{runs}");
}

#[cfg(unix)]
#[test]
fn an_emptied_store_is_reported_and_never_overwritten() {
    let sandbox = Sandbox::new();
    let id = killed_run(&sandbox);
    let store = sandbox.store_file();
    for leftover in ["runs.sqlite3-wal", "runs.sqlite3-shm"] {
        let _ = std::fs::remove_file(sandbox.data.path().join(leftover));
    }
    std::fs::write(&store, b"").expect("emptied");
    for args in [&["runs"][..], &["resume", &id][..]] {
        let out = sandbox.pilot(args);
        let said = text(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "pilot {args:?} refuses: {said}");
        assert!(said.contains("is empty (0 bytes)") && said.contains(&id), "{said}");
    }
    assert_eq!(std::fs::metadata(&store).expect("store").len(), 0, "left exactly as it was");
}

#[cfg(unix)]
#[test]
fn a_store_that_lost_its_wal_after_a_crash_is_reported() {
    let sandbox = Sandbox::new();
    let id = killed_run(&sandbox);
    let wal = sandbox.data.path().join("runs.sqlite3-wal");
    assert!(wal.exists(), "the killed drive left its writes in the WAL");
    std::fs::remove_file(&wal).expect("WAL deleted");
    let _ = std::fs::remove_file(sandbox.data.path().join("runs.sqlite3-shm"));
    let out = sandbox.pilot(&["runs"]);
    let said = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "refused: {said}");
    assert!(
        said.contains("does not hold") && said.contains(&id) && said.contains("-wal"),
        "{said}"
    );
}
