//! The JSON Schema and `docs/plan-format.md` are generated from the types and must not go
//! stale: `UPDATE_DOCS=1 cargo test -p pilot-engine --test engine plan::` rewrites both.

use std::path::PathBuf;

use pilot_engine::plan::vars::BUILTIN_VARS;
use pilot_engine::plan::{StepAction, parse_plan, schema};

fn docs_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs").join(name)
}

fn updating() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some()
}

#[test]
fn committed_schema_matches_the_types() {
    let generated = format!(
        "{}\n",
        serde_json::to_string_pretty(&schema::plan_schema()).expect("the schema serializes")
    );
    let path = docs_path("plan.schema.json");
    if updating() {
        std::fs::write(&path, &generated).expect("write the schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed.replace("\r\n", "\n") == generated,
        "docs/plan.schema.json is stale; regenerate it with \
         `UPDATE_DOCS=1 cargo test -p pilot-engine --test engine plan::` and commit it"
    );
}

#[test]
fn step_schema_has_one_branch_per_kind_told_apart_by_kind() {
    let schema = schema::plan_schema();
    let branches =
        schema.pointer("/$defs/Step/oneOf").and_then(|b| b.as_array()).expect("Step is a oneOf");
    let kinds: Vec<&str> = branches
        .iter()
        .map(|b| {
            b.pointer("/properties/kind/const")
                .and_then(|k| k.as_str())
                .expect("each branch fixes kind")
        })
        .collect();
    assert_eq!(kinds, StepAction::KIND_NAMES, "one branch per kind, in catalogue order");
    for branch in branches {
        let required =
            branch.get("required").and_then(|r| r.as_array()).expect("each branch has required");
        assert!(required.iter().any(|r| r == "kind"), "kind is required in every branch: {branch}");
    }
    assert_eq!(
        schema.pointer("/$defs/Step/unevaluatedProperties"),
        Some(&serde_json::Value::Bool(false)),
        "editors flag unknown step keys although serde's flatten cannot deny them"
    );
    let common = schema.pointer("/$defs/Step/required").expect("Step has required keys");
    assert_eq!(
        common,
        &serde_json::json!(["id", "title"]),
        "id and title are required on every step"
    );
}

#[test]
fn kind_catalogue_covers_every_kind_with_its_parameters() {
    let kinds = schema::kinds();
    let names: Vec<&str> = kinds.iter().map(|k| k.kind).collect();
    assert_eq!(names, StepAction::KIND_NAMES, "the catalogue lists every kind");
    let disk = kinds.iter().find(|k| k.kind == "system.disk").expect("system.disk");
    let min = disk.params.iter().find(|p| p.name == "min_free_gb").expect("min_free_gb");
    assert!(min.required && min.type_name == "number", "min_free_gb is a required number: {min:?}");
    let soak = kinds.iter().find(|k| k.kind == "soak").expect("soak");
    assert!(soak.params.iter().any(|p| p.name == "checks"), "soak names the checks it repeats");
}

const BEGIN: &str = "<!-- BEGIN GENERATED: kinds reference (UPDATE_DOCS=1 cargo test -p pilot-engine --test engine plan::) -->\n";
const END: &str = "<!-- END GENERATED: kinds reference -->";

#[test]
fn plan_format_doc_lists_every_kind_and_parameter() {
    let path = docs_path("plan-format.md");
    let doc =
        std::fs::read_to_string(&path).expect("docs/plan-format.md exists").replace("\r\n", "\n");
    let (before, rest) =
        doc.split_once(BEGIN).expect("the doc has the generated-section start marker");
    let (section, after) =
        rest.split_once(END).expect("the doc has the generated-section end marker");
    let generated = schema::kinds_reference_markdown();
    if updating() && section != generated {
        std::fs::write(&path, format!("{before}{BEGIN}{generated}{END}{after}"))
            .expect("write the doc");
    } else {
        assert!(
            section == generated,
            "the kinds reference in docs/plan-format.md is stale; regenerate it with \
             `UPDATE_DOCS=1 cargo test -p pilot-engine --test engine plan::`"
        );
    }
    for kind in schema::kinds() {
        assert!(
            generated.contains(&format!("### `{}`", kind.kind)),
            "the doc has a section for {}",
            kind.kind
        );
        for param in &kind.params {
            assert!(
                generated.contains(&format!("| `{}` |", param.name)),
                "the doc lists {}'s parameter {}",
                kind.kind,
                param.name
            );
        }
    }
    for name in BUILTIN_VARS {
        assert!(
            doc.contains(&format!("| `{name}` |")),
            "the doc explains the built-in variable {name}"
        );
    }
}

#[test]
fn plan_format_doc_examples_are_valid_plans() {
    let doc =
        std::fs::read_to_string(docs_path("plan-format.md")).expect("docs/plan-format.md exists");
    let examples: Vec<&str> = doc
        .split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split_once("```").map(|(toml, _)| toml))
        .collect();
    assert_eq!(examples.len(), 2, "the layout and the complete example");
    for example in examples {
        if let Err(error) = parse_plan(example, "plan-format.md") {
            panic!("a documented example must be a valid plan: {error}");
        }
    }
}
