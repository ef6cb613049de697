//! Sign-offs as the evidence of their sign-off step, which is where the report (a pure function
//! of the run) reads them: each sign-off is four facts in a row, labelled `<role>.name`,
//! `<role>.decision`, `<role>.comment` and `<role>.time`, and for a signed decision three more:
//! `<role>.key` (the fingerprint), `<role>.principals` and `<role>.approval` (the signed file). The store's `signoffs` table holds the
//! same decisions for queries (history filters); both are written in one transaction.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::model::{Decision, SignedBy, Signoff};
use crate::plan::Plan;
use crate::record::{Evidence, Fact, StepRecord};

/// The label of the fact that keeps the sign-off request a run published (its text), on the
/// sign-off step it asks for.
pub const REQUEST_FACT: &str = "sign-off request";

/// How the time of a sign-off is written in its fact (the report shows it as it is).
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S UTC";

/// The evidence with one more sign-off appended.
pub fn with_signoff(mut evidence: Evidence, s: &Signoff) -> Evidence {
    let role = &s.role;
    let fact = |field: &str, value: String| Fact { label: format!("{role}.{field}"), value };
    evidence.facts.push(fact("name", s.name.clone()));
    evidence.facts.push(fact("decision", s.decision.word().to_string()));
    evidence.facts.push(fact("comment", s.comment.clone()));
    evidence.facts.push(fact("time", s.at.format(TIME_FORMAT).to_string()));
    if let Some(by) = &s.signed {
        evidence.facts.push(fact("key", by.fingerprint.clone()));
        evidence.facts.push(fact("principals", by.principals.join(",")));
        evidence.facts.push(fact("approval", by.file.clone()));
    }
    evidence
}

/// Every sign-off recorded in the sign-off steps among `records` (the steps `plan` makes
/// sign-offs), in the order given.
pub fn signoffs_in(plan: &Plan, records: &[StepRecord]) -> Vec<Signoff> {
    let mut out: Vec<Signoff> = Vec::new();
    // The plan's sign-off steps, looked up once: a run has hundreds of records.
    let signoff_steps: std::collections::BTreeSet<&str> = plan
        .steps()
        .filter(|(_, s)| s.action.signoff_roles().is_some())
        .map(|(_, s)| s.id.as_str())
        .collect();
    for rec in records.iter().filter(|r| signoff_steps.contains(r.step_id.as_str())) {
        let mut current: Option<Signoff> = None;
        for f in &rec.evidence.facts {
            let Some((role, field)) = f.label.rsplit_once('.') else { continue };
            match field {
                "name" => {
                    if let Some(done) = current.take() {
                        push_unique(&mut out, done);
                    }
                    current = Some(Signoff {
                        role: role.to_string(),
                        name: f.value.clone(),
                        decision: Decision::Hold,
                        comment: String::new(),
                        at: DateTime::<Utc>::UNIX_EPOCH,
                        signed: None,
                    });
                }
                _ => {
                    let Some(s) = current.as_mut().filter(|s| s.role == role) else { continue };
                    match field {
                        // An unreadable decision counts as a hold: it must never approve.
                        "decision" => {
                            s.decision = Decision::parse(&f.value).unwrap_or(Decision::Hold)
                        }
                        "comment" => s.comment = f.value.clone(),
                        "time" => {
                            if let Ok(t) = NaiveDateTime::parse_from_str(&f.value, TIME_FORMAT) {
                                s.at = t.and_utc();
                            }
                        }
                        "key" => signed(s).fingerprint = f.value.clone(),
                        "principals" => {
                            signed(s).principals = f.value.split(',').map(str::to_string).collect();
                        }
                        "approval" => signed(s).file = f.value.clone(),
                        _ => {}
                    }
                }
            }
        }
        if let Some(done) = current.take() {
            push_unique(&mut out, done);
        }
    }
    out
}

/// The signature part of a sign-off being read, started by its first signed fact.
fn signed(s: &mut Signoff) -> &mut SignedBy {
    s.signed.get_or_insert_with(|| SignedBy {
        fingerprint: String::new(),
        principals: Vec::new(),
        file: String::new(),
    })
}

/// Two sign-off steps asking for the same role carry the same sign-off: keep it once.
fn push_unique(out: &mut Vec<Signoff>, s: Signoff) {
    if !out.contains(&s) {
        out.push(s);
    }
}
