//! What the Docker tests share (the engine's `docker::` tests and the CLI's acceptance run of
//! the Docker templates): the engine (or a loud skip), the sample binary and images, a running
//! sample service, a cleanup guard, a tiny HTTP client and row counts.
//!
//! Test support: a failure here is the test's failure, so it panics with a message.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig};
use pilot_engine::docker::{
    self, Connection, DatabaseLocation, TEST_LABEL, container, image, volume,
};

/// The Dockerfile of the sample image, the one `scripts/build-sample-images.sh` uses.
const DOCKERFILE: &str = include_str!("../../sample-service/Dockerfile");

/// A connection to the engine, or `None` (after a loud message) when there is none and the
/// environment does not require one.
pub fn engine() -> Option<Connection> {
    match Connection::connect() {
        Ok(c) => Some(c),
        Err(e) if std::env::var_os("RELEASE_PILOT_REQUIRE_DOCKER").is_some() => {
            panic!(
                "RELEASE_PILOT_REQUIRE_DOCKER is set but the Docker engine cannot be reached: {e}"
            )
        }
        Err(e) => {
            eprintln!(
                "\n!!!!!!!! SKIPPED: Docker test without a Docker engine !!!!!!!!\n\
                 !!!!!!!! {e}\n\
                 !!!!!!!! set RELEASE_PILOT_REQUIRE_DOCKER=1 to make this a failure\n"
            );
            None
        }
    }
}

/// A name unique to this test process and purpose, e.g. "rp-test-deploy-1234".
pub fn unique(purpose: &str) -> String {
    format!("rp-test-{purpose}-{}", std::process::id())
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port on 127.0.0.1");
    listener.local_addr().expect("the listener has an address").port()
}

/// The static sample binary: `RELEASE_PILOT_SAMPLE_BINARY`, else built once into
/// `<target>/sample-static` (its own target dir, so the outer cargo's lock is not in the way).
pub fn sample_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    static BUILDING: Mutex<()> = Mutex::new(());
    if let Some(p) = std::env::var_os("RELEASE_PILOT_SAMPLE_BINARY") {
        return PathBuf::from(p);
    }
    let _lock = BUILDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    BUILT
        .get_or_init(|| {
            let target = target_dir().join("sample-static");
            let binary =
                target.join("x86_64-unknown-linux-gnu").join("release").join("sample-service");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args([
                    "build",
                    "--release",
                    "-p",
                    "sample-service",
                    "--target",
                    "x86_64-unknown-linux-gnu",
                ])
                .env("CARGO_TARGET_DIR", &target)
                .env("RUSTFLAGS", "-C target-feature=+crt-static")
                // In this checkout: the path compiled into this library may name another
                // clone that shared the target folder (cargo reuses the build across them).
                .current_dir(
                    std::env::var_os("CARGO_MANIFEST_DIR")
                        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from),
                )
                .status()
                .expect("run cargo to build the static sample service");
            assert!(
                status.success(),
                "the static sample service must build (see tests/sample-service)"
            );
            binary
        })
        .clone()
}

/// The cargo target dir the running test binary was built into (`<target>/debug/deps/<test>`),
/// so the sample binary lands beside the rest of the build whatever `CARGO_TARGET_DIR` is.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "deps"))
        .and_then(|deps| deps.parent()?.parent())
        .map(Path::to_path_buf)
        .expect("the test binary lives in <target>/<profile>/deps")
}

/// The build context: the Dockerfile and the binary, as an uncompressed tar.
fn context(binary: &Path) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(DOCKERFILE.len() as u64);
    header.set_mode(0o644);
    builder
        .append_data(&mut header, "Dockerfile", DOCKERFILE.as_bytes())
        .expect("add the Dockerfile");
    let mut file = std::fs::File::open(binary).expect("the sample binary exists");
    let mut header = tar::Header::new_gnu();
    header.set_size(file.metadata().expect("binary metadata").len());
    header.set_mode(0o755);
    builder.append_data(&mut header, "sample-service", &mut file).expect("add the binary");
    builder.into_inner().expect("finish the context")
}

/// Held while an image is built or removed. Every sample image shares its layers (the same
/// binary on `scratch`), and the engine does not protect a layer that a build in progress is
/// about to reuse: one test removing its image while another builds failed with "failed to get
/// digest sha256:…: no such file". Tests of one binary run as threads, so a process-wide lock is
/// enough (cargo runs test binaries one at a time).
static IMAGE_LOCK: Mutex<()> = Mutex::new(());

fn image_lock() -> std::sync::MutexGuard<'static, ()> {
    IMAGE_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Build `release-pilot-sample:<version>` (broken: its health check fails forever).
pub fn build_sample(conn: &Connection, version: &str, broken: bool) -> String {
    build_sample_as(conn, "release-pilot-sample", version, broken)
}

/// [`build_sample`] under another repository name (`REPOSITORY:VERSION`), for tests that run a
/// plan whose `image` variable they set.
pub fn build_sample_as(conn: &Connection, repository: &str, version: &str, broken: bool) -> String {
    let tag = format!("{repository}:{version}");
    let request = image::BuildRequest {
        tag: &tag,
        context: context(&sample_binary()),
        build_args: HashMap::from([
            ("VERSION".to_owned(), version.to_owned()),
            ("FAIL_HEALTH".to_owned(), if broken { "1" } else { "0" }.to_owned()),
        ]),
        labels: HashMap::from([(TEST_LABEL.to_owned(), "1".to_owned())]),
    };
    let _lock = image_lock();
    image::build(conn, request, &|_| {})
        .unwrap_or_else(|e| panic!("building {tag} must work: {e}"));
    tag
}

