//! Loading a plan from TOML, with every problem reported at once with file, line and column.

use std::path::{Path, PathBuf};

use super::Plan;

/// One problem in a plan file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("could not read the plan file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the plan has {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid { problems: Vec<Problem> },
}

/// Parse and validate plan TOML. `file` names the source in problems.
pub fn parse_plan(source: &str, file: &str) -> Result<Plan, PlanError> {
    let _ = source;
    Err(PlanError::Invalid {
        problems: vec![Problem {
            file: file.into(),
            line: 1,
            column: 1,
            message: "not implemented".into(),
        }],
    })
}

/// Read, parse and validate a plan file. Returns the plan and its exact source text.
pub fn load_plan(path: &Path) -> Result<(Plan, String), PlanError> {
    let source = std::fs::read_to_string(path)
        .map_err(|source| PlanError::Io { path: path.to_path_buf(), source })?;
    let plan = parse_plan(&source, &path.display().to_string())?;
    Ok((plan, source))
}
