//! The report as the reader will see it: GitHub-flavoured Markdown rendered to HTML here, so the
//! webview needs no Markdown library of its own. Raw HTML in the Markdown is shown as text,
//! never interpreted: the report quotes command output, which is untrusted (and an approver's
//! app shows a report that came through the repository). A link to anything but the web or a
//! place in the page is shown as its text: no `javascript:` or `file:` link can be followed.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// Whether a link may be followed from the webview.
fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with('#')
}

/// Render Markdown (tables, task lists, strikethrough) to HTML, with raw HTML escaped.
pub fn markdown_to_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    // Links and images whose target is not safe are dropped, their text kept: their end tags
    // are dropped with them (links and images do not nest).
    let mut dropping = false;
    let events = Parser::new_ext(markdown, options).filter_map(move |event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Some(Event::Text(text)),
        Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. })
            if !safe_link(dest_url) =>
        {
            dropping = true;
            None
        }
        Event::End(TagEnd::Link | TagEnd::Image) if dropping => {
            dropping = false;
            None
        }
        other => Some(other),
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

    #[test]
    fn only_web_links_are_followed() {
        let html = markdown_to_html(
            "[ok](https://example.com) [bad](javascript:alert(1)) ![x](file:///etc/passwd)\n",
        );
        assert!(html.contains("href=\"https://example.com\""), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("file:"), "{html}");
        assert!(html.contains("bad"), "the text stays: {html}");
    }
}
