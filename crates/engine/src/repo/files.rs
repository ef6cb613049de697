//! Reading a project file (VERSION, CHANGELOG, release notes) from where it will be deployed:
//! the work tree, or HEAD's tree in a bare repository, which has no work tree.

use std::path::Path;

use git2::{ObjectType, Repository};

/// The outcome of looking for one file.
#[derive(Debug)]
pub(crate) enum FileRead {
    Found(Vec<u8>),
    Missing,
    /// The file exists but could not be read; the text says why.
    Unreadable(String),
}

/// Read `relative` (a `/`-separated path) from the work tree, or from HEAD's tree when the
/// repository is bare.
pub(crate) fn read_project_file(repo: &Repository, relative: &str) -> FileRead {
    match repo.workdir() {
        Some(workdir) => read_from_workdir(workdir, relative),
        None => read_from_head(repo, relative),
    }
}

fn read_from_workdir(workdir: &Path, relative: &str) -> FileRead {
    let path = relative.split('/').fold(workdir.to_path_buf(), |path, part| path.join(part));
    // A link may point anywhere; what is deployed is the repository's content, so a project
    // file that resolves outside the work tree is not read.
    if let (Ok(real), Ok(root)) = (std::fs::canonicalize(&path), std::fs::canonicalize(workdir))
        && !real.starts_with(&root)
    {
        return FileRead::Unreadable(format!(
            "{relative} is a link to {}, outside the repository: commit the file itself (a link \
             is not what gets deployed)",
            real.display()
        ));
    }
    match std::fs::read(&path) {
        Ok(bytes) => FileRead::Found(bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => FileRead::Missing,
        Err(error) => FileRead::Unreadable(format!("cannot read {}: {error}", path.display())),
    }
}

fn read_from_head(repo: &Repository, relative: &str) -> FileRead {
    let Ok(tree) = repo.head().and_then(|head| head.peel_to_tree()) else {
        return FileRead::Missing;
    };
    let Ok(entry) = tree.get_path(Path::new(relative)) else {
        return FileRead::Missing;
    };
    if entry.kind() != Some(ObjectType::Blob) {
        return FileRead::Unreadable(format!("{relative} in HEAD is not a file"));
    }
    match repo.find_blob(entry.id()) {
        Ok(blob) => FileRead::Found(blob.content().to_vec()),
        Err(error) => FileRead::Unreadable(format!("cannot read {relative} from HEAD: {error}")),
    }
}

/// Names of the files directly inside `relative_dir` ("" for the root), from the work tree or
/// from HEAD's tree in a bare repository. A missing folder has no files.
pub(crate) fn list_project_dir(repo: &Repository, relative_dir: &str) -> Vec<String> {
    match repo.workdir() {
        Some(workdir) => {
            let dir = relative_dir
                .split('/')
                .filter(|part| !part.is_empty())
                .fold(workdir.to_path_buf(), |path, part| path.join(part));
            let Ok(entries) = std::fs::read_dir(dir) else {
                return Vec::new();
            };
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        }
        None => {
            let Ok(root) = repo.head().and_then(|head| head.peel_to_tree()) else {
                return Vec::new();
            };
            let tree = if relative_dir.is_empty() {
                root
            } else {
                match root.get_path(Path::new(relative_dir)).and_then(|e| e.to_object(repo)) {
                    Ok(object) => match object.into_tree() {
                        Ok(tree) => tree,
                        Err(_) => return Vec::new(),
                    },
                    Err(_) => return Vec::new(),
                }
            };
            tree.iter()
                .filter(|entry| entry.kind() == Some(ObjectType::Blob))
                .map(|entry| String::from_utf8_lossy(entry.name_bytes()).into_owned())
                .collect()
        }
    }
}
