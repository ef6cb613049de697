//! The demo's Docker mode (`pilot demo init DIR --docker`): the same repository plus a plan
//! whose deploy runs through the Docker Engine API against the sample service
//! (`tests/sample-service` of Release Pilot), and `DOCKER.md` saying how to build its images and
//! start the previous version. Both files are committed on top of the demo's history, so the
//! "no uncommitted changes" check still has its say.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use git2::{IndexAddOption, Repository, Signature, Time};

use super::{DemoError, files};

/// Where the Docker plan lives inside the demo repository.
pub const DOCKER_PLAN_PATH: &str = ".release-pilot/plan-docker.toml";

/// Write and commit the Docker plan and its instructions; returns the plan's path.
pub(super) fn write_docker_mode(dir: &Path, now: DateTime<Utc>) -> Result<PathBuf, DemoError> {
    let git = |source| DemoError::Git { path: dir.to_path_buf(), source };
    files::write(dir, DOCKER_PLAN_PATH, DOCKER_PLAN)?;
    files::write(dir, "DOCKER.md", DOCKER_README)?;
    let repo = Repository::open(dir).map_err(git)?;
    let mut index = repo.index().map_err(git)?;
    index.add_all([DOCKER_PLAN_PATH, "DOCKER.md"], IndexAddOption::DEFAULT, None).map_err(git)?;
    index.write().map_err(git)?;
    let tree = repo.find_tree(index.write_tree().map_err(git)?).map_err(git)?;
    let head = repo.head().and_then(|h| h.peel_to_commit()).map_err(git)?;
    let sig =
        Signature::new("Ada Lovelace", "ada@example.com", &Time::new(now.timestamp() - 60, 0))
            .map_err(git)?;
    repo.commit(
        Some("HEAD"),
        &sig,
        &sig,
        "Deploy through the Docker API (plan-docker.toml)",
        &tree,
        &[&head],
    )
    .map_err(git)?;
    Ok(dir.join(DOCKER_PLAN_PATH))
}

const DOCKER_README: &str = r#"# Deploying the demo with Docker

`.release-pilot/plan-docker.toml` deploys this release through the Docker Engine API: it checks
the engine, the images and the volume, takes a verified backup of the database inside the running
container, recreates the container on the new image (keeping the old one for the rollback) with a
health-check countdown, runs the migrations inside it, waits for the startup line, validates the
HTTP endpoints, and keeps a one-step rollback ready.

The service it deploys is Release Pilot's sample service. No registry is needed: the images are
built on this machine.

1. Start Docker (Docker Desktop on Windows and macOS; `sudo systemctl start docker` on Linux).
2. From a Release Pilot checkout, build the images of the previous and the new version and start
   the previous one (container `release-pilot-sample` on http://127.0.0.1:8080, its database in
   the volume `release-pilot-sample-data`):

       scripts/build-sample-images.sh --start 1.15.1 1.15.2

   To see a deploy fail its health check and the old version put back, build the new version
   broken instead: `scripts/build-sample-images.sh --broken 1.15.2`.
3. Run the plan:

       pilot run --repo . --plan .release-pilot/plan-docker.toml

Remove everything afterwards with `scripts/build-sample-images.sh --clean`.
"#;

const DOCKER_PLAN: &str = r#"# The demo's Docker deployment plan: the staging runbook's Docker steps, executed through the
# Docker Engine API against Release Pilot's sample service. See DOCKER.md to build its images.

[plan]
name = "demo-docker"
title = "Demo release (Docker)"
description = "Deploy the Student Management System to staging through the Docker API: check the engine, images and volume, back up the database from the running container, recreate it on the new image with a health countdown, migrate, validate, and keep the rollback ready."
environment = "staging"
# Each criterion names the steps whose evidence proves it (`requires`); one written as text
# alone is proved by no step of this plan, so the report leaves its box open.
success_criteria = [
    { text = "A verified database backup exists for this release", requires = ["db-backup"] },
    { text = "The new version is deployed and healthy, and reports its version", requires = ["recreate", "healthy-after", "version-endpoint"] },
    { text = "The previous version is kept ready for a rollback", requires = ["previous-image-present"] },
]

