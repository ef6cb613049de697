//! The executors' own rules for step parameters ([`param_problems`]), each problem placed at
//! the parameter (or the list element) it is about. Runs once the plan has its shape, so the
//! typed plan is at hand; a value holding a `{{variable}}` is judged when the run starts.

use toml::de::{DeTable, DeValue};

use super::span::Problems;
use crate::plan::Plan;
use crate::plan::kinds::param_problems;

pub(super) fn check(root: &DeTable<'_>, plan: &Plan, problems: &mut Problems<'_>) {
    let tables = arrays(root.get("phase"))
        .flat_map(|(phase, _)| arrays(phase.get("step")))
        .collect::<Vec<_>>();
    for ((_, step), (table, at)) in plan.steps().zip(tables) {
        for problem in param_problems(plan, &step.id, &step.action) {
            let offset = where_is(table, problem.param, problem.value.as_deref()).unwrap_or(at);
            problems.at(offset, format!("step `{}`: {}", step.id, problem.message));
        }
    }
}

/// The offset of `param`'s value in the step, or of the element equal to `value` in it.
fn where_is(table: &DeTable<'_>, param: &str, value: Option<&str>) -> Option<usize> {
    let item = table.get(param)?;
    if let (Some(value), Some(list)) = (value, item.get_ref().as_array()) {
        let element = list.iter().find(|e| e.get_ref().as_str() == Some(value));
        return Some(element.map_or(item.span().start, |e| e.span().start));
    }
    Some(item.span().start)
}

/// The tables of an array of tables, with their offsets.
fn arrays<'d, 'i>(
    item: Option<&'d toml::Spanned<DeValue<'i>>>,
) -> impl Iterator<Item = (&'d DeTable<'i>, usize)> {
    item.and_then(|i| i.get_ref().as_array())
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|t| t.get_ref().as_table().map(|table| (table, t.span().start)))
}
