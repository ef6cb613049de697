//! The `release-pilot` binary: parse the command line, then open the window.

// No console window behind the app on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use release_pilot_app::{Launch, parse_args};

fn main() -> ExitCode {
    match parse_args(std::env::args_os().skip(1)) {
        Ok(Launch::Help) => {
            print!("{}", release_pilot_app::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Launch::Version) => {
            println!("release-pilot {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Ok(Launch::Window { repo }) => match release_pilot_app::run(repo) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("release-pilot: the window could not be opened: {e}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("release-pilot: {message}");
            ExitCode::from(2)
        }
    }
}
