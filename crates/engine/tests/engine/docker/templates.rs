//! The Docker templates and the demo's Docker mode: every runbook item of the base template is
//! kept, the Docker parts are executable kinds (no script left between the plan and Docker),
//! and the demo's Docker plan loads.

use std::collections::BTreeSet;

use pilot_engine::demo::{DemoOptions, init_demo_with};
use pilot_engine::plan::templates::template;
use pilot_engine::plan::{Plan, load_plan, parse_plan};

fn plan(name: &str) -> Plan {
    let t = template(name).unwrap_or_else(|| panic!("template {name} is registered"));
    parse_plan(t.source, name).unwrap_or_else(|e| panic!("template {name} loads: {e}"))
}

fn step_ids(plan: &Plan) -> BTreeSet<String> {
    plan.steps().map(|(_, s)| s.id.clone()).collect()
}

#[test]
fn docker_templates_keep_every_runbook_item_and_deploy_through_the_api() {
    for (docker, base) in [("staging-docker", "staging"), ("production-docker", "production")] {
        let (d, b) = (plan(docker), plan(base));
        let missing: Vec<_> = step_ids(&b).difference(&step_ids(&d)).cloned().collect();
        assert!(missing.is_empty(), "{docker} keeps every step of {base}: missing {missing:?}");
        let kinds: BTreeSet<&str> = d.steps().map(|(_, s)| s.action.kind_name()).collect();
        for kind in [
            "docker.engine",
            "docker.image",
            "docker.volume",
            "docker.container",
            "deploy.recreate",
            "deploy.exec",
            "rollback",
        ] {
            assert!(kinds.contains(kind), "{docker} uses {kind}: {kinds:?}");
        }
        let scripted: Vec<_> = d
            .steps()
            .filter(|(_, s)| s.action.kind_name() == "deploy.command")
            .map(|(_, s)| s.id.clone())
            .collect();
        assert!(scripted.is_empty(), "{docker} deploys through the API, not scripts: {scripted:?}");
        let text = template(docker).map(|t| t.source).unwrap_or_default();
        assert!(
            text.contains("release-pilot-sample:{{version}}"),
            "{docker} targets the sample image by default"
        );
    }
}

#[test]
fn demo_docker_mode_writes_a_loadable_docker_plan_and_its_instructions() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let demo =
        init_demo_with(&dir.path().join("demo"), chrono::Utc::now(), DemoOptions { docker: true })
            .expect("the demo is created in Docker mode");
    let (plan, _) = load_plan(&demo.plan).expect("the Docker plan loads");
    let kinds: BTreeSet<&str> = plan.steps().map(|(_, s)| s.action.kind_name()).collect();
    for kind in [
        "docker.engine",
        "backup.sqlite",
        "deploy.recreate",
        "deploy.exec",
        "deploy.wait_log",
        "rollback",
    ] {
        assert!(kinds.contains(kind), "the demo's Docker plan uses {kind}");
    }
    let readme =
        std::fs::read_to_string(demo.path.join("DOCKER.md")).expect("DOCKER.md is written");
    assert!(
        readme.contains("scripts/build-sample-images.sh"),
        "the instructions say how to build the images"
    );
    let status =
        crate::common::git_in(&demo.path, &["status", "--porcelain", "--untracked-files=no"]);
    assert!(status.is_empty(), "the Docker plan is committed, so the tree stays clean: {status}");
}
