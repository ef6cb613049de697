//! `pilot demo init DIR [--docker]`.

use pilot_engine::demo::{DemoOptions, init_demo_with};

use crate::cli::DemoCommand;
use crate::failure::{ExitCode, Failure};

pub fn demo(cmd: DemoCommand) -> Result<ExitCode, Failure> {
    match cmd {
        DemoCommand::Init { dir, docker } => {
            let demo = init_demo_with(&dir, chrono::Utc::now(), DemoOptions { docker })?;
            println!("Demo project created in {}", demo.path.display());
            println!("Its plan: {}", demo.plan.display());
            println!(
                "Try: pilot run --repo {} --plan {} --dry-run",
                demo.path.display(),
                demo.plan.display()
            );
            if docker {
                println!(
                    "Docker mode: build the sample images first, as {} explains",
                    demo.path.join("DOCKER.md").display()
                );
            }
            Ok(ExitCode::Go)
        }
    }
}
