//! Steps on a Docker engine: the engine, image, volume and container checks, the deploy
//! (recreate, exec, wait for a log line) and the rollback that puts the previous version back.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::StepParams;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DockerEngineParams {
    /// Minimum engine API version, e.g. "1.41".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_api_version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DockerImageParams {
    /// Image reference, e.g. "sms:{{version}}".
    pub image: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DockerVolumeParams {
    /// The volume name.
    pub volume: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DockerContainerParams {
    /// The container name or id.
    pub container: String,
    /// The container's health check must report healthy (default true).
    #[serde(default = "yes")]
    pub healthy: bool,
    /// When the health is "starting" or "unhealthy", wait up to this many seconds for it to
    /// become healthy before failing (default 15): a container just started, or paused a moment
    /// for a backup, reports unhealthy until its next check passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settle_secs: Option<u64>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployRecreateParams {
    /// The container to recreate (name or id).
    pub container: String,
    /// The new image, e.g. "sms:{{version}}".
    pub image: String,
    /// How long to wait for the health check (default 120 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployExecParams {
    /// The container to run the command in.
    pub container: String,
    /// The command and its arguments, e.g. ["/service", "migrate"].
    pub command: Vec<String>,
    /// Extra environment variables for the command (on top of the container's).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Stop waiting for the command after this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    /// The exit code that means success.
    #[serde(default)]
    pub expect_exit: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployWaitLogParams {
    /// The container whose log is followed.
    pub container: String,
    /// Regular expression, e.g. "Application startup complete".
    pub pattern: String,
    /// Fail when the line has not appeared after this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackParams {
    /// The container to put back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The image to put back (default: the previous release's image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The backup step whose verified backup is restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_step: Option<String>,
    /// Health checks to re-run afterwards (step ids).
    #[serde(default)]
    pub recheck: Vec<String>,
    /// The database's path inside the container, e.g. "/data/app.db": when given, the newest
    /// verified backup (see `backup_file` / `backup_dir`) is restored into it, with the container
    /// stopped, before the previous version starts. With no `container`: the database file on
    /// this machine (relative to the repository; default: the file `backup_step` backed up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_path: Option<String>,
    /// The backup file to restore (relative to the repository unless absolute)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_file: Option<String>,
    /// ...or the backups folder whose newest backup is restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_dir: Option<String>,
    /// How long the previous version has to become healthy (default 120 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_timeout_secs: Option<u64>,
}

impl StepParams for DockerEngineParams {
    fn describe(&self, _title: &str) -> String {
        "check the Docker engine answers".into()
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for DockerImageParams {
    fn describe(&self, _title: &str) -> String {
        format!("check image `{}` exists", self.image)
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for DockerVolumeParams {
    fn describe(&self, _title: &str) -> String {
        format!("check volume `{}` exists", self.volume)
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for DockerContainerParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "check container `{}` is running{}",
            self.container,
            if self.healthy { " and healthy" } else { "" }
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for DeployRecreateParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "stop container `{}`, keep it as the fallback, start it again on image `{}` with the same configuration, and wait up to {} s for it to be healthy",
            self.container,
            self.image,
            self.health_timeout_secs.unwrap_or(120)
        )
    }
    fn touches(&self) -> Option<String> {
        Some(format!("the container {} (recreated on image {})", self.container, self.image))
    }
}

impl StepParams for DeployExecParams {
    fn describe(&self, _title: &str) -> String {
        format!("run `{}` inside container `{}`", self.command.join(" "), self.container)
    }
    fn touches(&self) -> Option<String> {
        Some(format!("the container {} (runs `{}`)", self.container, self.command.join(" ")))
    }
}

impl StepParams for DeployWaitLogParams {
    fn describe(&self, _title: &str) -> String {
        format!(
            "wait up to {} s for `{}` in the logs of `{}`",
            self.timeout_secs.unwrap_or(120),
            self.pattern,
            self.container
        )
    }
    fn touches(&self) -> Option<String> {
        None
    }
}

impl StepParams for RollbackParams {
    fn describe(&self, _title: &str) -> String {
        let from = self.backup_step.as_deref().map(|s| format!(" from step {s}"));
        match (&self.container, &self.image) {
            (None, None) => format!("restore the verified backup{}", from.unwrap_or_default()),
            (c, i) => format!(
                "restore the verified backup{} and put back {}",
                from.unwrap_or_default(),
                i.as_deref().or(c.as_deref()).unwrap_or("the previous version")
            ),
        }
    }
    fn touches(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(c) = &self.container {
            parts.push(format!("the container {c} (stopped and kept aside)"));
        }
        match (&self.container, &self.image) {
            (_, Some(image)) => parts.push(format!("the image {image} (put back)")),
            (Some(_), None) => parts.push("the previous container (put back)".into()),
            (None, None) => {}
        }
        let from = self.backup_step.as_deref().map(|s| format!(" from step {s}"));
        match (&self.db_path, &self.container, &self.backup_step) {
            (Some(db), _, _) => parts.push(format!(
                "the database {db} (replaced by the verified backup{})",
                from.unwrap_or_default()
            )),
            // With no container the host database the backup step backed up is restored.
            (None, None, Some(step)) => parts.push(format!(
                "the database that step {step} backed up (replaced by its verified backup)"
            )),
            _ => {}
        }
        if parts.is_empty() {
            parts.push("the deployed version".into());
        }
        Some(parts.join(", "))
    }
}
