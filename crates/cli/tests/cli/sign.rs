//! `pilot sign`, `pilot attach`, `pilot verify` and the history filters, end to end: a
//! production plan run to GO with its roles signed off, the report signed by two people (a key
//! file and a real ssh-agent), checked by `ssh-keygen -Y verify` and by `pilot verify`, then one
//! byte flipped. And a seeded secret searched for in everything the CLI prints.

use pilot_test_openssh::{AgentProcess, keygen, openssh_accepts};

use crate::common::{Sandbox, json, text};

const SECRET: &str = "pw-Qx7Lm2Vt9Rz4";

const PLAN: &str = r#"
[plan]
name = "prod"
title = "Production release"
environment = "production"
secrets = ["db_password"]

[[plan.role]]
id = "qa"
title = "QA"

[[plan.role]]
id = "security"
title = "Security review"

[vars]
db_password = "pw-Qx7Lm2Vt9Rz4"

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "on-main"
title = "On main"
kind = "git.branch"
expect = "main"

[[phase.step]]
id = "db-reachable"
title = "Database answers"
kind = "command"
program = "git"
args = ["--version", "--db-password={{db_password}}"]
read_only = true
blocking = false

[[phase.step]]
id = "secret-key"
title = "SECRET_KEY set"
kind = "file.env_key"
path = ".env"
key = "SECRET_KEY"

[[phase]]
id = "approval"
title = "Approval"
stage = "signoff"

[[phase.step]]
id = "approvals"
title = "Approvals"
kind = "signoff"
"#;

const ANSWERS: &str = r#"
[signoff.qa]
name = "Cy Diaz <cy@example.com>"
decision = "approve"
comment = "regression suite green"

[signoff.security]
name = "Bo Chen <bo@example.com>"
decision = "approve"
"#;