/// Removes everything a test made, pass or fail: containers whose names start with the prefix
/// (the service, its fallbacks, rolled-back copies), volumes and images.
#[derive(Debug)]
pub struct Cleanup {
    pub prefix: String,
    pub volumes: Vec<String>,
    pub images: Vec<String>,
}

impl Cleanup {
    pub fn new(prefix: &str) -> Self {
        Self { prefix: prefix.to_owned(), volumes: Vec::new(), images: Vec::new() }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let Ok(conn) = Connection::connect() else { return };
        if let Ok(names) = container::names_with_prefix(&conn, &self.prefix) {
            for n in names {
                let _ = container::remove(&conn, &n);
            }
        }
        for v in &self.volumes {
            let _ = volume::remove(&conn, v);
        }
        let _lock = image_lock();
        for i in &self.images {
            let _ = image::remove(&conn, i);
        }
    }
}

/// Start the sample service from `image` as `name`, host networking on `port`, its database in
/// `volume` at /data/app.db.
pub fn start_service(conn: &Connection, name: &str, image: &str, volume_name: &str, port: u16) {
    start_service_with(conn, name, image, volume_name, port, &[]);
}

/// [`start_service`] with extra environment (the sample service's fault switches).
pub fn start_service_with(
    conn: &Connection,
    name: &str,
    image: &str,
    volume_name: &str,
    port: u16,
    extra_env: &[&str],
) {
    volume::create(conn, volume_name, HashMap::from([(TEST_LABEL.to_owned(), "1".to_owned())]))
        .expect("create the test volume");
    let body = ContainerCreateBody {
        image: Some(image.to_owned()),
        env: Some(
            vec![
                format!("SAMPLE_PORT={port}"),
                "SAMPLE_ENVIRONMENT=test".into(),
                "SAMPLE_WRITE_MS=20".into(),
            ]
            .into_iter()
            .chain(extra_env.iter().map(|e| (*e).to_owned()))
            .collect(),
        ),
        labels: Some(HashMap::from([(TEST_LABEL.to_owned(), "1".to_owned())])),
        host_config: Some(HostConfig {
            network_mode: Some("host".into()),
            binds: Some(vec![format!("{volume_name}:/data")]),
            ..Default::default()
        }),
        ..Default::default()
    };
    container::create(conn, name, body).expect("create the service container");
    container::start(conn, name).expect("start the service container");
    match container::wait_healthy(conn, name, Duration::from_secs(30), &|_| {}, &|_| {}) {
        Ok(container::HealthWait::Up { .. }) => {}
        other => panic!("the sample service {name} must become healthy: {other:?}"),
    }
}

/// Version N of the sample service running, with N+1 built beside it: what a deploy test starts
/// from. Everything is removed when the value drops.
#[derive(Debug)]
pub struct Running {
    /// The container (and the prefix of everything the test makes).
    pub name: String,
    /// The versions N and N+1.
    pub v1: String,
    pub v2: String,
    /// Their images.
    pub n: String,
    pub next: String,
    pub port: u16,
    pub cleanup: Cleanup,
}

/// Build N and N+1 (`broken_next`: N+1's health check fails forever) and start N, named after
/// `purpose` and this test process.
pub fn running_n_with_next(conn: &Connection, purpose: &str, broken_next: bool) -> Running {
    let name = unique(purpose);
    let mut cleanup = Cleanup::new(&name);
    let id = std::process::id();
    let (v1, v2) = (format!("1.0.0-{purpose}{id}"), format!("1.1.0-{purpose}{id}"));
    let (n, next) = (build_sample(conn, &v1, false), build_sample(conn, &v2, broken_next));
    cleanup.images.extend([n.clone(), next.clone()]);
    let volume = format!("{name}-data");
    cleanup.volumes.push(volume.clone());
    let port = free_port();
    start_service(conn, &name, &n, &volume, port);
    Running { name, v1, v2, n, next, port, cleanup }
}

/// GET a path on 127.0.0.1:port; the status and body.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Some((status, body))
}

/// POST a JSON body to the service on `port`; the status and body, or `None` when nothing
/// answered.
pub fn http_post_json(port: u16, path: &str, body: &str) -> Option<(u16, String)> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "POST {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Some((status, body))
}

/// The version the service on `port` reports.
pub fn served_version(port: u16) -> Option<String> {
    let (_, body) = http_get(port, "/api/v1/version")?;
    let json: serde_json::Value = serde_json::from_str(&body).ok()?;
    json.get("version")?.as_str().map(str::to_owned)
}

/// Wait until the service on `port` reports `version` (up to `within`).
pub fn wait_for_version(port: u16, version: &str, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if served_version(port).as_deref() == Some(version) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Rows per table of the service's database, read from a copy taken through the archive API.
pub fn row_counts(conn: &Connection, container_name: &str) -> HashMap<String, i64> {
    let work = tempfile::tempdir().expect("a temp dir");
    let location =
        DatabaseLocation { container: Some(container_name), volume: None, db_path: "/data/app.db" };
    let copied = docker::copy_database_out(conn, &location, work.path(), &|_| {})
        .expect("copy the database out");
    let db = rusqlite::Connection::open(&copied.path).expect("open the copy");
    let mut counts = HashMap::new();
    for table in ["students", "courses", "enrollments"] {
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count rows");
        counts.insert(table.to_owned(), n);
    }
    counts
}
