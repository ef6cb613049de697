//! Images: inspect, build from an in-memory context, remove. No registry is assumed: images are
//! built (or loaded) locally.

use std::collections::HashMap;

use bollard::models::ImageInspect;
use bollard::query_parameters::{BuildImageOptions, RemoveImageOptionsBuilder};
use futures_util::StreamExt;

use super::{Connection, DockerError};

/// Facts about an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFacts {
    pub reference: String,
    /// sha256:…
    pub id: String,
    /// Repository digests, when the image came from a registry.
    pub digests: Vec<String>,
    pub size_bytes: u64,
    pub created: String,
}

pub fn inspect(conn: &Connection, reference: &str) -> Result<ImageInspect, DockerError> {
    conn.call("inspect image", conn.api().inspect_image(reference)).map_err(|e| {
        if e.is_not_found() { DockerError::NoSuchImage { image: reference.to_owned() } } else { e }
    })
}

/// Facts about an image, or `None` when it is not on this machine.
pub fn facts(conn: &Connection, reference: &str) -> Result<Option<ImageFacts>, DockerError> {
    match inspect(conn, reference) {
        Ok(i) => Ok(Some(ImageFacts {
            reference: reference.to_owned(),
            id: i.id.unwrap_or_default(),
            digests: i.repo_digests.unwrap_or_default(),
            size_bytes: i.size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
            created: i.created.map(|c| format!("{c:?}")).unwrap_or_default(),
        })),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// What to build: a tar of the build context (with its Dockerfile) held in memory.
#[derive(Debug, Clone)]
pub struct BuildRequest<'a> {
    /// e.g. "release-pilot-sample:1.2.0".
    pub tag: &'a str,
    /// The context as an uncompressed tar.
    pub context: Vec<u8>,
    /// `--build-arg`s.
    pub build_args: HashMap<String, String>,
    /// Labels for the image.
    pub labels: HashMap<String, String>,
}

/// Build an image through the API, passing each line of build output to `output`. Returns the
/// image id.
pub fn build(
    conn: &Connection,
    request: BuildRequest<'_>,
    output: &dyn Fn(&str),
) -> Result<String, DockerError> {
    let options = BuildImageOptions {
        dockerfile: "Dockerfile".to_owned(),
        t: Some(request.tag.to_owned()),
        rm: true,
        forcerm: true,
        buildargs: Some(request.build_args),
        labels: Some(request.labels),
        ..Default::default()
    };
    let body = bollard::body_full(bytes::Bytes::from(request.context));
    let lines =
        conn.stream("build image", std::time::Duration::from_secs(600), |d| async move {
            let mut stream = d.build_image(options, None, Some(body));
            let mut lines = Vec::new();
            while let Some(item) = stream.next().await {
                let info = item?;
                if let Some(error) = info.error_detail.and_then(|e| e.message) {
                    return Err(bollard::errors::Error::DockerStreamError { error });
                }
                if let Some(s) = info.stream {
                    lines.extend(s.lines().map(str::to_owned).filter(|l| !l.trim().is_empty()));
                }
            }
            Ok(lines)
        })?;
    for line in &lines {
        output(line);
    }
    let id = inspect(conn, request.tag)?.id.unwrap_or_default();
    Ok(id)
}

/// Remove an image (by reference or id); a missing one is not an error.
pub fn remove(conn: &Connection, reference: &str) -> Result<(), DockerError> {
    let options = RemoveImageOptionsBuilder::new().force(true).build();
    match conn.call("remove image", conn.api().remove_image(reference, Some(options), None)) {
        Err(e) if e.is_not_found() => Ok(()),
        other => other.map(|_| ()),
    }
}
