//! A mock app wired exactly as `release_pilot_app::run` wires the real one, plus a way to
//! invoke a command as the webview does and to read what a channel received.

use std::path::Path;
use std::sync::{Arc, Mutex};

use pilot_desktop_api::{Desktop, DesktopConfig};
use pilot_engine::{DataPaths, SystemClock};
use release_pilot_app::AppState;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// One message a channel delivered to the (mock) webview.
#[derive(Debug, Clone)]
pub struct Received {
    /// The channel's id, as the webview named it (`__CHANNEL__:<id>`).
    pub channel: u32,
    /// Its position in the channel's stream (the webview reorders by it).
    pub index: usize,
    pub message: Value,
}

pub struct TestApp {
    // Kept so the app (and its state) lives as long as the window.
    _app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    /// The temp data folder (run store, demos); removed when the test ends.
    pub data: tempfile::TempDir,
    received: Arc<Mutex<Vec<Received>>>,
}

/// A desktop configuration in `data`, never the user's data folder.
pub fn config(data: &Path) -> DesktopConfig {
    DesktopConfig { data: DataPaths::new(data), start_repo: None, app_version: "0.0.0-test".into() }
}

impl TestApp {
    /// An app over a fresh run store in a temp folder.
    pub fn new() -> Self {
        let data = tempfile::tempdir().expect("a temp data folder");
        let desktop =
            Desktop::open(config(data.path()), Arc::new(SystemClock)).expect("the store opens");
        Self::with_state(AppState::ready(desktop), data)
    }

    /// An app with the given state (e.g. a store that failed to open).
    pub fn with_state(state: AppState, data: tempfile::TempDir) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&received);
        // Channels deliver by evaluating script in the webview, which the mock runtime cannot
        // run; the interceptor is Tauri's hook for replacing that delivery, so the test sees
        // exactly what the webview would be handed.
        let builder = mock_builder().channel_interceptor(move |_webview, callback, index, body| {
            let message = match body {
                InvokeResponseBody::Json(json) => {
                    serde_json::from_str(json).expect("channel messages are JSON")
                }
                InvokeResponseBody::Raw(bytes) => Value::from(bytes.clone()),
            };
            sink.lock().expect("lock").push(Received { channel: callback.0, index, message });
            true
        });
        let app = release_pilot_app::app(builder, state)
            .build(mock_context(noop_assets()))
            .expect("the app builds");
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("the main window opens");
        Self { _app: app, window, data, received }
    }

    /// Invoke `cmd` with `args` from the main window's local origin, as `invoke()` in the UI.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke_from(&self.window, "tauri://localhost", cmd, args)
    }

    /// The desktop behind the commands, to record what the user chose as the shell does when
    /// its native dialog returns (the mock runtime cannot show one).
    pub fn desktop(&self) -> Arc<Desktop> {
        use tauri::Manager;
        self.window.state::<AppState>().desktop().expect("the desktop opened")
    }

    /// The messages channel `id` received so far, in delivery order.
    pub fn received(&self, id: u32) -> Vec<Received> {
        self.received.lock().expect("lock").iter().filter(|r| r.channel == id).cloned().collect()
    }

    /// Create the demo project and return its folder.
    pub fn demo(&self) -> String {
        let demo = self.invoke("create_demo", Value::Null).expect("create_demo works");
        demo["path"].as_str().expect("the demo has a path").to_string()
    }

    /// Start a run of the demo's own plan file.
    pub fn start_demo_run(&self, repo: &str) -> Value {
        let plans = self.invoke("find_plans", serde_json::json!({ "repo": repo })).expect("plans");
        let plan = plans[0]["path"].as_str().expect("a plan file").to_string();
        self.invoke(
            "start_run",
            serde_json::json!({ "request": {
                "repo": repo,
                "plan": { "type": "file", "value": plan },
                "version": null,
                "environment": null,
                "operator": "Grace Hopper <grace@example.com>",
                "dryRun": false,
            }}),
        )
        .expect("start_run works")
    }
}

/// Invoke from any window and origin (the access tests use other windows and origins).
pub fn invoke_from(
    window: &WebviewWindow<MockRuntime>,
    url: &str,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let body = if args.is_null() { serde_json::json!({}) } else { args };
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: url.parse().expect("a valid URL"),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request)
        .map(|body| body.deserialize::<Value>().expect("command results are JSON"))
}

/// Status of step `id` in a `RunDto`'s JSON.
pub fn step_status(run: &Value, id: &str) -> String {
    run["phases"]
        .as_array()
        .expect("phases")
        .iter()
        .flat_map(|p| p["steps"].as_array().expect("steps"))
        .find(|s| s["id"] == id)
        .and_then(|s| s["status"].as_str())
        .unwrap_or_else(|| panic!("step {id} is in the run"))
        .to_string()
}
