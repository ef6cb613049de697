//! The TypeScript the UI compiles against is generated from the Rust types; this test fails
//! when they drift. Regenerate with `UPDATE_BINDINGS=1 cargo test -p pilot-desktop-api`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pilot_desktop_api::{ApiError, ErrorKind, dto::export_bindings};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings")
}

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn typescript_bindings_are_fresh() {
    let fresh = tempfile::tempdir().expect("temp dir");
    export_bindings(fresh.path()).expect("the bindings export");
    let generated = read_dir(fresh.path());
    assert!(
        generated.contains_key("RunDto.ts"),
        "the run type is exported: {:?}",
        generated.keys()
    );
    let committed = committed_dir();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).expect("create bindings dir");
        for (name, text) in &generated {
            std::fs::write(committed.join(name), text).expect("write binding");
        }
    }
    let on_disk = read_dir(&committed);
    let stale: Vec<&String> = generated
        .keys()
        .chain(on_disk.keys())
        .filter(|name| generated.get(*name) != on_disk.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/lib/bindings is stale ({stale:?}): run `UPDATE_BINDINGS=1 cargo test -p pilot-desktop-api` and commit the result"
    );
}

#[test]
fn errors_cross_as_kind_and_message() {
    let e = ApiError::new(ErrorKind::Busy, "run 1 is being driven by another Release Pilot");
    assert_eq!(
        serde_json::to_value(&e).expect("serialises"),
        serde_json::json!({ "kind": "busy", "message": "run 1 is being driven by another Release Pilot" }),
        "the UI relies on exactly {{kind, message}} with camelCase kinds"
    );
}
