//! One tally for every test-report format: totals, pass rate, failures (bounded), flaky tests
//! counted apart, and the critical subset chosen by a pattern on name, suite or tag.

use regex::Regex;

use super::bounded;

/// Failures kept as evidence; the rest are only counted.
pub const MAX_FAILURES_KEPT: usize = 20;
/// Characters of a failure message kept.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// How one test ended, after its retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// Failed first, passed on a retry: counted as passed and as flaky.
    Flaky,
    Failed,
    Skipped,
}

/// One test as a report describes it.
#[derive(Debug, Clone, Default)]
pub struct TestCase {
    pub suite: String,
    pub name: String,
    pub tags: Vec<String>,
    pub message: Option<String>,
}

/// A failed test, for the evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedTest {
    pub id: String,
    pub message: String,
    pub critical: bool,
}

/// The totals of a report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TestTally {
    pub total: u64,
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
    pub flaky: u64,
    pub critical_total: u64,
    pub critical_failed: u64,
    /// The first [`MAX_FAILURES_KEPT`] failures, critical ones first.
    pub failures: Vec<FailedTest>,
}

impl TestTally {
    /// Passed (flaky included) over run (skipped excluded), in percent; 100 when nothing ran.
    pub fn pass_rate_pct(&self) -> f64 {
        let ran = self.passed + self.failed;
        if ran == 0 { 100.0 } else { self.passed as f64 * 100.0 / ran as f64 }
    }

    /// Count one test.
    pub fn add(&mut self, case: &TestCase, verdict: Verdict, critical: Option<&Regex>) {
        let is_critical = is_critical(case, critical);
        self.total += 1;
        if is_critical {
            self.critical_total += 1;
        }
        match verdict {
            Verdict::Passed => self.passed += 1,
            Verdict::Flaky => {
                self.passed += 1;
                self.flaky += 1;
            }
            Verdict::Skipped => self.skipped += 1,
            Verdict::Failed => {
                self.failed += 1;
                if is_critical {
                    self.critical_failed += 1;
                }
                let failed = FailedTest {
                    id: test_id(case),
                    message: bounded(
                        case.message.as_deref().unwrap_or("").trim(),
                        MAX_MESSAGE_CHARS,
                    ),
                    critical: is_critical,
                };
                self.keep(failed);
            }
        }
    }

    /// A test counted as failed passed when it ran again: it becomes a flaky pass.
    pub fn passed_on_rerun(&mut self, case: &TestCase, critical: Option<&Regex>) {
        let is_critical = is_critical(case, critical);
        self.failed = self.failed.saturating_sub(1);
        self.passed += 1;
        self.flaky += 1;
        if is_critical {
            self.critical_failed = self.critical_failed.saturating_sub(1);
        }
        let id = test_id(case);
        if let Some(i) = self.failures.iter().position(|f| f.id == id) {
            self.failures.remove(i);
        }
    }

    /// Keep a failure if there is room, or if it is critical and displaces a non-critical one.
    fn keep(&mut self, f: FailedTest) {
        if self.failures.len() < MAX_FAILURES_KEPT {
            self.failures.push(f);
        } else if f.critical
            && let Some(i) = self.failures.iter().rposition(|x| !x.critical)
        {
            self.failures[i] = f;
        }
    }
}

/// A test is critical when the pattern matches its name, its suite or one of its tags.
fn is_critical(case: &TestCase, critical: Option<&Regex>) -> bool {
    critical.is_some_and(|re| {
        re.is_match(&case.name)
            || re.is_match(&case.suite)
            || case.tags.iter().any(|t| re.is_match(t))
    })
}

/// "suite › name", as people read it.
fn test_id(case: &TestCase) -> String {
    if case.suite.is_empty() {
        case.name.clone()
    } else {
        format!("{} › {}", case.suite, case.name)
    }
}
