//! Signed approvals (issue 16, first part): a decision signed with the approver's own key over
//! a statement naming the run, plan, commit, version, environment, role, decision, comment,
//! time and the evidence seen; verified by stock `ssh-keygen` and by Release Pilot, and
//! refused — naming the field — when it is tampered with, replayed on another run, signed by a
//! key nobody allowed, or brought after the evidence changed.

use chrono::{Duration, Utc};
use pilot_engine::report::report;
use pilot_engine::signature::{
    AllowedSigners, Approval, ApprovalProblem, SignedApproval, SignoffRequest,
    sign_message_with_key_file, verify_approval,
};
use pilot_engine::signoff::Decision;
use pilot_test_openssh::openssh_accepts;

use super::flow::{Fixture, PROD_LIKE, prod_like_answers};
use super::keys::keygen;

#[test]
fn an_approval_signed_by_its_approver_verifies_and_every_tampering_names_its_field() {
    let f = Fixture::new();
    let run = f.run_to_end(PROD_LIKE, &prod_like_answers());
    let other = f.run_to_end(PROD_LIKE, &prod_like_answers());
    let dir = tempfile::tempdir().expect("temp dir");
    let qa = keygen(dir.path(), "qa", "ed25519", "");
    let stranger = keygen(dir.path(), "stranger", "ed25519", "");
    let allowed_path = dir.path().join("allowed_signers");
    let allowed_text =
        format!("qa@example.com namespaces=\"git,release-pilot\" {}\n", qa.public_line);
    std::fs::write(&allowed_path, &allowed_text).expect("allowed_signers");
    let allowed = AllowedSigners::parse(&allowed_text, &allowed_path);

    let sign = |approval: &Approval, key: &std::path::Path| {
        let signature =
            sign_message_with_key_file(approval.to_text().as_bytes(), key, None).expect("signed");
        SignedApproval { signature, approval: approval.clone() }.to_text().expect("armored")
    };
    let roles = [("qa".to_string(), "QA".to_string())];
    let request = SignoffRequest::for_run(&run, &report(&run), &roles, Utc::now());
    let other_request = SignoffRequest::for_run(&other, &report(&other), &roles, Utc::now());
    let approval = Approval::from_request(
        &request,
        "qa",
        Decision::Approve,
        "regression suite green\nall 412",
        Utc::now(),
    );
    let text = sign(&approval, &qa.private);

    // Good, for Release Pilot and for stock OpenSSH (the statement after the block).
    let good = verify_approval(&text, &allowed, &request, Utc::now()).expect("a good approval");
    assert_eq!(good.principals, ["qa@example.com"], "the signer comes from allowed_signers");
    assert_eq!(good.approval.comment, "regression suite green\nall 412", "the comment survives");
    let file = dir.path().join("qa.approval");
    std::fs::write(&file, &text).expect("written");
    let statement = dir.path().join("statement");
    std::fs::write(&statement, approval.to_text()).expect("statement");
    assert!(
        openssh_accepts(&allowed_path, "qa@example.com", &file, &statement),
        "ssh-keygen -Y verify accepts the approval's statement"
    );

    // The decision edited after signing.
    let edited = text.replace("decision: approve", "decision: reject");
    assert_eq!(
        verify_approval(&edited, &allowed, &request, Utc::now()),
        Err(ApprovalProblem::Altered),
        "an edited decision breaks the signature"
    );
    // Replayed on another run: the run field differs.
    match verify_approval(&text, &allowed, &other_request, Utc::now()) {
        Err(ApprovalProblem::Differs(d)) => assert_eq!(d.field, "run", "{d}"),
        wrong => panic!("a replayed approval is refused: {wrong:?}"),
    }
    // Signed by a key nobody allowed.
    assert_eq!(
        verify_approval(&sign(&approval, &stranger.private), &allowed, &request, Utc::now()),
        Err(ApprovalProblem::UnknownSigner)
    );
    // Signed before, brought after its key expired.
    let expiring = format!(
        "qa@example.com valid-before=\"{}\" {}\n",
        (Utc::now() - Duration::days(1)).format("%Y%m%dZ"),
        qa.public_line
    );
    let expired = AllowedSigners::parse(&expiring, &allowed_path);
    assert!(
        matches!(
            verify_approval(&text, &expired, &request, Utc::now()),
            Err(ApprovalProblem::NotValidNow(..))
        ),
        "an expired key is refused"
    );
    // The evidence changed since the approver read it: another statement about the same run,
    // made when its report read differently.
    let mut stale = approval.clone();
    stale.evidence_sha256 = "0".repeat(64);
    match verify_approval(&sign(&stale, &qa.private), &allowed, &request, Utc::now()) {
        Err(ApprovalProblem::Differs(d)) => {
            assert!(d.field.starts_with("evidence"), "the evidence field is named: {d}")
        }
        wrong => panic!("stale evidence is refused: {wrong:?}"),
    }
    // A statement with a line Release Pilot does not write is not an approval.
    let extra = text.replace("\nat: ", "\nnote: x\nat: ");
    assert!(matches!(
        verify_approval(&extra, &allowed, &request, Utc::now()),
        Err(ApprovalProblem::Unreadable(_))
    ));
    // A role the request does not ask for.
    let mut security = approval.clone();
    security.role = "security".into();
    assert_eq!(
        verify_approval(&sign(&security, &qa.private), &allowed, &request, Utc::now()),
        Err(ApprovalProblem::RoleNotAsked("security".into()))
    );
    // The request survives its text and its one-file bundle; a bundle whose report was
    // edited is refused.
    assert_eq!(SignoffRequest::parse(&request.to_text()), Ok(request.clone()));
    let bundle = request.bundle(&report(&run));
    assert_eq!(SignoffRequest::unbundle(&bundle).map(|(r, _)| r), Ok(request.clone()));
    let edited = bundle.replacen("Verdict", "Verdikt", 1);
    assert!(SignoffRequest::unbundle(&edited).is_err(), "an edited report is refused");
}
