//! Release-notes files: names at the work-tree root and in `docs/` that match the configured
//! glob, with `{{version}}` replaced by the target version.

use git2::Repository;

use super::files::list_project_dir;

/// The folders searched, relative to the work tree root ("" is the root itself).
const FOLDERS: [&str; 2] = ["", "docs"];

/// Relative, `/`-separated paths of the matching files, sorted.
///
/// A pattern that needs `{{version}}` matches nothing when there is no target version: matching
/// it with an empty version would pass off every release's notes as this release's.
pub(crate) fn find_release_notes(
    repo: &Repository,
    pattern: &str,
    version: Option<&str>,
) -> Vec<String> {
    let pattern = if pattern.contains("{{version}}") {
        match version {
            Some(version) => pattern.replace("{{version}}", version),
            None => return Vec::new(),
        }
    } else {
        pattern.to_owned()
    };
    let pattern: Vec<char> = pattern.chars().collect();
    let mut found: Vec<String> = FOLDERS
        .iter()
        .flat_map(|folder| {
            list_project_dir(repo, folder)
                .into_iter()
                .filter(|name| glob_match(&pattern, &name.chars().collect::<Vec<_>>()))
                .map(move |name| if folder.is_empty() { name } else { format!("{folder}/{name}") })
        })
        .collect();
    found.sort();
    found
}

/// [`glob_match`] on strings: the rule release-notes patterns use everywhere.
pub(crate) fn glob_matches(pattern: &str, name: &str) -> bool {
    glob_match(&pattern.chars().collect::<Vec<_>>(), &name.chars().collect::<Vec<_>>())
}

/// Match `name` against a glob where `*` is any run of characters and `?` one character.
/// Iterative with one backtrack point, so a pattern with many stars stays linear-ish.
fn glob_match(pattern: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(c) if *c == '?' || *c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((star_p, star_n)) => {
                    p = star_p + 1;
                    n = star_n + 1;
                    star = Some((star_p, star_n + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    fn matches(pattern: &str, name: &str) -> bool {
        glob_match(&pattern.chars().collect::<Vec<_>>(), &name.chars().collect::<Vec<_>>())
    }

    #[test]
    fn stars_and_question_marks() {
        assert!(matches("RELEASE_NOTES*1.2.3*.md", "RELEASE_NOTES_1.2.3.md"), "stars around");
        assert!(matches("RELEASE_NOTES*1.2.3*.md", "RELEASE_NOTES-v1.2.3-final.md"), "longer");
        assert!(!matches("RELEASE_NOTES*1.2.3*.md", "RELEASE_NOTES_1.2.4.md"), "other version");
        assert!(matches("notes-?.md", "notes-a.md"), "? is one character");
        assert!(!matches("notes-?.md", "notes-ab.md"), "? is not two characters");
        assert!(matches("*", ""), "star matches nothing");
        assert!(!matches("a*b", "a"), "pattern longer than name");
        assert!(matches("*.*.*", "a.b.c"), "several stars backtrack");
    }
}
