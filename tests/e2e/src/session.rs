//! A WebDriver session on the app, with the waits the DOM contract allows and a screenshot of
//! every screen.
//!
//! The app marks `<main data-busy="true">` while a command is in flight; a wait for
//! `data-busy="false"` alone could see the moment *before* a click's command starts, so the
//! helpers wait for the expected outcome (a screen, a status) and then for the app to be idle.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::{Display, E2eError, TauriDriver, locate};

/// The longest one poll of the page may take (a live page answers in milliseconds).
const POLL_LIMIT: Duration = Duration::from_secs(15);

/// The selector of an idle app.
pub const IDLE: &str = r#"main[data-busy="false"]"#;

/// A numbered folder of screenshots: `NN-name.png`, in the order they were taken.
///
/// Under X the picture is the X screen, taken with ImageMagick's `import`: the WebDriver
/// screenshot command of WebKitWebDriver (WebKitGTK 2.50) never answered for a Tauri window
/// under Xvfb on our machines, and a hung command stalls the session. A private Xvfb holds only
/// the app's window, so the picture is what a person would see. Without X (Windows, macOS) the
/// WebDriver command is used, with a time limit.
#[derive(Debug)]
pub struct Screenshots {
    dir: PathBuf,
    next: u32,
    /// The X display to capture, if any.
    x_display: Option<String>,
}

