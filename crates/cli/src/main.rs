//! `pilot`, the headless front end of Release Pilot: the same engine as the desktop app, for
//! terminals and CI pipelines.
//!
//! Layout: `cli.rs` (the arguments, with clap), `commands/` (one file per command, each a few
//! lines over the engine), `progress.rs` (live progress in a terminal, plain lines otherwise),
//! `failure.rs` (errors and exit codes), `output.rs` (writing files without leaving half a file).
//!
//! Exit codes: 0 done and go; 1 failed or no-go; 2 bad input (or anything that stopped the
//! command before it could decide); 3 waiting on a person.

mod cli;
mod commands;
mod failure;
mod output;
mod progress;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    match commands::dispatch(cli) {
        Ok(code) => code.into(),
        Err(failure) => {
            eprintln!("error: {failure}");
            failure::ExitCode::BadInput.into()
        }
    }
}