[[plan.role]]
id = "tech_lead"
title = "Tech lead"

[vars]
container = "release-pilot-sample"
volume = "release-pilot-sample-data"
image = "release-pilot-sample:{{version}}"
previous_image = "release-pilot-sample:{{previous_version}}"
db_path = "/data/app.db"
backup_dir = "../demo-backups"
base_url = "http://127.0.0.1:8080"

[[phase]]
id = "checks"
title = "Pre-deployment checks"
stage = "checks"

[[phase.step]]
id = "clean-tree"
title = "No uncommitted changes"
kind = "git.clean"

[[phase.step]]
id = "version-file"
title = "VERSION holds the release version"
kind = "git.version"
expect = "{{version}}"

[[phase.step]]
id = "docker-running"
title = "Docker installed and running"
description = "If it fails, start Docker Desktop (Windows, macOS) or the docker service (Linux) and re-run."
kind = "docker.engine"
min_api_version = "1.41"

[[phase.step]]
id = "image-present"
title = "The release's image exists ({{image}})"
kind = "docker.image"
image = "{{image}}"

[[phase.step]]
id = "previous-image-present"
title = "The previous release's image is still present (rollback target)"
kind = "docker.image"
image = "{{previous_image}}"

[[phase.step]]
id = "volume-present"
title = "The data volume exists"
kind = "docker.volume"
volume = "{{volume}}"

[[phase.step]]
id = "running-healthy"
title = "The previous release runs and is healthy"
kind = "docker.container"
container = "{{container}}"
healthy = true

[[phase]]
id = "backup"
title = "Backup"
stage = "backup"

[[phase.step]]
id = "db-backup"
title = "Database backed up and verified"
description = "From the running container: paused for the copy of the database with its WAL, then verified on this machine."
kind = "backup.sqlite"
container = "{{container}}"
db_path = "{{db_path}}"
dest_dir = "{{backup_dir}}"
min_size_bytes = 102400

[[phase]]
id = "deploy"
title = "Deploy"
stage = "deploy"

[[phase.step]]
id = "recreate"
title = "Stop, update and start (recreate on {{image}}, old container kept)"
kind = "deploy.recreate"
container = "{{container}}"
image = "{{image}}"
health_timeout_secs = 60

[[phase.step]]
id = "migrations"
title = "Migrations applied"
kind = "deploy.exec"
container = "{{container}}"
command = ["/sample-service", "migrate"]
timeout_secs = 120

[[phase.step]]
id = "startup-complete"
title = "\"Application startup complete\" in the logs"
kind = "deploy.wait_log"
container = "{{container}}"
pattern = "Application startup complete"
timeout_secs = 60

[[phase]]
id = "validation"
title = "Validation"
stage = "validation"

[[phase.step]]
id = "frontend"
title = "Login page answers"
kind = "http.check"
url = "{{base_url}}/"
body_contains = ["<form"]

[[phase.step]]
id = "version-endpoint"
title = "Version endpoint reports the release version"
kind = "http.check"
url = "{{base_url}}/api/v1/version"
json_pointer = "/version"
json_equals = "{{version}}"

[[phase.step]]
id = "healthy-after"
title = "Container healthy after the deploy"
kind = "docker.container"
container = "{{container}}"
healthy = true

[[phase]]
id = "signoff"
title = "Sign-off"
stage = "signoff"

[[phase.step]]
id = "approve"
title = "Tech lead approves the release"
kind = "manual"

[[phase]]
id = "rollback"
title = "Rollback"
stage = "rollback"

[[phase.step]]
id = "rollback-restore"
title = "Restore the backup and put the previous version back"
kind = "rollback"
container = "{{container}}"
image = "{{previous_image}}"
backup_step = "db-backup"
db_path = "{{db_path}}"
backup_dir = "{{backup_dir}}"
recheck = ["rollback-version"]

[[phase.step]]
id = "rollback-version"
title = "Version endpoint reports the previous version"
kind = "http.check"
url = "{{base_url}}/api/v1/version"
json_pointer = "/version"
json_equals = "{{previous_version}}"
retries = 5
"#;
