//! Signed approvals across two workstations, in the real app (issue 16): two data folders, two
//! clones of one bare repository, keys made by `ssh-keygen`.
//!
//! The tech lead's run waits at its sign-off (started with the CLI, as a pipeline would). In
//! the tech lead's app: the Sign-off screen says what "Request sign-off" does, and does it. In
//! the approver's app (another data folder, the other clone): "Approve a release", the open
//! request with its report, two decisions signed and pushed — one with the tech lead's own key
//! for QA, then QA's with its own — and operations' signed on the request the tech lead
//! exported as a file, saved as a file back (no shared remote). Back in the tech lead's app:
//! "Check for approvals" fills QA and lists the tech lead's approval as not counted with why,
//! "Import an approval file…" fills operations, and the run finishes GO. Stock `ssh-keygen -Y verify` then accepts each approval the report
//! lists, with the command the report prints. Every screen is photographed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use pilot_e2e::{AppSession, Display, Screenshots, TauriDriver, locate, prerequisites};
use pilot_test_openssh::{Key, keygen};

const SHORT: Duration = Duration::from_secs(30);
const STEP: Duration = Duration::from_secs(120);

type Walk = Result<(), Box<dyn std::error::Error>>;

const GIT_ENV: &[(&str, &str)] = &[
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_AUTHOR_NAME", "Grace Hopper"),
    ("GIT_AUTHOR_EMAIL", "grace@example.com"),
    ("GIT_COMMITTER_NAME", "Grace Hopper"),
    ("GIT_COMMITTER_EMAIL", "grace@example.com"),
];

const OPERATOR: &str = "Grace Hopper <grace@example.com>";

/// A production plan whose two roles are signed by named approvers.
const PLAN: &str = r#"[plan]
name = "signed-release"
title = "Production release, signed approvals"
environment = "production"

[plan.signoff]
allowed_signers = ".release-pilot/allowed_signers"

[[plan.role]]
id = "qa"
title = "QA sign-off"
signers = ["alan@example.com"]

[[plan.role]]
id = "operations"
title = "Operations"
signers = ["linus@example.com"]

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "version-file"
title = "VERSION is in the repository"
kind = "file.exists"
path = "VERSION"

[[phase]]
id = "approval"
title = "Approval"
stage = "signoff"

[[phase.step]]
id = "approvals"
title = "QA and operations approve"
kind = "signoff"
roles = ["qa", "operations"]

[[phase.step]]
id = "go-no-go"
title = "Checked and approved"
kind = "gate"
requires = ["version-file", "approvals"]
"#;

fn run(program: &Path, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(program)
        .current_dir(dir)
        .args(args)
        .envs(GIT_ENV.iter().copied())
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", program.display()));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn git(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(Path::new("git"), dir, args, &[]);
    assert_eq!(code, 0, "git {args:?}: {err}");
    out
}

/// The team: a bare remote, the tech lead's clone (the demo project) holding the plan and the
/// allowed signers, and the approver's clone.
struct Team {
    lead: PathBuf,
    approver: PathBuf,
    /// Where the tech lead's app exports the request, and the approver's saves its answer.
    request_file: PathBuf,
    approval_file: PathBuf,
    grace: Key,
    alan: Key,
    linus: Key,
}

fn team(temp: &Path, pilot: &Path, lead_data: &Path) -> Team {
    let keys = temp.join("keys");
    std::fs::create_dir_all(&keys).expect("keys folder");
    let (grace, alan, linus) = (
        keygen(&keys, "grace", "ed25519", ""),
        keygen(&keys, "alan", "ed25519", ""),
        keygen(&keys, "linus", "rsa", ""),
    );
    let lead = temp.join("lead");
    let data = lead_data.display().to_string();
    let (code, _, err) =
        run(pilot, temp, &["demo", "init", "lead"], &[("RELEASE_PILOT_DATA_DIR", &data)]);
    assert_eq!(code, 0, "pilot demo init: {err}");
    let ns = "namespaces=\"git,release-pilot\"";
    let allowed = format!(
        "grace@example.com {ns} {}\nalan@example.com {ns} {}\nlinus@example.com {ns} {}\n",
        grace.public_line, alan.public_line, linus.public_line
    );
    std::fs::write(lead.join(".release-pilot/allowed_signers"), allowed).expect("written");
    std::fs::write(lead.join(".release-pilot/signed.toml"), PLAN).expect("written");
    git(&lead, &["add", ".release-pilot"]);
    git(&lead, &["commit", "-q", "-m", "Signed approvals for production"]);
    git(temp, &["init", "-q", "--bare", "shared.git"]);
    let shared = temp.join("shared.git").display().to_string();
    git(&lead, &["remote", "set-url", "origin", &shared]);
    git(&lead, &["push", "-q", "origin", "HEAD"]);
    git(temp, &["clone", "-q", "shared.git", "approver"]);
    Team {
        lead,
        approver: temp.join("approver"),
        request_file: temp.join("signoff-request.txt"),
        approval_file: temp.join("operations.approval"),
        grace,
        alan,
        linus,
    }
}

