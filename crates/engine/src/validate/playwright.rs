//! Playwright's JSON reporter: `suites` (nested, with `specs`) › `specs` › `tests` (one per
//! project) › `results` (one per attempt). Only the fields used are deserialized, straight from
//! the file: serde skips the rest (attachments, stdout, config) without keeping it, so memory
//! follows the number of tests, not the size of the file.
//!
//! A test's `status` is Playwright's own verdict: "expected", "unexpected", "flaky" (failed,
//! then passed on a retry) or "skipped".

use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use super::tests::{MAX_MESSAGE_CHARS, TestCase, TestTally, Verdict};
use super::{ValidateError, bounded};

#[derive(Deserialize)]
struct Report {
    suites: Vec<Suite>,
}

#[derive(Deserialize)]
struct Suite {
    #[serde(default)]
    title: String,
    #[serde(default)]
    specs: Vec<Spec>,
    #[serde(default)]
    suites: Vec<Suite>,
}

#[derive(Deserialize)]
struct Spec {
    #[serde(default)]
    title: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    tests: Vec<Test>,
}

#[derive(Deserialize)]
struct Test {
    #[serde(default, rename = "projectName")]
    project_name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    results: Vec<Attempt>,
}

#[derive(Deserialize)]
struct Attempt {
    #[serde(default)]
    error: Option<AttemptError>,
}

#[derive(Deserialize)]
struct AttemptError {
    #[serde(default)]
    message: Option<String>,
}

/// Read a Playwright JSON report.
pub fn read(path: &Path, critical: Option<&Regex>) -> Result<TestTally, ValidateError> {
    let file = std::fs::File::open(path)
        .map_err(|source| ValidateError::Read { path: path.display().to_string(), source })?;
    let report: Report =
        serde_json::from_reader(std::io::BufReader::with_capacity(256 * 1024, file)).map_err(
            |e| ValidateError::Malformed {
                path: path.display().to_string(),
                format: "Playwright JSON",
                reason: e.to_string(),
            },
        )?;
    let mut tally = TestTally::default();
    for s in &report.suites {
        walk(s, &mut Vec::new(), &mut tally, critical);
    }
    Ok(tally)
}

fn walk<'a>(
    suite: &'a Suite,
    path: &mut Vec<&'a str>,
    tally: &mut TestTally,
    critical: Option<&Regex>,
) {
    path.push(&suite.title);
    for spec in &suite.specs {
        for test in &spec.tests {
            let verdict = match test.status.as_str() {
                "expected" => Verdict::Passed,
                "flaky" => Verdict::Flaky,
                "skipped" => Verdict::Skipped,
                _ => Verdict::Failed,
            };
            let mut suite_name =
                path.iter().filter(|t| !t.is_empty()).copied().collect::<Vec<_>>().join(" › ");
            if !test.project_name.is_empty() {
                suite_name = format!("[{}] {suite_name}", test.project_name);
            }
            let message = test
                .results
                .iter()
                .rev()
                .find_map(|r| r.error.as_ref().and_then(|e| e.message.as_deref()))
                .map(|m| bounded(m, MAX_MESSAGE_CHARS));
            let case = TestCase {
                suite: suite_name,
                name: spec.title.clone(),
                tags: spec.tags.clone(),
                message,
            };
            tally.add(&case, verdict, critical);
        }
    }
    for child in &suite.suites {
        walk(child, path, tally, critical);
    }
    path.pop();
}
