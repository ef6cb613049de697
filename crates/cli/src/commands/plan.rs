//! `pilot plan export | check | schema | answers`.

use std::path::Path;

use pilot_engine::plan::templates::template;
use pilot_engine::plan::{Plan, PlanError, load_plan, schema::plan_schema};
use pilot_engine::run::{
    Answers, ChoiceError, PlanChoice as EnginePlanChoice, PlanOrigin, choose_plan, template_names,
};

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
        // A script asking for JSON gets JSON, whatever went wrong.
        Err(other) if json => {
            println!(
                "{}",
                serde_json::json!({ "ok": false, "error": other.to_string(), "problems": [] })
            );
            Ok(ExitCode::BadInput)
        }
        Err(other) => Err(other.into()),
    }
}

/// The plan the user chose: a file (`--plan`), or a built-in template (`--template`).
pub fn choose(choice: &PlanChoice) -> Result<(Plan, String, PlanOrigin), Failure> {
    let chosen = match (&choice.plan, &choice.template) {
        (Some(file), _) => choose_plan(EnginePlanChoice::File(file)),
        (None, Some(name)) => choose_plan(EnginePlanChoice::Template(name)),
        // clap's argument group requires exactly one of the two.
        (None, None) => {
            return Err(Failure::NoSuchTemplate { name: String::new(), available: names() });
        }
    };
    match chosen {
        Ok(c) => Ok((c.plan, c.source, c.origin)),
        Err(ChoiceError::Plan(e)) => Err(e.into()),
        Err(ChoiceError::NoSuchTemplate { name, .. }) => {
            Err(Failure::NoSuchTemplate { name, available: names() })
        }
    }
}

fn find_template(name: &str) -> Result<&'static pilot_engine::plan::templates::Template, Failure> {
    template(name)
        .ok_or_else(|| Failure::NoSuchTemplate { name: name.to_string(), available: names() })
}

fn names() -> String {
    template_names().join(", ")
}
