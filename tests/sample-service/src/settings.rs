//! The service's settings, all from the environment so an image or a `docker run -e` can set
//! them. Unset or unparsable values fall back to defaults: a fixture must start.

use std::path::PathBuf;

/// The version baked in at build time (`SAMPLE_BUILD_VERSION`), else the crate's.
const BUILT_VERSION: &str = match option_env!("SAMPLE_BUILD_VERSION") {
    Some(v) => v,
    None => env!("CARGO_PKG_VERSION"),
};

#[derive(Debug, Clone)]
pub struct Settings {
    /// `SAMPLE_PORT` (default 8080); always bound on 127.0.0.1.
    pub port: u16,
    /// `SAMPLE_DB` (default /data/app.db).
    pub db: PathBuf,
    /// `SAMPLE_VERSION`, else the version baked in at build time.
    pub version: String,
    /// `SAMPLE_ENVIRONMENT` (default "staging").
    pub environment: String,
    /// `SAMPLE_FAIL_HEALTH=1`: /health answers 503 forever.
    pub fail_health: bool,
    /// `SAMPLE_LOG_ERRORS=1`: ERROR and CRITICAL lines and a traceback in the log.
    pub log_errors: bool,
    /// `SAMPLE_SLOW_START_SECS=N`: wait N seconds before listening.
    pub slow_start_secs: u64,
    /// `SAMPLE_SLOW_MS=N`: add N ms to every answer except the health check's.
    pub slow_ms: u64,
    /// `SAMPLE_RATE_LIMIT=N`: answer 429 after N requests in a one-second window.
    pub rate_limit: Option<u32>,
    /// `SAMPLE_FAIL_EVERY=N`: every Nth answer of the student list is a 500 with an ERROR line
    /// in the log (the health checks stay green: a service that is up but failing).
    pub fail_every: Option<u64>,
    /// `SAMPLE_BAD_MIGRATION=1`: `migrate` fails half-way, after damaging data.
    pub bad_migration: bool,
    /// `SAMPLE_WRITE_MS=N`: the background writer's pause between writes (default 100).
    pub write_interval_ms: u64,
    /// `SAMPLE_SEED_STUDENTS=N`: students seeded on first start (default 3000).
    pub seed_students: u32,
}

impl Settings {
    pub fn from_env() -> Self {
        Self {
            port: number("SAMPLE_PORT").unwrap_or(8080),
            db: std::env::var_os("SAMPLE_DB")
                .map_or_else(|| PathBuf::from("/data/app.db"), PathBuf::from),
            version: std::env::var("SAMPLE_VERSION")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| BUILT_VERSION.to_owned()),
            environment: std::env::var("SAMPLE_ENVIRONMENT")
                .unwrap_or_else(|_| "staging".to_owned()),
            fail_health: switch("SAMPLE_FAIL_HEALTH"),
            log_errors: switch("SAMPLE_LOG_ERRORS"),
            slow_start_secs: number("SAMPLE_SLOW_START_SECS").unwrap_or(0),
            slow_ms: number("SAMPLE_SLOW_MS").unwrap_or(0),
            rate_limit: number("SAMPLE_RATE_LIMIT").filter(|n| *n > 0),
            fail_every: number("SAMPLE_FAIL_EVERY").filter(|n| *n > 0),
            bad_migration: switch("SAMPLE_BAD_MIGRATION"),
            write_interval_ms: number("SAMPLE_WRITE_MS").unwrap_or(100),
            seed_students: number("SAMPLE_SEED_STUDENTS").unwrap_or(3000),
        }
    }
}

fn switch(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

fn number<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok()?.trim().parse().ok()
}
