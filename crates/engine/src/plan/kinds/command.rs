//! Programs run with arguments, never through a shell.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::StepParams;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandParams {
    /// The program, found on PATH or given as a path; never a shell line.
    pub program: String,
    /// Arguments passed to the program as they are (no shell quoting or globbing).
    #[serde(default)]
    pub args: Vec<String>,
    /// Working directory, relative to the repository unless absolute (default: the repository).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// Extra environment variables.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Kill the program after this many seconds (default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    /// The exit code that means success (default 0).
    #[serde(default)]
    pub expect_exit: i32,
    /// The output (stdout or stderr) must contain this text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_output: Option<String>,
    /// Also save the program's standard output to this file, relative to the repository unless
    /// absolute (e.g. a report a test runner prints with `--reporter=json`, for a `test.report`
    /// step to import). Written whatever the exit code; the file appears only once complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdout_file: Option<String>,
    /// The command only looks (a test suite, a linter): it may run in a dry run and concurrently.
    #[serde(default)]
    pub read_only: bool,
}

impl StepParams for CommandParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "run `{}` in {} (timeout {} s, success = exit code {}){}",
            command_line(&self.program, &self.args),
            self.cwd.as_deref().unwrap_or("the repository"),
            self.timeout_secs.unwrap_or(300),
            self.expect_exit,
            self.stdout_file
                .as_deref()
                .map(|f| format!(", saving its output to {f}"))
                .unwrap_or_default()
        )
    }
    fn touches(&self) -> Option<String> {
        Some(format!("the command `{}`", command_line(&self.program, &self.args)))
    }
}

/// A program and its arguments as one readable line, quoting arguments with spaces.
pub fn command_line(program: &str, args: &[String]) -> String {
    std::iter::once(program)
        .chain(args.iter().map(String::as_str))
        .map(|a| {
            if a.is_empty() || a.contains([' ', '"', '\'']) {
                format!("{a:?}")
            } else {
                a.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
