//! The branch's upstream and how far HEAD is ahead of and behind it.

use git2::{ErrorCode, Oid, Repository};

use super::Upstream;

/// The upstream of `branch_ref` (e.g. `refs/heads/main`), with ahead/behind counts from `head`.
///
/// `None` when no upstream is configured (nothing to say) and when one is configured but its
/// remote-tracking ref is missing (never fetched, or deleted); the latter adds a warning, since
/// the user believes there is an upstream.
pub(crate) fn read_upstream(
    repo: &Repository,
    branch_ref: &str,
    head: Oid,
    warnings: &mut Vec<String>,
) -> Option<Upstream> {
    let upstream_ref = match repo.branch_upstream_name(branch_ref) {
        Ok(name) => String::from_utf8_lossy(&name).into_owned(),
        Err(error) if error.code() == ErrorCode::NotFound => return None,
        Err(error) => {
            warnings
                .push(format!("could not read the upstream of {branch_ref}: {}", error.message()));
            return None;
        }
    };
    let reference = match repo.find_reference(&upstream_ref) {
        Ok(reference) => reference,
        Err(_) => {
            warnings.push(format!(
                "the upstream {upstream_ref} of {branch_ref} does not exist: fetch from the remote"
            ));
            return None;
        }
    };
    let name = String::from_utf8_lossy(reference.shorthand_bytes()).into_owned();
    let target = match reference.peel_to_commit() {
        Ok(commit) => commit.id(),
        Err(error) => {
            warnings.push(format!("could not read the upstream {name}: {}", error.message()));
            return None;
        }
    };
    match repo.graph_ahead_behind(head, target) {
        Ok((ahead, behind)) => Some(Upstream { name, ahead, behind }),
        Err(error) => {
            warnings.push(format!("could not compare HEAD with {name}: {}", error.message()));
            None
        }
    }
}
