//! Four eyes on waivers: who must agree before a waiver takes effect, and who may not. The
//! plan's `[plan.waivers] second_person = "ROLE"` asks it of every waiver; a kind with a
//! caution (a deploy, a rollback: waiving it lets later steps run against a half-changed
//! service) asks it always, of any second person. Never the operator, never the person who
//! proposed the waiver. The desktop's "Agree…" and an answers file's `agreed_by` both come here.

use super::Run;
use crate::plan::Plan;
use crate::record::Waiver;
use crate::signoff::same_person;

/// Who must agree to a waiver of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondPerson {
    /// The plan's role id, when the plan names one.
    pub role: Option<String>,
    /// In words: "a second person of the role Operations" / "a second person".
    pub words: String,
}

/// Whether a waiver of `step_id` needs a second person, and who.
pub fn second_person(run: &Run, step_id: &str) -> Option<SecondPerson> {
    second_person_in(&run.header.plan, step_id)
}

/// The same, from the plan alone (the desktop says it before anyone waives).
pub fn second_person_in(plan: &Plan, step_id: &str) -> Option<SecondPerson> {
    if let Some(rule) = &plan.plan.waivers {
        let title = plan
            .plan
            .roles
            .iter()
            .find(|r| r.id == rule.second_person)
            .map_or(rule.second_person.as_str(), |r| r.title.as_str());
        return Some(SecondPerson {
            role: Some(rule.second_person.clone()),
            words: format!("a second person, for the role {title}"),
        });
    }
    let cautious = plan.step(step_id).is_some_and(|s| s.action.waiver_caution().is_some());
    cautious.then(|| SecondPerson { role: None, words: "a second person".into() })
}

/// Why `by` may not agree to `waiver` in `run`, if they may not.
pub fn refusal(run: &Run, waiver: &Waiver, by: &str) -> Option<String> {
    let by = by.trim();
    if by.is_empty() {
        return Some("an agreement needs the name of the person agreeing".into());
    }
    if same_person(by, &waiver.by) {
        return Some(format!(
            "{by} proposed this waiver and cannot also agree to it: a second person must (four eyes)"
        ));
    }
    if same_person(by, &run.header.operator) {
        return Some(format!(
            "{by} runs this release and may not agree to its waivers (four eyes): someone else must"
        ));
    }
    None
}
