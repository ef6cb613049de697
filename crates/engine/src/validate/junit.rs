//! JUnit XML, read as a stream (quick-xml) so a 50 MB report stays in bounded memory:
//! `testsuites` › `testsuite` (nested) › `testcase` with `failure`, `error`, `skipped`, and the
//! Maven Surefire retry elements (`flakyFailure`, `flakyError`: passed on a retry;
//! `rerunFailure`, `rerunError`: failed again). A test whose (class, name) appears more than
//! once and passed at least once after failing is flaky too (pytest-rerunfailures, Gradle).

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use regex::Regex;

use super::tests::{MAX_MESSAGE_CHARS, TestCase, TestTally, Verdict};
use super::{ValidateError, bounded};

/// Read a JUnit XML file.
pub fn read(path: &Path, critical: Option<&Regex>) -> Result<TestTally, ValidateError> {
    let file = std::fs::File::open(path)
        .map_err(|source| ValidateError::Read { path: path.display().to_string(), source })?;
    parse(
        std::io::BufReader::with_capacity(256 * 1024, file),
        &path.display().to_string(),
        critical,
    )
}

/// What one `<testcase>` said.
#[derive(Default)]
struct Case {
    case: TestCase,
    failed: bool,
    skipped: bool,
    retried: bool,
}

/// Parse JUnit XML from a reader; `name` is only used in messages.
pub fn parse<R: BufRead>(
    input: R,
    name: &str,
    critical: Option<&Regex>,
) -> Result<TestTally, ValidateError> {
    let malformed = |reason: String| ValidateError::Malformed {
        path: name.to_owned(),
        format: "JUnit XML",
        reason,
    };
    let mut reader = Reader::from_reader(input);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut suites: Vec<String> = Vec::new();
    let mut current: Option<Case> = None;
    // Inside <failure>/<error>: its text becomes the message when the attribute is missing.
    let mut in_message = false;
    let mut saw_root = false;
    // Repeated test ids: the verdicts seen so far, to find tests that passed on a rerun.
    let mut seen: HashMap<String, (bool, bool)> = HashMap::new();
    let mut cases: Vec<(TestCase, Verdict, bool)> = Vec::new();
    let mut tally = TestTally::default();

    loop {
        let pos = reader.buffer_position();
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| malformed(format!("{e} (near byte {pos})")))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let tag = e.local_name();
                match tag.as_ref() {
                    "testsuites" => saw_root = true,
                    "testsuite" => {
                        saw_root = true;
                        if !empty {
                            suites.push(attr(e, "name").unwrap_or_default());
                        }
                    }
                    "testcase" => {
                        saw_root = true;
                        let class = attr(e, "classname").unwrap_or_default();
                        let suite = if class.is_empty() {
                            suites.last().cloned().unwrap_or_default()
                        } else {
                            class
                        };
                        let c = Case {
                            case: TestCase {
                                suite,
                                name: attr(e, "name").unwrap_or_default(),
                                tags: suites.clone(),
                                message: None,
                            },
                            ..Case::default()
                        };
                        if empty {
                            finish(c, &mut seen, &mut cases);
                        } else {
                            current = Some(c);
                        }
                    }
                    "failure" | "error" => {
                        if let Some(c) = current.as_mut() {
                            c.failed = true;
                            if c.case.message.is_none() {
                                c.case.message = attr(e, "message");
                            }
                            in_message = !empty && c.case.message.is_none();
                        }
                    }
                    "skipped" => {
                        if let Some(c) = current.as_mut() {
                            c.skipped = true;
                        }
                    }
                    "flakyFailure" | "flakyError" => {
                        if let Some(c) = current.as_mut() {
                            c.retried = true;
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(ref t) if in_message => {
                if let Some(c) = current.as_mut() {
                    c.case.message = Some(bounded(&t.xml10_content(), MAX_MESSAGE_CHARS));
                }
                in_message = false;
            }
            Event::CData(ref t) if in_message => {
                if let Some(c) = current.as_mut() {
                    c.case.message = Some(bounded(&t.xml10_content(), MAX_MESSAGE_CHARS));
                }
                in_message = false;
            }
            Event::End(ref e) => match e.local_name().as_ref() {
                "testsuite" => {
                    suites.pop();
                }
                "testcase" => {
                    if let Some(c) = current.take() {
                        finish(c, &mut seen, &mut cases);
                    }
                }
                "failure" | "error" => in_message = false,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
        // Tests counted once they cannot be repeated any more would need the whole file; a
        // test is counted as soon as it ends, and a later rerun corrects it (see `finish`).
        for (case, verdict, rerun) in cases.drain(..) {
            if rerun {
                tally.passed_on_rerun(&case, critical);
            } else {
                tally.add(&case, verdict, critical);
            }
        }
    }
    if !saw_root {
        return Err(malformed("no <testsuites>, <testsuite> or <testcase> element".into()));
    }
    if current.is_some() || !suites.is_empty() {
        return Err(malformed("the file ends inside a test suite (truncated?)".into()));
    }
    Ok(tally)
}

/// A test ended: record its verdict. A rerun of a test that failed and now passes turns the
/// earlier failure into a flaky pass instead of counting the test twice.
fn finish(
    c: Case,
    seen: &mut HashMap<String, (bool, bool)>,
    out: &mut Vec<(TestCase, Verdict, bool)>,
) {
    let verdict = if c.skipped && !c.failed {
        Verdict::Skipped
    } else if c.failed {
        Verdict::Failed
    } else if c.retried {
        Verdict::Flaky
    } else {
        Verdict::Passed
    };
    if matches!(verdict, Verdict::Skipped) {
        out.push((c.case, verdict, false));
        return;
    }
    let id = format!("{}\u{1f}{}", c.case.suite, c.case.name);
    match seen.get_mut(&id) {
        None => {
            seen.insert(id, (verdict == Verdict::Failed, verdict != Verdict::Failed));
            out.push((c.case, verdict, false));
        }
        Some((failed_before, passed_before)) => {
            // Already counted once: only a fail-then-pass changes the tally, as a correction.
            if verdict != Verdict::Failed && *failed_before && !*passed_before {
                *passed_before = true;
                out.push((c.case, Verdict::Flaky, true));
            }
        }
    }
}

/// An attribute's unescaped value.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == name).map(|a| {
        a.normalized_value(XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| a.value.clone().into_owned())
    })
}
