//! Choosing the plan a run follows — a plan file or a built-in template — and finding the plan
//! files a repository keeps. Both front ends ask here, so a file and a template become the same
//! plan, source and origin whichever front end started the run.

use std::path::{Path, PathBuf};

use crate::plan::templates::{template, templates};
use crate::plan::{Plan, PlanError, load_plan, parse_plan};
use crate::record::PlanOrigin;

/// What a person chose to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanChoice<'a> {
    /// A plan file (relative paths are taken from the current folder).
    File(&'a Path),
    /// A built-in template, by name.
    Template(&'a str),
}

/// The plan, the text it was read from (stored with the run) and where it came from.
#[derive(Debug, Clone)]
pub struct ChosenPlan {
    pub plan: Plan,
    pub source: String,
    pub origin: PlanOrigin,
}

/// Why a choice gives no plan. Says what is wrong; each front end says how to choose again.
#[derive(Debug, thiserror::Error)]
pub enum ChoiceError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("there is no built-in template named {name:?}; the templates are: {}", available.join(", "))]
    NoSuchTemplate { name: String, available: Vec<&'static str> },
}

/// The names of the built-in templates, in catalogue order.
pub fn template_names() -> Vec<&'static str> {
    templates().iter().map(|t| t.name).collect()
}

/// Read and validate the chosen plan.
pub fn choose_plan(choice: PlanChoice<'_>) -> Result<ChosenPlan, ChoiceError> {
    match choice {
        PlanChoice::File(file) => {
            let (plan, source) = load_plan(file)?;
            let origin = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
            Ok(ChosenPlan { plan, source, origin: PlanOrigin::File(origin.display().to_string()) })
        }
        PlanChoice::Template(name) => {
            let t = template(name).ok_or_else(|| ChoiceError::NoSuchTemplate {
                name: name.to_owned(),
                available: template_names(),
            })?;
            let plan = parse_plan(t.source, &format!("template {}", t.name))?;
            Ok(ChosenPlan {
                plan,
                source: t.source.to_owned(),
                origin: PlanOrigin::Template(t.name.to_owned()),
            })
        }
    }
}

/// Where plan files are looked for in a repository, relative to its root (besides
/// `release-plan.toml` at the root).
pub const PLAN_FOLDERS: &[&str] = &[".release-pilot", "deploy", "release"];

/// A plan file found in a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPlan {
    pub path: PathBuf,
    /// Relative to the repository's root, with `/` on every platform.
    pub relative: String,
    /// The plan's title, or for a file that is not a valid plan, why not (its first problem).
    pub title: Result<String, String>,
}

/// The plan files a repository keeps: `release-plan.toml` at its root, then the `*.toml` files
/// of [`PLAN_FOLDERS`], each folder in name order.
pub fn find_plan_files(root: &Path) -> Vec<FoundPlan> {
    let mut candidates = vec![root.join("release-plan.toml")];
    for folder in PLAN_FOLDERS {
        if let Ok(entries) = std::fs::read_dir(root.join(folder)) {
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            files.sort();
            candidates.extend(files);
        }
    }
    candidates
        .into_iter()
        .filter(|p| p.is_file())
        .map(|path| {
            let title = match load_plan(&path) {
                Ok((plan, _)) => Ok(plan.plan.title),
                Err(e) => Err(e.to_string().lines().nth(1).unwrap_or("").trim().to_owned()),
            };
            let relative =
                path.strip_prefix(root).unwrap_or(&path).display().to_string().replace('\\', "/");
            FoundPlan { path, relative, title }
        })
        .collect()
}
