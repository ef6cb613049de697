//! Every tag, annotated and lightweight, peeled to what it finally points at.

use git2::{ObjectType, Oid, Repository};

use super::TagInfo;
use super::head::git_time;
use super::version::tag_version;

/// One tag as read, with the parsed version and the peeled commit kept for the release search.
#[derive(Debug, Clone)]
pub(crate) struct ReadTag {
    pub info: TagInfo,
    /// The commit the tag finally points at; `None` for tags of trees or blobs, which can never
    /// mark a release.
    pub commit: Option<Oid>,
    pub version: Option<semver::Version>,
}

/// Read all tags under `refs/tags/`, sorted by name. Unreadable tags are skipped with a warning
/// rather than failing the whole reading.
pub(crate) fn read_tags(repo: &Repository, warnings: &mut Vec<String>) -> Vec<ReadTag> {
    let mut tags = Vec::new();
    let references = match repo.references_glob("refs/tags/*") {
        Ok(references) => references,
        Err(error) => {
            warnings.push(format!("could not list tags: {}", error.message()));
            return tags;
        }
    };
    for reference in references {
        let reference = match reference {
            Ok(reference) => reference,
            Err(error) => {
                warnings.push(format!("could not read a tag: {}", error.message()));
                continue;
            }
        };
        let full = String::from_utf8_lossy(reference.name_bytes()).into_owned();
        let name = full.strip_prefix("refs/tags/").unwrap_or(&full).to_owned();
        let Some(direct) = reference.target() else {
            warnings.push(format!("tag {name} is a symbolic reference; skipped"));
            continue;
        };
        match read_one(repo, &name, direct) {
            Ok(tag) => tags.push(tag),
            Err(error) => warnings.push(format!("could not read tag {name}: {}", error.message())),
        }
    }
    tags.sort_by(|a, b| a.info.name.cmp(&b.info.name));
    tags
}

/// Peel one tag. The ref's object is read once: a lightweight tag costs one commit read, an
/// annotated tag one tag read (plus one commit read only when the tag has no tagger).
fn read_one(repo: &Repository, name: &str, direct: Oid) -> Result<ReadTag, git2::Error> {
    let version = tag_version(name);
    let version_text = version.as_ref().map(ToString::to_string);
    let object = repo.find_object(direct, None)?;
    let tag = match object.into_tag() {
        Ok(tag) => tag,
        Err(object) => {
            // Lightweight: the ref names the object itself. Its time is the commit (committer)
            // time, as `git for-each-ref --format=%(creatordate)` shows.
            let (commit, time) = match object.as_commit() {
                Some(commit) => (Some(direct), Some(git_time(commit.time()))),
                None => (None, None),
            };
            let info = TagInfo {
                name: name.to_owned(),
                target: direct.to_string(),
                annotated: false,
                time,
                version: version_text,
            };
            return Ok(ReadTag { info, commit, version });
        }
    };
    // Follow tags of tags down to the final object without loading it: only its kind matters.
    let mut target = tag.target_id();
    let mut target_kind = tag.target_type();
    let mut depth = 0;
    while target_kind == Some(ObjectType::Tag) && depth < 16 {
        let inner = repo.find_tag(target)?;
        target = inner.target_id();
        target_kind = inner.target_type();
        depth += 1;
    }
    let commit = (target_kind == Some(ObjectType::Commit)).then_some(target);
    let time = match tag.tagger() {
        Some(tagger) => Some(git_time(tagger.when())),
        // Very old tags have no tagger line; the commit time is the best date they carry.
        None => match commit {
            Some(id) => Some(git_time(repo.find_commit(id)?.time())),
            None => None,
        },
    };
    let info = TagInfo {
        name: name.to_owned(),
        target: target.to_string(),
        annotated: true,
        time,
        version: version_text,
    };
    Ok(ReadTag { info, commit, version })
}
