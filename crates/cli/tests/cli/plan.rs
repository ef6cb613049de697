//! `pilot plan check | export | answers` and `pilot templates`.

use crate::common::{Sandbox, json, text};

const BROKEN: &str = r#"[plan]
name = "broken"
title = "Broken plan"

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "disk"
title = "Disk"
kind = "system.disk"
min_free_gb = 5.0
colour = "blue"

[[phase.step]]
id = "disk"
title = "Disk again"
kind = "system.dsk"

[[phase.step]]
id = "branch"
title = "On {{branch}}"
kind = "git.branch"
expect = "{{main_branch}}"

[[phase.step]]
id = "ready"
title = "Ready"
kind = "gate"
requires = []
"#;

#[test]
fn plan_check_lists_every_problem_with_line_and_column() {
    let sandbox = Sandbox::new();
    let file = sandbox.root.path().join("broken.toml");
    std::fs::write(&file, BROKEN).expect("write plan");
    let out = sandbox.pilot(&["plan", "check", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "a broken plan is bad input: {}", text(&out.stdout));
    let report = text(&out.stdout);
    let name = file.to_str().expect("utf-8");
    // Every problem, each with file, line and column.
    let expected: [(&[usize], &str); 5] = [
        (&[14], "colour"),             // unknown parameter
        (&[17], "duplicate"),          // duplicate step id
        (&[19], "system.dsk"),         // unknown kind
        (&[25], "main_branch"),        // unknown variable
        (&[27, 31], "names no steps"), // a gate that names no steps (its table or its key)
    ];
    for (lines, needle) in expected {
        let found = report.lines().any(|l| {
            lines.iter().any(|line| l.starts_with(&format!("{name}:{line}:"))) && l.contains(needle)
        });
        assert!(found, "a problem at line {lines:?} mentioning {needle:?} is listed:\n{report}");
    }
    assert!(report.lines().count() >= expected.len(), "every problem is listed at once:\n{report}");

    let out = sandbox.pilot(&["plan", "check", "--json", name]);
    assert_eq!(out.status.code(), Some(2), "--json keeps the exit code");
    let value = json(&out);
    assert_eq!(value["ok"], false, "not ok");
    assert!(
        value["problems"].as_array().expect("problems").len() >= expected.len(),
        "problems listed as JSON"
    );
}

#[test]
fn templates_export_and_check_cleanly() {
    let sandbox = Sandbox::new();
    let out = sandbox.pilot(&["templates", "--json"]);
    assert_eq!(out.status.code(), Some(0), "templates lists");
    let names: Vec<String> = json(&out)
        .as_array()
        .expect("list")
        .iter()
        .map(|t| t["name"].as_str().expect("name").to_string())
        .collect();
    for expected in ["staging", "production", "readiness"] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} is a built-in template: {names:?}"
        );
    }
    for name in names {
        let file = sandbox.root.path().join(format!("{name}.toml"));
        let out = sandbox.pilot(&["plan", "export", &name, "-o", file.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(0), "export {name}: {}", text(&out.stderr));
        let out = sandbox.pilot(&["plan", "check", file.to_str().expect("utf-8")]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "the exported {name} plan is valid: {}",
            text(&out.stdout)
        );
    }
    let out = sandbox.pilot(&["plan", "export", "nope"]);
    assert_eq!(out.status.code(), Some(2), "an unknown template is bad input");
    assert!(text(&out.stderr).contains("staging"), "the error lists the templates there are");
}

#[test]
fn plan_answers_lists_every_manual_item() {
    let sandbox = Sandbox::new();
    let out = sandbox.pilot(&["plan", "answers", "--template", "staging"]);
    assert_eq!(out.status.code(), Some(0), "answers skeleton printed");
    let skeleton: toml::Table =
        toml::from_str(&text(&out.stdout)).expect("the skeleton is valid TOML");
    let manual = skeleton["manual"].as_table().expect("a [manual] table");
    assert!(
        manual.len() > 10,
        "every manual item of the staging plan is listed ({})",
        manual.len()
    );
    assert!(manual.values().all(|v| v["done"].as_bool() == Some(false)), "nothing is pre-ticked");
}

