//! A small real HTTP/1.1 server on 127.0.0.1 for the validation tests, written on std's
//! `TcpListener` so it can also misbehave in the ways a broken service does: hang, answer
//! malformed JSON, close the connection mid-body, rate-limit. Connections are kept alive, as a
//! real service's are, so the latency tests measure requests and not handshakes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A running server; it lives until the test process ends (its threads are detached).
pub(crate) struct Server {
    pub port: u16,
}

impl Server {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// Start the server. Routes:
/// - `/health`: 200 `{"status":"ok","version":"1.2.3"}`
/// - `/slow`: the same after 120 ms
/// - `/fail`: 500
/// - `/malformed`: 200 with a truncated JSON document
/// - `/midbody`: promises 1000 bytes, sends 10 and closes
/// - `/hang`: reads the request and never answers
/// - `/limited`: 200 for the first 5 requests, then 429
pub(crate) fn start() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|e| panic!("the test server needs a loopback port: {e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("port: {e}"));
    let limited = Arc::new(AtomicU64::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let limited = Arc::clone(&limited);
            std::thread::spawn(move || serve(stream, &limited));
        }
    });
    Server { port }
}

/// A port nothing listens on (bound, then released).
pub(crate) fn down_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("loopback port: {e}"));
    let port = l.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("port: {e}"));
    drop(l);
    format!("http://127.0.0.1:{port}/health")
}

fn serve(stream: TcpStream, limited: &AtomicU64) {
    let _ = stream.set_nodelay(true);
    let Ok(write_half) = stream.try_clone() else { return };
    let mut out = write_half;
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        // Headers until the blank line, then the body its Content-Length announces.
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            if h == "\r\n" || h == "\n" {
                break;
            }
            if let Some((name, value)) = h.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut request_body = vec![0u8; length];
        if std::io::Read::read_exact(&mut reader, &mut request_body).is_err() {
            return;
        }
        let request_body = String::from_utf8_lossy(&request_body).into_owned();
        let method = request_line.split_whitespace().next().unwrap_or("GET").to_owned();
        let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let health = r#"{"status":"ok","version":"1.2.3"}"#;
        let (status, body) = match path.as_str() {
            "/health" => (200, health),
            // A login form: a POST with a non-empty password signs in.
            "/login"
                if method == "POST"
                    && request_body.contains("password=")
                    && !request_body.ends_with("password=") =>
            {
                (200, r#"{"token":"signed-in"}"#)
            }
            "/login" => (401, r#"{"error":"sign in with a POST of user and password"}"#),
            "/slow" => {
                std::thread::sleep(Duration::from_millis(120));
                (200, health)
            }
            "/fail" => (500, r#"{"error":"database is locked"}"#),
            "/malformed" => (200, r#"{"status":"ok","version":"1.2"#),
            "/midbody" => {
                let _ = out.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"status\"",
                );
                let _ = out.flush();
                return;
            }
            "/hang" => {
                // Hold the connection open without answering until the client gives up.
                let mut sink = [0u8; 64];
                while reader.get_mut().read(&mut sink).unwrap_or(0) > 0 {}
                return;
            }
            "/limited" => {
                if limited.fetch_add(1, Ordering::SeqCst) < 5 {
                    (200, health)
                } else {
                    (429, r#"{"error":"too many requests"}"#)
                }
            }
            _ => (404, r#"{"error":"not found"}"#),
        };
        let reason = match status {
            200 => "OK",
            401 => "Unauthorized",
            404 => "Not Found",
            429 => "Too Many Requests",
            _ => "Internal Server Error",
        };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if out.write_all(head.as_bytes()).and_then(|()| out.write_all(body.as_bytes())).is_err() {
            return;
        }
    }
}
