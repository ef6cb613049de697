//! file.* kinds against real files.

use std::fs;

use chrono::{Duration, Utc};
use pilot_engine::FixedClock;
use pilot_engine::plan::StepAction;
use pilot_engine::plan::kinds::{FileAgeParams, FileEnvKeyParams, FileExistsParams};
use pilot_engine::run::{StepOutcome, StepStatus};

use super::{ready_facts, run_in, run_with, temp_dir};

fn exists(path: &str, min_size_bytes: Option<u64>) -> StepAction {
    StepAction::FileExists(FileExistsParams { path: path.into(), min_size_bytes })
}

#[test]
fn exists_passes_with_size_and_sha256_evidence() {
    let dir = temp_dir();
    fs::write(dir.path().join("backup.db"), "hello").expect("write the file");
    let out = run_in(dir.path(), &ready_facts(dir.path()), exists("backup.db", Some(5)));
    assert_eq!(out.status, StepStatus::Passed, "5 bytes ≥ 5 bytes: {}", out.summary);
    let file = &out.evidence.files[0];
    assert_eq!(file.size_bytes, 5, "size is evidence");
    assert_eq!(
        file.sha256.as_deref(),
        Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
        "SHA-256 of \"hello\""
    );
    assert!(file.modified.is_some(), "modification time is evidence");
}

#[test]
fn exists_fails_for_missing_and_too_small_files() {
    let dir = temp_dir();
    let facts = ready_facts(dir.path());
    let out = run_in(dir.path(), &facts, exists("nope.txt", None));
    assert_eq!(out.status, StepStatus::Failed, "a missing file fails");
    assert!(out.summary.contains("nope.txt does not exist"), "{}", out.summary);

    fs::write(dir.path().join("small.db"), "x").expect("write the file");
    let out = run_in(dir.path(), &facts, exists("small.db", Some(1024)));
    assert_eq!(out.status, StepStatus::Failed, "1 byte < 1024 bytes");
    assert!(out.summary.contains("only 1 byte (need ≥ 1.0 kB)"), "{}", out.summary);
    assert!(!out.evidence.measurements[0].passed, "the size measurement failed");

    let absolute = dir.path().join("small.db").display().to_string();
    let out = run_in(dir.path(), &facts, exists(&absolute, None));
    assert_eq!(out.status, StepStatus::Passed, "absolute paths work: {}", out.summary);
}

#[test]
fn age_compares_the_modification_time_with_the_run_clock() {
    let dir = temp_dir();
    fs::write(dir.path().join("dump.sql"), "--").expect("write the file");
    let facts = ready_facts(dir.path());
    let age =
        || StepAction::FileAge(FileAgeParams { path: "dump.sql".into(), max_age_hours: 24.0 });

    let soon = FixedClock::at(Utc::now() + Duration::hours(1));
    let out = run_with(dir.path(), &facts, &soon, &|_| {}, age());
    assert_eq!(out.status, StepStatus::Passed, "an hour old is fresh: {}", out.summary);
    let m = &out.evidence.measurements[0];
    assert_eq!((m.metric.as_str(), m.unit.as_str()), ("age", "h"), "age in hours");
    assert!((0.9..=1.2).contains(&m.value), "about one hour: {}", m.value);

    let later = FixedClock::at(Utc::now() + Duration::hours(30));
    let out = run_with(dir.path(), &facts, &later, &|_| {}, age());
    assert_eq!(out.status, StepStatus::Failed, "30 hours is older than 24");
    assert!(out.summary.contains("limit 24 h"), "{}", out.summary);

    let out = run_in(
        dir.path(),
        &facts,
        StepAction::FileAge(FileAgeParams { path: "missing.sql".into(), max_age_hours: 1.0 }),
    );
    assert_eq!(out.status, StepStatus::Failed, "a missing file has no age");
}

fn env_key(key: &str, min_length: Option<usize>) -> StepAction {
    StepAction::FileEnvKey(FileEnvKeyParams { path: ".env".into(), key: key.into(), min_length })
}

/// Every 6-character piece of `secret` is absent from everything the outcome holds.
fn assert_not_leaked(out: &StepOutcome, secret: &str) {
    let json = serde_json::to_string(out).expect("outcomes serialise");
    let chars: Vec<char> = secret.chars().collect();
    for piece in chars.windows(6) {
        let piece: String = piece.iter().collect();
        assert!(!json.contains(&piece), "secret piece {piece:?} leaked into {json}");
    }
}

#[test]
fn env_key_reports_length_and_never_the_value() {
    let dir = temp_dir();
    let secret = "Zq9#vB2!mW7@xK4$pL8%tR3^nY6&hJ1*";
    let short = "Qx7!Gz2@Wk";
    let text = format!(
        "# settings\r\nexport SECRET_KEY=\"{secret}\"\r\nAPI_TOKEN='{short}' # rotated\r\nEMPTY=\r\n"
    );
    fs::write(dir.path().join(".env"), text).expect("write .env");
    let facts = ready_facts(dir.path());

    let out = run_in(dir.path(), &facts, env_key("SECRET_KEY", Some(32)));
    assert_eq!(out.status, StepStatus::Passed, "32 characters ≥ 32: {}", out.summary);
    assert_eq!(out.summary, "SECRET_KEY in .env: present, 32 characters.", "length only");
    assert_not_leaked(&out, secret);

    let out = run_in(dir.path(), &facts, env_key("API_TOKEN", Some(32)));
    assert_eq!(out.status, StepStatus::Failed, "10 characters < 32");
    assert!(out.summary.contains("too short: 10 characters, need ≥ 32"), "{}", out.summary);
    assert_not_leaked(&out, short);

    let out = run_in(dir.path(), &facts, env_key("EMPTY", None));
    assert_eq!(out.status, StepStatus::Failed, "an empty value fails the default minimum of 1");
    assert!(out.summary.contains("EMPTY is empty"), "{}", out.summary);

    let out = run_in(dir.path(), &facts, env_key("MISSING", None));
    assert_eq!(out.status, StepStatus::Failed, "an absent key fails");
    assert!(out.summary.contains("MISSING is not defined in .env"), "{}", out.summary);
    assert_not_leaked(&out, secret);
    assert!(out.evidence.files.iter().all(|f| f.sha256.is_none()), "no hash of a file of secrets");
}

#[test]
fn env_key_missing_file_and_last_definition_wins() {
    let dir = temp_dir();
    let facts = ready_facts(dir.path());
    let out = run_in(dir.path(), &facts, env_key("SECRET_KEY", None));
    assert_eq!(out.status, StepStatus::Failed, "no .env file");
    assert!(out.summary.contains(".env does not exist"), "{}", out.summary);

    fs::write(dir.path().join(".env"), "SECRET_KEY=long-enough-value\nSECRET_KEY=short\n")
        .expect("write .env");
    let out = run_in(dir.path(), &facts, env_key("SECRET_KEY", Some(10)));
    assert_eq!(out.status, StepStatus::Failed, "the last definition (5 characters) counts");
    assert!(out.evidence.facts.iter().any(|f| f.value.contains("defined 2 times")), "noted");
}
