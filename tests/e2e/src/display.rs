//! The X display the webview draws on: `$DISPLAY` when it answers, else a private Xvfb on a
//! free display number (chosen by Xvfb itself through `-displayfd`, so parallel tests never
//! race for a number). The Xvfb is stopped with SIGTERM when the [`Display`] is dropped.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::E2eError;
use crate::signal::terminate;

/// The screen of a private Xvfb: large enough for the app's window and its screenshots.
pub const XVFB_SCREEN: &str = "1280x900x24";

/// Xvfb is ready in well under a second; a busy machine gets some slack.
const XVFB_WITHIN: Duration = Duration::from_secs(20);

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

    /// The display for a test: a private Xvfb when Xvfb is installed (no window pops up on the
    /// developer's desktop, parallel runs cannot disturb each other, and the screenshots show
    /// only the app), else `$DISPLAY`.
    pub fn for_tests() -> Result<Self, E2eError> {
        if cfg!(target_os = "linux") && crate::locate::in_path("Xvfb").is_some() {
            Self::start_xvfb()
        } else {
            Self::ensure()
        }
    }

    /// Start a private Xvfb, whatever `$DISPLAY` says.
    pub fn start_xvfb() -> Result<Self, E2eError> {
        // Xvfb writes the display number to a file, not a pipe: a pipe closed after reading
        // would kill it with SIGPIPE at its next write, and the app with it.
        let number_file =
            tempfile::NamedTempFile::new().map_err(E2eError::io("creating Xvfb's number file"))?;
        let out = number_file.reopen().map_err(E2eError::io("opening Xvfb's number file"))?;
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", XVFB_SCREEN, "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| E2eError::Spawn { program: "Xvfb".into(), source })?;
        // The number is written once the server accepts connections.
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(number_file.path()).unwrap_or_default();
            let number = text.trim();
            if text.ends_with('\n')
                && !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
            {
                return Ok(Self { name: format!(":{number}"), xvfb: Some(child) });
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(E2eError::Xvfb(format!(
                    "it exited ({status}); run `Xvfb -displayfd 1` by hand to see why"
                )));
            }
            if started.elapsed() > XVFB_WITHIN {
                let _ = terminate(&mut child, "Xvfb", Duration::from_secs(5));
                return Err(E2eError::Xvfb(format!(
                    "no display number within {} s",
                    XVFB_WITHIN.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
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
