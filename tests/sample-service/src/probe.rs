//! `sample-service --health`: a minimal HTTP/1.0 client for the image's HEALTHCHECK. A
//! `FROM scratch` image has no curl, and the probe must not resolve names (no NSS), so it
//! speaks to the IP literal 127.0.0.1 directly.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(2);

/// True when `GET /health` on this machine's port answers 200.
pub fn healthy(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, TIMEOUT) else { return false };
    let _ = stream.set_read_timeout(Some(TIMEOUT));
    let _ = stream.set_write_timeout(Some(TIMEOUT));
    if stream.write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 64];
    let Ok(n) = stream.read(&mut head) else { return false };
    let status_line = String::from_utf8_lossy(&head[..n]);
    status_line.split_whitespace().nth(1) == Some("200")
}
