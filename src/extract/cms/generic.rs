//! What holds for a site of any family: list pages named `index.html` / `index_2.html` /
//! `default.aspx`, and script calls that fill a list in the browser (AJAX, `fetch`), which make
//! an empty list inconclusive rather than an empty column. It accepts every page, last.

use url::Url;

use super::{Cms, Page};

pub struct Generic;

/// Script calls that put HTML into the page: text a script holds is page text only when one of
/// these is on the page.
pub const DRAWS: [&str; 3] = ["innerHTML", "document.write", ".html("];

impl Cms for Generic {
    fn name(&self) -> &'static str {
        "generic"
    }

    fn detect(&self, _page: &Page<'_>) -> bool {
        true
    }

    fn fill_calls(&self) -> &'static [&'static str] {
        &[
            "$.ajax",
            "$.getJSON",
            "$.get(",
            "$.post(",
            "XMLHttpRequest",
            "axios",
            "fetch(",
        ]
    }

    /// `.../gzdt/index_2.html` → `.../gzdt/`: the pages of a list share their directory.
    fn column_key(&self, url: &Url) -> Option<String> {
        let mut u = url.clone();
        u.set_query(None);
        u.set_fragment(None);
        let s = u.to_string();
        Some(match s.rfind('/').map(|i| s.split_at(i + 1)) {
            Some((dir, file)) if is_list_file(file, true) => dir.to_string(),
            _ => s,
        })
    }
}

/// Whether `file` (a last path segment) is a column's list file: `index.html`, `default.aspx`
/// and the like, or with `paged` also a later page of it (`index_2.html`). Written out rather
/// than as a regex: it runs for every page and every link.
pub fn is_list_file(file: &str, paged: bool) -> bool {
    let Some(rest) = file
        .strip_prefix("index")
        .or_else(|| file.strip_prefix("default"))
    else {
        return false;
    };
    let rest = match rest.strip_prefix('_') {
        Some(r) if paged => {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return false;
            }
            &r[digits..]
        }
        Some(_) => return false,
        None => rest,
    };
    matches!(
        rest,
        ".html" | ".htm" | ".shtml" | ".shtm" | ".jsp" | ".asp" | ".aspx" | ".php"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::cms::tests::page;
    use crate::extract::{TextPolicy, extract};

    proptest::proptest! {
        /// The written-out list-file test says what the patterns it replaced said.
        #[test]
        fn list_files_as_the_patterns_said(
            file in "(index|default|indx|Index)(_[0-9]{0,3}|_a)?\\.(s?html?|jsp|aspx?|php|txt|HTML)(x|/)?"
        ) {
            let home = regex::Regex::new(r"^(?:index|default)\.(?:s?html?|jsp|aspx?|php)$").unwrap();
            let paged =
                regex::Regex::new(r"^(?:index|default)(?:_\d+)?\.(?:s?html?|jsp|aspx?|php)$").unwrap();
            proptest::prop_assert_eq!(is_list_file(&file, false), home.is_match(&file));
            proptest::prop_assert_eq!(is_list_file(&file, true), paged.is_match(&file));
        }
    }

    #[test]
    fn a_list_filled_by_ajax_is_not_an_empty_column() {
        let html = r#"<html><head><meta name="ColumnName" content="工作动态"></head><body><ul id="list"></ul>
<script>$.getJSON('/api/list?col=12', function (d) { render(d); });</script></body></html>"#;
        let (f, _) = extract(
            &page("http://a.cn/gzdt/index.html", html),
            &TextPolicy::default(),
        );
        assert!(f.empty_list);
        assert!(f.js_templates, "drawn by script: inconclusive, not empty");
        // Without the call, the same empty list is an empty column.
        let bare = html.replace("$.getJSON", "console.log");
        let (f, _) = extract(
            &page("http://a.cn/gzdt/index.html", &bare),
            &TextPolicy::default(),
        );
        assert!(f.empty_list);
        assert!(!f.js_templates);
    }
}
