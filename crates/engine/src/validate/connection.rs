//! The load over plain `http://`: one keep-alive HTTP/1.1 connection per worker, driven straight
//! on hyper's connection API, the way `oha` drives its load. There is no pool to check out of
//! and no per-request client machinery, so what is timed is the service and the socket: each
//! latency runs from handing the request to the connection until the last byte of the body.
//! As in `oha`, the request that opens a worker's connection (its first, or the first after an
//! error) includes the connect in its latency: a user's request would have waited for it too.
//!
//! The workers are spread over one single-threaded runtime per core, so a worker's request,
//! its connection task and its bookkeeping stay on one thread (no cross-thread wake-ups on the
//! measured path). They share only an atomic count of requests issued.
//!
//! On each thread the workers are local tasks (a `LocalSet`) while the connections' tasks sit on
//! the runtime's own queue, which is how `oha` lays out its load. The layout decides the order
//! in which a burst of answers is handled (every connection reads its answer, then every worker
//! records it and sends the next request), and with it the shape of the latency distribution on
//! a sub-millisecond endpoint: with all tasks in one queue the median came out 14 % under oha's
//! at the same throughput (docs/benchmarks.md, "Validation").

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::ValidateError;
use super::load::{Load, Sample};

/// Where the requests go: resolved once, before the load starts.
#[derive(Debug, Clone)]
pub struct Target {
    pub addrs: Vec<SocketAddr>,
    /// The `Host` header ("127.0.0.1:8080").
    pub authority: String,
    /// What is asked for ("/health?full=1").
    pub path: String,
}

impl Target {
    /// Parse and resolve an `http://` URL; `None` when the URL is not plain http (https goes
    /// through the TLS client instead).
    pub fn parse(url: &str) -> Result<Option<Self>, ValidateError> {
        let bad =
            |why: String| ValidateError::Client(format!("{url:?} is not a usable URL: {why}"));
        let uri: hyper::Uri = url.parse().map_err(|e| bad(format!("{e}")))?;
        if uri.scheme_str() != Some("http") {
            return Ok(None);
        }
        let authority = uri.authority().ok_or_else(|| bad("it names no host".into()))?;
        let port = authority.port_u16().unwrap_or(80);
        let addrs: Vec<SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(&(
            authority.host().trim_start_matches('[').trim_end_matches(']'),
            port,
        ))
        .map_err(|e| bad(format!("its host does not resolve ({e}); check the name")))?
        .collect();
        if addrs.is_empty() {
            return Err(bad("its host resolves to no address; check the name".into()));
        }
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        Ok(Some(Self { addrs, authority: authority.as_str().to_owned(), path }))
    }
}

/// Run `load` against `target`; every request is counted, answered or not.
pub fn run(target: &Target, load: &Load) -> Result<Sample, ValidateError> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let workers = load.concurrency.max(1);
    let threads = threads.min(workers);
    let issued = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let samples = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                // Workers t, t + threads, t + 2 * threads, … run on this thread.
                let mine = (t..workers).step_by(threads).count();
                let issued = Arc::clone(&issued);
                scope.spawn(move || thread(target, load, mine, &issued, started))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ValidateError::Client("a load thread stopped unexpectedly".into()))
                })
            })
            .collect::<Vec<_>>()
    });
    let mut all = Sample::default();
    for s in samples {
        all.merge(s?);
    }
    all.wall = started.elapsed();
    Ok(all)
}

/// One thread: a single-threaded runtime running `workers` workers, as local tasks, to the end.
fn thread(
    target: &Target,
    load: &Load,
    workers: usize,
    issued: &Arc<AtomicU64>,
    started: Instant,
) -> Result<Sample, ValidateError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ValidateError::Client(format!("could not start the HTTP runtime: {e}")))?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let tasks: Vec<_> = (0..workers)
            .map(|_| {
                let (target, load, issued) = (target.clone(), load.clone(), Arc::clone(issued));
                tokio::task::spawn_local(
                    async move { worker(&target, &load, &issued, started).await },
                )
            })
            .collect();
        let mut all = Sample::default();
        for t in tasks {
            if let Ok(s) = t.await {
                all.merge(s);
            }
        }
        Ok(all)
    })
}

/// One worker: one connection, requests one after another until the load is done.
async fn worker(target: &Target, load: &Load, issued: &AtomicU64, started: Instant) -> Sample {
    let mut s = Sample::default();
    let mut conn: Option<SendRequest<Empty<Bytes>>> = None;
    while load.another(issued, started) {
        s.total += 1;
        let start = Instant::now();
        let sender = match conn.take() {
            Some(c) if c.is_ready() => c,
            _ => match tokio::time::timeout(load.timeout, connect(target)).await {
                Ok(Ok(c)) => c,
                Ok(Err(reason)) => {
                    s.fail(reason);
                    // A refused connection fails at once; a short pause keeps a load with a
                    // duration from spinning on a service that is down.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
                Err(_) => {
                    s.fail(format!("timed out connecting after {} ms", load.timeout.as_millis()));
                    continue;
                }
            },
        };
        match tokio::time::timeout(load.timeout, request(sender, target)).await {
            Ok(Ok((status, sender))) => {
                s.answered(start.elapsed(), status);
                conn = Some(sender);
            }
            Ok(Err(reason)) => s.fail(reason),
            Err(_) => s.fail(format!("timed out after {} ms", load.timeout.as_millis())),
        }
    }
    s
}

/// Open a connection and start its HTTP/1.1 machinery on this thread.
async fn connect(target: &Target) -> Result<SendRequest<Empty<Bytes>>, String> {
    let stream = TcpStream::connect(&target.addrs[..])
        .await
        .map_err(|e| format!("could not connect ({e})"))?;
    // Requests are small and answered one at a time: Nagle's delay would only add latency.
    let _ = stream.set_nodelay(true);
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("could not start HTTP/1.1 ({e})"))?;
    tokio::spawn(async move {
        // The connection's end (closed by the service, or dropped by the worker) shows up as
        // the next request's error, where it is counted.
        let _ = connection.await;
    });
    Ok(sender)
}

/// One request, read to the body's last byte: its status, and the connection back.
async fn request(
    mut sender: SendRequest<Empty<Bytes>>,
    target: &Target,
) -> Result<(u16, SendRequest<Empty<Bytes>>), String> {
    let req = hyper::Request::get(target.path.as_str())
        .header(hyper::header::HOST, target.authority.as_str())
        .header(hyper::header::USER_AGENT, concat!("release-pilot/", env!("CARGO_PKG_VERSION")))
        .body(Empty::new())
        .map_err(|e| format!("could not build the request ({e})"))?;
    let resp = sender.send_request(req).await.map_err(|e| describe(&e))?;
    let status = resp.status().as_u16();
    // The body is read to its end (and dropped) so the connection can carry the next request.
    let mut body = resp.into_body();
    while let Some(frame) = body.frame().await {
        frame.map_err(|e| format!("connection closed mid-body ({e})"))?;
    }
    Ok((status, sender))
}

/// A hyper error in words a tech lead can act on.
fn describe(e: &hyper::Error) -> String {
    if e.is_incomplete_message() || e.is_closed() {
        format!("the service closed the connection ({e})")
    } else if e.is_parse() {
        format!("the answer is not valid HTTP ({e})")
    } else {
        e.to_string()
    }
}
