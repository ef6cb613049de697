//! Paths from the webview are used only when the user chose them: every command that takes a
//! path refuses one outside what was chosen (including a `..` escape and a link pointing out of
//! a chosen folder) with an error naming it and the dialog to use, and works once it is chosen.
//! The grants are recorded here the way the shell records them when its native dialog returns.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pilot_desktop_api::dto::{PlanChoiceDto, StartRunDto};
use pilot_desktop_api::{ApiError, Desktop, DesktopConfig, ErrorKind, FilePurpose};
use pilot_engine::demo::init_demo;
use pilot_engine::{DataPaths, SystemClock};

/// A data folder, and two repositories outside it (the demo project, written by the engine):
/// `chosen/` is the one the user will choose, `elsewhere/` one they never do.
struct Setup {
    temp: tempfile::TempDir,
    chosen: PathBuf,
    elsewhere: PathBuf,
}

impl Setup {
    fn new() -> Self {
        let temp = tempfile::tempdir().expect("temp dir");
        let now = chrono::Utc::now();
        let chosen = init_demo(&temp.path().join("chosen"), now).expect("a repository").path;
        let elsewhere = init_demo(&temp.path().join("elsewhere"), now).expect("another").path;
        Self { temp, chosen, elsewhere }
    }

    fn data(&self) -> PathBuf {
        self.temp.path().join("data")
    }

