//! Tests of `pilot_engine::docker` and the Docker step kinds against a real Docker engine and
//! the real sample service (`tests/sample-service`, built static into a `FROM scratch` image
//! through the API).
//!
//! Every test skips with a loud message when no engine answers and
//! `RELEASE_PILOT_REQUIRE_DOCKER` is unset; `scripts/test.sh` sets it, so there they must run.
//! Every container, volume and image a test makes carries the label `dev.release-pilot.test=1`
//! and a name unique to the test, and is removed by a guard when the test ends, pass or fail.
//! Containers use host networking on 127.0.0.1 and a free port.

mod checks;
mod container_steps;
mod database;
mod deploy;
mod interrupted;
/// The shared Docker test support (tests/docker-support), under its old name here.
use pilot_test_docker as support;
mod templates;
