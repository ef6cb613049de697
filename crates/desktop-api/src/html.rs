//! The report as the reader will see it: GitHub-flavoured Markdown rendered to HTML here, so the
//! webview needs no Markdown library of its own. Raw HTML in the Markdown is shown as text,
//! never interpreted: the report quotes command output, which is untrusted.

use pulldown_cmark::{Event, Options, Parser, html};

/// Render Markdown (tables, task lists, strikethrough) to HTML, with raw HTML escaped.
pub fn markdown_to_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_task_lists_render_and_raw_html_does_not() {
        let html = markdown_to_html(
            "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\n<script>alert(1)</script>\n",
        );
        assert!(html.contains("<table>"), "tables render: {html}");
        assert!(html.contains("checked"), "task lists render: {html}");
        assert!(!html.contains("<script>"), "raw HTML is escaped: {html}");
        assert!(html.contains("&lt;script&gt;"), "and shown as text: {html}");
    }
}
