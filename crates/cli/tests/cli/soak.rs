//! A soak survives a crash: `pilot run` is killed with SIGKILL in the middle of a soak against a
//! real HTTP server on 127.0.0.1, and `pilot resume` carries on in the same window with the
//! rounds already stored, rather than starting the soak over.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{Sandbox, json, text};

/// A keep-alive HTTP/1.1 server answering 200 to every GET; it lives as long as the test.
fn serve() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream));
        }
    });
    port
}

fn answer(stream: TcpStream) {
    let Ok(mut out) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    loop {
        // The request line and headers, up to the blank line (GETs carry no body).
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" || line == "\n" {
                break;
            }
        }
        let body = r#"{"status":"ok"}"#;
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
        if out.write_all(head.as_bytes()).and_then(|()| out.write_all(body.as_bytes())).is_err() {
            return;
        }
    }
}

/// The soak step's status and evidence facts, straight from the store file.
fn soak_in(store: &Path) -> Option<(String, String, serde_json::Value)> {
    let conn =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()?;
    conn.query_row(
        "SELECT run_id, status, evidence_json FROM steps WHERE step_id = 'soak'",
        [],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)),
    )
    .ok()
    .and_then(|(run, status, ev)| Some((run, status, serde_json::from_str(&ev).ok()?)))
}

fn fact(evidence: &serde_json::Value, label: &str) -> Option<String> {
    evidence["facts"]
        .as_array()?
        .iter()
        .find(|f| f["label"] == label)
        .and_then(|f| f["value"].as_str().map(str::to_owned))
}

#[test]
fn a_soak_killed_mid_window_resumes_its_rounds_instead_of_starting_over() {
    let port = serve();
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let plan = sandbox.root.path().join("soak.toml");
    std::fs::write(
        &plan,
        format!(
            "[plan]\nname = \"soak\"\ntitle = \"Soak\"\n[vars]\nsoak_secs = \"5\"\n\
             [[phase]]\nid = \"p\"\ntitle = \"P\"\n[[phase.step]]\nid = \"soak\"\n\
             title = \"Keep probing\"\nkind = \"soak\"\nurl = \"http://127.0.0.1:{port}/health\"\n\
             interval_secs = 1\nduration_secs = \"{{{{soak_secs}}}}\"\nrequests_per_round = 5\n\
             p95_ms = 500\n"
        ),
    )
    .expect("plan");
    let store = sandbox.store_file();
    let mut child = sandbox
        .command()
        .args(["run", "--json", "--plan"])
        .arg(&plan)
        .arg("--repo")
        .arg(&repo)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("pilot runs");

    // Kill it once two rounds are stored, while the soak is still running.
    let deadline = Instant::now() + Duration::from_secs(60);
    let (run_id, before) = loop {
        if let Some((run, status, ev)) = soak_in(&store)
            && status == "running"
            && fact(&ev, "series.2.probes").is_some()
        {
            break (run, ev);
        }
        assert!(Instant::now() < deadline, "timed out waiting for two rounds of the soak");
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let (_, status, _) = soak_in(&store).expect("the soak's record");
    assert_eq!(status, "running", "the killed soak is left marked running");

    let out = sandbox.pilot(&["resume", &run_id, "--json"]);
    assert_eq!(out.status.code(), Some(0), "the resumed run ends GO: {}", text(&out.stderr));
    let resumed = json(&out);
    assert_eq!(resumed["status"], "completed", "the resumed run completes");
    let (_, status, after) = soak_in(&store).expect("the soak's record");
    assert!(status == "passed" || status == "warned", "the soak finished: {status} {after}");
    for label in ["soak.window_start", "series.1.at", "series.1.p95_ms", "series.2.at"] {
        assert_eq!(
            fact(&after, label),
            fact(&before, label),
            "{label} is kept from before the kill, not measured again"
        );
    }
    for n in 1..=5 {
        let accounted = fact(&after, &format!("series.{n}.probes")).is_some()
            || fact(&after, &format!("series.{n}.missed")).is_some();
        assert!(accounted, "round {n} of the 5 s window ran or is marked missed: {after}");
    }
    assert!(fact(&after, "series.6.probes").is_none(), "the window did not start over: {after}");

    let report = sandbox.pilot(&["report", &run_id]);
    let report = text(&report.stdout);
    assert!(report.contains("Round 2 of 5"), "the event log keeps each round's line");
    assert!(report.contains("interrupted"), "and the interruption");
}
