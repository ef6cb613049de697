//! Stopping child processes politely: SIGTERM, then wait. Never SIGKILL — tauri-driver only
//! stops its WebKitWebDriver when it gets a signal it can handle, and Xvfb removes its lock
//! file on SIGTERM.

use std::process::Child;
use std::time::{Duration, Instant};

use crate::E2eError;

/// Ask `child` to stop and wait up to `timeout` for it to exit.
pub(crate) fn terminate(child: &mut Child, name: &str, timeout: Duration) -> Result<(), E2eError> {
    if child.try_wait().map_err(E2eError::io(format!("checking on {name}")))?.is_some() {
        return Ok(());
    }
    send_term(child, name)?;
    let started = Instant::now();
    while started.elapsed() < timeout {
        if child.try_wait().map_err(E2eError::io(format!("waiting for {name}")))?.is_some() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(E2eError::StillRunning { name: name.into(), pid: child.id(), secs: timeout.as_secs() })
}

#[cfg(unix)]
fn send_term(child: &mut Child, name: &str) -> Result<(), E2eError> {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let pid = i32::try_from(child.id()).map_err(|_| E2eError::Io {
        what: format!("signalling {name}"),
        source: std::io::Error::other("pid out of range"),
    })?;
    match kill(Pid::from_raw(pid), Signal::SIGTERM) {
        // Already gone between the check and the signal: nothing left to stop.
        Ok(()) | Err(nix::errno::Errno::ESRCH) => Ok(()),
        Err(e) => {
            Err(E2eError::Io { what: format!("sending SIGTERM to {name}"), source: e.into() })
        }
    }
}

/// Windows has no SIGTERM; tauri-driver puts its native driver in a job object that closes with
/// it, so ending it is safe there.
#[cfg(not(unix))]
fn send_term(child: &mut Child, name: &str) -> Result<(), E2eError> {
    child.kill().map_err(E2eError::io(format!("stopping {name}")))
}
