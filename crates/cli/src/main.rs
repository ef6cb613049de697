//! `pilot`, the headless front end of Release Pilot.

fn main() {
    println!("pilot");
}
