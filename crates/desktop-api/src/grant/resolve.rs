//! Where a path really leads, before it is compared with what the user chose.
//!
//! A path from the webview is compared only after symlinks and `..` are resolved: otherwise
//! `chosen/../elsewhere` or a link inside a chosen folder that points out of it would pass a
//! plain prefix test. The comparison is by components (`Path::starts_with`), so a chosen
//! `/home/me/app` does not cover `/home/me/app-old`.

use std::path::{Component, Path, PathBuf};

/// A path resolved for comparison.
#[derive(Debug)]
pub(crate) enum Resolved {
    /// It exists; every link and `..` resolved ([`canonical`]).
    Found(PathBuf),
    /// It does not exist (or cannot be reached): resolved as far as the text goes, so a
    /// missing file inside a chosen folder is told apart from a path nobody chose without the
    /// refusal revealing whether a file exists elsewhere.
    Missing { lexical: PathBuf },
}

/// `std::fs::canonicalize`, but on Windows without the `\\?\` prefix where the plain path
/// means the same (`dunce`), so that it compares equal to the path as the user sees it.
pub(crate) fn canonical(path: &Path) -> std::io::Result<PathBuf> {
    dunce::canonicalize(path)
}

pub(crate) fn resolve(path: &Path) -> Resolved {
    match canonical(path) {
        Ok(real) => Resolved::Found(real),
        Err(_) => Resolved::Missing { lexical: lexical(path) },
    }
}

/// `path` made absolute with `.` dropped and `..` folded into its parent, without touching the
/// file system (`std::path::absolute` keeps `..` on Unix, where a link could make it mean
/// something else; here it only names a path that does not exist).
pub(crate) fn lexical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Where a file about to be written really goes: its folder resolved (which must exist, as the
/// save dialog only offers existing folders) joined with its own name. The name is kept as it
/// is rather than resolved, because the write replaces whatever is there (the temporary file
/// is renamed over it, link or not) instead of writing through it.
pub(crate) fn destination(path: &Path) -> Option<PathBuf> {
    let name = match path.components().next_back() {
        Some(Component::Normal(name)) => name,
        _ => return None,
    };
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    canonical(folder).ok().map(|real| real.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_folds_parent_steps_and_drops_dots() {
        let root = if cfg!(windows) { r"C:\" } else { "/" };
        let given = Path::new(root).join("a").join(".").join("b").join("..").join("c");
        assert_eq!(lexical(&given), Path::new(root).join("a").join("c"), "a/./b/../c is a/c");
    }

    #[test]
    fn a_destination_needs_a_file_name_and_an_existing_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = canonical(dir.path()).expect("canonical");
        assert_eq!(
            destination(&dir.path().join("report.md")),
            Some(real.join("report.md")),
            "an existing folder and a name"
        );
        assert_eq!(destination(&dir.path().join("..")), None, "`..` is not a file name");
        assert_eq!(destination(&dir.path().join("gone").join("r.md")), None, "no such folder");
    }
}
