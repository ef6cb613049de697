//! The engine lost in the middle of a deploy. Stopping the machine's dockerd would disturb
//! everything else on a shared machine, so the test talks to the engine through its own Unix
//! socket proxy and kills the proxy — closing every connection and removing the socket — at
//! the moment the deploy is about to create the new container (after the old one was stopped
//! and renamed: the worst point). To the engine code this is exactly an engine that went away.
//! Then the step is re-run against the real engine and must continue from the kept container.

use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pilot_engine::docker::recreate::{self, RecreateOutcome, RecreateRequest};
use pilot_engine::docker::{Connection, container};

use super::support::{Running, engine, running_n_with_next, wait_for_version};

/// A Unix socket that forwards to the real engine until killed.
struct Proxy {
    path: PathBuf,
    dead: Arc<AtomicBool>,
    streams: Arc<Mutex<Vec<UnixStream>>>,
}

impl Proxy {
    fn start(path: &Path, engine_socket: PathBuf) -> Self {
        let listener = UnixListener::bind(path).expect("bind the proxy socket");
        let dead = Arc::new(AtomicBool::new(false));
        let streams: Arc<Mutex<Vec<UnixStream>>> = Arc::new(Mutex::new(Vec::new()));
        let (d, s) = (dead.clone(), streams.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if d.load(Ordering::SeqCst) {
                    let _ = client.shutdown(std::net::Shutdown::Both);
                    continue;
                }
                let Ok(upstream) = UnixStream::connect(&engine_socket) else { continue };
                for stream in [&client, &upstream] {
                    if let Ok(c) = stream.try_clone() {
                        s.lock().expect("streams").push(c);
                    }
                }
                pipe(&client, &upstream);
                pipe(&upstream, &client);
            }
        });
        Self { path: path.to_path_buf(), dead, streams }
    }

    /// The engine "stops": every connection is cut and the socket disappears.
    fn kill(&self) {
        self.dead.store(true, Ordering::SeqCst);
        let _ = std::fs::remove_file(&self.path);
        for s in self.streams.lock().expect("streams").drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }
}

fn pipe(from: &UnixStream, to: &UnixStream) {
    let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else { return };
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(std::net::Shutdown::Write);
    });
}

/// The real engine's socket path.
fn engine_socket() -> PathBuf {
    match std::env::var("DOCKER_HOST") {
        Ok(h) if h.starts_with("unix://") => PathBuf::from(h.trim_start_matches("unix://")),
        _ => PathBuf::from("/var/run/docker.sock"),
    }
}

#[test]
fn engine_lost_mid_deploy_keeps_the_old_container_and_the_step_resumes() {
    let Some(conn) = engine() else { return };
    let running = running_n_with_next(&conn, "interrupted", false);
    let Running { name, v2, n, next: n1, port, cleanup: _cleanup, .. } = running;

    let dir = tempfile::tempdir().expect("a temp dir");
    let socket = dir.path().join("engine.sock");
    let proxy = Proxy::start(&socket, engine_socket());
    let through_proxy = Connection::connect_to(Some(&format!("unix://{}", socket.display())))
        .expect("the proxy reaches the engine");
    let request = RecreateRequest {
        container: &name,
        image: &n1,
        health_timeout: Duration::from_secs(60),
        stop_grace: Duration::from_secs(10),
        now: chrono::Utc::now(),
    };
    let report = recreate::recreate(
        &through_proxy,
        &request,
        &|line| {
            if line.starts_with("create ") {
                proxy.kill();
            }
        },
        &|_| {},
    );
    let RecreateOutcome::Interrupted { error, left } = &report.outcome else {
        panic!("losing the engine mid-deploy is reported as an interruption: {:?}", report.outcome);
    };
    assert!(error.is_engine_gone(), "the error says the engine went away: {error}");
    let fallback =
        report.fallback.clone().expect("the old container was kept under a fallback name");
    assert!(left.contains(&fallback), "the report names where the old container is: {left}");

    // Nothing lost: the old container exists, stopped, under its fallback name.
    let kept = container::state(&conn, &fallback)
        .expect("inspect")
        .expect("the old container still exists");
    assert_eq!(kept.image, n, "the kept container is version N");
    assert!(
        container::state(&conn, &name).expect("inspect").is_none(),
        "no half-made new container"
    );

    // Resumable: the step re-run against the engine continues from the kept container.
    let resumed = recreate::recreate(
        &conn,
        &RecreateRequest { now: chrono::Utc::now(), ..request },
        &|_| {},
        &|_| {},
    );
    assert!(
        matches!(resumed.outcome, RecreateOutcome::Deployed),
        "the re-run finishes the deploy: {:?}",
        resumed.outcome
    );
    assert!(
        wait_for_version(port, &v2, Duration::from_secs(10)),
        "N+1 serves after the resumed deploy"
    );
}