    /// The app as it starts: nothing chosen yet (or `start_repo` from `--repo`).
    fn open(&self, start_repo: Option<PathBuf>) -> Desktop {
        let config = DesktopConfig {
            data: DataPaths::new(self.data()),
            start_repo,
            app_version: "0.0.0-test".into(),
        };
        Desktop::open(config, Arc::new(SystemClock)).expect("the store opens")
    }
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn plan_in(repo: &Path) -> PathBuf {
    repo.join(".release-pilot").join("plan.toml")
}

fn start(app: &Desktop, repo: &Path, plan: &Path) -> Result<String, ApiError> {
    app.start_run(StartRunDto {
        repo: s(repo),
        plan: PlanChoiceDto::File(s(plan)),
        version: None,
        environment: None,
        operator: Some("Grace Hopper <grace@example.com>".into()),
        dry_run: true,
        vars: Default::default(),
    })
    .map(|run| run.id)
}

/// The error is a refusal that names `path` and says which dialog chooses it.
#[track_caller]
fn assert_refused(result: Result<impl std::fmt::Debug, ApiError>, path: &str, dialog: &str) {
    let e = result.expect_err("a path the user did not choose is refused");
    assert_eq!(e.kind, ErrorKind::NotChosen, "refused as not chosen: {e:?}");
    assert!(e.message.contains(path), "the message names {path}: {}", e.message);
    assert!(e.message.contains(dialog), "the message says to use {dialog}: {}", e.message);
}

const OPEN: &str = "Open a repository folder…";

#[test]
fn inspect_and_find_plans_refuse_a_folder_nobody_chose_and_read_it_once_chosen() {
    let t = Setup::new();
    let app = t.open(None);
    let repo = s(&t.chosen);
    assert_refused(app.inspect_repo(&repo), &repo, OPEN);
    assert_refused(app.find_plans(&repo), &repo, OPEN);

    app.grant_repository(&t.chosen);
    let facts = app.inspect_repo(&repo).expect("a chosen folder is read");
    assert_eq!(facts.version.as_deref(), Some("1.15.2"), "it is the demo repository");
    let plans = app.find_plans(&repo).expect("its plans are listed");
    assert_eq!(plans.len(), 1, "the plan inside the chosen folder is found: {plans:?}");
    let other = s(&t.elsewhere);
    assert_refused(app.inspect_repo(&other), &other, OPEN);
}

#[test]
fn a_dot_dot_escape_from_a_chosen_folder_is_refused_and_says_where_it_leads() {
    let t = Setup::new();
    let app = t.open(None);
    app.grant_repository(&t.chosen);
    let escape = s(&t.chosen.join("..").join("elsewhere"));
    assert_refused(app.inspect_repo(&escape), &escape, OPEN);
    let plan = s(&t.chosen.join("..").join("elsewhere").join(".release-pilot").join("plan.toml"));
    assert_refused(app.preview_plan(&PlanChoiceDto::File(plan.clone())), &plan, "plan file");
    let e = start(&app, &t.chosen, Path::new(&plan)).expect_err("the plan escapes the folder");
    assert!(e.message.contains("leads to"), "says where `..` leads: {}", e.message);
    assert!(app.list_runs().expect("history").is_empty(), "no run was recorded");
}

#[cfg(unix)]
#[test]
fn a_link_inside_a_chosen_folder_that_points_outside_is_refused() {
    let t = Setup::new();
    let app = t.open(None);
    app.grant_repository(&t.chosen);
    // A plan file and a repository reached through links placed in the chosen folder.
    let linked_plan = t.chosen.join(".release-pilot").join("borrowed.toml");
    std::os::unix::fs::symlink(plan_in(&t.elsewhere), &linked_plan).expect("plan link");
    let linked_repo = t.chosen.join("vendor");
    std::os::unix::fs::symlink(&t.elsewhere, &linked_repo).expect("folder link");

    let plan = s(&linked_plan);
    assert_refused(app.preview_plan(&PlanChoiceDto::File(plan.clone())), &plan, "plan file");
    let e = start(&app, &t.chosen, &linked_plan).expect_err("the linked plan is outside");
    assert!(
        e.message.contains("leads to") && e.message.contains(&s(&t.elsewhere)),
        "names where the link leads: {}",
        e.message
    );
    let repo = s(&linked_repo);
    assert_refused(app.inspect_repo(&repo), &repo, OPEN);
    assert!(app.list_runs().expect("history").is_empty(), "no run was recorded");
}

#[test]
fn start_run_refuses_an_unchosen_repository_or_plan_and_records_nothing_to_drive() {
    let t = Setup::new();
    let app = t.open(None);
    let e = start(&app, &t.chosen, &plan_in(&t.chosen)).expect_err("nothing chosen yet");
    assert_eq!(e.kind, ErrorKind::NotChosen, "{e:?}");
    assert!(e.message.contains(&s(&t.chosen)), "names the repository: {}", e.message);

    app.grant_repository(&t.chosen);
    let outside = plan_in(&t.elsewhere);
    let e = start(&app, &t.chosen, &outside).expect_err("a plan from an unchosen folder");
    assert_eq!(e.kind, ErrorKind::NotChosen, "{e:?}");
    assert!(e.message.contains("Choose a plan file…"), "says how to choose it: {}", e.message);
    assert!(
        app.list_runs().expect("history").is_empty(),
        "nothing was recorded, so drive_run has no run to execute"
    );

    start(&app, &t.chosen, &plan_in(&t.chosen)).expect("the plan inside the chosen folder");
    app.grant_file(&outside, FilePurpose::Plan);
    start(&app, &t.chosen, &outside).expect("a plan file chosen as such");
    assert_eq!(app.list_runs().expect("history").len(), 2, "both chosen runs were recorded");
}

#[test]
fn a_file_chosen_for_one_purpose_is_not_accepted_for_another() {
    let t = Setup::new();
    let app = t.open(None);
    app.grant_repository(&t.chosen);
    let outside = plan_in(&t.elsewhere);
    app.grant_file(&outside, FilePurpose::Signature);
    let plan = s(&outside);
    assert_refused(app.preview_plan(&PlanChoiceDto::File(plan.clone())), &plan, "plan file");
}

#[test]
fn a_folder_inside_a_repository_does_not_open_the_repository_above_it() {
    let t = Setup::new();
    let app = t.open(None);
    let inner = t.chosen.join(".release-pilot");
    app.grant_repository(&inner);
    let e = app.inspect_repo(&s(&inner)).expect_err("git would open the folder above");
    assert_eq!(e.kind, ErrorKind::NotChosen, "{e:?}");
    assert!(
        e.message.contains(&s(&inner)) && e.message.contains(OPEN),
        "names the folder and what to do: {}",
        e.message
    );
}

#[test]
fn save_report_writes_only_the_one_file_chosen_in_the_save_dialog() {
    let t = Setup::new();
    let app = t.open(None);
    app.grant_repository(&t.chosen);
    let run = start(&app, &t.chosen, &plan_in(&t.chosen)).expect("a run");
    let exported = t.temp.path().join("exported");
    std::fs::create_dir_all(exported.join("sub")).expect("folders");
    let report = exported.join("report.md");

    let unchosen = s(&report);
    assert_refused(app.save_report(&run, &unchosen), &unchosen, "Save as…");
    assert!(!report.exists(), "nothing was written");

    app.grant_report_destination(&report).expect("an existing folder");
    let beside = s(&exported.join("other.md"));
    assert_refused(app.save_report(&run, &beside), &beside, "Save as…");
    let escape = s(&exported.join("sub").join("..").join("..").join("report.md"));
    assert_refused(app.save_report(&run, &escape), &escape, "Save as…");
    let saved = app.save_report(&run, &s(&report)).expect("the chosen file is written");
    assert!(saved.bytes > 0 && report.is_file(), "the report is on disk");
    let same = s(&exported.join("sub").join("..").join("report.md"));
    app.save_report(&run, &same).expect("`..` that resolves to the chosen file is that file");
}

#[test]
fn chosen_repositories_are_remembered_after_a_restart_until_forgotten() {
    let t = Setup::new();
    let repo = s(&t.chosen);
    let outside = plan_in(&t.elsewhere);
    {
        let app = t.open(None);
        app.grant_repository(&t.chosen);
        app.grant_file(&outside, FilePurpose::Plan);
    }
    let app = t.open(None);
    app.inspect_repo(&repo).expect("a repository chosen before opens without a dialog");
    let plan = s(&outside);
    assert_refused(app.preview_plan(&PlanChoiceDto::File(plan.clone())), &plan, "plan file");
    app.forget_repository(&repo);
    assert_refused(app.inspect_repo(&repo), &repo, OPEN);
    drop(app);
    let app = t.open(None);
    assert_refused(app.inspect_repo(&repo), &repo, OPEN);
}

#[test]
fn the_demo_and_the_command_line_repository_need_no_dialog() {
    let t = Setup::new();
    let app = t.open(Some(t.chosen.clone()));
    app.inspect_repo(&s(&t.chosen)).expect("--repo is the user's own choice");
    let demo = app.create_demo().expect("the demo is made in the data folder");
    app.inspect_repo(&demo.path).expect("the app's own demo");
    app.preview_plan(&PlanChoiceDto::File(demo.plan)).expect("and its plan");
    let other = s(&t.elsewhere);
    assert_refused(app.inspect_repo(&other), &other, OPEN);
}