/// One workstation's app: its own data folder and dialog answers.
struct Workstation {
    data: PathBuf,
    dialogs: PathBuf,
}

impl Workstation {
    fn new(temp: &Path, name: &str) -> Self {
        let data = temp.join(format!("{name}-data"));
        std::fs::create_dir_all(&data).expect("data folder");
        Self { data, dialogs: temp.join(format!("{name}-dialogs.json")) }
    }

    fn answer(&self, answers: serde_json::Value) {
        std::fs::write(&self.dialogs, answers.to_string()).expect("dialog answers");
    }

    async fn open(
        &self,
        tools: &prerequisites::Tools,
        display: &Display,
        args: &[String],
        log: &Path,
    ) -> (TauriDriver, AppSession) {
        let (data, dialogs) = (self.data.display().to_string(), self.dialogs.display().to_string());
        let mut env: Vec<(&str, &str)> = GIT_ENV.to_vec();
        env.push(("RELEASE_PILOT_DATA_DIR", &data));
        env.push(("RELEASE_PILOT_E2E_DIALOGS", &dialogs));
        let driver = TauriDriver::start(&tools.tauri_driver, display, &env, log)
            .expect("tauri-driver starts");
        let app = locate::e2e_app();
        let session = AppSession::launch(&driver, &app, args).await.expect("the app launches");
        (driver, session)
    }
}

#[tokio::test(flavor = "current_thread")]
async fn approvals_signed_on_a_second_workstation_fill_the_tech_leads_signoff() {
    let tools = match prerequisites::tools() {
        Ok(tools) => tools,
        Err(reason) => return prerequisites::skip("approvals", &reason),
    };
    if !locate::e2e_app().is_file() {
        return prerequisites::skip("approvals", "the e2e build of release-pilot is missing");
    }
    let pilot = locate::pilot().expect("the pilot CLI builds");
    let temp = tempfile::tempdir().expect("temp folder");
    let lead_ws = Workstation::new(temp.path(), "lead");
    let approver_ws = Workstation::new(temp.path(), "approver");
    let team = team(temp.path(), &pilot, &lead_ws.data);

    // The run waits at its sign-off.
    let lead_data = lead_ws.data.display().to_string();
    let plan = team.lead.join(".release-pilot/signed.toml");
    let (code, out, err) = run(
        &pilot,
        &team.lead,
        &[
            "run",
            "--repo",
            team.lead.to_str().expect("utf-8"),
            "--plan",
            plan.to_str().expect("utf-8"),
            "--operator",
            OPERATOR,
            "--json",
        ],
        &[("RELEASE_PILOT_DATA_DIR", &lead_data)],
    );
    assert_eq!(code, 3, "the run waits for its approvals: {err}\n{out}");
    let value: serde_json::Value = serde_json::from_str(&out).expect("json");
    let run_id = value["run_id"].as_str().expect("run id").to_owned();

    let display = Display::for_tests().expect("an X display");
    let mut shots = Screenshots::create("approvals", &display).expect("screenshot folder");
    let log = temp.path().join("tauri-driver.log");
    lead_ws.answer(serde_json::json!({
        "requestDestination": team.request_file,
        "approval": team.approval_file,
    }));
    approver_ws.answer(serde_json::json!({
        "repository": team.approver,
        "signingKey": team.grace.private,
    }));

    let lead_args = vec!["--repo".to_string(), team.lead.display().to_string()];
    let steps: [(&Workstation, Vec<String>, Stage); 3] = [
        (&lead_ws, lead_args.clone(), Stage::Request),
        (&approver_ws, Vec::new(), Stage::Approve),
        (&lead_ws, lead_args, Stage::Collect),
    ];
    for (ws, args, stage) in steps {
        let (driver, session) = ws.open(&tools, &display, &args, &log).await;
        let walked = match stage {
            Stage::Request => request(&session, &mut shots, &run_id).await,
            Stage::Approve => approve(&session, &mut shots, &run_id, &team, ws).await,
            Stage::Collect => collect(&session, &mut shots, &run_id).await,
        };
        if let Err(e) = &walked {
            let _ = shots.take(&session.client, "failure").await;
            if let Ok(html) =
                session.eval("return document.documentElement.outerHTML", vec![]).await
            {
                let _ = std::fs::write(
                    shots.dir().join("failure.html"),
                    html.as_str().unwrap_or_default(),
                );
            }
            eprintln!("e2e: the approvals walk stopped: {e}");
        }
        let _ = session.close().await;
        let _ = driver.stop();
        if let Err(e) = walked {
            let driver_log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!(
                "the approvals walk failed at {stage:?}: {e}\n{}\n{driver_log}",
                shots.dir().display()
            );
        }
    }

    // The report lists both approvals; stock ssh-keygen accepts each with the report's command.
    let report = temp.path().join("report.md");
    let (code, _, err) = run(
        &pilot,
        temp.path(),
        &["report", &run_id, "-o", report.to_str().expect("utf-8")],
        &[("RELEASE_PILOT_DATA_DIR", &lead_data)],
    );
    assert_eq!(code, 0, "pilot report: {err}");
    let markdown = std::fs::read_to_string(&report).expect("report");
    std::fs::copy(&report, shots.dir().join("report.md")).expect("a copy beside the screenshots");
    assert!(markdown.contains("**Verdict: ✅ GO**"), "GO:\n{markdown}");
    std::fs::write(
        temp.path().join("allowed_signers"),
        git(&team.lead, &["show", "HEAD:.release-pilot/allowed_signers"]),
    )
    .expect("allowed signers");
    let commands: Vec<&str> =
        markdown.lines().filter(|l| l.starts_with("sed ") && l.contains("approvals-")).collect();
    assert_eq!(commands.len(), 2, "two approvals listed:\n{markdown}");
    for command in commands {
        let (code, out, err) = run(Path::new("sh"), temp.path(), &["-c", command], &[]);
        assert_eq!(code, 0, "ssh-keygen accepts: {command}\n{out}{err}");
    }
}

