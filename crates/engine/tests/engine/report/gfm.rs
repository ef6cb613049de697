//! What pulldown-cmark sees in a report, parsed with the GFM extensions the report relies on
//! (tables, task lists, strikethrough): the tests check structure through this, not by string
//! matching.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// One parsed table: its header cells and, per body row, its cells' text.
#[derive(Debug, Default)]
pub(super) struct ParsedTable {
    pub(super) head: Vec<String>,
    pub(super) rows: Vec<Vec<String>>,
}

/// What pulldown-cmark saw in a report, with the GFM extensions the report relies on.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub(super) tables: Vec<ParsedTable>,
    pub(super) ticked: usize,
    pub(super) unticked: usize,
    pub(super) headings: Vec<(u8, String)>,
    pub(super) html: Vec<String>,
    /// Block quotes (waivers) that sit inside a list item, i.e. under their step.
    pub(super) quotes_in_items: usize,
    /// Fenced code blocks (output excerpts) nested two list levels deep, under their step.
    pub(super) code_in_items: usize,
}

impl Parsed {
    pub(super) fn table(&self, first: &str, second: &str) -> &ParsedTable {
        self.tables
            .iter()
            .find(|t| {
                t.head.first().map(String::as_str) == Some(first)
                    && t.head.get(1).map(String::as_str) == Some(second)
            })
            .unwrap_or_else(|| panic!("a table headed {first} | {second}: {:?}", self.tables))
    }
}

pub(super) fn parse(md: &str) -> Parsed {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    let mut p = Parsed::default();
    let mut cell: Option<String> = None;
    let mut heading: Option<(u8, String)> = None;
    let mut in_head = false;
    let mut item_depth = 0usize;
    for ev in Parser::new_ext(md, options) {
        match ev {
            Event::Start(Tag::Item) => item_depth += 1,
            Event::End(TagEnd::Item) => item_depth = item_depth.saturating_sub(1),
            Event::Start(Tag::BlockQuote(_)) if item_depth > 0 => p.quotes_in_items += 1,
            Event::Start(Tag::CodeBlock(_)) if item_depth >= 2 => p.code_in_items += 1,
            Event::Start(Tag::Table(_)) => p.tables.push(ParsedTable::default()),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => {
                if let Some(t) = p.tables.last_mut() {
                    t.rows.push(Vec::new());
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let (Some(t), Some(c)) = (p.tables.last_mut(), cell.take()) else { continue };
                if in_head {
                    t.head.push(c);
                } else if let Some(r) = t.rows.last_mut() {
                    r.push(c);
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level as u8, String::new()))
            }
            Event::End(TagEnd::Heading(_)) => p.headings.extend(heading.take()),
            Event::TaskListMarker(true) => p.ticked += 1,
            Event::TaskListMarker(false) => p.unticked += 1,
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                if h.as_ref() == "<br>" {
                    if let Some(c) = cell.as_mut() {
                        c.push('\n');
                    }
                } else {
                    p.html.push(h.to_string());
                }
            }
            _ => {}
        }
    }
    p
}
