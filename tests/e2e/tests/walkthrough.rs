//! The whole release of the demo project in the real app, through its webview, as a person
//! would do it: open the demo, choose its plan file, run the checks (waive the one that fails,
//! tick the manual items), back up, deploy (confirming each action), validate, sign off, and
//! save the report; then sign the saved report with a key file made by `ssh-keygen`, attach a
//! colleague's signature made with `ssh-keygen -Y sign`, verify both against an allowed_signers
//! file in the app — and check the saved report and its `.sig` with stock `ssh-keygen -Y verify`.
//!
//! It drives the e2e build of `release-pilot` (own identifier and data folder; its file dialogs
//! answer from `RELEASE_PILOT_E2E_DIALOGS`, a file of answers written here, because a WebDriver
//! cannot drive a native dialog — the answers are granted by the shell exactly as a choice in the
//! dialog would be, so the walkthrough also proves every path it uses went through a grant; the
//! demo repository comes from `--repo`, which the shell grants the same way) and relies only on
//! the DOM contract (`data-screen`, `data-busy`, `data-step`/`data-status`, `data-action`, …).
//! Every screen is photographed into a folder the test prints.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use pilot_e2e::{AppSession, Display, Screenshots, TauriDriver, locate, prerequisites};
use pilot_test_openssh::{Key, allowed_signers_in, keygen, openssh_accepts, openssh_sign};

/// The reason typed into the waiver dialog; the report must quote it.
const WAIVER_REASON: &str = "E2E walkthrough: the demo's upstream is one commit behind on purpose";

/// Long enough for a step on a busy 2-core machine, short enough to fail rather than hang.
const STEP: Duration = Duration::from_secs(120);
const SHORT: Duration = Duration::from_secs(30);

type Walk = Result<(), Box<dyn std::error::Error>>;

fn check(ok: bool, message: impl Into<String>) -> Walk {
    if ok { Ok(()) } else { Err(message.into().into()) }
}

/// A git environment that does not depend on the machine's configuration; the deploy step tags
/// the release, which needs a committer.
const GIT_ENV: &[(&str, &str)] = &[
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_AUTHOR_NAME", "E2E Tester"),
    ("GIT_AUTHOR_EMAIL", "e2e@example.com"),
    ("GIT_COMMITTER_NAME", "E2E Tester"),
    ("GIT_COMMITTER_EMAIL", "e2e@example.com"),
];

