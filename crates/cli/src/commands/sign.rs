//! `pilot sign`, `pilot attach` and `pilot verify`: signed reports that stock OpenSSH verifies.

use std::path::{Path, PathBuf};

use pilot_engine::SystemClock;
use pilot_engine::report::read_seal;
use pilot_engine::signature::{
    Agent, AllowedSigners, ChainFinding, RevokedKeys, SignatureError, agent_address,
    attach_signature, check_report, read_public_key, sign_with_agent, sign_with_key_file,
    signature_path,
};
use pilot_engine::store::RunStore;

use crate::cli::SignArgs;
use crate::failure::{ExitCode, Failure};
use crate::output::write_text;

/// The environment variable an encrypted key's passphrase is read from (never a flag: flags
/// end up in shell history and process lists).
const PASSPHRASE_ENV: &str = "PILOT_KEY_PASSPHRASE";

pub fn sign(store: Option<&RunStore>, args: &SignArgs) -> Result<ExitCode, Failure> {
    let report = read(&args.report)?;
    if let Some(role) = args.role.as_deref() {
        check_role(store, &args.report, &report, role)?;
    }
    let file = if args.agent {
        let address = agent_address(std::env::var("SSH_AUTH_SOCK").ok().as_deref())
            .ok_or(SignatureError::NoAgent)?;
        let mut agent = Agent::connect(&address)?;
        let wanted = args.key.as_deref().map(read_public_key).transpose()?;
        sign_with_agent(&report, &mut agent, wanted.as_ref(), args.role.as_deref())?
    } else {
        let key = args.key.as_deref().ok_or(SignatureError::NoAgent)?;
        let passphrase = std::env::var(PASSPHRASE_ENV).ok();
        sign_with_key_file(&report, key, passphrase.as_deref(), args.role.as_deref())?
    };
    let output = args.output.clone().unwrap_or_else(|| signature_path(&args.report));
    write_text(Some(&output), &file.to_text()?)?;
    eprintln!("Signature written to {}", output.display());
    Ok(ExitCode::Go)
}

/// A role signed for must be one of the run's plan; the run must be here to tell.
fn check_role(
    store: Option<&RunStore>,
    path: &Path,
    report: &[u8],
    role: &str,
) -> Result<(), Failure> {
    let refuse = |why: String| Failure::Refused { why };
    let Some(seal) = read_seal(&String::from_utf8_lossy(report)) else {
        return Err(refuse(format!(
            "{} is not a Release Pilot report (it has no Integrity section), so it has no \
             sign-off roles: sign it without --role",
            path.display()
        )));
    };
    let run = store.map(|s| s.load_run(&seal.run_id)).transpose();
    let Ok(Some(run)) = run else {
        return Err(refuse(format!(
            "run {} is not in this data folder, so the role {role:?} cannot be checked against its \
             plan: sign on the machine that holds the run (or pass its --data-dir)",
            seal.run_id
        )));
    };
    let roles: Vec<&str> = run.header.plan.plan.roles.iter().map(|r| r.id.as_str()).collect();
    if roles.contains(&role) {
        return Ok(());
    }
    Err(refuse(format!(
        "the plan of run {} has no role {role:?} (its roles: {}); sign with --role and one of them",
        seal.run_id,
        if roles.is_empty() { "none".to_string() } else { roles.join(", ") }
    )))
}

pub fn attach(
    store: &RunStore,
    run_id: &str,
    signature: &Path,
    by: Option<&str>,
) -> Result<ExitCode, Failure> {
    let text = String::from_utf8_lossy(&read(signature)?).into_owned();
    let source = signature.display().to_string();
    let attached =
        attach_signature(store, &SystemClock, run_id, &source, &text, by.unwrap_or_default())?;
    println!(
        "Attached to run {run_id}: signature #{} by {} key {}{}",
        attached.seq,
        attached.algorithm,
        attached.fingerprint,
        attached.role.map(|r| format!(" (role {r})")).unwrap_or_default()
    );
    Ok(ExitCode::Go)
}

