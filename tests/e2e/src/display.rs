//! The X display the webview draws on: `$DISPLAY` when it answers, else a private Xvfb on a
//! free display number (chosen by Xvfb itself through `-displayfd`, so parallel tests never
//! race for a number). The Xvfb is stopped with SIGTERM when the [`Display`] is dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::E2eError;
use crate::signal::terminate;

/// The screen of a private Xvfb: large enough for the app's window and its screenshots.
pub const XVFB_SCREEN: &str = "1280x900x24";

/// An X display, and the Xvfb serving it when this process started one.
#[derive(Debug)]
pub struct Display {
    name: String,
    xvfb: Option<Child>,
}

impl Display {
    /// The display to use: `$DISPLAY` if its server answers, else a new Xvfb. On systems
    /// without X (Windows, macOS) the name is empty and nothing is started.
    pub fn ensure() -> Result<Self, E2eError> {
        if !cfg!(target_os = "linux") {
            return Ok(Self { name: String::new(), xvfb: None });
        }
        if let Ok(name) = std::env::var("DISPLAY")
            && !name.is_empty()
            && answers(&name)
        {
            return Ok(Self { name, xvfb: None });
        }
        Self::start_xvfb()
    }

    /// Start a private Xvfb, whatever `$DISPLAY` says.
    pub fn start_xvfb() -> Result<Self, E2eError> {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", XVFB_SCREEN, "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| E2eError::Spawn { program: "Xvfb".into(), source })?;
        // Xvfb writes the display number once it accepts connections, or exits (closing the
        // pipe) when it cannot start.
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out)
                .read_line(&mut line)
                .map_err(E2eError::io("reading Xvfb's display"))?;
        }
        let number = line.trim();
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            let status = child.try_wait().ok().flatten();
            return Err(E2eError::Xvfb(format!(
                "it printed no display number (exit status: {status:?}); run `Xvfb -displayfd 1` by hand to see why"
            )));
        }
        Ok(Self { name: format!(":{number}"), xvfb: Some(child) })
    }

    /// The value for `$DISPLAY` (empty on systems without X).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this process started the display's server.
    pub fn is_private(&self) -> bool {
        self.xvfb.is_some()
    }

    /// Stop the private Xvfb, if any, and report whether it stopped.
    pub fn stop(mut self) -> Result<(), E2eError> {
        self.stop_xvfb()
    }

    fn stop_xvfb(&mut self) -> Result<(), E2eError> {
        match self.xvfb.take() {
            Some(mut child) => terminate(&mut child, "Xvfb", Duration::from_secs(10)),
            None => Ok(()),
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Err(e) = self.stop_xvfb() {
            eprintln!("e2e: {e}");
        }
    }
}

/// Whether the X server of a local display name (`:N` or `:N.S`) accepts connections. Remote
/// displays (`host:N`) are trusted as given.
fn answers(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(':') else { return true };
    let number = rest.split('.').next().unwrap_or(rest);
    socket_answers(&format!("/tmp/.X11-unix/X{number}"))
}

#[cfg(unix)]
fn socket_answers(path: &str) -> bool {
    std::os::unix::net::UnixStream::connect(path).is_ok()
}

#[cfg(not(unix))]
fn socket_answers(_path: &str) -> bool {
    true
}
