//! The `tauri-driver` process: started on two free ports with the WebKit settings a headless
//! webview needs, ready once `GET /status` says so, stopped with SIGTERM.
//!
//! The app is launched by WebKitWebDriver, a child of tauri-driver, so the environment given
//! here (display, data folder, report path) is the environment the app sees.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::signal::terminate;
use crate::{Display, E2eError};

/// How long the driver gets to answer `/status` (WebKitWebDriver starts in well under a second).
const READY_WITHIN: Duration = Duration::from_secs(30);

/// A running tauri-driver.
#[derive(Debug)]
pub struct TauriDriver {
    child: Option<Child>,
    port: u16,
    native_port: u16,
    log: PathBuf,
}

impl TauriDriver {
    /// Start `program` (tauri-driver) on free ports, with `display` and `env` in its
    /// environment; its output (and WebKitWebDriver's and the app's) goes to `log`.
    pub fn start(
        program: &Path,
        display: &Display,
        env: &[(&str, &str)],
        log: &Path,
    ) -> Result<Self, E2eError> {
        let (port, native_port) = free_ports()?;
        let out = File::create(log).map_err(E2eError::io(format!("creating {}", log.display())))?;
        let err = out.try_clone().map_err(E2eError::io("sharing the driver log"))?;
        let mut command = Command::new(program);
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            // A blank window under Xvfb without this; EGL aborts without the second.
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        if !display.name().is_empty() {
            command.env("DISPLAY", display.name());
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command
            .spawn()
            .map_err(|source| E2eError::Spawn { program: program.display().to_string(), source })?;
        let mut driver = Self { child: Some(child), port, native_port, log: log.to_path_buf() };
        driver.wait_ready()?;
        Ok(driver)
    }

    /// The WebDriver URL to connect to.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn native_port(&self) -> u16 {
        self.native_port
    }

    /// Where the driver's (and the app's) output is written.
    pub fn log(&self) -> &Path {
        &self.log
    }

    /// Stop the driver (SIGTERM; it stops WebKitWebDriver itself) and wait for it to exit.
    pub fn stop(mut self) -> Result<(), E2eError> {
        self.stop_child()
    }

    fn stop_child(&mut self) -> Result<(), E2eError> {
        match self.child.take() {
            Some(mut child) => terminate(&mut child, "tauri-driver", Duration::from_secs(10)),
            None => Ok(()),
        }
    }

    fn wait_ready(&mut self) -> Result<(), E2eError> {
        let started = Instant::now();
        while started.elapsed() < READY_WITHIN {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(E2eError::Missing {
                    what: "a running tauri-driver".into(),
                    hint: format!("it exited with {status}; see {}", self.log.display()),
                });
            }
            if status_ready(self.port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(E2eError::DriverNotReady {
            port: self.port,
            secs: READY_WITHIN.as_secs(),
            log: self.log.clone(),
        })
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        if let Err(e) = self.stop_child() {
            eprintln!("e2e: {e}");
        }
    }
}

/// Two distinct free local ports. Both listeners are held until both numbers are known, so the
/// two differ; another process could still take one before the driver binds it, which the
/// `/status` wait then reports.
fn free_ports() -> Result<(u16, u16), E2eError> {
    let bind = || TcpListener::bind(("127.0.0.1", 0)).map_err(E2eError::io("finding a free port"));
    let (a, b) = (bind()?, bind()?);
    let port =
        |l: &TcpListener| l.local_addr().map(|a| a.port()).map_err(E2eError::io("reading a port"));
    Ok((port(&a)?, port(&b)?))
}

/// `GET /status` answers `"ready": true` (tauri-driver forwards it to WebKitWebDriver, so this
/// proves both are listening). Plain HTTP/1.0 over a socket: no client library needed for one
/// request.
fn status_ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /status HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("");
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.pointer("/value/ready").and_then(serde_json::Value::as_bool))
        .unwrap_or(false)
}
