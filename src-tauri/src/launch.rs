//! How the app is started: the command line (`release-pilot [--repo DIR]`, `--help`,
//! `--version`) and the desktop configuration built from it and the environment.
//!
//! Plain std parsing: three options do not justify a dependency.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use pilot_desktop_api::{ApiError, DesktopConfig, ErrorKind};
use pilot_engine::DataPaths;
use pilot_engine::paths::DATA_DIR_ENV;

/// The data folder's app id: the same as the `pilot` CLI's, so runs are shared between them.
/// End-to-end builds use their own, so a test never touches a user's runs.
pub const DATA_APP_ID: &str =
    if cfg!(feature = "e2e") { "ReleasePilotE2E" } else { "ReleasePilot" };

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    /// Open the window, with a repository to open directly when `--repo DIR` was given.
    Window { repo: Option<PathBuf> },
    /// Print the usage.
    Help,
    /// Print the version.
    Version,
}

/// The usage text for `--help`.
pub const USAGE: &str = "\
Release Pilot: a desktop release assistant.

Usage: release-pilot [--repo DIR]

Options:
  --repo DIR     open the git repository DIR directly
  -h, --help     print this help
  -V, --version  print the version

Environment:
  RELEASE_PILOT_DATA_DIR  the data folder (run store, backups), shared with `pilot`
";

/// Parse the arguments after the program name. The error says what was wrong and how to ask
/// for help.
pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Launch, String> {
    let mut args = args.into_iter();
    let mut repo = None;
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        match text.as_ref() {
            "-h" | "--help" => return Ok(Launch::Help),
            "-V" | "--version" => return Ok(Launch::Version),
            "--repo" => match args.next() {
                Some(dir) if !dir.is_empty() => repo = Some(PathBuf::from(dir)),
                _ => return Err("--repo needs a folder: release-pilot --repo DIR".into()),
            },
            other => {
                if let Some(dir) = other.strip_prefix("--repo=").filter(|d| !d.is_empty()) {
                    repo = Some(PathBuf::from(dir));
                } else if other.starts_with("-psn_") {
                    // macOS Finder may pass a process serial number to apps it launches.
                } else {
                    return Err(format!("unexpected argument {other:?}; see release-pilot --help"));
                }
            }
        }
    }
    Ok(Launch::Window { repo })
}

/// The desktop configuration: the data folder (env `RELEASE_PILOT_DATA_DIR`, else the
/// per-user folder) and the repository to open.
pub fn desktop_config(start_repo: Option<PathBuf>) -> Result<DesktopConfig, ApiError> {
    let env_dir = std::env::var(DATA_DIR_ENV).ok();
    let data = DataPaths::resolve(None, env_dir.as_deref(), DATA_APP_ID).ok_or_else(|| {
        ApiError::new(
            ErrorKind::Store,
            format!(
                "there is no per-user data folder on this system (no home folder?): set \
                 {DATA_DIR_ENV} to a folder Release Pilot may write to, then start it again"
            ),
        )
    })?;
    Ok(DesktopConfig {
        data,
        start_repo: start_repo.map(|p| absolute(&p)),
        app_version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

/// `--repo` relative to the folder the app was started in; the UI shows it as given to git.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Launch, String> {
        parse_args(args.iter().map(OsString::from))
    }

    #[test]
    fn no_arguments_open_the_welcome_screen() {
        assert_eq!(parse(&[]), Ok(Launch::Window { repo: None }), "nothing to open directly");
    }

    #[test]
    fn repo_is_taken_as_a_separate_or_joined_value() {
        let want = Ok(Launch::Window { repo: Some(PathBuf::from("my project")) });
        assert_eq!(parse(&["--repo", "my project"]), want, "--repo DIR");
        assert_eq!(parse(&["--repo=my project"]), want, "--repo=DIR");
    }

    #[test]
    fn help_and_version_win_over_everything_else() {
        assert_eq!(parse(&["--repo", "x", "--help"]), Ok(Launch::Help), "--help");
        assert_eq!(parse(&["-V"]), Ok(Launch::Version), "-V");
    }

    #[test]
    fn mistakes_are_explained() {
        let missing = parse(&["--repo"]).expect_err("--repo without a folder");
        assert!(missing.contains("--repo DIR"), "says how to write it: {missing}");
        let unknown = parse(&["--frobnicate"]).expect_err("unknown option");
        assert!(unknown.contains("--frobnicate") && unknown.contains("--help"), "{unknown}");
    }

    #[test]
    fn the_data_folder_is_shared_with_the_cli_unless_built_for_end_to_end_tests() {
        let want = if cfg!(feature = "e2e") { "ReleasePilotE2E" } else { "ReleasePilot" };
        assert_eq!(DATA_APP_ID, want, "the app id selects the per-user data folder");
    }
}
