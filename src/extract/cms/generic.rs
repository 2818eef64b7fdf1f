//! What holds for a site of any family: list pages named `index.html` / `index_2.html` /
//! `default.aspx`, and script calls that fill a list in the browser (AJAX, `fetch`), which make
//! an empty list inconclusive rather than an empty column. It accepts every page, last.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::{Cms, Page};
use crate::extract::ListEntry;

/// A quoted URL of a JSON file in a script (`$.getJSON('/xxgk/data/list.json', …)`).
static JSON_FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']([^"'\s<>]{1,300}\.json(?:\?[^"'\s<>]{0,200})?)["']"#).expect("valid regex")
});

/// JSON files one page's scripts are read for.
const MAX_JSON_FILES: usize = 8;

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

    /// The JSON files a script that fills a list fetches, when it names them: a browser draws
    /// the list from them, so the audit reads them too.
    fn data_interfaces(&self, page: &Page<'_>, _rows_read: usize, out: &mut Vec<Url>) {
        let mut n = 0;
        for s in page.scripts.iter().filter(|s| s.fills()) {
            for c in JSON_FILE.captures_iter(&s.code) {
                if n == MAX_JSON_FILES {
                    return;
                }
                if let Some(u) = page.resolve(&c[1])
                    && !out.contains(&u)
                {
                    out.push(u);
                    n += 1;
                }
            }
        }
    }

    /// A JSON answer (a list file, a list interface) is read for its rows.
    fn document_rows(&self, page: &Page<'_>, out: &mut Vec<ListEntry>) {
        super::json_document_rows(page, out);
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

    #[test]
    fn a_json_file_a_script_fetches_is_asked_and_its_rows_read() {
        let html = r#"<html><head><meta name="ColumnName" content="通知公告"></head><body><ul id="list"></ul>
<script>$.getJSON('data/tzgg.json?v=3', function (d) { draw(d.list); });</script></body></html>"#;
        let (f, found) = extract(
            &page("http://a.cn/xxgk/tzgg/index.html", html),
            &TextPolicy::default(),
        );
        assert!(f.js_templates && f.entries.is_empty());
        assert_eq!(f.interfaces.len(), 1);
        assert_eq!(
            f.interfaces[0].as_str(),
            "http://a.cn/xxgk/tzgg/data/tzgg.json?v=3"
        );
        assert!(
            found
                .iter()
                .any(|d| d.interface && d.url == f.interfaces[0])
        );
        // The answer: rows with dates as a string, epoch seconds and epoch milliseconds (read
        // as the date in China: 2026-03-01 20:00 UTC is 2026-03-02 there).
        let json = r#"{"code": 0, "data": {"list": [
            {"title": "关于寒假安全工作的通知", "url": "/xxgk/tzgg/202601/t20260110_9.html", "pubDate": "2026-01-10"},
            {"title": "春季开学通知", "url": "t20260302_8.html", "date": 1772395200},
            {"title": "教师资格认定公告", "url": "t20260303_7.html", "date": 1772481600000},
            {"title": "no link"}]}}"#;
        let mut answer = page("http://a.cn/xxgk/tzgg/data/tzgg.json?v=3", json);
        answer.content_type = Some("application/json".into());
        let (f, _) = extract(&answer, &TextPolicy::default());
        let rows: Vec<(&str, Option<jiff::civil::Date>)> = f
            .entries
            .iter()
            .map(|e| (e.title.as_str(), e.date))
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    "关于寒假安全工作的通知",
                    Some(jiff::civil::date(2026, 1, 10))
                ),
                ("春季开学通知", Some(jiff::civil::date(2026, 3, 2))),
                ("教师资格认定公告", Some(jiff::civil::date(2026, 3, 3))),
            ]
        );
        // A jpaas-style answer: an HTML fragment of rows under data.html.
        let jpaas = r#"{"success": true, "data": {"html": "<ul><li><a href='/art/2026/11/2/art_1_5.html' title='冬季校园安全检查通报'>冬季校园…</a><span>2026-11-02</span></li></ul>"}}"#;
        let (f, _) = extract(
            &page(
                "http://a.cn/api-gateway/jpaas-publish-server/front/page/build/unit?pageNo=1",
                jpaas,
            ),
            &TextPolicy::default(),
        );
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].title, "冬季校园安全检查通报");
        assert_eq!(f.entries[0].date, Some(jiff::civil::date(2026, 11, 2)));
    }

    #[test]
    fn a_loading_placeholder_next_to_scripts_is_a_list_drawn_by_script() {
        let html = r#"<html><head><meta name="ColumnName" content="工作动态"><script src="/js/list.js"></script></head>
<body><div id="list"><p>正在加载…</p></div></body></html>"#;
        let (f, _) = extract(
            &page("http://a.cn/gzdt/index.html", html),
            &TextPolicy::default(),
        );
        assert!(f.js_templates);
        assert_eq!(f.kind, crate::extract::PageKind::List);
        // Without any script, the same words are just words.
        let (f, _) = extract(
            &page(
                "http://a.cn/gzdt/index.html",
                &html.replace(r#"<script src="/js/list.js"></script>"#, ""),
            ),
            &TextPolicy::default(),
        );
        assert!(!f.js_templates);
    }
}
