//! The engine itself: is it there, which version, which API.

use super::{Connection, DockerError};

/// What the engine says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineInfo {
    /// The address connected to.
    pub host: String,
    /// e.g. "20.10.24+dfsg1".
    pub version: String,
    /// The engine's newest API, e.g. "1.41".
    pub api_version: String,
    /// The API version this connection speaks (the lower of the engine's and bollard's).
    pub negotiated_api: String,
    /// e.g. "linux/amd64".
    pub platform: String,
}

/// Ask the engine for its version.
pub fn info(conn: &Connection) -> Result<EngineInfo, DockerError> {
    let v = conn.call("version", conn.api().version())?;
    Ok(EngineInfo {
        host: conn.host().to_owned(),
        version: v.version.unwrap_or_default(),
        api_version: v.api_version.unwrap_or_default(),
        negotiated_api: conn.api_version(),
        platform: format!("{}/{}", v.os.unwrap_or_default(), v.arch.unwrap_or_default()),
    })
}

/// Compare dotted API versions ("1.41" vs "1.9"): true when `have` ≥ `want`. An unreadable
/// version compares as 0.
pub fn api_at_least(have: &str, want: &str) -> bool {
    fn parts(v: &str) -> Vec<u32> {
        v.trim().split('.').map(|p| p.parse().unwrap_or(0)).collect()
    }
    let (mut h, mut w) = (parts(have), parts(want));
    let len = h.len().max(w.len());
    h.resize(len, 0);
    w.resize(len, 0);
    h >= w
}

#[cfg(test)]
mod tests {
    use super::api_at_least;

    #[test]
    fn api_versions_compare_as_numbers() {
        assert!(api_at_least("1.41", "1.9"), "41 > 9 numerically");
        assert!(api_at_least("1.41", "1.41"), "equal is enough");
        assert!(!api_at_least("1.40", "1.41"), "older API is refused");
    }
}
