//! Deploy overhead benchmark (`scripts/bench-deploy.sh`): how much of a deploy's wall time the
//! engine spends outside Docker's own operations.
//!
//! Builds two sample images (`release-pilot-sample:bench-a` / `bench-b`, from the static binary
//! named by `RELEASE_PILOT_SAMPLE_BINARY`), starts the service on a free 127.0.0.1 port with
//! host networking, then recreates it N times, alternating images. Each recreate runs on a
//! fresh connection whose clock adds up the time inside API calls and the time spent waiting
//! for the container's health; the rest of the wall time is the engine's overhead. Everything
//! made carries `dev.release-pilot.test=1` and is removed at the end.
//!
//! Prints one `deploy: ...` line for the script to record.

use std::collections::HashMap;
use std::net::{Ipv4Addr, TcpListener};
use std::time::Duration;

use bollard::models::{ContainerCreateBody, HostConfig};
use pilot_engine::docker::recreate::{self, RecreateOutcome, RecreateRequest};
use pilot_engine::docker::{Connection, TEST_LABEL, container, image, volume};

const DOCKERFILE: &str = include_str!("../../../tests/sample-service/Dockerfile");
const NAME: &str = "release-pilot-bench-deploy";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(6);
    let binary = std::env::var("RELEASE_PILOT_SAMPLE_BINARY")
        .map_err(|_| "set RELEASE_PILOT_SAMPLE_BINARY to the static sample-service binary")?;
    let conn = Connection::connect()?;
    let labels = HashMap::from([(TEST_LABEL.to_owned(), "1".to_owned())]);
    let images = ["release-pilot-sample:bench-a", "release-pilot-sample:bench-b"];
    for (tag, version) in images.iter().zip(["bench-a", "bench-b"]) {
        let request = image::BuildRequest {
            tag,
            context: context(&binary)?,
            build_args: HashMap::from([("VERSION".to_owned(), version.to_owned())]),
            labels: labels.clone(),
        };
        image::build(&conn, request, &|_| {})?;
    }
    let volume_name = format!("{NAME}-data");
    volume::create(&conn, &volume_name, labels.clone())?;
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port();
    let body = ContainerCreateBody {
        image: Some(images[0].to_owned()),
        env: Some(vec![format!("SAMPLE_PORT={port}")]),
        labels: Some(labels),
        host_config: Some(HostConfig {
            network_mode: Some("host".into()),
            binds: Some(vec![format!("{volume_name}:/data")]),
            ..Default::default()
        }),
        ..Default::default()
    };
    container::create(&conn, NAME, body)?;
    container::start(&conn, NAME)?;
    container::wait_healthy(&conn, NAME, Duration::from_secs(60), &|_| {}, &|_| {})?;

    let mut rows = Vec::new();
    for round in 0..rounds {
        let fresh = Connection::connect()?;
        let request = RecreateRequest {
            container: NAME,
            image: images[(round + 1) % 2],
            health_timeout: Duration::from_secs(60),
            stop_grace: Duration::from_secs(10),
            now: chrono::Utc::now() + chrono::Duration::seconds(round as i64),
        };
        let report = recreate::recreate(&fresh, &request, &|_| {}, &|_| {});
        if !matches!(report.outcome, RecreateOutcome::Deployed) {
            return Err(format!(
                "round {round}: the recreate did not deploy: {:?}",
                report.outcome
            )
            .into());
        }
        let total = report.total.as_secs_f64();
        let api = report.docker.api.as_secs_f64();
        let waiting = report.docker.waiting.as_secs_f64();
        let overhead = (total - api - waiting).max(0.0);
        println!(
            "round {round}: wall {total:.3} s, API {api:.3} s in {} calls, health wait {waiting:.3} s, \
             engine {:.1} ms ({:.2} %)",
            report.docker.calls,
            overhead * 1000.0,
            overhead / total * 100.0
        );
        rows.push((total, overhead, report.docker.calls));
    }
    let _ = recreate::remove_fallbacks(&conn, NAME, None);
    let _ = container::remove(&conn, NAME);
    let _ = volume::remove(&conn, &volume_name);
    for tag in images {
        let _ = image::remove(&conn, tag);
    }

    let mut share: Vec<f64> = rows.iter().map(|(t, o, _)| o / t * 100.0).collect();
    share.sort_by(f64::total_cmp);
    let mut walls: Vec<f64> = rows.iter().map(|(t, _, _)| *t).collect();
    walls.sort_by(f64::total_cmp);
    let mut overheads: Vec<f64> = rows.iter().map(|(_, o, _)| o * 1000.0).collect();
    overheads.sort_by(f64::total_cmp);
    let mid = rows.len() / 2;
    println!(
        "deploy: {} recreates; wall median {:.2} s; engine outside Docker median {:.1} ms = {:.2} % (max {:.2} %); {} API calls per recreate",
        rows.len(),
        walls.get(mid).copied().unwrap_or(0.0),
        overheads.get(mid).copied().unwrap_or(0.0),
        share.get(mid).copied().unwrap_or(0.0),
        share.last().copied().unwrap_or(0.0),
        rows.first().map_or(0, |r| r.2)
    );
    Ok(())
}

fn context(binary: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(DOCKERFILE.len() as u64);
    header.set_mode(0o644);
    builder.append_data(&mut header, "Dockerfile", DOCKERFILE.as_bytes())?;
    let mut file = std::fs::File::open(binary)?;
    let mut header = tar::Header::new_gnu();
    header.set_size(file.metadata()?.len());
    header.set_mode(0o755);
    builder.append_data(&mut header, "sample-service", &mut file)?;
    Ok(builder.into_inner()?)
}
