//! A saved report checked as a whole against an `allowed_signers` file: its content digest, the
//! event chain in the run store, and every signature (the `REPORT.sig` beside it and those
//! attached to the run) — each with who, which role, which key, good or why not, and the
//! `ssh-keygen -Y verify` command that checks it without Release Pilot.

use std::path::Path;

use pilot_engine::report::{read_seal, sha256_hex};
use pilot_engine::signature::{
    AllowedSigners, ChainFinding, CheckedSignature, SignatureFile, SignatureProblem, check_report,
    openssh_command,
};

use super::{read_report, signature_path};
use crate::dto::{
    ApprovalCheckDto, ChainStateDto, ReportCheckDto, SignatureCheckDto, SignatureProblemDto,
};
use crate::{ApiError, Desktop, FilePurpose};

/// Signature files larger than this are not signatures (an RSA-16384 one is about 3 KiB).
const MAX_SIG_FILE: u64 = 64 * 1024;
/// A folder holding more files than this is not looked through further for signature files.
const MAX_FILES: usize = 500;

impl Desktop {
    /// Check the report file `report` against the `allowed_signers` file.
    pub fn verify_report(
        &self,
        report: &str,
        allowed_signers: &str,
    ) -> Result<ReportCheckDto, ApiError> {
        // The `.sig` files read beside the report below come with it: the app looks for them
        // by the report's own name and folder, and only parses them as signatures.
        self.grants.saved_report(report)?;
        self.grants.file(allowed_signers, FilePurpose::AllowedSigners, None)?;
        let bytes = read_report(report)?;
        let allowed = AllowedSigners::load(Path::new(allowed_signers))?;
        let beside = signature_path(Path::new(report));
        let mut given = Vec::new();
        if let Ok(text) = std::fs::read_to_string(&beside) {
            given.push((beside.display().to_string(), text));
        }
        let check = check_report(&bytes, &allowed, &given, Some(&self.store), self.clock.now())?;
        let seal = read_seal(&String::from_utf8_lossy(&bytes));
        let attached = match &check.run_id {
            Some(id) => self.store.signatures(id).unwrap_or_default(),
            None => Vec::new(),
        };
        // Attached signatures are shown with a file that holds them, when the report's folder
        // has one (people bring signatures back beside the report).
        let files = signature_files(Path::new(report).parent());
        let signatures: Vec<SignatureCheckDto> = check
            .signatures
            .iter()
            .map(|s| {
                let armored = match s.source.strip_prefix("attached #") {
                    Some(seq) => attached
                        .iter()
                        .find(|a| seq.parse() == Ok(a.seq))
                        .map(|a| a.armored.clone()),
                    None => given.iter().find(|(src, _)| *src == s.source).map(|(_, t)| t.clone()),
                };
                let file = if s.source.starts_with("attached #") {
                    armored.as_deref().and_then(|text| file_holding(&files, text))
                } else {
                    Some(s.source.clone())
                };
                signature_dto(s, file, report, allowed_signers)
            })
            .collect();
        let (chain, chain_detail) = chain(&check.chain, check.run_id.as_deref());
        let good = check.is_good();
        let approvals: Vec<ApprovalCheckDto> = check
            .approvals
            .iter()
            .map(|a| ApprovalCheckDto {
                role: a.role.clone(),
                principals: a.principals.clone(),
                fingerprint: a.fingerprint.clone(),
                decision: a.decision.clone(),
                problem: a.problem.clone(),
            })
            .collect();
        let bad_approvals = approvals.iter().filter(|a| a.problem.is_some()).count();
        let mut summary = summary(good, check.content_intact, chain, &signatures);
        if good && !approvals.is_empty() {
            summary.push_str(&format!(
                " Its {} signed approval{} hold{}.",
                approvals.len(),
                if approvals.len() == 1 { "" } else { "s" },
                if approvals.len() == 1 { "s" } else { "" }
            ));
        } else if bad_approvals > 0 {
            let only_approvals = check.content_intact == Some(true)
                && !signatures.is_empty()
                && signatures.iter().all(|s| s.good);
            let said = format!(
                "{bad_approvals} of the run's signed approvals {} not hold (see each below).",
                if bad_approvals == 1 { "does" } else { "do" }
            );
            summary = if only_approvals {
                format!("Not verified: {said}")
            } else {
                format!("{summary} {said}")
            };
        }
        Ok(ReportCheckDto {
            good,
            summary,
            approvals,
            report: report.to_string(),
            allowed_signers: allowed_signers.to_string(),
            run_id: check.run_id.clone(),
            file_digest: sha256_hex(&bytes),
            sealed_digest: seal.as_ref().map(|s| s.content_digest.clone()),
            content_intact: check.content_intact,
            chain_head: seal
                .and_then(|s| s.chain_head)
                .map(|h| format!("event #{} sha256 {}", h.seq, h.hash)),
            chain,
            chain_detail,
            signatures,
        })
    }
}

