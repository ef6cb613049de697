//! `pilot sign`, `pilot attach` and `pilot verify`: signed reports that stock OpenSSH verifies.

use std::path::{Path, PathBuf};

use pilot_engine::SystemClock;
use pilot_engine::signature::{
    Agent, AllowedSigners, ChainFinding, SignatureError, agent_address, attach_signature,
    check_report, read_public_key, sign_with_agent, sign_with_key_file, signature_path,
};
use pilot_engine::store::RunStore;

use crate::cli::SignArgs;
use crate::failure::{ExitCode, Failure};
use crate::output::write_text;

/// The environment variable an encrypted key's passphrase is read from (never a flag: flags
/// end up in shell history and process lists).
const PASSPHRASE_ENV: &str = "PILOT_KEY_PASSPHRASE";

pub fn sign(args: &SignArgs) -> Result<ExitCode, Failure> {
    let report = read(&args.report)?;
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

pub fn verify(
    store: Option<&RunStore>,
    report: &Path,
    allowed_signers: &Path,
    signatures: &[PathBuf],
    json: bool,
) -> Result<ExitCode, Failure> {
    let bytes = read(report)?;
    let allowed = AllowedSigners::load(allowed_signers)?;
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
    println!("{}", if check.is_good() { "Verified." } else { "NOT verified." });
    Ok(code)
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|source| Failure::Read { path: path.to_path_buf(), source })
}
