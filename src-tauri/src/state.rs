//! The app's managed state: the opened [`Desktop`], or the reason it could not be opened.

use std::sync::Arc;

use pilot_desktop_api::{ApiError, Desktop, DesktopConfig};
use pilot_engine::SystemClock;

/// What every command receives. Opening can fail (a damaged run store, no data folder); the
/// failure is kept and returned by each command instead of stopping the app, so the window
/// still opens and shows it.
#[derive(Debug, Clone)]
pub struct AppState {
    desktop: Result<Arc<Desktop>, ApiError>,
}

impl AppState {
    /// Open the run store named by `config` (or keep why there is no configuration).
    pub fn open(config: Result<DesktopConfig, ApiError>) -> Self {
        let desktop =
            config.and_then(|config| Desktop::open(config, Arc::new(SystemClock))).map(Arc::new);
        Self { desktop }
    }

    /// State around an already opened desktop (tests build theirs with a temp data folder).
    pub fn ready(desktop: Desktop) -> Self {
        Self { desktop: Ok(Arc::new(desktop)) }
    }

    /// State for an app that could not open its data: every command answers with `error`.
    pub fn failed(error: ApiError) -> Self {
        Self { desktop: Err(error) }
    }

    /// The desktop, or the error that kept it from opening.
    pub fn desktop(&self) -> Result<Arc<Desktop>, ApiError> {
        self.desktop.clone()
    }

    /// Why the app could not open its data, if it could not.
    pub fn problem(&self) -> Option<&ApiError> {
        self.desktop.as_ref().err()
    }
}
