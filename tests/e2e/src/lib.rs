//! The end-to-end harness: drives a Tauri app in its real webview through WebDriver.
//!
//! The chain is: this process → `tauri-driver` (the WebDriver intermediary, on a free port) →
//! `WebKitWebDriver` (on another free port) → the app binary, launched with automation enabled
//! inside an X display (the one in `$DISPLAY` when it answers, else a private Xvfb).
//!
//! - [`display`]: the X display (Xvfb started and stopped when needed).
//! - [`driver`]: the `tauri-driver` process: free ports, WebKit environment, `/status` polling,
//!   stopped with SIGTERM (a SIGKILL would leave WebKitWebDriver holding its port).
//! - [`session`]: a WebDriver session on the app, the DOM-contract waits and the screenshots.
//! - [`locate`]: where the binaries are (and building the small ones when they are missing).
//! - [`procfs`]: process start times and memory (PSS) of the app and its WebKit processes, for
//!   the benchmarks.
//! - [`prerequisites`]: what must be installed, and skipping loudly when it is not.

pub mod display;
pub mod driver;
pub mod error;
pub mod locate;
pub mod prerequisites;
pub mod procfs;
pub mod session;
mod signal;

pub use display::Display;
pub use driver::TauriDriver;
pub use error::E2eError;
pub use session::{AppSession, Screenshots};
