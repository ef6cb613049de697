//! The demo's history: commits by three people over three months, four releases, and one
//! commit that has not been pushed yet.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use git2::{IndexAddOption, Oid, Repository, Signature, Time};

use super::DemoError;
use super::files;

const ADA: (&str, &str) = ("Ada Lovelace", "ada@example.com");
const GRACE: (&str, &str) = ("Grace Hopper", "grace@example.com");
const ALAN: (&str, &str) = ("Alan Turing", "alan@example.com");

/// How a commit is tagged.
enum Tag {
    None,
    Annotated(&'static str),
    Lightweight(&'static str),
    /// A release tag plus a non-semver deployment marker.
    AnnotatedAndMarker(&'static str, &'static str),
}

/// (hours before now, author, summary, files written, tag)
type Step = (i64, (&'static str, &'static str), &'static str, Vec<(&'static str, String)>, Tag);

fn steps() -> Vec<Step> {
    use files::*;
    vec![
        (
            95 * 24,
            ADA,
            "Initial project layout",
            vec![
                ("README.md", readme()),
                (".gitignore", gitignore()),
                ("requirements.txt", requirements(1)),
                ("src/app.py", app_py(1)),
                ("src/models.py", models_py()),
            ],
            Tag::None,
        ),
        (
            90 * 24,
            GRACE,
            "Add student CRUD endpoints",
            vec![("src/students.py", students_py(1))],
            Tag::None,
        ),
        (84 * 24, ALAN, "Add course enrollment", vec![("src/courses.py", courses_py())], Tag::None),
        (
            80 * 24,
            ADA,
            "Release 1.14.0",
            vec![("VERSION", "1.14.0\n".into()), ("CHANGELOG.md", changelog(1))],
            Tag::Annotated("v1.14.0"),
        ),
        (
            70 * 24,
            GRACE,
            "Add audit log for grade changes",
            vec![("src/audit.py", audit_py())],
            Tag::None,
        ),
        (
            60 * 24,
            ALAN,
            "Fix grade rounding for weighted courses",
            vec![("src/courses.py", courses_py() + GRADE_FIX)],
            Tag::None,
        ),
        (
            55 * 24,
            ADA,
            "Release 1.15.0",
            vec![("VERSION", "1.15.0\n".into()), ("CHANGELOG.md", changelog(2))],
            Tag::AnnotatedAndMarker("v1.15.0", "deploy-staging"),
        ),
        (
            40 * 24,
            GRACE,
            "Fix login redirect loop after session expiry",
            vec![("src/app.py", app_py(2))],
            Tag::None,
        ),
        (
            35 * 24,
            ADA,
            "Release 1.15.1",
            vec![("VERSION", "1.15.1\n".into()), ("CHANGELOG.md", changelog(3))],
            Tag::Lightweight("v1.15.1"),
        ),
        (
            20 * 24,
            ADA,
            "Add E2E monitoring scripts",
            vec![("scripts/e2e_metrics_collector.py", metrics_collector())],
            Tag::None,
        ),
        (
            14 * 24,
            ALAN,
            "Speed up the student list (index on email, paging)",
            vec![("src/students.py", students_py(2)), ("requirements.txt", requirements(2))],
            Tag::None,
        ),
        (
            9 * 24,
            GRACE,
            "Add request ID to API responses",
            vec![("src/app.py", app_py(3))],
            Tag::None,
        ),
        (
            5 * 24,
            ADA,
            "Add the release plan for Release Pilot",
            vec![(super::DEMO_PLAN_PATH, demo_plan()), ("docs/DEPLOYMENT.md", deployment_doc())],
            Tag::None,
        ),
        (
            2 * 24,
            ADA,
            "Prepare release 1.15.2",
            vec![
                ("VERSION", format!("{}\n", super::DEMO_VERSION)),
                ("CHANGELOG.md", changelog(4)),
                ("RELEASE_NOTES_v1.15.2.md", release_notes(false)),
            ],
            Tag::None,
        ),
        (
            3,
            GRACE,
            "Release notes: list the known E2E failures",
            vec![("RELEASE_NOTES_v1.15.2.md", release_notes(true))],
            Tag::None,
        ),
    ]
}

const GRADE_FIX: &str = "\n\ndef weighted_grade(scores, weights):\n    total = sum(weights)\n    return round(sum(s * w for s, w in zip(scores, weights)) / total, 2)\n";

pub(super) fn write_history(dir: &Path, now: DateTime<Utc>) -> Result<(), DemoError> {
    let git = |source| DemoError::Git { path: dir.to_path_buf(), source };
    let mut init = git2::RepositoryInitOptions::new();
    init.initial_head("main");
    let repo = Repository::init_opts(dir, &init).map_err(git)?;
    let steps = steps();
    let last = steps.len() - 1;
    let mut parent: Option<Oid> = None;
    for (index, (hours_ago, who, summary, writes, tag)) in steps.into_iter().enumerate() {
        for (path, text) in writes {
            files::write(dir, path, &text)?;
        }
        let when = now - Duration::hours(hours_ago);
        let sig = Signature::new(who.0, who.1, &Time::new(when.timestamp(), 0)).map_err(git)?;
        let id = commit(&repo, &sig, summary, parent).map_err(git)?;
        let target = repo.find_object(id, None).map_err(git)?;
        match tag {
            Tag::None => {}
            Tag::Annotated(name) => {
                repo.tag(name, &target, &sig, &format!("Release {}", &name[1..]), false)
                    .map_err(git)?;
            }
            Tag::Lightweight(name) => {
                repo.tag_lightweight(name, &target, false).map_err(git)?;
            }
            Tag::AnnotatedAndMarker(name, marker) => {
                repo.tag(name, &target, &sig, &format!("Release {}", &name[1..]), false)
                    .map_err(git)?;
                repo.tag_lightweight(marker, &target, false).map_err(git)?;
            }
        }
        // The upstream knows everything but the last commit: "ahead by 1, not pushed".
        if index + 1 == last {
            repo.reference("refs/remotes/origin/main", id, true, "demo: last push").map_err(git)?;
        }
        parent = Some(id);
    }
    let mut config = repo.config().map_err(git)?;
    // A remote that exists only by name: the demo never fetches or pushes.
    config
        .set_str("remote.origin.url", "https://git.example.com/school/student-management.git")
        .map_err(git)?;
    config.set_str("remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*").map_err(git)?;
    config.set_str("branch.main.remote", "origin").map_err(git)?;
    config.set_str("branch.main.merge", "refs/heads/main").map_err(git)?;
    config.set_str("user.name", ADA.0).map_err(git)?;
    config.set_str("user.email", ADA.1).map_err(git)?;
    Ok(())
}

fn commit(
    repo: &Repository,
    sig: &Signature<'_>,
    summary: &str,
    parent: Option<Oid>,
) -> Result<Oid, git2::Error> {
    let mut index = repo.index()?;
    index.add_all(["*"], IndexAddOption::DEFAULT, None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let parents = parent.map(|p| repo.find_commit(p)).transpose()?;
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(Some("HEAD"), sig, sig, summary, &tree, &parents)
}
