//! Signing a saved report on this workstation (a key file, or a key the ssh-agent holds),
//! writing `REPORT.sig` beside it and attaching the signature to the run; and attaching a
//! signature file someone else made on theirs.

use std::path::Path;

use pilot_engine::repo::git_identity;
use pilot_engine::signature::{
    Agent, PublicKey, SignatureError, SignatureFile, attach_signature, sign_with_agent,
    sign_with_key_file,
};
use pilot_engine::store::AttachedSignature;
use pilot_engine::write::write_file_atomically;

use super::{SigningPlaces, read_report, signature_path, this_runs_report};
use crate::dto::{AttachedSignatureDto, SignRequestDto, SignWithDto, SignedReportDto};
use crate::{ApiError, Desktop, ErrorKind, FilePurpose};

impl Desktop {
    /// Sign the saved report `request.report` of run `run_id`, attach the signature to the
    /// run, and write it beside the report as `REPORT.sig`.
    ///
    /// The signature is attached before the file is written: attaching checks that it signs
    /// the run's report as it stands, so a stale export is refused before anything is written.
    pub fn sign_report(
        &self,
        run_id: &str,
        request: &SignRequestDto,
        places: &SigningPlaces,
    ) -> Result<SignedReportDto, ApiError> {
        // The report is one the user saved with Save as…, which is also what lets the app write
        // its signature beside it; the key is one they chose or picked from their ~/.ssh list.
        self.grants.saved_report(&request.report)?;
        if let SignWithDto::KeyFile(key) = &request.with {
            self.grants.file(key, FilePurpose::SigningKey, places.ssh_dir.as_deref())?;
        }
        let bytes = read_report(&request.report)?;
        this_runs_report(&request.report, &bytes, run_id)?;
        let role = self.plan_role(run_id, request.role.as_deref())?;
        let file = match &request.with {
            SignWithDto::KeyFile(key) => {
                sign_with_key_file(&bytes, Path::new(key), None, role.as_deref())?
            }
            SignWithDto::Agent(public_key) => {
                let wanted = PublicKey::from_openssh(public_key.trim()).map_err(|e| {
                    ApiError::new(
                        ErrorKind::Signature,
                        format!(
                            "the agent key to sign with is not an OpenSSH public key ({e}): \
                             choose it again from the agent's list"
                        ),
                    )
                })?;
                let address = places.agent.as_deref().ok_or(SignatureError::NoAgent)?;
                let mut agent = Agent::connect(address)?;
                sign_with_agent(&bytes, &mut agent, Some(&wanted), role.as_deref())?
            }
        };
        let text = file.to_text()?;
        let sig_path = signature_path(Path::new(&request.report));
        let attached = self.attach_once(run_id, &sig_path.display().to_string(), &text)?;
        write_file_atomically(&sig_path, text.as_bytes()).map_err(|e| {
            ApiError::new(
                ErrorKind::Io,
                format!(
                    "the signature is attached to the run, but {} could not be written: {e}. \
                     Save the report into a folder you may write to and sign it there",
                    sig_path.display()
                ),
            )
        })?;
        Ok(SignedReportDto {
            signature_path: sig_path.display().to_string(),
            attached: (&attached).into(),
        })
    }

    /// Attach the signature file at `path` (made with `pilot sign` or `ssh-keygen -Y sign` on
    /// another workstation) to run `run_id`.
    pub fn attach_signature(
        &self,
        run_id: &str,
        path: &str,
    ) -> Result<AttachedSignatureDto, ApiError> {
        self.grants.file(path, FilePurpose::Signature, None)?;
        let bytes = std::fs::read(path).map_err(|e| {
            ApiError::new(
                ErrorKind::Io,
                format!(
                    "could not read the signature file {path}: {e}. Choose the .sig file again"
                ),
            )
        })?;
        let text = String::from_utf8_lossy(&bytes);
        Ok((&self.attach_once(run_id, path, &text)?).into())
    }

    /// Attach `text`, unless the run already holds this very signature (signing twice, or
    /// attaching the file just written): the store keeps every attachment, and a duplicate
    /// would be listed and checked twice.
    fn attach_once(
        &self,
        run_id: &str,
        source: &str,
        text: &str,
    ) -> Result<AttachedSignature, ApiError> {
        if let Ok(file) = SignatureFile::parse(text) {
            let held = self.store.signatures(run_id)?;
            if let Some(same) = held.into_iter().find(|a| {
                SignatureFile::parse(&a.armored).is_ok_and(|f| f.signature == file.signature)
            }) {
                return Ok(same);
            }
        }
        let by = git_identity(None).unwrap_or_default();
        Ok(attach_signature(&self.store, self.clock.as_ref(), run_id, source, text, &by)?)
    }

    /// `role` checked against the run's plan (blank: none). A role outside the plan would sign
    /// for nobody the sign-off matrix knows.
    fn plan_role(&self, run_id: &str, role: Option<&str>) -> Result<Option<String>, ApiError> {
        let Some(role) = role.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
        let run = self.store.load_run(run_id)?;
        let roles = &run.header.plan.plan.roles;
        if roles.iter().any(|r| r.id == role) {
            return Ok(Some(role.to_string()));
        }
        let known: Vec<&str> = roles.iter().map(|r| r.id.as_str()).collect();
        Err(ApiError::new(
            ErrorKind::Refused,
            format!(
                "the plan of run {run_id} has no role {role:?}; its roles are: {}",
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ),
        ))
    }
}