fn signature_dto(
    s: &CheckedSignature,
    file: Option<String>,
    report: &str,
    allowed_signers: &str,
) -> SignatureCheckDto {
    let c = &s.check;
    let principal = c.principals.first().map_or("PRINCIPAL", String::as_str);
    let sig = file.as_deref().unwrap_or("SIGNATURE.sig");
    let command = openssh_command(
        c.statement,
        &quote(allowed_signers),
        &quote(principal),
        &quote(sig),
        &quote(report),
    );
    SignatureCheckDto {
        source: s.source.clone(),
        good: c.is_good(),
        principals: c.principals.clone(),
        role: c.role.clone(),
        fingerprint: c.fingerprint.clone(),
        algorithm: c.algorithm.clone(),
        problem: c.problem.as_ref().map(|p| match p {
            SignatureProblem::Unreadable { .. } => SignatureProblemDto::Unreadable,
            SignatureProblem::WrongNamespace { .. } => SignatureProblemDto::WrongNamespace,
            SignatureProblem::UnknownSigner => SignatureProblemDto::UnknownSigner,
            SignatureProblem::NamespaceNotAllowed { .. } => {
                SignatureProblemDto::NamespaceNotAllowed
            }
            SignatureProblem::Expired { .. } => SignatureProblemDto::Expired,
            SignatureProblem::Mismatch => SignatureProblemDto::Mismatch,
            SignatureProblem::Revoked => SignatureProblemDto::Revoked,
            SignatureProblem::StatementAltered => SignatureProblemDto::StatementAltered,
            SignatureProblem::OtherReport { .. } => SignatureProblemDto::OtherReport,
            SignatureProblem::UnsignedRole { .. } => SignatureProblemDto::UnsignedRole,
            SignatureProblem::UnknownRole { .. } => SignatureProblemDto::UnknownRole,
        }),
        why: c.problem.as_ref().map(ToString::to_string),
        file,
        command,
    }
}

fn chain(finding: &ChainFinding, run_id: Option<&str>) -> (ChainStateDto, String) {
    let run = run_id.unwrap_or("?");
    match finding {
        ChainFinding::Matches => (
            ChainStateDto::Matches,
            format!(
                "run {run}'s event log in the run store is whole and leads to the report's chain head"
            ),
        ),
        ChainFinding::RunNotInStore => (
            ChainStateDto::RunNotInStore,
            "the run is not in this data folder: only the report's own digest was checked".into(),
        ),
        ChainFinding::Broken { problems } => (
            ChainStateDto::Broken,
            format!("run {run}'s event log in the run store is broken: {}", problems.join("; ")),
        ),
        ChainFinding::Differs { detail } => (ChainStateDto::Differs, detail.clone()),
    }
}

fn summary(
    good: bool,
    intact: Option<bool>,
    chain: ChainStateDto,
    signatures: &[SignatureCheckDto],
) -> String {
    let bad = signatures.iter().filter(|s| !s.good).count();
    if good {
        return format!(
            "Verified: the report is unchanged and all {} signature{} are good.",
            signatures.len(),
            if signatures.len() == 1 { "" } else { "s" }
        );
    }
    match intact {
        None => "Not verified: this file is not a Release Pilot report (it has no Integrity \
                 section)."
            .into(),
        Some(false) => "Not verified: the report was changed after it was made — its content no \
                        longer matches the digest in its Integrity section."
            .into(),
        Some(true) if matches!(chain, ChainStateDto::Broken | ChainStateDto::Differs) => {
            "Not verified: the run's event log does not match the report.".into()
        }
        Some(true) if signatures.is_empty() => {
            "Not verified: no signature is attached to the run or saved beside the report. Sign \
             it, or attach the signatures people made."
                .into()
        }
        Some(true) => format!(
            "Not verified: {bad} of {} signature{} {} not good.",
            signatures.len(),
            if signatures.len() == 1 { "" } else { "s" },
            if bad == 1 { "is" } else { "are" }
        ),
    }
}

/// The signature files in `dir`, parsed, with their paths.
fn signature_files(dir: Option<&Path>) -> Vec<(String, SignatureFile)> {
    let Some(entries) = dir.and_then(|d| std::fs::read_dir(d).ok()) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .take(MAX_FILES)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sig"))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= MAX_SIG_FILE))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), SignatureFile::parse(&text).ok()?))
        })
        .collect()
}

fn file_holding(files: &[(String, SignatureFile)], armored: &str) -> Option<String> {
    let wanted = SignatureFile::parse(armored).ok()?;
    files.iter().find(|(_, f)| f.signature == wanted.signature).map(|(p, _)| p.clone())
}

/// A word for the platform's shell, quoted only when needed: single quotes for a POSIX shell,
/// double quotes for cmd.exe on Windows (where `<` redirects stdin too; PowerShell does not).
fn quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    if cfg!(windows) {
        if !word.is_empty() && word.chars().all(|c| safe(c) || c == '\\') {
            word.to_string()
        } else {
            format!("\"{}\"", word.replace('"', ""))
        }
    } else if !word.is_empty() && word.chars().all(safe) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
