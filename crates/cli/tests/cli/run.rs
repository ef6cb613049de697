//! `pilot run`, `pilot resume`, `pilot runs` and `pilot report` on the demo project.

use std::path::Path;

use crate::common::{Sandbox, git, json, text};

fn plan_of(repo: &Path) -> String {
    repo.join(".release-pilot/plan.toml").to_str().expect("utf-8").to_string()
}

fn steps_with(value: &serde_json::Value, status: &str) -> Vec<String> {
    value["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["status"] == status)
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn a_dry_run_checks_everything_and_changes_nothing() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let out = sandbox.pilot(&[
        "run",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--plan",
        &plan_of(&repo),
        "--dry-run",
        "--json",
    ]);
    let value = json(&out);
    assert_eq!(
        value["status"],
        "completed",
        "a dry run goes through every phase: {}",
        text(&out.stderr)
    );
    assert_eq!(value["outcome"], "no-go", "the unpushed commit makes it no-go");
    assert_eq!(out.status.code(), Some(1), "no-go exits 1");
    assert_eq!(
        steps_with(&value, "failed"),
        ["pushed", "ready"],
        "only the unpushed-commit check fails, and the gate that needs it"
    );
    let tag = value["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["id"] == "tag-release")
        .expect("tag step");
    assert_eq!(tag["status"], "skipped", "actions are not performed in a dry run");
    assert!(
        tag["summary"].as_str().expect("summary").contains("would run `git tag --annotate v1.15.2"),
        "the dry run says what the action would do, with its values: {}",
        tag["summary"]
    );
    assert!(git(&repo, &["tag", "-l", "v1.15.2"]).trim().is_empty(), "no tag was created");
}

#[test]
fn a_run_waits_for_people_then_resumes_to_the_end() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let answers = sandbox.root.path().join("answers.toml");
    std::fs::write(&answers, "by = \"Grace Hopper <grace@example.com>\"\n[waive.pushed]\nreason = \"The last commit only edits release notes\"\n").expect("answers");

    let out = sandbox.pilot(&[
        "run",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--plan",
        &plan_of(&repo),
        "--answers",
        answers.to_str().expect("utf-8"),
        "--json",
    ]);
    let value = json(&out);
    assert_eq!(out.status.code(), Some(3), "waiting on a person exits 3: {}", text(&out.stderr));
    assert_eq!(value["status"], "waiting", "the run waits");
    assert_eq!(
        value["waiting_on"],
        serde_json::json!(["team-notified", "staging-access"]),
        "it names the items to answer"
    );
    assert_eq!(
        steps_with(&value, "waived"),
        ["pushed"],
        "the failed check was waived from the answers file"
    );
    let run_id = value["run_id"].as_str().expect("run id").to_string();

    std::fs::write(
        &answers,
        "by = \"Grace Hopper <grace@example.com>\"\n[waive.pushed]\nreason = \"The last commit only edits release notes\"\n\
         [manual.team-notified]\ndone = true\nnote = \"Posted in #releases\"\n[manual.staging-access]\ndone = true\n\
         [manual.backup-documented]\ndone = true\n[manual.login-page]\ndone = true\n[manual.announced]\ndone = true\n\
         [signoff.tech_lead]\nname = \"Tom Kilburn <tom@example.com>\"\ndecision = \"approve\"\n\
         [signoff.qa_lead]\nname = \"Mary Keller <mary@example.com>\"\ndecision = \"approve\"\n",
    )
    .expect("answers");
    let out = sandbox.pilot(&[
        "resume",
        &run_id,
        "--answers",
        answers.to_str().expect("utf-8"),
        "--json",
    ]);
    let value = json(&out);
    assert_eq!(value["status"], "completed", "answered, the run completes: {}", text(&out.stderr));
    // Every blocking step passed or was waived with a reason, and both roles signed off.
    assert_eq!(value["outcome"], "go", "the demo release may go: {}", text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "done and go exits 0");
    let backups: Vec<_> = std::fs::read_dir(sandbox.data.path().join("backups"))
        .expect("the data folder's backups/ was made")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "sqlite3"))
        .collect();
    assert_eq!(backups.len(), 1, "one verified backup of the demo database was written");
    assert_eq!(
        git(&repo, &["tag", "-l", "v1.15.2"]).trim(),
        "v1.15.2",
        "the deploy phase tagged the release"
    );
    assert!(repo.join("build/student-management-1.15.2.zip").is_file(), "the package was built");
    assert_eq!(steps_with(&value, "failed"), Vec::<String>::new(), "nothing failed");

    let out = sandbox.pilot(&["runs", "--json"]);
    let runs = json(&out);
    assert_eq!(runs[0]["id"], run_id, "the run is listed");

    let report = sandbox.root.path().join("report.md");
    let out = sandbox.pilot(&["report", &run_id, "-o", report.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "the report is written: {}", text(&out.stderr));
    let markdown = std::fs::read_to_string(&report).expect("report written");
    assert!(
        markdown.contains("| Release tag | `v1.15.2` |"),
        "the header names the tag the deploy step put on the release commit"
    );
    assert!(markdown.contains("`run.tagged`"), "and the event log says when it appeared");
    for needle in [
        "1.15.2",
        "Posted in #releases",
        "The last commit only edits release notes",
        "v1.15.1",
        "Grace Hopper",
    ] {
        assert!(markdown.contains(needle), "the report mentions {needle:?}");
    }
    assert!(
        !markdown.contains("3f9c2b7e8a1d4c6f"),
        "the env file's secret never reaches the report"
    );
}

