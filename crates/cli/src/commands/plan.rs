//! `pilot plan export | check | schema | answers`.

use std::path::Path;

use pilot_engine::plan::templates::{template, templates};
use pilot_engine::plan::{Plan, PlanError, load_plan, parse_plan, schema::plan_schema};
use pilot_engine::run::{Answers, PlanOrigin};

use crate::cli::{PlanChoice, PlanCommand};
use crate::failure::{ExitCode, Failure};
use crate::output::write_text;

pub fn plan(cmd: PlanCommand) -> Result<ExitCode, Failure> {
    match cmd {
        PlanCommand::Export { name, output } => {
            let t = find_template(&name)?;
            write_text(output.as_deref(), t.source)?;
            Ok(ExitCode::Go)
        }
        PlanCommand::Check { file, json } => check(&file, json),
        PlanCommand::Schema { output } => {
            let text = serde_json::to_string_pretty(&plan_schema()).unwrap_or_default() + "\n";
            write_text(output.as_deref(), &text)?;
            Ok(ExitCode::Go)
        }
        PlanCommand::Answers { plan, output } => {
            let (plan, _, _) = choose(&plan)?;
            write_text(output.as_deref(), &Answers::skeleton(&plan))?;
            Ok(ExitCode::Go)
        }
    }
}

fn check(file: &Path, json: bool) -> Result<ExitCode, Failure> {
    match load_plan(file) {
        Ok((plan, _)) => {
            if json {
                println!("{}", serde_json::json!({ "ok": true, "problems": [] }));
            } else {
                let steps = plan.steps().count();
                println!("{}: ok ({} phases, {steps} steps)", file.display(), plan.phases.len());
            }
            Ok(ExitCode::Go)
        }
        Err(PlanError::Invalid { problems }) => {
            if json {
                println!("{}", serde_json::json!({ "ok": false, "problems": problems }));
            } else {
                for p in &problems {
                    println!("{p}");
                }
                eprintln!("{} problem(s) in {}", problems.len(), file.display());
            }
            Ok(ExitCode::BadInput)
        }
        Err(other) => Err(other.into()),
    }
}

/// The plan the user chose: a file, or a built-in template.
pub fn choose(choice: &PlanChoice) -> Result<(Plan, String, PlanOrigin), Failure> {
    match (&choice.plan, &choice.template) {
        (Some(file), _) => {
            let (plan, source) = load_plan(file)?;
            let origin = std::path::absolute(file).unwrap_or_else(|_| file.clone());
            Ok((plan, source, PlanOrigin::File(origin.display().to_string())))
        }
        (None, Some(name)) => {
            let t = find_template(name)?;
            let plan = parse_plan(t.source, &format!("template {}", t.name))?;
            Ok((plan, t.source.to_string(), PlanOrigin::Template(t.name.to_string())))
        }
        // clap's argument group requires exactly one of the two.
        (None, None) => Err(Failure::NoSuchTemplate { name: String::new(), available: names() }),
    }
}

fn find_template(name: &str) -> Result<&'static pilot_engine::plan::templates::Template, Failure> {
    template(name)
        .ok_or_else(|| Failure::NoSuchTemplate { name: name.to_string(), available: names() })
}

fn names() -> String {
    templates().iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
}
