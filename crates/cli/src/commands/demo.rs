//! `pilot demo init DIR`.

use pilot_engine::demo::init_demo;

use crate::cli::DemoCommand;
use crate::failure::{ExitCode, Failure};

pub fn demo(cmd: DemoCommand) -> Result<ExitCode, Failure> {
    match cmd {
        DemoCommand::Init { dir } => {
            let demo = init_demo(&dir, chrono::Utc::now())?;
            println!("Demo project created in {}", demo.path.display());
            println!("Its plan: {}", demo.plan.display());
            println!(
                "Try: pilot run --repo {} --plan {} --dry-run",
                demo.path.display(),
                demo.plan.display()
            );
            Ok(ExitCode::Go)
        }
    }
}
