//! Short commit ids as `git rev-parse --short` prints them.
//!
//! Git does not always abbreviate to 7 digits: with `core.abbrev` unset (or `auto`) it scales
//! the length with the number of packed objects, so that collisions stay unlikely as the
//! repository grows (10 digits for a few hundred thousand objects). libgit2's `short_id` always
//! starts at 7, so a large repository would show ids that differ from what the user sees in
//! their terminal. This file follows git's rule: start at the length git would use, then
//! lengthen until the prefix is unique.

use std::path::Path;

use git2::{Odb, Oid, Repository};

/// Git's smallest automatic abbreviation (`FALLBACK_DEFAULT_ABBREV`).
const FALLBACK: usize = 7;
/// Git refuses abbreviations shorter than this (`MINIMUM_ABBREV`).
const MINIMUM: usize = 4;
const FULL: usize = 40;

/// Computes short ids; made once per reading since the length depends on the whole repository.
pub(crate) struct Abbreviation<'repo> {
    odb: Option<Odb<'repo>>,
    min_len: usize,
}

impl std::fmt::Debug for Abbreviation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Abbreviation").field("min_len", &self.min_len).finish_non_exhaustive()
    }
}

impl<'repo> Abbreviation<'repo> {
    pub(crate) fn new(repo: &'repo Repository) -> Self {
        let configured =
            repo.config().ok().and_then(|config| config.get_string("core.abbrev").ok());
        let min_len = match configured.as_deref().map(str::trim) {
            None | Some("auto") => auto_length(&repo.commondir().join("objects").join("pack")),
            Some(value) if ["no", "false", "off"].contains(&value) => FULL,
            Some(value) => value.parse::<usize>().map_or(FALLBACK, |n| n.clamp(MINIMUM, FULL)),
        };
        Self { odb: repo.odb().ok(), min_len }
    }

    /// The shortest unique prefix of `id` that is at least as long as git's length.
    pub(crate) fn short(&self, id: Oid) -> String {
        let hex = id.to_string();
        let Some(odb) = &self.odb else {
            return hex;
        };
        for len in self.min_len..FULL {
            let unique = Oid::from_str(&hex[..len])
                .and_then(|prefix| odb.exists_prefix(prefix, len))
                .is_ok();
            if unique {
                return hex[..len].to_owned();
            }
        }
        hex
    }
}

/// Git's automatic length: half the bit length of the packed-object count, rounded up, and at
/// least 7. Like git, loose objects are not counted.
fn auto_length(pack_dir: &Path) -> usize {
    let count: u64 = std::fs::read_dir(pack_dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
                .filter_map(|path| pack_object_count(&path))
                .sum()
        })
        .unwrap_or(0);
    let bits = (u64::BITS - count.leading_zeros()) as usize;
    bits.div_ceil(2).max(FALLBACK)
}

/// The number of objects in a pack, read from its index's fan-out table: the last of its 256
/// entries counts every object. Version 2 indexes start with a magic number and a version.
fn pack_object_count(idx: &Path) -> Option<u64> {
    use std::io::Read;
    let mut header = [0u8; 8 + 256 * 4];
    std::fs::File::open(idx).ok()?.read_exact(&mut header).ok()?;
    let fanout = if header[..4] == [0xff, b't', b'O', b'c'] { 8 } else { 0 };
    let last = fanout + 255 * 4;
    let bytes: [u8; 4] = header[last..last + 4].try_into().ok()?;
    Some(u64::from(u32::from_be_bytes(bytes)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn git_length_rule() {
        // count → ceil(bit length / 2), at least 7 (git's object-name.c).
        let length = |count: u64| ((u64::BITS - count.leading_zeros()) as usize).div_ceil(2).max(7);
        assert_eq!(length(0), 7, "no packs: the fallback");
        assert_eq!(length(16_383), 7, "14 bits still 7");
        assert_eq!(length(16_384), 8, "15 bits: 8 digits");
        assert_eq!(length(432_440), 10, "the benchmark repository: git prints 10 digits");
    }
}
