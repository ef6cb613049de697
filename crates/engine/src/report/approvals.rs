//! "Approvals": every signed decision of the run with its principal, key fingerprint, role,
//! decision and time, and one stock `ssh-keygen -Y verify` command per approval over the file
//! it names. [`approval_files`] gives those files (`approvals-<run>/<n>-<role>.sig`, the signed
//! approval exactly as received), which `pilot report -o` writes beside the report.

use std::fmt::Write as _;

use super::format;
use super::markdown::{code, code_cell, table_head, table_row, text};
use super::view::RunView;
use crate::record::Run;
use crate::signoff::{self, Signoff};

/// The folder, beside the report, that holds a run's approval files.
pub fn approvals_dir(run: &Run) -> String {
    format!("approvals-{}", run.header.id)
}

/// The signed decisions of the run, in the order they were recorded.
fn signed(run: &Run) -> Vec<Signoff> {
    signoff::signoffs_in(&run.header.plan, &run.steps)
        .into_iter()
        .filter(|s| s.signed.is_some())
        .collect()
}

/// Each approval file as (path relative to the report, its text).
pub fn approval_files(run: &Run) -> Vec<(String, String)> {
    let dir = approvals_dir(run);
    signed(run)
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let by = s.signed.as_ref()?;
            let role: String = s
                .role
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
                .collect();
            Some((format!("{dir}/{}-{role}.sig", i + 1), by.file.clone()))
        })
        .collect()
}

/// The section, after "Sign-off"; nothing when no decision was signed.
pub(crate) fn approvals(out: &mut String, view: &RunView<'_>) {
    let run = view.run;
    let Some(rule) = run.header.plan.plan.signoff.as_ref() else { return };
    let given = signed(run);
    out.push_str("### Approvals\n\n");
    if given.is_empty() {
        out.push_str("No signed approval has been recorded for this run.\n\n");
        return;
    }
    let titles = |id: &str| {
        run.header
            .plan
            .plan
            .roles
            .iter()
            .find(|r| r.id == id)
            .map_or(id.to_string(), |r| r.title.clone())
    };
    table_head(out, &["Role", "Principal", "Key", "Decision", "Signed at"]);
    for s in &given {
        let by = s.signed.as_ref().expect("only signed decisions");
        table_row(
            out,
            &[
                text(&titles(&s.role)),
                text(&by.principals.join(", ")),
                code_cell(&by.fingerprint),
                s.decision.word().to_string(),
                format::time(s.at),
            ],
        );
    }
    let commit = run.header.facts.head.as_ref().map_or("HEAD".to_string(), |c| c.id.clone());
    let path = rule.allowed_signers.trim_start_matches("./");
    let _ = writeln!(
        out,
        "\nEach approval is an SSH signature made with the approver's own key over a statement \
         naming this run, its plan, commit, version and environment, the role, the decision and \
         the SHA-256 of the report the approver read. Check them with stock OpenSSH: take the \
         allowed signers as of the released commit ({}), and the approval files {} writes \
         beside the report into {}:\n",
        code(&format!("git show {commit}:{path} > allowed_signers")),
        code(&format!("pilot report {} -o report.md", run.header.id)),
        code(&format!("{}/", approvals_dir(run)))
    );
    out.push_str("```sh\n");
    for ((file, _), s) in approval_files(run).iter().zip(&given) {
        let by = s.signed.as_ref().expect("only signed decisions");
        let principal = by.principals.first().map_or("", String::as_str).replace('\'', "'\\''");
        let _ = writeln!(
            out,
            "sed '1,/^-----END SSH SIGNATURE-----$/d' {file} | ssh-keygen -Y verify -f \
             allowed_signers -I '{principal}' -n release-pilot -Overify-time={} -s {file}",
            s.at.format("%Y%m%d%H%M%SZ")
        );
    }
    out.push_str("```\n\n");
}
