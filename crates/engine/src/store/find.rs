//! Runs filtered for the history: by outcome, by version, and by person — anyone whose name is
//! on the run (the operator, whoever signed off, answered a manual item or waived a step).

use std::collections::BTreeSet;

use super::error::damaged_or;
use super::{RunStore, StoreError};
use crate::record::{Outcome, RunSummary};

/// What to keep; every filter given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    pub outcome: Option<Outcome>,
    /// The released version, exactly (a leading `v` is ignored on both sides).
    pub version: Option<String>,
    /// Part of a name or e-mail address, any case.
    pub person: Option<String>,
}

impl RunStore {
    /// The runs that match `filter`, newest first.
    pub fn find_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
        let mut runs = self.list_runs()?;
        if let Some(outcome) = filter.outcome {
            runs.retain(|r| r.outcome == outcome);
        }
        if let Some(version) = filter.version.as_deref() {
            let want = bare_version(version);
            runs.retain(|r| bare_version(&r.version) == want);
        }
        if let Some(person) = filter.person.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            let ids = self.runs_naming(person)?;
            runs.retain(|r| ids.contains(&r.id));
        }
        Ok(runs)
    }

    /// The ids of the runs on which `person` appears.
    fn runs_naming(&self, person: &str) -> Result<BTreeSet<String>, StoreError> {
        let pattern = format!(
            "%{}%",
            person.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
        );
        let conn = self.conn();
        let sql_err = |e| damaged_or(self.path(), e);
        let mut stmt = conn
            .prepare(
                "SELECT id FROM runs WHERE lower(operator) LIKE ?1 ESCAPE '\\'
                 OR EXISTS (SELECT 1 FROM signoffs s WHERE s.run_id = runs.id
                            AND lower(s.name) LIKE ?1 ESCAPE '\\')
                 OR EXISTS (SELECT 1 FROM signatures g WHERE g.run_id = runs.id
                            AND lower(g.attached_by) LIKE ?1 ESCAPE '\\')
                 OR EXISTS (SELECT 1 FROM steps st WHERE st.run_id = runs.id
                            AND (lower(st.answered_by) LIKE ?1 ESCAPE '\\'
                                 OR lower(json_extract(st.waiver_json, '$.by')) LIKE ?1 ESCAPE '\\'))",
            )
            .map_err(sql_err)?;
        let ids = stmt
            .query_map([pattern], |r| r.get::<_, String>(0))
            .map_err(sql_err)?
            .collect::<Result<BTreeSet<_>, _>>()
            .map_err(sql_err)?;
        Ok(ids)
    }
}

fn bare_version(v: &str) -> &str {
    let v = v.trim();
    v.strip_prefix(['v', 'V']).unwrap_or(v)
}
