//! Volumes: inspect, create, remove. The volume's host path is never relied on (Docker
//! Desktop's volumes live inside a VM): data goes in and out through containers.

use std::collections::HashMap;

use bollard::models::{Volume, VolumeCreateRequest};

use super::{Connection, DockerError};

/// The volume, or `None` when there is none by that name.
pub fn inspect(conn: &Connection, name: &str) -> Result<Option<Volume>, DockerError> {
    match conn.call("inspect volume", conn.api().inspect_volume(name)) {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Create a volume with labels (creating an existing one is harmless).
pub fn create(
    conn: &Connection,
    name: &str,
    labels: HashMap<String, String>,
) -> Result<(), DockerError> {
    let request = VolumeCreateRequest {
        name: Some(name.to_owned()),
        labels: Some(labels),
        ..Default::default()
    };
    conn.call("create volume", conn.api().create_volume(request)).map(|_| ())
}

/// Remove a volume; a missing one is not an error.
pub fn remove(conn: &Connection, name: &str) -> Result<(), DockerError> {
    match conn.call(
        "remove volume",
        conn.api().remove_volume(name, None::<bollard::query_parameters::RemoveVolumeOptions>),
    ) {
        Err(e) if e.is_not_found() => Ok(()),
        other => other,
    }
}
