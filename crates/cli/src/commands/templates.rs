//! `pilot templates`: the built-in plans.

use pilot_engine::plan::templates::templates;

use crate::failure::{ExitCode, Failure};

pub fn list(json: bool) -> Result<ExitCode, Failure> {
    if json {
        let list: Vec<_> = templates()
            .iter()
            .map(|t| serde_json::json!({ "name": t.name, "title": t.title, "summary": t.summary }))
            .collect();
        println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
    } else {
        for t in templates() {
            println!("{:<14}{}\n{:<14}{}", t.name, t.title, "", t.summary);
        }
    }
    Ok(ExitCode::Go)
}
