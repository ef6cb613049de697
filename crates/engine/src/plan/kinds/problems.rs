//! What a step's parameters say that no executor could run: a duration that is not a number,
//! a pattern that is not a regular expression, a count of zero where one is the least, a URL
//! that is not http(s), a soak repeating an action or a later step, a rollback restoring from a
//! step that takes no backup. One set of rules, asked twice: by `plan check` (and every plan
//! load), which gives each problem its line and column, and by the runner just before a step
//! runs (after variables are substituted), so the check and the run never disagree.
//!
//! A value that still holds a `{{variable}}` is judged only once the run has substituted it.

use regex::Regex;

use super::StepAction;
use crate::plan::{Plan, StepClass};

/// One parameter the executors would refuse, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamProblem {
    /// The parameter's key in the step, e.g. "interval_secs".
    pub param: &'static str,
    /// For a list parameter, the offending element (its span is reported when found).
    pub value: Option<String>,
    pub message: String,
}

/// The longest wait any step may ask for: a year (beyond it times overflow and nobody waits).
pub const MAX_SECS: u64 = 366 * 24 * 3600;

/// Every problem with the step `id`'s parameters in `plan`.
pub fn param_problems(plan: &Plan, id: &str, action: &StepAction) -> Vec<ParamProblem> {
    let mut out = Rules::default();
    match action {
        StepAction::Soak(p) => {
            let interval = out.seconds("interval_secs", &p.interval_secs);
            if interval == Some(0) {
                out.add(
                    "interval_secs",
                    "interval_secs is 0: a soak probes at most once a second; write 1 or more",
                );
            }
            out.seconds("duration_secs", &p.duration_secs);
            if p.checks.is_empty() && p.url.is_none() {
                out.add(
                    "checks",
                    "the soak has nothing to repeat: give it a `url`, `checks`, or both",
                );
            }
            for check in &p.checks {
                let position = |s: &str| plan.steps().position(|(_, step)| step.id == s);
                match plan.step(check) {
                    None => {} // named in the reference check
                    Some(step) if step.action.class() != StepClass::Check => out.element(
                        "checks",
                        check,
                        format!("the soak may only repeat read-only checks, and `{check}` is a {} step ({}); remove it from `checks`", step.kind(), class_word(step.action.class())),
                    ),
                    Some(_) if position(check) > position(id) => out.element(
                        "checks",
                        check,
                        format!("the soak repeats `{check}`, which comes after it: a soak repeats checks that already ran; move the soak after it"),
                    ),
                    Some(_) => {}
                }
            }
            out.at_least("requests_per_round", p.requests_per_round, 1);
            out.at_least("concurrency", p.concurrency, 1);
            out.percent("max_error_rate_pct", p.max_error_rate_pct);
            if let Some(url) = &p.url {
                out.url("url", url);
            }
        }
        StepAction::Manual(p) => {
            if let Some(n) = &p.number {
                if n.at_least_pct.is_some() && n.out_of.is_none() {
                    out.add("number", "number.at_least_pct needs number.out_of: a share of what?");
                }
                if n.out_of.is_some_and(|t| t <= 0.0 || !t.is_finite()) {
                    out.add("number", "number.out_of must be a number above 0");
                }
                out.percent("number", n.at_least_pct);
                if let (Some(min), Some(max)) = (n.at_least, n.at_most)
                    && min > max
                {
                    out.add("number", format!("number.at_least ({min}) is above number.at_most ({max}): no answer could pass"));
                }
            }
        }
        StepAction::LogScan(p) => {
            for pattern in &p.forbid {
                out.regex("forbid", pattern);
            }
            for pattern in &p.require {
                out.regex("require", pattern);
            }
            if p.container.is_some() == p.file.is_some() {
                out.add(
                    if p.container.is_some() { "container" } else { "file" },
                    "log.scan must name exactly one of `container` (its log, through Docker) or `file` (a log file)",
                );
            }
        }
        StepAction::TestReport(p) => {
            if let Some(pattern) = &p.critical {
                out.regex("critical", pattern);
            }
            if let Some(format) = p.format.as_deref()
                && !held(format)
                && !matches!(format, "junit" | "playwright" | "auto")
            {
                out.add("format", format!("unknown report format {format:?}: use \"junit\", \"playwright\" or \"auto\""));
            }
            out.percent("min_pass_rate_pct", p.min_pass_rate_pct);
        }
        StepAction::DeployWaitLog(p) => {
            out.regex("pattern", &p.pattern);
            out.at_least("timeout_secs", p.timeout_secs, 1);
        }
        // A timeout of 0 s would stop the program before it could do anything.
        StepAction::BackupCommand(p) => out.at_least("timeout_secs", p.timeout_secs, 1),
        StepAction::DeployExec(p) => out.at_least("timeout_secs", p.timeout_secs, 1),
        StepAction::DeployRecreate(p) => {
            out.at_least("health_timeout_secs", p.health_timeout_secs, 1)
        }
        StepAction::Command(p) | StepAction::DeployCommand(p) => {
            if p.program.trim().is_empty() {
                out.add(
                    "program",
                    "program is empty: name the program to run (never a shell line)",
                );
            }
            out.at_least("timeout_secs", p.timeout_secs, 1);
        }
        StepAction::HttpCheck(p) => {
            out.url("url", &p.url);
            if let Some(method) = p.method.as_deref()
                && !held(method)
                && reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).is_err()
            {
                out.add(
                    "method",
                    format!("method {method:?} is not an HTTP method: write GET, POST, PUT, …"),
                );
            }
            out.status("expect_status", p.expect_status);
            if let Some(pointer) = p.json_pointer.as_deref()
                && !held(pointer)
                && !pointer.is_empty()
                && !pointer.starts_with('/')
            {
                out.add(
                    "json_pointer",
                    format!("json_pointer {pointer:?} must start with \"/\" (e.g. \"/version\")"),
                );
            }
            if p.json_equals.is_some() && p.json_pointer.is_none() {
                out.add(
                    "json_equals",
                    "json_equals needs a json_pointer saying which value to compare",
                );
            }
            out.at_least("timeout_ms", p.timeout_ms, 1);
        }
        StepAction::HttpLatency(p) => {
            out.url("url", &p.url);
            out.at_least("requests", p.requests, 1);
            out.at_least("concurrency", p.concurrency, 1);
            out.percent("max_error_rate_pct", p.max_error_rate_pct);
            for (param, limit) in [
                ("p50_ms", p.p50_ms),
                ("p95_ms", p.p95_ms),
                ("p99_ms", p.p99_ms),
                ("max_ms", p.max_ms),
            ] {
                if limit.is_some_and(|ms| ms <= 0.0 || !ms.is_finite()) {
                    out.add(param, format!("{param} must be a number of milliseconds above 0"));
                }
            }
        }
        StepAction::HttpRateLimit(p) => {
            out.url("url", &p.url);
            out.at_least("requests", Some(p.requests), 1);
            out.at_least("window_secs", Some(p.window_secs), 1);
            out.status("expect_status", p.expect_status);
        }
        StepAction::Rollback(p) => {
            if let Some(backup) = p.backup_step.as_deref()
                && let Some(step) = plan.step(backup)
                && !step.action.makes_backup()
            {
                out.add("backup_step", format!("backup_step `{backup}` is a {} step, which takes no backup: name the backup.sqlite or backup.command step whose backup this rollback restores", step.kind()));
            }
            for check in &p.recheck {
                if let Some(step) = plan.step(check)
                    && step.action.class() != StepClass::Check
                {
                    out.element("recheck", check, format!("recheck `{check}` is a {} step ({}): only read-only checks are re-run after a rollback", step.kind(), class_word(step.action.class())));
                }
            }
            out.at_least("health_timeout_secs", p.health_timeout_secs, 1);
        }
        _ => {}
    }
    out.0
}

