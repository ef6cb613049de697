//! `sample-service`: a small web service shaped like the student-management application of the
//! runbooks, deployed by Release Pilot's Docker tests and demo. It is a test fixture, not a
//! product: it exists so a deploy, a backup and a rollback have something real to act on.
//!
//! Three ways to start it:
//! - `sample-service` — serve on `127.0.0.1:$SAMPLE_PORT` (default 8080) with a SQLite database
//!   at `$SAMPLE_DB` (default `/data/app.db`), seeded with thousands of rows on first start and
//!   written to by a background writer while it runs;
//! - `sample-service migrate` — apply the numbered migrations that are still pending;
//! - `sample-service --health` — exit 0 when `GET /health` answers 200, else 1 (the image's
//!   exec-form HEALTHCHECK: a `FROM scratch` image has no curl).
//!
//! Fault switches (environment) for the fault tests: `SAMPLE_FAIL_HEALTH=1`,
//! `SAMPLE_LOG_ERRORS=1`, `SAMPLE_SLOW_START_SECS=N`, `SAMPLE_SLOW_MS=N`,
//! `SAMPLE_RATE_LIMIT=N`, `SAMPLE_FAIL_EVERY=N`, `SAMPLE_BAD_MIGRATION=1` (see `settings.rs`).
//!
//! Layout: `settings.rs` (environment), `log.rs` (stdout lines), `db.rs` (opening),
//! `migrate.rs` (numbered migrations), `seed.rs` (realistic data), `writer.rs` (background
//! writes), `routes.rs` and `pages.rs` (HTTP), `probe.rs` (the `--health` client).
//!
//! Built static for a `FROM scratch` image:
//! `RUSTFLAGS='-C target-feature=+crt-static' cargo build --release -p sample-service --target
//! x86_64-unknown-linux-gnu`. No name resolution happens anywhere (there is no NSS in scratch):
//! only IP literals are used.

mod db;
mod log;
mod metrics_api;
mod migrate;
mod pages;
mod probe;
mod routes;
mod seed;
mod settings;
mod writer;

use std::process::ExitCode;

use settings::Settings;

fn main() -> ExitCode {
    let settings = Settings::from_env();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--health") => {
            if probe::healthy(settings.port) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Some("migrate") => match migrate::migrate_command(&settings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                log::error(&format!("migration failed: {e}"));
                ExitCode::FAILURE
            }
        },
        Some("--version") => {
            println!("{}", settings.version);
            ExitCode::SUCCESS
        }
        None | Some("serve") => match routes::serve(settings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                log::critical(&format!("the service stopped: {e}"));
                ExitCode::FAILURE
            }
        },
        Some(other) => {
            log::error(&format!(
                "unknown argument `{other}`: use serve (default), migrate, --health or --version"
            ));
            ExitCode::from(2)
        }
    }
}