#[test]
fn plan_import_writes_a_plan_that_checks_and_never_overwrites_or_half_writes() {
    let sandbox = Sandbox::new();
    let dir = sandbox.root.path();
    let runbook = dir.join("RUNBOOK.md");
    std::fs::write(
        &runbook,
        "# Release\n\n## Checks\n\n- [ ] Disk: `df -h` (need ≥ 2GB free)\n- [ ] Someone looked\n\n## Deploy\n\n```bash\n./deploy.sh  # takes a minute\n```\n",
    )
    .expect("runbook");
    let plan = dir.join("plan.toml");
    let s = |p: &std::path::Path| p.to_str().expect("utf-8").to_owned();
    let out = sandbox.pilot(&["plan", "import", &s(&runbook), "-o", &s(&plan)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(said.contains("3 items in 2 phases"), "{said}");
    assert!(said.contains("1 of them actions"), "the deploy script is an action: {said}");
    let out = sandbox.pilot(&["plan", "check", &s(&plan)]);
    assert_eq!(out.status.code(), Some(0), "the imported plan checks: {}", text(&out.stdout));
    let written = std::fs::read_to_string(&plan).expect("plan");
    assert!(written.contains("source = \"RUNBOOK.md:5\""), "{written}");

    // An existing file is left as it is; a binary file is refused and nothing is written.
    let out = sandbox.pilot(&["plan", "import", &s(&runbook), "-o", &s(&plan)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--force"), "{}", text(&out.stderr));
    let binary = dir.join("logo.md");
    std::fs::write(&binary, b"\x89PNG\0\0").expect("binary");
    let other = dir.join("other.toml");
    let out = sandbox.pilot(&["plan", "import", &s(&binary), "-o", &s(&other)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a text file"), "{}", text(&out.stderr));
    assert!(!other.exists(), "nothing is written on error");
}

/// Issue 17's runbook handed back: the team's own file with each box ticked only where the
/// step passed and one evidence line added under it; every other byte as it was.
#[test]
fn the_runbook_comes_back_executed_and_otherwise_unchanged() {
    let sandbox = Sandbox::new();
    let repo = sandbox.root.path().join("repo");
    std::fs::create_dir_all(&repo).expect("repo");
    let runbook = "# Release\r\n\r\n## Checks\r\n\r\n- [ ] Disk: `df -h` (need ≥ 1GB free)\r\n- [x] Someone looked\r\n\r\n| Check | Pass |\r\n|---|---|\r\n| Health | 200 |\r\n\r\nSome prose stays.\r\n\r\n## Deploy\r\n\r\n```bash\r\nls  # lists\r\n```\r\n";
    std::fs::write(repo.join("RUNBOOK.md"), runbook).expect("runbook");
    std::fs::write(repo.join("VERSION"), "1.0.0\n").expect("VERSION");
    crate::common::git(&repo, &["init", "-q", "-b", "main"]);
    crate::common::git(&repo, &["add", "."]);
    crate::common::git(&repo, &["commit", "-q", "-m", "Release 1.0.0"]);
    let plan = sandbox.root.path().join("plan.toml");
    let p = |x: &std::path::Path| x.to_str().expect("utf-8").to_owned();
    let out = sandbox.pilot(&["plan", "import", &p(&repo.join("RUNBOOK.md")), "-o", &p(&plan)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = sandbox.pilot(&["run", "--repo", &p(&repo), "--plan", &p(&plan), "--json"]);
    let run_id = json(&out)["run_id"].as_str().expect("id").to_owned();
    let out = sandbox.pilot(&["report", &run_id, "--format", "runbook"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let back = text(&out.stdout);
    assert!(back.contains("- [x] Disk: `df -h`"), "the disk check passed: ticked\n{back}");
    assert!(
        back.contains("- [ ] Someone looked"),
        "not answered: unticked though the file said so\n{back}"
    );
    assert!(back.contains("*Release Pilot: ✅ passed"), "evidence under the item\n{back}");
    assert!(back.contains("Health: "), "the row's evidence after the table\n{back}");
    // Every byte that is not an added line or a box is the team's.
    let strip = |s: &str| {
        s.split_inclusive('\n')
            .filter(|l| !l.contains("Release Pilot:"))
            .collect::<String>()
            .replace("[x]", "[ ]")
    };
    assert_eq!(strip(&back), strip(runbook), "the rest of the document is unchanged");
    let out =
        sandbox.pilot(&["report", &run_id, "--format", "runbook", "--runbook", "/nonexistent.md"]);
    assert_eq!(out.status.code(), Some(2), "a missing runbook is named");
}
