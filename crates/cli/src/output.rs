//! Writing output: a file written whole or not at all, or standard output.

use std::path::Path;

use pilot_engine::write::write_file_atomically;

use crate::failure::Failure;

/// Write `text` to `path` (atomically) or, when `path` is `None`, to standard output.
pub fn write_text(path: Option<&Path>, text: &str) -> Result<(), Failure> {
    match path {
        None => {
            print!("{text}");
            Ok(())
        }
        Some(path) => write_file_atomically(path, text.as_bytes())
            .map_err(|source| Failure::Write { path: path.to_path_buf(), source }),
    }
}