#[derive(Debug, Clone, Copy)]
enum Stage {
    Request,
    Approve,
    Collect,
}

/// The waiting run, opened from History at the screen it is at.
async fn open_run(s: &AppSession, run_id: &str) -> Walk {
    s.click(r#"button[data-action="open-history"]"#, STEP).await?;
    s.wait_screen("history", SHORT).await?;
    s.click(&format!(r#"tr[data-run="{run_id}"] button[data-action="open-run"]"#), SHORT).await?;
    s.wait_screen("signoff", STEP).await?;
    Ok(())
}

/// The tech lead opens the waiting run and requests sign-off.
async fn request(s: &AppSession, shots: &mut Screenshots, run_id: &str) -> Walk {
    open_run(s, run_id).await?;
    s.wait_for(r#"[data-panel="signed-approvals"]"#, SHORT).await?;
    s.wait_for(r#"[data-signed-only="qa"]"#, SHORT).await?;
    shots.take(&s.client, "lead-signoff-before-request").await?;
    s.click(r#"button[data-action="request-signoff"]"#, SHORT).await?;
    s.wait_for(r#"[data-request-state="published"]"#, SHORT).await?;
    s.wait_for(r#"[data-approval-news]"#, SHORT).await?;
    let news = s.text(r#"[data-approval-news]"#).await?;
    if !news.contains("The request is on the remote") {
        return Err(format!("the request reached the remote: {news}").into());
    }
    shots.take(&s.client, "lead-signoff-requested").await?;
    // And as a file, for the approver without the remote (the dialog answers where).
    s.click(r#"button[data-action="export-request"]"#, SHORT).await?;
    s.wait_for("[data-request-exported]", SHORT).await?;
    shots.take(&s.client, "lead-request-exported").await?;
    Ok(())
}

/// On the approver's workstation: the request, its report, three signed decisions.
async fn approve(
    s: &AppSession,
    shots: &mut Screenshots,
    run_id: &str,
    team: &Team,
    ws: &Workstation,
) -> Walk {
    s.wait_screen("welcome", STEP).await?;
    shots.take(&s.client, "approver-welcome").await?;
    s.click(r#"button[data-action="open-approve"]"#, SHORT).await?;
    s.wait_screen("approve", SHORT).await?;
    shots.take(&s.client, "approver-start").await?;
    s.click(r#"button[data-action="choose-approval-repo"]"#, SHORT).await?;
    let request = format!(r#"button[data-request="{run_id}"]"#);
    s.wait_for(&request, STEP).await?;
    s.click(&request, SHORT).await?;
    s.wait_for(r#"[data-panel="decide"]"#, SHORT).await?;
    let report = s.text("[data-report]").await?;
    if !report.contains("Sign-off") {
        return Err("the published report is shown".into());
    }
    shots.take(&s.client, "approver-request").await?;

    for (n, (role, key)) in [("qa", &team.grace), ("qa", &team.alan)].into_iter().enumerate() {
        ws.answer(serde_json::json!({ "repository": team.approver, "signingKey": key.private }));
        let script = format!(
            "const s = document.querySelector('select[data-field=\"approve-role\"]'); s.value = '{role}'; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return s.value === '{role}'"
        );
        s.wait_until(&format!("the role {role} chosen"), &script, SHORT).await?;
        s.click(r#"button[data-browse="approve-key"]"#, SHORT).await?;
        let wanted = serde_json::Value::from(key.private.display().to_string());
        let shows = format!(
            "return document.querySelector('input[data-field=\"approve-key\"]').value === {wanted}"
        );
        s.wait_until("the key chosen", &shows, SHORT).await?;
        s.click(r#"button[data-action="sign-approval"]"#, SHORT).await?;
        let sent = format!(
            "return document.querySelectorAll('[data-approval-sent=\"pushed\"]').length === {}",
            n + 1
        );
        s.wait_until(&format!("approval {} sent", n + 1), &sent, STEP).await?;
        shots.take(&s.client, &format!("approver-signed-{}-{role}", n + 1)).await?;
    }

    // Operations decides on the request the tech lead sent as a file, and saves a file back.
    ws.answer(serde_json::json!({
        "signoffRequest": team.request_file,
        "signingKey": team.linus.private,
        "approvalDestination": team.approval_file,
    }));
    s.click(r#"button[data-action="open-request-file"]"#, SHORT).await?;
    s.wait_for(r#"[data-panel="request-file"]"#, SHORT).await?;
    let script = "const s = document.querySelector('select[data-field=\"approve-role\"]'); s.value = 'operations'; s.dispatchEvent(new Event('change', { bubbles: true })); return s.value === 'operations'";
    s.wait_until("the role operations chosen", script, SHORT).await?;
    s.click(r#"button[data-browse="approve-key"]"#, SHORT).await?;
    let wanted = serde_json::Value::from(team.linus.private.display().to_string());
    let shows = format!(
        "return document.querySelector('input[data-field=\"approve-key\"]').value === {wanted}"
    );
    s.wait_until("linus's key chosen", &shows, SHORT).await?;
    s.click(r#"button[data-action="sign-approval-file"]"#, SHORT).await?;
    s.wait_for("[data-approval-written]", STEP).await?;
    shots.take(&s.client, "approver-signed-into-a-file").await?;
    if !team.approval_file.is_file() {
        return Err(format!("the approval file is at {}", team.approval_file.display()).into());
    }
    Ok(())
}

/// The tech lead's sign-off fills in; the tech lead's own approval is named as not counted.
async fn collect(s: &AppSession, shots: &mut Screenshots, run_id: &str) -> Walk {
    open_run(s, run_id).await?;
    s.click(r#"button[data-action="collect-approvals"]"#, SHORT).await?;
    s.wait_for(r#"[data-role="qa"][data-role-state="approved"]"#, STEP).await?;
    let refused = s.wait_for("[data-approval-refused]", SHORT).await?.text().await?;
    if !refused.contains("separation of duties") && !refused.contains("may not") {
        return Err(format!("the tech lead's own approval is refused with why: {refused}").into());
    }
    shots.take(&s.client, "lead-signoff-qa-arrived").await?;
    s.click(r#"button[data-action="import-approval"]"#, SHORT).await?;
    s.wait_for(r#"[data-role="operations"][data-role-state="approved"]"#, STEP).await?;
    shots.take(&s.client, "lead-signoff-filled").await?;
    s.click(r#"button[data-action="run-stage"]"#, SHORT).await?;
    s.wait_for(r#"[data-verdict="go"]"#, STEP).await?;
    s.wait_idle(STEP).await?;
    shots.take(&s.client, "lead-signoff-go").await?;
    Ok(())
}