#[test]
fn a_report_that_cannot_be_written_leaves_nothing_behind() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let out = sandbox.pilot(&[
        "run",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--plan",
        &plan_of(&repo),
        "--dry-run",
        "--json",
    ]);
    let run_id = json(&out)["run_id"].as_str().expect("id").to_string();
    let target = sandbox.root.path().join("missing-folder").join("report.md");
    let out = sandbox.pilot(&["report", &run_id, "-o", target.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "an unwritable target is bad input");
    assert!(
        text(&out.stderr).contains("missing-folder"),
        "the error names the path: {}",
        text(&out.stderr)
    );
    assert!(!target.exists(), "no report file");
    let out = sandbox.pilot(&["report", "20990101-000000-0000"]);
    assert_eq!(out.status.code(), Some(2), "an unknown run is bad input");
    assert!(
        text(&out.stderr).contains("pilot runs"),
        "the error says how to find runs: {}",
        text(&out.stderr)
    );
}

#[test]
fn a_bad_version_is_refused_before_a_run_exists() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let out = sandbox.pilot(&[
        "run",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--plan",
        &plan_of(&repo),
        "--version",
        "1.2",
    ]);
    assert_eq!(out.status.code(), Some(2), "an invalid version is bad input");
    assert!(
        text(&out.stderr).contains("1.2"),
        "the error names the version: {}",
        text(&out.stderr)
    );
    let runs = json(&sandbox.pilot(&["runs", "--json"]));
    assert_eq!(runs, serde_json::json!([]), "no run was recorded");
}

/// A run stopped by a failed check says how to go on; once the cause is fixed, `pilot resume`
/// runs the check again (and the run goes on), as the message promised.
#[test]
fn a_failed_check_runs_again_on_resume_once_fixed() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let plan = sandbox.root.path().join("needs-file.toml");
    std::fs::write(
        &plan,
        "[plan]\nname = \"t\"\ntitle = \"Needs a file\"\n\n[[phase]]\nid = \"checks\"\ntitle = \"Checks\"\n\n\
         [[phase.step]]\nid = \"env\"\ntitle = \"The production env file exists\"\nkind = \"file.exists\"\npath = \"deploy/.env.production\"\n",
    )
    .expect("plan");
    let out = sandbox.pilot(&[
        "run",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--plan",
        plan.to_str().expect("utf-8"),
        "--json",
    ]);
    let value = json(&out);
    assert_eq!(out.status.code(), Some(1), "a failed blocking check exits 1");
    assert_eq!(value["status"], "failed");
    let run_id = value["run_id"].as_str().expect("run id").to_string();
    let said = text(&sandbox.pilot(&["resume", &run_id]).stdout);
    assert!(
        said.contains(&format!("`pilot resume {run_id}` (the failed step runs again)")),
        "the stop says how to go on: {said}"
    );

    std::fs::create_dir_all(repo.join("deploy")).expect("mkdir");
    std::fs::write(repo.join("deploy/.env.production"), "KEY=1\n").expect("the fix");
    let out = sandbox.pilot(&["resume", &run_id, "--json"]);
    let value = json(&out);
    assert_eq!(out.status.code(), Some(0), "the run completes: {}", text(&out.stderr));
    assert_eq!(value["outcome"], "go", "{value}");
    let env = value["steps"].as_array().expect("steps").iter().find(|s| s["id"] == "env");
    assert_eq!(env.map(|s| &s["status"]), Some(&serde_json::json!("passed")), "{value}");
}

/// `--var KEY=VALUE` and `--vars FILE` give the plan's variables for one run: checked against
/// the plan's [vars], recorded in the run's log, and used by its steps.
#[test]
fn variables_are_given_per_run_with_var_and_vars() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let (repo_arg, plan) = (repo.to_str().expect("utf-8").to_owned(), plan_of(&repo));
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--repo", &repo_arg, "--plan", &plan, "--dry-run", "--json"];
        args.extend_from_slice(extra);
        sandbox.pilot(&args)
    };
    let out = run(&["--var", "no-equals-sign"]);
    assert_eq!(out.status.code(), Some(2), "a malformed --var is bad input");
    assert!(text(&out.stderr).contains("KEY=VALUE"), "{}", text(&out.stderr));
    let out = run(&["--var", "nope=1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("defines no such variable"), "{}", text(&out.stderr));

    let file = sandbox.root.path().join("staging.vars.toml");
    std::fs::write(
        &file,
        "service_url = \"http://127.0.0.1:9\"\npackage = \"build/from-file.zip\"\n",
    )
    .expect("vars file");
    let out = run(&[
        "--vars",
        file.to_str().expect("utf-8"),
        "--var",
        "package=build/{{version}}-cli.zip",
    ]);
    let value = json(&out);
    let run_id = value["run_id"].as_str().expect("a run").to_owned();
    let report = sandbox.pilot(&["report", &run_id]);
    let report = text(&report.stdout);
    assert!(
        report.contains("variables given for this run: package = \"build/{{version}}-cli.zip\", service_url = \"http://127.0.0.1:9\""),
        "the log records what was given (--var wins over --vars)"
    );
    assert!(report.contains("build/1.15.2-cli.zip"), "and the steps use it, resolved");
}
