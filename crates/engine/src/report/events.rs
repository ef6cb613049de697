//! The event log: every line of the run's append-only log, in order, as a table — except the
//! signatures attached to the report itself (see `seal.rs`).

use super::format;
use super::markdown::{code_cell, table_head, table_row, text};
use super::view::RunView;

pub(crate) fn event_log(out: &mut String, view: &RunView<'_>) {
    out.push_str("## Event log\n\n");
    let events: Vec<_> = super::seal::shown_events(view.run).collect();
    if events.is_empty() {
        out.push_str("No events were recorded.\n\n");
        return;
    }
    table_head(out, &["#", "Time (UTC)", "Event", "Step", "Message"]);
    for e in events {
        table_row(
            out,
            &[
                e.seq.to_string(),
                format::time_bare(e.at),
                code_cell(&e.kind),
                e.step_id.as_deref().map_or_else(|| "—".to_owned(), code_cell),
                text(&e.message),
            ],
        );
    }
    out.push('\n');
}
