//! The harness's one error type: every failure says what was being done and what to check.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum E2eError {
    #[error("{what} is missing: {hint}")]
    Missing { what: String, hint: String },
    #[error("could not start {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("Xvfb did not start: {0}")]
    Xvfb(String),
    #[error("tauri-driver did not become ready on port {port} within {secs} s; its log: {log}")]
    DriverNotReady { port: u16, secs: u64, log: PathBuf },
    #[error("{name} (pid {pid}) did not exit within {secs} s of SIGTERM")]
    StillRunning { name: String, pid: u32, secs: u64 },
    #[error("could not create a WebDriver session: {0}")]
    Session(#[from] fantoccini::error::NewSessionError),
    #[error("WebDriver command failed while {doing}: {source}")]
    Command {
        doing: String,
        #[source]
        source: fantoccini::error::CmdError,
    },
    #[error("timed out after {secs} s waiting for {what}")]
    Timeout { what: String, secs: u64 },
    #[error("building {package} failed: {detail}")]
    Build { package: String, detail: String },
}

impl E2eError {
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let what = what.into();
        move |source| Self::Io { what, source }
    }

    pub(crate) fn command(
        doing: impl Into<String>,
    ) -> impl FnOnce(fantoccini::error::CmdError) -> Self {
        let doing = doing.into();
        move |source| Self::Command { doing, source }
    }
}