fn class_word(class: StepClass) -> &'static str {
    match class {
        StepClass::Check => "a check",
        StepClass::Action => "an action: it changes something",
        StepClass::Person => "a person's step",
    }
}

/// The value still holds a variable: judged once the run substitutes it.
fn held(value: &str) -> bool {
    value.contains("{{")
}

#[derive(Default)]
struct Rules(Vec<ParamProblem>);

impl Rules {
    fn add(&mut self, param: &'static str, message: impl Into<String>) {
        self.0.push(ParamProblem { param, value: None, message: message.into() });
    }

    fn element(&mut self, param: &'static str, value: &str, message: String) {
        self.0.push(ParamProblem { param, value: Some(value.to_string()), message });
    }

    fn seconds(&mut self, param: &'static str, s: &crate::plan::seconds::Seconds) -> Option<u64> {
        if let crate::plan::seconds::Seconds::Text(t) = s
            && held(t)
        {
            return None;
        }
        match s.secs(param) {
            Ok(n) if n > MAX_SECS => {
                self.add(
                    param,
                    format!(
                        "{param} is {n}, more than a year ({MAX_SECS} s): write a shorter wait"
                    ),
                );
                None
            }
            Ok(n) => Some(n),
            Err(why) => {
                self.add(param, why);
                None
            }
        }
    }

    fn at_least<N: Into<u64> + Copy>(&mut self, param: &'static str, value: Option<N>, least: u64) {
        if let Some(n) = value.map(Into::into)
            && n < least
        {
            self.add(param, format!("{param} is {n}; the least it can be is {least}"));
        }
    }

    fn percent(&mut self, param: &'static str, value: Option<f64>) {
        if value.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
            self.add(param, format!("{param} is a percentage: write a number from 0 to 100"));
        }
    }

    fn status(&mut self, param: &'static str, value: Option<u16>) {
        if value.is_some_and(|s| !(100..=599).contains(&s)) {
            self.add(param, format!("{param} must be an HTTP status from 100 to 599"));
        }
    }

    fn regex(&mut self, param: &'static str, pattern: &str) {
        if held(pattern) {
            return;
        }
        if let Err(e) = Regex::new(pattern) {
            let reason = e.to_string();
            let last = reason.lines().last().unwrap_or_default().trim().to_string();
            self.element(param, pattern, format!("{param} {pattern:?} is not a valid regular expression ({last}); escape special characters such as ( [ . with a backslash"));
        }
    }

    fn url(&mut self, param: &'static str, url: &str) {
        if held(url) {
            return;
        }
        let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
        if !scheme_ok || reqwest::Url::parse(url).is_err() {
            self.add(param, format!("{param} {url:?} is not an http:// or https:// URL"));
        }
    }
}
