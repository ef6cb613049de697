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
        PlanCommand::Import { runbook, output, force } => {
            import(&runbook, output.as_deref(), force)
        }
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

/// `pilot plan import`: the plan on stdout or in a file (written whole, never over one that
/// exists unless --force), the summary on stderr.
fn import(runbook: &Path, output: Option<&Path>, force: bool) -> Result<ExitCode, Failure> {
    let bytes = std::fs::read(runbook)
        .map_err(|source| Failure::Read { path: runbook.to_path_buf(), source })?;
    let name = runbook.display().to_string();
    let imported = pilot_engine::plan::import::import_runbook(&bytes, &name)
        .map_err(|e| Failure::Refused { why: e.to_string() })?;
    if let Some(path) = output
        && path.exists()
        && !force
    {
        return Err(Failure::Refused {
            why: format!(
                "{} exists and was left as it is: choose another file with -o, or add --force to \
                 replace it",
                path.display()
            ),
        });
    }
    write_text(output, &imported.toml)?;
    let s = &imported.summary;
    eprintln!(
        "Imported {}: {} items in {} phases — {} automatic ({} of them actions, confirmed before \
         they run), {} manual ({} of them a number measured against the runbook's threshold).",
        runbook.display(),
        s.items,
        s.phases,
        s.automatic,
        s.actions,
        s.manual,
        s.measured
    );
    for (line, guess) in &s.guesses {
        eprintln!("  review line {line}: {guess}");
    }
    if let Some(path) = output {
        eprintln!(
            "Plan written to {}; check it with `pilot plan check {}`.",
            path.display(),
            path.display()
        );
    }
    Ok(ExitCode::Go)
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
