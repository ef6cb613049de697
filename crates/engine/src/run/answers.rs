//! Answers from people, given ahead of time in a TOML file (`--answers`), for pipelines and the
//! CLI: manual items ticked (with a note), and failed steps waived with a written reason.
//!
//! ```toml
//! by = "Ada Lovelace <ada@example.com>"   # who answers, unless an entry says otherwise
//!
//! [manual.staging-access]
//! done = true
//! note = "Checked over RDP"
//!
//! [waive.disk-free]
//! reason = "4.6 GB is enough for this patch release; the volume is grown next week"
//! agreed_by = "Linus Torvalds <linus@example.com>"   # where the plan asks for four eyes
//!
//! [signoff.qa]                 # a role's sign-off; [[signoff.ROLE]] for several people
//! name = "Ana Lopez <ana@example.com>"
//! decision = "approve"         # approve, reject or hold (reject and hold need a comment)
//! comment = "Regression suite green"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::plan::{Plan, StepAction};
use crate::signoff::Decision;

/// Every answer in an answers file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// Who answers, unless an entry names someone else.
    #[serde(default)]
    pub by: Option<String>,
    /// Manual items, by step id.
    #[serde(default)]
    pub manual: BTreeMap<String, ManualAnswer>,
    /// Waivers of failed steps, by step id.
    #[serde(default)]
    pub waive: BTreeMap<String, WaiverAnswer>,
    /// Sign-offs, by role id: one table, or an array of tables for several people.
    #[serde(default)]
    pub signoff: BTreeMap<String, SignoffAnswers>,
    /// The file these answers were read from and the SHA-256 of its bytes: the run's event
    /// log records both, so the record says which answers it was given.
    #[serde(skip)]
    pub source: Option<AnswersSource>,
}

/// Where answers came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswersSource {
    pub path: String,
    pub sha256: String,
}

/// One or several sign-offs for a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SignoffAnswers {
    One(SignoffAnswer),
    Many(Vec<SignoffAnswer>),
}

impl SignoffAnswers {
    /// The sign-offs in the order written.
    pub fn entries(&self) -> &[SignoffAnswer] {
        match self {
            Self::One(a) => std::slice::from_ref(a),
            Self::Many(list) => list,
        }
    }
}

/// A person's sign-off for a role, given ahead of time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignoffAnswer {
    /// Who decides (default: the file's `by`).
    #[serde(default)]
    pub name: Option<String>,
    pub decision: Decision,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A person's answer to a manual item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualAnswer {
    /// Done (ticked) or explicitly not done (fails the item).
    #[serde(default)]
    pub done: bool,
    /// The number a manual item asks for (`number = { … }` in the plan); judged against its
    /// threshold, `done` is then ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub by: Option<String>,
}

/// A person's decision to accept a failed step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverAnswer {
    pub reason: String,
    #[serde(default)]
    pub by: Option<String>,
    /// The second person agreeing, where the plan (or the step's kind) asks for four eyes.
    #[serde(default)]
    pub agreed_by: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AnswersError {
    #[error("could not read the answers file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the answers file {path} is not valid: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("the answers do not fit the plan:\n{}", problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Mismatch { problems: Vec<String> },
}

impl Answers {
    /// Read an answers file.
    pub fn load(path: &Path) -> Result<Self, AnswersError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| AnswersError::Io { path: path.to_path_buf(), source })?;
        let mut answers: Self = toml::from_str(&text).map_err(|e| AnswersError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        answers.source = Some(AnswersSource {
            path: path.display().to_string(),
            sha256: crate::report::sha256_hex(text.as_bytes()),
        });
        Ok(answers)
    }

    /// Check every answer names a step of the right kind and every waiver has a reason.
    pub fn check_against(&self, plan: &Plan) -> Result<(), AnswersError> {
        let mut problems = Vec::new();
        for (id, answer) in &self.manual {
            match plan.step(id).map(|s| (s, &s.action)) {
                None => problems.push(format!("[manual.{id}]: the plan has no step `{id}`")),
                Some((step, action)) if !matches!(action, StepAction::Manual(_)) => problems.push(format!(
                    "[manual.{id}]: `{id}` is a {} step, not a manual item; only manual items take answers",
                    step.kind()
                )),
                Some((_, StepAction::Manual(m))) if m.number.is_some() && answer.value.is_none() => {
                    problems.push(format!(
                        "[manual.{id}]: this item asks for a number ({}): give it as `value = …`",
                        m.number.as_ref().map(|n| n.target()).unwrap_or_default()
                    ));
                }
                Some((_, StepAction::Manual(m))) if m.number.is_none() && answer.value.is_some() => {
                    problems.push(format!(
                        "[manual.{id}]: this item is ticked, not answered with a number: write `done = true` instead of `value`"
                    ));
                }
                Some(_) => {}
            }
        }
        for (id, waiver) in &self.waive {
            if plan.step(id).is_none() {
                problems.push(format!("[waive.{id}]: the plan has no step `{id}`"));
            }
            if waiver.reason.trim().is_empty() {
                problems.push(format!("[waive.{id}]: a waiver needs a written reason"));
            }
        }
        for (role, answers) in &self.signoff {
            if !plan.plan.roles.iter().any(|r| &r.id == role) {
                problems.push(format!("[signoff.{role}]: the plan has no role `{role}`"));
            }
            for a in answers.entries() {
                let named = a.name.as_deref().or(self.by.as_deref()).unwrap_or_default();
                if named.trim().is_empty() {
                    problems.push(format!(
                        "[signoff.{role}]: a sign-off needs the `name` of the person deciding"
                    ));
                }
                let comment = a.comment.as_deref().unwrap_or_default();
                if a.decision != Decision::Approve && comment.trim().is_empty() {
                    problems.push(format!(
                        "[signoff.{role}]: a {} needs a `comment` saying why",
                        a.decision
                    ));
                }
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(AnswersError::Mismatch { problems }) }
    }

    /// A commented answers file listing every manual item of the plan, for people to fill in.
    pub fn skeleton(plan: &Plan) -> String {
        let mut out = String::from(
            "# Answers for the manual items of this plan. Set `done = true` once a person has\n\
             # checked the item; add `note` for the report. To accept a failed step, add\n\
             # [waive.STEP-ID] with a `reason`.\nby = \"Your Name <you@example.com>\"\n",
        );
        if let Some(rule) = &plan.plan.waivers {
            out.push_str(&format!(
                "# Four eyes: a waiver takes effect only with `agreed_by = \"Their Name <them@example.com>\"`,\n\
                 # a second person for the role `{}` (not you, not the person running the release).\n",
                rule.second_person
            ));
        }
        for (phase, step) in plan.steps() {
            if matches!(step.action, StepAction::Manual(_)) {
                out.push_str(&format!(
                    "\n# {} / {}\n[manual.{}]\ndone = false\n",
                    phase.title.replace('\n', " "),
                    step.title.replace('\n', " "),
                    step.id
                ));
            }
        }
        for r in &plan.plan.roles {
            out.push_str(&format!(
                "\n# Sign-off: {} (approve, reject or hold; reject and hold need a comment)\n\
                 # [signoff.{}]\n# name = \"Their Name <them@example.com>\"\n# decision = \"approve\"\n\
                 # comment = \"\"\n",
                r.title.replace('\n', " "),
                r.id
            ));
        }
        out
    }
}
