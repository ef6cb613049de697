//! The one masking layer, applied: secret values never reach the store, the event log, the live output,
//! the report, an error or a front end. Everything a run writes or shows passes through a
//! [`Redactor`] first: events and step records before the store commits them
//! (`Driver::save`), progress before the sink sees it ([`Redactor::progress`]), the run header
//! before it is stored ([`Redactor::plan`]), errors before they are returned, the rendered
//! report before it is sealed.
//!
//! The secrets are the values of the plan variables named in `[plan] secrets`, and the values
//! of the keys `file.env_key` steps check (a command may `cat` the env file). A secret is found
//! in every form it takes on its way out: raw; escaped as in JSON, TOML or a Rust/`{:?}` string;
//! percent-encoded (a URL or a form body); flattened onto one line or trimmed; each of its lines
//! on its own (live output arrives line by line); and in whatever extra forms a renderer adds
//! (the report's Markdown escaping, [`Redactor::with_forms`]). Structured values are masked
//! string by string ([`Redactor::json`]), so a secret with a quote or a backslash is found
//! decoded rather than searched for in serialized text.

use std::path::Path;

use super::progress::Progress;
use super::{RunError, StepOutcome, StepRecord};
use crate::plan::{Plan, StepAction, vars};
pub(crate) use crate::record::{MASK, MIN_SECRET_LEN, Redactor};

impl Redactor {
    /// The redactor for a run driven in `repo`: the plan's secret variables, and the values of
    /// the keys its `file.env_key` steps check, read from those files now (a file that is
    /// missing or unreadable has nothing to mask).
    pub fn for_run(plan: &Plan, repo: &Path) -> Self {
        let mut secrets = vars::secret_values(plan);
        for (_, step) in plan.steps() {
            if let StepAction::FileEnvKey(p) = &step.action {
                let path = Path::new(&p.path);
                let path = if path.is_absolute() { path.to_path_buf() } else { repo.join(path) };
                if let Ok(bytes) = std::fs::read(&path) {
                    let text = String::from_utf8_lossy(&bytes);
                    secrets.extend(super::executors::env_values(&text, &p.key));
                }
            }
        }
        Self::new(secrets)
    }

    /// Any serializable value with every string in it masked, or `value` unchanged when it has
    /// nothing to mask. A value that does not come back from its masked form (which masking
    /// strings cannot cause) is returned by `fallback`.
    fn masked<T>(&self, value: T, fallback: impl FnOnce(T) -> T) -> T
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        if self.is_empty() {
            return value;
        }
        let Ok(json) = serde_json::to_value(&value) else { return fallback(value) };
        let masked = self.json(json.clone());
        if masked == json {
            return value;
        }
        serde_json::from_value(masked).unwrap_or_else(|_| fallback(value))
    }

    /// The outcome with every secret masked in its summary and evidence.
    pub fn outcome(&self, outcome: StepOutcome) -> StepOutcome {
        self.masked(outcome, |o| StepOutcome {
            status: o.status,
            summary: self.text(&o.summary),
            evidence: Default::default(),
        })
    }

    /// The step record with every secret masked (title, summary, evidence, waiver, note).
    pub fn record(&self, record: StepRecord) -> StepRecord {
        self.masked(record, |mut r| {
            r.title = self.text(&r.title);
            r.summary = self.text(&r.summary);
            r.evidence = Default::default();
            r.note = r.note.map(|n| self.text(&n));
            r
        })
    }

    /// The plan as it may be stored and shown: every secret masked in every string of it,
    /// including the secret variables' own values.
    pub fn plan(&self, plan: Plan) -> Plan {
        let mut plan = self.masked(plan, |p| p);
        for name in plan.plan.secrets.clone() {
            if let Some(value) = plan.vars.get_mut(&name)
                && !value.is_empty()
            {
                *value = MASK.to_string();
            }
        }
        plan
    }

    /// Progress as a front end may show it.
    pub fn progress(&self, progress: Progress) -> Progress {
        if self.is_empty() {
            return progress;
        }
        match progress {
            Progress::PhaseStarted { phase_id, title } => {
                Progress::PhaseStarted { phase_id, title: self.text(&title) }
            }
            Progress::StepStarted { step_id, title, kind } => {
                Progress::StepStarted { step_id, title: self.text(&title), kind }
            }
            Progress::StepOutput { step_id, line } => {
                Progress::StepOutput { step_id, line: self.text(&line) }
            }
            Progress::StepMeter { step_id, mut meter } => {
                meter.label = self.text(&meter.label);
                Progress::StepMeter { step_id, meter }
            }
            Progress::StepFinished { record } => {
                Progress::StepFinished { record: Box::new(self.record(*record)) }
            }
            other @ (Progress::RunWaiting { .. } | Progress::RunFinished { .. }) => other,
        }
    }

    /// The error with every secret masked in what it says. Errors are text for people, so the
    /// masked error keeps its words and loses its structure.
    pub fn error(&self, error: RunError) -> RunError {
        if self.is_empty() {
            return error;
        }
        let said = error.to_string();
        let masked = self.text(&said);
        if masked == said { error } else { RunError::Masked(masked) }
    }
}

/// A plan's TOML as it may be stored: the value of each secret `[vars]` entry replaced by the
/// mask where it is written (whatever TOML escaping it is written in), then every other
/// occurrence of a secret masked like any text.
pub fn plan_source(source: &str, secrets: &[String], redactor: &Redactor) -> String {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    if let Ok(root) = toml::de::DeTable::parse(source)
        && let Some(vars) = root.get_ref().get("vars").and_then(|v| v.get_ref().as_table())
    {
        for (key, value) in vars.iter() {
            if secrets.iter().any(|s| s.as_str() == key.get_ref().as_ref()) {
                spans.push(value.span());
            }
        }
    }
    spans.sort_by_key(|span| std::cmp::Reverse(span.start));
    let mut out = source.to_string();
    for span in spans {
        if span.end <= out.len()
            && out.is_char_boundary(span.start)
            && out.is_char_boundary(span.end)
        {
            out.replace_range(span, &format!("\"{MASK}\""));
        }
    }
    redactor.text(&out)
}

/// The secret variables of `plan` that are set but shorter than [`MIN_SECRET_LEN`]: they could
/// not be kept out of the record, so a run refuses them.
pub fn too_short(plan: &Plan) -> Vec<String> {
    plan.plan
        .secrets
        .iter()
        .filter(|name| {
            plan.vars
                .get(*name)
                .is_some_and(|v| !v.is_empty() && v.chars().count() < MIN_SECRET_LEN)
        })
        .cloned()
        .collect()
}
