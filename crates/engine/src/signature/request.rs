//! A sign-off request (issue 16): what the operator publishes so that approvers elsewhere can
//! decide — the run's statement fields (run, plan and digest, commit, version, environment),
//! who runs it, the roles asked for, and the SHA-256 of the report as rendered at that moment.
//! An approver's signed [`Approval`](super::Approval) copies these fields and names the report's
//! digest as the evidence seen; the operator's side accepts an approval only for the request
//! the run last published (the report changes as the run goes on and approvals arrive, so the
//! evidence is the published report, never the report as it reads later).
//!
//! The request travels as `request.txt` beside `report.md` (git refs, `exchange.rs`), or as one
//! file: the request's text, then the report ([`SignoffRequest::bundle`]).

use chrono::{DateTime, SecondsFormat, Utc};

use crate::record::Run;
use crate::report::sha256_hex;

/// The request's first line.
pub const REQUEST_HEADER: &str = "Release Pilot sign-off request, version 1";
/// In a one-file bundle, the line between the request and the report.
const REPORT_MARK: &str = "----- report.md -----";
const NONE: &str = "none";

/// A role asked for: its id and its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedRole {
    pub id: String,
    pub title: String,
}

/// What the operator asks approvers to sign off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignoffRequest {
    pub run_id: String,
    pub plan_name: String,
    pub plan_sha256: String,
    pub commit: Option<String>,
    pub version: String,
    pub environment: String,
    /// Who runs the release ("Name <email>").
    pub operator: String,
    pub roles: Vec<RequestedRole>,
    /// SHA-256 (hex) of the report published with the request.
    pub report_sha256: String,
    pub at: DateTime<Utc>,
}

impl SignoffRequest {
    /// The request for `run` as it stands, with `report` (the report rendered now) as the
    /// evidence, asking for `roles` (id, title).
    pub fn for_run(run: &Run, report: &str, roles: &[(String, String)], at: DateTime<Utc>) -> Self {
        let h = &run.header;
        Self {
            run_id: h.id.clone(),
            plan_name: h.plan.plan.name.clone(),
            plan_sha256: h.plan_hash.clone(),
            commit: h.facts.head.as_ref().map(|c| c.id.clone()),
            version: h.version.clone(),
            environment: h.environment.clone(),
            operator: h.operator.clone(),
            roles: roles
                .iter()
                .map(|(id, title)| RequestedRole { id: id.clone(), title: title.clone() })
                .collect(),
            report_sha256: sha256_hex(report.as_bytes()),
            at: DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at),
        }
    }

    /// The request's text (`request.txt`).
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{REQUEST_HEADER}\nrun: {}\nplan: {} sha256 {}\ncommit: {}\nversion: {}\n\
             environment: {}\noperator: {}\n",
            self.run_id,
            escape(&self.plan_name),
            self.plan_sha256,
            self.commit.as_deref().unwrap_or(NONE),
            escape(&self.version),
            escape(&self.environment),
            escape(&self.operator),
        );
        for r in &self.roles {
            out.push_str(&format!("role: {} {}\n", escape(&r.id), escape(&r.title)));
        }
        out.push_str(&format!(
            "report-sha256: {}\nat: {}\n",
            self.report_sha256,
            self.at.to_rfc3339_opts(SecondsFormat::Secs, true)
        ));
        out
    }

    /// Read a request; it must be exactly what `to_text` writes.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut lines = text.lines().peekable();
        if lines.next() != Some(REQUEST_HEADER) {
            return Err("not a Release Pilot sign-off request (its first line is not the \
                        header)"
                .into());
        }
        let field = |lines: &mut std::iter::Peekable<std::str::Lines<'_>>, name: &str| {
            lines
                .next()
                .and_then(|l| l.strip_prefix(name))
                .and_then(|v| v.strip_prefix(": "))
                .map(unescape)
                .ok_or_else(|| format!("the request's {name:?} line is missing or changed"))
        };
        let run_id = field(&mut lines, "run")?;
        let plan = field(&mut lines, "plan")?;
        let (plan_name, plan_sha256) =
            plan.rsplit_once(" sha256 ").ok_or("the request's plan line cannot be read")?;
        let commit = Some(field(&mut lines, "commit")?).filter(|c| c != NONE);
        let version = field(&mut lines, "version")?;
        let environment = field(&mut lines, "environment")?;
        let operator = field(&mut lines, "operator")?;
        let mut roles = Vec::new();
        while lines.peek().is_some_and(|l| l.starts_with("role: ")) {
            let line = field(&mut lines, "role")?;
            let (id, title) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            roles.push(RequestedRole { id: id.to_string(), title: title.to_string() });
        }
        let report_sha256 = field(&mut lines, "report-sha256")?;
        let at = DateTime::parse_from_rfc3339(&field(&mut lines, "at")?)
            .map_err(|e| format!("the request's time cannot be read ({e})"))?
            .with_timezone(&Utc);
        let request = Self {
            run_id,
            plan_name: plan_name.to_string(),
            plan_sha256: plan_sha256.to_string(),
            commit,
            version,
            environment,
            operator,
            roles,
            report_sha256,
            at,
        };
        if request.to_text() != text {
            return Err("the request has lines Release Pilot does not write".into());
        }
        Ok(request)
    }

    /// One file for teams without a shared remote: the request, a marker line, the report.
    pub fn bundle(&self, report: &str) -> String {
        format!("{}{REPORT_MARK}\n{report}", self.to_text())
    }

    /// Read a one-file bundle back: the request and its report, which must be the report the
    /// request names (same SHA-256).
    pub fn unbundle(text: &str) -> Result<(Self, String), String> {
        let text = text.replace("\r\n", "\n");
        let (request, report) = text.split_once(&format!("{REPORT_MARK}\n")).ok_or(
            "not a sign-off request file: it has no report (export it again with \
             `pilot request RUN --export FILE`)",
        )?;
        let request = Self::parse(request)?;
        Self::check_report(&request, report)?;
        Ok((request, report.to_string()))
    }

    /// The report must be the one the request was made with.
    pub fn check_report(request: &Self, report: &str) -> Result<(), String> {
        let digest = sha256_hex(report.as_bytes());
        if digest != request.report_sha256 {
            return Err(format!(
                "the report with the request of run {} is not the one it was made with (its \
                 SHA-256 is {digest}, the request names {}): ask for the request again",
                request.run_id, request.report_sha256
            ));
        }
        Ok(())
    }

    /// Every request `run` published, oldest first (kept in its sign-off step's evidence).
    pub fn all_in(run: &Run) -> Vec<Self> {
        run.steps
            .iter()
            .flat_map(|r| &r.evidence.facts)
            .filter(|f| f.label == crate::signoff::REQUEST_FACT)
            .filter_map(|f| Self::parse(&f.value).ok())
            .collect()
    }

    /// The title of role `id`, if the request asks for it.
    pub fn role_title(&self, id: &str) -> Option<&str> {
        self.roles.iter().find(|r| r.id == id).map(|r| r.title.as_str())
    }
}

/// One line per field: backslashes, newlines and carriage returns escaped.
pub(super) fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r")
}

pub(super) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