impl Screenshots {
    /// A new folder `target/e2e-screenshots/<timestamp>-<label>` in the workspace (or under
    /// `$E2E_SCREENSHOTS_DIR`), printed so a person can look at the pictures.
    pub fn create(label: &str, display: &Display) -> Result<Self, E2eError> {
        let base = std::env::var_os("E2E_SCREENSHOTS_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| locate::workspace_root().join("target").join("e2e-screenshots"));
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let dir = base.join(format!("{stamp}-{label}"));
        std::fs::create_dir_all(&dir)
            .map_err(E2eError::io(format!("creating {}", dir.display())))?;
        println!("e2e: screenshots of `{label}` go to {}", dir.display());
        let x_display = (!display.name().is_empty()).then(|| display.name().to_string());
        Ok(Self { dir, next: 1, x_display })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Save what the window shows now as `NN-name.png`.
    pub async fn take(&mut self, client: &Client, name: &str) -> Result<PathBuf, E2eError> {
        let path = self.dir.join(format!("{:02}-{name}.png", self.next));
        self.next += 1;
        match &self.x_display {
            Some(display) => {
                // Let the last DOM change reach the screen (a frame or two).
                tokio::time::sleep(Duration::from_millis(250)).await;
                capture_x_screen(display, &path)?;
            }
            None => {
                let shot = tokio::time::timeout(SCREENSHOT_LIMIT, client.screenshot())
                    .await
                    .map_err(|_| E2eError::Timeout {
                        what: format!("screenshot {name}"),
                        secs: SCREENSHOT_LIMIT.as_secs(),
                    })?
                    .map_err(E2eError::command(format!("taking screenshot {name}")))?;
                std::fs::write(&path, shot)
                    .map_err(E2eError::io(format!("writing {}", path.display())))?;
            }
        }
        println!("e2e: screenshot {}", path.display());
        Ok(path)
    }
}

/// The WebDriver screenshot's time limit on a user's display.
const SCREENSHOT_LIMIT: Duration = Duration::from_secs(10);

/// `import -window root` of an X display into a PNG.
fn capture_x_screen(display: &str, path: &Path) -> Result<(), E2eError> {
    let out = Command::new("import")
        .args(["-display", display, "-window", "root"])
        .arg(path)
        .output()
        .map_err(|source| E2eError::Spawn {
            program: "import (apt-get install imagemagick)".into(),
            source,
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(E2eError::Io {
            what: format!("capturing display {display}"),
            source: std::io::Error::other(String::from_utf8_lossy(&out.stderr).into_owned()),
        })
    }
}

/// A session on one launched app.
#[derive(Debug)]
pub struct AppSession {
    pub client: Client,
}

impl AppSession {
    /// Launch `app` with `args` through `driver` and connect to its webview.
    pub async fn launch(
        driver: &TauriDriver,
        app: &Path,
        args: &[String],
    ) -> Result<Self, E2eError> {
        let application = std::fs::canonicalize(app)
            .map_err(E2eError::io(format!("finding {}", app.display())))?;
        let mut capabilities = serde_json::Map::new();
        capabilities
            .insert("tauri:options".into(), json!({ "application": application, "args": args }));
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await?;
        Ok(Self { client })
    }

    /// End the session; WebKitWebDriver closes the app.
    pub async fn close(self) -> Result<(), E2eError> {
        self.client.close().await.map_err(E2eError::command("closing the session"))
    }

    /// Run `script` (a function body) in the page and return its value.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Result<Value, E2eError> {
        self.client
            .execute(script, args)
            .await
            .map_err(E2eError::command(format!("running `{script}`")))
    }

    /// Wait until `script` returns `true` (checked every 50 ms).
    pub async fn wait_until(
        &self,
        what: &str,
        script: &str,
        timeout: Duration,
    ) -> Result<(), E2eError> {
        let started = Instant::now();
        loop {
            // A page that is reloading answers with an error for a moment: keep polling. Each
            // poll has its own limit, so an app that died cannot hang the test.
            let poll = self.client.execute(script, vec![]);
            if let Ok(Ok(Value::Bool(true))) = tokio::time::timeout(POLL_LIMIT, poll).await {
                return Ok(());
            }
            if started.elapsed() > timeout {
                return Err(E2eError::Timeout { what: what.into(), secs: timeout.as_secs() });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Wait until an element matches `css`.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element, E2eError> {
        let script = format!("return document.querySelector({}) !== null", json!(css));
        self.wait_until(&format!("`{css}`"), &script, timeout).await?;
        self.find(css).await
    }

    /// Wait until the app is idle (no command in flight).
    pub async fn wait_idle(&self, timeout: Duration) -> Result<(), E2eError> {
        self.wait_for(IDLE, timeout).await.map(|_| ())
    }

    /// Wait until the app shows `screen` and is idle.
    pub async fn wait_screen(&self, screen: &str, timeout: Duration) -> Result<(), E2eError> {
        let css = format!(r#"main[data-screen="{screen}"][data-busy="false"]"#);
        self.wait_for(&css, timeout).await.map(|_| ())
    }

    /// The screen shown now (`main[data-screen]`).
    pub async fn screen(&self) -> Result<String, E2eError> {
        let value = self
            .eval(
                "const m = document.querySelector('main'); return m ? m.dataset.screen || '' : ''",
                vec![],
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    pub async fn find(&self, css: &str) -> Result<Element, E2eError> {
        self.client
            .find(Locator::Css(css))
            .await
            .map_err(E2eError::command(format!("finding `{css}`")))
    }

    pub async fn exists(&self, css: &str) -> Result<bool, E2eError> {
        let script = format!("return document.querySelector({}) !== null", json!(css));
        Ok(self.eval(&script, vec![]).await? == Value::Bool(true))
    }

    /// Click the element matching `css` once it is there and enabled.
    pub async fn click(&self, css: &str, timeout: Duration) -> Result<(), E2eError> {
        let script = format!(
            "const e = document.querySelector({}); return e !== null && !e.disabled",
            json!(css)
        );
        self.wait_until(&format!("`{css}` to be enabled"), &script, timeout).await?;
        let element = self.find(css).await?;
        // Bring it into view first: WebKitWebDriver refuses clicks outside the viewport.
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'})", vec![json!(element)])
            .await
            .map_err(E2eError::command(format!("scrolling to `{css}`")))?;
        element.click().await.map_err(E2eError::command(format!("clicking `{css}`")))
    }

    /// Type `text` into the field matching `css` (after clearing it).
    pub async fn type_into(
        &self,
        css: &str,
        text: &str,
        timeout: Duration,
    ) -> Result<(), E2eError> {
        let element = self.wait_for(css, timeout).await?;
        element.clear().await.map_err(E2eError::command(format!("clearing `{css}`")))?;
        element.send_keys(text).await.map_err(E2eError::command(format!("typing into `{css}`")))
    }

    /// The visible text of the element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String, E2eError> {
        self.find(css).await?.text().await.map_err(E2eError::command(format!("reading `{css}`")))
    }

    /// The `data-status` of step `step_id`'s row.
    pub async fn step_status(&self, step_id: &str) -> Result<String, E2eError> {
        let script = format!(
            "const e = document.querySelector('[data-step=\"' + {} + '\"]'); return e ? e.dataset.status || '' : ''",
            json!(step_id)
        );
        Ok(self.eval(&script, vec![]).await?.as_str().unwrap_or_default().to_string())
    }

    /// Wait until step `step_id` has one of `statuses`.
    pub async fn wait_step(
        &self,
        step_id: &str,
        statuses: &[&str],
        timeout: Duration,
    ) -> Result<String, E2eError> {
        let script = format!(
            "const e = document.querySelector('[data-step=\"' + {} + '\"]'); return e !== null && {}.includes(e.dataset.status)",
            json!(step_id),
            json!(statuses)
        );
        self.wait_until(
            &format!("step {step_id} to be {}", statuses.join(" or ")),
            &script,
            timeout,
        )
        .await?;
        self.step_status(step_id).await
    }
}
