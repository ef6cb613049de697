//! The shell's commands called the way the web UI calls them: through Tauri's IPC, on the
//! mock runtime (`tauri::test`), against a real run store in a temp data folder and the real
//! demo repository. Checks names, camelCase arguments, return JSON, channel messages, the
//! error JSON, and the access control the real configuration builds.

mod access;
mod common;
mod errors;
mod output;
mod project;
mod report;
mod run;
mod signature;
