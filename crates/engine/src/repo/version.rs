//! The target version: read from the VERSION file (or given by the caller) and checked as
//! semver. A bad value is reported as written, never guessed at.

use super::VersionFile;
use super::files::FileRead;

/// The longest VERSION file read as a version (semver strings are far shorter).
const MAX_VERSION_BYTES: usize = 256;

/// Interpret the VERSION file's bytes. `file` is the configured relative name.
///
/// Rules: a UTF-8 BOM is stripped, surrounding whitespace (including CRLF) is trimmed, and one
/// leading `v` is removed, since `v1.2.3` is how many teams write it. The rest must be a semver
/// version; otherwise `valid` is false, `value` keeps the trimmed text, and `error` says what is
/// wrong.
pub(crate) fn parse_version_file(file: &str, read: FileRead) -> VersionFile {
    let bytes = match read {
        FileRead::Found(bytes) => bytes,
        FileRead::Missing => {
            return VersionFile {
                file: file.to_owned(),
                value: None,
                valid: false,
                error: Some(format!("no {file} file")),
            };
        }
        FileRead::Unreadable(why) => {
            return VersionFile {
                file: file.to_owned(),
                value: None,
                valid: false,
                error: Some(why),
            };
        }
    };
    // A version file holds one short line; a large one is not shown back (a 5 MB file echoed
    // to the terminal helps nobody).
    if bytes.len() > MAX_VERSION_BYTES {
        return VersionFile {
            file: file.to_owned(),
            value: None,
            valid: false,
            error: Some(format!(
                "{file} is {} bytes long: a version file holds one line such as 1.2.3; check it \
                 is the right file",
                bytes.len()
            )),
        };
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => {
            return VersionFile {
                file: file.to_owned(),
                value: Some(String::from_utf8_lossy(bytes).trim().to_owned()),
                valid: false,
                error: Some(format!("{file} is not valid UTF-8 text")),
            };
        }
    };
    let value = strip_v(text.trim()).to_owned();
    let error = check_semver(&value).err();
    VersionFile { file: file.to_owned(), valid: error.is_none(), value: Some(value), error }
}

/// Remove one leading `v` (`v1.2.3` → `1.2.3`).
pub(crate) fn strip_v(text: &str) -> &str {
    text.strip_prefix('v').unwrap_or(text)
}

/// Check a version (already without `v`) and explain a failure in words a user can act on.
pub(crate) fn check_semver(value: &str) -> Result<semver::Version, String> {
    if value.is_empty() {
        return Err("the version is empty: write a version such as 1.2.3".to_owned());
    }
    semver::Version::parse(value).map_err(|error| {
        format!("\"{value}\" is not a semver version (MAJOR.MINOR.PATCH, e.g. 1.2.3): {error}")
    })
}

/// The semver version a tag name denotes: `v1.2.3` or `1.2.3` (pre-release and build parts
/// allowed). Any other name is not a release.
pub(crate) fn tag_version(name: &str) -> Option<semver::Version> {
    semver::Version::parse(strip_v(name)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> VersionFile {
        parse_version_file("VERSION", FileRead::Found(bytes.to_vec()))
    }

    #[test]
    fn plain_version_with_newline_is_valid() {
        let version = parse(b"1.2.3\n");
        assert_eq!(version.value.as_deref(), Some("1.2.3"), "trailing newline is trimmed");
        assert!(version.valid, "1.2.3 is semver");
        assert_eq!(version.error, None, "a valid version has no error");
    }

    #[test]
    fn bom_crlf_and_v_prefix_are_removed() {
        let version = parse(b"\xEF\xBB\xBF v2.0.0-rc.1\r\n");
        assert_eq!(version.value.as_deref(), Some("2.0.0-rc.1"), "BOM, spaces, CRLF, v removed");
        assert!(version.valid, "a pre-release is semver");
    }

    #[test]
    fn invalid_version_is_kept_as_written_with_a_reason() {
        let version = parse(b"1.2\n");
        assert_eq!(version.value.as_deref(), Some("1.2"), "value kept, never guessed as 1.2.0");
        assert!(!version.valid, "1.2 lacks the patch number");
        let error = version.error.unwrap_or_default();
        assert!(
            error.contains("\"1.2\"") && error.contains("semver"),
            "error names value: {error}"
        );
    }

    #[test]
    fn empty_file_is_invalid() {
        let version = parse(b"  \n");
        assert_eq!(version.value.as_deref(), Some(""), "empty value is kept");
        assert!(!version.valid, "nothing is not a version");
        assert!(version.error.unwrap_or_default().contains("empty"), "error says it is empty");
    }

    #[test]
    fn missing_file_says_so() {
        let version = parse_version_file("VERSION", FileRead::Missing);
        assert_eq!(version.value, None, "no file, no value");
        assert!(!version.valid, "no file, no valid version");
        assert_eq!(version.error.as_deref(), Some("no VERSION file"), "the agreed message");
    }

    #[test]
    fn non_utf8_is_invalid() {
        let version = parse(b"1.2.\xFF3");
        assert!(!version.valid, "bytes that are not UTF-8 are not a version");
        assert!(version.error.unwrap_or_default().contains("UTF-8"), "error names the cause");
    }

    #[test]
    fn tag_names_that_are_releases() {
        assert!(tag_version("v1.2.3").is_some(), "v prefix allowed");
        assert!(tag_version("1.2.3-beta.2").is_some(), "pre-release allowed");
        assert!(tag_version("deploy-staging").is_none(), "not semver");
        assert!(tag_version("v1.2").is_none(), "incomplete");
        assert!(tag_version("release-1.2.3").is_none(), "other prefixes are not releases");
    }
}
