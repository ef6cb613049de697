//! Bad inputs get a clear error that names the input, and nothing else: a VERSION file of
//! megabytes is not echoed back, a VERSION link out of the repository is not followed, a
//! repository without commits has nothing to release, and a timeout of 0 s is refused when
//! the plan is checked.

use crate::common::{Sandbox, git, text};

fn run_template(
    sandbox: &Sandbox,
    repo: &std::path::Path,
    extra: &[&str],
) -> (Option<i32>, String) {
    let mut args = vec!["run", "--repo", repo.to_str().expect("utf-8"), "--template", "staging"];
    args.extend_from_slice(extra);
    let out = sandbox.pilot(&args);
    (out.status.code(), text(&out.stderr))
}

#[test]
fn a_huge_version_file_is_named_not_echoed() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    std::fs::write(repo.join("VERSION"), "9".repeat(5 * 1024 * 1024)).expect("VERSION");
    let (code, said) = run_template(&sandbox, &repo, &[]);
    assert_ne!(code, Some(0), "refused");
    assert!(said.contains("bytes long"), "{said}");
    assert!(said.len() < 4_000, "the file is not echoed ({} bytes said)", said.len());
}

#[cfg(unix)]
#[test]
fn a_version_link_out_of_the_repository_is_not_followed() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let outside = sandbox.root.path().join("elsewhere-VERSION");
    std::fs::write(&outside, "7.7.7\n").expect("outside");
    std::fs::remove_file(repo.join("VERSION")).expect("VERSION removed");
    std::os::unix::fs::symlink(&outside, repo.join("VERSION")).expect("link");
    let (code, said) = run_template(&sandbox, &repo, &[]);
    assert_ne!(code, Some(0), "refused: {said}");
    assert!(said.contains("outside the repository") && !said.contains("7.7.7 for"), "{said}");
}

#[test]
fn a_repository_without_commits_has_nothing_to_release() {
    let sandbox = Sandbox::new();
    let repo = sandbox.root.path().join("empty");
    std::fs::create_dir_all(&repo).expect("dir");
    git(&repo, &["init", "-q"]);
    let (code, said) = run_template(&sandbox, &repo, &["--version", "1.0.0"]);
    assert_ne!(code, Some(0), "refused: {said}");
    assert!(said.contains("has no commits yet"), "{said}");
    let runs = sandbox.pilot(&["runs", "--json"]);
    assert_eq!(text(&runs.stdout).trim(), "[]", "no run was recorded");
}

#[test]
fn a_timeout_of_zero_seconds_is_refused() {
    let sandbox = Sandbox::new();
    let plan = sandbox.root.path().join("plan.toml");
    std::fs::write(
        &plan,
        "[plan]\nname = \"t\"\ntitle = \"T\"\n\n[[phase]]\nid = \"b\"\ntitle = \"Backup\"\nstage = \"backup\"\n\n[[phase.step]]\nid = \"dump\"\ntitle = \"Dump\"\nkind = \"backup.command\"\nprogram = \"pg_dump\"\noutput = \"db.dump\"\ntimeout_secs = 0\n",
    )
    .expect("plan");
    let out = sandbox.pilot(&["plan", "check", plan.to_str().expect("utf-8")]);
    let said = text(&out.stdout) + &text(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("timeout_secs is 0"), "{said}");
}

#[test]
fn a_shallow_clone_is_warned_about() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let shallow = sandbox.root.path().join("shallow");
    let url = format!("file://{}", repo.display());
    git(
        sandbox.root.path(),
        &["clone", "-q", "--depth", "1", &url, shallow.to_str().expect("utf-8")],
    );
    let out = sandbox.pilot(&["inspect", "--repo", shallow.to_str().expect("utf-8")]);
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(said.contains("shallow clone") && said.contains("--unshallow"), "{said}");
}

#[test]
fn a_plan_that_is_not_utf8_is_pointed_at_and_json_still_answers() {
    let sandbox = Sandbox::new();
    let plan = sandbox.root.path().join("latin1.toml");
    std::fs::write(&plan, b"[plan]\nname = \"caf\xe9\"\n").expect("plan");
    let out = sandbox.pilot(&["plan", "check", plan.to_str().expect("utf-8"), "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(value["ok"], false);
    assert_eq!(value["problems"][0]["line"], 2, "{value}");
    assert_eq!(value["problems"][0]["column"], 12, "{value}");
    assert!(value["problems"][0]["message"].as_str().is_some_and(|m| m.contains("UTF-8")));
}
