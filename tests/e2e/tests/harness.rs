//! Proves the harness on the empty Tauri window: a display, tauri-driver up on free ports, a
//! session that launches the app, a screenshot, and a clean stop (the driver exits on SIGTERM
//! and its ports are free again). Cheap, and independent of the real app.

use std::net::TcpListener;
use std::time::Duration;

use pilot_e2e::{AppSession, Display, Screenshots, TauriDriver, locate, prerequisites};

#[tokio::test(flavor = "current_thread")]
async fn empty_window_session_screenshot_and_clean_stop() {
    let tools = match prerequisites::tools() {
        Ok(tools) => tools,
        Err(reason) => return prerequisites::skip("harness", &reason),
    };
    let app = locate::empty_window().expect("the empty window builds with cargo");
    let display = Display::for_tests().expect("an X display is available or Xvfb starts");
    let logs = tempfile::tempdir().expect("a temp folder for the driver log");
    let log = logs.path().join("tauri-driver.log");
    let driver = TauriDriver::start(&tools.tauri_driver, &display, &[], &log)
        .expect("tauri-driver starts and answers /status");
    let (port, native_port) = (driver.port(), driver.native_port());

    let session =
        AppSession::launch(&driver, &app, &[]).await.expect("a session launches the empty window");
    let mut shots =
        Screenshots::create("harness", &display).expect("the screenshot folder is created");
    session
        .wait_until(
            "the page to load",
            "return document.readyState === 'complete'",
            Duration::from_secs(30),
        )
        .await
        .expect("the empty page loads in the webview");
    let title = session.client.title().await.expect("the page has a title");
    assert_eq!(title, "Empty window", "the webview shows tests/empty-window/dist/index.html");
    let shot = shots.take(&session.client, "empty-window").await.expect("a screenshot is taken");
    let png = std::fs::read(&shot).expect("the screenshot file is readable");
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG ({} bytes)", png.len());
    session.close().await.expect("the session closes (and the app with it)");

    driver.stop().expect("tauri-driver exits on SIGTERM");
    // A driver stopped properly takes WebKitWebDriver with it: both ports are free again. Its
    // child exits a moment after it (the signal reaches it asynchronously), so allow 5 s.
    for p in [port, native_port] {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while TcpListener::bind(("127.0.0.1", p)).is_err() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(
            TcpListener::bind(("127.0.0.1", p)).is_ok(),
            "port {p} is free after the driver stopped (else WebKitWebDriver was left behind; log: {})",
            log.display()
        );
    }
    display.stop().expect("a private Xvfb stops on SIGTERM");
}