/// Who may sign: the allowed-signers file and, when given, the revoked keys.
pub struct Trust<'a> {
    pub allowed_signers: &'a Path,
    pub revoked: Option<&'a Path>,
}

pub fn verify(
    store: Option<&RunStore>,
    report: &Path,
    trust: Trust<'_>,
    signatures: &[PathBuf],
    json: bool,
) -> Result<ExitCode, Failure> {
    let bytes = read(report)?;
    let mut allowed = AllowedSigners::load(trust.allowed_signers)?;
    if let Some(revoked) = trust.revoked {
        allowed = allowed.with_revoked(RevokedKeys::load(revoked)?);
    }
    // Lines ssh-keygen would skip are skipped here too, and named.
    for p in &allowed.problems {
        eprintln!(
            "warning: {}, line {}: {} (the line is ignored, as ssh-keygen ignores it)",
            trust.allowed_signers.display(),
            p.line,
            p.detail
        );
    }
    let mut files = signatures.to_vec();
    let default = signature_path(report);
    if files.is_empty() && default.exists() {
        files.push(default);
    }
    let mut given = Vec::new();
    for f in &files {
        given.push((f.display().to_string(), String::from_utf8_lossy(&read(f)?).into_owned()));
    }
    let check = check_report(&bytes, &allowed, &given, store, chrono::Utc::now())?;
    let code = if check.is_good() { ExitCode::Go } else { ExitCode::NoGo };
    if json {
        let mut value = serde_json::to_value(&check).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.insert("good".into(), check.is_good().into());
        }
        println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        return Ok(code);
    }
    match check.content_intact {
        _ if check.line_endings_changed => println!(
            "✘ content: its line endings were changed to CRLF (Windows) after it was written; \
             the text is otherwise intact. Restore LF line endings (e.g. dos2unix, or check it out \
             with git config core.autocrlf false) and verify again"
        ),
        Some(true) => println!("✔ content: matches its digest"),
        Some(false) => println!(
            "✘ content: CHANGED — the report no longer matches the digest in its Integrity section"
        ),
        None => {
            println!("✘ content: no Integrity section — not a Release Pilot report, or cut short")
        }
    }
    match &check.chain {
        ChainFinding::Matches => println!(
            "✔ event log: run {}'s log in the store leads to the report's chain head",
            check.run_id.as_deref().unwrap_or("?")
        ),
        ChainFinding::RunNotInStore => {
            println!("- event log: the run is not in this data folder; not compared")
        }
        ChainFinding::Broken { problems } => {
            println!("✘ event log: the run's log in the store is broken: {}", problems.join("; "))
        }
        ChainFinding::Differs { detail } => println!("✘ event log: {detail}"),
    }
    if check.signatures.is_empty() {
        println!("✘ signatures: none given or attached (sign with `pilot sign`)");
    }
    for s in &check.signatures {
        let c = &s.check;
        let who =
            if c.principals.is_empty() { "unknown".to_string() } else { c.principals.join(", ") };
        let role = c.role.as_deref().map(|r| format!(", role {r}")).unwrap_or_default();
        let key = format!(
            "{} key {}",
            c.algorithm.as_deref().unwrap_or("?"),
            c.fingerprint.as_deref().unwrap_or("?")
        );
        match &c.problem {
            None => println!("✔ signature {}: good, signer {who}{role} ({key})", s.source),
            Some(p) => println!("✘ signature {}: BAD — {p} (signer {who}{role}, {key})", s.source),
        }
    }
    for a in &check.approvals {
        let who = a.principals.join(", ");
        match &a.problem {
            None => println!(
                "✔ approval: {who} signed {} for {} ({})",
                a.decision, a.role, a.fingerprint
            ),
            Some(p) => println!(
                "✘ approval: {who}'s {} for {} does NOT hold — {p} ({})",
                a.decision, a.role, a.fingerprint
            ),
        }
    }
    println!("{}", if check.is_good() { "Verified." } else { "NOT verified." });
    Ok(code)
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|source| Failure::Read { path: path.to_path_buf(), source })
}
