//! Loading a plan from TOML, with every problem reported at once with file, line and column.
//!
//! The source is parsed into a spanned TOML tree (`toml::de::DeTable`), so every key and value
//! keeps its byte range. Then, in order:
//! 1. syntax: every error the parser finds (recovering where it can); if there is any, the
//!    checks 2–4 still run on the recovered tree (so one typo hides nothing), then stop;
//! 2. [`shape`]: tables, keys, required keys and value types against the JSON Schema derived
//!    from the model types ([`crate::plan::schema`]), step parameters per kind;
//! 3. [`references`]: unique ids, gates, sign-off roles, secrets and other references;
//! 4. [`variables`]: every `{{name}}` is known and every `{{` closed;
//! 5. [`params`]: once the plan deserializes, what its executors would refuse (durations,
//!    patterns, ranges, URLs, the kinds of the steps a soak or rollback names), by the same
//!    rules the runner applies before each step.
//!
//! Only when all of those pass is the text deserialized into a [`Plan`]; an error there (which
//! the checks above should have caught) still becomes a positioned [`Problem`].

mod params;
mod references;
mod shape;
mod span;
mod variables;

use std::path::{Path, PathBuf};

use toml::de::DeTable;

use super::Plan;
use span::Problems;

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
    // Windows editors may save a byte-order mark; it is invisible, so columns ignore it too.
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut problems = Problems::new(file, text);

    let (root, syntax) = DeTable::parse_recoverable(text);
    let root = root.into_inner();
    if !syntax.is_empty() {
        for error in &syntax {
            let at = error.span().map_or(0, |s| s.start);
            problems.at(at, format!("TOML syntax error: {}", error.message().trim()));
        }
        // One syntax error must not hide the other problems: the checks run on what the parser
        // recovered, leaving out what the syntax errors explain (the same mistake seen again).
        // The typed plan is not built from a broken file.
        let mut rest = Problems::new(file, text);
        shape::check(&root, &mut rest);
        references::check(&root, &mut rest);
        variables::check(&root, text, &mut rest);
        problems.extend_after_syntax_errors(rest);
        return Err(PlanError::Invalid { problems: problems.into_sorted() });
    }
    shape::check(&root, &mut problems);
    let well_shaped = problems.is_empty();
    references::check(&root, &mut problems);
    variables::check(&root, text, &mut problems);
    // The executors' rules need the typed plan, which only a well-shaped plan gives; they are
    // checked even when a reference is wrong, so one `plan check` lists every problem.
    let typed = if well_shaped { Some(toml::from_str::<Plan>(text)) } else { None };
    if let Some(Ok(plan)) = &typed {
        params::check(&root, plan, &mut problems);
    }
    if !problems.is_empty() {
        return Err(PlanError::Invalid { problems: problems.into_sorted() });
    }
    match typed {
        Some(Ok(plan)) => Ok(plan),
        Some(Err(error)) => {
            let at = error.span().map_or(0, |s| s.start);
            problems.at(at, error.message().trim().to_string());
            Err(PlanError::Invalid { problems: problems.into_sorted() })
        }
        None => Err(PlanError::Invalid { problems: problems.into_sorted() }),
    }
}

/// Read, parse and validate a plan file. Returns the plan and its exact source text.
pub fn load_plan(path: &Path) -> Result<(Plan, String), PlanError> {
    let bytes =
        std::fs::read(path).map_err(|source| PlanError::Io { path: path.to_path_buf(), source })?;
    let file = path.display().to_string();
    // TOML is UTF-8: say where the first byte that is not, so it can be found and fixed.
    let source = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = String::from_utf8_lossy(valid);
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        PlanError::Invalid {
            problems: vec![Problem {
                file: file.clone(),
                line,
                column,
                message: "this byte is not UTF-8 text: save the plan as UTF-8 (it may have been \
                          written in another encoding, e.g. Windows-1252)"
                    .into(),
            }],
        }
    })?;
    let plan = parse_plan(&source, &file)?;
    Ok((plan, source))
}
