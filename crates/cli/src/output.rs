//! Writing output files safely: to a temporary file beside the target, then renamed over it,
//! so an interrupted write never leaves half a report behind.

use std::io::Write;
use std::path::Path;

use crate::failure::Failure;

/// Write `text` to `path` (atomically) or, when `path` is `None`, to standard output.
pub fn write_text(path: Option<&Path>, text: &str) -> Result<(), Failure> {
    let Some(path) = path else {
        print!("{text}");
        return Ok(());
    };
    let failure = |source| Failure::Write { path: path.to_path_buf(), source };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(failure(e));
    }
    Ok(())
}
