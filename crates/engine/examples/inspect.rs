//! Prints the repository facts of a folder as JSON, exactly as `pilot inspect --json` will:
//! `cargo run --example inspect -p pilot-engine -- <folder>`. Used to measure the reading
//! before the CLI command exists.

use std::path::PathBuf;
use std::process::ExitCode;

use pilot_engine::repo::{InspectOptions, inspect};

fn main() -> ExitCode {
    let path = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    match inspect(&path, &InspectOptions::default()) {
        Ok(facts) => match serde_json::to_string_pretty(&facts) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("could not write the facts as JSON: {error}");
                ExitCode::FAILURE
            }
        },
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
