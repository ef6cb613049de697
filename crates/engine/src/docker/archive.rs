//! Copying files in and out of containers through the archive API (`GET`/`PUT
//! /containers/{id}/archive`), which works the same on every platform — Docker Desktop's
//! volumes live inside a VM, so a volume's host path is never used.
//!
//! Both directions stream: a download is unpacked by a thread while it arrives, an upload is
//! packed by a thread while it is sent, so a 1 GiB database never sits in memory. A download
//! is written to `<name>.part` and renamed only once complete, so a failed copy leaves no file
//! that could be mistaken for a good one.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Duration;

use bollard::query_parameters::{
    DownloadFromContainerOptionsBuilder, UploadToContainerOptionsBuilder,
};
use bytes::Bytes;
use futures_util::StreamExt;

use super::{Connection, DockerError};

/// Chunks in flight between the network and the packing/unpacking thread.
const CHUNKS_IN_FLIGHT: usize = 16;
/// Size of one upload chunk.
const CHUNK: usize = 256 * 1024;
/// A copy may take this long (a large database on a slow disk).
const COPY_DEADLINE: Duration = Duration::from_secs(1800);

/// Copy one file out of a container to `dest` on this machine. Returns its size, or `None`
/// when the container has no such file.
pub fn download_file(
    conn: &Connection,
    container: &str,
    path_in_container: &str,
    dest: &Path,
) -> Result<Option<u64>, DockerError> {
    let part = part_path(dest);
    let (tx, rx) = sync_channel::<Bytes>(CHUNKS_IN_FLIGHT);
    let options = DownloadFromContainerOptionsBuilder::new().path(path_in_container).build();
    let container_owned = container.to_owned();
    let (sent, unpacked) = std::thread::scope(|s| {
        let part = &part;
        let unpacker = s.spawn(move || unpack_single_file(ChunkReader::new(rx), part));
        let sent = conn.stream("copy from container", COPY_DEADLINE, move |d| async move {
            let mut stream = d.download_from_container(&container_owned, Some(options));
            while let Some(chunk) = stream.next().await {
                // A closed channel means the unpacker gave up; its error is reported below.
                if tx.send(chunk?).is_err() {
                    break;
                }
            }
            Ok(())
        });
        let unpacked =
            unpacker.join().unwrap_or_else(|_| Err(io::Error::other("unpacking thread panicked")));
        (sent, unpacked)
    });
    match (sent, unpacked) {
        (Ok(()), Ok(size)) => {
            std::fs::rename(&part, dest)
                .map_err(|source| DockerError::Io { path: dest.to_path_buf(), source })?;
            Ok(Some(size))
        }
        (Err(e), _) => {
            let _ = std::fs::remove_file(&part);
            if e.is_not_found() { Ok(None) } else { Err(e) }
        }
        (Ok(()), Err(source)) => {
            let _ = std::fs::remove_file(&part);
            Err(DockerError::Io { path: dest.to_path_buf(), source })
        }
    }
}

/// One file to put into a container.
#[derive(Debug, Clone)]
pub struct Upload<'a> {
    /// The file's name inside the target folder.
    pub name: &'a str,
    /// Its content: a file on this machine, or nothing (an empty file).
    pub source: Option<&'a Path>,
}

/// Put files into a folder of a container (which may be stopped: Docker mounts its volumes for
/// the copy). Existing files of the same name are replaced.
pub fn upload_files(
    conn: &Connection,
    container: &str,
    folder_in_container: &str,
    files: &[Upload<'_>],
) -> Result<(), DockerError> {
    let (tx, rx) = sync_channel::<Bytes>(CHUNKS_IN_FLIGHT);
    let options = UploadToContainerOptionsBuilder::new().path(folder_in_container).build();
    std::thread::scope(|s| {
        let packer =
            s.spawn(move || pack(files, ChunkWriter { tx, buf: Vec::with_capacity(CHUNK) }));
        let body = bollard::body_stream(futures_util::stream::unfold(rx, |rx| async move {
            // Blocking here is fine: the packer thread does not need this runtime to progress.
            rx.recv().ok().map(|chunk| (chunk, rx))
        }));
        let sent = conn.call_within(
            "copy into container",
            COPY_DEADLINE,
            conn.api().upload_to_container(container, Some(options), body),
        );
        let packed =
            packer.join().unwrap_or_else(|_| Err(io::Error::other("packing thread panicked")));
        match (sent, packed) {
            (Err(e), _) => Err(e),
            (Ok(()), Err(source)) => {
                Err(DockerError::Io { path: PathBuf::from(folder_in_container), source })
            }
            (Ok(()), Ok(())) => Ok(()),
        }
    })
}

fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".part");
    dest.with_file_name(name)
}

/// Unpack the one regular file of a download into `part`; returns its size.
fn unpack_single_file(reader: impl Read, part: &Path) -> io::Result<u64> {
    let mut archive = tar::Archive::new(reader);
    let mut size = None;
    for entry in archive.entries()? {
        let mut entry = entry?;
        if size.is_none() && entry.header().entry_type().is_file() {
            let mut out = File::create(part)?;
            let n = io::copy(&mut entry, &mut out)?;
            out.sync_all()?;
            size = Some(n);
        }
    }
    size.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "the archive held no file"))
}

fn pack(files: &[Upload<'_>], writer: ChunkWriter) -> io::Result<()> {
    let mut builder = tar::Builder::new(writer);
    for file in files {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_mtime(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        );
        match file.source {
            Some(path) => {
                let mut f = File::open(path)?;
                header.set_size(f.metadata()?.len());
                builder.append_data(&mut header, file.name, &mut f)?;
            }
            None => {
                header.set_size(0);
                builder.append_data(&mut header, file.name, io::empty())?;
            }
        }
    }
    let mut writer = builder.into_inner()?;
    writer.flush()
}

/// Reads the chunks a download sends, in order.
struct ChunkReader {
    rx: Receiver<Bytes>,
    current: Bytes,
}

impl ChunkReader {
    fn new(rx: Receiver<Bytes>) -> Self {
        Self { rx, current: Bytes::new() }
    }
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.recv() {
                Ok(chunk) => self.current = chunk,
                // The sender is gone: the download ended.
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        let _ = self.current.split_to(n);
        Ok(n)
    }
}

/// Sends what the tar builder writes as chunks of [`CHUNK`] bytes.
struct ChunkWriter {
    tx: SyncSender<Bytes>,
    buf: Vec<u8>,
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
            self.tx
                .send(chunk)
                .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the upload stopped"))?;
        }
        Ok(())
    }
}