#[test]
fn a_production_run_signed_by_two_keys_verifies_until_one_byte_changes() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let dir = sandbox.root.path();
    let plan = dir.join("plan.toml");
    let answers = dir.join("answers.toml");
    std::fs::write(&plan, PLAN).expect("plan");
    std::fs::write(&answers, ANSWERS).expect("answers");
    let env_value = std::fs::read_to_string(repo.join(".env"))
        .expect(".env")
        .lines()
        .find_map(|l| l.strip_prefix("SECRET_KEY=").map(str::to_string))
        .expect("the demo's SECRET_KEY");

    let run_out = sandbox.pilot(&[
        "run",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--plan",
        plan.to_str().expect("utf-8"),
        "--answers",
        answers.to_str().expect("utf-8"),
        "--operator",
        "Ada Lovelace <ada@example.com>",
        "--json",
    ]);
    let value = json(&run_out);
    assert_eq!(run_out.status.code(), Some(0), "GO exits 0: {}", text(&run_out.stderr));
    assert_eq!(value["outcome"], "go", "two roles approved: GO");
    let run_id = value["run_id"].as_str().expect("run id").to_string();

    let report = dir.join("report.md");
    let out = sandbox.pilot(&["report", &run_id, "-o", report.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "report written: {}", text(&out.stderr));

    // The secret and the env-file value reach no output.
    let inspect = sandbox.pilot(&["inspect", "--json", "--repo", repo.to_str().expect("utf-8")]);
    let runs = sandbox.pilot(&["runs", "--json"]);
    let markdown = std::fs::read_to_string(&report).expect("report");
    for (what, output) in [
        ("pilot run --json", text(&run_out.stdout) + &text(&run_out.stderr)),
        ("pilot inspect --json", text(&inspect.stdout)),
        ("pilot runs --json", text(&runs.stdout)),
        ("the report", markdown.clone()),
    ] {
        assert!(!output.contains(SECRET), "the plan secret is not in {what}");
        assert!(!output.contains(&env_value), "the env-file value is not in {what}");
    }

    // Cy signs with a key file (default output REPORT.sig), Bo through ssh-agent.
    let cy = keygen(dir, "cy", "ed25519", "");
    let bo = keygen(dir, "bo", "rsa", "");
    let agent = AgentProcess::start(dir);
    agent.add(&bo);
    let out = sandbox.pilot(&[
        "sign",
        report.to_str().expect("utf-8"),
        "--key",
        cy.private.to_str().expect("utf-8"),
        "--role",
        "qa",
    ]);
    assert_eq!(out.status.code(), Some(0), "signed with the key file: {}", text(&out.stderr));
    let cy_sig = dir.join("report.md.sig");
    assert!(cy_sig.is_file(), "the signature is written beside the report by default");
    let bo_sig = dir.join("bo.sig");
    let out = sandbox
        .command()
        .env("SSH_AUTH_SOCK", &agent.socket)
        .args(["sign", report.to_str().expect("utf-8"), "--agent", "--role", "security", "-o"])
        .arg(&bo_sig)
        .output()
        .expect("pilot sign");
    assert_eq!(out.status.code(), Some(0), "signed through the agent: {}", text(&out.stderr));

    let allowed = dir.join("allowed_signers");
    std::fs::write(
        &allowed,
        format!(
            "cy@example.com {}\nbo@example.com namespaces=\"release-pilot\" {}\n",
            cy.public_line, bo.public_line
        ),
    )
    .expect("allowed signers");
    assert!(
        openssh_accepts(&allowed, "cy@example.com", &cy_sig, &report),
        "ssh-keygen accepts Cy's signature"
    );
    assert!(
        openssh_accepts(&allowed, "bo@example.com", &bo_sig, &report),
        "ssh-keygen accepts Bo's signature"
    );

    for sig in [&cy_sig, &bo_sig] {
        let out = sandbox.pilot(&["attach", &run_id, sig.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(0), "attached: {}", text(&out.stderr));
    }
    let out = sandbox.pilot(&[
        "verify",
        report.to_str().expect("utf-8"),
        "--allowed-signers",
        allowed.to_str().expect("utf-8"),
    ]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "pilot verify accepts the report: {said}");
    assert!(
        said.contains("good, signer cy@example.com, role qa"),
        "it names Cy and her role: {said}"
    );
    assert!(said.contains("good, signer bo@example.com, role security"), "and Bo and his: {said}");
    assert!(said.contains("attached #2"), "the attached signatures are checked: {said}");

    // One byte flipped: both refuse.
    let mut bytes = markdown.into_bytes();
    let at = bytes.len() / 3;
    bytes[at] ^= 0x01;
    std::fs::write(&report, &bytes).expect("tampered");
    assert!(
        !openssh_accepts(&allowed, "cy@example.com", &cy_sig, &report),
        "ssh-keygen refuses Cy's now"
    );
    assert!(!openssh_accepts(&allowed, "bo@example.com", &bo_sig, &report), "and Bo's");
    let out = sandbox.pilot(&[
        "verify",
        report.to_str().expect("utf-8"),
        "--allowed-signers",
        allowed.to_str().expect("utf-8"),
    ]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "pilot verify refuses it: {said}");
    assert!(said.contains("CHANGED"), "the content digest says it changed: {said}");

    // The history finds the run by outcome, version and person.
    for (args, found) in [
        (vec!["--outcome", "go"], true),
        (vec!["--outcome", "no-go"], false),
        (vec!["--version", "v1.15.2"], true),
        (vec!["--person", "CY@EXAMPLE"], true),
        (vec!["--person", "ada lovelace"], true),
        (vec!["--person", "nobody"], false),
    ] {
        let mut all = vec!["runs", "--json"];
        all.extend(args.iter().copied());
        let listed = json(&sandbox.pilot(&all));
        let ids: Vec<&str> =
            listed.as_array().expect("list").iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(ids.contains(&run_id.as_str()), found, "pilot runs {args:?}");
    }
}

#[test]
fn signing_and_attaching_refuse_with_clear_answers() {
    let sandbox = Sandbox::new();
    let dir = sandbox.root.path();
    let report = dir.join("report.md");
    std::fs::write(&report, "# a report\n").expect("report");

    let locked = keygen(dir, "locked", "ed25519", "secret words");
    let out = sandbox.pilot(&[
        "sign",
        report.to_str().expect("utf-8"),
        "--key",
        locked.private.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2), "an encrypted key without its passphrase is bad input");
    assert!(
        text(&out.stderr).contains("needs its passphrase"),
        "and says so: {}",
        text(&out.stderr)
    );
    let out = sandbox
        .command()
        .env("PILOT_KEY_PASSPHRASE", "secret words")
        .args([
            "sign",
            report.to_str().expect("utf-8"),
            "--key",
            locked.private.to_str().expect("utf-8"),
        ])
        .output()
        .expect("pilot sign");
    assert_eq!(out.status.code(), Some(0), "with the passphrase it signs: {}", text(&out.stderr));

    let out = sandbox.pilot(&[
        "sign",
        report.to_str().expect("utf-8"),
        "--key",
        dir.join("missing").to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2), "a missing key is bad input");
    assert!(text(&out.stderr).contains("missing"), "named: {}", text(&out.stderr));

    let out = sandbox
        .command()
        .env_remove("SSH_AUTH_SOCK")
        .args(["sign", report.to_str().expect("utf-8"), "--agent"])
        .output()
        .expect("pilot sign");
    assert_eq!(out.status.code(), Some(2), "no agent is bad input");
    assert!(
        text(&out.stderr).contains("ssh-agent"),
        "and says to start one: {}",
        text(&out.stderr)
    );

    // A signature over another file cannot be attached to a run.
    let repo = sandbox.demo("project");
    let plan = dir.join("plan.toml");
    std::fs::write(&plan, PLAN).expect("plan");
    let out = sandbox.pilot(&[
        "run",
        "--json",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--plan",
        plan.to_str().expect("utf-8"),
    ]);
    let run_id = json(&out)["run_id"].as_str().expect("run id").to_string();
    let out =
        sandbox.pilot(&["attach", &run_id, dir.join("report.md.sig").to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "refused");
    assert!(
        text(&out.stderr).contains("another version of the report"),
        "with why: {}",
        text(&out.stderr)
    );
}

/// Issue 15, case 5: the role is inside the signed bytes. An edited role breaks the signature
/// (for `ssh-keygen` too), a role the plan lacks is refused when signing and when attaching,
/// one signature is attached once, an older file's unsigned `Role:` line is never shown as a
/// role, and an ECDSA key is named as unsupported.
#[test]
fn the_role_is_signed_checked_against_the_plan_and_attached_once() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let dir = sandbox.root.path();
    let (plan, answers) = (dir.join("plan.toml"), dir.join("answers.toml"));
    std::fs::write(&plan, PLAN).expect("plan");
    std::fs::write(&answers, ANSWERS).expect("answers");
    let path = |p: &std::path::Path| p.to_str().expect("utf-8").to_string();
    let out = sandbox.pilot(&[
        "run",
        "--json",
        "--repo",
        &path(&repo),
        "--plan",
        &path(&plan),
        "--answers",
        &path(&answers),
        "--operator",
        "Ada <ada@example.com>",
    ]);
    let run_id = json(&out)["run_id"].as_str().expect("run id").to_string();
    let report = dir.join("report.md");
    sandbox.pilot(&["report", &run_id, "-o", &path(&report)]);
    let cy = keygen(dir, "cy", "ed25519", "");
    let allowed = dir.join("allowed_signers");
    std::fs::write(&allowed, format!("cy@example.com {}\n", cy.public_line)).expect("allowed");
    let verify = |sig: &std::path::Path| {
        let out = sandbox.pilot(&[
            "verify",
            &path(&report),
            "--allowed-signers",
            &path(&allowed),
            "--signature",
            &path(sig),
        ]);
        (out.status.code(), text(&out.stdout))
    };

    // A role the plan does not have is refused before anything is written.
    let out =
        sandbox.pilot(&["sign", &path(&report), "--key", &path(&cy.private), "--role", "cfo"]);
    assert_eq!(out.status.code(), Some(2), "refused: {}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("has no role \"cfo\" (its roles: qa, security)"),
        "names the plan's roles: {}",
        text(&out.stderr)
    );
    assert!(!dir.join("report.md.sig").exists(), "no signature was written");

    let out = sandbox.pilot(&["sign", &path(&report), "--key", &path(&cy.private), "--role", "qa"]);
    assert_eq!(out.status.code(), Some(0), "signed for qa: {}", text(&out.stderr));
    let sig = dir.join("report.md.sig");
    let signed = std::fs::read_to_string(&sig).expect("signature");
    assert!(signed.contains("\nrole: qa\n"), "the statement names the role: {signed}");
    assert!(openssh_accepts(&allowed, "cy@example.com", &sig, &report), "ssh-keygen accepts it");
    let (code, said) = verify(&sig);
    assert_eq!(code, Some(0), "good: {said}");
    assert!(said.contains("good, signer cy@example.com, role qa"), "{said}");

    // The role edited: OpenSSH and pilot both refuse it.
    let edited = dir.join("edited.sig");
    std::fs::write(&edited, signed.replace("\nrole: qa\n", "\nrole: security\n")).expect("edit");
    assert!(
        !openssh_accepts(&allowed, "cy@example.com", &edited, &report),
        "ssh-keygen refuses the edited role"
    );
    let (code, said) = verify(&edited);
    assert_eq!(code, Some(1), "refused: {said}");
    assert!(said.contains("statement after the signature was changed"), "{said}");
    assert!(!said.contains("role security"), "the edited role is never shown as good: {said}");

    // Attached once; the same signature (or the same key for the same role) again is refused.
    let out = sandbox.pilot(&["attach", &run_id, &path(&sig)]);
    assert_eq!(out.status.code(), Some(0), "attached: {}", text(&out.stderr));
    let copy = dir.join("copy.sig");
    std::fs::copy(&sig, &copy).expect("copied");
    let out = sandbox.pilot(&["attach", &run_id, &path(&copy)]);
    assert_eq!(out.status.code(), Some(2), "a second attach is refused");
    assert!(text(&out.stderr).contains("already attached"), "{}", text(&out.stderr));
    let out = sandbox.pilot(&["attach", &run_id, &path(&edited)]);
    assert_eq!(out.status.code(), Some(2), "an edited statement cannot be attached");
    assert!(text(&out.stderr).contains("was changed after it was signed"), "{}", text(&out.stderr));

    // An older signature over the report itself, with a Role: line: the role is not covered.
    let same_bytes = dir.join("legacy.md");
    std::fs::copy(&report, &same_bytes).expect("copied");
    let legacy = pilot_test_openssh::openssh_sign(&cy, "release-pilot", &same_bytes);
    let mut old = std::fs::read_to_string(&legacy).expect("legacy signature");
    old.push_str("Role: security\n");
    std::fs::write(&legacy, old).expect("role line added");
    let (code, said) = verify(&legacy);
    assert_eq!(code, Some(1), "refused: {said}");
    assert!(said.contains("is not covered by the signature"), "{said}");

    // A report whose line endings a Windows checkout changed is named as such.
    let crlf = dir.join("crlf.md");
    let lf = std::fs::read_to_string(&report).expect("report");
    std::fs::write(&crlf, lf.replace('\n', "\r\n")).expect("crlf copy");
    let out = sandbox.pilot(&["verify", &path(&crlf), "--allowed-signers", &path(&allowed)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("line endings were changed to CRLF"),
        "{}",
        text(&out.stdout)
    );

    // ECDSA keys are named as unsupported, not "not a key".
    let ecdsa = keygen(dir, "ec", "ecdsa", "");
    let out = sandbox.pilot(&[
        "sign",
        &path(&report),
        "--key",
        &path(&ecdsa.private),
        "-o",
        &path(&dir.join("ec.sig")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("ecdsa-sha2-nistp256 keys cannot sign reports here"),
        "{}",
        text(&out.stderr)
    );
}
