//! The event log as a hash chain: whole when nothing was touched, and each kind of tampering
//! named — a changed line, a removed line in the middle, a removed last line (found by
//! comparing the report's chain head with the store).

use chrono::Utc;
use pilot_engine::report::report;
use pilot_engine::signature::{AllowedSigners, ChainFinding, check_report};
use pilot_engine::store::{RunStore, chain_head};

use super::flow::{Fixture, PROD_LIKE, prod_like_answers};

/// Remove the store's append-only guard, as someone editing the SQLite file by hand would.
fn tamper(store_file: &std::path::Path, sql: &str) {
    let conn = rusqlite::Connection::open(store_file).expect("open the file directly");
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;",
    )
    .expect("drop the guards");
    conn.execute_batch(sql).expect("tamper");
}

#[test]
fn the_stored_chain_is_whole_and_matches_what_the_report_computes() {
    let f = Fixture::new();
    let run = f.run_to_end(PROD_LIKE, &prod_like_answers());
    let check = f.store.verify_chain(&run.header.id).expect("chain checked");
    assert!(check.is_intact(), "an untouched log is whole: {:?}", check.problems);
    assert_eq!(check.unsealed, 0, "every event of a new store carries its hash");
    assert_eq!(check.head, chain_head(&run.events), "the store and the events agree on the head");
    let conn = rusqlite::Connection::open(f.store.path()).expect("open");
    let err = conn
        .execute("UPDATE events SET message = 'x' WHERE seq = 1", [])
        .expect_err("the guard refuses changes");
    assert!(err.to_string().contains("append-only"), "the log stays append-only: {err}");
}

#[test]
fn a_changed_or_removed_event_breaks_the_chain_and_pilot_verify_says_so() {
    let f = Fixture::new();
    let run = f.run_to_end(PROD_LIKE, &prod_like_answers());
    let id = run.header.id.clone();
    let rendered = report(&run);
    let allowed = AllowedSigners::parse("", std::path::Path::new("allowed_signers"));
    let check = check_report(rendered.as_bytes(), &allowed, &[], Some(&f.store), Utc::now())
        .expect("checked");
    assert_eq!(check.chain, ChainFinding::Matches, "the fresh report matches the store");
    assert_eq!(check.content_intact, Some(true), "and its own digest");

    // The last event removed: the store's chain is consistent but no longer reaches the head.
    let last = run.events.last().expect("events").seq;
    tamper(f.store.path(), &format!("DELETE FROM events WHERE run_id = '{id}' AND seq = {last}"));
    let reopened = RunStore::open(f.store.path()).expect("reopen");
    let check = check_report(rendered.as_bytes(), &allowed, &[], Some(&reopened), Utc::now())
        .expect("checked");
    // Found twice over: the run's sealed state no longer matches its table, and the log no
    // longer reaches the report's head.
    assert!(
        matches!(&check.chain, ChainFinding::Differs { detail } if detail.contains("removed"))
            || matches!(&check.chain, ChainFinding::Broken { problems } if problems.iter().any(|p| p.contains("runs table"))),
        "a removed last event is found: {:?}",
        check.chain
    );

    // An event in the middle changed, then one removed.
    tamper(
        f.store.path(),
        &format!("UPDATE events SET message = 'edited' WHERE run_id = '{id}' AND seq = 3"),
    );
    let found = reopened.verify_chain(&id).expect("checked");
    assert!(
        found.problems.iter().any(|p| p.contains("event #3 was changed")),
        "a changed line is named: {:?}",
        found.problems
    );
    tamper(f.store.path(), &format!("DELETE FROM events WHERE run_id = '{id}' AND seq = 5"));
    let found = reopened.verify_chain(&id).expect("checked");
    assert!(
        found.problems.iter().any(|p| p.contains("event #5 is missing")),
        "a removed line is named: {:?}",
        found.problems
    );
    assert!(
        found.problems.iter().any(|p| p.contains("event #6 does not follow")),
        "and the line after it no longer follows: {:?}",
        found.problems
    );
    let check = check_report(rendered.as_bytes(), &allowed, &[], Some(&reopened), Utc::now())
        .expect("checked");
    assert!(matches!(check.chain, ChainFinding::Broken { .. }), "verify reports a broken log");
}

#[test]
fn a_changed_byte_in_the_report_breaks_its_digest() {
    let f = Fixture::new();
    let run = f.run_to_end(PROD_LIKE, &prod_like_answers());
    let rendered = report(&run);
    assert_eq!(pilot_engine::report::content_intact(&rendered), Some(true), "intact as rendered");
    let flipped = rendered.replacen("GO", "G0", 1);
    assert_eq!(
        pilot_engine::report::content_intact(&flipped),
        Some(false),
        "one byte changed is seen"
    );
    let seal = pilot_engine::report::read_seal(&rendered).expect("sealed");
    assert_eq!(seal.run_id, run.header.id, "the seal names the run");
    assert_eq!(
        seal.chain_head.map(|h| h.seq),
        run.events.last().map(|e| e.seq),
        "the chain head is the last event shown"
    );
}