#[tokio::test(flavor = "current_thread")]
async fn demo_release_from_project_to_saved_report() {
    let tools = match prerequisites::tools() {
        Ok(tools) => tools,
        Err(reason) => return prerequisites::skip("walkthrough", &reason),
    };
    let app = locate::e2e_app();
    if !app.is_file() {
        return prerequisites::skip(
            "walkthrough",
            &format!(
                "the e2e build of release-pilot is not at {} (scripts/test.sh builds it: UI, then `cargo build -p release-pilot --features e2e` into $CARGO_TARGET_DIR/e2e)",
                app.display()
            ),
        );
    }
    println!("e2e: driving {}", app.display());
    let pilot = locate::pilot().expect("the pilot CLI builds");

    let temp = tempfile::tempdir().expect("a temp folder");
    let data = temp.path().join("data");
    let demo = temp.path().join("demo");
    // "Save as…" writes into an existing folder, as the native dialog would offer.
    let exported = temp.path().join("exported");
    std::fs::create_dir_all(&exported).expect("the export folder is created");
    let report = exported.join("release-report.md");
    let made = Command::new(&pilot)
        .args(["demo", "init"])
        .arg(&demo)
        .env("RELEASE_PILOT_DATA_DIR", &data)
        .envs(GIT_ENV.iter().copied())
        .output()
        .expect("pilot runs");
    assert!(
        made.status.success(),
        "pilot demo init makes the demo: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let secret = secret_key(&demo.join(".env"));
    let signing = Signing::create(temp.path());
    // What each of the app's dialogs answers (see `src-tauri/src/dialog.rs`).
    let dialogs = temp.path().join("dialogs.json");
    let answers = serde_json::json!({
        "reportDestination": report,
        "signingKey": signing.key.private,
        "signature": signing.colleague_signature(),
        "allowedSigners": signing.allowed,
    });
    std::fs::write(&dialogs, answers.to_string()).expect("the dialog answers are written");

    let display = Display::for_tests().expect("an X display is available or Xvfb starts");
    let log = temp.path().join("tauri-driver.log");
    let mut env: Vec<(&str, &str)> = GIT_ENV.to_vec();
    let (data_s, dialogs_s) = (data.display().to_string(), dialogs.display().to_string());
    env.push(("RELEASE_PILOT_DATA_DIR", &data_s));
    env.push(("RELEASE_PILOT_E2E_DIALOGS", &dialogs_s));
    let driver = TauriDriver::start(&tools.tauri_driver, &display, &env, &log)
        .expect("tauri-driver starts and answers /status");
    let args = vec!["--repo".to_string(), demo.display().to_string()];
    let session =
        AppSession::launch(&driver, &app, &args).await.expect("a session launches release-pilot");
    let mut shots =
        Screenshots::create("walkthrough", &display).expect("the screenshot folder is created");

    let walked = walk(&session, &mut shots, &report, &signing).await;
    if let Err(e) = &walked {
        // Leave the evidence next to the screenshots: what the window showed and its DOM.
        let _ = shots.take(&session.client, "failure").await;
        if let Ok(html) = session.eval("return document.documentElement.outerHTML", vec![]).await {
            let _ =
                std::fs::write(shots.dir().join("failure.html"), html.as_str().unwrap_or_default());
        }
        eprintln!("e2e: the walkthrough stopped: {e}");
    }
    let closed = session.close().await;
    let stopped = driver.stop();
    let driver_log = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::write(shots.dir().join("tauri-driver.log"), &driver_log);
    if let Err(e) = walked {
        panic!(
            "the walkthrough failed: {e}\nscreenshots and DOM: {}\n--- driver and app log ---\n{driver_log}",
            shots.dir().display()
        );
    }
    closed.expect("the session closes");
    stopped.expect("tauri-driver exits on SIGTERM");

    let text = std::fs::read_to_string(&report)
        .expect("the report was saved where the Save as… dialog answered");
    std::fs::write(shots.dir().join("release-report.md"), &text)
        .expect("a copy of the report beside the screenshots");
    assert_report(&text, &secret);
    let sig = exported.join("release-report.md.sig");
    assert!(
        openssh_accepts(&signing.allowed, SIGNER, &sig, &report),
        "ssh-keygen -Y verify accepts the signature the app wrote beside the report ({})",
        sig.display()
    );
    std::fs::copy(&sig, shots.dir().join("release-report.md.sig"))
        .expect("a copy of the signature beside the screenshots");

    // The rollback asked for in the app ran in the same run: the stored run says so.
    let pilot_out = |args: &[&str]| {
        let out = Command::new(&pilot)
            .args(args)
            .env("RELEASE_PILOT_DATA_DIR", &data)
            .output()
            .expect("pilot runs");
        assert!(
            out.status.success(),
            "pilot {args:?} ({}) works: {}",
            pilot.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let runs: serde_json::Value =
        serde_json::from_str(&pilot_out(&["runs", "--json"])).expect("pilot runs --json");
    let run_id = runs[0]["id"].as_str().unwrap_or_else(|| panic!("one run: {runs}")).to_owned();
    assert_eq!(runs[0]["outcome"], "rolled-back", "the run ends rolled back: {runs}");
    let stored = pilot_out(&["report", &run_id]);
    std::fs::write(shots.dir().join("rolled-back-report.md"), &stored).expect("a copy");
    assert!(stored.contains("**Verdict: ↩️ ROLLED BACK**"), "the report says rolled back");
    assert!(stored.contains(ROLLBACK_REASON), "the report quotes why");
    assert!(stored.contains("backup restored:"), "the report shows the restore's evidence");
}

/// Who signs in the app (with a key file) and who signed elsewhere (with ssh-keygen).
const SIGNER: &str = "grace@example.com";
const COLLEAGUE: &str = "alan@example.com";

/// Keys made by `ssh-keygen` for the walkthrough, and the allowed_signers file naming them.
struct Signing {
    dir: std::path::PathBuf,
    /// Grace's ed25519 key, whose file is chosen in the app.
    key: Key,
    /// Alan's RSA key, which signs a copy of the report outside the app.
    colleague: Key,
    allowed: std::path::PathBuf,
}

impl Signing {
    fn create(temp: &Path) -> Self {
        let dir = temp.join("signing");
        std::fs::create_dir_all(&dir).expect("the signing folder is created");
        let key = keygen(&dir, "grace", "ed25519", "");
        let colleague = keygen(&dir, "alan", "rsa", "");
        let allowed = allowed_signers_in(&dir, &[(SIGNER, "", &key), (COLLEAGUE, "", &colleague)]);
        Self { dir, key, colleague, allowed }
    }

    /// Where Alan's signature will be (`ssh-keygen -Y sign` writes `FILE.sig`).
    fn colleague_signature(&self) -> std::path::PathBuf {
        self.dir.join("alan-copy.md.sig")
    }

    /// Alan signs his copy of the saved report with `ssh-keygen -Y sign`; returns his .sig.
    fn colleague_signs(&self, report: &Path) -> Result<std::path::PathBuf, String> {
        let copy = self.dir.join("alan-copy.md");
        std::fs::copy(report, &copy).map_err(|e| format!("copying the report for Alan: {e}"))?;
        Ok(openssh_sign(&self.colleague, "release-pilot", &copy))
    }
}

/// Every screen, in order.
async fn walk(s: &AppSession, shots: &mut Screenshots, report: &Path, signing: &Signing) -> Walk {
    project(s, shots).await?;
    checks(s, shots).await?;
    backup(s, shots).await?;
    deploy(s, shots).await?;
    validation(s, shots).await?;
    signoff(s, shots).await?;
    report_screen(s, shots, report).await?;
    signatures(s, shots, report, signing).await?;
    history_and_rollback(s, shots).await
}

async fn project(s: &AppSession, shots: &mut Screenshots) -> Walk {
    s.wait_screen("project", Duration::from_secs(60)).await?;
    let facts = s.wait_for("[data-facts]", SHORT).await?.text().await?;
    check(facts.contains("main"), format!("the facts name the branch main: {facts}"))?;
    check(facts.contains("1.15.2"), format!("the facts show VERSION 1.15.2: {facts}"))?;

    let plan = s.wait_for(r#"select[data-field="plan"]"#, SHORT).await?;
    let file_option = s
        .eval(
            r#"const o = Array.from(document.querySelectorAll('select[data-field="plan"] option'))
                 .map(o => o.value).find(v => v.startsWith('file:'));
               return o || null"#,
            vec![],
        )
        .await?;
    let value = file_option
        .as_str()
        .ok_or("the plan list offers the demo's plan file (a `file:` option)")?;
    check(
        value.ends_with("plan.toml"),
        format!("the plan file option is the demo's plan: {value}"),
    )?;
    plan.select_by_value(value).await?;
    let chosen = s
        .eval(r#"return document.querySelector('select[data-field="plan"]').value"#, vec![])
        .await?;
    check(
        chosen.as_str() == Some(value),
        format!("the plan file is chosen (select shows {chosen})"),
    )?;

    fill_if_empty(s, r#"input[data-field="version"]"#, "1.15.2").await?;
    fill_if_empty(s, r#"input[data-field="operator"]"#, "E2E Tester").await?;
    let version = s.find(r#"input[data-field="version"]"#).await?.prop("value").await?;
    check(
        version.as_deref() == Some("1.15.2"),
        format!("the version to release is 1.15.2 (field: {version:?})"),
    )?;
    s.wait_idle(SHORT).await?;
    shots.take(&s.client, "project").await?;

    s.click(r#"button[data-action="start-run"]"#, SHORT).await?;
    s.wait_screen("checks", Duration::from_secs(60)).await?;
    Ok(())
}

async fn checks(s: &AppSession, shots: &mut Screenshots) -> Walk {
    shots.take(&s.client, "checks-before").await?;
    s.click(r#"button[data-action="run-stage"]"#, SHORT).await?;
    s.wait_step("pushed", &["failed"], STEP).await?;
    for step in ["on-main", "version-file", "changelog", "secret-key"] {
        let status = s.wait_step(step, &["passed", "failed", "warned", "skipped"], STEP).await?;
        check(status == "passed", format!("check {step} passes on the demo (status {status})"))?;
    }
    s.wait_idle(STEP).await?;
    check(
        !s.find(r#"button[data-action="next"]"#).await?.is_enabled().await?,
        "Next is disabled while the failed blocking check `pushed` is not waived",
    )?;
    shots.take(&s.client, "checks-ran").await?;
    // A git check reads the repository as it was at the start: the app offers no second try of
    // it, says a new run is the way once the repository is fixed, and offers the waiver.
    check(
        !s.exists(r#"button[data-retry="pushed"]"#).await?,
        "no Run again for a failed git check",
    )?;
    let way_on = s.text(r#"[data-way-on="pushed"]"#).await?;
    check(way_on.contains("start a new run"), format!("the way on is a new run: {way_on}"))?;
    s.eval(
        r#"document.querySelector('[data-step="pushed"]').scrollIntoView({block: "center"})"#,
        vec![],
    )
    .await?;
    shots.take(&s.client, "checks-failed-step").await?;

    s.click(r#"button[data-waive="pushed"]"#, SHORT).await?;
    s.wait_for(r#"textarea[data-field="waive-reason"]"#, SHORT).await?;
    check(
        !s.find(r#"button[data-action="confirm-waive"]"#).await?.is_enabled().await?,
        "the waiver cannot be confirmed without a reason",
    )?;
    s.type_into(r#"textarea[data-field="waive-reason"]"#, WAIVER_REASON, SHORT).await?;
    shots.take(&s.client, "checks-waive-dialog").await?;
    s.click(r#"button[data-action="confirm-waive"]"#, SHORT).await?;
    s.wait_step("pushed", &["waived"], SHORT).await?;
    s.wait_idle(SHORT).await?;

    tick(s, "team-notified").await?;
    tick(s, "staging-access").await?;
    shots.take(&s.client, "checks-answered").await?;
    next(s, "backup", shots, "checks-done").await
}

async fn backup(s: &AppSession, shots: &mut Screenshots) -> Walk {
    shots.take(&s.client, "backup-before").await?;
    s.click(r#"button[data-action="run-stage"]"#, SHORT).await?;
    // The backup changes something (it writes a file), so the app asks first, naming the
    // database it copies.
    s.wait_for(CONFIRM, SHORT).await?;
    shots.take(&s.client, "backup-confirm").await?;
    s.click(CONFIRM, SHORT).await?;
    // A verified backup of the demo's database, taken online and checked before the deploy.
    let status = s.wait_step("db-backup", &["passed", "failed", "warned", "skipped"], STEP).await?;
    check(
        status == "passed",
        format!("the database backup is taken and verified (status {status})"),
    )?;
    s.wait_idle(STEP).await?;
    tick(s, "backup-documented").await?;
    next(s, "deploy", shots, "backup-done").await
}

async fn deploy(s: &AppSession, shots: &mut Screenshots) -> Walk {
    shots.take(&s.client, "deploy-before").await?;
    s.click(r#"button[data-action="run-stage"]"#, SHORT).await?;
    // Each action asks first, naming what it touches; confirm every dialog until both ran.
    let started = std::time::Instant::now();
    let mut confirmed = 0;
    loop {
        let (tag, package) = (s.step_status("tag-release").await?, s.step_status("package").await?);
        let done = |st: &str| ["passed", "failed", "warned", "skipped", "waived"].contains(&st);
        if done(&tag) && done(&package) {
            check(tag == "passed", format!("the release is tagged (status {tag})"))?;
            check(package == "passed", format!("the package is built (status {package})"))?;
            break;
        }
        if s.exists(CONFIRM).await? {
            if confirmed == 0 {
                shots.take(&s.client, "deploy-confirm-action").await?;
            }
            s.click(CONFIRM, SHORT).await?;
            confirmed += 1;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        if started.elapsed() > STEP {
            return Err(format!(
                "the deploy steps did not finish (tag-release {tag}, package {package})"
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check(confirmed >= 1, "the deploy actions asked for confirmation before running")?;
    s.wait_idle(STEP).await?;
    next(s, "validation", shots, "deploy-done").await
}

async fn validation(s: &AppSession, shots: &mut Screenshots) -> Walk {
    shots.take(&s.client, "validation-before").await?;
    s.click(r#"button[data-action="run-stage"]"#, SHORT).await?;
    for step in ["tag-at-head", "package-exists", "repository-integrity"] {
        let status = s.wait_step(step, &["passed", "failed", "warned", "skipped"], STEP).await?;
        check(status == "passed", format!("validation {step} passes (status {status})"))?;
    }
    s.wait_idle(STEP).await?;
    tick(s, "login-page").await?;
    next(s, "signoff", shots, "validation-done").await
}

async fn signoff(s: &AppSession, shots: &mut Screenshots) -> Walk {
    let verdict = s.wait_for("[data-verdict]", SHORT).await?.attr("data-verdict").await?;
    check(
        matches!(verdict.as_deref(), Some("go" | "noGo" | "pending")),
        format!("the sign-off screen shows a verdict ({verdict:?})"),
    )?;
    if s.exists(r#"input[data-manual="announced"]"#).await? {
        tick(s, "announced").await?;
    }
    shots.take(&s.client, "signoff-before").await?;
    // Each role signs off with a name that is not the operator's (separation of duties).
    for (role, name) in [
        ("tech_lead", "Grace Hopper <grace@example.com>"),
        ("qa_lead", "Alan Turing <alan@example.com>"),
    ] {
        s.type_into(&format!(r#"input[data-signoff-name="{role}"]"#), name, SHORT).await?;
        s.click(&format!(r#"button[data-signoff-submit="{role}"]"#), SHORT).await?;
        s.wait_for(&format!(r#"[data-role="{role}"][data-role-state="approved"]"#), STEP).await?;
    }
    // Who signed off, in UTC, and nothing missing once both roles approved.
    let summary = s.wait_for(r#"[data-panel="signoff-summary"]"#, SHORT).await?.text().await?;
    for who in ["Grace Hopper", "Alan Turing", "UTC"] {
        check(summary.contains(who), format!("the sign-off summary shows {who}: {summary}"))?;
    }
    s.wait_for(r#"[data-missing="none"]"#, SHORT).await?;
    shots.take(&s.client, "signoff").await?;
    // Finishing the run is the screen's main action; Next then leads to the report.
    next(s, "report", shots, "signoff-finished").await
}

async fn report_screen(s: &AppSession, shots: &mut Screenshots, report: &Path) -> Walk {
    s.wait_until(
        "the report to be rendered",
        "const r = document.querySelector('[data-report]'); return r !== null && r.textContent.includes('1.15.2')",
        SHORT,
    )
    .await?;
    shots.take(&s.client, "report").await?;
    s.click(r#"button[data-action="save-report"]"#, SHORT).await?;
    let saved = s.wait_for("[data-saved-path]", SHORT).await?.text().await?;
    let name = report.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    check(saved.contains(name), format!("the saved path shown ({saved}) is the e2e report path"))?;
    check(report.is_file(), format!("the report file exists at {}", report.display()))?;
    shots.take(&s.client, "report-saved").await?;
    Ok(())
}

/// Sign the saved report with Grace's key file for the QA role, attach Alan's signature made
/// outside the app, and verify both against the allowed_signers file. Each file is chosen with
/// "Browse…" (or, for allowed_signers, by Verify, which asks for it first), answered by the
/// dialogs file: a WebDriver cannot drive the native dialogs.
async fn signatures(
    s: &AppSession,
    shots: &mut Screenshots,
    report: &Path,
    signing: &Signing,
) -> Walk {
    s.wait_for(r#"[data-panel="sign"]"#, SHORT).await?;
    s.wait_idle(SHORT).await?;
    s.click(r#"input[data-field="sign-method-key"]"#, SHORT).await?;
    choose(s, "sign-key", &signing.key.private).await?;
    s.wait_for(r#"select[data-field="sign-role"]"#, SHORT)
        .await?
        .select_by_value("qa_lead")
        .await?;
    s.click(r#"button[data-action="sign-report"]"#, SHORT).await?;
    let written = s.wait_for("[data-signature-path]", STEP).await?.text().await?;
    let sig = format!("{}.sig", report.display());
    check(written == sig, format!("the signature is written beside the report ({written})"))?;

    let alan = signing.colleague_signs(report)?;
    choose(s, "attach-sig", &alan).await?;
    s.click(r#"button[data-action="attach-signature"]"#, SHORT).await?;
    s.wait_until(
        "Alan's signature to be attached",
        "return document.querySelectorAll('[data-signed]').length === 2",
        STEP,
    )
    .await?;
    shots.take(&s.client, "report-signed").await?;

    s.click(r#"button[data-action="verify-report"]"#, SHORT).await?;
    let result = s.wait_for("[data-verify-result]", STEP).await?;
    let verdict = result.attr("data-verify-result").await?;
    let text = result.text().await?;
    check(
        verdict.as_deref() == Some("good"),
        format!("the app says the report is verified: {text}"),
    )?;
    let counts = s
        .eval(
            r#"return [document.querySelectorAll('[data-signature="good"]').length,
                       document.querySelectorAll('[data-signature="bad"]').length]"#,
            vec![],
        )
        .await?;
    check(counts == serde_json::json!([2, 0]), format!("both signatures are good ({counts})"))?;
    for who in [SIGNER, COLLEAGUE, "QA lead", "ssh-keygen -Y verify", "Event log matches"] {
        check(text.contains(who), format!("the verification shows {who:?}: {text}"))?;
    }
    s.eval(
        r#"document.querySelector('[data-verify-result] .signatures').scrollIntoView({block: 'center'})"#,
        vec![],
    )
    .await?;
    shots.take(&s.client, "report-verified").await?;
    Ok(())
}

/// Click "Browse…" beside `field` and wait until the field shows `expected`, the dialog's answer.
async fn choose(s: &AppSession, field: &str, expected: &Path) -> Walk {
    s.click(&format!(r#"button[data-browse="{field}"]"#), SHORT).await?;
    let wanted = expected.display().to_string();
    let script = format!(
        "return document.querySelector('input[data-field=\"{field}\"]').value === {}",
        serde_json::Value::from(wanted.as_str())
    );
    s.wait_until(&format!("{field} to show {wanted}"), &script, SHORT).await?;
    Ok(())
}

/// The two panels reachable from anywhere after the backup: the history (this run listed) and
/// the rollback panel.
/// The reason typed into the rollback confirmation; the stored report must quote it.
const ROLLBACK_REASON: &str = "E2E walkthrough: QA found a blocker after GO";

async fn history_and_rollback(s: &AppSession, shots: &mut Screenshots) -> Walk {
    s.click(r#"button[data-action="open-rollback"]"#, SHORT).await?;
    s.wait_for(r#"[data-panel="rollback"]"#, SHORT).await?;
    s.wait_idle(SHORT).await?;
    shots.take(&s.client, "rollback").await?;
    // "Roll back now" asks first, naming what it changes, and needs a reason.
    s.click(r#"button[data-action="roll-back"]"#, SHORT).await?;
    let form = s.wait_for("[data-rollback-confirm]", SHORT).await?;
    let says = form.text().await?;
    check(says.contains("database"), format!("the confirmation names the database: {says}"))?;
    let confirm = r#"button[data-action="confirm-rollback"]"#;
    let enabled = s.eval(
        r#"return !document.querySelector('button[data-action="confirm-rollback"]').disabled"#,
        vec![],
    );
    check(enabled.await? == serde_json::Value::Bool(false), "no rollback without a reason")?;
    s.type_into(r#"textarea[data-field="rollback-reason"]"#, ROLLBACK_REASON, SHORT).await?;
    shots.take(&s.client, "rollback-confirm").await?;
    s.click(confirm, SHORT).await?;
    s.wait_for(r#"[data-rollback-state="rolledBack"]"#, STEP).await?;
    s.wait_idle(STEP).await?;
    let status = s.step_status("rollback").await?;
    check(status == "passed", format!("the rollback step passed (status {status})"))?;
    shots.take(&s.client, "rollback-done").await?;
    // Escape closes the panel (keyboard navigation); it covers the header's buttons meanwhile.
    let focused = s.client.active_element().await?;
    focused.send_keys("\u{E00C}").await?;
    s.wait_until(
        "the rollback panel to close on Escape",
        r#"const d = document.querySelector('[data-panel="rollback"]');
           return d === null || (d.tagName === 'DIALOG' && !d.open)"#,
        SHORT,
    )
    .await?;
    s.click(r#"button[data-action="open-history"]"#, SHORT).await?;
    s.wait_screen("history", SHORT).await?;
    s.wait_for("[data-run]", SHORT).await?;
    shots.take(&s.client, "history").await?;
    Ok(())
}

/// Tick a manual item (confirming the answer when the app asks) and wait until the engine
/// recorded it.
async fn tick(s: &AppSession, step: &str) -> Walk {
    s.click(&format!(r#"input[type="checkbox"][data-manual="{step}"]"#), SHORT).await?;
    let started = std::time::Instant::now();
    while s.step_status(step).await? != "passed" {
        if s.exists(CONFIRM).await? {
            s.click(CONFIRM, SHORT).await?;
        }
        if started.elapsed() > SHORT {
            return Err(format!("the manual item {step} was not recorded as done").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.wait_idle(SHORT).await?;
    Ok(())
}

/// The confirm button of the app's dialogs (actions, answers, finishing the run).
const CONFIRM: &str = r#"button[data-action="confirm-action"]"#;

/// Move on to `screen`. When Next is still disabled after the answers, the run must first
/// continue (the phase's gate looks at the answers when the run is driven again; on the
/// sign-off screen this finishes the run), confirming what the app asks about.
async fn next(s: &AppSession, screen: &str, shots: &mut Screenshots, shot: &str) -> Walk {
    let enabled = r#"const b = document.querySelector('button[data-action="next"]'); return b !== null && !b.disabled"#;
    if s.wait_until("Next to be enabled", enabled, Duration::from_secs(3)).await.is_err() {
        s.click(r#"button[data-action="run-stage"]"#, SHORT).await?;
        let started = std::time::Instant::now();
        while s.eval(enabled, vec![]).await? != serde_json::Value::Bool(true) {
            if s.exists(CONFIRM).await? {
                s.click(CONFIRM, SHORT).await?;
            }
            if started.elapsed() > STEP {
                return Err(format!("Next did not become enabled on the way to {screen}").into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    s.wait_idle(STEP).await?;
    shots.take(&s.client, shot).await?;
    s.click(r#"button[data-action="next"]"#, SHORT).await?;
    s.wait_screen(screen, STEP).await?;
    Ok(())
}

/// Type `text` into a field the app left empty (the version is usually filled from VERSION).
async fn fill_if_empty(s: &AppSession, css: &str, text: &str) -> Walk {
    let field = s.wait_for(css, SHORT).await?;
    if field.prop("value").await?.unwrap_or_default().trim().is_empty() {
        s.type_into(css, text, SHORT).await?;
    }
    Ok(())
}

/// The demo's secret, read from its env file: the report must never contain it.
fn secret_key(env_file: &Path) -> String {
    let text = std::fs::read_to_string(env_file).expect("the demo has an env file");
    let secret = text
        .lines()
        .find_map(|l| l.strip_prefix("SECRET_KEY="))
        .expect("the demo's env file sets SECRET_KEY")
        .trim()
        .to_string();
    assert!(secret.len() >= 32, "the demo's secret is a real-looking one");
    secret
}

fn assert_report(text: &str, secret: &str) {
    assert!(text.contains("1.15.2"), "the report names the released version 1.15.2");
    // The event log keeps the checks screen's first, failed attempt ("NO-GO" then); the
    // verdict at the top is the run's.
    let verdict = text.lines().find(|l| l.starts_with("**Verdict:")).unwrap_or_default();
    assert!(
        verdict.contains("GO") && !verdict.contains("NO-GO"),
        "every blocking step passed or was waived and both roles approved: GO ({verdict})"
    );
    for signer in ["Grace Hopper", "Alan Turing"] {
        assert!(text.contains(signer), "the sign-off table names {signer}");
    }
    assert!(text.contains(".sqlite3"), "the backup section names the verified backup file");
    assert!(
        text.contains(WAIVER_REASON),
        "the report quotes the waiver reason typed in the dialog"
    );
    assert!(
        text.contains("Every commit is pushed"),
        "the report lists the waived check by its title"
    );
    assert!(
        text.contains("## Commits since previous release"),
        "the report has the commits section"
    );
    assert!(
        text.lines().any(|l| l.starts_with("| Commit |") || l.starts_with("| Commit|")),
        "the commits section is a table"
    );
    for item in
        ["Team notified in #releases", "Staging server reachable", "Login page works on staging"]
    {
        assert!(
            text.lines().any(|l| l.contains(item) && l.contains("[x]")),
            "the manual item {item:?} is ticked in the report"
        );
    }
    assert!(!text.contains(secret), "the report never contains the .env secret");
}
