//! One HTTP request, measured: status, latency and a bounded body. The client keeps
//! connections alive (one per concurrent worker) so a load measures the service, not TCP
//! handshakes; it speaks HTTPS through rustls and may trust an extra CA file for internal
//! certificates.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use super::ValidateError;

/// How the client is built.
#[derive(Debug, Clone)]
pub struct ClientOptions<'a> {
    /// Whole-request timeout (connect, headers and body).
    pub timeout: Duration,
    /// A PEM CA certificate to trust in addition to the system's.
    pub ca_file: Option<&'a Path>,
    /// Idle connections kept per host (the load's concurrency).
    pub pool: usize,
}

/// A client for one step.
pub fn client(opts: &ClientOptions<'_>) -> Result<reqwest::Client, ValidateError> {
    let mut b = reqwest::Client::builder()
        .timeout(opts.timeout)
        .connect_timeout(opts.timeout)
        .pool_max_idle_per_host(opts.pool.max(1))
        .tcp_nodelay(true)
        // A release check must see the answer the service gives, not where it points.
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    if let Some(ca) = opts.ca_file {
        let pem = std::fs::read(ca)
            .map_err(|source| ValidateError::Read { path: ca.display().to_string(), source })?;
        let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| {
            ValidateError::Client(format!("{} is not a PEM certificate: {e}", ca.display()))
        })?;
        b = b.add_root_certificate(cert);
    }
    b.build().map_err(|e| ValidateError::Client(chain(&e)))
}

/// A runtime for one step's requests.
pub fn runtime(workers: usize) -> Result<tokio::runtime::Runtime, ValidateError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .enable_all()
        .build()
        .map_err(|e| ValidateError::Client(format!("could not start the HTTP runtime: {e}")))
}

/// What to send.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a BTreeMap<String, String>,
    /// Sent as the request body when given (a POST of a login form).
    pub body: Option<&'a str>,
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// From sending the request to the last byte of the (bounded) body.
    pub latency: Duration,
    /// The body, lossily decoded, at most `max_body` bytes of it.
    pub body: String,
    pub truncated: bool,
}

/// Why no answer came.
#[derive(Debug, Clone)]
pub struct Failure {
    /// "timed out", "connection refused", "connection closed mid-body", …
    pub reason: String,
    pub latency: Duration,
}

/// Send one request and read at most `max_body` bytes of the answer.
pub async fn send(
    client: &reqwest::Client,
    req: &Request<'_>,
    max_body: usize,
) -> Result<Answer, Failure> {
    let start = Instant::now();
    let fail = |reason: String| Failure { reason, latency: start.elapsed() };
    let method = reqwest::Method::from_bytes(req.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| fail(format!("{:?} is not an HTTP method", req.method)))?;
    let mut rb = client.request(method, req.url);
    for (k, v) in req.headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    if let Some(body) = req.body {
        rb = rb.body(body.to_owned());
    }
    let mut resp = rb.send().await.map_err(|e| fail(describe(&e)))?;
    let status = resp.status().as_u16();
    let mut body = Vec::new();
    let mut truncated = false;
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = max_body.saturating_sub(body.len());
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Err(fail(describe(&e))),
        }
    }
    Ok(Answer {
        status,
        latency: start.elapsed(),
        body: String::from_utf8_lossy(&body).into_owned(),
        truncated,
    })
}

/// A transport error in words a tech lead can act on. For a failed connect or a timeout the
/// innermost cause says it all ("Connection refused (os error 111)"); reqwest's and hyper's
/// wrappers around it ("error sending request for url …: client error (Connect): …") only
/// repeat the URL the summary already names.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("timed out ({})", root(e))
    } else if e.is_connect() {
        format!("could not connect ({})", root(e))
    } else if e.is_body() || e.is_decode() {
        format!("connection closed mid-body ({})", chain(e))
    } else {
        chain(e)
    }
}

/// The innermost cause of an error.
fn root(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// An error with its causes, since reqwest's top message alone rarely says what happened.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}
