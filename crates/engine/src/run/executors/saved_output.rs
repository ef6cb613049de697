//! A command's standard output saved to the file the plan names (`stdout_file`), line by line as
//! it arrives, so a report printed to stdout (`playwright test --reporter=json`) can be imported
//! by a later `test.report` step without holding it in memory.
//!
//! The lines go to `<file>.partial` beside the target and are renamed over it only once the
//! program has ended and everything was written: a reader never sees half a report, and a step
//! that fails to write (or is abandoned) leaves no partial file behind.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub(super) struct SavedOutput {
    target: PathBuf,
    partial: PathBuf,
    writer: Option<BufWriter<File>>,
    bytes: u64,
    /// The first write that failed; later lines are dropped.
    error: Option<String>,
}

impl SavedOutput {
    /// Start `<target>.partial`, creating the target's folder if needed.
    pub(super) fn create(target: &Path) -> Result<Self, String> {
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".partial");
        let partial = target.with_file_name(name);
        let cannot = |e: std::io::Error| {
            format!(
                "Cannot write the output file {} ({e}): choose a writable path for stdout_file in \
                 the plan, then re-run the step.",
                target.display()
            )
        };
        if let Some(folder) = target.parent().filter(|f| !f.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(cannot)?;
        }
        let file = File::create(&partial).map_err(cannot)?;
        Ok(Self {
            target: target.to_path_buf(),
            partial,
            writer: Some(BufWriter::new(file)),
            bytes: 0,
            error: None,
        })
    }

    /// One line of the program's standard output.
    pub(super) fn line(&mut self, line: &str) {
        let Some(writer) = self.writer.as_mut().filter(|_| self.error.is_none()) else { return };
        match writeln!(writer, "{line}") {
            Ok(()) => self.bytes += line.len() as u64 + 1,
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Put the complete file in place: its path and size, or why it could not be saved (the
    /// partial file is removed then).
    pub(super) fn finish(mut self) -> Result<(PathBuf, u64), String> {
        let written = match (self.writer.take(), self.error.take()) {
            (_, Some(e)) => Err(e),
            (Some(writer), None) => writer
                .into_inner()
                .map_err(|e| e.error().to_string())
                .and_then(|f| f.sync_all().map_err(|e| e.to_string())),
            (None, None) => Err("the file was already closed".to_owned()),
        };
        let placed = written
            .and_then(|()| std::fs::rename(&self.partial, &self.target).map_err(|e| e.to_string()));
        match placed {
            Ok(()) => Ok((self.target.clone(), self.bytes)),
            Err(e) => Err(format!(
                "The program's output could not be saved to {} ({e}): check the disk and the \
                 path, then re-run the step.",
                self.target.display()
            )),
        }
    }
}

impl Drop for SavedOutput {
    /// Whatever did not reach `finish` (or failed in it) leaves no partial file.
    fn drop(&mut self) {
        drop(self.writer.take());
        let _ = std::fs::remove_file(&self.partial);
    }
}
